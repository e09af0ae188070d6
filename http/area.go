package http

import (
	"log/slog"
	nethttp "net/http"

	"github.com/meent/meent/node"
)

// This file is the core as the areas see it (api/..., web/...): an area's
// handlers are methods on a type that embeds *Server and reach the node,
// errors, auth, paging and JSON through these names, the way the core's
// own handlers reach the unexported ones. The rest of what areas use sits
// with what it belongs to: the paging helpers in page.go, the per-request
// object cache and what every area reads of the commons in objects.go, the
// name cache and activity lines in activity.go, Fail and SetErrorPage in
// server.go. Adding to any of it is adding to what every area may depend
// on; keep it small.

// Node returns the node the server serves.
func (s *Server) Node() *node.Node { return s.node }

// Accounts returns the web accounts, nil when the node has none.
func (s *Server) Accounts() *node.Accounts { return s.accounts }

// Options returns the options the server was built with.
func (s *Server) Options() Options { return s.opts }

// WriteError answers err as an RFC 9457 problem document and logs its
// cause (the API's and the log's way to fail).
func (s *Server) WriteError(w nethttp.ResponseWriter, r *nethttp.Request, err error) {
	s.writeError(w, r, err)
}

// WriteJSON writes v as the JSON answer with status.
func WriteJSON(w nethttp.ResponseWriter, r *nethttp.Request, status int, v any) {
	writeJSON(w, r, status, v)
}

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

// Logger is the server's logger.
func (s *Server) Logger() *slog.Logger { return s.log }

// DecodeJSON reads a JSON request body into v, strictly and bounded.
func DecodeJSON(w nethttp.ResponseWriter, r *nethttp.Request, v any) error {
	return decodeJSON(w, r, v)
}
