// Package audit checks a meent log from the outside, trusting nothing but
// the node's checkpoint key: every signature, every rule, every tree hash,
// the checkpoint signature, and the node's projections against a replay.
// It reads through a Source, so the same code audits a data directory and a
// node on the network.
package audit

import (
	"bytes"
	"context"
	"encoding/hex"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/meent/meent/ledger"
	"github.com/meent/meent/state"
)

// EntrySource is what a replay reads entries from.
type EntrySource interface {
	// Entries returns entries [start, start+n); start is a multiple of 256
	// and n at most 256, so a remote source can read one entry bundle.
	Entries(ctx context.Context, start int64, n int) ([][]byte, error)
}

// Source is where an audit reads a log from.
type Source interface {
	EntrySource
	// Checkpoint returns the latest signed checkpoint note.
	Checkpoint(ctx context.Context) ([]byte, error)
	// HashTile returns the data of a hash tile (level >= 0).
	HashTile(ctx context.Context, t tlog.Tile) ([]byte, error)
	// StateDigest returns the digest of the node's projections and the log
	// size they reflect. Parts may be empty (a node that serves only the
	// total); then a difference cannot be narrowed down to a part.
	StateDigest(ctx context.Context) (size int64, digest state.Digest, err error)
}

// Problem is the first thing found wrong, with the log index it concerns.
type Problem struct {
	Index  int64
	Reason string
}

func (p *Problem) Error() string { return fmt.Sprintf("index %d: %s", p.Index, p.Reason) }

// Report summarises an audit that found nothing wrong.
type Report struct {
	Origin       string
	Size         int64
	Root         tlog.Hash
	Agents       int
	Members      int
	DigestSize   int64
	StateDigest  [32]byte
	Tiles        int
	StoredHashes int // interior and leaf hashes compared, for a local store
	Elapsed      time.Duration
}

func (r Report) String() string {
	stored := ""
	if r.StoredHashes > 0 {
		stored = fmt.Sprintf("  hashes     %d stored tree hashes match\n", r.StoredHashes)
	}
	return fmt.Sprintf("ok: %s\n  events     %d, every signature and rule verified\n  root       %x (checkpoint signature verified)\n  tiles      %d hash tiles match the recomputed tree\n%s  state      %x at size %d matches the replay (%d agents, %d members)\n  elapsed    %s (%.0f events/s)\n",
		r.Origin, r.Size, r.Root[:], r.Tiles, stored, r.StateDigest[:8], r.DigestSize, r.Agents, r.Members,
		r.Elapsed.Round(time.Millisecond), float64(r.Size)/r.Elapsed.Seconds())
}

type chunk struct {
	start  int64
	evs    []*ledger.Event
	leaves []tlog.Hash // the record hash of each event, computed by the worker
	err    error       // a *Problem or a read error
}

// pipeline reads and decodes the entries of a log of one size ahead of
// the replay.
type pipeline struct {
	size   int64
	note   []byte // the checkpoint it was started for
	order  <-chan chan chunk
	cancel context.CancelFunc
	done   chan struct{} // closed when every goroutine has returned
}

// workers is the number of decoding goroutines; a variable so that tests
// can run several even on one core.
var workers = func() int { return runtime.GOMAXPROCS(0) }

