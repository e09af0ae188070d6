// Package sqlite is meent's default, embedded storage: a SQLite database
// in one file, through the pure-Go driver modernc.org/sqlite, so the meent
// binary needs no cgo and a fresh machine needs nothing else.
//
// SQLite allows one writer at a time. Rather than let connections race for
// the write lock, the store keeps exactly one writer connection, which
// begins every transaction IMMEDIATE (taking the write lock at BEGIN, so a
// transaction never fails halfway with SQLITE_BUSY when it first writes),
// and a separate pool of query_only readers, which in WAL mode never block
// the writer or each other. The sequencer lock is therefore the writer
// connection itself, and across processes SQLite's own write lock.
package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/meent/meent/sqlstore"
)

// pragmas run, in this order, on every new connection. busy_timeout comes
// first so the others wait for a lock instead of failing; WAL lets readers
// work while the writer writes; foreign_keys is off by default in SQLite;
// synchronous=FULL syncs the WAL at every commit, so an acknowledged event
// survives a power cut, not only a crash of the process. temp_store=MEMORY
// keeps statement journals off disk: every multi-row INSERT of an Append
// keeps one (to undo itself on a constraint error), and writing it to a
// temporary file cost a third of the time of appending (BenchmarkAppend).
// wal_autocheckpoint=10000 pages (40 MB of WAL) lets a hot index page be
// rewritten many times in the WAL before it is copied back once: with the
// default 1000, WAL checkpoints took a quarter of the sequencer's time
// under load (node BenchmarkIngest).
var pragmas = []string{
	"PRAGMA busy_timeout = 5000",
	"PRAGMA journal_mode = WAL",
	"PRAGMA foreign_keys = ON",
	"PRAGMA synchronous = FULL",
	"PRAGMA temp_store = MEMORY",
	"PRAGMA wal_autocheckpoint = 10000",
}

// Open opens (creating it if need be) the database file at path, migrates
// it and returns the store. The directory must exist. path must name a
// file: ":memory:" would give the writer and each reader a database of
// its own.
func Open(ctx context.Context, path string) (*sqlstore.DB, error) {
	// As a file: URI the path may hold any character (a '?' is escaped).
	// _txlock=immediate makes database/sql's BeginTx issue BEGIN IMMEDIATE
	// (read-only transactions still begin DEFERRED). The pragmas are run
	// by connector below rather than given as DSN parameters, because the
	// driver applies DSN pragmas in an order of its own.
	// The path is made absolute first: a relative one ("meent-data/x.db")
	// would read as a URI authority.
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	// The database holds sessions, token hashes, password hashes and
	// sealed keys: it is created 0600, like the node's key, before SQLite
	// opens it, whatever the umask. SQLite creates -wal and -shm with the
	// mode of the database file; they are set again after opening anyway
	// (and an existing database made 0644 by an older meent is tightened).
	if f, err := os.OpenFile(abs, os.O_RDWR|os.O_CREATE, 0o600); err == nil {
		f.Close()
	}
	u := url.URL{Scheme: "file", Path: abs}
	writeDSN := u.String() + "?_txlock=immediate"
	readDSN := u.String()

	write, err := openDB(writeDSN, false)
	if err != nil {
		return nil, err
	}
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	write.SetConnMaxLifetime(0)
	write.SetConnMaxIdleTime(0)

	read, err := openDB(readDSN, true)
	if err != nil {
		write.Close()
		return nil, err
	}
	// Queries run in Go (the driver is transpiled C), so more readers than
	// cores buy little; a few more than that cover queries waiting on I/O.
	n := max(4, runtime.GOMAXPROCS(0)+2)
	read.SetMaxOpenConns(n)
	read.SetMaxIdleConns(n)

	// Ping the writer before migrating so that a bad path fails here with
	// the driver's own message.
	if err := write.PingContext(ctx); err != nil {
		write.Close()
		read.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	db, err := sqlstore.Open(ctx, write, read, dialect{})
	if err != nil {
		return nil, fmt.Errorf("sqlite: %s: %w", path, err)
	}
	if err := private(abs); err != nil {
		db.Close()
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	return db, nil
}

// private makes the database file and its -wal and -shm companions
// readable by their owner only. A missing companion is not an error.
func private(path string) error {
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if err := os.Chmod(p, 0o600); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	return nil
}

func openDB(dsn string, readOnly bool) (*sql.DB, error) {
	base, err := sqlite.NewConnector(dsn)
	if err != nil {
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	return sql.OpenDB(connector{base, readOnly}), nil
}

// connector runs the pragmas on each connection the pool opens.
type connector struct {
	driver.Connector
	readOnly bool
}

func (c connector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	ex, ok := conn.(driver.ExecerContext)
	if !ok {
		conn.Close()
		return nil, errors.New("sqlite: driver connection cannot execute statements")
	}
	ps := pragmas
	if c.readOnly {
		// A reader that tried to write would take the write lock from
		// under the writer; query_only makes that an error instead.
		ps = append(ps[:len(ps):len(ps)], "PRAGMA query_only = ON")
	}
	for _, p := range ps {
		if _, err := ex.ExecContext(ctx, p, nil); err != nil {
			conn.Close()
			return nil, fmt.Errorf("sqlite: %s: %w", p, err)
		}
	}
	return conn, nil
}

// dialect is SQLite's sqlstore.Dialect.
type dialect struct{}

func (dialect) Name() string               { return "sqlite" }
func (dialect) Rebind(query string) string { return query }

// LockSequencer does nothing: the transaction began IMMEDIATE on the only
// writer connection, so it already holds SQLite's write lock, which no
// other connection of any process can take until it ends.
func (dialect) LockSequencer(context.Context, *sql.Tx) error { return nil }

// LockMigrations does nothing, for the same reason.
func (dialect) LockMigrations(context.Context, *sql.Tx) error { return nil }

// SnapshotOptions: a read-only transaction begins DEFERRED and sees one
// snapshot of the WAL from its first read to its end.
func (dialect) SnapshotOptions() *sql.TxOptions { return &sql.TxOptions{ReadOnly: true} }

// IsUniqueViolation looks at SQLite's extended result code, which the
// driver turns on for every connection.
func (dialect) IsUniqueViolation(err error) bool {
	var e *sqlite.Error
	if !errors.As(err, &e) {
		return false
	}
	switch e.Code() {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		return true
	}
	return false
}
