package node_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
	"pgregory.net/rapid"

	"github.com/meent/meent"
	"github.com/meent/meent/agent"
	"github.com/meent/meent/audit"
	"github.com/meent/meent/commons"
	"github.com/meent/meent/ledger"
	"github.com/meent/meent/node"
	"github.com/meent/meent/sqlite"
	"github.com/meent/meent/state"
	"github.com/meent/meent/value"
)

const origin = "test.example/meent"

type env struct {
	store    meent.Store
	node     *node.Node
	verifier note.Verifier
	path     string
	signer   note.Signer
}

func newEnv(t testing.TB) *env {
	t.Helper()
	skey, vkey, err := note.GenerateKey(rand.Reader, origin)
	if err != nil {
		t.Fatal(err)
	}
	signer, _ := note.NewSigner(skey)
	verifier, _ := note.NewVerifier(vkey)
	e := &env{verifier: verifier, signer: signer, path: filepath.Join(t.TempDir(), "meent.db")}
	e.open(t)
	t.Cleanup(func() { e.close() })
	return e
}

func (e *env) open(t testing.TB) {
	t.Helper()
	st, err := sqlite.Open(context.Background(), e.path)
	if err != nil {
		t.Fatal(err)
	}
	n, err := node.Open(context.Background(), st, node.Config{Origin: origin, Signer: e.signer})
	if err != nil {
		t.Fatal(err)
	}
	e.store, e.node = st, n
}

func (e *env) close() {
	if e.node != nil {
		e.node.Close()
		e.store.Close()
		e.node = nil
	}
}

// newAgents signs n agent.create events with fresh keys.
func newAgents(t testing.TB, n int) [][]byte {
	out := make([][]byte, n)
	for i := range out {
		_, k, _ := ed25519.GenerateKey(rand.Reader)
		e, err := ledger.Sign(k, ledger.Body{Type: agent.TypeCreate, Time: time.Now().UnixMilli(), Data: agent.CreateData{Kind: agent.Person, Name: fmt.Sprintf("p%d", i)}})
		if err != nil {
			t.Fatal(err)
		}
		out[i] = e
	}
	return out
}

// refRoot is RFC 6962's MTH, written from the RFC's recursive definition
// and nothing else, as the independent check of the tree code.
func refRoot(leaves [][]byte) [32]byte {
	switch len(leaves) {
	case 0:
		return sha256.Sum256(nil)
	case 1:
		return sha256.Sum256(append([]byte{0}, leaves[0]...))
	}
	k := 1
	for k<<1 < len(leaves) {
		k <<= 1
	}
	l, r := refRoot(leaves[:k]), refRoot(leaves[k:])
	return sha256.Sum256(append(append([]byte{1}, l[:]...), r[:]...))
}

// refPath is RFC 6962's PATH(m, D[n]): the inclusion proof of leaf m.
func refPath(m int, leaves [][]byte) [][32]byte {
	if len(leaves) <= 1 {
		return nil
	}
	k := 1
	for k<<1 < len(leaves) {
		k <<= 1
	}
	if m < k {
		return append(refPath(m, leaves[:k]), refRoot(leaves[k:]))
	}
	return append(refPath(m-k, leaves[k:]), refRoot(leaves[:k]))
}

func submitAll(t testing.TB, n *node.Node, entries [][]byte, workers int) []node.Receipt {
	t.Helper()
	rcs := make([]node.Receipt, len(entries))
	var wg sync.WaitGroup
	errs := make(chan error, len(entries))
	next := make(chan int)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				rc, err := n.Submit(context.Background(), entries[i])
				if err != nil {
					errs <- err
					continue
				}
				rcs[i] = rc
			}
		}()
	}
	for i := range entries {
		next <- i
	}
	close(next)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	return rcs
}