// startPipeline reads the log in 256-entry chunks and decodes each chunk
// (strict parse, signature check and record hash) on a pool of workers.
// The order channel yields one future per chunk, in log order, so the
// caller applies events in sequence while verification runs on every
// core. Within a chunk a worker stops at the first entry that fails, so
// the first problem in log order is the one reported, whichever worker
// finds it.
func startPipeline(ctx context.Context, src EntrySource, from, size int64, note []byte) *pipeline {
	ctx, cancel := context.WithCancel(ctx)
	w := max(1, workers())
	order := make(chan chan chunk, 4*w)
	p := &pipeline{size: size, note: note, order: order, cancel: cancel, done: make(chan struct{})}
	type job struct {
		start int64
		n     int
		skip  int // entries of the bundle before from, already replayed
		fut   chan chunk
	}
	jobs := make(chan job, 4*w)
	var wg sync.WaitGroup
	wg.Add(1 + w)
	go func() {
		defer wg.Done()
		defer close(order)
		defer close(jobs)
		for start := from - from%256; start < size; start += 256 {
			n := int(min(256, size-start))
			j := job{start: start, n: n, skip: int(max(0, from-start)), fut: make(chan chunk, 1)}
			select {
			case jobs <- j:
			case <-ctx.Done():
				return
			}
			select {
			case order <- j.fut:
			case <-ctx.Done():
				return
			}
		}
	}()
	for range w {
		go func() {
			defer wg.Done()
			for j := range jobs {
				j.fut <- decodeChunk(ctx, src, j.start, j.n, j.skip)
			}
		}()
	}
	go func() { wg.Wait(); close(p.done) }()
	return p
}

func decodeChunk(ctx context.Context, src EntrySource, start int64, n, skip int) chunk {
	c := chunk{start: start + int64(skip)}
	es, err := src.Entries(ctx, start, n)
	switch {
	case err != nil:
		c.err = fmt.Errorf("read entries at %d: %w", start, err)
		return c
	case len(es) != n:
		c.err = &Problem{Index: start + int64(len(es)), Reason: "entry missing"}
		return c
	}
	es, start = es[skip:], start+int64(skip)
	c.evs = make([]*ledger.Event, 0, len(es))
	c.leaves = make([]tlog.Hash, 0, len(es))
	for i, e := range es {
		ev, err := ledger.Decode(e)
		if err != nil {
			c.err = &Problem{Index: start + int64(i), Reason: err.Error()}
			return c
		}
		c.evs = append(c.evs, ev)
		c.leaves = append(c.leaves, tlog.RecordHash(ev.Entry))
	}
	return c
}

// stop ends the pipeline and waits for its goroutines, so that nothing
// reads the source after Verify returns. It may be called more than once.
func (p *pipeline) stop() {
	p.cancel()
	<-p.done
}

