package storetest

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/meent/meent"
	"github.com/meent/meent/agent"
	"github.com/meent/meent/state"
)

// The objects tests check Object, Objects, SeqTx.PutObjects and the object
// lines of StateLines. The store keeps objects as it is given them, so
// these need no rules: any Kind, ID and JSON will do.

// putObjects puts objs in a Sequence of their own and fails the test if
// that fails.
func putObjects(t *testing.T, s meent.Store, objs ...meent.Object) {
	t.Helper()
	ctx := t.Context()
	if err := s.Sequence(ctx, func(tx meent.SeqTx) error { return tx.PutObjects(ctx, objs) }); err != nil {
		t.Fatalf("PutObjects of %d objects: %v", len(objs), err)
	}
}

// appendWithObjects appends entries and then puts objs in one Sequence, as
// the node's sequencer does.
func appendWithObjects(ctx context.Context, t *testing.T, s meent.Store, entries [][]byte, objs []meent.Object) error {
	t.Helper()
	return s.Sequence(ctx, func(tx meent.SeqTx) error {
		n, err := tx.Size(ctx)
		if err != nil {
			return err
		}
		b, err := build(t, ctx, tx.ReadHashes, n, entries)
		if err != nil {
			return err
		}
		if err := tx.Append(ctx, b.Records, b.Hashes, b.Checkpoint); err != nil {
			return err
		}
		return tx.PutObjects(ctx, objs)
	})
}

// diffObject describes how got differs from want, or returns "". Data
// must be equal byte for byte; a nil Data reads back as empty.
func diffObject(got, want meent.Object) string {
	var d []string
	for _, f := range []struct{ name, got, want string }{
		{"Kind", got.Kind, want.Kind}, {"ID", got.ID, want.ID}, {"Parent", got.Parent, want.Parent}, {"Commons", got.Commons, want.Commons},
		{"Agent", got.Agent, want.Agent}, {"Status", got.Status, want.Status},
	} {
		if f.got != f.want {
			d = append(d, fmt.Sprintf("%s %q, want %q", f.name, f.got, f.want))
		}
	}
	if got.Created != want.Created {
		d = append(d, fmt.Sprintf("Created %d, want %d", got.Created, want.Created))
	}
	if got.Updated != want.Updated {
		d = append(d, fmt.Sprintf("Updated %d, want %d", got.Updated, want.Updated))
	}
	if !bytes.Equal(got.Data, want.Data) {
		d = append(d, fmt.Sprintf("Data %q, want %q", got.Data, want.Data))
	}
	return strings.Join(d, "; ")
}

// checkObjects fails unless got is want, in order and field by field.
func checkObjects(t *testing.T, what string, got, want []meent.Object) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d objects %v, want %d %v", what, len(got), objectIDs(got), len(want), objectIDs(want))
	}
	for i := range got {
		if d := diffObject(got[i], want[i]); d != "" {
			t.Fatalf("%s: object %d (got %v, want %v): %s", what, i, objectIDs(got), objectIDs(want), d)
		}
	}
}

func objectIDs(objs []meent.Object) []string {
	out := make([]string, len(objs))
	for i, o := range objs {
		out[i] = o.Kind + "/" + o.ID
	}
	return out
}

// noObjects fails unless the store has no object of any of kinds.
func noObjects(t *testing.T, s meent.Store, kinds ...string) {
	t.Helper()
	for _, k := range kinds {
		if got := must(s.Objects(t.Context(), meent.ObjectFilter{Kind: k})).in(t); len(got) != 0 {
			t.Fatalf("objects of kind %q that must not be stored: %v", k, objectIDs(got))
		}
	}
}

