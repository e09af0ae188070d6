// Package apitest is what the tests of the web layer's areas share: a real
// node over a real SQLite (or a given) store, served by the real handler
// with the areas under test registered, a client, signers for agents, the
// community of the peer-production tests, and small checks on responses.
// It is for tests only: deps_test.go puts it in a layer no package may
// import, so only _test.go files can.
//
// An area's tests use it rather than copy it: a helper they need that is
// missing here is added here. The http core's route tests use it too, from
// package http_test with New(t, nil); its internal tests (package http)
// cannot, since apitest imports http.
package apitest

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	nethttp "net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
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
	"github.com/meent/meent/postgres"
	"github.com/meent/meent/private"
	"github.com/meent/meent/sqlite"
)

// Origin is the log origin of every test node.
const Origin = "test.example/meent"

// Env is a real node over a real store, served by the real handler.
type Env struct {
	T        testing.TB
	Store    meent.Store
	Node     *node.Node
	Accounts *node.Accounts
	Server   *http.Server
	HTTP     *httptest.Server
	Client   *client.Client
	Verifier note.Verifier
	VKey     string
	Blobs    *blob.Store
	// Signer signs the node's checkpoints; SKey is its note key. Tests of
	// federation use them to forge what a lying node would sign.
	Signer note.Signer
	SKey   string
}

// Option changes the server's options before it is built.
type Option func(*http.Options)

// New starts a node over a fresh SQLite store in a temporary directory and
// serves it with register (the area under test's Register, wire.Register
// for the whole server, or nil for the core alone) added to the server.
func New(t testing.TB, register func(*http.Server), opts ...Option) *Env {
	t.Helper()
	store, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "meent.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	return NewOn(t, store, register, opts...)
}

// NewOn is New over a store the caller opened.
func NewOn(t testing.TB, store meent.Store, register func(*http.Server), opts ...Option) *Env {
	t.Helper()
	skey, _, err := note.GenerateKey(rand.Reader, Origin)
	if err != nil {
		t.Fatal(err)
	}
	return newOn(t, store, skey, register, opts...)
}

// NewWithKey is New with a given checkpoint key (note.GenerateKey's
// signer key, named Origin): two nodes with one key are one log told two
// ways, which is what a node that rewrote its history looks like.
func NewWithKey(t testing.TB, skey string, register func(*http.Server), opts ...Option) *Env {
	t.Helper()
	store, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "meent.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	return newOn(t, store, skey, register, opts...)
}

func newOn(t testing.TB, store meent.Store, skey string, register func(*http.Server), opts ...Option) *Env {
	t.Helper()
	ctx := t.Context()
	signer, err := note.NewSigner(skey)
	if err != nil {
		t.Fatal(err)
	}
	vkey, err := verifierKey(skey)
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
	n, err := node.Open(ctx, store, node.Config{Origin: Origin, Signer: signer, Metrics: node.NewMetrics(reg), Logger: logger, PasswordCost: bcrypt.MinCost, Blobs: blobs, Private: priv})
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
		Node: n, Accounts: acc, Origin: Origin, VerifierKey: vkey,
		Registry: reg, Logger: logger, Version: "test", Blobs: blobs, Private: priv,
	}
	for _, f := range opts {
		f(&o)
	}
	s := http.NewServer(o)
	if register != nil {
		register(s)
	}
	hs := httptest.NewServer(s.Handler())
	t.Cleanup(hs.Close)
	return &Env{
		T: t, Store: store, Node: n, Accounts: acc, Server: s, HTTP: hs,
		Client: client.New(hs.URL, hs.Client()), Verifier: verifier, VKey: vkey, Blobs: blobs,
		Signer: signer, SKey: skey,
	}
}

// verifierKey derives the verifier key of a note signer key
// ("PRIVATE+KEY+name+hash+base64(0x01 || seed)").
func verifierKey(skey string) (string, error) {
	parts := strings.SplitN(skey, "+", 5)
	if len(parts) != 5 {
		return "", fmt.Errorf("not a note signer key")
	}
	raw, err := base64.StdEncoding.DecodeString(parts[4])
	if err != nil || len(raw) != 1+ed25519.SeedSize || raw[0] != 1 {
		return "", fmt.Errorf("not an Ed25519 note signer key")
	}
	pub := ed25519.NewKeyFromSeed(raw[1:]).Public().(ed25519.PublicKey)
	return note.NewEd25519VerifierKey(parts[2], pub)
}