// Verify audits src. It returns a *Problem naming the first index at fault
// when the log is wrong, another error when it cannot read the log, and a
// Report when everything holds.
//
// The work runs on every core while the answer stays that of a serial
// audit: decoding and signature checks of the chunks ahead of the replay
// run on a pool of workers, the stored tree hashes are compared by a
// goroutine of their own as the replay computes them, and the final
// checks (projection digest, tiles, stored hashes) run side by side. Every
// result is then looked at in the order a serial audit would have met it,
// so the first problem reported is the same whatever the scheduling.
func Verify(ctx context.Context, src Source, v note.Verifier) (Report, error) {
	begin := time.Now()
	var rep Report
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	// Reading the projections is serial work on a source that also serves
	// the entries: start decoding the log of the checkpoint as it is now,
	// while they are read. The checkpoint that counts is still the one
	// read after the projections (below); if it differs, this guess is
	// dropped unread.
	var guess *pipeline
	if msg, err := src.Checkpoint(ctx); err == nil {
		if cp, err := ledger.OpenCheckpoint(msg, v); err == nil {
			guess = startPipeline(ctx, src, 0, cp.Size, msg)
			defer guess.stop()
		}
	}

	// Projections first: they only grow, so the checkpoint read afterwards
	// covers at least the size they reflect, and the replay passes it.
	dsize, digest, err := src.StateDigest(ctx)
	if err != nil {
		return rep, fmt.Errorf("read state digest: %w", err)
	}
	msg, err := src.Checkpoint(ctx)
	if err != nil {
		return rep, fmt.Errorf("read checkpoint: %w", err)
	}
	cp, err := ledger.OpenCheckpoint(msg, v)
	if err != nil {
		return rep, &Problem{Index: -1, Reason: err.Error()}
	}
	if cp.Size < dsize {
		return rep, &Problem{Index: cp.Size, Reason: fmt.Sprintf("projections reflect %d events but the checkpoint only %d", dsize, cp.Size)}
	}
	rep.Origin, rep.Size, rep.DigestSize, rep.StateDigest = cp.Origin, cp.Size, dsize, digest.Total

	p := guess
	if p == nil || p.size != cp.Size || !bytes.Equal(p.note, msg) {
		if p != nil {
			p.stop()
		}
		p = startPipeline(ctx, src, 0, cp.Size, msg)
		defer p.stop()
	}

	rp := newReplay(cp.Size)
	st := rp.State
	reader := rp.HashReader()
	checkDigest := func() error {
		if st.Size != dsize {
			return nil
		}
		if got := st.Summary(); got.Total != digest.Total {
			return &Problem{Index: dsize, Reason: digestDiffers(digest, got)}
		}
		return nil
	}
	if err := checkDigest(); err != nil {
		return rep, err
	}
	// A local store keeps every interior hash too (proofs are built from
	// them), not only the tiles' bottom rows: compare them all, chunk by
	// chunk as the replay computes them.
	var stored *storedChecker
	if hs, ok := src.(hashSource); ok {
		stored = startStoredChecker(ctx, hs)
		defer stored.stop()
	}
	// The digest is usually due after the last event; then it is computed
	// beside the tree checks rather than before them.
	digestAtEnd := dsize == cp.Size && dsize > 0
	for fut := range p.order {
		c := <-fut
		if c.err != nil {
			return rep, c.err
		}
		for i, ev := range c.evs {
			if err := rp.apply(c.start+int64(i), ev, c.leaves[i]); err != nil {
				return rep, err
			}
			if stored != nil {
				stored.feed(rp.hashes, false)
			}
			if digestAtEnd && st.Size == dsize {
				continue
			}
			if err := checkDigest(); err != nil {
				return rep, err
			}
		}
	}
	// The replay is over: nothing writes st or hashes any more, so the
	// checks below may read them side by side.
	var digestErr, tilesErr, storedErr error
	var wg sync.WaitGroup
	if digestAtEnd && st.Size == dsize {
		wg.Add(1)
		go func() { defer wg.Done(); digestErr = checkDigest() }()
	}
	hashes := rp.hashes
	if stored != nil {
		stored.feed(hashes, true)
	}
	// The root comes first (it is cheap); the tiles are checked against
	// it only when it holds, as a serial audit would.
	full := st.Size == cp.Size
	var root tlog.Hash
	var rootErr error
	var tiles int
	if full {
		root, rootErr = tlog.TreeHash(cp.Size, reader)
		if rootErr == nil && root == cp.Root {
			wg.Add(1)
			go func() { defer wg.Done(); tiles, tilesErr = checkTiles(ctx, src, cp.Size, reader) }()
		}
	}
	wg.Wait()
	if stored != nil {
		storedErr = stored.wait()
	}
	switch {
	case digestErr != nil:
		return rep, digestErr
	case !full:
		return rep, &Problem{Index: st.Size, Reason: "log ends before the checkpoint's size"}
	case rootErr != nil:
		return rep, rootErr
	case root != cp.Root:
		return rep, &Problem{Index: cp.Size - 1, Reason: fmt.Sprintf("recomputed root %x differs from the checkpoint's %x", root[:8], cp.Root[:8])}
	}
	// What a serial audit had filled in when it stopped at these.
	rep.Root = root
	if tilesErr != nil {
		return rep, tilesErr
	}
	rep.Tiles = tiles
	if storedErr != nil {
		return rep, storedErr
	}
	if stored != nil {
		rep.StoredHashes = len(hashes)
	}
	rep.Agents, rep.Members = st.Agents.Len(), st.Agents.Members()
	rep.Elapsed = time.Since(begin)
	return rep, nil
}

// Replay is a replay of a log that can be continued: the rules' state, the
// event hashes seen (a repeat is refused) and every tree hash, so that a
// follower of a peer checks only the entries of each new checkpoint. Verify
// runs one from zero; federation keeps one per peer.
type Replay struct {
	State  *state.State
	seen   map[ledger.Hash]int64
	hashes []tlog.Hash // stored hashes, by tlog.StoredHashIndex
}

