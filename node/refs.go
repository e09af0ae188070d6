package node

import (
	"context"
	"fmt"

	"github.com/meent/meent"
	"github.com/meent/meent/ledger"
	"github.com/meent/meent/state"
)

// refsChunk is how many events' index entries one backfill transaction
// writes: small enough that the sequencer's lock is held briefly, large
// enough that commits do not dominate.
var refsChunk = 4096

// backfillRefs fills the event index (meent.Record.Commons and .Agents)
// of the events appended before the store kept it: migration 0007 records
// that range, and this writes it from a replay. The refs of an event are
// what the rules say right after it was applied, so the replay starts
// from the first event, on a state of its own (the node's state is at the
// end of the log), and writes from where the range starts. Each chunk is
// one Sequence transaction that also moves the start of the range on, so
// a start that is interrupted resumes at the last committed chunk; only
// the replay before it is done again.
func (n *Node) backfillRefs(ctx context.Context) error {
	from, to, err := n.store.RefsPending(ctx)
	if err != nil || from >= to {
		return err
	}
	n.cfg.Logger.Info("filling the event index of events appended before it existed", "from", from, "to", to)
	st := state.New()
	var recs []meent.Record
	flush := func() error {
		if len(recs) == 0 {
			return nil
		}
		next := recs[len(recs)-1].Index + 1
		err := n.store.Sequence(ctx, func(tx meent.SeqTx) error { return tx.PutRefs(ctx, recs, next) })
		if err != nil {
			return fmt.Errorf("event index backfill at %d: %w", recs[0].Index, err)
		}
		recs = recs[:0]
		return nil
	}
	const read = 1024
	for st.Size < to {
		es, err := n.store.Entries(ctx, st.Size, int(min(read, to-st.Size)))
		if err != nil {
			return fmt.Errorf("event index backfill: replay at %d: %w", st.Size, err)
		}
		if len(es) == 0 {
			return fmt.Errorf("event index backfill: the log ends at %d before %d", st.Size, to)
		}
		for _, e := range es {
			ev, err := ledger.Parse(e)
			if err != nil {
				return fmt.Errorf("event index backfill: entry %d: %w", st.Size, err)
			}
			idx := st.Size
			if err := st.Apply(ev); err != nil {
				return fmt.Errorf("event index backfill: entry %d breaks the rules: %w", idx, err)
			}
			if idx < from {
				continue
			}
			r := meent.Record{Index: idx}
			r.Commons, r.Agents = st.Refs(ev)
			recs = append(recs, r)
			if len(recs) == refsChunk {
				if err := flush(); err != nil {
					return err
				}
			}
		}
		st.DropDirty() // the objects are the node's business, not this replay's
	}
	if err := flush(); err != nil {
		return err
	}
	n.cfg.Logger.Info("filled the event index", "events", to-from)
	return nil
}
