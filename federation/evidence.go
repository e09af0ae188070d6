package federation

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/meent/meent"
	"github.com/meent/meent/ledger"
)

// Evidence is proof that a log's key signed two checkpoints that cannot
// both be true: the same size with different roots, or a smaller tree
// that is not a prefix of a larger one. Anyone can check it offline with
// the log's verifier key alone (Check); nothing in it is trusted before.
//
// Wire form (JSON, docs/federation.md), version 1:
//
//	{"v": 1,
//	 "kind": "same_size" | "inconsistent",
//	 "a": "<signed checkpoint note, the smaller or equal tree>",
//	 "b": "<signed checkpoint note, the larger tree>",
//	 "proof": ["<base64 hash>", ...]}
//
// proof is empty for same_size, and for inconsistent the consistency path
// from a's size to b's size in b's tree (ProveConsistency). Evolution: a
// new member or kind is a new v; a decoder refuses unknown members and
// versions, so a version-1 checker never half-reads a later file.
type Evidence struct {
	V     int      `json:"v"`
	Kind  string   `json:"kind"`
	A     string   `json:"a"`
	B     string   `json:"b"`
	Proof []string `json:"proof"`
}

// Kinds of evidence.
const (
	SameSize     = "same_size"
	Inconsistent = "inconsistent"
)

// MaxEvidence is the largest evidence file DecodeEvidence reads: two
// notes and a path of at most 128 hashes fit in a fraction of it.
const MaxEvidence = 64 << 10

// NewEvidence builds the evidence of two signed checkpoints, a no larger
// than b, with the consistency path from b's tree when sizes differ.
func NewEvidence(a, b []byte, path []tlog.Hash) *Evidence {
	e := &Evidence{V: 1, Kind: SameSize, A: string(a), B: string(b), Proof: []string{}}
	if len(path) > 0 {
		e.Kind = Inconsistent
		for _, h := range path {
			e.Proof = append(e.Proof, base64.StdEncoding.EncodeToString(h[:]))
		}
	}
	return e
}

// Encode returns the evidence as indented JSON.
func (e *Evidence) Encode() ([]byte, error) {
	b, err := json.MarshalIndent(e, "", "  ")
	return append(b, '\n'), err
}

// DecodeEvidence reads evidence strictly: at most MaxEvidence bytes, one
// JSON object, no unknown or repeated members, version 1. It does not
// check the signatures or the proof: Check does.
func DecodeEvidence(data []byte) (*Evidence, error) {
	if len(data) > MaxEvidence {
		return nil, meent.Errorf(meent.EINVALID, "evidence is over %d bytes", MaxEvidence)
	}
	if err := noRepeatedMembers(data); err != nil {
		return nil, meent.Errorf(meent.EINVALID, "evidence: %v", err)
	}
	d := json.NewDecoder(bytes.NewReader(data))
	d.DisallowUnknownFields()
	var e Evidence
	if err := d.Decode(&e); err != nil {
		return nil, meent.Errorf(meent.EINVALID, "evidence is not the JSON of version 1: %v", err)
	}
	if _, err := d.Token(); err != io.EOF {
		return nil, meent.Errorf(meent.EINVALID, "evidence has data after its object")
	}
	if e.V != 1 {
		return nil, meent.Errorf(meent.EINVALID, "evidence version %d is not 1", e.V)
	}
	if len(e.Proof) > 128 {
		return nil, meent.Errorf(meent.EINVALID, "evidence proof has %d hashes, more than any tree needs", len(e.Proof))
	}
	return &e, nil
}

// noRepeatedMembers refuses an object that names a member twice at its
// top level, or names one in another spelling than its own (encoding/json
// keeps the last of two and matches names regardless of case; two readers
// must never disagree on what the file says).
func noRepeatedMembers(data []byte) error {
	d := json.NewDecoder(bytes.NewReader(data))
	if t, err := d.Token(); err != nil || t != json.Delim('{') {
		return errors.New("not a JSON object")
	}
	seen := map[string]bool{}
	for d.More() {
		t, err := d.Token()
		if err != nil {
			return err
		}
		k, _ := t.(string)
		switch k {
		case "v", "kind", "a", "b", "proof":
		default:
			return fmt.Errorf("unknown member %q", k)
		}
		if seen[k] {
			return fmt.Errorf("member %q repeated", k)
		}
		seen[k] = true
		var skip json.RawMessage
		if err := d.Decode(&skip); err != nil {
			return err
		}
	}
	return nil
}

// Conflict is what checked evidence shows.
type Conflict struct {
	Origin string
	A, B   ledger.Checkpoint
	// OldRoot is b's tree's root at a's size, from the proof (inconsistent only).
	OldRoot tlog.Hash
}

func (c Conflict) String() string {
	if c.A.Size == c.B.Size {
		return fmt.Sprintf("%s signed two trees of size %d: roots %x… and %x…", c.Origin, c.A.Size, c.A.Root[:8], c.B.Root[:8])
	}
	return fmt.Sprintf("%s signed a tree of size %d with root %x…, but its tree of size %d begins with a tree of root %x…", c.Origin, c.A.Size, c.A.Root[:8], c.B.Size, c.OldRoot[:8])
}

// Check verifies evidence with the log's verifier key alone and returns
// the conflict it proves, or an error saying why it proves nothing.
func (e *Evidence) Check(v note.Verifier) (Conflict, error) {
	var c Conflict
	a, err := ledger.OpenCheckpoint([]byte(e.A), v)
	if err != nil {
		return c, fmt.Errorf("checkpoint a: %w", err)
	}
	b, err := ledger.OpenCheckpoint([]byte(e.B), v)
	if err != nil {
		return c, fmt.Errorf("checkpoint b: %w", err)
	}
	c = Conflict{Origin: a.Origin, A: a, B: b}
	switch {
	case a.Size > b.Size:
		return c, errors.New("checkpoint a is larger than b")
	case a.Size == b.Size:
		if e.Kind != SameSize || len(e.Proof) != 0 {
			return c, errors.New("checkpoints of one size need kind same_size and no proof")
		}
		if a.Root == b.Root {
			return c, errors.New("the checkpoints agree: no conflict")
		}
		return c, nil
	case a.Size == 0:
		return c, errors.New("a tree of size 0 is a prefix of every tree")
	case e.Kind != Inconsistent:
		return c, errors.New("checkpoints of different sizes need kind inconsistent")
	}
	path := make([]tlog.Hash, len(e.Proof))
	for i, s := range e.Proof {
		h, err := base64.StdEncoding.Strict().DecodeString(s)
		if err != nil || len(h) != tlog.HashSize {
			return c, fmt.Errorf("proof hash %d is not base64 of 32 bytes", i)
		}
		copy(path[i][:], h)
	}
	old, new, err := Roots(path, a.Size, b.Size)
	if err != nil {
		return c, err
	}
	if new != b.Root {
		return c, errors.New("the proof does not lead to b's root: it proves nothing")
	}
	if old == a.Root {
		return c, errors.New("the proof shows a is a prefix of b: no conflict")
	}
	c.OldRoot = old
	return c, nil
}
