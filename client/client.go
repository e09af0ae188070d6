package client

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	nethttp "net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/meent/meent"
	"github.com/meent/meent/api"
	"github.com/meent/meent/audit"
	"github.com/meent/meent/ledger"
	"github.com/meent/meent/node"
	"github.com/meent/meent/state"
)

// Client talks to a meent node over HTTP. Its errors are *meent.Error: a
// problem document from the server comes back with its code and message,
// and a node that cannot be reached is EUNAVAILABLE. It implements
// audit.Source, so `meent verify` audits a remote node with the same code
// that audits a data directory, trusting only the checkpoint key.
type Client struct {
	base string
	hc   *nethttp.Client
}

var _ audit.Source = (*Client)(nil)

// maxResponse bounds what the client reads: a full entry bundle is at
// most 256 entries of 64 KiB, with length prefixes.
const maxResponse = 256*(ledger.MaxEntrySize+2) + 1<<20

// New returns a client for the node at baseURL (such as
// "https://meent.example"). A nil httpClient gets one with a 60-second
// timeout.
func New(baseURL string, httpClient *nethttp.Client) *Client {
	if httpClient == nil {
		httpClient = &nethttp.Client{Timeout: 60 * time.Second}
	}
	return &Client{base: strings.TrimRight(baseURL, "/"), hc: httpClient}
}

// request describes one call.
type request struct {
	method  string
	path    string // with query
	body    []byte
	ctype   string
	header  nethttp.Header
	wantCT  string // the media type a successful answer must have ("" for any)
	success int    // expected status; 0 means 200
}

// do sends req and returns the body of a successful answer, or the error
// the server described.
func (c *Client) do(ctx context.Context, req request) ([]byte, error) {
	data, _, err := c.roundTrip(ctx, req)
	return data, err
}

// roundTrip is do that also returns the response (its body consumed).
func (c *Client) roundTrip(ctx context.Context, req request) ([]byte, *nethttp.Response, error) {
	var body io.Reader
	if req.body != nil {
		body = bytes.NewReader(req.body)
	}
	hr, err := nethttp.NewRequestWithContext(ctx, req.method, c.base+req.path, body)
	if err != nil {
		return nil, nil, fmt.Errorf("build request: %w", err)
	}
	for k, v := range req.header {
		hr.Header[k] = v
	}
	if req.ctype != "" {
		hr.Header.Set("Content-Type", req.ctype)
	}
	resp, err := c.hc.Do(hr)
	if err != nil {
		if ctx.Err() != nil {
			return nil, nil, ctx.Err()
		}
		return nil, nil, &meent.Error{Code: meent.EUNAVAILABLE, Message: "cannot reach the node at " + c.base, Err: err}
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse+1))
	if err != nil {
		return nil, nil, &meent.Error{Code: meent.EUNAVAILABLE, Message: "the node's answer was cut off", Err: err}
	}
	if len(data) > maxResponse {
		return nil, nil, meent.Errorf(meent.ETOOLARGE, "the node's answer to %s is larger than %d bytes", req.path, maxResponse)
	}
	success := req.success
	if success == 0 {
		success = nethttp.StatusOK
	}
	if resp.StatusCode != success {
		return nil, nil, responseError(resp, data)
	}
	if req.wantCT != "" {
		mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
		if mt != req.wantCT {
			return nil, nil, meent.Errorf(meent.EINTERNAL, "the node answered %s with %q, not %s", req.path, mt, req.wantCT)
		}
	}
	return data, resp, nil
}

// ResponseError returns the error a node's answer other than the expected
// success describes: a *ProblemError for a problem document, otherwise a
// *meent.Error with a code guessed from the status. data is the body.
func ResponseError(resp *nethttp.Response, data []byte) error {
	return responseError(resp, data)
}

func responseError(resp *nethttp.Response, data []byte) error {
	mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if mt == "application/problem+json" {
		var p api.Problem
		if json.Unmarshal(data, &p) == nil {
			return &ProblemError{Problem: p, err: api.ErrorFromProblem(p, resp.StatusCode)}
		}
	}
	return &meent.Error{Code: api.CodeForStatus(resp.StatusCode), Message: fmt.Sprintf("the node answered %s", resp.Status)}
}

