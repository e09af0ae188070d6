//go:build integration

package main

import (
	"database/sql"
	"encoding/json"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestVerifyNamesDifferingPart: when a node's projections disagree with
// the replay of its log, meent verify says in which part of the state
// digest (docs/ledger.md §8), reading a data directory and reading the
// node over HTTP.
func TestVerifyNamesDifferingPart(t *testing.T) {
	data := t.TempDir()
	runMeent(t, "init", "--data", data, "--origin", "example.org/digest", "--admin-password", "correct horse battery")
	p := start(t, "--data", data, "--demo")
	resp, err := http.Get(p.url + "/api/v1/node")
	if err != nil {
		t.Fatal(err)
	}
	var info struct {
		Verifier string `json:"verifier_key"`
	}
	json.NewDecoder(resp.Body).Decode(&info)
	resp.Body.Close()
	p.cmd.Process.Kill()
	p.cmd.Wait()

	// Change one commons' row behind the node's back.
	db, err := sql.Open("sqlite", filepath.Join(data, dbFile))
	if err != nil {
		t.Fatal(err)
	}
	res, err := db.Exec(`UPDATE objects SET updated = updated + 1000 WHERE kind = 'commons' AND id = (SELECT min(id) FROM objects WHERE kind = 'commons')`)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		t.Fatalf("tampered with %d rows", n)
	}
	db.Close()

	check := func(args ...string) {
		t.Helper()
		out, err := exec.Command(binary, append([]string{"verify"}, args...)...).CombinedOutput()
		if err == nil || !strings.Contains(string(out), "parts that differ: object/commons: node ") || strings.Contains(string(out), "agent:") {
			t.Fatalf("verify %v: err=%v\n%s", args, err, out)
		}
	}
	check("--data", data)
	p = start(t, "--data", data)
	check("--key", info.Verifier, p.url)
}
