package http_test

import (
	nethttp "net/http"
	"strings"
	"testing"

	"github.com/meent/meent"
	"github.com/meent/meent/agent"
	"github.com/meent/meent/api"
	"github.com/meent/meent/api/apitest"
	"github.com/meent/meent/http"
	"github.com/meent/meent/node"
)

func TestAccounts(t *testing.T) {
	t.Parallel()
	e := apitest.New(t, nil)
	const pw = "correct horse battery"

	var ada api.SignUpResponse
	t.Run("sign up", func(t *testing.T) {
		r := e.Do("POST", "/api/v1/accounts", []byte(`{"username":"ada","password":"`+pw+`","kind":"person","name":"Ada L."}`), "Content-Type", "application/json")
		apitest.WantStatus(t, r, 201)
		r.JSON(t, &ada)
		if ada.Username != "ada" || len(ada.Agent) != 64 {
			t.Fatalf("%+v", ada)
		}
		var a api.Agent
		e.Get("/api/v1/agents/"+ada.Agent).JSON(t, &a)
		if a.Name != "Ada L." || a.Kind != agent.Person {
			t.Errorf("agent %+v", a)
		}
	})
	t.Run("sign up refusals", func(t *testing.T) {
		before := e.Size()
		apitest.WantProblem(t, e.Do("POST", "/api/v1/accounts", []byte(`{"username":"ada","password":"`+pw+`"}`), "Content-Type", "application/json"), 409, meent.ECONFLICT)
		apitest.WantProblem(t, e.Do("POST", "/api/v1/accounts", []byte(`{"username":"bob","password":"short"}`), "Content-Type", "application/json"), 400, meent.EINVALID)
		apitest.WantProblem(t, e.Do("POST", "/api/v1/accounts", []byte(`{"username":"Bob!","password":"`+pw+`"}`), "Content-Type", "application/json"), 400, meent.EINVALID)
		apitest.WantProblem(t, e.Do("POST", "/api/v1/accounts", []byte(`{"username":"bob","password":"`+pw+`","kind":"robot"}`), "Content-Type", "application/json"), 422, meent.ERULE)
		if e.Size() != before {
			t.Error("a refused sign-up wrote to the log")
		}
	})

	t.Run("login refusals", func(t *testing.T) {
		apitest.WantProblem(t, e.Do("POST", "/api/v1/sessions", []byte(`{"username":"ada","password":"wrong password"}`), "Content-Type", "application/json"), 401, meent.EUNAUTHORIZED)
		apitest.WantProblem(t, e.Do("POST", "/api/v1/sessions", []byte(`{"username":"nobody","password":"wrong password"}`), "Content-Type", "application/json"), 401, meent.EUNAUTHORIZED)
		// A browser on another site cannot post a login here.
		apitest.WantProblem(t, e.Do("POST", "/api/v1/sessions", []byte(`{"username":"ada","password":"`+pw+`"}`), "Content-Type", "application/json", "Sec-Fetch-Site", "cross-site"), 403, meent.EFORBIDDEN)
	})

	t.Run("session cookie flags", func(t *testing.T) {
		r := e.Do("POST", "/api/v1/sessions", []byte(`{"username":"ada","password":"`+pw+`"}`), "Content-Type", "application/json")
		apitest.WantStatus(t, r, 200)
		c := apitest.CookieNamed(r.Header, api.SessionCookie)
		if c == nil || !c.HttpOnly || c.SameSite != nethttp.SameSiteLaxMode || c.Path != "/" || c.Secure || c.MaxAge <= 0 {
			t.Errorf("cookie %+v", c)
		}
		if r.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("login answer is cacheable: %q", r.Header.Get("Cache-Control"))
		}
		secure := apitest.New(t, nil, func(o *http.Options) { o.SecureCookies = true })
		if _, err := secure.Accounts.SignUp(t.Context(), node.SignUp{Username: "eve", Password: pw}); err != nil {
			t.Fatal(err)
		}
		r = secure.Do("POST", "/api/v1/sessions", []byte(`{"username":"eve","password":"`+pw+`"}`), "Content-Type", "application/json")
		if c := apitest.CookieNamed(r.Header, api.SessionCookie); c == nil || !c.Secure || !c.HttpOnly {
			t.Errorf("with SecureCookies: %+v", c)
		}
	})

	cookie, csrf := e.Login("ada", pw)
	var token string
	t.Run("CSRF protects cookie-authenticated writes", func(t *testing.T) {
		body := []byte(`{"name":"laptop"}`)
		apitest.WantProblem(t, e.Do("POST", "/api/v1/tokens", body, "Content-Type", "application/json", "Cookie", cookie), 403, meent.EFORBIDDEN)
		apitest.WantProblem(t, e.Do("POST", "/api/v1/tokens", body, "Content-Type", "application/json", "Cookie", cookie, api.CSRFHeader, "wrong"), 403, meent.EFORBIDDEN)
		apitest.WantProblem(t, e.Do("POST", "/api/v1/tokens", body, "Content-Type", "application/json"), 401, meent.EUNAUTHORIZED)
		apitest.WantProblem(t, e.Do("POST", "/api/v1/tokens", body, "Content-Type", "application/json", "Cookie", api.SessionCookie+"=forged", api.CSRFHeader, csrf), 401, meent.EUNAUTHORIZED)
		r := e.Do("POST", "/api/v1/tokens", body, "Content-Type", "application/json", "Cookie", cookie, api.CSRFHeader, csrf)
		apitest.WantStatus(t, r, 201)
		var tr api.TokenResponse
		r.JSON(t, &tr)
		if !strings.HasPrefix(tr.Token, "meent_") {
			t.Fatalf("token %q", tr.Token)
		}
		token = tr.Token
	})

	t.Run("actions with an API token need no CSRF", func(t *testing.T) {
		before := e.Size()
		r := e.Do("POST", "/api/v1/actions", []byte(`{"type":"agent.update","data":{"name":"Ada Lovelace"}}`),
			"Content-Type", "application/json", "Authorization", "Bearer "+token)
		apitest.WantStatus(t, r, 201)
		var rc api.Receipt
		r.JSON(t, &rc)
		if rc.Index != before || rc.TreeSize != before+1 {
			t.Errorf("receipt %+v", rc)
		}
		var ev api.Event
		e.Get("/api/v1/events/"+rc.Hash).JSON(t, &ev)
		if ev.Author != ada.Agent || ev.Type != agent.TypeUpdate || !*ev.SignatureValid {
			t.Errorf("event %+v", ev)
		}
		var a api.Agent
		e.Get("/api/v1/agents/"+ada.Agent).JSON(t, &a)
		if a.Name != "Ada Lovelace" {
			t.Errorf("name %q", a.Name)
		}
	})

	t.Run("action refusals write nothing", func(t *testing.T) {
		before := e.Size()
		auth := []string{"Content-Type", "application/json", "Authorization", "Bearer " + token}
		// Ada is not an admin (no bootstrap: she names another agent).
		other := e.CreateAgent("Other")
		before++
		apitest.WantProblem(t, e.Do("POST", "/api/v1/actions", []byte(`{"type":"member.set","data":{"agent":"`+other.ID+`","role":"member"}}`), auth...), 403, meent.EFORBIDDEN)
		apitest.WantProblem(t, e.Do("POST", "/api/v1/actions", []byte(`{"type":"agent.update","data":{"name":""}}`), auth...), 422, meent.ERULE)
		apitest.WantProblem(t, e.Do("POST", "/api/v1/actions", []byte(`{"type":"agent.update","data":{"name":"A","name":"B"}}`), auth...), 400, meent.EINVALID)
		apitest.WantProblem(t, e.Do("POST", "/api/v1/actions", []byte(`{"type":"agent.update","data":{"nick":"A"}}`), auth...), 400, meent.EMALFORMED)
		apitest.WantProblem(t, e.Do("POST", "/api/v1/actions", []byte(`{"type":"agent.update","data":[1]}`), auth...), 400, meent.EINVALID)
		apitest.WantProblem(t, e.Do("POST", "/api/v1/actions", []byte(`{"data":{}}`), auth...), 400, meent.EINVALID)
		apitest.WantProblem(t, e.Do("POST", "/api/v1/actions", []byte(`{"type":"agent.update","data":{"name":"A"}}`), "Content-Type", "application/json", "Authorization", "Bearer meent_nope"), 401, meent.EUNAUTHORIZED)
		apitest.WantProblem(t, e.Do("POST", "/api/v1/actions", []byte(`{"type":"agent.update","data":{"name":"A"}}`), "Content-Type", "application/json", "Authorization", "Basic abc"), 401, meent.EUNAUTHORIZED)
		// A bad token is not rescued by a good cookie.
		apitest.WantProblem(t, e.Do("POST", "/api/v1/actions", []byte(`{"type":"agent.update","data":{"name":"A"}}`), "Content-Type", "application/json", "Authorization", "Bearer meent_nope", "Cookie", cookie, api.CSRFHeader, csrf), 401, meent.EUNAUTHORIZED)
		if e.Size() != before {
			t.Errorf("log grew from %d to %d", before, e.Size())
		}
	})

	t.Run("actions with a session need CSRF", func(t *testing.T) {
		body := []byte(`{"type":"agent.update","data":{"name":"Ada"}}`)
		apitest.WantProblem(t, e.Do("POST", "/api/v1/actions", body, "Content-Type", "application/json", "Cookie", cookie), 403, meent.EFORBIDDEN)
		apitest.WantStatus(t, e.Do("POST", "/api/v1/actions", body, "Content-Type", "application/json", "Cookie", cookie, api.CSRFHeader, csrf), 201)
	})

	t.Run("client login, token and act", func(t *testing.T) {
		ctx := t.Context()
		if _, err := e.Client.Login(ctx, "ada", "wrong password"); meent.ErrorCode(err) != meent.EUNAUTHORIZED {
			t.Fatalf("bad login: %v", err)
		}
		s, err := e.Client.Login(ctx, "ada", pw)
		if err != nil || s.Agent != ada.Agent || s.Cookie == "" || s.CSRF == "" {
			t.Fatalf("login: %+v, %v", s, err)
		}
		tok, err := e.Client.CreateToken(ctx, s, "cli")
		if err != nil {
			t.Fatal(err)
		}
		rc, err := e.Client.Act(ctx, tok, agent.TypeUpdate, agent.UpdateData{Name: "Countess"})
		if err != nil {
			t.Fatal(err)
		}
		ev, err := e.Client.Event(ctx, rc.Hash)
		if err != nil || ev.Index != rc.Index || !strings.Contains(string(ev.Data), "Countess") {
			t.Fatalf("event %+v, %v", ev, err)
		}
		if err := e.Client.Logout(ctx, s); err != nil {
			t.Fatal(err)
		}
		if _, err := e.Client.CreateToken(ctx, s, "after logout"); meent.ErrorCode(err) != meent.EUNAUTHORIZED {
			t.Errorf("session still works after logout: %v", err)
		}
		su, err := e.Client.SignUp(ctx, api.SignUpRequest{Username: "grace", Password: pw})
		if err != nil || su.Username != "grace" {
			t.Fatalf("client sign-up: %+v, %v", su, err)
		}
	})

	t.Run("logout", func(t *testing.T) {
		c2, csrf2 := e.Login("ada", pw)
		apitest.WantProblem(t, e.Do("DELETE", "/api/v1/sessions", nil, "Cookie", c2), 403, meent.EFORBIDDEN)
		r := e.Do("DELETE", "/api/v1/sessions", nil, "Cookie", c2, api.CSRFHeader, csrf2)
		apitest.WantStatus(t, r, 204)
		if c := apitest.CookieNamed(r.Header, api.SessionCookie); c == nil || c.MaxAge >= 0 {
			t.Errorf("cookie not cleared: %+v", c)
		}
		apitest.WantProblem(t, e.Do("POST", "/api/v1/tokens", []byte(`{"name":"x"}`), "Content-Type", "application/json", "Cookie", c2, api.CSRFHeader, csrf2), 401, meent.EUNAUTHORIZED)
		apitest.WantProblem(t, e.Do("DELETE", "/api/v1/sessions", nil, "Authorization", "Bearer "+token), 400, meent.EINVALID)
	})

	t.Run("no accounts service", func(t *testing.T) {
		bare := apitest.New(t, nil, func(o *http.Options) { o.Accounts = nil })
		apitest.WantProblem(t, bare.Do("POST", "/api/v1/accounts", []byte(`{}`), "Content-Type", "application/json"), 503, meent.EUNAVAILABLE)
		apitest.WantProblem(t, bare.Do("POST", "/api/v1/actions", []byte(`{}`), "Content-Type", "application/json"), 503, meent.EUNAVAILABLE)
	})
}
