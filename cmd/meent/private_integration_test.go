//go:build integration

package main

import (
	"context"
	"io"
	"net/http"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/meent/meent/client"
	"github.com/meent/meent/private"
)

// privateCycle is item 9 of issue 9 end to end against the real binary: a
// payout settled with a private reference; neither the log's entry
// bundles nor the events API ever hold the reference; an IBAN in the
// public reference is refused by the CLI and, for an event signed by hand,
// by the node; meent erase removes the record; meent verify passes before
// and after; the record reads as erased through the API and the CLI.
func privateCycle(t *testing.T, dbArgs ...string) {
	ctx := context.Background()
	data := t.TempDir()
	p := start(t, append([]string{"--data", data}, dbArgs...)...)
	keys := t.TempDir()
	newAgent := func(name string) (key, id string) {
		key = filepath.Join(keys, name+".key")
		out := runMeent(t, "agent", "create", "--url", p.url, "--name", name, "--out", key)
		return key, regexp.MustCompile(`agent ([0-9a-f]{64})`).FindStringSubmatch(out)[1]
	}
	hashOf := func(out string) string { return regexp.MustCompile(`[0-9a-f]{64}`).FindString(out) }
	maya, mayaID := newAgent("maya")
	bob, bobID := newAgent("bob")
	lib := hashOf(runMeent(t, "commons", "create", "--url", p.url, "--key", maya, "--name", "libfoo"))
	k := hashOf(runMeent(t, "contribution", "submit", "--url", p.url, "--key", bob, "--commons", lib, "--kind", "documentation", "--title", "README", "--minutes", "60"))
	runMeent(t, "contribution", "review", "--url", p.url, "--key", maya, "--id", k, "--verdict", "accept")
	inc := hashOf(runMeent(t, "income", "record", "--url", p.url, "--key", maya, "--commons", lib, "--kind", "donation", "--amount", "100.00"))
	runMeent(t, "distribution", "run", "--url", p.url, "--key", maya, "--income", inc)

	const secret = "NL91 ABNA 0417 1643 00 Bob Builder"
	settle := []string{"payout", "settle", "--url", p.url, "--key", maya, "--commons", lib, "--recipient", "agent:" + bobID, "--amount", "1.00"}

	// An IBAN in the public reference: the CLI refuses before signing...
	if out, err := exec.Command(binary, append(settle, "--reference", secret)...).CombinedOutput(); err == nil || !strings.Contains(string(out), "--private-reference") {
		t.Fatalf("settle with an IBAN in --reference: %v\n%s", err, out)
	}
	// ...and the node refuses the same event signed by hand.
	raw := `{"commons":"` + lib + `","kind":"agent","recipient":"` + bobID + `","amount":{"amount":100,"currency":"EUR"},"reference":"` + secret + `"}`
	if out, err := exec.Command(binary, "event", "submit", "--url", p.url, "--key", maya, "--type", "payout.settle", "--data", raw).CombinedOutput(); err == nil || !strings.Contains(string(out), "IBAN") {
		t.Fatalf("node accepted an IBAN in a public reference: %v\n%s", err, out)
	}

	// The private reference: stored first, the event names its commitment.
	out := runMeent(t, append(settle, "--reference", "batch 2026-03", "--private-reference", secret)...)
	m := regexp.MustCompile(`private reference stored as ([0-9a-f]{64})`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("settle with a private reference:\n%s", out)
	}
	commitment := m[1]

	// The raw log never holds the reference: entry bundles and the events API.
	var node struct {
		TreeSize int64 `json:"tree_size"`
	}
	getJSONInto(t, p.url+"/api/v1/node", &node)
	bundle := get(t, p.url+"/log/tile/entries/000.p/"+strconv.FormatInt(node.TreeSize, 10))
	events := get(t, p.url+"/api/v1/events?limit=1000")
	for name, b := range map[string]string{"entry bundle": bundle, "events": events} {
		for _, s := range []string{"NL91", "ABNA", "Bob Builder"} {
			if strings.Contains(b, s) {
				t.Fatalf("the %s holds %q", name, s)
			}
		}
	}
	if !strings.Contains(bundle, commitment) {
		t.Fatal("the entry bundle does not name the commitment")
	}

	// Maya reads it with her key alone; it opens the event's commitment.
	id, key, err := readAgentKey(maya)
	if err != nil || id != mayaID {
		t.Fatal(id, err)
	}
	c, _ := private.ParseCommitment(commitment)
	auth := client.PrivateAuth{Agent: id, Key: key}
	client := client.New(p.url, nil)
	rec, err := client.PrivateRecord(ctx, auth, c)
	if err != nil || rec.Status != "live" || rec.Text != secret {
		t.Fatalf("read the private reference: %+v, %v", rec, err)
	}

	if out := runMeent(t, append([]string{"verify", "--data", data}, dbArgs...)...); !strings.Contains(out, "ok:") {
		t.Fatalf("verify before erasure: %s", out)
	}
	out = runMeent(t, append(append([]string{"erase", "--data", data}, dbArgs...), "--by", "admin (request 2026-17)", commitment)...)
	if !strings.Contains(out, "erased at") || !strings.Contains(out, "admin (request 2026-17)") {
		t.Fatalf("erase:\n%s", out)
	}
	if out := runMeent(t, append([]string{"verify", "--data", data}, dbArgs...)...); !strings.Contains(out, "ok:") {
		t.Fatalf("verify after erasure: %s", out)
	}
	rec, err = client.PrivateRecord(ctx, auth, c)
	if err != nil || rec.Status != "erased" || rec.Text != "" || rec.Data != nil || rec.ErasedBy != "admin (request 2026-17)" {
		t.Fatalf("read after erasure: %+v, %v", rec, err)
	}
	out = runMeent(t, append(append([]string{"erase", "--data", data}, dbArgs...), "--show", commitment)...)
	if !strings.Contains(out, "erased at") {
		t.Fatalf("erase --show:\n%s", out)
	}
	if out, err := exec.Command(binary, append([]string{"erase", "--data", data}, append(dbArgs, strings.Repeat("0", 64))...)...).CombinedOutput(); err == nil {
		t.Fatalf("erase of a record that does not exist: %s", out)
	}

	// An orphan: stored, but its event never came. Collection leaves it
	// while young, erases it when old, and the node then refuses an event
	// that names it late. A record an event names is never collected.
	live := runMeent(t, append(settle, "--private-reference", "DE89 3704 0044 0532 0130 00 Bob")...)
	named, _ := private.ParseCommitment(regexp.MustCompile(`stored as ([0-9a-f]{64})`).FindStringSubmatch(live)[1])
	orphan, err := client.PutPrivate(ctx, auth, []byte("bob@example.org"), private.NewSalt(), lib)
	if err != nil {
		t.Fatal(err)
	}
	gc := append(append([]string{"erase", "--data", data}, dbArgs...), "--orphans", "--by", "gc")
	if out := runMeent(t, append(gc, "--older-than", "1h")...); !strings.Contains(out, "erased 0 orphan private records; 1 younger") {
		t.Fatalf("gc of a young orphan:\n%s", out)
	}
	if out := runMeent(t, append(gc, "--older-than", "0s")...); !strings.Contains(out, "erased 1 orphan private records") {
		t.Fatalf("gc:\n%s", out)
	}
	oc, _ := private.ParseCommitment(orphan.Commitment)
	if rec, err := client.PrivateRecord(ctx, auth, oc); err != nil || rec.Status != "erased" || rec.ErasedBy != "gc" {
		t.Fatalf("orphan after gc: %+v, %v", rec, err)
	}
	if rec, err := client.PrivateRecord(ctx, auth, named); err != nil || rec.Status != "live" {
		t.Fatalf("a named record after gc: %+v, %v", rec, err)
	}
	late := `{"commons":"` + lib + `","kind":"agent","recipient":"` + bobID + `","amount":{"amount":1,"currency":"EUR"},"ref_commitment":"` + orphan.Commitment + `"}`
	if out, err := exec.Command(binary, "event", "submit", "--url", p.url, "--key", maya, "--type", "payout.settle", "--data", late).CombinedOutput(); err == nil || !strings.Contains(string(out), "erased") {
		t.Fatalf("a late event naming a collected record: %v\n%s", err, out)
	}
	if out := runMeent(t, append([]string{"verify", "--data", data}, dbArgs...)...); !strings.Contains(out, "ok:") {
		t.Fatalf("verify after gc: %s", out)
	}
}

func get(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %s %s", url, resp.Status, b)
	}
	return string(b)
}

func TestPrivateReferenceSQLite(t *testing.T)   { privateCycle(t) }
func TestPrivateReferencePostgres(t *testing.T) { privateCycle(t, "--db", pgSchema(t)) }
