package http

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/meent/meent"
	"github.com/meent/meent/agent"
	"github.com/meent/meent/api"
	"github.com/meent/meent/client"
	"github.com/meent/meent/commons"
	"github.com/meent/meent/ledger"
	"github.com/meent/meent/node"
	"github.com/meent/meent/state"
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

func TestPeerProduction(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()
	c := newCommunity(t, e)

	// Grace has an account and uploads her design file.
	if _, err := e.accounts.SignUp(ctx, node.SignUp{Username: "grace", Password: "a long enough password", Name: "Grace"}); err != nil {
		t.Fatal(err)
	}
	grace := mustAccount(t, e, "grace").Agent
	token, err := e.accounts.CreateToken(ctx, grace, "test")
	if err != nil {
		t.Fatal(err)
	}
	design := []byte("blade profile NACA 4412, 1.2 m")
	bi, err := e.client.PutBlob(ctx, token, design)
	if err != nil {
		t.Fatal(err)
	}

	var blade string // Cy's contribution, accepted before the fork
	t.Run("contribute with a blob as evidence", func(t *testing.T) {
		missing := strings.Repeat("e", 64)
		p := e.refused(t, c.cy.sign(t, commons.TypeSubmit, commons.SubmitData{
			Commons: c.turbine, Kind: "design", Title: "Blade", Evidence: []commons.Evidence{{Blob: missing}},
		}), 422, meent.ERULE)
		if !strings.Contains(p.Detail, "was not uploaded") {
			t.Errorf("missing blob: %s", p.Detail)
		}
		blade = e.act(c.cy, commons.TypeSubmit, commons.SubmitData{
			Commons: c.turbine, Kind: "design", Title: "Blade design", Description: "Profile and moulds.",
			Evidence: []commons.Evidence{
				{Blob: bi.Hash, Note: "blade.pdf"},
				{URL: "https://turbine.example/blade"},
				{Commit: strings.Repeat("a1", 20)},
			},
			Quantities: commons.Quantities{Minutes: 600, LinesAdded: 40},
		})
		// Through the node's custodial key, with an API token.
		rc, err := e.client.Act(ctx, token, commons.TypeSubmit, commons.SubmitData{
			Commons: c.turbine, Kind: "design", Title: "Blade drawing", Evidence: []commons.Evidence{{Blob: bi.Hash}},
		})
		if err != nil {
			t.Fatal(err)
		}
		if k, err := e.client.Contribution(ctx, rc.Hash.String()); err != nil || k.Contributor != grace || k.Evidence[0].Blob != bi.Hash {
			t.Errorf("contribution through an action: %+v, %v", k, err)
		}
		k, err := e.client.Contribution(ctx, blade)
		if err != nil {
			t.Fatal(err)
		}
		if k.Status != commons.Pending || k.Contributor != c.cy.id || len(k.Evidence) != 3 || k.Evidence[0].Blob != bi.Hash ||
			k.Quantities.Minutes != 600 || len(k.History) != 1 || k.History[0].Event != blade || k.Decided != nil {
			t.Errorf("submitted: %+v", k)
		}
	})

	t.Run("review refusals write nothing", func(t *testing.T) {
		own := e.act(c.ada, commons.TypeSubmit, commons.SubmitData{Commons: c.turbine, Kind: "documentation", Title: "Assembly manual"})
		// Nobody approves their own contribution.
		e.refused(t, c.ada.sign(t, commons.TypeReview, commons.ReviewData{Contribution: own, Verdict: commons.VerdictAccept}), 403, meent.EFORBIDDEN)
		// Only maintainers review.
		e.refused(t, c.dee.sign(t, commons.TypeReview, commons.ReviewData{Contribution: blade, Verdict: commons.VerdictAccept}), 403, meent.EFORBIDDEN)
		// Contributions to an unknown commons.
		e.refused(t, c.cy.sign(t, commons.TypeSubmit, commons.SubmitData{Commons: strings.Repeat("0", 64), Kind: "code", Title: "Lost"}), 422, meent.ERULE)
		// A reason is required to reject.
		e.refused(t, c.bob.sign(t, commons.TypeReview, commons.ReviewData{Contribution: blade, Verdict: commons.VerdictReject}), 422, meent.ERULE)
		// The same maintainer cannot give the same verdict twice.
		e.act(c.ada, commons.TypeReview, commons.ReviewData{Contribution: blade, Verdict: commons.VerdictAccept})
		// (With a reason, so the bytes differ from the first: the same bytes
		// would be a replay, refused as duplicate_event.)
		e.refused(t, c.ada.sign(t, commons.TypeReview, commons.ReviewData{Contribution: blade, Verdict: commons.VerdictAccept, Reason: "again"}), 422, meent.ERULE)
		k, _ := e.client.Contribution(ctx, blade)
		if k.Status != commons.Pending || !slices.Equal(k.Approvals, []string{c.ada.id}) {
			t.Errorf("after one approval of two: %+v", k)
		}
	})

	t.Run("two approvals accept", func(t *testing.T) {
		e.act(c.bob, commons.TypeReview, commons.ReviewData{Contribution: blade, Verdict: commons.VerdictAccept})
		e.act(c.dee, commons.TypeEndorse, commons.RefData{Contribution: blade})
		k := getJSONAs[api.Contribution](t, e, "/api/v1/contributions/"+blade)
		if k.Status != commons.Accepted || k.Decided == nil || !slices.Equal(k.Approvals, []string{c.ada.id, c.bob.id}) ||
			!slices.Equal(k.Endorsements, []string{c.dee.id}) {
			t.Fatalf("accepted: %+v", k)
		}
		var actions []string
		for _, s := range k.History {
			actions = append(actions, s.Agent[:4]+":"+s.Action)
			if len(s.Event) != 64 || s.Time == 0 {
				t.Errorf("step %+v", s)
			}
		}
		want := []string{c.cy.id[:4] + ":submit", c.ada.id[:4] + ":accept", c.bob.id[:4] + ":accept", c.dee.id[:4] + ":endorse"}
		if !slices.Equal(actions, want) {
			t.Errorf("history %v, want %v", actions, want)
		}
		wantProblem(t, e.get("/api/v1/contributions/nope"), 400, meent.EINVALID)
		wantProblem(t, e.get("/api/v1/contributions/"+strings.Repeat("0", 64)), 404, meent.ENOTFOUND)
	})

	t.Run("changes requested, revised, rejected, disputed", func(t *testing.T) {
		k := e.act(c.dee, commons.TypeSubmit, commons.SubmitData{Commons: c.turbine, Kind: "code", Title: "Controller firmware"})
		e.act(c.ada, commons.TypeReview, commons.ReviewData{Contribution: k, Verdict: commons.VerdictChanges, Reason: "add tests"})
		if v, _ := e.client.Contribution(ctx, k); v.Status != commons.ChangesRequested {
			t.Errorf("status %s", v.Status)
		}
		e.act(c.dee, commons.TypeRevise, commons.ReviseData{Contribution: k, Title: "Controller firmware, tested"})
		e.act(c.bob, commons.TypeReview, commons.ReviewData{Contribution: k, Verdict: commons.VerdictReject, Reason: "duplicates the existing controller"})
		e.act(c.dee, commons.TypeDispute, commons.DisputeData{Contribution: k, Reason: "it replaces it; see the test results"})
		v, _ := e.client.Contribution(ctx, k)
		if v.Status != commons.Disputed || v.Revision != 2 || v.Title != "Controller firmware, tested" || len(v.History) != 5 {
			t.Errorf("disputed: %+v", v)
		}
		pending, err := e.client.Contributions(ctx, c.turbine, commons.Pending, false)
		titles := ids(pending, func(k api.Contribution) string { return k.Title })
		if err != nil || !slices.Equal(titles, []string{"Assembly manual", "Blade drawing"}) {
			t.Errorf("pending: %v, %v", titles, err)
		}
		wantProblem(t, e.get("/api/v1/commons/"+c.turbine+"/contributions?status=maybe"), 400, meent.EINVALID)
	})

	var fork, late string
	t.Run("fork keeps the lineage", func(t *testing.T) {
		fork = e.act(c.dee, commons.TypeFork, commons.ForkData{Commons: c.turbine, Name: "Turbine Libre"})
		// Accepted upstream after the fork: not recognised by the fork.
		late = e.act(c.cy, commons.TypeSubmit, commons.SubmitData{Commons: c.turbine, Kind: "design", Title: "Tower"})
		e.act(c.ada, commons.TypeReview, commons.ReviewData{Contribution: late, Verdict: commons.VerdictAccept})
		e.act(c.bob, commons.TypeReview, commons.ReviewData{Contribution: late, Verdict: commons.VerdictAccept})
		forkOwn := e.act(c.cy, commons.TypeSubmit, commons.SubmitData{Commons: fork, Kind: "documentation", Title: "Libre manual"})

		f := getJSONAs[api.Commons](t, e, "/api/v1/commons/"+fork)
		if f.ForkOf == nil || f.ForkOf.ID != c.turbine || f.ForkOf.Name != "Open Turbine" || f.ForkedAt == nil ||
			!slices.Equal(f.Maintainers, []string{c.dee.id}) || f.Approvals != 2 || f.Kind != "hardware" {
			t.Errorf("fork %+v", f)
		}
		up, _ := e.client.Commons(ctx, c.turbine)
		if len(up.Forks) != 1 || up.Forks[0] != (api.CommonsRef{ID: fork, Name: "Turbine Libre"}) || up.ForkOf != nil {
			t.Errorf("upstream forks %+v", up.Forks)
		}

		own, _ := e.client.Contributions(ctx, fork, "", false)
		if !slices.Equal(contributionIDs(own), []string{forkOwn}) {
			t.Errorf("fork's own contributions %v", contributionIDs(own))
		}
		lin, err := e.client.Contributions(ctx, fork, "", true)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(contributionIDs(lin), []string{forkOwn, blade}) || lin[0].FromCommons != "" || lin[1].FromCommons != c.turbine {
			t.Errorf("lineage %v (%+v)", contributionIDs(lin), lin)
		}
		// The API agrees with the rules' own view.
		var rec map[string]string
		e.node.State(func(st *state.State) { rec = st.Commons.Recognised(fork) })
		if got := slices.Sorted(maps.Keys(rec)); !slices.Equal(got, slices.Sorted(slices.Values(contributionIDs(lin)))) {
			t.Errorf("rules recognise %v, API lists %v", got, contributionIDs(lin))
		}
		acc, _ := e.client.Contributions(ctx, fork, commons.Accepted, true)
		if !slices.Equal(contributionIDs(acc), []string{blade}) {
			t.Errorf("accepted lineage %v", contributionIDs(acc))
		}
		// A fork of the fork still credits the original contributors.
		grand := e.act(c.eve, commons.TypeFork, commons.ForkData{Commons: fork, Name: "Turbine Tiny"})
		lin, _ = e.client.Contributions(ctx, grand, "", true)
		if !slices.Equal(contributionIDs(lin), []string{blade}) || lin[0].FromCommons != c.turbine {
			t.Errorf("grand-fork lineage %+v", lin)
		}
	})

	var mould, docs, paint string
	t.Run("needs board", func(t *testing.T) {
		mould = e.act(c.ada, commons.TypeNeedPost, commons.NeedData{Commons: c.turbine, Title: "Blade mould", MaxClaimants: 2})
		docs = e.act(c.bob, commons.TypeNeedPost, commons.NeedData{Commons: c.turbine, Title: "Translate the manual", Bounty: &commons.Money{Amount: 10000, Currency: "EUR"}})
		paint = e.act(c.cy, commons.TypeNeedPost, commons.NeedData{Commons: c.turbine, Title: "Paint the tower"})
		e.act(c.bob, commons.TypeNeedSignal, commons.SignalData{Need: mould, Kind: commons.SignalPlusOne})
		e.act(c.cy, commons.TypeNeedSignal, commons.SignalData{Need: mould, Kind: commons.SignalPlusOne})
		e.act(c.dee, commons.TypeNeedSignal, commons.SignalData{Need: docs, Kind: commons.SignalPlusOne})
		e.act(c.bob, commons.TypeNeedSignal, commons.SignalData{Need: docs, Kind: commons.SignalPriority, Priority: 5})
		e.act(c.cy, commons.TypeNeedSignal, commons.SignalData{Need: docs, Kind: commons.SignalPriority, Priority: 2})
		e.act(c.dee, commons.TypeNeedSignal, commons.SignalData{Need: paint, Kind: commons.SignalPledge, Pledge: &commons.Money{Amount: 5000, Currency: "EUR"}})
		e.act(c.cy, commons.TypeNeedSignal, commons.SignalData{Need: paint, Kind: commons.SignalPledge, Pledge: &commons.Money{Amount: 1500, Currency: "EUR"}})
		// Only members signal; a +1 counts once.
		e.refused(t, c.eve.sign(t, commons.TypeNeedSignal, commons.SignalData{Need: mould, Kind: commons.SignalPlusOne}), 403, meent.EFORBIDDEN)
		// (Signed a second earlier, so it is not the same bytes as the first.)
		e.refused(t, c.bob.signAt(t, commons.TypeNeedSignal, commons.SignalData{Need: mould, Kind: commons.SignalPlusOne}, time.Now().Add(-time.Second)), 422, meent.ERULE)

		for sort, want := range map[string][]string{
			"":         {mould, docs, paint},
			"signals":  {mould, docs, paint},
			"priority": {docs, mould, paint},
			"pledges":  {paint, mould, docs},
			"age":      {mould, docs, paint},
			"newest":   {paint, docs, mould},
		} {
			ns, err := e.client.Needs(ctx, c.turbine, client.NeedQuery{Sort: sort})
			if err != nil || !slices.Equal(needIDs(ns), want) {
				t.Errorf("sort %q: %v, %v; want %v", sort, needIDs(ns), err, want)
			}
		}
		d, _ := e.client.Need(ctx, docs)
		if d.PlusOnes != 1 || d.Priority != 3.5 || d.PriorityMax != 5 || d.Bounty == nil || d.Bounty.Amount != 10000 || d.PledgeTotal != nil || d.Status != commons.NeedOpen {
			t.Errorf("docs need %+v", d)
		}
		p, _ := e.client.Need(ctx, paint)
		if p.PledgeTotal == nil || *p.PledgeTotal != (api.Money{Amount: 6500, Currency: "EUR"}) || len(p.Pledges) != 2 {
			t.Errorf("paint need %+v", p)
		}
		wantProblem(t, e.get("/api/v1/commons/"+c.turbine+"/needs?sort=loudest"), 400, meent.EINVALID)
		wantProblem(t, e.get("/api/v1/commons/"+c.turbine+"/needs?status=maybe"), 400, meent.EINVALID)
		wantProblem(t, e.get("/api/v1/commons/"+strings.Repeat("0", 64)+"/needs"), 404, meent.ENOTFOUND)
		wantProblem(t, e.get("/api/v1/needs/"+strings.Repeat("0", 64)), 404, meent.ENOTFOUND)
	})

	t.Run("claims", func(t *testing.T) {
		e.act(c.cy, commons.TypeNeedClaim, commons.ClaimData{Need: mould})
		e.act(c.dee, commons.TypeNeedClaim, commons.ClaimData{Need: mould, LeaseDays: 2})
		// Beyond the need's limit of two.
		e.refused(t, c.bob.sign(t, commons.TypeNeedClaim, commons.ClaimData{Need: mould}), 422, meent.ERULE)
		m, _ := e.client.Need(ctx, mould)
		if len(m.ActiveClaims) != 2 || m.FreeSlots != 0 || m.LeaseEnd == nil {
			t.Fatalf("claimed need %+v", m)
		}
		week := int64(commons.DefaultLease * 24 * 3600)
		if left := m.ActiveClaims[0].TimeLeftSeconds; left > week || left < week-60 || m.ActiveClaims[0].Agent != c.cy.id {
			t.Errorf("time left %d, want about %d", left, week)
		}
		if *m.LeaseEnd != m.ActiveClaims[0].Expires {
			t.Errorf("lease end %v, claims %+v", *m.LeaseEnd, m.ActiveClaims)
		}
		e.act(c.dee, commons.TypeNeedRelease, commons.RefData{Need: mould})
		m, _ = e.client.Need(ctx, mould)
		if len(m.ActiveClaims) != 1 || m.FreeSlots != 1 {
			t.Errorf("after release: %+v", m.ActiveClaims)
		}
		// A lease that has run out holds nothing, without any event.
		e.post(c.bob.signAt(t, commons.TypeNeedClaim, commons.ClaimData{Need: docs, LeaseDays: 1}, time.Now().Add(-25*time.Hour)))
		d, _ := e.client.Need(ctx, docs)
		if len(d.ActiveClaims) != 0 || d.LeaseEnd != nil {
			t.Errorf("lapsed claim still active: %+v", d.ActiveClaims)
		}
		claimed, _ := e.client.Needs(ctx, c.turbine, client.NeedQuery{Claimed: "1"})
		unclaimed, _ := e.client.Needs(ctx, c.turbine, client.NeedQuery{Claimed: "0"})
		if !slices.Equal(needIDs(claimed), []string{mould}) || !slices.Equal(needIDs(unclaimed), []string{docs, paint}) {
			t.Errorf("claimed %v, unclaimed %v", needIDs(claimed), needIDs(unclaimed))
		}
	})

	t.Run("an accepted contribution closes its need", func(t *testing.T) {
		k := e.act(c.dee, commons.TypeSubmit, commons.SubmitData{Commons: c.turbine, Kind: "equipment_use", Title: "Built the mould", Need: mould})
		e.act(c.ada, commons.TypeReview, commons.ReviewData{Contribution: k, Verdict: commons.VerdictAccept})
		e.act(c.bob, commons.TypeReview, commons.ReviewData{Contribution: k, Verdict: commons.VerdictAccept})
		m, _ := e.client.Need(ctx, mould)
		if m.Status != commons.NeedClosed || m.ClosedBy != k || len(m.ActiveClaims) != 0 {
			t.Errorf("answered need %+v", m)
		}
		open, _ := e.client.Needs(ctx, c.turbine, client.NeedQuery{})
		closed, _ := e.client.Needs(ctx, c.turbine, client.NeedQuery{Status: "closed"})
		all, _ := e.client.Needs(ctx, c.turbine, client.NeedQuery{Status: "all", Sort: "age"})
		if !slices.Equal(needIDs(open), []string{docs, paint}) || !slices.Equal(needIDs(closed), []string{mould}) || len(all) != 3 {
			t.Errorf("open %v, closed %v, all %v", needIDs(open), needIDs(closed), needIDs(all))
		}
		// Claims on a closed need are refused.
		e.refused(t, c.bob.sign(t, commons.TypeNeedClaim, commons.ClaimData{Need: mould}), 422, meent.ERULE)
	})

	t.Run("lists", func(t *testing.T) {
		other := e.act(c.eve, commons.TypeCreate, commons.CreateData{Name: "Recipes", Kind: "knowledge"})
		all, err := e.client.CommonsList(ctx, "")
		if err != nil || len(all) != 4 || all[0].ID != other {
			t.Errorf("all commons: %v, %v", ids(all, func(c api.Commons) string { return c.Name }), err)
		}
		hw, _ := e.client.CommonsList(ctx, "hardware")
		if len(hw) != 3 {
			t.Errorf("hardware: %v", ids(hw, func(c api.Commons) string { return c.Name }))
		}
		wantProblem(t, e.get("/api/v1/commons?kind=spaceship"), 400, meent.EINVALID)
		wantProblem(t, e.get("/api/v1/commons/zzz"), 400, meent.EINVALID)
		wantProblem(t, e.get("/api/v1/commons/"+strings.Repeat("0", 64)), 404, meent.ENOTFOUND)
		mine := getJSONAs[api.ContributionList](t, e, "/api/v1/agents/"+c.cy.id+"/contributions")
		if len(mine.Contributions) != 3 || mine.Contributions[0].Title != "Libre manual" {
			t.Errorf("Cy's contributions %v", contributionIDs(mine.Contributions))
		}
		acc := getJSONAs[api.ContributionList](t, e, "/api/v1/agents/"+c.cy.id+"/contributions?status=accepted")
		if !slices.Equal(contributionIDs(acc.Contributions), []string{late, blade}) {
			t.Errorf("Cy's accepted %v", contributionIDs(acc.Contributions))
		}
		wantProblem(t, e.get("/api/v1/agents/"+strings.Repeat("0", 64)+"/contributions"), 404, meent.ENOTFOUND)
	})

	t.Run("activity", func(t *testing.T) {
		act, err := e.client.CommonsActivity(ctx, c.turbine, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		if act.NextBefore != nil {
			t.Errorf("a short stream has a next page: %d", *act.NextBefore)
		}
		last := act.Events[len(act.Events)-1]
		if last.Hash != c.turbine || last.Summary != "Ada created the commons Open Turbine" {
			t.Errorf("oldest entry %+v", last)
		}
		seen := map[string]bool{}
		for i, a := range act.Events {
			if i > 0 && a.Index >= act.Events[i-1].Index {
				t.Fatalf("not newest first at %d", i)
			}
			seen[a.Summary] = true
			if a.Type == commons.TypeSubmit && strings.Contains(string(a.Data), "Libre manual") {
				t.Error("the fork's contribution is in the upstream's stream")
			}
			if strings.HasPrefix(a.Type, "agent.") || strings.HasPrefix(a.Type, "member.") {
				t.Errorf("an agent event in a commons stream: %+v", a)
			}
		}
		for _, want := range []string{
			"Cy contributed “Blade design” to Open Turbine",
			"Ada accepted “Blade design”",
			"Bob rejected “Controller firmware, tested”: duplicates the existing controller",
			"Dee forked Open Turbine as Turbine Libre",
			"Dee endorsed “Blade design”",
			"Bob gave the need “Translate the manual” priority 5 of 5",
			"Dee pledged 50.00 EUR to the need “Paint the tower”",
			"Cy claimed the need “Blade mould” for 7 days",
			"Dee released their claim on the need “Blade mould”",
		} {
			if !seen[want] {
				t.Errorf("no activity %q", want)
			}
		}
		// Paging goes on where the last page ended, without overlap.
		p1, _ := e.client.CommonsActivity(ctx, c.turbine, 0, 5)
		p2, _ := e.client.CommonsActivity(ctx, c.turbine, *p1.NextBefore, 5)
		if len(p1.Events) != 5 || p1.NextBefore == nil || p2.Events[0].Index >= p1.Events[4].Index ||
			p2.Events[0].Hash != act.Events[5].Hash {
			t.Errorf("pages %v then %v", p1.NextBefore, p2.Events)
		}
		// The fork's stream starts with its creation.
		fa, _ := e.client.CommonsActivity(ctx, fork, 0, 0)
		if n := len(fa.Events); n < 2 || fa.Events[n-1].Hash != fork {
			t.Errorf("fork stream %+v", fa.Events)
		}

		aa, err := e.client.AgentActivity(ctx, c.cy.id, 0, 3)
		if err != nil || len(aa.Events) != 3 || aa.NextBefore == nil {
			t.Fatalf("agent activity: %+v, %v", aa, err)
		}
		for _, a := range aa.Events {
			if a.Author != c.cy.id || !strings.HasPrefix(a.Summary, "Cy ") {
				t.Errorf("agent activity entry %+v", a)
			}
		}
		wantProblem(t, e.get("/api/v1/commons/"+c.turbine+"/activity?limit=0"), 400, meent.EINVALID)
		wantProblem(t, e.get("/api/v1/agents/"+strings.Repeat("0", 64)+"/activity"), 404, meent.ENOTFOUND)
	})

	t.Run("atom feeds", func(t *testing.T) {
		for _, tc := range []struct{ path, id, title string }{
			{"/commons/" + c.turbine + "/feed.atom", "urn:meent:commons:" + c.turbine, "Open Turbine"},
			{"/agents/" + c.cy.id + "/feed.atom", "urn:meent:agent:" + c.cy.id, "Cy"},
		} {
			r := e.get(tc.path)
			wantStatus(t, r, 200)
			if ct := r.header.Get("Content-Type"); ct != "application/atom+xml; charset=utf-8" {
				t.Errorf("%s: Content-Type %q", tc.path, ct)
			}
			var f struct {
				XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
				ID      string   `xml:"id"`
				Title   string   `xml:"title"`
				Updated string   `xml:"updated"`
				Links   []struct {
					Rel  string `xml:"rel,attr"`
					Href string `xml:"href,attr"`
				} `xml:"link"`
				Entries []struct {
					ID      string `xml:"id"`
					Title   string `xml:"title"`
					Updated string `xml:"updated"`
					Author  struct {
						Name string `xml:"name"`
					} `xml:"author"`
					Link struct {
						Href string `xml:"href,attr"`
					} `xml:"link"`
				} `xml:"entry"`
			}
			if err := xml.Unmarshal(r.body, &f); err != nil {
				t.Fatalf("%s does not parse: %v\n%s", tc.path, err, r.body)
			}
			if f.ID != tc.id || !strings.HasPrefix(f.Title, tc.title) || len(f.Entries) == 0 || len(f.Links) != 2 ||
				f.Links[0].Rel != "self" || f.Links[0].Href != e.http.URL+tc.path {
				t.Errorf("%s: feed %+v", tc.path, f)
			}
			if _, err := time.Parse(time.RFC3339, f.Updated); err != nil {
				t.Errorf("updated %q: %v", f.Updated, err)
			}
			for _, en := range f.Entries {
				hash, ok := strings.CutPrefix(en.ID, "urn:meent:event:")
				if !ok || len(hash) != 64 || en.Link.Href != e.http.URL+"/events/"+hash || en.Title == "" || en.Author.Name == "" {
					t.Errorf("entry %+v", en)
				}
				if _, err := time.Parse(time.RFC3339, en.Updated); err != nil {
					t.Errorf("entry updated %q: %v", en.Updated, err)
				}
			}
		}
		wantStatus(t, e.get("/commons/"+strings.Repeat("0", 64)+"/feed.atom"), 404)
		wantStatus(t, e.get("/agents/nope/feed.atom"), 404)
	})

	t.Run("web pages name the agents", func(t *testing.T) {
		r := e.get("/commons")
		wantStatus(t, r, 200)
		wantContains(t, r, `<a href="/commons">Commons</a>`, "Open Turbine", "Turbine Libre", "Recipes",
			`<a href="/agents/`+c.ada.id+`">Ada</a>`, `<a href="/agents/`+c.bob.id+`">Bob</a>`)
		wantContains(t, e.get("/commons?kind=knowledge"), "Recipes")

		r = e.get("/commons/" + c.turbine)
		wantStatus(t, r, 200)
		wantContains(t, r, "Open Turbine", "A wind turbine anyone can build.", "Designs, code and manuals.",
			`<a href="/agents/`+c.bob.id+`">Bob</a>`, "2 approvals", "Turbine Libre",
			"Blade design", `status-accepted`, "status-disputed", "Translate the manual", "Paint the tower",
			"65.00 EUR", "Bob accepted “Built the mould”", `type="application/atom+xml"`,
			"/commons/"+c.turbine+"/feed.atom", "Log in</a> to contribute")
		if i, j := strings.Index(string(r.body), "Translate the manual"), strings.Index(string(r.body), "Paint the tower"); i > j {
			t.Error("the board is not ordered by signals")
		}
		r = e.get("/commons/" + c.turbine + "?sort=pledges")
		if i, j := strings.Index(string(r.body), "Translate the manual"), strings.Index(string(r.body), "Paint the tower"); i < j {
			t.Error("the board is not ordered by pledges")
		}
		wantStatus(t, e.get("/commons/"+c.turbine+"?sort=nope"), 400)
		wantContains(t, e.get("/commons/"+fork), "A fork of", "Open Turbine", "upstream, recognised through the fork", "Blade design")

		r = e.get("/contributions/" + blade)
		wantStatus(t, r, 200)
		wantContains(t, r, "Blade design", "Open Turbine", `<a href="/agents/`+c.cy.id+`">Cy</a>`,
			`/api/v1/blobs/`+bi.Hash, "blade.pdf", strings.Repeat("a1", 20), "https://turbine.example/blade",
			"10 h", "accepted it", "submitted it", "endorsed it", `<a href="/agents/`+c.dee.id+`">Dee</a>`, "2 of 2 needed")
		r = e.get("/contributions/" + late)
		wantStatus(t, r, 200)

		r = e.get("/needs/" + docs)
		wantStatus(t, r, 200)
		wantContains(t, r, "Translate the manual", "100.00 EUR", "3.5 on average", `<a href="/agents/`+c.dee.id+`">Dee</a>`)
		r = e.get("/needs/" + mould)
		wantContains(t, r, "answered by", "Built the mould", "status-closed")
		for _, p := range []string{"/commons/nope", "/contributions/nope", "/needs/nope", "/needs/" + strings.Repeat("0", 64)} {
			wantStatus(t, e.get(p), 404)
		}
		if r := e.get("/agents/" + c.cy.id); !strings.Contains(string(r.body), "Blade design") || !strings.Contains(string(r.body), "feed.atom") {
			t.Errorf("agent page without contributions or feed:\n%s", r.body)
		}
	})

	t.Run("web forms", func(t *testing.T) {
		cookie, csrf := e.login("grace", "a long enough password")
		r := e.get("/commons/"+c.turbine, "Cookie", cookie)
		wantContains(t, r, `action="/commons/`+c.turbine+`/contributions"`, `action="/commons/`+c.turbine+`/needs"`, "Blade mould")
		path := "/commons/" + c.turbine + "/contributions"
		before := e.size()
		wantStatus(t, e.do("POST", path, form("title", "Sketches", "kind", "design"), "Content-Type", formType, "Cookie", cookie), 403)
		wantStatus(t, e.do("POST", path, form("title", "Sketches", "kind", "design", "csrf", csrf), "Content-Type", formType), 401)
		if e.size() != before {
			t.Fatal("a refused form wrote to the log")
		}
		r = e.do("POST", path, form("title", "", "kind", "design", "csrf", csrf, "url", "https://x.example"), "Content-Type", formType, "Cookie", cookie)
		wantStatus(t, r, 422)
		wantContains(t, r, "title (or name) must be", `value="https://x.example"`)
		r = e.do("POST", path, form("title", "Sketches", "kind", "design", "description", "Pencil on paper.", "url", "https://x.example/s", "need", docs, "csrf", csrf),
			"Content-Type", formType, "Cookie", cookie)
		wantStatus(t, r, 303)
		loc := r.header.Get("Location")
		id, ok := strings.CutPrefix(loc, "/contributions/")
		if !ok || e.size() != before+1 {
			t.Fatalf("Location %q", loc)
		}
		k, _ := e.client.Contribution(ctx, id)
		if k.Contributor != grace || k.Need != docs || k.Evidence[0].URL != "https://x.example/s" || k.Kind != "design" {
			t.Errorf("contribution from the form %+v", k)
		}
		wantContains(t, e.get(loc), "Sketches", "Grace", "Pencil on paper.")

		r = e.do("POST", "/commons/"+c.turbine+"/needs", form("title", "Wind data", "description", "a year of it", "csrf", csrf), "Content-Type", formType, "Cookie", cookie)
		wantStatus(t, r, 303)
		need, _ := strings.CutPrefix(r.header.Get("Location"), "/needs/")
		if n, err := e.client.Need(ctx, need); err != nil || n.Poster != grace || n.Title != "Wind data" {
			t.Fatalf("need from the form %+v, %v", n, err)
		}

		// Grace is not a member: her +1 is refused with the reason shown.
		r = e.do("POST", "/needs/"+need+"/signal", form("kind", "plus_one", "csrf", csrf), "Content-Type", formType, "Cookie", cookie)
		wantStatus(t, r, 403)
		wantContains(t, r, "only members of the community signal needs", "Wind data")
		e.act(c.ada, agent.TypeMemberSet, agent.MemberData{Agent: grace, Role: agent.RoleMember})
		r = e.do("POST", "/needs/"+need+"/signal", form("kind", "plus_one", "csrf", csrf), "Content-Type", formType, "Cookie", cookie)
		wantStatus(t, r, 303)
		if r.header.Get("Location") != "/needs/"+need {
			t.Errorf("Location %q", r.header.Get("Location"))
		}
		wantStatus(t, e.do("POST", "/needs/"+need+"/claim", form("lease_days", "3", "csrf", csrf), "Content-Type", formType, "Cookie", cookie), 303)
		n, _ := e.client.Need(ctx, need)
		if n.PlusOnes != 1 || len(n.ActiveClaims) != 1 || n.ActiveClaims[0].Agent != grace || n.ActiveClaims[0].TimeLeftSeconds > 3*86400 {
			t.Errorf("need after the forms %+v", n)
		}
		r = e.get("/needs/"+need, "Cookie", cookie)
		wantContains(t, r, "Release my claim", "Renew my claim", `<a href="/agents/`+grace+`">Grace</a>`)
		if !regexp.MustCompile(`<td>(2 days 23 h|3 days 0 h)</td>`).Match(r.body) {
			t.Errorf("no time left on the claim:\n%s", r.body)
		}
		if strings.Contains(string(r.body), `value="plus_one"`) {
			t.Error("the +1 button is offered again")
		}
		wantStatus(t, e.do("POST", "/needs/"+need+"/release", form("csrf", csrf), "Content-Type", formType, "Cookie", cookie), 303)
		if n, _ := e.client.Need(ctx, need); len(n.ActiveClaims) != 0 {
			t.Errorf("claims after release %+v", n.ActiveClaims)
		}
		time.Sleep(2 * time.Millisecond) // a new event time, so not a replay of the first release
		r = e.do("POST", "/needs/"+need+"/release", form("csrf", csrf), "Content-Type", formType, "Cookie", cookie)
		wantStatus(t, r, 422)
		wantContains(t, r, "you hold no active claim")
	})

	t.Run("projection matches a replay", func(t *testing.T) {
		var want [32]byte
		e.node.State(func(st *state.State) { want = st.Digest() })
		sd := getJSONAs[api.StateDigest](t, e, "/api/v1/state/digest")
		if sd.Digest != hex.EncodeToString(want[:]) {
			t.Errorf("store digest %s, rules digest %x", sd.Digest, want)
		}
	})
}

// TestCommonsActivityExact checks that a commons' activity comes from the
// event index, not from a scan of the latest events: after 5,000 events
// that have nothing to do with it, the first page still holds all of it,
// and an agent's activity with ?touching=1 holds what others did about it.
// (It replaces TestCommonsActivityScanBound, which pinned the old bound:
// a first page that was empty after 2,000 unrelated events.)
func TestCommonsActivityExact(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := newCommunity(t, e)
	blade := e.act(c.cy, commons.TypeSubmit, commons.SubmitData{Commons: c.turbine, Kind: "design", Title: "Blade design"})
	e.act(c.ada, commons.TypeReview, commons.ReviewData{Contribution: blade, Verdict: commons.VerdictAccept})
	e.fill(5000)
	act, err := e.client.CommonsActivity(t.Context(), c.turbine, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, a := range act.Events {
		got = append(got, a.Type)
	}
	if want := []string{commons.TypeReview, commons.TypeSubmit, commons.TypeCreate}; !slices.Equal(got, want) || act.NextBefore != nil {
		t.Fatalf("activity after 5,000 unrelated events: %v (next %v), want %v and no next page", got, act.NextBefore, want)
	}
	if act.Events[2].Hash != c.turbine {
		t.Errorf("oldest entry %+v", act.Events[2])
	}

	// Cy signed the contribution (agent.create has no author); Ada's review
	// and admission of Cy, and Cy's creation, touch Cy too.
	signed := getJSONAs[ActivityList](t, e, "/api/v1/agents/"+c.cy.id+"/activity")
	touching := getJSONAs[ActivityList](t, e, "/api/v1/agents/"+c.cy.id+"/activity?touching=1")
	var summaries []string
	for _, a := range touching.Events {
		summaries = append(summaries, a.Summary)
	}
	if len(signed.Events) != 1 || len(touching.Events) != 4 || touching.Events[0].Type != commons.TypeReview ||
		touching.Events[0].Author != c.ada.id || touching.Events[2].Type != agent.TypeMemberSet {
		t.Errorf("Cy signed %d events; the events touching Cy: %q", len(signed.Events), summaries)
	}
	// Paging by the cursor goes on where the last page ended.
	p1 := getJSONAs[ActivityList](t, e, "/api/v1/agents/"+c.cy.id+"/activity?touching=1&limit=3")
	p2 := getJSONAs[ActivityList](t, e, "/api/v1/agents/"+c.cy.id+"/activity?touching=1&limit=3&cursor="+p1.Next)
	if len(p1.Events) != 3 || len(p2.Events) != 1 || p2.Events[0].Hash != touching.Events[3].Hash {
		t.Errorf("pages of 3: %d then %d events", len(p1.Events), len(p2.Events))
	}
	wantProblem(t, e.get("/api/v1/agents/"+c.cy.id+"/activity?touching=maybe"), 400, meent.EINVALID)
}

func TestNeedSummaries(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		sec  int64
		want string
	}{
		{0, "ended"}, {30, "under a minute"}, {600, "10 min"}, {3*3600 + 120, "3 h 2 min"},
		{86400 + 7200, "1 day 2 h"}, {7 * 86400, "7 days 0 h"},
	} {
		if got := timeLeft(tc.sec); got != tc.want {
			t.Errorf("timeLeft(%d) = %q, want %q", tc.sec, got, tc.want)
		}
	}
	for m, want := range map[api.Money]string{{Amount: 6500, Currency: "EUR"}: "65.00 EUR", {Amount: 5, Currency: "USD"}: "0.05 USD", {Amount: -120, Currency: "EUR"}: "-1.20 EUR", {Amount: 1234, Currency: "JPY"}: "1234 JPY", {Amount: 1234, Currency: "KWD"}: "1.234 KWD"} {
		if got := formatMoney(m); got != want {
			t.Errorf("formatMoney(%v) = %q, want %q", m, got, want)
		}
	}
	if got := fmt.Sprint(workTime(150), " ", workTime(60), " ", workTime(5)); got != "2 h 30 min 1 h 5 min" {
		t.Errorf("workTime: %q", got)
	}
}
