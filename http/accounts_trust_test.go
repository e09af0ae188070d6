package http

import (
	"crypto/sha256"
	"fmt"
	"io"
	nethttp "net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/meent/meent"
	"github.com/meent/meent/api"
	"github.com/meent/meent/node"
)

const trustPW = "correct horse battery"

// signUpAndLogin makes an account and returns its agent, cookie and CSRF.
func (e *env) signUpAndLogin(username string) (agentID, cookie, csrf string) {
	e.t.Helper()
	acct, err := e.accounts.SignUp(e.t.Context(), node.SignUp{Username: username, Password: trustPW})
	if err != nil {
		e.t.Fatal(err)
	}
	cookie, csrf = e.login(username, trustPW)
	return acct.Agent, cookie, csrf
}

// Item 5: tokens expire, are listed without their secret, and revocation
// takes effect at the very next request.
func TestTokenLifecycle(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	agentID, cookie, csrf := e.signUpAndLogin("ada")
	session := []string{"Content-Type", "application/json", "Cookie", cookie, api.CSRFHeader, csrf}
	act := func(token string) response {
		return e.do("POST", "/api/v1/actions", []byte(`{"type":"agent.update","data":{"name":"Ada"}}`),
			"Content-Type", "application/json", "Authorization", "Bearer "+token)
	}

	r := e.do("POST", "/api/v1/tokens", []byte(`{"name":"backup","expires_in_days":30}`), session...)
	wantStatus(t, r, 201)
	var backup api.TokenResponse
	r.json(t, &backup)
	if d := time.Until(backup.Expires.Time()); d < 29*24*time.Hour || d > 30*24*time.Hour+time.Minute {
		t.Errorf("a 30-day token expires in %s", d)
	}
	r = e.do("POST", "/api/v1/tokens", []byte(`{"name":"laptop"}`), session...)
	wantStatus(t, r, 201)
	var laptop api.TokenResponse
	r.json(t, &laptop)
	if d := time.Until(laptop.Expires.Time()); d < 89*24*time.Hour || d > 90*24*time.Hour+time.Minute {
		t.Errorf("a token with the default life expires in %s, want 90 days", d)
	}
	for _, bad := range []string{`{"name":"x","expires_in_days":-1}`, `{"name":"x","expires_in_days":367}`} {
		wantProblem(t, e.do("POST", "/api/v1/tokens", []byte(bad), session...), 400, meent.EINVALID)
	}
	// A token cannot make a token that would outlive its revocation.
	wantProblem(t, e.do("POST", "/api/v1/tokens", []byte(`{"name":"child"}`), "Content-Type", "application/json", "Authorization", "Bearer "+laptop.Token), 403, meent.EFORBIDDEN)

	wantStatus(t, act(laptop.Token), 201)

	t.Run("client", func(t *testing.T) {
		s, err := e.client.Login(t.Context(), "ada", trustPW)
		if err != nil {
			t.Fatal(err)
		}
		tok, err := e.client.CreateToken(t.Context(), s, "client")
		if err != nil {
			t.Fatal(err)
		}
		list, err := e.client.Tokens(t.Context(), tok)
		if err != nil || len(list) != 3 || list[0].Name != "client" {
			t.Fatalf("Tokens = %+v, %v", list, err)
		}
		if err := e.client.RevokeToken(t.Context(), tok, list[0].ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.client.Tokens(t.Context(), tok); meent.ErrorCode(err) != meent.EUNAUTHORIZED {
			t.Fatalf("a revoked token lists: %v", err)
		}
	})

	t.Run("list never shows a secret", func(t *testing.T) {
		r := e.get("/api/v1/tokens", "Authorization", "Bearer "+laptop.Token)
		wantStatus(t, r, 200)
		if r.header.Get("Cache-Control") != "no-store" {
			t.Errorf("Cache-Control %q", r.header.Get("Cache-Control"))
		}
		if strings.Contains(string(r.body), laptop.Token) || strings.Contains(string(r.body), backup.Token) {
			t.Fatalf("the list holds a secret: %s", r.body)
		}
		var l api.TokenList
		r.json(t, &l)
		if len(l.Tokens) != 2 || l.Tokens[0].ID != laptop.ID || l.Tokens[1].ID != backup.ID {
			t.Fatalf("list %+v", l)
		}
		if l.Tokens[0].LastUsed == nil || l.Tokens[1].LastUsed != nil {
			t.Errorf("last used: laptop %v, backup %v", l.Tokens[0].LastUsed, l.Tokens[1].LastUsed)
		}
		wantProblem(t, e.get("/api/v1/tokens"), 401, meent.EUNAUTHORIZED)
	})

	t.Run("logout leaves tokens, which the account page lists", func(t *testing.T) {
		c2, csrf2 := e.login("ada", trustPW)
		wantStatus(t, e.do("DELETE", "/api/v1/sessions", nil, "Cookie", c2, api.CSRFHeader, csrf2), 204)
		wantStatus(t, act(backup.Token), 201)
		page := e.get("/account", "Cookie", cookie)
		wantStatus(t, page, 200)
		wantContains(t, page, "backup", "laptop", "/account/tokens/"+backup.ID+"/revoke")
	})

	t.Run("revocation takes effect at once", func(t *testing.T) {
		// Without the CSRF header a session cannot revoke.
		wantProblem(t, e.do("DELETE", "/api/v1/tokens/"+laptop.ID, nil, "Cookie", cookie), 403, meent.EFORBIDDEN)
		wantStatus(t, e.do("DELETE", "/api/v1/tokens/"+laptop.ID, nil, "Cookie", cookie, api.CSRFHeader, csrf), 204)
		wantProblem(t, act(laptop.Token), 401, meent.EUNAUTHORIZED)
		wantProblem(t, e.do("DELETE", "/api/v1/tokens/"+laptop.ID, nil, "Cookie", cookie, api.CSRFHeader, csrf), 404, meent.ENOTFOUND)
		// A token may revoke itself.
		wantStatus(t, e.do("DELETE", "/api/v1/tokens/"+backup.ID, nil, "Authorization", "Bearer "+backup.Token), 204)
		wantProblem(t, act(backup.Token), 401, meent.EUNAUTHORIZED)
	})

	t.Run("another agent's token cannot be revoked", func(t *testing.T) {
		_, cb, csrfb := e.signUpAndLogin("bob")
		r := e.do("POST", "/api/v1/tokens", []byte(`{"name":"bob's"}`), "Content-Type", "application/json", "Cookie", cb, api.CSRFHeader, csrfb)
		wantStatus(t, r, 201)
		var bobs api.TokenResponse
		r.json(t, &bobs)
		wantProblem(t, e.do("DELETE", "/api/v1/tokens/"+bobs.ID, nil, "Cookie", cookie, api.CSRFHeader, csrf), 404, meent.ENOTFOUND)
		wantStatus(t, act(bobs.Token), 201)
	})

	t.Run("an expired token is refused", func(t *testing.T) {
		secret := "meent_expired-token-for-the-test"
		err := e.store.CreateToken(t.Context(), meent.Token{
			Hash: sha256.Sum256([]byte(secret)), ID: "00000000000000ee", Agent: agentID, Name: "old",
			Created: time.Now().Add(-91 * 24 * time.Hour).UnixMilli(), Expires: time.Now().Add(-time.Hour).UnixMilli(),
		})
		if err != nil {
			t.Fatal(err)
		}
		p := wantProblem(t, act(secret), 401, meent.EUNAUTHORIZED)
		if !strings.Contains(p.Detail, "expired") {
			t.Errorf("detail %q", p.Detail)
		}
		var l api.TokenList
		e.get("/api/v1/tokens", "Cookie", cookie).json(t, &l)
		if len(l.Tokens) != 1 || !l.Tokens[0].Expired {
			t.Errorf("list %+v", l)
		}
	})

	t.Run("the account page makes and revokes tokens", func(t *testing.T) {
		form := url.Values{"csrf": {csrf}, "token_name": {"from the page"}, "days": {"7"}}
		r := e.do("POST", "/account/tokens", []byte(form.Encode()), "Content-Type", "application/x-www-form-urlencoded", "Cookie", cookie)
		wantStatus(t, r, 201)
		m := regexp.MustCompile(`meent_[A-Za-z0-9_-]{43}`).FindString(string(r.body))
		if m == "" {
			t.Fatalf("the page does not show the new token:\n%s", r.body)
		}
		if r.header.Get("Cache-Control") != "no-store" {
			t.Errorf("the page with a secret is cacheable: %q", r.header.Get("Cache-Control"))
		}
		wantStatus(t, act(m), 201)
		var l api.TokenList
		e.get("/api/v1/tokens", "Authorization", "Bearer "+m).json(t, &l)
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
		r = e.do("POST", "/account/tokens/"+id+"/revoke", []byte("csrf=wrong"), "Content-Type", "application/x-www-form-urlencoded", "Cookie", cookie)
		wantStatus(t, r, 403)
		wantStatus(t, act(m), 201)
		r = e.do("POST", "/account/tokens/"+id+"/revoke", []byte("csrf="+url.QueryEscape(csrf)), "Content-Type", "application/x-www-form-urlencoded", "Cookie", cookie)
		wantStatus(t, r, 303)
		wantProblem(t, act(m), 401, meent.EUNAUTHORIZED)
	})
}

// serveFrom runs one request through the server's handler as if it came
// from addr, so tests can be several clients.
func (e *env) serveFrom(addr, method, path string, body string, header ...string) response {
	e.t.Helper()
	req := httptest.NewRequestWithContext(e.t.Context(), method, path, strings.NewReader(body))
	req.RemoteAddr = addr
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	e.server.Handler().ServeHTTP(rec, req)
	return response{status: rec.Code, header: rec.Header(), body: rec.Body.Bytes()}
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
	e := newEnv(t, func(o *Options) { o.Now = clock.now })
	if _, err := e.accounts.SignUp(t.Context(), node.SignUp{Username: "ada", Password: trustPW}); err != nil {
		t.Fatal(err)
	}
	login := func(addr, user, pw string) response {
		return e.serveFrom(addr, "POST", "/api/v1/sessions", `{"username":"`+user+`","password":"`+pw+`"}`, "Content-Type", "application/json")
	}
	const attacker, owner = "198.51.100.7:40000", "203.0.113.9:50000"

	// 200 wrong passwords in a row: only the first 5 are even checked.
	var checked, throttled int
	for range 200 {
		r := login(attacker, "ada", "wrong password!")
		switch r.status {
		case 401:
			checked++
		case 429:
			throttled++
			p := wantProblem(t, r, 429, meent.ETOOMANY)
			ra, err := strconv.Atoi(r.header.Get("Retry-After"))
			if err != nil || ra < 1 || ra > 60 {
				t.Fatalf("Retry-After %q", r.header.Get("Retry-After"))
			}
			if !strings.Contains(p.Detail, "try again in") {
				t.Fatalf("detail %q", p.Detail)
			}
		default:
			t.Fatalf("status %d: %s", r.status, r.body)
		}
	}
	if checked != 5 || throttled != 195 {
		t.Fatalf("%d wrong passwords checked, %d throttled; want 5 and 195", checked, throttled)
	}
	wantContains(t, e.get("/metrics"), `meent_login_attempts_total{result="throttled"} 195`, `meent_login_attempts_total{result="wrong"} 5`)
	// The owner, from their own address, logs in at once.
	wantStatus(t, login(owner, "ada", trustPW), 200)
	// From the attacker's address the account stays throttled, even with
	// the right password, until the bucket refills: one try a minute.
	wantProblem(t, login(attacker, "ada", trustPW), 429, meent.ETOOMANY)
	clock.add(61 * time.Second)
	wantStatus(t, login(attacker, "ada", "wrong password!"), 401)
	wantProblem(t, login(attacker, "ada", "wrong password!"), 429, meent.ETOOMANY)
	// It decays: five minutes later the pair is whole again.
	clock.add(5 * time.Minute)
	for range 5 {
		wantStatus(t, login(attacker, "ada", "wrong password!"), 401)
	}
	wantProblem(t, login(attacker, "ada", "wrong password!"), 429, meent.ETOOMANY)

	t.Run("per address, across accounts", func(t *testing.T) {
		const sprayer = "192.0.2.200:1"
		n := 0
		for i := range 100 {
			r := login(sprayer, fmt.Sprintf("user%d", i), "wrong password!")
			if r.status == 429 {
				break
			}
			wantStatus(t, r, 401)
			n++
		}
		if n != 30 {
			t.Fatalf("one address tried %d accounts before being throttled, want 30", n)
		}
	})

	t.Run("per account, across addresses, never the owner", func(t *testing.T) {
		if _, err := e.accounts.SignUp(t.Context(), node.SignUp{Username: "grace", Password: trustPW}); err != nil {
			t.Fatal(err)
		}
		// Grace logs in from home before the attack.
		wantStatus(t, login("10.200.0.1:1", "grace", trustPW), 200)
		// A botnet: 5 failures from each of 20 addresses (100 > 60).
		refused := 0
		for a := range 20 {
			for range 5 {
				if login(fmt.Sprintf("10.9.0.%d:1", a), "grace", "wrong password!").status == 429 {
					refused++
				}
			}
		}
		if refused == 0 {
			t.Fatal("100 failures for one account from 20 addresses met no account-wide limit")
		}
		wantStatus(t, login("10.200.0.1:1", "grace", trustPW), 200)
		// From a place she never used, she waits for the account's next
		// token (at most 10 s), like the botnet: never longer.
		r := login("10.201.0.1:1", "grace", trustPW)
		wantProblem(t, r, 429, meent.ETOOMANY)
		if ra, err := strconv.Atoi(r.header.Get("Retry-After")); err != nil || ra < 1 || ra > 10 {
			t.Fatalf("Retry-After %q from a new place, want 1 to 10 s", r.header.Get("Retry-After"))
		}
	})

	t.Run("the login page says how long to wait", func(t *testing.T) {
		r := e.serveFrom(attacker, "POST", "/login", "username=ada&password=wrong+password%21", "Content-Type", "application/x-www-form-urlencoded")
		wantStatus(t, r, 429)
		if r.header.Get("Retry-After") == "" {
			t.Error("no Retry-After on the page")
		}
		wantContains(t, r, "too many failed logins", "try again in")
	})
}

func TestThrottleTablesAreBounded(t *testing.T) {
	t.Parallel()
	bs := newBuckets(pairLimit)
	now := time.Now()
	for i := range maxThrottleKeys + 500 {
		bs.take(strconv.Itoa(i), now)
	}
	if len(bs.m) > maxThrottleKeys {
		t.Fatalf("%d keys, bound %d", len(bs.m), maxThrottleKeys)
	}
	// The newest key, the one with least tokens, is kept.
	if _, ok := bs.m[strconv.Itoa(maxThrottleKeys+499)]; !ok {
		t.Error("the newest bucket was dropped")
	}
}

// Item 6: a flood of logins hashes on at most half the cores at once.
func TestLoginHashingBounded(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	if _, err := e.accounts.SignUp(t.Context(), node.SignUp{Username: "ada", Password: trustPW}); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var bad atomic.Int32
	for i := range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := e.serveFrom(fmt.Sprintf("10.1.%d.1:1", i), "POST", "/api/v1/sessions", `{"username":"ada","password":"wrong password!"}`, "Content-Type", "application/json")
			if r.status != 401 {
				bad.Add(1)
			}
		}()
	}
	wg.Wait()
	if bad.Load() != 0 {
		t.Errorf("%d logins not answered 401", bad.Load())
	}
	seen, limit := e.accounts.MaxConcurrentHashes()
	if seen < 1 || seen > limit {
		t.Fatalf("%d hashes ran at once; the bound is %d", seen, limit)
	}
}

