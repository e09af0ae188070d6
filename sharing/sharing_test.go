package sharing_test

import (
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/meent/meent"
	"github.com/meent/meent/commons"
	"github.com/meent/meent/sharing"
	"github.com/meent/meent/state"
)

const (
	min  = sharing.Minute
	hour = sharing.Hour
	day  = sharing.Day
)

// TestNoOverlapBufferIncluded: a booking holds its item until its end
// plus the buffer; a booking that meets that span is refused, one that
// starts when it ends is not.
func TestNoOverlapBufferIncluded(t *testing.T) {
	w := newWorld(t)
	saw := w.resource("Table saw", 1, sharing.Rules{BufferMinutes: 15})
	ten := t0 + 10*hour
	if _, err := w.book(w.ben, saw, 0, ten, ten+2*hour); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name       string
		start, end int64
	}{
		{"inside", ten + hour, ten + 90*min},
		{"around", ten - hour, ten + 3*hour},
		{"in the buffer", ten + 2*hour + 10*min, ten + 3*hour},
		{"its own buffer reaches the start", ten - hour, ten - 10*min},
		{"the same span", ten, ten + 2*hour},
	} {
		msg := w.refused(meent.ECONFLICT, w.ada, sharing.TypeBook, sharing.BookData{Resource: saw, Start: c.start, End: c.end})
		if !strings.Contains(msg, "booked then") {
			t.Errorf("%s: %q", c.name, msg)
		}
	}
	if _, err := w.book(w.ada, saw, 0, ten+2*hour+15*min, ten+3*hour); err != nil {
		t.Errorf("right after the buffer: %v", err)
	}
	if _, err := w.book(w.ada, saw, 0, ten-hour, ten-15*min); err != nil {
		t.Errorf("ending a buffer before: %v", err)
	}
	w.replay()
}

// TestPool: identical items are booked in order; when all are taken the
// booking is refused; a broken item is skipped.
func TestPool(t *testing.T) {
	w := newWorld(t)
	drills := w.resource("Drill", 3, sharing.Rules{})
	s, e := t0+9*hour, t0+11*hour
	w.must(w.sam, sharing.TypeDamage, sharing.DamageData{Resource: drills, Item: 2, Description: "chuck slips"})
	var items []int
	for _, p := range []person{w.ben, w.ada} {
		id, err := w.book(p, drills, 0, s, e)
		if err != nil {
			t.Fatal(err)
		}
		items = append(items, w.st.Sharing.Booking(id).Item)
	}
	if items[0] != 1 || items[1] != 3 {
		t.Errorf("items %v, want [1 3] (2 is broken)", items)
	}
	w.refused(meent.ECONFLICT, w.maya, sharing.TypeBook, sharing.BookData{Resource: drills, Start: s, End: e})
	w.refused(meent.ECONFLICT, w.maya, sharing.TypeBook, sharing.BookData{Resource: drills, Item: 2, Start: s, End: e})
	w.must(w.sam, sharing.TypeRepair, sharing.DamageData{Resource: drills, Item: 2, Description: "new chuck"})
	if _, err := w.book(w.maya, drills, 0, s, e); err != nil {
		t.Fatal(err)
	}
	w.refused(meent.ERULE, w.maya, sharing.TypeBook, sharing.BookData{Resource: drills, Item: 4, Start: s + day, End: e + day})
	w.replay()
}

