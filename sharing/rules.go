package sharing

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/meent/meent"
	"github.com/meent/meent/authority"
	"github.com/meent/meent/commons"
	"github.com/meent/meent/value"
)

func (s *State) catalogueSet(x op) error {
	var d CatalogueData
	if err := x.ev.DecodeData(&d); err != nil {
		return err
	}
	if x.commons.Commons(d.Commons) == nil {
		return refuse("unknown commons %s", d.Commons)
	}
	if err := x.Auth.May(x.me, authority.SetCatalogue, x.place(d.Commons)); err != nil {
		return err
	}
	if d.TimeZone == "" || d.TimeZone == "Local" {
		return refuse("a catalogue needs a time zone (an IANA name such as Europe/Amsterdam)")
	}
	if _, err := s.zone(d.TimeZone); err != nil {
		return refuse("unknown time zone %q", d.TimeZone)
	}
	if len(d.Stewards) > MaxStewards {
		return refuse("at most %d stewards", MaxStewards)
	}
	for i, a := range d.Stewards {
		if !isHash(a) {
			return refuse("steward %q is not an agent ID", a)
		}
		if slices.Contains(d.Stewards[:i], a) {
			return refuse("steward %s named twice", a)
		}
	}
	c := s.catalogues[d.Commons]
	if c == nil {
		c = &Catalogue{Commons: d.Commons, Created: x.Index}
		s.catalogues[d.Commons] = c
	}
	c.TimeZone, c.Stewards, c.Updated = d.TimeZone, slices.Clone(d.Stewards), x.Index
	s.touch(KindCatalogue, d.Commons)
	return nil
}

func (s *State) resourceAdd(x op) error {
	var d ResourceData
	if err := x.ev.DecodeData(&d); err != nil {
		return err
	}
	if d.Resource != "" {
		return refuse("resource.add names no resource: it makes one")
	}
	if s.catalogues[d.Commons] == nil {
		return refuse("commons %s has no catalogue (catalogue.set first)", d.Commons)
	}
	if err := x.Auth.May(x.me, authority.ManageResource, x.place(d.Commons)); err != nil {
		return err
	}
	if err := checkResource(&d); err != nil {
		return err
	}
	id := x.ev.Hash.String()
	if s.resources[id] != nil {
		return meent.Errorf(meent.ECONFLICT, "resource %s exists already", id)
	}
	r := &Resource{ID: id, Commons: d.Commons, Status: Available, Author: x.me, Created: x.Index}
	r.set(&d, x.Index)
	r.Items = make([]Item, max(d.Items, 1))
	s.resources[id] = r
	s.touch(KindResource, id)
	return nil
}

func (s *State) resourceUpdate(x op) error {
	var d ResourceData
	if err := x.ev.DecodeData(&d); err != nil {
		return err
	}
	r := s.resources[d.Resource]
	if r == nil {
		return refuse("unknown resource %s", d.Resource)
	}
	if d.Commons != "" {
		return refuse("resource.update names the resource, not a commons: a resource stays in its commons")
	}
	if err := x.Auth.May(x.me, authority.ManageResource, x.place(r.Commons)); err != nil {
		return err
	}
	if err := checkResource(&d); err != nil {
		return err
	}
	if n := max(d.Items, 1); n < len(r.Items) {
		return refuse("a pool does not shrink (%d items): close a resource instead", len(r.Items))
	}
	r.set(&d, x.Index)
	for len(r.Items) < max(d.Items, 1) {
		r.Items = append(r.Items, Item{})
	}
	s.touch(KindResource, r.ID)
	return nil
}

func (r *Resource) set(d *ResourceData, idx int64) {
	r.Name, r.Kind, r.Description, r.Location = d.Name, d.Kind, d.Description, d.Location
	r.Manuals, r.Photos, r.Rules, r.Updated = slices.Clone(d.Manuals), slices.Clone(d.Photos), d.Rules, idx
}

