package ledger

import (
	"github.com/go-json-experiment/json"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/meent/meent"
)

// ProofFormat names the format of an EventProof.
const ProofFormat = "meent-event-proof/1"

// MaxProofSize bounds an encoded EventProof: an entry, 64 proof hashes
// and a checkpoint note fit in far less.
const MaxProofSize = 256 << 10

// EventProof is everything an offline verifier needs to know that an event
// is in a log: the entry, its index, an RFC 6962 inclusion proof and the
// checkpoint the proof leads to, signed by the log's key. With the log's
// public key (a note verifier key) and nothing else, Verify checks it. A
// license grant is handed out in this form (meent license verify).
type EventProof struct {
	Format     string   `json:"format"`
	Index      int64    `json:"index"`
	Entry      []byte   `json:"entry"`      // base64 in JSON
	Proof      [][]byte `json:"proof"`      // sibling hashes from the leaf up, base64 in JSON
	Checkpoint []byte   `json:"checkpoint"` // the signed note, base64 in JSON
}

// Encode returns the proof's JSON.
func (p EventProof) Encode() ([]byte, error) {
	return json.Marshal(p, json.Deterministic(true))
}

// DecodeEventProof reads a proof strictly (unknown members, duplicates and
// oversize input are refused). It does not verify it.
func DecodeEventProof(b []byte) (EventProof, error) {
	var p EventProof
	if len(b) > MaxProofSize {
		return p, meent.Errorf(meent.ETOOLARGE, "event proof larger than %d bytes", MaxProofSize)
	}
	if err := json.Unmarshal(b, &p, json.RejectUnknownMembers(true)); err != nil {
		return EventProof{}, meent.Errorf(meent.EMALFORMED, "event proof: %v", err)
	}
	if p.Format != ProofFormat {
		return EventProof{}, meent.Errorf(meent.EVERSION, "event proof format %q, want %q", p.Format, ProofFormat)
	}
	if len(p.Proof) > 64 {
		return EventProof{}, meent.Errorf(meent.EMALFORMED, "event proof: more than 64 hashes")
	}
	for _, h := range p.Proof {
		if len(h) != tlog.HashSize {
			return EventProof{}, meent.Errorf(meent.EMALFORMED, "event proof: a hash is %d bytes, not %d", len(h), tlog.HashSize)
		}
	}
	return p, nil
}

// Verify checks the proof with the log's verifier: the checkpoint's
// signature and origin, the inclusion of the entry at Index in the tree
// the checkpoint names, and the event's own signature. It returns the
// event and the checkpoint.
func (p EventProof) Verify(v note.Verifier) (*Event, Checkpoint, error) {
	cp, err := OpenCheckpoint(p.Checkpoint, v)
	if err != nil {
		return nil, cp, err
	}
	if p.Index < 0 || p.Index >= cp.Size {
		return nil, cp, meent.Errorf(meent.EINVALID, "index %d is not in the checkpoint's tree of size %d", p.Index, cp.Size)
	}
	proof := make(tlog.RecordProof, len(p.Proof))
	for i, h := range p.Proof {
		copy(proof[i][:], h)
	}
	if err := tlog.CheckRecord(proof, cp.Size, cp.Root, p.Index, LeafHash(p.Entry)); err != nil {
		return nil, cp, meent.Errorf(meent.ESIGNATURE, "the entry is not at index %d of the signed tree: %v", p.Index, err)
	}
	ev, err := Decode(p.Entry)
	if err != nil {
		return nil, cp, err
	}
	return ev, cp, nil
}
