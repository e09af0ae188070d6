package breadfundapi

import (
	"testing"
	"time"

	"github.com/meent/meent"
	"github.com/meent/meent/agent"
	"github.com/meent/meent/api"
	"github.com/meent/meent/api/apitest"
	"github.com/meent/meent/breadfund"
	"github.com/meent/meent/commons"
	"github.com/meent/meent/node"
	"github.com/meent/meent/private"
)

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t.Add(9 * time.Hour)
}

// TestBreadfund runs a fund through the real node and server: founded,
// joined, deposits, a claim with a private reason, April's gifts proposed
// by the API and signed, approved; the public sees aggregates, the
// insiders names, the board and buddy the reason; bad input is refused
// with nothing written.
func TestBreadfund(t *testing.T) {
	t.Parallel()
	e := apitest.New(t, Register)
	ctx := t.Context()
	c := apitest.NewCommunity(t, e)
	for _, u := range []string{"grace", "henk"} {
		if _, err := e.Accounts.SignUp(ctx, node.SignUp{Username: u, Password: "a long enough password", Name: u}); err != nil {
			t.Fatal(err)
		}
	}
	grace, henk := apitest.MustAccount(t, e, "grace").Agent, apitest.MustAccount(t, e, "henk").Agent
	e.Act(c.Ada, agent.TypeMemberSet, agent.MemberData{Agent: grace, Role: agent.RoleAdmin})
	graceToken, err := e.Accounts.CreateToken(ctx, grace, "test")
	if err != nil {
		t.Fatal(err)
	}
	henkToken, err := e.Accounts.CreateToken(ctx, henk, "test")
	if err != nil {
		t.Fatal(err)
	}
	asGrace, asHenk := []string{"Authorization", "Bearer " + graceToken}, []string{"Authorization", "Bearer " + henkToken}

	at := func(s *apitest.Signer, date, typ string, data any) string {
		t.Helper()
		return e.Post(s.SignAt(t, typ, data, day(date)))
	}
	fund := at(c.Bob, "2026-01-02", commons.TypeCreate, commons.CreateData{Name: "Broodfonds De Meent", Kind: "other"})
	p := breadfund.Example()
	p.MinMembers, p.MaxMembers, p.Approvals = 3, 10, 1
	at(c.Bob, "2026-01-02", breadfund.TypePolicySet, breadfund.PolicySetData{Commons: fund, Policy: p.Marshal()})
	for _, m := range []*apitest.Signer{c.Bob, c.Cy, c.Dee} {
		at(m, "2026-01-03", breadfund.TypeJoin, breadfund.JoinData{Commons: fund, Level: 2})
		at(c.Bob, "2026-01-03", breadfund.TypeAdmit, breadfund.CandidateData{Commons: fund, Candidate: m.ID})
	}
	for _, month := range []string{"01", "02", "03", "04"} {
		for _, m := range []*apitest.Signer{c.Bob, c.Cy, c.Dee} {
			at(m, "2026-"+month+"-03", breadfund.TypeDeposit, breadfund.DepositData{Commons: fund, Member: m.ID, Period: "2026-" + month, Amount: 4500})
		}
	}
	// Bad input: nothing is written.
	p1 := e.Refused(t, c.Cy.SignAt(t, breadfund.TypeDeposit, breadfund.DepositData{Commons: fund, Member: c.Cy.ID, Period: "2026-05", Amount: 4000}, day("2026-05-03")), 422, meent.ERULE)
	wantContainsDetail(t, p1, "a deposit at level 2 is 45.00 EUR a month, not 40.00 EUR")
	p2 := e.Refused(t, c.Eve.SignAt(t, breadfund.TypeCost, breadfund.CostData{Commons: fund, Amount: 100, Description: "x"}, day("2026-05-03")), 403, meent.EFORBIDDEN)
	_ = p2
	p3 := e.Refused(t, c.Bob.SignAt(t, breadfund.TypeCost, breadfund.CostData{Commons: fund, Amount: 100, Description: "pay NL91ABNA0417164300 back"}, day("2026-05-03")), 422, meent.ERULE)
	wantContainsDetail(t, p3, "IBAN")

	// Dee falls ill; the reason is a private record, stored first.
	rec, err := private.Seal([]byte("hernia, operated on 3 March"), c.Dee.ID, fund, day("2026-02-10").UnixMilli())
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Store.(private.Store).PutPrivate(ctx, rec); err != nil {
		t.Fatal(err)
	}
	claim := at(c.Dee, "2026-02-10", breadfund.TypeSick, breadfund.SickData{Commons: fund, Member: c.Dee.ID, Start: "2026-02-09", Percent: 100, ReasonCommitment: rec.Commitment.String()})
	at(c.Bob, "2026-02-11", breadfund.TypeChange, breadfund.ChangeData{Claim: claim, Buddy: c.Cy.ID})

	// The public sees aggregates, never who.
	info := apitest.GetJSONAs[api.BreadfundInfo](t, e, "/api/v1/breadfunds/"+fund)
	if info.Members != 3 || info.OpenClaims != 1 || info.Balance != 12*4500 || info.Status != "active" || info.Name != "Broodfonds De Meent" {
		t.Fatalf("fund %+v", info)
	}
	if r := e.Get("/api/v1/breadfunds/" + fund); contains(string(r.Body), c.Dee.ID) {
		t.Fatal("the public view names the sick member")
	}
	apitest.WantProblem(t, e.Get("/api/v1/breadfunds/"+fund+"/claims"), 401, meent.EUNAUTHORIZED)
	apitest.WantProblem(t, e.Get("/api/v1/breadfunds/"+fund+"/claims", asHenk...), 403, meent.EFORBIDDEN)
	apitest.WantProblem(t, e.Get("/api/v1/breadfunds/nope"), 404, meent.ENOTFOUND)

	// April's gifts: the API proposes, the board signs.
	var g api.BreadfundGifts
	r := e.Get("/api/v1/breadfunds/"+fund+"/gifts/2026-04", asGrace...)
	apitest.WantStatus(t, r, 200)
	r.JSON(t, &g)
	if len(g.Due) != 1 || g.Due[0].Amount != 100000 || g.Payout != "" {
		t.Fatalf("gifts %+v", g)
	}
	e.Refused(t, c.Bob.SignAt(t, breadfund.TypeGifts, breadfund.GiftsData{Commons: fund, Period: "2026-04", Gifts: []breadfund.Gift{{Claim: claim, Member: c.Dee.ID, Amount: 100001}}}, day("2026-04-05")), 422, meent.ERULE)
	at(c.Bob, "2026-04-05", breadfund.TypeGifts, g.Data)
	at(c.Bob, "2026-04-05", breadfund.TypeApprove, breadfund.PayoutRef{Commons: fund, Payout: breadfund.GiftsID(fund, "2026-04")})
	var pays api.BreadfundPayouts
	r = e.Get("/api/v1/breadfunds/"+fund+"/payouts?status=approved", asGrace...)
	apitest.WantStatus(t, r, 200)
	r.JSON(t, &pays)
	if len(pays.Payouts) != 1 || pays.Payouts[0].Total != 100000 || len(pays.Payouts[0].Debits) != 2 {
		t.Fatalf("payouts %+v", pays)
	}
	var ms api.BreadfundMembers
	r = e.Get("/api/v1/breadfunds/"+fund+"/members?limit=2", asGrace...)
	apitest.WantStatus(t, r, 200)
	r.JSON(t, &ms)
	if len(ms.Members) != 2 || ms.Next == "" || ms.Members[0].Name != "Bob" || ms.Members[0].Pot != 4*4500-50000 {
		t.Fatalf("members page %+v", ms)
	}
	r = e.Get("/api/v1/breadfunds/"+fund+"/members?cursor="+ms.Next, asGrace...)
	ms = api.BreadfundMembers{}
	r.JSON(t, &ms)
	if len(ms.Members) != 1 || ms.Next != "" || ms.Members[0].Agent != c.Dee.ID || ms.Members[0].Received != 100000 {
		t.Fatalf("second members page %+v", ms)
	}

	// The reason is for the board, the buddy and the member: not for an
	// admin as such. Once grace is on the board, she reads it, and it
	// opens the claim's commitment.
	reason := "/api/v1/breadfunds/" + fund + "/claims/" + claim + "/reason"
	apitest.WantProblem(t, e.Get(reason, asGrace...), 403, meent.EFORBIDDEN)
	apitest.WantProblem(t, e.Get(reason, asHenk...), 403, meent.EFORBIDDEN)
	at(c.Bob, "2026-04-06", commons.TypeMaintainerAdd, commons.MaintainerData{Commons: fund, Agent: grace})
	r = e.Get(reason, asGrace...)
	apitest.WantStatus(t, r, 200)
	var rs api.BreadfundReason
	r.JSON(t, &rs)
	if rs.Status != "live" || string(rs.Data) != "hernia, operated on 3 March" || !private.Check(rec.Commitment, [private.SaltSize]byte(rs.Salt), rs.Data) {
		t.Fatalf("reason %+v", rs)
	}
	if r.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("Cache-Control %q", r.Header.Get("Cache-Control"))
	}
	if _, err := e.Store.(private.Store).ErasePrivate(ctx, rec.Commitment, grace, time.Now().UnixMilli()); err != nil {
		t.Fatal(err)
	}
	rs = api.BreadfundReason{}
	e.Get(reason, asGrace...).JSON(t, &rs)
	if rs.Status != "erased" || rs.Data != nil {
		t.Fatalf("erased reason %+v", rs)
	}
}

func wantContainsDetail(t *testing.T, p api.Problem, s string) {
	t.Helper()
	if !contains(p.Detail, s) {
		t.Fatalf("problem %q does not say %q", p.Detail, s)
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}
