package http_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	nethttp "net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/meent/meent"
	"github.com/meent/meent/agent"
	"github.com/meent/meent/api"
	"github.com/meent/meent/api/apitest"
	"github.com/meent/meent/audit"
	"github.com/meent/meent/client"
	"github.com/meent/meent/http"
	"github.com/meent/meent/ledger"
)

const eventType = "application/vnd.meent.event"

func TestSubmit(t *testing.T) {
	t.Parallel()
	e := apitest.New(t, nil)
	ada := apitest.NewSigner(t)
	adaCreate := ada.CreateEntry(t, "Ada")

	t.Run("valid agent.create is accepted", func(t *testing.T) {
		r := e.Do("POST", "/api/v1/events", adaCreate, "Content-Type", eventType)
		apitest.WantStatus(t, r, nethttp.StatusCreated)
		var rc api.Receipt
		r.JSON(t, &rc)
		if rc.Index != 0 || rc.TreeSize != 1 || rc.Hash != ada.ID {
			t.Fatalf("receipt %+v, want index 0, size 1, hash %s", rc, ada.ID)
		}
		if loc := r.Header.Get("Location"); loc != "/api/v1/events/"+ada.ID {
			t.Errorf("Location = %q", loc)
		}
	})
	// Ada becomes the first admin (the bootstrap rule); Bob is a plain agent.
	if _, err := e.Client.Submit(t.Context(), ada.Sign(t, agent.TypeMemberSet, agent.MemberData{Agent: ada.ID, Role: agent.RoleAdmin})); err != nil {
		t.Fatal(err)
	}
	bob := e.CreateAgent("Bob")

	// Entries the node must refuse, each with what it must say.
	key := apitest.NewSigner(t)
	pub := base64.StdEncoding.EncodeToString(key.Key.Public().(ed25519.PublicKey))
	now := time.Now().UnixMilli()
	body := func(format string, args ...any) []byte {
		return ledger.SignBody(key.Key, fmt.Appendf(nil, format, args...))
	}
	badSig := bytes.Replace(bytes.Clone(adaCreate), []byte(`"Ada"`), []byte(`"Adb"`), 1)
	future, err := ledger.Sign(key.Key, ledger.Body{Type: agent.TypeCreate, Time: time.Now().Add(time.Hour).UnixMilli(), Data: agent.CreateData{Kind: agent.Person, Name: "Later"}})
	if err != nil {
		t.Fatal(err)
	}
	refusals := []struct {
		name   string
		entry  []byte
		ctype  string
		status int
		code   string
	}{
		{"malformed", []byte("hello, world\n"), eventType, 400, meent.EMALFORMED},
		{"empty", []byte{}, eventType, 400, meent.EMALFORMED},
		{"oversize", bytes.Repeat([]byte("a"), ledger.MaxEntrySize+1), eventType, 413, meent.ETOOLARGE},
		{"duplicate JSON key", body(`{"v":1,"type":"agent.create","key":%q,"time":%d,"data":{"kind":"person","name":"A","name":"B"}}`, pub, now), eventType, 400, meent.EMALFORMED},
		{"trailing data", body(`{"v":1,"type":"agent.create","key":%q,"time":%d,"data":{"kind":"person","name":"A"}} `, pub, now), eventType, 400, meent.EMALFORMED},
		{"unknown version", body(`{"v":2,"type":"agent.create","key":%q,"time":%d,"data":{}}`, pub, now), eventType, 400, meent.EVERSION},
		{"bad signature", badSig, eventType, 400, meent.ESIGNATURE},
		{"replayed", adaCreate, eventType, 409, meent.EDUPLICATE},
		{"member.set by a non-admin", bob.Sign(t, agent.TypeMemberSet, agent.MemberData{Agent: bob.ID, Role: agent.RoleAdmin}), eventType, 403, meent.EFORBIDDEN},
		{"unknown author", signAs(key, t, strings.Repeat("ab", 32), agent.TypeUpdate, agent.UpdateData{Name: "X"}), eventType, 422, meent.ERULE},
		{"unknown type", bob.Sign(t, "thing.do", map[string]int{"n": 1}), eventType, 422, meent.ERULE},
		{"time in the future", future, eventType, 422, meent.ERULE},
		{"wrong content type", key.CreateEntry(t, "Eve"), "application/x-www-form-urlencoded", 400, meent.EINVALID},
		{"no content type", key.CreateEntry(t, "Eve"), "", 400, meent.EINVALID},
	}
	for _, tc := range refusals {
		t.Run(tc.name, func(t *testing.T) {
			before := e.Size()
			cp, _ := e.Store.Checkpoint(t.Context())
			r := e.Do("POST", "/api/v1/events", tc.entry, "Content-Type", tc.ctype)
			apitest.WantProblem(t, r, tc.status, tc.code)
			if after := e.Size(); after != before {
				t.Errorf("log grew from %d to %d on a refusal", before, after)
			}
			if cp2, _ := e.Store.Checkpoint(t.Context()); cp2.Size != cp.Size {
				t.Errorf("checkpoint moved from %d to %d on a refusal", cp.Size, cp2.Size)
			}
		})
	}

	t.Run("oversize without Content-Length", func(t *testing.T) {
		before := e.Size()
		big := io.MultiReader(bytes.NewReader(bytes.Repeat([]byte("a"), ledger.MaxEntrySize)), strings.NewReader("bb"))
		req, _ := nethttp.NewRequestWithContext(t.Context(), "POST", e.HTTP.URL+"/api/v1/events", big)
		req.Header.Set("Content-Type", eventType)
		resp, err := nethttp.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		data, _ := io.ReadAll(resp.Body)
		apitest.WantProblem(t, apitest.Response{Status: resp.StatusCode, Header: resp.Header, Body: data}, 413, meent.ETOOLARGE)
		if e.Size() != before {
			t.Error("log grew")
		}
	})

	t.Run("client decodes problems into *meent.Error", func(t *testing.T) {
		_, err := e.Client.Submit(t.Context(), adaCreate)
		var me *meent.Error
		if !errors.As(err, &me) || me.Code != meent.EDUPLICATE || !strings.Contains(me.Message, "already in the log") {
			t.Fatalf("err = %#v, want duplicate_event", err)
		}
		_, err = e.Client.Submit(t.Context(), badSig)
		if meent.ErrorCode(err) != meent.ESIGNATURE {
			t.Fatalf("err = %v, want bad_signature", err)
		}
	})
}

