package wire

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/meent/meent"
	"github.com/meent/meent/agent"
	"github.com/meent/meent/api"
	"github.com/meent/meent/api/apitest"
	"github.com/meent/meent/api/commonsapi"
	"github.com/meent/meent/commons"
	"github.com/meent/meent/value"
)

// TestListsPageWithCursors lists more items than a page holds from every
// paged list of the API, following the cursors, and checks that each
// item comes exactly once: the contributions of a commons stopped at 1000
// with no cursor before.
func TestListsPageWithCursors(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { testListsPage(t, apitest.New(t, Register)) })
	t.Run("postgres", func(t *testing.T) { testListsPage(t, apitest.NewPostgres(t, Register)) })
}

func testListsPage(t *testing.T, e *apitest.Env) {
	ada := e.CreateAgent("Ada")
	e.Act(ada, agent.TypeMemberSet, agent.MemberData{Agent: ada.ID, Role: agent.RoleAdmin})
	lib := e.Act(ada, commons.TypeCreate, commons.CreateData{Name: "lib", Kind: "software"})

	// 1100 imported commits: more than the old cap of 1000, most in ties
	// of one ledger index (an import event's 200 commits share it).
	const n = 1100
	commit := func(i int) string { return fmt.Sprintf("%040x", i+1) }
	for start := 0; start < n; start += commons.MaxImportCommits {
		var batch []commons.ImportedCommit
		for i := start; i < min(start+commons.MaxImportCommits, n); i++ {
			batch = append(batch, commons.ImportedCommit{Commit: commit(i), Identity: "git:ada@example.org", LinesAdded: 1})
		}
		e.Act(ada, commons.TypeImport, commons.ImportData{Commons: lib, Commits: batch})
	}
	contributions := apitest.ListOf[api.ContributionList](t, func(v *api.ContributionList) ([]string, string) {
		return apitest.IDs(v.Contributions, func(k api.Contribution) string { return k.ID }), v.Next
	})
	got, pages := apitest.Walk(t, e, "/api/v1/commons/"+lib+"/contributions?status=accepted", 1000, contributions)
	apitest.Once(t, "contributions", got, n)
	if pages != 2 {
		t.Errorf("%d pages of 1000 for %d contributions", pages, n)
	}
	// Newest first, as one list.
	all, _ := apitest.Walk(t, e, "/api/v1/commons/"+lib+"/contributions?x=1", 1000, contributions)
	if !slices.Equal(all, got) {
		t.Error("the order differs between two walks")
	}

	// A fork recognises the upstream's; its own come on top.
	fork := e.Act(ada, commons.TypeFork, commons.ForkData{Commons: lib, Name: "lib-ng"})
	e.Act(ada, commons.TypeImport, commons.ImportData{Commons: fork, Commits: []commons.ImportedCommit{
		{Commit: strings.Repeat("f", 40), Identity: "git:ada@example.org"}, {Commit: strings.Repeat("e", 40), Identity: "git:ada@example.org"}}})
	got, _ = apitest.Walk(t, e, "/api/v1/commons/"+fork+"/contributions?lineage=1", 7, contributions)
	apitest.Once(t, "lineage", got, n+2)
	got, _ = apitest.Walk(t, e, "/api/v1/commons/"+fork+"/contributions?lineage=0", 1, contributions)
	apitest.Once(t, "the fork's own", got, 2)

	// The Go client follows the cursors.
	if ks, err := e.Client.Contributions(t.Context(), lib, "", false); err != nil || len(ks) != n {
		t.Fatalf("client: %d contributions, %v", len(ks), err)
	}

	// Mapped to an agent, they are the agent's contributions.
	e.Act(ada, commons.TypeIdentityAttest, commons.IdentityData{Commons: lib, Identity: "git:ada@example.org", Agent: ada.ID})
	got, _ = apitest.Walk(t, e, "/api/v1/agents/"+ada.ID+"/contributions?x=1", 300, contributions)
	apitest.Once(t, "agent contributions", got, n)
	if ks, err := e.Client.AgentContributions(t.Context(), ada.ID, commons.Accepted); err != nil || len(ks) != n {
		t.Fatalf("client: %d agent contributions, %v", len(ks), err)
	}

	// Incomes, distributions and balances.
	for i := range 5 {
		inc := e.Act(ada, value.TypeIncomeRecord, value.IncomeData{Commons: lib, Kind: "grant", Amount: commons.Money{Amount: int64(1000 + i), Currency: "EUR"}})
		e.Act(ada, value.TypeDistributionRun, value.RunData{Income: inc})
	}
	e.Act(ada, commons.TypeIdentityAttest, commons.IdentityData{Commons: fork, Identity: "git:ada@example.org", Agent: ada.ID})
	got, _ = apitest.Walk(t, e, "/api/v1/commons/"+lib+"/incomes?x=1", 2, apitest.ListOf[api.IncomeList](t, func(v *api.IncomeList) ([]string, string) {
		return apitest.IDs(v.Incomes, func(i value.Income) string { return i.ID }), v.Next
	}))
	apitest.Once(t, "incomes", got, 5)
	got, _ = apitest.Walk(t, e, "/api/v1/commons/"+lib+"/distributions?x=1", 2, apitest.ListOf[api.DistributionList](t, func(v *api.DistributionList) ([]string, string) {
		return apitest.IDs(v.Distributions, func(d value.Distribution) string { return d.ID }), v.Next
	}))
	apitest.Once(t, "distributions", got, 5)
	balances := apitest.ListOf[api.BalanceList](t, func(v *api.BalanceList) ([]string, string) {
		return apitest.IDs(v.Balances, func(b value.Balance) string { return b.Kind + ":" + b.Recipient + ":" + b.Currency }), v.Next
	})
	wantBalances := len(apitest.GetJSONAs[api.BalanceList](t, e, "/api/v1/commons/"+lib+"/balances?limit=1000").Balances)
	got, _ = apitest.Walk(t, e, "/api/v1/commons/"+lib+"/balances?status=all", 1, balances)
	apitest.Once(t, "balances", got, wantBalances)
	if wantBalances < 3 {
		t.Fatalf("only %d balances", wantBalances)
	}

	// Commons, with and without a kind; needs on every board order.
	for i := range 4 {
		e.Act(ada, commons.TypeCreate, commons.CreateData{Name: fmt.Sprint("c", i), Kind: []string{"software", "hardware"}[i%2]})
	}
	commonsIDs := apitest.ListOf[api.CommonsList](t, func(v *api.CommonsList) ([]string, string) {
		return apitest.IDs(v.Commons, func(c api.Commons) string { return c.ID }), v.Next
	})
	got, _ = apitest.Walk(t, e, "/api/v1/commons?x=1", 2, commonsIDs)
	apitest.Once(t, "commons", got, 6)
	got, _ = apitest.Walk(t, e, "/api/v1/commons?kind=hardware", 1, commonsIDs)
	apitest.Once(t, "hardware commons", got, 2)
	for i := range 5 {
		e.Act(ada, commons.TypeNeedPost, commons.NeedData{Commons: lib, Title: fmt.Sprint("need ", i)})
	}
	for _, sort := range commonsapi.NeedSorts {
		got, _ = apitest.Walk(t, e, "/api/v1/commons/"+lib+"/needs?sort="+sort, 2, apitest.ListOf[api.NeedList](t, func(v *api.NeedList) ([]string, string) {
			return apitest.NeedIDs(v.Needs), v.Next
		}))
		apitest.Once(t, "needs by "+sort, got, 5)
	}

	// The log's lists: events, agents, activity.
	size := int(e.Size())
	got, _ = apitest.Walk(t, e, "/api/v1/events?x=1", 7, apitest.ListOf[api.EventList](t, func(v *api.EventList) ([]string, string) {
		return apitest.IDs(v.Events, func(ev api.Event) string { return ev.Hash }), v.Next
	}))
	apitest.Once(t, "events", got, size)
	for i := range 4 {
		e.CreateAgent(fmt.Sprint("agent ", i))
	}
	got, _ = apitest.Walk(t, e, "/api/v1/agents?x=1", 2, apitest.ListOf[api.AgentList](t, func(v *api.AgentList) ([]string, string) {
		return apitest.IDs(v.Agents, func(a api.Agent) string { return a.ID }), v.Next
	}))
	apitest.Once(t, "agents", got, 5)
	activity := apitest.ListOf[api.ActivityList](t, func(v *api.ActivityList) ([]string, string) {
		return apitest.IDs(v.Events, func(a api.Activity) string { return a.Event.Hash }), v.Next
	})
	whole, _ := apitest.Walk(t, e, "/api/v1/agents/"+ada.ID+"/activity?x=1", 1000, activity)
	got, _ = apitest.Walk(t, e, "/api/v1/agents/"+ada.ID+"/activity?x=1", 5, activity)
	apitest.Once(t, "agent activity", got, len(whole))
	if !slices.Equal(got, whole) || len(whole) < 20 {
		t.Errorf("agent activity: %d by pages of 5, %d in one", len(got), len(whole))
	}
	whole, _ = apitest.Walk(t, e, "/api/v1/commons/"+lib+"/activity?x=1", 1000, activity)
	got, _ = apitest.Walk(t, e, "/api/v1/commons/"+lib+"/activity?x=1", 3, activity)
	if !slices.Equal(got, whole) || len(whole) < 10 {
		t.Errorf("commons activity: %d by pages of 3, %d in one", len(got), len(whole))
	}

	// A cursor is checked: garbage, or one of another list, is refused.
	apitest.WantProblem(t, e.Get("/api/v1/commons/"+lib+"/contributions?cursor=%21%21"), 400, meent.EINVALID)
	apitest.WantProblem(t, e.Get("/api/v1/commons/"+lib+"/contributions?cursor="+apitest.Cursor("incomes", "1", "x")), 400, meent.EINVALID)
	apitest.WantProblem(t, e.Get("/api/v1/commons/"+lib+"/contributions?limit=1001"), 400, meent.EINVALID)
	// A NUL byte would reach PostgreSQL as a value: refused before.
	apitest.WantProblem(t, e.Get("/api/v1/commons/"+lib+"/contributions?cursor="+apitest.Cursor("contributions", "1", "a\x00b")), 400, meent.EINVALID)
	apitest.WantProblem(t, e.Get("/api/v1/commons/"+lib+"/balances?cursor="+apitest.Cursor("balances", "1", "\xff")), 400, meent.EINVALID)
}
