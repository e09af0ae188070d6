// Package federation follows other meent nodes: it mirrors a peer's log
// through C2SP tlog-tiles and believes nothing of it before it is
// verified: the checkpoint's signature, its consistency with the last
// checkpoint accepted from that peer, every entry's signature and every
// rule (by the same replay as meent verify, audit.Replay). Two validly
// signed checkpoints that cannot both be true become Evidence that anyone
// can check offline with the peer's verifier key alone. See
// docs/federation.md.
//
// The rules (Roots, Evidence.Check) are pure; the I/O is at the edge: a
// Peer to read from and a directory per peer to keep the mirror in.
package federation

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sync"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/meent/meent/audit"
	"github.com/meent/meent/ledger"
)

// Peer is what a follower reads a peer's log from: the checkpoint, entry
// bundles and hash tiles of C2SP tlog-tiles, as client.Client serves them.
// Nothing it returns is trusted.
type Peer interface {
	Checkpoint(ctx context.Context) ([]byte, error)
	Entries(ctx context.Context, start int64, n int) ([][]byte, error)
	HashTile(ctx context.Context, t tlog.Tile) ([]byte, error)
}

// Files of a peer's directory.
const (
	checkpointFile = "checkpoint" // the last accepted signed checkpoint note
	entriesFile    = "entries"    // the mirrored entries, as one entry bundle
	evidenceGlob   = "evidence-*.json"
)

// PeerDir is the directory below a data directory that keeps the mirror
// of the peer with verifier key vkey: its key name made safe for a file
// name, and a hash of the whole key, so that two keys never share one.
func PeerDir(data, vkey string) string {
	name := regexp.MustCompile(`[^A-Za-z0-9._-]+`).ReplaceAllString(vkeyName(vkey), "_")
	sum := sha256.Sum256([]byte(vkey))
	return filepath.Join(data, "peers", name+"-"+hex.EncodeToString(sum[:4]))
}

func vkeyName(vkey string) string {
	if i := bytes.IndexByte([]byte(vkey), '+'); i > 0 {
		return vkey[:i]
	}
	return "peer"
}

// Follower keeps the verified mirror of one peer's log.
type Follower struct {
	dir     string
	v       note.Verifier
	note    []byte            // the last accepted checkpoint note, nil before the first
	cp      ledger.Checkpoint // that checkpoint
	entries [][]byte          // the mirrored entries, cp.Size of them
	replay  *audit.Replay     // the replay of entries
}

// Open loads the mirror kept in dir (created if missing) and replays it:
// what was verified once is checked again, so a damaged mirror is noticed
// rather than extended.
func Open(ctx context.Context, dir string, v note.Verifier) (*Follower, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	f := &Follower{dir: dir, v: v, cp: ledger.Checkpoint{Origin: v.Name()}}
	msg, err := os.ReadFile(filepath.Join(dir, checkpointFile))
	switch {
	case errors.Is(err, os.ErrNotExist):
	case err != nil:
		return nil, err
	default:
		if f.cp, err = ledger.OpenCheckpoint(msg, v); err != nil {
			return nil, fmt.Errorf("mirror %s: %w", dir, err)
		}
		f.note = msg
	}
	data, err := os.ReadFile(filepath.Join(dir, entriesFile))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	// Entries past the checkpoint were appended by a pass that stopped
	// before it wrote the checkpoint: they were never accepted.
	for off := 0; int64(len(f.entries)) < f.cp.Size; {
		if len(data)-off < 2 || len(data)-off-2 < int(binary.BigEndian.Uint16(data[off:])) {
			return nil, fmt.Errorf("mirror %s: %d entries kept, the checkpoint says %d", dir, len(f.entries), f.cp.Size)
		}
		n := int(binary.BigEndian.Uint16(data[off:]))
		f.entries = append(f.entries, data[off+2:off+2+n])
		off += 2 + n
	}
	f.replay = audit.NewReplay()
	if err := f.replay.Extend(ctx, memory(f.entries), f.cp.Size); err != nil {
		return nil, fmt.Errorf("mirror %s: %w", dir, err)
	}
	if f.cp.Size > 0 {
		root, err := tlog.TreeHash(f.cp.Size, f.replay.HashReader())
		if err != nil || root != f.cp.Root {
			return nil, fmt.Errorf("mirror %s: the kept entries do not hash to the kept checkpoint", dir)
		}
	}
	return f, nil
}

