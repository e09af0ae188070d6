// Package storetest is the conformance suite of meent.Store: one set of
// tests that every storage backend must pass, so that SQLite and
// PostgreSQL behave alike down to error codes. A backend's test calls
// Run with a function that opens a fresh, empty store:
//
//	func TestStore(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) meent.Store { ... })
//	}
//
// The records appended are real signed events (ledger.Sign, parsed back
// with ledger.Parse), and the agent events are first accepted by the rules
// (state.State), so the projections are checked against a replay.
package storetest

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/meent/meent"
	"github.com/meent/meent/agent"
	"github.com/meent/meent/ledger"
	"github.com/meent/meent/state"
)

// Run runs the suite. open must return a new, empty store each time it is
// called, and close it when the test ends (t.Cleanup). Subtests run in
// parallel, so stores opened for different subtests must not share data.
func Run(t *testing.T, open func(t *testing.T) meent.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s meent.Store)
	}{
		{"Empty", testEmpty},
		{"AppendAndRead", testAppendAndRead},
		{"Entries", testEntries},
		{"Records", testRecords},
		{"Limits", testLimits},
		{"TreeHashes", testTreeHashes},
		{"Checkpoint", testCheckpoint},
		{"SeqTxReads", testSeqTxReads},
		{"DuplicateIndex", testDuplicateIndex},
		{"DuplicateHash", testDuplicateHash},
		{"FailedAppendNeverCommits", testFailedAppendNeverCommits},
		{"Gap", testGap},
		{"FnError", testFnError},
		{"Projections", testProjections},
		{"StateDigest", testStateDigest},
		{"ObjectsRoundTrip", testObjectsRoundTrip},
		{"ObjectsReplace", testObjectsReplace},
		{"ObjectsFilters", testObjectsFilters},
		{"ObjectsLimits", testObjectsLimits},
		{"ObjectsInvalid", testObjectsInvalid},
		{"ObjectsRollback", testObjectsRollback},
		{"ObjectsStateLines", testObjectsStateLines},
		{"ObjectsModel", testObjectsModel},
		{"ObjectsParent", testObjectsParent},
		{"RefsFilters", testRefsFilters},
		{"RefsInvalid", testRefsInvalid},
		{"RefsBackfill", testRefsBackfill},
		{"Accounts", testAccounts},
		{"Sessions", testSessions},
		{"Tokens", testTokens},
		{"Private", testPrivate},
		{"Snapshots", testSnapshots},
		{"Known", testKnown},
		{"BookingsSecondLine", testBookingsSecondLine}, // bookings.go
		{"FeedTokens", testFeedTokens},                 // bookings.go
		{"Concurrent", func(t *testing.T, s meent.Store) { Concurrent(t, s) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.fn(t, open(t))
		})
	}
}

// wantCode fails the test unless err carries the meent error code.
func wantCode(t *testing.T, err error, code string, what string) {
	t.Helper()
	if got := meent.ErrorCode(err); got != code {
		t.Fatalf("%s: error %v (code %q), want code %q", what, err, got, code)
	}
}

// must(f()).in(t) returns f's value, or fails the test with f's error.
func must[T any](v T, err error) result[T] { return result[T]{v, err} }

type result[T any] struct {
	v   T
	err error
}

func (r result[T]) in(t *testing.T) T {
	t.Helper()
	if r.err != nil {
		t.Fatal(r.err)
	}
	return r.v
}

// diffRecord describes how got differs from want, or returns "".
func diffRecord(got, want meent.Record) string {
	var d []string
	if got.Index != want.Index {
		d = append(d, fmt.Sprintf("Index %d, want %d", got.Index, want.Index))
	}
	if got.Hash != want.Hash {
		d = append(d, fmt.Sprintf("Hash %x, want %x", got.Hash, want.Hash))
	}
	if got.Type != want.Type {
		d = append(d, fmt.Sprintf("Type %q, want %q", got.Type, want.Type))
	}
	if got.Author != want.Author {
		d = append(d, fmt.Sprintf("Author %q, want %q", got.Author, want.Author))
	}
	if !bytes.Equal(got.Key, want.Key) {
		d = append(d, fmt.Sprintf("Key %x, want %x", got.Key, want.Key))
	}
	if got.Time != want.Time {
		d = append(d, fmt.Sprintf("Time %d, want %d", got.Time, want.Time))
	}
	if !bytes.Equal(got.Data, want.Data) {
		d = append(d, fmt.Sprintf("Data %q, want %q", got.Data, want.Data))
	}
	if !bytes.Equal(got.Entry, want.Entry) {
		d = append(d, fmt.Sprintf("Entry %q, want %q", got.Entry, want.Entry))
	}
	return strings.Join(d, "; ")
}

// checkRecord fails unless got equals want and agrees with its own
// envelope: a store must never let the copies drift from the signed bytes.
func checkRecord(t *testing.T, what string, got, want meent.Record) {
	t.Helper()
	if d := diffRecord(got, want); d != "" {
		t.Fatalf("%s: %s", what, d)
	}
	if d := diffRecord(got, Record(t, got.Index, got.Entry)); d != "" {
		t.Fatalf("%s: record disagrees with its envelope: %s", what, d)
	}
}

func indexes(recs []meent.Record) []int64 {
	out := make([]int64, len(recs))
	for i, r := range recs {
		out[i] = r.Index
	}
	return out
}

// unchanged fails unless the log still has exactly the records recs, with
// cp as its checkpoint, and nothing else (no other hash, no tree hash past
// the tree of len(recs) leaves).
func unchanged(t *testing.T, s meent.Store, recs []meent.Record, cp meent.Checkpoint, extra ...[32]byte) {
	t.Helper()
	ctx := t.Context()
	if n := must(s.Size(ctx)).in(t); n != int64(len(recs)) {
		t.Fatalf("Size = %d, want %d", n, len(recs))
	}
	es := must(s.Entries(ctx, 0, len(recs)+10)).in(t)
	if len(es) != len(recs) {
		t.Fatalf("Entries returned %d, want %d", len(es), len(recs))
	}
	for i, r := range recs {
		if !bytes.Equal(es[i], r.Entry) {
			t.Fatalf("entry %d changed", i)
		}
	}
	got, err := s.Checkpoint(ctx)
	if len(recs) == 0 && cp.Note == nil {
		wantCode(t, err, meent.ENOTFOUND, "Checkpoint")
	} else if err != nil || !equalCheckpoint(got, cp) {
		t.Fatalf("Checkpoint = %+v, %v; want %+v", got, err, cp)
	}
	for _, h := range extra {
		_, err := s.RecordByHash(ctx, h)
		wantCode(t, err, meent.ENOTFOUND, "RecordByHash of an event that must not be in the log")
	}
	// The first stored hash of the next leaf must not be there either.
	_, err = s.ReadHashes(ctx, []int64{tlog.StoredHashIndex(0, int64(len(recs)))})
	wantCode(t, err, meent.ENOTFOUND, "ReadHashes past the log")
}

