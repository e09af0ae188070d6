package i18n

import (
	"html/template"
	"slices"
	"strings"
	"testing"
)

// TestEveryLanguage: every message has a text in every language, with
// the same parameters, and a plural comes with both its forms.
func TestEveryLanguage(t *testing.T) {
	for key, text := range messages {
		for _, l := range Langs {
			s, ok := text[l]
			if !ok || strings.TrimSpace(s) == "" && key != "common.policy_quote" {
				t.Errorf("%s has no %s", key, l)
				continue
			}
			if strings.Count(s, "{") != strings.Count(s, "}") {
				t.Errorf("%s (%s): unbalanced braces in %q", key, l, s)
			}
		}
		for l := range text {
			if !slices.Contains(Langs, l) {
				t.Errorf("%s has a text in %q, which is not in Langs", key, l)
			}
		}
		want := params(text[Default])
		for _, l := range Langs {
			if got := params(text[l]); !slices.Equal(got, want) {
				t.Errorf("%s: parameters %v in %s, %v in %s", key, got, l, want, Default)
			}
		}
		if base, ok := strings.CutSuffix(key, ".one"); ok && !Has(base+".other") {
			t.Errorf("%s has no .other", base)
		}
		if base, ok := strings.CutSuffix(key, ".other"); ok && !Has(base+".one") && base != "label" { // label.other is the kind "other"
			t.Errorf("%s has no .one", base)
		}
	}
}

// TestDutchIsDutch catches a sentence pasted in English: a Dutch text as
// long as a sentence that is the same as the English one.
func TestDutchIsDutch(t *testing.T) {
	for key, text := range messages {
		if len(text[EN]) > 20 && text[EN] == text[NL] {
			t.Errorf("%s: the Dutch is the English: %q", key, text[NL])
		}
		if strings.Contains(strings.ToLower(" "+text[NL]+" "), " u ") && !strings.HasPrefix(key, "time.") {
			t.Errorf("%s: the pages say je, not u: %q", key, text[NL])
		}
	}
}

func params(s string) []string {
	p := Params(s)
	slices.Sort(p)
	return slices.Compact(p)
}

func TestMessages(t *testing.T) {
	en, nl := New(EN, nil), New(NL, nil)
	for _, c := range []struct{ got, want string }{
		{en.T("home.h1"), "The log"},
		{nl.T("home.h1"), "Het logboek"},
		{nl.N("home.events", 1), "1 gebeurtenis"},
		{nl.N("home.events", 1234), "1.234 gebeurtenissen"},
		{en.N("home.events", 0), "0 events"},
		{nl.T("commons.needs.of", "n", 2, "max", 3), "2 van 3"},
		{en.T("no.such.key"), "no.such.key"},
		{nl.T("payouts.title"), "Uitbetalingen van {commons}"}, // a missing parameter shows
		{nl.Use(true, "de app"), "commercieel gebruik voor ‘de app’"},
		{en.Use(false, ""), "non-commercial use"},
		{nl.Rule("price.bands[1]"), "prijsklasse 2"},
		{en.Rule("small_organisation"), "small organisation"},
		{nl.Label("public_body"), "overheid"},
		{nl.Label("some_new_code"), "some new code"},
		{nl.ErrorTitle("not_found", "Not found"), "Niet gevonden"},
		{nl.ErrorTitle("new_code", "New"), "New"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

// TestHTMLEscapes: the message and plain parameters are escaped, markup
// parameters are not, and Link writes no javascript: URL.
func TestHTMLEscapes(t *testing.T) {
	nl := New(NL, nil)
	got := nl.HTML("commons.created", "creator", `<b>Ada</b>`, "event", Link("/events/1", "gebeurtenis <1>"))
	want := template.HTML(`door &lt;b&gt;Ada&lt;/b&gt; bij <a href="/events/1">gebeurtenis &lt;1&gt;</a>`)
	if got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	if l := Link("javascript:alert(1)", "x"); strings.Contains(string(l), "href") {
		t.Errorf("a javascript: link: %s", l)
	}
	if l := Link("//evil.example/", "x"); strings.Contains(string(l), "href") {
		t.Errorf("a protocol-relative link: %s", l)
	}
	if l := Link(`/a"onmouseover="x`, "x"); strings.Contains(string(l), `"onmouseover`) {
		t.Errorf("an attribute broke out: %s", l)
	}
}

func TestISOMoney(t *testing.T) {
	en := New(EN, nil)
	en.ISOMoney = true
	if got := en.PageMoney(120000, "EUR"); got != "1200.00 EUR" {
		t.Errorf("ISO money %q", got)
	}
	if got := en.moneyOf("4800.50 EUR"); got != "4800.50 EUR" {
		t.Errorf("ISO text %q", got)
	}
	nl := New(NL, nil)
	for in, want := range map[string]string{"4800.50 EUR": "€ 4.800,50", "-1.20 EUR": "€ -1,20", "50000 JPY": "¥ 50.000", "rubbish": "rubbish"} {
		if got := nl.moneyOf(in); got != want {
			t.Errorf("moneyOf(%q) = %q, want %q", in, got, want)
		}
	}
}
