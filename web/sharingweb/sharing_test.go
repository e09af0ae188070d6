package sharingweb_test

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/meent/meent/agent"
	"github.com/meent/meent/api/apitest"
	"github.com/meent/meent/api/sharingapi"
	"github.com/meent/meent/commons"
	"github.com/meent/meent/sharing"
	"github.com/meent/meent/web"
	"github.com/meent/meent/web/commonsweb"
	"github.com/meent/meent/web/sharingweb"
)

var register = apitest.Registers(sharingapi.Register, web.Register, commonsweb.Register, sharingweb.Register)

// library is a commons with a catalogue in Paris time: a drill anyone
// books for at most four hours, and a laser cutter, closed.
type library struct {
	e                 *apitest.Env
	lib, drill, laser string
	zoe, cookie, csrf string
	paris             *time.Location
}

func newLibrary(t *testing.T) *library {
	e := apitest.New(t, register)
	c := apitest.NewCommunity(t, e)
	l := &library{e: e}
	l.paris, _ = time.LoadLocation("Europe/Paris")
	l.lib = e.Act(c.Ada, commons.TypeCreate, commons.CreateData{Name: "Tool library", Kind: "hardware", Maintainers: []string{c.Ada.ID}})
	e.Act(c.Ada, sharing.TypeCatalogue, sharing.CatalogueData{Commons: l.lib, TimeZone: "Europe/Paris"})
	l.drill = e.Act(c.Ada, sharing.TypeResourceAdd, sharing.ResourceData{Commons: l.lib, Name: "Cordless drill", Kind: sharing.Tool,
		Rules: sharing.Rules{Who: sharing.Everyone, MaxMinutes: 240, BufferMinutes: 30}})
	l.laser = e.Act(c.Ada, sharing.TypeResourceAdd, sharing.ResourceData{Commons: l.lib, Name: "Laser cutter", Kind: sharing.Machine})
	e.Act(c.Ada, sharing.TypeResourceStatus, sharing.StatusData{Resource: l.laser, Status: sharing.Closed, Reason: "holidays"})
	l.zoe, l.cookie, l.csrf = e.SignUpAndLogin("zoe", "a long enough password")
	e.Act(c.Ada, agent.TypeMemberSet, agent.MemberData{Agent: l.zoe, Role: agent.RoleMember})
	return l
}

func (l *library) book(day time.Time, from, to string, lang string) apitest.Response {
	d := day.Format("2006-01-02")
	return l.e.Do("POST", "/resources/"+l.drill+"/book", apitest.Form("csrf", l.csrf, "start_date", d, "start_time", from, "end_date", d, "end_time", to, "note", "shelves"),
		"Content-Type", apitest.FormType, "Cookie", l.cookie+"; lang="+lang)
}

func TestCatalogue(t *testing.T) {
	l := newLibrary(t)
	for _, c := range []struct{ lang, title, available, closed string }{
		{"en", "What Tool library lends", "available", "closed"},
		{"nl", "Wat Tool library uitleent", "beschikbaar", "gesloten"},
	} {
		r := l.e.Get("/commons/"+l.lib+"/resources", "Cookie", "lang="+c.lang)
		apitest.WantStatus(t, r, 200)
		apitest.WantContains(t, r, `<html lang="`+c.lang+`">`, c.title, "Cordless drill", "Laser cutter", c.available, c.closed, "Europe/Paris")
		// The filter is a plain GET form.
		r = l.e.Get("/commons/"+l.lib+"/resources?kind=tool", "Cookie", "lang="+c.lang)
		apitest.WantContains(t, r, "Cordless drill", `<option value="tool" selected>`)
		if strings.Contains(string(r.Body), "Laser cutter") {
			t.Errorf("%s: ?kind=tool shows the laser cutter", c.lang)
		}
		// The commons page links to it.
		apitest.WantContains(t, l.e.Get("/commons/"+l.lib, "Cookie", "lang="+c.lang), `/commons/`+l.lib+`/resources"`, "Cordless drill")
	}
	apitest.WantStatus(t, l.e.Get("/commons/"+strings.Repeat("0", 64)+"/resources"), 404)
}

