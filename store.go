package meent

import (
	"context"
)

// Record is one event as the store keeps it. Entry is the exact signed
// bytes; the other fields are copies of what the envelope says, kept so
// that queries need not parse entries.
type Record struct {
	Index  int64
	Hash   [32]byte // SHA-256(Entry)
	Type   string
	Author string // agent ID, "" for agent.create
	Key    []byte // Ed25519 public key that signed
	Time   int64  // Unix milliseconds claimed by the signer
	Data   []byte // the body's "data" object, raw JSON
	Entry  []byte

	// Commons and Agents are the event index: the commons and the agents
	// the event touches (state.State.Refs: the author always, and what
	// the rules of its area name). SeqTx.Append writes them with the
	// event; EventFilter.Commons and .Touches select by them. They are
	// derived from the log (computed right after the event was applied),
	// not part of it, and Records does not read them back.
	Commons []string
	Agents  []string
}

// StoredHash is one node of the Merkle tree, at its tlog.StoredHashIndex.
type StoredHash struct {
	Index int64
	Hash  [32]byte
}

// Checkpoint is the latest signed checkpoint of the log.
type Checkpoint struct {
	Size int64
	Root [32]byte
	Note []byte // the signed note, C2SP tlog-checkpoint
	Time int64  // Unix milliseconds when it was signed
}

// EventFilter selects records for listing. Results are in index order,
// newest first when Desc is set.
//
// Commons and Touches read the event index (Record.Commons and .Agents):
// "the events of this commons, newest first, before this cursor" is one
// range of that index whatever the length of the log, so a commons' or an
// agent's activity is exact and costs the same at a thousand events as at
// millions. Both may be set (events in that commons touching that agent)
// and combine with the other fields.
type EventFilter struct {
	Author  string // only events by this agent
	Type    string // only events of this type
	Commons string // only events the index records for this commons
	Touches string // only events the index records for this agent (its author among others)
	Before  int64  // only indexes below this; 0 means no bound
	After   int64  // only indexes at or above this
	Limit   int    // at most this many; 0 means the store's default (100)
	Desc    bool
}

// AgentView is the projection of one agent.
type AgentView struct {
	ID      string
	Kind    string
	Name    string
	Created int64
	Role    string // "", "member" or "admin"
	Keys    []KeyView
}

// KeyView is the projection of a key.
type KeyView struct {
	Key     string // base64
	Agent   string
	Added   int64
	Revoked int64 // -1 while active
}

// AgentFilter selects agents for listing, ordered by creation index.
type AgentFilter struct {
	MembersOnly bool
	Kind        string
	After       int64 // only agents created at or after this index
	Limit       int
}

// Object is a domain object (a commons, a contribution, a need, ...) as
// its rules package last computed it, stored as a JSON document. Domain
// areas beyond agents project through objects instead of tables of their
// own: the rules already hold the exact current state, the store only has
// to keep it queryable, and one table serves every area identically on
// SQLite and PostgreSQL.
//
// Parent makes an object the child of another (a vote under a poll, a
// booking under a tool, a pledge under a bucket). Such children are
// objects of their own, listed with ObjectFilter.Parent, rather than a
// list inside the parent's document: a list in one document grows without
// bound, every change to one child would rewrite all of them, and a page
// of them could only be cut from the whole. By Parent, "the children of
// X, paged" is one range of an index (kind, parent, created, id).
type Object struct {
	Kind    string // "commons", "contribution", "need", ...
	ID      string // unique within Kind; usually the hash of the creating event
	Parent  string // the ID of the object it is a child of, "" if none; its kind is implied by Kind
	Commons string // the commons it belongs to, "" if none
	Agent   string // the agent it is mostly about (author, contributor), "" if none
	Status  string // lifecycle state, for filtering ("pending", "open", ...)
	Created int64  // log index of the creating event
	Updated int64  // log index of the last event that changed it
	Data    []byte // the JSON document, as the rules package marshals it
}

// ObjectFilter selects objects; empty fields do not filter. Results are
// ordered by Created, newest first when Desc is set.
type ObjectFilter struct {
	Kind    string // required
	Parent  string // only the children of this object
	Commons string
	Agent   string
	Status  string
	Limit   int // at most 1000, 100 when 0 or less
	Desc    bool
	// After, when set, is a keyset cursor: only objects that come after
	// the object with this creation index and ID in the listing's order
	// (so the next page starts where the last one ended, exactly once,
	// whatever was added meanwhile).
	After *ObjectKey
}