// wantObjects is Objects by definition, over the objects a store holds.
func wantObjects(all map[[2]string]meent.Object, f meent.ObjectFilter) []meent.Object {
	var out []meent.Object
	for _, o := range all {
		if o.Kind == f.Kind && (f.Parent == "" || o.Parent == f.Parent) && (f.Commons == "" || o.Commons == f.Commons) &&
			(f.Agent == "" || o.Agent == f.Agent) && (f.Status == "" || o.Status == f.Status) {
			out = append(out, o)
		}
	}
	// IDs compare bytewise, as strings do in Go.
	byKey := func(a meent.Object, created int64, id string) int {
		return cmp.Or(cmp.Compare(a.Created, created), strings.Compare(a.ID, id))
	}
	slices.SortFunc(out, func(a, b meent.Object) int { return byKey(a, b.Created, b.ID) })
	if f.Desc {
		slices.Reverse(out)
	}
	if k := f.After; k != nil {
		out = slices.DeleteFunc(out, func(o meent.Object) bool {
			c := byKey(o, k.Created, k.ID)
			return c == 0 || (c < 0) != f.Desc
		})
	}
	n := f.Limit
	switch {
	case n <= 0:
		n = 100
	case n > 1000:
		n = 1000
	}
	return out[:min(n, len(out))]
}

func testObjectsRoundTrip(t *testing.T, s meent.Store) {
	ctx := t.Context()
	objs := []meent.Object{
		// Data is kept as given: whitespace, key order, escapes, numbers
		// no float64 could hold, all come back unchanged.
		{Kind: "commons", ID: "c1", Agent: fakeAgent("founder"), Status: "open", Created: 0, Updated: 3,
			Data: []byte("{\"z\":1,  \"a\" : [1e400, 9007199254740993, \"\\u00e9\", \"é\", \"\\\"q\\\"\"],\n\t\"nul\":\"\\u0000\" }")},
		{Kind: "contribution", ID: "ctb ✓", Commons: "c1", Agent: fakeAgent("maker"), Status: "pending", Created: 5, Updated: math.MaxInt64,
			Data: []byte(`{"hours":"2.50","note":"«bread»"}`)},
		{Kind: "need", ID: "n1", Created: 7, Updated: 7, Data: []byte(`{}`)}, // no commons, agent or status
		{Kind: "need", ID: "n2", Created: 8, Updated: 8},                     // no data: reads back empty
	}
	w := newWorld(t)
	_, create := w.create(agent.Person, "Founder")
	if err := appendWithObjects(ctx, t, s, [][]byte{create}, objs); err != nil {
		t.Fatal(err)
	}
	for _, want := range objs {
		got := must(s.Object(ctx, want.Kind, want.ID)).in(t)
		if d := diffObject(got, want); d != "" {
			t.Fatalf("Object(%q, %q): %s", want.Kind, want.ID, d)
		}
	}
	checkObjects(t, "Objects of kind need", must(s.Objects(ctx, meent.ObjectFilter{Kind: "need"})).in(t), objs[2:])

	_, err := s.Object(ctx, "commons", "nope")
	wantCode(t, err, meent.ENOTFOUND, "Object of an unknown ID")
	_, err = s.Object(ctx, "need", "c1")
	wantCode(t, err, meent.ENOTFOUND, "Object of a known ID under another kind")
	_, err = s.Object(ctx, "", "")
	wantCode(t, err, meent.ENOTFOUND, "Object with no kind or ID")
	noObjects(t, s, "nosuch")

	// Nothing to put is no error, and changes nothing.
	putObjects(t, s)
	putObjects(t, s, []meent.Object{}...)
	checkObjects(t, "Objects after empty puts", must(s.Objects(ctx, meent.ObjectFilter{Kind: "need"})).in(t), objs[2:])
}