// Size returns the log size as the store sees it.
func (e *Env) Size() int64 {
	e.T.Helper()
	n, err := e.Store.Size(e.T.Context())
	if err != nil {
		e.T.Fatal(err)
	}
	return n
}

// Signer is an agent's key, for signing events in tests.
type Signer struct {
	Key  ed25519.PrivateKey
	ID   string       // agent ID once created
	last atomic.Int64 // the time of the last event Sign signed, in ms
}

// now returns the current time in ms, but always after the last event s
// signed: the log refuses an identical event as a duplicate, and a test
// that signs the same change twice within one millisecond (a loop on a
// fast machine) must not fail for it.
func (s *Signer) now() int64 {
	for {
		last, t := s.last.Load(), time.Now().UnixMilli()
		if t <= last {
			t = last + 1
		}
		if s.last.CompareAndSwap(last, t) {
			return t
		}
	}
}

// NewSigner makes a fresh key.
func NewSigner(t testing.TB) *Signer {
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return &Signer{Key: key}
}

// Sign signs an event of type typ now, as s (with no author for
// agent.create).
func (s *Signer) Sign(t testing.TB, typ string, data any) []byte {
	t.Helper()
	author := s.ID
	if typ == agent.TypeCreate {
		author = ""
	}
	entry, err := ledger.Sign(s.Key, ledger.Body{Type: typ, Author: author, Time: s.now(), Data: data})
	if err != nil {
		t.Fatal(err)
	}
	return entry
}

// SignAt signs an event with a chosen time, for leases that have already
// run out.
func (s *Signer) SignAt(t testing.TB, typ string, data any, at time.Time) []byte {
	t.Helper()
	entry, err := ledger.Sign(s.Key, ledger.Body{Type: typ, Author: s.ID, Time: at.UnixMilli(), Data: data})
	if err != nil {
		t.Fatal(err)
	}
	return entry
}

// CreateEntry returns a signed agent.create and sets s.ID to the agent it
// would create.
func (s *Signer) CreateEntry(t testing.TB, name string) []byte {
	entry := s.Sign(t, agent.TypeCreate, agent.CreateData{Kind: agent.Person, Name: name})
	s.ID = ledger.Hash(sha256.Sum256(entry)).String()
	return entry
}

// CreateAgent creates an agent on the node through the API.
func (e *Env) CreateAgent(name string) *Signer {
	e.T.Helper()
	s := NewSigner(e.T)
	if _, err := e.Client.Submit(e.T.Context(), s.CreateEntry(e.T, name)); err != nil {
		e.T.Fatalf("create agent %s: %v", name, err)
	}
	return s
}

// Response is a read response.
type Response struct {
	Status int
	Header nethttp.Header
	Body   []byte
}

// JSON decodes the body into v.
func (r Response) JSON(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode %s: %v", r.Body, err)
	}
}

// Do sends a request to the test server; header values are set as given.
func (e *Env) Do(method, path string, body []byte, header ...string) Response {
	e.T.Helper()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	return e.DoReader(method, path, rd, header...)
}

