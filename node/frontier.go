package node

import "golang.org/x/mod/sumdb/tlog"

// frontier remembers, for each level of the tree, the last stored hash the
// sequencer computed. Those are exactly the hashes tlog asks for to hash
// the next leaf (the left siblings on its way up) and to hash the root of
// the tree (its maximal perfect subtrees), so once it is warm the
// sequencer computes tree hashes without reading any back from the store.
// A hash it does not hold is read from the store as before.
//
// It may only hold hashes of committed positions, or of the batch being
// built: the sequencer resets it when a transaction fails, since the
// positions that batch hashed will be hashed again over other leaves.
type frontier struct {
	ok [64]bool
	n  [64]int64 // node index at that level
	h  [64]tlog.Hash
}

// put records the stored hashes of leaf idx, as tlog.StoredHashes returns
// them: hs[l] is the node at level l above the leaf.
func (f *frontier) put(idx int64, hs []tlog.Hash) {
	for l, h := range hs {
		if l >= len(f.h) {
			break
		}
		f.ok[l], f.n[l], f.h[l] = true, idx>>uint(l), h
	}
}

// get returns the hash at stored hash index x if it is on the frontier.
func (f *frontier) get(x int64) (tlog.Hash, bool) {
	l, n := tlog.SplitStoredHashIndex(x)
	if l < 0 || l >= len(f.h) || !f.ok[l] || f.n[l] != n {
		return tlog.Hash{}, false
	}
	return f.h[l], true
}

func (f *frontier) reset() { *f = frontier{} }
