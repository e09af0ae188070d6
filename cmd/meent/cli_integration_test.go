//go:build integration

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestScripts runs the CLI behaviour scripts in testdata/script against
// the real binary (built by TestMain) and one node: $URL is the node,
// $KEY its first admin's key. help.txtar is generated from the command
// table, so a command added to it is covered without anyone writing a
// script for it.
func TestScripts(t *testing.T) {
	data := t.TempDir()
	p := start(t, "--data", data)
	gen := t.TempDir()
	if err := os.WriteFile(filepath.Join(gen, "help.txtar"), []byte(helpScript()), 0o644); err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob("testdata/script/*.txtar")
	if err != nil || len(files) == 0 {
		t.Fatalf("no scripts: %v", err)
	}
	testscript.Run(t, testscript.Params{
		Files: append(files, filepath.Join(gen, "help.txtar")),
		Setup: func(env *testscript.Env) error {
			env.Setenv("PATH", filepath.Dir(binary)+string(os.PathListSeparator)+env.Getenv("PATH"))
			env.Setenv("URL", p.url)
			env.Setenv("KEY", filepath.Join(data, adminKeyFile))
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			// hash2env VAR sets VAR to the first 64-hex-digit ID in the
			// last command's standard output.
			"hash2env": func(ts *testscript.TestScript, neg bool, args []string) {
				if neg || len(args) != 1 {
					ts.Fatalf("usage: hash2env VAR")
				}
				id := regexp.MustCompile(`[0-9a-f]{64}`).FindString(ts.ReadFile("stdout"))
				if id == "" {
					ts.Fatalf("no ID in stdout")
				}
				ts.Setenv(args[0], id)
			},
		},
	})
}

// helpScript asks every command in the table, every group and every area
// for help: each must exit 0, print its synopsis and summary to stdout
// and nothing to stderr.
func helpScript() string {
	var b strings.Builder
	b.WriteString("# Generated from the areas listed in main.go.\n\n")
	b.WriteString("exec meent help\n! stderr .\n")
	groups := map[string]bool{}
	for _, c := range allCommands() {
		fmt.Fprintf(&b, "stdout %s\n", sq(regexp.QuoteMeta(c.summary)))
	}
	for _, c := range allCommands() {
		q := regexp.QuoteMeta
		for _, h := range []string{"-h", "--help"} {
			fmt.Fprintf(&b, "\nexec meent %s %s\nstdout %s\nstdout %s\n! stderr .\n", c.name, h, sq("^usage: "+q(synopsis(c))+" "), sq(q(strings.ToUpper(c.summary[:1])+c.summary[1:])))
		}
		if c.name != "help" {
			fmt.Fprintf(&b, "exec meent help %s\nstdout %s\n! stderr .\n", c.name, sq("^usage: "+q(synopsis(c))+" "))
		}
		if g, _, ok := strings.Cut(c.name, " "); ok && !groups[g] {
			groups[g] = true
			fmt.Fprintf(&b, "\nexec meent %s -h\n! stderr .\n", g)
			for _, s := range group(g) {
				fmt.Fprintf(&b, "stdout %s\n", sq(q(synopsis(s))+" +"+q(s.summary)))
			}
			fmt.Fprintf(&b, "! exec meent %s\n! stdout .\nstderr %s\n", g, sq("usage: meent "+g))
		}
	}
	for _, a := range areas {
		q := regexp.QuoteMeta
		fmt.Fprintf(&b, "\nexec meent help %s\n! stderr .\nstdout %s\n", a.name, sq("^"+q(a.name+": "+a.summary)+"$"))
		for _, c := range a.commands {
			fmt.Fprintf(&b, "stdout %s\n", sq("^  "+q(synopsis(c))+" +"+q(c.summary)+"$"))
		}
	}
	return b.String()
}

// sq quotes s for a testscript line.
func sq(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
