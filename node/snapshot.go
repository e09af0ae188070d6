package node

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/meent/meent"
	"github.com/meent/meent/state"
)

// DefaultSnapshotEvery is how many events pass at least between two
// snapshots by default (a quarter of the log when that is more; see
// maybeSnapshot). A snapshot costs a restore, a replay of the events since
// the last one and an encoding of the whole state, off the sequencer; a
// start after a crash replays at most the events since.
// docs/benchmarks.md, "Start (issue 10)", has the figures.
const DefaultSnapshotEvery = 100_000

// snapshots is the node's bookkeeping of state snapshots.
//
// What is trusted: a snapshot is written only from a state that is exactly
// the log's first Size events (after a committed batch, never from a
// state left stale by a failed one), in a transaction of its own that
// checks Size against the log, and restored only when its version is
// these rules' state.SnapshotVersion and its size does not exceed the log.
// It is a cache: meent verify never reads it, and deleting every row of
// the snapshots table only makes the next start replay the whole log.
type snapshots struct {
	size int64 // size of the latest snapshot restored or written; written under Node.mu, by the sequencer's goroutine once it runs
	// otherRules: the latest snapshot was made by rules of another
	// SnapshotVersion. They may have computed objects of another shape,
	// so Open rewrites the objects projection from the replay.
	otherRules bool
	writing    atomic.Bool
	wg         sync.WaitGroup
}

// restore returns the state of the latest usable snapshot, or an empty
// state when there is none: the caller replays the events after it.
func (n *Node) restore(ctx context.Context) *state.State {
	log := n.cfg.Logger
	snap, err := n.store.Snapshot(ctx)
	if err != nil {
		if meent.ErrorCode(err) != meent.ENOTFOUND {
			log.Warn("cannot read the latest snapshot; replaying the whole log", "err", err)
		}
		return state.New()
	}
	if snap.Version != state.SnapshotVersion {
		log.Info("the latest snapshot was made by other rules; replaying the whole log and rewriting the objects projection", "snapshot", snap.Version, "rules", state.SnapshotVersion)
		n.snap.otherRules = true
		return state.New()
	}
	size, err := n.store.Size(ctx)
	if err != nil || snap.Size > size {
		log.Warn("the latest snapshot does not fit the log; replaying the whole log", "snapshot", snap.Size, "log", size, "err", err)
		return state.New()
	}
	start := time.Now()
	st, err := state.Restore(snap.Data)
	if err == nil && st.Size != snap.Size {
		err = meent.Errorf(meent.EINVALID, "it holds the state of %d events, its row says %d", st.Size, snap.Size)
	}
	if err != nil {
		log.Warn("cannot restore the latest snapshot; replaying the whole log", "size", snap.Size, "err", err)
		return state.New()
	}
	log.Info("restored the state from a snapshot", "size", st.Size, "bytes", len(snap.Data), "seconds", time.Since(start).Seconds())
	return st
}

// maybeSnapshot starts a snapshot when enough events have passed since
// the last one. It runs in the sequencer's goroutine between batches, and
// returns at once: the snapshot is built and written by another goroutine
// (snapshotLog) from the committed log, so the sequencer never waits for
// an encoding whose cost grows with the whole state.
//
// Enough is SnapshotEvery, or a quarter of the log when that is more: a
// snapshot costs in proportion to the whole state, so a fixed interval
// would make the node spend an ever larger share of its time on snapshots
// as the log grows; a quarter keeps that share constant, and bounds what
// a start after a crash replays to a quarter of the log.
func (n *Node) maybeSnapshot() {
	every := n.cfg.SnapshotEvery
	if every < 0 || n.stale || n.snap.writing.Load() {
		return
	}
	if since := n.st.Size - n.snap.size; since < every || since < n.st.Size/4 {
		return
	}
	n.startSnapshot(n.st.Size)
}

// startSnapshot starts building and writing a snapshot of the log's first
// size events (all committed) in a goroutine of its own.
func (n *Node) startSnapshot(size int64) {
	n.mu.Lock()
	n.snap.size = size // a failed one is tried again after as many events, not after every batch
	n.snap.writing.Store(true)
	n.snap.wg.Add(1) // under n.mu, so that waitSnapshots sees it or none
	n.mu.Unlock()
	go func() {
		defer n.snap.wg.Done()
		defer n.snap.writing.Store(false)
		if snap, ok := n.snapshotLog(context.Background(), size); ok {
			n.writeSnapshot(snap)
		}
	}()
}

