package web

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/meent/meent/agent"
	"github.com/meent/meent/api"
	"github.com/meent/meent/api/apitest"
)

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func TestWebPages(t *testing.T) {
	t.Parallel()
	e := apitest.New(t, withAreas)
	ada := e.CreateAgent("Ada")
	if _, err := e.Client.Submit(t.Context(), ada.Sign(t, agent.TypeMemberSet, agent.MemberData{Agent: ada.ID, Role: agent.RoleAdmin})); err != nil {
		t.Fatal(err)
	}
	mallory := e.CreateAgent(`<script>alert(1)</script>`)
	cp := e.Checkpoint()

	t.Run("home", func(t *testing.T) {
		r := e.Get("/")
		apitest.WantStatus(t, r, 200)
		apitest.WantContains(t, r, "Latest checkpoint", apitest.Origin, "3 events", apitest.Escaped(b64(cp.Root[:])),
			"/events/"+ada.ID, "/agents/"+ada.ID, "member.set", `<link rel="stylesheet" href="/static/style.css">`, `lang="en"`)
		if ct := r.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
			t.Errorf("Content-Type %q", ct)
		}
		for h, want := range map[string]string{
			"Content-Security-Policy": "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
			"X-Content-Type-Options":  "nosniff",
			"Referrer-Policy":         "same-origin",
		} {
			if got := r.Header.Get(h); got != want {
				t.Errorf("%s = %q, want %q", h, got, want)
			}
		}
		if strings.Contains(string(r.Body), "<script") {
			t.Error("the page has a script")
		}
	})

	t.Run("event", func(t *testing.T) {
		r := e.Get("/events/" + ada.ID)
		apitest.WantStatus(t, r, 200)
		apitest.WantContains(t, r, "agent.create", "valid", "Inclusion proof", "tree of size 3", apitest.Escaped(b64(cp.Root[:])),
			"&#34;kind&#34;: &#34;person&#34;", "Leaf hash")
		apitest.WantStatus(t, e.Get("/events/"+strings.Repeat("0", 64)), 404)
		apitest.WantStatus(t, e.Get("/events/nope"), 404)
	})

	t.Run("agents", func(t *testing.T) {
		r := e.Get("/agents")
		apitest.WantStatus(t, r, 200)
		apitest.WantContains(t, r, "Ada", "admin", "&lt;script&gt;alert(1)&lt;/script&gt;")
		if strings.Contains(string(r.Body), "<script>alert") {
			t.Error("an agent's name is not escaped")
		}
		r = e.Get("/agents?members=1")
		apitest.WantContains(t, r, "Members", "Ada")
		if strings.Contains(string(r.Body), mallory.ID[:12]) {
			t.Error("a non-member is listed as a member")
		}
		r = e.Get("/agents/" + ada.ID)
		apitest.WantStatus(t, r, 200)
		apitest.WantContains(t, r, "Ada", "Keys", "active", "member.set")
		apitest.WantStatus(t, e.Get("/agents/"+strings.Repeat("0", 64)), 404)
	})

	t.Run("static and unknown pages", func(t *testing.T) {
		r := e.Get("/static/style.css")
		apitest.WantStatus(t, r, 200)
		if !strings.HasPrefix(r.Header.Get("Content-Type"), "text/css") {
			t.Errorf("css Content-Type %q", r.Header.Get("Content-Type"))
		}
		r = e.Get("/no/such/page")
		apitest.WantStatus(t, r, 404)
		apitest.WantContains(t, r, "404 Not found", "not_found")
		apitest.WantStatus(t, e.Get("/static/nope.js"), 404)
	})

	const pw = "a long enough password"
	var cookie string
	t.Run("sign up", func(t *testing.T) {
		apitest.WantContains(t, e.Get("/signup"), `<form method="post" action="/signup"`, `<label for="password">`)
		r := e.Do("POST", "/signup", apitest.Form("username", "x", "password", pw), "Content-Type", apitest.FormType)
		apitest.WantStatus(t, r, 400)
		apitest.WantContains(t, r, "username must be 2 to 40 characters", `role="alert"`)
		r = e.Do("POST", "/signup", apitest.Form("username", "grace", "password", pw, "name", "Grace H.", "kind", "person"), "Content-Type", apitest.FormType)
		apitest.WantStatus(t, r, 303)
		if loc := r.Header.Get("Location"); loc != "/account" {
			t.Errorf("Location %q", loc)
		}
		c := apitest.CookieNamed(r.Header, api.SessionCookie)
		if c == nil || !c.HttpOnly {
			t.Fatalf("cookie %+v", c)
		}
		cookie = api.SessionCookie + "=" + c.Value
	})

	var csrf string
	t.Run("account", func(t *testing.T) {
		r := e.Get("/account", "Cookie", cookie)
		apitest.WantStatus(t, r, 200)
		apitest.WantContains(t, r, "Your account", "Grace H.", "Log out")
		m := csrfField.FindSubmatch(r.Body)
		if m == nil {
			t.Fatalf("no CSRF field:\n%s", r.Body)
		}
		csrf = string(m[1])
		if r.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("a logged-in page is cacheable: %q", r.Header.Get("Cache-Control"))
		}
		if r := e.Get("/account"); r.Status != 303 || r.Header.Get("Location") != "/login" {
			t.Errorf("logged out: %d %s", r.Status, r.Header.Get("Location"))
		}
	})

	t.Run("account form needs the CSRF token", func(t *testing.T) {
		before := e.Size()
		r := e.Do("POST", "/account", apitest.Form("name", "Hacked"), "Content-Type", apitest.FormType, "Cookie", cookie)
		apitest.WantStatus(t, r, 403)
		apitest.WantContains(t, r, "CSRF", "forbidden")
		apitest.WantStatus(t, e.Do("POST", "/account", apitest.Form("name", "Hacked", "csrf", "wrong"), "Content-Type", apitest.FormType, "Cookie", cookie), 403)
		// The browser check refuses a cross-site post even with a token.
		apitest.WantStatus(t, e.Do("POST", "/account", apitest.Form("name", "Hacked", "csrf", csrf), "Content-Type", apitest.FormType, "Cookie", cookie, "Sec-Fetch-Site", "cross-site"), 403)
		if e.Size() != before {
			t.Error("a refused form wrote to the log")
		}
		r = e.Do("POST", "/account", apitest.Form("name", "Grace Hopper", "csrf", csrf), "Content-Type", apitest.FormType, "Cookie", cookie)
		apitest.WantStatus(t, r, 303)
		loc := r.Header.Get("Location")
		if !strings.HasPrefix(loc, "/account?event=") || e.Size() != before+1 {
			t.Fatalf("Location %q, size %d", loc, e.Size())
		}
		r = e.Get(loc, "Cookie", cookie)
		apitest.WantContains(t, r, "Saved as event", "Grace Hopper")
		r = e.Do("POST", "/account", apitest.Form("name", "", "csrf", csrf), "Content-Type", apitest.FormType, "Cookie", cookie)
		apitest.WantStatus(t, r, 422)
		apitest.WantContains(t, r, "name must be 1 to")
	})

	t.Run("logout and login", func(t *testing.T) {
		apitest.WantStatus(t, e.Do("POST", "/logout", apitest.Form(), "Content-Type", apitest.FormType, "Cookie", cookie), 403)
		r := e.Do("POST", "/logout", apitest.Form("csrf", csrf), "Content-Type", apitest.FormType, "Cookie", cookie)
		apitest.WantStatus(t, r, 303)
		if c := apitest.CookieNamed(r.Header, api.SessionCookie); c == nil || c.MaxAge >= 0 {
			t.Errorf("cookie not cleared: %+v", c)
		}
		if r := e.Get("/account", "Cookie", cookie); r.Status != 303 {
			t.Errorf("session lives on after logout: %d", r.Status)
		}
		apitest.WantContains(t, e.Get("/login"), `<form method="post" action="/login"`, `autocomplete="current-password"`)
		r = e.Do("POST", "/login", apitest.Form("username", "grace", "password", "not the password"), "Content-Type", apitest.FormType)
		apitest.WantStatus(t, r, 401)
		apitest.WantContains(t, r, "unknown username or wrong password", `value="grace"`)
		apitest.WantStatus(t, e.Do("POST", "/login", apitest.Form("username", "grace", "password", pw), "Content-Type", apitest.FormType, "Sec-Fetch-Site", "cross-site"), 403)
		r = e.Do("POST", "/login", apitest.Form("username", "grace", "password", pw), "Content-Type", apitest.FormType, "Sec-Fetch-Site", "same-origin")
		apitest.WantStatus(t, r, 303)
		if c := apitest.CookieNamed(r.Header, api.SessionCookie); c == nil {
			t.Error("no session cookie after login")
		} else {
			apitest.WantContains(t, e.Get("/", "Cookie", api.SessionCookie+"="+c.Value), "Grace Hopper", "Log out")
		}
	})
}

func TestWebEmptyLog(t *testing.T) {
	t.Parallel()
	e := apitest.New(t, withAreas)
	r := e.Get("/")
	apitest.WantStatus(t, r, 200)
	apitest.WantContains(t, r, "0 events", "No events.", fmt.Sprintf("<code>%s</code>", apitest.Origin))
}