// signAs signs an event claiming any author.
func signAs(s *apitest.Signer, t *testing.T, author, typ string, data any) []byte {
	t.Helper()
	entry, err := ledger.Sign(s.Key, ledger.Body{Type: typ, Author: author, Time: time.Now().UnixMilli(), Data: data})
	if err != nil {
		t.Fatal(err)
	}
	return entry
}

// tileReader reads hash tiles through the client.Client, for tlog.TileHashReader,
// which checks every tile it reads against the tree's root.
type tileReader struct {
	ctx context.Context
	c   *client.Client
}

func (r tileReader) Height() int { return ledger.TileHeight }

func (r tileReader) ReadTiles(tiles []tlog.Tile) ([][]byte, error) {
	out := make([][]byte, len(tiles))
	for i, t := range tiles {
		data, err := r.c.HashTile(r.ctx, t)
		if err != nil {
			return nil, err
		}
		out[i] = data
	}
	return out, nil
}

func (tileReader) SaveTiles([]tlog.Tile, [][]byte) {}

func proofOf(p [][]byte) []tlog.Hash {
	out := make([]tlog.Hash, len(p))
	for i := range p {
		copy(out[i][:], p[i])
	}
	return out
}

func hashOf(t *testing.T, b []byte) tlog.Hash {
	t.Helper()
	var h tlog.Hash
	if len(b) != len(h) {
		t.Fatalf("hash is %d bytes", len(b))
	}
	copy(h[:], b)
	return h
}

