package wire

import (
	"crypto/sha256"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/meent/meent"
	"github.com/meent/meent/api"
	"github.com/meent/meent/api/apitest"
	"github.com/meent/meent/http"
	"github.com/meent/meent/node"
)

const trustPW = "correct horse battery"

// Item 5: tokens expire, are listed without their secret, and revocation
// takes effect at the very next request.
func TestTokenLifecycle(t *testing.T) {
	t.Parallel()
	e := apitest.New(t, Register)
	agentID, cookie, csrf := e.SignUpAndLogin("ada", trustPW)
	session := []string{"Content-Type", "application/json", "Cookie", cookie, api.CSRFHeader, csrf}
	act := func(token string) apitest.Response {
		return e.Do("POST", "/api/v1/actions", []byte(`{"type":"agent.update","data":{"name":"Ada"}}`),
			"Content-Type", "application/json", "Authorization", "Bearer "+token)
	}

	r := e.Do("POST", "/api/v1/tokens", []byte(`{"name":"backup","expires_in_days":30}`), session...)
	apitest.WantStatus(t, r, 201)
	var backup api.TokenResponse
	r.JSON(t, &backup)
	if d := time.Until(backup.Expires.Time()); d < 29*24*time.Hour || d > 30*24*time.Hour+time.Minute {
		t.Errorf("a 30-day token expires in %s", d)
	}
	r = e.Do("POST", "/api/v1/tokens", []byte(`{"name":"laptop"}`), session...)
	apitest.WantStatus(t, r, 201)
	var laptop api.TokenResponse
	r.JSON(t, &laptop)
	if d := time.Until(laptop.Expires.Time()); d < 89*24*time.Hour || d > 90*24*time.Hour+time.Minute {
		t.Errorf("a token with the default life expires in %s, want 90 days", d)
	}
	for _, bad := range []string{`{"name":"x","expires_in_days":-1}`, `{"name":"x","expires_in_days":367}`} {
		apitest.WantProblem(t, e.Do("POST", "/api/v1/tokens", []byte(bad), session...), 400, meent.EINVALID)
	}
	// A token cannot make a token that would outlive its revocation.
	apitest.WantProblem(t, e.Do("POST", "/api/v1/tokens", []byte(`{"name":"child"}`), "Content-Type", "application/json", "Authorization", "Bearer "+laptop.Token), 403, meent.EFORBIDDEN)

	apitest.WantStatus(t, act(laptop.Token), 201)

	t.Run("client", func(t *testing.T) {
		s, err := e.Client.Login(t.Context(), "ada", trustPW)
		if err != nil {
			t.Fatal(err)
		}
		tok, err := e.Client.CreateToken(t.Context(), s, "client")
		if err != nil {
			t.Fatal(err)
		}
		list, err := e.Client.Tokens(t.Context(), tok)
		if err != nil || len(list) != 3 || list[0].Name != "client" {
			t.Fatalf("Tokens = %+v, %v", list, err)
		}
		if err := e.Client.RevokeToken(t.Context(), tok, list[0].ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.Client.Tokens(t.Context(), tok); meent.ErrorCode(err) != meent.EUNAUTHORIZED {
			t.Fatalf("a revoked token lists: %v", err)
		}
	})

	t.Run("list never shows a secret", func(t *testing.T) {
		r := e.Get("/api/v1/tokens", "Authorization", "Bearer "+laptop.Token)
		apitest.WantStatus(t, r, 200)
		if r.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("Cache-Control %q", r.Header.Get("Cache-Control"))
		}
		if strings.Contains(string(r.Body), laptop.Token) || strings.Contains(string(r.Body), backup.Token) {
			t.Fatalf("the list holds a secret: %s", r.Body)
		}
		var l api.TokenList
		r.JSON(t, &l)
		if len(l.Tokens) != 2 || l.Tokens[0].ID != laptop.ID || l.Tokens[1].ID != backup.ID {
			t.Fatalf("list %+v", l)
		}
		if l.Tokens[0].LastUsed == nil || l.Tokens[1].LastUsed != nil {
			t.Errorf("last used: laptop %v, backup %v", l.Tokens[0].LastUsed, l.Tokens[1].LastUsed)
		}
		apitest.WantProblem(t, e.Get("/api/v1/tokens"), 401, meent.EUNAUTHORIZED)
	})

	t.Run("logout leaves tokens, which the account page lists", func(t *testing.T) {
		c2, csrf2 := e.Login("ada", trustPW)
		apitest.WantStatus(t, e.Do("DELETE", "/api/v1/sessions", nil, "Cookie", c2, api.CSRFHeader, csrf2), 204)
		apitest.WantStatus(t, act(backup.Token), 201)
		page := e.Get("/account", "Cookie", cookie)
		apitest.WantStatus(t, page, 200)
		apitest.WantContains(t, page, "backup", "laptop", "/account/tokens/"+backup.ID+"/revoke")
	})

	t.Run("revocation takes effect at once", func(t *testing.T) {
		// Without the CSRF header a session cannot revoke.
		apitest.WantProblem(t, e.Do("DELETE", "/api/v1/tokens/"+laptop.ID, nil, "Cookie", cookie), 403, meent.EFORBIDDEN)
		apitest.WantStatus(t, e.Do("DELETE", "/api/v1/tokens/"+laptop.ID, nil, "Cookie", cookie, api.CSRFHeader, csrf), 204)
		apitest.WantProblem(t, act(laptop.Token), 401, meent.EUNAUTHORIZED)
		apitest.WantProblem(t, e.Do("DELETE", "/api/v1/tokens/"+laptop.ID, nil, "Cookie", cookie, api.CSRFHeader, csrf), 404, meent.ENOTFOUND)
		// A token may revoke itself.
		apitest.WantStatus(t, e.Do("DELETE", "/api/v1/tokens/"+backup.ID, nil, "Authorization", "Bearer "+backup.Token), 204)
		apitest.WantProblem(t, act(backup.Token), 401, meent.EUNAUTHORIZED)
	})

	t.Run("another agent's token cannot be revoked", func(t *testing.T) {
		_, cb, csrfb := e.SignUpAndLogin("bob", trustPW)
		r := e.Do("POST", "/api/v1/tokens", []byte(`{"name":"bob's"}`), "Content-Type", "application/json", "Cookie", cb, api.CSRFHeader, csrfb)
		apitest.WantStatus(t, r, 201)
		var bobs api.TokenResponse
		r.JSON(t, &bobs)
		apitest.WantProblem(t, e.Do("DELETE", "/api/v1/tokens/"+bobs.ID, nil, "Cookie", cookie, api.CSRFHeader, csrf), 404, meent.ENOTFOUND)
		apitest.WantStatus(t, act(bobs.Token), 201)
	})

	t.Run("an expired token is refused", func(t *testing.T) {
		secret := "meent_expired-token-for-the-test"
		err := e.Store.CreateToken(t.Context(), meent.Token{
			Hash: sha256.Sum256([]byte(secret)), ID: "00000000000000ee", Agent: agentID, Name: "old",
			Created: time.Now().Add(-91 * 24 * time.Hour).UnixMilli(), Expires: time.Now().Add(-time.Hour).UnixMilli(),
		})
		if err != nil {
			t.Fatal(err)
		}
		p := apitest.WantProblem(t, act(secret), 401, meent.EUNAUTHORIZED)
		if !strings.Contains(p.Detail, "expired") {
			t.Errorf("detail %q", p.Detail)
		}
		var l api.TokenList
		e.Get("/api/v1/tokens", "Cookie", cookie).JSON(t, &l)
		if len(l.Tokens) != 1 || !l.Tokens[0].Expired {
			t.Errorf("list %+v", l)
		}
	})

	t.Run("the account page makes and revokes tokens", func(t *testing.T) {
		form := url.Values{"csrf": {csrf}, "token_name": {"from the page"}, "days": {"7"}}
		r := e.Do("POST", "/account/tokens", []byte(form.Encode()), "Content-Type", "application/x-www-form-urlencoded", "Cookie", cookie)
		apitest.WantStatus(t, r, 201)
		m := regexp.MustCompile(`meent_[A-Za-z0-9_-]{43}`).FindString(string(r.Body))
		if m == "" {
			t.Fatalf("the page does not show the new token:\n%s", r.Body)
		}
		if r.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("the page with a secret is cacheable: %q", r.Header.Get("Cache-Control"))
		}
		apitest.WantStatus(t, act(m), 201)
		var l api.TokenList
		e.Get("/api/v1/tokens", "Authorization", "Bearer "+m).JSON(t, &l)
		var id string
		for _, ti := range l.Tokens {
			if ti.Name == "from the page" {
				id = ti.ID
			}
		}
		if id == "" {
			t.Fatalf("list %+v", l)
		}
		// Without the form's CSRF token: refused, and the token lives.
		r = e.Do("POST", "/account/tokens/"+id+"/revoke", []byte("csrf=wrong"), "Content-Type", "application/x-www-form-urlencoded", "Cookie", cookie)
		apitest.WantStatus(t, r, 403)
		apitest.WantStatus(t, act(m), 201)
		r = e.Do("POST", "/account/tokens/"+id+"/revoke", []byte("csrf="+url.QueryEscape(csrf)), "Content-Type", "application/x-www-form-urlencoded", "Cookie", cookie)
		apitest.WantStatus(t, r, 303)
		apitest.WantProblem(t, act(m), 401, meent.EUNAUTHORIZED)
	})
}

