package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// newBrowser starts headless Chromium with a fresh profile, with the flags
// this machine needs (no sandbox as root; no calls to Google's hosts,
// which a closed network refuses), and returns a tab in it.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	needBrowser(t)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-dev-shm-usage", true),
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(alloc)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// viewport is a screen the pages must work on.
type viewport struct {
	name          string
	width, height int64
	mobile        bool
}

var (
	desktop = viewport{"desktop", 1280, 800, false}
	phone   = viewport{"phone", 390, 844, true}
)

// use sets the tab's screen and the language the browser asks for.
func use(ctx context.Context, v viewport, lang string) error {
	var opts []chromedp.EmulateViewportOption
	if v.mobile {
		opts = append(opts, chromedp.EmulatePortrait, chromedp.EmulateMobile, chromedp.EmulateTouch)
	}
	return chromedp.Do(ctx,
		chromedp.EmulateViewport(v.width, v.height, opts...),
		chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			_, err := cdp.Call(ctx, t, network.SetExtraHTTPHeaders,
				network.SetExtraHTTPHeadersParams{Headers: network.Headers{"Accept-Language": lang}})
			return err
		}),
	)
}

// violation is one axe-core finding, with up to three of the elements it
// names.
type violation struct {
	ID      string   `json:"id"`
	Impact  string   `json:"impact"`
	Help    string   `json:"help"`
	Targets []string `json:"targets"`
}

func (v violation) String() string {
	return fmt.Sprintf("%s (%s): %s at %s", v.ID, v.Impact, v.Help, strings.Join(v.Targets, ", "))
}

// axeRun runs axe-core on the page for WCAG 2.0 and 2.1, levels A and AA,
// and returns what it finds. The script is injected per page: pages carry
// no script of their own for it to lean on.
const axeRun = `axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})
  .then(r => r.violations.map(v => ({id: v.id, impact: v.impact || '', help: v.help,
    targets: v.nodes.slice(0, 3).map(n => n.target.join(' '))})))`

// check is what one look at a page found.
type check struct {
	lang       string // <html lang>
	overflow   int64  // pixels the page scrolls sideways
	violations []violation
	title      string
}

// look opens url in the tab and checks it: its language, whether it
// scrolls sideways, and axe-core's findings. With MEENT_SCREENSHOTS set it
// saves a full-page screenshot there named by shot.
func look(ctx context.Context, url, shot string) (check, error) {
	var c check
	fail := func(what string, err error) (check, error) { return c, fmt.Errorf("%s: %s: %w", url, what, err) }
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		return fail("open", err)
	}
	var err error
	if c.lang, err = chromedp.Run(ctx, chromedp.Evaluate[string](`document.documentElement.lang`)); err != nil {
		return fail("lang", err)
	}
	if c.title, err = chromedp.Run(ctx, chromedp.Evaluate[string](`document.title`)); err != nil {
		return fail("title", err)
	}
	if c.overflow, err = chromedp.Run(ctx, chromedp.Evaluate[int64](
		`Math.max(document.documentElement.scrollWidth, document.body.scrollWidth) - document.documentElement.clientWidth`)); err != nil {
		return fail("width", err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[int](axeScript+";0")); err != nil {
		return fail("inject axe-core", err)
	}
	if c.violations, err = chromedp.Run(ctx, chromedp.Evaluate[[]violation](axeRun, chromedp.EvalAwaitPromise)); err != nil {
		return fail("axe-core", err)
	}
	if dir := os.Getenv("MEENT_SCREENSHOTS"); dir != "" && shot != "" {
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			return fail("screenshot", err)
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return c, err
		}
		if err := os.WriteFile(filepath.Join(dir, shot+".png"), png, 0o644); err != nil {
			return c, err
		}
	}
	return c, nil
}

// links returns the same-origin page links of the page the tab shows.
func links(ctx context.Context) ([]string, error) {
	return chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('a[href]'), a => a.href)`))
}

// login signs in through the login form, as a person would.
func login(ctx context.Context, base, user, password string) error {
	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/login"),
		chromedp.SendKeys(chromedp.ID("username"), user),
		chromedp.SendKeys(chromedp.ID("password"), password),
		chromedp.Submit(chromedp.ID("password")),
		chromedp.Sleep(300*time.Millisecond),
		chromedp.WaitReady(chromedp.CSS("body")),
	)
	if err != nil {
		return err
	}
	path, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.pathname`))
	if err != nil {
		return err
	}
	if path == "/login" {
		return fmt.Errorf("login as %s failed: still on /login", user)
	}
	return nil
}

var idSegment = regexp.MustCompile(`^(?:[0-9a-f]{16,}|[0-9]+|[A-Za-z0-9_-]{20,})$`)

// pageType is a path with its IDs replaced by {id}: /commons/{id}/policy.
func pageType(path string) string {
	segs := strings.Split(path, "/")
	for i, s := range segs {
		if idSegment.MatchString(s) {
			segs[i] = "{id}"
		}
	}
	return strings.Join(segs, "/")
}

func chromedpNavigate(ctx context.Context, u string) error {
	return chromedp.Do(ctx, chromedp.Navigate(u))
}
