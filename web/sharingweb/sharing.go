package sharingweb

import (
	"cmp"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	nethttp "net/http"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/meent/meent"
	"github.com/meent/meent/authority"
	"github.com/meent/meent/commons"
	"github.com/meent/meent/http"
	"github.com/meent/meent/sharing"
	"github.com/meent/meent/state"
	"github.com/meent/meent/web"
	"github.com/meent/meent/web/i18n"
)

// The pages read the rules' own state (st.Sharing), exact and complete,
// under the node's lock, and copy out what they show: times as text in
// the catalogue's zone and the page's language, agents by name.

// zoned is the page's locale writing times in the catalogue's zone.
func zoned(l *i18n.Locale, z *time.Location) *i18n.Locale {
	c := *l
	c.Zone = z
	return &c
}

// clock writes a time of day, 24 hours in both languages: "14:00".
func clock(t time.Time) string { return t.Format("15:04") }

// weekday names a day of the week in the page's language.
func weekday(l *i18n.Locale, d time.Weekday) string {
	return l.T([7]string{"sharing.day.sun", "sharing.day.mon", "sharing.day.tue", "sharing.day.wed", "sharing.day.thu", "sharing.day.fri", "sharing.day.sat"}[d])
}

// dayLabel is "Thursday 5 December 2026".
func dayLabel(l *i18n.Locale, t time.Time) string {
	return weekday(l, t.In(l.Zone).Weekday()) + " " + l.Date(t)
}

// resourceRow is a resource in the catalogue, with its state now.
type resourceRow struct {
	ID, Name, Kind, Location string
	State                    string // available, booked, broken or closed
	Items, Broken, Free      int
}

// stateNow says what a resource is now: closed by a steward; broken (every
// item); booked (every whole item held now); or available.
func stateNow(st *sharing.State, x *sharing.Resource, now int64) resourceRow {
	row := resourceRow{ID: x.ID, Name: x.Name, Kind: x.Kind, Location: x.Location, Items: len(x.Items)}
	for i, it := range x.Items {
		switch {
		case it.Broken:
			row.Broken++
		case st.Slots(x.ID, i+1) == nil || st.Slots(x.ID, i+1).Conflict(now, now+1) == "":
			row.Free++
		}
	}
	switch {
	case x.Status == sharing.Closed:
		row.State = "closed"
	case row.Broken == row.Items:
		row.State = "broken"
	case row.Free == 0:
		row.State = "booked_now"
	default:
		row.State = "available"
	}
	return row
}

// catalogueOf reads a commons' catalogue: nil without one.
func (p pages) catalogueOf(id string, kind string) (*sharing.Catalogue, []resourceRow, []string) {
	var cat *sharing.Catalogue
	var rows []resourceRow
	var kinds []string
	now := p.Now().UnixMilli()
	p.Node().State(func(st *state.State) {
		c := st.Sharing.Catalogue(id)
		if c == nil {
			return
		}
		cc := *c
		cat = &cc
		for _, x := range st.Sharing.Resources(id) {
			if !slices.Contains(kinds, x.Kind) {
				kinds = append(kinds, x.Kind)
			}
			if kind == "" || x.Kind == kind {
				rows = append(rows, stateNow(st.Sharing, x, now))
			}
		}
	})
	slices.Sort(kinds)
	return cat, rows, kinds
}

// commonsPart reads the catalogue's part of the commons page: the state
// of each resource and a link to the catalogue; nil without a catalogue.
func commonsPart(c web.Core, r *nethttp.Request, o *http.Objects, id string) (any, error) {
	cat, rows, _ := pages{c}.catalogueOf(id, "")
	if cat == nil {
		return nil, nil
	}
	return struct {
		Commons   string
		Resources []resourceRow
	}{id, rows}, nil
}

type cataloguePage struct {
	Commons   *commons.Commons
	Catalogue *sharing.Catalogue
	Resources []resourceRow
	Kinds     []string
	Kind      string
	Names     *http.Names
	Steward   bool // the reader runs the catalogue: the desk is theirs
	Me        string
}