func checkResource(d *ResourceData) error {
	if err := checkLine("name", d.Name, commons.MaxTitle); err != nil {
		return err
	}
	switch d.Kind {
	case Tool, Machine, Room, Vehicle:
	default:
		return refuse("kind must be tool, machine, room or vehicle")
	}
	if d.Items < 0 || d.Items > MaxItems {
		return refuse("items must be between 1 and %d", MaxItems)
	}
	if len(d.Description) > commons.MaxDescription || !utf8.ValidString(d.Description) {
		return refuse("description longer than %d bytes", commons.MaxDescription)
	}
	if d.Location != "" {
		if err := checkLine("location", d.Location, commons.MaxTitle); err != nil {
			return err
		}
	}
	if len(d.Manuals) > MaxLinks || len(d.Photos) > MaxLinks {
		return refuse("at most %d manuals and %d photos", MaxLinks, MaxLinks)
	}
	for _, m := range d.Manuals {
		if !strings.HasPrefix(m, "https://") || len(m) > 500 || strings.IndexFunc(m, unicode.IsSpace) >= 0 || !utf8.ValidString(m) {
			return refuse("manual %q must be an https link", m)
		}
	}
	for _, p := range d.Photos {
		if !isHash(p) {
			return refuse("photo %q must be a blob hash", p)
		}
	}
	return checkRules(&d.Rules)
}

func checkRules(r *Rules) error {
	switch r.Who {
	case "", Members, Everyone:
	default:
		return refuse("who must be members or everyone")
	}
	if r.Training != "" && !isName(r.Training) {
		return refuse("training %q: lower-case letters, digits and dashes, at most 40", r.Training)
	}
	if r.MinMinutes < 0 || r.MaxMinutes < 0 || r.MaxMinutes*Minute > MaxLength || (r.MaxMinutes > 0 && r.MinMinutes > r.MaxMinutes) {
		return refuse("min_minutes and max_minutes: 0 or more, min not above max, max at most %d", MaxLength/Minute)
	}
	if r.BufferMinutes < 0 || r.BufferMinutes*Minute > 7*Day {
		return refuse("buffer_minutes: 0 to %d", 7*Day/Minute)
	}
	if r.AheadDays < 0 || r.AheadDays > MaxAheadDays {
		return refuse("ahead_days: 0 to %d", MaxAheadDays)
	}
	if len(r.Hours) > 50 {
		return refuse("at most 50 opening spans")
	}
	for _, h := range r.Hours {
		if _, _, _, err := h.parse(); err != nil {
			return err
		}
	}
	if c := r.Cap; c != nil && (c.Minutes <= 0 || c.Days <= 0 || c.Days > 366 || c.Minutes*Minute > MaxLength*4) {
		return refuse("a cap needs minutes and days (at most 366)")
	}
	currency := ""
	for name, m := range map[string]*commons.Money{"deposit": r.Deposit, "fee": r.Fee, "fee_per_hour": r.FeePerHour} {
		if m == nil {
			continue
		}
		if err := commons.CheckMoney(*m, false); err != nil {
			return err
		}
		if m.Amount > MaxAmount {
			return refuse("%s above %d minor units", name, int64(MaxAmount))
		}
	}
	for _, m := range []*commons.Money{r.Fee, r.FeePerHour} {
		if m != nil {
			if currency != "" && m.Currency != currency {
				return refuse("fee and fee_per_hour in one currency")
			}
			currency = m.Currency
		}
	}
	if m := r.Maintenance; m != nil {
		if m.EveryHours < 0 || m.EveryUses < 0 || m.EveryHours+m.EveryUses == 0 || m.EveryHours > 100_000 || m.EveryUses > 100_000 {
			return refuse("maintenance needs every_hours or every_uses (at most 100000)")
		}
		if err := checkLine("maintenance task", m.Task, 150); err != nil {
			return err
		}
	}
	return nil
}

var weekdays = map[string]time.Weekday{"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday, "thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday}