func equalCheckpoint(a, b meent.Checkpoint) bool {
	return a.Size == b.Size && a.Root == b.Root && bytes.Equal(a.Note, b.Note) && a.Time == b.Time
}

func testEmpty(t *testing.T, s meent.Store) {
	ctx := t.Context()
	if n := must(s.Size(ctx)).in(t); n != 0 {
		t.Fatalf("Size = %d, want 0", n)
	}
	_, err := s.Checkpoint(ctx)
	wantCode(t, err, meent.ENOTFOUND, "Checkpoint")
	if es := must(s.Entries(ctx, 0, 10)).in(t); len(es) != 0 {
		t.Fatalf("Entries = %d entries, want none", len(es))
	}
	if rs := must(s.Records(ctx, meent.EventFilter{})).in(t); len(rs) != 0 {
		t.Fatalf("Records = %d, want none", len(rs))
	}
	_, err = s.RecordByIndex(ctx, 0)
	wantCode(t, err, meent.ENOTFOUND, "RecordByIndex")
	_, err = s.RecordByHash(ctx, sha256.Sum256(nil))
	wantCode(t, err, meent.ENOTFOUND, "RecordByHash")
	_, err = s.ReadHashes(ctx, []int64{0})
	wantCode(t, err, meent.ENOTFOUND, "ReadHashes")
	if hs := must(s.ReadHashes(ctx, nil)).in(t); len(hs) != 0 {
		t.Fatalf("ReadHashes(nil) = %d hashes", len(hs))
	}
	_, err = s.Agent(ctx, fakeAgent("nobody"))
	wantCode(t, err, meent.ENOTFOUND, "Agent")
	if as := must(s.Agents(ctx, meent.AgentFilter{})).in(t); len(as) != 0 {
		t.Fatalf("Agents = %d, want none", len(as))
	}
	_, err = s.Object(ctx, "need", "nothing")
	wantCode(t, err, meent.ENOTFOUND, "Object")
	if objs := must(s.Objects(ctx, meent.ObjectFilter{Kind: "need"})).in(t); len(objs) != 0 {
		t.Fatalf("Objects = %d, want none", len(objs))
	}
	var lines []string
	if err := s.StateLines(ctx, func(l string) { lines = append(lines, l) }); err != nil {
		t.Fatal(err)
	}
	if len(lines) != 0 {
		t.Fatalf("StateLines = %q, want none", lines)
	}
}

func testAppendAndRead(t *testing.T, s meent.Store) {
	ctx := t.Context()
	w := newWorld(t)
	_, create := w.create(agent.Person, "Ada \"the first\" Lovelace ✓")
	key := Key("notes")
	entries := [][]byte{
		create,
		Sign(t, key, "note.post", fakeAgent("x"), baseTime+5, map[string]any{"text": "héllo", "n": 9007199254740991, "nested": map[string]any{"z": []any{1, "a", true}}}),
		Sign(t, key, "note.post", fakeAgent("x"), baseTime+6, map[string]any{}),
	}
	// Two Sequences: the second continues where the first ended.
	recs := mustAppend(t, s, entries[0])
	recs = append(recs, mustAppend(t, s, entries[1:]...)...)
	if got := indexes(recs); !slices.Equal(got, []int64{0, 1, 2}) {
		t.Fatalf("appended at %v", got)
	}
	if recs[0].Author != "" {
		t.Fatalf("agent.create has author %q", recs[0].Author)
	}
	if n := must(s.Size(ctx)).in(t); n != 3 {
		t.Fatalf("Size = %d, want 3", n)
	}
	for _, want := range recs {
		checkRecord(t, fmt.Sprintf("RecordByIndex(%d)", want.Index), must(s.RecordByIndex(ctx, want.Index)).in(t), want)
		checkRecord(t, fmt.Sprintf("RecordByHash(%x)", want.Hash[:4]), must(s.RecordByHash(ctx, want.Hash)).in(t), want)
	}
	_, err := s.RecordByIndex(ctx, 3)
	wantCode(t, err, meent.ENOTFOUND, "RecordByIndex past the end")
	_, err = s.RecordByIndex(ctx, -1)
	wantCode(t, err, meent.ENOTFOUND, "RecordByIndex(-1)")
	_, err = s.RecordByHash(ctx, sha256.Sum256([]byte("no such entry")))
	wantCode(t, err, meent.ENOTFOUND, "RecordByHash of an unknown hash")
}

func testEntries(t *testing.T, s meent.Store) {
	ctx := t.Context()
	entries := notes(t, Key("e"), "note.post", fakeAgent("e"), 5)
	mustAppend(t, s, entries...)
	tests := []struct {
		start int64
		n     int
		want  [][]byte
	}{
		{0, 5, entries},
		{0, 100, entries},
		{1, 2, entries[1:3]},
		{3, 10, entries[3:]}, // fewer at the end of the log
		{4, 1, entries[4:]},
		{5, 10, nil}, // at the end
		{50, 10, nil},
		{2, 0, nil},
	}
	for _, tt := range tests {
		got := must(s.Entries(ctx, tt.start, tt.n)).in(t)
		if len(got) != len(tt.want) {
			t.Fatalf("Entries(%d, %d) = %d entries, want %d", tt.start, tt.n, len(got), len(tt.want))
		}
		for i := range got {
			if !bytes.Equal(got[i], tt.want[i]) {
				t.Fatalf("Entries(%d, %d)[%d] = %q, want %q", tt.start, tt.n, i, got[i], tt.want[i])
			}
		}
	}
}

