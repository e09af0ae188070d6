package http

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	nethttp "net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/meent/meent"
	"github.com/meent/meent/agent"
	"github.com/meent/meent/api"
	"github.com/meent/meent/commons"
	"github.com/meent/meent/postgres"
	"github.com/meent/meent/value"
)

// pgEnv is newEnv over PostgreSQL in a schema of its own, when
// MEENT_TEST_POSTGRES names a server; the test is skipped otherwise.
func pgEnv(t *testing.T) *env {
	dsn := os.Getenv("MEENT_TEST_POSTGRES")
	if dsn == "" {
		t.Skip("MEENT_TEST_POSTGRES is not set; skipping PostgreSQL")
	}
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	var b [8]byte
	rand.Read(b[:])
	name := "meent_http_" + hex.EncodeToString(b[:])
	if _, err := admin.ExecContext(t.Context(), "CREATE SCHEMA "+name); err != nil {
		admin.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		defer admin.Close()
		admin.ExecContext(context.Background(), "DROP SCHEMA "+name+" CASCADE")
	})
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", name)
	u.RawQuery = q.Encode()
	store, err := postgres.Open(t.Context(), u.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	return newEnvOn(t, store)
}

// walk follows the cursors of a list from path, and returns the IDs of
// every item and the number of pages. It fails if a page is larger than
// limit or the cursors do not end.
func walk(t *testing.T, e *env, path string, limit int, page func(body []byte) (ids []string, next string)) ([]string, int) {
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
		r := e.get(p)
		wantStatus(t, r, 200)
		ids, n := page(r.body)
		if len(ids) > limit {
			t.Fatalf("%s: a page of %d items, limit %d", p, len(ids), limit)
		}
		if link := r.header.Get("Link"); (link != "") != (n != "") || (n != "" && !strings.Contains(link, `rel="next"`)) {
			t.Fatalf("%s: Link %q with next %q", p, link, n)
		}
		all = append(all, ids...)
		if n == "" {
			return all, pages
		}
		next = n
	}
}

// once fails unless got holds each of want exactly once.
func once(t *testing.T, what string, got []string, want int) {
	t.Helper()
	seen := map[string]bool{}
	for _, id := range got {
		if seen[id] {
			t.Fatalf("%s: %s listed twice", what, id)
		}
		seen[id] = true
	}
	if len(got) != want {
		t.Fatalf("%s: %d items listed, want %d", what, len(got), want)
	}
}

func listOf[T any](t *testing.T, items func(*T) ([]string, string)) func([]byte) ([]string, string) {
	return func(body []byte) ([]string, string) {
		var v T
		if err := json.Unmarshal(body, &v); err != nil {
			t.Fatalf("%v: %s", err, body)
		}
		return items(&v)
	}
}

// TestListsPageWithCursors lists more items than a page holds from every
// paged list of the API, following the cursors, and checks that each
// item comes exactly once: the contributions of a commons stopped at 1000
// with no cursor before.
func TestListsPageWithCursors(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { testListsPage(t, newEnv(t)) })
	t.Run("postgres", func(t *testing.T) { testListsPage(t, pgEnv(t)) })
}