func (p pages) pageCatalogue(w nethttp.ResponseWriter, r *nethttp.Request) {
	o := http.NewObjects(r.Context(), p.Node().Store())
	c, err := p.Commons(o, r.PathValue("id"))
	if err != nil {
		p.Error(w, r, err, 0)
		return
	}
	kind := r.URL.Query().Get("kind")
	cat, rows, kinds := p.catalogueOf(c.ID, kind)
	if cat == nil {
		p.Error(w, r, meent.Errorf(meent.ENOTFOUND, "%s has no catalogue", c.Name), 0)
		return
	}
	if !slices.Contains(kinds, kind) {
		kind = ""
	}
	data := cataloguePage{Commons: c, Catalogue: cat, Resources: rows, Kinds: kinds, Kind: kind, Names: http.NewNames(r.Context(), p.Node().Store())}
	if sess := p.Session(r); sess != nil {
		data.Me = sess.Agent
		data.Steward = p.steward(c, sess.Agent)
	}
	p.Render(w, r, nethttp.StatusOK, "catalogue", c.Name, data)
}

// steward reports whether an agent may run a commons' catalogue (a steward
// or a maintainer), as the rules ask.
func (p pages) steward(c *commons.Commons, agentID string) bool {
	ok := false
	p.Node().State(func(st *state.State) {
		ok = st.Authority().Allowed(agentID, authority.ManageResource, authority.In(c.ID, c.Name))
	})
	return ok
}

// bookingRow is a booking as a page shows it.
type bookingRow struct {
	ID, Agent, Resource, ResourceName string
	Item                              int
	Items                             int // the resource's items: the item is named when more than one
	When                              string
	Status                            string
	Note, Reason                      string
	Fee                               *commons.Money
	Mine                              bool
	CanCancel, CanEnd                 bool
	CanOut, CanIn                     bool // at the desk
}

// span writes a booking's time in its catalogue's zone: "14:00–16:00" on
// one day (day is that day), with the dates otherwise.
func span(l *i18n.Locale, start, end int64, day *time.Time) string {
	s, e := time.UnixMilli(start).In(l.Zone), time.UnixMilli(end).In(l.Zone)
	sameDay := s.Year() == e.Year() && s.YearDay() == e.YearDay()
	onDay := day != nil && sameDay && s.Year() == day.Year() && s.YearDay() == day.YearDay()
	switch {
	case onDay:
		return clock(s) + "–" + clock(e)
	case sameDay:
		return dayLabel(l, s) + ", " + clock(s) + "–" + clock(e)
	}
	return dayLabel(l, s) + " " + clock(s) + " – " + dayLabel(l, e) + " " + clock(e)
}

// row copies a booking for reader me at time now.
func row(st *state.State, l *i18n.Locale, b *sharing.Booking, me string, now int64, day *time.Time) bookingRow {
	x := st.Sharing.Resource(b.Resource)
	br := bookingRow{ID: b.ID, Agent: b.Agent, Resource: b.Resource, ResourceName: x.Name, Item: b.Item, Items: len(x.Items),
		When: span(l, b.Start, b.End, day), Status: b.Status, Note: b.Note, Reason: b.Reason, Fee: b.Fee, Mine: me != "" && me == b.Agent}
	if me == "" {
		return br
	}
	place := authority.In(b.Commons, "").With(b.Agent)
	if br.Mine && st.Authority().Allowed(me, authority.ChangeBooking, place) {
		br.CanCancel = b.Status == sharing.Requested || b.Status == sharing.Confirmed
		br.CanEnd = (b.Status == sharing.Confirmed || b.Status == sharing.Out) && now > b.Start && now < b.End
	}
	if st.Authority().Allowed(me, authority.HandOver, place) {
		br.CanOut = b.Status == sharing.Confirmed && now >= b.Start-sharing.Early && now < b.End && x.Status != sharing.Closed && !x.Items[b.Item-1].Broken
		br.CanIn = b.Status == sharing.Out
	}
	return br
}

// day is one day of a week's calendar.
type day struct {
	Label    string
	Date     string // 2026-12-10, the form's default
	Bookings []bookingRow
}

