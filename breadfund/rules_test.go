package breadfund_test

import (
	"testing"

	"github.com/meent/meent"
	"github.com/meent/meent/breadfund"
	"github.com/meent/meent/private"
)

// small is a policy for a fund of three to five people, with the
// broodfonds' first two levels.
func small() breadfund.Policy {
	p := breadfund.Example()
	p.MinMembers, p.MaxMembers, p.Levels = 3, 5, p.Levels[:2]
	p.MaxMonths = 3
	return p
}

// TestLifecycle walks a fund from its founding through a claim, its
// gifts and their approval, costs, an exit and the year's buffer
// refunds, checking the money after each step.
func TestLifecycle(t *testing.T) {
	w := newWorld(t, 6)
	p := small()
	w.at("2026-01-05")
	w.found(p, 3, 1)
	if f := w.st.Breadfund.Fund(w.lib); !f.Started || f.Members != 3 {
		t.Fatalf("fund %+v: want started with 3 members", f)
	}
	a, b, c, d := w.ppl[0], w.ppl[1], w.ppl[2], w.ppl[3]
	w.must(b, breadfund.TypeLevel, breadfund.LevelData{Commons: w.lib, Level: 2})
	w.depositAll("2026-01")
	w.check()

	// d joins, introduced by a; admitted after the objection window.
	w.must(d, breadfund.TypeJoin, breadfund.JoinData{Commons: w.lib, Level: 1, Introducer: a.id})
	w.refused(meent.ERULE, "objection window", w.board[0], breadfund.TypeAdmit, breadfund.CandidateData{Commons: w.lib, Candidate: d.id})
	w.at("2026-01-20")
	w.must(w.board[1], breadfund.TypeAdmit, breadfund.CandidateData{Commons: w.lib, Candidate: d.id})

	w.at("2026-02-01")
	w.depositAll("2026-02")
	claim := w.must(c, breadfund.TypeSick, breadfund.SickData{Commons: w.lib, Member: c.id, Start: "2026-02-01", Percent: 100})
	w.refused(meent.ECONFLICT, "open claim", c, breadfund.TypeSick, breadfund.SickData{Commons: w.lib, Member: c.id, Start: "2026-02-01", Percent: 100})
	w.refused(meent.EFORBIDDEN, "", a, breadfund.TypeSick, breadfund.SickData{Commons: w.lib, Member: b.id, Start: "2026-02-01", Percent: 100})
	// Care, not control: a buddy, and check-ins at the rhythm they chose.
	w.refused(meent.EFORBIDDEN, "board", c, breadfund.TypeChange, breadfund.ChangeData{Claim: claim, Buddy: a.id})
	w.must(w.board[0], breadfund.TypeChange, breadfund.ChangeData{Claim: claim, Buddy: a.id})
	w.must(c, breadfund.TypeChange, breadfund.ChangeData{Claim: claim, CheckinDays: 7})
	w.must(a, breadfund.TypeCheckin, breadfund.CheckinData{Claim: claim})
	w.refused(meent.EFORBIDDEN, "buddy", b, breadfund.TypeCheckin, breadfund.CheckinData{Claim: claim})
	if cl := w.st.Breadfund.Claim(claim); cl.Buddy != a.id || cl.CheckinDays != 7 || cl.Checkins != 1 || cl.LastCheckin != "2026-02-01" {
		t.Fatalf("claim %+v", cl)
	}

	w.at("2026-03-01")
	w.depositAll("2026-03")
	w.refused(meent.ERULE, "waiting period until 2026-03-03", w.board[0], breadfund.TypeGifts, breadfund.GiftsData{Commons: w.lib, Period: "2026-03",
		Gifts: []breadfund.Gift{{Claim: claim, Member: c.id, Amount: 75000}}})
	w.refused(meent.ERULE, "no gift is due", w.board[0], breadfund.TypeGifts, breadfund.GiftsData{Commons: w.lib, Period: "2026-03"})

	w.at("2026-04-02")
	w.depositAll("2026-04")
	w.refused(meent.ERULE, "before", w.board[0], breadfund.TypeGifts, breadfund.GiftsData{Commons: w.lib, Period: "2026-05",
		Gifts: []breadfund.Gift{{Claim: claim, Member: c.id, Amount: 75000}}})
	w.refused(meent.ERULE, "above its level", w.board[0], breadfund.TypeGifts, breadfund.GiftsData{Commons: w.lib, Period: "2026-04",
		Gifts: []breadfund.Gift{{Claim: claim, Member: c.id, Amount: 75001}}})
	w.refused(meent.ERULE, "exactly", w.board[0], breadfund.TypeGifts, breadfund.GiftsData{Commons: w.lib, Period: "2026-04",
		Gifts: []breadfund.Gift{{Claim: claim, Member: c.id, Amount: 70000}}})
	w.refused(meent.EFORBIDDEN, "board", a, breadfund.TypeGifts, breadfund.GiftsData{Commons: w.lib, Period: "2026-04",
		Gifts: []breadfund.Gift{{Claim: claim, Member: c.id, Amount: 75000}}})
	april := w.gifts("2026-04")
	po := w.st.Breadfund.Payout(april)
	if po.Status != breadfund.PayoutApproved || po.Total != 75000 {
		t.Fatalf("April's payout %+v: want 750.00 approved", po)
	}
	// The other pots gave in proportion to their level's deposit,
	// 33.75 : 45.00 : 33.75.
	want := map[string]int64{a.id: 22500, b.id: 30000, d.id: 22500}
	for _, db := range po.Debits {
		if want[db.Member] != db.Amount {
			t.Errorf("%s gave %d, want %d", db.Member, db.Amount, want[db.Member])
		}
	}
	w.refused(meent.ECONFLICT, "computed already", w.board[0], breadfund.TypeGifts, breadfund.GiftsData{Commons: w.lib, Period: "2026-04",
		Gifts: []breadfund.Gift{{Claim: claim, Member: c.id, Amount: 75000}}})
	w.refused(meent.ECONFLICT, "approved already", w.board[0], breadfund.TypeApprove, breadfund.PayoutRef{Commons: w.lib, Payout: april})
	w.must(w.board[0], breadfund.TypeSettle, breadfund.SettleData{Commons: w.lib, Payout: april, Reference: "SEPA BF-2026-04"})
	w.check()

	// A return to work at 50% from May: May's gift is half.
	w.must(c, breadfund.TypeChange, breadfund.ChangeData{Claim: claim, Percent: 50, From: "2026-05-01"})
	w.refused(meent.ERULE, "one of", c, breadfund.TypeChange, breadfund.ChangeData{Claim: claim, Percent: 40, From: "2026-05-10"})
	w.at("2026-05-02")
	w.must(w.board[0], breadfund.TypeGifts, breadfund.GiftsData{Commons: w.lib, Period: "2026-05",
		Gifts: []breadfund.Gift{{Claim: claim, Member: c.id, Amount: 37500}}})
	w.at("2026-06-02")
	w.gifts("2026-06")
	// Three months: the maximum. July gives nothing.
	w.at("2026-07-02")
	w.refused(meent.ERULE, "maximum of 3 months", w.board[0], breadfund.TypeGifts, breadfund.GiftsData{Commons: w.lib, Period: "2026-07",
		Gifts: []breadfund.Gift{{Claim: claim, Member: c.id, Amount: 37500}}})
	w.refused(meent.ERULE, "open claim", c, breadfund.TypeExit, breadfund.ExitData{Commons: w.lib, Member: c.id})
	w.must(c, breadfund.TypeRecover, breadfund.RecoverData{Claim: claim, End: "2026-07-01"})
	// A relapse within relapse_days continues the claim: no new months.
	again := w.must(c, breadfund.TypeSick, breadfund.SickData{Commons: w.lib, Member: c.id, Start: "2026-07-02", Percent: 100})
	if cl := w.st.Breadfund.Claim(again); cl.Continues != claim || cl.Months != 3 {
		t.Fatalf("relapse %+v: want it to continue %s with 3 months", cl, claim)
	}
	w.at("2026-07-04")
	w.must(c, breadfund.TypeRecover, breadfund.RecoverData{Claim: again, End: "2026-07-03"})

	w.must(w.board[0], breadfund.TypeCost, breadfund.CostData{Commons: w.lib, Amount: 1001, Description: "bank costs"})
	w.refused(meent.ERULE, "above the policy's", w.board[0], breadfund.TypeCost, breadfund.CostData{Commons: w.lib, Amount: 4 * 6000, Description: "too much"})
	w.refused(meent.ERULE, "one line", w.board[0], breadfund.TypeCost, breadfund.CostData{Commons: w.lib, Amount: 100, Description: "line\nbreak"})
	w.check()

	// An exit in July refunds the pot; outside the window it is refused.
	m := w.st.Breadfund.Member(w.lib, a.id)
	w.refused(meent.ERULE, "the pot's balance", a, breadfund.TypeExit, breadfund.ExitData{Commons: w.lib, Member: a.id, Refund: m.Pot + 1})
	exit := w.must(a, breadfund.TypeExit, breadfund.ExitData{Commons: w.lib, Member: a.id, Refund: max(m.Pot, 0)})
	w.check()
	w.at("2026-08-01")
	w.refused(meent.ERULE, "exit window", b, breadfund.TypeExit, breadfund.ExitData{Commons: w.lib, Member: b.id})
	w.refused(meent.ERULE, "change window", b, breadfund.TypeLevel, breadfund.LevelData{Commons: w.lib, Level: 1})
	if pe := w.st.Breadfund.Payout(exit); m.Pot > 0 && (pe == nil || pe.Total != m.Pot) {
		t.Fatalf("exit payout %+v, want %d", pe, m.Pot)
	}

	// Deposits only at the level's amount, once a month.
	w.refused(meent.ERULE, "a deposit at level 2 is 45.00 EUR a month, not 33.75 EUR", b, breadfund.TypeDeposit, breadfund.DepositData{Commons: w.lib, Member: b.id, Period: "2026-08", Amount: 3375})
	w.must(b, breadfund.TypeDeposit, breadfund.DepositData{Commons: w.lib, Member: b.id, Period: "2026-08", Amount: 4500})
	w.refused(meent.ECONFLICT, "already deposited", b, breadfund.TypeDeposit, breadfund.DepositData{Commons: w.lib, Member: b.id, Period: "2026-08", Amount: 4500})
	w.refused(meent.ERULE, "or later", b, breadfund.TypeDeposit, breadfund.DepositData{Commons: w.lib, Member: b.id, Period: "2026-09", Amount: 4500})

	// The year's buffer refunds: nobody's pot is above 36 deposits here.
	w.at("2026-12-01")
	w.refused(meent.ERULE, "no pot is above", w.board[0], breadfund.TypeSurplus, breadfund.SurplusData{Commons: w.lib, Year: 2026})
	w.check()
	w.replay()
}