// ProblemError is a node's refusal as it sent it: the problem document.
// It unwraps to the *meent.Error with the document's code and detail, so
// callers switch on meent.ErrorCode as for any error; Describe is how a
// person reads it.
type ProblemError struct {
	Problem api.Problem
	err     *meent.Error
}

func (e *ProblemError) Error() string { return e.err.Error() }
func (e *ProblemError) Unwrap() error { return e.err }

// Describe returns the problem as one line: its title, its detail and
// its code ("Rule violation: only a maintainer reviews (rule_violation)").
func (e *ProblemError) Describe() string {
	title, detail := strings.TrimSpace(e.Problem.Title), e.err.Message
	switch {
	case title == "" || strings.EqualFold(title, detail):
		return fmt.Sprintf("%s (%s)", detail, e.err.Code)
	case detail == "":
		return fmt.Sprintf("%s (%s)", title, e.err.Code)
	}
	return fmt.Sprintf("%s: %s (%s)", title, detail, e.err.Code)
}

func (c *Client) getJSON(ctx context.Context, path string, out any) error {
	return c.sendJSON(ctx, request{method: nethttp.MethodGet, path: path}, out)
}

// sendJSON does req and decodes a JSON answer into out (unless out is nil).
func (c *Client) sendJSON(ctx context.Context, req request, out any) error {
	req.wantCT = "application/json"
	data, err := c.do(ctx, req)
	if err != nil {
		return err
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return &meent.Error{Code: meent.EINTERNAL, Message: "cannot read the node's answer to " + req.path, Err: err}
	}
	return nil
}

func jsonRequest(method, path string, in any, success int) (request, error) {
	body, err := json.Marshal(in)
	if err != nil {
		return request{}, meent.Errorf(meent.EINVALID, "cannot encode request: %v", err)
	}
	return request{method: method, path: path, body: body, ctype: "application/json", success: success}, nil
}

// Node returns the node's description and the state of its log.
func (c *Client) Node(ctx context.Context) (api.NodeInfo, error) {
	var info api.NodeInfo
	err := c.getJSON(ctx, "/api/v1/node", &info)
	return info, err
}

// Submit posts the exact bytes of a signed entry. On refusal the error is
// a *meent.Error with the node's code (malformed_event, bad_signature,
// duplicate_event, rule_violation, ...).
func (c *Client) Submit(ctx context.Context, entry []byte) (node.Receipt, error) {
	var rc api.Receipt
	err := c.sendJSON(ctx, request{
		method: nethttp.MethodPost, path: "/api/v1/events", body: entry,
		ctype: "application/vnd.meent.event", success: nethttp.StatusCreated,
	}, &rc)
	if err != nil {
		return node.Receipt{}, err
	}
	return receiptOf(rc)
}

func receiptOf(rc api.Receipt) (node.Receipt, error) {
	h, err := ledger.ParseHash(rc.Hash)
	if err != nil {
		return node.Receipt{}, meent.Errorf(meent.EINTERNAL, "the node's receipt has a bad hash %q", rc.Hash)
	}
	return node.Receipt{Index: rc.Index, Hash: h, TreeSize: rc.TreeSize}, nil
}

// Event returns the event with the given hash.
func (c *Client) Event(ctx context.Context, hash ledger.Hash) (api.Event, error) {
	var e api.Event
	err := c.getJSON(ctx, "/api/v1/events/"+hash.String(), &e)
	return e, err
}

// EventAt returns the event at a log index.
func (c *Client) EventAt(ctx context.Context, index int64) (api.Event, error) {
	var e api.Event
	err := c.getJSON(ctx, "/api/v1/events/index/"+strconv.FormatInt(index, 10), &e)
	return e, err
}