func testRecords(t *testing.T, s meent.Store) {
	ctx := t.Context()
	a, b := fakeAgent("a"), fakeAgent("b")
	key := Key("records")
	// idx:    0  1  2  3  4  5  6  7  8  9
	// author: a  b  a  b  a  b  a  b  a  b
	// type:   x  x  y  y  x  x  y  y  x  x
	var entries [][]byte
	for i := 0; i < 10; i++ {
		author, typ := a, "test.x"
		if i%2 == 1 {
			author = b
		}
		if i%4 >= 2 {
			typ = "test.y"
		}
		entries = append(entries, Sign(t, key, typ, author, baseTime+int64(i), map[string]any{"i": i}))
	}
	recs := mustAppend(t, s, entries...)

	tests := []struct {
		name string
		f    meent.EventFilter
		want []int64
	}{
		{"all", meent.EventFilter{}, []int64{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}},
		{"author", meent.EventFilter{Author: a}, []int64{0, 2, 4, 6, 8}},
		{"unknown author", meent.EventFilter{Author: fakeAgent("c")}, nil},
		{"type", meent.EventFilter{Type: "test.y"}, []int64{2, 3, 6, 7}},
		{"author and type", meent.EventFilter{Author: b, Type: "test.y"}, []int64{3, 7}},
		{"before", meent.EventFilter{Before: 3}, []int64{0, 1, 2}},
		{"after", meent.EventFilter{After: 7}, []int64{7, 8, 9}},
		{"after and before", meent.EventFilter{After: 3, Before: 6}, []int64{3, 4, 5}},
		{"limit", meent.EventFilter{Limit: 3}, []int64{0, 1, 2}},
		{"desc", meent.EventFilter{Desc: true}, []int64{9, 8, 7, 6, 5, 4, 3, 2, 1, 0}},
		{"desc limit", meent.EventFilter{Desc: true, Limit: 2}, []int64{9, 8}},
		{"desc before limit", meent.EventFilter{Desc: true, Before: 5, Limit: 2}, []int64{4, 3}},
		{"desc author after", meent.EventFilter{Desc: true, Author: b, After: 4}, []int64{9, 7, 5}},
		{"everything", meent.EventFilter{Author: a, Type: "test.x", After: 1, Before: 9, Limit: 1, Desc: true}, []int64{8}},
	}
	for _, tt := range tests {
		got := must(s.Records(ctx, tt.f)).in(t)
		if !slices.Equal(indexes(got), tt.want) {
			t.Errorf("%s: Records(%+v) = %v, want %v", tt.name, tt.f, indexes(got), tt.want)
			continue
		}
		for _, r := range got {
			checkRecord(t, tt.name, r, recs[r.Index])
		}
	}
}

// testLimits checks the default and maximum page sizes of Records (100,
// 1000) and Agents (100, 1000), with 1001 agents made in one Sequence.
func testLimits(t *testing.T, s meent.Store) {
	ctx := t.Context()
	w := newWorld(t)
	var entries [][]byte
	for i := 0; i < 1001; i++ {
		_, e := w.create(agent.Person, fmt.Sprintf("person %d", i))
		entries = append(entries, e)
	}
	mustAppend(t, s, entries...)
	for _, tt := range []struct {
		limit, want int
	}{{0, 100}, {-1, 100}, {7, 7}, {1000, 1000}, {5000, 1000}} {
		if rs := must(s.Records(ctx, meent.EventFilter{Limit: tt.limit})).in(t); len(rs) != tt.want {
			t.Errorf("Records with Limit %d: %d records, want %d", tt.limit, len(rs), tt.want)
		}
		as := must(s.Agents(ctx, meent.AgentFilter{Limit: tt.limit})).in(t)
		if len(as) != tt.want {
			t.Errorf("Agents with Limit %d: %d agents, want %d", tt.limit, len(as), tt.want)
		}
		for i, a := range as {
			if a.Created != int64(i) {
				t.Fatalf("Agents with Limit %d: agent %d created at %d, want ordered by creation", tt.limit, i, a.Created)
			}
		}
	}
	// Paging by After reaches the last agent.
	as := must(s.Agents(ctx, meent.AgentFilter{After: 1000})).in(t)
	if len(as) != 1 || as[0].Created != 1000 || as[0].Name != "person 1000" {
		t.Fatalf("Agents after 1000 = %+v", as)
	}
}

func testTreeHashes(t *testing.T, s meent.Store) {
	ctx := t.Context()
	entries := notes(t, Key("tree"), "note.post", fakeAgent("tree"), 21)
	// Uneven batches, so that later batches read hashes earlier ones stored.
	mustAppend(t, s, entries[:1]...)
	mustAppend(t, s, entries[1:8]...)
	mustAppend(t, s, entries[8:]...)
	cp := must(s.Checkpoint(ctx)).in(t)
	if cp.Size != 21 {
		t.Fatalf("checkpoint size %d, want 21", cp.Size)
	}

	// The stored tree gives the checkpoint's root, and proves every entry.
	r := storeReader(ctx, s)
	root, err := tlog.TreeHash(21, r)
	if err != nil {
		t.Fatal(err)
	}
	if root != cp.Root {
		t.Fatalf("tree hash from stored hashes %x, checkpoint root %x", root, cp.Root)
	}
	for i, e := range entries {
		p, err := tlog.ProveRecord(21, int64(i), r)
		if err != nil {
			t.Fatalf("prove %d: %v", i, err)
		}
		if err := tlog.CheckRecord(p, 21, root, int64(i), ledger.LeafHash(e)); err != nil {
			t.Fatalf("inclusion of %d: %v", i, err)
		}
	}

	// Order is kept, repeats are answered, a missing one fails the call.
	idx := []int64{tlog.StoredHashIndex(0, 5), tlog.StoredHashIndex(1, 2), tlog.StoredHashIndex(0, 0), tlog.StoredHashIndex(0, 5)}
	hs := must(s.ReadHashes(ctx, idx)).in(t)
	if len(hs) != len(idx) {
		t.Fatalf("ReadHashes returned %d hashes for %d indexes", len(hs), len(idx))
	}
	for i, x := range idx {
		one := must(s.ReadHashes(ctx, []int64{x})).in(t)
		if hs[i] != one[0] {
			t.Fatalf("ReadHashes: hash %d of a batch differs from reading it alone", i)
		}
	}
	if hs[2] != ledger.LeafHash(entries[0]) {
		t.Fatalf("stored hash at 0 is not the leaf hash of entry 0")
	}
	_, err = s.ReadHashes(ctx, []int64{0, tlog.StoredHashIndex(0, 21)})
	wantCode(t, err, meent.ENOTFOUND, "ReadHashes with one index past the tree")
}

