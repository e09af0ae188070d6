package sharingapi

// The helpers of http's own tests (http/helpers_test.go and the shared
// part of http/commons_test.go and accounts_test.go), on a server with this area registered.
// They are copied, not shared, because http's tests are in package http
// and cannot import a package that imports http.

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"io"
	"log/slog"
	nethttp "net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/crypto/bcrypt"
	"golang.org/x/mod/sumdb/note"

	"github.com/meent/meent"
	"github.com/meent/meent/agent"
	"github.com/meent/meent/api"
	"github.com/meent/meent/blob"
	"github.com/meent/meent/client"
	"github.com/meent/meent/commons"
	"github.com/meent/meent/http"
	"github.com/meent/meent/ledger"
	"github.com/meent/meent/node"
	"github.com/meent/meent/private"
	"github.com/meent/meent/sqlite"
)

const testOrigin = "test.example/meent"

// env is a real node over a real SQLite store, served by the real handler.
type env struct {
	t        testing.TB
	store    meent.Store
	node     *node.Node
	accounts *node.Accounts
	server   *http.Server
	http     *httptest.Server
	client   *client.Client
	verifier note.Verifier
	vkey     string
	blobs    *blob.Store
}

type envOption func(*http.Options)

func newEnv(t testing.TB, opts ...envOption) *env {
	t.Helper()
	store, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "meent.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	return newEnvOn(t, store, opts...)
}

// newEnvOn is newEnv over a store the caller opened.
func newEnvOn(t testing.TB, store meent.Store, opts ...envOption) *env {
	t.Helper()
	ctx := t.Context()
	skey, vkey, err := note.GenerateKey(rand.Reader, testOrigin)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := note.NewSigner(skey)
	if err != nil {
		t.Fatal(err)
	}
	verifier, err := note.NewVerifier(vkey)
	if err != nil {
		t.Fatal(err)
	}
	// Both stores (SQLite and PostgreSQL) keep private records too.
	priv := store.(private.Store)
	reg := prometheus.NewRegistry()
	logger := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	blobs, err := blob.Open(filepath.Join(t.TempDir(), "blobs"), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	n, err := node.Open(ctx, store, node.Config{Origin: testOrigin, Signer: signer, Metrics: node.NewMetrics(reg), Logger: logger, PasswordCost: bcrypt.MinCost, Blobs: blobs, Private: priv})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { n.Close() })
	sealer, err := node.NewSealer(bytes.Repeat([]byte("s"), 32))
	if err != nil {
		t.Fatal(err)
	}
	acc := node.NewAccounts(n, sealer)
	o := http.Options{
		Node: n, Accounts: acc, Origin: testOrigin, VerifierKey: vkey,
		Registry: reg, Logger: logger, Version: "test", Blobs: blobs, Private: priv,
	}
	for _, f := range opts {
		f(&o)
	}
	s := http.NewServer(o)
	Register(s)
	hs := httptest.NewServer(s.Handler())
	t.Cleanup(hs.Close)
	return &env{
		t: t, store: store, node: n, accounts: acc, server: s, http: hs,
		client: client.New(hs.URL, hs.Client()), verifier: verifier, vkey: vkey, blobs: blobs,
	}
}

// size returns the log size as the store sees it.
func (e *env) size() int64 {
	e.t.Helper()
	n, err := e.store.Size(e.t.Context())
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

// signer is an agent's key, for signing events in tests.
type signer struct {
	key ed25519.PrivateKey
	id  string // agent ID once created
}

func newSigner(t testing.TB) *signer {
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return &signer{key: key}
}

func (s *signer) sign(t testing.TB, typ string, data any) []byte {
	t.Helper()
	author := s.id
	if typ == agent.TypeCreate {
		author = ""
	}
	entry, err := ledger.Sign(s.key, ledger.Body{Type: typ, Author: author, Time: time.Now().UnixMilli(), Data: data})
	if err != nil {
		t.Fatal(err)
	}
	return entry
}

// createEntry returns a signed agent.create and sets s.id to the agent it
// would create.
func (s *signer) createEntry(t testing.TB, name string) []byte {
	entry := s.sign(t, agent.TypeCreate, agent.CreateData{Kind: agent.Person, Name: name})
	s.id = ledger.Hash(sha256.Sum256(entry)).String()
	return entry
}

// createAgent creates an agent on the node through the API.
func (e *env) createAgent(name string) *signer {
	e.t.Helper()
	s := newSigner(e.t)
	if _, err := e.client.Submit(e.t.Context(), s.createEntry(e.t, name)); err != nil {
		e.t.Fatalf("create agent %s: %v", name, err)
	}
	return s
}

// response is a read response.
type response struct {
	status int
	header nethttp.Header
	body   []byte
}

func (r response) json(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decode %s: %v", r.body, err)
	}
}

// do sends a request to the test server; header values are set as given.
func (e *env) do(method, path string, body []byte, header ...string) response {
	e.t.Helper()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	return e.doReader(method, path, rd, header...)
}

// doReader is do with a body read from rd; a reader of a type the client
// does not know is sent chunked, without a Content-Length.
func (e *env) doReader(method, path string, rd io.Reader, header ...string) response {
	e.t.Helper()
	req, err := nethttp.NewRequestWithContext(e.t.Context(), method, e.http.URL+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	// No redirects, no cookie jar: the tests look at every step.
	c := &nethttp.Client{CheckRedirect: func(*nethttp.Request, []*nethttp.Request) error { return nethttp.ErrUseLastResponse }}
	resp, err := c.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: data}
}

