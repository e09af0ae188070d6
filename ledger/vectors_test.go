package ledger

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"flag"
	"os"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/meent/meent"
)

var update = flag.Bool("update", false, "rewrite testdata/vectors.json")

const vectorsFile = "../testdata/vectors.json"

// Vectors is the layout of testdata/vectors.json, documented in
// docs/ledger.md for people writing their own verifier.
type Vectors struct {
	Comment    string        `json:"comment"`
	Context    string        `json:"signature_context"`
	Events     []EventVector `json:"events"`
	Checks     []CheckVector `json:"checks"`
	Tree       TreeVector    `json:"tree"`
	Checkpoint CPVector      `json:"checkpoint"`
}

type EventVector struct {
	Name      string `json:"name"`
	Seed      string `json:"seed_hex"`
	PublicKey string `json:"public_key_base64"`
	Body      string `json:"body"`
	Signature string `json:"signature_base64"`
	Entry     string `json:"entry"`
	EntryHash string `json:"entry_hash_hex"`
	LeafHash  string `json:"leaf_hash_hex"`
	Valid     bool   `json:"valid"`
	Error     string `json:"error_code,omitempty"`
}

type TreeVector struct {
	Size      int64    `json:"size"`
	Root      string   `json:"root_hex"`
	Index     int64    `json:"inclusion_index"`
	Inclusion []string `json:"inclusion_proof_hex"`
	OldSize   int64    `json:"consistency_old_size"`
	OldRoot   string   `json:"consistency_old_root_hex"`
	Consist   []string `json:"consistency_proof_hex"`
}

type CPVector struct {
	Seed        string `json:"seed_hex"`
	VerifierKey string `json:"verifier_key"`
	Note        string `json:"signed_note"`
}

