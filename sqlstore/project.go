package sqlstore

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"fmt"

	"github.com/go-json-experiment/json"

	"github.com/meent/meent"
	"github.com/meent/meent/agent"
)

// A projector applies one event to the query tables, inside the
// sequencer's transaction. The event has passed the rules, so a projector
// that finds the tables disagreeing with it (no row to update) reports an
// error: the projections have drifted from the log, and appending more on
// top would hide it.
type projector func(ctx context.Context, c conn, r meent.Record) error

// projectors maps each event type to its projector. Types without one
// change no query table here. Domain areas beyond agents do not project
// here at all: their rules compute objects, which the sequencer stores
// with PutObjects (objects.go). To project a new type through tables of
// its own instead, add its function here and the tables in a new
// migration; StateLines must then emit the same lines as the rules'
// State.Lines.
var projectors = map[string]projector{
	agent.TypeCreate:    projectAgentCreate,
	agent.TypeUpdate:    projectAgentUpdate,
	agent.TypeKeyAdd:    projectKeyAdd,
	agent.TypeKeyRevoke: projectKeyRevoke,
	agent.TypeMemberSet: projectMemberSet,
	agent.TypeMemberRm:  projectMemberRemove,
}

func project(ctx context.Context, c conn, r meent.Record) error {
	p := projectors[r.Type]
	if p == nil {
		return nil
	}
	return p(ctx, c, r)
}

// decode reads an event's data. The rules decoded it strictly before the
// event was accepted, so an error here means the record is not what the
// rules saw.
func decode(r meent.Record, v any) error {
	if err := json.Unmarshal(r.Data, v); err != nil {
		return fmt.Errorf("decode data: %w", err)
	}
	return nil
}

// execOne runs a statement that must change exactly one row.
func execOne(ctx context.Context, c conn, query string, args ...any) error {
	res, err := c.exec(ctx, query, args...)
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n != 1 {
		return fmt.Errorf("projection drift: %d rows changed, want 1", n)
	}
	return nil
}

// byID finds an agent by its ID, the hash of its agent.create event,
// through the events' hash index (migration 0008): a subquery giving the
// agent's created, to compare with agents.created or agent_keys.agent_idx.
const byID = `(SELECT idx FROM events WHERE hash = ?)`

// idHash is the argument of byID for an agent ID: the hash it spells, or
// nil (which matches nothing) when it spells none.
func idHash(id string) []byte {
	h, err := hex.DecodeString(id)
	if err != nil || len(h) != 32 || hex.EncodeToString(h) != id {
		return nil
	}
	return h
}

func projectAgentCreate(ctx context.Context, c conn, r meent.Record) error {
	var d agent.CreateData
	if err := decode(r, &d); err != nil {
		return err
	}
	// The agent is named by its creating event, as agent.State names it.
	id := hex.EncodeToString(r.Hash[:])
	if err := execOne(ctx, c, `INSERT INTO agents (created, id, kind, name, role) VALUES (?, ?, ?, ?, '')`,
		r.Index, id, d.Kind, d.Name); err != nil {
		return err
	}
	return execOne(ctx, c, `INSERT INTO agent_keys (agent_idx, added, key, agent, revoked) VALUES (?, ?, ?, ?, -1)`,
		r.Index, r.Index, base64.StdEncoding.EncodeToString(r.Key), id)
}

func projectAgentUpdate(ctx context.Context, c conn, r meent.Record) error {
	var d agent.UpdateData
	if err := decode(r, &d); err != nil {
		return err
	}
	return execOne(ctx, c, `UPDATE agents SET name = ? WHERE created = `+byID, d.Name, idHash(r.Author))
}

func projectKeyAdd(ctx context.Context, c conn, r meent.Record) error {
	var d agent.KeyData
	if err := decode(r, &d); err != nil {
		return err
	}
	return execOne(ctx, c, `INSERT INTO agent_keys (agent_idx, added, key, agent, revoked) VALUES (`+byID+`, ?, ?, ?, -1)`,
		idHash(r.Author), r.Index, d.Key, r.Author)
}

func projectKeyRevoke(ctx context.Context, c conn, r meent.Record) error {
	var d agent.KeyData
	if err := decode(r, &d); err != nil {
		return err
	}
	return execOne(ctx, c, `UPDATE agent_keys SET revoked = ? WHERE agent_idx = `+byID+` AND key = ? AND revoked = -1`,
		r.Index, idHash(r.Author), d.Key)
}

func projectMemberSet(ctx context.Context, c conn, r meent.Record) error {
	var d agent.MemberData
	if err := decode(r, &d); err != nil {
		return err
	}
	return execOne(ctx, c, `UPDATE agents SET role = ? WHERE created = `+byID, d.Role, idHash(d.Agent))
}

func projectMemberRemove(ctx context.Context, c conn, r meent.Record) error {
	var d agent.MemberData
	if err := decode(r, &d); err != nil {
		return err
	}
	return execOne(ctx, c, `UPDATE agents SET role = '' WHERE created = `+byID, idHash(d.Agent))
}