func TestAdmission(t *testing.T) {
	w := newWorld(t, 8)
	p := small()
	w.at("2026-01-05")
	w.refused(meent.ERULE, "no bread fund", w.ppl[0], breadfund.TypeJoin, breadfund.JoinData{Commons: w.lib, Level: 1})
	w.refused(meent.EFORBIDDEN, "", w.ppl[0], breadfund.TypePolicySet, breadfund.PolicySetData{Commons: w.lib, Policy: p.Marshal()})
	bad := p
	bad.Levels = []breadfund.Level{{Gift: 1000, Deposit: 2000}}
	w.refused(meent.ERULE, "deposit is at most the gift", w.board[0], breadfund.TypePolicySet, breadfund.PolicySetData{Commons: w.lib, Policy: bad.Marshal()})
	bad = p
	bad.Approvals = 3
	w.refused(meent.ERULE, "the board of broodfonds has 2", w.board[0], breadfund.TypePolicySet, breadfund.PolicySetData{Commons: w.lib, Policy: bad.Marshal()})
	w.found(p, 3, 1)
	x, y := w.ppl[3], w.ppl[4]
	w.refused(meent.ERULE, "introduced by a member", x, breadfund.TypeJoin, breadfund.JoinData{Commons: w.lib, Level: 1})
	w.refused(meent.ERULE, "introducer must be a member", x, breadfund.TypeJoin, breadfund.JoinData{Commons: w.lib, Level: 1, Introducer: y.id})
	w.refused(meent.ERULE, "level 9 does not exist", x, breadfund.TypeJoin, breadfund.JoinData{Commons: w.lib, Level: 9, Introducer: w.ppl[0].id})
	w.must(x, breadfund.TypeJoin, breadfund.JoinData{Commons: w.lib, Level: 1, Introducer: w.ppl[0].id})
	w.refused(meent.EFORBIDDEN, "only a member", y, breadfund.TypeObject, breadfund.CandidateData{Commons: w.lib, Candidate: x.id})
	w.must(w.ppl[1], breadfund.TypeObject, breadfund.CandidateData{Commons: w.lib, Candidate: x.id})
	w.at("2026-02-01")
	w.refused(meent.ERULE, "not a candidate", w.board[0], breadfund.TypeAdmit, breadfund.CandidateData{Commons: w.lib, Candidate: x.id})
	w.must(y, breadfund.TypeJoin, breadfund.JoinData{Commons: w.lib, Level: 2, Introducer: w.ppl[0].id})
	w.at("2026-02-16")
	w.refused(meent.ERULE, "closed on 2026-02-15", w.ppl[1], breadfund.TypeObject, breadfund.CandidateData{Commons: w.lib, Candidate: y.id})
	w.must(w.board[0], breadfund.TypeAdmit, breadfund.CandidateData{Commons: w.lib, Candidate: y.id})
	w.must(w.ppl[5], breadfund.TypeJoin, breadfund.JoinData{Commons: w.lib, Level: 1, Introducer: w.ppl[0].id})
	w.refused(meent.ERULE, "full", w.ppl[6], breadfund.TypeJoin, breadfund.JoinData{Commons: w.lib, Level: 1, Introducer: w.ppl[0].id})
	w.replay()
}