// NewReplay returns the replay of an empty log.
func NewReplay() *Replay { return newReplay(0) }

// newReplay sizes the replay for a log of about size entries. The size
// comes from the party being audited: never size an allocation by it
// unchecked. A short log is caught as "entry missing".
func newReplay(size int64) *Replay {
	return &Replay{
		State:  state.New(),
		seen:   make(map[ledger.Hash]int64, min(size, 1<<24)),
		hashes: make([]tlog.Hash, 0, 2*min(size, 1<<24)+64),
	}
}

// Size is the number of entries replayed.
func (r *Replay) Size() int64 { return r.State.Size }

// HashReader reads the tree hashes computed so far (by
// tlog.StoredHashIndex), for tlog.TreeHash and tlog.ProveTree.
func (r *Replay) HashReader() tlog.HashReader {
	return tlog.HashReaderFunc(func(idx []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(idx))
		for i, x := range idx {
			if x < 0 || x >= int64(len(r.hashes)) {
				return nil, fmt.Errorf("hash %d not yet computed", x)
			}
			out[i] = r.hashes[x]
		}
		return out, nil
	})
}

// apply checks one decoded event against the replay and applies it.
func (r *Replay) apply(idx int64, ev *ledger.Event, leaf tlog.Hash) error {
	if prev, dup := r.seen[ev.Hash]; dup {
		return &Problem{Index: idx, Reason: fmt.Sprintf("event repeats the event at index %d", prev)}
	}
	r.seen[ev.Hash] = idx
	if err := r.State.Apply(ev); err != nil {
		return &Problem{Index: idx, Reason: "rules refuse it: " + err.Error()}
	}
	hs, err := tlog.StoredHashesForRecordHash(idx, leaf, r.HashReader())
	if err != nil {
		return err
	}
	r.hashes = append(r.hashes, hs...)
	return nil
}

// Extend reads the entries [r.Size(), size) from src and checks each as
// Verify does (strict parse, signature, repeats, rules), decoding on every
// core. It returns a *Problem naming the first index at fault. After an
// error the replay is spoiled (the rules may have applied part of the
// entries): discard it.
func (r *Replay) Extend(ctx context.Context, src EntrySource, size int64) error {
	if size <= r.Size() {
		return nil
	}
	p := startPipeline(ctx, src, r.Size(), size, nil)
	defer p.stop()
	for fut := range p.order {
		c := <-fut
		if c.err != nil {
			return c.err
		}
		for i, ev := range c.evs {
			if err := r.apply(c.start+int64(i), ev, c.leaves[i]); err != nil {
				return err
			}
		}
	}
	if r.Size() != size {
		return &Problem{Index: r.Size(), Reason: "log ends before the checkpoint's size"}
	}
	return nil
}

// digestDiffers says how the node's digest differs from the replay's, part
// by part when the node serves its parts, so that an operator knows which
// projection (agents, keys, members, or objects of one kind) to look at.
func digestDiffers(node, replay state.Digest) string {
	msg := fmt.Sprintf("projections digest %x differs from the replay's %x", node.Total[:8], replay.Total[:8])
	parts := node.Differ(replay)
	if len(parts) == 0 {
		return msg
	}
	var b strings.Builder
	for i, name := range parts {
		if i > 0 {
			b.WriteString("; ")
		}
		n, r := node.Parts[name], replay.Parts[name]
		fmt.Fprintf(&b, "%s: node %d lines %x, replay %d lines %x", name, n.Lines, n.SHA256[:8], r.Lines, r.SHA256[:8])
	}
	return msg + "; parts that differ: " + b.String()
}

