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
	"github.com/meent/meent/api"
)

// CodeOf returns the error code of err. A request abandoned by its client
// or cut by a deadline is reported as unavailable, not as an internal
// fault.
func CodeOf(err error) string {
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
	if _, ok := api.StatusOf[code]; !ok {
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

// ProblemOf builds the problem document for err. Detail is the user-safe
// message; the cause is never shown.
func ProblemOf(err error) api.Problem {
	code := CodeOf(err)
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
	return api.Problem{
		Type:   api.ProblemTypePrefix + code,
		Title:  api.Titles[code],
		Status: api.StatusOf[code],
		Detail: detail,
		Code:   code,
	}
}

// LogError logs the cause of err when there is one worth an operator's
// attention: every internal or unavailable error, and any error that
// carries a cause. Refusals of bad input are the client's business and
// are only counted (node metrics), not logged.
func (s *Server) LogError(r *nethttp.Request, err error) {
	code := CodeOf(err)
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
	s.LogError(r, err)
	writeProblem(w, ProblemOf(err))
}

func writeProblem(w nethttp.ResponseWriter, p api.Problem) {
	h := w.Header()
	h.Set("Content-Type", "application/problem+json")
	h.Set("Cache-Control", "no-store")
	h.Del("Content-Length")
	w.WriteHeader(p.Status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(p)
}
