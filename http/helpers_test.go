package http

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
	server   *Server
	http     *httptest.Server
	client   *client.Client
	verifier note.Verifier
	vkey     string
	blobs    *blob.Store
}

type envOption func(*Options)

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
	o := Options{
		Node: n, Accounts: acc, Origin: testOrigin, VerifierKey: vkey,
		Registry: reg, Logger: logger, Version: "test", Blobs: blobs, Private: priv,
	}
	for _, f := range opts {
		f(&o)
	}
	s := NewServer(o)
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
