package http

import (
	"context"
	"log/slog"
	nethttp "net/http"
	"time"

	"github.com/meent/meent/node"
	"github.com/meent/meent/private"
	"github.com/meent/meent/value"
)

// This file is the core as the areas see it (api/..., web/...): an area's
// handlers are methods on a type that embeds *Server and reach the node,
// errors, auth, paging and JSON through these names, the way the core's
// own handlers reach the unexported ones. Adding to it is adding to what
// every area may depend on; keep it small.

// Node returns the node the server serves.
func (s *Server) Node() *node.Node { return s.node }

// Accounts returns the web accounts, nil when the node has none.
func (s *Server) Accounts() *node.Accounts { return s.accounts }

// Options returns the options the server was built with.
func (s *Server) Options() Options { return s.opts }

// Now is the server's wall clock (Options.Now, or time.Now).
func (s *Server) Now() time.Time { return s.now() }

// WriteError answers err as an RFC 9457 problem document and logs its
// cause (the API's and the log's way to fail).
func (s *Server) WriteError(w nethttp.ResponseWriter, r *nethttp.Request, err error) {
	s.writeError(w, r, err)
}

// Fail answers err as a problem document on machine paths and as an HTML
// error page elsewhere.
func (s *Server) Fail(w nethttp.ResponseWriter, r *nethttp.Request, err error) { s.fail(w, r, err) }

// WriteJSON writes v as the JSON answer with status.
func WriteJSON(w nethttp.ResponseWriter, r *nethttp.Request, status int, v any) {
	writeJSON(w, r, status, v)
}

// QueryInt reads an integer query parameter, def when absent.
func QueryInt(r *nethttp.Request, name string, def int64) (int64, error) {
	return queryInt(r, name, def)
}

// PageQuery is a list's ?limit= and ?cursor=; see QueryPage.
type PageQuery = pageQuery

// QueryPage reads the paging parameters of the list named list.
func QueryPage(r *nethttp.Request, list string) (PageQuery, error) { return queryPage(r, list) }

// PageSlice pages a list held in memory, ordered by keyOf.
func PageSlice[T any](items []T, q PageQuery, list string, keyOf func(T) string) ([]T, string, error) {
	return pageSlice(items, q, list, keyOf)
}

// SetNext announces the next page's cursor (Link header).
func SetNext(w nethttp.ResponseWriter, r *nethttp.Request, next string) { setNext(w, r, next) }

// NonNil returns s, or an empty slice for nil, so JSON says [] not null.
func NonNil[T any](s []T) []T { return nonNil(s) }

// BaseURL is the scheme and host the request reached the server by, for
// links that must be absolute (feeds, exports).
func (s *Server) BaseURL(r *nethttp.Request) string { return s.baseURL(r) }

// Authenticate returns the agent a request acts for, by its API token or
// session cookie (a cookie must carry the CSRF header on unsafe methods).
func (s *Server) Authenticate(r *nethttp.Request) (agentID string, err error) {
	c, err := s.authenticate(r)
	return c.agent, err
}

// AuthenticateUpload is Authenticate for requests whose body is not a
// form or JSON the CSRF check could read (uploads, signed requests).
func (s *Server) AuthenticateUpload(r *nethttp.Request) (agentID string, err error) {
	c, err := s.authenticateUpload(r)
	return c.agent, err
}

// WriteReceipt answers an accepted event with its receipt (201).
func (s *Server) WriteReceipt(w nethttp.ResponseWriter, r *nethttp.Request, rc node.Receipt) {
	s.writeReceipt(w, r, rc)
}

// PrivateStore returns the private records, or EUNAVAILABLE when the node
// keeps none.
func (s *Server) PrivateStore() (private.Store, error) { return s.privateStore() }

// Reader says what agentID may read of the private records of commonsID.
func (s *Server) Reader(agentID, commonsID string) private.Reader {
	return s.reader(agentID, commonsID)
}

// Settle signs and submits a settlement as agentID, naming privateRef.
func (s *Server) Settle(ctx context.Context, agentID string, d value.SettleData, privateRef string) (node.Receipt, error) {
	return s.settle(ctx, agentID, d, privateRef)
}

// Logger is the server's logger.
func (s *Server) Logger() *slog.Logger { return s.log }

// DecodeJSON reads a JSON request body into v, strictly and bounded.
func DecodeJSON(w nethttp.ResponseWriter, r *nethttp.Request, v any) error {
	return decodeJSON(w, r, v)
}
