package node

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/meent/meent"
	"github.com/meent/meent/ledger"
	"github.com/meent/meent/postgres"
	"github.com/meent/meent/sqlite"
	"github.com/meent/meent/state"
)

// syncBuffer is a log destination several goroutines may write.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// feed queues entries for the node's sequencer in order, k at a time, as
// Submit would after verifying them, waits for each k, and fails on any
// refusal. The sequencer takes them in order (one goroutine reads the
// queue) and snapshots between its batches, as it does in production.
func feed(tb testing.TB, n *Node, entries [][]byte, k int, after func(size int64)) {
	tb.Helper()
	for len(entries) > 0 {
		m := min(k, len(entries))
		batch := make([]*request, m)
		for i, e := range entries[:m] {
			ev, err := ledger.Decode(e)
			if err != nil {
				tb.Fatal(err)
			}
			batch[i] = &request{ev: ev, done: make(chan result, 1)}
			n.reqs <- batch[i]
		}
		for _, r := range batch {
			if res := <-r.done; res.err != nil {
				tb.Fatal(res.err)
			}
		}
		if after != nil {
			n.mu.Lock()
			size := n.st.Size
			n.mu.Unlock()
			after(size)
		}
		entries = entries[m:]
	}
}

func workloadEntries(tb testing.TB, n int) [][]byte {
	var out [][]byte
	workload(tb, n, func(es [][]byte) { out = append(out, es...) })
	return out
}

// replayDigest is the digest of a state replayed from the first event, as
// meent verify computes it, never from a snapshot.
func replayDigest(tb testing.TB, store meent.Store) (int64, [32]byte) {
	tb.Helper()
	st := state.New()
	n := &Node{store: store}
	if err := n.catchUp(context.Background(), st, store.Entries, -1); err != nil {
		tb.Fatal(err)
	}
	return st.Size, st.Digest()
}

// projectionDigest is the digest of the store's projections.
func projectionDigest(tb testing.TB, store meent.Store) [32]byte {
	tb.Helper()
	var lines []string
	if err := store.StateLines(context.Background(), func(l string) { lines = append(lines, l) }); err != nil {
		tb.Fatal(err)
	}
	return state.DigestLines(lines)
}

func openNode(tb testing.TB, store meent.Store, every int64, log *syncBuffer) *Node {
	tb.Helper()
	cfg := Config{Origin: benchOrigin, Signer: benchSigner(tb), SnapshotEvery: every}
	if log != nil {
		cfg.Logger = slog.New(slog.NewTextHandler(log, nil))
	}
	n, err := Open(context.Background(), store, cfg)
	if err != nil {
		tb.Fatal(err)
	}
	return n
}

// TestSnapshotRestart: a node writes snapshots as it goes and at Close;
// the next start restores the last one, replays nothing, and has the
// state of a replay from the first event; it goes on accepting events and
// refusing duplicates, also of events that only the snapshot covers.
func TestSnapshotRestart(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "meent.db")
	store, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { store.Close() }()
	entries := workloadEntries(t, 1200)
	n := openNode(t, store, 100, nil)
	var sizes []int64
	feed(t, n, entries[:1000], 37, func(int64) {
		n.waitSnapshots() // let each snapshot land, to see them all
		if s, err := store.Snapshot(ctx); err == nil && (len(sizes) == 0 || sizes[len(sizes)-1] != s.Size) {
			sizes = append(sizes, s.Size)
		}
	})
	// One at least every 100 events, or a quarter of the log when that
	// is more, and never more often.
	for i, size := range sizes {
		prev := int64(0)
		if i > 0 {
			prev = sizes[i-1]
		}
		if since := size - prev; since < max(100, size/4) || since > max(100, size/4)+37 {
			t.Fatalf("snapshots at sizes %v: %d events from %d to %d", sizes, since, prev, size)
		}
	}
	if len(sizes) < 6 {
		t.Fatalf("snapshots at sizes %v: too few", sizes)
	}
	n.Close()
	snap, err := store.Snapshot(ctx)
	if err != nil || snap.Size != 1000 || snap.Version != state.SnapshotVersion {
		t.Fatalf("after Close: snapshot of %d events (%q), %v; want 1000", snap.Size, snap.Version, err)
	}

	var log syncBuffer
	n = openNode(t, store, 100, &log)
	if !strings.Contains(log.String(), "restored the state from a snapshot") || !strings.Contains(log.String(), "size=1000") {
		t.Fatalf("the start did not restore the snapshot:\n%s", log.String())
	}
	size, want := replayDigest(t, store)
	n.State(func(st *state.State) {
		if st.Size != size || st.Digest() != want {
			t.Fatalf("restored state: size %d digest %x; replay: size %d digest %x", st.Size, st.Digest(), size, want)
		}
	})
	// A duplicate of an event that only the snapshot covers.
	if _, err := n.Submit(ctx, entries[5]); meent.ErrorCode(err) != meent.EDUPLICATE ||
		!strings.Contains(err.Error(), "is already in the log") {
		t.Fatalf("resubmitting event 5 after a restart: %v, want EDUPLICATE", err)
	}
	feed(t, n, entries[1000:], 64, nil)
	n.Close()
	size, want = replayDigest(t, store)
	if size != int64(len(entries)) || projectionDigest(t, store) != want {
		t.Fatalf("after %d more events: projections disagree with a replay", len(entries)-1000)
	}
}