func testCheckpoint(t *testing.T, s meent.Store) {
	ctx := t.Context()
	_, err := s.Checkpoint(ctx)
	wantCode(t, err, meent.ENOTFOUND, "Checkpoint of an empty log")
	entries := notes(t, Key("cp"), "note.post", fakeAgent("cp"), 3)
	mustAppend(t, s, entries[:2]...)
	cp1 := must(s.Checkpoint(ctx)).in(t)
	if cp1.Size != 2 || len(cp1.Note) == 0 {
		t.Fatalf("checkpoint after 2 events: %+v", cp1)
	}
	mustAppend(t, s, entries[2:]...)
	cp2 := must(s.Checkpoint(ctx)).in(t)
	if cp2.Size != 3 || cp2.Root == cp1.Root || bytes.Equal(cp2.Note, cp1.Note) || cp2.Time == cp1.Time {
		t.Fatalf("checkpoint not replaced by the newer one: before %+v, after %+v", cp1, cp2)
	}

	// A checkpoint of the same size may be re-signed later (a new time).
	again := cp2
	again.Time += 1000
	again.Note = append(bytes.Clone(cp2.Note), "— re-signed\n"...)
	if err := s.Sequence(ctx, func(tx meent.SeqTx) error { return tx.Append(ctx, nil, nil, again) }); err != nil {
		t.Fatal(err)
	}
	if got := must(s.Checkpoint(ctx)).in(t); !equalCheckpoint(got, again) {
		t.Fatalf("re-signed checkpoint: got %+v, want %+v", got, again)
	}

	// Never one for entries the log does not have, nor a smaller one.
	for _, bad := range []meent.Checkpoint{checkpoint(4, cp2.Root), checkpoint(2, cp1.Root)} {
		err := s.Sequence(ctx, func(tx meent.SeqTx) error { return tx.Append(ctx, nil, nil, bad) })
		wantCode(t, err, meent.EINVALID, fmt.Sprintf("Append of a checkpoint of size %d to a log of 3", bad.Size))
	}
	if got := must(s.Checkpoint(ctx)).in(t); !equalCheckpoint(got, again) {
		t.Fatalf("refused checkpoint was stored: %+v", got)
	}
}