// parse returns the span's weekday and its minutes of the day.
func (h Span) parse() (time.Weekday, int, int, error) {
	d, ok := weekdays[h.Day]
	from, err1 := clock(h.From)
	to, err2 := clock(h.To)
	if !ok || err1 != nil || err2 != nil || from >= to {
		return 0, 0, 0, refuse("opening span %s %s-%s: a day (mon...sun) and HH:MM to a later HH:MM", h.Day, h.From, h.To)
	}
	return d, from, to, nil
}

func clock(s string) (int, error) {
	if len(s) != 5 || s[2] != ':' {
		return 0, fmt.Errorf("bad")
	}
	h, err1 := strconv.Atoi(s[:2])
	m, err2 := strconv.Atoi(s[3:])
	if err1 != nil || err2 != nil || h < 0 || m < 0 || m > 59 || h > 24 || (h == 24 && m != 0) {
		return 0, fmt.Errorf("bad")
	}
	return h*60 + m, nil
}

// open reports whether the resource is open at t (ms) in loc: as a start
// (from <= t < to) or as an end (from < t <= to).
func (r *Rules) open(t int64, loc *time.Location, asEnd bool) bool {
	if len(r.Hours) == 0 {
		return true
	}
	lt := time.UnixMilli(t).In(loc)
	day, m := lt.Weekday(), lt.Hour()*60+lt.Minute()
	exact := lt.Second() == 0 && lt.Nanosecond() == 0
	for _, h := range r.Hours {
		d, from, to, _ := h.parse()
		if asEnd {
			// An end at 24:00 is 00:00 of the next day.
			if m == 0 && exact && to == 24*60 && d == (day+6)%7 {
				return true
			}
			if d == day && from < m && (m < to || (m == to && exact)) {
				return true
			}
			continue
		}
		if d == day && from <= m && m < to {
			return true
		}
	}
	return false
}

func (s *State) training(x op) error {
	var d TrainingData
	if err := x.ev.DecodeData(&d); err != nil {
		return err
	}
	if s.catalogues[d.Commons] == nil {
		return refuse("commons %s has no catalogue", d.Commons)
	}
	if err := x.Auth.May(x.me, authority.ManageResource, x.place(d.Commons)); err != nil {
		return err
	}
	if !isHash(d.Agent) {
		return refuse("agent %q is not an agent ID", d.Agent)
	}
	if !isName(d.Training) {
		return refuse("training %q: lower-case letters, digits and dashes, at most 40", d.Training)
	}
	id := trainingID(d.Commons, d.Agent, d.Training)
	if s.trainings[id] != nil {
		return meent.Errorf(meent.ECONFLICT, "%s's training %s is already on record", d.Agent, d.Training)
	}
	s.trainings[id] = &Training{Commons: d.Commons, Agent: d.Agent, Training: d.Training, By: x.me, Index: x.Index}
	s.touch(KindTraining, id)
	return nil
}

func (s *State) resourceStatus(x op) error {
	var d StatusData
	if err := x.ev.DecodeData(&d); err != nil {
		return err
	}
	r := s.resources[d.Resource]
	if r == nil {
		return refuse("unknown resource %s", d.Resource)
	}
	if err := x.Auth.May(x.me, authority.ManageResource, x.place(r.Commons)); err != nil {
		return err
	}
	if d.Status != Available && d.Status != Closed {
		return refuse("status must be available or closed")
	}
	if d.Status == r.Status {
		return meent.Errorf(meent.ECONFLICT, "%s is already %s", r.Name, r.Status)
	}
	if len(d.Reason) > MaxNote || !utf8.ValidString(d.Reason) {
		return refuse("reason longer than %d bytes", MaxNote)
	}
	r.Status, r.StatusReason, r.Updated = d.Status, d.Reason, x.Index
	s.touch(KindResource, r.ID)
	return nil
}

