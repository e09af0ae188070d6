package sqlstore_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/meent/meent"
	"github.com/meent/meent/sqlite"
	"github.com/meent/meent/storetest"
)

// BenchmarkEventIndex measures the reads the event index and child
// objects exist for, on SQLite, at a log of MEENT_BENCH_EVENTS events
// (default 200,000) built directly through SeqTx.Append (signed events,
// real tree hashes, no rules): a page of one commons' activity (a busy
// commons with 1% of the events, and a quiet one whose 10 events are the
// first of the log), a page of an agent's, and a page of the children of
// one object among as many objects as events. The reference, measured in
// the same run, is what one commons' activity request cost before the
// index: reading the newest 2,000 events in four pages of 500.
//
//	go test ./sqlstore -run '^$' -bench EventIndex -benchtime 2000x
func BenchmarkEventIndex(b *testing.B) {
	n := 200_000
	if v := os.Getenv("MEENT_BENCH_EVENTS"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil {
			b.Fatal(err)
		}
	}
	s := indexStore(b, n)
	ctx := context.Background()
	page := func(b *testing.B, f meent.EventFilter, want int) {
		for b.Loop() {
			recs, err := s.Records(ctx, f)
			if err != nil || len(recs) != want {
				b.Fatalf("%d records, %v; want %d", len(recs), err, want)
			}
		}
	}
	b.Run("reference/scan2000", func(b *testing.B) {
		for b.Loop() {
			before := int64(0)
			for range 4 {
				recs, err := s.Records(ctx, meent.EventFilter{Before: before, Limit: 500, Desc: true})
				if err != nil || len(recs) != 500 {
					b.Fatal(len(recs), err)
				}
				before = recs[len(recs)-1].Index
			}
		}
	})
	b.Run("commons/busy", func(b *testing.B) { page(b, meent.EventFilter{Commons: busy(7), Limit: 50, Desc: true}, 50) })
	b.Run("commons/busy-deep", func(b *testing.B) {
		page(b, meent.EventFilter{Commons: busy(7), Before: int64(n / 10), Limit: 50, Desc: true}, 50)
	})
	b.Run("commons/quiet", func(b *testing.B) { page(b, meent.EventFilter{Commons: "quiet", Limit: 50, Desc: true}, 10) })
	b.Run("agent", func(b *testing.B) {
		page(b, meent.EventFilter{Touches: agentN(1234), Limit: 50, Desc: true}, min(50, n/10_000))
	})
	b.Run("children", func(b *testing.B) {
		after := &meent.ObjectKey{Created: int64(n / 2), ID: ""}
		for b.Loop() {
			objs, err := s.Objects(ctx, meent.ObjectFilter{Kind: "vote", Parent: "poll-42", After: after, Limit: 50})
			if err != nil || len(objs) != 50 {
				b.Fatal(len(objs), err)
			}
		}
	})
}

func busy(i int) string   { return fmt.Sprintf("commons-%03d", i) }
func agentN(i int) string { return fmt.Sprintf("agent-%05d", i) }

// indexStore builds the log: event i is in commons
// busy(i % 100) and touches agent agentN(i % 10,000) besides its author;
// events 0 to 9 are also in "quiet". Object i is a vote created at i under
// poll-(i % 1,000). It is removed when the benchmark ends.
func indexStore(b *testing.B, n int) meent.Store {
	start := time.Now()
	dir := b.TempDir()
	s, err := sqlite.Open(context.Background(), filepath.Join(dir, "meent.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	ctx := context.Background()
	for _, bt := range storetest.Batches(b, n, 2048) {
		objs := make([]meent.Object, 0, len(bt.Records))
		for i := range bt.Records {
			r := &bt.Records[i]
			r.Commons = []string{busy(int(r.Index % 100))}
			if r.Index < 10 {
				r.Commons = append(r.Commons, "quiet")
			}
			r.Agents = []string{r.Author, agentN(int(r.Index % 10_000))}
			objs = append(objs, meent.Object{Kind: "vote", ID: fmt.Sprintf("v%09d", r.Index), Parent: fmt.Sprintf("poll-%d", r.Index%1000),
				Created: r.Index, Updated: r.Index, Data: []byte(`{"choice":1}`)})
		}
		if err := s.Sequence(ctx, func(tx meent.SeqTx) error {
			if err := tx.Append(ctx, bt.Records, bt.Hashes, bt.Checkpoint); err != nil {
				return err
			}
			return tx.PutObjects(ctx, objs)
		}); err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("built %d events and %d objects in %s", n, n, time.Since(start).Round(time.Second))
	return s
}
