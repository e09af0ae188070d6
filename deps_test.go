package meent_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDependencyDirection keeps the one layering rule true: pure rule
// packages use only the root package, the ledger and the standard library
// (no I/O adapters); adapters never import each other; only cmd/meent
// wires everything.
func TestDependencyDirection(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("go command not found")
	}
	const mod = "github.com/meent/meent"
	forbidden := map[string][]string{
		"ledger":     {mod + "/sqlstore", mod + "/sqlite", mod + "/postgres", mod + "/http", mod + "/node", "database/sql", "net/http"},
		"agent":      {mod + "/sqlstore", mod + "/sqlite", mod + "/postgres", mod + "/http", mod + "/node", "database/sql", "net/http"},
		"commons":    {mod + "/sqlstore", mod + "/sqlite", mod + "/postgres", mod + "/http", mod + "/node", "database/sql", "net/http"},
		"value":      {mod + "/sqlstore", mod + "/sqlite", mod + "/postgres", mod + "/http", mod + "/node", "database/sql", "net/http"},
		"license":    {mod + "/sqlstore", mod + "/sqlite", mod + "/postgres", mod + "/http", mod + "/node", "database/sql", "net/http"},
		"private":    {mod + "/sqlstore", mod + "/sqlite", mod + "/postgres", mod + "/http", mod + "/node", "database/sql", "net/http"},
		"payout":     {mod + "/sqlstore", mod + "/sqlite", mod + "/postgres", mod + "/http", mod + "/node", "database/sql", "net/http"},
		"valueflows": {mod + "/sqlstore", mod + "/sqlite", mod + "/postgres", mod + "/http", mod + "/node", "database/sql", "net/http"},
		"modcheck":   {mod + "/sqlstore", mod + "/sqlite", mod + "/postgres", mod + "/http", mod + "/node", "database/sql", "net/http"},
		"gitimport":  {mod + "/sqlstore", mod + "/sqlite", mod + "/postgres", mod + "/http", mod + "/node"},
		"state":      {mod + "/sqlstore", mod + "/sqlite", mod + "/postgres", mod + "/http", mod + "/node", "database/sql", "net/http"},
		"node":       {mod + "/sqlstore", mod + "/sqlite", mod + "/postgres", mod + "/http", "database/sql"},
		"audit":      {mod + "/sqlstore", mod + "/sqlite", mod + "/postgres", mod + "/http", mod + "/node"},
		"sqlstore":   {mod + "/http", mod + "/node", mod + "/sqlite", mod + "/postgres"},
		"sqlite":     {mod + "/http", mod + "/node", mod + "/postgres"},
		"postgres":   {mod + "/http", mod + "/node", mod + "/sqlite"},
		"http":       {mod + "/sqlstore", mod + "/sqlite", mod + "/postgres"},
	}
	for pkg, bad := range forbidden {
		out, err := exec.Command("go", "list", "-deps", "./"+pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list %s: %v\n%s", pkg, err, out)
		}
		deps := map[string]bool{}
		for _, d := range strings.Fields(string(out)) {
			deps[d] = true
		}
		for _, b := range bad {
			if deps[b] {
				t.Errorf("%s imports %s", pkg, b)
			}
		}
	}
}
