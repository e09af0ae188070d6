package federation_test

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/meent/meent/federation"
	"github.com/meent/meent/ledger"
)

// keyPair returns a signer and verifier for tests.
func keyPair(t testing.TB) (note.Signer, note.Verifier) {
	skey, vkey, err := note.GenerateKey(rand.Reader, "peer.example/log")
	if err != nil {
		t.Fatal(err)
	}
	s, err := note.NewSigner(skey)
	if err != nil {
		t.Fatal(err)
	}
	v, err := note.NewVerifier(vkey)
	if err != nil {
		t.Fatal(err)
	}
	return s, v
}

// logOf returns the stored hashes of a log of n leaves named by salt.
func logOf(t testing.TB, n int64, salt string) tlog.HashReader {
	var hashes []tlog.Hash
	r := tlog.HashReaderFunc(func(idx []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(idx))
		for i, x := range idx {
			out[i] = hashes[x]
		}
		return out, nil
	})
	for i := int64(0); i < n; i++ {
		hs, err := tlog.StoredHashes(i, []byte(fmt.Sprint(salt, i)), r)
		if err != nil {
			t.Fatal(err)
		}
		hashes = append(hashes, hs...)
	}
	return r
}

func signed(t testing.TB, s note.Signer, size int64, r tlog.HashReader) []byte {
	root, err := tlog.TreeHash(size, r)
	if err != nil {
		t.Fatal(err)
	}
	b, err := ledger.SignCheckpoint(ledger.Checkpoint{Origin: s.Name(), Size: size, Root: root}, s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// evidences returns one evidence file of each kind, and the verifier.
func evidences(t testing.TB) ([][]byte, note.Verifier) {
	s, v := keyPair(t)
	a, b := logOf(t, 20, "a"), logOf(t, 20, "b")
	path, err := federation.ProveConsistency(7, 20, b)
	if err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	for _, e := range []*federation.Evidence{
		federation.NewEvidence(signed(t, s, 12, a), signed(t, s, 12, b), nil),
		federation.NewEvidence(signed(t, s, 7, a), signed(t, s, 20, b), path),
	} {
		enc, err := e.Encode()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, enc)
	}
	return out, v
}

func TestEvidenceCheck(t *testing.T) {
	evs, v := evidences(t)
	for _, b := range evs {
		e, err := federation.DecodeEvidence(b)
		if err != nil {
			t.Fatal(err)
		}
		c, err := e.Check(v)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(c.String(), "peer.example/log signed") {
			t.Errorf("conflict reads %q", c)
		}
	}

	// Honest checkpoints prove nothing, whatever the file claims.
	s, v := keyPair(t)
	a := logOf(t, 20, "a")
	honest, _ := federation.ProveConsistency(7, 20, a)
	for name, e := range map[string]*federation.Evidence{
		"one checkpoint twice":  federation.NewEvidence(signed(t, s, 12, a), signed(t, s, 12, a), nil),
		"a prefix":              federation.NewEvidence(signed(t, s, 7, a), signed(t, s, 20, a), honest),
		"larger first":          federation.NewEvidence(signed(t, s, 20, a), signed(t, s, 7, a), honest),
		"sizes apart, no proof": federation.NewEvidence(signed(t, s, 7, a), signed(t, s, 20, logOf(t, 20, "b")), nil),
	} {
		if _, err := e.Check(v); err == nil {
			t.Errorf("%s: checks", name)
		}
	}
	// A proof that does not lead to b's root proves nothing, even when
	// the trees differ.
	b := logOf(t, 20, "b")
	e := federation.NewEvidence(signed(t, s, 7, a), signed(t, s, 20, b), honest)
	if _, err := e.Check(v); err == nil || !strings.Contains(err.Error(), "b's root") {
		t.Errorf("a proof from another tree: %v", err)
	}
}

func TestDecodeEvidenceStrict(t *testing.T) {
	evs, _ := evidences(t)
	good := evs[0]
	for name, b := range map[string][]byte{
		"trailing data":    append(bytes.Clone(good), "{}"...),
		"unknown member":   bytes.Replace(good, []byte(`"v": 1`), []byte(`"v": 1, "x": 2`), 1),
		"repeated member":  bytes.Replace(good, []byte(`"v": 1`), []byte(`"v": 1, "v": 1`), 1),
		"other spelling":   bytes.Replace(good, []byte(`"kind"`), []byte(`"KIND"`), 1),
		"version 2":        bytes.Replace(good, []byte(`"v": 1`), []byte(`"v": 2`), 1),
		"not an object":    []byte(`[]`),
		"oversize":         append(bytes.Clone(good), bytes.Repeat([]byte(" "), federation.MaxEvidence)...),
		"too long a proof": []byte(`{"v":1,"kind":"inconsistent","a":"","b":"","proof":[` + strings.Repeat(`"",`, 128) + `""]}`),
	} {
		if _, err := federation.DecodeEvidence(b); err == nil {
			t.Errorf("%s: decoded", name)
		}
	}
}

// FuzzDecodeEvidence: evidence comes from anyone. Decoding and checking
// must never panic, and what decodes must encode to what decodes the same.
func FuzzDecodeEvidence(f *testing.F) {
	evs, v := evidences(f)
	for _, b := range evs {
		f.Add(b)
	}
	f.Add([]byte(`{"v":1,"kind":"inconsistent","a":"x\n1\nAAAA\n\n","b":"","proof":["AAAA"]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		e, err := federation.DecodeEvidence(b)
		if err != nil {
			return
		}
		e.Check(v)
		enc, err := e.Encode()
		if err != nil {
			t.Fatal(err)
		}
		again, err := federation.DecodeEvidence(enc)
		if err != nil {
			t.Fatalf("re-encoded evidence does not decode: %v", err)
		}
		x, _ := json.Marshal(e)
		y, _ := json.Marshal(again)
		if !bytes.Equal(x, y) {
			t.Fatalf("round trip changed the evidence:\n%s\n%s", x, y)
		}
	})
}