func TestLogAndProofs(t *testing.T) {
	t.Parallel()
	e := apitest.New(t, nil)
	ctx := t.Context()

	t.Run("empty log", func(t *testing.T) {
		// A new log publishes a signed checkpoint of the empty tree.
		c := e.Checkpoint()
		if c.Size != 0 || c.Root != tlog.Hash(http.EmptyRoot) {
			t.Errorf("empty checkpoint %+v", c)
		}
		var info api.NodeInfo
		e.Get("/api/v1/node").JSON(t, &info)
		if info.TreeSize != 0 || info.CheckpointTime == nil || !bytes.Equal(info.RootHash, http.EmptyRoot[:]) {
			t.Errorf("empty node info %+v", info)
		}
	})

	entries := e.Fill(100)
	cp1 := e.Checkpoint()
	for k, v := range e.Fill(200) {
		entries[k] = v
	}
	cp2 := e.Checkpoint()
	if cp1.Size != 100 || cp2.Size != 300 || cp2.Origin != apitest.Origin {
		t.Fatalf("checkpoints %+v then %+v", cp1, cp2)
	}

	t.Run("node info", func(t *testing.T) {
		var info api.NodeInfo
		r := e.Get("/api/v1/node")
		apitest.WantStatus(t, r, 200)
		r.JSON(t, &info)
		if info.LogOrigin != apitest.Origin || info.VerifierKey != e.VKey || info.TreeSize != 300 || !bytes.Equal(info.RootHash, cp2.Root[:]) ||
			info.Agents != 300 || info.Members != 0 || info.Version != "test" || info.CheckpointTime == nil {
			t.Errorf("node info %+v", info)
		}
		if !strings.Contains(string(r.Body), `"checkpoint_time":"20`) {
			t.Errorf("checkpoint_time not RFC 3339: %s", r.Body)
		}
	})

	t.Run("hash tiles verify against the checkpoint", func(t *testing.T) {
		hr := tlog.TileHashReader(tlog.Tree{N: cp2.Size, Hash: cp2.Root}, tileReader{ctx, e.Client})
		root, err := tlog.TreeHash(cp2.Size, hr)
		if err != nil || root != cp2.Root {
			t.Fatalf("root from tiles %x, %v; want %x", root, err, cp2.Root)
		}
		for _, i := range []int64{0, 1, 255, 256, 299} {
			p, err := tlog.ProveRecord(cp2.Size, i, hr)
			if err != nil {
				t.Fatal(err)
			}
			if err := tlog.CheckRecord(p, cp2.Size, cp2.Root, i, ledger.LeafHash(entries[i])); err != nil {
				t.Errorf("record %d: %v", i, err)
			}
		}
	})

	t.Run("tile headers", func(t *testing.T) {
		r := e.Get("/log/tile/0/000")
		apitest.WantStatus(t, r, 200)
		if len(r.Body) != 256*32 || r.Header.Get("Content-Type") != "application/octet-stream" ||
			r.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" {
			t.Errorf("full tile: %d bytes, headers %v", len(r.Body), r.Header)
		}
		r = e.Get("/log/tile/0/001.p/44")
		apitest.WantStatus(t, r, 200)
		if len(r.Body) != 44*32 || r.Header.Get("Cache-Control") != "public, max-age=60" {
			t.Errorf("partial tile: %d bytes, headers %v", len(r.Body), r.Header)
		}
	})

	t.Run("entry bundles", func(t *testing.T) {
		r := e.Get("/log/tile/entries/000")
		apitest.WantStatus(t, r, 200)
		es, err := ledger.ParseBundle(r.Body)
		if err != nil || len(es) != 256 {
			t.Fatalf("bundle: %d entries, %v", len(es), err)
		}
		for i, en := range es {
			if !bytes.Equal(en, entries[int64(i)]) {
				t.Fatalf("entry %d differs", i)
			}
		}
		es, err = e.Client.Entries(ctx, 256, 44)
		if err != nil || len(es) != 44 || !bytes.Equal(es[43], entries[299]) {
			t.Fatalf("partial bundle: %d entries, %v", len(es), err)
		}
		if _, err := e.Client.Entries(ctx, 256, 45); meent.ErrorCode(err) != meent.ENOTFOUND {
			t.Errorf("entries beyond the log: %v", err)
		}
	})

	t.Run("bad tile paths are 404", func(t *testing.T) {
		for _, p := range []string{
			"/log/tile/0/0", "/log/tile/0/x000/000", "/log/tile/00/000", "/log/tile/0/000.p/0",
			"/log/tile/0/000.p/256", "/log/tile/0/002", "/log/tile/1/000", "/log/tile/entries/001",
			"/log/tile/entries/001.p/45", "/log/tile/entries/000.p/44/x", "/log/tile/", "/log/tile/-1/000",
		} {
			r := e.Get(p)
			if r.Status != 404 {
				t.Errorf("%s: status %d, want 404", p, r.Status)
			}
		}
	})

	t.Run("inclusion proofs", func(t *testing.T) {
		for _, i := range []int64{0, 99, 150, 299} {
			var p api.InclusionProof
			r := e.Get("/api/v1/proofs/inclusion?index=" + strconv.FormatInt(i, 10))
			apitest.WantStatus(t, r, 200)
			r.JSON(t, &p)
			leaf := ledger.LeafHash(entries[i])
			if p.Index != i || p.TreeSize != 300 || !bytes.Equal(p.LeafHash, leaf[:]) || !bytes.Equal(p.RootHash, cp2.Root[:]) {
				t.Fatalf("proof %d: %+v", i, p)
			}
			if err := tlog.CheckRecord(proofOf(p.Proof), cp2.Size, cp2.Root, i, leaf); err != nil {
				t.Errorf("proof of %d does not check: %v", i, err)
			}
		}
		// By hash, against the older checkpoint.
		h := sha256.Sum256(entries[42])
		var p api.InclusionProof
		e.Get("/api/v1/proofs/inclusion?size=100&hash="+ledger.Hash(h).String()).JSON(t, &p)
		if err := tlog.CheckRecord(proofOf(p.Proof), cp1.Size, cp1.Root, 42, ledger.LeafHash(entries[42])); err != nil || p.TreeSize != 100 {
			t.Errorf("proof by hash in tree 100: %v (%+v)", err, p)
		}
		apitest.WantProblem(t, e.Get("/api/v1/proofs/inclusion?index=150&size=100"), 400, meent.EINVALID)
		apitest.WantProblem(t, e.Get("/api/v1/proofs/inclusion?index=300"), 404, meent.ENOTFOUND)
		apitest.WantProblem(t, e.Get("/api/v1/proofs/inclusion?index=1&size=301"), 400, meent.EINVALID)
		apitest.WantProblem(t, e.Get("/api/v1/proofs/inclusion"), 400, meent.EINVALID)
		apitest.WantProblem(t, e.Get("/api/v1/proofs/inclusion?index=x"), 400, meent.EINVALID)
		apitest.WantProblem(t, e.Get("/api/v1/proofs/inclusion?hash=ABC"), 400, meent.EINVALID)
		apitest.WantProblem(t, e.Get("/api/v1/proofs/inclusion?hash="+strings.Repeat("0", 64)), 404, meent.ENOTFOUND)
	})

	t.Run("consistency proofs", func(t *testing.T) {
		var p api.ConsistencyProof
		r := e.Get("/api/v1/proofs/consistency?old=100")
		apitest.WantStatus(t, r, 200)
		r.JSON(t, &p)
		if p.Old != 100 || p.New != 300 || !bytes.Equal(p.OldRoot, cp1.Root[:]) || !bytes.Equal(p.NewRoot, cp2.Root[:]) {
			t.Fatalf("consistency %+v", p)
		}
		if err := tlog.CheckTree(proofOf(p.Proof), cp2.Size, cp2.Root, cp1.Size, cp1.Root); err != nil {
			t.Errorf("consistency proof does not check: %v", err)
		}
		// Through the client, between two explicit sizes.
		p, err := e.Client.Consistency(ctx, 7, 100)
		if err != nil {
			t.Fatal(err)
		}
		if err := tlog.CheckTree(proofOf(p.Proof), 100, cp1.Root, 7, hashOf(t, p.OldRoot)); err != nil {
			t.Errorf("7 -> 100: %v", err)
		}
		apitest.WantProblem(t, e.Get("/api/v1/proofs/consistency"), 400, meent.EINVALID)
		apitest.WantProblem(t, e.Get("/api/v1/proofs/consistency?old=0"), 400, meent.EINVALID)
		apitest.WantProblem(t, e.Get("/api/v1/proofs/consistency?old=301"), 400, meent.EINVALID)
		apitest.WantProblem(t, e.Get("/api/v1/proofs/consistency?old=5&new=400"), 400, meent.EINVALID)
	})

	t.Run("events", func(t *testing.T) {
		var list api.EventList
		r := e.Get("/api/v1/events?limit=5")
		apitest.WantStatus(t, r, 200)
		r.JSON(t, &list)
		if len(list.Events) != 5 || list.Events[0].Index != 299 || list.Events[4].Index != 295 || list.NextBefore == nil || *list.NextBefore != 295 {
			t.Fatalf("list: %+v", list)
		}
		var next api.EventList
		e.Get(fmt.Sprintf("/api/v1/events?limit=5&before=%d", *list.NextBefore)).JSON(t, &next)
		if len(next.Events) != 5 || next.Events[0].Index != 294 {
			t.Fatalf("next page starts at %d", next.Events[0].Index)
		}
		ev := list.Events[0]
		var data agent.CreateData
		if err := json.Unmarshal(ev.Data, &data); err != nil || data.Kind != agent.Person || !strings.HasPrefix(data.Name, "Agent ") {
			t.Errorf("data %s: %v", ev.Data, err)
		}
		if !bytes.Equal(ev.Entry, entries[299]) || ev.Type != agent.TypeCreate || ev.Author != "" || ev.SignatureValid != nil {
			t.Errorf("event %+v", ev)
		}
		if !strings.Contains(string(r.Body), `"data":{"kind":"person","name":"Agent `) {
			t.Errorf("data is not embedded as a JSON object: %s", r.Body)
		}
		var empty api.EventList
		e.Get("/api/v1/events?type=agent.update").JSON(t, &empty)
		if len(empty.Events) != 0 || empty.Events == nil {
			t.Errorf("type filter: %+v", empty)
		}
		apitest.WantProblem(t, e.Get("/api/v1/events?limit=0"), 400, meent.EINVALID)
		apitest.WantProblem(t, e.Get("/api/v1/events?limit=1001"), 400, meent.EINVALID)
		apitest.WantProblem(t, e.Get("/api/v1/events?before=-1"), 400, meent.EINVALID)
		apitest.WantProblem(t, e.Get("/api/v1/events?author=nobody"), 400, meent.EINVALID)
	})

	t.Run("one event", func(t *testing.T) {
		h := ledger.Hash(sha256.Sum256(entries[7]))
		for _, path := range []string{"/api/v1/events/" + h.String(), "/api/v1/events/index/7"} {
			var ev api.Event
			r := e.Get(path)
			apitest.WantStatus(t, r, 200)
			r.JSON(t, &ev)
			leaf := ledger.LeafHash(entries[7])
			if ev.Index != 7 || ev.Hash != h.String() || ev.SignatureValid == nil || !*ev.SignatureValid ||
				!bytes.Equal(ev.LeafHash, leaf[:]) || !bytes.Equal(ev.Entry, entries[7]) {
				t.Errorf("%s: %+v", path, ev)
			}
		}
		ev, err := e.Client.Event(ctx, h)
		if err != nil || ev.Index != 7 {
			t.Errorf("client.Event: %+v, %v", ev, err)
		}
		apitest.WantProblem(t, e.Get("/api/v1/events/"+strings.Repeat("0", 64)), 404, meent.ENOTFOUND)
		apitest.WantProblem(t, e.Get("/api/v1/events/xyz"), 400, meent.EINVALID)
		apitest.WantProblem(t, e.Get("/api/v1/events/index/300"), 404, meent.ENOTFOUND)
		apitest.WantProblem(t, e.Get("/api/v1/events/index/-1"), 400, meent.EINVALID)
	})

	t.Run("agents", func(t *testing.T) {
		var list api.AgentList
		e.Get("/api/v1/agents?limit=10").JSON(t, &list)
		if len(list.Agents) != 10 || list.NextAfter == nil || list.Agents[0].Created != 0 {
			t.Fatalf("agents: %+v", list)
		}
		var more api.AgentList
		e.Get(fmt.Sprintf("/api/v1/agents?limit=10&after=%d", *list.NextAfter)).JSON(t, &more)
		if len(more.Agents) != 10 || more.Agents[0].Created != list.Agents[9].Created+1 {
			t.Fatalf("next page: %+v", more.Agents[0])
		}
		var members api.AgentList
		e.Get("/api/v1/agents?members=1").JSON(t, &members)
		if len(members.Agents) != 0 {
			t.Errorf("members: %+v", members)
		}
		var a api.Agent
		e.Get("/api/v1/agents/"+list.Agents[0].ID).JSON(t, &a)
		if a.ID != list.Agents[0].ID || len(a.Keys) != 1 || a.Keys[0].Revoked != nil || a.Keys[0].Added != 0 {
			t.Errorf("agent: %+v", a)
		}
		apitest.WantProblem(t, e.Get("/api/v1/agents/"+strings.Repeat("0", 64)), 404, meent.ENOTFOUND)
		apitest.WantProblem(t, e.Get("/api/v1/agents/bad"), 400, meent.EINVALID)
		apitest.WantProblem(t, e.Get("/api/v1/agents?members=maybe"), 400, meent.EINVALID)
	})

	t.Run("state digest", func(t *testing.T) {
		var sd api.StateDigest
		e.Get("/api/v1/state/digest").JSON(t, &sd)
		size, d, err := audit.ProjectionDigest(ctx, e.Store)
		if err != nil || sd.Size != size || sd.Size != 300 || sd.Digest != fmt.Sprintf("%x", d.Total) {
			t.Errorf("digest %+v, want %d %x (%v)", sd, size, d.Total, err)
		}
		// Every part is served, with its line count and digest, so an
		// outsider can tell which part a disagreement is in.
		if len(sd.Parts) != len(d.Parts) || sd.Parts["agent"].Lines != 300 || sd.Parts["key"].Lines != 300 {
			t.Errorf("parts %v, want %v", sd.Parts, d.Parts)
		}
		for name, p := range d.Parts {
			if sd.Parts[name] != (api.StatePart{Lines: p.Lines, SHA256: fmt.Sprintf("%x", p.SHA256)}) {
				t.Errorf("part %s: %+v, want %d %x", name, sd.Parts[name], p.Lines, p.SHA256)
			}
		}
	})

	t.Run("audit through the client", func(t *testing.T) {
		rep, err := audit.Verify(ctx, e.Client, e.Verifier)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Size != 300 || rep.Root != cp2.Root || rep.Agents != 300 || rep.Tiles == 0 {
			t.Errorf("report %+v", rep)
		}
	})
}

