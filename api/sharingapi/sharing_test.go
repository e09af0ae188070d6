package sharingapi

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/meent/meent"
	"github.com/meent/meent/api"
	"github.com/meent/meent/api/apitest"
	"github.com/meent/meent/commons"
	"github.com/meent/meent/sharing"
)

// library is a commons with a catalogue (Ada maintains it, Bob stewards
// it) and a pool of two drills; Cy and Dee are members.
type library struct {
	*apitest.Community
	lib, drills string
}

func newLibrary(t *testing.T, e *apitest.Env) *library {
	c := apitest.NewCommunity(t, e)
	l := &library{Community: c}
	l.lib = e.Act(c.Ada, commons.TypeCreate, commons.CreateData{Name: "Tool library", Kind: "hardware", Maintainers: []string{c.Ada.ID}})
	e.Act(c.Ada, sharing.TypeCatalogue, sharing.CatalogueData{Commons: l.lib, TimeZone: "Europe/Amsterdam", Stewards: []string{c.Bob.ID}})
	l.drills = e.Act(c.Bob, sharing.TypeResourceAdd, sharing.ResourceData{Commons: l.lib, Name: "Drill", Kind: sharing.Tool, Items: 2, Location: "Shelf 2",
		Rules: sharing.Rules{BufferMinutes: 10}})
	return l
}

