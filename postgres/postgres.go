// Package postgres is meent's storage for when one machine is not enough:
// PostgreSQL through pgx (github.com/jackc/pgx/v5/stdlib).
//
// Several meent processes may share one database. Exactly one of them
// sequences the log at a time: every Sequence transaction first takes a
// transaction-scoped advisory lock with a key fixed for meent's sequencer,
// so a second process waits at that point until the first commits or rolls
// back, and then sees everything it wrote. If the holder dies, PostgreSQL
// ends its transaction and releases the lock, and another process goes on.
package postgres

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"runtime"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/meent/meent"
	"github.com/meent/meent/sqlstore"
)

// Advisory lock keys, one 64-bit space per database. They spell "meent"
// in their high bytes, so they stand out in pg_locks, and must never
// change: processes of different versions have to agree on them.
const (
	SequencerLockKey int64 = 0x6d65656e74_000001 // held by the one process appending
	MigrationLockKey int64 = 0x6d65656e74_000002 // held while the schema is migrated
)

// Open connects to the database named by dsn (a URL or key=value string,
// as pgx reads it; parameters PostgreSQL knows, such as search_path, are
// passed to the server), migrates it and returns the store.
func Open(ctx context.Context, dsn string) (*sqlstore.DB, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	db := sql.OpenDB(connector{stdlib.GetConnector(*cfg)})
	// One pool for writes and queries. The sequencer uses one connection
	// at a time; the rest serve queries. Bounded so that several meent
	// processes stay well inside the server's max_connections.
	n := max(8, 2*runtime.GOMAXPROCS(0))
	db.SetMaxOpenConns(n)
	db.SetMaxIdleConns(n)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("postgres: connect: %w", err)
	}
	s, err := sqlstore.Open(ctx, db, db, dialect{})
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	return s, nil
}

// connector marks a failure to connect as EUNAVAILABLE: the server is
// down, refuses connections, or is unreachable. Every query that needs a
// new connection fails this way while PostgreSQL is down, and the HTTP
// layer then answers 503 rather than 500. (database/sql retries a query
// whose pooled connection died, so a restart of the server surfaces here.)
type connector struct{ driver.Connector }

func (c connector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.Connector.Connect(ctx)
	if err != nil && ctx.Err() == nil {
		return nil, &meent.Error{Code: meent.EUNAVAILABLE, Message: "the database is unavailable; retry later", Err: err}
	}
	return conn, err
}

// dialect is PostgreSQL's sqlstore.Dialect.
type dialect struct{}

func (dialect) Name() string               { return "postgres" }
func (dialect) Rebind(query string) string { return sqlstore.DollarPlaceholders(query) }

// The lock statements are sent without arguments, hence over the simple
// protocol, which lets two statements share one round trip.
var (
	lockSequencer = fmt.Sprintf(
		// READ COMMITTED, whatever the server's default: each statement
		// after the lock then takes a fresh snapshot and sees what the
		// previous holder committed. Under REPEATABLE READ the snapshot
		// would be the one taken by the statement that waited for the
		// lock, from before that holder committed.
		"SET TRANSACTION ISOLATION LEVEL READ COMMITTED; SELECT pg_advisory_xact_lock(%d)", SequencerLockKey)
	lockMigrations = fmt.Sprintf("SELECT pg_advisory_xact_lock(%d)", MigrationLockKey)
)

// LockSequencer takes the sequencer's advisory lock, released when the
// transaction ends.
func (dialect) LockSequencer(ctx context.Context, tx *sql.Tx) error {
	_, err := tx.ExecContext(ctx, lockSequencer)
	return err
}

// LockMigrations takes the migration lock, so that two processes starting
// together do not both create the tables: the second waits, then finds
// the schema up to date.
func (dialect) LockMigrations(ctx context.Context, tx *sql.Tx) error {
	_, err := tx.ExecContext(ctx, lockMigrations)
	return err
}

// SnapshotOptions: one snapshot for every statement of the transaction.
func (dialect) SnapshotOptions() *sql.TxOptions {
	return &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}
}

// uniqueViolation is SQLSTATE 23505, unique_violation: also raised for a
// duplicate primary key.
const uniqueViolation = "23505"

// IsUniqueViolation looks at the SQLSTATE of the server's error.
func (dialect) IsUniqueViolation(err error) bool {
	var e *pgconn.PgError
	return errors.As(err, &e) && e.Code == uniqueViolation
}
