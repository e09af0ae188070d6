package commonsweb_test

import (
	"strings"
	"testing"

	"github.com/meent/meent/agent"
	"github.com/meent/meent/api/apitest"
	"github.com/meent/meent/api/commonsapi"
	"github.com/meent/meent/commons"
	"github.com/meent/meent/web"
	"github.com/meent/meent/web/commonsweb"
)

var register = apitest.Registers(commonsapi.Register, web.Register, commonsweb.Register)

// TestReviewForm: a maintainer asks for changes (refused without a reason,
// shown on the page), rejects one contribution with a reason and accepts
// another, each by the form and back on the contribution with the verdict
// said; the contributor, a member who maintains nothing and a visitor see
// no form; the pages speak English and Dutch.
func TestReviewForm(t *testing.T) {
	e := apitest.New(t, register)
	ada := e.CreateAgent("Ada")
	e.Act(ada, agent.TypeMemberSet, agent.MemberData{Agent: ada.ID, Role: agent.RoleAdmin})
	maya, cookie, csrf := e.SignUpAndLogin("maya", "correct horse battery staple")
	sam, samCookie, samCSRF := e.SignUpAndLogin("sam", "another horse battery staple")
	cy := e.CreateAgent("Cy")
	for _, m := range []string{maya, sam, cy.ID} {
		e.Act(ada, agent.TypeMemberSet, agent.MemberData{Agent: m, Role: agent.RoleMember})
	}
	lib := e.Act(ada, commons.TypeCreate, commons.CreateData{Name: "libmeent", Kind: "software", Maintainers: []string{ada.ID, maya}})
	fix := e.Act(cy, commons.TypeSubmit, commons.SubmitData{Commons: lib, Kind: "code", Title: "Fix rounding"})
	docs := e.Act(cy, commons.TypeSubmit, commons.SubmitData{Commons: lib, Kind: "documentation", Title: "Explain the tie-break"})
	post := func(path string, kv ...string) apitest.Response {
		t.Helper()
		return e.Do("POST", path, apitest.Form(append(kv, "csrf", csrf)...), "Content-Type", apitest.FormType, "Cookie", cookie)
	}
	get := func(path, lang, cookie string) string {
		t.Helper()
		h := []string{"Accept-Language", lang}
		if cookie != "" {
			h = append(h, "Cookie", cookie)
		}
		r := e.Get(path, h...)
		apitest.WantStatus(t, r, 200)
		return string(r.Body)
	}
	want := func(body string, texts ...string) {
		t.Helper()
		for _, s := range texts {
			if !strings.Contains(body, s) {
				t.Errorf("page lacks %q", s)
			}
		}
	}

	// The maintainer sees the form with every verdict the event takes.
	want(get("/contributions/"+fix, "en", cookie), `action="/contributions/`+fix+`/review"`, `value="accept"`, `value="changes"`, `value="reject"`, "Ask for changes", "Give verdict")
	want(get("/contributions/"+fix, "nl", cookie), "Je oordeel", "Om wijzigingen vragen", "Oordeel geven")

	// Asking for changes without a reason is refused in the form.
	r := post("/contributions/"+fix+"/review", "verdict", "changes", "reason", " ")
	apitest.WantStatus(t, r, 422)
	apitest.WantContains(t, r, `role="alert"`, "a reason is required", `value="changes" checked`)

	apitest.WantStatus(t, post("/contributions/"+fix+"/review", "verdict", "changes", "reason", "Please add a test for -1 cent."), 303)
	want(get("/contributions/"+fix+"?reviewed=changes", "en", cookie), "You asked for changes.", "changes requested", "Please add a test for -1 cent.")

	r = post("/contributions/"+docs+"/review", "verdict", "reject", "reason", "Already in the manual.")
	apitest.WantStatus(t, r, 303)
	if loc := r.Header.Get("Location"); loc != "/contributions/"+docs+"?reviewed=reject#review" {
		t.Errorf("redirected to %q", loc)
	}
	b := get("/contributions/"+docs+"?reviewed=reject", "nl", cookie)
	want(b, "Je hebt deze bijdrage afgewezen.", "afgewezen", "Already in the manual.")
	if strings.Contains(b, "/review\"") {
		t.Error("a rejected contribution still has the review form")
	}

	// A third one accepted: it is accepted (one approval needed).
	third := e.Act(cy, commons.TypeSubmit, commons.SubmitData{Commons: lib, Kind: "code", Title: "Faster tallies"})
	apitest.WantStatus(t, post("/contributions/"+third+"/review", "verdict", "accept"), 303)
	want(get("/contributions/"+third+"?reviewed=accept", "en", cookie), "You accepted this contribution.", "accepted")
	// A link cannot make the verdict up: Sam gave none.
	if b := get("/contributions/"+third+"?reviewed=accept", "en", samCookie); strings.Contains(b, "You accepted") {
		t.Error("?reviewed= is said to someone who gave no verdict")
	}

	// Where two accepts are needed, Maya's accept leaves the work
	// pending; she is not offered accept again, but may still reject.
	two := e.Act(ada, commons.TypeCreate, commons.CreateData{Name: "turbine", Kind: "hardware", Approvals: 2, Maintainers: []string{ada.ID, maya}})
	blade := e.Act(cy, commons.TypeSubmit, commons.SubmitData{Commons: two, Kind: "design", Title: "Blade"})
	apitest.WantStatus(t, post("/contributions/"+blade+"/review", "verdict", "accept"), 303)
	b = get("/contributions/"+blade+"?reviewed=accept", "en", cookie)
	want(b, "You accepted this contribution.", `value="reject"`, `value="changes" checked`)
	if strings.Contains(b, `value="accept"`) {
		t.Error("accept is offered again to one who accepted this revision")
	}

	// Nobody else gets the form: a member who maintains nothing, a
	// visitor, and Maya on her own work.
	pending := e.Act(cy, commons.TypeSubmit, commons.SubmitData{Commons: lib, Kind: "code", Title: "Still pending"})
	for _, lang := range []string{"en", "nl"} {
		for who, c := range map[string]string{"sam": samCookie, "visitor": ""} {
			if b := get("/contributions/"+pending, lang, c); strings.Contains(b, `/review"`) {
				t.Errorf("%s (%s) is shown the review form", who, lang)
			}
		}
	}
	r = post("/commons/"+lib+"/contributions", "title", "A patch of her own", "kind", "code")
	apitest.WantStatus(t, r, 303)
	if b := get(r.Header.Get("Location"), "en", cookie); strings.Contains(b, `/review"`) || !strings.Contains(b, "A patch of her own") {
		t.Error("Maya is shown the review form on her own contribution")
	}
	// Were Sam to post it anyway, the rules refuse, on the page.
	r = e.Do("POST", "/contributions/"+pending+"/review", apitest.Form("verdict", "accept", "csrf", samCSRF), "Content-Type", apitest.FormType, "Cookie", samCookie)
	apitest.WantStatus(t, r, 403)
	apitest.WantContains(t, r, `role="alert"`, "only a maintainer")
}
