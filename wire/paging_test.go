package wire

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/meent/meent"
	"github.com/meent/meent/agent"
	"github.com/meent/meent/api"
	"github.com/meent/meent/api/apitest"
	"github.com/meent/meent/commons"
	"github.com/meent/meent/node"
	"github.com/meent/meent/value"
)

// walkAdding is walk with add called between every two pages, so that
// items are written while the list is being paged.
func walkAdding(t *testing.T, e *apitest.Env, path string, limit int, page func(body []byte) ([]string, string), add func()) []string {
	t.Helper()
	var all []string
	next := ""
	for pages := 1; ; pages++ {
		if pages > 1000 {
			t.Fatalf("%s: the cursors do not end", path)
		}
		p := path + "&limit=" + fmt.Sprint(limit)
		if next != "" {
			p += "&cursor=" + url.QueryEscape(next)
		}
		r := e.Get(p)
		apitest.WantStatus(t, r, 200)
		got, n := page(r.Body)
		if link := r.Header.Get("Link"); (link != "") != (n != "") {
			t.Fatalf("%s: Link %q with next %q", p, link, n)
		}
		all = append(all, got...)
		if n == "" {
			return all
		}
		next = n
		add()
	}
}

// each fails unless got holds every one of want, and nothing twice (it
// may hold items added while paging).
func each(t *testing.T, what string, got, want []string) {
	t.Helper()
	seen := map[string]bool{}
	for _, id := range got {
		if seen[id] {
			t.Fatalf("%s: %s listed twice", what, id)
		}
		seen[id] = true
	}
	for _, id := range want {
		if !seen[id] {
			t.Fatalf("%s: %s never listed (%d listed, %d wanted)", what, id, len(got), len(want))
		}
	}
}

// TestEventsByIndexPage pages GET /api/v1/events?commons= and ?touches=
// (the event index) while events are added, and checks the filters.
func TestEventsByIndexPage(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { testEventsByIndexPage(t, apitest.New(t, Register)) })
	t.Run("postgres", func(t *testing.T) { testEventsByIndexPage(t, apitest.NewPostgres(t, Register)) })
}

func testEventsByIndexPage(t *testing.T, e *apitest.Env) {
	ada := e.CreateAgent("Ada")
	e.Act(ada, agent.TypeMemberSet, agent.MemberData{Agent: ada.ID, Role: agent.RoleAdmin})
	bob := e.CreateAgent("Bob")
	admit := e.Act(ada, agent.TypeMemberSet, agent.MemberData{Agent: bob.ID, Role: agent.RoleMember})
	lib := e.Act(ada, commons.TypeCreate, commons.CreateData{Name: "lib", Kind: "software"})
	other := e.Act(ada, commons.TypeCreate, commons.CreateData{Name: "other", Kind: "software"})
	for i := range 9 {
		e.Act([]*apitest.Signer{ada, bob}[i%2], commons.TypeNeedPost, commons.NeedData{Commons: lib, Title: fmt.Sprint("need ", i)})
		e.Act(ada, commons.TypeNeedPost, commons.NeedData{Commons: other, Title: fmt.Sprint("other ", i)})
	}
	events := apitest.ListOf[api.EventList](t, func(v *api.EventList) ([]string, string) {
		return apitest.IDs(v.Events, func(ev api.Event) string { return ev.Hash }), v.Next
	})
	whole, _ := apitest.Walk(t, e, "/api/v1/events?commons="+lib, 1000, events)
	if len(whole) != 10 { // its creation and its nine needs
		t.Fatalf("commons=: %d events, want 10", len(whole))
	}
	n := 0
	got := walkAdding(t, e, "/api/v1/events?commons="+lib, 3, events, func() {
		n++
		e.Act(ada, commons.TypeNeedPost, commons.NeedData{Commons: lib, Title: fmt.Sprint("later ", n)})
	})
	// Newest first: what is added while paging comes before the cursor.
	if !slices.Equal(got, whole) {
		t.Errorf("commons= by pages of 3 while adding: %d events, want the %d there were", len(got), len(whole))
	}

	touching, _ := apitest.Walk(t, e, "/api/v1/events?touches="+bob.ID, 1000, events)
	if !slices.Contains(touching, admit) {
		t.Error("touches=: bob's admission by ada is not listed")
	}
	signed, _ := apitest.Walk(t, e, "/api/v1/events?author="+bob.ID, 1000, events)
	for _, h := range signed {
		if !slices.Contains(touching, h) {
			t.Errorf("touches=: %s, signed by bob, is not listed", h)
		}
	}
	got = walkAdding(t, e, "/api/v1/events?touches="+bob.ID, 2, events, func() {
		e.Act(bob, commons.TypeNeedPost, commons.NeedData{Commons: lib, Title: "bob again"})
	})
	if !slices.Equal(got, touching) {
		t.Errorf("touches= by pages of 2 while adding: %d events, want %d", len(got), len(touching))
	}
	// Both at once: bob's needs in lib, not ada's.
	both, _ := apitest.Walk(t, e, "/api/v1/events?commons="+lib+"&touches="+bob.ID, 1000, events)
	if len(both) != 4+1+len(got)/2 && len(both) < 5 {
		t.Errorf("commons= and touches=: %d events", len(both))
	}
	for _, ev := range apitest.GetJSONAs[api.EventList](t, e, "/api/v1/events?limit=1000&commons="+lib+"&touches="+bob.ID).Events {
		if ev.Author != bob.ID || !strings.Contains(string(ev.Data), lib) {
			t.Errorf("commons= and touches=: %s by %s", ev.Type, ev.Author)
		}
	}
	apitest.WantProblem(t, e.Get("/api/v1/events?commons=nope"), 400, meent.EINVALID)
	apitest.WantProblem(t, e.Get("/api/v1/events?touches=nope"), 400, meent.EINVALID)
}

