package private

import (
	"context"
	"slices"
)

// Record is one private record. While it is live, Data and Salt open
// Commitment. Erasure deletes Data and Salt and keeps a tombstone: the
// commitment, who owned it, when it was erased and by whom, so that a
// reader of the log learns the record existed and was erased, and nothing
// else.
type Record struct {
	Commitment Commitment
	Data       []byte         // nil once erased
	Salt       [SaltSize]byte // zero once erased
	Owner      string         // the agent that stored it
	Commons    string         // the commons it concerns, "" for none
	Created    int64          // Unix milliseconds
	Erased     int64          // Unix milliseconds; 0 while live
	ErasedBy   string         // who erased it: an agent ID, or "operator" for meent erase
}

// IsErased reports whether the record was erased.
func (r Record) IsErased() bool { return r.Erased != 0 }

// Valid reports whether a live record's data and salt open its commitment.
func (r Record) Valid() bool { return r.IsErased() || Check(r.Commitment, r.Salt, r.Data) }

// Store keeps private records. It is never part of the log and never
// replicated: a peer that follows this node's log sees only commitments.
//
// The guarantee: a record is committed by Put before the event that names
// its commitment is submitted, and the node refuses an event whose
// commitment it holds no record of, or only the tombstone of (see
// Commitments and node.Config.Private). So every acknowledged event's
// private data was stored first; a crash in between leaves a record no
// event names, which is harmless (it is private) and which meent erase
// --orphans collects: once erased, no new event can name it.
type Store interface {
	// PutPrivate stores a new record. Storing the same record again (same
	// commitment, owner and commons) is a no-op, so a client may retry;
	// ECONFLICT if a record with that commitment exists for another owner
	// or commons; EINVALID if the data and salt do not open the commitment
	// or the data is empty or larger than MaxData.
	PutPrivate(ctx context.Context, r Record) error
	// PrivateRecord returns a record, erased or not; ENOTFOUND when none.
	PrivateRecord(ctx context.Context, c Commitment) (Record, error)
	// ErasePrivate deletes the data and salt of a record and records when
	// and by whom; it returns the tombstone. Erasing an erased record
	// returns its tombstone unchanged. ENOTFOUND when none.
	ErasePrivate(ctx context.Context, c Commitment, by string, at int64) (Record, error)
	// PrivateRecords lists records, erased ones too, in commitment order
	// after the given commitment (nil: from the start); at most limit
	// (1000, and 100 when 0 or less).
	PrivateRecords(ctx context.Context, after *Commitment, limit int) ([]Record, error)
}

// Reader says who may read a private record: its owner, the maintainers
// of the commons it concerns, and the node's admins. Those are the people
// who must see a payment reference to check it was made; anyone else sees
// only the commitment in the log. Erasure (MayErase) is for the owner and
// the admins.
type Reader struct {
	Agent       string
	Admin       bool
	Maintainers []string // of the record's commons
}

// MayRead reports whether r may read rec.
func (r Reader) MayRead(rec Record) bool {
	return r.Agent != "" && (r.Admin || r.Agent == rec.Owner || rec.Commons != "" && slices.Contains(r.Maintainers, r.Agent))
}

// MayErase reports whether r may erase rec.
func (r Reader) MayErase(rec Record) bool {
	return r.Agent != "" && (r.Admin || r.Agent == rec.Owner)
}