func TestConcurrentSubmitProofsAndAudit(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	entries := newAgents(t, 600)
	rcs := submitAll(t, e.node, entries, 32)

	// Every acknowledged event has its own index, and the log has no gap.
	byIndex := make([][]byte, len(entries))
	for i, rc := range rcs {
		if rc.Index < 0 || rc.Index >= int64(len(entries)) || byIndex[rc.Index] != nil {
			t.Fatalf("receipt %d has index %d: duplicate or out of range", i, rc.Index)
		}
		if rc.TreeSize <= rc.Index {
			t.Fatalf("receipt %d: tree size %d does not cover index %d", i, rc.TreeSize, rc.Index)
		}
		byIndex[rc.Index] = entries[i]
	}
	cpRec, err := e.node.Checkpoint(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cp, err := ledger.OpenCheckpoint(cpRec.Note, e.verifier)
	if err != nil {
		t.Fatal(err)
	}
	if cp.Size != int64(len(entries)) || [32]byte(cp.Root) != refRoot(byIndex) {
		t.Fatalf("checkpoint size %d root %x; want %d %x", cp.Size, cp.Root[:4], len(entries), refRoot(byIndex))
	}
	for _, i := range []int64{0, 1, 255, 256, 257, 511, 599} {
		p, size, err := e.node.InclusionProof(ctx, i, 0)
		if err != nil {
			t.Fatal(err)
		}
		if err := tlog.CheckRecord(p, size, cp.Root, i, tlog.RecordHash(byIndex[i])); err != nil {
			t.Fatalf("inclusion %d: %v", i, err)
		}
		want := refPath(int(i), byIndex)
		if len(want) != len(p) {
			t.Fatalf("inclusion %d: %d hashes, RFC path has %d", i, len(p), len(want))
		}
		for j := range p {
			if [32]byte(p[j]) != want[j] {
				t.Fatalf("inclusion %d differs from RFC 6962 PATH at %d", i, j)
			}
		}
	}
	for _, old := range []int64{1, 7, 256, 300, 600} {
		p, size, err := e.node.ConsistencyProof(ctx, old, 0)
		if err != nil {
			t.Fatal(err)
		}
		if err := tlog.CheckTree(p, size, cp.Root, old, refRoot(byIndex[:old])); err != nil {
			t.Fatalf("consistency %d->%d: %v", old, size, err)
		}
	}
	rep, err := audit.Verify(ctx, audit.StoreSource(e.store), e.verifier)
	if err != nil {
		t.Fatalf("audit: %v", err)
	}
	if rep.Size != 600 || rep.Agents != 600 {
		t.Fatalf("audit report %+v", rep)
	}
}

func TestRefusedEventsWriteNothing(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	entries := newAgents(t, 2)
	if _, err := e.node.Submit(ctx, entries[0]); err != nil {
		t.Fatal(err)
	}
	_, otherKey, _ := ed25519.GenerateKey(rand.Reader)
	notAdmin, _ := ledger.Sign(otherKey, ledger.Body{Type: agent.TypeUpdate, Author: fmt.Sprintf("%064x", 1), Time: 1, Data: agent.UpdateData{Name: "x"}})
	future, _ := ledger.Sign(otherKey, ledger.Body{Type: agent.TypeCreate, Time: time.Now().Add(time.Hour).UnixMilli(), Data: agent.CreateData{Kind: agent.Person, Name: "x"}})
	tampered := bytes.Replace(entries[1], []byte(`"p1"`), []byte(`"p2"`), 1)
	for name, c := range map[string]struct {
		entry []byte
		code  string
	}{
		"replay":         {entries[0], meent.EDUPLICATE},
		"unknown author": {notAdmin, meent.ERULE},
		"future time":    {future, meent.ERULE},
		"tampered":       {tampered, meent.ESIGNATURE},
		"garbage":        {[]byte("hello\n"), meent.EMALFORMED},
	} {
		_, err := e.node.Submit(ctx, c.entry)
		if got := meent.ErrorCode(err); got != c.code {
			t.Errorf("%s: code %q (%v), want %q", name, got, err, c.code)
		}
	}
	if size, _ := e.store.Size(ctx); size != 1 {
		t.Fatalf("log size %d after refusals, want 1", size)
	}
}

func TestRestartReplaysState(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	entries := newAgents(t, 50)
	submitAll(t, e.node, entries, 4)
	var before [32]byte
	e.node.State(func(s *state.State) { before = s.Digest() })
	e.close()
	e.open(t)
	var after [32]byte
	e.node.State(func(s *state.State) { after = s.Digest() })
	if before != after {
		t.Fatal("state after restart differs")
	}
	// The replayed node knows the old events: a replay is still refused,
	// and new events still go in.
	if _, err := e.node.Submit(ctx, entries[17]); meent.ErrorCode(err) != meent.EDUPLICATE {
		t.Fatalf("replay after restart: %v", err)
	}
	if _, err := e.node.Submit(ctx, newAgents(t, 1)[0]); err != nil {
		t.Fatal(err)
	}
}

// TestTreeProperty appends random-sized batches and checks, after each,
// that the checkpoint root and random proofs agree with RFC 6962 computed
// from first principles.
func TestTreeProperty(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		e := newEnv(t)
		defer e.close()
		ctx := context.Background()
		var log [][]byte
		rounds := rapid.IntRange(1, 4).Draw(rt, "rounds")
		for r := 0; r < rounds; r++ {
			k := rapid.IntRange(1, 40).Draw(rt, "batch")
			es := newAgents(t, k)
			rcs := submitAll(t, e.node, es, rapid.IntRange(1, 8).Draw(rt, "workers"))
			grown := make([][]byte, len(log)+k)
			copy(grown, log)
			for i, rc := range rcs {
				grown[rc.Index] = es[i]
			}
			oldSize := int64(len(log))
			log = grown
			cp, err := e.node.Checkpoint(ctx)
			if err != nil {
				rt.Fatal(err)
			}
			if cp.Size != int64(len(log)) || cp.Root != refRoot(log) {
				rt.Fatalf("root mismatch at size %d", len(log))
			}
			i := rapid.Int64Range(0, int64(len(log))-1).Draw(rt, "leaf")
			p, size, err := e.node.InclusionProof(ctx, i, 0)
			if err != nil {
				rt.Fatal(err)
			}
			if err := tlog.CheckRecord(p, size, cp.Root, i, tlog.RecordHash(log[i])); err != nil {
				rt.Fatalf("inclusion: %v", err)
			}
			if oldSize > 0 {
				cpf, _, err := e.node.ConsistencyProof(ctx, oldSize, 0)
				if err != nil {
					rt.Fatal(err)
				}
				if err := tlog.CheckTree(cpf, cp.Size, cp.Root, oldSize, refRoot(log[:oldSize])); err != nil {
					rt.Fatalf("consistency: %v", err)
				}
			}
		}
	})
}

