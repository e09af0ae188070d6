package breadfund_test

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/meent/meent/breadfund"
)

// TestSimulation runs a fund of 50 members for ten years with random
// illness (a fixed seed), and checks every rule and the money each month.
func TestSimulation(t *testing.T) {
	if testing.Short() {
		t.Skip("ten years of a fund")
	}
	w := simulate(t, 50, 10, 2026)
	f := w.st.Breadfund.Fund(w.lib)
	t.Logf("after 10 years: %d members, %d claims, deposited %d, gifts %d, costs %d, refunds %d, balance %d (minor units), %d events",
		f.Members, len(w.st.Breadfund.Claims(w.lib, false)), f.Deposited, f.Gifts, f.Costs, f.Refunds, f.Balance(), len(w.log))
	maxed := 0
	for _, c := range w.st.Breadfund.Claims(w.lib, false) {
		if c.Months == breadfund.Example().MaxMonths {
			maxed++
		}
	}
	if f.Gifts == 0 || f.Refunds == 0 || len(w.st.Breadfund.Claims(w.lib, false)) < 20 || maxed == 0 {
		t.Fatalf("the simulation exercised too little: gifts %d, refunds %d, %d claims, %d at the maximum duration", f.Gifts, f.Refunds, len(w.st.Breadfund.Claims(w.lib, false)), maxed)
	}
}

// simulate runs a fund of n members (the broodfonds' published rules,
// Example) for the given years: each month every member deposits, about
// one in 200 falls ill (the broodfonds: 5% a year, 7 months on average) for a random time (some go back to work at 50%
// first), the board computes, approves and pays the month's gifts,
// charges costs each quarter, refunds the buffer each December; in the
// windows a few members change level or leave and newcomers are
// introduced and admitted after the objection window. After each month
// it checks the rules independently (checkMonth) and the money
// (world.check); at the end it replays the log.
func simulate(t *testing.T, n, years int, seed uint64) *world {
	rng := rand.New(rand.NewPCG(seed, 1))
	w := newWorld(t, n+n/2) // room for newcomers
	p := breadfund.Example()
	p.MinMembers, p.MaxMembers = min(20, n), n
	w.at("2026-01-02")
	w.must(w.board[0], breadfund.TypePolicySet, breadfund.PolicySetData{Commons: w.lib, Policy: p.Marshal()})
	// The founders all join while the fund is being founded, and are
	// admitted after the objection window.
	for _, q := range w.ppl[:n] {
		w.must(q, breadfund.TypeJoin, breadfund.JoinData{Commons: w.lib, Level: 1 + rng.IntN(len(p.Levels))})
	}
	w.tm += 15 * 24 * 3600 * 1000
	for _, q := range w.ppl[:n] {
		w.must(w.board[0], breadfund.TypeAdmit, breadfund.CandidateData{Commons: w.lib, Candidate: q.id})
	}
	next := n                      // the next newcomer
	ends := map[string]time.Time{} // open claim → the day it ends
	month := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for range years * 12 {
		w.tm = max(w.tm, month.UnixMilli()+3600_000)
		period := month.Format("2006-01")
		w.depositAll(period)
		if id := w.gifts(period); id != "" {
			w.checkMonth(period, id, p)
			w.must(w.board[1], breadfund.TypeSettle, breadfund.SettleData{Commons: w.lib, Payout: id, Reference: "SEPA BF-" + period})
		}
		// Recoveries and illness during the month.
		w.tm += 10 * 24 * 3600 * 1000
		for _, c := range w.st.Breadfund.Claims(w.lib, true) {
			end := ends[c.ID]
			switch {
			case !end.After(time.UnixMilli(w.tm)):
				w.must(w.board[0], breadfund.TypeRecover, breadfund.RecoverData{Claim: c.ID, End: breadfund.DateOf(w.tm)})
			case len(c.Steps) == 1 && rng.IntN(6) == 0:
				w.must(w.board[0], breadfund.TypeChange, breadfund.ChangeData{Claim: c.ID, Percent: 50, From: breadfund.DateOf(w.tm + 24*3600*1000)})
			}
		}
		for _, m := range w.st.Breadfund.Members(w.lib) {
			if m.Status == breadfund.StatusMember && m.Claim == "" && rng.IntN(200) == 0 {
				start := w.tm - int64(rng.IntN(9))*24*3600*1000
				id := w.must(w.board[0], breadfund.TypeSick, breadfund.SickData{Commons: w.lib, Member: m.Agent, Start: breadfund.DateOf(start), Percent: 100})
				days := 7 + rng.IntN(430)
				if rng.IntN(5) == 0 {
					days = 7 + rng.IntN(1000) // some outlast the maximum duration
				}
				ends[id] = time.UnixMilli(start).AddDate(0, 0, days)
			}
		}
		if month.Month()%3 == 0 {
			w.must(w.board[0], breadfund.TypeCost, breadfund.CostData{Commons: w.lib, Amount: int64(w.st.Breadfund.Fund(w.lib).Members * (500 + rng.IntN(900))), Description: "bank and association costs"})
		}
		// The windows: level changes, exits and newcomers.
		if month.Month() == 1 || month.Month() == 7 {
			for _, m := range w.st.Breadfund.Members(w.lib) {
				if m.Status != breadfund.StatusMember || m.Claim != "" {
					continue
				}
				switch rng.IntN(40) {
				case 0:
					q := w.person(m.Agent)
					w.must(q, breadfund.TypeExit, breadfund.ExitData{Commons: w.lib, Member: m.Agent, Refund: breadfund.ExitRefund(m)})
				case 1:
					if l := 1 + rng.IntN(len(p.Levels)); l != m.Level {
						w.must(w.person(m.Agent), breadfund.TypeLevel, breadfund.LevelData{Commons: w.lib, Level: l})
					}
				}
			}
			introducer := w.firstMember()
			for f := w.st.Breadfund.Fund(w.lib); f.Members+f.Candidates < p.MaxMembers && next < len(w.ppl); next++ {
				w.must(w.ppl[next], breadfund.TypeJoin, breadfund.JoinData{Commons: w.lib, Level: 1 + rng.IntN(len(p.Levels)), Introducer: introducer})
			}
			w.tm += 15 * 24 * 3600 * 1000
			for _, m := range w.st.Breadfund.Members(w.lib) {
				if m.Status == breadfund.StatusCandidate {
					w.must(w.board[1], breadfund.TypeAdmit, breadfund.CandidateData{Commons: w.lib, Candidate: m.Agent})
				}
			}
		}
		if month.Month() == 12 {
			if due := w.st.Breadfund.DueSurplus(w.lib); len(due) > 0 {
				w.must(w.board[0], breadfund.TypeSurplus, breadfund.SurplusData{Commons: w.lib, Year: month.Year(), Refunds: due})
			}
		}
		for _, po := range w.st.Breadfund.Payouts(w.lib, breadfund.PayoutPending) {
			for _, b := range w.board {
				w.must(b, breadfund.TypeApprove, breadfund.PayoutRef{Commons: w.lib, Payout: po.ID})
			}
		}
		w.check()
		month = month.AddDate(0, 1, 0)
	}
	w.replay()
	return w
}