func (s *State) book(x op) error {
	ev, me := x.ev, x.me
	var d BookData
	if err := ev.DecodeData(&d); err != nil {
		return err
	}
	r := s.resources[d.Resource]
	if r == nil {
		return refuse("unknown resource %s", d.Resource)
	}
	rules := &r.Rules
	if rules.Who != Everyone {
		if err := x.Auth.May(me, authority.BookResource, x.place(r.Commons)); err != nil {
			return err
		}
	}
	if rules.Training != "" && !s.HasTraining(r.Commons, me, rules.Training) {
		return meent.Errorf(meent.EFORBIDDEN, "booking %s needs the training %s on record", r.Name, rules.Training)
	}
	if r.Status == Closed {
		return meent.Errorf(meent.ECONFLICT, "%s is closed: %s", r.Name, cmpOr(r.StatusReason, "no bookings for now"))
	}
	if err := checkLine("note", cmpOr(d.Note, "-"), MaxNote); err != nil {
		return err
	}
	if d.End <= d.Start {
		return refuse("a booking ends after it starts")
	}
	length := d.End - d.Start
	if length > MaxLength || (rules.MaxMinutes > 0 && length > rules.MaxMinutes*Minute) {
		return refuse("%s is booked for at most %s", r.Name, span(min(MaxLength, orMax(rules.MaxMinutes*Minute))))
	}
	if length < rules.MinMinutes*Minute {
		return refuse("%s is booked for at least %s", r.Name, span(rules.MinMinutes*Minute))
	}
	if d.Start < ev.Time-Grace {
		return refuse("a booking starts in the future")
	}
	if rules.AheadDays > 0 && d.Start > ev.Time+int64(rules.AheadDays)*Day {
		return refuse("%s is booked at most %d days ahead", r.Name, rules.AheadDays)
	}
	loc := s.Zone(r.Commons)
	if !rules.open(d.Start, loc, false) || !rules.open(d.End, loc, true) {
		return refuse("%s is picked up and returned in opening hours (%s, %s)", r.Name, hours(rules.Hours), loc)
	}
	if c := rules.Cap; c != nil {
		used := s.used(me, r.ID, d.End-int64(c.Days)*Day, d.End)
		if used+length > c.Minutes*Minute {
			return refuse("at most %s of %s per person in %d days; you have %s booked", span(c.Minutes*Minute), r.Name, c.Days, span(used))
		}
	}
	until := d.End + rules.BufferMinutes*Minute
	item, err := s.pick(r, d.Item, d.Start, until)
	if err != nil {
		return err
	}
	fee, err := rules.fee(length)
	if err != nil {
		return err
	}
	id := ev.Hash.String()
	status := Confirmed
	if rules.Approval {
		status = Requested
	}
	b := &Booking{ID: id, Resource: r.ID, Commons: r.Commons, Agent: me, Item: item, Start: d.Start, End: d.End, Until: until,
		Status: status, Note: d.Note, Fee: fee, Deposit: rules.Deposit, Created: x.Index, CreatedAt: ev.Time, Updated: x.Index}
	s.bookings[id] = b
	s.slots(r.ID, item).add(b.Start, b.Until, id)
	s.byResource[r.ID] = append(s.byResource[r.ID], id)
	s.byAgent[me] = append(s.byAgent[me], id)
	r.Bookings++
	s.touch(KindBooking, id)
	s.touch(KindResource, r.ID)
	return nil
}

