//go:build integration

package main

import (
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// peerProduction walks issue 3's story through the CLI against a real
// server: a commons, a contribution reviewed by two maintainers, a refused
// self-review, a need claimed and closed by an accepted contribution, a
// fork that keeps recognising upstream work.
func peerProduction(t *testing.T, args ...string) {
	data := t.TempDir()
	p := start(t, append([]string{"--data", data}, args...)...)
	keys := t.TempDir()
	newAgent := func(name string) (key, id string) {
		key = filepath.Join(keys, name+".key")
		out := runMeent(t, "agent", "create", "--url", p.url, "--name", name, "--out", key)
		id = regexp.MustCompile(`agent ([0-9a-f]{64})`).FindStringSubmatch(out)[1]
		return key, id
	}
	hashOf := func(out string) string {
		m := regexp.MustCompile(`appended at index`).FindStringIndex(out)
		if m == nil {
			t.Fatalf("no receipt in %q", out)
		}
		return regexp.MustCompile(`[0-9a-f]{64}`).FindString(out)
	}
	maya, _ := newAgent("maya")
	joost, joostID := newAgent("joost")
	newcomer, _ := newAgent("newcomer")

	lib := hashOf(runMeent(t, "commons", "create", "--url", p.url, "--key", maya, "--name", "libfoo", "--approvals", "2", "--link", "https://example.org/libfoo"))
	runMeent(t, "commons", "maintainer", "--url", p.url, "--key", maya, "--commons", lib, "--agent", joostID)
	need := hashOf(runMeent(t, "need", "post", "--url", p.url, "--key", maya, "--commons", lib, "--title", "Windows build", "--bounty", "25000"))
	runMeent(t, "need", "claim", "--url", p.url, "--key", newcomer, "--id", need)
	k := hashOf(runMeent(t, "contribution", "submit", "--url", p.url, "--key", newcomer, "--commons", lib, "--kind", "code",
		"--title", "Windows CI", "--commit", "9fceb02d0ae598e95dc970b74767f19372d61af8", "--lines-added", "40", "--need", need))

	// Refusals: a clear message, a non-zero exit, nothing written.
	for _, bad := range [][]string{
		{"contribution", "review", "--url", p.url, "--key", newcomer, "--id", k, "--verdict", "accept"},
		{"contribution", "submit", "--url", p.url, "--key", newcomer, "--commons", strings.Repeat("0", 64), "--title", "x"},
	} {
		out, err := exec.Command(binary, bad...).CombinedOutput()
		if err == nil || !regexp.MustCompile(`forbidden|rule_violation`).Match(out) {
			t.Fatalf("meent %v: err=%v out=%s", bad, err, out)
		}
	}
	runMeent(t, "contribution", "review", "--url", p.url, "--key", maya, "--id", k, "--verdict", "accept")
	out, err := exec.Command(binary, "contribution", "review", "--url", p.url, "--key", maya, "--id", k, "--verdict", "accept").CombinedOutput()
	if err == nil || !strings.Contains(string(out), "already") {
		t.Fatalf("second accept by the same maintainer: %v %s", err, out)
	}
	runMeent(t, "contribution", "review", "--url", p.url, "--key", joost, "--id", k, "--verdict", "accept")

	fork := hashOf(runMeent(t, "commons", "fork", "--url", p.url, "--key", newcomer, "--commons", lib, "--name", "libfoo-ng"))

	var got struct {
		Status string `json:"status"`
	}
	getJSONInto(t, p.url+"/api/v1/contributions/"+k, &got)
	if got.Status != "accepted" {
		t.Fatalf("contribution status %q", got.Status)
	}
	var n struct {
		Status   string `json:"status"`
		ClosedBy string `json:"closed_by"`
	}
	getJSONInto(t, p.url+"/api/v1/needs/"+need, &n)
	if n.Status != "closed" || n.ClosedBy != k {
		t.Fatalf("need %+v", n)
	}
	lineage := runMeent(t, "contribution", "list", "--url", p.url, "--commons", fork, "--lineage")
	if !strings.Contains(lineage, k) {
		t.Fatalf("the fork does not recognise the upstream contribution:\n%s", lineage)
	}
	out2 := runMeent(t, append([]string{"verify", "--data", data}, args...)...)
	if !strings.Contains(out2, "ok:") {
		t.Fatalf("verify: %s", out2)
	}
}

func TestPeerProductionSQLite(t *testing.T)   { peerProduction(t) }
func TestPeerProductionPostgres(t *testing.T) { peerProduction(t, "--db", pgSchema(t)) }