func testObjectsReplace(t *testing.T, s meent.Store) {
	ctx := t.Context()
	v1 := meent.Object{Kind: "need", ID: "n", Commons: "c1", Agent: "a1", Status: "open", Created: 1, Updated: 1,
		Data: []byte(`{"text":"flour, a long description of it"}`)}
	other := meent.Object{Kind: "need", ID: "m", Commons: "c1", Status: "open", Created: 2, Updated: 2, Data: []byte(`{"m":1}`)}
	putObjects(t, s, v1, other)

	// A second put replaces every field but the key, in a later Sequence...
	v2 := meent.Object{Kind: "need", ID: "n", Commons: "c2", Agent: "a2", Status: "met", Created: 3, Updated: 9, Data: []byte(`{"x":2}`)}
	putObjects(t, s, v2)
	if d := diffObject(must(s.Object(ctx, "need", "n")).in(t), v2); d != "" {
		t.Fatalf("Object after a replace: %s", d)
	}
	for _, tt := range []struct {
		f    meent.ObjectFilter
		want []meent.Object
	}{
		{meent.ObjectFilter{Kind: "need"}, []meent.Object{other, v2}}, // ordered by the new Created
		{meent.ObjectFilter{Kind: "need", Status: "open"}, []meent.Object{other}},
		{meent.ObjectFilter{Kind: "need", Status: "met"}, []meent.Object{v2}},
		{meent.ObjectFilter{Kind: "need", Commons: "c1"}, []meent.Object{other}},
		{meent.ObjectFilter{Kind: "need", Agent: "a1"}, nil},
		{meent.ObjectFilter{Kind: "need", Agent: "a2"}, []meent.Object{v2}},
	} {
		checkObjects(t, fmt.Sprintf("after a replace, Objects(%+v)", tt.f), must(s.Objects(ctx, tt.f)).in(t), tt.want)
	}

	// ... and within one call the last of the same (kind, ID) wins, next
	// to each other (PostgreSQL refuses one statement that changes a row
	// twice, so the store must choose) ...
	x1 := meent.Object{Kind: "offer", ID: "x", Status: "open", Created: 5, Updated: 5, Data: []byte(`{"x":1}`)}
	x2 := meent.Object{Kind: "offer", ID: "x", Status: "closed", Created: 5, Updated: 6, Data: []byte(`{"x":2}`)}
	putObjects(t, s, x1, x2)
	checkObjects(t, "Objects after a put naming one object twice in a row",
		must(s.Objects(ctx, meent.ObjectFilter{Kind: "offer"})).in(t), []meent.Object{x2})

	// ... and apart, when the rows would go into separate statements.
	v3 := meent.Object{Kind: "need", ID: "n", Status: "closed", Created: 3, Updated: 10, Data: []byte(`{"v":3}`)}
	v4 := meent.Object{Kind: "need", ID: "n", Status: "open", Created: 3, Updated: 11} // no data: replaced by empty
	m2 := other
	m2.Updated, m2.Data = 11, []byte(`{"m":2}`)
	batch := []meent.Object{v3, other, {Kind: "offer", ID: "n", Created: 4, Updated: 4, Data: []byte(`{"o":1}`)}}
	for i := range 700 { // more than one statement's worth of rows
		batch = append(batch, meent.Object{Kind: "filler", ID: fmt.Sprint(i), Created: int64(i), Updated: int64(i), Data: []byte(`{}`)})
	}
	batch = append(batch, v4, m2)
	putObjects(t, s, batch...)
	checkObjects(t, "Objects after a put naming one object twice",
		must(s.Objects(ctx, meent.ObjectFilter{Kind: "need"})).in(t), []meent.Object{m2, v4})
	checkObjects(t, "Objects of kind offer", must(s.Objects(ctx, meent.ObjectFilter{Kind: "offer"})).in(t), []meent.Object{batch[2], x2})
	if d := diffObject(must(s.Object(ctx, "offer", "n")).in(t), batch[2]); d != "" {
		t.Fatalf("an object of another kind with the same ID: %s", d)
	}
	if got := must(s.Objects(ctx, meent.ObjectFilter{Kind: "filler", Limit: 1000})).in(t); len(got) != 700 {
		t.Fatalf("Objects of kind filler: %d, want 700", len(got))
	}

	// A put that changes only the parent, next to one that changes only
	// the data, in one statement: both are kept (a store may update the
	// columns that usually change apart from the others).
	p1 := meent.Object{Kind: "vote", ID: "v", Parent: "poll1", Created: 20, Updated: 20, Data: []byte(`{"v":1}`)}
	q1 := meent.Object{Kind: "vote", ID: "w", Parent: "poll1", Created: 21, Updated: 21, Data: []byte(`{"w":1}`)}
	putObjects(t, s, p1, q1)
	p2, q2 := p1, q1
	p2.Parent, p2.Updated = "poll2", 22
	q2.Status, q2.Updated, q2.Data = "cast", 22, []byte(`{"w":2}`)
	putObjects(t, s, p2, q2)
	checkObjects(t, "children of poll2 after a move", must(s.Objects(ctx, meent.ObjectFilter{Kind: "vote", Parent: "poll2"})).in(t), []meent.Object{p2})
	checkObjects(t, "children of poll1 after a move", must(s.Objects(ctx, meent.ObjectFilter{Kind: "vote", Parent: "poll1"})).in(t), []meent.Object{q2})
	checkObjects(t, "votes cast", must(s.Objects(ctx, meent.ObjectFilter{Kind: "vote", Status: "cast"})).in(t), []meent.Object{q2})
}

