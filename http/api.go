package http

import (
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"mime"
	nethttp "net/http"
	"strconv"
	"sync"
	"time"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/meent/meent"
	"github.com/meent/meent/audit"
	"github.com/meent/meent/ledger"
	"github.com/meent/meent/node"
)

// Wire types of the JSON API. They are shared by the server and Client,
// and described in openapi.json. Evolution rule: add optional members,
// never rename, remove or retype one; a breaking change is /api/v2.
//
// Hash encodings follow their source: event hashes (which name events and
// agents) are lowercase hex, as in docs/ledger.md; Merkle tree hashes
// (leaf, proof, root) are standard base64, as in checkpoints.

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

// maxJSONBody bounds a JSON request body; an action carries event data,
// so it must fit an entry and then some.
const maxJSONBody = 2 * ledger.MaxEntrySize

// Listing limits.
const (
	defaultLimit = 100
	maxLimit     = 1000
)

// emptyRoot is the RFC 6962 root of the empty tree, SHA-256 of nothing.
var emptyRoot = sha256.Sum256(nil)

func writeJSON(w nethttp.ResponseWriter, r *nethttp.Request, status int, v any) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	if r.Method == nethttp.MethodGet || r.Method == nethttp.MethodHead {
		h.Set("Cache-Control", "no-cache")
	} else {
		h.Set("Cache-Control", "no-store")
	}
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}

// decodeJSON reads a JSON request body into v strictly: the media type
// must be application/json (which also keeps plain HTML forms from other
// sites out), unknown members and trailing data are refused.
func decodeJSON(w nethttp.ResponseWriter, r *nethttp.Request, v any) error {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		return meent.Errorf(meent.EINVALID, "Content-Type must be application/json")
	}
	dec := json.NewDecoder(nethttp.MaxBytesReader(w, r.Body, maxJSONBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var mbe *nethttp.MaxBytesError
		if errors.As(err, &mbe) {
			return meent.Errorf(meent.ETOOLARGE, "request body is larger than %d bytes", maxJSONBody)
		}
		return meent.Errorf(meent.EINVALID, "request body: %v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return meent.Errorf(meent.EINVALID, "request body: trailing data after the JSON object")
	}
	return nil
}

// queryInt reads an optional non-negative integer query parameter.
func queryInt(r *nethttp.Request, name string, def int64) (int64, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, meent.Errorf(meent.EINVALID, "%s must be a non-negative integer", name)
	}
	return n, nil
}

func queryLimit(r *nethttp.Request) (int, error) {
	n, err := queryInt(r, "limit", defaultLimit)
	if err != nil {
		return 0, err
	}
	if n < 1 || n > maxLimit {
		return 0, meent.Errorf(meent.EINVALID, "limit must be between 1 and %d", maxLimit)
	}
	return int(n), nil
}

func (s *Server) apiNode(w nethttp.ResponseWriter, r *nethttp.Request) {
	info, err := s.nodeInfo(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, r, nethttp.StatusOK, info)
}

func (s *Server) nodeInfo(r *nethttp.Request) (NodeInfo, error) {
	info := NodeInfo{
		LogOrigin:   s.opts.Origin,
		VerifierKey: s.opts.VerifierKey,
		RootHash:    emptyRoot[:],
		Version:     s.opts.Version,
	}
	cp, err := s.node.Checkpoint(r.Context())
	switch {
	case err == nil:
		t := Timestamp(cp.Time)
		info.TreeSize, info.RootHash, info.CheckpointTime = cp.Size, cp.Root[:], &t
	case meent.ErrorCode(err) != meent.ENOTFOUND: // none yet: the empty tree
		return info, err
	}
	info.Agents, info.Members = s.node.Counts()
	return info, nil
}

func (s *Server) apiSubmit(w nethttp.ResponseWriter, r *nethttp.Request) {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || (mt != "application/vnd.meent.event" && mt != "application/octet-stream") {
		s.writeError(w, r, meent.Errorf(meent.EINVALID, "Content-Type must be application/vnd.meent.event or application/octet-stream"))
		return
	}
	if r.ContentLength > ledger.MaxEntrySize {
		s.writeError(w, r, meent.Errorf(meent.ETOOLARGE, "event is %d bytes; the limit is %d", r.ContentLength, ledger.MaxEntrySize))
		return
	}
	// Read one byte past the limit, so an oversize body is told apart
	// from one of exactly the limit.
	entry, err := io.ReadAll(io.LimitReader(r.Body, ledger.MaxEntrySize+1))
	if err != nil {
		s.writeError(w, r, meent.Errorf(meent.EINVALID, "could not read the request body"))
		return
	}
	if len(entry) > ledger.MaxEntrySize {
		s.writeError(w, r, meent.Errorf(meent.ETOOLARGE, "event is larger than %d bytes", ledger.MaxEntrySize))
		return
	}
	rc, err := s.node.Submit(r.Context(), entry)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeReceipt(w, r, rc)
}

