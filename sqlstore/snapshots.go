package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/meent/meent"
)

// keepSnapshots is how many snapshots PutSnapshot keeps: the newest, and
// the one before as a fallback.
const keepSnapshots = 2

// Snapshot returns the snapshot of the largest size; ENOTFOUND when none.
func (db *DB) Snapshot(ctx context.Context) (meent.Snapshot, error) {
	var s meent.Snapshot
	err := db.reader().queryRow(ctx, `SELECT size, version, data, time FROM snapshots ORDER BY size DESC LIMIT 1`).
		Scan(&s.Size, &s.Version, &s.Data, &s.Time)
	if errors.Is(err, sql.ErrNoRows) {
		return s, notFound("no snapshot of the state is stored")
	}
	if err != nil {
		return s, fmt.Errorf("snapshot: %w", err)
	}
	return s, nil
}

// PutSnapshot stores s and deletes all but the latest keepSnapshots. A
// failed write dooms the Sequence, as PostgreSQL aborts a transaction at
// its first failed statement anyway; the node therefore writes snapshots
// in a transaction of their own, never in one that appends.
func (t *seqTx) PutSnapshot(ctx context.Context, s meent.Snapshot) error {
	if t.failed != nil {
		return t.failed
	}
	if s.Version == "" {
		return meent.Errorf(meent.EINVALID, "a snapshot needs a version")
	}
	n, err := size(ctx, t.c)
	if err != nil {
		return fmt.Errorf("put snapshot: %w", err)
	}
	if s.Size < 0 || s.Size > n {
		return meent.Errorf(meent.EINVALID, "a snapshot of %d events does not fit a log of %d", s.Size, n)
	}
	data := s.Data
	if data == nil {
		data = []byte{} // NOT NULL
	}
	// A snapshot of the same size is replaced: the state of a log prefix
	// is the same whoever encodes it, unless the rules changed, and then
	// the newer rules' snapshot is the one to keep.
	if _, err := t.c.exec(ctx, `INSERT INTO snapshots (size, version, data, time) VALUES (?, ?, ?, ?)
		ON CONFLICT (size) DO UPDATE SET version = excluded.version, data = excluded.data, time = excluded.time`,
		s.Size, s.Version, data, s.Time); err != nil {
		t.failed = fmt.Errorf("put snapshot: %w", err)
		return t.failed
	}
	if _, err := t.c.exec(ctx, `DELETE FROM snapshots WHERE size < (SELECT MIN(size) FROM (SELECT size FROM snapshots ORDER BY size DESC LIMIT ?) AS kept)`, keepSnapshots); err != nil {
		t.failed = fmt.Errorf("put snapshot: prune: %w", err)
		return t.failed
	}
	return nil
}

// Known reports which hashes are in the log, one query per chunk.
func (t *seqTx) Known(ctx context.Context, hashes [][32]byte) ([]bool, error) {
	out := make([]bool, len(hashes))
	at := make(map[[32]byte][]int, len(hashes))
	for i, h := range hashes {
		at[h] = append(at[h], i)
	}
	const chunk = 500
	for start := 0; start < len(hashes); start += chunk {
		part := hashes[start:min(start+chunk, len(hashes))]
		args := make([]any, len(part))
		for i := range part {
			args[i] = part[i][:]
		}
		rows, err := t.c.query(ctx, `SELECT hash FROM events WHERE hash IN (`+placeholders(len(part))+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("known hashes: %w", err)
		}
		for rows.Next() {
			var b []byte
			var h [32]byte
			if err := rows.Scan(&b); err != nil {
				rows.Close()
				return nil, fmt.Errorf("known hashes: %w", err)
			}
			if err := scanHash(&h, b); err != nil {
				rows.Close()
				return nil, fmt.Errorf("known hashes: %w", err)
			}
			for _, i := range at[h] {
				out[i] = true
			}
		}
		if err := rows.Close(); err != nil {
			return nil, fmt.Errorf("known hashes: %w", err)
		}
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("known hashes: %w", err)
		}
	}
	return out, nil
}
