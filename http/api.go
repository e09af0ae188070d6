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
	"github.com/meent/meent/api"
	"github.com/meent/meent/audit"
	"github.com/meent/meent/ledger"
	"github.com/meent/meent/node"
)

// The wire types are in package api.

// maxJSONBody bounds a JSON request body; an action carries event data,
// so it must fit an entry and then some.
const maxJSONBody = 2 * ledger.MaxEntrySize

// Listing limits.
const (
	defaultLimit = 100
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

// QueryInt reads an optional non-negative integer query parameter.
func QueryInt(r *nethttp.Request, name string, def int64) (int64, error) {
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

// QueryLimit reads ?limit= (1 to api.MaxLimit, the default when absent).
func QueryLimit(r *nethttp.Request) (int, error) {
	n, err := QueryInt(r, "limit", defaultLimit)
	if err != nil {
		return 0, err
	}
	if n < 1 || n > api.MaxLimit {
		return 0, meent.Errorf(meent.EINVALID, "limit must be between 1 and %d", api.MaxLimit)
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

func (s *Server) nodeInfo(r *nethttp.Request) (api.NodeInfo, error) {
	info := api.NodeInfo{
		LogOrigin:   s.opts.Origin,
		VerifierKey: s.opts.VerifierKey,
		RootHash:    emptyRoot[:],
		Version:     s.opts.Version,
	}
	cp, err := s.node.Checkpoint(r.Context())
	switch {
	case err == nil:
		t := api.Timestamp(cp.Time)
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
	writeJSON(w, r, nethttp.StatusCreated, api.Receipt{Index: rc.Index, Hash: rc.Hash.String(), TreeSize: rc.TreeSize})
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
	out := api.EventList{Events: make([]api.Event, 0, len(recs))}
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
	// commons= and touches= read the event index (meent.EventFilter): one
	// range of it per page, so these lists cost the same at any log size.
	f.Commons, f.Touches = q.Get("commons"), q.Get("touches")
	if f.Commons != "" {
		if _, err := ledger.ParseHash(f.Commons); err != nil {
			return f, meent.Errorf(meent.EINVALID, "commons must be a commons ID (64 lowercase hex digits)")
		}
	}
	if f.Touches != "" {
		if _, err := ledger.ParseHash(f.Touches); err != nil {
			return f, meent.Errorf(meent.EINVALID, "touches must be an agent ID (64 lowercase hex digits)")
		}
	}
	if f.Before, err = QueryInt(r, "before", 0); err != nil {
		return f, err
	}
	if f.After, err = QueryInt(r, "after", 0); err != nil {
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

// eventOf is the API's view of a record of the log.
func eventOf(rec meent.Record) api.Event {
	data := json.RawMessage(rec.Data)
	if len(data) == 0 {
		data = json.RawMessage("{}")
	}
	return api.Event{
		Index:  rec.Index,
		Hash:   hex.EncodeToString(rec.Hash[:]),
		Type:   rec.Type,
		Author: rec.Author,
		Key:    rec.Key,
		Time:   api.Timestamp(rec.Time),
		Data:   data,
		Entry:  rec.Entry,
	}
}

// EventDetail is eventOf plus what a single-event view adds: the
// signature checked again now, from the stored bytes, and the leaf hash.
func EventDetail(rec meent.Record) api.Event {
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
	writeJSON(w, r, nethttp.StatusOK, EventDetail(rec))
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
	writeJSON(w, r, nethttp.StatusOK, EventDetail(rec))
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
func (s *Server) inclusion(r *nethttp.Request) (api.InclusionProof, error) {
	q := r.URL.Query()
	ctx := r.Context()
	var rec meent.Record
	var err error
	switch {
	case q.Has("hash") && q.Has("index"):
		return api.InclusionProof{}, meent.Errorf(meent.EINVALID, "give index or hash, not both")
	case q.Has("hash"):
		h, err := ledger.ParseHash(q.Get("hash"))
		if err != nil {
			return api.InclusionProof{}, err
		}
		rec, err = s.node.Store().RecordByHash(ctx, h)
		if err != nil {
			return api.InclusionProof{}, err
		}
	case q.Has("index"):
		idx, err := QueryInt(r, "index", 0)
		if err != nil {
			return api.InclusionProof{}, err
		}
		rec, err = s.node.Store().RecordByIndex(ctx, idx)
		if err != nil {
			return api.InclusionProof{}, err
		}
	default:
		return api.InclusionProof{}, meent.Errorf(meent.EINVALID, "index or hash is required")
	}
	size, err := QueryInt(r, "size", 0)
	if err != nil {
		return api.InclusionProof{}, err
	}
	if size == 0 && q.Has("size") {
		return api.InclusionProof{}, meent.Errorf(meent.EINVALID, "size must be at least 1")
	}
	return s.ProveInclusion(r, rec, size)
}

// ProveInclusion proves rec is in the tree of size (0: the latest checkpoint's).
func (s *Server) ProveInclusion(r *nethttp.Request, rec meent.Record, size int64) (api.InclusionProof, error) {
	proof, size, err := s.node.InclusionProof(r.Context(), rec.Index, size)
	if err != nil {
		return api.InclusionProof{}, err
	}
	root, err := s.node.TreeHash(r.Context(), size)
	if err != nil {
		return api.InclusionProof{}, err
	}
	leaf := ledger.LeafHash(rec.Entry)
	out := api.InclusionProof{Index: rec.Index, TreeSize: size, LeafHash: leaf[:], RootHash: root[:], Proof: make([][]byte, len(proof))}
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
	old, err := QueryInt(r, "old", 0)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	size, err := QueryInt(r, "new", 0)
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
	out := api.ConsistencyProof{Old: old, New: size, OldRoot: oldRoot[:], NewRoot: newRoot[:], Proof: make([][]byte, len(proof))}
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
	out      *api.StateDigest
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
func (s *Server) stateDigest(r *nethttp.Request) (*api.StateDigest, error) {
	c := &s.digests
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.out != nil && s.Now().Sub(c.at) < digestMaxAge {
		return c.out, nil
	}
	size, d, err := audit.ProjectionDigest(r.Context(), s.node.Store())
	if err != nil {
		return nil, err
	}
	out := &api.StateDigest{Size: size, Digest: hex.EncodeToString(d.Total[:]), Parts: make(map[string]api.StatePart, len(d.Parts))}
	for name, p := range d.Parts {
		out.Parts[name] = api.StatePart{Lines: p.Lines, SHA256: hex.EncodeToString(p.SHA256[:])}
	}
	c.out, c.at = out, s.Now()
	c.computed++
	return out, nil
}

func (s *Server) apiAgents(w nethttp.ResponseWriter, r *nethttp.Request) {
	f, err := AgentFilter(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	views, err := s.node.Store().Agents(r.Context(), f)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := api.AgentList{Agents: make([]api.Agent, 0, len(views))}
	for _, v := range views {
		out.Agents = append(out.Agents, AgentOf(v, false))
	}
	if len(views) == f.Limit {
		next := views[len(views)-1].Created + 1
		out.NextAfter = &next
		out.Next = indexCursor("agents", next)
		setNext(w, r, out.Next)
	}
	writeJSON(w, r, nethttp.StatusOK, out)
}

// AgentFilter reads the agents list's query: ?members=, ?after=, ?limit=.
func AgentFilter(r *nethttp.Request) (meent.AgentFilter, error) {
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
	if f.After, err = QueryInt(r, "after", 0); err != nil {
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

// AgentOf is the API's view of an agent, with its keys when keys is set.
func AgentOf(v meent.AgentView, keys bool) api.Agent {
	a := api.Agent{ID: v.ID, Kind: v.Kind, Name: v.Name, Created: v.Created, Role: v.Role}
	if keys {
		a.Keys = make([]api.Key, 0, len(v.Keys))
		for _, k := range v.Keys {
			key := api.Key{Key: k.Key, Added: k.Added}
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
	v, err := s.Agent(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, r, nethttp.StatusOK, AgentOf(v, true))
}

// Agent reads the agent a request's {id} names.
func (s *Server) Agent(r *nethttp.Request) (meent.AgentView, error) {
	id := r.PathValue("id")
	if _, err := ledger.ParseHash(id); err != nil {
		return meent.AgentView{}, meent.Errorf(meent.EINVALID, "an agent ID is 64 lowercase hex digits")
	}
	return s.node.Store().Agent(r.Context(), id)
}

func (s *Server) apiSignUp(w nethttp.ResponseWriter, r *nethttp.Request) {
	if err := s.AccountsEnabled(); err != nil {
		s.writeError(w, r, err)
		return
	}
	var req api.SignUpRequest
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
	writeJSON(w, r, nethttp.StatusCreated, api.SignUpResponse{Agent: acct.Agent, Username: acct.Username})
}

func (s *Server) apiLogin(w nethttp.ResponseWriter, r *nethttp.Request) {
	if err := s.AccountsEnabled(); err != nil {
		s.writeError(w, r, err)
		return
	}
	var req api.LoginRequest
	if err := decodeJSON(w, r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	token, sess, err := s.Login(w, r, req.Username, req.Password)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.SetSessionCookie(w, token, sess.Expires)
	writeJSON(w, r, nethttp.StatusOK, api.LoginResponse{Agent: sess.Agent, CSRF: sess.CSRF, Expires: api.Timestamp(sess.Expires)})
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
	s.ClearSessionCookie(w)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(nethttp.StatusNoContent)
}

func (s *Server) apiAct(w nethttp.ResponseWriter, r *nethttp.Request) {
	c, err := s.authenticateUnsafe(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var req api.ActionRequest
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

// b64 is the encoding of Merkle hashes in the API and pages.
func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
