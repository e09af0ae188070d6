// Package sqlstore implements meent.Store over database/sql, once, for
// every SQL database meent runs on. What differs between databases (how
// placeholders are written, how the sequencer lock is taken, which driver
// error means a unique key was violated, the DDL) is behind a small
// Dialect; the sqlite and postgres packages supply one each, open the
// connections and hand them to Open.
//
// All SQL is hand-written here and in the numbered migrations under
// migrations/<dialect>/, which Open applies before returning. Queries are
// written with ? placeholders; the dialect rewrites them.
package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/meent/meent"
)

// Dialect is what differs between the SQL databases sqlstore runs on.
type Dialect interface {
	// Name names the directory under migrations/ that holds the
	// dialect's schema: "sqlite" or "postgres".
	Name() string

	// Rebind rewrites a query written with ? placeholders into the
	// database's own placeholder syntax.
	Rebind(query string) string

	// LockSequencer is called first in every Sequence transaction. When it
	// returns, tx must be the only transaction that can append to the log,
	// across every process sharing the database, until it ends; and the
	// statements that follow in tx must see everything committed before.
	LockSequencer(ctx context.Context, tx *sql.Tx) error

	// LockMigrations is called first in the migration transaction, so
	// that processes starting at the same time migrate one after another.
	LockMigrations(ctx context.Context, tx *sql.Tx) error

	// SnapshotOptions returns the options of a read-only transaction whose
	// queries all see the same committed state.
	SnapshotOptions() *sql.TxOptions

	// IsUniqueViolation reports whether err is the driver's error for a
	// violated primary key or unique constraint. It must look at the
	// driver's error code, never at message text.
	IsUniqueViolation(err error) bool
}

// DB is a meent.Store over database/sql.
type DB struct {
	write *sql.DB // sequencer and the other writes
	read  *sql.DB // queries; may be the same pool as write
	d     Dialect

	// stmts caches statements prepared on the write pool. The sequencer
	// runs the same few statements thousands of times a second; parsing
	// each anew cost more than executing it.
	stmtMu sync.Mutex
	stmts  map[string]*sql.Stmt
}

var _ meent.Store = (*DB)(nil)

// Open migrates the database to the schema this code knows and returns a
// store over it. Writes go through write and queries through read, which
// may be the same pool: SQLite wants one writer connection and a separate
// pool of readers, PostgreSQL one pool for both. DB owns both pools from
// here on and closes them in Close, also when Open fails.
func Open(ctx context.Context, write, read *sql.DB, d Dialect) (*DB, error) {
	db := &DB{write: write, read: read, d: d}
	if err := migrate(ctx, write, d); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// Close closes the connection pools.
func (db *DB) Close() error {
	db.stmtMu.Lock()
	for _, s := range db.stmts {
		s.Close()
	}
	db.stmts = nil
	db.stmtMu.Unlock()
	err := db.write.Close()
	if db.read != db.write {
		err = errors.Join(err, db.read.Close())
	}
	return err
}

// querier is what *sql.DB and *sql.Tx have in common.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// conn pairs a pool or a transaction with the dialect that rewrites the
// queries sent through it. The helpers that read and write take a conn, so
// the same code serves a Store query (on the read pool) and a SeqTx one
// (inside the sequencer's transaction).
type conn struct {
	q querier
	d Dialect
	// prep, when set, returns a prepared statement for a query (already
	// rebound) inside the current transaction; exec then uses it.
	prep func(ctx context.Context, query string) (*sql.Stmt, error)
}

func (c conn) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if c.prep != nil {
		st, err := c.prep(ctx, c.d.Rebind(query))
		if err != nil {
			return nil, err
		}
		return st.ExecContext(ctx, args...)
	}
	return c.q.ExecContext(ctx, c.d.Rebind(query), args...)
}

// maxStmts bounds the statement cache; the sequencer uses a few dozen.
const maxStmts = 256

// cached returns the write pool's prepared statement for query, or nil.
func (db *DB) cached(query string) *sql.Stmt {
	db.stmtMu.Lock()
	defer db.stmtMu.Unlock()
	return db.stmts[query]
}

// prepareLater prepares queries on the write pool, outside any
// transaction, for the next ones to reuse.
func (db *DB) prepareLater(queries []string) {
	for _, q := range queries {
		db.stmtMu.Lock()
		_, have := db.stmts[q]
		full := len(db.stmts) >= maxStmts
		db.stmtMu.Unlock()
		if have || full {
			continue
		}
		s, err := db.write.PrepareContext(context.Background(), q)
		if err != nil {
			continue // not cached; the next transaction prepares it again
		}
		db.stmtMu.Lock()
		if db.stmts == nil {
			db.stmts = map[string]*sql.Stmt{}
		}
		if _, have := db.stmts[q]; have {
			s.Close()
		} else {
			db.stmts[q] = s
		}
		db.stmtMu.Unlock()
	}
}

func (c conn) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return c.q.QueryContext(ctx, c.d.Rebind(query), args...)
}

func (c conn) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return c.q.QueryRowContext(ctx, c.d.Rebind(query), args...)
}

func (db *DB) reader() conn { return conn{q: db.read, d: db.d} }
func (db *DB) writer() conn { return conn{q: db.write, d: db.d} }

// snapshot runs fn in a read-only transaction, so that the several queries
// of one answer (an agent and its keys, all the lines of StateLines) see
// one committed state.
func (db *DB) snapshot(ctx context.Context, fn func(conn) error) error {
	tx, err := db.read.BeginTx(ctx, db.d.SnapshotOptions())
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := fn(conn{q: tx, d: db.d}); err != nil {
		return err
	}
	return tx.Commit()
}

// DollarPlaceholders rewrites the ? placeholders of query into $1, $2, ...
// as PostgreSQL wants them. A ? inside a quoted string or identifier is
// left alone.
func DollarPlaceholders(query string) string {
	if !strings.Contains(query, "?") {
		return query
	}
	var b strings.Builder
	b.Grow(len(query) + 16)
	n := 0
	var quote byte // the quote character we are inside, or 0
	for i := 0; i < len(query); i++ {
		c := query[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0 // a doubled quote closes and reopens: still right
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '?':
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// placeholders returns "?, ?, ..." with n marks, for IN lists and
// multi-row VALUES.
func placeholders(n int) string {
	if n <= 0 {
		return ""
	}
	return strings.Repeat("?, ", n-1) + "?"
}

func notFound(format string, args ...any) error {
	return meent.Errorf(meent.ENOTFOUND, format, args...)
}

// conflictOr turns a unique violation into ECONFLICT with the given user
// message, and wraps any other error with what was being done.
func (db *DB) conflictOr(err error, what, message string) error {
	if err == nil {
		return nil
	}
	if db.d.IsUniqueViolation(err) {
		return &meent.Error{Code: meent.ECONFLICT, Message: message, Err: err}
	}
	return fmt.Errorf("%s: %w", what, err)
}

// scanHash copies a 32-byte column into a hash, refusing any other length
// so that a damaged row is reported rather than read as a wrong hash.
func scanHash(dst *[32]byte, b []byte) error {
	if len(b) != len(dst) {
		return fmt.Errorf("stored hash is %d bytes, want %d", len(b), len(dst))
	}
	copy(dst[:], b)
	return nil
}