// TestAgentPageTouching checks the agent page and feed with ?touching=1
// and the page's next-page link.
func TestAgentPageTouching(t *testing.T) {
	e := apitest.New(t, Register)
	ada := e.CreateAgent("Ada")
	e.Act(ada, agent.TypeMemberSet, agent.MemberData{Agent: ada.ID, Role: agent.RoleAdmin})
	bob := e.CreateAgent("Bob")
	admit := e.Act(ada, agent.TypeMemberSet, agent.MemberData{Agent: bob.ID, Role: agent.RoleMember})

	page := e.Get("/agents/" + bob.ID)
	apitest.WantStatus(t, page, 200)
	if strings.Contains(string(page.Body), admit) {
		t.Error("the agent page lists an event others signed without ?touching=1")
	}
	apitest.WantContains(t, page, "/agents/"+bob.ID+"?touching=1")
	page = e.Get("/agents/" + bob.ID + "?touching=1")
	apitest.WantStatus(t, page, 200)
	apitest.WantContains(t, page, admit, "feed.atom?touching=1")
	feed := e.Get("/agents/" + bob.ID + "/feed.atom?touching=1")
	apitest.WantStatus(t, feed, 200)
	apitest.WantContains(t, feed, "urn:meent:event:"+admit, "urn:meent:agent:"+bob.ID+":touching")
	feed = e.Get("/agents/" + bob.ID + "/feed.atom")
	apitest.WantStatus(t, feed, 200)
	if strings.Contains(string(feed.Body), admit) {
		t.Error("the agent feed lists an event others signed without ?touching=1")
	}
	apitest.WantStatus(t, e.Get("/agents/"+bob.ID+"?touching=2"), 400)

	// More than a page of events: the page links to the next, and the
	// pages together hold each event once.
	lib := e.Act(ada, commons.TypeCreate, commons.CreateData{Name: "lib", Kind: "software"})
	var needs []string
	for i := range 60 {
		needs = append(needs, e.Act(bob, commons.TypeNeedPost, commons.NeedData{Commons: lib, Title: fmt.Sprint("need ", i)}))
	}
	seen := map[string]int{}
	path := "/agents/" + bob.ID
	for pages := 0; path != ""; pages++ {
		if pages > 5 {
			t.Fatal("the agent page's next links do not end")
		}
		r := e.Get(path)
		apitest.WantStatus(t, r, 200)
		body := string(r.Body)
		for _, h := range needs {
			if strings.Contains(body, "/events/"+h) {
				seen[h]++
			}
		}
		path = ""
		if i := strings.Index(body, `href="/agents/`+bob.ID+`?before=`); i >= 0 {
			rest := body[i+len(`href="`):]
			path = strings.ReplaceAll(rest[:strings.IndexByte(rest, '"')], "&amp;", "&")
		}
	}
	for _, h := range needs {
		if seen[h] != 1 {
			t.Fatalf("need %s on %d agent pages", h, seen[h])
		}
	}
}

