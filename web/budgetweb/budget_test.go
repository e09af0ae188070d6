package budgetweb_test

import (
	"strings"
	"testing"
	"time"

	"github.com/meent/meent/agent"
	"github.com/meent/meent/api/apitest"
	"github.com/meent/meent/api/budgetapi"
	"github.com/meent/meent/budget"
	"github.com/meent/meent/budget/allot"
	"github.com/meent/meent/commons"
	"github.com/meent/meent/web"
	"github.com/meent/meent/web/budgetweb"
	"github.com/meent/meent/web/commonsweb"
)

var register = apitest.Registers(budgetapi.Register, web.Register, commonsweb.Register, budgetweb.Register)

func eur(n int64) commons.Money { return commons.Money{Amount: n, Currency: "EUR"} }

// TestBudgetPages: a member of an open round proposes a bucket by the
// form, gives to it from their allowance after the confirmation step and
// takes the gift back; a closed round shows what it funded, returned and
// cancelled, where the leftover went and what was spent; a visitor sees
// no form; the pages speak English and Dutch.
func TestBudgetPages(t *testing.T) {
	e := apitest.New(t, register)
	c := apitest.NewCommunity(t, e)
	fay, cookie, csrf := e.SignUpAndLogin("fay", "correct horse battery staple")
	e.Act(c.Ada, agent.TypeMemberSet, agent.MemberData{Agent: fay, Role: agent.RoleMember})
	now := time.Now()
	ago := func(m int) time.Time { return now.Add(-time.Duration(m) * time.Minute) }
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
	post := func(path, lang string, kv ...string) apitest.Response {
		t.Helper()
		return e.Do("POST", path, apitest.Form(append(kv, "csrf", csrf)...), "Content-Type", apitest.FormType, "Cookie", cookie, "Accept-Language", lang)
	}

	// A closed round: one bucket funded, one not, one cancelled.
	old := e.Post(c.Ada.SignAt(t, budget.TypeRoundOpen, budget.RoundData{Commons: c.Turbine, Title: "Winter", Currency: "EUR",
		Opens: ago(170).UnixMilli(), Closes: ago(60).UnixMilli(), Method: budget.MethodAllowanceEqual, Leftover: allot.LeftoverRefund}, ago(180)))
	e.Post(c.Eve.SignAt(t, budget.TypeFund, budget.FundData{Round: old, Amount: eur(100_000), Source: budget.SourceGrant}, ago(175)))
	blades := e.Post(c.Cy.SignAt(t, budget.TypeBucketPropose, budget.BucketData{Round: old, Title: "Blades", Min: eur(20_000), Max: eur(30_000)}, ago(160)))
	tower := e.Post(c.Dee.SignAt(t, budget.TypeBucketPropose, budget.BucketData{Round: old, Title: "Tower", Min: eur(50_000), Max: eur(60_000)}, ago(159)))
	paint := e.Post(c.Dee.SignAt(t, budget.TypeBucketPropose, budget.BucketData{Round: old, Title: "Paint", Min: eur(1_000), Max: eur(2_000)}, ago(158)))
	e.Post(c.Ada.SignAt(t, budget.TypeAllocate, budget.AllocateData{Bucket: blades, Amount: eur(12_000)}, ago(150)))
	e.Post(c.Bob.SignAt(t, budget.TypeAllocate, budget.AllocateData{Bucket: blades, Amount: eur(10_000)}, ago(149)))
	e.Post(c.Cy.SignAt(t, budget.TypeAllocate, budget.AllocateData{Bucket: tower, Amount: eur(5_000)}, ago(148)))
	e.Post(c.Dee.SignAt(t, budget.TypeAllocate, budget.AllocateData{Bucket: paint, Amount: eur(1_500)}, ago(147)))
	e.Post(c.Dee.SignAt(t, budget.TypeBucketCancel, budget.CancelData{Bucket: paint, Reason: "we had paint left"}, ago(140)))
	e.Act(c.Ada, budget.TypeRoundClose, budget.CloseData{Round: old})
	e.Act(c.Cy, budget.TypeSpend, budget.SpendData{Bucket: blades, Amount: eur(15_000), Reference: "invoice 7"})

	// An open round that takes allocations now.
	round := e.Post(c.Ada.SignAt(t, budget.TypeRoundOpen, budget.RoundData{Commons: c.Turbine, Title: "Spring", Currency: "EUR",
		Opens: ago(5).UnixMilli(), Closes: now.Add(time.Hour).UnixMilli(), Method: budget.MethodAllowanceEqual, Leftover: allot.LeftoverRollover}, ago(10)))
	e.Post(c.Eve.SignAt(t, budget.TypeFund, budget.FundData{Round: round, Amount: eur(50_000), Source: budget.SourceGrant}, ago(8)))

	// The commons page lists both rounds.
	apitest.WantContains(t, get("/commons/"+c.Turbine, "en"), "Budget rounds", "/budget/rounds/"+round, "/budget/rounds/"+old)
	apitest.WantContains(t, get("/commons/"+c.Turbine, "nl"), "Budgetrondes", "Winter")

	// The open round: the pool, the allowance (50,000 among five members), the form.
	apitest.WantContains(t, get("/budget/rounds/"+round, "en"), "The pool: 500.00 EUR", "grant", "Propose a bucket",
		"You have <strong>100.00 EUR</strong> of your 100.00 EUR left to give.", "No buckets yet.")
	apitest.WantContains(t, get("/budget/rounds/"+round, "nl"), "De pot: € 500,00", "Doe een voorstel", "subsidie")
	r := post("/budget/rounds/"+round+"/buckets", "nl", "title", "Wieken", "min", "twee", "max", "50,00")
	apitest.WantStatus(t, r, 400)
	apitest.WantContains(t, r, `role="alert"`, "Schrijf het bedrag als getal", `value="Wieken"`)
	r = post("/budget/rounds/"+round+"/buckets", "nl", "title", "Wieken", "description", "Nieuwe wieken.", "min", "20,00", "max", "50,00")
	apitest.WantStatus(t, r, 303)
	bucket := strings.TrimPrefix(r.Header.Get("Location"), "/budget/buckets/")
	apitest.WantContains(t, get("/budget/buckets/"+bucket, "en"), "Wieken", "at least 20.00 EUR, at most 50.00 EUR", "Give to this bucket",
		"Nobody has given to this bucket.", ">fay<")
	apitest.WantContains(t, get("/budget/rounds/"+round, "en"), "<svg", `id="buckets-table"`, "/budget/buckets/"+bucket)

	// Allocate: the confirmation step, then the signature.
	r = get("/budget/buckets/"+bucket+"/allocate?amount=30.00", "en")
	apitest.WantContains(t, r, "Confirm your allocation", "You give <strong>30.00 EUR</strong> of your allowance to <strong>Wieken</strong>.",
		`name="minor" value="3000"`, "<strong>70.00 EUR</strong> after this")
	apitest.WantContains(t, get("/budget/buckets/"+bucket+"/allocate?amount=30,00", "nl"), "Bevestig je toewijzing", "€ 30,00")
	r = get("/budget/buckets/"+bucket+"/allocate?amount=101.00", "en")
	apitest.WantContains(t, r, `role="alert"`, "Your allowance has only 100.00 EUR left.")
	if strings.Contains(string(r.Body), `name="minor"`) {
		t.Error("a refused allocation still offers the button")
	}
	apitest.WantStatus(t, post("/budget/buckets/"+bucket+"/allocate", "en", "minor", "3000"), 303)
	r = get("/budget/buckets/"+bucket, "en")
	apitest.WantContains(t, r, "30.00 EUR", "standing", "Take it back", "You have <strong>70.00 EUR</strong>")
	alloc := between(string(r.Body), "/budget/allocations/", "/withdraw")
	apitest.WantContains(t, get("/budget/allocations/"+alloc+"/withdraw", "nl"), "Bevestig het terugnemen", "Je neemt <strong>€ 30,00</strong> terug van <strong>Wieken</strong>.")
	apitest.WantStatus(t, post("/budget/allocations/"+alloc+"/withdraw", "en"), 303)
	apitest.WantContains(t, get("/budget/buckets/"+bucket, "nl"), "teruggenomen", "Je hebt nog <strong>€ 100,00</strong>")

	// The closed round: funded, returned, cancelled; the leftover back to the funder.
	r = get("/budget/rounds/"+old, "en")
	apitest.WantContains(t, r, "closed", "funded", "not funded", "cancelled", "Budget against actual spending",
		"The leftover went back to", ">Eve<", "150.00 EUR", "(68% of what was funded)")
	if strings.Contains(string(r.Body), "Propose a bucket") {
		t.Error("a closed round offers the proposal form")
	}
	apitest.WantContains(t, get("/budget/rounds/"+old, "nl"), "gesloten", "gefinancierd", "niet gefinancierd", "geschrapt", "Begroot tegenover uitgegeven")
	apitest.WantContains(t, get("/budget/buckets/"+paint, "en"), "cancelled by", "we had paint left", "refunded")
	apitest.WantContains(t, get("/budget/buckets/"+blades, "nl"), "gefinancierd", "invoice 7", "€ 150,00", "Uit te betalen")
	apitest.WantContains(t, get("/budget/buckets/"+tower, "nl"), "niet gefinancierd", "teruggegeven")
	apitest.WantContains(t, get("/agents/"+c.Cy.ID, "nl"), "Wat deze deelnemer gaf in budgetrondes", "/budget/buckets/"+tower, "Winter", "€ 50,00")

	// A visitor sees the pages, no forms.
	cookie = ""
	for _, lang := range []string{"en", "nl"} {
		for _, p := range []string{"/budget/rounds/" + round, "/budget/buckets/" + bucket} {
			b := string(get(p, lang).Body)
			if strings.Contains(b, "<form") {
				t.Errorf("%s %s: a visitor is shown a form", lang, p)
			}
		}
	}
	if r := e.Get("/budget/rounds/nope"); r.Status != 404 {
		t.Errorf("an unknown round: %d", r.Status)
	}
	if r := e.Get("/budget/buckets/nope"); r.Status != 404 {
		t.Errorf("an unknown bucket: %d", r.Status)
	}
}

// between is the text of s after the first before and up to the next after.
func between(s, before, after string) string {
	_, s, _ = strings.Cut(s, before)
	s, _, _ = strings.Cut(s, after)
	return s
}
