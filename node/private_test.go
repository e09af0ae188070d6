package node_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/meent/meent"
	"github.com/meent/meent/agent"
	"github.com/meent/meent/audit"
	"github.com/meent/meent/commons"
	"github.com/meent/meent/ledger"
	"github.com/meent/meent/node"
	"github.com/meent/meent/private"
	"github.com/meent/meent/sqlite"
	"github.com/meent/meent/sqlstore"
	"github.com/meent/meent/state"
	"github.com/meent/meent/value"
)

// privateWorld is a node with a private store and a commons that owes
// bob money, ready for payout.settle.
type privateWorld struct {
	t        *testing.T
	store    *sqlstore.DB
	node     *node.Node
	verifier note.Verifier
	maya     ed25519.PrivateKey
	mayaID   string
	bobID    string
	lib      string
	tm       int64
}

func newPrivateWorld(t *testing.T, withPrivate bool) *privateWorld {
	ctx := context.Background()
	skey, vkey, _ := note.GenerateKey(rand.Reader, origin)
	signer, _ := note.NewSigner(skey)
	verifier, _ := note.NewVerifier(vkey)
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "meent.db"))
	if err != nil {
		t.Fatal(err)
	}
	cfg := node.Config{Origin: origin, Signer: signer}
	if withPrivate {
		cfg.Private = st
	}
	n, err := node.Open(ctx, st, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { n.Close(); st.Close() })
	w := &privateWorld{t: t, store: st, node: n, verifier: verifier, tm: time.Now().UnixMilli()}
	mk := func() (ed25519.PrivateKey, string) {
		_, k, _ := ed25519.GenerateKey(rand.Reader)
		en, _ := ledger.Sign(k, ledger.Body{Type: agent.TypeCreate, Time: w.tm, Data: agent.CreateData{Kind: agent.Person, Name: "x"}})
		rc, err := n.Submit(ctx, en)
		if err != nil {
			t.Fatal(err)
		}
		return k, rc.Hash.String()
	}
	var bob ed25519.PrivateKey
	w.maya, w.mayaID = mk()
	bob, w.bobID = mk()
	w.lib = w.must(w.maya, w.mayaID, commons.TypeCreate, commons.CreateData{Name: "lib", Kind: "software"})
	k := w.must(bob, w.bobID, commons.TypeSubmit, commons.SubmitData{Commons: w.lib, Kind: "documentation", Title: "README", Quantities: commons.Quantities{Minutes: 60}})
	w.must(w.maya, w.mayaID, commons.TypeReview, commons.ReviewData{Contribution: k, Verdict: "accept"})
	inc := w.must(w.maya, w.mayaID, value.TypeIncomeRecord, value.IncomeData{Commons: w.lib, Kind: "donation", Amount: commons.Money{Amount: 10000, Currency: "EUR"}})
	w.must(w.maya, w.mayaID, value.TypeDistributionRun, value.RunData{Income: inc})
	return w
}

func (w *privateWorld) entry(k ed25519.PrivateKey, id, typ string, data any) []byte {
	w.tm++
	en, err := ledger.Sign(k, ledger.Body{Type: typ, Author: id, Time: w.tm, Data: data})
	if err != nil {
		w.t.Fatal(err)
	}
	return en
}

func (w *privateWorld) do(k ed25519.PrivateKey, id, typ string, data any) (string, error) {
	rc, err := w.node.Submit(context.Background(), w.entry(k, id, typ, data))
	return rc.Hash.String(), err
}

func (w *privateWorld) must(k ed25519.PrivateKey, id, typ string, data any) string {
	w.t.Helper()
	h, err := w.do(k, id, typ, data)
	if err != nil {
		w.t.Fatalf("%s: %v", typ, err)
	}
	return h
}

func (w *privateWorld) settle(ref, commitment string) value.SettleData {
	return value.SettleData{Commons: w.lib, Kind: value.RecipientAgent, Recipient: w.bobID,
		Amount: commons.Money{Amount: 100, Currency: "EUR"}, Reference: ref, RefCommitment: commitment}
}

