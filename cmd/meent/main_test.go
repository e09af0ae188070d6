package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	nethttp "net/http"
	"strings"
	"testing"

	"github.com/meent/meent"
	"github.com/meent/meent/client"
)

// TestCommandTable keeps the table that help and the CLI tests are built
// from complete: every runnable command has a line, every line a
// runnable command and a one-line summary.
func TestCommandTable(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range commands {
		if seen[c.name] {
			t.Errorf("%q is in the table twice", c.name)
		}
		seen[c.name] = true
		if c.summary == "" || strings.ContainsAny(c.summary, "\n") || strings.HasSuffix(c.summary, ".") {
			t.Errorf("%q: summary %q is not one line without a full stop", c.name, c.summary)
		}
		top, _, _ := strings.Cut(c.name, " ")
		if runs[top] == nil && c.name != "help" {
			t.Errorf("%q is in the table but meent has no command %q", c.name, top)
		}
		if c.idFlag != "" && len(strings.Fields(c.args)) != 1 {
			t.Errorf("%q: a positional ID replacing --%s must be the only argument, not %q", c.name, c.idFlag, c.args)
		}
	}
	for name := range runs {
		if !seen[name] && len(group(name)) == 0 {
			t.Errorf("meent %s is not in the command table in main.go", name)
		}
	}
}

// TestHelpExitsZero runs help in process for every command; the
// integration tests do the same with the real binary.
func TestHelpExitsZero(t *testing.T) {
	for _, c := range commands {
		var out, errOut bytes.Buffer
		args := append(strings.Fields(c.name), "-h")
		if err := run(context.Background(), args, &out, &errOut); err != nil {
			t.Errorf("meent %s: %v; stderr %s", strings.Join(args, " "), err, errOut.String())
			continue
		}
		if !strings.HasPrefix(out.String(), "usage: "+synopsis(c)+" ") || errOut.Len() > 0 {
			t.Errorf("meent %s: stdout %q, stderr %q", strings.Join(args, " "), out.String(), errOut.String())
		}
	}
}

// TestDescribe pins the line a user reads for an error: a node's problem
// as title and detail, never its JSON, with the context a command added.
func TestDescribe(t *testing.T) {
	problem := func(status int, body string) error {
		return client.ResponseError(&nethttp.Response{StatusCode: status, Status: nethttp.StatusText(status),
			Header: nethttp.Header{"Content-Type": {"application/problem+json"}}}, []byte(body))
	}
	refused := problem(422, `{"type":"urn:meent:problem:rule_violation","title":"Rule violation","status":422,"detail":"only a maintainer reviews","code":"rule_violation"}`)
	for _, tc := range []struct {
		err  error
		want string
	}{
		{refused, "Rule violation: only a maintainer reviews (rule_violation)"},
		{fmt.Errorf("upload a.png: %w", refused), "upload a.png: Rule violation: only a maintainer reviews (rule_violation)"},
		{meent.Errorf(meent.EINVALID, "--at: bad time"), "--at: bad time (invalid)"},
		{fmt.Errorf("registry http://x: %w", &meent.Error{Code: meent.EUNAVAILABLE, Message: "cannot reach http://x", Err: errors.New("dial tcp: refused")}),
			"registry http://x: cannot reach http://x (unavailable)"},
		{errors.New("--key is required"), "--key is required"},
	} {
		if got := describe(tc.err); got != tc.want {
			t.Errorf("describe(%v) = %q, want %q", tc.err, got, tc.want)
		}
	}
}
