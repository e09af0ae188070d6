//go:build integration

package main

// The attacks of issue 9, items 5, 6, 7 and 22, against the real binary:
// tokens that outlive a logout, a password-guessing flood, a huge body
// sent before a CSRF check, and a second server on one data directory.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

const trustPassword = "correct horse battery"

// clientFrom is an HTTP client whose connections come from the loopback
// address ip (127.0.0.0/8 is all loopback on Linux), so a test can be
// several clients to the throttle.
func clientFrom(ip string) *http.Client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}, Timeout: 5 * time.Second}
	return &http.Client{
		Transport: &http.Transport{DialContext: d.DialContext, MaxIdleConnsPerHost: 4},
		Timeout:   60 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

type reply struct {
	status int
	header http.Header
	body   []byte
}

func send(t *testing.T, c *http.Client, method, url string, body []byte, header ...string) reply {
	t.Helper()
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return reply{resp.StatusCode, resp.Header, b}
}

func (r reply) want(t *testing.T, status int) reply {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d: %s", r.status, status, r.body)
	}
	return r
}

// session signs up username and logs in, returning the cookie header
// value and the CSRF token.
func session(t *testing.T, url, username string) (cookie, csrf string) {
	t.Helper()
	c := clientFrom("127.0.0.1")
	send(t, c, "POST", url+"/api/v1/accounts", []byte(`{"username":"`+username+`","password":"`+trustPassword+`"}`), "Content-Type", "application/json").want(t, 201)
	return login(t, c, url, username)
}

func login(t *testing.T, c *http.Client, url, username string) (cookie, csrf string) {
	t.Helper()
	r := send(t, c, "POST", url+"/api/v1/sessions", []byte(`{"username":"`+username+`","password":"`+trustPassword+`"}`), "Content-Type", "application/json").want(t, 200)
	var lr struct {
		CSRF string `json:"csrf"`
	}
	json.Unmarshal(r.body, &lr)
	for _, ck := range (&http.Response{Header: r.header}).Cookies() {
		if ck.Name == "meent_session" {
			return "meent_session=" + ck.Value, lr.CSRF
		}
	}
	t.Fatalf("no session cookie: %v", r.header)
	return "", ""
}

// Item 5: a token made before logout is listed, and revoking it stops it
// at the very next request.
func TestTrustTokens(t *testing.T) {
	p := start(t, "--data", t.TempDir())
	c := clientFrom("127.0.0.1")
	cookie, csrf := session(t, p.url, "ada")
	r := send(t, c, "POST", p.url+"/api/v1/tokens", []byte(`{"name":"script","expires_in_days":7}`),
		"Content-Type", "application/json", "Cookie", cookie, "X-CSRF-Token", csrf).want(t, 201)
	var tok struct {
		Token, ID string
		Expires   string
	}
	json.Unmarshal(r.body, &tok)
	exp, err := time.Parse(time.RFC3339, tok.Expires)
	if err != nil || time.Until(exp) > 7*24*time.Hour+time.Minute || time.Until(exp) < 6*24*time.Hour {
		t.Fatalf("token expires %q (%v)", tok.Expires, err)
	}
	act := func() reply {
		return send(t, c, "POST", p.url+"/api/v1/actions", []byte(`{"type":"agent.update","data":{"name":"Ada L."}}`),
			"Content-Type", "application/json", "Authorization", "Bearer "+tok.Token)
	}
	act().want(t, 201)

	// Logout ends the session; the token is a separate credential and
	// stays listed where its owner sees it.
	send(t, c, "DELETE", p.url+"/api/v1/sessions", nil, "Cookie", cookie, "X-CSRF-Token", csrf).want(t, 204)
	act().want(t, 201)
	cookie, csrf = login(t, c, p.url, "ada")
	page := send(t, c, "GET", p.url+"/account", nil, "Cookie", cookie).want(t, 200)
	if !strings.Contains(string(page.body), "/account/tokens/"+tok.ID+"/revoke") {
		t.Fatalf("the account page does not list the token:\n%s", page.body)
	}
	list := send(t, c, "GET", p.url+"/api/v1/tokens", nil, "Cookie", cookie).want(t, 200)
	if strings.Contains(string(list.body), tok.Token) || !strings.Contains(string(list.body), tok.ID) {
		t.Fatalf("list: %s", list.body)
	}

	send(t, c, "DELETE", p.url+"/api/v1/tokens/"+tok.ID, nil, "Cookie", cookie, "X-CSRF-Token", csrf).want(t, 204)
	if r := act(); r.status != 401 {
		t.Fatalf("a revoked token still acts: %d %s", r.status, r.body)
	}
}

