package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/meent/meent"
	"github.com/meent/meent/state"
)

// Objects are the projection of every domain area beyond agents: the
// rules package computes each object, the sequencer hands the changed ones
// to PutObjects after Append, and the store keeps them queryable in one
// table (migration 0002). Unlike the agent tables, nothing here interprets
// an event: the store keeps what it is given.

const objectColumns = `kind, id, commons, agent, status, created, updated, data, parent`

// PutObjects inserts or replaces objs by (Kind, ID), in the sequencer's
// transaction. Kind and ID must not be empty, and the text fields must be
// UTF-8 without NUL bytes (EINVALID otherwise: PostgreSQL could not store
// them, and SQLite must refuse what PostgreSQL refuses). When objs names
// one object twice, the later one wins. Like Append, a failed PutObjects
// dooms the Sequence.
func (t *seqTx) PutObjects(ctx context.Context, objs []meent.Object) error {
	if t.failed != nil {
		return t.failed
	}
	if err := t.putObjects(ctx, objs); err != nil {
		t.failed = err
		return err
	}
	return nil
}

func (t *seqTx) putObjects(ctx context.Context, objs []meent.Object) error {
	for i := range objs {
		if err := checkObject(&objs[i]); err != nil {
			return err
		}
	}
	objs = lastOfEach(objs)
	const cols = 9
	row := func(i int, args []any) []any {
		o := &objs[i]
		data := o.Data
		if data == nil {
			data = []byte{} // the column is NOT NULL; a nil slice would be NULL
		}
		return append(args, o.Kind, o.ID, o.Commons, o.Agent, o.Status, o.Created, o.Updated, data, o.Parent)
	}
	fail := func(err error) error { return fmt.Errorf("put objects: %w", err) }
	// Every column but the key is replaced: the object is whatever the
	// rules computed last, created included. But an object's commons,
	// agent, parent and creation almost never change once it exists, and
	// a database rewrites the entries of every index whose columns an
	// UPDATE sets, whatever their values: setting all columns cost four
	// index rewrites per changed object that change nothing. So the
	// update sets only status, updated and data, when the other columns
	// are as stored (the WHERE of the DO UPDATE); a row whose other
	// columns differ is then neither inserted nor updated, the statement
	// reports fewer rows changed than it was given, and the chunk is
	// written again with every column set (idempotent for the others).
	err := insertRowsChecked(ctx, t.c, `INSERT INTO objects (`+objectColumns+`) VALUES `,
		` ON CONFLICT (kind, id) DO UPDATE SET status = excluded.status, updated = excluded.updated, data = excluded.data
		WHERE objects.commons = excluded.commons AND objects.agent = excluded.agent
		AND objects.created = excluded.created AND objects.parent = excluded.parent`,
		` ON CONFLICT (kind, id) DO UPDATE SET commons = excluded.commons, agent = excluded.agent, status = excluded.status,
		created = excluded.created, updated = excluded.updated, data = excluded.data, parent = excluded.parent`,
		cols, len(objs), row, fail)
	if err != nil {
		return err
	}
	return putBookings(ctx, t.c, objs) // bookings.go
}

// checkObject refuses an object the store cannot keep, or could not find
// again.
func checkObject(o *meent.Object) error {
	if o.Kind == "" || o.ID == "" {
		return meent.Errorf(meent.EINVALID, "object %q of kind %q: kind and ID must not be empty", o.ID, o.Kind)
	}
	for _, f := range [...]struct{ name, v string }{
		{"kind", o.Kind}, {"ID", o.ID}, {"parent", o.Parent}, {"commons", o.Commons}, {"agent", o.Agent}, {"status", o.Status},
	} {
		if !utf8.ValidString(f.v) || strings.IndexByte(f.v, 0) >= 0 {
			return meent.Errorf(meent.EINVALID, "object %q of kind %q: %s %q is not UTF-8 text without NUL bytes", o.ID, o.Kind, f.name, f.v)
		}
	}
	return nil
}