// snapshotLog builds the state of the log's first size events apart from
// the node's own: it restores the latest stored snapshot (when these rules
// made it and it is not beyond size), replays the committed events after
// it from the store, and encodes the result. The rules are deterministic,
// so that is the state the sequencer had at size, read from the log alone
// (the store's log, which a PostgreSQL peer may have appended to), while
// the sequencer goes on. Its cost, on another core: a restore, the replay
// of the events since the last snapshot (at least a quarter of the log,
// see maybeSnapshot) and the encoding; and for that time a second state in
// memory. docs/architecture.md, "Snapshots and start".
func (n *Node) snapshotLog(ctx context.Context, size int64) (meent.Snapshot, bool) {
	start := time.Now()
	log := n.cfg.Logger
	st := state.New()
	if snap, err := n.store.Snapshot(ctx); err == nil && snap.Version == state.SnapshotVersion && snap.Size <= size {
		if r, err := state.Restore(snap.Data); err == nil && r.Size == snap.Size {
			st = r
		} else {
			log.Warn("cannot restore the latest snapshot to build the next; replaying from the first event", "size", snap.Size, "err", err)
		}
	}
	from := st.Size
	if err := n.catchUp(ctx, st, n.store.Entries, size); err != nil {
		log.Error("replay the log for a snapshot", "size", size, "err", err)
		return meent.Snapshot{}, false
	}
	b, err := st.Snapshot()
	if err != nil {
		log.Error("encode a snapshot of the state", "size", size, "err", err)
		return meent.Snapshot{}, false
	}
	log.Info("built a snapshot of the state from the log", "size", size, "from", from, "bytes", len(b), "seconds", time.Since(start).Seconds())
	return meent.Snapshot{Size: size, Version: state.SnapshotVersion, Data: b, Time: n.cfg.Now().UnixMilli()}, true
}

// closeSnapshots waits for a snapshot being written, then writes one of
// the final state unless it is already the latest.
func (n *Node) closeSnapshots() {
	n.snap.wg.Wait()
	n.mu.Lock()
	if n.cfg.SnapshotEvery < 0 || n.stale || n.st == nil || n.st.Size == 0 || n.st.Size == n.snap.size {
		n.mu.Unlock()
		return
	}
	snap, ok := n.encodeSnapshot()
	if ok {
		n.snap.size = n.st.Size
	}
	n.mu.Unlock()
	if ok {
		n.writeSnapshot(snap)
	}
}

// encodeSnapshot encodes the state. The caller holds n.mu, or is the
// sequencer's goroutine (which alone changes the state).
func (n *Node) encodeSnapshot() (meent.Snapshot, bool) {
	start := time.Now()
	b, err := n.st.Snapshot()
	if err != nil {
		n.cfg.Logger.Error("encode a snapshot of the state", "size", n.st.Size, "err", err)
		return meent.Snapshot{}, false
	}
	n.cfg.Logger.Info("encoded a snapshot of the state", "size", n.st.Size, "bytes", len(b), "seconds", time.Since(start).Seconds())
	return meent.Snapshot{Size: n.st.Size, Version: state.SnapshotVersion, Data: b, Time: n.cfg.Now().UnixMilli()}, true
}

// writeSnapshot stores snap in a transaction of its own: a failure costs
// only the snapshot, never a batch of events.
func (n *Node) writeSnapshot(snap meent.Snapshot) {
	ctx := context.Background()
	err := n.store.Sequence(ctx, func(tx meent.SeqTx) error { return tx.PutSnapshot(ctx, snap) })
	if err != nil {
		n.cfg.Logger.Error("store a snapshot of the state", "size", snap.Size, "err", err)
	}
}

// Rebuild is meent rebuild: it replays the whole log from the first event,
// ignoring every snapshot, rewrites every object of the objects projection
// from that replay, and stores a snapshot of it, which the next start
// restores. It returns the number of events replayed. A node may be
// running on the same database (PostgreSQL): the rewrite happens in the
// sequencer's transaction, after catching up with what it appended.
func Rebuild(ctx context.Context, store meent.Store, logger *slog.Logger) (int64, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	n := &Node{store: store, cfg: Config{Logger: logger, Now: time.Now}}
	st := state.New()
	if err := n.catchUp(ctx, st, store.Entries, -1); err != nil {
		return 0, err
	}
	st.DropDirty()
	n.st = st
	if err := n.rebuildObjects(ctx, true); err != nil {
		return 0, err
	}
	snap, ok := n.encodeSnapshot()
	if !ok {
		return 0, errors.New("cannot encode a snapshot of the state (see the log)")
	}
	if err := store.Sequence(ctx, func(tx meent.SeqTx) error { return tx.PutSnapshot(ctx, snap) }); err != nil {
		return 0, err
	}
	return n.st.Size, nil
}