// TestSnapshotIgnored: a snapshot of other rules, one larger than the log,
// or a damaged one is not restored; the start replays the whole log and
// still has the right state.
func TestSnapshotIgnored(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "meent.db")
	store, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	n := openNode(t, store, -1, nil)
	feed(t, n, workloadEntries(t, 300), 50, nil)
	n.Close()
	size, want := replayDigest(t, store)
	good, err := func() ([]byte, error) {
		var b []byte
		var err error
		n.State(func(st *state.State) { b, err = st.Snapshot() })
		return b, err
	}()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		snap meent.Snapshot
	}{
		{"other rules", meent.Snapshot{Size: size - 1, Version: "state/0", Data: good}},
		{"damaged", meent.Snapshot{Size: size - 1, Version: state.SnapshotVersion, Data: good[:len(good)/2]}},
		{"names another size", meent.Snapshot{Size: size, Version: state.SnapshotVersion, Data: []byte(`{"version":"` + state.SnapshotVersion + `","size":3}`)}},
	} {
		t.Run(c.name, func(t *testing.T) {
			db, _ := sql.Open("sqlite", path)
			db.Exec("DELETE FROM snapshots")
			db.Close()
			if err := store.Sequence(ctx, func(tx meent.SeqTx) error { return tx.PutSnapshot(ctx, c.snap) }); err != nil {
				t.Fatal(err)
			}
			var log syncBuffer
			n := openNode(t, store, -1, &log)
			defer n.Close()
			if strings.Contains(log.String(), "restored the state") {
				t.Fatalf("restored it:\n%s", log.String())
			}
			n.State(func(st *state.State) {
				if st.Size != size || st.Digest() != want {
					t.Fatalf("state: size %d, digest differs from a replay", st.Size)
				}
			})
		})
	}
}

// TestCrashRestart: a node killed with SIGKILL (TestCrashChild, in a
// process of its own) while appending restarts from its last snapshot
// plus the events after it, with the state and projections of a full
// replay.
func TestCrashRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a child process that appends 2,400 events")
	}
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "meent.db")
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), "MEENT_CRASH_DB="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(out)
	killed := false
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "size "); ok {
			if size, _ := strconv.Atoi(v); size >= 1500 {
				cmd.Process.Signal(syscall.SIGKILL)
				killed = true
				break
			}
		}
	}
	cmd.Wait()
	if !killed {
		t.Fatal("the child ended before it was killed")
	}
	store, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	snap, err := store.Snapshot(ctx)
	logSize, _ := store.Size(ctx)
	if err != nil || snap.Size == 0 || snap.Size > logSize {
		t.Fatalf("after the crash: snapshot of %d events (log %d), %v", snap.Size, logSize, err)
	}
	var log syncBuffer
	n := openNode(t, store, 200, &log)
	defer n.Close()
	if !strings.Contains(log.String(), fmt.Sprintf("size=%d", snap.Size)) {
		t.Fatalf("the start did not restore the snapshot of %d:\n%s", snap.Size, log.String())
	}
	size, want := replayDigest(t, store)
	n.State(func(st *state.State) {
		if st.Size != size || st.Digest() != want {
			t.Fatalf("restarted from the snapshot of %d: size %d digest %x; replay: size %d digest %x", snap.Size, st.Size, st.Digest(), size, want)
		}
	})
	if projectionDigest(t, store) != want {
		t.Fatal("projections disagree with a replay after the crash")
	}
	t.Logf("killed at %d events, snapshot of %d, %d replayed", logSize, snap.Size, logSize-snap.Size)
}