func testObjectsFilters(t *testing.T, s meent.Store) {
	ctx := t.Context()
	ag, bg := fakeAgent("obj a"), fakeAgent("obj b")
	// IDs whose byte order differs from the order of most locales:
	// "B" < "Z" < "_x" < "a" < "e" < "é" bytewise, and ties in Created.
	// id:      B   Z   _x  a   e   é   k   m
	// created: 1   1   1   1   2   2   3   4
	// commons: c1  c2  c1  c2  c1  c2  c1  c1
	// agent:   a   a   b   b   a   b   a   b
	// status:  o   o   o   x   x   o   o   x
	mk := func(id string, created int64, commons, agent, status string) meent.Object {
		return meent.Object{Kind: "need", ID: id, Commons: commons, Agent: agent, Status: status,
			Created: created, Updated: created + 100, Data: []byte(fmt.Sprintf(`{"id":%q}`, id))}
	}
	needs := []meent.Object{
		mk("B", 1, "c1", ag, "o"), mk("Z", 1, "c2", ag, "o"), mk("_x", 1, "c1", bg, "o"), mk("a", 1, "c2", bg, "x"),
		mk("e", 2, "c1", ag, "x"), mk("é", 2, "c2", bg, "o"), mk("k", 3, "c1", ag, "o"), mk("m", 4, "c1", bg, "x"),
	}
	// The same IDs and commons under another kind, which no listing of
	// needs may return.
	var offers []meent.Object
	for _, o := range needs {
		o.Kind = "offer"
		offers = append(offers, o)
	}
	// Put in an order of their own, so that insertion order cannot pass
	// for the right one.
	mixed := slices.Concat(needs, offers)
	rand.New(rand.NewPCG(3, 4)).Shuffle(len(mixed), func(i, j int) { mixed[i], mixed[j] = mixed[j], mixed[i] })
	putObjects(t, s, mixed[:5]...)
	putObjects(t, s, mixed[5:]...)

	all := map[[2]string]meent.Object{}
	for _, o := range slices.Concat(needs, offers) {
		all[[2]string{o.Kind, o.ID}] = o
	}
	pick := func(ids ...string) []meent.Object {
		var out []meent.Object
		for _, id := range ids {
			out = append(out, all[[2]string{"need", id}])
		}
		return out
	}
	for _, tt := range []struct {
		name string
		f    meent.ObjectFilter
		want []meent.Object
	}{
		{"all", meent.ObjectFilter{Kind: "need"}, pick("B", "Z", "_x", "a", "e", "é", "k", "m")},
		{"desc", meent.ObjectFilter{Kind: "need", Desc: true}, pick("m", "k", "é", "e", "a", "_x", "Z", "B")},
		{"commons", meent.ObjectFilter{Kind: "need", Commons: "c1"}, pick("B", "_x", "e", "k", "m")},
		{"agent", meent.ObjectFilter{Kind: "need", Agent: bg}, pick("_x", "a", "é", "m")},
		{"status", meent.ObjectFilter{Kind: "need", Status: "x"}, pick("a", "e", "m")},
		{"commons and agent", meent.ObjectFilter{Kind: "need", Commons: "c1", Agent: ag}, pick("B", "e", "k")},
		{"commons and status desc", meent.ObjectFilter{Kind: "need", Commons: "c2", Status: "o", Desc: true}, pick("é", "Z")},
		{"all three", meent.ObjectFilter{Kind: "need", Commons: "c1", Agent: bg, Status: "x"}, pick("m")},
		{"limit inside a tie", meent.ObjectFilter{Kind: "need", Limit: 3}, pick("B", "Z", "_x")},
		{"desc limit", meent.ObjectFilter{Kind: "need", Desc: true, Limit: 3}, pick("m", "k", "é")},
		{"after, in a tie", meent.ObjectFilter{Kind: "need", After: &meent.ObjectKey{Created: 1, ID: "Z"}}, pick("_x", "a", "e", "é", "k", "m")},
		{"after, desc", meent.ObjectFilter{Kind: "need", Desc: true, After: &meent.ObjectKey{Created: 2, ID: "é"}}, pick("e", "a", "_x", "Z", "B")},
		{"after an absent key", meent.ObjectFilter{Kind: "need", Commons: "c1", After: &meent.ObjectKey{Created: 1, ID: "C"}}, pick("_x", "e", "k", "m")},
		{"after the last", meent.ObjectFilter{Kind: "need", After: &meent.ObjectKey{Created: 4, ID: "m"}}, nil},
		{"unknown commons", meent.ObjectFilter{Kind: "need", Commons: "c3"}, nil},
		{"unknown kind", meent.ObjectFilter{Kind: "needs"}, nil},
	} {
		got := must(s.Objects(ctx, tt.f)).in(t)
		checkObjects(t, tt.name, got, tt.want)
		// The hand-written answers and the definition agree.
		checkObjects(t, tt.name+" (by definition)", got, wantObjects(all, tt.f))
	}
}