// Inclusion returns the proof that the event at index is in the tree of
// size (0 for the latest checkpoint). Check it with tlog.CheckRecord
// against a root from a checkpoint you verified.
func (c *Client) Inclusion(ctx context.Context, index, size int64) (api.InclusionProof, error) {
	q := url.Values{"index": {strconv.FormatInt(index, 10)}}
	if size > 0 {
		q.Set("size", strconv.FormatInt(size, 10))
	}
	var p api.InclusionProof
	err := c.getJSON(ctx, "/api/v1/proofs/inclusion?"+q.Encode(), &p)
	return p, err
}

// Consistency returns the proof that the tree of size old is a prefix of
// the tree of size new (0 for the latest checkpoint).
func (c *Client) Consistency(ctx context.Context, old, new int64) (api.ConsistencyProof, error) {
	q := url.Values{"old": {strconv.FormatInt(old, 10)}}
	if new > 0 {
		q.Set("new", strconv.FormatInt(new, 10))
	}
	var p api.ConsistencyProof
	err := c.getJSON(ctx, "/api/v1/proofs/consistency?"+q.Encode(), &p)
	return p, err
}

// Checkpoint returns the latest signed checkpoint note. It is not
// verified here; audit.Verify and ledger.OpenCheckpoint do that.
func (c *Client) Checkpoint(ctx context.Context) ([]byte, error) {
	return c.do(ctx, request{method: nethttp.MethodGet, path: "/log/checkpoint"})
}

// Entries returns entries [start, start+n) from one entry bundle: start
// must be a multiple of 256 and n between 1 and 256. It fetches the full
// bundle when n is 256, the partial bundle of width n otherwise.
func (c *Client) Entries(ctx context.Context, start int64, n int) ([][]byte, error) {
	const width = 1 << ledger.TileHeight
	if start < 0 || start%width != 0 || n < 1 || n > width {
		return nil, meent.Errorf(meent.EINVALID, "entries: start %d must be a multiple of %d and n %d between 1 and %d", start, width, n, width)
	}
	t := tlog.Tile{H: ledger.TileHeight, L: ledger.EntriesLevel, N: start / width, W: n}
	data, err := c.do(ctx, request{method: nethttp.MethodGet, path: "/log/" + ledger.TilePath(t)})
	if err != nil {
		return nil, err
	}
	es, err := ledger.ParseBundle(data)
	if err != nil {
		return nil, err
	}
	if len(es) != n {
		return nil, meent.Errorf(meent.EINVALID, "entry bundle %s holds %d entries, not %d", ledger.TilePath(t), len(es), n)
	}
	return es, nil
}

// HashTile returns the data of hash tile t (level 0 and up).
func (c *Client) HashTile(ctx context.Context, t tlog.Tile) ([]byte, error) {
	if t.L < 0 || t.H != ledger.TileHeight {
		return nil, meent.Errorf(meent.EINVALID, "not a hash tile of height %d", ledger.TileHeight)
	}
	data, err := c.do(ctx, request{method: nethttp.MethodGet, path: "/log/" + ledger.TilePath(t)})
	if err != nil {
		return nil, err
	}
	if len(data) != t.W*tlog.HashSize {
		return nil, meent.Errorf(meent.EINVALID, "tile %s is %d bytes, not %d", ledger.TilePath(t), len(data), t.W*tlog.HashSize)
	}
	return data, nil
}

// StateDigest returns the digest of the node's projections, with its parts
// when the node serves them, and the log size they reflect.
func (c *Client) StateDigest(ctx context.Context) (int64, state.Digest, error) {
	var sd api.StateDigest
	var d state.Digest
	if err := c.getJSON(ctx, "/api/v1/state/digest", &sd); err != nil {
		return 0, d, err
	}
	if err := hex32(&d.Total, sd.Digest); err != nil {
		return 0, d, meent.Errorf(meent.EINTERNAL, "the node's state digest %q is not 64 hex digits", sd.Digest)
	}
	d.Parts = make(map[string]state.Part, len(sd.Parts))
	for name, p := range sd.Parts {
		part := state.Part{Lines: p.Lines}
		if err := hex32(&part.SHA256, p.SHA256); err != nil {
			return 0, d, meent.Errorf(meent.EINTERNAL, "the node's digest of part %q, %q, is not 64 hex digits", name, p.SHA256)
		}
		d.Parts[name] = part
	}
	return sd.Size, d, nil
}

