package postgres_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/meent/meent"
	"github.com/meent/meent/postgres"
	"github.com/meent/meent/storetest"
)

// The tests need a PostgreSQL server: set MEENT_TEST_POSTGRES to a DSN,
// e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable. Each test
// works in a schema of its own, dropped at the end, so tests can run in
// parallel and again without cleaning up.
const envDSN = "MEENT_TEST_POSTGRES"

// schema creates a fresh schema and returns a DSN whose connections use
// it, and drops it when the test ends.
func schema(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv(envDSN)
	if dsn == "" {
		t.Skipf("%s is not set; skipping PostgreSQL tests", envDSN)
	}
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	var b [8]byte
	rand.Read(b[:])
	name := "meent_test_" + hex.EncodeToString(b[:])
	if _, err := admin.ExecContext(t.Context(), "CREATE SCHEMA "+name); err != nil {
		admin.Close()
		t.Fatalf("create schema: %v", err)
	}
	// Registered first, so it runs last: after the stores are closed.
	t.Cleanup(func() {
		defer admin.Close()
		if _, err := admin.ExecContext(context.Background(), "DROP SCHEMA "+name+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", name, err)
		}
	})
	return withSearchPath(t, dsn, name)
}

// withSearchPath adds search_path to a DSN in either of the forms pgx
// reads; pgx sends it to the server as a run-time parameter.
func withSearchPath(t testing.TB, dsn, schema string) string {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		if err != nil {
			t.Fatalf("%s: %v", envDSN, err)
		}
		q := u.Query()
		q.Set("search_path", schema)
		u.RawQuery = q.Encode()
		return u.String()
	}
	return dsn + " search_path=" + schema
}

func open(t testing.TB, dsn string) meent.Store {
	t.Helper()
	s, err := postgres.Open(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// migrations is the number of files in sqlstore/migrations/postgres.
const migrations = 4

func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) meent.Store { return open(t, schema(t)) })
}

// TestTwoProcesses shares one schema between two stores with their own
// pools, as two meent processes would: the advisory lock alone keeps
// their sequencers apart.
func TestTwoProcesses(t *testing.T) {
	dsn := schema(t)
	storetest.Concurrent(t, open(t, dsn), open(t, dsn), open(t, dsn))
}

// TestConcurrentMigrations starts several stores on an empty schema at
// once: the migration lock must let exactly one create the tables.
func TestConcurrentMigrations(t *testing.T) {
	dsn := schema(t)
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := postgres.Open(t.Context(), dsn)
			if err != nil {
				t.Errorf("open %d: %v", i, err)
				return
			}
			s.Close()
		}()
	}
	wg.Wait()
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow("SELECT count(*) FROM schema_migrations").Scan(&n); err != nil || n != migrations {
		t.Fatalf("schema_migrations has %d rows (%v), want %d", n, err, migrations)
	}
}

// TestLockReleasedWhenHolderDies: a process that dies while sequencing
// must not block the others, and nothing it wrote may be kept. The
// holder's connection is killed from the server side while it holds the
// lock; another store then appends.
func TestLockReleasedWhenHolderDies(t *testing.T) {
	dsn := schema(t)
	a, b := open(t, dsn), open(t, dsn)
	ctx := t.Context()
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()

	batch := storetest.Batches(t, 2, 1)
	locked := make(chan int) // the backend PID of the holder
	release := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- a.Sequence(ctx, func(tx meent.SeqTx) error {
			bt := batch[0]
			if err := tx.Append(ctx, bt.Records, bt.Hashes, bt.Checkpoint); err != nil {
				return err
			}
			var pid int
			err := admin.QueryRowContext(ctx, `SELECT pid FROM pg_locks
				WHERE locktype = 'advisory' AND granted AND ((classid::bigint << 32) | objid::bigint) = $1`,
				postgres.SequencerLockKey).Scan(&pid)
			if err != nil {
				return err
			}
			locked <- pid
			<-release
			return nil
		})
	}()
	var pid int
	select {
	case pid = <-locked:
	case err := <-done:
		t.Fatalf("holder ended early: %v", err)
	}
	if _, err := admin.ExecContext(ctx, "SELECT pg_terminate_backend($1)", pid); err != nil {
		t.Fatal(err)
	}
	bt := batch[0]
	if err := b.Sequence(ctx, func(tx meent.SeqTx) error { return tx.Append(ctx, bt.Records, bt.Hashes, bt.Checkpoint) }); err != nil {
		t.Fatalf("append after the holder died: %v", err)
	}
	close(release)
	if err := <-done; err == nil {
		t.Fatalf("the killed holder's Sequence reports success")
	}
	if n, err := b.Size(ctx); err != nil || n != 1 {
		t.Fatalf("Size = %d, %v; want 1", n, err)
	}
}

// BenchmarkAppend is sqlite's BenchmarkAppend against PostgreSQL.
func BenchmarkAppend(b *testing.B) {
	for _, k := range []int{1, 256} {
		b.Run(fmt.Sprintf("batch=%d", k), func(b *testing.B) {
			ctx := context.Background()
			s := open(b, schema(b))
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