func TestBookAndCancel(t *testing.T) {
	l := newLibrary(t)
	day := time.Now().In(l.paris).AddDate(0, 0, 2)
	// A visitor sees the rules and the week, and is asked to log in.
	r := l.e.Get("/resources/" + l.drill)
	apitest.WantContains(t, r, "Anyone with an account books it.", "A booking lasts at most 4 h.", "Log in</a> to book it", "/api/v1/resources/"+l.drill+"/calendar.ics")
	apitest.WantContains(t, l.e.Get("/resources/"+l.drill, "Cookie", "lang=nl"), "Iedereen met een account kan het reserveren.", "hoogstens 4 u", "Vorige week")
	// Zoe books, and is sent to that week, where her name is.
	r = l.book(day, "10:00", "11:00", "en")
	apitest.WantStatus(t, r, 303)
	week := r.Header.Get("Location")
	if !strings.Contains(week, "?week="+day.Format("2006-01-02")) {
		t.Fatalf("redirect to %q", week)
	}
	r = l.e.Get(week, "Cookie", l.cookie)
	apitest.WantContains(t, r, "10:00–11:00", ">zoe<", "Cancel")
	// Overlapping it (the buffer included) is refused, in words.
	for lang, want := range map[string]string{"en": "Someone has booked it then already (with 30 min free", "nl": "Iemand heeft het dan al gereserveerd"} {
		r = l.book(day, "11:15", "12:00", lang)
		apitest.WantStatus(t, r, 409)
		apitest.WantContains(t, r, want, `role="alert"`, `value="11:15"`)
	}
	for lang, want := range map[string]string{"en": "too long: at most 4 h", "nl": "te lang: hoogstens 4 u"} {
		apitest.WantContains(t, l.book(day, "12:00", "17:00", lang), want)
	}
	apitest.WantContains(t, l.book(day, "12:00", "11:00", "en"), "The return must come after the pick-up.")
	// The closed laser shows no form, but why.
	apitest.WantContains(t, l.e.Get("/resources/"+l.laser, "Cookie", l.cookie), "It is closed for now. holidays")
	// My bookings: the booking with its button; cancelling marks it.
	r = l.e.Get("/bookings", "Cookie", l.cookie)
	apitest.WantContains(t, r, "My bookings", "Cordless drill", "Cancel", "Make my calendar link")
	m := regexp.MustCompile(`action="/bookings/([0-9a-f]{64})/cancel"`).FindStringSubmatch(string(r.Body))
	if m == nil {
		t.Fatal("no cancel button")
	}
	id := m[1]
	r = l.e.Do("POST", "/bookings/"+id+"/cancel", apitest.Form("csrf", l.csrf, "back", "mine"), "Content-Type", apitest.FormType, "Cookie", l.cookie)
	apitest.WantStatus(t, r, 303)
	if r.Header.Get("Location") != "/bookings" {
		t.Errorf("back to %q", r.Header.Get("Location"))
	}
	apitest.WantContains(t, l.e.Get(week, "Cookie", "lang=nl"), "<s>10:00–11:00</s>", "geschrapt")
	// Without the CSRF token nothing is booked.
	apitest.WantStatus(t, l.e.Do("POST", "/resources/"+l.drill+"/book", apitest.Form("start_date", "2030-01-01"), "Content-Type", apitest.FormType, "Cookie", l.cookie), 403)
	// The secret calendar link is shown once.
	r = l.e.Do("POST", "/bookings/calendar-link", apitest.Form("csrf", l.csrf), "Content-Type", apitest.FormType, "Cookie", l.cookie)
	apitest.WantStatus(t, r, 200)
	apitest.WantContains(t, r, "/api/v1/agents/"+l.zoe+"/calendar.ics?token=")
	// A visitor's "my bookings" is the login.
	apitest.WantStatus(t, l.e.Get("/bookings"), 303)
	// The desk is for stewards.
	apitest.WantStatus(t, l.e.Get("/commons/"+l.lib+"/desk", "Cookie", l.cookie), 403)
}