// testObjectsLimits checks the default and maximum page sizes of Objects
// (100, 1000), with 1001 objects put in one call.
func testObjectsLimits(t *testing.T, s meent.Store) {
	ctx := t.Context()
	var objs []meent.Object
	all := map[[2]string]meent.Object{}
	for i := range 1001 {
		// Created runs backwards and repeats, so that neither insertion
		// order nor IDs alone give the order.
		o := meent.Object{Kind: "contribution", ID: fmt.Sprintf("ctb-%04d", i), Commons: "c", Status: "open",
			Created: int64(1000-i) / 3, Updated: int64(i), Data: []byte(fmt.Sprintf(`{"i":%d}`, i))}
		objs = append(objs, o)
		all[[2]string{o.Kind, o.ID}] = o
	}
	putObjects(t, s, objs...)
	for _, tt := range []struct {
		limit, want int
	}{{0, 100}, {-1, 100}, {7, 7}, {1000, 1000}, {5000, 1000}} {
		for _, desc := range []bool{false, true} {
			f := meent.ObjectFilter{Kind: "contribution", Commons: "c", Limit: tt.limit, Desc: desc}
			got := must(s.Objects(ctx, f)).in(t)
			if len(got) != tt.want {
				t.Fatalf("Objects(%+v): %d objects, want %d", f, len(got), tt.want)
			}
			checkObjects(t, fmt.Sprintf("Objects(%+v)", f), got, wantObjects(all, f))
		}
	}
	// Following the After cursor lists all 1001, each exactly once, in
	// order, in both directions and whatever the page size.
	for _, limit := range []int{1000, 7} {
		for _, desc := range []bool{false, true} {
			f := meent.ObjectFilter{Kind: "contribution", Commons: "c", Limit: limit, Desc: desc}
			var walked []meent.Object
			for pages := 0; ; pages++ {
				if pages > 1001 {
					t.Fatalf("Objects(%+v): the cursor never ends", f)
				}
				page := must(s.Objects(ctx, f)).in(t)
				walked = append(walked, page...)
				if len(page) < limit {
					break
				}
				last := page[len(page)-1]
				f.After = &meent.ObjectKey{Created: last.Created, ID: last.ID}
			}
			f.After, f.Limit = nil, 5000
			want := wantObjects(all, f)
			want = append(want, wantObjects(all, meent.ObjectFilter{Kind: "contribution", Desc: desc, After: &meent.ObjectKey{Created: want[len(want)-1].Created, ID: want[len(want)-1].ID}})...)
			checkObjects(t, fmt.Sprintf("all pages of %d, desc %v", limit, desc), walked, want)
		}
	}
	// The one that no page reaches is stored too.
	last := wantObjects(all, meent.ObjectFilter{Kind: "contribution", Desc: true, Limit: 1})[0]
	if d := diffObject(must(s.Object(ctx, last.Kind, last.ID)).in(t), last); d != "" {
		t.Fatalf("Object(%q): %s", last.ID, d)
	}
}

