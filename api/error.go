package api

import (
	nethttp "net/http"

	"github.com/meent/meent"
)

// StatusOf maps every error code to its HTTP status (read only). It is the only place
// where codes meet statuses; docs/api.md and openapi.json list the same
// table, and a test keeps the three in step.
//
// bad_signature is 400, not 422: verifying the signature is part of
// decoding an entry (ledger.Decode), and an entry whose signature fails is
// not an event at all. 422 is kept for rule_violation, so the status alone
// tells a client "fix your bytes" (400) from "the rules refuse this" (422).
var StatusOf = map[string]int{
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

// Titles are the short, fixed summaries of each code (RFC 9457 "title").
var Titles = map[string]string{
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

// ErrorFromProblem turns a problem document received by the Client back
// into the *meent.Error the server started from.
func ErrorFromProblem(p Problem, status int) *meent.Error {
	code := p.Code
	if _, ok := StatusOf[code]; !ok {
		code = CodeForStatus(status)
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

// CodeForStatus guesses a code for a response that is not a problem
// document (a proxy's error page, say).
func CodeForStatus(status int) string {
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