func TestEmptyLogHasCheckpoint(t *testing.T) {
	e := newEnv(t)
	cp, err := e.node.Checkpoint(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	c, err := ledger.OpenCheckpoint(cp.Note, e.verifier)
	if err != nil || c.Size != 0 || [32]byte(c.Root) != sha256.Sum256(nil) {
		t.Fatalf("empty checkpoint %+v, %v", c, err)
	}
	if _, err := audit.Verify(context.Background(), audit.StoreSource(e.store), e.verifier); err != nil {
		t.Fatalf("audit of the empty log: %v", err)
	}
}

// TestCommonsProjectedAndAudited runs peer-production events through the
// real node and store: the objects projection follows the rules, a
// restart replays to the same state, and the audit's digest (which covers
// every object) matches.
func TestCommonsProjectedAndAudited(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	type who struct {
		key ed25519.PrivateKey
		id  string
	}
	tm := time.Now().UnixMilli()
	mk := func() who {
		_, k, _ := ed25519.GenerateKey(rand.Reader)
		en, _ := ledger.Sign(k, ledger.Body{Type: agent.TypeCreate, Time: tm, Data: agent.CreateData{Kind: agent.Person, Name: "x"}})
		rc, err := e.node.Submit(ctx, en)
		if err != nil {
			t.Fatal(err)
		}
		return who{k, rc.Hash.String()}
	}
	do := func(w who, typ string, data any) string {
		t.Helper()
		tm++
		en, _ := ledger.Sign(w.key, ledger.Body{Type: typ, Author: w.id, Time: tm, Data: data})
		rc, err := e.node.Submit(ctx, en)
		if err != nil {
			t.Fatalf("%s: %v", typ, err)
		}
		return rc.Hash.String()
	}
	maya, bob := mk(), mk()
	lib := do(maya, commons.TypeCreate, commons.CreateData{Name: "lib", Kind: "software"})
	need := do(bob, commons.TypeNeedPost, commons.NeedData{Commons: lib, Title: "docs"})
	k := do(bob, commons.TypeSubmit, commons.SubmitData{Commons: lib, Kind: "documentation", Title: "README", Need: need, Quantities: commons.Quantities{Minutes: 60, LinesAdded: 40}})
	do(maya, commons.TypeReview, commons.ReviewData{Contribution: k, Verdict: "accept"})
	inc := do(maya, value.TypeIncomeRecord, value.IncomeData{Commons: lib, Kind: "donation", Amount: commons.Money{Amount: 12345, Currency: "EUR"}})
	dist := do(maya, value.TypeDistributionRun, value.RunData{Income: inc})
	if o, err := e.store.Object(ctx, value.KindDistribution, dist); err != nil || o.Commons != lib {
		t.Fatalf("distribution object %+v, %v", o, err)
	}
	bal, err := e.store.Objects(ctx, meent.ObjectFilter{Kind: value.KindBalance, Commons: lib})
	if err != nil || len(bal) == 0 {
		t.Fatalf("balances %v, %v", bal, err)
	}

	o, err := e.store.Object(ctx, commons.KindContribution, k)
	if err != nil {
		t.Fatal(err)
	}
	if o.Status != commons.Accepted || o.Commons != lib || o.Agent != bob.id {
		t.Fatalf("contribution object %+v", o)
	}
	n, err := e.store.Object(ctx, commons.KindNeed, need)
	if err != nil || n.Status != commons.NeedClosed {
		t.Fatalf("need object %+v, %v", n, err)
	}
	if _, err := audit.Verify(ctx, audit.StoreSource(e.store), e.verifier); err != nil {
		t.Fatalf("audit: %v", err)
	}
	e.close()
	e.open(t)
	if _, err := audit.Verify(ctx, audit.StoreSource(e.store), e.verifier); err != nil {
		t.Fatalf("audit after restart: %v", err)
	}

	// A release whose rules compute objects differently empties the
	// objects table in a migration; the next start rewrites it from the log.
	e.close()
	db, err := sql.Open("sqlite", e.path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("DELETE FROM objects"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	st, err := sqlite.Open(ctx, e.path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := audit.Verify(ctx, audit.StoreSource(st), e.verifier); err == nil {
		t.Fatal("audit passed with the objects projection emptied")
	}
	st.Close()
	e.open(t)
	if _, err := audit.Verify(ctx, audit.StoreSource(e.store), e.verifier); err != nil {
		t.Fatalf("audit after the objects were rebuilt: %v", err)
	}
	if o, err := e.store.Object(ctx, commons.KindContribution, k); err != nil || o.Status != commons.Accepted {
		t.Fatalf("rebuilt contribution %+v, %v", o, err)
	}
}

// TestStaleClaimRefused: an identity.claim's contest window runs from its
// time, so the node refuses one signed in the past (commons.FreshTime),
// before any rule runs; other events may arrive late.
func TestStaleClaimRefused(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	_, key, _ := ed25519.GenerateKey(rand.Reader)
	stale, _ := ledger.Sign(key, ledger.Body{Type: commons.TypeIdentityClaim, Author: fmt.Sprintf("%064x", 1), Time: time.Now().Add(-time.Hour).UnixMilli(),
		Data: commons.IdentityData{Commons: fmt.Sprintf("%064x", 2), Identity: "git:ada@example.org"}})
	_, err := e.node.Submit(ctx, stale)
	if meent.ErrorCode(err) != meent.ERULE || !strings.Contains(err.Error(), "must be signed now") {
		t.Fatalf("stale claim: %v", err)
	}
	late, _ := ledger.Sign(key, ledger.Body{Type: agent.TypeCreate, Time: time.Now().Add(-time.Hour).UnixMilli(), Data: agent.CreateData{Kind: agent.Person, Name: "x"}})
	if _, err := e.node.Submit(ctx, late); err != nil {
		t.Fatalf("a late agent.create: %v", err)
	}
}