// TestPersonalDataRefusedAtSubmit: the node refuses an IBAN or e-mail
// address in public free text, saying where it belongs instead. On the
// code before issue 9 every one of these was accepted and published.
func TestPersonalDataRefusedAtSubmit(t *testing.T) {
	w := newPrivateWorld(t, true)
	for _, ref := range []string{"NL91ABNA0417164300", "paid to NL91 ABNA 0417 1643 00", "bob@example.org"} {
		_, err := w.do(w.maya, w.mayaID, value.TypePayoutSettle, w.settle(ref, ""))
		if meent.ErrorCode(err) != meent.ERULE || !strings.Contains(err.Error(), "private reference") {
			t.Errorf("settle with reference %q: %v, want a refusal that points to the private reference", ref, err)
		}
	}
	if _, err := w.do(w.maya, w.mayaID, commons.TypeNeedPost, commons.NeedData{Commons: w.lib, Title: "help", Description: "mail maya@example.org"}); meent.ErrorCode(err) != meent.ERULE {
		t.Errorf("need with an e-mail address: %v", err)
	}
	// A reference that names the payment without personal data is fine.
	w.must(w.maya, w.mayaID, value.TypePayoutSettle, w.settle("SEPA MEENT-20260301-1", ""))
}

// TestPrivateRecordStoredBeforeEvent states the guarantee: the node
// accepts an event naming a private record only once the record is
// stored, so an acknowledged event never points to data that was never
// kept. The record's bytes never reach the log.
func TestPrivateRecordStoredBeforeEvent(t *testing.T) {
	ctx := context.Background()
	w := newPrivateWorld(t, true)
	secret := []byte("NL91ABNA0417164300 B. Builder, paid 2026-03-01")
	rec, err := private.Seal(secret, w.mayaID, w.lib, time.Now().UnixMilli())
	if err != nil {
		t.Fatal(err)
	}
	// Not stored yet: refused, and nothing was appended.
	size, _ := w.store.Size(ctx)
	if _, err := w.do(w.maya, w.mayaID, value.TypePayoutSettle, w.settle("", rec.Commitment.String())); meent.ErrorCode(err) != meent.ERULE ||
		!strings.Contains(err.Error(), "not stored") {
		t.Fatalf("settle naming a record not stored: %v", err)
	}
	if after, _ := w.store.Size(ctx); after != size {
		t.Fatalf("the log grew from %d to %d on a refusal", size, after)
	}
	// Stored first, then the event: accepted.
	if err := w.store.PutPrivate(ctx, rec); err != nil {
		t.Fatal(err)
	}
	h := w.must(w.maya, w.mayaID, value.TypePayoutSettle, w.settle("", rec.Commitment.String()))
	got, err := w.store.PrivateRecord(ctx, rec.Commitment)
	if err != nil || !bytes.Equal(got.Data, secret) {
		t.Fatalf("private record after the event: %+v, %v", got, err)
	}
	// The log holds the commitment, never the bytes or the salt.
	n, _ := w.store.Size(ctx)
	entries, err := w.store.Entries(ctx, 0, int(n))
	if err != nil {
		t.Fatal(err)
	}
	all := bytes.Join(entries, nil)
	if bytes.Contains(all, []byte("NL91ABNA0417164300")) || bytes.Contains(all, rec.Salt[:]) {
		t.Fatal("the private bytes or salt are in the log")
	}
	if !bytes.Contains(all, []byte(rec.Commitment.String())) {
		t.Fatal("the commitment is not in the log")
	}
	// Erasure leaves the log verifying, and the record reads as erased.
	if _, err := w.store.ErasePrivate(ctx, rec.Commitment, w.mayaID, time.Now().UnixMilli()); err != nil {
		t.Fatal(err)
	}
	if _, err := audit.Verify(ctx, audit.StoreSource(w.store), w.verifier); err != nil {
		t.Fatalf("audit after erasure: %v", err)
	}
	if got, err := w.store.PrivateRecord(ctx, rec.Commitment); err != nil || !got.IsErased() || got.Data != nil {
		t.Fatalf("erased record reads %+v, %v", got, err)
	}
	// A new event may not name an erased record: it would be acknowledged
	// with its private data already gone. The old event stays, and verifies.
	if _, err := w.do(w.maya, w.mayaID, value.TypePayoutSettle, w.settle("batch 2", rec.Commitment.String())); meent.ErrorCode(err) != meent.ERULE ||
		!strings.Contains(err.Error(), "erased") {
		t.Errorf("settle naming an erased record: %v", err)
	}
	if _, err := w.store.RecordByHash(ctx, mustHash(t, h)); err != nil {
		t.Errorf("the settlement that named the record: %v", err)
	}

	// An event may name only a record its author stored, for its commons.
	borrowed, err := private.Seal([]byte("bob's own bank details"), w.bobID, w.lib, time.Now().UnixMilli())
	if err != nil {
		t.Fatal(err)
	}
	if err := w.store.PutPrivate(ctx, borrowed); err != nil {
		t.Fatal(err)
	}
	if _, err := w.do(w.maya, w.mayaID, value.TypePayoutSettle, w.settle("", borrowed.Commitment.String())); meent.ErrorCode(err) != meent.EFORBIDDEN {
		t.Errorf("settle naming another agent's record: %v, want forbidden", err)
	}
	elsewhere, err := private.Seal([]byte("for another commons"), w.mayaID, strings.Repeat("ab", 32), time.Now().UnixMilli())
	if err != nil {
		t.Fatal(err)
	}
	if err := w.store.PutPrivate(ctx, elsewhere); err != nil {
		t.Fatal(err)
	}
	if _, err := w.do(w.maya, w.mayaID, value.TypePayoutSettle, w.settle("", elsewhere.Commitment.String())); meent.ErrorCode(err) != meent.ERULE ||
		!strings.Contains(err.Error(), "stored for commons") {
		t.Errorf("settle naming a record of another commons: %v", err)
	}

	// A node that keeps no private records refuses events that name one.
	w2 := newPrivateWorld(t, false)
	if err := w2.store.PutPrivate(ctx, rec); err != nil {
		t.Fatal(err)
	}
	if _, err := w2.do(w2.maya, w2.mayaID, value.TypePayoutSettle, w2.settle("", rec.Commitment.String())); meent.ErrorCode(err) != meent.ERULE {
		t.Errorf("node without a private store accepted a commitment: %v", err)
	}
}

// TestOldLogsWithPersonalDataReplay: the screen runs on submission only.
// A log written before it, with an IBAN in a settlement's reference,
// still replays under the rules (and so still verifies).
func TestOldLogsWithPersonalDataReplay(t *testing.T) {
	ctx := context.Background()
	w := newPrivateWorld(t, true)
	n, _ := w.store.Size(ctx)
	entries, err := w.store.Entries(ctx, 0, int(n))
	if err != nil {
		t.Fatal(err)
	}
	old := w.entry(w.maya, w.mayaID, value.TypePayoutSettle, w.settle("NL91ABNA0417164300", ""))
	if _, err := w.node.Submit(ctx, old); meent.ErrorCode(err) != meent.ERULE {
		t.Fatalf("submission of the old-style event: %v", err)
	}
	st := state.New()
	for i, e := range append(entries, old) {
		ev, err := ledger.Parse(e)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.Apply(ev); err != nil {
			t.Fatalf("replay of entry %d: %v", i, err)
		}
	}
}

func mustHash(t *testing.T, s string) [32]byte {
	t.Helper()
	h, err := ledger.ParseHash(s)
	if err != nil {
		t.Fatal(err)
	}
	return h
}