func hex32(dst *[32]byte, s string) error {
	raw, err := hex.DecodeString(s)
	if err != nil || len(raw) != len(dst) {
		return fmt.Errorf("not 64 hex digits")
	}
	copy(dst[:], raw)
	return nil
}

// SignUp creates an account and its agent.
func (c *Client) SignUp(ctx context.Context, in api.SignUpRequest) (api.SignUpResponse, error) {
	var out api.SignUpResponse
	req, err := jsonRequest(nethttp.MethodPost, "/api/v1/accounts", in, nethttp.StatusCreated)
	if err != nil {
		return out, err
	}
	err = c.sendJSON(ctx, req, &out)
	return out, err
}

// Session is a login, as the CLI holds it to create an API token.
type Session struct {
	Agent   string
	CSRF    string
	Cookie  string // the session cookie's value
	Expires api.Timestamp
}

func (s Session) header() nethttp.Header {
	return nethttp.Header{
		"Cookie":       {(&nethttp.Cookie{Name: api.SessionCookie, Value: s.Cookie}).String()},
		api.CSRFHeader: {s.CSRF},
	}
}

// Login opens a session with a username and password.
func (c *Client) Login(ctx context.Context, username, password string) (Session, error) {
	req, err := jsonRequest(nethttp.MethodPost, "/api/v1/sessions", api.LoginRequest{Username: username, Password: password}, nethttp.StatusOK)
	if err != nil {
		return Session{}, err
	}
	req.wantCT = "application/json"
	// The session travels in a cookie; read it from this one response
	// rather than relying on the caller's cookie jar.
	data, resp, err := c.roundTrip(ctx, req)
	if err != nil {
		return Session{}, err
	}
	var lr api.LoginResponse
	if err := json.Unmarshal(data, &lr); err != nil {
		return Session{}, &meent.Error{Code: meent.EINTERNAL, Message: "cannot read the node's answer to a login", Err: err}
	}
	s := Session{Agent: lr.Agent, CSRF: lr.CSRF, Expires: lr.Expires}
	for _, ck := range resp.Cookies() {
		if ck.Name == api.SessionCookie {
			s.Cookie = ck.Value
		}
	}
	if s.Cookie == "" {
		return Session{}, meent.Errorf(meent.EINTERNAL, "the node set no session cookie")
	}
	return s, nil
}

// Logout ends a session.
func (c *Client) Logout(ctx context.Context, s Session) error {
	_, err := c.do(ctx, request{method: nethttp.MethodDelete, path: "/api/v1/sessions", header: s.header(), success: nethttp.StatusNoContent})
	return err
}

// CreateToken issues an API token for the session's agent. The token is
// shown only this once.
func (c *Client) CreateToken(ctx context.Context, s Session, name string) (string, error) {
	req, err := jsonRequest(nethttp.MethodPost, "/api/v1/tokens", api.TokenRequest{Name: name}, nethttp.StatusCreated)
	if err != nil {
		return "", err
	}
	req.header = s.header()
	var out api.TokenResponse
	err = c.sendJSON(ctx, req, &out)
	return out.Token, err
}

// Act asks the node to sign an event of type typ with data (marshalled as
// JSON) with the key it holds for the token's agent, and to submit it.
func (c *Client) Act(ctx context.Context, token, typ string, data any) (node.Receipt, error) {
	raw, err := json.Marshal(data)
	if err != nil {
		return node.Receipt{}, meent.Errorf(meent.EINVALID, "cannot encode data: %v", err)
	}
	req, err := jsonRequest(nethttp.MethodPost, "/api/v1/actions", api.ActionRequest{Type: typ, Data: raw}, nethttp.StatusCreated)
	if err != nil {
		return node.Receipt{}, err
	}
	req.header = nethttp.Header{"Authorization": {"Bearer " + token}}
	var rc api.Receipt
	if err := c.sendJSON(ctx, req, &rc); err != nil {
		return node.Receipt{}, err
	}
	return receiptOf(rc)
}