// testObjectsInvalid: Objects needs a kind; PutObjects refuses an object
// without a kind or ID, or with text PostgreSQL cannot store, and that
// dooms its Sequence as a failed Append does.
func testObjectsInvalid(t *testing.T, s meent.Store) {
	ctx := t.Context()
	for _, f := range []meent.ObjectFilter{{}, {Commons: "c", Agent: "a", Status: "open", Limit: 5}} {
		_, err := s.Objects(ctx, f)
		wantCode(t, err, meent.EINVALID, fmt.Sprintf("Objects(%+v)", f))
	}

	kept := meent.Object{Kind: "need", ID: "kept", Created: 1, Updated: 1, Data: []byte(`{"v":1}`)}
	putObjects(t, s, kept)
	replaced := kept
	replaced.Data = []byte(`{"v":2}`)
	fine := meent.Object{Kind: "need", ID: "fine", Created: 2, Updated: 2, Data: []byte(`{}`)}
	for _, tt := range []struct {
		name string
		bad  meent.Object
	}{
		{"no kind", meent.Object{ID: "x", Data: []byte(`{}`)}},
		{"no ID", meent.Object{Kind: "need", Data: []byte(`{}`)}},
		{"neither", meent.Object{}},
		{"NUL in status", meent.Object{Kind: "need", ID: "x", Status: "op\x00en"}},
		{"NUL in ID", meent.Object{Kind: "need", ID: "\x00"}},
		{"not UTF-8 commons", meent.Object{Kind: "need", ID: "x", Commons: "\xff"}},
		{"not UTF-8 kind", meent.Object{Kind: "ne\xc3ed", ID: "x"}},
	} {
		err := s.Sequence(ctx, func(tx meent.SeqTx) error {
			// A put that succeeds first, then one whose valid objects come
			// before the invalid one: nothing of either may be kept.
			if err := tx.PutObjects(ctx, []meent.Object{fine, replaced}); err != nil {
				return fmt.Errorf("valid PutObjects: %w", err)
			}
			err := tx.PutObjects(ctx, []meent.Object{{Kind: "need", ID: "before", Created: 3, Updated: 3}, tt.bad})
			wantCode(t, err, meent.EINVALID, "PutObjects with "+tt.name)
			// The Sequence is doomed: later calls return the same failure.
			err2 := tx.PutObjects(ctx, []meent.Object{{Kind: "need", ID: "after", Created: 4, Updated: 4}})
			if !errors.Is(err2, err) {
				t.Errorf("PutObjects after a failed one: %v, want %v", err2, err)
			}
			return nil // ignore it
		})
		wantCode(t, err, meent.EINVALID, "Sequence whose fn ignored a PutObjects with "+tt.name)
		checkObjects(t, "objects after a refused put with "+tt.name,
			must(s.Objects(ctx, meent.ObjectFilter{Kind: "need"})).in(t), []meent.Object{kept})
	}
}