func TestProblems(t *testing.T) {
	t.Parallel()
	e := apitest.New(t, nil)
	t.Run("unknown API path", func(t *testing.T) {
		apitest.WantProblem(t, e.Get("/api/v1/nothing"), 404, meent.ENOTFOUND)
	})
	t.Run("wrong method", func(t *testing.T) {
		r := e.Do("POST", "/api/v1/node", nil)
		if r.Status != 405 || r.Header.Get("Content-Type") != "application/problem+json" || !strings.Contains(r.Header.Get("Allow"), "GET") {
			t.Errorf("status %d, headers %v", r.Status, r.Header)
		}
	})
	t.Run("JSON bodies are strict", func(t *testing.T) {
		for _, body := range []string{`{"username":"ab","password":"0123456789","extra":1}`, `{"username":"ab"} {}`, `[`} {
			apitest.WantProblem(t, e.Do("POST", "/api/v1/accounts", []byte(body), "Content-Type", "application/json"), 400, meent.EINVALID)
		}
		apitest.WantProblem(t, e.Do("POST", "/api/v1/accounts", []byte(`{}`), "Content-Type", "text/plain"), 400, meent.EINVALID)
	})
	t.Run("every code has a status and a title", func(t *testing.T) {
		for code, status := range api.StatusOf {
			if api.Titles[code] == "" || status < 400 {
				t.Errorf("%s: status %d, title %q", code, status, api.Titles[code])
			}
			p := http.ProblemOf(meent.Errorf(code, "the message"))
			if p.Code != code || p.Status != status || p.Detail != "the message" && code != meent.EINTERNAL {
				t.Errorf("http.ProblemOf(%s) = %+v", code, p)
			}
		}
	})
	t.Run("internal errors show no cause", func(t *testing.T) {
		p := http.ProblemOf(fmt.Errorf("open /secret/path: %w", errors.New("disk on fire")))
		if p.Code != meent.EINTERNAL || p.Status != 500 || p.Detail != "internal error" {
			t.Errorf("%+v", p)
		}
		p = http.ProblemOf(&meent.Error{Code: meent.EUNAVAILABLE, Message: "retry", Err: errors.New("secret cause")})
		if p.Detail != "retry" || p.Status != 503 {
			t.Errorf("%+v", p)
		}
	})
	t.Run("a broken store", func(t *testing.T) {
		e2 := apitest.New(t, nil)
		e2.CreateAgent("Ada")
		e2.Store.Close()
		r := e2.Get("/api/v1/events")
		p := apitest.WantProblem(t, r, 500, meent.EINTERNAL)
		if p.Detail != "internal error" {
			t.Errorf("detail %q leaks", p.Detail)
		}
		r = e2.Get("/healthz")
		if r.Status != 503 {
			t.Errorf("healthz on a closed store: %d %s", r.Status, r.Body)
		}
	})
}