// testSeqTxReads checks that reads inside the Sequence transaction see its
// own appends, and that nobody else sees them before the commit.
func testSeqTxReads(t *testing.T, s meent.Store) {
	ctx := t.Context()
	entries := notes(t, Key("seq"), "note.post", fakeAgent("seq"), 4)
	mustAppend(t, s, entries[:2]...)
	err := s.Sequence(ctx, func(tx meent.SeqTx) error {
		if n := must(tx.Size(ctx)).in(t); n != 2 {
			t.Fatalf("tx.Size = %d, want 2", n)
		}
		es := must(tx.Entries(ctx, 0, 10)).in(t)
		if len(es) != 2 || !bytes.Equal(es[1], entries[1]) {
			t.Fatalf("tx.Entries = %d entries", len(es))
		}
		b, err := build(t, ctx, tx.ReadHashes, 2, entries[2:])
		if err != nil {
			return err
		}
		if err := tx.Append(ctx, b.Records, b.Hashes, b.Checkpoint); err != nil {
			return err
		}
		if n := must(tx.Size(ctx)).in(t); n != 4 {
			t.Fatalf("tx.Size after Append = %d, want 4", n)
		}
		es = must(tx.Entries(ctx, 2, 10)).in(t)
		if len(es) != 2 || !bytes.Equal(es[0], entries[2]) || !bytes.Equal(es[1], entries[3]) {
			t.Fatalf("tx.Entries after Append: %d entries", len(es))
		}
		last := b.Hashes[len(b.Hashes)-1]
		if hs := must(tx.ReadHashes(ctx, []int64{last.Index})).in(t); hs[0] != last.Hash {
			t.Fatalf("tx.ReadHashes does not see the hash just appended")
		}
		// Not committed yet: the store's own reads do not see it.
		if n := must(s.Size(ctx)).in(t); n != 2 {
			t.Fatalf("Size seen outside the transaction before commit = %d, want 2", n)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := must(s.Size(ctx)).in(t); n != 4 {
		t.Fatalf("Size after commit = %d, want 4", n)
	}
}

func testDuplicateIndex(t *testing.T, s meent.Store) {
	ctx := t.Context()
	entries := notes(t, Key("dupidx"), "note.post", fakeAgent("dupidx"), 4)
	recs := mustAppend(t, s, entries[:3]...)
	cp := must(s.Checkpoint(ctx)).in(t)

	// entries[3] at index 1, which entries[1] holds.
	err := s.Sequence(ctx, func(tx meent.SeqTx) error {
		b, err := build(t, ctx, tx.ReadHashes, 3, entries[3:])
		if err != nil {
			return err
		}
		b.Records[0].Index = 1
		return tx.Append(ctx, b.Records, b.Hashes, b.Checkpoint)
	})
	wantCode(t, err, meent.ECONFLICT, "Append at a taken index")
	unchanged(t, s, recs, cp, sha256.Sum256(entries[3]))

	// Two records of one batch at the same index.
	err = s.Sequence(ctx, func(tx meent.SeqTx) error {
		w := newWorld(t)
		_, e := w.create(agent.Person, "Never")
		b, err := build(t, ctx, tx.ReadHashes, 3, [][]byte{e, entries[3]})
		if err != nil {
			return err
		}
		b.Records[1].Index = 3
		return tx.Append(ctx, b.Records, b.Hashes, b.Checkpoint)
	})
	wantCode(t, err, meent.ECONFLICT, "Append of two records at one index")
	unchanged(t, s, recs, cp, sha256.Sum256(entries[3]))
	if as := must(s.Agents(ctx, meent.AgentFilter{})).in(t); len(as) != 0 {
		t.Fatalf("projection of a refused batch was kept: %+v", as)
	}
}

func testDuplicateHash(t *testing.T, s meent.Store) {
	ctx := t.Context()
	entries := notes(t, Key("duphash"), "note.post", fakeAgent("duphash"), 3)
	recs := mustAppend(t, s, entries[:2]...)
	cp := must(s.Checkpoint(ctx)).in(t)

	// The same entry again, at the next index.
	_, err := appendEntries(ctx, t, s, entries[0])
	wantCode(t, err, meent.ECONFLICT, "Append of an entry already in the log")
	unchanged(t, s, recs, cp)

	// Twice in one batch.
	_, err = appendEntries(ctx, t, s, entries[2], entries[2])
	wantCode(t, err, meent.ECONFLICT, "Append of one entry twice in a batch")
	unchanged(t, s, recs, cp, sha256.Sum256(entries[2]))

	// A first Append that succeeds, with its projection, then a second one
	// in the same Sequence that conflicts: the whole Sequence is undone.
	w := newWorld(t)
	id, create := w.create(agent.Person, "Rolled Back")
	err = s.Sequence(ctx, func(tx meent.SeqTx) error {
		b, err := build(t, ctx, tx.ReadHashes, 2, [][]byte{create})
		if err != nil {
			return err
		}
		if err := tx.Append(ctx, b.Records, b.Hashes, b.Checkpoint); err != nil {
			return fmt.Errorf("first Append: %w", err)
		}
		b2, err := build(t, ctx, tx.ReadHashes, 3, [][]byte{entries[1]})
		if err != nil {
			return err
		}
		return tx.Append(ctx, b2.Records, b2.Hashes, b2.Checkpoint)
	})
	wantCode(t, err, meent.ECONFLICT, "second Append of a Sequence")
	unchanged(t, s, recs, cp, sha256.Sum256(create))
	_, err = s.Agent(ctx, id)
	wantCode(t, err, meent.ENOTFOUND, "Agent created in a rolled back Sequence")
}

// testFailedAppendNeverCommits: a failed Append poisons its Sequence. Even
// if fn ignores the error, nothing of it is committed, and Sequence
// reports it.
func testFailedAppendNeverCommits(t *testing.T, s meent.Store) {
	ctx := t.Context()
	entries := notes(t, Key("poison"), "note.post", fakeAgent("poison"), 3)
	recs := mustAppend(t, s, entries[:2]...)
	cp := must(s.Checkpoint(ctx)).in(t)
	err := s.Sequence(ctx, func(tx meent.SeqTx) error {
		// A new entry first, then a duplicate, in one batch: the new one
		// may already be written when the duplicate is refused.
		b, err := build(t, ctx, tx.ReadHashes, 2, [][]byte{entries[2], entries[0]})
		if err != nil {
			return err
		}
		if err := tx.Append(ctx, b.Records, b.Hashes, b.Checkpoint); meent.ErrorCode(err) != meent.ECONFLICT {
			t.Errorf("Append of a duplicate: %v, want ECONFLICT", err)
		}
		return nil // ignore it
	})
	wantCode(t, err, meent.ECONFLICT, "Sequence whose fn ignored a failed Append")
	unchanged(t, s, recs, cp, sha256.Sum256(entries[2]))
}

func testGap(t *testing.T, s meent.Store) {
	ctx := t.Context()
	entries := notes(t, Key("gap"), "note.post", fakeAgent("gap"), 4)
	recs := mustAppend(t, s, entries[:2]...)
	cp := must(s.Checkpoint(ctx)).in(t)
	for _, tt := range []struct {
		name string
		idx  []int64
	}{
		{"first record after the end", []int64{3, 4}},
		{"hole inside the batch", []int64{2, 4}},
	} {
		err := s.Sequence(ctx, func(tx meent.SeqTx) error {
			b, err := build(t, ctx, tx.ReadHashes, 2, entries[2:])
			if err != nil {
				return err
			}
			for i := range b.Records {
				b.Records[i].Index = tt.idx[i]
			}
			return tx.Append(ctx, b.Records, b.Hashes, b.Checkpoint)
		})
		wantCode(t, err, meent.EINVALID, tt.name)
		unchanged(t, s, recs, cp, sha256.Sum256(entries[2]), sha256.Sum256(entries[3]))
	}
}

func testFnError(t *testing.T, s meent.Store) {
	ctx := t.Context()
	w := newWorld(t)
	_, create := w.create(agent.Person, "Kept")
	recs := mustAppend(t, s, create)
	cp := must(s.Checkpoint(ctx)).in(t)
	id2, create2 := w.create(agent.Person, "Not kept")
	boom := errors.New("boom")
	err := s.Sequence(ctx, func(tx meent.SeqTx) error {
		b, err := build(t, ctx, tx.ReadHashes, 1, [][]byte{create2})
		if err != nil {
			return err
		}
		if err := tx.Append(ctx, b.Records, b.Hashes, b.Checkpoint); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Sequence = %v, want fn's error", err)
	}
	unchanged(t, s, recs, cp, sha256.Sum256(create2))
	_, err = s.Agent(ctx, id2)
	wantCode(t, err, meent.ENOTFOUND, "Agent of a Sequence whose fn failed")

	// The store is still usable, and the next append takes index 1.
	got := mustAppend(t, s, create2)
	if got[0].Index != 1 {
		t.Fatalf("next append at %d, want 1", got[0].Index)
	}
}

// stateLines returns the store's lines, sorted.
func stateLines(t *testing.T, s meent.Store) []string {
	t.Helper()
	var lines []string
	if err := s.StateLines(t.Context(), func(l string) { lines = append(lines, l) }); err != nil {
		t.Fatal(err)
	}
	sort.Strings(lines)
	return lines
}

// checkDigest fails unless the store's StateLines digest equals the
// digest of the rules' state from replaying the same log.
func checkDigest(t *testing.T, s meent.Store, st *state.State) {
	t.Helper()
	got := stateLines(t, s)
	if state.DigestLines(slices.Clone(got)) == st.Digest() {
		return
	}
	var want []string
	st.Lines(func(l string) { want = append(want, l) })
	sort.Strings(want)
	t.Fatalf("StateLines differ from the replayed state:\n got: %q\nwant: %q", got, want)
}

func testProjections(t *testing.T, s meent.Store) {
	ctx := t.Context()
	w := newWorld(t)
	alice, e0 := w.create(agent.Person, "Alice")
	bob, e1 := w.create(agent.Person, "Bob")
	coop, e2 := w.create(agent.Cooperative, "Bakery Coop")
	mustAppend(t, s, e0, e1, e2) // 0, 1, 2
	checkDigest(t, s, w.st)

	aliceKey1 := pubKey(w.keys[alice])
	bobKey := pubKey(w.keys[bob])
	mustAppend(t, s,
		w.as(alice, agent.TypeMemberSet, agent.MemberData{Agent: alice, Role: agent.RoleAdmin}), // 3: bootstrap
		w.as(alice, agent.TypeMemberSet, agent.MemberData{Agent: bob, Role: agent.RoleMember}),  // 4
	)
	aliceKey2, e5 := w.addKey(alice) // 5, now signs with key 2
	mustAppend(t, s, e5)
	mustAppend(t, s,
		w.as(alice, agent.TypeKeyRevoke, agent.KeyData{Key: aliceKey1}),                          // 6
		w.as(bob, agent.TypeUpdate, agent.UpdateData{Name: "Robert"}),                            // 7
		w.as(alice, agent.TypeMemberSet, agent.MemberData{Agent: coop, Role: agent.RoleMember}),  // 8
		w.as(alice, agent.TypeMemberRm, agent.MemberData{Agent: coop}),                           // 9
		w.as(alice, agent.TypeMemberSet, agent.MemberData{Agent: bob, Role: agent.RoleAdmin}),    // 10
		Sign(t, Key("other"), "note.post", alice, baseTime, map[string]any{"unprojected": true}), // 11
	)
	checkDigest(t, s, w.st)

	want := map[string]meent.AgentView{
		alice: {ID: alice, Kind: agent.Person, Name: "Alice", Created: 0, Role: agent.RoleAdmin, Keys: []meent.KeyView{
			{Key: aliceKey1, Agent: alice, Added: 0, Revoked: 6},
			{Key: aliceKey2, Agent: alice, Added: 5, Revoked: -1},
		}},
		bob: {ID: bob, Kind: agent.Person, Name: "Robert", Created: 1, Role: agent.RoleAdmin, Keys: []meent.KeyView{
			{Key: bobKey, Agent: bob, Added: 1, Revoked: -1},
		}},
		coop: {ID: coop, Kind: agent.Cooperative, Name: "Bakery Coop", Created: 2, Role: "", Keys: []meent.KeyView{
			{Key: pubKey(w.keys[coop]), Agent: coop, Added: 2, Revoked: -1},
		}},
	}
	for id, wa := range want {
		got := must(s.Agent(ctx, id)).in(t)
		if fmt.Sprint(got) != fmt.Sprint(wa) {
			t.Fatalf("Agent(%s):\n got %+v\nwant %+v", id[:8], got, wa)
		}
		// And it agrees with the rules' own view.
		ra := w.st.Agents.Agent(id)
		var active []string
		for _, k := range got.Keys {
			if k.Revoked == -1 {
				active = append(active, k.Key)
			}
		}
		if ra.Name != got.Name || ra.Role != got.Role || ra.Created != got.Created || !slices.Equal(ra.Keys, active) {
			t.Fatalf("Agent(%s) = %+v, the rules say %+v", id[:8], got, ra)
		}
	}
	_, err := s.Agent(ctx, fakeAgent("nobody"))
	wantCode(t, err, meent.ENOTFOUND, "Agent of an unknown ID")

	ids := func(as []meent.AgentView) []string {
		var out []string
		for _, a := range as {
			if a.Keys != nil {
				t.Fatalf("Agents filled in the keys of %s", a.ID[:8])
			}
			if fmt.Sprint(a.ID, a.Kind, a.Name, a.Created, a.Role) != fmt.Sprint(want[a.ID].ID, want[a.ID].Kind, want[a.ID].Name, want[a.ID].Created, want[a.ID].Role) {
				t.Fatalf("Agents: %+v, want %+v", a, want[a.ID])
			}
			out = append(out, a.ID)
		}
		return out
	}
	for _, tt := range []struct {
		name string
		f    meent.AgentFilter
		want []string
	}{
		{"all", meent.AgentFilter{}, []string{alice, bob, coop}},
		{"members", meent.AgentFilter{MembersOnly: true}, []string{alice, bob}},
		{"kind", meent.AgentFilter{Kind: agent.Cooperative}, []string{coop}},
		{"after", meent.AgentFilter{After: 1}, []string{bob, coop}},
		{"limit", meent.AgentFilter{Limit: 2}, []string{alice, bob}},
		{"members of a kind", meent.AgentFilter{MembersOnly: true, Kind: agent.Cooperative}, nil},
		{"members after", meent.AgentFilter{MembersOnly: true, After: 1, Limit: 5}, []string{bob}},
	} {
		if got := ids(must(s.Agents(ctx, tt.f)).in(t)); !slices.Equal(got, tt.want) {
			t.Errorf("%s: Agents(%+v) = %v, want %v", tt.name, tt.f, got, tt.want)
		}
	}
}

// testStateDigest builds a log of random events the rules accept (and
// skips those they refuse), appends it in batches of random sizes, and
// compares the store's StateLines digest with the replay after each batch.
func testStateDigest(t *testing.T, s meent.Store) {
	rng := rand.New(rand.NewPCG(1, 2))
	w := newWorld(t)
	var ids []string
	var keys []string // every key ever added, revoked or not
	pick := func(xs []string) string { return xs[rng.IntN(len(xs))] }
	admins := func() []string {
		var as []string
		for _, id := range ids {
			if w.st.Agents.Agent(id).Role == agent.RoleAdmin {
				as = append(as, id)
			}
		}
		return as
	}
	kinds := agent.Kinds
	var pending [][]byte
	for total := 0; total < 400; {
		var e []byte
		var err error
		switch op := rng.IntN(10); {
		case op < 2 || len(ids) < 2:
			id, ce := w.create(kinds[rng.IntN(len(kinds))], fmt.Sprintf("agent %d «%d»", len(ids), rng.IntN(100)))
			ids, keys, e = append(ids, id), append(keys, pubKey(w.keys[id])), ce
		case op < 4:
			id := pick(ids)
			e, err = w.sign(w.keys[id], agent.TypeUpdate, id, agent.UpdateData{Name: fmt.Sprintf("renamed %d", rng.IntN(1000))})
		case op < 5:
			var k string
			k, e = w.addKey(pick(ids))
			keys = append(keys, k)
		case op < 6:
			// Revoke one of the agent's older keys, never the one it signs
			// with now; now and then a key that is not its own (refused).
			id := pick(ids)
			k := pick(keys)
			if active := w.st.Agents.Agent(id).Keys; len(active) > 1 && rng.IntN(8) > 0 {
				k = pick(active[:len(active)-1])
			}
			e, err = w.sign(w.keys[id], agent.TypeKeyRevoke, id, agent.KeyData{Key: k})
		case op < 8:
			// Mostly signed by an admin, so that most are accepted; the
			// first admin admits itself.
			id, target := pick(ids), pick(ids)
			role := []string{agent.RoleAdmin, agent.RoleMember, agent.RoleMember}[rng.IntN(3)]
			if w.st.Agents.Members() == 0 {
				// Only the log's first agent may bootstrap, as admin.
				id, target, role = ids[0], ids[0], agent.RoleAdmin
			} else if as := admins(); rng.IntN(4) > 0 {
				id = pick(as)
			}
			e, err = w.sign(w.keys[id], agent.TypeMemberSet, id, agent.MemberData{Agent: target, Role: role})
		default:
			id := pick(ids)
			if as := admins(); len(as) > 0 && rng.IntN(4) > 0 {
				id = pick(as)
			}
			e, err = w.sign(w.keys[id], agent.TypeMemberRm, id, agent.MemberData{Agent: pick(ids)})
		}
		if err != nil {
			continue // refused by the rules: not in the log
		}
		pending = append(pending, e)
		total++
		if rng.IntN(20) == 0 {
			mustAppend(t, s, pending...)
			pending = nil
			checkDigest(t, s, w.st)
		}
	}
	mustAppend(t, s, pending...)
	checkDigest(t, s, w.st)
	// Make sure the random log covers what it is meant to.
	counts := map[string]int{}
	for _, r := range must(s.Records(t.Context(), meent.EventFilter{Limit: 1000})).in(t) {
		counts[r.Type]++
	}
	for _, typ := range []string{agent.TypeCreate, agent.TypeUpdate, agent.TypeKeyAdd, agent.TypeKeyRevoke, agent.TypeMemberSet, agent.TypeMemberRm} {
		if counts[typ] < 5 {
			t.Errorf("random log has %d %s events; the test covers too little: %v", counts[typ], typ, counts)
		}
	}
}

func testAccounts(t *testing.T, s meent.Store) {
	ctx := t.Context()
	a := meent.Account{Agent: fakeAgent("acc a"), Username: "ada", PasswordHash: "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA", Key: []byte{0, 1, 2, 0xff}, Created: 1234}
	b := meent.Account{Agent: fakeAgent("acc b"), Username: "bob", PasswordHash: "$argon2id$x", Created: 99}
	for _, x := range []meent.Account{a, b} {
		if err := s.CreateAccount(ctx, x); err != nil {
			t.Fatal(err)
		}
	}
	for _, x := range []meent.Account{a, b} {
		for name, got := range map[string]meent.Account{
			"AccountByUsername": must(s.AccountByUsername(ctx, x.Username)).in(t),
			"AccountByAgent":    must(s.AccountByAgent(ctx, x.Agent)).in(t),
		} {
			if got.Agent != x.Agent || got.Username != x.Username || got.PasswordHash != x.PasswordHash ||
				!bytes.Equal(got.Key, x.Key) || got.Created != x.Created || (x.Key == nil) != (got.Key == nil) {
				t.Fatalf("%s = %+v, want %+v", name, got, x)
			}
		}
	}
	dupName := meent.Account{Agent: fakeAgent("acc c"), Username: "ada", PasswordHash: "h", Created: 1}
	wantCode(t, s.CreateAccount(ctx, dupName), meent.ECONFLICT, "CreateAccount with a taken username")
	dupAgent := meent.Account{Agent: a.Agent, Username: "ada2", PasswordHash: "h", Created: 1}
	wantCode(t, s.CreateAccount(ctx, dupAgent), meent.ECONFLICT, "CreateAccount for an agent that has one")
	_, err := s.AccountByUsername(ctx, "ada2")
	wantCode(t, err, meent.ENOTFOUND, "AccountByUsername of a refused account")
	_, err = s.AccountByAgent(ctx, fakeAgent("acc c"))
	wantCode(t, err, meent.ENOTFOUND, "AccountByAgent of a refused account")
}

func testSessions(t *testing.T, s meent.Store) {
	ctx := t.Context()
	sess := meent.Session{TokenHash: sha256.Sum256([]byte("cookie")), Agent: fakeAgent("sess"), CSRF: "csrf-token", Expires: 5000}
	if err := s.CreateSession(ctx, sess); err != nil {
		t.Fatal(err)
	}
	if got := must(s.SessionByHash(ctx, sess.TokenHash, 4999)).in(t); got != sess {
		t.Fatalf("SessionByHash = %+v, want %+v", got, sess)
	}
	_, err := s.SessionByHash(ctx, sess.TokenHash, 5000)
	wantCode(t, err, meent.ENOTFOUND, "SessionByHash at its expiry")
	_, err = s.SessionByHash(ctx, sess.TokenHash, 9999)
	wantCode(t, err, meent.ENOTFOUND, "SessionByHash after its expiry")
	_, err = s.SessionByHash(ctx, sha256.Sum256([]byte("other")), 0)
	wantCode(t, err, meent.ENOTFOUND, "SessionByHash of an unknown hash")
	wantCode(t, s.CreateSession(ctx, sess), meent.ECONFLICT, "CreateSession with a taken hash")

	if err := s.DeleteSession(ctx, sess.TokenHash); err != nil {
		t.Fatal(err)
	}
	_, err = s.SessionByHash(ctx, sess.TokenHash, 0)
	wantCode(t, err, meent.ENOTFOUND, "SessionByHash after DeleteSession")
	if err := s.DeleteSession(ctx, sess.TokenHash); err != nil {
		t.Fatalf("DeleteSession of a deleted session: %v", err)
	}
}

func testTokens(t *testing.T, s meent.Store) {
	ctx := t.Context()
	owner := fakeAgent("tok")
	tok := meent.Token{Hash: sha256.Sum256([]byte("api token")), ID: "0123456789abcdef", Agent: owner, Name: "backup script", Created: 77, Expires: 9000}
	if err := s.CreateToken(ctx, tok); err != nil {
		t.Fatal(err)
	}
	if got := must(s.TokenByHash(ctx, tok.Hash)).in(t); got != tok {
		t.Fatalf("TokenByHash = %+v, want %+v", got, tok)
	}
	_, err := s.TokenByHash(ctx, sha256.Sum256([]byte("other")))
	wantCode(t, err, meent.ENOTFOUND, "TokenByHash of an unknown hash")
	wantCode(t, s.CreateToken(ctx, tok), meent.ECONFLICT, "CreateToken with a taken hash")
	sameID := tok
	sameID.Hash = sha256.Sum256([]byte("another token"))
	wantCode(t, s.CreateToken(ctx, sameID), meent.ECONFLICT, "CreateToken with a taken ID")

	newer := meent.Token{Hash: sha256.Sum256([]byte("newer")), ID: "fedcba9876543210", Agent: owner, Name: "laptop", Created: 88, Expires: 9500}
	theirs := meent.Token{Hash: sha256.Sum256([]byte("theirs")), ID: "aaaaaaaaaaaaaaaa", Agent: fakeAgent("tok other"), Name: "x", Created: 99, Expires: 9999}
	for _, x := range []meent.Token{newer, theirs} {
		if err := s.CreateToken(ctx, x); err != nil {
			t.Fatal(err)
		}
	}
	list := must(s.Tokens(ctx, owner)).in(t)
	if len(list) != 2 || list[0] != newer || list[1] != tok {
		t.Fatalf("Tokens = %+v, want [%+v %+v]", list, newer, tok)
	}

	// Touch only moves last use forward.
	if err := s.TouchToken(ctx, tok.Hash, 500); err != nil {
		t.Fatal(err)
	}
	if err := s.TouchToken(ctx, tok.Hash, 400); err != nil {
		t.Fatal(err)
	}
	if got := must(s.TokenByHash(ctx, tok.Hash)).in(t); got.LastUsed != 500 {
		t.Fatalf("LastUsed = %d after touches at 500 and 400", got.LastUsed)
	}

	// An agent cannot delete another's token, even knowing its ID.
	wantCode(t, s.DeleteToken(ctx, owner, theirs.ID), meent.ENOTFOUND, "DeleteToken of another agent's token")
	if _, err := s.TokenByHash(ctx, theirs.Hash); err != nil {
		t.Fatalf("another agent's token went: %v", err)
	}
	if err := s.DeleteToken(ctx, owner, tok.ID); err != nil {
		t.Fatal(err)
	}
	_, err = s.TokenByHash(ctx, tok.Hash)
	wantCode(t, err, meent.ENOTFOUND, "TokenByHash after DeleteToken")
	wantCode(t, s.DeleteToken(ctx, owner, tok.ID), meent.ENOTFOUND, "DeleteToken twice")
	if list := must(s.Tokens(ctx, owner)).in(t); len(list) != 1 || list[0] != newer {
		t.Fatalf("Tokens after delete = %+v", list)
	}
}

// Concurrent runs many goroutines that each append, in Sequence after
// Sequence, at whatever size the log has in their transaction. The stores
// may be one store or several sharing one database (as several processes
// would): either way no index may be taken twice, no gap may appear, and
// the stored tree must prove every entry. The stores must be empty.
func Concurrent(t *testing.T, stores ...meent.Store) {
	ctx := t.Context()
	const (
		workers = 8
		rounds  = 10
	)
	// Each worker appends batches of 1 to 3 of its own entries.
	all := map[string]bool{}
	work := make([][][]byte, workers)
	for g := range work {
		work[g] = notes(t, Key(fmt.Sprintf("worker %d", g)), "test.concurrent", fakeAgent(fmt.Sprint(g)), rounds*3)
		for _, e := range work[g] {
			all[string(e)] = false
		}
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	total := 0
	for g := 0; g < workers; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := stores[g%len(stores)]
			es := work[g]
			for r := 0; r < rounds; r++ {
				k := 1 + (g+r)%3
				batch := es[:k]
				es = es[k:]
				if _, err := appendEntries(ctx, t, s, batch...); err != nil {
					t.Errorf("worker %d round %d: %v", g, r, err)
					return
				}
				mu.Lock()
				total += k
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if t.Failed() {
		return
	}

	for _, s := range stores {
		if n := must(s.Size(ctx)).in(t); n != int64(total) {
			t.Fatalf("Size = %d after %d appended", n, total)
		}
		es := must(s.Entries(ctx, 0, total+10)).in(t)
		if len(es) != total {
			t.Fatalf("Entries returned %d, want %d", len(es), total)
		}
		seen := maps.Clone(all)
		for i, e := range es {
			done, ok := seen[string(e)]
			if !ok || done {
				t.Fatalf("entry at %d is unknown or appears twice", i)
			}
			seen[string(e)] = true
			r := must(s.RecordByIndex(ctx, int64(i))).in(t)
			if !bytes.Equal(r.Entry, e) {
				t.Fatalf("RecordByIndex(%d) disagrees with Entries", i)
			}
		}
		cp := must(s.Checkpoint(ctx)).in(t)
		if cp.Size != int64(total) {
			t.Fatalf("checkpoint size %d, want %d", cp.Size, total)
		}
		root, err := tlog.TreeHash(int64(total), storeReader(ctx, s))
		if err != nil || root != cp.Root {
			t.Fatalf("stored tree root %x (%v), checkpoint root %x", root, err, cp.Root)
		}
		for i := 0; i < total; i += 7 {
			p, err := tlog.ProveRecord(int64(total), int64(i), storeReader(ctx, s))
			if err == nil {
				err = tlog.CheckRecord(p, int64(total), root, int64(i), ledger.LeafHash(es[i]))
			}
			if err != nil {
				t.Fatalf("inclusion of %d: %v", i, err)
			}
		}
	}
}