// TestOpeningHoursAcrossDaylightSaving: opening hours are local times in
// the catalogue's zone. Amsterdam's clocks go forward on Sunday 29 March
// 2026 and back on Sunday 25 October: 9:00 local is 8:00 UTC on the
// Saturday before the first, 7:00 UTC on the Sunday, 8:00 UTC again on 25
// October.
func TestOpeningHoursAcrossDaylightSaving(t *testing.T) {
	w := newWorld(t)
	var week []sharing.Span
	for _, d := range []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"} {
		week = append(week, sharing.Span{Day: d, From: "09:00", To: "17:00"})
	}
	bench := w.resource("Workbench", 1, sharing.Rules{Hours: week})
	utc := func(s string) int64 {
		tm, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return tm.UnixMilli()
	}
	for _, c := range []struct {
		start, end string
		ok         bool
	}{
		{"2026-03-28T07:00:00Z", "2026-03-28T08:00:00Z", false}, // 8:00 CET, closed
		{"2026-03-28T08:00:00Z", "2026-03-28T09:00:00Z", true},  // 9:00 CET
		{"2026-03-29T07:00:00Z", "2026-03-29T08:00:00Z", true},  // 9:00 CEST, the first day of summer time
		{"2026-03-29T14:30:00Z", "2026-03-29T15:30:00Z", false}, // ends 17:30 CEST
		{"2026-03-29T14:00:00Z", "2026-03-29T15:00:00Z", true},  // ends 17:00 CEST
		{"2026-10-24T07:00:00Z", "2026-10-24T08:00:00Z", true},  // 9:00 CEST
		{"2026-10-25T07:00:00Z", "2026-10-25T08:00:00Z", false}, // 8:00 CET, winter again
		{"2026-10-25T08:00:00Z", "2026-10-25T16:00:00Z", true},  // 9:00 to 17:00 CET
		{"2026-10-26T08:00:00Z", "2026-10-27T16:00:00Z", true},  // picked up Monday, returned Tuesday
		{"2026-10-26T08:00:00Z", "2026-10-26T16:30:00Z", false}, // returned after closing
	} {
		_, err := w.book(w.ben, bench, 0, utc(c.start), utc(c.end))
		if (err == nil) != c.ok {
			t.Errorf("%s to %s: %v, want ok=%v", c.start, c.end, err, c.ok)
		}
		if err != nil && meent.ErrorCode(err) != meent.ERULE {
			t.Errorf("%s: %v", c.start, err)
		}
	}
	w.replay()
}

// TestLimits: length, how far ahead, the past, the cap per person, who
// may book, trainings, closed resources.
func TestLimits(t *testing.T) {
	w := newWorld(t)
	now := w.tm
	laser := w.resource("Laser", 1, sharing.Rules{Training: "laser", MinMinutes: 30, MaxMinutes: 180, AheadDays: 14, Cap: &sharing.Cap{Minutes: 240, Days: 7}})
	open := w.resource("Ladder", 1, sharing.Rules{Who: sharing.Everyone})
	members := w.resource("Van", 1, sharing.Rules{})
	w.refused(meent.EFORBIDDEN, w.ben, sharing.TypeBook, sharing.BookData{Resource: laser, Start: t0, End: t0 + hour})
	w.refused(meent.EFORBIDDEN, w.ben, sharing.TypeTraining, sharing.TrainingData{Commons: w.lib, Agent: w.ben.id, Training: "laser"})
	w.must(w.sam, sharing.TypeTraining, sharing.TrainingData{Commons: w.lib, Agent: w.ben.id, Training: "laser"})
	w.refused(meent.ECONFLICT, w.sam, sharing.TypeTraining, sharing.TrainingData{Commons: w.lib, Agent: w.ben.id, Training: "laser"})
	for name, d := range map[string][2]int64{
		"too short":         {t0, t0 + 20*min},
		"too long":          {t0, t0 + 4*hour},
		"too far ahead":     {now + 15*day, now + 15*day + hour},
		"in the past":       {now - hour, now},
		"ends before start": {t0 + hour, t0},
	} {
		if msg := w.refused(meent.ERULE, w.ben, sharing.TypeBook, sharing.BookData{Resource: laser, Start: d[0], End: d[1]}); msg == "" {
			t.Error(name)
		}
	}
	must := func(p person, r string, s, e int64) {
		t.Helper()
		if _, err := w.book(p, r, 0, s, e); err != nil {
			t.Fatal(err)
		}
	}
	must(w.ben, laser, t0, t0+3*hour)
	if msg := w.refused(meent.ERULE, w.ben, sharing.TypeBook, sharing.BookData{Resource: laser, Start: t0 + day, End: t0 + day + 90*min}); !strings.Contains(msg, "per person") {
		t.Errorf("cap: %q", msg)
	}
	must(w.ben, laser, t0+day, t0+day+hour)     // exactly the cap
	must(w.ben, laser, t0+8*day, t0+8*day+hour) // a new week
	w.refused(meent.EFORBIDDEN, w.eve, sharing.TypeBook, sharing.BookData{Resource: members, Start: t0, End: t0 + hour})
	must(w.eve, open, t0, t0+hour)
	w.must(w.sam, sharing.TypeResourceStatus, sharing.StatusData{Resource: members, Status: sharing.Closed, Reason: "inspection"})
	if msg := w.refused(meent.ECONFLICT, w.ben, sharing.TypeBook, sharing.BookData{Resource: members, Start: t0, End: t0 + hour}); !strings.Contains(msg, "closed") {
		t.Errorf("closed: %q", msg)
	}
	w.refused(meent.EFORBIDDEN, w.ben, sharing.TypeResourceStatus, sharing.StatusData{Resource: members, Status: sharing.Available})
	w.replay()
}