// rulesWords says a resource's rules in sentences, in the page's language.
func rulesWords(l *i18n.Locale, x *sharing.Resource, zone string) []string {
	ru := x.Rules
	var out []string
	if ru.Who == sharing.Everyone {
		out = append(out, l.T("sharing.rule.everyone"))
	} else {
		out = append(out, l.T("sharing.rule.members"))
	}
	if ru.Training != "" {
		out = append(out, l.T("sharing.rule.training", "training", ru.Training))
	}
	switch {
	case ru.MinMinutes > 0 && ru.MaxMinutes > 0:
		out = append(out, l.T("sharing.rule.length", "min", l.Minutes(ru.MinMinutes), "max", l.Minutes(ru.MaxMinutes)))
	case ru.MaxMinutes > 0:
		out = append(out, l.T("sharing.rule.max", "max", l.Minutes(ru.MaxMinutes)))
	case ru.MinMinutes > 0:
		out = append(out, l.T("sharing.rule.min", "min", l.Minutes(ru.MinMinutes)))
	}
	if ru.BufferMinutes > 0 {
		out = append(out, l.T("sharing.rule.buffer", "buffer", l.Minutes(ru.BufferMinutes)))
	}
	if len(ru.Hours) > 0 {
		out = append(out, l.T("sharing.rule.hours", "hours", hoursWords(l, ru.Hours), "zone", zone))
	} else {
		out = append(out, l.T("sharing.rule.always"))
	}
	if ru.AheadDays > 0 {
		out = append(out, l.T("sharing.rule.ahead", "days", ru.AheadDays))
	}
	if c := ru.Cap; c != nil {
		out = append(out, l.T("sharing.rule.cap", "minutes", l.Minutes(c.Minutes), "days", c.Days))
	}
	if ru.Approval {
		out = append(out, l.T("sharing.rule.approval"))
	}
	if ru.Deposit != nil {
		out = append(out, l.T("sharing.rule.deposit", "deposit", l.PageMoney(ru.Deposit.Amount, ru.Deposit.Currency)))
	}
	switch {
	case ru.Fee != nil && ru.FeePerHour != nil:
		out = append(out, l.T("sharing.rule.fee_both", "fee", l.PageMoney(ru.Fee.Amount, ru.Fee.Currency), "hourly", l.PageMoney(ru.FeePerHour.Amount, ru.FeePerHour.Currency)))
	case ru.Fee != nil:
		out = append(out, l.T("sharing.rule.fee", "fee", l.PageMoney(ru.Fee.Amount, ru.Fee.Currency)))
	case ru.FeePerHour != nil:
		out = append(out, l.T("sharing.rule.fee_hourly", "hourly", l.PageMoney(ru.FeePerHour.Amount, ru.FeePerHour.Currency)))
	default:
		out = append(out, l.T("sharing.rule.free"))
	}
	if m := ru.Maintenance; m != nil {
		switch {
		case m.EveryHours > 0 && m.EveryUses > 0:
			out = append(out, l.T("sharing.rule.maintenance_both", "hours", m.EveryHours, "uses", m.EveryUses, "task", m.Task))
		case m.EveryHours > 0:
			out = append(out, l.T("sharing.rule.maintenance_hours", "hours", m.EveryHours, "task", m.Task))
		default:
			out = append(out, l.T("sharing.rule.maintenance_uses", "uses", m.EveryUses, "task", m.Task))
		}
	}
	return out
}

// hoursWords writes opening hours: "Tuesday 10:00–20:00, Wednesday ...".
func hoursWords(l *i18n.Locale, hs []sharing.Span) string {
	days := map[string]time.Weekday{"sun": 0, "mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6}
	parts := make([]string, 0, len(hs))
	for _, h := range hs {
		parts = append(parts, weekday(l, days[h.Day])+" "+h.From+"–"+h.To)
	}
	return strings.Join(parts, ", ")
}

// itemRow is one item of a pool with its state.
type itemRow struct {
	N      int
	Broken bool
	Damage string
	Need   string // the repair need it posted
}

type resourcePage struct {
	Commons   *commons.Commons
	Resource  sharing.Resource
	Row       resourceRow
	Zone      string
	Rules     []string
	ItemRows  []itemRow
	Week      string // the week's heading
	Days      []day
	Prev      string // ?week= of the weeks before and after
	Next      string
	Names     *http.Names
	Me        string
	CanBook   bool
	WhyNot    string // why the logged-in reader may not book, in words
	Form      bookForm
	Cancelled int // cancelled bookings shown this week
}

// bookForm is the booking form's values, kept when it is refused.
type bookForm struct {
	StartDate, StartTime, EndDate, EndTime, Note string
	Item                                         int
	Error                                        string // the refusal in the page's language
	Detail                                       string // the rules' own words
}

// weekOf parses ?week= (a date in the catalogue's zone; empty: today) and
// returns the Monday that starts its week, at midnight in zone.
func weekOf(q string, now time.Time, zone *time.Location) time.Time {
	t := now.In(zone)
	if d, err := time.ParseInLocation("2006-01-02", q, zone); err == nil {
		t = d
	}
	t = time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, zone)
	return t.AddDate(0, 0, -((int(t.Weekday()) + 6) % 7))
}

