package federation_test

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	nethttp "net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"golang.org/x/mod/sumdb/note"

	"github.com/meent/meent/api/apitest"
	"github.com/meent/meent/audit"
	"github.com/meent/meent/client"
	"github.com/meent/meent/federation"
	"github.com/meent/meent/ledger"
)

// proxy serves a peer at one URL whose node the test can swap, and whose
// answers it can change, as a peer that rewrites its history or lies does.
type proxy struct {
	node    atomic.Pointer[nethttp.Handler]
	rewrite atomic.Pointer[func(path string, body []byte) []byte]
	srv     *httptest.Server
}

func newProxy(t *testing.T, e *apitest.Env) *proxy {
	p := &proxy{}
	p.serve(e)
	p.srv = httptest.NewServer(nethttp.HandlerFunc(func(w nethttp.ResponseWriter, r *nethttp.Request) {
		h := *p.node.Load()
		f := p.rewrite.Load()
		if f == nil {
			h.ServeHTTP(w, r)
			return
		}
		r.Header.Del("Accept-Encoding")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		body := (*f)(r.URL.Path, rec.Body.Bytes())
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.Header().Del("Content-Length")
		w.WriteHeader(rec.Code)
		w.Write(body)
	}))
	t.Cleanup(p.srv.Close)
	return p
}

func (p *proxy) serve(e *apitest.Env) {
	h := e.Server.Handler()
	p.node.Store(&h)
}

func (p *proxy) change(f func(path string, body []byte) []byte) { p.rewrite.Store(&f) }

func (p *proxy) client() *client.Client { return client.New(p.srv.URL, p.srv.Client()) }

