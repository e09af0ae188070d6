package node

import (
	"context"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/meent/meent"
	"github.com/meent/meent/ledger"
)

// storeHashReader reads committed tree hashes from the store.
func (n *Node) hashReader(ctx context.Context) tlog.HashReader {
	return &hashReader{ctx: ctx, read: n.store.ReadHashes}
}

// Checkpoint returns the latest signed checkpoint.
func (n *Node) Checkpoint(ctx context.Context) (meent.Checkpoint, error) {
	return n.store.Checkpoint(ctx)
}

// Tile returns the contents of a C2SP tlog-tiles tile: a hash tile
// (concatenated hashes) or an entry bundle. It serves only tiles the latest
// checkpoint covers, which makes every served tile immutable.
func (n *Node) Tile(ctx context.Context, t tlog.Tile) ([]byte, error) {
	cp, err := n.store.Checkpoint(ctx)
	if err != nil {
		return nil, err
	}
	if !tileExists(t, cp.Size) {
		return nil, notFound("tile %s is beyond the tree of size %d", ledger.TilePath(t), cp.Size)
	}
	if t.L == ledger.EntriesLevel {
		es, err := n.store.Entries(ctx, t.N<<ledger.TileHeight, t.W)
		if err != nil {
			return nil, err
		}
		if len(es) != t.W {
			return nil, notFound("entries for tile %s are not all stored", ledger.TilePath(t))
		}
		return ledger.AppendBundle(nil, es), nil
	}
	return tlog.ReadTileData(t, n.hashReader(ctx))
}

// InclusionProof proves that the event at index is in the tree of size.
// A size of 0 means the latest checkpoint's.
func (n *Node) InclusionProof(ctx context.Context, index, size int64) (tlog.RecordProof, int64, error) {
	size, err := n.sizeOrLatest(ctx, size)
	if err != nil {
		return nil, 0, err
	}
	if index < 0 || index >= size {
		return nil, 0, meent.Errorf(meent.EINVALID, "index %d is not in a tree of size %d", index, size)
	}
	p, err := tlog.ProveRecord(size, index, n.hashReader(ctx))
	return p, size, err
}

// ConsistencyProof proves that the tree of size old is a prefix of the tree
// of size new (0 meaning the latest).
func (n *Node) ConsistencyProof(ctx context.Context, old, size int64) (tlog.TreeProof, int64, error) {
	size, err := n.sizeOrLatest(ctx, size)
	if err != nil {
		return nil, 0, err
	}
	if old < 1 || old > size {
		return nil, 0, meent.Errorf(meent.EINVALID, "old size %d must be between 1 and %d", old, size)
	}
	p, err := tlog.ProveTree(size, old, n.hashReader(ctx))
	return p, size, err
}

// TreeHash returns the root of the tree of the given size, which must not
// exceed the latest checkpoint.
func (n *Node) TreeHash(ctx context.Context, size int64) (tlog.Hash, error) {
	size, err := n.sizeOrLatest(ctx, size)
	if err != nil {
		return tlog.Hash{}, err
	}
	return tlog.TreeHash(size, n.hashReader(ctx))
}

func (n *Node) sizeOrLatest(ctx context.Context, size int64) (int64, error) {
	cp, err := n.store.Checkpoint(ctx)
	if err != nil {
		return 0, err
	}
	if size == 0 {
		return cp.Size, nil
	}
	if size < 0 || size > cp.Size {
		return 0, meent.Errorf(meent.EINVALID, "tree size %d is beyond the latest checkpoint (%d)", size, cp.Size)
	}
	return size, nil
}

// EventProof returns the offline proof of the event at index: the entry,
// its inclusion proof and the latest signed checkpoint, which covers it.
func (n *Node) EventProof(ctx context.Context, index int64) (ledger.EventProof, error) {
	cp, err := n.store.Checkpoint(ctx)
	if err != nil {
		return ledger.EventProof{}, err
	}
	if index < 0 || index >= cp.Size {
		return ledger.EventProof{}, notFound("no event at index %d in the tree of size %d", index, cp.Size)
	}
	es, err := n.store.Entries(ctx, index, 1)
	if err != nil {
		return ledger.EventProof{}, err
	}
	if len(es) != 1 {
		return ledger.EventProof{}, notFound("the event at index %d is not stored", index)
	}
	rp, err := tlog.ProveRecord(cp.Size, index, n.hashReader(ctx))
	if err != nil {
		return ledger.EventProof{}, err
	}
	p := ledger.EventProof{Format: ledger.ProofFormat, Index: index, Entry: es[0], Checkpoint: cp.Note}
	for _, h := range rp {
		p.Proof = append(p.Proof, append([]byte(nil), h[:]...))
	}
	return p, nil
}