// maxCancelledScan bounds how many of a resource's latest bookings a week
// is searched for cancelled ones (held ones come from the interval
// index): a page stays cheap for a resource with years of bookings.
const maxCancelledScan = 2000

func (p pages) pageResource(w nethttp.ResponseWriter, r *nethttp.Request) {
	p.renderResource(w, r, nethttp.StatusOK, bookForm{})
}

func (p pages) renderResource(w nethttp.ResponseWriter, r *nethttp.Request, status int, form bookForm) {
	id := r.PathValue("id")
	if http.ParseID(id, "resource") != nil {
		p.Error(w, r, meent.Errorf(meent.ENOTFOUND, "no resource has that ID"), 0)
		return
	}
	o := http.NewObjects(r.Context(), p.Node().Store())
	loc := p.Locale(r)
	me := ""
	if sess := p.Session(r); sess != nil {
		me = sess.Agent
	}
	now := p.Now()
	data := resourcePage{Names: http.NewNames(r.Context(), p.Node().Store()), Me: me, Form: form}
	var err error
	var commonsID string
	p.Node().State(func(st *state.State) {
		x := st.Sharing.Resource(id)
		if x == nil {
			err = meent.Errorf(meent.ENOTFOUND, "no resource %s", id)
			return
		}
		commonsID = x.Commons
		zone := st.Sharing.Zone(x.Commons)
		zl := zoned(loc, zone)
		data.Resource = *x
		data.Row = stateNow(st.Sharing, x, now.UnixMilli())
		data.Zone = zone.String()
		data.Rules = rulesWords(zl, x, data.Zone)
		for i, it := range x.Items {
			data.ItemRows = append(data.ItemRows, itemRow{N: i + 1, Broken: it.Broken, Damage: it.Damage, Need: it.RepairNeed})
		}
		// The week: held bookings from the interval index, cancelled ones
		// from the latest bookings.
		mon := weekOf(r.URL.Query().Get("week"), now, zone)
		end := mon.AddDate(0, 0, 7)
		from, to := mon.UnixMilli(), end.UnixMilli()
		data.Week = zl.T("sharing.week.of", "from", zl.Date(mon), "to", zl.Date(end.AddDate(0, 0, -1)))
		data.Prev, data.Next = mon.AddDate(0, 0, -7).Format("2006-01-02"), end.Format("2006-01-02")
		var bs []*sharing.Booking
		for item := 1; item <= len(x.Items); item++ {
			if sl := st.Sharing.Slots(id, item); sl != nil {
				sl.Between(from, to, func(bid string) bool {
					bs = append(bs, st.Sharing.Booking(bid))
					return true
				})
			}
		}
		all := st.Sharing.ResourceBookings(id)
		for i := len(all) - 1; i >= 0 && i >= len(all)-maxCancelledScan; i-- {
			b := st.Sharing.Booking(all[i])
			if b.Status == sharing.Cancelled && b.Start < to && b.End > from {
				bs = append(bs, b)
			}
		}
		slices.SortFunc(bs, func(a, b *sharing.Booking) int {
			return cmp.Or(cmp.Compare(a.Start, b.Start), cmp.Compare(a.Item, b.Item), strings.Compare(a.ID, b.ID))
		})
		for d := range 7 {
			t := mon.AddDate(0, 0, d)
			ds, de := t.UnixMilli(), t.AddDate(0, 0, 1).UnixMilli()
			dy := day{Label: dayLabel(zl, t), Date: t.Format("2006-01-02")}
			for _, b := range bs {
				if b.Start < de && b.End > ds {
					dy.Bookings = append(dy.Bookings, row(st, zl, b, me, now.UnixMilli(), &t))
					if b.Status == sharing.Cancelled {
						data.Cancelled++
					}
				}
			}
			data.Days = append(data.Days, dy)
		}
		if me != "" {
			data.CanBook, data.WhyNot = mayBook(st, zl, x, me)
		}
	})
	if err != nil {
		p.Error(w, r, err, 0)
		return
	}
	if data.Commons, err = p.Commons(o, commonsID); err != nil {
		p.Error(w, r, err, 0)
		return
	}
	if data.Form.StartDate == "" {
		// A default the person changes: the next whole hour, for an hour.
		z, _ := time.LoadLocation(data.Zone)
		s := now.In(z).Truncate(time.Hour).Add(time.Hour)
		data.Form.StartDate, data.Form.StartTime = s.Format("2006-01-02"), clock(s)
		data.Form.EndDate, data.Form.EndTime = s.Add(time.Hour).Format("2006-01-02"), clock(s.Add(time.Hour))
	}
	p.Render(w, r, status, "resource", data.Resource.Name, data)
}