// pick returns the item to book: the one asked for if it is whole and
// free, or the first whole, free item of the pool.
func (s *State) pick(r *Resource, want int, start, until int64) (int, error) {
	if want < 0 || want > len(r.Items) {
		return 0, refuse("%s has items 1 to %d", r.Name, len(r.Items))
	}
	if want > 0 {
		if r.Items[want-1].Broken {
			return 0, meent.Errorf(meent.ECONFLICT, "%s item %d is broken: %s", r.Name, want, r.Items[want-1].Damage)
		}
		if c := s.slots(r.ID, want).Conflict(start, until); c != "" {
			return 0, meent.Errorf(meent.ECONFLICT, "%s item %d is booked then (booking %s, buffer included)", r.Name, want, c)
		}
		return want, nil
	}
	broken := 0
	for i := range r.Items {
		if r.Items[i].Broken {
			broken++
			continue
		}
		if s.slots(r.ID, i+1).Conflict(start, until) == "" {
			return i + 1, nil
		}
	}
	if broken == len(r.Items) {
		return 0, meent.Errorf(meent.ECONFLICT, "%s is broken", r.Name)
	}
	return 0, meent.Errorf(meent.ECONFLICT, "every item of %s is booked then (buffer included)", r.Name)
}

// slots returns the interval index of one item, made when first needed.
func (s *State) slots(resource string, item int) *Slots {
	k := itemKey{resource, item}
	x := s.index[k]
	if x == nil {
		x = &Slots{}
		s.index[k] = x
	}
	return x
}

// Slots returns the interval index of one item of a resource (nil when it
// holds nothing), for readers that list a calendar.
func (s *State) Slots(resource string, item int) *Slots { return s.index[itemKey{resource, item}] }

// used returns how much of [from, to) an agent's held bookings of a
// resource cover.
func (s *State) used(agentID, resource string, from, to int64) int64 {
	var n int64
	for _, id := range s.byAgent[agentID] {
		b := s.bookings[id]
		if b.Resource != resource || !b.Holds() {
			continue
		}
		if lo, hi := max(b.Start, from), min(b.End, to); hi > lo {
			n += hi - lo
		}
	}
	return n
}

// fee is what a booking of length ms costs: the fee per booking plus the
// fee per hour for the time, rounded up to a minor unit. Exact integers.
func (r *Rules) fee(length int64) (*commons.Money, error) {
	if r.Fee == nil && r.FeePerHour == nil {
		return nil, nil
	}
	var m commons.Money
	if r.Fee != nil {
		m = *r.Fee
	}
	if h := r.FeePerHour; h != nil {
		m.Currency = h.Currency
		m.Amount += (h.Amount*length + Hour - 1) / Hour // ≤ 1e12 × 7.8e9: fits
	}
	return &m, nil
}

// booking returns a booking and checks that the signer may do act to it.
func (s *State) booking(x op, id string, act authority.Action) (*Booking, *Resource, error) {
	b := s.bookings[id]
	if b == nil {
		return nil, nil, refuse("unknown booking %s", id)
	}
	r := s.resources[b.Resource]
	if err := x.Auth.May(x.me, act, x.place(b.Commons).With(b.Agent)); err != nil {
		return nil, nil, err
	}
	return b, r, nil
}

func (s *State) approve(x op) error {
	var d BookingRef
	if err := x.ev.DecodeData(&d); err != nil {
		return err
	}
	b, _, err := s.booking(x, d.Booking, authority.ManageResource)
	if err != nil {
		return err
	}
	if b.Status != Requested {
		return meent.Errorf(meent.ECONFLICT, "booking %s is %s, not waiting for approval", b.ID, b.Status)
	}
	b.Status, b.Updated = Confirmed, x.Index
	s.touch(KindBooking, b.ID)
	return nil
}

func (s *State) cancel(x op) error {
	var d CancelData
	if err := x.ev.DecodeData(&d); err != nil {
		return err
	}
	b, _, err := s.booking(x, d.Booking, authority.ChangeBooking)
	if err != nil {
		return err
	}
	if b.Status != Requested && b.Status != Confirmed {
		return meent.Errorf(meent.ECONFLICT, "booking %s is %s: only a booking not yet out is cancelled", b.ID, b.Status)
	}
	if x.me != b.Agent && strings.TrimSpace(d.Reason) == "" {
		return refuse("a steward who cancels someone's booking says why")
	}
	if len(d.Reason) > MaxNote || !utf8.ValidString(d.Reason) {
		return refuse("reason longer than %d bytes", MaxNote)
	}
	s.slots(b.Resource, b.Item).remove(b.Start, b.ID)
	b.Status, b.Reason, b.Updated = Cancelled, d.Reason, x.Index
	if x.me != b.Agent {
		b.By = x.me
	}
	s.touch(KindBooking, b.ID)
	return nil
}

