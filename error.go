package meent

import (
	"errors"
	"fmt"
)

// Error codes. They are stable: clients match on them, the HTTP layer maps
// them to status codes in one table, and docs/api.md lists them. Never
// rename one; add a new one instead.
const (
	EINVALID      = "invalid"             // a request parameter or document is not acceptable
	EMALFORMED    = "malformed_event"     // event bytes do not follow docs/ledger.md
	ETOOLARGE     = "too_large"           // input larger than its limit
	EVERSION      = "unsupported_version" // event format version this node does not know
	ESIGNATURE    = "bad_signature"       // signature does not verify
	EDUPLICATE    = "duplicate_event"     // the exact event is already in the log (replay)
	ERULE         = "rule_violation"      // well-formed and signed, but the rules refuse it
	ENOTFOUND     = "not_found"
	ECONFLICT     = "conflict"     // it exists, or another event already recorded this fact (not a replay)
	EUNAUTHORIZED = "unauthorized" // no or bad credentials
	EFORBIDDEN    = "forbidden"    // credentials fine, permission missing
	EUNAVAILABLE  = "unavailable"  // shutting down or overloaded; retry
	EINTERNAL     = "internal"
)

// ETOOMANY is the code of a request refused for coming too often (failed
// logins, see docs/api.md): wait for the time the answer names, then retry.
const ETOOMANY = "too_many_requests"

// Error is the one error type of the application. Code is stable and
// machine-readable, Message is safe to show a user, and Err is the cause,
// which is logged but never shown.
type Error struct {
	Code    string
	Message string
	Err     error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the given code and a formatted user message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL
// for any other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-safe message of err. Errors that are not an
// *Error are internal and get a generic message, so no cause leaks out.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}