// TestCrashChild is TestCrashRestart's child: it appends until killed.
func TestCrashChild(t *testing.T) {
	path := os.Getenv("MEENT_CRASH_DB")
	if path == "" {
		t.Skip("run by TestCrashRestart")
	}
	store, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	n := openNode(t, store, 200, nil)
	feed(t, n, workloadEntries(t, 2400), 30, func(size int64) { fmt.Printf("size %d\n", size) })
	select {} // wait for the kill
}

// TestSnapshotSharedPostgres: two processes (two stores, two nodes) on one
// PostgreSQL database each restore the snapshot and catch up with what
// the other appended.
func TestSnapshotSharedPostgres(t *testing.T) {
	dsn := os.Getenv("MEENT_TEST_POSTGRES")
	if dsn == "" {
		t.Skip("MEENT_TEST_POSTGRES is not set")
	}
	ctx := context.Background()
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	var b [8]byte
	rand.Read(b[:])
	schema := "meent_snap_" + hex.EncodeToString(b[:])
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatal(err)
	}
	defer admin.Exec("DROP SCHEMA " + schema + " CASCADE")
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	open := func() meent.Store {
		s, err := postgres.Open(ctx, u.String())
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	entries := workloadEntries(t, 600)
	sa := open()
	defer sa.Close()
	a := openNode(t, sa, 100, nil)
	feed(t, a, entries[:300], 40, nil)
	a.Close() // a snapshot of 300
	var la, lb syncBuffer
	a = openNode(t, sa, 100, &la)
	defer a.Close()
	sb := open()
	defer sb.Close()
	bn := openNode(t, sb, 100, &lb)
	defer bn.Close()
	for _, l := range []*syncBuffer{&la, &lb} {
		if !strings.Contains(l.String(), "restored the state from a snapshot") {
			t.Fatalf("a process did not restore the snapshot:\n%s", l.String())
		}
	}
	// Each appends in turn; the other catches up inside its next batch.
	for i := 300; i < len(entries); i += 50 {
		nd := a
		if (i/50)%2 == 1 {
			nd = bn
		}
		feed(t, nd, entries[i:min(i+50, len(entries))], 50, nil)
	}
	// Resubmitting an event the other process appended is a duplicate.
	if _, err := a.Submit(ctx, entries[len(entries)-1]); meent.ErrorCode(err) != meent.EDUPLICATE {
		t.Fatalf("duplicate across processes: %v", err)
	}
	size, want := replayDigest(t, sa)
	for name, nd := range map[string]*Node{"a": a, "b": bn} {
		// A batch with one refused event brings each up to date.
		nd.Submit(ctx, entries[0])
		nd.State(func(st *state.State) {
			if st.Size != size || st.Digest() != want {
				t.Fatalf("%s: size %d, digest differs from a replay of %d", name, st.Size, size)
			}
		})
	}
}

// TestOtherRulesRewriteObjects: when the latest snapshot was made by other
// rules, the start replays the log, rewrites every object (their shape may
// have changed with the rules: here one object's stored document is
// stale) and writes a snapshot of these rules, so the next start rewrites
// nothing.
func TestOtherRulesRewriteObjects(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "meent.db")
	store, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { store.Close() }()
	n := openNode(t, store, -1, nil)
	feed(t, n, workloadEntries(t, 300), 50, nil)
	n.Close()
	size, want := replayDigest(t, store)
	store.Close()
	db, _ := sql.Open("sqlite", path)
	for _, q := range []string{
		// Of the very size of the log, as the older release's Close
		// left it: the new one must replace it, or every start would
		// rewrite the objects again.
		fmt.Sprintf(`INSERT INTO snapshots (size, version, data, time) VALUES (%d, 'state/0 older rules', x'00', 0)`, size),
		`UPDATE objects SET data = CAST('{"shape":"old"}' AS BLOB) WHERE rowid = (SELECT MIN(rowid) FROM objects WHERE kind = 'contribution')`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	if store, err = sqlite.Open(ctx, path); err != nil {
		t.Fatal(err)
	}
	if projectionDigest(t, store) == want {
		t.Fatal("the stale object did not change the projection digest")
	}
	var log syncBuffer
	n = openNode(t, store, -1, &log)
	defer n.Close()
	if !strings.Contains(log.String(), "rebuilt the objects projection") {
		t.Fatalf("the objects were not rewritten:\n%s", log.String())
	}
	if projectionDigest(t, store) != want {
		t.Fatal("projections disagree with a replay after the rewrite")
	}
	snap, err := store.Snapshot(ctx)
	if err != nil || snap.Version != state.SnapshotVersion || snap.Size != size {
		t.Fatalf("after the rewrite: snapshot of %d (%q), %v; want one of %d by these rules", snap.Size, snap.Version, err, size)
	}
}