func (s *State) end(x op) error {
	var d BookingRef
	if err := x.ev.DecodeData(&d); err != nil {
		return err
	}
	b, _, err := s.booking(x, d.Booking, authority.ChangeBooking)
	if err != nil {
		return err
	}
	if b.Status != Confirmed && b.Status != Out {
		return meent.Errorf(meent.ECONFLICT, "booking %s is %s: only a confirmed or checked-out booking ends early", b.ID, b.Status)
	}
	t := x.ev.Time
	if t <= b.Start {
		return refuse("booking %s has not started: cancel it instead", b.ID)
	}
	if t >= b.End {
		return refuse("booking %s has already ended", b.ID)
	}
	until := t + (b.Until - b.End)
	s.slots(b.Resource, b.Item).shrink(b.Start, b.ID, until)
	b.End, b.Until, b.Updated = t, until, x.Index
	if b.Status == Confirmed {
		b.Status = Done
	}
	if x.me != b.Agent {
		b.By = x.me
	}
	s.touch(KindBooking, b.ID)
	return nil
}

func (s *State) checkOut(x op) error {
	var d HandData
	if err := x.ev.DecodeData(&d); err != nil {
		return err
	}
	b, r, err := s.booking(x, d.Booking, authority.HandOver)
	if err != nil {
		return err
	}
	if err := checkHand(&d, false); err != nil {
		return err
	}
	if b.Status != Confirmed {
		return meent.Errorf(meent.ECONFLICT, "booking %s is %s: only a confirmed booking is checked out", b.ID, b.Status)
	}
	if r.Status == Closed {
		return meent.Errorf(meent.ECONFLICT, "%s is closed", r.Name)
	}
	if it := r.Items[b.Item-1]; it.Broken {
		return meent.Errorf(meent.ECONFLICT, "%s item %d is broken: %s", r.Name, b.Item, it.Damage)
	}
	t := x.ev.Time
	if t < b.Start-Early || t >= b.End {
		return refuse("booking %s is checked out from an hour before its start to its end", b.ID)
	}
	b.Status, b.OutAt, b.OutNote, b.Photos, b.Updated = Out, t, d.Condition, slices.Clone(d.Photos), x.Index
	s.touch(KindBooking, b.ID)
	return nil
}

func (s *State) checkIn(x op) error {
	var d HandData
	if err := x.ev.DecodeData(&d); err != nil {
		return err
	}
	b, r, err := s.booking(x, d.Booking, authority.HandOver)
	if err != nil {
		return err
	}
	if err := checkHand(&d, true); err != nil {
		return err
	}
	if b.Status != Out {
		return meent.Errorf(meent.ECONFLICT, "booking %s is %s: only an item checked out is checked in", b.ID, b.Status)
	}
	t := max(x.ev.Time, b.OutAt)
	b.Status, b.InAt, b.InNote, b.Updated = Done, t, d.Condition, x.Index
	b.Photos = append(b.Photos, d.Photos...)
	it := &r.Items[b.Item-1]
	used := t - b.OutAt
	it.Uses++
	it.UsedMs += used
	it.TotalUses++
	it.TotalMs += used
	if m := r.Rules.Maintenance; m != nil && ((m.EveryUses > 0 && it.Uses >= m.EveryUses) || (m.EveryHours > 0 && it.UsedMs >= m.EveryHours*Hour)) {
		need := needID(x.ev.Hash, "maintenance")
		x.Emit(commons.NeedRequested{ID: need, Commons: r.Commons, Poster: x.me, Time: x.ev.Time,
			Title:       clip(m.Task+": "+itemName(r, b.Item), commons.MaxTitle),
			Description: fmt.Sprintf("Maintenance after %d uses and %s of use since the last (resource %s, item %d).", it.Uses, span(it.UsedMs), r.ID, b.Item)})
		it.Uses, it.UsedMs, it.LastNeed = 0, 0, need
	}
	if d.Damage != "" && !it.Broken {
		s.breakItem(x, r, b.Item, d.Damage)
	}
	r.Updated = x.Index
	s.touch(KindBooking, b.ID)
	s.touch(KindResource, r.ID)
	return nil
}

