package storetest

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"testing"

	"github.com/meent/meent"
	"github.com/meent/meent/state"
)

// The event index and child objects (migration 0007): Record.Commons and
// .Agents written by Append and PutRefs and read by EventFilter.Commons
// and .Touches; Object.Parent and ObjectFilter.Parent.

// appendWithRefs appends entries in one Sequence, giving record i the
// refs refs(i) returns, and returns the records as appended.
func appendWithRefs(ctx context.Context, t *testing.T, s meent.Store, entries [][]byte, refs func(i int64) (commons, agents []string)) ([]meent.Record, error) {
	t.Helper()
	var b Batch
	err := s.Sequence(ctx, func(tx meent.SeqTx) error {
		n, err := tx.Size(ctx)
		if err != nil {
			return err
		}
		if b, err = build(t, ctx, tx.ReadHashes, n, entries); err != nil {
			return err
		}
		for i := range b.Records {
			b.Records[i].Commons, b.Records[i].Agents = refs(b.Records[i].Index)
		}
		return tx.Append(ctx, b.Records, b.Hashes, b.Checkpoint)
	})
	return b.Records, err
}

// wantRecords is Records by definition, over records that carry refs.
func wantRecords(all []meent.Record, f meent.EventFilter) []int64 {
	var out []int64
	for _, r := range all {
		if (f.Commons == "" || slices.Contains(r.Commons, f.Commons)) && (f.Touches == "" || slices.Contains(r.Agents, f.Touches)) &&
			(f.Author == "" || r.Author == f.Author) && (f.Type == "" || r.Type == f.Type) &&
			(f.Before <= 0 || r.Index < f.Before) && r.Index >= f.After {
			out = append(out, r.Index)
		}
	}
	if f.Desc {
		slices.Reverse(out)
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

// testRefsFilters appends events with index entries in two batches and
// checks every combination of the filters against the definition, and
// that following Before page by page lists each event exactly once.
func testRefsFilters(t *testing.T, s meent.Store) {
	ctx := t.Context()
	a, b := fakeAgent("a"), fakeAgent("b")
	c1, c2, c3 := fakeAgent("c1"), fakeAgent("c2"), fakeAgent("c3")
	key := Key("refs")
	// Event i: author a (even) or b (odd), type x or y (i%3 == 0); commons
	// c1 when i%2 == 0, c2 when i%3 == 0, none otherwise; agents: the
	// author, and b when i%5 == 0 (named twice when b is the author:
	// stored once). c3 is touched by nothing.
	refs := func(i int64) ([]string, []string) {
		var cs, as []string
		if i%2 == 0 {
			cs = append(cs, c1)
		}
		if i%3 == 0 {
			cs = append(cs, c2)
		}
		author := a
		if i%2 == 1 {
			author = b
		}
		as = append(as, author)
		if i%5 == 0 {
			as = append(as, b)
		}
		return cs, as
	}
	var entries [][]byte
	for i := 0; i < 40; i++ {
		author, typ := a, "test.x"
		if i%2 == 1 {
			author = b
		}
		if i%3 == 0 {
			typ = "test.y"
		}
		entries = append(entries, Sign(t, key, typ, author, baseTime+int64(i), map[string]any{"i": i}))
	}
	r1, err := appendWithRefs(ctx, t, s, entries[:25], refs)
	if err != nil {
		t.Fatal(err)
	}
	r2, err := appendWithRefs(ctx, t, s, entries[25:], refs)
	if err != nil {
		t.Fatal(err)
	}
	all := append(r1, r2...)

	var filters []meent.EventFilter
	for _, cs := range []string{"", c1, c2, c3} {
		for _, ag := range []string{"", a, b} {
			if cs == "" && ag == "" {
				continue
			}
			for _, f := range []meent.EventFilter{
				{}, {Desc: true}, {Limit: 3}, {Desc: true, Limit: 3}, {Before: 20, Desc: true, Limit: 4},
				{After: 10, Limit: 5}, {After: 10, Before: 30}, {Author: a}, {Type: "test.y", Desc: true},
				{Author: b, Type: "test.x", After: 5, Before: 35, Desc: true, Limit: 2},
			} {
				f.Commons, f.Touches = cs, ag
				filters = append(filters, f)
			}
		}
	}
	for _, f := range filters {
		got := must(s.Records(ctx, f)).in(t)
		if want := wantRecords(all, f); !slices.Equal(indexes(got), want) {
			t.Errorf("Records(%+v) = %v, want %v", f, indexes(got), want)
			continue
		}
		for _, r := range got {
			checkRecord(t, fmt.Sprintf("%+v", f), r, all[r.Index])
		}
	}

	// Paging newest first with Before, as activity pages do.
	for _, f := range []meent.EventFilter{{Commons: c1}, {Touches: b}, {Commons: c2, Touches: a}} {
		var got []int64
		f.Desc, f.Limit = true, 4
		for {
			page := must(s.Records(ctx, f)).in(t)
			got = append(got, indexes(page)...)
			// Before 0 means no bound: a page that ends at the first
			// event is the last one.
			if len(page) < f.Limit || page[len(page)-1].Index == 0 {
				break
			}
			f.Before = page[len(page)-1].Index
		}
		all := wantRecords(all, meent.EventFilter{Commons: f.Commons, Touches: f.Touches, Desc: true, Limit: 1000})
		if !slices.Equal(got, all) {
			t.Errorf("paging %+v: %v, want %v", f, got, all)
		}
	}
}

// testRefsInvalid checks that an index entry the store cannot keep fails
// the Append with EINVALID, and that nothing of that Sequence is kept.
func testRefsInvalid(t *testing.T, s meent.Store) {
	ctx := t.Context()
	key := Key("refs invalid")
	author := fakeAgent("a")
	mustAppend(t, s, Sign(t, key, "test.x", author, baseTime, map[string]any{"i": 0}))
	for i, bad := range []string{"", "nul\x00", "\xff\xfe"} {
		e := Sign(t, key, "test.x", author, baseTime+1, map[string]any{"bad": i})
		for _, agents := range []bool{false, true} {
			_, err := appendWithRefs(ctx, t, s, [][]byte{e}, func(int64) ([]string, []string) {
				if agents {
					return nil, []string{author, bad}
				}
				return []string{bad}, []string{author}
			})
			wantCode(t, err, meent.EINVALID, fmt.Sprintf("index entry %q", bad))
			if n := must(s.Size(ctx)).in(t); n != 1 {
				t.Fatalf("size %d after a refused Append, want 1", n)
			}
			if got := must(s.Records(ctx, meent.EventFilter{Touches: author})).in(t); len(got) != 0 {
				t.Fatalf("index entries of a refused Append: %v", indexes(got))
			}
		}
	}
}

// testRefsBackfill checks PutRefs and RefsPending: a new store has
// nothing pending; entries written by PutRefs for records appended
// without refs are found by the filters; writing them again changes
// nothing; a failed PutRefs keeps nothing.
func testRefsBackfill(t *testing.T, s meent.Store) {
	ctx := t.Context()
	if from, to, err := s.RefsPending(ctx); err != nil || from != to {
		t.Fatalf("RefsPending of a new store = %d, %d, %v; want an empty range", from, to, err)
	}
	key := Key("refs backfill")
	author, c := fakeAgent("a"), fakeAgent("c")
	recs := mustAppend(t, s, notes(t, key, "test.x", author, 6)...)
	if got := must(s.Records(ctx, meent.EventFilter{Touches: author})).in(t); len(got) != 0 {
		t.Fatalf("records appended without refs are in the index: %v", indexes(got))
	}
	put := func(recs []meent.Record, next int64) error {
		return s.Sequence(ctx, func(tx meent.SeqTx) error { return tx.PutRefs(ctx, recs, next) })
	}
	var withRefs []meent.Record
	for _, r := range recs {
		r.Agents = []string{author}
		if r.Index%2 == 0 {
			r.Commons = []string{c}
		}
		withRefs = append(withRefs, r)
	}
	for range 2 { // the second time is a no-op
		if err := put(withRefs[:4], 4); err != nil {
			t.Fatal(err)
		}
		if got := must(s.Records(ctx, meent.EventFilter{Touches: author, Desc: true})).in(t); !slices.Equal(indexes(got), []int64{3, 2, 1, 0}) {
			t.Fatalf("after PutRefs: events touching the agent %v, want [3 2 1 0]", indexes(got))
		}
	}
	bad := withRefs[4]
	bad.Commons = []string{""}
	wantCode(t, put([]meent.Record{withRefs[5], bad}, 6), meent.EINVALID, "PutRefs of an empty ID")
	if got := must(s.Records(ctx, meent.EventFilter{Commons: c, Desc: true})).in(t); !slices.Equal(indexes(got), []int64{2, 0}) {
		t.Fatalf("after a failed PutRefs: events of the commons %v, want [2 0]", indexes(got))
	}
	if from, to, err := s.RefsPending(ctx); err != nil || from != to {
		t.Fatalf("RefsPending = %d, %d, %v; a new store's range stays empty", from, to, err)
	}
}

// testObjectsParent checks child objects: listing the children of one
// parent in both orders, page by page with the After cursor, a child
// moving to another parent, and the parent in the state lines.
func testObjectsParent(t *testing.T, s meent.Store) {
	ctx := t.Context()
	all := map[[2]string]meent.Object{}
	var objs []meent.Object
	for i := range 30 {
		o := meent.Object{Kind: "vote", ID: fmt.Sprintf("v%02d", i), Parent: []string{"p1", "p2", "p3"}[i%3],
			Commons: "c", Created: int64(i / 2), Updated: int64(i / 2), Data: []byte(`{}`)}
		objs = append(objs, o)
		all[[2]string{o.Kind, o.ID}] = o
	}
	// A poll without a parent, and an object of another kind under p1.
	others := []meent.Object{{Kind: "poll", ID: "p1", Created: 0, Updated: 0}, {Kind: "comment", ID: "x", Parent: "p1", Created: 3, Updated: 3}}
	for _, o := range others {
		all[[2]string{o.Kind, o.ID}] = o
	}
	putObjects(t, s, append(objs, others...)...)

	check := func() {
		t.Helper()
		for _, parent := range []string{"p1", "p2", "p3", "p4"} {
			for _, desc := range []bool{false, true} {
				f := meent.ObjectFilter{Kind: "vote", Parent: parent, Desc: desc, Limit: 3}
				var got []meent.Object
				for {
					page := must(s.Objects(ctx, f)).in(t)
					got = append(got, page...)
					if len(page) < f.Limit {
						break
					}
					last := page[len(page)-1]
					f.After = &meent.ObjectKey{Created: last.Created, ID: last.ID}
				}
				want := wantObjects(all, meent.ObjectFilter{Kind: "vote", Parent: parent, Desc: desc, Limit: 1000})
				checkObjects(t, fmt.Sprintf("children of %s (desc %v), paged", parent, desc), got, want)
			}
		}
	}
	check()
	// A child moved to another parent is listed under that one only.
	moved := objs[0]
	moved.Parent, moved.Updated = "p2", 20
	all[[2]string{moved.Kind, moved.ID}] = moved
	putObjects(t, s, moved)
	check()
	if got := must(s.Object(ctx, "vote", moved.ID)).in(t); got.Parent != "p2" {
		t.Fatalf("Object: parent %q, want p2", got.Parent)
	}

	var want []string
	for _, o := range all {
		want = append(want, state.ObjectLine(o))
	}
	sort.Strings(want)
	if got := stateLines(t, s); !slices.Equal(got, want) {
		t.Fatalf("StateLines:\n got: %q\nwant: %q", got, want)
	}
}
