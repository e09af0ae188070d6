package http

import (
	nethttp "net/http"
	"strings"
	"testing"

	"github.com/meent/meent"
	"github.com/meent/meent/agent"
	"github.com/meent/meent/api"
	"github.com/meent/meent/node"
)

// login logs in through the API and returns the session cookie and CSRF
// token.
func (e *env) login(username, password string) (cookie string, csrf string) {
	e.t.Helper()
	r := e.do("POST", "/api/v1/sessions", []byte(`{"username":"`+username+`","password":"`+password+`"}`), "Content-Type", "application/json")
	wantStatus(e.t, r, 200)
	var lr api.LoginResponse
	r.json(e.t, &lr)
	c := cookieNamed(r.header, api.SessionCookie)
	if c == nil || lr.CSRF == "" {
		e.t.Fatalf("login: cookie %v, response %s", c, r.body)
	}
	return api.SessionCookie + "=" + c.Value, lr.CSRF
}

func TestAccounts(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	const pw = "correct horse battery"

	var ada api.SignUpResponse
	t.Run("sign up", func(t *testing.T) {
		r := e.do("POST", "/api/v1/accounts", []byte(`{"username":"ada","password":"`+pw+`","kind":"person","name":"Ada L."}`), "Content-Type", "application/json")
		wantStatus(t, r, 201)
		r.json(t, &ada)
		if ada.Username != "ada" || len(ada.Agent) != 64 {
			t.Fatalf("%+v", ada)
		}
		var a api.Agent
		e.get("/api/v1/agents/"+ada.Agent).json(t, &a)
		if a.Name != "Ada L." || a.Kind != agent.Person {
			t.Errorf("agent %+v", a)
		}
	})
	t.Run("sign up refusals", func(t *testing.T) {
		before := e.size()
		wantProblem(t, e.do("POST", "/api/v1/accounts", []byte(`{"username":"ada","password":"`+pw+`"}`), "Content-Type", "application/json"), 409, meent.ECONFLICT)
		wantProblem(t, e.do("POST", "/api/v1/accounts", []byte(`{"username":"bob","password":"short"}`), "Content-Type", "application/json"), 400, meent.EINVALID)
		wantProblem(t, e.do("POST", "/api/v1/accounts", []byte(`{"username":"Bob!","password":"`+pw+`"}`), "Content-Type", "application/json"), 400, meent.EINVALID)
		wantProblem(t, e.do("POST", "/api/v1/accounts", []byte(`{"username":"bob","password":"`+pw+`","kind":"robot"}`), "Content-Type", "application/json"), 422, meent.ERULE)
		if e.size() != before {
			t.Error("a refused sign-up wrote to the log")
		}
	})

	t.Run("login refusals", func(t *testing.T) {
		wantProblem(t, e.do("POST", "/api/v1/sessions", []byte(`{"username":"ada","password":"wrong password"}`), "Content-Type", "application/json"), 401, meent.EUNAUTHORIZED)
		wantProblem(t, e.do("POST", "/api/v1/sessions", []byte(`{"username":"nobody","password":"wrong password"}`), "Content-Type", "application/json"), 401, meent.EUNAUTHORIZED)
		// A browser on another site cannot post a login here.
		wantProblem(t, e.do("POST", "/api/v1/sessions", []byte(`{"username":"ada","password":"`+pw+`"}`), "Content-Type", "application/json", "Sec-Fetch-Site", "cross-site"), 403, meent.EFORBIDDEN)
	})

	t.Run("session cookie flags", func(t *testing.T) {
		r := e.do("POST", "/api/v1/sessions", []byte(`{"username":"ada","password":"`+pw+`"}`), "Content-Type", "application/json")
		wantStatus(t, r, 200)
		c := cookieNamed(r.header, api.SessionCookie)
		if c == nil || !c.HttpOnly || c.SameSite != nethttp.SameSiteLaxMode || c.Path != "/" || c.Secure || c.MaxAge <= 0 {
			t.Errorf("cookie %+v", c)
		}
		if r.header.Get("Cache-Control") != "no-store" {
			t.Errorf("login answer is cacheable: %q", r.header.Get("Cache-Control"))
		}
		secure := newEnv(t, func(o *Options) { o.SecureCookies = true })
		if _, err := secure.accounts.SignUp(t.Context(), node.SignUp{Username: "eve", Password: pw}); err != nil {
			t.Fatal(err)
		}
		r = secure.do("POST", "/api/v1/sessions", []byte(`{"username":"eve","password":"`+pw+`"}`), "Content-Type", "application/json")
		if c := cookieNamed(r.header, api.SessionCookie); c == nil || !c.Secure || !c.HttpOnly {
			t.Errorf("with SecureCookies: %+v", c)
		}
	})

	cookie, csrf := e.login("ada", pw)
	var token string
	t.Run("CSRF protects cookie-authenticated writes", func(t *testing.T) {
		body := []byte(`{"name":"laptop"}`)
		wantProblem(t, e.do("POST", "/api/v1/tokens", body, "Content-Type", "application/json", "Cookie", cookie), 403, meent.EFORBIDDEN)
		wantProblem(t, e.do("POST", "/api/v1/tokens", body, "Content-Type", "application/json", "Cookie", cookie, api.CSRFHeader, "wrong"), 403, meent.EFORBIDDEN)
		wantProblem(t, e.do("POST", "/api/v1/tokens", body, "Content-Type", "application/json"), 401, meent.EUNAUTHORIZED)
		wantProblem(t, e.do("POST", "/api/v1/tokens", body, "Content-Type", "application/json", "Cookie", api.SessionCookie+"=forged", api.CSRFHeader, csrf), 401, meent.EUNAUTHORIZED)
		r := e.do("POST", "/api/v1/tokens", body, "Content-Type", "application/json", "Cookie", cookie, api.CSRFHeader, csrf)
		wantStatus(t, r, 201)
		var tr api.TokenResponse
		r.json(t, &tr)
		if !strings.HasPrefix(tr.Token, "meent_") {
			t.Fatalf("token %q", tr.Token)
		}
		token = tr.Token
	})

	t.Run("actions with an API token need no CSRF", func(t *testing.T) {
		before := e.size()
		r := e.do("POST", "/api/v1/actions", []byte(`{"type":"agent.update","data":{"name":"Ada Lovelace"}}`),
			"Content-Type", "application/json", "Authorization", "Bearer "+token)
		wantStatus(t, r, 201)
		var rc api.Receipt
		r.json(t, &rc)
		if rc.Index != before || rc.TreeSize != before+1 {
			t.Errorf("receipt %+v", rc)
		}
		var ev api.Event
		e.get("/api/v1/events/"+rc.Hash).json(t, &ev)
		if ev.Author != ada.Agent || ev.Type != agent.TypeUpdate || !*ev.SignatureValid {
			t.Errorf("event %+v", ev)
		}
		var a api.Agent
		e.get("/api/v1/agents/"+ada.Agent).json(t, &a)
		if a.Name != "Ada Lovelace" {
			t.Errorf("name %q", a.Name)
		}
	})

	t.Run("action refusals write nothing", func(t *testing.T) {
		before := e.size()
		auth := []string{"Content-Type", "application/json", "Authorization", "Bearer " + token}
		// Ada is not an admin (no bootstrap: she names another agent).
		other := e.createAgent("Other")
		before++
		wantProblem(t, e.do("POST", "/api/v1/actions", []byte(`{"type":"member.set","data":{"agent":"`+other.id+`","role":"member"}}`), auth...), 403, meent.EFORBIDDEN)
		wantProblem(t, e.do("POST", "/api/v1/actions", []byte(`{"type":"agent.update","data":{"name":""}}`), auth...), 422, meent.ERULE)
		wantProblem(t, e.do("POST", "/api/v1/actions", []byte(`{"type":"agent.update","data":{"name":"A","name":"B"}}`), auth...), 400, meent.EINVALID)
		wantProblem(t, e.do("POST", "/api/v1/actions", []byte(`{"type":"agent.update","data":{"nick":"A"}}`), auth...), 400, meent.EMALFORMED)
		wantProblem(t, e.do("POST", "/api/v1/actions", []byte(`{"type":"agent.update","data":[1]}`), auth...), 400, meent.EINVALID)
		wantProblem(t, e.do("POST", "/api/v1/actions", []byte(`{"data":{}}`), auth...), 400, meent.EINVALID)
		wantProblem(t, e.do("POST", "/api/v1/actions", []byte(`{"type":"agent.update","data":{"name":"A"}}`), "Content-Type", "application/json", "Authorization", "Bearer meent_nope"), 401, meent.EUNAUTHORIZED)
		wantProblem(t, e.do("POST", "/api/v1/actions", []byte(`{"type":"agent.update","data":{"name":"A"}}`), "Content-Type", "application/json", "Authorization", "Basic abc"), 401, meent.EUNAUTHORIZED)
		// A bad token is not rescued by a good cookie.
		wantProblem(t, e.do("POST", "/api/v1/actions", []byte(`{"type":"agent.update","data":{"name":"A"}}`), "Content-Type", "application/json", "Authorization", "Bearer meent_nope", "Cookie", cookie, api.CSRFHeader, csrf), 401, meent.EUNAUTHORIZED)
		if e.size() != before {
			t.Errorf("log grew from %d to %d", before, e.size())
		}
	})

	t.Run("actions with a session need CSRF", func(t *testing.T) {
		body := []byte(`{"type":"agent.update","data":{"name":"Ada"}}`)
		wantProblem(t, e.do("POST", "/api/v1/actions", body, "Content-Type", "application/json", "Cookie", cookie), 403, meent.EFORBIDDEN)
		wantStatus(t, e.do("POST", "/api/v1/actions", body, "Content-Type", "application/json", "Cookie", cookie, api.CSRFHeader, csrf), 201)
	})

	t.Run("client login, token and act", func(t *testing.T) {
		ctx := t.Context()
		if _, err := e.client.Login(ctx, "ada", "wrong password"); meent.ErrorCode(err) != meent.EUNAUTHORIZED {
			t.Fatalf("bad login: %v", err)
		}
		s, err := e.client.Login(ctx, "ada", pw)
		if err != nil || s.Agent != ada.Agent || s.Cookie == "" || s.CSRF == "" {
			t.Fatalf("login: %+v, %v", s, err)
		}
		tok, err := e.client.CreateToken(ctx, s, "cli")
		if err != nil {
			t.Fatal(err)
		}
		rc, err := e.client.Act(ctx, tok, agent.TypeUpdate, agent.UpdateData{Name: "Countess"})
		if err != nil {
			t.Fatal(err)
		}
		ev, err := e.client.Event(ctx, rc.Hash)
		if err != nil || ev.Index != rc.Index || !strings.Contains(string(ev.Data), "Countess") {
			t.Fatalf("event %+v, %v", ev, err)
		}
		if err := e.client.Logout(ctx, s); err != nil {
			t.Fatal(err)
		}
		if _, err := e.client.CreateToken(ctx, s, "after logout"); meent.ErrorCode(err) != meent.EUNAUTHORIZED {
			t.Errorf("session still works after logout: %v", err)
		}
		su, err := e.client.SignUp(ctx, api.SignUpRequest{Username: "grace", Password: pw})
		if err != nil || su.Username != "grace" {
			t.Fatalf("client sign-up: %+v, %v", su, err)
		}
	})

	t.Run("logout", func(t *testing.T) {
		c2, csrf2 := e.login("ada", pw)
		wantProblem(t, e.do("DELETE", "/api/v1/sessions", nil, "Cookie", c2), 403, meent.EFORBIDDEN)
		r := e.do("DELETE", "/api/v1/sessions", nil, "Cookie", c2, api.CSRFHeader, csrf2)
		wantStatus(t, r, 204)
		if c := cookieNamed(r.header, api.SessionCookie); c == nil || c.MaxAge >= 0 {
			t.Errorf("cookie not cleared: %+v", c)
		}
		wantProblem(t, e.do("POST", "/api/v1/tokens", []byte(`{"name":"x"}`), "Content-Type", "application/json", "Cookie", c2, api.CSRFHeader, csrf2), 401, meent.EUNAUTHORIZED)
		wantProblem(t, e.do("DELETE", "/api/v1/sessions", nil, "Authorization", "Bearer "+token), 400, meent.EINVALID)
	})

	t.Run("no accounts service", func(t *testing.T) {
		bare := newEnv(t, func(o *Options) { o.Accounts = nil })
		wantProblem(t, bare.do("POST", "/api/v1/accounts", []byte(`{}`), "Content-Type", "application/json"), 503, meent.EUNAVAILABLE)
		wantProblem(t, bare.do("POST", "/api/v1/actions", []byte(`{}`), "Content-Type", "application/json"), 503, meent.EUNAVAILABLE)
	})
}
