package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/meent/meent"
)

// maxArgs bounds the arguments of one multi-row INSERT. Both databases
// allow far more (SQLite since 3.32: 32766, PostgreSQL: 65535); this keeps
// statements a size that parses quickly while still saving most round
// trips.
const maxArgs = 4096

// Sequence runs fn in a write transaction that holds the sequencer lock.
// If fn returns an error, or an Append or PutObjects inside it failed,
// the transaction is rolled back and nothing fn wrote is kept. fn must not
// call Sequence again: on SQLite there is one writer connection and it is
// taken.
func (db *DB) Sequence(ctx context.Context, fn func(meent.SeqTx) error) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sequence: begin: %w", err)
	}
	var unprepared []string
	defer func() {
		// After the transaction ends (deferred calls run last-first), so
		// the write connection is free: prepare what this one had to
		// prepare inside itself, for the next ones to reuse.
		tx.Rollback()
		db.prepareLater(unprepared)
	}()
	if err := db.d.LockSequencer(ctx, tx); err != nil {
		return fmt.Errorf("sequence: take the sequencer lock: %w", err)
	}
	st := &seqTx{db: db}
	local := map[string]*sql.Stmt{}
	// Statements are prepared on the write pool between transactions (on
	// SQLite its one connection is busy during one); a statement first
	// met inside a transaction is prepared there and cached afterwards.
	st.c = conn{q: tx, d: db.d, prep: func(ctx context.Context, query string) (*sql.Stmt, error) {
		if s, ok := local[query]; ok {
			return s, nil
		}
		var ts *sql.Stmt
		if s := db.cached(query); s != nil {
			ts = tx.StmtContext(ctx, s)
		} else {
			var err error
			if ts, err = tx.PrepareContext(ctx, query); err != nil {
				return nil, err
			}
			unprepared = append(unprepared, query)
		}
		local[query] = ts
		return ts, nil
	}}
	if err := fn(st); err != nil {
		return err
	}
	// A failed Append or PutObjects may have written part of its rows
	// before the statement that failed (SQLite keeps a transaction usable
	// after a constraint error). Never commit that, even if fn swallowed
	// the error.
	if st.failed != nil {
		return st.failed
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sequence: commit: %w", err)
	}
	return nil
}

// seqTx is the meent.SeqTx of one Sequence call.
type seqTx struct {
	db     *DB
	c      conn
	failed error // the error of a failed Append or PutObjects; the transaction must not commit
}

func (t *seqTx) Size(ctx context.Context) (int64, error) { return size(ctx, t.c) }

func (t *seqTx) Entries(ctx context.Context, start int64, n int) ([][]byte, error) {
	return entries(ctx, t.c, start, n)
}

func (t *seqTx) ReadHashes(ctx context.Context, indexes []int64) ([][32]byte, error) {
	return readHashes(ctx, t.c, indexes)
}

// Append writes recs, hashes, their projections and cp, all or nothing:
// once it has failed, the whole Sequence is rolled back.
//
// Besides the unique index and hash (ECONFLICT), it checks the two things
// that would corrupt the log for good if a caller got them wrong: records
// must continue the log without a gap (EINVALID otherwise), and the
// checkpoint may neither cover entries the log does not have nor be
// smaller than the one it replaces (EINVALID).
func (t *seqTx) Append(ctx context.Context, recs []meent.Record, hashes []meent.StoredHash, cp meent.Checkpoint) error {
	if t.failed != nil {
		return t.failed
	}
	if err := t.append(ctx, recs, hashes, cp); err != nil {
		t.failed = err
		return err
	}
	return nil
}