// testObjectsRollback: objects put in a Sequence that fails, however it
// fails, are not kept, and an object replaced there keeps its old value.
func testObjectsRollback(t *testing.T, s meent.Store) {
	ctx := t.Context()
	entries := notes(t, Key("objects rollback"), "note.post", fakeAgent("objects rollback"), 4)
	old := meent.Object{Kind: "need", ID: "n", Status: "open", Created: 0, Updated: 0, Data: []byte(`{"v":"old"}`)}
	if err := appendWithObjects(ctx, t, s, entries[:2], []meent.Object{old}); err != nil {
		t.Fatal(err)
	}
	recs := must(s.Records(ctx, meent.EventFilter{})).in(t)
	cp := must(s.Checkpoint(ctx)).in(t)
	replaced := old
	replaced.Status, replaced.Updated, replaced.Data = "met", 2, []byte(`{"v":"new"}`)
	added := meent.Object{Kind: "offer", ID: "o", Created: 2, Updated: 2, Data: []byte(`{}`)}
	objs := []meent.Object{replaced, added}
	boom := errors.New("boom")

	for _, tt := range []struct {
		name string
		fn   func(tx meent.SeqTx) error
		want string // the error code, "" for boom
	}{
		{"fn fails after Append and PutObjects", func(tx meent.SeqTx) error {
			b, err := build(t, ctx, tx.ReadHashes, 2, entries[2:3])
			if err != nil {
				return err
			}
			if err := tx.Append(ctx, b.Records, b.Hashes, b.Checkpoint); err != nil {
				return err
			}
			if err := tx.PutObjects(ctx, objs); err != nil {
				return err
			}
			return boom
		}, ""},
		{"Append fails after PutObjects, fn ignores it", func(tx meent.SeqTx) error {
			if err := tx.PutObjects(ctx, objs); err != nil {
				return err
			}
			b, err := build(t, ctx, tx.ReadHashes, 2, [][]byte{entries[2], entries[0]}) // entries[0] again
			if err != nil {
				return err
			}
			if err := tx.Append(ctx, b.Records, b.Hashes, b.Checkpoint); meent.ErrorCode(err) != meent.ECONFLICT {
				t.Errorf("Append of a duplicate: %v, want ECONFLICT", err)
			}
			return nil
		}, meent.ECONFLICT},
		{"PutObjects after a failed Append, fn ignores both", func(tx meent.SeqTx) error {
			b, err := build(t, ctx, tx.ReadHashes, 2, [][]byte{entries[1]}) // already in the log
			if err != nil {
				return err
			}
			aerr := tx.Append(ctx, b.Records, b.Hashes, b.Checkpoint)
			if meent.ErrorCode(aerr) != meent.ECONFLICT {
				t.Errorf("Append of a duplicate: %v, want ECONFLICT", aerr)
			}
			if err := tx.PutObjects(ctx, objs); !errors.Is(err, aerr) {
				t.Errorf("PutObjects after a failed Append: %v, want the Append's error", err)
			}
			return nil
		}, meent.ECONFLICT},
	} {
		err := s.Sequence(ctx, tt.fn)
		if tt.want == "" {
			if !errors.Is(err, boom) {
				t.Fatalf("%s: Sequence = %v, want fn's error", tt.name, err)
			}
		} else {
			wantCode(t, err, tt.want, tt.name)
		}
		unchanged(t, s, recs, cp, sha256.Sum256(entries[2]))
		if d := diffObject(must(s.Object(ctx, "need", "n")).in(t), old); d != "" {
			t.Fatalf("%s: object replaced in the failed Sequence: %s", tt.name, d)
		}
		noObjects(t, s, "offer")
	}

	// The store is still usable.
	if err := appendWithObjects(ctx, t, s, entries[2:3], objs); err != nil {
		t.Fatal(err)
	}
	for _, want := range objs {
		if d := diffObject(must(s.Object(ctx, want.Kind, want.ID)).in(t), want); d != "" {
			t.Fatalf("Object(%q, %q) after the failed Sequences: %s", want.Kind, want.ID, d)
		}
	}
}

