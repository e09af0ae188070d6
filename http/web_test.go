package http

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/meent/meent/agent"
	"github.com/meent/meent/api"
)

func form(kv ...string) []byte {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return []byte(v.Encode())
}

// escaped is s as html/template writes it in text: it escapes '+' too.
func escaped(s string) string { return strings.ReplaceAll(s, "+", "&#43;") }

const formType = "application/x-www-form-urlencoded"

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func TestWebPages(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ada := e.createAgent("Ada")
	if _, err := e.client.Submit(t.Context(), ada.sign(t, agent.TypeMemberSet, agent.MemberData{Agent: ada.id, Role: agent.RoleAdmin})); err != nil {
		t.Fatal(err)
	}
	mallory := e.createAgent(`<script>alert(1)</script>`)
	cp := e.checkpoint()

	t.Run("home", func(t *testing.T) {
		r := e.get("/")
		wantStatus(t, r, 200)
		wantContains(t, r, "Latest checkpoint", testOrigin, "3 events", escaped(b64(cp.Root[:])),
			"/events/"+ada.id, "/agents/"+ada.id, "member.set", `<link rel="stylesheet" href="/static/style.css">`, `lang="en"`)
		if ct := r.header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
			t.Errorf("Content-Type %q", ct)
		}
		for h, want := range map[string]string{
			"Content-Security-Policy": "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
			"X-Content-Type-Options":  "nosniff",
			"Referrer-Policy":         "same-origin",
		} {
			if got := r.header.Get(h); got != want {
				t.Errorf("%s = %q, want %q", h, got, want)
			}
		}
		if strings.Contains(string(r.body), "<script") {
			t.Error("the page has a script")
		}
	})

	t.Run("event", func(t *testing.T) {
		r := e.get("/events/" + ada.id)
		wantStatus(t, r, 200)
		wantContains(t, r, "agent.create", "valid", "Inclusion proof", "tree of size 3", escaped(b64(cp.Root[:])),
			"&#34;kind&#34;: &#34;person&#34;", "Leaf hash")
		wantStatus(t, e.get("/events/"+strings.Repeat("0", 64)), 404)
		wantStatus(t, e.get("/events/nope"), 404)
	})

	t.Run("agents", func(t *testing.T) {
		r := e.get("/agents")
		wantStatus(t, r, 200)
		wantContains(t, r, "Ada", "admin", "&lt;script&gt;alert(1)&lt;/script&gt;")
		if strings.Contains(string(r.body), "<script>alert") {
			t.Error("an agent's name is not escaped")
		}
		r = e.get("/agents?members=1")
		wantContains(t, r, "Members", "Ada")
		if strings.Contains(string(r.body), mallory.id[:12]) {
			t.Error("a non-member is listed as a member")
		}
		r = e.get("/agents/" + ada.id)
		wantStatus(t, r, 200)
		wantContains(t, r, "Ada", "Keys", "active", "member.set")
		wantStatus(t, e.get("/agents/"+strings.Repeat("0", 64)), 404)
	})

	t.Run("static and unknown pages", func(t *testing.T) {
		r := e.get("/static/style.css")
		wantStatus(t, r, 200)
		if !strings.HasPrefix(r.header.Get("Content-Type"), "text/css") {
			t.Errorf("css Content-Type %q", r.header.Get("Content-Type"))
		}
		r = e.get("/no/such/page")
		wantStatus(t, r, 404)
		wantContains(t, r, "404 Not found", "not_found")
		wantStatus(t, e.get("/static/nope.js"), 404)
	})

	const pw = "a long enough password"
	var cookie string
	t.Run("sign up", func(t *testing.T) {
		wantContains(t, e.get("/signup"), `<form method="post" action="/signup"`, `<label for="password">`)
		r := e.do("POST", "/signup", form("username", "x", "password", pw), "Content-Type", formType)
		wantStatus(t, r, 400)
		wantContains(t, r, "username must be 2 to 40 characters", `role="alert"`)
		r = e.do("POST", "/signup", form("username", "grace", "password", pw, "name", "Grace H.", "kind", "person"), "Content-Type", formType)
		wantStatus(t, r, 303)
		if loc := r.header.Get("Location"); loc != "/account" {
			t.Errorf("Location %q", loc)
		}
		c := cookieNamed(r.header, api.SessionCookie)
		if c == nil || !c.HttpOnly {
			t.Fatalf("cookie %+v", c)
		}
		cookie = api.SessionCookie + "=" + c.Value
	})

	var csrf string
	t.Run("account", func(t *testing.T) {
		r := e.get("/account", "Cookie", cookie)
		wantStatus(t, r, 200)
		wantContains(t, r, "Your account", "Grace H.", "Log out")
		m := csrfField.FindSubmatch(r.body)
		if m == nil {
			t.Fatalf("no CSRF field:\n%s", r.body)
		}
		csrf = string(m[1])
		if r.header.Get("Cache-Control") != "no-store" {
			t.Errorf("a logged-in page is cacheable: %q", r.header.Get("Cache-Control"))
		}
		if r := e.get("/account"); r.status != 303 || r.header.Get("Location") != "/login" {
			t.Errorf("logged out: %d %s", r.status, r.header.Get("Location"))
		}
	})

	t.Run("account form needs the CSRF token", func(t *testing.T) {
		before := e.size()
		r := e.do("POST", "/account", form("name", "Hacked"), "Content-Type", formType, "Cookie", cookie)
		wantStatus(t, r, 403)
		wantContains(t, r, "CSRF", "forbidden")
		wantStatus(t, e.do("POST", "/account", form("name", "Hacked", "csrf", "wrong"), "Content-Type", formType, "Cookie", cookie), 403)
		// The browser check refuses a cross-site post even with a token.
		wantStatus(t, e.do("POST", "/account", form("name", "Hacked", "csrf", csrf), "Content-Type", formType, "Cookie", cookie, "Sec-Fetch-Site", "cross-site"), 403)
		if e.size() != before {
			t.Error("a refused form wrote to the log")
		}
		r = e.do("POST", "/account", form("name", "Grace Hopper", "csrf", csrf), "Content-Type", formType, "Cookie", cookie)
		wantStatus(t, r, 303)
		loc := r.header.Get("Location")
		if !strings.HasPrefix(loc, "/account?event=") || e.size() != before+1 {
			t.Fatalf("Location %q, size %d", loc, e.size())
		}
		r = e.get(loc, "Cookie", cookie)
		wantContains(t, r, "Saved as event", "Grace Hopper")
		r = e.do("POST", "/account", form("name", "", "csrf", csrf), "Content-Type", formType, "Cookie", cookie)
		wantStatus(t, r, 422)
		wantContains(t, r, "name must be 1 to")
	})

	t.Run("logout and login", func(t *testing.T) {
		wantStatus(t, e.do("POST", "/logout", form(), "Content-Type", formType, "Cookie", cookie), 403)
		r := e.do("POST", "/logout", form("csrf", csrf), "Content-Type", formType, "Cookie", cookie)
		wantStatus(t, r, 303)
		if c := cookieNamed(r.header, api.SessionCookie); c == nil || c.MaxAge >= 0 {
			t.Errorf("cookie not cleared: %+v", c)
		}
		if r := e.get("/account", "Cookie", cookie); r.status != 303 {
			t.Errorf("session lives on after logout: %d", r.status)
		}
		wantContains(t, e.get("/login"), `<form method="post" action="/login"`, `autocomplete="current-password"`)
		r = e.do("POST", "/login", form("username", "grace", "password", "not the password"), "Content-Type", formType)
		wantStatus(t, r, 401)
		wantContains(t, r, "unknown username or wrong password", `value="grace"`)
		wantStatus(t, e.do("POST", "/login", form("username", "grace", "password", pw), "Content-Type", formType, "Sec-Fetch-Site", "cross-site"), 403)
		r = e.do("POST", "/login", form("username", "grace", "password", pw), "Content-Type", formType, "Sec-Fetch-Site", "same-origin")
		wantStatus(t, r, 303)
		if c := cookieNamed(r.header, api.SessionCookie); c == nil {
			t.Error("no session cookie after login")
		} else {
			wantContains(t, e.get("/", "Cookie", api.SessionCookie+"="+c.Value), "Grace Hopper", "Log out")
		}
	})
}

func TestWebEmptyLog(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	r := e.get("/")
	wantStatus(t, r, 200)
	wantContains(t, r, "0 events", "No events.", fmt.Sprintf("<code>%s</code>", testOrigin))
}
