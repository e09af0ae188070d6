package commonsapi

import (
	"slices"
	"testing"

	"github.com/meent/meent"
	"github.com/meent/meent/agent"
	"github.com/meent/meent/api"
	"github.com/meent/meent/api/apitest"
	"github.com/meent/meent/commons"
)

// TestCommonsActivityExact checks that a commons' activity comes from the
// event index, not from a scan of the latest events: after 5,000 events
// that have nothing to do with it, the first page still holds all of it,
// and an agent's activity with ?touching=1 holds what others did about it.
// (It replaces TestCommonsActivityScanBound, which pinned the old bound:
// a first page that was empty after 2,000 unrelated events.)
func TestCommonsActivityExact(t *testing.T) {
	t.Parallel()
	e := apitest.New(t, Register)
	c := apitest.NewCommunity(t, e)
	blade := e.Act(c.Cy, commons.TypeSubmit, commons.SubmitData{Commons: c.Turbine, Kind: "design", Title: "Blade design"})
	e.Act(c.Ada, commons.TypeReview, commons.ReviewData{Contribution: blade, Verdict: commons.VerdictAccept})
	e.Fill(5000)
	act, err := e.Client.CommonsActivity(t.Context(), c.Turbine, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, a := range act.Events {
		got = append(got, a.Type)
	}
	if want := []string{commons.TypeReview, commons.TypeSubmit, commons.TypeCreate}; !slices.Equal(got, want) || act.NextBefore != nil {
		t.Fatalf("activity after 5,000 unrelated events: %v (next %v), want %v and no next page", got, act.NextBefore, want)
	}
	if act.Events[2].Hash != c.Turbine {
		t.Errorf("oldest entry %+v", act.Events[2])
	}

	// Cy signed the contribution (agent.create has no author); Ada's review
	// and admission of Cy, and Cy's creation, touch Cy too.
	signed := apitest.GetJSONAs[api.ActivityList](t, e, "/api/v1/agents/"+c.Cy.ID+"/activity")
	touching := apitest.GetJSONAs[api.ActivityList](t, e, "/api/v1/agents/"+c.Cy.ID+"/activity?touching=1")
	var summaries []string
	for _, a := range touching.Events {
		summaries = append(summaries, a.Summary)
	}
	if len(signed.Events) != 1 || len(touching.Events) != 4 || touching.Events[0].Type != commons.TypeReview ||
		touching.Events[0].Author != c.Ada.ID || touching.Events[2].Type != agent.TypeMemberSet {
		t.Errorf("Cy signed %d events; the events touching Cy: %q", len(signed.Events), summaries)
	}
	// Paging by the cursor goes on where the last page ended.
	p1 := apitest.GetJSONAs[api.ActivityList](t, e, "/api/v1/agents/"+c.Cy.ID+"/activity?touching=1&limit=3")
	p2 := apitest.GetJSONAs[api.ActivityList](t, e, "/api/v1/agents/"+c.Cy.ID+"/activity?touching=1&limit=3&cursor="+p1.Next)
	if len(p1.Events) != 3 || len(p2.Events) != 1 || p2.Events[0].Hash != touching.Events[3].Hash {
		t.Errorf("pages of 3: %d then %d events", len(p1.Events), len(p2.Events))
	}
	apitest.WantProblem(t, e.Get("/api/v1/agents/"+c.Cy.ID+"/activity?touching=maybe"), 400, meent.EINVALID)
}