func TestHealthAndMetrics(t *testing.T) {
	t.Parallel()
	e := apitest.New(t, nil)
	r := e.Get("/healthz")
	if r.Status != 200 || string(r.Body) != "ok\nstore: ok\nappend: ok\n" {
		t.Errorf("healthz: %d %q", r.Status, r.Body)
	}
	e.CreateAgent("Ada")
	e.Get("/api/v1/events/index/5")
	r = e.Get("/metrics")
	apitest.WantStatus(t, r, 200)
	apitest.WantContains(t, r,
		`meent_http_requests_total{code="201",method="POST",route="POST /api/v1/events"} 1`,
		`meent_http_requests_total{code="404",method="GET",route="GET /api/v1/events/index/{n}"} 1`,
		`meent_http_request_duration_seconds_bucket{code="200",route="GET /healthz"`,
		`meent_events_appended_total 1`,
	)
}

// TestStateDigestShared: the digest reads every projection row and needs
// no login, so a burst of requests shares one computation, a digest is
// served for at most digestMaxAge, and then a new one reflects the log.
func TestStateDigestShared(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	clock := time.Now()
	now := func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }
	e := apitest.New(t, nil, func(o *http.Options) { o.Now = now })
	e.CreateAgent("ada")
	var wg sync.WaitGroup
	sizes := make([]int64, 20)
	for i := range sizes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var sd api.StateDigest
			e.Get("/api/v1/state/digest").JSON(t, &sd)
			sizes[i] = sd.Size
		}()
	}
	wg.Wait()
	if c := http.DigestsComputed(e.Server); c != 1 {
		t.Fatalf("20 concurrent requests computed the digest %d times, want 1", c)
	}
	e.CreateAgent("bo")
	var sd api.StateDigest
	e.Get("/api/v1/state/digest").JSON(t, &sd)
	if sd.Size != sizes[0] || http.DigestsComputed(e.Server) != 1 {
		t.Fatalf("within %s: size %d (was %d), computed %d times", http.DigestMaxAge, sd.Size, sizes[0], http.DigestsComputed(e.Server))
	}
	mu.Lock()
	clock = clock.Add(http.DigestMaxAge)
	mu.Unlock()
	e.Get("/api/v1/state/digest").JSON(t, &sd)
	if sd.Size != e.Size() || http.DigestsComputed(e.Server) != 2 {
		t.Fatalf("after %s: size %d, want %d; computed %d times", http.DigestMaxAge, sd.Size, e.Size(), http.DigestsComputed(e.Server))
	}
	size, d, err := audit.ProjectionDigest(t.Context(), e.Store)
	if err != nil || sd.Size != size || sd.Digest != fmt.Sprintf("%x", d.Total) {
		t.Fatalf("served %+v, the projections say %d %x (%v)", sd, size, d.Total, err)
	}
}