// mayBook says whether me may book x now, and if not why, as the rules
// would: who may book, the training, closed, every item broken.
func mayBook(st *state.State, l *i18n.Locale, x *sharing.Resource, me string) (bool, string) {
	if x.Rules.Who != sharing.Everyone && !st.Authority().Allowed(me, authority.BookResource, authority.In(x.Commons, "")) {
		return false, l.T("sharing.why.members")
	}
	if x.Rules.Training != "" && !st.Sharing.HasTraining(x.Commons, me, x.Rules.Training) {
		return false, l.T("sharing.why.training", "training", x.Rules.Training)
	}
	if x.Status == sharing.Closed {
		return false, l.T("sharing.why.closed", "reason", x.StatusReason)
	}
	broken := 0
	for _, it := range x.Items {
		if it.Broken {
			broken++
		}
	}
	if broken == len(x.Items) {
		return false, l.T("sharing.why.broken")
	}
	return true, ""
}

// postBook answers the booking form: the dates and times are read in the
// catalogue's zone; a refusal is explained on the resource page again.
func (p pages) postBook(w nethttp.ResponseWriter, r *nethttp.Request) {
	id := r.PathValue("id")
	var f bookForm
	var d sharing.BookData
	var zone *time.Location
	var x *sharing.Resource
	p.Node().State(func(st *state.State) {
		if res := st.Sharing.Resource(id); res != nil {
			c := *res
			x = &c
			zone = st.Sharing.Zone(res.Commons)
		}
	})
	if x == nil {
		p.Error(w, r, meent.Errorf(meent.ENOTFOUND, "no resource has that ID"), 0)
		return
	}
	var parseErr bool
	read := func() (string, any) {
		f = bookForm{StartDate: r.PostFormValue("start_date"), StartTime: r.PostFormValue("start_time"),
			EndDate: r.PostFormValue("end_date"), EndTime: r.PostFormValue("end_time"), Note: strings.TrimSpace(r.PostFormValue("note"))}
		f.Item, _ = strconv.Atoi(r.PostFormValue("item"))
		s, err1 := time.ParseInLocation("2006-01-02 15:04", f.StartDate+" "+f.StartTime, zone)
		e, err2 := time.ParseInLocation("2006-01-02 15:04", f.EndDate+" "+f.EndTime, zone)
		parseErr = err1 != nil || err2 != nil
		d = sharing.BookData{Resource: id, Item: f.Item, Start: s.UnixMilli(), End: e.UnixMilli(), Note: f.Note}
		if parseErr {
			d.Start, d.End = 0, 0 // refused by the rules: a booking ends after it starts
		}
		return sharing.TypeBook, d
	}
	_, pr, ok := p.Act(w, r, read)
	if !ok {
		return
	}
	if pr != nil {
		loc := zoned(p.Locale(r), zone)
		if parseErr {
			f.Error = loc.T("sharing.error.when")
		} else {
			me := ""
			if sess := p.Session(r); sess != nil {
				me = sess.Agent
			}
			p.Node().State(func(st *state.State) { f.Error = explain(st, loc, x, me, d, p.Now().UnixMilli(), pr.Code) })
			f.Detail = pr.Detail
		}
		p.renderResource(w, r, pr.Status, f)
		return
	}
	week := ""
	if zone != nil && !parseErr {
		week = "?week=" + time.UnixMilli(d.Start).In(zone).Format("2006-01-02")
	}
	nethttp.Redirect(w, r, "/resources/"+id+week+"#week", nethttp.StatusSeeOther)
}