// DoReader is Do with a body read from rd; a reader of a type the client
// does not know is sent chunked, without a Content-Length.
func (e *Env) DoReader(method, path string, rd io.Reader, header ...string) Response {
	e.T.Helper()
	req, err := nethttp.NewRequestWithContext(e.T.Context(), method, e.HTTP.URL+path, rd)
	if err != nil {
		e.T.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	// No redirects, no cookie jar: the tests look at every step.
	c := &nethttp.Client{CheckRedirect: func(*nethttp.Request, []*nethttp.Request) error { return nethttp.ErrUseLastResponse }}
	resp, err := c.Do(req)
	if err != nil {
		e.T.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		e.T.Fatal(err)
	}
	return Response{Status: resp.StatusCode, Header: resp.Header, Body: data}
}

// Get is Do with GET and no body.
func (e *Env) Get(path string, header ...string) Response {
	e.T.Helper()
	return e.Do(nethttp.MethodGet, path, nil, header...)
}

// WantProblem checks that r is a problem document with the given status
// and code.
func WantProblem(t testing.TB, r Response, status int, code string) api.Problem {
	t.Helper()
	if ct := r.Header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("Content-Type = %q, want application/problem+json (status %d, body %s)", ct, r.Status, r.Body)
	}
	var p api.Problem
	r.JSON(t, &p)
	if r.Status != status || p.Status != status || p.Code != code || p.Type != api.ProblemTypePrefix+code || p.Title == "" || p.Detail == "" {
		t.Fatalf("got status %d, problem %+v; want status %d, code %s", r.Status, p, status, code)
	}
	return p
}

// WantStatus checks r's status.
func WantStatus(t testing.TB, r Response, status int) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status = %d, want %d; body: %s", r.Status, status, r.Body)
	}
}

// WantContains checks that r's body holds every one of texts.
func WantContains(t testing.TB, r Response, texts ...string) {
	t.Helper()
	for _, s := range texts {
		if !strings.Contains(string(r.Body), s) {
			t.Errorf("body does not contain %q:\n%s", s, r.Body)
		}
	}
}