// TestLifecycle: approval, check-out and check-in, end early, cancel,
// maintenance and repair needs on the commons' board, the fee as income.
func TestLifecycle(t *testing.T) {
	w := newWorld(t)
	eur := func(n int64) *commons.Money { return &commons.Money{Amount: n, Currency: "EUR"} }
	lathe := w.resource("Lathe", 1, sharing.Rules{Approval: true, Fee: eur(200), FeePerHour: eur(150),
		Maintenance: &sharing.Maintenance{EveryUses: 2, Task: "Oil the ways"}})
	w.tm = t0 - 30*min
	b1, err := w.book(w.ben, lathe, 0, t0, t0+90*min)
	if err != nil {
		t.Fatal(err)
	}
	bk := w.st.Sharing.Booking(b1)
	if bk.Status != sharing.Requested || bk.Fee.Amount != 200+225 {
		t.Fatalf("booking %s, fee %v", bk.Status, bk.Fee)
	}
	w.refused(meent.ECONFLICT, w.ada, sharing.TypeBook, sharing.BookData{Resource: lathe, Start: t0 + hour, End: t0 + 2*hour})
	w.refused(meent.ECONFLICT, w.ben, sharing.TypeCheckOut, sharing.HandData{Booking: b1, Condition: "ok"})
	w.refused(meent.EFORBIDDEN, w.ben, sharing.TypeApprove, sharing.BookingRef{Booking: b1})
	w.must(w.sam, sharing.TypeApprove, sharing.BookingRef{Booking: b1})
	w.refused(meent.EFORBIDDEN, w.ada, sharing.TypeCheckOut, sharing.HandData{Booking: b1, Condition: "ok"})
	w.refused(meent.ECONFLICT, w.ben, sharing.TypeCheckIn, sharing.HandData{Booking: b1, Condition: "ok"})
	w.must(w.ben, sharing.TypeCheckOut, sharing.HandData{Booking: b1, Condition: "clean"})
	w.refused(meent.ECONFLICT, w.ben, sharing.TypeCancel, sharing.CancelData{Booking: b1})
	w.tm = t0 + hour
	w.must(w.ben, sharing.TypeEnd, sharing.BookingRef{Booking: b1})
	if bk.End != w.tm || bk.Status != sharing.Out {
		t.Errorf("ended early: end %d status %s", bk.End, bk.Status)
	}
	w.must(w.ben, sharing.TypeCheckIn, sharing.HandData{Booking: b1, Condition: "swarf swept"})

	// The freed time can be booked; the requested booking holds its span.
	b2, err := w.book(w.ada, lathe, 0, t0+hour+2*min, t0+2*hour)
	if err != nil {
		t.Fatalf("the time freed by ending early: %v", err)
	}
	w.refused(meent.EFORBIDDEN, w.ben, sharing.TypeCancel, sharing.CancelData{Booking: b2})
	w.refused(meent.ERULE, w.sam, sharing.TypeCancel, sharing.CancelData{Booking: b2})
	w.must(w.sam, sharing.TypeCancel, sharing.CancelData{Booking: b2, Reason: "the lathe is needed for a course"})
	if _, err := w.book(w.maya, lathe, 0, t0+hour+2*min, t0+2*hour); err != nil {
		t.Fatalf("the time freed by cancelling: %v", err)
	}

	// The fee: exact, once, as income.
	w.refused(meent.ERULE, w.sam, sharing.TypePay, sharing.PayData{Booking: b1, Amount: commons.Money{Amount: 425, Currency: "USD"}, Reference: "r1"})
	w.refused(meent.ERULE, w.sam, sharing.TypePay, sharing.PayData{Booking: b1, Amount: *eur(424), Reference: "r1"})
	w.refused(meent.EFORBIDDEN, w.ben, sharing.TypePay, sharing.PayData{Booking: b1, Amount: *eur(425), Reference: "r1"})
	pay := w.must(w.sam, sharing.TypePay, sharing.PayData{Booking: b1, Amount: *eur(425), Reference: "r1"})
	if inc := w.st.Value.Income(pay); inc == nil || inc.Kind != "usage_fee" || inc.Amount != *eur(425) || inc.Commons != w.lib {
		t.Errorf("income %+v", inc)
	}
	w.refused(meent.ECONFLICT, w.sam, sharing.TypePay, sharing.PayData{Booking: b1, Amount: *eur(425), Reference: "r2"})

	// The second use asks for maintenance; damage asks for repair.
	w.tm = t0 + 3*hour
	b3, err := w.book(w.ben, lathe, 0, w.tm, w.tm+hour)
	if err != nil {
		t.Fatal(err)
	}
	w.must(w.sam, sharing.TypeApprove, sharing.BookingRef{Booking: b3})
	w.must(w.ben, sharing.TypeCheckOut, sharing.HandData{Booking: b3, Condition: "fine"})
	w.tm += 40 * min
	w.must(w.ben, sharing.TypeCheckIn, sharing.HandData{Booking: b3, Condition: "tool post loose", Damage: "the tool post does not lock"})
	r := w.st.Sharing.Resource(lathe)
	it := r.Items[0]
	if !it.Broken || it.RepairNeed == "" || it.LastNeed == "" || it.Uses != 0 || it.TotalUses != 2 {
		t.Fatalf("item %+v", it)
	}
	for _, id := range []string{it.RepairNeed, it.LastNeed} {
		n := w.st.Commons.Need(id)
		if n == nil || n.Commons != w.lib || n.Status != commons.NeedOpen {
			t.Fatalf("need %s: %+v", id, n)
		}
	}
	if n := w.st.Commons.Need(it.LastNeed); !strings.HasPrefix(n.Title, "Oil the ways") {
		t.Errorf("maintenance need %q", n.Title)
	}
	w.refused(meent.ECONFLICT, w.ada, sharing.TypeBook, sharing.BookData{Resource: lathe, Start: t0 + day, End: t0 + day + hour})
	w.refused(meent.ECONFLICT, w.ada, sharing.TypeDamage, sharing.DamageData{Resource: lathe, Item: 1, Description: "again"})
	w.refused(meent.EFORBIDDEN, w.eve, sharing.TypeDamage, sharing.DamageData{Resource: lathe, Item: 1, Description: "again"})
	// The repair need is on the board like any other: a maintainer closes it.
	w.must(w.maya, commons.TypeNeedClose, commons.CloseData{Need: it.RepairNeed, Reason: "fixed in the workshop"})
	w.must(w.sam, sharing.TypeRepair, sharing.DamageData{Resource: lathe, Item: 1})
	if _, err := w.book(w.ada, lathe, 0, t0+day, t0+day+hour); err != nil {
		t.Fatal(err)
	}
	w.replay()
}