// TestImportsAndPayoutsPage pages a commons' imports (commits and
// identities) and payouts while more are added, and checks that the Go
// client reads them whole.
func TestImportsAndPayoutsPage(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { testImportsAndPayoutsPage(t, apitest.New(t, Register)) })
	t.Run("postgres", func(t *testing.T) { testImportsAndPayoutsPage(t, apitest.NewPostgres(t, Register)) })
}

func testImportsAndPayoutsPage(t *testing.T, e *apitest.Env) {
	ada := e.CreateAgent("Ada")
	e.Act(ada, agent.TypeMemberSet, agent.MemberData{Agent: ada.ID, Role: agent.RoleAdmin})
	lib := e.Act(ada, commons.TypeCreate, commons.CreateData{Name: "lib", Kind: "software"})
	seq := 0
	importSome := func(n int, noStats bool) {
		var batch []commons.ImportedCommit
		for range n {
			seq++
			// Hashes and identities out of insertion order, so that added
			// ones land on both sides of a cursor.
			batch = append(batch, commons.ImportedCommit{Commit: fmt.Sprintf("%040x", (seq*7919)%100003), Identity: fmt.Sprintf("git:p%d@example.org", (seq*31)%97), LinesAdded: 1, NoStats: noStats})
		}
		e.Act(ada, commons.TypeImport, commons.ImportData{Commons: lib, Commits: batch})
	}
	importSome(20, false)
	importSome(5, true)
	whole := apitest.GetJSONAs[api.ImportsInfo](t, e, "/api/v1/commons/"+lib+"/imports?limit=1000")
	if len(whole.Commits) != 25 || len(whole.Identities) != 25 || len(whole.NoStats) != 5 || whole.Next != "" {
		t.Fatalf("imports: %d commits, %d identities, %d no_stats, next %q", len(whole.Commits), len(whole.Identities), len(whole.NoStats), whole.Next)
	}
	var noStats []string
	var commits, idents []string
	walkAdding(t, e, "/api/v1/commons/"+lib+"/imports?x=1", 4, apitest.ListOf[api.ImportsInfo](t, func(v *api.ImportsInfo) ([]string, string) {
		if len(v.Commits) > 4 || len(v.Identities) > 4 {
			t.Fatalf("a page of %d commits and %d identities, limit 4", len(v.Commits), len(v.Identities))
		}
		commits = append(commits, v.Commits...)
		noStats = append(noStats, v.NoStats...)
		idents = append(idents, apitest.IDs(v.Identities, func(i api.IdentityInfo) string { return i.Identity })...)
		return nil, v.Next
	}), func() { importSome(1, false) })
	each(t, "imported commits", commits, whole.Commits)
	each(t, "identities", idents, apitest.IDs(whole.Identities, func(i api.IdentityInfo) string { return i.Identity }))
	each(t, "no_stats", noStats, whole.NoStats)
	for _, c := range noStats {
		if !slices.Contains(commits, c) {
			t.Errorf("no_stats %s is on a page without its commit", c)
		}
	}
	all, err := e.Client.Imports(t.Context(), lib)
	if err != nil || len(all.Commits) != seq || len(all.NoStats) != 5 {
		t.Fatalf("client: %d commits of %d, %d no_stats, %v", len(all.Commits), seq, len(all.NoStats), err)
	}

	// Payouts: one balance per identity (and the pools).
	inc := e.Act(ada, value.TypeIncomeRecord, value.IncomeData{Commons: lib, Kind: "grant", Amount: commons.Money{Amount: 100000, Currency: "EUR"}})
	e.Act(ada, value.TypeDistributionRun, value.RunData{Income: inc})
	lineKeys := func(ls []api.PayoutLine) []string {
		return apitest.IDs(ls, func(l api.PayoutLine) string { return l.Currency + ":" + l.Kind + ":" + l.Recipient })
	}
	wholePay := apitest.GetJSONAs[api.PayoutsInfo](t, e, "/api/v1/commons/"+lib+"/payouts?limit=1000")
	want := append(lineKeys(wholePay.Pay), lineKeys(wholePay.Carried)...)
	if len(want) < 10 || wholePay.Next != "" {
		t.Fatalf("payouts: %d lines, next %q", len(want), wholePay.Next)
	}
	var lines []string
	walkAdding(t, e, "/api/v1/commons/"+lib+"/payouts?x=1", 3, apitest.ListOf[api.PayoutsInfo](t, func(v *api.PayoutsInfo) ([]string, string) {
		if len(v.Pay) > 3 || len(v.Carried) > 3 {
			t.Fatalf("a page of %d and %d lines, limit 3", len(v.Pay), len(v.Carried))
		}
		lines = append(lines, append(lineKeys(v.Pay), lineKeys(v.Carried)...)...)
		return nil, v.Next
	}), func() {
		importSome(1, false)
		inc := e.Act(ada, value.TypeIncomeRecord, value.IncomeData{Commons: lib, Kind: "grant", Amount: commons.Money{Amount: 100, Currency: "USD"}})
		e.Act(ada, value.TypeDistributionRun, value.RunData{Income: inc})
	})
	each(t, "payout lines", lines, want)
	po, err := e.Client.Payouts(t.Context(), lib)
	if err != nil || len(po.Pay)+len(po.Carried) < len(want) {
		t.Fatalf("client: %d+%d payout lines, want at least %d, %v", len(po.Pay), len(po.Carried), len(want), err)
	}
	// The CSV is the whole file a treasurer pays from, never a page.
	r := e.Get("/api/v1/commons/" + lib + "/payouts?format=csv&limit=1")
	apitest.WantStatus(t, r, 200)
	if n := strings.Count(string(r.Body), "\n"); n < len(po.Pay) {
		t.Errorf("payouts CSV: %d lines for %d payouts", n, len(po.Pay))
	}
	apitest.WantProblem(t, e.Get("/api/v1/commons/"+lib+"/imports?cursor="+apitest.Cursor("payouts", "a", "b")), 400, meent.EINVALID)
}

