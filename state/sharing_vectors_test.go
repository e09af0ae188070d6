package state_test

import (
	"strings"

	"github.com/meent/meent"
	"github.com/meent/meent/commons"
	"github.com/meent/meent/sharing"
)

// sharingScenario adds the sharing area's vectors to the scenario: a
// catalogue of lib with ada as its steward, a laser cutter that needs a
// training and approval, a pool of drills open to everyone; bookings
// approved, refused for overlap, cancelled, ended early, checked out and
// in (the second use posts a maintenance need, a damage report a repair
// need), a fee paid.
func sharingScenario(g *gen, lib string) {
	const hour = sharing.Hour
	eur := func(n int64) *commons.Money { return &commons.Money{Amount: n, Currency: "EUR"} }
	blob := strings.Repeat("ab", 32)
	var week []sharing.Span
	for _, d := range []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"} {
		week = append(week, sharing.Span{Day: d, From: "00:00", To: "24:00"})
	}
	full := sharing.Rules{Who: sharing.Members, Training: "laser", MinMinutes: 30, MaxMinutes: 240, BufferMinutes: 15, Hours: week,
		AheadDays: 60, Cap: &sharing.Cap{Minutes: 600, Days: 7}, Approval: true, Deposit: eur(5000), Fee: eur(500), FeePerHour: eur(250),
		Maintenance: &sharing.Maintenance{EveryHours: 100, EveryUses: 2, Task: "Clean the lens"}}

	g.bad("ada may not open lib's catalogue", "ada", sharing.TypeCatalogue, sharing.CatalogueData{Commons: lib, TimeZone: "Europe/Amsterdam"}, meent.EFORBIDDEN)
	g.bad("a catalogue in an unknown time zone", "maya", sharing.TypeCatalogue, sharing.CatalogueData{Commons: lib, TimeZone: "Mars/Olympus"}, meent.ERULE)
	g.ok("maya opens lib's catalogue with ada as steward", "maya", sharing.TypeCatalogue, sharing.CatalogueData{Commons: lib, TimeZone: "Europe/Amsterdam", Stewards: []string{g.ids["ada"]}})
	laser := g.ok("ada lists the laser cutter with every rule", "ada", sharing.TypeResourceAdd, sharing.ResourceData{Commons: lib, Name: "Laser cutter",
		Kind: sharing.Machine, Items: 1, Description: "60 W CO2 laser", Location: "Workshop, back room", Manuals: []string{"https://example.org/laser.pdf"},
		Photos: []string{blob}, Rules: full})
	g.bad("resource.add that names a resource", "ada", sharing.TypeResourceAdd, sharing.ResourceData{Resource: laser, Commons: lib, Name: "Again", Kind: sharing.Tool}, meent.ERULE)
	drill := g.ok("ada lists two drills open to everyone", "ada", sharing.TypeResourceAdd, sharing.ResourceData{Commons: lib, Name: "Drill", Kind: sharing.Tool, Items: 2,
		Rules: sharing.Rules{Who: sharing.Everyone, MaxMinutes: 3 * 24 * 60}})
	g.bad("resource.update that names a commons", "ada", sharing.TypeResourceUpdate, sharing.ResourceData{Resource: drill, Commons: lib, Name: "Drill", Kind: sharing.Tool}, meent.ERULE)
	g.ok("ada changes the drills: three now, every field", "ada", sharing.TypeResourceUpdate, sharing.ResourceData{Resource: drill, Name: "Cordless drill", Kind: sharing.Tool, Items: 3,
		Description: "18 V", Location: "Shelf 2", Manuals: []string{"https://example.org/drill.pdf"}, Photos: []string{blob},
		Rules: sharing.Rules{Who: sharing.Everyone, Training: "drill", MinMinutes: 1, MaxMinutes: 3 * 24 * 60, BufferMinutes: 1, Hours: week, AheadDays: 30,
			Cap: &sharing.Cap{Minutes: 24 * 60, Days: 30}, Deposit: eur(1000), Fee: eur(100), FeePerHour: eur(10),
			Maintenance: &sharing.Maintenance{EveryUses: 10, Task: "Check the battery"}}})
	g.ok("ada drops the drills' training and fees", "ada", sharing.TypeResourceUpdate, sharing.ResourceData{Resource: drill, Name: "Cordless drill", Kind: sharing.Tool, Items: 3,
		Rules: sharing.Rules{Who: sharing.Everyone, MaxMinutes: 3 * 24 * 60}})
	g.ok("ada closes the drills for stocktaking", "ada", sharing.TypeResourceStatus, sharing.StatusData{Resource: drill, Status: sharing.Closed, Reason: "stocktaking"})
	g.bad("acme books a closed drill", "acme", sharing.TypeBook, sharing.BookData{Resource: drill, Start: g.tm + hour, End: g.tm + 2*hour}, meent.ECONFLICT)
	g.ok("ada opens the drills again", "ada", sharing.TypeResourceStatus, sharing.StatusData{Resource: drill, Status: sharing.Available})

	g.bad("ben books the laser without the training", "ben", sharing.TypeBook, sharing.BookData{Resource: laser, Start: g.tm + hour, End: g.tm + 3*hour}, meent.EFORBIDDEN)
	g.ok("ada records ben's laser training", "ada", sharing.TypeTraining, sharing.TrainingData{Commons: lib, Agent: g.ids["ben"], Training: "laser"})
	g.ok("ada records maya's laser training", "ada", sharing.TypeTraining, sharing.TrainingData{Commons: lib, Agent: g.ids["maya"], Training: "laser"})
	start := g.tm + hour
	b1 := g.ok("ben books the laser for two hours", "ben", sharing.TypeBook, sharing.BookData{Resource: laser, Item: 1, Start: start, End: start + 2*hour, Note: "signs for the fair"})
	g.bad("maya books the laser in ben's buffer", "maya", sharing.TypeBook, sharing.BookData{Resource: laser, Start: start + 2*hour + 10*sharing.Minute, End: start + 3*hour}, meent.ECONFLICT)
	g.bad("maya books the laser for five hours", "maya", sharing.TypeBook, sharing.BookData{Resource: laser, Start: start + 4*hour, End: start + 9*hour}, meent.ERULE)
	g.ok("ada approves ben's booking", "ada", sharing.TypeApprove, sharing.BookingRef{Booking: b1})
	g.bad("damage is not reported at check-out", "ben", sharing.TypeCheckOut, sharing.HandData{Booking: b1, Condition: "fine", Damage: "cracked lid"}, meent.ERULE)
	g.bad("a check-in of a laser not checked out", "ben", sharing.TypeCheckIn, sharing.HandData{Booking: b1, Condition: "fine"}, meent.ECONFLICT)
	g.ok("ben checks the laser out", "ben", sharing.TypeCheckOut, sharing.HandData{Booking: b1, Condition: "clean lens", Photos: []string{blob}})
	g.ok("ben checks the laser in", "ben", sharing.TypeCheckIn, sharing.HandData{Booking: b1, Condition: "clean, bed swept", Photos: []string{blob}})
	g.bad("a fee paid in dollars", "ada", sharing.TypePay, sharing.PayData{Booking: b1, Amount: commons.Money{Amount: 1000, Currency: "USD"}, Reference: "cash 1"}, meent.ERULE)
	g.ok("ada records ben's fee", "ada", sharing.TypePay, sharing.PayData{Booking: b1, Amount: commons.Money{Amount: 1000, Currency: "EUR"}, Reference: "cash 1"})

	a1 := g.ok("acme, not a member, books any drill", "acme", sharing.TypeBook, sharing.BookData{Resource: drill, Start: g.tm + hour, End: g.tm + 26*hour})
	g.ok("acme cancels", "acme", sharing.TypeCancel, sharing.CancelData{Booking: a1, Reason: "plans changed"})
	now := g.tm + sharing.Minute
	b2 := g.ok("ben books drill 2 from now", "ben", sharing.TypeBook, sharing.BookData{Resource: drill, Item: 2, Start: now, End: now + 2*hour})
	g.ok("ben ends it early", "ben", sharing.TypeEnd, sharing.BookingRef{Booking: b2})
	g.ok("ada reports drill 2 broken", "ada", sharing.TypeDamage, sharing.DamageData{Resource: drill, Item: 2, Description: "the chuck slips"})
	g.bad("maya books the broken drill", "maya", sharing.TypeBook, sharing.BookData{Resource: drill, Item: 2, Start: g.tm + hour, End: g.tm + 2*hour}, meent.ECONFLICT)
	g.ok("ada repairs drill 2", "ada", sharing.TypeRepair, sharing.DamageData{Resource: drill, Item: 2, Description: "new chuck"})

	g.tm += 4 * hour
	start = g.tm + 30*sharing.Minute
	b3 := g.ok("maya books the laser", "maya", sharing.TypeBook, sharing.BookData{Resource: laser, Start: start, End: start + hour})
	g.ok("ada approves maya's booking", "ada", sharing.TypeApprove, sharing.BookingRef{Booking: b3})
	g.ok("maya checks the laser out", "maya", sharing.TypeCheckOut, sharing.HandData{Booking: b3, Condition: "fine"})
	g.ok("maya checks it in, damaged: its second use asks for maintenance", "maya", sharing.TypeCheckIn, sharing.HandData{Booking: b3, Condition: "smoke marks", Damage: "the lid does not close"})
}
