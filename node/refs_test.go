package node_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/meent/meent/private"

	"golang.org/x/mod/sumdb/note"

	"github.com/meent/meent"
	"github.com/meent/meent/ledger"
	"github.com/meent/meent/node"
	"github.com/meent/meent/sqlite"
	"github.com/meent/meent/state"
)

// refsWorld is a node on SQLite whose clock follows the events submitted,
// so the signed vectors of testdata/events.json (every event type, times
// fixed in 2026) are accepted as they were when they were made.
type refsWorld struct {
	path   string
	signer note.Signer
	now    time.Time
	store  meent.Store
	node   *node.Node
}

func (w *refsWorld) open(t *testing.T) {
	t.Helper()
	st, err := sqlite.Open(context.Background(), w.path)
	if err != nil {
		t.Fatal(err)
	}
	n, err := node.Open(context.Background(), st, node.Config{Origin: origin, Signer: w.signer, Now: func() time.Time { return w.now }})
	if err != nil {
		st.Close()
		t.Fatal(err)
	}
	w.store, w.node = st, n
}

func (w *refsWorld) close() {
	w.node.Close()
	w.store.Close()
}

// index reads the whole event index through the store's filters: for
// every commons and agent ID, the indexes of the events touching it.
func (w *refsWorld) index(t *testing.T, ids []string) map[string][]int64 {
	t.Helper()
	out := map[string][]int64{}
	for _, id := range ids {
		for _, f := range []meent.EventFilter{{Commons: id}, {Touches: id}} {
			f.Limit = 1000
			recs, err := w.store.Records(context.Background(), f)
			if err != nil {
				t.Fatal(err)
			}
			key := "a " + id
			if f.Commons != "" {
				key = "c " + id
			}
			for _, r := range recs {
				out[key] = append(out[key], r.Index)
			}
		}
	}
	return out
}

func (w *refsWorld) exec(t *testing.T, qs ...string) {
	t.Helper()
	db, err := sql.Open("sqlite", w.path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range qs {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

// TestRefsBackfill builds a data directory from every event type, checks
// that the node wrote the event index as it appended (the refs the rules
// give right after each event), then empties the index as a data
// directory made before migration 0007 has it, and restarts: the node
// fills it from a replay, in several transactions, to the same entries.
// A backfill interrupted after index k resumes at k.
func TestRefsBackfill(t *testing.T) {
	defer node.SetRefsChunk(7)()
	skey, _, err := note.GenerateKey(rand.Reader, origin)
	if err != nil {
		t.Fatal(err)
	}
	signer, _ := note.NewSigner(skey)
	w := &refsWorld{path: t.TempDir() + "/meent.db", signer: signer}
	w.open(t)

	b, err := os.ReadFile("../testdata/events.json")
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Events []struct {
			Entry string `json:"entry"`
			Valid bool   `json:"valid"`
		} `json:"events"`
	}
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	// The refs by definition: a replay asking state.Refs after each event.
	st := state.New()
	want := map[string][]int64{}
	idSet := map[string]bool{}
	for _, v := range f.Events {
		if !v.Valid {
			continue
		}
		ev, err := ledger.Decode([]byte(v.Entry))
		if err != nil {
			t.Fatal(err)
		}
		if len(private.Commitments(ev.Type, ev.Data)) > 0 {
			continue // names a private record, which this node does not keep
		}
		w.now = time.UnixMilli(ev.Time)
		if _, err := w.node.Submit(context.Background(), []byte(v.Entry)); err != nil {
			t.Fatalf("submit %s: %v", ev.Type, err)
		}
		idx := st.Size
		if err := st.Apply(ev); err != nil {
			t.Fatal(err)
		}
		cs, as := st.Refs(ev)
		for _, c := range cs {
			want["c "+c] = append(want["c "+c], idx)
			idSet[c] = true
		}
		for _, a := range as {
			want["a "+a] = append(want["a "+a], idx)
			idSet[a] = true
		}
	}
	var ids []string
	for id := range idSet {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	size := st.Size
	norm := func(m map[string][]int64) map[string][]int64 {
		for k := range m {
			slices.Sort(m[k])
		}
		return m
	}
	norm(want)
	equal := func(what string, got map[string][]int64, want map[string][]int64) {
		t.Helper()
		norm(got)
		if len(got) != len(want) {
			t.Fatalf("%s: index of %d IDs, want %d", what, len(got), len(want))
		}
		for k, v := range want {
			if !slices.Equal(got[k], v) {
				t.Fatalf("%s: %s: events %v, want %v", what, k, got[k], v)
			}
		}
	}
	equal("as appended", w.index(t, ids), want)
	w.close()

	// A data directory from before the index: nothing in it, and the
	// whole log pending.
	w.exec(t, "DELETE FROM event_refs", "UPDATE event_refs_backfill SET next_idx = 0, end_idx = "+itoa(size))
	w.open(t)
	equal("after the backfill", w.index(t, ids), want)
	if from, to, err := w.store.RefsPending(context.Background()); err != nil || from != to {
		t.Fatalf("RefsPending after the backfill = %d, %d, %v", from, to, err)
	}
	w.close()

	// Interrupted after k: the entries below k were written (here: are
	// not, so that a restart from 0 would show), the rest pending.
	k := size / 2
	w.exec(t, "DELETE FROM event_refs", "UPDATE event_refs_backfill SET next_idx = "+itoa(k)+", end_idx = "+itoa(size))
	w.open(t)
	defer w.close()
	resumed := map[string][]int64{}
	for key, v := range want {
		for _, i := range v {
			if i >= k {
				resumed[key] = append(resumed[key], i)
			}
		}
	}
	equal("after a resumed backfill", w.index(t, ids), resumed)
}

func itoa(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}