// TestTokensBounded checks that the tokens list, answered whole, is
// bounded where tokens are made: the store lists at most 1000, so a
// 1001st is refused rather than left out of the list.
func TestTokensBounded(t *testing.T) {
	e := apitest.New(t, Register)
	ada := e.CreateAgent("Ada")
	for i := range node.MaxTokensPerAgent {
		if _, _, err := e.Accounts.IssueToken(t.Context(), ada.ID, fmt.Sprint("t", i), 0); err != nil {
			t.Fatalf("token %d: %v", i, err)
		}
	}
	_, _, err := e.Accounts.IssueToken(t.Context(), ada.ID, "one too many", 0)
	if meent.ErrorCode(err) != meent.ECONFLICT {
		t.Fatalf("token %d: %v, want conflict", node.MaxTokensPerAgent+1, err)
	}
	ts, err := e.Accounts.Tokens(t.Context(), ada.ID)
	if err != nil || len(ts) != node.MaxTokensPerAgent {
		t.Fatalf("%d tokens listed, %v", len(ts), err)
	}
	if _, _, err := e.Accounts.IssueToken(t.Context(), e.CreateAgent("Bob").ID, "bob's", 0); err != nil {
		t.Fatalf("another agent's token: %v", err)
	}
}

// webWalk follows a web page's "next page" links (those starting with
// next) from path, checks that each of want is linked as link+ID (or
// shown, when link is "") on exactly one page, and adds between pages.
func webWalk(t *testing.T, e *apitest.Env, path, next, link string, want []string, add func()) map[string]int {
	t.Helper()
	seen := map[string]int{}
	for pages := 0; path != ""; pages++ {
		if pages > 20 {
			t.Fatalf("%s: the next links do not end", path)
		}
		r := e.Get(path)
		apitest.WantStatus(t, r, 200)
		body := string(r.Body)
		for _, id := range want {
			// A link to an ID ends at the quote or the query; a text (link
			// "") is matched as it is.
			if link == "" && strings.Contains(body, id) || link != "" && (strings.Contains(body, link+id+`"`) || strings.Contains(body, link+id+`?`)) {
				seen[id]++
			}
		}
		path = ""
		if i := strings.Index(body, `href="`+next); i >= 0 {
			rest := body[i+len(`href="`):]
			path = strings.ReplaceAll(rest[:strings.IndexByte(rest, '"')], "&amp;", "&")
			add()
		}
	}
	for _, id := range want {
		if seen[id] != 1 {
			t.Fatalf("%s%s on %d pages, want 1", link, id, seen[id])
		}
	}
	return seen
}

