package sqlstore

import (
	"context"
	"fmt"
	"strings"

	"github.com/go-json-experiment/json"

	"github.com/meent/meent"
	"github.com/meent/meent/sharing"
)

// The bookings table (migration 0009) projects the sharing area's booking
// objects into rows the database itself checks: on PostgreSQL an
// exclusion constraint, on SQLite a trigger, refuse two held bookings of
// one item whose spans overlap. The rules refuse such a booking first;
// the table is the second line, so that a bug in the rules or a
// projection written by hand cannot store an overlap. A refusal fails
// PutObjects, which dooms the Sequence: the batch is not committed.

// bookingRow is what the table keeps of a booking object.
type bookingRow struct {
	id, resource, commons, agent, status string
	item                                 int
	start, until                         int64
	held                                 bool
}

// putBookings writes the bookings among objs, in the sequencer's
// transaction, after the objects themselves. Rows already stored are
// updated first and new rows inserted after: a booking's span only ever
// shrinks (ended early) or is freed (cancelled) after it is made, so
// updating first never meets a span this batch has freed, and the
// inserts only add spans of the batch's final, overlap-free state. (In
// the other order, a booking made in the time another booking of the same
// batch freed would be refused.) Plain INSERT, never ON CONFLICT DO
// NOTHING, which would drop a row the constraint refuses without a word.
func putBookings(ctx context.Context, c conn, objs []meent.Object) error {
	var rows []bookingRow
	for i := range objs {
		if objs[i].Kind != sharing.KindBooking {
			continue
		}
		var b sharing.Booking
		if err := json.Unmarshal(objs[i].Data, &b); err != nil {
			return fmt.Errorf("put bookings: decode %s: %w", objs[i].ID, err)
		}
		rows = append(rows, bookingRow{id: b.ID, resource: b.Resource, commons: b.Commons, agent: b.Agent, status: b.Status,
			item: b.Item, start: b.Start, until: b.Until, held: b.Holds()})
	}
	if len(rows) == 0 {
		return nil
	}
	var fresh []bookingRow
	for _, b := range rows {
		res, err := c.exec(ctx, `UPDATE bookings SET resource = ?, item = ?, commons = ?, agent = ?, status = ?, start_ms = ?, until_ms = ?, held = ? WHERE id = ?`,
			b.resource, b.item, b.commons, b.agent, b.status, b.start, b.until, b.held, b.id)
		if err != nil {
			return bookingError(b, err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("put bookings: %w", err)
		} else if n == 0 {
			fresh = append(fresh, b)
		}
	}
	for _, b := range fresh {
		if _, err := c.exec(ctx, `INSERT INTO bookings (id, resource, item, commons, agent, status, start_ms, until_ms, held) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			b.id, b.resource, b.item, b.commons, b.agent, b.status, b.start, b.until, b.held); err != nil {
			return bookingError(b, err)
		}
	}
	return nil
}

// bookingError says ECONFLICT when the database refused an overlap. Both
// the trigger and the constraint are named bookings_no_overlap, a name of
// this schema that both drivers put in the error (not the database's
// prose, which may be translated).
func bookingError(b bookingRow, err error) error {
	if strings.Contains(err.Error(), "bookings_no_overlap") {
		return &meent.Error{Code: meent.ECONFLICT, Message: fmt.Sprintf("the store refuses booking %s: it overlaps another booking of item %d of %s", b.id, b.item, b.resource), Err: err}
	}
	return fmt.Errorf("put bookings: %s: %w", b.id, err)
}

// HeldBookings counts the bookings that hold their item and the pairs of
// them that overlap, read from the table: a check for tests and audits
// that the second line holds (the answer must be 0 pairs).
func (db *DB) HeldBookings(ctx context.Context) (held, overlaps int64, err error) {
	r := db.reader()
	if err := r.queryRow(ctx, `SELECT COUNT(*) FROM bookings WHERE held = ?`, true).Scan(&held); err != nil {
		return 0, 0, fmt.Errorf("held bookings: %w", err)
	}
	if err := r.queryRow(ctx, `SELECT COUNT(*) FROM bookings a JOIN bookings b
		ON a.resource = b.resource AND a.item = b.item AND a.id < b.id AND a.held = ? AND b.held = ?
		AND a.start_ms < b.until_ms AND b.start_ms < a.until_ms`, true, true).Scan(&overlaps); err != nil {
		return 0, 0, fmt.Errorf("held bookings: %w", err)
	}
	return held, overlaps, nil
}
