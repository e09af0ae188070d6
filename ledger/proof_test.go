package ledger_test

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"testing"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/meent/meent"
	"github.com/meent/meent/ledger"
)

// memTree is an in-memory RFC 6962 tree over signed entries.
type memTree struct {
	entries [][]byte
	hashes  []tlog.Hash
}

func (m *memTree) ReadHashes(idx []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(idx))
	for i, x := range idx {
		out[i] = m.hashes[x]
	}
	return out, nil
}

func (m *memTree) add(t *testing.T, entry []byte) {
	hs, err := tlog.StoredHashes(int64(len(m.entries)), entry, m)
	if err != nil {
		t.Fatal(err)
	}
	m.entries = append(m.entries, entry)
	m.hashes = append(m.hashes, hs...)
}

func proofFixture(t *testing.T) (ledger.EventProof, note.Verifier, note.Signer) {
	skey, vkey, err := note.GenerateKey(rand.Reader, "example.org/log")
	if err != nil {
		t.Fatal(err)
	}
	signer, _ := note.NewSigner(skey)
	verifier, _ := note.NewVerifier(vkey)
	_, key, _ := ed25519.GenerateKey(nil)
	m := &memTree{}
	for i := 0; i < 13; i++ {
		e, err := ledger.Sign(key, ledger.Body{Type: "agent.update", Author: fmt.Sprintf("%064x", i), Time: int64(i), Data: map[string]string{"name": "n"}})
		if err != nil {
			t.Fatal(err)
		}
		m.add(t, e)
	}
	size := int64(len(m.entries))
	root, _ := tlog.TreeHash(size, m)
	cp, err := ledger.SignCheckpoint(ledger.Checkpoint{Origin: "example.org/log", Size: size, Root: root}, signer)
	if err != nil {
		t.Fatal(err)
	}
	const idx = 7
	rp, err := tlog.ProveRecord(size, idx, m)
	if err != nil {
		t.Fatal(err)
	}
	p := ledger.EventProof{Format: ledger.ProofFormat, Index: idx, Entry: m.entries[idx], Checkpoint: cp}
	for _, h := range rp {
		p.Proof = append(p.Proof, bytes.Clone(h[:]))
	}
	return p, verifier, signer
}

func TestEventProof(t *testing.T) {
	p, v, _ := proofFixture(t)
	b, err := p.Encode()
	if err != nil {
		t.Fatal(err)
	}
	got, err := ledger.DecodeEventProof(b)
	if err != nil {
		t.Fatal(err)
	}
	ev, cp, err := got.Verify(v)
	if err != nil || cp.Size != 13 || ev.Time != 7 {
		t.Fatalf("verify: %v %+v", err, cp)
	}

	// Every way to tamper with it fails, with a clear code.
	other, _, _ := proofFixture(t) // another log, another key
	for name, c := range map[string]struct {
		p    func(ledger.EventProof) ledger.EventProof
		code string
	}{
		"other index":     {func(p ledger.EventProof) ledger.EventProof { p.Index = 6; return p }, meent.ESIGNATURE},
		"index past tree": {func(p ledger.EventProof) ledger.EventProof { p.Index = 13; return p }, meent.EINVALID},
		"entry changed": {func(p ledger.EventProof) ledger.EventProof {
			p.Entry = bytes.Replace(p.Entry, []byte(`"n"`), []byte(`"m"`), 1)
			return p
		}, meent.ESIGNATURE},
		"proof hash wrong": {func(p ledger.EventProof) ledger.EventProof { p.Proof = [][]byte{make([]byte, 32)}; return p }, meent.ESIGNATURE},
		"other checkpoint": {func(p ledger.EventProof) ledger.EventProof { p.Checkpoint = other.Checkpoint; return p }, meent.ESIGNATURE},
		"unsigned": {func(p ledger.EventProof) ledger.EventProof {
			p.Checkpoint = bytes.SplitAfter(p.Checkpoint, []byte("\n\n"))[0]
			return p
		}, meent.ESIGNATURE},
	} {
		bad := c.p(p)
		bad.Proof = append([][]byte(nil), bad.Proof...)
		if _, _, err := bad.Verify(v); meent.ErrorCode(err) != c.code {
			t.Errorf("%s: %v, want %s", name, err, c.code)
		}
	}
	for _, in := range []string{`{}`, `{"format":"meent-event-proof/2"}`, `{"format":"meent-event-proof/1","extra":1}`, `[`,
		`{"format":"meent-event-proof/1","proof":["AAAA"]}`} {
		if _, err := ledger.DecodeEventProof([]byte(in)); err == nil {
			t.Errorf("%s decoded", in)
		}
	}
}

func FuzzDecodeEventProof(f *testing.F) {
	p, v, _ := proofFixture(&testing.T{})
	b, _ := p.Encode()
	f.Add(b)
	f.Add([]byte(`{"format":"meent-event-proof/1","index":0,"entry":"","proof":[],"checkpoint":""}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := ledger.DecodeEventProof(b)
		if err != nil {
			if meent.ErrorCode(err) == "" {
				t.Fatalf("error without a code: %v", err)
			}
			return
		}
		p.Verify(v) // must not panic
	})
}
