package http

import (
	"context"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"net"
	nethttp "net/http"
	"syscall"

	"github.com/meent/meent"
)

// statusOf maps every error code to its HTTP status. It is the only place
// where codes meet statuses; docs/api.md and openapi.json list the same
// table, and a test keeps the three in step.
//
// bad_signature is 400, not 422: verifying the signature is part of
// decoding an entry (ledger.Decode), and an entry whose signature fails is
// not an event at all. 422 is kept for rule_violation, so the status alone
// tells a client "fix your bytes" (400) from "the rules refuse this" (422).
var statusOf = map[string]int{
	meent.EINVALID:      nethttp.StatusBadRequest,
	meent.EMALFORMED:    nethttp.StatusBadRequest,
	meent.EVERSION:      nethttp.StatusBadRequest,
	meent.ESIGNATURE:    nethttp.StatusBadRequest,
	meent.ETOOLARGE:     nethttp.StatusRequestEntityTooLarge,
	meent.EDUPLICATE:    nethttp.StatusConflict,
	meent.ERULE:         nethttp.StatusUnprocessableEntity,
	meent.ENOTFOUND:     nethttp.StatusNotFound,
	meent.ECONFLICT:     nethttp.StatusConflict,
	meent.EUNAUTHORIZED: nethttp.StatusUnauthorized,
	meent.EFORBIDDEN:    nethttp.StatusForbidden,
	meent.EUNAVAILABLE:  nethttp.StatusServiceUnavailable,
	meent.ETOOMANY:      nethttp.StatusTooManyRequests,
	meent.EINTERNAL:     nethttp.StatusInternalServerError,
}

// titles are the short, fixed summaries of each code (RFC 9457 "title").
var titles = map[string]string{
	meent.EINVALID:      "Invalid request",
	meent.EMALFORMED:    "Malformed event",
	meent.EVERSION:      "Unsupported event version",
	meent.ESIGNATURE:    "Bad signature",
	meent.ETOOLARGE:     "Too large",
	meent.EDUPLICATE:    "Duplicate event",
	meent.ERULE:         "Rule violation",
	meent.ENOTFOUND:     "Not found",
	meent.ECONFLICT:     "Conflict",
	meent.EUNAUTHORIZED: "Unauthorized",
	meent.EFORBIDDEN:    "Forbidden",
	meent.EUNAVAILABLE:  "Unavailable",
	meent.ETOOMANY:      "Too many requests",
	meent.EINTERNAL:     "Internal error",
}

// ProblemTypePrefix prefixes an error code to form the RFC 9457 problem
// type URI, e.g. "urn:meent:problem:not_found".
const ProblemTypePrefix = "urn:meent:problem:"

// Problem is an RFC 9457 problem document, as every /api/v1 error is
// served (Content-Type application/problem+json). Code repeats the last
// part of Type so clients can switch on it without parsing a URI.
type Problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail"`
	Code   string `json:"code"`
}

// codeOf returns the error code of err. A request abandoned by its client
// or cut by a deadline is reported as unavailable, not as an internal
// fault.
func codeOf(err error) string {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		var e *meent.Error
		if !errors.As(err, &e) {
			return meent.EUNAVAILABLE
		}
	}
	code := meent.ErrorCode(err)
	if code == meent.EINTERNAL {
		code = driverCode(err)
	}
	if _, ok := statusOf[code]; !ok {
		return meent.EINTERNAL
	}
	return code
}

// driverCode is the backstop for errors that reach the edge without a
// meent code: it reads the database driver's error code, never its
// message. SQLSTATE is the SQL standard's (PostgreSQL's pgconn.PgError
// has the SQLState method), so the http package needs no driver import:
//   - class 22, data exception (22021: a byte sequence that is not valid
//     UTF-8; 22P05: NUL, which PostgreSQL text cannot hold), is the
//     client's input: invalid (400);
//   - class 08 (connection exception), 53 (insufficient resources), 57
//     (operator intervention: the server is shutting down or restarting)
//     and a network error talking to the database (connection refused,
//     reset) mean the database is unavailable: unavailable (503).
//
// Anything else stays internal (500).
func driverCode(err error) string {
	var st interface{ SQLState() string }
	if errors.As(err, &st) {
		if s := st.SQLState(); len(s) == 5 {
			switch s[:2] {
			case "22":
				return meent.EINVALID
			case "08", "53", "57":
				return meent.EUNAVAILABLE
			}
		}
	}
	var ne net.Error
	if errors.As(err, &ne) || errors.Is(err, driver.ErrBadConn) || errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) {
		return meent.EUNAVAILABLE
	}
	return meent.EINTERNAL
}