func (w *world) person(id string) person {
	for _, q := range w.ppl {
		if q.id == id {
			return q
		}
	}
	w.tb.Fatalf("no person %s", id)
	return person{}
}

func (w *world) firstMember() string {
	for _, m := range w.st.Breadfund.Members(w.lib) {
		if m.Status == breadfund.StatusMember {
			return m.Agent
		}
	}
	return ""
}

// checkMonth checks a month's gifts against the rules, computed here
// from the claims and the policy without the package's DueGifts: every
// gift at most its level's gift, exactly the level's times the percentage
// on the month's first day, never in the waiting period, never beyond
// the maximum duration; every claim due a gift has one; and the pots'
// debits are in proportion to the payers' deposits, within one cent.
func (w *world) checkMonth(period, id string, p breadfund.Policy) {
	w.tb.Helper()
	first, _ := breadfund.ParsePeriod(period)
	po := w.st.Breadfund.Payout(id)
	got := map[string]int64{}
	for _, l := range po.Lines {
		got[l.Claim] = l.Amount
	}
	for _, c := range w.st.Breadfund.Claims(w.lib, false) {
		start, _ := breadfund.ParseDate(c.Start)
		wait, _ := breadfund.ParseDate(c.WaitUntil)
		end := int64(1) << 62
		if c.End != "" {
			end, _ = breadfund.ParseDate(c.End)
		}
		pc := c.Steps[0].Percent
		for _, s := range c.Steps {
			if from, _ := breadfund.ParseDate(s.From); from <= first {
				pc = s.Percent
			}
		}
		l, _ := p.Level(c.Level)
		amount, gave := got[c.ID]
		open := start <= first && end > first
		switch {
		case gave && amount > l.Gift:
			w.tb.Fatalf("%s: claim %s got %d, above its level's %d", period, c.ID, amount, l.Gift)
		case gave && c.Continues == "" && wait != start+int64(p.WaitingDays)*24*3600*1000:
			w.tb.Fatalf("%s: claim %s waits until %s", period, c.ID, c.WaitUntil)
		case gave && (!open || first < wait):
			w.tb.Fatalf("%s: claim %s got a gift while not open or waiting (until %s)", period, c.ID, c.WaitUntil)
		case gave && c.Months > p.MaxMonths:
			w.tb.Fatalf("%s: claim %s has had %d months, beyond %d", period, c.ID, c.Months, p.MaxMonths)
		case gave && amount != l.Gift*int64(pc)/100:
			w.tb.Fatalf("%s: claim %s got %d, want %d at %d%%", period, c.ID, amount, l.Gift*int64(pc)/100, pc)
		case !gave && open && first >= wait && c.Months < p.MaxMonths:
			w.tb.Fatalf("%s: claim %s was due a gift and got none", period, c.ID)
		}
	}
	for _, d := range po.Debits {
		m := w.st.Breadfund.Member(w.lib, d.Member)
		l, _ := p.Level(m.Level)
		// Each payer gives its share of every gift it pays for; summed
		// over the claims, its debit is within one cent per claim of its
		// share of the total.
		var share float64
		for _, ln := range po.Lines {
			var others int64
			for _, e := range po.Debits {
				if e.Member != ln.Member {
					me := w.st.Breadfund.Member(w.lib, e.Member)
					le, _ := p.Level(me.Level)
					others += le.Deposit
				}
			}
			if d.Member != ln.Member {
				share += float64(ln.Amount) * float64(l.Deposit) / float64(others)
			}
		}
		if diff := float64(d.Amount) - share; diff > float64(len(po.Lines)) || diff < -float64(len(po.Lines)) {
			w.tb.Fatalf("%s: %s gave %d, its share is %.2f", period, d.Member, d.Amount, share)
		}
	}
}