// testObjectsStateLines: StateLines emits state.ObjectLine of every stored
// object, exactly, besides the agent lines.
func testObjectsStateLines(t *testing.T, s meent.Store) {
	ctx := t.Context()
	w := newWorld(t)
	alice, e0 := w.create(agent.Person, "Alice")
	_, e1 := w.create(agent.Cooperative, "Mill")
	objs := []meent.Object{
		{Kind: "commons", ID: "c1", Agent: alice, Status: "open", Created: 0, Updated: 1,
			Data: []byte("{\"name\": \"Mill \\\"&\\\" co\",\n\"tags\":[\"é\", \"\\u00e9\"]}")},
		{Kind: "need", ID: "n1", Commons: "c1", Created: 1, Updated: 1, Data: []byte(`{}`)},
		{Kind: "need", ID: "n2", Created: 1, Updated: 1}, // no data
	}
	if err := appendWithObjects(ctx, t, s, [][]byte{e0, e1}, objs); err != nil {
		t.Fatal(err)
	}
	// A replace shows in the lines, the old version no longer.
	objs[1].Status, objs[1].Updated, objs[1].Data = "met", 5, []byte(`{"met":true}`)
	putObjects(t, s, objs[1])

	var want []string
	w.st.Lines(func(l string) { want = append(want, l) })
	for _, o := range objs {
		want = append(want, state.ObjectLine(o))
	}
	sort.Strings(want)
	if got := stateLines(t, s); !slices.Equal(got, want) {
		t.Fatalf("StateLines:\n got: %q\nwant: %q", got, want)
	}
}

// testObjectsModel puts random objects in random Sequences, some of which
// fail, and compares every listing with a model of what must be stored.
func testObjectsModel(t *testing.T, s meent.Store) {
	ctx := t.Context()
	rng := rand.New(rand.NewPCG(5, 6))
	kinds := []string{"need", "offer"}
	ids := []string{"A", "a", "B", "b", "_", "1", "é", "e", "Ω", "z z", "0x"}
	commons := []string{"", "c1", "c2"}
	agents := []string{"", fakeAgent("m1"), fakeAgent("m2")}
	statuses := []string{"", "open", "closed"}
	pick := func(xs []string) string { return xs[rng.IntN(len(xs))] }
	model := map[[2]string]meent.Object{}
	for round := range 30 {
		var objs []meent.Object
		for range 1 + rng.IntN(12) {
			objs = append(objs, meent.Object{Kind: pick(kinds), ID: pick(ids), Commons: pick(commons), Agent: pick(agents),
				Status: pick(statuses), Created: rng.Int64N(4), Updated: int64(round),
				Data: []byte(fmt.Sprintf(`{"round":%d,"r":%d}`, round, rng.IntN(1000)))})
		}
		fail := rng.IntN(4) == 0
		err := s.Sequence(ctx, func(tx meent.SeqTx) error {
			// Sometimes in two calls, so the later call replaces the earlier.
			k := rng.IntN(len(objs) + 1)
			if err := tx.PutObjects(ctx, objs[:k]); err != nil {
				return err
			}
			if err := tx.PutObjects(ctx, objs[k:]); err != nil {
				return err
			}
			if fail {
				return errors.New("fail")
			}
			return nil
		})
		if fail != (err != nil) {
			t.Fatalf("round %d: Sequence = %v", round, err)
		}
		if !fail {
			for _, o := range objs {
				model[[2]string{o.Kind, o.ID}] = o
			}
		}
	}
	for _, k := range append(kinds, "other") {
		for _, c := range commons {
			for _, a := range agents {
				for _, st := range statuses {
					for _, desc := range []bool{false, true} {
						for _, limit := range []int{0, 3} {
							f := meent.ObjectFilter{Kind: k, Commons: c, Agent: a, Status: st, Desc: desc, Limit: limit}
							checkObjects(t, fmt.Sprintf("Objects(%+v)", f), must(s.Objects(ctx, f)).in(t), wantObjects(model, f))
						}
					}
				}
			}
		}
	}
	// And the lines are the model's.
	var want []string
	for _, o := range model {
		want = append(want, state.ObjectLine(o))
	}
	sort.Strings(want)
	if got := stateLines(t, s); !slices.Equal(got, want) {
		t.Fatalf("StateLines:\n got: %q\nwant: %q", got, want)
	}
}