// countingReader yields n bytes of a multipart body, one file part that
// never ends, and counts what was taken from it.
type countingReader struct {
	n, read int64
}

const multipartHead = "--xyz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big\"\r\nContent-Type: application/octet-stream\r\n\r\n"

func (c *countingReader) Read(p []byte) (int, error) {
	if c.read >= c.n {
		return 0, io.EOF
	}
	k := min(int64(len(p)), c.n-c.read)
	for i := range p[:k] {
		p[i] = 'a'
	}
	if c.read < int64(len(multipartHead)) {
		k = int64(copy(p, multipartHead[c.read:]))
	}
	atomic.AddInt64(&c.read, k)
	return int(k), nil
}

// Item 7: a huge body to a cookie-authenticated route is refused before
// it is read, with or without a declared length.
func TestHugeBodiesRefusedUnread(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	_, cookie, _ := e.signUpAndLogin("ada")
	const huge = 1 << 30
	for _, path := range []string{"/api/v1/actions", "/api/v1/tokens", "/api/v1/sessions", "/login", "/account"} {
		for _, chunked := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s chunked=%v", path, chunked), func(t *testing.T) {
				body := &countingReader{n: huge}
				var rd io.Reader = body
				req, err := nethttp.NewRequestWithContext(t.Context(), "POST", e.http.URL+path, rd)
				if err != nil {
					t.Fatal(err)
				}
				if !chunked {
					req.ContentLength = huge
				}
				req.Header.Set("Content-Type", "multipart/form-data; boundary=xyz")
				req.Header.Set("Cookie", cookie)
				start := time.Now()
				resp, err := nethttp.DefaultTransport.RoundTrip(req)
				took := time.Since(start)
				if err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					// 413 or 403 on the API; a web form that does not
					// take multipart reads nothing of it and refuses the
					// empty form.
					if resp.StatusCode < 400 || resp.StatusCode >= 500 {
						t.Errorf("status %d", resp.StatusCode)
					}
				}
				if read := atomic.LoadInt64(&body.read); read > 16<<20 {
					t.Errorf("%d bytes of the body were sent before the refusal", read)
				}
				if took > 5*time.Second {
					t.Errorf("refusal took %s", took)
				}
			})
		}
	}
	t.Run("a declared oversize body is 413 at once", func(t *testing.T) {
		r := e.do("POST", "/api/v1/events", make([]byte, DefaultMaxBody+1), "Content-Type", "application/vnd.meent.event")
		wantProblem(t, r, 413, meent.ETOOLARGE)
	})
}

// Item 8: bytes no parameter may hold are 400, before any query runs.
func TestControlBytesInParameters(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.createAgent("Ada")
	for _, path := range []string{
		"/api/v1/events?type=%00",
		"/api/v1/events?type=agent.%ff",
		"/api/v1/agents?kind=%ff",
		"/api/v1/agents?kind=person%0a",
		"/api/v1/commons?kind=%00",
		"/api/v1/commons/%ff",
		"/api/v1/agents/%00/contributions",
	} {
		wantProblem(t, e.get(path), 400, meent.EINVALID)
	}
	wantStatus(t, e.get("/api/v1/agents?kind=person"), 200)
	wantStatus(t, e.get("/api/v1/events?type=agent.create"), 200)
	// A web page answers with an error page of the same status.
	wantStatus(t, e.get("/commons?kind=%00"), 400)
}
