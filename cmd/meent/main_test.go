package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
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
