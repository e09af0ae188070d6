package main

import (
	"bytes"
	"crypto/rand"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/note"

	"github.com/meent/meent/api/apitest"
)

// TestPeerCommands follows a real node, then a node with its key and
// another history at the same time, and checks the evidence the second
// pass keeps, as its reader would: from the file and the key alone.
func TestPeerCommands(t *testing.T) {
	a := apitest.New(t, nil)
	a.Fill(12)
	data := t.TempDir()
	meent := func(args ...string) (string, error) {
		var out, errOut bytes.Buffer
		err := run(t.Context(), args, &out, &errOut)
		return out.String() + errOut.String(), err
	}
	out, err := meent("peer", "follow", a.HTTP.URL, "--key", a.VKey, "--data", data)
	if err != nil || !strings.Contains(out, "0 → 12 events") {
		t.Fatalf("follow: %v\n%s", err, out)
	}
	if out, err = meent("peer", "follow", a.HTTP.URL, "--data", data); err == nil || !strings.Contains(err.Error(), "--key is required") {
		t.Fatalf("follow without a key: %v %s", err, out)
	}

	b := apitest.NewWithKey(t, a.SKey, nil)
	b.Fill(30)
	out, err = meent("peer", "follow", b.HTTP.URL, "--key", a.VKey, "--data", data)
	if err == nil || !strings.Contains(out, "EQUIVOCATION") {
		t.Fatalf("a rewritten log: %v\n%s", err, out)
	}
	file := regexp.MustCompile(`evidence: (\S+)`).FindStringSubmatch(out)[1]

	if out, err = meent("peer", "evidence", "check", file, "--key", a.VKey); err != nil || !strings.Contains(out, "proven: "+apitest.Origin+" signed a tree of size 12") {
		t.Fatalf("check: %v\n%s", err, out)
	}
	_, other, _ := note.GenerateKey(rand.Reader, apitest.Origin)
	if out, err = meent("peer", "evidence", "check", file, "--key", other); err == nil || !strings.Contains(out, "NOT PROVEN") {
		t.Fatalf("check under another key: %v\n%s", err, out)
	}
	if out, err = meent("peer", "follow", a.HTTP.URL, "--key", a.VKey, "--data", data); err == nil || !strings.Contains(err.Error(), "equivocated") {
		t.Fatalf("following after evidence: %v\n%s", err, out)
	}
}
