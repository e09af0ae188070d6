package sqlstore

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/meent/meent"
	"github.com/meent/meent/private"
)

// Private records (package private, docs/privacy.md) live in their own
// table beside the log. Like accounts they are never in the log and need
// no sequencer lock. A record is committed before the event that names
// its commitment is submitted, and the node refuses an event whose record
// it does not hold, so an acknowledged event never points to data this
// store never had.

var _ private.Store = (*DB)(nil)

const privateColumns = `commitment, data, salt, owner, commons, created, erased, erased_by`

// PutPrivate stores a new record; storing the same record again is a
// no-op. ECONFLICT if the commitment is taken by another owner or
// commons; EINVALID if data and salt do not open the commitment.
func (db *DB) PutPrivate(ctx context.Context, r private.Record) error {
	if err := private.CheckData(r.Data); err != nil {
		return err
	}
	if r.Owner == "" {
		return meent.Errorf(meent.EINVALID, "a private record has an owner")
	}
	if r.IsErased() || !private.Check(r.Commitment, r.Salt, r.Data) {
		return meent.Errorf(meent.EINVALID, "the data and salt do not open commitment %s", r.Commitment)
	}
	_, err := db.writer().exec(ctx, `INSERT INTO private_records (`+privateColumns+`) VALUES (?, ?, ?, ?, ?, ?, 0, '')`,
		r.Commitment[:], r.Data, r.Salt[:], r.Owner, r.Commons, r.Created)
	if err == nil || !db.d.IsUniqueViolation(err) {
		return db.conflictOr(err, "put private record", "")
	}
	// The commitment exists. The same record stored again (a client's
	// retry) is fine; anything else is a conflict. Data and salt need no
	// comparison: they open the same commitment, so they are the same
	// (or SHA-256 is broken), unless the old one was erased meanwhile.
	old, err := db.PrivateRecord(ctx, r.Commitment)
	if err != nil {
		return err
	}
	if old.Owner != r.Owner || old.Commons != r.Commons {
		return meent.Errorf(meent.ECONFLICT, "private record %s exists for another owner or commons", r.Commitment)
	}
	if old.IsErased() {
		return meent.Errorf(meent.ECONFLICT, "private record %s was erased; it is not stored again", r.Commitment)
	}
	return nil
}

// PrivateRecord returns a record, erased or not; ENOTFOUND when none.
func (db *DB) PrivateRecord(ctx context.Context, c private.Commitment) (private.Record, error) {
	rows, err := db.reader().query(ctx, `SELECT `+privateColumns+` FROM private_records WHERE commitment = ?`, c[:])
	if err != nil {
		return private.Record{}, fmt.Errorf("private record: %w", err)
	}
	rs, err := scanPrivate(rows)
	if err != nil {
		return private.Record{}, err
	}
	if len(rs) == 0 {
		return private.Record{}, notFound("no private record %s", c)
	}
	return rs[0], nil
}

// PrivateRecords lists records in commitment order after the given one.
func (db *DB) PrivateRecords(ctx context.Context, after *private.Commitment, limit int) ([]private.Record, error) {
	if limit <= 0 {
		limit = 100
	}
	limit = min(limit, 1000)
	var from []byte
	if after != nil {
		from = after[:]
	}
	rows, err := db.reader().query(ctx, `SELECT `+privateColumns+` FROM private_records WHERE commitment > ? ORDER BY commitment LIMIT ?`,
		append([]byte{}, from...), limit)
	if err != nil {
		return nil, fmt.Errorf("private records: %w", err)
	}
	return scanPrivate(rows)
}

// ErasePrivate deletes a record's data and salt and keeps its tombstone.
//
// On SQLite the deleted bytes would otherwise linger in freed page space
// and in the write-ahead log: secure_delete makes SQLite overwrite them
// with zeros, and a truncating checkpoint afterwards empties the WAL. On
// PostgreSQL the old row version stays in the table until vacuumed:
// VACUUM FULL rewrites the (small) table without it. Neither reaches
// backups, WAL archives or replicas taken before: docs/privacy.md says so.
func (db *DB) ErasePrivate(ctx context.Context, c private.Commitment, by string, at int64) (private.Record, error) {
	if by == "" {
		return private.Record{}, meent.Errorf(meent.EINVALID, "say who erases the record")
	}
	sqlite := db.d.Name() == "sqlite"
	err := func() error {
		tx, err := db.write.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		defer tx.Rollback()
		w := conn{q: tx, d: db.d}
		if sqlite {
			if _, err := w.exec(ctx, `PRAGMA secure_delete = ON`); err != nil {
				return fmt.Errorf("secure_delete: %w", err)
			}
		}
		res, err := w.exec(ctx, `UPDATE private_records SET data = NULL, salt = NULL, erased = ?, erased_by = ? WHERE commitment = ? AND erased = 0`,
			at, by, c[:])
		if err != nil {
			return err
		}
		if sqlite {
			// Back to the default for every later write on this
			// connection: the freed space was zeroed by the UPDATE above.
			if _, err := w.exec(ctx, `PRAGMA secure_delete = OFF`); err != nil {
				return fmt.Errorf("secure_delete: %w", err)
			}
		}
		if n, _ := res.RowsAffected(); n == 0 {
			var one int
			err := w.queryRow(ctx, `SELECT 1 FROM private_records WHERE commitment = ?`, c[:]).Scan(&one)
			if errors.Is(err, sql.ErrNoRows) {
				return notFound("no private record %s", c)
			}
			return err // erased before: the tombstone stands
		}
		return tx.Commit()
	}()
	if err != nil {
		if meent.ErrorCode(err) == meent.ENOTFOUND {
			return private.Record{}, err
		}
		return private.Record{}, fmt.Errorf("erase private record: %w", err)
	}
	if sqlite {
		if _, err := db.write.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
			return private.Record{}, fmt.Errorf("erase private record: checkpoint: %w", err)
		}
	} else if _, err := db.write.ExecContext(ctx, `VACUUM FULL private_records`); err != nil {
		return private.Record{}, fmt.Errorf("erase private record: vacuum: %w", err)
	}
	return db.PrivateRecord(ctx, c)
}

func scanPrivate(rows *sql.Rows) ([]private.Record, error) {
	defer rows.Close()
	var out []private.Record
	for rows.Next() {
		var r private.Record
		var c, data, salt []byte
		if err := rows.Scan(&c, &data, &salt, &r.Owner, &r.Commons, &r.Created, &r.Erased, &r.ErasedBy); err != nil {
			return nil, fmt.Errorf("private record: %w", err)
		}
		if err := scanHash((*[32]byte)(&r.Commitment), c); err != nil {
			return nil, err
		}
		if !r.IsErased() {
			if err := scanHash(&r.Salt, salt); err != nil {
				return nil, err
			}
			r.Data = bytes.Clone(data)
			if r.Data == nil {
				r.Data = []byte{}
			}
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("private records: %w", err)
	}
	return out, nil
}