// checkTiles compares every hash tile of the tree of the given size, as the
// source serves it, with the tile recomputed from the entries.
func checkTiles(ctx context.Context, src Source, size int64, r tlog.HashReader) (int, error) {
	count := 0
	for L := 0; ; L++ {
		width := size >> (uint(L) * ledger.TileHeight) // hashes at the bottom of this level
		if width == 0 {
			break
		}
		for N := int64(0); N*256 < width; N++ {
			t := tlog.Tile{H: ledger.TileHeight, L: L, N: N, W: int(min(256, width-N*256))}
			want, err := tlog.ReadTileData(t, r)
			if err != nil {
				return count, err
			}
			got, err := src.HashTile(ctx, t)
			if err != nil {
				return count, fmt.Errorf("read tile %s: %w", ledger.TilePath(t), err)
			}
			if !bytes.Equal(got, want) {
				first := firstDiff(got, want) / 32
				leaf := (N*256 + int64(first)) << (uint(L) * ledger.TileHeight)
				return count, &Problem{Index: leaf, Reason: fmt.Sprintf("stored tree hash in tile %s differs from the recomputed one (%s)", ledger.TilePath(t), shortHex(got, first))}
			}
			count++
		}
	}
	return count, nil
}

// hashSource is implemented by sources that can read stored tree hashes by
// their tlog.StoredHashIndex.
type hashSource interface {
	ReadHashes(ctx context.Context, indexes []int64) ([][32]byte, error)
}

// storedHashChunk is how many stored hashes one read compares.
const storedHashChunk = 4096

// storedChecker compares the stored tree hashes with the recomputed ones
// in a goroutine of its own, a chunk at a time as the replay computes
// them, and keeps the first difference or read error.
type storedChecker struct {
	src    hashSource
	chunks chan []tlog.Hash // each starts at the index after the previous
	sent   int              // hashes handed over so far
	cancel context.CancelFunc
	done   chan struct{}
	err    error // set before done is closed
}

func startStoredChecker(ctx context.Context, src hashSource) *storedChecker {
	ctx, cancel := context.WithCancel(ctx)
	chunks := make(chan []tlog.Hash, 64)
	s := &storedChecker{src: src, chunks: chunks, cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(s.done)
		start := 0
		// chunks, not s.chunks: the caller sets that to nil when it closes
		// the channel, possibly before this goroutine first runs.
		for want := range chunks {
			if s.err == nil {
				s.err = compareStored(ctx, src, start, want)
			}
			start += len(want)
		}
	}()
	return s
}

// feed hands over the hashes computed since the last call, in whole
// chunks, and the last partial chunk too when final is set. The caller
// only ever appends to hashes, so the elements handed over are never
// written again.
func (s *storedChecker) feed(hashes []tlog.Hash, final bool) {
	for len(hashes)-s.sent >= storedHashChunk || final && len(hashes) > s.sent {
		end := min(s.sent+storedHashChunk, len(hashes))
		s.chunks <- hashes[s.sent:end:end]
		s.sent = end
	}
	if final {
		close(s.chunks)
		s.chunks = nil
	}
}

// wait returns the first problem found, once every chunk is compared.
func (s *storedChecker) wait() error {
	<-s.done
	return s.err
}

// stop abandons the check (Verify found a problem earlier in the log).
func (s *storedChecker) stop() {
	s.cancel()
	if s.chunks != nil {
		close(s.chunks)
		s.chunks = nil
	}
	<-s.done
}

// compareStored compares the stored hashes [start, start+len(want)).
func compareStored(ctx context.Context, src hashSource, start int, want []tlog.Hash) error {
	idx := make([]int64, len(want))
	for i := range idx {
		idx[i] = int64(start + i)
	}
	got, err := src.ReadHashes(ctx, idx)
	if err != nil {
		return fmt.Errorf("read stored hashes at %d: %w", start, err)
	}
	for i, h := range got {
		if tlog.Hash(h) != want[i] {
			level, n := tlog.SplitStoredHashIndex(int64(start + i))
			return &Problem{Index: n << uint(level), Reason: fmt.Sprintf("stored tree hash %d (level %d, node %d) differs from the recomputed one", start+i, level, n)}
		}
	}
	return nil
}

func firstDiff(a, b []byte) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

func shortHex(b []byte, h int) string {
	if (h+1)*32 > len(b) {
		return "missing"
	}
	return hex.EncodeToString(b[h*32 : h*32+8])
}