// TestRebuild: node.Rebuild (meent rebuild) rewrites an object whose
// stored document is stale, without any snapshot hint, and leaves a
// snapshot of the whole log.
func TestRebuild(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "meent.db")
	store, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	n := openNode(t, store, -1, nil)
	feed(t, n, workloadEntries(t, 300), 50, nil)
	n.Close()
	size, want := replayDigest(t, store)
	db, _ := sql.Open("sqlite", path)
	_, err = db.Exec(`UPDATE objects SET data = CAST('{"shape":"old"}' AS BLOB) WHERE rowid = (SELECT MIN(rowid) FROM objects WHERE kind = 'need')`)
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	if projectionDigest(t, store) == want {
		t.Fatal("the stale object did not change the projection digest")
	}
	got, err := Rebuild(ctx, store, nil)
	if err != nil || got != size {
		t.Fatalf("Rebuild = %d, %v; want %d", got, err, size)
	}
	if projectionDigest(t, store) != want {
		t.Fatal("projections disagree with a replay after Rebuild")
	}
	if snap, err := store.Snapshot(ctx); err != nil || snap.Size != size || snap.Version != state.SnapshotVersion {
		t.Fatalf("after Rebuild: snapshot of %d (%q), %v", snap.Size, snap.Version, err)
	}
}

// TestSnapshotOffSequencer: a snapshot the node builds while it runs is
// made from the stored snapshot before it and the committed log, not from
// the sequencer's state; each one restores to exactly the state of a
// replay of the log's first Size events, and the next builds on it.
func TestSnapshotOffSequencer(t *testing.T) {
	ctx := context.Background()
	t.Run("sqlite", func(t *testing.T) {
		store, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "meent.db"))
		if err != nil {
			t.Fatal(err)
		}
		defer store.Close()
		testSnapshotOffSequencer(t, store)
	})
	t.Run("postgres", func(t *testing.T) {
		dsn := os.Getenv("MEENT_TEST_POSTGRES")
		if dsn == "" {
			t.Skip("MEENT_TEST_POSTGRES is not set")
		}
		admin, err := sql.Open("pgx", dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer admin.Close()
		var b [8]byte
		rand.Read(b[:])
		schema := "meent_offseq_" + hex.EncodeToString(b[:])
		if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
			t.Fatal(err)
		}
		defer admin.Exec("DROP SCHEMA " + schema + " CASCADE")
		u, err := url.Parse(dsn)
		if err != nil {
			t.Fatal(err)
		}
		q := u.Query()
		q.Set("search_path", schema)
		u.RawQuery = q.Encode()
		store, err := postgres.Open(ctx, u.String())
		if err != nil {
			t.Fatal(err)
		}
		defer store.Close()
		testSnapshotOffSequencer(t, store)
	})
}

func testSnapshotOffSequencer(t *testing.T, store meent.Store) {
	ctx := context.Background()
	entries := workloadEntries(t, 900)
	var log syncBuffer
	n := openNode(t, store, 100, &log)
	defer n.Close()
	checked := map[int64]bool{}
	feed(t, n, entries, 29, func(int64) {
		n.waitSnapshots()
		snap, err := store.Snapshot(ctx)
		if err != nil || checked[snap.Size] {
			return
		}
		checked[snap.Size] = true
		got, err := state.Restore(snap.Data)
		if err != nil {
			t.Fatalf("restore the snapshot of %d events: %v", snap.Size, err)
		}
		want := state.New()
		for i, e := range entries[:snap.Size] {
			ev, err := ledger.Parse(e)
			if err == nil {
				err = want.Apply(ev)
			}
			if err != nil {
				t.Fatalf("replay entry %d: %v", i, err)
			}
		}
		if got.Size != snap.Size || got.Digest() != want.Digest() {
			t.Fatalf("snapshot of %d events: size %d, digest %x; a replay of them: %x", snap.Size, got.Size, got.Digest(), want.Digest())
		}
	})
	if len(checked) < 3 {
		t.Fatalf("snapshots checked at %v: too few", checked)
	}
	if !strings.Contains(log.String(), "built a snapshot of the state from the log") || !regexp.MustCompile(`from=[1-9]`).MatchString(log.String()) {
		t.Fatalf("no snapshot was built on the one before it:\n%s", log.String())
	}
}