func buildVectors(t *testing.T) Vectors {
	v := Vectors{
		Comment: "meent ledger test vectors; see docs/ledger.md section 10. Events valid:true form a log in this order; the tree and checkpoint cover them. Checks pin the strictness rules: check entry is judged alone (sections 1-2 and the signature), check log after the valid events by every rule.",
		Context: SignatureContext,
	}
	admin := testKey(0x11)
	adminID := ""
	var entries [][]byte
	add := func(name string, key ed25519.PrivateKey, body string, valid bool, code string) {
		entry := SignBody(key, []byte(body))
		sig := entry[len(body)+1 : len(entry)-1]
		eh := sha256.Sum256(entry)
		lh := tlog.RecordHash(entry)
		ev := EventVector{
			Name: name, Seed: hex.EncodeToString(key.Seed()), PublicKey: pubB64(key), Body: body,
			Signature: string(sig), Entry: string(entry), EntryHash: hex.EncodeToString(eh[:]),
			LeafHash: hex.EncodeToString(lh[:]), Valid: valid, Error: code,
		}
		_, err := Decode(entry)
		if got := meent.ErrorCode(err); got != code {
			t.Fatalf("vector %s: decode code %q (%v), want %q", name, got, err, code)
		}
		v.Events = append(v.Events, ev)
		if valid {
			entries = append(entries, entry)
		}
	}
	create := `{"v":1,"type":"agent.create","key":"` + pubB64(admin) + `","time":1763719200000,"data":{"kind":"person","name":"Maya Janssen"}}`
	add("agent.create", admin, create, true, "")
	h := sha256.Sum256(entries[0])
	adminID = hex.EncodeToString(h[:])
	add("member.set bootstrap", admin, `{"v":1,"type":"member.set","author":"`+adminID+`","key":"`+pubB64(admin)+`","time":1763719200001,"data":{"agent":"`+adminID+`","role":"admin"}}`, true, "")
	add("agent.update with non-ASCII", admin, `{"v":1,"type":"agent.update","author":"`+adminID+`","key":"`+pubB64(admin)+`","time":1763719200002,"data":{"name":"Maya Janssen – maintainer ✓"}}`, true, "")
	coop := testKey(0x22)
	add("agent.create cooperative", coop, `{"v":1,"type":"agent.create","key":"`+pubB64(coop)+`","time":1763719200003,"data":{"kind":"cooperative","name":"Broodfonds Zuid"}}`, true, "")
	add("invalid: duplicate key", admin, `{"v":1,"type":"agent.update","type":"agent.create","author":"`+adminID+`","key":"`+pubB64(admin)+`","time":1,"data":{}}`, false, meent.EMALFORMED)
	add("invalid: float", admin, `{"v":1,"type":"agent.update","author":"`+adminID+`","key":"`+pubB64(admin)+`","time":1.5,"data":{}}`, false, meent.EMALFORMED)
	add("invalid: version 2", admin, `{"v":2,"type":"agent.update","key":"`+pubB64(admin)+`","time":1,"data":{}}`, false, meent.EVERSION)
	// A body signed by one key but naming another.
	bad := `{"v":1,"type":"agent.create","key":"` + pubB64(coop) + `","time":1763719200004,"data":{"kind":"person","name":"x"}}`
	add("invalid: signed by a key other than the one named", admin, bad, false, meent.ESIGNATURE)

	v.Checks = buildChecks(t, admin, adminID)

	hashes := make([]tlog.Hash, 0)
	r := tlog.HashReaderFunc(func(idx []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(idx))
		for i, x := range idx {
			out[i] = hashes[x]
		}
		return out, nil
	})
	for i, e := range entries {
		hs, err := tlog.StoredHashes(int64(i), e, r)
		if err != nil {
			t.Fatal(err)
		}
		hashes = append(hashes, hs...)
	}
	size := int64(len(entries))
	root, _ := tlog.TreeHash(size, r)
	incl, _ := tlog.ProveRecord(size, 2, r)
	oldRoot, _ := tlog.TreeHash(3, r)
	cons, _ := tlog.ProveTree(size, 3, r)
	v.Tree = TreeVector{Size: size, Root: hex.EncodeToString(root[:]), Index: 2, OldSize: 3, OldRoot: hex.EncodeToString(oldRoot[:])}
	for _, p := range incl {
		v.Tree.Inclusion = append(v.Tree.Inclusion, hex.EncodeToString(p[:]))
	}
	for _, p := range cons {
		v.Tree.Consist = append(v.Tree.Consist, hex.EncodeToString(p[:]))
	}

	// Checkpoint signed with a fixed key. Ed25519 is deterministic, so the
	// signed note is too.
	nk := testKey(0x33)
	vkey, err := note.NewEd25519VerifierKey("example.org/meent", nk.Public().(ed25519.PublicKey))
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(vkey, "+")
	skey := "PRIVATE+KEY+example.org/meent+" + parts[1] + "+" + base64.StdEncoding.EncodeToString(append([]byte{1}, nk.Seed()...))
	signer, err := note.NewSigner(skey)
	if err != nil {
		t.Fatal(err)
	}
	msg, err := SignCheckpoint(Checkpoint{Origin: "example.org/meent", Size: size, Root: root}, signer)
	if err != nil {
		t.Fatal(err)
	}
	v.Checkpoint = CPVector{Seed: hex.EncodeToString(nk.Seed()), VerifierKey: vkey, Note: string(msg)}
	return v
}

func TestVectors(t *testing.T) {
	v := buildVectors(t)
	got, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	if *update {
		if err := os.WriteFile(vectorsFile, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(vectorsFile)
	if err != nil {
		t.Fatalf("%v (run go test ./ledger -run TestVectors -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s is out of date with the code: the wire format changed. If on purpose, bump the version and run with -update", vectorsFile)
	}
	// And the file verifies on its own terms: an independent reader would
	// do exactly this.
	verifier, err := note.NewVerifier(v.Checkpoint.VerifierKey)
	if err != nil {
		t.Fatal(err)
	}
	cp, err := OpenCheckpoint([]byte(v.Checkpoint.Note), verifier)
	if err != nil {
		t.Fatal(err)
	}
	if hex.EncodeToString(cp.Root[:]) != v.Tree.Root || cp.Size != v.Tree.Size {
		t.Fatal("checkpoint does not match tree vector")
	}
}