// TestSnapshotKeepsTheIndex: a state restored from a snapshot refuses the
// same overlaps and accepts the same bookings as the live one.
func TestSnapshotKeepsTheIndex(t *testing.T) {
	w := newWorld(t)
	saw := w.resource("Saw", 2, sharing.Rules{BufferMinutes: 10})
	for i := range int64(20) {
		if _, err := w.book(w.ben, saw, int(i%2)+1, t0+i/2*hour, t0+i/2*hour+30*min); err != nil {
			t.Fatal(err)
		}
	}
	snap, err := w.st.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	st, err := state.Restore(snap)
	if err != nil {
		t.Fatal(err)
	}
	if st.Digest() != w.st.Digest() {
		t.Fatal("restored digest differs")
	}
	w.st = st
	w.refused(meent.ECONFLICT, w.ada, sharing.TypeBook, sharing.BookData{Resource: saw, Start: t0 + 3*hour + 35*min, End: t0 + 3*hour + 50*min})
	if _, err := w.book(w.ada, saw, 0, t0+3*hour+40*min, t0+3*hour+50*min); err != nil {
		t.Fatal(err)
	}
}

// TestRandomAgreesWithBruteForce: random bookings, cancellations and early
// ends on a pool. After each, no two held spans of an item meet, every
// refusal for a conflict is right (every whole item is held then), and
// every accepted booking was free (no valid booking refused, none
// overlapping accepted).
func TestRandomAgreesWithBruteForce(t *testing.T) {
	w := newWorld(t)
	r := rand.New(rand.NewPCG(1, 2))
	const buffer = 10 * min
	pool := w.resource("Kayak", 3, sharing.Rules{BufferMinutes: 10})
	people := []person{w.ben, w.ada, w.maya, w.sam}
	var ids []string
	heldBy := func(item int, s, u int64) bool {
		for _, id := range ids {
			b := w.st.Sharing.Booking(id)
			if b.Holds() && b.Item == item && b.Start < u && s < b.Until {
				return true
			}
		}
		return false
	}
	for range 600 {
		switch op := r.IntN(10); {
		case op < 7:
			s := t0 + int64(r.IntN(200))*15*min
			e := s + int64(1+r.IntN(16))*15*min
			item := r.IntN(4)
			free := map[int]bool{}
			for i := 1; i <= 3; i++ {
				free[i] = !heldBy(i, s, e+buffer)
			}
			id, err := w.book(people[r.IntN(4)], pool, item, s, e)
			switch {
			case err == nil:
				b := w.st.Sharing.Booking(id)
				if (item != 0 && b.Item != item) || !free[b.Item] {
					t.Fatalf("booked item %d (asked %d) when it was held", b.Item, item)
				}
				ids = append(ids, id)
			case meent.ErrorCode(err) == meent.ECONFLICT:
				if (item != 0 && free[item]) || (item == 0 && (free[1] || free[2] || free[3])) {
					t.Fatalf("refused item %d though free: %v (%v)", item, err, free)
				}
			default:
				t.Fatal(err)
			}
		case op < 9 && len(ids) > 0:
			b := w.st.Sharing.Booking(ids[r.IntN(len(ids))])
			w.do(people[0], sharing.TypeCancel, sharing.CancelData{Booking: b.ID, Reason: "random"})
		case len(ids) > 0:
			b := w.st.Sharing.Booking(ids[r.IntN(len(ids))])
			if b.Holds() && b.End-b.Start > 30*min {
				tm := w.tm
				w.at(w.sam, b.Start+15*min, sharing.TypeEnd, sharing.BookingRef{Booking: b.ID})
				w.tm = tm
			}
		}
	}
	for i, a := range ids {
		x := w.st.Sharing.Booking(a)
		for _, bID := range ids[i+1:] {
			y := w.st.Sharing.Booking(bID)
			if x.Holds() && y.Holds() && x.Item == y.Item && x.Start < y.Until && y.Start < x.Until {
				t.Fatalf("bookings %s and %s overlap", a, bID)
			}
		}
	}
	w.replay()
}

// TestSnapshotJSON: the area's snapshot is JSON that restores.
func TestSnapshotJSON(t *testing.T) {
	w := newWorld(t)
	w.resource("Saw", 1, sharing.Rules{})
	var b strings.Builder
	enc := jsontext.NewEncoder(&b)
	if err := w.st.Sharing.MarshalSnapshot(enc); err != nil {
		t.Fatal(err)
	}
	s := sharing.NewState()
	if err := s.RestoreSnapshot(jsontext.NewDecoder(strings.NewReader(b.String()))); err != nil {
		t.Fatal(err)
	}
	if len(s.Resources(w.lib)) != 1 {
		t.Error("resource lost")
	}
}
