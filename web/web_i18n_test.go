package web

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/meent/meent/agent"
	"github.com/meent/meent/api/apitest"
	"github.com/meent/meent/commons"
	"github.com/meent/meent/value"
	"github.com/meent/meent/web/i18n"
)

// literalOK is the text the templates may hold outside {{ }}: names,
// symbols and the words that are the same in every language.
var literalOK = []string{"meent", "API", "JSON", "ID", "+1", "SHA-256", "https://", "VERIFIER_KEY", "meent license verify", "--key"}

var (
	action   = regexp.MustCompile(`(?s){{.*?}}`)
	keyUse   = regexp.MustCompile(`\b(t|tn) "([a-z0-9_.-]+)"`)
	dynamic  = regexp.MustCompile(`\bt \(printf "([a-z0-9_.-]+)%`)
	goKey    = regexp.MustCompile(`"([a-z_]+\.[a-z0-9_.-]+)"`)
	tagName  = regexp.MustCompile(`^</?([a-zA-Z0-9]+)`)
	attrText = regexp.MustCompile(`\b(title|aria-label|placeholder|alt)="([^"]*)"`)
)

func templates(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		b, err := templateFS.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		out[n] = string(b)
	}
	// The areas' pages (web/<area>web/*.html) are held to the same rules.
	areas, err := filepath.Glob("*web/*.html")
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range areas {
		b, err := os.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		out[n] = string(b)
	}
	return out
}

// TestTemplatesTranslated: no template holds words of its own outside
// {{ }}, in text or in the attributes people read (title, aria-label,
// placeholder, alt), except literalOK; text in <code> and <pre> is for
// machines and stays as it is.
func TestTemplatesTranslated(t *testing.T) {
	for name, src := range templates(t) {
		s := action.ReplaceAllString(src, "\x00")
		inCode := 0
		for len(s) > 0 {
			lt := strings.IndexByte(s, '<')
			text := s
			if lt >= 0 {
				text = s[:lt]
			}
			if inCode == 0 {
				checkLiteral(t, name, text)
			}
			if lt < 0 {
				break
			}
			gt := strings.IndexByte(s[lt:], '>')
			if gt < 0 {
				t.Errorf("%s: unclosed tag", name)
				break
			}
			tag := s[lt : lt+gt+1]
			for _, m := range attrText.FindAllStringSubmatch(tag, -1) {
				checkLiteral(t, name, m[2])
			}
			if m := tagName.FindStringSubmatch(tag); m != nil && (m[1] == "code" || m[1] == "pre") {
				if strings.HasPrefix(tag, "</") {
					inCode--
				} else {
					inCode++
				}
			}
			s = s[lt+gt+1:]
		}
	}
}

func checkLiteral(t *testing.T, file, text string) {
	t.Helper()
	for _, ok := range literalOK {
		text = strings.ReplaceAll(text, ok, "")
	}
	if strings.ContainsFunc(text, unicode.IsLetter) {
		t.Errorf("%s: text not from the catalogue: %q", file, strings.TrimSpace(strings.ReplaceAll(text, "\x00", "{{…}}")))
	}
}

// TestCatalogueMatchesTemplates: every key a template names is in the
// catalogue (both plural forms for tn), and every key of the catalogue is
// used by a template or by Go code, so no string rots unused.
func TestCatalogueMatchesTemplates(t *testing.T) {
	used := map[string]bool{}
	var prefixes []string
	for name, src := range templates(t) {
		for _, m := range keyUse.FindAllStringSubmatch(src, -1) {
			keys := []string{m[2]}
			if m[1] == "tn" {
				keys = []string{m[2] + ".one", m[2] + ".other"}
			}
			for _, k := range keys {
				used[k] = true
				if !i18n.Has(k) {
					t.Errorf("%s uses %q, which the catalogue lacks", name, k)
				}
			}
		}
		for _, m := range dynamic.FindAllStringSubmatch(src, -1) {
			prefixes = append(prefixes, m[1])
		}
	}
	// Keys the Go code names: this package's and the areas' web packages',
	// and web/i18n's own
	// (spans of time, uses, rules, labels and error titles by code).
	prefixes = append(prefixes, "label.", "error.title.", "time.", "use.", "license.rule.band", "common.policy_quote", "common.at_event")
	files, _ := filepath.Glob("*.go")
	areaFiles, _ := filepath.Glob("*web/*.go")
	for _, f := range append(files, areaFiles...) {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range goKey.FindAllStringSubmatch(string(b), -1) {
			used[m[1]] = true
		}
	}
	for _, k := range i18n.Keys() {
		base := strings.TrimSuffix(strings.TrimSuffix(k, ".one"), ".other")
		if used[k] || used[base] || slices.ContainsFunc(prefixes, func(p string) bool { return strings.HasPrefix(k, p) }) {
			continue
		}
		t.Errorf("message %q is used nowhere", k)
	}
}

// TestPagesInDutch renders every kind of page for a browser that prefers
// Dutch, and checks the language, a Dutch sentence, the formats (money,
// dates without milliseconds in the node's zone) and that no key shows
// where its text should be.
func TestPagesInDutch(t *testing.T) {
	t.Parallel()
	e := apitest.New(t, withAreas)
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

// TestLanguageSwitch: the switch's ?lang= wins over the browser and is
// remembered in a cookie; without either, the browser's preference
// counts, and English is the default.
func TestLanguageSwitch(t *testing.T) {
	t.Parallel()
	e := apitest.New(t, withAreas)
	e.CreateAgent("Ada")
	r := e.Get("/")
	apitest.WantContains(t, r, `<html lang="en">`, "The log", `<a href="?lang=nl" hreflang="nl" lang="nl">Nederlands</a>`)
	if v := r.Header.Values("Vary"); !slices.ContainsFunc(v, func(s string) bool { return strings.Contains(s, "Accept-Language") }) {
		t.Errorf("Vary %q", v)
	}
	apitest.WantContains(t, e.Get("/", "Accept-Language", "de-DE, nl;q=0.8, en;q=0.2"), `<html lang="nl">`, "Het logboek")
	r = e.Get("/?lang=nl", "Accept-Language", "en")
	apitest.WantContains(t, r, `<html lang="nl">`, `<strong lang="nl" aria-current="true">Nederlands</strong>`, `<a href="?lang=en" hreflang="en" lang="en">English</a>`)
	ck := apitest.CookieNamed(r.Header, i18n.CookieName)
	if ck == nil || ck.Value != "nl" || !ck.HttpOnly || ck.Path != "/" {
		t.Fatalf("cookie %+v", ck)
	}
	apitest.WantContains(t, e.Get("/agents", "Accept-Language", "en", "Cookie", "lang=nl"), `<html lang="nl">`, "Deelnemers")
	apitest.WantContains(t, e.Get("/agents?lang=en", "Cookie", "lang=nl"), `<html lang="en">`, "Agents")
	apitest.WantContains(t, e.Get("/agents?lang=xx", "Accept-Language", "nl"), `<html lang="nl">`)
	// The switch keeps the rest of the query.
	apitest.WantContains(t, e.Get("/agents?members=1"), `<a href="?lang=nl&amp;members=1" hreflang="nl" lang="nl">Nederlands</a>`)
	if ck := apitest.CookieNamed(e.Get("/?lang=xx").Header, i18n.CookieName); ck != nil {
		t.Errorf("an unknown language was remembered: %+v", ck)
	}
}

var _ = agent.Person