// ObjectKey is an object's position in a listing of objects: by creation
// index, then ID (compared bytewise).
type ObjectKey struct {
	Created int64
	ID      string
}

// Snapshot is the rules' state after the first Size events of the log,
// encoded by package state (state.State.Snapshot), so that a node can
// start from it and replay only the events after it. Version names the
// rules and the shape of the state it was made with (state.SnapshotVersion);
// a node restores only a snapshot of its own version. A snapshot is a
// cache of the log, never a source of truth: meent verify ignores it.
type Snapshot struct {
	Size    int64
	Version string
	Data    []byte
	Time    int64 // Unix milliseconds when it was written
}

// Account is a web account: private to the node, never in the log. It lets
// a person log in with a password; when Key is set the node holds that
// agent's signing key (encrypted) and signs on the person's behalf.
type Account struct {
	Agent        string
	Username     string
	PasswordHash string // bcrypt
	Key          []byte // sealed Ed25519 seed, or nil when the agent signs itself
	Created      int64
}

// Session is a logged-in browser. Only the hash of the cookie value is
// stored, so a leaked database does not leak sessions.
type Session struct {
	TokenHash [32]byte
	Agent     string
	CSRF      string
	Expires   int64 // Unix milliseconds
}

// Token is an API token for scripts; again only its hash is stored. ID
// names it in lists and revocations and says nothing about the secret.
type Token struct {
	Hash     [32]byte
	ID       string
	Agent    string
	Name     string
	Created  int64 // Unix milliseconds
	Expires  int64 // Unix milliseconds; the token is refused from then on
	LastUsed int64 // Unix milliseconds, 0 when never used; updated coarsely
}

// Store is the storage contract every backend fulfils, proven by the
// conformance suite in storetest. Storage accepts only verified records:
// the caller has decoded every entry with ledger.Decode and applied the
// rules before Append; the store checks structure (unique index and hash),
// never signatures.
type Store interface {
	// Sequence runs fn in one write transaction while holding the
	// sequencer lock, so that exactly one process appends at a time, even
	// when several share a database. If fn returns an error, or an Append
	// or PutObjects inside it failed (even if fn ignored that error),
	// nothing fn wrote is kept. fn must not call Sequence again: on SQLite the one writer
	// connection is taken. On PostgreSQL the lock is database-wide.
	Sequence(ctx context.Context, fn func(SeqTx) error) error

	// Size returns the number of events in the log.
	Size(ctx context.Context) (int64, error)
	// Checkpoint returns the latest checkpoint; ENOTFOUND when none.
	Checkpoint(ctx context.Context) (Checkpoint, error)
	// Entries returns the entries at indexes [start, start+n), fewer at the end of the log.
	Entries(ctx context.Context, start int64, n int) ([][]byte, error)
	// Records lists events; at most 1000, 100 when the limit is 0 or less.
	Records(ctx context.Context, f EventFilter) ([]Record, error)
	// RecordByHash returns the event with that hash; ENOTFOUND when none.
	RecordByHash(ctx context.Context, hash [32]byte) (Record, error)
	// RecordByIndex returns the event at index; ENOTFOUND when none.
	RecordByIndex(ctx context.Context, index int64) (Record, error)
	// ReadHashes returns the stored tree hashes at the given
	// tlog.StoredHashIndex positions, in order; ENOTFOUND if one is absent.
	ReadHashes(ctx context.Context, indexes []int64) ([][32]byte, error)

	// Agent returns one agent with its keys; ENOTFOUND when none.
	Agent(ctx context.Context, id string) (AgentView, error)
	// Agents lists agents (without keys); limits as for Records.
	Agents(ctx context.Context, f AgentFilter) ([]AgentView, error)
	// Object returns one object; ENOTFOUND when none.
	Object(ctx context.Context, kind, id string) (Object, error)
	// Objects lists objects.
	Objects(ctx context.Context, f ObjectFilter) ([]Object, error)

	// RefsPending returns the log indexes [from, to) whose event index
	// entries were never written: the events of a log appended before
	// the store kept the index (migration 0007). from == to when there
	// are none. The node fills them from a replay (SeqTx.PutRefs).
	RefsPending(ctx context.Context) (from, to int64, err error)
	// Snapshot returns the latest snapshot (the one of the largest
	// size); ENOTFOUND when none.
	Snapshot(ctx context.Context) (Snapshot, error)

	// StateLines emits the canonical lines of every projection (see
	// state.State.Lines), so an auditor can compare them with a replay.
	StateLines(ctx context.Context, emit func(string)) error

	// CreateAccount stores a new account; ECONFLICT if the username or agent has one.
	CreateAccount(ctx context.Context, a Account) error
	// AccountByUsername returns an account; ENOTFOUND when none. Usernames
	// compare exactly: folding case is the caller's job.
	AccountByUsername(ctx context.Context, username string) (Account, error)
	// AccountByAgent returns an account; ENOTFOUND when none.
	AccountByAgent(ctx context.Context, agent string) (Account, error)
	// CreateSession stores a session; ECONFLICT on a duplicate hash.
	CreateSession(ctx context.Context, s Session) error
	// SessionByHash returns an unexpired session; ENOTFOUND otherwise.
	SessionByHash(ctx context.Context, hash [32]byte, now int64) (Session, error)
	// DeleteSession removes a session; removing a missing one is not an error.
	DeleteSession(ctx context.Context, hash [32]byte) error
	// CreateToken stores a token; ECONFLICT on a duplicate hash.
	CreateToken(ctx context.Context, t Token) error
	// TokenByHash returns a token, expired or not; ENOTFOUND when none.
	TokenByHash(ctx context.Context, hash [32]byte) (Token, error)
	// Tokens lists an agent's tokens, expired ones included, newest first.
	Tokens(ctx context.Context, agent string) ([]Token, error)
	// DeleteToken removes the agent's token with that ID; ENOTFOUND when
	// the agent has none by that ID.
	DeleteToken(ctx context.Context, agent, id string) error
	// TouchToken records that the token with that hash was used at at.
	TouchToken(ctx context.Context, hash [32]byte, at int64) error

	Close() error
}

