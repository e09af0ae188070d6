package e2e

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// skipped are the paths a page walk does not open: machine formats, not
// pages for people.
func skipped(path string) bool {
	for _, p := range []string{"/api/", "/log/", "/static/", "/metrics", "/healthz"} {
		if strings.HasPrefix(path, p) {
			return true
		}
	}
	return strings.HasSuffix(path, ".atom") || strings.HasSuffix(path, ".json") ||
		strings.HasSuffix(path, ".csv") || strings.HasSuffix(path, ".xml")
}

// discover walks the node's pages from the given starts, following links
// on the same node, and returns one page of each type (its path with IDs
// replaced): of the first few pages of a type it opens, the one with the
// most links, so the checks see a page with content rather than an empty
// one. It opens at most max pages.
func discover(t *testing.T, ctx context.Context, base string, starts []string, max int) map[string]string {
	t.Helper()
	const perType = 3
	origin, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	samples := map[string]string{}
	richness := map[string]int{}
	opened := map[string]int{}
	seen := map[string]bool{}
	queue := slices.Clone(starts)
	for total := 0; len(queue) > 0 && total < max; {
		u := queue[0]
		queue = queue[1:]
		if seen[u] {
			continue
		}
		seen[u] = true
		pu, err := url.Parse(u)
		if err != nil {
			continue
		}
		typ := pageType(pu.Path)
		if opened[typ] >= perType {
			continue
		}
		opened[typ]++
		total++
		if err := chromedpNavigate(ctx, u); err != nil {
			t.Fatalf("open %s: %v", u, err)
		}
		hrefs, err := links(ctx)
		if err != nil {
			t.Fatalf("links of %s: %v", u, err)
		}
		if _, ok := samples[typ]; !ok || len(hrefs) > richness[typ] {
			samples[typ], richness[typ] = u, len(hrefs)
		}
		for _, h := range hrefs {
			hu, err := url.Parse(h)
			if err != nil || hu.Host != origin.Host || skipped(hu.Path) {
				continue
			}
			hu.Fragment = ""
			hu.RawQuery = ""
			if opened[pageType(hu.Path)] < perType && !seen[hu.String()] {
				queue = append(queue, hu.String())
			}
		}
	}
	return samples
}

// TestEveryPageType opens one page of every type a visitor and a logged-in
// maintainer can reach from the home page, in Dutch and English, on a
// desktop and a phone, and checks each: the page is in the language the
// browser asked for, it does not scroll sideways, and axe-core finds no
// WCAG 2.1 A or AA violation.
func TestEveryPageType(t *testing.T) {
	n := demoNode(t)
	ctx := newBrowser(t)
	for _, who := range []string{"visitor", "maya"} {
		if who == "maya" {
			if err := login(ctx, n.url, "maya", "demo-password"); err != nil {
				t.Fatal(err)
			}
		}
		if err := use(ctx, desktop, "en"); err != nil {
			t.Fatal(err)
		}
		starts := []string{n.url + "/", n.url + "/commons", n.url + "/agents", n.url + "/login", n.url + "/signup"}
		if who == "maya" {
			starts = append(starts, n.url+"/account")
		}
		samples := discover(t, ctx, n.url, starts, 200)
		types := make([]string, 0, len(samples))
		for typ := range samples {
			types = append(types, typ)
		}
		slices.Sort(types)
		t.Logf("%s: %d page types: %s", who, len(types), strings.Join(types, " "))
		if len(types) < 10 {
			t.Errorf("%s reached only %d page types from the home page; the demo should show every kind of page", who, len(types))
		}
		for _, v := range []viewport{desktop, phone} {
			for _, lang := range []string{"en", "nl"} {
				if err := use(ctx, v, lang); err != nil {
					t.Fatal(err)
				}
				for _, typ := range types {
					shot := fmt.Sprintf("%s-%s-%s-%s", who, slug(typ), lang, v.name)
					c, err := look(ctx, samples[typ], shot)
					if err != nil {
						t.Error(err)
						continue
					}
					where := fmt.Sprintf("%s %s (%s, %s, %s)", who, typ, lang, v.name, samples[typ])
					if c.lang != lang {
						t.Errorf("%s: <html lang=%q>, want %q", where, c.lang, lang)
					}
					if c.overflow > 0 {
						t.Errorf("%s: scrolls sideways by %d px", where, c.overflow)
					}
					for _, vi := range c.violations {
						t.Errorf("%s: %s", where, vi)
					}
				}
			}
		}
	}
}

func slug(typ string) string {
	s := strings.Trim(strings.NewReplacer("/", "-", "{", "", "}", "").Replace(typ), "-")
	if s == "" {
		return "home"
	}
	return s
}