// Checkpoint returns the last accepted checkpoint and its signed note
// (nil before the first).
func (f *Follower) Checkpoint() (ledger.Checkpoint, []byte) { return f.cp, f.note }

// Replay returns the verified replay of the mirror: the rules' state of
// the peer's log at the accepted checkpoint. It must not be changed.
func (f *Follower) Replay() *audit.Replay { return f.replay }

// Evidence returns the paths of the evidence kept against the peer. A
// peer with evidence is not followed any more.
func (f *Follower) Evidence() ([]string, error) {
	return filepath.Glob(filepath.Join(f.dir, evidenceGlob))
}

// Result says what one pass did.
type Result struct {
	From, To int64 // the accepted size before and after
}

// EquivocationError is returned by Sync when the peer signed two
// checkpoints that cannot both be true. The evidence is kept in Path.
type EquivocationError struct {
	Path     string
	Conflict Conflict
}

func (e *EquivocationError) Error() string {
	return fmt.Sprintf("equivocation: %s; evidence kept in %s", e.Conflict, e.Path)
}

// ErrDistrusted is returned by Sync for a peer with evidence against it.
var ErrDistrusted = errors.New("the peer equivocated: evidence is kept against it and it is not followed any more")

// Sync makes one pass: it reads the peer's checkpoint and, if it is new
// and everything checks, the entries up to it, and keeps them. Nothing is
// kept unless all of it verified; on an error the mirror is as before.
func (f *Follower) Sync(ctx context.Context, p Peer) (Result, error) {
	res := Result{From: f.cp.Size, To: f.cp.Size}
	if ev, err := f.Evidence(); err != nil || len(ev) > 0 {
		return res, errors.Join(ErrDistrusted, err)
	}
	msg, err := p.Checkpoint(ctx)
	if err != nil {
		return res, fmt.Errorf("read checkpoint: %w", err)
	}
	cp, err := ledger.OpenCheckpoint(msg, f.v)
	if err != nil {
		return res, fmt.Errorf("peer checkpoint refused: %w", err)
	}
	old := f.cp
	switch {
	case cp.Size == old.Size && f.note == nil:
		return res, nil // both empty
	case cp.Size == old.Size:
		if cp.Root == old.Root {
			return res, nil
		}
		return res, f.equivocation(NewEvidence(f.note, msg, nil))
	case cp.Size < old.Size:
		// The mirror holds the larger tree: prove from it.
		if cp.Size == 0 {
			return res, fmt.Errorf("peer serves an empty checkpoint after one of size %d", old.Size)
		}
		path, err := ProveConsistency(cp.Size, old.Size, f.replay.HashReader())
		if err != nil {
			return res, err
		}
		if prefix, _, err := Roots(path, cp.Size, old.Size); err != nil {
			return res, err
		} else if prefix != cp.Root {
			return res, f.equivocation(NewEvidence(msg, f.note, path))
		}
		return res, fmt.Errorf("peer serves an older checkpoint (size %d) than the one accepted (%d)", cp.Size, old.Size)
	}
	if old.Size > 0 {
		// The tiles are checked against the new root as they are read
		// (tlog.TileHashReader), so the path is the peer's own.
		tr := tlog.TileHashReader(tlog.Tree{N: cp.Size, Hash: cp.Root}, tiles{ctx: ctx, p: p})
		path, err := ProveConsistency(old.Size, cp.Size, tr)
		if err != nil {
			return res, fmt.Errorf("consistency proof from the peer's tiles: %w", err)
		}
		prefix, root, err := Roots(path, old.Size, cp.Size)
		if err != nil {
			return res, err
		}
		if root != cp.Root {
			return res, errors.New("the peer's tiles do not lead to its checkpoint's root")
		}
		if prefix != old.Root {
			return res, f.equivocation(NewEvidence(f.note, msg, path))
		}
	}
	rec := &recorder{p: p, got: map[int64][][]byte{}}
	if err := f.replay.Extend(ctx, rec, cp.Size); err != nil {
		f.reopen(ctx)
		return res, fmt.Errorf("peer's log refused: %w", err)
	}
	root, err := tlog.TreeHash(cp.Size, f.replay.HashReader())
	if err != nil || root != cp.Root {
		f.reopen(ctx)
		return res, errors.Join(errors.New("peer's entries do not hash to its checkpoint's root"), err)
	}
	var fresh [][]byte
	for start := old.Size - old.Size%256; start < cp.Size; start += 256 {
		es := rec.got[start]
		fresh = append(fresh, es[max(0, old.Size-start):]...)
	}
	if err := f.keep(msg, fresh); err != nil {
		f.reopen(ctx)
		return res, err
	}
	f.note, f.cp, f.entries = msg, cp, append(f.entries, fresh...)
	res.To = cp.Size
	return res, nil
}