// SeqTx is the write transaction the sequencer works in.
type SeqTx interface {
	// Size returns the number of events in the log as this transaction sees it.
	Size(ctx context.Context) (int64, error)
	// Entries reads entries [start, start+n) inside the transaction, so a
	// sequencer can catch up with appends made by another process.
	Entries(ctx context.Context, start int64, n int) ([][]byte, error)
	// ReadHashes reads stored tree hashes inside the transaction.
	ReadHashes(ctx context.Context, indexes []int64) ([][32]byte, error)
	// Append writes records (whose indexes continue the log without gaps),
	// the tree hashes they add, their projections, their event index
	// entries (Commons, Agents), and the new checkpoint.
	// It returns ECONFLICT if an index, hash or tree position is already
	// taken, and EINVALID if the records would leave a gap, an index
	// entry is empty or not UTF-8 text without NUL bytes, or the
	// checkpoint is larger than the log or smaller than the stored one. A
	// failed Append dooms the whole Sequence.
	Append(ctx context.Context, recs []Record, hashes []StoredHash, cp Checkpoint) error
	// PutObjects inserts or replaces objects (by Kind and ID) in the same
	// transaction; the sequencer calls it after Append with every object
	// the batch changed. Within one call the last of two equal keys wins.
	// It returns EINVALID for an empty Kind or ID, or text that is not
	// UTF-8 or holds a NUL byte; a failed PutObjects dooms the Sequence.
	PutObjects(ctx context.Context, objs []Object) error
	// PutRefs writes the event index entries (Commons and Agents; only
	// Index is read besides them) of records already in the log, and
	// records that the pending range (RefsPending) now starts at next, so
	// an interrupted backfill resumes there. Entries already stored are
	// kept. Like Append it returns EINVALID for an empty ID, or one that
	// is not UTF-8 or holds a NUL byte, and a failed PutRefs dooms the
	// Sequence.
	PutRefs(ctx context.Context, recs []Record, next int64) error
	// Known reports which of hashes are the hashes of events in the log
	// as this transaction sees it (out[i] for hashes[i]), so that the
	// sequencer refuses a duplicate without keeping every hash in memory.
	Known(ctx context.Context, hashes [][32]byte) ([]bool, error)
	// PutSnapshot stores a snapshot of the state after the first s.Size
	// events, replacing one of the same size, and keeps only the latest
	// two: the one before stays as a fallback should the newest prove
	// unreadable. It returns EINVALID when s.Size is larger than the log
	// or Version is empty. Writing
	// it in the sequencer's transaction ties it to the log it describes:
	// it commits only together with the events before it.
	PutSnapshot(ctx context.Context, s Snapshot) error
}
