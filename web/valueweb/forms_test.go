package valueweb_test

import (
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/meent/meent/agent"
	"github.com/meent/meent/api/apitest"
	"github.com/meent/meent/api/commonsapi"
	"github.com/meent/meent/api/valueapi"
	"github.com/meent/meent/commons"
	"github.com/meent/meent/value"
	"github.com/meent/meent/web"
	"github.com/meent/meent/web/commonsweb"
	"github.com/meent/meent/web/valueweb"
)

var register = apitest.Registers(commonsapi.Register, valueapi.Register, web.Register, commonsweb.Register, valueweb.Register)

// TestIncomeAndDistributionForms: a maintainer types an income in Dutch,
// checks it, records it, previews its distribution (the same shares as
// the API's preview) and runs it, landing on the distribution; a typo and
// a stale preview are refused on the page; a member who maintains
// nothing and a visitor see no form, and a post of theirs is refused.
func TestIncomeAndDistributionForms(t *testing.T) {
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
	k := e.Act(cy, commons.TypeSubmit, commons.SubmitData{Commons: lib, Kind: "code", Title: "Fix rounding", Quantities: commons.Quantities{LinesAdded: 40}})
	e.Act(ada, commons.TypeReview, commons.ReviewData{Contribution: k, Verdict: commons.VerdictAccept})

	get := func(path, lang, cookie string, status int) string {
		t.Helper()
		h := []string{"Accept-Language", lang}
		if cookie != "" {
			h = append(h, "Cookie", cookie)
		}
		r := e.Get(path, h...)
		apitest.WantStatus(t, r, status)
		return string(r.Body)
	}
	post := func(path, cookie, lang string, kv ...string) apitest.Response {
		t.Helper()
		return e.Do("POST", path, apitest.Form(kv...), "Content-Type", apitest.FormType, "Cookie", cookie, "Accept-Language", lang)
	}
	want := func(body string, texts ...string) {
		t.Helper()
		for _, s := range texts {
			if !strings.Contains(body, s) {
				t.Errorf("page lacks %q", s)
			}
		}
	}
	hasNot := func(body, what, s string) {
		t.Helper()
		if strings.Contains(body, s) {
			t.Errorf("%s: page has %q", what, s)
		}
	}

	// The form on the commons page, for a maintainer only.
	want(get("/commons/"+lib, "en", cookie, 200), "Record an income", `action="/commons/`+lib+`/incomes/confirm"`, "license fee")
	want(get("/commons/"+lib, "nl", cookie, 200), "Inkomsten vastleggen", "licentievergoeding", "Controleren")
	for _, c := range []string{samCookie, ""} {
		hasNot(get("/commons/"+lib, "en", c, 200), "not a maintainer", "/incomes/confirm")
	}

	// A Dutch amount read the English way is no amount: the form again.
	confirm := "/commons/" + lib + "/incomes/confirm?" + url.Values{"amount": {"12.34"}, "currency": {"EUR"}, "kind": {"donation"}, "reference": {"Gift 7"}}.Encode()
	b := get(confirm, "nl", cookie, 422)
	want(b, `role="alert"`, "Typ een positief bedrag, zoals 1.234,56.", `value="12.34"`)
	hasNot(b, "bad amount", `action="/commons/`+lib+`/incomes"`)

	// In Dutch, € 1.234,56: checked, then recorded.
	confirm = "/commons/" + lib + "/incomes/confirm?" + url.Values{"amount": {"1.234,56"}, "currency": {"EUR"}, "kind": {"donation"}, "reference": {"Gift 7"}}.Encode()
	b = get(confirm, "nl", cookie, 200)
	want(b, "Klopt dit?", "€ 1.234,56", "donatie", "Gift 7", `name="minor" value="123456"`, "Deze inkomsten vastleggen")
	// The same amount typed in English; the Dutch way is refused there.
	en := strings.Replace(confirm, "1.234%2C56", "1%2C234.56", 1)
	want(get(en, "en", cookie, 200), "Is this right?", "Record this income", `name="minor" value="123456"`, `value="1,234.56"`)
	get(confirm, "en", cookie, 422)
	// Sam may look but gets no button, and a post of his is refused.
	b = get(en, "en", samCookie, 200)
	want(b, "Only a maintainer of this commons records its income.")
	hasNot(b, "sam", `action="/commons/`+lib+`/incomes"`)
	r := post("/commons/"+lib+"/incomes", samCookie, "en", "csrf", samCSRF, "minor", "123456", "currency", "EUR", "kind", "donation")
	apitest.WantStatus(t, r, 403)
	apitest.WantContains(t, r, `role="alert"`, "only a maintainer")

	r = post("/commons/"+lib+"/incomes", cookie, "nl", "csrf", csrf, "minor", "123456", "currency", "EUR", "kind", "donation", "reference", "Gift 7")
	apitest.WantStatus(t, r, 303)
	loc := r.Header.Get("Location")
	income, ok := strings.CutSuffix(strings.TrimPrefix(loc, "/incomes/"), "?recorded=1")
	if !ok {
		t.Fatalf("redirected to %q", loc)
	}
	want(get(loc, "nl", cookie, 200), "De inkomsten zijn vastgelegd.", "€ 1.234,56", "Verdeling bekijken en deze inkomsten verdelen")
	b = get(loc, "en", samCookie, 200)
	want(b, "Each recipient&#39;s share in the distribution")
	hasNot(b, "sam on ?recorded=1", "The income is recorded.")

	// The preview: each share, as the API previews it.
	api := apitest.GetJSONAs[value.Result](t, e, "/api/v1/incomes/"+income+"/preview")
	b = get("/incomes/"+income+"/distribute", "en", cookie, 200)
	want(b, "Distribute 1234.56 EUR", "Who would get what", "Cy", "Distribute now", `name="digest"`, "100%")
	for _, a := range api.Allocations {
		want(b, commons.Money{Amount: a.Amount, Currency: "EUR"}.Decimal()+" EUR")
	}
	want(get("/incomes/"+income+"/distribute", "nl", cookie, 200), "€ 1.234,56 verdelen", "Wie wat zou krijgen", "Aandeel", "Nu verdelen")
	hasNot(get("/incomes/"+income+"/distribute", "en", samCookie, 200), "sam", "Distribute now")
	hasNot(get("/incomes/"+income+"/distribute", "nl", "", 200), "visitor", "Nu verdelen")

	// A stale preview, and one whose inputs changed, are refused.
	r = post("/incomes/"+income+"/distribute", cookie, "en", "csrf", csrf, "as_of", "1000", "digest", api.Digest)
	apitest.WantStatus(t, r, 422)
	apitest.WantContains(t, r, "This preview is too old to run", "Distribute now")
	r = post("/incomes/"+income+"/distribute", cookie, "en", "csrf", csrf, "as_of", itoa(api.AsOf), "digest", strings.Repeat("0", 64))
	apitest.WantStatus(t, r, 422)
	apitest.WantContains(t, r, `role="alert"`, "the log changed since you computed it")
	r = post("/incomes/"+income+"/distribute", samCookie, "en", "csrf", samCSRF, "as_of", itoa(api.AsOf), "digest", api.Digest)
	apitest.WantStatus(t, r, 403)

	// Run: on the distribution, with the shares previewed.
	r = post("/incomes/"+income+"/distribute", cookie, "en", "csrf", csrf, "as_of", itoa(api.AsOf), "digest", api.Digest)
	apitest.WantStatus(t, r, 303)
	dist := strings.TrimPrefix(r.Header.Get("Location"), "/distributions/")
	d := apitest.GetJSONAs[value.Distribution](t, e, "/api/v1/distributions/"+dist)
	if d.Result.Digest != api.Digest || len(d.Result.Allocations) != len(api.Allocations) {
		t.Errorf("ran %+v, previewed %+v", d.Result, api)
	}
	for i, a := range d.Result.Allocations {
		if a != api.Allocations[i] {
			t.Errorf("allocation %d: ran %+v, previewed %+v", i, a, api.Allocations[i])
		}
	}
	want(get("/distributions/"+dist, "nl", cookie, 200), "€ 1.234,56")
	// The preview of a distributed income goes to its distribution.
	r = e.Get("/incomes/"+income+"/distribute", "Cookie", cookie)
	apitest.WantStatus(t, r, 303)
	if r.Header.Get("Location") != "/distributions/"+dist {
		t.Errorf("preview of a distributed income: %q", r.Header.Get("Location"))
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
