package credit_test

import (
	"testing"

	"pgregory.net/rapid"

	"github.com/meent/meent/credit"
	"github.com/meent/meent/state"
)

// TestProperties draws random markets: currencies with random limits,
// growth and demurrage (to one account or shared), and random transfers,
// limit changes and demurrage periods, signed by the right or the wrong
// agent. After every event:
//
//   - the balances of every currency sum to exactly zero;
//   - an accepted transfer left its payer within the hard limit it had
//     just before; a refused event changed nothing;
//   - a demurrage period conserves exactly: debits = dust + credits, and
//     the balances moved by exactly what the period says;
//
// and at the end a replay of the accepted events, and a restore from a
// snapshot taken halfway followed by the rest, reach the same digest.
func TestProperties(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		names := []string{"ada", "ben", "cy", "dee"}
		w := newWorld(t, names...)
		w.commons("fablab", "ben")
		w.agent("visitor")
		holders := append(names, "fablab", "visitor", "admin")
		d := mee(w)
		d.Limits.Default = rapid.Int64Range(0, 20_000).Draw(rt, "default")
		d.Limits.Soft = rapid.Int64Range(0, d.Limits.Default).Draw(rt, "soft")
		d.Limits.Commons = rapid.Int64Range(0, 5_000).Draw(rt, "commons")
		if rapid.Bool().Draw(rt, "growth") {
			d.Limits.GrowthPerMille = rapid.Int64Range(1, 1000).Draw(rt, "per_mille")
			d.Limits.GrowthCap = d.Limits.Default + rapid.Int64Range(1, 50_000).Draw(rt, "cap")
		} else {
			d.Limits.GrowthPerMille, d.Limits.GrowthCap = 0, 0
		}
		d.Demurrage.RatePPM = rapid.Int64Range(1, credit.PPM-1).Draw(rt, "rate")
		d.Demurrage.Grace = rapid.Int64Range(0, 3_000).Draw(rt, "grace")
		if rapid.Bool().Draw(rt, "to_one") {
			d.Demurrage.To = w.ids[rapid.SampledFrom(holders).Draw(rt, "to")]
		}
		w.must("admin", credit.TypeCurrencyCreate, d)
		area := credit.Area{State: w.st.Credit, Agents: w.st.Agents, Commons: w.st.Commons}
		period := "2025-12"
		var half []byte
		var halfSize int64
		steps := rapid.IntRange(1, 60).Draw(rt, "steps")
		for i := 0; i < steps; i++ {
			before, size := w.st.Digest(), w.st.Size
			bal := w.balances("MEE")
			switch rapid.IntRange(0, 9).Draw(rt, "op") {
			default: // a transfer
				from, to := rapid.SampledFrom(holders).Draw(rt, "from"), rapid.SampledFrom(holders).Draw(rt, "to")
				signer := from
				if from == "fablab" {
					signer = "ben"
				}
				if rapid.IntRange(0, 9).Draw(rt, "forge") == 0 {
					signer = rapid.SampledFrom(names).Draw(rt, "signer")
				}
				amount := rapid.OneOf(rapid.Int64Range(1, 5_000), rapid.Int64Range(-10, 100_000)).Draw(rt, "amount")
				a := w.st.Credit.Account("MEE", w.ids[from])
				if a == nil { // not opened yet: the limits a new account gets
					a = &credit.Account{Currency: "MEE", Holder: w.ids[from], Kind: credit.HolderAgent}
					if from == "fablab" {
						a.Kind = credit.HolderCommons
					}
				}
				limit, _ := area.Limits(w.st.Authority(), a)
				_, err := w.do(signer, credit.TypeTransfer, pay(w, from, to, amount, "goods"))
				if err == nil {
					a := w.st.Credit.Account("MEE", w.ids[from])
					if a.Balance != bal[a.ID]-amount {
						rt.Fatalf("%s paid %d: %d → %d", from, amount, bal[a.ID], a.Balance)
					}
					if a.Balance < -limit {
						rt.Fatalf("%s at %d, beyond its hard limit -%d", from, a.Balance, limit)
					}
					if signer != from && !(from == "fablab" && signer == "ben") {
						rt.Fatalf("%s paid from %s's account", signer, from)
					}
				}
				if err != nil && (w.st.Digest() != before || w.st.Size != size) {
					rt.Fatalf("refused (%v), but the state changed", err)
				}
			case 6: // the currency's rules change: limits, rate, grace
				d.Limits.Default = rapid.Int64Range(0, 20_000).Draw(rt, "new_default")
				d.Limits.Soft = min(d.Limits.Soft, d.Limits.Default)
				if d.Limits.GrowthPerMille > 0 && d.Limits.GrowthCap <= d.Limits.Default {
					d.Limits.GrowthCap = d.Limits.Default + 1
				}
				d.Demurrage.RatePPM = rapid.Int64Range(1, credit.PPM-1).Draw(rt, "new_rate")
				d.Demurrage.Grace = rapid.Int64Range(0, 3_000).Draw(rt, "new_grace")
				if w.st.Credit.Currency("MEE").Last != "" {
					d.Demurrage.From = period // the next month to charge
				}
				w.must("admin", credit.TypeCurrencyUpdate, d)
			case 7: // a limit
				who := rapid.SampledFrom(holders).Draw(rt, "holder")
				w.must("admin", credit.TypeLimitSet, credit.LimitData{Currency: "MEE", Account: w.ids[who], Limit: rapid.Int64Range(0, 30_000).Draw(rt, "limit")})
			case 8, 9: // demurrage
				w.after(period)
				w.must(rapid.SampledFrom(names).Draw(rt, "applier"), credit.TypeDemurrage,
					credit.DemurrageData{Currency: "MEE", Period: period, RatePPM: d.Demurrage.RatePPM, Grace: d.Demurrage.Grace})
				p := w.st.Credit.Period("MEE", period)
				if p.Debits != p.Dust+p.Credits || p.Credits != p.Share*p.Shares || p.Dust < 0 || (p.Shares > 0 && p.Dust >= p.Shares) {
					rt.Fatalf("period does not conserve: %+v", p)
				}
				var down, up int64
				for id, v := range w.balances("MEE") {
					if c := v - bal[id]; c < 0 {
						down -= c
					} else {
						up += c
					}
				}
				// An account both charged and credited shows the net; the
				// totals still match exactly.
				if down-up != 0 {
					rt.Fatalf("demurrage moved %d down and %d up", down, up)
				}
				if p.Debits < down {
					rt.Fatalf("balances fell by %d, more than the %d charged", down, p.Debits)
				}
				period = credit.NextPeriod(period)
			}
			if s := sum(w.balances("MEE")); s != 0 {
				rt.Fatalf("balances sum to %d", s)
			}
			if i == steps/2 {
				var err error
				if half, err = w.st.Snapshot(); err != nil {
					rt.Fatal(err)
				}
				halfSize = int64(len(w.log))
			}
		}
		// Every account's statement, folded from the log alone, ends at
		// its balance.
		var posted []credit.Posted
		var periods []*credit.Period
		for i, ev := range w.log {
			switch ev.Type {
			case credit.TypeTransfer:
				var d credit.TransferData
				ev.DecodeData(&d)
				posted = append(posted, credit.Posted{Index: int64(i), Time: ev.Time, Data: d})
			case credit.TypeDemurrage:
				var d credit.DemurrageData
				ev.DecodeData(&d)
				periods = append(periods, w.st.Credit.Period(d.Currency, d.Period))
			}
		}
		for _, id := range w.st.Credit.Accounts("MEE") {
			a := w.st.Credit.AccountByID(id)
			if _, err := credit.Statement(a, posted, periods, nil, a.Balance); err != nil {
				rt.Fatal(err)
			}
		}
		// Replay from the first event, and from the snapshot.
		replay := state.New()
		for _, ev := range w.log {
			if err := replay.Apply(ev); err != nil {
				rt.Fatalf("replay refuses %s: %v", ev.Type, err)
			}
		}
		if replay.Digest() != w.st.Digest() {
			rt.Fatal("a replay reaches another state")
		}
		if half != nil {
			restored, err := state.Restore(half)
			if err != nil {
				rt.Fatal(err)
			}
			for _, ev := range w.log[halfSize:] {
				if err := restored.Apply(ev); err != nil {
					rt.Fatalf("after a restore, %s is refused: %v", ev.Type, err)
				}
			}
			if restored.Digest() != w.st.Digest() {
				rt.Fatal("a restore and the rest of the log reach another state")
			}
		}
	})
}
