package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/meent/meent"
)

// The event index (migration 0007): which commons and agents each event
// touches, one row (kind, ref, idx) per pair, kind 'c' for a commons and
// 'a' for an agent. Append writes the rows of new events; PutRefs those of
// events appended before the index existed (the node's backfill). Records
// with EventFilter.Commons or .Touches reads a range of the primary key
// backwards from the cursor and fetches each event by its index, so a page
// costs the same whatever the length of the log and however few of its
// events touch what is asked for.

const (
	refCommons = "c"
	refAgent   = "a"
)

// checkRefs refuses index entries the store could not keep or find again.
func checkRefs(recs []meent.Record) error {
	for i := range recs {
		r := &recs[i]
		for _, l := range [...][]string{r.Commons, r.Agents} {
			for _, ref := range l {
				if ref == "" || !utf8.ValidString(ref) || strings.IndexByte(ref, 0) >= 0 {
					return meent.Errorf(meent.EINVALID, "event %d: index entry %q is not a non-empty UTF-8 text without NUL bytes", r.Index, ref)
				}
			}
		}
	}
	return nil
}

// insertRefs writes the index entries of recs. A record that names one ID
// twice in a list gets one row: ON CONFLICT DO NOTHING also makes PutRefs
// idempotent, so a backfill that runs twice over a range is harmless.
func insertRefs(ctx context.Context, c conn, recs []meent.Record) error {
	if err := checkRefs(recs); err != nil {
		return err
	}
	type row struct {
		kind, ref string
		idx       int64
	}
	var rows []row
	for i := range recs {
		r := &recs[i]
		for _, ref := range r.Commons {
			rows = append(rows, row{refCommons, ref, r.Index})
		}
		for _, ref := range r.Agents {
			rows = append(rows, row{refAgent, ref, r.Index})
		}
	}
	const cols = 3
	return insertRows(ctx, c, `INSERT INTO event_refs (kind, ref, idx) VALUES `, ` ON CONFLICT (kind, ref, idx) DO NOTHING`,
		cols, len(rows), func(i int, args []any) []any {
			return append(args, rows[i].kind, rows[i].ref, rows[i].idx)
		}, func(err error) error {
			return fmt.Errorf("append: insert event index: %w", err)
		})
}

// PutRefs writes the index entries of records already in the log and
// moves the start of the pending range to next.
func (t *seqTx) PutRefs(ctx context.Context, recs []meent.Record, next int64) error {
	if t.failed != nil {
		return t.failed
	}
	if err := t.putRefs(ctx, recs, next); err != nil {
		t.failed = err
		return err
	}
	return nil
}

func (t *seqTx) putRefs(ctx context.Context, recs []meent.Record, next int64) error {
	if err := insertRefs(ctx, t.c, recs); err != nil {
		return err
	}
	// Never backwards: two processes backfilling at once both move it on.
	if _, err := t.c.exec(ctx, `UPDATE event_refs_backfill SET next_idx = ? WHERE id = 1 AND next_idx < ?`, next, next); err != nil {
		return fmt.Errorf("put refs: %w", err)
	}
	return nil
}

// RefsPending returns the range of log indexes whose index entries were
// never written.
func (db *DB) RefsPending(ctx context.Context) (from, to int64, err error) {
	err = db.reader().queryRow(ctx, `SELECT next_idx, end_idx FROM event_refs_backfill WHERE id = 1`).Scan(&from, &to)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, 0, nil
	}
	if err != nil {
		return 0, 0, fmt.Errorf("refs pending: %w", err)
	}
	return from, max(from, to), nil
}

// recordsByRef is Records when f selects by the event index. The index
// table drives the query (CROSS JOIN keeps SQLite from starting at events,
// whose author or type index would scan every event of that author or
// type), and events are fetched by their primary key.
func (db *DB) recordsByRef(ctx context.Context, f meent.EventFilter) ([]meent.Record, error) {
	var from, where []string
	var args []any
	first := ""
	add := func(alias, kind, ref string) {
		from = append(from, "event_refs "+alias)
		where = append(where, alias+".kind = ? AND "+alias+".ref = ?")
		args = append(args, kind, ref)
		if first == "" {
			first = alias
		} else {
			where = append(where, alias+".idx = "+first+".idx")
		}
	}
	if f.Commons != "" {
		add("rc", refCommons, f.Commons)
	}
	if f.Touches != "" {
		add("ra", refAgent, f.Touches)
	}
	if f.Before > 0 {
		where, args = append(where, first+".idx < ?"), append(args, f.Before)
	}
	if f.After > 0 {
		where, args = append(where, first+".idx >= ?"), append(args, f.After)
	}
	where = append(where, "e.idx = "+first+".idx")
	if f.Author != "" {
		where, args = append(where, "e.author = ?"), append(args, f.Author)
	}
	if f.Type != "" {
		where, args = append(where, "e.type = ?"), append(args, f.Type)
	}
	cols := "e." + strings.ReplaceAll(recordColumns, ", ", ", e.")
	q := `SELECT ` + cols + ` FROM ` + strings.Join(from, " CROSS JOIN ") + ` CROSS JOIN events e WHERE ` +
		strings.Join(where, " AND ") + ` ORDER BY ` + first + `.idx`
	if f.Desc {
		q += " DESC"
	}
	q += " LIMIT ?"
	args = append(args, limit(f.Limit))

	rows, err := db.reader().query(ctx, q, args...)
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
