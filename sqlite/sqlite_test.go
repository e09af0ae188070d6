package sqlite_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	_ "modernc.org/sqlite"

	"github.com/meent/meent"
	"github.com/meent/meent/sqlite"
	"github.com/meent/meent/storetest"
)

func open(t testing.TB, path string) meent.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// migrations is the number of files in sqlstore/migrations/sqlite.
const migrations = 4

func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) meent.Store {
		return open(t, filepath.Join(t.TempDir(), "meent.db"))
	})
}

// TestTwoStores shares one file between two stores, as two processes
// would: SQLite's write lock must keep their sequencers apart.
func TestTwoStores(t *testing.T) {
	path := filepath.Join(t.TempDir(), "meent.db")
	storetest.Concurrent(t, open(t, path), open(t, path))
}

// TestReopen checks that the log survives Close, that reopening does not
// migrate again, and that the file has the pragmas durability relies on.
func TestReopen(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "a dir?with#odd chars", "meent.db")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	s, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	b := storetest.Batches(t, 3, 3)[0]
	if err := s.Sequence(ctx, func(tx meent.SeqTx) error { return tx.Append(ctx, b.Records, b.Hashes, b.Checkpoint) }); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s2 := open(t, path)
	if n, err := s2.Size(ctx); err != nil || n != 3 {
		t.Fatalf("Size after reopening = %d, %v; want 3", n, err)
	}

	if _, err := os.Stat(path); err != nil {
		t.Fatalf("database is not at the path given: %v", err)
	}
	raw, err := sql.Open("sqlite", (&url.URL{Scheme: "file", Path: path}).String())
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var mode string
	if err := raw.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Fatalf("journal_mode = %q, %v; want wal", mode, err)
	}
	var versions int
	if err := raw.QueryRow("SELECT count(*) FROM schema_migrations").Scan(&versions); err != nil || versions != migrations {
		t.Fatalf("schema_migrations has %d rows (%v), want %d", versions, err, migrations)
	}
}

// TestUpgradeFrom1 opens a database that the release before objects
// migrated (0001 only), with events in it: Open must add the objects
// table and keep the log.
func TestUpgradeFrom1(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "meent.db")
	init1, err := os.ReadFile(filepath.Join("..", "sqlstore", "migrations", "sqlite", "0001_init.sql"))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	// schema_migrations as sqlstore creates it.
	for _, q := range []string{
		`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied BIGINT NOT NULL)`,
		string(init1),
		`INSERT INTO schema_migrations (version, name, applied) VALUES (1, '0001_init.sql', 0)`,
		`INSERT INTO events (idx, hash, type, author, key, time, data, entry) VALUES (0, zeroblob(32), 'note.post', '', NULL, 0, X'7B7D', X'00')`,
	} {
		if _, err := raw.ExecContext(ctx, q); err != nil {
			t.Fatalf("%.40s: %v", q, err)
		}
	}
	raw.Close()

	s := open(t, path)
	if n, err := s.Size(ctx); err != nil || n != 1 {
		t.Fatalf("Size after the upgrade = %d, %v; want 1", n, err)
	}
	o := meent.Object{Kind: "need", ID: "n", Created: 0, Updated: 0, Data: []byte(`{"a": 1}`)}
	if err := s.Sequence(ctx, func(tx meent.SeqTx) error { return tx.PutObjects(ctx, []meent.Object{o}) }); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Object(ctx, "need", "n"); err != nil || string(got.Data) != string(o.Data) {
		t.Fatalf("Object after the upgrade = %+v, %v", got, err)
	}
}

// TestNewerSchema: a binary must refuse a database migrated by a newer one.
func TestNewerSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "meent.db")
	s := open(t, path)
	s.Close()
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec("INSERT INTO schema_migrations (version, name, applied) VALUES (999, '0999_future.sql', 0)"); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	_, err = sqlite.Open(t.Context(), path)
	if err == nil || !strings.Contains(err.Error(), "newer") {
		t.Fatalf("Open of a newer schema: %v, want a refusal", err)
	}
}

// TestReadWhileWriting: queries on the reader pool run while the writer appends.
func TestReadWhileWriting(t *testing.T) {
	s := open(t, filepath.Join(t.TempDir(), "meent.db"))
	// Many concurrent reads while the writer appends: none blocks or fails.
	ctx := t.Context()
	bs := storetest.Batches(t, 64, 8)
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				if _, err := s.Records(ctx, meent.EventFilter{Desc: true, Limit: 5}); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	for _, b := range bs {
		if err := s.Sequence(ctx, func(tx meent.SeqTx) error { return tx.Append(ctx, b.Records, b.Hashes, b.Checkpoint) }); err != nil {
			t.Fatal(err)
		}
	}
	wg.Wait()
}

// BenchmarkAppend measures the store alone: events are signed and their
// tree hashes computed before the clock starts. Each op is one Sequence;
// events/s is the figure to compare across batch sizes.
func BenchmarkAppend(b *testing.B) {
	for _, k := range []int{1, 256} {
		b.Run(fmt.Sprintf("batch=%d", k), func(b *testing.B) {
			ctx := context.Background()
			s := open(b, filepath.Join(b.TempDir(), "meent.db"))
			bs := storetest.Batches(b, b.N*k, k)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				bt := bs[i]
				if err := s.Sequence(ctx, func(tx meent.SeqTx) error {
					return tx.Append(ctx, bt.Records, bt.Hashes, bt.Checkpoint)
				}); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(b.N*k)/b.Elapsed().Seconds(), "events/s")
		})
	}
}

// TestRelativePath opens a database by a relative path, as the README's
// quick start does with its default data directory.
func TestRelativePath(t *testing.T) {
	t.Chdir(t.TempDir())
	if err := os.Mkdir("meent-data", 0o700); err != nil {
		t.Fatal(err)
	}
	db, err := sqlite.Open(context.Background(), "meent-data/meent.db")
	if err != nil {
		t.Fatalf("open a relative path: %v", err)
	}
	db.Close()
	if _, err := os.Stat("meent-data/meent.db"); err != nil {
		t.Fatal(err)
	}
}
