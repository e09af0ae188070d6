package activity_test

import (
	"testing"

	"github.com/meent/meent"
	"github.com/meent/meent/sharing"
	"github.com/meent/meent/web/activity"
	"github.com/meent/meent/web/i18n"
)

// TestSharingLines pins the sharing area's lines in both languages, with
// the resource and booking known: a pool's item by its number, the
// booking's start in the reader's zone (UTC here), its length.
func TestSharingLines(t *testing.T) {
	const laser, drills, bk = "r0000000000000000000000000000001", "r0000000000000000000000000000002", "b0000000000000000000000000000001"
	w := lookup{agents: world.agents, objects: map[[2]string]any{
		{sharing.KindResource, laser}:  sharing.Resource{ID: laser, Name: "Lasersnijder", Items: make([]sharing.Item, 1)},
		{sharing.KindResource, drills}: sharing.Resource{ID: drills, Name: "Boormachine", Items: make([]sharing.Item, 3)},
		{sharing.KindBooking, bk}:      sharing.Booking{ID: bk, Resource: drills, Item: 2, Agent: bo},
	}}
	rec := func(typ string, d map[string]any) meent.Record {
		r := record(typ, d)
		return r
	}
	for _, c := range []struct {
		rec    meent.Record
		en, nl string
	}{
		{rec(sharing.TypeBook, map[string]any{"resource": laser, "start": 1772445600000, "end": 1772451000000}),
			"Ada booked “Lasersnijder” on 2 March 2026, 10:00 UTC for 1 h 30 min", "Ada heeft ‘Lasersnijder’ gereserveerd op 2 maart 2026 om 10:00 UTC voor 1 u 30 min"},
		{rec(sharing.TypeCheckIn, map[string]any{"booking": bk, "damage": "de kop slipt\nen meer"}),
			"Ada checked in “Boormachine #2” damaged: de kop slipt", "Ada heeft ‘Boormachine #2’ beschadigd teruggenomen: de kop slipt"},
		{rec(sharing.TypeCancel, map[string]any{"booking": bk, "reason": "cursus"}),
			"Ada cancelled the booking of “Boormachine #2” by Bo: cursus", "Ada heeft de reservering van ‘Boormachine #2’ door Bo geannuleerd: cursus"},
		{rec(sharing.TypePay, map[string]any{"booking": bk, "amount": map[string]any{"amount": 425, "currency": "EUR"}}),
			"Ada recorded a fee of 4.25 EUR for the booking of “Boormachine #2” by Bo", "Ada heeft een vergoeding van € 4,25 geboekt voor de reservering van ‘Boormachine #2’ door Bo"},
		{rec(sharing.TypeDamage, map[string]any{"resource": laser, "item": 1, "description": "het deksel sluit niet"}),
			"Ada reported “Lasersnijder” broken: het deksel sluit niet", "Ada heeft gemeld dat ‘Lasersnijder’ kapot is: het deksel sluit niet"},
	} {
		if got := activity.Describe(c.rec, w, locale(i18n.EN)); got != c.en {
			t.Errorf("%s:\n got %q\nwant %q", c.rec.Type, got, c.en)
		}
		if got := activity.Describe(c.rec, w, locale(i18n.NL)); got != c.nl {
			t.Errorf("%s:\n got %q\nwant %q", c.rec.Type, got, c.nl)
		}
	}
}