// fakeClock is a settable clock for the throttle.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// Item 6: wrong passwords meet resistance that decays, and the owner is
// never locked out.
func TestLoginThrottle(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{t: time.Now()}
	e := apitest.New(t, Register, func(o *http.Options) { o.Now = clock.now })
	if _, err := e.Accounts.SignUp(t.Context(), node.SignUp{Username: "ada", Password: trustPW}); err != nil {
		t.Fatal(err)
	}
	login := func(addr, user, pw string) apitest.Response {
		return e.ServeFrom(addr, "POST", "/api/v1/sessions", `{"username":"`+user+`","password":"`+pw+`"}`, "Content-Type", "application/json")
	}
	const attacker, owner = "198.51.100.7:40000", "203.0.113.9:50000"

	// 200 wrong passwords in a row: only the first 5 are even checked.
	var checked, throttled int
	for range 200 {
		r := login(attacker, "ada", "wrong password!")
		switch r.Status {
		case 401:
			checked++
		case 429:
			throttled++
			p := apitest.WantProblem(t, r, 429, meent.ETOOMANY)
			ra, err := strconv.Atoi(r.Header.Get("Retry-After"))
			if err != nil || ra < 1 || ra > 60 {
				t.Fatalf("Retry-After %q", r.Header.Get("Retry-After"))
			}
			if !strings.Contains(p.Detail, "try again in") {
				t.Fatalf("detail %q", p.Detail)
			}
		default:
			t.Fatalf("status %d: %s", r.Status, r.Body)
		}
	}
	if checked != 5 || throttled != 195 {
		t.Fatalf("%d wrong passwords checked, %d throttled; want 5 and 195", checked, throttled)
	}
	apitest.WantContains(t, e.Get("/metrics"), `meent_login_attempts_total{result="throttled"} 195`, `meent_login_attempts_total{result="wrong"} 5`)
	// The owner, from their own address, logs in at once.
	apitest.WantStatus(t, login(owner, "ada", trustPW), 200)
	// From the attacker's address the account stays throttled, even with
	// the right password, until the bucket refills: one try a minute.
	apitest.WantProblem(t, login(attacker, "ada", trustPW), 429, meent.ETOOMANY)
	clock.add(61 * time.Second)
	apitest.WantStatus(t, login(attacker, "ada", "wrong password!"), 401)
	apitest.WantProblem(t, login(attacker, "ada", "wrong password!"), 429, meent.ETOOMANY)
	// It decays: five minutes later the pair is whole again.
	clock.add(5 * time.Minute)
	for range 5 {
		apitest.WantStatus(t, login(attacker, "ada", "wrong password!"), 401)
	}
	apitest.WantProblem(t, login(attacker, "ada", "wrong password!"), 429, meent.ETOOMANY)

	t.Run("per address, across accounts", func(t *testing.T) {
		const sprayer = "192.0.2.200:1"
		n := 0
		for i := range 100 {
			r := login(sprayer, fmt.Sprintf("user%d", i), "wrong password!")
			if r.Status == 429 {
				break
			}
			apitest.WantStatus(t, r, 401)
			n++
		}
		if n != 30 {
			t.Fatalf("one address tried %d accounts before being throttled, want 30", n)
		}
	})

	t.Run("per account, across addresses, never the owner", func(t *testing.T) {
		if _, err := e.Accounts.SignUp(t.Context(), node.SignUp{Username: "grace", Password: trustPW}); err != nil {
			t.Fatal(err)
		}
		// Grace logs in from home before the attack.
		apitest.WantStatus(t, login("10.200.0.1:1", "grace", trustPW), 200)
		// A botnet: 5 failures from each of 20 addresses (100 > 60).
		refused := 0
		for a := range 20 {
			for range 5 {
				if login(fmt.Sprintf("10.9.0.%d:1", a), "grace", "wrong password!").Status == 429 {
					refused++
				}
			}
		}
		if refused == 0 {
			t.Fatal("100 failures for one account from 20 addresses met no account-wide limit")
		}
		apitest.WantStatus(t, login("10.200.0.1:1", "grace", trustPW), 200)
		// From a place she never used, she waits for the account's next
		// token (at most 10 s), like the botnet: never longer.
		r := login("10.201.0.1:1", "grace", trustPW)
		apitest.WantProblem(t, r, 429, meent.ETOOMANY)
		if ra, err := strconv.Atoi(r.Header.Get("Retry-After")); err != nil || ra < 1 || ra > 10 {
			t.Fatalf("Retry-After %q from a new place, want 1 to 10 s", r.Header.Get("Retry-After"))
		}
	})

	t.Run("the login page says how long to wait", func(t *testing.T) {
		r := e.ServeFrom(attacker, "POST", "/login", "username=ada&password=wrong+password%21", "Content-Type", "application/x-www-form-urlencoded")
		apitest.WantStatus(t, r, 429)
		if r.Header.Get("Retry-After") == "" {
			t.Error("no Retry-After on the page")
		}
		apitest.WantContains(t, r, "too many failed logins", "try again in")
	})
}

// Item 8: bytes no parameter may hold are 400, before any query runs.
func TestControlBytesInParameters(t *testing.T) {
	t.Parallel()
	e := apitest.New(t, Register)
	e.CreateAgent("Ada")
	for _, path := range []string{
		"/api/v1/events?type=%00",
		"/api/v1/events?type=agent.%ff",
		"/api/v1/agents?kind=%ff",
		"/api/v1/agents?kind=person%0a",
		"/api/v1/commons?kind=%00",
		"/api/v1/commons/%ff",
		"/api/v1/agents/%00/contributions",
	} {
		apitest.WantProblem(t, e.Get(path), 400, meent.EINVALID)
	}
	apitest.WantStatus(t, e.Get("/api/v1/agents?kind=person"), 200)
	apitest.WantStatus(t, e.Get("/api/v1/events?type=agent.create"), 200)
	// A web page answers with an error page of the same status.
	apitest.WantStatus(t, e.Get("/commons?kind=%00"), 400)
}
