package wire

import (
	"encoding/hex"
	"encoding/xml"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/meent/meent"
	"github.com/meent/meent/agent"
	"github.com/meent/meent/api"
	"github.com/meent/meent/api/apitest"
	"github.com/meent/meent/client"
	"github.com/meent/meent/commons"
	"github.com/meent/meent/node"
	"github.com/meent/meent/state"
)

func TestPeerProduction(t *testing.T) {
	t.Parallel()
	e := apitest.New(t, Register)
	ctx := t.Context()
	c := apitest.NewCommunity(t, e)

	// Grace has an account and uploads her design file.
	if _, err := e.Accounts.SignUp(ctx, node.SignUp{Username: "grace", Password: "a long enough password", Name: "Grace"}); err != nil {
		t.Fatal(err)
	}
	grace := apitest.MustAccount(t, e, "grace").Agent
	token, err := e.Accounts.CreateToken(ctx, grace, "test")
	if err != nil {
		t.Fatal(err)
	}
	design := []byte("blade profile NACA 4412, 1.2 m")
	bi, err := e.Client.PutBlob(ctx, token, design)
	if err != nil {
		t.Fatal(err)
	}

	var blade string // Cy's contribution, accepted before the fork
	t.Run("contribute with a blob as evidence", func(t *testing.T) {
		missing := strings.Repeat("e", 64)
		p := e.Refused(t, c.Cy.Sign(t, commons.TypeSubmit, commons.SubmitData{
			Commons: c.Turbine, Kind: "design", Title: "Blade", Evidence: []commons.Evidence{{Blob: missing}},
		}), 422, meent.ERULE)
		if !strings.Contains(p.Detail, "was not uploaded") {
			t.Errorf("missing blob: %s", p.Detail)
		}
		blade = e.Act(c.Cy, commons.TypeSubmit, commons.SubmitData{
			Commons: c.Turbine, Kind: "design", Title: "Blade design", Description: "Profile and moulds.",
			Evidence: []commons.Evidence{
				{Blob: bi.Hash, Note: "blade.pdf"},
				{URL: "https://turbine.example/blade"},
				{Commit: strings.Repeat("a1", 20)},
			},
			Quantities: commons.Quantities{Minutes: 600, LinesAdded: 40},
		})
		// Through the node's custodial key, with an API token.
		rc, err := e.Client.Act(ctx, token, commons.TypeSubmit, commons.SubmitData{
			Commons: c.Turbine, Kind: "design", Title: "Blade drawing", Evidence: []commons.Evidence{{Blob: bi.Hash}},
		})
		if err != nil {
			t.Fatal(err)
		}
		if k, err := e.Client.Contribution(ctx, rc.Hash.String()); err != nil || k.Contributor != grace || k.Evidence[0].Blob != bi.Hash {
			t.Errorf("contribution through an action: %+v, %v", k, err)
		}
		k, err := e.Client.Contribution(ctx, blade)
		if err != nil {
			t.Fatal(err)
		}
		if k.Status != commons.Pending || k.Contributor != c.Cy.ID || len(k.Evidence) != 3 || k.Evidence[0].Blob != bi.Hash ||
			k.Quantities.Minutes != 600 || len(k.History) != 1 || k.History[0].Event != blade || k.Decided != nil {
			t.Errorf("submitted: %+v", k)
		}
	})

	t.Run("review refusals write nothing", func(t *testing.T) {
		own := e.Act(c.Ada, commons.TypeSubmit, commons.SubmitData{Commons: c.Turbine, Kind: "documentation", Title: "Assembly manual"})
		// Nobody approves their own contribution.
		e.Refused(t, c.Ada.Sign(t, commons.TypeReview, commons.ReviewData{Contribution: own, Verdict: commons.VerdictAccept}), 403, meent.EFORBIDDEN)
		// Only maintainers review.
		e.Refused(t, c.Dee.Sign(t, commons.TypeReview, commons.ReviewData{Contribution: blade, Verdict: commons.VerdictAccept}), 403, meent.EFORBIDDEN)
		// Contributions to an unknown commons.
		e.Refused(t, c.Cy.Sign(t, commons.TypeSubmit, commons.SubmitData{Commons: strings.Repeat("0", 64), Kind: "code", Title: "Lost"}), 422, meent.ERULE)
		// A reason is required to reject.
		e.Refused(t, c.Bob.Sign(t, commons.TypeReview, commons.ReviewData{Contribution: blade, Verdict: commons.VerdictReject}), 422, meent.ERULE)
		// The same maintainer cannot give the same verdict twice.
		e.Act(c.Ada, commons.TypeReview, commons.ReviewData{Contribution: blade, Verdict: commons.VerdictAccept})
		// (With a reason, so the bytes differ from the first: the same bytes
		// would be a replay, refused as duplicate_event.)
		e.Refused(t, c.Ada.Sign(t, commons.TypeReview, commons.ReviewData{Contribution: blade, Verdict: commons.VerdictAccept, Reason: "again"}), 422, meent.ERULE)
		k, _ := e.Client.Contribution(ctx, blade)
		if k.Status != commons.Pending || !slices.Equal(k.Approvals, []string{c.Ada.ID}) {
			t.Errorf("after one approval of two: %+v", k)
		}
	})

	t.Run("two approvals accept", func(t *testing.T) {
		e.Act(c.Bob, commons.TypeReview, commons.ReviewData{Contribution: blade, Verdict: commons.VerdictAccept})
		e.Act(c.Dee, commons.TypeEndorse, commons.RefData{Contribution: blade})
		k := apitest.GetJSONAs[api.Contribution](t, e, "/api/v1/contributions/"+blade)
		if k.Status != commons.Accepted || k.Decided == nil || !slices.Equal(k.Approvals, []string{c.Ada.ID, c.Bob.ID}) ||
			!slices.Equal(k.Endorsements, []string{c.Dee.ID}) {
			t.Fatalf("accepted: %+v", k)
		}
		var actions []string
		for _, s := range k.History {
			actions = append(actions, s.Agent[:4]+":"+s.Action)
			if len(s.Event) != 64 || s.Time == 0 {
				t.Errorf("step %+v", s)
			}
		}
		want := []string{c.Cy.ID[:4] + ":submit", c.Ada.ID[:4] + ":accept", c.Bob.ID[:4] + ":accept", c.Dee.ID[:4] + ":endorse"}
		if !slices.Equal(actions, want) {
			t.Errorf("history %v, want %v", actions, want)
		}
		apitest.WantProblem(t, e.Get("/api/v1/contributions/nope"), 400, meent.EINVALID)
		apitest.WantProblem(t, e.Get("/api/v1/contributions/"+strings.Repeat("0", 64)), 404, meent.ENOTFOUND)
	})

	t.Run("changes requested, revised, rejected, disputed", func(t *testing.T) {
		k := e.Act(c.Dee, commons.TypeSubmit, commons.SubmitData{Commons: c.Turbine, Kind: "code", Title: "Controller firmware"})
		e.Act(c.Ada, commons.TypeReview, commons.ReviewData{Contribution: k, Verdict: commons.VerdictChanges, Reason: "add tests"})
		if v, _ := e.Client.Contribution(ctx, k); v.Status != commons.ChangesRequested {
			t.Errorf("status %s", v.Status)
		}
		e.Act(c.Dee, commons.TypeRevise, commons.ReviseData{Contribution: k, Title: "Controller firmware, tested"})
		e.Act(c.Bob, commons.TypeReview, commons.ReviewData{Contribution: k, Verdict: commons.VerdictReject, Reason: "duplicates the existing controller"})
		e.Act(c.Dee, commons.TypeDispute, commons.DisputeData{Contribution: k, Reason: "it replaces it; see the test results"})
		v, _ := e.Client.Contribution(ctx, k)
		if v.Status != commons.Disputed || v.Revision != 2 || v.Title != "Controller firmware, tested" || len(v.History) != 5 {
			t.Errorf("disputed: %+v", v)
		}
		pending, err := e.Client.Contributions(ctx, c.Turbine, commons.Pending, false)
		titles := apitest.IDs(pending, func(k api.Contribution) string { return k.Title })
		if err != nil || !slices.Equal(titles, []string{"Assembly manual", "Blade drawing"}) {
			t.Errorf("pending: %v, %v", titles, err)
		}
		apitest.WantProblem(t, e.Get("/api/v1/commons/"+c.Turbine+"/contributions?status=maybe"), 400, meent.EINVALID)
	})

	var fork, late string
	t.Run("fork keeps the lineage", func(t *testing.T) {
		fork = e.Act(c.Dee, commons.TypeFork, commons.ForkData{Commons: c.Turbine, Name: "Turbine Libre"})
		// Accepted upstream after the fork: not recognised by the fork.
		late = e.Act(c.Cy, commons.TypeSubmit, commons.SubmitData{Commons: c.Turbine, Kind: "design", Title: "Tower"})
		e.Act(c.Ada, commons.TypeReview, commons.ReviewData{Contribution: late, Verdict: commons.VerdictAccept})
		e.Act(c.Bob, commons.TypeReview, commons.ReviewData{Contribution: late, Verdict: commons.VerdictAccept})
		forkOwn := e.Act(c.Cy, commons.TypeSubmit, commons.SubmitData{Commons: fork, Kind: "documentation", Title: "Libre manual"})

		f := apitest.GetJSONAs[api.Commons](t, e, "/api/v1/commons/"+fork)
		if f.ForkOf == nil || f.ForkOf.ID != c.Turbine || f.ForkOf.Name != "Open Turbine" || f.ForkedAt == nil ||
			!slices.Equal(f.Maintainers, []string{c.Dee.ID}) || f.Approvals != 2 || f.Kind != "hardware" {
			t.Errorf("fork %+v", f)
		}
		up, _ := e.Client.Commons(ctx, c.Turbine)
		if len(up.Forks) != 1 || up.Forks[0] != (api.CommonsRef{ID: fork, Name: "Turbine Libre"}) || up.ForkOf != nil {
			t.Errorf("upstream forks %+v", up.Forks)
		}

		own, _ := e.Client.Contributions(ctx, fork, "", false)
		if !slices.Equal(apitest.ContributionIDs(own), []string{forkOwn}) {
			t.Errorf("fork's own contributions %v", apitest.ContributionIDs(own))
		}
		lin, err := e.Client.Contributions(ctx, fork, "", true)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(apitest.ContributionIDs(lin), []string{forkOwn, blade}) || lin[0].FromCommons != "" || lin[1].FromCommons != c.Turbine {
			t.Errorf("lineage %v (%+v)", apitest.ContributionIDs(lin), lin)
		}
		// The API agrees with the rules' own view.
		var rec map[string]string
		e.Node.State(func(st *state.State) { rec = st.Commons.Recognised(fork) })
		if got := slices.Sorted(maps.Keys(rec)); !slices.Equal(got, slices.Sorted(slices.Values(apitest.ContributionIDs(lin)))) {
			t.Errorf("rules recognise %v, API lists %v", got, apitest.ContributionIDs(lin))
		}
		acc, _ := e.Client.Contributions(ctx, fork, commons.Accepted, true)
		if !slices.Equal(apitest.ContributionIDs(acc), []string{blade}) {
			t.Errorf("accepted lineage %v", apitest.ContributionIDs(acc))
		}
		// A fork of the fork still credits the original contributors.
		grand := e.Act(c.Eve, commons.TypeFork, commons.ForkData{Commons: fork, Name: "Turbine Tiny"})
		lin, _ = e.Client.Contributions(ctx, grand, "", true)
		if !slices.Equal(apitest.ContributionIDs(lin), []string{blade}) || lin[0].FromCommons != c.Turbine {
			t.Errorf("grand-fork lineage %+v", lin)
		}
	})

	var mould, docs, paint string
	t.Run("needs board", func(t *testing.T) {
		mould = e.Act(c.Ada, commons.TypeNeedPost, commons.NeedData{Commons: c.Turbine, Title: "Blade mould", MaxClaimants: 2})
		docs = e.Act(c.Bob, commons.TypeNeedPost, commons.NeedData{Commons: c.Turbine, Title: "Translate the manual", Bounty: &commons.Money{Amount: 10000, Currency: "EUR"}})
		paint = e.Act(c.Cy, commons.TypeNeedPost, commons.NeedData{Commons: c.Turbine, Title: "Paint the tower"})
		e.Act(c.Bob, commons.TypeNeedSignal, commons.SignalData{Need: mould, Kind: commons.SignalPlusOne})
		e.Act(c.Cy, commons.TypeNeedSignal, commons.SignalData{Need: mould, Kind: commons.SignalPlusOne})
		e.Act(c.Dee, commons.TypeNeedSignal, commons.SignalData{Need: docs, Kind: commons.SignalPlusOne})
		e.Act(c.Bob, commons.TypeNeedSignal, commons.SignalData{Need: docs, Kind: commons.SignalPriority, Priority: 5})
		e.Act(c.Cy, commons.TypeNeedSignal, commons.SignalData{Need: docs, Kind: commons.SignalPriority, Priority: 2})
		e.Act(c.Dee, commons.TypeNeedSignal, commons.SignalData{Need: paint, Kind: commons.SignalPledge, Pledge: &commons.Money{Amount: 5000, Currency: "EUR"}})
		e.Act(c.Cy, commons.TypeNeedSignal, commons.SignalData{Need: paint, Kind: commons.SignalPledge, Pledge: &commons.Money{Amount: 1500, Currency: "EUR"}})
		// Only members signal; a +1 counts once.
		e.Refused(t, c.Eve.Sign(t, commons.TypeNeedSignal, commons.SignalData{Need: mould, Kind: commons.SignalPlusOne}), 403, meent.EFORBIDDEN)
		// (Signed a second earlier, so it is not the same bytes as the first.)
		e.Refused(t, c.Bob.SignAt(t, commons.TypeNeedSignal, commons.SignalData{Need: mould, Kind: commons.SignalPlusOne}, time.Now().Add(-time.Second)), 422, meent.ERULE)

		for sort, want := range map[string][]string{
			"":         {mould, docs, paint},
			"signals":  {mould, docs, paint},
			"priority": {docs, mould, paint},
			"pledges":  {paint, mould, docs},
			"age":      {mould, docs, paint},
			"newest":   {paint, docs, mould},
		} {
			ns, err := e.Client.Needs(ctx, c.Turbine, client.NeedQuery{Sort: sort})
			if err != nil || !slices.Equal(apitest.NeedIDs(ns), want) {
				t.Errorf("sort %q: %v, %v; want %v", sort, apitest.NeedIDs(ns), err, want)
			}
		}
		d, _ := e.Client.Need(ctx, docs)
		if d.PlusOnes != 1 || d.Priority != 3.5 || d.PriorityMax != 5 || d.Bounty == nil || d.Bounty.Amount != 10000 || d.PledgeTotal != nil || d.Status != commons.NeedOpen {
			t.Errorf("docs need %+v", d)
		}
		p, _ := e.Client.Need(ctx, paint)
		if p.PledgeTotal == nil || *p.PledgeTotal != (api.Money{Amount: 6500, Currency: "EUR"}) || len(p.Pledges) != 2 {
			t.Errorf("paint need %+v", p)
		}
		apitest.WantProblem(t, e.Get("/api/v1/commons/"+c.Turbine+"/needs?sort=loudest"), 400, meent.EINVALID)
		apitest.WantProblem(t, e.Get("/api/v1/commons/"+c.Turbine+"/needs?status=maybe"), 400, meent.EINVALID)
		apitest.WantProblem(t, e.Get("/api/v1/commons/"+strings.Repeat("0", 64)+"/needs"), 404, meent.ENOTFOUND)
		apitest.WantProblem(t, e.Get("/api/v1/needs/"+strings.Repeat("0", 64)), 404, meent.ENOTFOUND)
	})

	t.Run("claims", func(t *testing.T) {
		e.Act(c.Cy, commons.TypeNeedClaim, commons.ClaimData{Need: mould})
		e.Act(c.Dee, commons.TypeNeedClaim, commons.ClaimData{Need: mould, LeaseDays: 2})
		// Beyond the need's limit of two.
		e.Refused(t, c.Bob.Sign(t, commons.TypeNeedClaim, commons.ClaimData{Need: mould}), 422, meent.ERULE)
		m, _ := e.Client.Need(ctx, mould)
		if len(m.ActiveClaims) != 2 || m.FreeSlots != 0 || m.LeaseEnd == nil {
			t.Fatalf("claimed need %+v", m)
		}
		week := int64(commons.DefaultLease * 24 * 3600)
		if left := m.ActiveClaims[0].TimeLeftSeconds; left > week || left < week-60 || m.ActiveClaims[0].Agent != c.Cy.ID {
			t.Errorf("time left %d, want about %d", left, week)
		}
		if *m.LeaseEnd != m.ActiveClaims[0].Expires {
			t.Errorf("lease end %v, claims %+v", *m.LeaseEnd, m.ActiveClaims)
		}
		e.Act(c.Dee, commons.TypeNeedRelease, commons.RefData{Need: mould})
		m, _ = e.Client.Need(ctx, mould)
		if len(m.ActiveClaims) != 1 || m.FreeSlots != 1 {
			t.Errorf("after release: %+v", m.ActiveClaims)
		}
		// A lease that has run out holds nothing, without any event.
		e.Post(c.Bob.SignAt(t, commons.TypeNeedClaim, commons.ClaimData{Need: docs, LeaseDays: 1}, time.Now().Add(-25*time.Hour)))
		d, _ := e.Client.Need(ctx, docs)
		if len(d.ActiveClaims) != 0 || d.LeaseEnd != nil {
			t.Errorf("lapsed claim still active: %+v", d.ActiveClaims)
		}
		claimed, _ := e.Client.Needs(ctx, c.Turbine, client.NeedQuery{Claimed: "1"})
		unclaimed, _ := e.Client.Needs(ctx, c.Turbine, client.NeedQuery{Claimed: "0"})
		if !slices.Equal(apitest.NeedIDs(claimed), []string{mould}) || !slices.Equal(apitest.NeedIDs(unclaimed), []string{docs, paint}) {
			t.Errorf("claimed %v, unclaimed %v", apitest.NeedIDs(claimed), apitest.NeedIDs(unclaimed))
		}
	})

	t.Run("an accepted contribution closes its need", func(t *testing.T) {
		k := e.Act(c.Dee, commons.TypeSubmit, commons.SubmitData{Commons: c.Turbine, Kind: "equipment_use", Title: "Built the mould", Need: mould})
		e.Act(c.Ada, commons.TypeReview, commons.ReviewData{Contribution: k, Verdict: commons.VerdictAccept})
		e.Act(c.Bob, commons.TypeReview, commons.ReviewData{Contribution: k, Verdict: commons.VerdictAccept})
		m, _ := e.Client.Need(ctx, mould)
		if m.Status != commons.NeedClosed || m.ClosedBy != k || len(m.ActiveClaims) != 0 {
			t.Errorf("answered need %+v", m)
		}
		open, _ := e.Client.Needs(ctx, c.Turbine, client.NeedQuery{})
		closed, _ := e.Client.Needs(ctx, c.Turbine, client.NeedQuery{Status: "closed"})
		all, _ := e.Client.Needs(ctx, c.Turbine, client.NeedQuery{Status: "all", Sort: "age"})
		if !slices.Equal(apitest.NeedIDs(open), []string{docs, paint}) || !slices.Equal(apitest.NeedIDs(closed), []string{mould}) || len(all) != 3 {
			t.Errorf("open %v, closed %v, all %v", apitest.NeedIDs(open), apitest.NeedIDs(closed), apitest.NeedIDs(all))
		}
		// Claims on a closed need are refused.
		e.Refused(t, c.Bob.Sign(t, commons.TypeNeedClaim, commons.ClaimData{Need: mould}), 422, meent.ERULE)
	})

	t.Run("lists", func(t *testing.T) {
		other := e.Act(c.Eve, commons.TypeCreate, commons.CreateData{Name: "Recipes", Kind: "knowledge"})
		all, err := e.Client.CommonsList(ctx, "")
		if err != nil || len(all) != 4 || all[0].ID != other {
			t.Errorf("all commons: %v, %v", apitest.IDs(all, func(c api.Commons) string { return c.Name }), err)
		}
		hw, _ := e.Client.CommonsList(ctx, "hardware")
		if len(hw) != 3 {
			t.Errorf("hardware: %v", apitest.IDs(hw, func(c api.Commons) string { return c.Name }))
		}
		apitest.WantProblem(t, e.Get("/api/v1/commons?kind=spaceship"), 400, meent.EINVALID)
		apitest.WantProblem(t, e.Get("/api/v1/commons/zzz"), 400, meent.EINVALID)
		apitest.WantProblem(t, e.Get("/api/v1/commons/"+strings.Repeat("0", 64)), 404, meent.ENOTFOUND)
		mine := apitest.GetJSONAs[api.ContributionList](t, e, "/api/v1/agents/"+c.Cy.ID+"/contributions")
		if len(mine.Contributions) != 3 || mine.Contributions[0].Title != "Libre manual" {
			t.Errorf("Cy's contributions %v", apitest.ContributionIDs(mine.Contributions))
		}
		acc := apitest.GetJSONAs[api.ContributionList](t, e, "/api/v1/agents/"+c.Cy.ID+"/contributions?status=accepted")
		if !slices.Equal(apitest.ContributionIDs(acc.Contributions), []string{late, blade}) {
			t.Errorf("Cy's accepted %v", apitest.ContributionIDs(acc.Contributions))
		}
		apitest.WantProblem(t, e.Get("/api/v1/agents/"+strings.Repeat("0", 64)+"/contributions"), 404, meent.ENOTFOUND)
	})

	t.Run("activity", func(t *testing.T) {
		act, err := e.Client.CommonsActivity(ctx, c.Turbine, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		if act.NextBefore != nil {
			t.Errorf("a short stream has a next page: %d", *act.NextBefore)
		}
		last := act.Events[len(act.Events)-1]
		if last.Hash != c.Turbine || last.Summary != "Ada created the commons Open Turbine" {
			t.Errorf("oldest entry %+v", last)
		}
		seen := map[string]bool{}
		for i, a := range act.Events {
			if i > 0 && a.Index >= act.Events[i-1].Index {
				t.Fatalf("not newest first at %d", i)
			}
			seen[a.Summary] = true
			if a.Type == commons.TypeSubmit && strings.Contains(string(a.Data), "Libre manual") {
				t.Error("the fork's contribution is in the upstream's stream")
			}
			if strings.HasPrefix(a.Type, "agent.") || strings.HasPrefix(a.Type, "member.") {
				t.Errorf("an agent event in a commons stream: %+v", a)
			}
		}
		for _, want := range []string{
			"Cy contributed “Blade design” to Open Turbine",
			"Ada accepted “Blade design”",
			"Bob rejected “Controller firmware, tested”: duplicates the existing controller",
			"Dee forked Open Turbine as Turbine Libre",
			"Dee endorsed “Blade design”",
			"Bob gave the need “Translate the manual” priority 5 of 5",
			"Dee pledged 50.00 EUR to the need “Paint the tower”",
			"Cy claimed the need “Blade mould” for 7 days",
			"Dee released their claim on the need “Blade mould”",
		} {
			if !seen[want] {
				t.Errorf("no activity %q", want)
			}
		}
		// Paging goes on where the last page ended, without overlap.
		p1, _ := e.Client.CommonsActivity(ctx, c.Turbine, 0, 5)
		p2, _ := e.Client.CommonsActivity(ctx, c.Turbine, *p1.NextBefore, 5)
		if len(p1.Events) != 5 || p1.NextBefore == nil || p2.Events[0].Index >= p1.Events[4].Index ||
			p2.Events[0].Hash != act.Events[5].Hash {
			t.Errorf("pages %v then %v", p1.NextBefore, p2.Events)
		}
		// The fork's stream starts with its creation.
		fa, _ := e.Client.CommonsActivity(ctx, fork, 0, 0)
		if n := len(fa.Events); n < 2 || fa.Events[n-1].Hash != fork {
			t.Errorf("fork stream %+v", fa.Events)
		}

		aa, err := e.Client.AgentActivity(ctx, c.Cy.ID, 0, 3)
		if err != nil || len(aa.Events) != 3 || aa.NextBefore == nil {
			t.Fatalf("agent activity: %+v, %v", aa, err)
		}
		for _, a := range aa.Events {
			if a.Author != c.Cy.ID || !strings.HasPrefix(a.Summary, "Cy ") {
				t.Errorf("agent activity entry %+v", a)
			}
		}
		apitest.WantProblem(t, e.Get("/api/v1/commons/"+c.Turbine+"/activity?limit=0"), 400, meent.EINVALID)
		apitest.WantProblem(t, e.Get("/api/v1/agents/"+strings.Repeat("0", 64)+"/activity"), 404, meent.ENOTFOUND)
	})

	t.Run("atom feeds", func(t *testing.T) {
		for _, tc := range []struct{ path, id, title string }{
			{"/commons/" + c.Turbine + "/feed.atom", "urn:meent:commons:" + c.Turbine, "Open Turbine"},
			{"/agents/" + c.Cy.ID + "/feed.atom", "urn:meent:agent:" + c.Cy.ID, "Cy"},
		} {
			r := e.Get(tc.path)
			apitest.WantStatus(t, r, 200)
			if ct := r.Header.Get("Content-Type"); ct != "application/atom+xml; charset=utf-8" {
				t.Errorf("%s: Content-Type %q", tc.path, ct)
			}
			var f struct {
				XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
				ID      string   `xml:"id"`
				Title   string   `xml:"title"`
				Updated string   `xml:"updated"`
				Links   []struct {
					Rel  string `xml:"rel,attr"`
					Href string `xml:"href,attr"`
				} `xml:"link"`
				Entries []struct {
					ID      string `xml:"id"`
					Title   string `xml:"title"`
					Updated string `xml:"updated"`
					Author  struct {
						Name string `xml:"name"`
					} `xml:"author"`
					Link struct {
						Href string `xml:"href,attr"`
					} `xml:"link"`
				} `xml:"entry"`
			}
			if err := xml.Unmarshal(r.Body, &f); err != nil {
				t.Fatalf("%s does not parse: %v\n%s", tc.path, err, r.Body)
			}
			if f.ID != tc.id || !strings.HasPrefix(f.Title, tc.title) || len(f.Entries) == 0 || len(f.Links) != 2 ||
				f.Links[0].Rel != "self" || f.Links[0].Href != e.HTTP.URL+tc.path {
				t.Errorf("%s: feed %+v", tc.path, f)
			}
			if _, err := time.Parse(time.RFC3339, f.Updated); err != nil {
				t.Errorf("updated %q: %v", f.Updated, err)
			}
			for _, en := range f.Entries {
				hash, ok := strings.CutPrefix(en.ID, "urn:meent:event:")
				if !ok || len(hash) != 64 || en.Link.Href != e.HTTP.URL+"/events/"+hash || en.Title == "" || en.Author.Name == "" {
					t.Errorf("entry %+v", en)
				}
				if _, err := time.Parse(time.RFC3339, en.Updated); err != nil {
					t.Errorf("entry updated %q: %v", en.Updated, err)
				}
			}
		}
		apitest.WantStatus(t, e.Get("/commons/"+strings.Repeat("0", 64)+"/feed.atom"), 404)
		apitest.WantStatus(t, e.Get("/agents/nope/feed.atom"), 404)
	})

	t.Run("web pages name the agents", func(t *testing.T) {
		r := e.Get("/commons")
		apitest.WantStatus(t, r, 200)
		apitest.WantContains(t, r, `<a href="/commons">Commons</a>`, "Open Turbine", "Turbine Libre", "Recipes",
			`<a href="/agents/`+c.Ada.ID+`">Ada</a>`, `<a href="/agents/`+c.Bob.ID+`">Bob</a>`)
		apitest.WantContains(t, e.Get("/commons?kind=knowledge"), "Recipes")

		r = e.Get("/commons/" + c.Turbine)
		apitest.WantStatus(t, r, 200)
		apitest.WantContains(t, r, "Open Turbine", "A wind turbine anyone can build.", "Designs, code and manuals.",
			`<a href="/agents/`+c.Bob.ID+`">Bob</a>`, "2 approvals", "Turbine Libre",
			"Blade design", `status-accepted`, "status-disputed", "Translate the manual", "Paint the tower",
			"65.00 EUR", "Bob accepted “Built the mould”", `type="application/atom+xml"`,
			"/commons/"+c.Turbine+"/feed.atom", "Log in</a> to contribute")
		if i, j := strings.Index(string(r.Body), "Translate the manual"), strings.Index(string(r.Body), "Paint the tower"); i > j {
			t.Error("the board is not ordered by signals")
		}
		r = e.Get("/commons/" + c.Turbine + "?sort=pledges")
		if i, j := strings.Index(string(r.Body), "Translate the manual"), strings.Index(string(r.Body), "Paint the tower"); i < j {
			t.Error("the board is not ordered by pledges")
		}
		apitest.WantStatus(t, e.Get("/commons/"+c.Turbine+"?sort=nope"), 400)
		apitest.WantContains(t, e.Get("/commons/"+fork), "A fork of", "Open Turbine", "upstream, recognised through the fork", "Blade design")

		r = e.Get("/contributions/" + blade)
		apitest.WantStatus(t, r, 200)
		apitest.WantContains(t, r, "Blade design", "Open Turbine", `<a href="/agents/`+c.Cy.ID+`">Cy</a>`,
			`/api/v1/blobs/`+bi.Hash, "blade.pdf", strings.Repeat("a1", 20), "https://turbine.example/blade",
			"10 h", "accepted it", "submitted it", "endorsed it", `<a href="/agents/`+c.Dee.ID+`">Dee</a>`, "2 of 2 needed")
		r = e.Get("/contributions/" + late)
		apitest.WantStatus(t, r, 200)

		r = e.Get("/needs/" + docs)
		apitest.WantStatus(t, r, 200)
		apitest.WantContains(t, r, "Translate the manual", "100.00 EUR", "3.5 on average", `<a href="/agents/`+c.Dee.ID+`">Dee</a>`)
		r = e.Get("/needs/" + mould)
		apitest.WantContains(t, r, "answered by", "Built the mould", "status-closed")
		for _, p := range []string{"/commons/nope", "/contributions/nope", "/needs/nope", "/needs/" + strings.Repeat("0", 64)} {
			apitest.WantStatus(t, e.Get(p), 404)
		}
		if r := e.Get("/agents/" + c.Cy.ID); !strings.Contains(string(r.Body), "Blade design") || !strings.Contains(string(r.Body), "feed.atom") {
			t.Errorf("agent page without contributions or feed:\n%s", r.Body)
		}
	})

	t.Run("web forms", func(t *testing.T) {
		cookie, csrf := e.Login("grace", "a long enough password")
		r := e.Get("/commons/"+c.Turbine, "Cookie", cookie)
		apitest.WantContains(t, r, `action="/commons/`+c.Turbine+`/contributions"`, `action="/commons/`+c.Turbine+`/needs"`, "Blade mould")
		path := "/commons/" + c.Turbine + "/contributions"
		before := e.Size()
		apitest.WantStatus(t, e.Do("POST", path, apitest.Form("title", "Sketches", "kind", "design"), "Content-Type", apitest.FormType, "Cookie", cookie), 403)
		apitest.WantStatus(t, e.Do("POST", path, apitest.Form("title", "Sketches", "kind", "design", "csrf", csrf), "Content-Type", apitest.FormType), 401)
		if e.Size() != before {
			t.Fatal("a refused form wrote to the log")
		}
		r = e.Do("POST", path, apitest.Form("title", "", "kind", "design", "csrf", csrf, "url", "https://x.example"), "Content-Type", apitest.FormType, "Cookie", cookie)
		apitest.WantStatus(t, r, 422)
		apitest.WantContains(t, r, "title (or name) must be", `value="https://x.example"`)
		r = e.Do("POST", path, apitest.Form("title", "Sketches", "kind", "design", "description", "Pencil on paper.", "url", "https://x.example/s", "need", docs, "csrf", csrf),
			"Content-Type", apitest.FormType, "Cookie", cookie)
		apitest.WantStatus(t, r, 303)
		loc := r.Header.Get("Location")
		id, ok := strings.CutPrefix(loc, "/contributions/")
		if !ok || e.Size() != before+1 {
			t.Fatalf("Location %q", loc)
		}
		k, _ := e.Client.Contribution(ctx, id)
		if k.Contributor != grace || k.Need != docs || k.Evidence[0].URL != "https://x.example/s" || k.Kind != "design" {
			t.Errorf("contribution from the form %+v", k)
		}
		apitest.WantContains(t, e.Get(loc), "Sketches", "Grace", "Pencil on paper.")

		r = e.Do("POST", "/commons/"+c.Turbine+"/needs", apitest.Form("title", "Wind data", "description", "a year of it", "csrf", csrf), "Content-Type", apitest.FormType, "Cookie", cookie)
		apitest.WantStatus(t, r, 303)
		need, _ := strings.CutPrefix(r.Header.Get("Location"), "/needs/")
		if n, err := e.Client.Need(ctx, need); err != nil || n.Poster != grace || n.Title != "Wind data" {
			t.Fatalf("need from the form %+v, %v", n, err)
		}

		// Grace is not a member: her +1 is refused with the reason shown.
		r = e.Do("POST", "/needs/"+need+"/signal", apitest.Form("kind", "plus_one", "csrf", csrf), "Content-Type", apitest.FormType, "Cookie", cookie)
		apitest.WantStatus(t, r, 403)
		apitest.WantContains(t, r, "only members of the community signal needs", "Wind data")
		e.Act(c.Ada, agent.TypeMemberSet, agent.MemberData{Agent: grace, Role: agent.RoleMember})
		r = e.Do("POST", "/needs/"+need+"/signal", apitest.Form("kind", "plus_one", "csrf", csrf), "Content-Type", apitest.FormType, "Cookie", cookie)
		apitest.WantStatus(t, r, 303)
		if r.Header.Get("Location") != "/needs/"+need {
			t.Errorf("Location %q", r.Header.Get("Location"))
		}
		apitest.WantStatus(t, e.Do("POST", "/needs/"+need+"/claim", apitest.Form("lease_days", "3", "csrf", csrf), "Content-Type", apitest.FormType, "Cookie", cookie), 303)
		n, _ := e.Client.Need(ctx, need)
		if n.PlusOnes != 1 || len(n.ActiveClaims) != 1 || n.ActiveClaims[0].Agent != grace || n.ActiveClaims[0].TimeLeftSeconds > 3*86400 {
			t.Errorf("need after the forms %+v", n)
		}
		r = e.Get("/needs/"+need, "Cookie", cookie)
		apitest.WantContains(t, r, "Release my claim", "Renew my claim", `<a href="/agents/`+grace+`">Grace</a>`)
		if !regexp.MustCompile(`<td>(2 days 23 h|3 days 0 h)</td>`).Match(r.Body) {
			t.Errorf("no time left on the claim:\n%s", r.Body)
		}
		if strings.Contains(string(r.Body), `value="plus_one"`) {
			t.Error("the +1 button is offered again")
		}
		apitest.WantStatus(t, e.Do("POST", "/needs/"+need+"/release", apitest.Form("csrf", csrf), "Content-Type", apitest.FormType, "Cookie", cookie), 303)
		if n, _ := e.Client.Need(ctx, need); len(n.ActiveClaims) != 0 {
			t.Errorf("claims after release %+v", n.ActiveClaims)
		}
		time.Sleep(2 * time.Millisecond) // a new event time, so not a replay of the first release
		r = e.Do("POST", "/needs/"+need+"/release", apitest.Form("csrf", csrf), "Content-Type", apitest.FormType, "Cookie", cookie)
		apitest.WantStatus(t, r, 422)
		apitest.WantContains(t, r, "you hold no active claim")
	})

	t.Run("projection matches a replay", func(t *testing.T) {
		var want [32]byte
		e.Node.State(func(st *state.State) { want = st.Digest() })
		sd := apitest.GetJSONAs[api.StateDigest](t, e, "/api/v1/state/digest")
		if sd.Digest != hex.EncodeToString(want[:]) {
			t.Errorf("store digest %s, rules digest %x", sd.Digest, want)
		}
	})
}