// keep appends the entries to the mirror, then replaces the checkpoint;
// a crash between the two leaves entries past the checkpoint, which Open
// ignores.
func (f *Follower) keep(msg []byte, fresh [][]byte) error {
	path := filepath.Join(f.dir, entriesFile)
	// Cut what a stopped pass left past the accepted entries.
	var kept int64
	for _, e := range f.entries {
		kept += 2 + int64(len(e))
	}
	if err := os.Truncate(path, kept); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	w, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	_, err = w.Write(ledger.AppendBundle(nil, fresh))
	if err == nil {
		err = w.Sync()
	}
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("keep entries: %w", err)
	}
	return writeAtomic(filepath.Join(f.dir, checkpointFile), msg)
}

// reopen rebuilds the replay from the kept mirror after a refused pass
// left it spoiled. If even that fails the replay is empty, and the next
// Open reports the problem.
func (f *Follower) reopen(ctx context.Context) {
	f.replay = audit.NewReplay()
	if err := f.replay.Extend(ctx, memory(f.entries), f.cp.Size); err != nil {
		f.replay = audit.NewReplay()
	}
}

// equivocation keeps the evidence and returns the error that names it.
// The evidence is checked like anyone else would check it before it is
// kept: a bug here must not accuse an honest peer.
func (f *Follower) equivocation(e *Evidence) error {
	c, err := e.Check(f.v)
	if err != nil {
		return fmt.Errorf("evidence built against the peer does not check (a bug): %w", err)
	}
	b, err := e.Encode()
	if err != nil {
		return err
	}
	sum := sha256.Sum256(b)
	path := filepath.Join(f.dir, "evidence-"+hex.EncodeToString(sum[:8])+".json")
	if err := writeAtomic(path, b); err != nil {
		return err
	}
	return &EquivocationError{Path: path, Conflict: c}
}

func writeAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return err
}

// tiles reads hash tiles from a peer for tlog.TileHashReader, which
// checks each against the tree it was given.
type tiles struct {
	ctx context.Context
	p   Peer
}

func (t tiles) Height() int { return ledger.TileHeight }

func (t tiles) ReadTiles(ts []tlog.Tile) ([][]byte, error) {
	out := make([][]byte, len(ts))
	for i, tile := range ts {
		b, err := t.p.HashTile(t.ctx, tile)
		if err != nil {
			return nil, err
		}
		out[i] = b
	}
	return out, nil
}

func (t tiles) SaveTiles([]tlog.Tile, [][]byte) {}

// recorder keeps the entry bundles a replay reads from a peer, so that the
// pass keeps the very bytes it verified.
type recorder struct {
	p   Peer
	mu  sync.Mutex
	got map[int64][][]byte
}

func (r *recorder) Entries(ctx context.Context, start int64, n int) ([][]byte, error) {
	es, err := r.p.Entries(ctx, start, n)
	if err == nil {
		r.mu.Lock()
		r.got[start] = es
		r.mu.Unlock()
	}
	return es, err
}

// memory serves kept entries to a replay.
type memory [][]byte

func (m memory) Entries(_ context.Context, start int64, n int) ([][]byte, error) {
	if start < 0 || start+int64(n) > int64(len(m)) {
		return nil, fmt.Errorf("entries [%d, %d) past the %d kept", start, start+int64(n), len(m))
	}
	return m[start : start+int64(n)], nil
}