// TestPrivacy: personal data in the fund's public text is refused at the
// node's door (private.Screen), and a sick report's reason can only be a
// commitment to a private record.
func TestPrivacy(t *testing.T) {
	data := []byte(`{"commons":"c","amount":100,"description":"refund to NL91ABNA0417164300"}`)
	if err := private.Screen(breadfund.TypeCost, data); meent.ErrorCode(err) != meent.ERULE {
		t.Errorf("an IBAN in a cost's description: %v", err)
	}
	data = []byte(`{"commons":"c","payout":"p","reference":"mail ada@example.org"}`)
	if err := private.Screen(breadfund.TypeSettle, data); meent.ErrorCode(err) != meent.ERULE {
		t.Errorf("an e-mail address in a settlement's reference: %v", err)
	}
	rec, err := private.Seal([]byte("burn-out"), "a", "c", 0)
	if err != nil {
		t.Fatal(err)
	}
	data = []byte(`{"commons":"c","member":"a","start":"2026-01-01","percent":100,"reason_commitment":"` + rec.Commitment.String() + `"}`)
	if got := private.Commitments(breadfund.TypeSick, data); len(got) != 1 || got[0] != rec.Commitment {
		t.Errorf("the node would not check the reason's record: %v", got)
	}
	w := newWorld(t, 3)
	w.at("2026-01-05")
	p := small()
	p.MinMembers = 2
	w.found(p, 2, 1)
	w.refused(meent.ERULE, "reason_commitment", w.ppl[0], breadfund.TypeSick, breadfund.SickData{Commons: w.lib, Member: w.ppl[0].id, Start: "2026-01-05", Percent: 100, ReasonCommitment: "burn-out"})
	// A reason in plain words has no member to go into.
	_, err = w.do(w.ppl[0], breadfund.TypeSick, map[string]any{"commons": w.lib, "member": w.ppl[0].id, "start": "2026-01-05", "percent": 100, "reason": "burn-out"})
	if meent.ErrorCode(err) != meent.EMALFORMED {
		t.Errorf("a sick report with a reason member: %v, want %s", err, meent.EMALFORMED)
	}
}

// TestNobodyLeftToGive: a gift nobody's pot can give is refused, never
// paid out of thin air (found by TestMoneyConserved).
func TestNobodyLeftToGive(t *testing.T) {
	w := newWorld(t, 3)
	p := small()
	p.WaitingDays = 0
	w.at("2026-01-02")
	w.found(p, 3, 1)
	w.depositAll("2026-01")
	a := w.ppl[0]
	claim := w.must(a, breadfund.TypeSick, breadfund.SickData{Commons: w.lib, Member: a.id, Start: "2026-01-02", Percent: 100})
	for _, q := range w.ppl[1:] {
		m := w.st.Breadfund.Member(w.lib, q.id)
		w.must(q, breadfund.TypeExit, breadfund.ExitData{Commons: w.lib, Member: q.id, Refund: m.Pot})
	}
	w.at("2026-02-01")
	w.refused(meent.ERULE, "no other member is left", w.board[0], breadfund.TypeGifts, breadfund.GiftsData{Commons: w.lib, Period: "2026-02",
		Gifts: []breadfund.Gift{{Claim: claim, Member: a.id, Amount: 75000}}})
	w.check()
}