func testListsPage(t *testing.T, e *env) {
	ada := e.createAgent("Ada")
	e.act(ada, agent.TypeMemberSet, agent.MemberData{Agent: ada.id, Role: agent.RoleAdmin})
	lib := e.act(ada, commons.TypeCreate, commons.CreateData{Name: "lib", Kind: "software"})

	// 1100 imported commits: more than the old cap of 1000, most in ties
	// of one ledger index (an import event's 200 commits share it).
	const n = 1100
	commit := func(i int) string { return fmt.Sprintf("%040x", i+1) }
	for start := 0; start < n; start += commons.MaxImportCommits {
		var batch []commons.ImportedCommit
		for i := start; i < min(start+commons.MaxImportCommits, n); i++ {
			batch = append(batch, commons.ImportedCommit{Commit: commit(i), Identity: "git:ada@example.org", LinesAdded: 1})
		}
		e.act(ada, commons.TypeImport, commons.ImportData{Commons: lib, Commits: batch})
	}
	contributions := listOf[api.ContributionList](t, func(v *api.ContributionList) ([]string, string) {
		return ids(v.Contributions, func(k api.Contribution) string { return k.ID }), v.Next
	})
	got, pages := walk(t, e, "/api/v1/commons/"+lib+"/contributions?status=accepted", 1000, contributions)
	once(t, "contributions", got, n)
	if pages != 2 {
		t.Errorf("%d pages of 1000 for %d contributions", pages, n)
	}
	// Newest first, as one list.
	all, _ := walk(t, e, "/api/v1/commons/"+lib+"/contributions?x=1", 1000, contributions)
	if !slices.Equal(all, got) {
		t.Error("the order differs between two walks")
	}

	// A fork recognises the upstream's; its own come on top.
	fork := e.act(ada, commons.TypeFork, commons.ForkData{Commons: lib, Name: "lib-ng"})
	e.act(ada, commons.TypeImport, commons.ImportData{Commons: fork, Commits: []commons.ImportedCommit{
		{Commit: strings.Repeat("f", 40), Identity: "git:ada@example.org"}, {Commit: strings.Repeat("e", 40), Identity: "git:ada@example.org"}}})
	got, _ = walk(t, e, "/api/v1/commons/"+fork+"/contributions?lineage=1", 7, contributions)
	once(t, "lineage", got, n+2)
	got, _ = walk(t, e, "/api/v1/commons/"+fork+"/contributions?lineage=0", 1, contributions)
	once(t, "the fork's own", got, 2)

	// The Go client follows the cursors.
	if ks, err := e.client.Contributions(t.Context(), lib, "", false); err != nil || len(ks) != n {
		t.Fatalf("client: %d contributions, %v", len(ks), err)
	}

	// Mapped to an agent, they are the agent's contributions.
	e.act(ada, commons.TypeIdentityAttest, commons.IdentityData{Commons: lib, Identity: "git:ada@example.org", Agent: ada.id})
	got, _ = walk(t, e, "/api/v1/agents/"+ada.id+"/contributions?x=1", 300, contributions)
	once(t, "agent contributions", got, n)
	if ks, err := e.client.AgentContributions(t.Context(), ada.id, commons.Accepted); err != nil || len(ks) != n {
		t.Fatalf("client: %d agent contributions, %v", len(ks), err)
	}

	// Incomes, distributions and balances.
	for i := range 5 {
		inc := e.act(ada, value.TypeIncomeRecord, value.IncomeData{Commons: lib, Kind: "grant", Amount: commons.Money{Amount: int64(1000 + i), Currency: "EUR"}})
		e.act(ada, value.TypeDistributionRun, value.RunData{Income: inc})
	}
	e.act(ada, commons.TypeIdentityAttest, commons.IdentityData{Commons: fork, Identity: "git:ada@example.org", Agent: ada.id})
	got, _ = walk(t, e, "/api/v1/commons/"+lib+"/incomes?x=1", 2, listOf[api.IncomeList](t, func(v *api.IncomeList) ([]string, string) {
		return ids(v.Incomes, func(i value.Income) string { return i.ID }), v.Next
	}))
	once(t, "incomes", got, 5)
	got, _ = walk(t, e, "/api/v1/commons/"+lib+"/distributions?x=1", 2, listOf[api.DistributionList](t, func(v *api.DistributionList) ([]string, string) {
		return ids(v.Distributions, func(d value.Distribution) string { return d.ID }), v.Next
	}))
	once(t, "distributions", got, 5)
	balances := listOf[api.BalanceList](t, func(v *api.BalanceList) ([]string, string) {
		return ids(v.Balances, func(b value.Balance) string { return b.Kind + ":" + b.Recipient + ":" + b.Currency }), v.Next
	})
	wantBalances := len(getJSONAs[api.BalanceList](t, e, "/api/v1/commons/"+lib+"/balances?limit=1000").Balances)
	got, _ = walk(t, e, "/api/v1/commons/"+lib+"/balances?status=all", 1, balances)
	once(t, "balances", got, wantBalances)
	if wantBalances < 3 {
		t.Fatalf("only %d balances", wantBalances)
	}

	// Commons, with and without a kind; needs on every board order.
	for i := range 4 {
		e.act(ada, commons.TypeCreate, commons.CreateData{Name: fmt.Sprint("c", i), Kind: []string{"software", "hardware"}[i%2]})
	}
	commonsIDs := listOf[api.CommonsList](t, func(v *api.CommonsList) ([]string, string) {
		return ids(v.Commons, func(c api.Commons) string { return c.ID }), v.Next
	})
	got, _ = walk(t, e, "/api/v1/commons?x=1", 2, commonsIDs)
	once(t, "commons", got, 6)
	got, _ = walk(t, e, "/api/v1/commons?kind=hardware", 1, commonsIDs)
	once(t, "hardware commons", got, 2)
	for i := range 5 {
		e.act(ada, commons.TypeNeedPost, commons.NeedData{Commons: lib, Title: fmt.Sprint("need ", i)})
	}
	for _, sort := range needSorts {
		got, _ = walk(t, e, "/api/v1/commons/"+lib+"/needs?sort="+sort, 2, listOf[api.NeedList](t, func(v *api.NeedList) ([]string, string) {
			return needIDs(v.Needs), v.Next
		}))
		once(t, "needs by "+sort, got, 5)
	}

	// The log's lists: events, agents, activity.
	size := int(e.size())
	got, _ = walk(t, e, "/api/v1/events?x=1", 7, listOf[api.EventList](t, func(v *api.EventList) ([]string, string) {
		return ids(v.Events, func(ev api.Event) string { return ev.Hash }), v.Next
	}))
	once(t, "events", got, size)
	for i := range 4 {
		e.createAgent(fmt.Sprint("agent ", i))
	}
	got, _ = walk(t, e, "/api/v1/agents?x=1", 2, listOf[api.AgentList](t, func(v *api.AgentList) ([]string, string) {
		return ids(v.Agents, func(a api.Agent) string { return a.ID }), v.Next
	}))
	once(t, "agents", got, 5)
	activity := listOf[api.ActivityList](t, func(v *api.ActivityList) ([]string, string) {
		return ids(v.Events, func(a api.Activity) string { return a.Event.Hash }), v.Next
	})
	whole, _ := walk(t, e, "/api/v1/agents/"+ada.id+"/activity?x=1", 1000, activity)
	got, _ = walk(t, e, "/api/v1/agents/"+ada.id+"/activity?x=1", 5, activity)
	once(t, "agent activity", got, len(whole))
	if !slices.Equal(got, whole) || len(whole) < 20 {
		t.Errorf("agent activity: %d by pages of 5, %d in one", len(got), len(whole))
	}
	whole, _ = walk(t, e, "/api/v1/commons/"+lib+"/activity?x=1", 1000, activity)
	got, _ = walk(t, e, "/api/v1/commons/"+lib+"/activity?x=1", 3, activity)
	if !slices.Equal(got, whole) || len(whole) < 10 {
		t.Errorf("commons activity: %d by pages of 3, %d in one", len(got), len(whole))
	}

	// A cursor is checked: garbage, or one of another list, is refused.
	wantProblem(t, e.get("/api/v1/commons/"+lib+"/contributions?cursor=%21%21"), 400, meent.EINVALID)
	wantProblem(t, e.get("/api/v1/commons/"+lib+"/contributions?cursor="+cursor("incomes", "1", "x")), 400, meent.EINVALID)
	wantProblem(t, e.get("/api/v1/commons/"+lib+"/contributions?limit=1001"), 400, meent.EINVALID)
	// A NUL byte would reach PostgreSQL as a value: refused before.
	wantProblem(t, e.get("/api/v1/commons/"+lib+"/contributions?cursor="+cursor("contributions", "1", "a\x00b")), 400, meent.EINVALID)
	wantProblem(t, e.get("/api/v1/commons/"+lib+"/balances?cursor="+cursor("balances", "1", "\xff")), 400, meent.EINVALID)
}

// FuzzCursor: a cursor is untrusted input. Decoding never panics, and a
// cursor it accepts holds only text the stores can take; the cursors the
// server makes are accepted back.
func FuzzCursor(f *testing.F) {
	f.Add(cursor("contributions", "12", "ab12"))
	f.Add(cursor("events", "7"))
	f.Add("")
	f.Add("!!")
	f.Add("WyJjb250cmlidXRpb25zIl0")
	f.Fuzz(func(t *testing.T, c string) {
		r := &nethttp.Request{URL: &url.URL{RawQuery: url.Values{"cursor": {c}}.Encode()}}
		q, err := queryPage(r, "contributions")
		if err != nil {
			return
		}
		for _, p := range q.after {
			if strings.IndexByte(p, 0) >= 0 || !utf8.ValidString(p) {
				t.Fatalf("accepted %q", p)
			}
		}
		if _, err := q.objectKey(); err == nil && q.after != nil {
			back := cursor("contributions", q.after...)
			r.URL.RawQuery = url.Values{"cursor": {back}}.Encode()
			if q2, err := queryPage(r, "contributions"); err != nil || !slices.Equal(q2.after, q.after) {
				t.Fatalf("round trip of %q: %v", back, err)
			}
		}
	})
}