// TestWebListsPage walks the commons list and a commons' contributions
// and needs on the web pages, by their next-page links, while adding.
func TestWebListsPage(t *testing.T) {
	e := apitest.New(t, Register)
	ada := e.CreateAgent("Ada")
	e.Act(ada, agent.TypeMemberSet, agent.MemberData{Agent: ada.ID, Role: agent.RoleAdmin})
	var all, hardware []string
	for i := range 105 {
		kind := []string{"software", "hardware"}[i%2]
		id := e.Act(ada, commons.TypeCreate, commons.CreateData{Name: fmt.Sprint("c", i), Kind: kind})
		all = append(all, id)
		if kind == "hardware" {
			hardware = append(hardware, id)
		}
	}
	add := func() { e.Act(ada, commons.TypeCreate, commons.CreateData{Name: "later", Kind: "hardware"}) }
	webWalk(t, e, "/commons", "/commons?cursor=", "/commons/", all, add)
	webWalk(t, e, "/commons?kind=hardware", "/commons?cursor=", "/commons/", hardware, add)
	webWalk(t, e, "/commons?kind=hardware&limit=7", "/commons?cursor=", "/commons/", hardware, add)

	lib := all[0]
	var batch []commons.ImportedCommit
	for i := range 130 {
		batch = append(batch, commons.ImportedCommit{Commit: fmt.Sprintf("%040x", i+1), Identity: "git:ada@example.org"})
	}
	e.Act(ada, commons.TypeImport, commons.ImportData{Commons: lib, Commits: batch})
	ks := apitest.IDs(apitest.GetJSONAs[api.ContributionList](t, e, "/api/v1/commons/"+lib+"/contributions?limit=1000").Contributions, func(k api.Contribution) string { return k.ID })
	if len(ks) != 130 {
		t.Fatalf("%d contributions", len(ks))
	}
	webWalk(t, e, "/commons/"+lib, "/commons/"+lib+"?contributions=", "/contributions/", ks, func() {
		e.Act(ada, commons.TypeImport, commons.ImportData{Commons: lib, Commits: []commons.ImportedCommit{{Commit: fmt.Sprintf("%040x", 1000+len(ks)), Identity: "git:ada@example.org"}}})
	})
	var needs []string
	for i := range 120 {
		needs = append(needs, e.Act(ada, commons.TypeNeedPost, commons.NeedData{Commons: lib, Title: fmt.Sprint("need ", i)}))
	}
	webWalk(t, e, "/commons/"+lib+"?sort=newest&status=open", "/commons/"+lib+"?sort=newest&amp;status=open&amp;needs=", "/needs/", needs, func() {
		e.Act(ada, commons.TypeNeedPost, commons.NeedData{Commons: lib, Title: "later"})
	})
	apitest.WantStatus(t, e.Get("/commons/"+lib+"?needs=garbage"), 400)
}