// Item 6: a guessing flood meets resistance at once, does not lock the
// owner out, and does not slow the rest of the node.
func TestTrustLoginFlood(t *testing.T) {
	p := start(t, "--data", t.TempDir())
	session(t, p.url, "ada")
	attacker := clientFrom("127.0.0.1")
	var checked, throttled int
	start := time.Now()
	for range 200 {
		r := send(t, attacker, "POST", p.url+"/api/v1/sessions", []byte(`{"username":"ada","password":"wrong password!"}`), "Content-Type", "application/json")
		switch r.status {
		case 401:
			checked++
		case 429:
			throttled++
			if ra, err := strconv.Atoi(r.header.Get("Retry-After")); err != nil || ra < 1 {
				t.Fatalf("Retry-After %q", r.header.Get("Retry-After"))
			}
			if r.header.Get("Content-Type") != "application/problem+json" {
				t.Fatalf("429 as %s", r.header.Get("Content-Type"))
			}
		default:
			t.Fatalf("status %d: %s", r.status, r.body)
		}
	}
	t.Logf("200 wrong passwords: %d checked, %d throttled, in %s", checked, throttled, time.Since(start))
	if checked > 5 {
		t.Fatalf("%d wrong passwords were checked; want at most 5", checked)
	}
	// The owner, from another address, logs in with no wait.
	login(t, clientFrom("127.0.0.2"), p.url, "ada")
	// The web form says so too.
	r := send(t, attacker, "POST", p.url+"/login", []byte("username=ada&password=wrong+password%21"), "Content-Type", "application/x-www-form-urlencoded")
	if r.status != 429 || !strings.Contains(string(r.body), "try again in") {
		t.Fatalf("login page: %d\n%s", r.status, r.body)
	}

	// A flood of logins from many addresses (each under its own limits)
	// while a reader reads: password hashing takes at most half the
	// cores, so reads stay quick.
	reader := clientFrom("127.0.0.1")
	median := func(n int) time.Duration {
		var ds []time.Duration
		for range n {
			s := time.Now()
			send(t, reader, "GET", p.url+"/api/v1/node", nil).want(t, 200)
			ds = append(ds, time.Since(s))
		}
		slices.Sort(ds)
		return ds[len(ds)/2]
	}
	base := median(40)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var hashed atomic.Int64
	for w := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := clientFrom(fmt.Sprintf("127.0.%d.%d", 10+w, 1))
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				req, _ := http.NewRequest("POST", p.url+"/api/v1/sessions", strings.NewReader(fmt.Sprintf(`{"username":"user%d","password":"wrong password!"}`, i)))
				req.Header.Set("Content-Type", "application/json")
				resp, err := c.Do(req)
				if err != nil {
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode == 401 {
					hashed.Add(1)
				}
			}
		}()
	}
	time.Sleep(time.Second)
	flooded := median(100)
	close(stop)
	wg.Wait()
	t.Logf("GET /api/v1/node median: %s alone, %s during a login flood (%d passwords hashed); ratio %.1f",
		base, flooded, hashed.Load(), float64(flooded)/float64(base))
	// The machine is shared and noisy: the bound is loose. Before hashing
	// was bounded, the same flood made reads 36 times slower (0.7 ms to
	// 25.6 ms); bounded, about 1x.
	if flooded > 10*base && flooded > 5*time.Millisecond {
		t.Errorf("reads slowed from %s to %s under a login flood", base, flooded)
	}
}

// bigBody yields n bytes: one multipart file part that never ends.
type bigBody struct{ n, read int64 }

func (b *bigBody) Read(p []byte) (int, error) {
	const head = "--xyz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big\"\r\n\r\n"
	if b.read >= b.n {
		return 0, io.EOF
	}
	k := min(int64(len(p)), b.n-b.read)
	for i := range p[:k] {
		p[i] = 'a'
	}
	if b.read < int64(len(head)) {
		k = int64(copy(p, head[b.read:]))
	}
	atomic.AddInt64(&b.read, k)
	return int(k), nil
}

// Item 7: a 1 GiB body to a cookie-authenticated route is refused before
// it is read.
func TestTrustHugeBody(t *testing.T) {
	p := start(t, "--data", t.TempDir())
	cookie, _ := session(t, p.url, "ada")
	for _, path := range []string{"/api/v1/actions", "/api/v1/tokens"} {
		for _, chunked := range []bool{false, true} {
			body := &bigBody{n: 1 << 30}
			req, _ := http.NewRequestWithContext(context.Background(), "POST", p.url+path, body)
			if !chunked {
				req.ContentLength = body.n
			}
			req.Header.Set("Content-Type", "multipart/form-data; boundary=xyz")
			req.Header.Set("Cookie", cookie)
			s := time.Now()
			resp, err := http.DefaultTransport.RoundTrip(req)
			took := time.Since(s)
			status := 0
			if err == nil {
				status = resp.StatusCode
				resp.Body.Close()
			}
			sent := atomic.LoadInt64(&body.read)
			t.Logf("%s chunked=%v: status %d (err %v), %d bytes sent, %s", path, chunked, status, err, sent, took)
			if err == nil && status != 413 && status != 403 {
				t.Errorf("%s: status %d", path, status)
			}
			if sent > 16<<20 || took > 5*time.Second {
				t.Errorf("%s chunked=%v: %d bytes sent in %s before the refusal", path, chunked, sent, took)
			}
		}
	}
	// And the server is fine afterwards.
	send(t, clientFrom("127.0.0.1"), "GET", p.url+"/healthz", nil).want(t, 200)
	// Item 8 on the same binary: control bytes in a filter are 400.
	send(t, clientFrom("127.0.0.1"), "GET", p.url+"/api/v1/events?type=%00", nil).want(t, 400)
}

// Item 22: a second server on one SQLite data directory is refused, and a
// server killed with SIGKILL leaves no lock behind.
func TestTrustOneServerPerDirectory(t *testing.T) {
	data := t.TempDir()
	p := start(t, "--data", data)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, binary, "serve", "--listen", "127.0.0.1:0", "--data", data).CombinedOutput()
	if err == nil || !strings.Contains(string(out), "in use") {
		t.Fatalf("a second serve on %s: err=%v\n%s", data, err, out)
	}
	p.cmd.Process.Signal(syscall.SIGKILL)
	p.cmd.Wait()
	p2 := start(t, "--data", data)
	send(t, clientFrom("127.0.0.1"), "GET", p2.url+"/healthz", nil).want(t, 200)
}
