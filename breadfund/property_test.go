package breadfund_test

import (
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/meent/meent/breadfund"
)

// TestMoneyConserved runs random histories of a fund (deposits, claims,
// return-to-work changes, gifts, approvals, costs, joins, level changes,
// exits, buffer refunds, and many events the rules refuse) and checks
// after every event that money is conserved and every pot equals its
// parts (world.check), that a refused event changed nothing, and at the
// end that a replay of the log reaches the same state.
func TestMoneyConserved(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		n := rapid.IntRange(4, 12).Draw(rt, "people")
		w := newWorld(rt, n)
		p := breadfund.Example()
		p.MinMembers, p.MaxMembers = 3, n
		p.MaxMonths = rapid.IntRange(1, 6).Draw(rt, "max_months")
		p.WaitingDays = rapid.IntRange(0, 45).Draw(rt, "waiting_days")
		p.BufferMonths = rapid.IntRange(1, 4).Draw(rt, "buffer_months")
		p.ObjectionDays = 0
		w.at("2026-01-02")
		w.found(p, 3, 1)
		pick := func(label string) person { return w.ppl[rapid.IntRange(0, n-1).Draw(rt, label)] }
		steps := rapid.IntRange(10, 120).Draw(rt, "steps")
		for range steps {
			w.tm += int64(rapid.IntRange(0, 20).Draw(rt, "days")) * 24 * 3600 * 1000
			period := breadfund.PeriodOf(w.tm)
			before, size := w.st.Digest(), w.st.Size
			var err error
			switch rapid.IntRange(0, 11).Draw(rt, "action") {
			case 0, 1:
				q := pick("depositor")
				amount := int64(3375)
				if m := w.st.Breadfund.Member(w.lib, q.id); m != nil && rapid.Bool().Draw(rt, "right band") {
					l, _ := p.Level(m.Level)
					amount = l.Deposit
				}
				_, err = w.do(q, breadfund.TypeDeposit, breadfund.DepositData{Commons: w.lib, Member: q.id, Period: period, Amount: amount})
			case 2:
				q := pick("sick")
				pc := []int{25, 50, 75, 100}[rapid.IntRange(0, 3).Draw(rt, "percent")]
				_, err = w.do(q, breadfund.TypeSick, breadfund.SickData{Commons: w.lib, Member: q.id, Start: breadfund.DateOf(w.tm - int64(rapid.IntRange(0, 40).Draw(rt, "ago"))*24*3600*1000), Percent: pc})
			case 3:
				if cs := w.st.Breadfund.Claims(w.lib, true); len(cs) > 0 {
					c := cs[rapid.IntRange(0, len(cs)-1).Draw(rt, "claim")]
					_, err = w.do(w.board[0], breadfund.TypeRecover, breadfund.RecoverData{Claim: c.ID, End: breadfund.DateOf(w.tm)})
				}
			case 4:
				if cs := w.st.Breadfund.Claims(w.lib, true); len(cs) > 0 {
					c := cs[rapid.IntRange(0, len(cs)-1).Draw(rt, "claim")]
					_, err = w.do(w.board[0], breadfund.TypeChange, breadfund.ChangeData{Claim: c.ID, Percent: 50, From: breadfund.DateOf(w.tm + 24*3600*1000)})
				}
			case 5, 6:
				if due, _, _ := w.st.Breadfund.DueGifts(w.lib, period); len(due) > 0 && w.st.Breadfund.Payout(breadfund.GiftsID(w.lib, period)) == nil {
					d := breadfund.GiftsData{Commons: w.lib, Period: period}
					for _, g := range due {
						d.Gifts = append(d.Gifts, g.Gift)
					}
					if rapid.IntRange(0, 4).Draw(rt, "tamper") == 0 {
						d.Gifts[0].Amount++
					}
					_, err = w.do(w.board[0], breadfund.TypeGifts, d)
				}
			case 7:
				for _, po := range w.st.Breadfund.Payouts(w.lib, breadfund.PayoutPending) {
					_, err = w.do(w.board[rapid.IntRange(0, 1).Draw(rt, "approver")], breadfund.TypeApprove, breadfund.PayoutRef{Commons: w.lib, Payout: po.ID})
					break
				}
			case 8:
				_, err = w.do(w.board[1], breadfund.TypeCost, breadfund.CostData{Commons: w.lib, Amount: rapid.Int64Range(1, 20000).Draw(rt, "cost"), Description: "costs"})
			case 9:
				q := pick("joiner")
				_, err = w.do(q, breadfund.TypeJoin, breadfund.JoinData{Commons: w.lib, Level: rapid.IntRange(1, 8).Draw(rt, "level"), Introducer: w.ppl[0].id})
				if err == nil {
					w.check()
					_, err = w.do(w.board[0], breadfund.TypeAdmit, breadfund.CandidateData{Commons: w.lib, Candidate: q.id})
				}
			case 10:
				q := pick("leaver")
				refund := int64(0)
				if m := w.st.Breadfund.Member(w.lib, q.id); m != nil {
					refund = breadfund.ExitRefund(m)
				}
				if rapid.IntRange(0, 5).Draw(rt, "tamper") == 0 {
					refund++
				}
				_, err = w.do(q, breadfund.TypeExit, breadfund.ExitData{Commons: w.lib, Member: q.id, Refund: refund})
			case 11:
				if time.UnixMilli(w.tm).UTC().Month() == 12 {
					y := time.UnixMilli(w.tm).UTC().Year()
					_, err = w.do(w.board[0], breadfund.TypeSurplus, breadfund.SurplusData{Commons: w.lib, Year: y, Refunds: w.st.Breadfund.DueSurplus(w.lib)})
				} else {
					q := pick("changer")
					_, err = w.do(q, breadfund.TypeLevel, breadfund.LevelData{Commons: w.lib, Level: rapid.IntRange(1, 8).Draw(rt, "level")})
				}
			}
			if err != nil && (w.st.Digest() != before || w.st.Size != size) {
				rt.Fatalf("a refused event (%v) changed the state", err)
			}
			w.check()
		}
		w.replay()
	})
}

// TestPotsEqualTheirEvents recomputes every pot from the log alone, with
// an independent reading of each event (deposits credit; the payouts'
// debits and the costs' split debit; exits move the deficit and refund),
// and compares it with the rules' pots.
func TestPotsEqualTheirEvents(t *testing.T) {
	w := simulate(t, 12, 3, 7)
	pots := map[string]int64{}
	for _, ev := range w.log {
		switch ev.Type {
		case breadfund.TypeDeposit:
			var d breadfund.DepositData
			ev.DecodeData(&d)
			pots[d.Member] += d.Amount
		}
	}
	for _, po := range w.st.Breadfund.Payouts(w.lib, "") {
		for _, d := range po.Debits {
			pots[d.Member] -= d.Amount
		}
	}
	for _, m := range w.st.Breadfund.Members(w.lib) {
		// Costs and write-offs are not payouts: the member keeps their
		// totals, which the pot's identity (world.check) ties to it.
		if got := pots[m.Agent] - m.PaidCosts - m.WrittenOff; got != m.Pot {
			t.Errorf("%s: the events give %d, the pot is %d", m.Agent, got, m.Pot)
		}
	}
}