// TestPolicyHistoryPages pages a policy's history in the API (oldest
// first) and on the web page (newest first) while versions are added, and
// checks that the current policy is the newest whatever the page.
func TestPolicyHistoryPages(t *testing.T) {
	e := apitest.New(t, Register)
	ada := e.CreateAgent("Ada")
	e.Act(ada, agent.TypeMemberSet, agent.MemberData{Agent: ada.ID, Role: agent.RoleAdmin})
	lib := e.Act(ada, commons.TypeCreate, commons.CreateData{Name: "lib", Kind: "software"})
	version := 0
	set := func() string {
		version++
		doc := fmt.Sprintf(`{"format":1,"version":1,"name":"v%d","default":"1","split":{"contributors":"1/1"}}`, version)
		return e.Act(ada, value.TypePolicySet, value.PolicySetData{Commons: lib, Policy: jsontext.Value(doc)})
	}
	var events []string
	for range 7 {
		events = append(events, set())
	}
	versions := func(v *api.PolicyInfo) ([]string, string) {
		if v.Version != version {
			t.Fatalf("a page says the current version is %d, want %d", v.Version, version)
		}
		return apitest.IDs(v.History, func(h api.PolicyVersionInfo) string { return fmt.Sprint(h.Version) }), v.Next
	}
	got := walkAdding(t, e, "/api/v1/commons/"+lib+"/policy?x=1", 2, apitest.ListOf[api.PolicyInfo](t, versions), func() { set() })
	each(t, "policy versions", got, []string{"1", "2", "3", "4", "5", "6", "7"})
	for i := range got {
		if got[i] != fmt.Sprint(i+1) {
			t.Fatalf("history not oldest first: %v", got)
		}
	}
	p, err := e.Client.Policy(t.Context(), lib)
	if err != nil || len(p.History) != version || p.Version != version {
		t.Fatalf("client: %d versions, current %d, want %d: %v", len(p.History), p.Version, version, err)
	}
	for range 100 {
		events = append(events, set())
	}
	// The newest is also linked as the current policy, on every page.
	webWalk(t, e, "/commons/"+lib+"/policy", "/commons/"+lib+"/policy?cursor=", "/events/", events[:len(events)-1], func() {})
}

// TestAgentPageContributions walks an agent's contributions on its page.
func TestAgentPageContributions(t *testing.T) {
	e := apitest.New(t, Register)
	ada := e.CreateAgent("Ada")
	e.Act(ada, agent.TypeMemberSet, agent.MemberData{Agent: ada.ID, Role: agent.RoleAdmin})
	lib := e.Act(ada, commons.TypeCreate, commons.CreateData{Name: "lib", Kind: "software"})
	var batch []commons.ImportedCommit
	for i := range 120 {
		batch = append(batch, commons.ImportedCommit{Commit: fmt.Sprintf("%040x", i+1), Identity: "git:ada@example.org"})
	}
	e.Act(ada, commons.TypeImport, commons.ImportData{Commons: lib, Commits: batch})
	e.Act(ada, commons.TypeIdentityAttest, commons.IdentityData{Commons: lib, Identity: "git:ada@example.org", Agent: ada.ID})
	ks := apitest.IDs(apitest.GetJSONAs[api.ContributionList](t, e, "/api/v1/agents/"+ada.ID+"/contributions?limit=1000").Contributions, func(k api.Contribution) string { return k.ID })
	if len(ks) != 120 {
		t.Fatalf("%d contributions", len(ks))
	}
	added := 0
	webWalk(t, e, "/agents/"+ada.ID, "/agents/"+ada.ID+"?contributions=", "/contributions/", ks, func() {
		added++
		e.Act(ada, commons.TypeImport, commons.ImportData{Commons: lib, Commits: []commons.ImportedCommit{{Commit: fmt.Sprintf("%040x", 5000+added), Identity: "git:ada@example.org"}}})
	})
	if added != 2 {
		t.Errorf("%d next links followed for 120 contributions, 50 a page", added)
	}
}

