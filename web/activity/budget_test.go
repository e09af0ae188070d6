package activity_test

import (
	"testing"

	"github.com/meent/meent"
	"github.com/meent/meent/budget"
	"github.com/meent/meent/commons"
	"github.com/meent/meent/web/activity"
	"github.com/meent/meent/web/i18n"
)

// TestBudgetLines pins the budget area's lines in both languages.
func TestBudgetLines(t *testing.T) {
	const round, bucket, alloc = "r0000000000000000000000000000001", "b0000000000000000000000000000001", "a0000000000000000000000000000001"
	w := lookup{agents: world.agents, objects: map[[2]string]any{
		{commons.KindCommons, atlas}:   commons.Commons{ID: atlas, Name: "Windatlas"},
		{budget.KindRound, round}:      budget.Round{ID: round, Title: "Voorjaar", Currency: "EUR", Closed: &budget.Closing{Funded: 300000, Leftover: 12345}},
		{budget.KindBucket, bucket}:    budget.Bucket{ID: bucket, Title: "Nieuwe wieken"},
		{budget.KindAllocation, alloc}: budget.Allocation{ID: alloc, Bucket: bucket, Amount: 2500, Currency: "EUR"},
	}}
	eur := func(n int64) map[string]any { return map[string]any{"amount": n, "currency": "EUR"} }
	rec := func(typ string, d map[string]any) meent.Record {
		return meent.Record{Type: typ, Author: ada, Data: data(d)}
	}
	for _, c := range []struct {
		rec    meent.Record
		en, nl string
	}{
		{rec(budget.TypeRoundOpen, map[string]any{"title": "Voorjaar"}), "Ada opened the budget round “Voorjaar” in Windatlas", "Ada heeft de budgetronde ‘Voorjaar’ geopend in Windatlas"},
		{rec(budget.TypeFund, map[string]any{"round": round, "source": "member", "amount": eur(150000)}),
			"Ada put 1500.00 EUR of their own into the budget round “Voorjaar”", "Ada heeft zelf € 1.500,00 ingelegd in de budgetronde ‘Voorjaar’"},
		{rec(budget.TypeBucketPropose, map[string]any{"title": "Nieuwe wieken", "min": eur(100000), "max": eur(250000)}),
			"Ada proposed the bucket “Nieuwe wieken”, from 1000.00 EUR to 2500.00 EUR", "Ada heeft het potje ‘Nieuwe wieken’ voorgesteld, van € 1.000,00 tot € 2.500,00"},
		{rec(budget.TypeAllocate, map[string]any{"bucket": bucket, "amount": eur(2500)}), "Ada gave 25.00 EUR to the bucket “Nieuwe wieken”", "Ada heeft € 25,00 aan het potje ‘Nieuwe wieken’ gegeven"},
		{rec(budget.TypeWithdraw, map[string]any{"allocation": alloc}), "Ada took back 25.00 EUR given to the bucket “Nieuwe wieken”", "Ada heeft € 25,00 teruggenomen van het potje ‘Nieuwe wieken’"},
		{rec(budget.TypeBucketCancel, map[string]any{"bucket": bucket, "reason": "dubbel"}),
			"Ada cancelled the bucket “Nieuwe wieken”; every giver got back what they gave: dubbel", "Ada heeft het potje ‘Nieuwe wieken’ geschrapt; alle gevers kregen terug wat ze gaven: dubbel"},
		{rec(budget.TypeApprove, map[string]any{"bucket": bucket, "approve": false}), "Ada no longer approves the bucket “Nieuwe wieken”", "Ada steunt het potje ‘Nieuwe wieken’ niet meer"},
		{rec(budget.TypeRoundClose, map[string]any{"round": round}),
			"Ada closed the budget round “Voorjaar”: 3000.00 EUR went to buckets, 123.45 EUR was left over", "Ada heeft de budgetronde ‘Voorjaar’ afgesloten: € 3.000,00 ging naar potjes, € 123,45 bleef over"},
	} {
		if got := activity.Describe(c.rec, w, locale(i18n.EN)); got != c.en {
			t.Errorf("%s:\n got %q\nwant %q", c.rec.Type, got, c.en)
		}
		if got := activity.Describe(c.rec, w, locale(i18n.NL)); got != c.nl {
			t.Errorf("%s:\n got %q\nwant %q", c.rec.Type, got, c.nl)
		}
	}
}
