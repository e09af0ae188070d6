// Package node is the heart of a meent node: it accepts signed events,
// checks them against the rules, sequences them into the Merkle log in
// batches (group commit), signs checkpoints, and answers the read
// questions an auditor asks: entries, tiles, inclusion and consistency
// proofs. It is storage-agnostic: it works through meent.Store.
package node

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/meent/meent"
	"github.com/meent/meent/commons"
	"github.com/meent/meent/ledger"
	"github.com/meent/meent/private"
	"github.com/meent/meent/state"
)

// Config configures a Node. The zero value of every optional field has a
// working default.
type Config struct {
	Origin string      // log origin, the first line of every checkpoint
	Signer note.Signer // signs checkpoints; its name must equal Origin
	// Verifier, when set, must verify the checkpoint already in the store:
	// a node refuses to start on a log signed by another key, rather than
	// silently re-keying it.
	Verifier note.Verifier
	MaxBatch int // events per transaction; default 1024
	// MaxFutureSkew bounds how far in the future an event's time may be;
	// default 5 minutes. Older times are fine: events signed offline or
	// replicated from a peer arrive late, except for the types that
	// commons.FreshTime names (an identity.claim), which must be no
	// older than the same skew.
	MaxFutureSkew time.Duration
	// PasswordCost is the bcrypt cost of web account passwords; default
	// 11 (about 50 ms a check on the reference machine). Tests lower it.
	PasswordCost int
	Now          func() time.Time
	Logger       *slog.Logger
	Metrics      *Metrics
	// Blobs, when set, is asked whether the files a contribution's
	// evidence names were uploaded; events naming missing blobs are refused.
	Blobs interface{ Has(hash string) bool }
	// Private, when set, is asked whether the private records an event's
	// commitments name are stored (package private): an event naming a
	// record the node does not hold is refused, so an acknowledged event
	// never points to data that was never kept. Without it, events that
	// name private records are refused.
	Private interface {
		PrivateRecord(ctx context.Context, c private.Commitment) (private.Record, error)
	}
	// SnapshotEvery is how many events at least pass between two
	// snapshots of the rules' state, or a quarter of the log when that is
	// more (see snapshot.go); default DefaultSnapshotEvery. Negative:
	// write none (a start still restores one it finds).
	SnapshotEvery int64
}

// Receipt is what the node promises for an acknowledged event: it is in
// the log at Index, committed, and covered by the checkpoint of TreeSize.
type Receipt struct {
	Index    int64
	Hash     ledger.Hash
	TreeSize int64
}

type request struct {
	ev   *ledger.Event
	done chan result
}

type result struct {
	rc  Receipt
	err error
}

// Node sequences and serves one log.
type Node struct {
	store meent.Store
	cfg   Config
	reqs  chan *request

	// Guarded by mu: the rules' view of the log, replaced wholesale when a
	// transaction fails after the state moved on.
	mu    sync.Mutex
	st    *state.State
	stale bool
	front frontier // the right edge of the tree, for hashing the next batch

	snap snapshots

	// Counts published after every batch, so readers never wait for the
	// sequencer's lock.
	agents, members atomic.Int64

	stop     chan struct{}
	exited   chan struct{} // closed once the sequencer has drained and returned
	stopOnce sync.Once
	wg       sync.WaitGroup
}