// TestWebBalancesPage walks a commons' open balances on its page and an
// agent's balances on its page, by their next links.
func TestWebBalancesPage(t *testing.T) {
	e := apitest.New(t, Register)
	ada := e.CreateAgent("Ada")
	e.Act(ada, agent.TypeMemberSet, agent.MemberData{Agent: ada.ID, Role: agent.RoleAdmin})
	lib := e.Act(ada, commons.TypeCreate, commons.CreateData{Name: "lib", Kind: "software"})
	var batch []commons.ImportedCommit
	for i := range 130 {
		batch = append(batch, commons.ImportedCommit{Commit: fmt.Sprintf("%040x", i+1), Identity: fmt.Sprintf("git:p%03d@example.org", i), LinesAdded: 1})
	}
	e.Act(ada, commons.TypeImport, commons.ImportData{Commons: lib, Commits: batch})
	inc := e.Act(ada, value.TypeIncomeRecord, value.IncomeData{Commons: lib, Kind: "grant", Amount: commons.Money{Amount: 1000000, Currency: "EUR"}})
	e.Act(ada, value.TypeDistributionRun, value.RunData{Income: inc})
	var identities []string
	for _, b := range apitest.GetJSONAs[api.BalanceList](t, e, "/api/v1/commons/"+lib+"/balances?status=open&limit=1000").Balances {
		if b.Kind == value.RecipientIdentity {
			identities = append(identities, b.Recipient)
		}
	}
	if len(identities) != 130 {
		t.Fatalf("%d identity balances", len(identities))
	}
	for i := range identities {
		identities[i] = "/identities\">" + identities[i] + "</a>"
	}
	webWalk(t, e, "/commons/"+lib, "/commons/"+lib+"?balances=", "", identities, func() {})
	// The payouts page: each identity's line once, 100 a page.
	var lines []string
	for _, id := range identities {
		lines = append(lines, "<td>"+strings.TrimSuffix(strings.TrimPrefix(id, `/identities">`), "</a>")+"</td>")
	}
	webWalk(t, e, "/commons/"+lib+"/payouts", "/commons/"+lib+"/payouts?cursor=", "", lines, func() {})

	// An agent owed by more than a page of commons: each balance links
	// the distribution that allocated it.
	bob := e.CreateAgent("Bob")
	var runs []string
	for i := range 105 {
		c := e.Act(ada, commons.TypeCreate, commons.CreateData{Name: fmt.Sprint("c", i), Kind: "software"})
		e.Act(ada, commons.TypeImport, commons.ImportData{Commons: c, Commits: []commons.ImportedCommit{{Commit: fmt.Sprintf("%040x", 1000+i), Identity: "git:bob@example.org", LinesAdded: 1}}})
		e.Act(ada, commons.TypeIdentityAttest, commons.IdentityData{Commons: c, Identity: "git:bob@example.org", Agent: bob.ID})
		inc := e.Act(ada, value.TypeIncomeRecord, value.IncomeData{Commons: c, Kind: "grant", Amount: commons.Money{Amount: 10000, Currency: "EUR"}})
		runs = append(runs, e.Act(ada, value.TypeDistributionRun, value.RunData{Income: inc}))
	}
	if n := len(apitest.GetJSONAs[api.BalanceList](t, e, "/api/v1/agents/"+bob.ID+"/balances?limit=1000").Balances); n != 105 {
		t.Fatalf("bob has %d balances", n)
	}
	webWalk(t, e, "/agents/"+bob.ID, "/agents/"+bob.ID+"?balances=", "/distributions/", runs, func() {})
}

