package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// clickAndWait clicks what sel finds, as a person does, and waits for the
// next page.
func clickAndWait(ctx context.Context, sel string) error {
	return chromedp.Do(ctx, chromedp.Click(chromedp.CSS(sel)), chromedp.Sleep(300*time.Millisecond), chromedp.WaitReady(chromedp.CSS("body")))
}

// TestMaintainerJourney: Maya, a maintainer of libmeent, in English at a
// desktop's width, logs in, reviews a contribution waiting for her,
// records a donation (typed, checked, then recorded), previews who would
// get what, runs the distribution and lands on it. Each step is a page
// (POST-redirect-GET) that axe-core passes; the confirmation and preview
// pages are checked here, since no link leads to the first.
func TestMaintainerJourney(t *testing.T) {
	n := demoNode(t)
	ctx := newBrowser(t)
	if err := use(ctx, desktop, "en"); err != nil {
		t.Fatal(err)
	}
	if err := login(ctx, n.url, "maya", "demo-password"); err != nil {
		t.Fatal(err)
	}
	step := func(what, wantPath, wantText string) page {
		t.Helper()
		p, err := current(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(p.path, wantPath) || !strings.Contains(p.text, wantText) {
			t.Fatalf("%s: on %s, want %s… saying %q; page:\n%.1500s", what, p.path, wantPath, wantText, p.text)
		}
		return p
	}
	checkPage := func(what, url, shot string) {
		t.Helper()
		c, err := look(ctx, url, shot)
		if err != nil {
			t.Fatal(err)
		}
		if c.lang != "en" || c.overflow > 0 || len(c.violations) > 0 {
			t.Errorf("%s: lang %q, sideways %d px, axe %v", what, c.lang, c.overflow, c.violations)
		}
	}

	// libmeent from the list of commons, then the work waiting there.
	if err := chromedp.Do(ctx, chromedp.Navigate(n.url+"/commons")); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { const a = Array.from(document.querySelectorAll('main a[href^="/commons/"]')).find(a => a.textContent.trim() === 'libmeent'); a.click(); return true })()`)); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Sleep(300*time.Millisecond), chromedp.WaitReady(chromedp.ID("value"))); err != nil {
		t.Fatal(err)
	}
	commonsPage := step("the commons", "/commons/", "Record an income")
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { const a = Array.from(document.querySelectorAll('main a[href^="/contributions/"]')).find(a => a.textContent.trim() === 'Triaged 30 issues'); a.click(); return true })()`)); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Sleep(300*time.Millisecond), chromedp.WaitReady(chromedp.ID("verdict-accept"))); err != nil {
		t.Fatal(err)
	}
	step("the contribution", "/contributions/", "Give verdict")
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("verdict-accept"))); err != nil {
		t.Fatal(err)
	}
	if err := clickAndWait(ctx, `form[action$="/review"] button`); err != nil {
		t.Fatal(err)
	}
	p := step("after the review", "/contributions/", "You accepted this contribution.")
	checkPage("the reviewed contribution", n.url+p.path+"?reviewed=accept", "journey-maintainer-review-en-desktop")

	// A donation: typed as an English reader types it, checked, recorded.
	if err := chromedp.Do(ctx, chromedp.Navigate(n.url+commonsPage.path+"#value")); err != nil {
		t.Fatal(err)
	}
	if err := submitForm(ctx, [][2]string{{"i-kind", "donation"}, {"i-reference", "Spring donations 2027"}, {"i-amount", "1,250.00"}}); err != nil {
		t.Fatal(err)
	}
	step("the check", "/commons/", "Is this right?")
	confirmURL, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.href`))
	if err != nil {
		t.Fatal(err)
	}
	checkPage("the income's check", confirmURL, "journey-maintainer-income-check-en-desktop")
	if err := clickAndWait(ctx, `form[action$="/incomes"] button`); err != nil {
		t.Fatal(err)
	}
	income := step("after recording", "/incomes/", "The income is recorded.")
	if !strings.Contains(income.text, "1250.00 EUR") || !strings.Contains(income.text, "Spring donations 2027") {
		t.Errorf("the income's page does not show what was typed; page:\n%.1500s", income.text)
	}

	// Who would get what, then run it.
	if err := clickAndWait(ctx, `main a[href$="/distribute"]`); err != nil {
		t.Fatal(err)
	}
	preview := step("the preview", "/incomes/", "Who would get what")
	for _, name := range []string{"Amina", "Distribute now", "100%"} {
		if !strings.Contains(preview.text, name) {
			t.Errorf("the preview lacks %q; page:\n%.1500s", name, preview.text)
		}
	}
	checkPage("the preview", n.url+preview.path, "journey-maintainer-preview-en-desktop")
	if err := clickAndWait(ctx, `form[action$="/distribute"] button`); err != nil {
		t.Fatal(err)
	}
	d := step("after running", "/distributions/", "Amina")
	if !strings.Contains(d.text, "1250.00 EUR") {
		t.Errorf("the distribution's page does not show the income; page:\n%.1500s", d.text)
	}
	checkPage("the distribution", n.url+d.path, "journey-maintainer-distribution-en-desktop")

	// The same check page in Dutch on a phone, the amount typed the Dutch way.
	if err := use(ctx, phone, "nl"); err != nil {
		t.Fatal(err)
	}
	nlURL := strings.Replace(confirmURL, "1%2C250.00", "1.250%2C00", 1)
	if nlURL == confirmURL {
		t.Fatalf("the check's address %s does not carry the amount as typed", confirmURL)
	}
	c, err := look(ctx, nlURL, "journey-maintainer-income-check-nl-phone")
	if err != nil {
		t.Fatal(err)
	}
	if c.lang != "nl" || c.overflow > 0 || len(c.violations) > 0 {
		t.Errorf("the income's check in Dutch on a phone: lang %q, sideways %d px, axe %v", c.lang, c.overflow, c.violations)
	}
	if p, err := current(ctx); err != nil || !strings.Contains(p.text, "Klopt dit?") || !strings.Contains(p.text, "€ 1.250,00") {
		t.Errorf("the income's check in Dutch (%v); page:\n%.1200s", err, p.text)
	}
}