// CookieNamed returns the cookie a response header sets under name, or nil.
func CookieNamed(h nethttp.Header, name string) *nethttp.Cookie {
	for _, c := range (&nethttp.Response{Header: h}).Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// Post submits an entry through the API and returns the hash of the event.
func (e *Env) Post(entry []byte) string {
	e.T.Helper()
	rc, err := e.Client.Submit(e.T.Context(), entry)
	if err != nil {
		e.T.Fatalf("submit: %v\n%s", err, entry)
	}
	return rc.Hash.String()
}

// Act signs and submits an event as s.
func (e *Env) Act(s *Signer, typ string, data any) string {
	e.T.Helper()
	return e.Post(s.Sign(e.T, typ, data))
}

// Refused checks that an event is refused with status and code, and that
// nothing was written.
func (e *Env) Refused(t testing.TB, entry []byte, status int, code string) api.Problem {
	t.Helper()
	before := e.Size()
	p := WantProblem(t, e.Do("POST", "/api/v1/events", entry, "Content-Type", "application/vnd.meent.event"), status, code)
	if e.Size() != before {
		t.Errorf("a refused event (%s) wrote to the log", p.Detail)
	}
	return p
}

// GetJSONAs reads path, checks it answers 200 with JSON, and decodes it.
func GetJSONAs[T any](t testing.TB, e *Env, path string) T {
	t.Helper()
	r := e.Get(path)
	WantStatus(t, r, 200)
	if ct := r.Header.Get("Content-Type"); ct != "application/json" {
		t.Fatalf("%s: Content-Type %q", path, ct)
	}
	var v T
	r.JSON(t, &v)
	return v
}

// IDs maps xs to their IDs, [] for none.
func IDs[T any](xs []T, id func(T) string) []string {
	out := []string{}
	for _, x := range xs {
		out = append(out, id(x))
	}
	return out
}

// NeedIDs is IDs of needs.
func NeedIDs(ns []api.Need) []string { return IDs(ns, func(n api.Need) string { return n.ID }) }

// ContributionIDs is IDs of contributions.
func ContributionIDs(ks []api.Contribution) []string {
	return IDs(ks, func(k api.Contribution) string { return k.ID })
}

// Community is the cast of the peer-production tests: Ada is the node's
// admin, Ada and Bob maintain the commons, Cy and Dee are members, Eve is
// an agent who is not a member.
type Community struct {
	Ada, Bob, Cy, Dee, Eve *Signer
	Turbine                string // a commons needing two approvals
}

// NewCommunity creates the community on e's node.
func NewCommunity(t testing.TB, e *Env) *Community {
	c := &Community{Ada: e.CreateAgent("Ada")}
	e.Act(c.Ada, agent.TypeMemberSet, agent.MemberData{Agent: c.Ada.ID, Role: agent.RoleAdmin})
	c.Bob, c.Cy, c.Dee, c.Eve = e.CreateAgent("Bob"), e.CreateAgent("Cy"), e.CreateAgent("Dee"), e.CreateAgent("Eve")
	for _, m := range []*Signer{c.Bob, c.Cy, c.Dee} {
		e.Act(c.Ada, agent.TypeMemberSet, agent.MemberData{Agent: m.ID, Role: agent.RoleMember})
	}
	c.Turbine = e.Act(c.Ada, commons.TypeCreate, commons.CreateData{
		Name: "Open Turbine", Kind: "hardware", Description: "A wind turbine anyone can build.\n\nDesigns, code and manuals.",
		Links: []string{"https://turbine.example"}, Approvals: 2, Maintainers: []string{c.Ada.ID, c.Bob.ID},
	})
	return c
}

// Escaped is s as html/template writes it in text: it escapes '+' too.
func Escaped(s string) string { return strings.ReplaceAll(s, "+", "&#43;") }

// Login logs in through the API and returns the session cookie and CSRF
// token.
func (e *Env) Login(username, password string) (cookie string, csrf string) {
	e.T.Helper()
	r := e.Do("POST", "/api/v1/sessions", []byte(`{"username":"`+username+`","password":"`+password+`"}`), "Content-Type", "application/json")
	WantStatus(e.T, r, 200)
	var lr api.LoginResponse
	r.JSON(e.T, &lr)
	c := CookieNamed(r.Header, api.SessionCookie)
	if c == nil || lr.CSRF == "" {
		e.T.Fatalf("login: cookie %v, response %s", c, r.Body)
	}
	return api.SessionCookie + "=" + c.Value, lr.CSRF
}

// MustAccount reads the account of username from the store.
func MustAccount(t testing.TB, e *Env, username string) meent.Account {
	t.Helper()
	a, err := e.Store.AccountByUsername(t.Context(), username)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// FormType is the content type of a web form's post.
const FormType = "application/x-www-form-urlencoded"

// Form encodes key, value pairs as a web form's body.
func Form(kv ...string) []byte {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return []byte(v.Encode())
}

// ServeFrom runs one request through the server's handler as if it came
// from addr, so tests can be several clients.
func (e *Env) ServeFrom(addr, method, path string, body string, header ...string) Response {
	e.T.Helper()
	req := httptest.NewRequestWithContext(e.T.Context(), method, path, strings.NewReader(body))
	req.RemoteAddr = addr
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	e.Server.Handler().ServeHTTP(rec, req)
	return Response{Status: rec.Code, Header: rec.Header(), Body: rec.Body.Bytes()}
}

// NewPostgres is New over PostgreSQL in a schema of its own, when
// MEENT_TEST_POSTGRES names a server; the test is skipped otherwise.
func NewPostgres(t *testing.T, register func(*http.Server), opts ...Option) *Env {
	dsn := os.Getenv("MEENT_TEST_POSTGRES")
	if dsn == "" {
		t.Skip("MEENT_TEST_POSTGRES is not set; skipping PostgreSQL")
	}
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	var b [8]byte
	rand.Read(b[:])
	name := "meent_http_" + hex.EncodeToString(b[:])
	if _, err := admin.ExecContext(t.Context(), "CREATE SCHEMA "+name); err != nil {
		admin.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		defer admin.Close()
		admin.ExecContext(context.Background(), "DROP SCHEMA "+name+" CASCADE")
	})
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", name)
	u.RawQuery = q.Encode()
	store, err := postgres.Open(t.Context(), u.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	return NewOn(t, store, register, opts...)
}

// Walk follows the cursors of a list from path, and returns the IDs of
// every item and the number of pages. It fails if a page is larger than
// limit or the cursors do not end.
func Walk(t testing.TB, e *Env, path string, limit int, page func(body []byte) (ids []string, next string)) ([]string, int) {
	t.Helper()
	var all []string
	next := ""
	for pages := 1; ; pages++ {
		if pages > 1000 {
			t.Fatalf("%s: the cursors do not end", path)
		}
		p := path + "&limit=" + fmt.Sprint(limit)
		if next != "" {
			p += "&cursor=" + url.QueryEscape(next)
		}
		r := e.Get(p)
		WantStatus(t, r, 200)
		ids, n := page(r.Body)
		if len(ids) > limit {
			t.Fatalf("%s: a page of %d items, limit %d", p, len(ids), limit)
		}
		if link := r.Header.Get("Link"); (link != "") != (n != "") || (n != "" && !strings.Contains(link, `rel="next"`)) {
			t.Fatalf("%s: Link %q with next %q", p, link, n)
		}
		all = append(all, ids...)
		if n == "" {
			return all, pages
		}
		next = n
	}
}

// Once fails unless got holds each of want exactly once.
func Once(t testing.TB, what string, got []string, want int) {
	t.Helper()
	seen := map[string]bool{}
	for _, id := range got {
		if seen[id] {
			t.Fatalf("%s: %s listed twice", what, id)
		}
		seen[id] = true
	}
	if len(got) != want {
		t.Fatalf("%s: %d items listed, want %d", what, len(got), want)
	}
}

// ListOf reads a page of type T for Walk, with items naming its IDs and
// next cursor.
func ListOf[T any](t testing.TB, items func(*T) ([]string, string)) func([]byte) ([]string, string) {
	return func(body []byte) ([]string, string) {
		var v T
		if err := json.Unmarshal(body, &v); err != nil {
			t.Fatalf("%v: %s", err, body)
		}
		return items(&v)
	}
}

// Cursor writes a cursor as the server does (base64url of a JSON array:
// the list, then the position), for tests that hand the server cursors it
// did not make. Clients treat cursors as opaque.
func Cursor(list string, pos ...string) string {
	b, _ := json.Marshal(append([]string{list}, pos...))
	return base64.RawURLEncoding.EncodeToString(b)
}

// Fill appends n agent.create events from 16 clients at once and returns
// the entries by log index.
func (e *Env) Fill(n int) map[int64][]byte {
	e.T.Helper()
	var mu sync.Mutex
	out := map[int64][]byte{}
	work := make(chan []byte)
	var wg sync.WaitGroup
	for w := 0; w < 16; w++ {
		wg.Go(func() {
			for entry := range work {
				rc, err := e.Client.Submit(context.Background(), entry)
				if err != nil {
					e.T.Error(err)
					continue
				}
				mu.Lock()
				out[rc.Index] = entry
				mu.Unlock()
			}
		})
	}
	for i := 0; i < n; i++ {
		work <- NewSigner(e.T).CreateEntry(e.T, fmt.Sprintf("Agent %d", i))
	}
	close(work)
	wg.Wait()
	if len(out) != n {
		e.T.Fatalf("appended %d of %d", len(out), n)
	}
	return out
}

// Checkpoint fetches and verifies the latest checkpoint.
func (e *Env) Checkpoint() ledger.Checkpoint {
	e.T.Helper()
	r := e.Get("/log/checkpoint")
	WantStatus(e.T, r, 200)
	if ct, cc := r.Header.Get("Content-Type"), r.Header.Get("Cache-Control"); ct != "text/plain; charset=utf-8" || cc != "no-cache" {
		e.T.Errorf("checkpoint Content-Type %q, Cache-Control %q", ct, cc)
	}
	cp, err := ledger.OpenCheckpoint(r.Body, e.Verifier)
	if err != nil {
		e.T.Fatalf("checkpoint does not verify: %v\n%s", err, r.Body)
	}
	return cp
}

// SignUpAndLogin makes an account and returns its agent, cookie and CSRF.
func (e *Env) SignUpAndLogin(username, password string) (agentID, cookie, csrf string) {
	e.T.Helper()
	acct, err := e.Accounts.SignUp(e.T.Context(), node.SignUp{Username: username, Password: password})
	if err != nil {
		e.T.Fatal(err)
	}
	cookie, csrf = e.Login(username, password)
	return acct.Agent, cookie, csrf
}

// Registers is one registration of all of rs, in order: the areas a test
// serves besides its own (New takes one).
func Registers(rs ...func(*http.Server)) func(*http.Server) {
	return func(s *http.Server) {
		for _, r := range rs {
			r(s)
		}
	}
}
