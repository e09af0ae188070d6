package state_test

import (
	"crypto/ed25519"
	"fmt"
	"maps"
	"slices"
	"testing"

	"pgregory.net/rapid"

	"github.com/meent/meent"
	"github.com/meent/meent/agent"
	"github.com/meent/meent/commons"
	"github.com/meent/meent/ledger"
	"github.com/meent/meent/state"
	"github.com/meent/meent/value"
)

// vectorEvents returns every event of testdata/events.json, valid and
// refused, decoded, in the file's order, then a few events of reviewing
// (reviewScenario).
func vectorEvents(t *testing.T) []*ledger.Event {
	t.Helper()
	var out []*ledger.Event
	for _, v := range append(readVectors(t).Events, reviewScenario(t)...) {
		ev, err := ledger.Decode([]byte(v.Entry))
		if err != nil {
			t.Fatalf("%s: %v", v.Name, err)
		}
		out = append(out, ev)
	}
	return out
}

// secondPass is the log to send again after the tail: all of it but the
// value policies, which would be accepted again as new versions and whose
// compilation (a probe of every equation) is most of the test's time;
// their versions are in the objects compared.
func secondPass(evs []*ledger.Event) []*ledger.Event {
	return slices.DeleteFunc(slices.Clone(evs), func(ev *ledger.Event) bool { return ev.Type == value.TypePolicySet })
}

// reviewScenario: a commons that needs two approvals, where a
// maintainer's second accept of the same revision is refused: only the
// contribution's unexported record of reviews knows that.
func reviewScenario(t *testing.T) []vector {
	g := &gen{t: t, st: state.New(), tm: 1_767_225_600_000, keys: map[string]ed25519.PrivateKey{}, ids: map[string]string{}}
	g.agent("rita", agent.Person)
	g.agent("sam", agent.Person)
	g.agent("tom", agent.Person)
	lib := g.ok("rita creates a commons needing two approvals", "rita", commons.TypeCreate, commons.CreateData{
		Name: "two", Kind: "software", Approvals: 2})
	g.ok("rita adds sam", "rita", commons.TypeMaintainerAdd, commons.MaintainerData{Commons: lib, Agent: g.ids["sam"]})
	c := g.ok("tom submits", "tom", commons.TypeSubmit, commons.SubmitData{Commons: lib, Kind: "code", Title: "Fix"})
	g.ok("sam accepts", "sam", commons.TypeReview, commons.ReviewData{Contribution: c, Verdict: commons.VerdictAccept})
	g.bad("sam accepts again", "sam", commons.TypeReview, commons.ReviewData{Contribution: c, Verdict: commons.VerdictAccept}, meent.ERULE)
	g.ok("rita accepts", "rita", commons.TypeReview, commons.ReviewData{Contribution: c, Verdict: commons.VerdictAccept})
	return g.f.Events
}

// verdict is what Apply said, comparable across two states.
func verdict(err error) string {
	if err == nil {
		return "accepted"
	}
	return meent.ErrorCode(err) + ": " + err.Error()
}

func objectLines(st *state.State) []string {
	var out []string
	st.Objects(func(o meent.Object) { out = append(out, state.ObjectLine(o)) })
	slices.Sort(out)
	return out
}

// checkKinds: ObjectKinds names exactly the kinds Objects emits.
func checkKinds(t rapid.TB, st *state.State) {
	t.Helper()
	seen := map[string]bool{}
	st.Objects(func(o meent.Object) { seen[o.Kind] = true })
	want := slices.Sorted(maps.Keys(seen))
	if got := st.ObjectKinds(); !slices.Equal(got, want) {
		t.Fatalf("ObjectKinds = %q, Objects emits %q", got, want)
	}
}

func dirtyLines(st *state.State) []string {
	var out []string
	for _, o := range st.TakeDirty() {
		out = append(out, state.ObjectLine(o))
	}
	slices.Sort(out)
	return out
}

