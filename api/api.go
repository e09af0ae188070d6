package api

import (
	"encoding/json"
	"strconv"
	"time"
)

// Timestamp is a time in Unix milliseconds, carried in JSON as an RFC 3339
// string in UTC with millisecond precision: "2025-01-02T03:04:05.678Z".
type Timestamp int64

const timestampLayout = "2006-01-02T15:04:05.000Z07:00"

// Time returns t as a time.Time.
func (t Timestamp) Time() time.Time { return time.UnixMilli(int64(t)).UTC() }

func (t Timestamp) String() string { return t.Time().Format(timestampLayout) }

// MarshalJSON formats t as an RFC 3339 string.
func (t Timestamp) MarshalJSON() ([]byte, error) { return strconv.AppendQuote(nil, t.String()), nil }

// UnmarshalJSON parses an RFC 3339 string.
func (t *Timestamp) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	tm, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return err
	}
	*t = Timestamp(tm.UnixMilli())
	return nil
}

// NodeInfo is GET /api/v1/node.
type NodeInfo struct {
	LogOrigin      string     `json:"log_origin"`
	VerifierKey    string     `json:"verifier_key"`
	TreeSize       int64      `json:"tree_size"`
	RootHash       []byte     `json:"root_hash"`       // base64
	CheckpointTime *Timestamp `json:"checkpoint_time"` // null before the first event
	Version        string     `json:"version"`
	Agents         int        `json:"agents"`
	Members        int        `json:"members"`
}

// Receipt is the answer to an accepted event: it is committed at Index and
// covered by the checkpoint of TreeSize.
type Receipt struct {
	Index    int64  `json:"index"`
	Hash     string `json:"hash"` // hex
	TreeSize int64  `json:"tree_size"`
}

// Event is one event of the log. Entry holds the exact signed bytes and
// is the authority; the other members are read from it. Data is the
// event's data object as JSON (whitespace is not preserved).
type Event struct {
	Index  int64           `json:"index"`
	Hash   string          `json:"hash"`   // hex SHA-256 of Entry
	Type   string          `json:"type"`   //
	Author string          `json:"author"` // agent ID; "" for agent.create
	Key    []byte          `json:"key"`    // base64 Ed25519 public key that signed
	Time   Timestamp       `json:"time"`   // as claimed by the signer
	Data   json.RawMessage `json:"data"`
	Entry  []byte          `json:"entry"` // base64

	// Only on single-event responses:
	SignatureValid *bool  `json:"signature_valid,omitempty"` // re-verified on every request
	LeafHash       []byte `json:"leaf_hash,omitempty"`       // base64 RFC 6962 leaf hash
}

// EventList is GET /api/v1/events. NextBefore, present when the page is
// full, is the "before" value that fetches the next (older) page.
type EventList struct {
	Events     []Event `json:"events"`
	NextBefore *int64  `json:"next_before,omitempty"`
	Next       string  `json:"next,omitempty"` // the same position as an opaque cursor
}

// InclusionProof is GET /api/v1/proofs/inclusion.
type InclusionProof struct {
	Index    int64    `json:"index"`
	TreeSize int64    `json:"tree_size"`
	LeafHash []byte   `json:"leaf_hash"`
	Proof    [][]byte `json:"proof"`
	RootHash []byte   `json:"root_hash"`
}

// ConsistencyProof is GET /api/v1/proofs/consistency.
type ConsistencyProof struct {
	Old     int64    `json:"old"`
	New     int64    `json:"new"`
	Proof   [][]byte `json:"proof"`
	OldRoot []byte   `json:"old_root"`
	NewRoot []byte   `json:"new_root"`
}

// StateDigest is GET /api/v1/state/digest: the digest of the node's
// projections, the digest of each part (docs/ledger.md §8) and the log size
// they reflect.
type StateDigest struct {
	Size   int64                `json:"size"`
	Digest string               `json:"digest"` // hex
	Parts  map[string]StatePart `json:"parts"`
}

// StatePart is the digest of one part of the state: its line count and
// the SHA-256 (hex) over its sorted lines.
type StatePart struct {
	Lines  int    `json:"lines"`
	SHA256 string `json:"sha256"`
}

// Agent is one agent; Keys only on GET /api/v1/agents/{id}.
type Agent struct {
	ID      string `json:"id"`
	Kind    string `json:"kind"`
	Name    string `json:"name"`
	Created int64  `json:"created"` // log index of its agent.create
	Role    string `json:"role"`    // "", "member" or "admin"
	Keys    []Key  `json:"keys,omitempty"`
}

// Key is a key an agent authorised; Revoked is null while it is active.
type Key struct {
	Key     string `json:"key"` // base64
	Added   int64  `json:"added"`
	Revoked *int64 `json:"revoked"`
}

// AgentList is GET /api/v1/agents. NextAfter, present when the page is
// full, is the "after" value that fetches the next page.
type AgentList struct {
	Agents    []Agent `json:"agents"`
	NextAfter *int64  `json:"next_after,omitempty"`
	Next      string  `json:"next,omitempty"` // the same position as an opaque cursor
}

// SignUpRequest is POST /api/v1/accounts.
type SignUpRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
	Kind     string `json:"kind,omitempty"`
	Name     string `json:"name,omitempty"`
}

// SignUpResponse is the answer to a sign-up.
type SignUpResponse struct {
	Agent    string `json:"agent"`
	Username string `json:"username"`
}

// LoginRequest is POST /api/v1/sessions.
type LoginRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

// LoginResponse is the answer to a login; the session itself travels in
// the cookie.
type LoginResponse struct {
	Agent   string    `json:"agent"`
	CSRF    string    `json:"csrf"`
	Expires Timestamp `json:"expires"`
}

// TokenRequest is POST /api/v1/tokens. ExpiresInDays is the token's
// lifetime, 90 days when 0 or absent, at most 366.
type TokenRequest struct {
	Name          string `json:"name"`
	ExpiresInDays int    `json:"expires_in_days,omitempty"`
}

// TokenResponse carries a new API token, shown this once, with the ID
// that names it in GET /api/v1/tokens and DELETE /api/v1/tokens/{id}.
type TokenResponse struct {
	Token   string    `json:"token"`
	ID      string    `json:"id"`
	Name    string    `json:"name"`
	Expires Timestamp `json:"expires"`
}

// ActionRequest is POST /api/v1/actions.
type ActionRequest struct {
	Type string          `json:"type"`
	Data json.RawMessage `json:"data"`
}

// MaxLimit is the largest ?limit= a list accepts.
const MaxLimit = 1000