// explain says in the page's language why a booking was refused, by
// asking the state what the rules asked, in their order; the rules' own
// words stay under it.
func explain(st *state.State, l *i18n.Locale, x *sharing.Resource, me string, d sharing.BookData, now int64, code string) string {
	ru := x.Rules
	if ok, why := mayBook(st, l, x, me); !ok {
		return why
	}
	length := d.End - d.Start
	switch {
	case d.End <= d.Start:
		return l.T("sharing.error.order")
	case ru.MaxMinutes > 0 && length > ru.MaxMinutes*sharing.Minute:
		return l.T("sharing.error.too_long", "max", l.Minutes(ru.MaxMinutes))
	case length > sharing.MaxLength:
		return l.T("sharing.error.too_long", "max", l.Minutes(sharing.MaxLength/sharing.Minute))
	case length < ru.MinMinutes*sharing.Minute:
		return l.T("sharing.error.too_short", "min", l.Minutes(ru.MinMinutes))
	case d.Start < now-sharing.Grace:
		return l.T("sharing.error.past")
	case ru.AheadDays > 0 && d.Start > now+int64(ru.AheadDays)*sharing.Day:
		return l.T("sharing.error.ahead", "days", ru.AheadDays)
	case !ru.Open(d.Start, l.Zone, false) || !ru.Open(d.End, l.Zone, true):
		return l.T("sharing.error.hours", "hours", hoursWords(l, ru.Hours), "zone", l.Zone.String())
	}
	if code == meent.ECONFLICT {
		return l.T("sharing.error.overlap", "buffer", l.Minutes(ru.BufferMinutes))
	}
	if ru.Cap != nil && code == meent.ERULE {
		return l.T("sharing.error.cap", "minutes", l.Minutes(ru.Cap.Minutes), "days", ru.Cap.Days)
	}
	if code == meent.EFORBIDDEN {
		return l.T("sharing.why.members")
	}
	return l.T("sharing.error.refused")
}

// postBookingAction answers the buttons on a booking: cancel, end early
// (the booker's), check out and check in (the desk's, with a condition
// note and at check-in a damage report). It goes back to the page the
// button was on.
func (p pages) postBookingAction(w nethttp.ResponseWriter, r *nethttp.Request) {
	id := r.PathValue("id")
	action := path.Base(r.URL.Path)
	var b *sharing.Booking
	p.Node().State(func(st *state.State) {
		if x := st.Sharing.Booking(id); x != nil {
			c := *x
			b = &c
		}
	})
	if b == nil {
		p.Error(w, r, meent.Errorf(meent.ENOTFOUND, "no booking has that ID"), 0)
		return
	}
	read := func() (string, any) {
		switch action {
		case "cancel":
			return sharing.TypeCancel, sharing.CancelData{Booking: id, Reason: strings.TrimSpace(r.PostFormValue("reason"))}
		case "end":
			return sharing.TypeEnd, sharing.BookingRef{Booking: id}
		case "checkout":
			return sharing.TypeCheckOut, sharing.HandData{Booking: id, Condition: strings.TrimSpace(r.PostFormValue("condition"))}
		}
		return sharing.TypeCheckIn, sharing.HandData{Booking: id, Condition: strings.TrimSpace(r.PostFormValue("condition")), Damage: strings.TrimSpace(r.PostFormValue("damage"))}
	}
	_, pr, ok := p.Act(w, r, read)
	if !ok {
		return
	}
	back := "/resources/" + b.Resource + "#week"
	switch r.PostFormValue("back") {
	case "mine":
		back = "/bookings"
	case "desk":
		back = "/commons/" + b.Commons + "/desk"
	}
	if pr != nil {
		loc := p.Locale(r)
		p.Error(w, r, &meent.Error{Code: pr.Code, Message: loc.T("sharing.error.action", "detail", pr.Detail)}, 0)
		return
	}
	nethttp.Redirect(w, r, back, nethttp.StatusSeeOther)
}

type minePage struct {
	Bookings []bookingRow
	Next     string
	Link     string // a new secret calendar link, shown once
	Agent    string
}

// pageMine lists the logged-in person's bookings, newest first, 50 a page
// (?cursor=), each in its catalogue's zone, with their buttons.
func (p pages) pageMine(w nethttp.ResponseWriter, r *nethttp.Request) {
	p.renderMine(w, r, "")
}