// TestIdentitiesPage walks a commons' identities page by its next links.
func TestIdentitiesPage(t *testing.T) {
	e := apitest.New(t, Register)
	ada := e.CreateAgent("Ada")
	e.Act(ada, agent.TypeMemberSet, agent.MemberData{Agent: ada.ID, Role: agent.RoleAdmin})
	lib := e.Act(ada, commons.TypeCreate, commons.CreateData{Name: "lib", Kind: "software"})
	var batch []commons.ImportedCommit
	var identities []string
	for i := range 150 {
		id := fmt.Sprintf("git:p%03d@example.org", (i*37)%150)
		batch = append(batch, commons.ImportedCommit{Commit: fmt.Sprintf("%040x", i+1), Identity: id})
		identities = append(identities, "<code>"+id+"</code>")
	}
	e.Act(ada, commons.TypeImport, commons.ImportData{Commons: lib, Commits: batch})
	n := 0
	webWalk(t, e, "/commons/"+lib+"/identities", "/commons/"+lib+"/identities?cursor=", "", identities, func() {
		// Added between pages: before or after the cursor, never twice.
		n++
		e.Act(ada, commons.TypeImport, commons.ImportData{Commons: lib, Commits: []commons.ImportedCommit{{Commit: fmt.Sprintf("%040x", 1000+n), Identity: fmt.Sprintf("git:new%d@example.org", n)}}})
	})
	if n != 1 {
		t.Errorf("%d next links for 150 identities, 100 a page", n)
	}
}

// TestValueFlowsWhole checks that the ValueFlows export holds every
// contribution of a commons with more than 1000 (it stopped at 1000).
func TestValueFlowsWhole(t *testing.T) {
	e := apitest.New(t, Register)
	ada := e.CreateAgent("Ada")
	e.Act(ada, agent.TypeMemberSet, agent.MemberData{Agent: ada.ID, Role: agent.RoleAdmin})
	lib := e.Act(ada, commons.TypeCreate, commons.CreateData{Name: "lib", Kind: "software"})
	const n = 1100
	for start := 0; start < n; start += commons.MaxImportCommits {
		var batch []commons.ImportedCommit
		for i := start; i < min(start+commons.MaxImportCommits, n); i++ {
			batch = append(batch, commons.ImportedCommit{Commit: fmt.Sprintf("%040x", i+1), Identity: "git:ada@example.org", LinesAdded: 1})
		}
		e.Act(ada, commons.TypeImport, commons.ImportData{Commons: lib, Commits: batch})
	}
	var buf strings.Builder
	if err := e.Client.ValueFlows(t.Context(), lib, &buf); err != nil {
		t.Fatal(err)
	}
	ks, err := e.Client.Contributions(t.Context(), lib, commons.Accepted, false)
	if err != nil || len(ks) != n {
		t.Fatalf("%d contributions, %v", len(ks), err)
	}
	for _, k := range ks {
		if !strings.Contains(buf.String(), "/contributions/"+k.ID) {
			t.Fatalf("contribution %s is not in the export", k.ID)
		}
	}
}

// TestHomePages walks the log on the home page, 50 events a page, by its
// next links, while events are added.
func TestHomePages(t *testing.T) {
	e := apitest.New(t, Register)
	ada := e.CreateAgent("Ada")
	e.Act(ada, agent.TypeMemberSet, agent.MemberData{Agent: ada.ID, Role: agent.RoleAdmin})
	lib := e.Act(ada, commons.TypeCreate, commons.CreateData{Name: "lib", Kind: "software"})
	for i := range 120 {
		e.Act(ada, commons.TypeNeedPost, commons.NeedData{Commons: lib, Title: fmt.Sprint("need ", i)})
	}
	events, _ := apitest.Walk(t, e, "/api/v1/events?x=1", 1000, apitest.ListOf[api.EventList](t, func(v *api.EventList) ([]string, string) {
		return apitest.IDs(v.Events, func(ev api.Event) string { return ev.Hash }), v.Next
	}))
	if len(events) != int(e.Size()) || len(events) < 120 {
		t.Fatalf("%d events", len(events))
	}
	webWalk(t, e, "/", "/?before=", "/events/", events, func() {
		e.Act(ada, commons.TypeNeedPost, commons.NeedData{Commons: lib, Title: "later"})
	})
}