// Open loads the state (from the latest snapshot and the events after it,
// or by replaying the whole log) and starts the sequencer.
func Open(ctx context.Context, store meent.Store, cfg Config) (*Node, error) {
	if cfg.Signer == nil || cfg.Origin == "" {
		return nil, errors.New("node: Origin and Signer are required")
	}
	if cfg.Signer.Name() != cfg.Origin {
		return nil, fmt.Errorf("node: signer key name %q must equal the log origin %q", cfg.Signer.Name(), cfg.Origin)
	}
	if cfg.MaxBatch <= 0 {
		cfg.MaxBatch = 1024
	}
	if cfg.MaxFutureSkew <= 0 {
		cfg.MaxFutureSkew = 5 * time.Minute
	}
	if cfg.PasswordCost == 0 {
		cfg.PasswordCost = 11
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Metrics == nil {
		cfg.Metrics = NewMetrics(nil)
	}
	if cfg.SnapshotEvery == 0 {
		cfg.SnapshotEvery = DefaultSnapshotEvery
	}
	n := &Node{
		store:  store,
		cfg:    cfg,
		reqs:   make(chan *request, 4*cfg.MaxBatch),
		stop:   make(chan struct{}),
		exited: make(chan struct{}),
	}
	if cfg.Verifier != nil {
		cp, err := store.Checkpoint(ctx)
		switch {
		case err == nil:
			if _, err := ledger.OpenCheckpoint(cp.Note, cfg.Verifier); err != nil {
				return nil, fmt.Errorf("node: the log in this database is not signed by this node's key (%v); use the node.key and node.pub of the node that created it", err)
			}
		case meent.ErrorCode(err) != meent.ENOTFOUND:
			return nil, err
		}
	}
	if err := n.reload(ctx); err != nil {
		return nil, err
	}
	if err := n.rebuildObjects(ctx, n.snap.otherRules); err != nil {
		return nil, err
	}
	if n.snap.otherRules {
		// The objects now have the shape of these rules; a snapshot of
		// them says so to the next start, which then rewrites nothing.
		n.mu.Lock()
		snap, ok := n.encodeSnapshot()
		if ok {
			n.snap.size = snap.Size
		}
		n.mu.Unlock()
		if ok {
			n.writeSnapshot(snap)
		}
	}
	if err := n.backfillRefs(ctx); err != nil {
		return nil, err
	}
	if err := n.signEmpty(ctx); err != nil {
		return nil, err
	}
	n.wg.Add(1)
	go n.sequence()
	return n, nil
}

// Close stops the sequencer after the batch in flight, then writes a
// snapshot of the state, so that the next start replays nothing. Requests
// still queued are answered with EUNAVAILABLE, never silently dropped.
func (n *Node) Close() error {
	first := false
	n.stopOnce.Do(func() { close(n.stop); first = true })
	n.wg.Wait()
	if first {
		n.closeSnapshots()
	}
	return nil
}

// Store returns the node's store, for read queries.
func (n *Node) Store() meent.Store { return n.store }

// Origin returns the log origin.
func (n *Node) Origin() string { return n.cfg.Origin }

// reload rebuilds the state from the store: from the latest snapshot when
// there is a usable one, replaying only the events after it, otherwise by
// replaying the whole log.
func (n *Node) reload(ctx context.Context) error {
	st := n.restore(ctx)
	restored := st.Size
	if err := n.catchUp(ctx, st, n.store.Entries, -1); err != nil {
		return err
	}
	n.mu.Lock()
	n.st, n.stale = st, false
	// What was restored is as good as a snapshot this process wrote: the
	// next one is due SnapshotEvery events after it.
	n.snap.size = restored
	n.publishCounts()
	n.mu.Unlock()
	n.cfg.Metrics.TreeSize.Set(float64(st.Size))
	return nil
}

// rebuildObjects writes every object of the replayed state to the store's
// objects projection when the table holds no object of a kind the state
// holds.
// That is how a release whose rules compute objects differently (issue 9
// changed what identity claims, organisations and imported contributions
// hold) brings an existing node's projections up to date: its migration
// empties the table, and the first start after it rewrites the table from
// the log, so meent verify's state digest agrees again. A start that is
// interrupted leaves the table empty or partial; PutObjects replaces by
// key, so the next start simply writes it again.
//
// With force it writes every object whatever the table holds: the latest
// snapshot was made by other rules (snapshots.otherRules), whose objects
// may have another shape than these rules compute.
func (n *Node) rebuildObjects(ctx context.Context, force bool) error {
	n.mu.Lock()
	st := n.st
	n.mu.Unlock()
	empty := force
	for _, kind := range st.ObjectKinds() {
		if empty {
			break
		}
		stored, err := n.store.Objects(ctx, meent.ObjectFilter{Kind: kind, Limit: 1})
		if err != nil {
			return err
		}
		empty = empty || len(stored) == 0
	}
	if !empty {
		return nil
	}
	return n.store.Sequence(ctx, func(tx meent.SeqTx) error {
		size, err := tx.Size(ctx)
		if err != nil {
			return err
		}
		n.mu.Lock()
		defer n.mu.Unlock()
		if size != n.st.Size {
			// Another process appended since this one replayed: catch
			// up first, so that the objects written are those of the
			// log as this transaction sees it.
			if err := n.catchUp(ctx, n.st, tx.Entries, size); err != nil {
				return err
			}
			n.st.DropDirty()
		}
		const chunk = 1000
		var objs []meent.Object
		var werr error
		n.st.Objects(func(o meent.Object) {
			if werr != nil {
				return
			}
			if objs = append(objs, o); len(objs) == chunk {
				werr, objs = tx.PutObjects(ctx, objs), objs[:0]
			}
		})
		if werr != nil {
			return werr
		}
		if err := tx.PutObjects(ctx, objs); err != nil {
			return err
		}
		n.cfg.Logger.Info("rebuilt the objects projection from the log", "size", n.st.Size)
		return nil
	})
}

// signEmpty publishes a checkpoint of the empty tree for a new log, so
// auditors and tile clients can start from size 0 before the first event.
func (n *Node) signEmpty(ctx context.Context) error {
	if _, err := n.store.Checkpoint(ctx); meent.ErrorCode(err) != meent.ENOTFOUND {
		return err
	}
	return n.store.Sequence(ctx, func(tx meent.SeqTx) error {
		size, err := tx.Size(ctx)
		if err != nil || size != 0 {
			return err // another process got there first
		}
		note, err := ledger.SignCheckpoint(ledger.Checkpoint{Origin: n.cfg.Origin, Size: 0, Root: emptyRoot}, n.cfg.Signer)
		if err != nil {
			return err
		}
		return tx.Append(ctx, nil, nil, meent.Checkpoint{Size: 0, Root: emptyRoot, Note: note, Time: n.cfg.Now().UnixMilli()})
	})
}

// catchUp applies entries from st.Size up to limit (or the end when limit
// is negative). These entries were verified when they were appended, so
// only their rules are re-applied here; meent verify re-checks signatures.
func (n *Node) catchUp(ctx context.Context, st *state.State,
	entries func(context.Context, int64, int) ([][]byte, error), limit int64) error {
	const chunk = 1024
	for limit < 0 || st.Size < limit {
		k := chunk
		if limit >= 0 && limit-st.Size < chunk {
			k = int(limit - st.Size)
		}
		es, err := entries(ctx, st.Size, k)
		if err != nil {
			return fmt.Errorf("replay at %d: %w", st.Size, err)
		}
		if len(es) == 0 {
			if limit >= 0 {
				return fmt.Errorf("replay: log ends at %d before %d", st.Size, limit)
			}
			return nil
		}
		for _, e := range es {
			ev, err := ledger.Parse(e)
			if err != nil {
				return fmt.Errorf("replay: entry %d: %w", st.Size, err)
			}
			if err := st.Apply(ev); err != nil {
				return fmt.Errorf("replay: entry %d breaks the rules: %w", st.Size, err)
			}
		}
		// Whoever appended these events stored their objects too.
		st.DropDirty()
	}
	return nil
}

// Submit decodes and verifies entry, then queues it for the sequencer and
// waits until it is committed or refused. The signature is checked here,
// in the caller's goroutine, so verification runs on every core while the
// sequencer stays serial.
func (n *Node) Submit(ctx context.Context, entry []byte) (Receipt, error) {
	ev, err := ledger.Decode(entry)
	if err != nil {
		n.cfg.Metrics.Refused.WithLabelValues(meent.ErrorCode(err)).Inc()
		return Receipt{}, err
	}
	if t := time.UnixMilli(ev.Time); t.After(n.cfg.Now().Add(n.cfg.MaxFutureSkew)) {
		err := meent.Errorf(meent.ERULE, "event time %s is more than %s in the future", t.UTC().Format(time.RFC3339), n.cfg.MaxFutureSkew)
		n.cfg.Metrics.Refused.WithLabelValues(meent.ERULE).Inc()
		return Receipt{}, err
	}
	if t := time.UnixMilli(ev.Time); commons.FreshTime(ev.Type) && t.Before(n.cfg.Now().Add(-n.cfg.MaxFutureSkew)) {
		err := meent.Errorf(meent.ERULE, "a %s must be signed now (its time %s is more than %s old): its contest window runs from it", ev.Type, t.UTC().Format(time.RFC3339), n.cfg.MaxFutureSkew)
		n.cfg.Metrics.Refused.WithLabelValues(meent.ERULE).Inc()
		return Receipt{}, err
	}
	if n.cfg.Blobs != nil {
		for _, h := range commons.Blobs(ev) {
			if !n.cfg.Blobs.Has(h) {
				err := meent.Errorf(meent.ERULE, "evidence blob %s was not uploaded; PUT it to /api/v1/blobs/%s first", h, h)
				n.cfg.Metrics.Refused.WithLabelValues(meent.ERULE).Inc()
				return Receipt{}, err
			}
		}
	}
	if err := n.checkPrivate(ctx, ev); err != nil {
		n.cfg.Metrics.Refused.WithLabelValues(meent.ErrorCode(err)).Inc()
		return Receipt{}, err
	}
	req := &request{ev: ev, done: make(chan result, 1)}
	select {
	case n.reqs <- req:
	case <-n.stop:
		return Receipt{}, meent.Errorf(meent.EUNAVAILABLE, "node is shutting down")
	case <-ctx.Done():
		return Receipt{}, ctx.Err()
	}
	// Once queued, wait for the verdict even if ctx ends: the event may be
	// committed, and the caller must not be told otherwise.
	var r result
	select {
	case r = <-req.done:
	case <-n.exited:
		// The sequencer drained the queue and left; the request may have
		// been answered just before, or slipped in after the drain.
		select {
		case r = <-req.done:
		default:
			r.err = meent.Errorf(meent.EUNAVAILABLE, "node is shutting down")
		}
	}
	if r.err != nil {
		n.cfg.Metrics.Refused.WithLabelValues(meent.ErrorCode(r.err)).Inc()
	}
	return r.rc, r.err
}

// checkPrivate keeps personal data out of the log at the door: public
// free text must not hold an IBAN or e-mail address (private.Screen), and
// every private record the event names must already be stored, and not
// erased. It runs on
// submission only, never on replay: logs written before the screen
// existed may hold such text and must still verify (docs/privacy.md).
func (n *Node) checkPrivate(ctx context.Context, ev *ledger.Event) error {
	if err := private.Screen(ev.Type, ev.Data); err != nil {
		return err
	}
	for _, c := range private.Commitments(ev.Type, ev.Data) {
		if n.cfg.Private == nil {
			return meent.Errorf(meent.ERULE, "this node keeps no private records, so it cannot accept an event that names one")
		}
		rec, err := n.cfg.Private.PrivateRecord(ctx, c)
		if err != nil {
			if meent.ErrorCode(err) == meent.ENOTFOUND {
				return meent.Errorf(meent.ERULE, "private record %s is not stored on this node; store it first (POST /api/v1/private), then submit the event", c)
			}
			return &meent.Error{Code: meent.EUNAVAILABLE, Message: "cannot check the event's private records; try again", Err: err}
		}
		// A new event must not point to data that is already gone: it
		// would be acknowledged with its private part lost.
		if rec.IsErased() {
			return meent.Errorf(meent.ERULE, "private record %s was erased; store the details again (a new record) and name that one", c)
		}
		// Only the record's owner may name it, and only for the commons
		// it was stored for: otherwise an event could borrow someone
		// else's evidence, and the commons' maintainers, who may read the
		// records of their commons, could not read it.
		if rec.Owner != ev.Author {
			return meent.Errorf(meent.EFORBIDDEN, "private record %s was stored by another agent; an event names only records its author stored", c)
		}
		if rec.Commons != "" {
			var d struct {
				Commons string `json:"commons"`
			}
			if json.Unmarshal(ev.Data, &d) != nil || d.Commons != rec.Commons {
				return meent.Errorf(meent.ERULE, "private record %s was stored for commons %s, not for this event's commons", c, rec.Commons)
			}
		}
	}
	return nil
}

// sequence is the single goroutine that appends. It takes whatever is
// queued (up to MaxBatch) as one batch: under load batches grow and the
// cost of a commit is shared; when idle a lone event is committed at once.
func (n *Node) sequence() {
	defer n.wg.Done()
	for {
		var first *request
		select {
		case first = <-n.reqs:
		case <-n.stop:
			n.drain()
			close(n.exited)
			return
		}
		batch := []*request{first}
	fill:
		for len(batch) < n.cfg.MaxBatch {
			select {
			case r := <-n.reqs:
				batch = append(batch, r)
			default:
				break fill
			}
		}
		n.appendBatch(batch)
		n.maybeSnapshot()
	}
}

func (n *Node) drain() {
	for {
		select {
		case r := <-n.reqs:
			r.done <- result{err: meent.Errorf(meent.EUNAVAILABLE, "node is shutting down")}
		default:
			return
		}
	}
}

// appendBatch runs one sequencer transaction for batch.
func (n *Node) appendBatch(batch []*request) {
	ctx := context.Background()
	start := time.Now()
	n.mu.Lock()
	defer n.mu.Unlock()

	if n.stale {
		n.mu.Unlock()
		err := n.reload(ctx)
		n.mu.Lock()
		if err != nil {
			n.cfg.Logger.Error("reload state", "err", err)
			for _, r := range batch {
				r.done <- result{err: &meent.Error{Code: meent.EUNAVAILABLE, Message: "node cannot load its log", Err: err}}
			}
			return
		}
	}

	var accepted []*request
	var recs []meent.Record
	var cp meent.Checkpoint
	// Refusals are answered only after the transaction ends: a verdict
	// such as "duplicate" must not reach a client if the commit that
	// would make it true then fails.
	type verdict struct {
		r   *request
		err error
	}
	var refused []verdict
	err := n.store.Sequence(ctx, func(tx meent.SeqTx) error {
		accepted, recs, refused = accepted[:0], recs[:0], refused[:0]
		size, err := tx.Size(ctx)
		if err != nil {
			return err
		}
		// Another process sharing the database may have appended since we
		// last looked: apply its events first, so the rules see them.
		if size != n.st.Size {
			n.stale = true // if anything below fails, reload from scratch
			if err := n.catchUp(ctx, n.st, tx.Entries, size); err != nil {
				return err
			}
		}
		// Duplicates are found in the log itself, inside this
		// transaction (so events another process appended count), and
		// within the batch: no set of every hash is kept in memory.
		evHashes := make([][32]byte, len(batch))
		for i, r := range batch {
			evHashes[i] = r.ev.Hash
		}
		known, err := tx.Known(ctx, evHashes)
		if err != nil {
			return err
		}
		inBatch := make(map[ledger.Hash]struct{}, len(batch))
		n.stale = true
		hr := &hashReader{ctx: ctx, read: tx.ReadHashes, pending: map[int64]tlog.Hash{}, front: &n.front}
		var hashes []meent.StoredHash
		for i, r := range batch {
			if _, dup := inBatch[r.ev.Hash]; dup || known[i] {
				refused = append(refused, verdict{r, meent.Errorf(meent.EDUPLICATE, "event %s is already in the log", r.ev.Hash)})
				continue
			}
			idx := n.st.Size
			if err := n.st.Apply(r.ev); err != nil {
				refused = append(refused, verdict{r, err})
				continue
			}
			inBatch[r.ev.Hash] = struct{}{}
			hs, err := tlog.StoredHashes(idx, r.ev.Entry, hr)
			if err != nil {
				return fmt.Errorf("tree hashes for %d: %w", idx, err)
			}
			n.front.put(idx, hs)
			base := tlog.StoredHashIndex(0, idx)
			for i, h := range hs {
				hr.pending[base+int64(i)] = h
				hashes = append(hashes, meent.StoredHash{Index: base + int64(i), Hash: h})
			}
			accepted = append(accepted, r)
			rec := record(idx, r.ev)
			rec.Commons, rec.Agents = n.st.Refs(r.ev) // right after Apply: refs.go
			recs = append(recs, rec)
		}
		if len(accepted) == 0 {
			return nil
		}
		root, err := tlog.TreeHash(n.st.Size, hr)
		if err != nil {
			return fmt.Errorf("tree hash: %w", err)
		}
		note, err := ledger.SignCheckpoint(ledger.Checkpoint{Origin: n.cfg.Origin, Size: n.st.Size, Root: root}, n.cfg.Signer)
		if err != nil {
			return fmt.Errorf("sign checkpoint: %w", err)
		}
		cp = meent.Checkpoint{Size: n.st.Size, Root: root, Note: note, Time: n.cfg.Now().UnixMilli()}
		if err := tx.Append(ctx, recs, hashes, cp); err != nil {
			return err
		}
		return tx.PutObjects(ctx, n.st.TakeDirty())
	})
	if err != nil {
		n.stale = true
		n.front.reset() // it may hold hashes of positions this batch did not keep
		n.cfg.Logger.Error("append batch", "events", len(accepted), "err", err)
		// The whole batch gets the same answer: the outcome of a failed
		// commit is not known for sure (a connection lost during COMMIT),
		// and a verdict computed inside the failed transaction may rest on
		// events that are not in the log.
		for _, r := range batch {
			r.done <- result{err: &meent.Error{Code: meent.EUNAVAILABLE, Message: "could not append; the event may or may not be in the log: look it up by hash, or submit it again", Err: err}}
		}
		return
	}
	n.stale = false
	n.publishCounts()
	// The metrics count the batch before anyone hears of it: a client that
	// reads /metrics after its receipt sees its event counted.
	if len(accepted) > 0 {
		m := n.cfg.Metrics
		m.Appended.Add(float64(len(accepted)))
		m.TreeSize.Set(float64(cp.Size))
		m.CheckpointTime.Set(float64(cp.Time) / 1000)
		m.BatchSize.Observe(float64(len(accepted)))
		m.BatchSeconds.Observe(time.Since(start).Seconds())
	}
	for _, v := range refused {
		v.r.done <- result{err: v.err}
	}
	for i, r := range accepted {
		r.done <- result{rc: Receipt{Index: recs[i].Index, Hash: r.ev.Hash, TreeSize: cp.Size}}
	}
}

func record(idx int64, ev *ledger.Event) meent.Record {
	return meent.Record{
		Index:  idx,
		Hash:   ev.Hash,
		Type:   ev.Type,
		Author: ev.Author,
		Key:    ev.Key,
		Time:   ev.Time,
		Data:   ev.Data,
		Entry:  ev.Entry,
	}
}

func (n *Node) publishCounts() {
	n.agents.Store(int64(n.st.Agents.Len()))
	n.members.Store(int64(n.st.Agents.Members()))
}

// Counts returns the number of agents and members as of the last batch
// this process appended or read. It never blocks.
func (n *Node) Counts() (agents, members int) {
	return int(n.agents.Load()), int(n.members.Load())
}

// State runs fn with the rules' current view of the log. fn must not keep
// or modify what it is given.
func (n *Node) State(fn func(*state.State)) {
	n.mu.Lock()
	defer n.mu.Unlock()
	fn(n.st)
}