// lastOfEach returns objs with only the last of the objects that share a
// (Kind, ID), in the order of those last ones. PostgreSQL refuses an
// INSERT ... ON CONFLICT DO UPDATE that touches one row twice, and SQLite
// would let the order of rows in a statement decide; deciding here makes
// both keep the later one.
func lastOfEach(objs []meent.Object) []meent.Object {
	type key struct{ kind, id string }
	last := make(map[key]int, len(objs))
	for i := range objs {
		last[key{objs[i].Kind, objs[i].ID}] = i
	}
	if len(last) == len(objs) {
		return objs
	}
	out := make([]meent.Object, 0, len(last))
	for i := range objs {
		if last[key{objs[i].Kind, objs[i].ID}] == i {
			out = append(out, objs[i])
		}
	}
	return out
}

func scanObject(s interface{ Scan(...any) error }) (meent.Object, error) {
	var o meent.Object
	err := s.Scan(&o.Kind, &o.ID, &o.Commons, &o.Agent, &o.Status, &o.Created, &o.Updated, &o.Data, &o.Parent)
	return o, err
}

// Object returns the object of that kind and ID; ENOTFOUND when none.
func (db *DB) Object(ctx context.Context, kind, id string) (meent.Object, error) {
	o, err := scanObject(db.reader().queryRow(ctx, `SELECT `+objectColumns+` FROM objects WHERE kind = ? AND id = ?`, kind, id))
	if errors.Is(err, sql.ErrNoRows) {
		return o, notFound("no %s %s", kind, id)
	}
	if err != nil {
		return o, fmt.Errorf("object: %w", err)
	}
	return o, nil
}

// Objects lists the objects of f.Kind (EINVALID when empty) that match
// f's other fields, by creation index (newest first when f.Desc is set)
// and, among those created by one event, by ID: at most f.Limit of them,
// 100 when 0, never more than 1000, after f.After when it is set.
func (db *DB) Objects(ctx context.Context, f meent.ObjectFilter) ([]meent.Object, error) {
	if f.Kind == "" {
		return nil, meent.Errorf(meent.EINVALID, "listing objects needs a kind")
	}
	where := []string{"kind = ?"}
	args := []any{f.Kind}
	if f.Parent != "" { // the children of one object: index objects_parent_created
		where, args = append(where, "parent = ?"), append(args, f.Parent)
	}
	if f.Commons != "" {
		where, args = append(where, "commons = ?"), append(args, f.Commons)
	}
	if f.Agent != "" {
		where, args = append(where, "agent = ?"), append(args, f.Agent)
	}
	if f.Status != "" {
		where, args = append(where, "status = ?"), append(args, f.Status)
	}
	if a := f.After; a != nil {
		op := ">"
		if f.Desc {
			op = "<"
		}
		where = append(where, "(created "+op+" ? OR (created = ? AND id "+op+" ?))")
		args = append(args, a.Created, a.Created, a.ID)
	}
	q := `SELECT ` + objectColumns + ` FROM objects WHERE ` + strings.Join(where, " AND ")
	if f.Desc {
		q += " ORDER BY created DESC, id DESC"
	} else {
		q += " ORDER BY created, id"
	}
	q += " LIMIT ?"
	args = append(args, limit(f.Limit))

	rows, err := db.reader().query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("objects: %w", err)
	}
	defer rows.Close()
	var out []meent.Object
	for rows.Next() {
		o, err := scanObject(rows)
		if err != nil {
			return nil, fmt.Errorf("objects: %w", err)
		}
		out = append(out, o)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("objects: %w", err)
	}
	return out, nil
}

// objectLines emits state.ObjectLine of every stored object, for StateLines.
func objectLines(ctx context.Context, c conn, emit func(string)) error {
	return eachRow(ctx, c, `SELECT `+objectColumns+` FROM objects`, func(rows *sql.Rows) error {
		o, err := scanObject(rows)
		if err != nil {
			return err
		}
		emit(state.ObjectLine(o))
		return nil
	})
}
