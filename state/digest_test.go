package state_test

import (
	"bytes"
	"crypto/ed25519"
	"encoding/hex"
	"maps"
	"slices"
	"testing"

	"github.com/meent/meent/agent"
	"github.com/meent/meent/commons"
	"github.com/meent/meent/ledger"
	"github.com/meent/meent/state"
)

// odd is a name a Unicode-table-dependent encoding would write differently
// on different Go versions: U+1F6DC (WIRELESS, assigned in Unicode 15),
// U+0378 and U+E0080 (unassigned), U+10FFFF (a noncharacter), U+F0000
// (private use) and U+1D11E (assigned, outside the BMP), plus the bytes a
// quoting encoding escapes ('"', '\\').
const odd = "Ada \U0001F6DC\u0378\U000E0080\U0010FFFF\U000F0000\U0001D11E \"q\" \\"

func apply(t *testing.T, st *state.State, k ed25519.PrivateKey, typ, author string, tm int64, data any) string {
	t.Helper()
	entry, err := ledger.Sign(k, ledger.Body{Type: typ, Author: author, Time: tm, Data: data})
	if err != nil {
		t.Fatal(err)
	}
	ev, err := ledger.Decode(entry)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Apply(ev); err != nil {
		t.Fatalf("%s: %v", typ, err)
	}
	return ev.Hash.String()
}

// TestDigestLinesPinned pins the exact bytes of every kind of digest line
// for names no Unicode version may change: the lines are built from the
// rules' state, and the expected bytes are written out here (computed
// independently: printf '%s' "$name" | base64).
func TestDigestLinesPinned(t *testing.T) {
	st := state.New()
	k := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, 32))
	ada := apply(t, st, k, agent.TypeCreate, "", 1, agent.CreateData{Kind: agent.Person, Name: odd})
	apply(t, st, k, agent.TypeMemberSet, ada, 2, agent.MemberData{Agent: ada, Role: agent.RoleAdmin})
	c := apply(t, st, k, commons.TypeCreate, ada, 3, commons.CreateData{Name: odd, Kind: "software"})

	var got []string
	st.Lines(func(l string) { got = append(got, l) })
	slices.Sort(got)
	want := []string{
		"agent " + ada + " person 0 QWRhIPCfm5zNuPOggoD0j7+/87CAgPCdhJ4gInEiIFw=",
		"key 6kpsY+KcUgq+9VB7Ey7F+ZVHdq6+vnuSQh7qaRRG0iw= " + ada + " 0 -1",
		"member " + ada + " admin",
		"object commons " + c + " " + c + " " + ada + " - 2 2 " + wantCommonsDoc,
	}
	if !slices.Equal(got, want) {
		t.Fatalf("digest lines:\n got %q\nwant %q", got, want)
	}
	d := st.Summary()
	if d.Total != st.Digest() || d.Total != state.DigestLines(slices.Clone(got)) {
		t.Fatal("Summary's total differs from Digest")
	}
	if hex.EncodeToString(d.Total[:]) != wantTotal {
		t.Errorf("total %x, want %s", d.Total, wantTotal)
	}
	if len(d.Parts) != len(wantParts) {
		t.Errorf("parts %v, want %v", d.Parts, wantParts)
	}
	for name, want := range wantParts {
		if p := d.Parts[name]; p.Lines != 1 || hex.EncodeToString(p.SHA256[:]) != want {
			t.Errorf("part %s: %d lines, %x; want 1 line, %s", name, p.Lines, p.SHA256, want)
		}
	}
}

// wantCommonsDoc is standard base64 of the commons' JSON document:
//
//	{"id":"f055…2267","name":"Ada \U0001F6DC\u0378\U000E0080\U0010FFFF\U000F0000\U0001D11E \\"q\\" \\\\","kind":"software",
//	 "approvals":1,"maintainers":["04ab…66df"],"creator":"04ab…66df","created":2,"forked_at":0,"updated":2}
//
// (the code points written raw as UTF-8; only '"' and '\\' escaped).
const wantCommonsDoc = "eyJpZCI6ImYwNTU1NDcxYWNhOWVkMDM5YmU3ODEzZDE4YWNlM2ZjZjUwNTU4MGYyMWVlM2ZhN2IxOGExNDZlOTlmZDIyNjciLCJuYW1lIjoiQWRhIPCfm5zNuPOggoD0j7+/87CAgPCdhJ4gXCJxXCIgXFwiLCJraW5kIjoic29mdHdhcmUiLCJhcHByb3ZhbHMiOjEsIm1haW50YWluZXJzIjpbIjA0YWJmMWFiNjI1N2ViZDRkYTc0OTlhMzI0M2E5NzA4ZDI1NTdmYjE0ZDY4Mjg5ZjdhOTdiNTE5ZTU2ZTY2ZGYiXSwiY3JlYXRvciI6IjA0YWJmMWFiNjI1N2ViZDRkYTc0OTlhMzI0M2E5NzA4ZDI1NTdmYjE0ZDY4Mjg5ZjdhOTdiNTE5ZTU2ZTY2ZGYiLCJjcmVhdGVkIjoyLCJmb3JrZWRfYXQiOjAsInVwZGF0ZWQiOjJ9"

// wantTotal and wantParts were computed from the lines above by an
// independent implementation (Python's hashlib).
const wantTotal = "15cd64ca5b94c482f0e864bdbd38a2be7d2d803f7dd64e19b1927a0ad436bf44"

var wantParts = map[string]string{
	"agent":          "2745ee74a78a6a54b43f6dc8145b469f2d5817b6b9dd168c3502a6712676cf48",
	"key":            "9ec50d913767834440a348f4766974fc0a8021f776d9262b4b0dee43f321e913",
	"member":         "7b382fc3f8eff9130f0b2eb471148385a7f0a9ed4d2a403cffdf47f761f789cf",
	"object/commons": "97d629ef1f23318cbbfc6f7b3ca987e46753c74b0926a74e8b6cc84eb1573366",
}

func TestPartsAndDiffer(t *testing.T) {
	lines := []string{
		"agent a person 0 QQ==", "agent b person 1 Qg==", "member a admin", "key k a 0 -1",
		"object need n c a open 3 4 e30=", "object contribution x c a pending 5 5 e30=", "object need m c a open 6 6 e30=",
	}
	d := state.Summarize(slices.Clone(lines))
	count := map[string]int{}
	for name, p := range d.Parts {
		count[name] = p.Lines
	}
	want := map[string]int{"agent": 2, "member": 1, "key": 1, "object/need": 2, "object/contribution": 1}
	if !maps.Equal(count, want) {
		t.Errorf("part line counts %v, want %v", count, want)
	}
	// Each part's digest is the digest of its own lines alone.
	if d.Parts["object/need"].SHA256 != state.DigestLines([]string{lines[6], lines[4]}) {
		t.Error("object/need part digest is not the digest of its lines")
	}
	if len(d.Differ(d)) != 0 {
		t.Error("a digest differs from itself")
	}
	changed := slices.Clone(lines)
	changed[4] = "object need n c a closed 3 7 e30="
	changed = append(changed, "object commons c c a - 1 1 e30=")
	e := state.Summarize(changed)
	if got := d.Differ(e); !slices.Equal(got, []string{"object/commons", "object/need"}) {
		t.Errorf("Differ = %v", got)
	}
	if got := e.Differ(d); !slices.Equal(got, []string{"object/commons", "object/need"}) {
		t.Errorf("Differ reversed = %v", got)
	}
	if got := d.Differ(state.Digest{Total: e.Total}); got != nil {
		t.Errorf("Differ against a digest without parts = %v, want nil", got)
	}
}
