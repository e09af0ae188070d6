package gitimport

import (
	"context"
	"strings"
	"testing"
)

func TestMessagesWith(t *testing.T) {
	r := newRepo(t)
	ctx := context.Background()
	if m, err := MessagesWith(ctx, r.dir, "", "meent-claim", ""); err != nil || len(m) != 0 {
		t.Fatalf("empty repository: %v %v", m, err)
	}
	r.write("a", "1\n")
	r.commit("plain commit")
	a := strings.Repeat("a", 64)
	proof := r.commit("claim\n\nSigned-off-by: Ada\nMeent-Claim:  "+a+"\n", "Ada", "ada@example.org")
	r.commit("mentions meent-claim: in the middle of a line")
	indented := r.commit("x\n\n   meent-claim : " + a)
	m, err := MessagesWith(ctx, r.dir, "", "meent-claim", "")
	if err != nil {
		t.Fatal(err)
	}
	if len(m) != 2 || !strings.Contains(m[proof], "Meent-Claim:  "+a) || !strings.Contains(m[indented], a) {
		t.Fatalf("messages: %q", m)
	}
	if m, err := MessagesWith(ctx, r.dir, proof+"~1", "meent-claim", ""); err != nil || len(m) != 0 {
		t.Fatalf("before the proof: %q %v", m, err)
	}
	if _, err := MessagesWith(ctx, r.dir, "", "a.*", ""); err == nil {
		t.Fatal("a key with regexp characters was accepted")
	}
	if m, err := MessagesWith(ctx, r.dir, "no-such-ref", "meent-claim", ""); err != nil || len(m) != 0 {
		t.Fatalf("unknown ref: %q %v", m, err)
	}
}