func checkHand(d *HandData, in bool) error {
	if err := checkLine("condition", d.Condition, MaxNote); err != nil {
		return err
	}
	if len(d.Photos) > MaxLinks {
		return refuse("at most %d photos", MaxLinks)
	}
	for _, p := range d.Photos {
		if !isHash(p) {
			return refuse("photo %q must be a blob hash", p)
		}
	}
	if d.Damage != "" {
		if !in {
			return refuse("damage is reported at check-in, or with item.damage")
		}
		if len(d.Damage) > MaxNote || !utf8.ValidString(d.Damage) {
			return refuse("damage longer than %d bytes", MaxNote)
		}
	}
	return nil
}

func (s *State) pay(x op) error {
	var d PayData
	if err := x.ev.DecodeData(&d); err != nil {
		return err
	}
	b := s.bookings[d.Booking]
	if b == nil {
		return refuse("unknown booking %s", d.Booking)
	}
	if err := x.Auth.May(x.me, authority.ManageResource, x.place(b.Commons)); err != nil {
		return err
	}
	if b.Fee == nil || b.Fee.Amount == 0 {
		return refuse("booking %s has no fee", b.ID)
	}
	if b.Status == Cancelled {
		return meent.Errorf(meent.ECONFLICT, "booking %s was cancelled", b.ID)
	}
	if b.Paid != "" {
		return meent.Errorf(meent.ECONFLICT, "booking %s's fee was already paid (%s)", b.ID, b.Paid)
	}
	if d.Amount.Currency != b.Fee.Currency {
		return refuse("booking %s's fee is in %s, not %s", b.ID, b.Fee.Currency, d.Amount.Currency)
	}
	if d.Amount != *b.Fee {
		return refuse("booking %s's fee is %s", b.ID, b.Fee)
	}
	if err := checkLine("reference", d.Reference, 100); err != nil {
		return err
	}
	ref := b.Commons + "/" + d.Reference
	if s.references[ref] {
		return meent.Errorf(meent.ECONFLICT, "payment %s was already recorded", d.Reference)
	}
	s.references[ref] = true
	b.Paid, b.Updated = d.Reference, x.Index
	s.touch(KindBooking, b.ID)
	x.Emit(value.IncomeEarned{Income: value.Income{ID: x.ev.Hash.String(), Commons: b.Commons, Kind: "usage_fee", Amount: d.Amount,
		Payer: b.Agent, Reference: clip("booking "+b.ID[:12]+": "+d.Reference, 200), Recorder: x.me, Index: x.Index}})
	return nil
}

func (s *State) damage(x op) error {
	var d DamageData
	if err := x.ev.DecodeData(&d); err != nil {
		return err
	}
	r := s.resources[d.Resource]
	if r == nil {
		return refuse("unknown resource %s", d.Resource)
	}
	if err := x.Auth.May(x.me, authority.ReportDamage, x.place(r.Commons)); err != nil {
		return err
	}
	if d.Item < 1 || d.Item > len(r.Items) {
		return refuse("%s has items 1 to %d", r.Name, len(r.Items))
	}
	if strings.TrimSpace(d.Description) == "" || len(d.Description) > MaxNote || !utf8.ValidString(d.Description) {
		return refuse("say what is broken (at most %d bytes)", MaxNote)
	}
	if r.Items[d.Item-1].Broken {
		return meent.Errorf(meent.ECONFLICT, "%s item %d is already reported broken", r.Name, d.Item)
	}
	s.breakItem(x, r, d.Item, d.Description)
	r.Updated = x.Index
	s.touch(KindResource, r.ID)
	return nil
}

