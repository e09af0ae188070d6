package client

import (
	"context"
	"errors"
	nethttp "net/http"
	"net/http/httptest"
	"testing"

	"github.com/meent/meent"
)

// TestClientProblemError checks what a caller gets from a node's problem
// document: a *ProblemError that reads as title and detail, and that
// still unwraps to the *meent.Error callers switch on.
func TestClientProblemError(t *testing.T) {
	for _, tc := range []struct {
		name, ctype, body string
		status            int
		code, describe    string
	}{
		{"problem", "application/problem+json", `{"type":"urn:meent:problem:rule_violation","title":"Rule violation","status":422,"detail":"only a maintainer reviews","code":"rule_violation"}`,
			422, meent.ERULE, "Rule violation: only a maintainer reviews (rule_violation)"},
		{"no detail", "application/problem+json", `{"title":"Not found","status":404,"code":"not_found"}`,
			404, meent.ENOTFOUND, "Not found (not_found)"},
		{"unknown code", "application/problem+json", `{"title":"Teapot","status":418,"detail":"short and stout","code":"teapot"}`,
			418, meent.EINVALID, "Teapot: short and stout (invalid)"},
		{"a proxy's page", "text/html", `<h1>Bad gateway</h1>`,
			502, meent.EUNAVAILABLE, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(nethttp.HandlerFunc(func(w nethttp.ResponseWriter, r *nethttp.Request) {
				w.Header().Set("Content-Type", tc.ctype)
				w.WriteHeader(tc.status)
				w.Write([]byte(tc.body))
			}))
			defer srv.Close()
			_, err := New(srv.URL, nil).Node(context.Background())
			var e *meent.Error
			if !errors.As(err, &e) || e.Code != tc.code {
				t.Fatalf("error %v (%T), want a *meent.Error with code %s", err, err, tc.code)
			}
			var p *ProblemError
			if got := errors.As(err, &p); got != (tc.describe != "") {
				t.Fatalf("ProblemError %v for %v", got, err)
			}
			if p != nil && p.Describe() != tc.describe {
				t.Fatalf("Describe() = %q, want %q", p.Describe(), tc.describe)
			}
		})
	}
}