// problemOf builds the problem document for err. Detail is the user-safe
// message; the cause is never shown.
func problemOf(err error) Problem {
	code := codeOf(err)
	detail := meent.ErrorMessage(err)
	if meent.ErrorCode(err) == meent.EINTERNAL {
		switch {
		case code == meent.EUNAVAILABLE && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)):
			detail = "the request was cancelled or timed out; retry"
		case code == meent.EUNAVAILABLE:
			detail = "the node cannot reach its database; retry later"
		case code == meent.EINVALID:
			detail = "a parameter holds bytes the database cannot store (NUL, control characters or invalid UTF-8)"
		}
	}
	if code == meent.EINTERNAL {
		detail = "internal error"
	}
	return Problem{
		Type:   ProblemTypePrefix + code,
		Title:  titles[code],
		Status: statusOf[code],
		Detail: detail,
		Code:   code,
	}
}

// logError logs the cause of err when there is one worth an operator's
// attention: every internal or unavailable error, and any error that
// carries a cause. Refusals of bad input are the client's business and
// are only counted (node metrics), not logged.
func (s *Server) logError(r *nethttp.Request, err error) {
	code := codeOf(err)
	var e *meent.Error
	hasCause := errors.As(err, &e) && e.Err != nil
	switch {
	case code == meent.EINTERNAL:
		s.log.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "code", code, "err", err)
	case code == meent.EUNAVAILABLE || hasCause:
		s.log.WarnContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "code", code, "err", err)
	}
}

// writeError logs err as needed and writes it as problem+json.
func (s *Server) writeError(w nethttp.ResponseWriter, r *nethttp.Request, err error) {
	s.logError(r, err)
	writeProblem(w, problemOf(err))
}

func writeProblem(w nethttp.ResponseWriter, p Problem) {
	h := w.Header()
	h.Set("Content-Type", "application/problem+json")
	h.Set("Cache-Control", "no-store")
	h.Del("Content-Length")
	w.WriteHeader(p.Status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(p)
}

// errorFromProblem turns a problem document received by the Client back
// into the *meent.Error the server started from.
func errorFromProblem(p Problem, status int) *meent.Error {
	code := p.Code
	if _, ok := statusOf[code]; !ok {
		code = codeForStatus(status)
	}
	msg := p.Detail
	if msg == "" {
		msg = p.Title
	}
	if msg == "" {
		msg = nethttp.StatusText(status)
	}
	return &meent.Error{Code: code, Message: msg}
}

// codeForStatus guesses a code for a response that is not a problem
// document (a proxy's error page, say).
func codeForStatus(status int) string {
	switch {
	case status == nethttp.StatusNotFound:
		return meent.ENOTFOUND
	case status == nethttp.StatusUnauthorized:
		return meent.EUNAUTHORIZED
	case status == nethttp.StatusForbidden:
		return meent.EFORBIDDEN
	case status == nethttp.StatusConflict:
		return meent.ECONFLICT
	case status == nethttp.StatusRequestEntityTooLarge:
		return meent.ETOOLARGE
	case status == nethttp.StatusUnprocessableEntity:
		return meent.ERULE
	case status == nethttp.StatusTooManyRequests:
		return meent.ETOOMANY
	case status == nethttp.StatusServiceUnavailable, status == nethttp.StatusBadGateway, status == nethttp.StatusGatewayTimeout:
		return meent.EUNAVAILABLE
	case status >= 400 && status < 500:
		return meent.EINVALID
	}
	return meent.EINTERNAL
}