func TestBookingsAndCalendars(t *testing.T) {
	e := apitest.New(t, Register)
	l := newLibrary(t, e)
	day := time.Now().Truncate(time.Hour).Add(48 * time.Hour).UnixMilli()
	var made []string
	for i := range 5 {
		s := day + int64(i)*sharing.Hour
		made = append(made, e.Act(l.Cy, sharing.TypeBook, sharing.BookData{Resource: l.drills, Item: 1, Start: s, End: s + 30*sharing.Minute, Note: fmt.Sprintf("job %d; big, long", i)}))
	}
	// An overlap is refused through the API with 409 and nothing written.
	p := e.Refused(t, l.Dee.Sign(t, sharing.TypeBook, sharing.BookData{Resource: l.drills, Item: 1, Start: day + 35*sharing.Minute, End: day + 50*sharing.Minute}), 409, meent.ECONFLICT)
	if !strings.Contains(p.Detail, "booked then") {
		t.Errorf("detail %q", p.Detail)
	}
	e.Act(l.Cy, sharing.TypeCancel, sharing.CancelData{Booking: made[4]})

	res := apitest.GetJSONAs[api.ResourceList](t, e, "/api/v1/commons/"+l.lib+"/resources")
	if len(res.Resources) != 1 || res.TimeZone != "Europe/Amsterdam" || res.Resources[0].Resource.Bookings != 5 {
		t.Fatalf("resources %+v", res)
	}
	apitest.WantProblem(t, e.Get("/api/v1/commons/"+l.Turbine+"/resources"), 404, meent.ENOTFOUND)

	// Paging walks every booking once, cancelled included.
	var seen []string
	path := "/api/v1/resources/" + l.drills + "/bookings?limit=2"
	for path != "" {
		page := apitest.GetJSONAs[api.BookingList](t, e, path)
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
	win := apitest.GetJSONAs[api.BookingList](t, e, fmt.Sprintf("/api/v1/resources/%s/bookings?from=%d&to=%d", l.drills, day+sharing.Hour, day+3*sharing.Hour))
	if len(win.Bookings) != 2 || win.Bookings[0].ID != made[1] || win.Bookings[1].ID != made[2] {
		t.Errorf("window %+v", win.Bookings)
	}
	apitest.WantProblem(t, e.Get(fmt.Sprintf("/api/v1/resources/%s/bookings?from=%d&to=%d", l.drills, day, day+100*sharing.Day)), 400, meent.EINVALID)
	b := apitest.GetJSONAs[sharing.Booking](t, e, "/api/v1/bookings/"+made[4])
	if b.Status != sharing.Cancelled {
		t.Errorf("booking %+v", b)
	}

	// The resource's feed: every booking, the cancelled one as cancelled.
	r := e.Get("/api/v1/resources/" + l.drills + "/calendar.ics")
	apitest.WantStatus(t, r, 200)
	if ct := r.Header.Get("Content-Type"); ct != "text/calendar; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	ics := string(r.Body)
	if strings.Count(ics, "BEGIN:VEVENT") != 5 || strings.Count(ics, "STATUS:CANCELLED") != 1 || !strings.Contains(ics, "job 1\\; big\\, long") || !strings.Contains(ics, "SUMMARY:Cy\r\n") {
		t.Errorf("feed:\n%s", ics)
	}

	// Cy's own feed is behind a link only Cy makes; a new link revokes the
	// old, and a revoked link is a 404 like a wrong one.
	token, err := e.Accounts.CreateToken(t.Context(), l.Cy.ID, "calendar")
	if err != nil {
		t.Fatal(err)
	}
	other, err := e.Accounts.CreateToken(t.Context(), l.Dee.ID, "calendar")
	if err != nil {
		t.Fatal(err)
	}
	feed := "/api/v1/agents/" + l.Cy.ID + "/calendar.ics?token="
	apitest.WantProblem(t, e.Get(feed+"guess"), 404, meent.ENOTFOUND)
	apitest.WantProblem(t, e.Do("POST", "/api/v1/agents/"+l.Cy.ID+"/calendar-link", nil, "Authorization", "Bearer "+other), 403, meent.EFORBIDDEN)
	apitest.WantProblem(t, e.Do("POST", "/api/v1/agents/"+l.Cy.ID+"/calendar-link", nil), 401, meent.EUNAUTHORIZED)
	mk := func() api.CalendarLink {
		r := e.Do("POST", "/api/v1/agents/"+l.Cy.ID+"/calendar-link", nil, "Authorization", "Bearer "+token)
		apitest.WantStatus(t, r, 201)
		var cl api.CalendarLink
		r.JSON(t, &cl)
		return cl
	}
	first := mk()
	if !strings.HasSuffix(first.URL, feed+first.Token) {
		t.Errorf("link %q", first.URL)
	}
	r = e.Get(feed + first.Token)
	apitest.WantStatus(t, r, 200)
	if strings.Count(string(r.Body), "BEGIN:VEVENT") != 5 || !strings.Contains(string(r.Body), "SUMMARY:Drill #1\r\n") {
		t.Errorf("Cy's feed:\n%s", r.Body)
	}
	// Dee's link does not open Cy's feed.
	r = e.Do("POST", "/api/v1/agents/"+l.Dee.ID+"/calendar-link", nil, "Authorization", "Bearer "+other)
	var dees api.CalendarLink
	r.JSON(t, &dees)
	apitest.WantProblem(t, e.Get(feed+dees.Token), 404, meent.ENOTFOUND)
	second := mk()
	apitest.WantProblem(t, e.Get(feed+first.Token), 404, meent.ENOTFOUND)
	apitest.WantStatus(t, e.Get(feed+second.Token), 200)
	apitest.WantStatus(t, e.Do("DELETE", "/api/v1/agents/"+l.Cy.ID+"/calendar-link", nil, "Authorization", "Bearer "+token), 204)
	apitest.WantProblem(t, e.Get(feed+second.Token), 404, meent.ENOTFOUND)
	apitest.WantProblem(t, e.Do("DELETE", "/api/v1/agents/"+l.Cy.ID+"/calendar-link", nil, "Authorization", "Bearer "+token), 404, meent.ENOTFOUND)

	mine := apitest.GetJSONAs[api.BookingList](t, e, "/api/v1/agents/"+l.Cy.ID+"/bookings")
	if len(mine.Bookings) != 5 {
		t.Errorf("Cy's bookings: %d", len(mine.Bookings))
	}
}