func (t *seqTx) append(ctx context.Context, recs []meent.Record, hashes []meent.StoredHash, cp meent.Checkpoint) error {
	n, err := size(ctx, t.c)
	if err != nil {
		return fmt.Errorf("append: %w", err)
	}
	for i, r := range recs {
		want := n + int64(i)
		switch {
		case r.Index < want:
			return meent.Errorf(meent.ECONFLICT, "event index %d is already taken: the next index is %d", r.Index, want)
		case r.Index > want:
			return meent.Errorf(meent.EINVALID, "event index %d would leave a gap: the next index is %d", r.Index, want)
		}
	}
	newSize := n + int64(len(recs))
	if cp.Size < 0 || cp.Size > newSize {
		return meent.Errorf(meent.EINVALID, "checkpoint of size %d does not fit a log of %d events", cp.Size, newSize)
	}

	if err := t.insertEvents(ctx, recs); err != nil {
		return err
	}
	if err := t.insertHashes(ctx, hashes); err != nil {
		return err
	}
	if err := insertRefs(ctx, t.c, recs); err != nil { // the event index: refs.go
		return err
	}
	for _, r := range recs {
		if err := project(ctx, t.c, r); err != nil {
			return fmt.Errorf("append: projection of event %d (%s): %w", r.Index, r.Type, err)
		}
	}

	note := cp.Note
	if note == nil {
		note = []byte{} // the column is NOT NULL; a nil slice would be NULL
	}
	// The WHERE makes a smaller checkpoint a no-op, detected below: a log
	// never goes back on a size it has signed.
	res, err := t.c.exec(ctx, `INSERT INTO checkpoint (id, size, root, note, time) VALUES (1, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET size = excluded.size, root = excluded.root, note = excluded.note, time = excluded.time
		WHERE excluded.size >= checkpoint.size`,
		cp.Size, cp.Root[:], note, cp.Time)
	if err != nil {
		return fmt.Errorf("append: write checkpoint: %w", err)
	}
	if k, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("append: write checkpoint: %w", err)
	} else if k != 1 {
		return meent.Errorf(meent.EINVALID, "checkpoint of size %d is smaller than the stored one", cp.Size)
	}
	return nil
}

func (t *seqTx) insertEvents(ctx context.Context, recs []meent.Record) error {
	const cols = 8
	return insertRows(ctx, t.c, `INSERT INTO events (idx, hash, type, author, key, time, data, entry) VALUES `, "",
		cols, len(recs), func(i int, args []any) []any {
			r := &recs[i]
			return append(args, r.Index, r.Hash[:], r.Type, r.Author, r.Key, r.Time, r.Data, r.Entry)
		}, func(err error) error {
			return t.db.conflictOr(err, "append: insert events", "an event index or hash is already in the log")
		})
}

func (t *seqTx) insertHashes(ctx context.Context, hashes []meent.StoredHash) error {
	const cols = 2
	return insertRows(ctx, t.c, `INSERT INTO tree_hashes (id, hash) VALUES `, "",
		cols, len(hashes), func(i int, args []any) []any {
			h := &hashes[i]
			return append(args, h.Index, h.Hash[:])
		}, func(err error) error {
			return t.db.conflictOr(err, "append: insert tree hashes", "a tree hash position is already stored")
		})
}

// insertRows inserts n rows with as few multi-row INSERT statements as
// maxArgs allows. Each statement is prefix, the rows' VALUES, then suffix
// (an ON CONFLICT clause, or ""). row appends the arguments of row i; fail
// translates the driver's error.
func insertRows(ctx context.Context, c conn, prefix, suffix string, cols, n int,
	row func(i int, args []any) []any, fail func(error) error) error {
	return insertRowsChecked(ctx, c, prefix, suffix, "", cols, n, row, fail)
}

// insertRowsChecked is insertRows that, when retry is not "", checks that
// each statement changed as many rows as it was given, and runs a chunk
// that changed fewer again with retry in place of suffix.
func insertRowsChecked(ctx context.Context, c conn, prefix, suffix, retry string, cols, n int,
	row func(i int, args []any) []any, fail func(error) error) error {
	per := maxArgs / cols
	one := "(" + placeholders(cols) + ")"
	args := make([]any, 0, min(n, per)*cols)
	var q strings.Builder
	for start := 0; start < n; {
		// Rows go in chunks of a few fixed sizes (per, then powers of 4),
		// so that only a handful of distinct statements are ever prepared
		// and cached, whatever the batch sizes.
		size := per
		for size > 1 && size > n-start {
			size /= 4
		}
		size = max(size, 1)
		end := start + size
		q.Reset()
		q.WriteString(prefix)
		args = args[:0]
		for i := start; i < end; i++ {
			if i > start {
				q.WriteString(", ")
			}
			q.WriteString(one)
			args = row(i, args)
		}
		values := q.String()
		res, err := c.exec(ctx, values+suffix, args...)
		if err != nil {
			return fail(err)
		}
		if retry != "" {
			k, err := res.RowsAffected()
			if err != nil {
				return fail(err)
			}
			if k != int64(size) {
				if _, err := c.exec(ctx, values+retry, args...); err != nil {
					return fail(err)
				}
			}
		}
		start = end
	}
	return nil
}
