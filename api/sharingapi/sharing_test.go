package sharingapi

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/meent/meent"
	"github.com/meent/meent/api"
	"github.com/meent/meent/commons"
	"github.com/meent/meent/sharing"
)

// library is a commons with a catalogue (Ada maintains it, Bob stewards
// it) and a pool of two drills; Cy and Dee are members.
type library struct {
	*community
	lib, drills string
}

func newLibrary(t *testing.T, e *env) *library {
	c := newCommunity(t, e)
	l := &library{community: c}
	l.lib = e.act(c.ada, commons.TypeCreate, commons.CreateData{Name: "Tool library", Kind: "hardware", Maintainers: []string{c.ada.id}})
	e.act(c.ada, sharing.TypeCatalogue, sharing.CatalogueData{Commons: l.lib, TimeZone: "Europe/Amsterdam", Stewards: []string{c.bob.id}})
	l.drills = e.act(c.bob, sharing.TypeResourceAdd, sharing.ResourceData{Commons: l.lib, Name: "Drill", Kind: sharing.Tool, Items: 2, Location: "Shelf 2",
		Rules: sharing.Rules{BufferMinutes: 10}})
	return l
}

func TestBookingsAndCalendars(t *testing.T) {
	e := newEnv(t)
	l := newLibrary(t, e)
	day := time.Now().Truncate(time.Hour).Add(48 * time.Hour).UnixMilli()
	var made []string
	for i := range 5 {
		s := day + int64(i)*sharing.Hour
		made = append(made, e.act(l.cy, sharing.TypeBook, sharing.BookData{Resource: l.drills, Item: 1, Start: s, End: s + 30*sharing.Minute, Note: fmt.Sprintf("job %d; big, long", i)}))
	}
	// An overlap is refused through the API with 409 and nothing written.
	p := e.refused(t, l.dee.sign(t, sharing.TypeBook, sharing.BookData{Resource: l.drills, Item: 1, Start: day + 35*sharing.Minute, End: day + 50*sharing.Minute}), 409, meent.ECONFLICT)
	if !strings.Contains(p.Detail, "booked then") {
		t.Errorf("detail %q", p.Detail)
	}
	e.act(l.cy, sharing.TypeCancel, sharing.CancelData{Booking: made[4]})

	res := getJSONAs[api.ResourceList](t, e, "/api/v1/commons/"+l.lib+"/resources")
	if len(res.Resources) != 1 || res.TimeZone != "Europe/Amsterdam" || res.Resources[0].Resource.Bookings != 5 {
		t.Fatalf("resources %+v", res)
	}
	wantProblem(t, e.get("/api/v1/commons/"+l.turbine+"/resources"), 404, meent.ENOTFOUND)

	// Paging walks every booking once, cancelled included.
	var seen []string
	path := "/api/v1/resources/" + l.drills + "/bookings?limit=2"
	for path != "" {
		page := getJSONAs[api.BookingList](t, e, path)
		for _, b := range page.Bookings {
			seen = append(seen, b.ID)
		}
		path = ""
		if page.Next != "" {
			path = "/api/v1/resources/" + l.drills + "/bookings?limit=2&cursor=" + page.Next
		}
	}
	if strings.Join(seen, ",") != strings.Join(made, ",") {
		t.Errorf("paged %v, want %v", seen, made)
	}
	// A window: the held bookings meeting it, from the index.
	win := getJSONAs[api.BookingList](t, e, fmt.Sprintf("/api/v1/resources/%s/bookings?from=%d&to=%d", l.drills, day+sharing.Hour, day+3*sharing.Hour))
	if len(win.Bookings) != 2 || win.Bookings[0].ID != made[1] || win.Bookings[1].ID != made[2] {
		t.Errorf("window %+v", win.Bookings)
	}
	wantProblem(t, e.get(fmt.Sprintf("/api/v1/resources/%s/bookings?from=%d&to=%d", l.drills, day, day+100*sharing.Day)), 400, meent.EINVALID)
	b := getJSONAs[sharing.Booking](t, e, "/api/v1/bookings/"+made[4])
	if b.Status != sharing.Cancelled {
		t.Errorf("booking %+v", b)
	}

	// The resource's feed: every booking, the cancelled one as cancelled.
	r := e.get("/api/v1/resources/" + l.drills + "/calendar.ics")
	wantStatus(t, r, 200)
	if ct := r.header.Get("Content-Type"); ct != "text/calendar; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	ics := string(r.body)
	if strings.Count(ics, "BEGIN:VEVENT") != 5 || strings.Count(ics, "STATUS:CANCELLED") != 1 || !strings.Contains(ics, "job 1\\; big\\, long") || !strings.Contains(ics, "SUMMARY:Cy\r\n") {
		t.Errorf("feed:\n%s", ics)
	}

	// Cy's own feed is behind a link only Cy makes; a new link revokes the
	// old, and a revoked link is a 404 like a wrong one.
	token, err := e.accounts.CreateToken(t.Context(), l.cy.id, "calendar")
	if err != nil {
		t.Fatal(err)
	}
	other, err := e.accounts.CreateToken(t.Context(), l.dee.id, "calendar")
	if err != nil {
		t.Fatal(err)
	}
	feed := "/api/v1/agents/" + l.cy.id + "/calendar.ics?token="
	wantProblem(t, e.get(feed+"guess"), 404, meent.ENOTFOUND)
	wantProblem(t, e.do("POST", "/api/v1/agents/"+l.cy.id+"/calendar-link", nil, "Authorization", "Bearer "+other), 403, meent.EFORBIDDEN)
	wantProblem(t, e.do("POST", "/api/v1/agents/"+l.cy.id+"/calendar-link", nil), 401, meent.EUNAUTHORIZED)
	mk := func() api.CalendarLink {
		r := e.do("POST", "/api/v1/agents/"+l.cy.id+"/calendar-link", nil, "Authorization", "Bearer "+token)
		wantStatus(t, r, 201)
		var cl api.CalendarLink
		r.json(t, &cl)
		return cl
	}
	first := mk()
	if !strings.HasSuffix(first.URL, feed+first.Token) {
		t.Errorf("link %q", first.URL)
	}
	r = e.get(feed + first.Token)
	wantStatus(t, r, 200)
	if strings.Count(string(r.body), "BEGIN:VEVENT") != 5 || !strings.Contains(string(r.body), "SUMMARY:Drill #1\r\n") {
		t.Errorf("Cy's feed:\n%s", r.body)
	}
	// Dee's link does not open Cy's feed.
	r = e.do("POST", "/api/v1/agents/"+l.dee.id+"/calendar-link", nil, "Authorization", "Bearer "+other)
	var dees api.CalendarLink
	r.json(t, &dees)
	wantProblem(t, e.get(feed+dees.Token), 404, meent.ENOTFOUND)
	second := mk()
	wantProblem(t, e.get(feed+first.Token), 404, meent.ENOTFOUND)
	wantStatus(t, e.get(feed+second.Token), 200)
	wantStatus(t, e.do("DELETE", "/api/v1/agents/"+l.cy.id+"/calendar-link", nil, "Authorization", "Bearer "+token), 204)
	wantProblem(t, e.get(feed+second.Token), 404, meent.ENOTFOUND)
	wantProblem(t, e.do("DELETE", "/api/v1/agents/"+l.cy.id+"/calendar-link", nil, "Authorization", "Bearer "+token), 404, meent.ENOTFOUND)

	mine := getJSONAs[api.BookingList](t, e, "/api/v1/agents/"+l.cy.id+"/bookings")
	if len(mine.Bookings) != 5 {
		t.Errorf("Cy's bookings: %d", len(mine.Bookings))
	}
}
