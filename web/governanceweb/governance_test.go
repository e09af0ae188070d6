package governanceweb_test

import (
	"strings"
	"testing"
	"time"

	"github.com/meent/meent/agent"
	"github.com/meent/meent/api/apitest"
	"github.com/meent/meent/api/governanceapi"
	"github.com/meent/meent/governance"
	"github.com/meent/meent/governance/tally"
	"github.com/meent/meent/web"
	"github.com/meent/meent/web/governanceweb"
)

var register = apitest.Registers(governanceapi.Register, web.Register, governanceweb.Register)

// TestPollPages: a member opens a poll by the form, votes, changes the
// vote, and closes it once its time is up; a visitor sees no form; the
// pages speak English and Dutch.
func TestPollPages(t *testing.T) {
	e := apitest.New(t, register)
	ada := e.CreateAgent("Ada")
	e.Act(ada, agent.TypeMemberSet, agent.MemberData{Agent: ada.ID, Role: agent.RoleAdmin})
	bob, cookie, csrf := e.SignUpAndLogin("bob", "correct horse battery staple")
	e.Act(ada, agent.TypeMemberSet, agent.MemberData{Agent: bob, Role: agent.RoleMember})
	post := func(path string, kv ...string) apitest.Response {
		t.Helper()
		return e.Do("POST", path, apitest.Form(append(kv, "csrf", csrf)...), "Content-Type", apitest.FormType, "Cookie", cookie)
	}
	get := func(path, lang string) apitest.Response {
		t.Helper()
		h := []string{"Accept-Language", lang}
		if cookie != "" {
			h = append(h, "Cookie", cookie)
		}
		r := e.Get(path, h...)
		apitest.WantStatus(t, r, 200)
		return r
	}

	// The node's polls: the form for a member.
	apitest.WantContains(t, get("/polls", "en"), "Open a poll", `action="/polls"`)
	apitest.WantContains(t, get("/polls", "nl"), "Open een peiling", "Nog geen peilingen.")

	r := post("/polls", "question", "Lunch on Fridays?", "method", "ranked", "options", "pizza\nsoup\nsalad", "electorate", "members", "days", "3")
	apitest.WantStatus(t, r, 303)
	poll := strings.TrimPrefix(r.Header.Get("Location"), "/polls/")
	apitest.WantContains(t, get("/polls/"+poll, "en"), "Lunch on Fridays?", "ranked choice", `name="rank1"`, `name="rank3"`, "No votes yet.")
	apitest.WantContains(t, get("/polls/"+poll, "nl"), "voorkeursstemming", "Je rangorde", "Nog geen stemmen.")

	apitest.WantStatus(t, post("/polls/"+poll+"/vote", "rank1", "soup", "rank2", "pizza"), 303)
	apitest.WantContains(t, get("/polls/"+poll, "en"), "Your vote now: <strong>1. soup, 2. pizza</strong>", "Change your vote", `<option value="soup" selected>`)
	apitest.WantStatus(t, post("/polls/"+poll+"/vote", "rank1", "salad"), 303)
	apitest.WantContains(t, get("/polls/"+poll, "nl"), "Je stem nu: <strong>1. salad</strong>", "Wijzig je stem")
	// A ballot that ranks an option twice is refused on the page.
	r = post("/polls/"+poll+"/vote", "rank1", "soup", "rank2", "soup")
	apitest.WantStatus(t, r, 422)
	apitest.WantContains(t, r, `role="alert"`, "ranked twice")

	// A majority poll that closes in a moment: the close button, then the count.
	quick := e.Act(ada, governance.TypeOpen, governance.OpenData{Question: "Meet at noon?", Rule: tally.Rule{Method: tally.Majority},
		Electorate: governance.Electorate{Kind: governance.Members}, ClosesAt: time.Now().Add(1500 * time.Millisecond).UnixMilli()})
	e.Act(ada, governance.TypeVote, governance.VoteData{Poll: quick, Ballot: tally.Ballot{Choice: tally.ChoiceYes}})
	apitest.WantStatus(t, post("/polls/"+quick+"/vote", "choice", "no"), 303)
	if b := get("/polls/"+quick, "en").Body; strings.Contains(string(b), "/close") {
		t.Error("the close button shows before the closing time")
	}
	time.Sleep(1600 * time.Millisecond)
	r = get("/polls/"+quick, "en")
	apitest.WantContains(t, r, "Close and count")
	if strings.Contains(string(r.Body), "/vote") {
		t.Error("the vote form shows after the closing time")
	}
	apitest.WantStatus(t, post("/polls/"+quick+"/close"), 303)
	apitest.WantContains(t, get("/polls/"+quick, "en"), "2 of 2 ballots counted.", "It did not pass.", "<svg", `id="count-table"`, "The counted ballots")
	apitest.WantContains(t, get("/polls/"+quick, "nl"), "2 van de 2 stemmen geteld.", "Niet aangenomen.", "ja", "nee")

	// A visitor sees the poll, no forms.
	cookie = ""
	for _, lang := range []string{"en", "nl"} {
		b := string(get("/polls/"+poll, lang).Body)
		if strings.Contains(b, "/vote") || strings.Contains(b, `action="/polls"`) {
			t.Errorf("%s: a visitor is shown a form", lang)
		}
	}
	apitest.WantContains(t, get("/polls", "en"), "Lunch on Fridays?", "Meet at noon?", "Log in")
	apitest.WantContains(t, get("/agents/"+bob, "nl"), "Peilingen waarin deze deelnemer mag stemmen", "/polls/"+poll)
	if r := e.Get("/polls/nope"); r.Status != 404 {
		t.Errorf("an unknown poll: %d", r.Status)
	}
}