func (p pages) renderMine(w nethttp.ResponseWriter, r *nethttp.Request, link string) {
	sess := p.Session(r)
	if sess == nil {
		nethttp.Redirect(w, r, "/login?next=/bookings", nethttp.StatusSeeOther)
		return
	}
	q, err := http.CursorQuery(r.URL.Query().Get("cursor"), "my-bookings", 50)
	if err != nil {
		p.Error(w, r, err, 0)
		return
	}
	loc := p.Locale(r)
	data := minePage{Link: link, Agent: sess.Agent}
	now := p.Now().UnixMilli()
	p.Node().State(func(st *state.State) {
		ids := st.Sharing.AgentBookings(sess.Agent)
		all := make([]*sharing.Booking, 0, len(ids))
		for i := len(ids) - 1; i >= 0; i-- {
			all = append(all, st.Sharing.Booking(ids[i]))
		}
		var page []*sharing.Booking
		page, data.Next, err = http.PageSlice(all, q, "my-bookings", func(b *sharing.Booking) string { return http.DescKey(b.Created) })
		for _, b := range page {
			data.Bookings = append(data.Bookings, row(st, zoned(loc, st.Sharing.Zone(b.Commons)), b, sess.Agent, now, nil))
		}
	})
	if err != nil {
		p.Error(w, r, err, 0)
		return
	}
	p.Render(w, r, nethttp.StatusOK, "mybookings", "", data)
}

// feeds is what the store keeps of calendar links (as api/sharingapi
// reads them).
type feeds interface {
	SetFeedToken(ctx context.Context, agent string, hash [32]byte, at int64) error
}

// postCalendarLink makes a new secret link to the logged-in person's
// calendar (the one before stops working) and shows it once: the node
// keeps only its hash, so this answer is the page itself, not a redirect.
func (p pages) postCalendarLink(w nethttp.ResponseWriter, r *nethttp.Request) {
	sess, err := p.FormSession(w, r)
	if err != nil {
		p.Error(w, r, err, 0)
		return
	}
	fs, ok := p.Node().Store().(feeds)
	if !ok {
		p.Error(w, r, meent.Errorf(meent.EUNAVAILABLE, "this node keeps no calendar links"), 0)
		return
	}
	var raw [32]byte
	rand.Read(raw[:])
	tok := base64.RawURLEncoding.EncodeToString(raw[:])
	if err := fs.SetFeedToken(r.Context(), sess.Agent, sha256.Sum256([]byte(tok)), p.Now().UnixMilli()); err != nil {
		p.Error(w, r, err, 0)
		return
	}
	p.renderMine(w, r, fmt.Sprintf("%s/api/v1/agents/%s/calendar.ics?token=%s", p.BaseURL(r), sess.Agent, tok))
}

type deskPage struct {
	Commons  *commons.Commons
	Bookings []bookingRow
	Names    *http.Names
}

// pageDesk is the steward's check-out desk: the bookings that go out or
// come back today (from an hour before their start), with the buttons.
// Only those who may hand items over see it.
func (p pages) pageDesk(w nethttp.ResponseWriter, r *nethttp.Request) {
	o := http.NewObjects(r.Context(), p.Node().Store())
	c, err := p.Commons(o, r.PathValue("id"))
	if err != nil {
		p.Error(w, r, err, 0)
		return
	}
	sess := p.Session(r)
	if sess == nil || !p.steward(c, sess.Agent) {
		p.Error(w, r, meent.Errorf(meent.EFORBIDDEN, "only a steward or maintainer of %s keeps the desk", c.Name), 0)
		return
	}
	loc := p.Locale(r)
	now := p.Now()
	data := deskPage{Commons: c, Names: http.NewNames(r.Context(), p.Node().Store())}
	p.Node().State(func(st *state.State) {
		zl := zoned(loc, st.Sharing.Zone(c.ID))
		t := now.In(zl.Zone)
		from := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, zl.Zone).UnixMilli()
		to := time.Date(t.Year(), t.Month(), t.Day()+1, 0, 0, 0, 0, zl.Zone).UnixMilli()
		for _, x := range st.Sharing.Resources(c.ID) {
			for item := 1; item <= len(x.Items); item++ {
				sl := st.Sharing.Slots(x.ID, item)
				if sl == nil {
					continue
				}
				// Out now (whenever it started) or due today.
				sl.Between(min(from, now.UnixMilli()-sharing.MaxLength), to, func(bid string) bool {
					b := st.Sharing.Booking(bid)
					if b.Status == sharing.Out || (b.Status == sharing.Confirmed && b.End > now.UnixMilli() && b.Start < to) {
						data.Bookings = append(data.Bookings, row(st, zl, b, sess.Agent, now.UnixMilli(), nil))
					}
					return true
				})
			}
		}
	})
	p.Render(w, r, nethttp.StatusOK, "desk", c.Name, data)
}
