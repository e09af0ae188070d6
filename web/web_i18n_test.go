package web

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/meent/meent/agent"
	"github.com/meent/meent/api/apitest"
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