// sameFuture applies evs to a and b (a state and its restored snapshot)
// and fails at the first difference: a verdict, the size, the objects an
// event changed, the digest or the objects at the end.
func sameFuture(t rapid.TB, a, b *state.State, evs []*ledger.Event) {
	t.Helper()
	if a.Digest() != b.Digest() || a.Size != b.Size {
		t.Fatalf("restored: size %d digest %x, original: size %d digest %x", b.Size, b.Digest(), a.Size, a.Digest())
	}
	for i, ev := range evs {
		va, vb := verdict(a.Apply(ev)), verdict(b.Apply(ev))
		if va != vb {
			t.Fatalf("event %d (%s): original %s, restored %s", i, ev.Type, va, vb)
		}
		if da, db := dirtyLines(a), dirtyLines(b); !slices.Equal(da, db) {
			t.Fatalf("event %d (%s): changed objects differ:\n%q\n%q", i, ev.Type, da, db)
		}
	}
	if a.Size != b.Size || a.Digest() != b.Digest() {
		t.Fatalf("after %d events: original size %d digest %x, restored size %d digest %x", len(evs), a.Size, a.Digest(), b.Size, b.Digest())
	}
	if oa, ob := objectLines(a), objectLines(b); !slices.Equal(oa, ob) {
		t.Fatalf("objects differ after %d events", len(evs))
	}
	checkKinds(t, a)
	checkKinds(t, b)
}

func roundTrip(t rapid.TB, st *state.State) *state.State {
	t.Helper()
	b, err := st.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	version, size, err := state.SnapshotInfo(b)
	if err != nil || version != state.SnapshotVersion || size != st.Size {
		t.Fatalf("SnapshotInfo: %q %d %v, want %q %d", version, size, err, state.SnapshotVersion, st.Size)
	}
	r, err := state.Restore(b)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestSnapshotEveryCut snapshots the state of testdata/events.json (every
// event type, valid and refused) after every prefix, restores it, and
// applies the rest of the log, then the whole log a second time, to both
// the original and the restored state. The second pass sends events whose
// refusal rests on state no object shows (a review already given, a
// payment reference already used, a trial already had, a key already
// authorised), so a snapshot that forgot such state fails here.
func TestSnapshotEveryCut(t *testing.T) {
	evs := vectorEvents(t)
	again := secondPass(evs)
	step := 1
	if testing.Short() || raceDetector {
		step = 7 // restoring compiles the value policy's equations each time
	}
	for cut := 0; cut <= len(evs); cut += step {
		t.Run(fmt.Sprint(cut), func(t *testing.T) {
			st := state.New()
			for _, ev := range evs[:cut] {
				st.Apply(ev)
			}
			st.DropDirty()
			checkKinds(t, st)
			r := roundTrip(t, st)
			sameFuture(t, st, r, append(slices.Clone(evs[cut:]), again...))
		})
	}
}

// TestSnapshotProperty: the same, over logs rapid draws from the vectors'
// events in other orders (events whose prerequisites are missing are
// refused, others are accepted in states the scenario never reaches),
// with a snapshot at a random point, restored.
func TestSnapshotProperty(t *testing.T) {
	if testing.Short() {
		t.Skip("TestSnapshotEveryCut covers the vectors in -short")
	}
	evs := vectorEvents(t)
	again := secondPass(evs)
	rapid.Check(t, func(t *rapid.T) {
		// Mostly in order, with events skipped, repeated and moved
		// ahead, so that later events still find much of what they need.
		var log []*ledger.Event
		for i := 0; i < len(evs); i++ {
			switch rapid.IntRange(0, 9).Draw(t, "op") {
			case 0: // skip
			case 1:
				log = append(log, evs[rapid.IntRange(0, len(evs)-1).Draw(t, "any")])
			default:
				log = append(log, evs[i])
			}
		}
		cut := rapid.IntRange(0, len(log)).Draw(t, "cut")
		st := state.New()
		for _, ev := range log[:cut] {
			st.Apply(ev)
		}
		st.DropDirty()
		r := roundTrip(t, st)
		sameFuture(t, st, r, append(slices.Clone(log[cut:]), again...))
	})
}

// TestRestoreRefuses: a snapshot of other rules or a damaged one is
// refused, never half restored.
func TestRestoreRefuses(t *testing.T) {
	st := state.New()
	for _, ev := range vectorEvents(t) {
		st.Apply(ev)
	}
	b, err := st.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	for name, bad := range map[string][]byte{
		"empty":     nil,
		"format":    append([]byte{'x'}, b[1:]...),
		"truncated": b[:len(b)/2],
		"version":   []byte(`{"version":"state/0","size":0}`),
		"no areas":  []byte(`{"version":"` + state.SnapshotVersion + `","size":0}`),
	} {
		if _, err := state.Restore(bad); err == nil {
			t.Errorf("%s: restored", name)
		}
	}
}