func open(t *testing.T, dir string, v note.Verifier) *federation.Follower {
	t.Helper()
	f, err := federation.Open(t.Context(), dir, v)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func sync(t *testing.T, f *federation.Follower, p federation.Peer, from, to int64) {
	t.Helper()
	res, err := f.Sync(t.Context(), p)
	if err != nil {
		t.Fatal(err)
	}
	if res.From != from || res.To != to {
		t.Fatalf("sync went %d→%d, want %d→%d", res.From, res.To, from, to)
	}
}

// sameState checks the follower's replay against the peer's own
// projections, through the state digest meent verify compares.
func sameState(t *testing.T, f *federation.Follower, e *apitest.Env) {
	t.Helper()
	size, d, err := audit.ProjectionDigest(t.Context(), e.Store)
	if err != nil {
		t.Fatal(err)
	}
	r := f.Replay()
	if got := r.State.Summary().Total; r.Size() != size || got != d.Total {
		t.Fatalf("mirror at %d has digest %x, the peer at %d %x", r.Size(), got[:8], size, d.Total[:8])
	}
}

func TestFollow(t *testing.T) {
	a := apitest.New(t, nil)
	a.Fill(300) // more than one entry bundle
	dir := t.TempDir()
	f := open(t, dir, a.Verifier)
	sync(t, f, a.Client, 0, 300)
	sameState(t, f, a)
	sync(t, f, a.Client, 300, 300)

	a.Fill(20) // the next pass starts inside a bundle and proves consistency from 300
	sync(t, f, a.Client, 300, 320)
	sameState(t, f, a)

	// The mirror survives a restart, and is replayed when opened.
	f = open(t, dir, a.Verifier)
	if cp, _ := f.Checkpoint(); cp.Size != 320 {
		t.Fatalf("reopened at %d", cp.Size)
	}
	sameState(t, f, a)
	a.Fill(1)
	sync(t, f, a.Client, 320, 321)
	sameState(t, f, a)

	// A pass that stopped after appending entries and before writing the
	// checkpoint left bytes past the accepted entries: they are ignored,
	// and cut by the next pass.
	w, err := os.OpenFile(filepath.Join(dir, "entries"), os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte{0, 200, 'x'})
	w.Close()
	f = open(t, dir, a.Verifier)
	a.Fill(2)
	sync(t, f, a.Client, 321, 323)
	f = open(t, dir, a.Verifier)
	sameState(t, f, a)

	// A mirror whose kept entries were changed is refused when opened.
	b, _ := os.ReadFile(filepath.Join(dir, "entries"))
	b[len(b)-3] ^= 1
	os.WriteFile(filepath.Join(dir, "entries"), b, 0o600)
	if _, err := federation.Open(t.Context(), dir, a.Verifier); err == nil {
		t.Fatal("a damaged mirror opened")
	}
}

// TestFollowRefuses: what does not verify is refused and nothing of it
// kept, and the mirror goes on from where it was.
func TestFollowRefuses(t *testing.T) {
	a := apitest.New(t, nil)
	a.Fill(10)
	p := newProxy(t, a)
	dir := t.TempDir()
	f := open(t, dir, a.Verifier)
	sync(t, f, p.client(), 0, 10)
	a.Fill(5)

	other := apitest.New(t, nil) // the same origin under another key
	other.Fill(20)
	p.serve(other)
	if _, err := f.Sync(t.Context(), p.client()); err == nil || !strings.Contains(err.Error(), "checkpoint refused") {
		t.Fatalf("a checkpoint of another key: %v", err)
	}
	p.serve(a)

	for name, bad := range map[string]func(string, []byte) []byte{
		"a changed entry": func(path string, b []byte) []byte {
			// The last entry is one of the new ones.
			if i := bytes.LastIndex(b, []byte(`"name":"Agent `)); strings.Contains(path, "/tile/entries/") && i >= 0 {
				b = bytes.Clone(b)
				b[i+len(`"name":"Agent `)] ^= 1
			}
			return b
		},
		"a changed hash tile": func(path string, b []byte) []byte {
			if strings.Contains(path, "/tile/0/") && len(b) > 0 {
				b = bytes.Clone(b)
				b[0] ^= 1
			}
			return b
		},
		"a short bundle": func(path string, b []byte) []byte {
			if strings.Contains(path, "/tile/entries/") {
				return b[:len(b)/2]
			}
			return b
		},
	} {
		t.Run(name, func(t *testing.T) {
			p.change(bad)
			defer p.change(func(_ string, b []byte) []byte { return b })
			_, err := f.Sync(t.Context(), p.client())
			if err == nil {
				t.Fatal("accepted")
			}
			t.Log(err)
			if cp, _ := f.Checkpoint(); cp.Size != 10 {
				t.Fatalf("the mirror moved to %d", cp.Size)
			}
			if ev, _ := f.Evidence(); len(ev) != 0 {
				t.Fatalf("a broken answer became evidence: %v", ev)
			}
		})
	}
	sync(t, f, p.client(), 10, 15)
	sameState(t, f, a)
	if g := open(t, dir, a.Verifier); g.Replay().Size() != 15 {
		t.Fatalf("reopened at %d", g.Replay().Size())
	}
}

// checkEvidence checks kept evidence as an outsider would: from the file,
// with the verifier key alone.
func checkEvidence(t *testing.T, err error, v note.Verifier, kind string) {
	t.Helper()
	var eq *federation.EquivocationError
	if !errors.As(err, &eq) {
		t.Fatalf("want equivocation, got %v", err)
	}
	b, rerr := os.ReadFile(eq.Path)
	if rerr != nil {
		t.Fatal(rerr)
	}
	e, derr := federation.DecodeEvidence(b)
	if derr != nil {
		t.Fatal(derr)
	}
	if e.Kind != kind {
		t.Fatalf("kind %q, want %q", e.Kind, kind)
	}
	if _, err := e.Check(v); err != nil {
		t.Fatalf("evidence does not check: %v", err)
	}
	_, vkey, _ := note.GenerateKey(rand.Reader, v.Name())
	stranger, _ := note.NewVerifier(vkey)
	if _, err := e.Check(stranger); err == nil {
		t.Fatal("evidence checks under another key")
	}
}

// TestLyingPeer: the node signs a second checkpoint of the size it already
// published, with another root.
func TestLyingPeer(t *testing.T) {
	a := apitest.New(t, nil)
	a.Fill(10)
	p := newProxy(t, a)
	f := open(t, t.TempDir(), a.Verifier)
	sync(t, f, p.client(), 0, 10)

	lie, err := ledger.SignCheckpoint(ledger.Checkpoint{Origin: apitest.Origin, Size: 10, Root: sha256.Sum256([]byte("another tree"))}, a.Signer)
	if err != nil {
		t.Fatal(err)
	}
	p.change(func(path string, b []byte) []byte {
		if path == "/log/checkpoint" {
			return lie
		}
		return b
	})
	_, err = f.Sync(t.Context(), p.client())
	checkEvidence(t, err, a.Verifier, federation.SameSize)

	// The peer is not followed any more, even once it tells the truth.
	p.change(func(_ string, b []byte) []byte { return b })
	a.Fill(1)
	if _, err := f.Sync(t.Context(), p.client()); !errors.Is(err, federation.ErrDistrusted) {
		t.Fatalf("after evidence: %v", err)
	}
}

// TestRewrittenLog: a second node with the same key and another history
// stands in for the first, longer or shorter than what was followed.
func TestRewrittenLog(t *testing.T) {
	a := apitest.New(t, nil)
	a.Fill(10)
	for _, c := range []struct {
		name string
		size int
	}{{"longer", 300}, {"shorter", 4}, {"power of two", 8}} {
		t.Run(c.name, func(t *testing.T) {
			p := newProxy(t, a)
			f := open(t, t.TempDir(), a.Verifier)
			sync(t, f, p.client(), 0, 10)
			b := apitest.NewWithKey(t, a.SKey, nil)
			b.Fill(c.size)
			p.serve(b)
			_, err := f.Sync(t.Context(), p.client())
			checkEvidence(t, err, a.Verifier, federation.Inconsistent)
		})
	}
	t.Run("extended honestly from a power of two", func(t *testing.T) {
		b := apitest.NewWithKey(t, a.SKey, nil)
		b.Fill(16)
		f := open(t, t.TempDir(), a.Verifier)
		sync(t, f, b.Client, 0, 16)
		b.Fill(3)
		sync(t, f, b.Client, 16, 19)
	})
}