func (s *Server) writeReceipt(w nethttp.ResponseWriter, r *nethttp.Request, rc node.Receipt) {
	w.Header().Set("Location", "/api/v1/events/"+rc.Hash.String())
	writeJSON(w, r, nethttp.StatusCreated, Receipt{Index: rc.Index, Hash: rc.Hash.String(), TreeSize: rc.TreeSize})
}

func (s *Server) apiEvents(w nethttp.ResponseWriter, r *nethttp.Request) {
	f, err := eventFilter(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	recs, err := s.node.Store().Records(r.Context(), f)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := EventList{Events: make([]Event, 0, len(recs))}
	for _, rec := range recs {
		out.Events = append(out.Events, eventOf(rec))
	}
	if len(recs) == f.Limit && recs[len(recs)-1].Index > 0 {
		next := recs[len(recs)-1].Index
		out.NextBefore = &next
		out.Next = indexCursor("events", next)
		setNext(w, r, out.Next)
	}
	writeJSON(w, r, nethttp.StatusOK, out)
}

func eventFilter(r *nethttp.Request) (meent.EventFilter, error) {
	q := r.URL.Query()
	f := meent.EventFilter{Author: q.Get("author"), Type: q.Get("type"), Desc: true}
	var err error
	if f.Author != "" {
		if _, err := ledger.ParseHash(f.Author); err != nil {
			return f, meent.Errorf(meent.EINVALID, "author must be an agent ID (64 lowercase hex digits)")
		}
	}
	if f.Before, err = queryInt(r, "before", 0); err != nil {
		return f, err
	}
	if f.After, err = queryInt(r, "after", 0); err != nil {
		return f, err
	}
	pq, err := queryPage(r, "events")
	if err != nil {
		return f, err
	}
	f.Limit = pq.Limit
	if n, ok, err := pq.index(); err != nil {
		return f, err
	} else if ok {
		f.Before = n
	}
	return f, nil
}

func eventOf(rec meent.Record) Event {
	data := json.RawMessage(rec.Data)
	if len(data) == 0 {
		data = json.RawMessage("{}")
	}
	return Event{
		Index:  rec.Index,
		Hash:   hex.EncodeToString(rec.Hash[:]),
		Type:   rec.Type,
		Author: rec.Author,
		Key:    rec.Key,
		Time:   Timestamp(rec.Time),
		Data:   data,
		Entry:  rec.Entry,
	}
}

// eventDetail is eventOf plus what a single-event view adds: the
// signature checked again now, from the stored bytes, and the leaf hash.
func eventDetail(rec meent.Record) Event {
	e := eventOf(rec)
	_, err := ledger.Decode(rec.Entry)
	valid := err == nil
	leaf := ledger.LeafHash(rec.Entry)
	e.SignatureValid, e.LeafHash = &valid, leaf[:]
	return e
}

func (s *Server) apiEventByHash(w nethttp.ResponseWriter, r *nethttp.Request) {
	h, err := ledger.ParseHash(r.PathValue("hash"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	rec, err := s.node.Store().RecordByHash(r.Context(), h)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, r, nethttp.StatusOK, eventDetail(rec))
}

func (s *Server) apiEventByIndex(w nethttp.ResponseWriter, r *nethttp.Request) {
	n, err := strconv.ParseInt(r.PathValue("n"), 10, 64)
	if err != nil || n < 0 {
		s.writeError(w, r, meent.Errorf(meent.EINVALID, "index must be a non-negative integer"))
		return
	}
	rec, err := s.node.Store().RecordByIndex(r.Context(), n)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, r, nethttp.StatusOK, eventDetail(rec))
}

func (s *Server) apiInclusion(w nethttp.ResponseWriter, r *nethttp.Request) {
	p, err := s.inclusion(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, r, nethttp.StatusOK, p)
}

// inclusion answers an inclusion proof request by index or by hash.
func (s *Server) inclusion(r *nethttp.Request) (InclusionProof, error) {
	q := r.URL.Query()
	ctx := r.Context()
	var rec meent.Record
	var err error
	switch {
	case q.Has("hash") && q.Has("index"):
		return InclusionProof{}, meent.Errorf(meent.EINVALID, "give index or hash, not both")
	case q.Has("hash"):
		h, err := ledger.ParseHash(q.Get("hash"))
		if err != nil {
			return InclusionProof{}, err
		}
		rec, err = s.node.Store().RecordByHash(ctx, h)
		if err != nil {
			return InclusionProof{}, err
		}
	case q.Has("index"):
		idx, err := queryInt(r, "index", 0)
		if err != nil {
			return InclusionProof{}, err
		}
		rec, err = s.node.Store().RecordByIndex(ctx, idx)
		if err != nil {
			return InclusionProof{}, err
		}
	default:
		return InclusionProof{}, meent.Errorf(meent.EINVALID, "index or hash is required")
	}
	size, err := queryInt(r, "size", 0)
	if err != nil {
		return InclusionProof{}, err
	}
	if size == 0 && q.Has("size") {
		return InclusionProof{}, meent.Errorf(meent.EINVALID, "size must be at least 1")
	}
	return s.proveInclusion(r, rec, size)
}

func (s *Server) proveInclusion(r *nethttp.Request, rec meent.Record, size int64) (InclusionProof, error) {
	proof, size, err := s.node.InclusionProof(r.Context(), rec.Index, size)
	if err != nil {
		return InclusionProof{}, err
	}
	root, err := s.node.TreeHash(r.Context(), size)
	if err != nil {
		return InclusionProof{}, err
	}
	leaf := ledger.LeafHash(rec.Entry)
	out := InclusionProof{Index: rec.Index, TreeSize: size, LeafHash: leaf[:], RootHash: root[:], Proof: make([][]byte, len(proof))}
	for i := range proof {
		out.Proof[i] = proof[i][:]
	}
	return out, nil
}

func (s *Server) apiConsistency(w nethttp.ResponseWriter, r *nethttp.Request) {
	q := r.URL.Query()
	if !q.Has("old") {
		s.writeError(w, r, meent.Errorf(meent.EINVALID, "old is required"))
		return
	}
	old, err := queryInt(r, "old", 0)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	size, err := queryInt(r, "new", 0)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if size == 0 && q.Has("new") {
		s.writeError(w, r, meent.Errorf(meent.EINVALID, "new must be at least 1"))
		return
	}
	ctx := r.Context()
	proof, size, err := s.node.ConsistencyProof(ctx, old, size)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	oldRoot, err := s.node.TreeHash(ctx, old)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	newRoot, err := s.node.TreeHash(ctx, size)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := ConsistencyProof{Old: old, New: size, OldRoot: oldRoot[:], NewRoot: newRoot[:], Proof: make([][]byte, len(proof))}
	for i := range proof {
		out.Proof[i] = proof[i][:]
	}
	writeJSON(w, r, nethttp.StatusOK, out)
}

// digestMaxAge is how long a computed state digest is served while the log
// grows. The digest reads every projection row, and the route needs no
// login: computed on every call, a stream of requests was a stream of
// full table scans (1.5 s and 54 MB each at 100,000 events).
const digestMaxAge = 10 * time.Second

// digestCache holds the last state digest computed. Its mutex is held
// while computing, so concurrent requests wait for one computation and
// share it instead of each scanning the tables.
type digestCache struct {
	mu       sync.Mutex
	out      *StateDigest
	at       time.Time
	computed int // how many times it was computed, for tests
}

func (s *Server) apiStateDigest(w nethttp.ResponseWriter, r *nethttp.Request) {
	out, err := s.stateDigest(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, r, nethttp.StatusOK, out)
}

// stateDigest returns the cached digest while it is younger than
// digestMaxAge, and computes a new one otherwise. A digest names the log
// size it reflects, so one computed a few seconds ago is still exact for
// that size: an auditor replays the log to it.
func (s *Server) stateDigest(r *nethttp.Request) (*StateDigest, error) {
	c := &s.digests
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.out != nil && s.now().Sub(c.at) < digestMaxAge {
		return c.out, nil
	}
	size, d, err := audit.ProjectionDigest(r.Context(), s.node.Store())
	if err != nil {
		return nil, err
	}
	out := &StateDigest{Size: size, Digest: hex.EncodeToString(d.Total[:]), Parts: make(map[string]StatePart, len(d.Parts))}
	for name, p := range d.Parts {
		out.Parts[name] = StatePart{Lines: p.Lines, SHA256: hex.EncodeToString(p.SHA256[:])}
	}
	c.out, c.at = out, s.now()
	c.computed++
	return out, nil
}

func (s *Server) apiAgents(w nethttp.ResponseWriter, r *nethttp.Request) {
	f, err := agentFilter(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	views, err := s.node.Store().Agents(r.Context(), f)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := AgentList{Agents: make([]Agent, 0, len(views))}
	for _, v := range views {
		out.Agents = append(out.Agents, agentOf(v, false))
	}
	if len(views) == f.Limit {
		next := views[len(views)-1].Created + 1
		out.NextAfter = &next
		out.Next = indexCursor("agents", next)
		setNext(w, r, out.Next)
	}
	writeJSON(w, r, nethttp.StatusOK, out)
}

func agentFilter(r *nethttp.Request) (meent.AgentFilter, error) {
	q := r.URL.Query()
	f := meent.AgentFilter{Kind: q.Get("kind")}
	switch q.Get("members") {
	case "", "0", "false":
	case "1", "true":
		f.MembersOnly = true
	default:
		return f, meent.Errorf(meent.EINVALID, "members must be 1 or 0")
	}
	var err error
	if f.After, err = queryInt(r, "after", 0); err != nil {
		return f, err
	}
	pq, err := queryPage(r, "agents")
	if err != nil {
		return f, err
	}
	f.Limit = pq.Limit
	if n, ok, err := pq.index(); err != nil {
		return f, err
	} else if ok {
		f.After = n
	}
	return f, nil
}

func agentOf(v meent.AgentView, keys bool) Agent {
	a := Agent{ID: v.ID, Kind: v.Kind, Name: v.Name, Created: v.Created, Role: v.Role}
	if keys {
		a.Keys = make([]Key, 0, len(v.Keys))
		for _, k := range v.Keys {
			key := Key{Key: k.Key, Added: k.Added}
			if k.Revoked >= 0 {
				rev := k.Revoked
				key.Revoked = &rev
			}
			a.Keys = append(a.Keys, key)
		}
	}
	return a
}

func (s *Server) apiAgent(w nethttp.ResponseWriter, r *nethttp.Request) {
	v, err := s.agent(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, r, nethttp.StatusOK, agentOf(v, true))
}

func (s *Server) agent(r *nethttp.Request) (meent.AgentView, error) {
	id := r.PathValue("id")
	if _, err := ledger.ParseHash(id); err != nil {
		return meent.AgentView{}, meent.Errorf(meent.EINVALID, "an agent ID is 64 lowercase hex digits")
	}
	return s.node.Store().Agent(r.Context(), id)
}

func (s *Server) apiSignUp(w nethttp.ResponseWriter, r *nethttp.Request) {
	if err := s.accountsEnabled(); err != nil {
		s.writeError(w, r, err)
		return
	}
	var req SignUpRequest
	if err := decodeJSON(w, r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	acct, err := s.accounts.SignUp(r.Context(), node.SignUp{Username: req.Username, Password: req.Password, Kind: req.Kind, Name: req.Name})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/agents/"+acct.Agent)
	writeJSON(w, r, nethttp.StatusCreated, SignUpResponse{Agent: acct.Agent, Username: acct.Username})
}

func (s *Server) apiLogin(w nethttp.ResponseWriter, r *nethttp.Request) {
	if err := s.accountsEnabled(); err != nil {
		s.writeError(w, r, err)
		return
	}
	var req LoginRequest
	if err := decodeJSON(w, r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	token, sess, err := s.login(w, r, req.Username, req.Password)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.setSessionCookie(w, token, sess.Expires)
	writeJSON(w, r, nethttp.StatusOK, LoginResponse{Agent: sess.Agent, CSRF: sess.CSRF, Expires: Timestamp(sess.Expires)})
}

func (s *Server) apiLogout(w nethttp.ResponseWriter, r *nethttp.Request) {
	c, err := s.authenticateUnsafe(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if c.session == nil {
		s.writeError(w, r, meent.Errorf(meent.EINVALID, "this request has no session to end; API tokens do not expire by logout"))
		return
	}
	if err := s.accounts.Logout(r.Context(), c.cookie); err != nil {
		s.writeError(w, r, err)
		return
	}
	s.clearSessionCookie(w)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(nethttp.StatusNoContent)
}

func (s *Server) apiAct(w nethttp.ResponseWriter, r *nethttp.Request) {
	c, err := s.authenticateUnsafe(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var req ActionRequest
	if err := decodeJSON(w, r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	if req.Type == "" {
		s.writeError(w, r, meent.Errorf(meent.EINVALID, "type is required"))
		return
	}
	if len(req.Data) == 0 || req.Data[0] != '{' {
		s.writeError(w, r, meent.Errorf(meent.EINVALID, "data must be a JSON object"))
		return
	}
	// The data goes into the event as the caller wrote it; the node's
	// strict decoder judges it like any other event's.
	rc, err := s.accounts.Act(r.Context(), c.agent, req.Type, jsontext.Value(req.Data))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeReceipt(w, r, rc)
}

//go:embed openapi.json
var openAPI []byte

func (s *Server) apiOpenAPI(w nethttp.ResponseWriter, r *nethttp.Request) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-cache")
	h.Set("Content-Length", strconv.Itoa(len(openAPI)))
	w.Write(openAPI)
}

// b64 is the encoding of Merkle hashes in the API and pages.
func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
