package breadfund_test

import (
	"bytes"
	"testing"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/meent/meent/breadfund"
	"github.com/meent/meent/ledger"
)

// benchFund is a fund of 50 members at the broodfonds' levels, with 5
// claims past their waiting period in April 2026.
func benchFund(b *testing.B) (*world, breadfund.GiftsData) {
	w := newWorld(b, 50)
	p := breadfund.Example()
	p.MinMembers = 50
	w.at("2026-01-02")
	w.must(w.board[0], breadfund.TypePolicySet, breadfund.PolicySetData{Commons: w.lib, Policy: p.Marshal()})
	for i, q := range w.ppl {
		w.must(q, breadfund.TypeJoin, breadfund.JoinData{Commons: w.lib, Level: 1 + i%len(p.Levels)})
		w.must(w.board[0], breadfund.TypeAdmit, breadfund.CandidateData{Commons: w.lib, Candidate: q.id})
	}
	for _, m := range []string{"2026-01", "2026-02", "2026-03"} {
		w.at(m + "-02")
		w.depositAll(m)
	}
	for i := range 5 {
		q := w.ppl[i*7]
		w.must(q, breadfund.TypeSick, breadfund.SickData{Commons: w.lib, Member: q.id, Start: "2026-02-01", Percent: []int{100, 50}[i%2]})
	}
	w.at("2026-04-02")
	due, _, err := w.st.Breadfund.DueGifts(w.lib, "2026-04")
	if err != nil || len(due) != 5 {
		b.Fatalf("%d gifts due (%v), want 5", len(due), err)
	}
	d := breadfund.GiftsData{Commons: w.lib, Period: "2026-04"}
	for _, g := range due {
		d.Gifts = append(d.Gifts, g.Gift)
	}
	return w, d
}

// BenchmarkMonthGifts computes a month's gifts for a 50-member fund with
// 5 claims: what the node's API does to propose them (the gifts due and
// each one's split over 49 pots).
func BenchmarkMonthGifts(b *testing.B) {
	w, _ := benchFund(b)
	b.ReportAllocs()
	for b.Loop() {
		due, _, _ := w.st.Breadfund.DueGifts(w.lib, "2026-04")
		for _, g := range due {
			w.st.Breadfund.GiftSplit(w.lib, g.Member, g.Amount)
		}
	}
}

// BenchmarkMonthGiftsApply applies the breadfund.gifts event of that
// month: the rules recompute and check every gift, debit 49 pots per
// claim and create the payout (the state is restored between runs,
// outside the timer).
func BenchmarkMonthGiftsApply(b *testing.B) {
	w, d := benchFund(b)
	e, err := ledger.Sign(w.board[0].key, ledger.Body{Type: breadfund.TypeGifts, Author: w.board[0].id, Time: w.tm + 1000, Data: d})
	if err != nil {
		b.Fatal(err)
	}
	ev, err := ledger.Decode(e)
	if err != nil {
		b.Fatal(err)
	}
	var snap bytes.Buffer
	if err := w.st.Breadfund.MarshalSnapshot(jsontext.NewEncoder(&snap)); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		if err := w.st.Breadfund.RestoreSnapshot(jsontext.NewDecoder(bytes.NewReader(snap.Bytes()))); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if err := w.st.Apply(ev); err != nil {
			b.Fatal(err)
		}
	}
}
