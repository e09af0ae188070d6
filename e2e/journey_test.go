package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// page is what a person sees after an action: where the browser is and
// the page's text.
type page struct {
	path, text string
}

func current(ctx context.Context) (page, error) {
	var p page
	var err error
	if p.path, err = chromedp.Run(ctx, chromedp.Evaluate[string](`location.pathname`)); err != nil {
		return p, err
	}
	p.text, err = chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.innerText`))
	return p, err
}

// submitForm fills the fields (by element id) and submits the form that
// holds the last of them, as a person does, and waits for the next page.
func submitForm(ctx context.Context, fields [][2]string) error {
	var steps []chromedp.Action[chromedp.Void]
	for _, f := range fields {
		steps = append(steps, chromedp.SetValue(chromedp.ID(f[0]), f[1]))
	}
	last := fields[len(fields)-1][0]
	steps = append(steps, chromedp.Submit(chromedp.ID(last)), chromedp.Sleep(300*time.Millisecond), chromedp.WaitReady(chromedp.CSS("body")))
	return chromedp.Do(ctx, steps...)
}

// TestContributorJourney: a newcomer on a phone, in Dutch, signs up,
// finds a commons, submits their work through the form and finds it on
// their account page and the commons' page. Every step lands on a page
// (POST-redirect-GET) in Dutch.
func TestContributorJourney(t *testing.T) {
	n := demoNode(t)
	ctx := newBrowser(t)
	if err := use(ctx, phone, "nl"); err != nil {
		t.Fatal(err)
	}
	user := fmt.Sprintf("ada%d", time.Now().UnixNano()%1e6)
	if err := chromedp.Do(ctx, chromedp.Navigate(n.url+"/signup")); err != nil {
		t.Fatal(err)
	}
	if err := submitForm(ctx, [][2]string{{"username", user}, {"name", "Ada Lovelace"}, {"password", "correct horse battery"}}); err != nil {
		t.Fatal(err)
	}
	p, err := current(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if p.path != "/account" || !strings.Contains(p.text, "Ada Lovelace") {
		t.Fatalf("after signing up: on %s, want /account naming Ada Lovelace; page:\n%.600s", p.path, p.text)
	}

	// The first commons of the list, as a person would pick it.
	if err := chromedp.Do(ctx, chromedp.Navigate(n.url+"/commons"), chromedp.Click(chromedp.CSS("main table a[href^='/commons/']"))); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.WaitReady(chromedp.ID("c-title"))); err != nil {
		t.Fatal(err)
	}
	commonsPath, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.pathname`))
	if err != nil {
		t.Fatal(err)
	}
	title := "Vertaling van de handleiding " + user
	if err := submitForm(ctx, [][2]string{{"c-description", "Hoofdstuk 1 tot 3 in het Nederlands."}, {"c-title", title}}); err != nil {
		t.Fatal(err)
	}
	if p, err = current(ctx); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(p.path, "/contributions/") || !strings.Contains(p.text, title) {
		t.Fatalf("after submitting work: on %s, want its contribution page showing %q; page:\n%.800s", p.path, title, p.text)
	}
	if c, err := look(ctx, n.url+p.path, "journey-contributor-contribution-nl-phone"); err != nil {
		t.Fatal(err)
	} else {
		if c.lang != "nl" || c.overflow > 0 || len(c.violations) > 0 {
			t.Errorf("the new contribution's page: lang %q, sideways %d px, axe %v", c.lang, c.overflow, c.violations)
		}
	}

	// The commons' page lists it; so does Ada's public page, which her
	// account page links to. (Issue 11: the account page itself should
	// show what she contributed and what she is owed.)
	if err := chromedp.Do(ctx, chromedp.Navigate(n.url+commonsPath)); err != nil {
		t.Fatal(err)
	}
	if p, err = current(ctx); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(p.text, title) {
		t.Errorf("the commons' page does not list the work Ada just submitted (%q); page:\n%.1500s", title, p.text)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(n.url+"/account"), chromedp.Click(chromedp.CSS("main a[href^='/agents/']"))); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Sleep(200*time.Millisecond), chromedp.WaitReady(chromedp.CSS("body"))); err != nil {
		t.Fatal(err)
	}
	if p, err = current(ctx); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(p.path, "/agents/") || !strings.Contains(p.text, title) {
		t.Errorf("Ada's own page (%s) does not show the work she just submitted (%q); page:\n%.1500s", p.path, title, p.text)
	}
}
