package http

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
	"time"

	"github.com/meent/meent"
	"github.com/meent/meent/agent"
	"github.com/meent/meent/api"
	"github.com/meent/meent/commons"
	"github.com/meent/meent/ledger"
	"github.com/meent/meent/node"
)

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

func TestBlobs(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(o *Options) { o.MaxBlobSize = 4096 })
	if _, err := e.accounts.SignUp(t.Context(), node.SignUp{Username: "grace", Password: "a long enough password"}); err != nil {
		t.Fatal(err)
	}
	cookie, csrf := e.login("grace", "a long enough password")
	token, err := e.accounts.CreateToken(t.Context(), mustAccount(t, e, "grace").Agent, "test")
	if err != nil {
		t.Fatal(err)
	}
	auth := "Bearer " + token
	data := []byte("drawing of the blade, rev 3")
	sum := sha256.Sum256(data)
	hash := hex.EncodeToString(sum[:])

	t.Run("upload needs credentials", func(t *testing.T) {
		wantProblem(t, e.do("PUT", "/api/v1/blobs/"+hash, data), 401, meent.EUNAUTHORIZED)
		// A cookie needs the CSRF header.
		wantProblem(t, e.do("PUT", "/api/v1/blobs/"+hash, data, "Cookie", cookie), 403, meent.EFORBIDDEN)
		if e.blobs.Has(hash) {
			t.Error("a refused upload was stored")
		}
	})

	t.Run("put", func(t *testing.T) {
		r := e.do("PUT", "/api/v1/blobs/"+hash, data, "Authorization", auth, "Content-Type", "application/octet-stream")
		wantStatus(t, r, 201)
		var bi api.BlobInfo
		r.json(t, &bi)
		if bi.Hash != hash || bi.Size != int64(len(data)) || r.header.Get("Location") != "/api/v1/blobs/"+hash {
			t.Errorf("answer %+v, Location %q", bi, r.header.Get("Location"))
		}
		// Again, with the session cookie and CSRF header: idempotent.
		wantStatus(t, e.do("PUT", "/api/v1/blobs/"+hash, data, "Cookie", cookie, api.CSRFHeader, csrf), 201)
	})

	t.Run("post computes the hash", func(t *testing.T) {
		other := []byte("minutes of the design meeting")
		r := e.do("POST", "/api/v1/blobs", other, "Authorization", auth)
		wantStatus(t, r, 201)
		var bi api.BlobInfo
		r.json(t, &bi)
		if s := sha256.Sum256(other); bi.Hash != hex.EncodeToString(s[:]) || !e.blobs.Has(bi.Hash) {
			t.Errorf("answer %+v", bi)
		}
	})

	t.Run("refusals", func(t *testing.T) {
		wrong := strings.Repeat("ab", 32)
		p := wantProblem(t, e.do("PUT", "/api/v1/blobs/"+wrong, data, "Authorization", auth), 400, meent.EINVALID)
		if !strings.Contains(p.Detail, "bytes do not match their hash") || e.blobs.Has(wrong) {
			t.Errorf("mismatch: %+v", p)
		}
		wantProblem(t, e.do("PUT", "/api/v1/blobs/ABC", data, "Authorization", auth), 400, meent.EINVALID)
		wantProblem(t, e.do("PUT", "/api/v1/blobs/"+strings.ToUpper(hash), data, "Authorization", auth), 400, meent.EINVALID)
		big := bytes.Repeat([]byte("x"), 4097)
		wantProblem(t, e.do("POST", "/api/v1/blobs", big, "Authorization", auth), 413, meent.ETOOLARGE)
		// Without a Content-Length the limit holds while reading.
		wantProblem(t, e.chunked("POST", "/api/v1/blobs", big, "Authorization", auth), 413, meent.ETOOLARGE)
		if s := sha256.Sum256(big); e.blobs.Has(hex.EncodeToString(s[:])) {
			t.Error("an oversize file was stored")
		}
	})

	t.Run("get", func(t *testing.T) {
		r := e.get("/api/v1/blobs/" + hash)
		wantStatus(t, r, 200)
		if !bytes.Equal(r.body, data) || r.header.Get("Content-Type") != "application/octet-stream" ||
			r.header.Get("Cache-Control") != "public, max-age=31536000, immutable" || r.header.Get("ETag") != `"`+hash+`"` ||
			!strings.HasPrefix(r.header.Get("Content-Disposition"), "attachment") {
			t.Errorf("body %q, headers %v", r.body, r.header)
		}
		r = e.get("/api/v1/blobs/"+hash, "Range", "bytes=0-7")
		if r.status != 206 || string(r.body) != "drawing " {
			t.Errorf("range: %d %q", r.status, r.body)
		}
		if r := e.get("/api/v1/blobs/"+hash, "If-None-Match", `"`+hash+`"`); r.status != 304 {
			t.Errorf("If-None-Match: %d", r.status)
		}
		wantProblem(t, e.get("/api/v1/blobs/"+strings.Repeat("0", 64)), 404, meent.ENOTFOUND)
		wantProblem(t, e.get("/api/v1/blobs/..%2F..%2Fetc%2Fpasswd"), 400, meent.EINVALID)
	})

	t.Run("client", func(t *testing.T) {
		other := []byte("client upload")
		bi, err := e.client.PutBlob(t.Context(), token, other)
		if err != nil || bi.Size != int64(len(other)) {
			t.Fatalf("PutBlob: %+v, %v", bi, err)
		}
		var buf bytes.Buffer
		if n, err := e.client.Blob(t.Context(), bi.Hash, &buf); err != nil || n != int64(len(other)) || !bytes.Equal(buf.Bytes(), other) {
			t.Errorf("Blob: %d, %v, %q", n, err, buf.Bytes())
		}
		if _, err := e.client.Blob(t.Context(), strings.Repeat("1", 64), &buf); meent.ErrorCode(err) != meent.ENOTFOUND {
			t.Errorf("Blob missing: %v", err)
		}
	})

	t.Run("no blob store", func(t *testing.T) {
		e2 := newEnv(t, func(o *Options) { o.Blobs = nil })
		wantProblem(t, e2.get("/api/v1/blobs/"+hash), 503, meent.EUNAVAILABLE)
		wantProblem(t, e2.do("POST", "/api/v1/blobs", data, "Authorization", "Bearer x"), 503, meent.EUNAVAILABLE)
	})
}

func mustAccount(t *testing.T, e *env, username string) meent.Account {
	t.Helper()
	a, err := e.store.AccountByUsername(t.Context(), username)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// chunked sends a request whose length the server does not know ahead.
func (e *env) chunked(method, path string, body []byte, header ...string) response {
	e.t.Helper()
	return e.doReader(method, path, struct{ *bytes.Reader }{bytes.NewReader(body)}, header...)
}
