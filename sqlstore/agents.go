package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/meent/meent"
	"github.com/meent/meent/agent"
)

// Agent returns one agent with every key it ever had, active or revoked,
// in the order they were added; ENOTFOUND when none.
func (db *DB) Agent(ctx context.Context, id string) (meent.AgentView, error) {
	var a meent.AgentView
	err := db.snapshot(ctx, func(c conn) error {
		err := c.queryRow(ctx, `SELECT id, kind, name, created, role FROM agents WHERE created = `+byID+` AND id = ?`, idHash(id), id).
			Scan(&a.ID, &a.Kind, &a.Name, &a.Created, &a.Role)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("no agent %s", id)
		}
		if err != nil {
			return fmt.Errorf("agent: %w", err)
		}
		rows, err := c.query(ctx, `SELECT key, agent, added, revoked FROM agent_keys WHERE agent_idx = ? ORDER BY added`, a.Created)
		if err != nil {
			return fmt.Errorf("agent keys: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var k meent.KeyView
			if err := rows.Scan(&k.Key, &k.Agent, &k.Added, &k.Revoked); err != nil {
				return fmt.Errorf("agent keys: %w", err)
			}
			a.Keys = append(a.Keys, k)
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("agent keys: %w", err)
		}
		return nil
	})
	return a, err
}

// Agents lists agents by creation index, without their keys: at most
// f.Limit of them, 100 when 0, never more than 1000.
func (db *DB) Agents(ctx context.Context, f meent.AgentFilter) ([]meent.AgentView, error) {
	var where []string
	var args []any
	if f.MembersOnly {
		where = append(where, "role <> ''")
	}
	if f.Kind != "" {
		where, args = append(where, "kind = ?"), append(args, f.Kind)
	}
	if f.After > 0 {
		where, args = append(where, "created >= ?"), append(args, f.After)
	}
	q := `SELECT id, kind, name, created, role FROM agents`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY created LIMIT ?"
	args = append(args, limit(f.Limit))

	rows, err := db.reader().query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("agents: %w", err)
	}
	defer rows.Close()
	var out []meent.AgentView
	for rows.Next() {
		var a meent.AgentView
		if err := rows.Scan(&a.ID, &a.Kind, &a.Name, &a.Created, &a.Role); err != nil {
			return nil, fmt.Errorf("agents: %w", err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("agents: %w", err)
	}
	return out, nil
}

// StateLines emits, from one snapshot of the query tables, the lines
// state.State.Lines emits from a replay of the same log. Each projected
// table contributes the lines of the facts it holds (objects one
// state.ObjectLine per row); a table added for a new event type adds its
// lines here.
func (db *DB) StateLines(ctx context.Context, emit func(string)) error {
	return db.snapshot(ctx, func(c conn) error {
		if err := eachRow(ctx, c, `SELECT id, kind, name, created, role FROM agents`, func(rows *sql.Rows) error {
			var id, kind, name, role string
			var created int64
			if err := rows.Scan(&id, &kind, &name, &created, &role); err != nil {
				return err
			}
			emit(agent.AgentLine(id, kind, name, created))
			if role != "" {
				emit(agent.MemberLine(id, role))
			}
			return nil
		}); err != nil {
			return fmt.Errorf("state lines: agents: %w", err)
		}
		if err := eachRow(ctx, c, `SELECT key, agent, added, revoked FROM agent_keys`, func(rows *sql.Rows) error {
			var key, ag string
			var added, revoked int64
			if err := rows.Scan(&key, &ag, &added, &revoked); err != nil {
				return err
			}
			emit(agent.KeyLine(key, ag, added, revoked))
			return nil
		}); err != nil {
			return fmt.Errorf("state lines: keys: %w", err)
		}
		if err := objectLines(ctx, c, emit); err != nil {
			return fmt.Errorf("state lines: objects: %w", err)
		}
		return nil
	})
}

// eachRow runs query and calls fn for every row.
func eachRow(ctx context.Context, c conn, query string, fn func(*sql.Rows) error, args ...any) error {
	rows, err := c.query(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}