func (e *env) get(path string, header ...string) response {
	e.t.Helper()
	return e.do(nethttp.MethodGet, path, nil, header...)
}

// wantProblem checks that r is a problem document with the given status
// and code.
func wantProblem(t testing.TB, r response, status int, code string) api.Problem {
	t.Helper()
	if ct := r.header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("Content-Type = %q, want application/problem+json (status %d, body %s)", ct, r.status, r.body)
	}
	var p api.Problem
	r.json(t, &p)
	if r.status != status || p.Status != status || p.Code != code || p.Type != api.ProblemTypePrefix+code || p.Title == "" || p.Detail == "" {
		t.Fatalf("got status %d, problem %+v; want status %d, code %s", r.status, p, status, code)
	}
	return p
}

func wantStatus(t testing.TB, r response, status int) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status = %d, want %d; body: %s", r.status, status, r.body)
	}
}

func wantContains(t testing.TB, r response, texts ...string) {
	t.Helper()
	for _, s := range texts {
		if !strings.Contains(string(r.body), s) {
			t.Errorf("body does not contain %q:\n%s", s, r.body)
		}
	}
}

func cookieNamed(h nethttp.Header, name string) *nethttp.Cookie {
	for _, c := range (&nethttp.Response{Header: h}).Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// signAt signs an event with a chosen time, for leases that have already
// run out.
func (s *signer) signAt(t testing.TB, typ string, data any, at time.Time) []byte {
	t.Helper()
	entry, err := ledger.Sign(s.key, ledger.Body{Type: typ, Author: s.id, Time: at.UnixMilli(), Data: data})
	if err != nil {
		t.Fatal(err)
	}
	return entry
}

// post submits an entry through the API and returns the hash of the event.
func (e *env) post(entry []byte) string {
	e.t.Helper()
	rc, err := e.client.Submit(e.t.Context(), entry)
	if err != nil {
		e.t.Fatalf("submit: %v\n%s", err, entry)
	}
	return rc.Hash.String()
}

// act signs and submits an event as s.
func (e *env) act(s *signer, typ string, data any) string {
	e.t.Helper()
	return e.post(s.sign(e.t, typ, data))
}

// refused checks that an event is refused with status and code, and that
// nothing was written.
func (e *env) refused(t *testing.T, entry []byte, status int, code string) api.Problem {
	t.Helper()
	before := e.size()
	p := wantProblem(t, e.do("POST", "/api/v1/events", entry, "Content-Type", "application/vnd.meent.event"), status, code)
	if e.size() != before {
		t.Errorf("a refused event (%s) wrote to the log", p.Detail)
	}
	return p
}

func getJSONAs[T any](t *testing.T, e *env, path string) T {
	t.Helper()
	r := e.get(path)
	wantStatus(t, r, 200)
	if ct := r.header.Get("Content-Type"); ct != "application/json" {
		t.Fatalf("%s: Content-Type %q", path, ct)
	}
	var v T
	r.json(t, &v)
	return v
}

func ids[T any](xs []T, id func(T) string) []string {
	out := []string{}
	for _, x := range xs {
		out = append(out, id(x))
	}
	return out
}

func needIDs(ns []api.Need) []string { return ids(ns, func(n api.Need) string { return n.ID }) }

func contributionIDs(ks []api.Contribution) []string {
	return ids(ks, func(k api.Contribution) string { return k.ID })
}

// community is the cast of the peer-production tests: Ada is the node's
// admin, Ada and Bob maintain the commons, Cy and Dee are members, Eve is
// an agent who is not a member.
type community struct {
	ada, bob, cy, dee, eve *signer
	turbine                string // a commons needing two approvals
}

func newCommunity(t *testing.T, e *env) *community {
	c := &community{ada: e.createAgent("Ada")}
	e.act(c.ada, agent.TypeMemberSet, agent.MemberData{Agent: c.ada.id, Role: agent.RoleAdmin})
	c.bob, c.cy, c.dee, c.eve = e.createAgent("Bob"), e.createAgent("Cy"), e.createAgent("Dee"), e.createAgent("Eve")
	for _, m := range []*signer{c.bob, c.cy, c.dee} {
		e.act(c.ada, agent.TypeMemberSet, agent.MemberData{Agent: m.id, Role: agent.RoleMember})
	}
	c.turbine = e.act(c.ada, commons.TypeCreate, commons.CreateData{
		Name: "Open Turbine", Kind: "hardware", Description: "A wind turbine anyone can build.\n\nDesigns, code and manuals.",
		Links: []string{"https://turbine.example"}, Approvals: 2, Maintainers: []string{c.ada.id, c.bob.id},
	})
	return c
}

// escaped is s as html/template writes it in text: it escapes '+' too.
func escaped(s string) string { return strings.ReplaceAll(s, "+", "&#43;") }

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

func mustAccount(t *testing.T, e *env, username string) meent.Account {
	t.Helper()
	a, err := e.store.AccountByUsername(t.Context(), username)
	if err != nil {
		t.Fatal(err)
	}
	return a
}
