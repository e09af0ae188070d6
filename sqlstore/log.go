package sqlstore

import (
	"context"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/meent/meent"
)

// Limits of Records and Agents.
const (
	DefaultLimit = 100
	MaxLimit     = 1000
)

func limit(n int) int {
	switch {
	case n <= 0:
		return DefaultLimit
	case n > MaxLimit:
		return MaxLimit
	}
	return n
}

// Size returns the number of events in the log.
func (db *DB) Size(ctx context.Context) (int64, error) { return size(ctx, db.reader()) }

// size is one past the highest index. Append keeps the log free of gaps,
// so this is the number of events, and the primary key answers it without
// the full scan COUNT(*) would take.
func size(ctx context.Context, c conn) (int64, error) {
	var n int64
	if err := c.queryRow(ctx, `SELECT COALESCE(MAX(idx) + 1, 0) FROM events`).Scan(&n); err != nil {
		return 0, fmt.Errorf("log size: %w", err)
	}
	return n, nil
}

// Checkpoint returns the latest checkpoint; ENOTFOUND when none.
func (db *DB) Checkpoint(ctx context.Context) (meent.Checkpoint, error) {
	var cp meent.Checkpoint
	var root []byte
	err := db.reader().queryRow(ctx, `SELECT size, root, note, time FROM checkpoint WHERE id = 1`).
		Scan(&cp.Size, &root, &cp.Note, &cp.Time)
	if errors.Is(err, sql.ErrNoRows) {
		return cp, notFound("the log has no checkpoint yet")
	}
	if err == nil {
		err = scanHash(&cp.Root, root)
	}
	if err != nil {
		return cp, fmt.Errorf("checkpoint: %w", err)
	}
	return cp, nil
}

// Entries returns the entries at indexes [start, start+n), fewer at the
// end of the log, none when start is at or past the end.
func (db *DB) Entries(ctx context.Context, start int64, n int) ([][]byte, error) {
	return entries(ctx, db.reader(), start, n)
}