// breakItem marks an item broken and asks for its repair on the board.
func (s *State) breakItem(x op, r *Resource, item int, what string) {
	need := needID(x.ev.Hash, "repair")
	it := &r.Items[item-1]
	it.Broken, it.Damage, it.RepairNeed = true, what, need
	x.Emit(commons.NeedRequested{ID: need, Commons: r.Commons, Poster: x.me, Time: x.ev.Time,
		Title:       clip("Repair: "+itemName(r, item), commons.MaxTitle),
		Description: fmt.Sprintf("%s\n\n(resource %s, item %d; reported broken)", what, r.ID, item)})
}

func (s *State) repair(x op) error {
	var d DamageData
	if err := x.ev.DecodeData(&d); err != nil {
		return err
	}
	r := s.resources[d.Resource]
	if r == nil {
		return refuse("unknown resource %s", d.Resource)
	}
	if err := x.Auth.May(x.me, authority.ManageResource, x.place(r.Commons)); err != nil {
		return err
	}
	if d.Item < 1 || d.Item > len(r.Items) {
		return refuse("%s has items 1 to %d", r.Name, len(r.Items))
	}
	if len(d.Description) > MaxNote || !utf8.ValidString(d.Description) {
		return refuse("description longer than %d bytes", MaxNote)
	}
	it := &r.Items[d.Item-1]
	if !it.Broken {
		return meent.Errorf(meent.ECONFLICT, "%s item %d is not broken", r.Name, d.Item)
	}
	it.Broken, it.Damage = false, ""
	it.Uses, it.UsedMs = 0, 0
	r.Updated = x.Index
	s.touch(KindResource, r.ID)
	return nil
}

// needID derives the ID of a need an event posts: a hash, like the ID of
// any need, and different for each reason one event may post one.
func needID(h [32]byte, why string) string {
	sum := sha256.Sum256(append(h[:], why...))
	return hex.EncodeToString(sum[:])
}

func itemName(r *Resource, item int) string {
	if len(r.Items) == 1 {
		return r.Name
	}
	return fmt.Sprintf("%s #%d", r.Name, item)
}

func checkLine(what, s string, maxLen int) error {
	if s == "" || len(s) > maxLen || !utf8.ValidString(s) || strings.ContainsFunc(s, func(r rune) bool { return unicode.IsControl(r) && r != '\n' }) {
		return refuse("%s must be 1 to %d bytes of text", what, maxLen)
	}
	return nil
}

func isHash(s string) bool {
	if len(s) != 64 {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil && strings.ToLower(s) == s
}

func isName(s string) bool {
	if s == "" || len(s) > 40 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func orMax(n int64) int64 {
	if n == 0 {
		return MaxLength
	}
	return n
}

// span writes a length of time for a refusal: 90 min, 3 h, 2 days.
func span(ms int64) string {
	switch {
	case ms%Day == 0 && ms >= Day:
		return fmt.Sprintf("%d days", ms/Day)
	case ms%Hour == 0 && ms >= Hour:
		return fmt.Sprintf("%d h", ms/Hour)
	}
	return fmt.Sprintf("%d min", ms/Minute)
}

func hours(hs []Span) string {
	var b strings.Builder
	for i, h := range hs {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(h.Day + " " + h.From + "-" + h.To)
	}
	return b.String()
}

// Open reports whether a resource with these rules is open at t (ms) in
// loc, as a start (pick-up) or as an end (return): what the booking rule
// checks, for pages that explain a refusal.
func (r *Rules) Open(t int64, loc *time.Location, asEnd bool) bool { return r.open(t, loc, asEnd) }
