package web_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/meent/meent/api/apitest"
	"github.com/meent/meent/commons"
	"github.com/meent/meent/value"
	"github.com/meent/meent/web/i18n"
	"github.com/meent/meent/wire"
)

// TestPagesInDutch renders every kind of page for a browser that prefers
// Dutch, and checks the language, a Dutch sentence, the formats (money,
// dates without milliseconds in the node's zone) and that no key shows
// where its text should be.
func TestPagesInDutch(t *testing.T) {
	t.Parallel()
	e := apitest.New(t, wire.Register) // every area, for every kind of page
	c := apitest.NewCommunity(t, e)
	work := e.Act(c.Cy, commons.TypeSubmit, commons.SubmitData{Commons: c.Turbine, Kind: "design", Title: "Wiekontwerp", Quantities: commons.Quantities{Minutes: 150}})
	e.Act(c.Ada, commons.TypeReview, commons.ReviewData{Contribution: work, Verdict: commons.VerdictAccept})
	e.Act(c.Bob, commons.TypeReview, commons.ReviewData{Contribution: work, Verdict: commons.VerdictAccept})
	need := e.Act(c.Bob, commons.TypeNeedPost, commons.NeedData{Commons: c.Turbine, Title: "De handleiding vertalen", Bounty: &commons.Money{Amount: 123456, Currency: "EUR"}})
	e.Act(c.Dee, commons.TypeNeedSignal, commons.SignalData{Need: need, Kind: commons.SignalPledge, Pledge: &commons.Money{Amount: 5000, Currency: "EUR"}})
	e.Act(c.Cy, commons.TypeNeedSignal, commons.SignalData{Need: need, Kind: commons.SignalPledge, Pledge: &commons.Money{Amount: 1500, Currency: "EUR"}})
	income := e.Act(c.Ada, value.TypeIncomeRecord, value.IncomeData{Commons: c.Turbine, Kind: "grant", Amount: commons.Money{Amount: 2400000, Currency: "EUR"}, Payer: c.Eve.ID})
	asOf := time.Now().Add(-time.Second).UnixMilli()
	preview, err := e.Client.PreviewDistribution(t.Context(), income, asOf)
	if err != nil {
		t.Fatal(err)
	}
	dist := e.Post(c.Ada.SignAt(t, value.TypeDistributionRun, value.RunData{Income: income, Digest: preview.Digest}, time.UnixMilli(asOf)))

	nl := []string{"Accept-Language", "nl-NL,nl;q=0.9,en;q=0.5"}
	dutchTime := regexp.MustCompile(`\d{1,2} (januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december) \d{4} om \d\d:\d\d (CET|CEST)`)
	for path, want := range map[string][]string{
		"/":                                     {"Het logboek", "Laatste gebeurtenissen", "Wat er gebeurde"},
		"/commons":                              {"Wat deze gemeenschap samen maakt en deelt", "hardware"},
		"/commons/" + c.Turbine:                 {"Wat nodig is", "beloning € 1.234,56", "€ 65,00", "een bijdrage is geaccepteerd na 2 goedkeuringen", "Inkomsten", "€ 24.000,00", "Log in</a> om bij te dragen"},
		"/needs/" + need:                        {"Toezeggingen voor deze behoefte", "€ 1.234,56", `role="img"`, "Wie zegde toe"},
		"/contributions/" + work:                {"heeft haar geaccepteerd", "2 u 30 min", "ontwerp", "geaccepteerd"},
		"/incomes/" + income:                    {"Inkomsten van € 24.000,00", "Betaald door", "subsidie"},
		"/distributions/" + dist:                {"Verdeling van € 24.000,00", "Wie krijgt wat", `aria-labelledby="shares-title shares-desc" aria-describedby="who-gets-what"`, "Wie wat krijgt van € 24.000,00", "punten"},
		"/commons/" + c.Turbine + "/policy":     {"Waardebeleid van", "standaardbeleid (versie 0)"},
		"/commons/" + c.Turbine + "/payouts":    {"Uitbetalingen van", "Te betalen"},
		"/commons/" + c.Turbine + "/identities": {"Identiteiten in", "Er zijn geen commits"},
		"/commons/" + c.Turbine + "/license":    {"Heeft iemand een licentie?", "geen licentiebeleid"},
		"/agents":                               {"Deelnemers", "Toon alleen leden", "persoon"},
		"/agents/" + c.Cy.ID:                    {"Sleutels", "Tegoed bij commons", "aanmaakgebeurtenis"},
		"/events/" + work:                       {"Bewijs van opname", "Handtekening"},
		"/login":                                {"Inloggen", "Gebruikersnaam", "Nog geen account?"},
		"/signup":                               {"Aanmelden", "Minstens 10 tekens.", "coöperatie"},
	} {
		r := e.Get(path, nl...)
		if d := os.Getenv("DUMP_PAGES"); d != "" { // DUMP_PAGES=DIR keeps the pages, for a person to read the Dutch
			os.WriteFile(filepath.Join(d, strings.NewReplacer("/", "_").Replace(path)[:min(30, len(path))]+".html"), r.Body, 0o644)
		}
		apitest.WantStatus(t, r, 200)
		apitest.WantContains(t, r, append(want, `<html lang="nl">`)...)
		body := string(r.Body)
		if r.Header.Get("Content-Language") != "nl" {
			t.Errorf("%s: Content-Language %q", path, r.Header.Get("Content-Language"))
		}
		for _, k := range i18n.Keys() {
			if strings.Contains(body, k) && strings.Count(k, ".") > 1 {
				t.Errorf("%s shows the key %q, not its text", path, k)
			}
		}
		if strings.Contains(body, ".000 UTC") || regexp.MustCompile(`\d\d:\d\d:\d\d\.\d{3}<`).MatchString(body) {
			t.Errorf("%s shows milliseconds", path)
		}
		if strings.Contains(body, "<time") && !dutchTime.MatchString(body) {
			t.Errorf("%s has no Dutch date and time", path)
		}
		if strings.Contains(body, "ZgotmplZ") {
			t.Errorf("%s: a value html/template refused", path)
		}
	}
	// The same chart in English.
	apitest.WantContains(t, e.Get("/distributions/"+dist), `<html lang="en">`, "Who gets what of 24000.00 EUR", `role="img"`, "24000.00 EUR")
	r := e.Get("/no/such/page", nl...)
	apitest.WantStatus(t, r, 404)
	apitest.WantContains(t, r, "404 Niet gevonden", "Terug naar het logboek")
}
