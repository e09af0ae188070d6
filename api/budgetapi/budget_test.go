package budgetapi

import (
	"fmt"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/meent/meent"
	"github.com/meent/meent/api"
	"github.com/meent/meent/api/apitest"
	"github.com/meent/meent/api/valueapi"
	"github.com/meent/meent/budget"
	"github.com/meent/meent/budget/allot"
	"github.com/meent/meent/commons"
)

func eur(n int64) commons.Money { return commons.Money{Amount: n, Currency: "EUR"} }

var nextLink = regexp.MustCompile(`<([^>]+)>; rel="next"`)

// TestBudgetRound runs a round through the real node and server: funding,
// buckets, allocations (and refusals, which write nothing), the close,
// and reads every route, paging a bucket's allocations two at a time. The
// funded bucket's money shows in the commons' payouts.
func TestBudgetRound(t *testing.T) {
	t.Parallel()
	e := apitest.New(t, apitest.Registers(Register, valueapi.Register)) // the payouts a funded bucket makes are the value API's
	c := apitest.NewCommunity(t, e)
	base := time.Now().Add(-2 * time.Hour)
	at := func(m int) time.Time { return base.Add(time.Duration(m) * time.Minute) }
	opens, closes := at(10).UnixMilli(), at(60).UnixMilli()
	round := e.Post(c.Ada.SignAt(t, budget.TypeRoundOpen, budget.RoundData{Commons: c.Turbine, Title: "Spring", Currency: "EUR",
		Opens: opens, Closes: closes, Method: budget.MethodAllowanceEqual, Leftover: allot.LeftoverRefund}, at(0)))
	e.Post(c.Eve.SignAt(t, budget.TypeFund, budget.FundData{Round: round, Amount: eur(10_000), Source: budget.SourceGrant}, at(1)))
	e.Post(c.Ada.SignAt(t, budget.TypeFund, budget.FundData{Round: round, Amount: eur(2_000), Source: budget.SourceMember}, at(2)))
	// 12,000 among ada, bob, cy and dee: 3,000 each.
	blades := e.Post(c.Cy.SignAt(t, budget.TypeBucketPropose, budget.BucketData{Round: round, Title: "Blades",
		Min: eur(3_000), Max: eur(6_000)}, at(11)))
	tower := e.Post(c.Dee.SignAt(t, budget.TypeBucketPropose, budget.BucketData{Round: round, Title: "Tower",
		Min: eur(8_000), Max: eur(9_000)}, at(12)))
	var allocs []string
	for i, who := range []*apitest.Signer{c.Ada, c.Bob, c.Cy, c.Dee, c.Ada} {
		allocs = append(allocs, e.Post(who.SignAt(t, budget.TypeAllocate, budget.AllocateData{Bucket: blades, Amount: eur(1_000)}, at(20+i))))
	}
	e.Post(c.Bob.SignAt(t, budget.TypeAllocate, budget.AllocateData{Bucket: tower, Amount: eur(2_000)}, at(30)))
	e.Refused(t, c.Eve.SignAt(t, budget.TypeAllocate, budget.AllocateData{Bucket: blades, Amount: eur(1)}, at(31)), 403, meent.EFORBIDDEN)
	e.Refused(t, c.Ada.SignAt(t, budget.TypeAllocate, budget.AllocateData{Bucket: blades, Amount: eur(1_001)}, at(32)), 422, meent.ERULE)
	e.Refused(t, c.Cy.SignAt(t, budget.TypeAllocate, budget.AllocateData{Bucket: blades, Amount: commons.Money{Amount: 1, Currency: "USD"}}, at(33)), 422, meent.ERULE)
	e.Refused(t, c.Ada.SignAt(t, budget.TypeRoundClose, budget.CloseData{Round: round}, at(34)), 409, meent.ECONFLICT)

	left, err := e.Client.Allowance(t.Context(), round, c.Ada.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !left.Member || left.Whole != 3_000 || left.Left != 1_000 {
		t.Errorf("ada's allowance: %+v", left)
	}
	var paged []string
	for path, n := "/api/v1/budget/buckets/"+blades+"/allocations?limit=2", 0; path != ""; n++ {
		if n > 5 {
			t.Fatal("the pages do not end")
		}
		r := e.Get(path)
		apitest.WantStatus(t, r, 200)
		var page api.AllocationList
		r.JSON(t, &page)
		for _, a := range page.Allocations {
			paged = append(paged, a.ID)
		}
		path = ""
		if m := nextLink.FindStringSubmatch(r.Header.Get("Link")); m != nil {
			path = m[1]
			if page.Next == "" {
				t.Error("a Link header but no next in the page")
			}
		}
	}
	if !slices.Equal(paged, allocs) {
		t.Errorf("paged allocations %v, want %v", paged, allocs)
	}

	e.Post(c.Ada.Sign(t, budget.TypeRoundClose, budget.CloseData{Round: round}))
	r := apitest.GetJSONAs[api.BudgetRound](t, e, "/api/v1/budget/rounds/"+round)
	// Blades: 5,000 funded; the tower's 2,000 go back to bob; 7,000
	// leftover back to the funders: eve 5,833, ada 1,167.
	if r.Status != "closed" || r.Totals.Funded != 5_000 || r.Totals.Leftover != 7_000 || r.Totals.Pool != 12_000 {
		t.Errorf("round after the close: %+v %+v", r.Round, r.Totals)
	}
	if fmt.Sprint(r.Closed.Refunds) != fmt.Sprint([]budget.Payment{{Agent: min(c.Ada.ID, c.Eve.ID), Amount: map[bool]int64{true: 1_167, false: 5_833}[c.Ada.ID < c.Eve.ID]},
		{Agent: max(c.Ada.ID, c.Eve.ID), Amount: map[bool]int64{true: 5_833, false: 1_167}[c.Ada.ID < c.Eve.ID]}}) {
		t.Errorf("refunds %+v", r.Closed.Refunds)
	}
	b := apitest.GetJSONAs[budget.Bucket](t, e, "/api/v1/budget/buckets/"+blades)
	if b.Status != budget.BucketFunded || b.Funded != 5_000 || len(b.Payable) != 1 || b.Payable[0] != (budget.Payment{Agent: c.Cy.ID, Amount: 5_000}) {
		t.Errorf("blades after the close: %+v", b)
	}
	tw, err := e.Client.Allocations(t.Context(), tower)
	if err != nil {
		t.Fatal(err)
	}
	if len(tw) != 1 || tw[0].Status != budget.AllocReturned || tw[0].Undone == nil {
		t.Errorf("tower's allocation after the close: %+v", tw)
	}
	rounds, err := e.Client.BudgetRounds(t.Context(), c.Turbine)
	if err != nil {
		t.Fatal(err)
	}
	if len(rounds) != 1 || rounds[0].ID != round {
		t.Errorf("rounds: %+v", rounds)
	}
	bs, err := e.Client.Buckets(t.Context(), round)
	if err != nil {
		t.Fatal(err)
	}
	if len(bs) != 2 || bs[0].ID != blades || bs[1].ID != tower {
		t.Errorf("buckets: %+v", bs)
	}
	e.Post(c.Cy.Sign(t, budget.TypeSpend, budget.SpendData{Bucket: blades, Amount: eur(4_200), Reference: "invoice 17"}))
	if r := apitest.GetJSONAs[api.BudgetRound](t, e, "/api/v1/budget/rounds/"+round); r.Totals.Spent != 4_200 {
		t.Errorf("spent %d, want 4200", r.Totals.Spent)
	}
	if sp, err := e.Client.Spendings(t.Context(), blades); err != nil || len(sp) != 1 || sp[0].Amount != 4_200 {
		t.Errorf("spendings: %+v", sp)
	}
	// The payout path pays the funded bucket: cy is owed 5,000.
	po := apitest.GetJSONAs[api.PayoutsInfo](t, e, "/api/v1/commons/"+c.Turbine+"/payouts")
	found := false
	for _, l := range append(po.Pay, po.Carried...) {
		if l.Recipient == c.Cy.ID && l.Amount == 5_000 {
			found = true
		}
	}
	if !found {
		t.Errorf("cy's 5000 are not in the payouts: %+v", po)
	}
	for _, p := range []string{"/api/v1/budget/rounds/nope", "/api/v1/budget/buckets/nope", "/api/v1/budget/buckets/nope/approvals", "/api/v1/commons/nope/budget/rounds"} {
		apitest.WantProblem(t, e.Get(p), 404, meent.ENOTFOUND)
	}
	apitest.WantProblem(t, e.Get("/api/v1/budget/rounds/"+round+"/allowance"), 400, meent.EINVALID)
}
