package http

import (
	nethttp "net/http"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/meent/meent"
)

// DefaultMaxBody bounds the request body of every route but the blob
// uploads (which Options.MaxBlobSize bounds). Every JSON document, form
// and event the API takes is far smaller; the handlers keep their own,
// tighter limits (an event: 65535 bytes, a form: 64 KiB).
const DefaultMaxBody = 1 << 20

// bodyLimit returns the most bytes a request to pattern may send.
func (s *Server) bodyLimit(pattern string) int64 {
	switch pattern {
	case "PUT /api/v1/blobs/{hash}", "POST /api/v1/blobs":
		return s.maxBlobSize()
	}
	return DefaultMaxBody
}

// guard runs before every handler: it bounds the body before anything
// reads it, and refuses a request whose path or query holds bytes no
// parameter may hold. A body that declares more than the limit is refused
// at once, unread; one that does not declare its length (chunked) is cut
// at the limit by MaxBytesReader, which also makes the server close the
// connection rather than drain the rest.
func (s *Server) guard(w nethttp.ResponseWriter, r *nethttp.Request, pattern string) bool {
	limit := s.bodyLimit(pattern)
	if r.ContentLength > limit {
		// Close the connection: reading the rest to keep it alive would
		// be the very cost this refusal saves.
		w.Header().Set("Connection", "close")
		s.Fail(w, r, meent.Errorf(meent.ETOOLARGE, "request body is %d bytes; the limit here is %d", r.ContentLength, limit))
		return false
	}
	if r.Body != nil && r.Body != nethttp.NoBody {
		r.Body = nethttp.MaxBytesReader(w, r.Body, limit)
	}
	if err := checkRequestText(r); err != nil {
		s.Fail(w, r, err)
		return false
	}
	return true
}

// checkRequestText refuses a path or query parameter that is not valid
// UTF-8 or holds a control character (NUL above all). No identifier,
// filter or cursor of the API may hold one, and letting them through made
// the two databases disagree: SQLite compared the bytes and found nothing
// (200), PostgreSQL refused to take them (500). Checking at the edge gives
// both the same answer, 400, before any query runs.
func checkRequestText(r *nethttp.Request) error {
	if badText(r.URL.Path) {
		return meent.Errorf(meent.EINVALID, "the path holds invalid UTF-8 or a control character")
	}
	if r.URL.RawQuery == "" {
		return nil
	}
	for k, vs := range r.URL.Query() {
		if badText(k) {
			return meent.Errorf(meent.EINVALID, "a query parameter name holds invalid UTF-8 or a control character")
		}
		for _, v := range vs {
			if badText(v) {
				return meent.Errorf(meent.EINVALID, "query parameter %q holds invalid UTF-8 or a control character", k)
			}
		}
	}
	return nil
}

func badText(s string) bool {
	return !utf8.ValidString(s) || strings.ContainsFunc(s, unicode.IsControl)
}