func entries(ctx context.Context, c conn, start int64, n int) ([][]byte, error) {
	if start < 0 {
		return nil, meent.Errorf(meent.EINVALID, "entry index %d is negative", start)
	}
	if n <= 0 {
		return nil, nil
	}
	end := start + int64(n)
	if end < start { // overflow: n reaches past any possible log
		end = math.MaxInt64
	}
	rows, err := c.query(ctx, `SELECT entry FROM events WHERE idx >= ? AND idx < ? ORDER BY idx`, start, end)
	if err != nil {
		return nil, fmt.Errorf("entries: %w", err)
	}
	defer rows.Close()
	out := make([][]byte, 0, min(n, 1024))
	for rows.Next() {
		var e []byte
		if err := rows.Scan(&e); err != nil {
			return nil, fmt.Errorf("entries: %w", err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("entries: %w", err)
	}
	return out, nil
}

const recordColumns = `idx, hash, type, author, key, time, data, entry`

func scanRecord(s interface{ Scan(...any) error }) (meent.Record, error) {
	var r meent.Record
	var hash []byte
	if err := s.Scan(&r.Index, &hash, &r.Type, &r.Author, &r.Key, &r.Time, &r.Data, &r.Entry); err != nil {
		return r, err
	}
	return r, scanHash(&r.Hash, hash)
}

// Records lists events matching f, in index order (newest first when
// f.Desc is set), at most f.Limit of them: 100 when 0, never more than
// 1000.
func (db *DB) Records(ctx context.Context, f meent.EventFilter) ([]meent.Record, error) {
	if f.Commons != "" || f.Touches != "" {
		return db.recordsByRef(ctx, f) // the event index: refs.go
	}
	var where []string
	var args []any
	if f.Author != "" {
		where, args = append(where, "author = ?"), append(args, f.Author)
	}
	if f.Type != "" {
		where, args = append(where, "type = ?"), append(args, f.Type)
	}
	if f.Before > 0 {
		where, args = append(where, "idx < ?"), append(args, f.Before)
	}
	if f.After > 0 {
		where, args = append(where, "idx >= ?"), append(args, f.After)
	}
	var q strings.Builder
	q.WriteString(`SELECT ` + recordColumns + ` FROM events`)
	if len(where) > 0 {
		q.WriteString(" WHERE " + strings.Join(where, " AND "))
	}
	q.WriteString(" ORDER BY idx")
	if f.Desc {
		q.WriteString(" DESC")
	}
	q.WriteString(" LIMIT ?")
	args = append(args, limit(f.Limit))

	rows, err := db.reader().query(ctx, q.String(), args...)
	if err != nil {
		return nil, fmt.Errorf("records: %w", err)
	}
	defer rows.Close()
	var out []meent.Record
	for rows.Next() {
		r, err := scanRecord(rows)
		if err != nil {
			return nil, fmt.Errorf("records: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("records: %w", err)
	}
	return out, nil
}

// RecordByHash returns the event with that hash; ENOTFOUND when none.
func (db *DB) RecordByHash(ctx context.Context, hash [32]byte) (meent.Record, error) {
	r, err := scanRecord(db.reader().queryRow(ctx, `SELECT `+recordColumns+` FROM events WHERE hash = ?`, hash[:]))
	if errors.Is(err, sql.ErrNoRows) {
		return r, notFound("no event %s", hex.EncodeToString(hash[:]))
	}
	if err != nil {
		return r, fmt.Errorf("record by hash: %w", err)
	}
	return r, nil
}

// RecordByIndex returns the event at index; ENOTFOUND when none.
func (db *DB) RecordByIndex(ctx context.Context, index int64) (meent.Record, error) {
	r, err := scanRecord(db.reader().queryRow(ctx, `SELECT `+recordColumns+` FROM events WHERE idx = ?`, index))
	if errors.Is(err, sql.ErrNoRows) {
		return r, notFound("no event at index %d", index)
	}
	if err != nil {
		return r, fmt.Errorf("record by index: %w", err)
	}
	return r, nil
}

// ReadHashes returns the stored tree hashes at the given positions, in
// order; ENOTFOUND if one is absent.
func (db *DB) ReadHashes(ctx context.Context, indexes []int64) ([][32]byte, error) {
	return readHashes(ctx, db.reader(), indexes)
}

func readHashes(ctx context.Context, c conn, indexes []int64) ([][32]byte, error) {
	if len(indexes) == 0 {
		return [][32]byte{}, nil
	}
	lo, hi := indexes[0], indexes[0]
	for _, x := range indexes {
		lo, hi = min(lo, x), max(hi, x)
	}
	// The positions asked for together are usually close: a tile's 256
	// hashes lie within about 512 positions, an audit reads runs of
	// consecutive ones. Then one range scan of the primary key reads them
	// without binding a parameter per position.
	if lo >= 0 && hi-lo < 4*int64(len(indexes))+64 {
		return readHashRange(ctx, c, indexes, lo, hi)
	}
	// One query per chunk of positions rather than per position: a tile
	// asks for 256 at once, and each round trip costs more than the lookup.
	found := make(map[int64][32]byte, len(indexes))
	args := make([]any, 0, min(len(indexes), maxArgs))
	for start := 0; start < len(indexes); start += maxArgs {
		chunk := indexes[start:min(start+maxArgs, len(indexes))]
		args = args[:0]
		for _, x := range chunk {
			args = append(args, x)
		}
		rows, err := c.query(ctx, `SELECT id, hash FROM tree_hashes WHERE id IN (`+placeholders(len(chunk))+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("read hashes: %w", err)
		}
		for rows.Next() {
			var id int64
			var b []byte
			var h [32]byte
			if err := rows.Scan(&id, &b); err != nil {
				rows.Close()
				return nil, fmt.Errorf("read hashes: %w", err)
			}
			if err := scanHash(&h, b); err != nil {
				rows.Close()
				return nil, fmt.Errorf("read hashes: at %d: %w", id, err)
			}
			found[id] = h
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, fmt.Errorf("read hashes: %w", err)
		}
	}
	out := make([][32]byte, len(indexes))
	for i, x := range indexes {
		h, ok := found[x]
		if !ok {
			return nil, notFound("no tree hash stored at %d", x)
		}
		out[i] = h
	}
	return out, nil
}

// readHashRange reads the stored hashes at indexes, all within [lo, hi],
// with one scan of that range.
func readHashRange(ctx context.Context, c conn, indexes []int64, lo, hi int64) ([][32]byte, error) {
	span := hi - lo + 1
	got := make([][32]byte, span)
	have := make([]bool, span)
	asked := make([]bool, span)
	for _, x := range indexes {
		asked[x-lo] = true
	}
	rows, err := c.query(ctx, `SELECT id, hash FROM tree_hashes WHERE id >= ? AND id <= ? ORDER BY id`, lo, hi)
	if err != nil {
		return nil, fmt.Errorf("read hashes: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var b []byte
		if err := rows.Scan(&id, &b); err != nil {
			return nil, fmt.Errorf("read hashes: %w", err)
		}
		if id < lo || id > hi || !asked[id-lo] {
			continue // only what was asked for is checked, as by the IN query
		}
		if err := scanHash(&got[id-lo], b); err != nil {
			return nil, fmt.Errorf("read hashes: at %d: %w", id, err)
		}
		have[id-lo] = true
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read hashes: %w", err)
	}
	out := make([][32]byte, len(indexes))
	for i, x := range indexes {
		if !have[x-lo] {
			return nil, notFound("no tree hash stored at %d", x)
		}
		out[i] = got[x-lo]
	}
	return out, nil
}
