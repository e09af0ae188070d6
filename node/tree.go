package node

import (
	"context"
	"crypto/sha256"
	"errors"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/meent/meent"
)

// hashReader adapts a context-taking hash reader to tlog.HashReader, whose
// interface has no context. Pending holds hashes written in the batch being
// built, which the store does not have yet.
type hashReader struct {
	ctx     context.Context
	read    func(ctx context.Context, idx []int64) ([][32]byte, error)
	pending map[int64]tlog.Hash
	front   *frontier // consulted first when set
}

func (r *hashReader) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	var missing []int64
	var at []int
	for i, x := range indexes {
		if r.front != nil {
			if h, ok := r.front.get(x); ok {
				out[i] = h
				continue
			}
		}
		if h, ok := r.pending[x]; ok {
			out[i] = h
			continue
		}
		missing = append(missing, x)
		at = append(at, i)
	}
	if len(missing) == 0 {
		return out, nil
	}
	hs, err := r.read(r.ctx, missing)
	if err != nil {
		return nil, err
	}
	if len(hs) != len(missing) {
		return nil, errors.New("store returned the wrong number of hashes")
	}
	for j, h := range hs {
		out[at[j]] = h
	}
	return out, nil
}

// compactRange folds leaf hashes into an RFC 6962 tree root without
// storing the tree: it keeps one hash per set bit of the size. The auditor
// uses it to recompute the root of a log it streams.
type compactRange struct {
	size   int64
	hashes []tlog.Hash // roots of perfect subtrees, largest first
}

func (c *compactRange) append(leaf tlog.Hash) {
	c.hashes = append(c.hashes, leaf)
	// Merge equal-sized subtrees: one merge per trailing 1 bit of size.
	for s := c.size; s&1 == 1; s >>= 1 {
		n := len(c.hashes)
		c.hashes = append(c.hashes[:n-2], tlog.NodeHash(c.hashes[n-2], c.hashes[n-1]))
	}
	c.size++
}

// emptyRoot is the RFC 6962 hash of an empty tree: SHA-256 of nothing.
var emptyRoot = tlog.Hash(sha256.Sum256(nil))

func (c *compactRange) root() tlog.Hash {
	if len(c.hashes) == 0 {
		return emptyRoot
	}
	h := c.hashes[len(c.hashes)-1]
	for i := len(c.hashes) - 2; i >= 0; i-- {
		h = tlog.NodeHash(c.hashes[i], h)
	}
	return h
}

// tileExists reports whether tile t is fully determined by a tree of the
// given size, so it is safe (and immutable) to serve.
func tileExists(t tlog.Tile, size int64) bool {
	if t.W < 1 || t.W > 1<<t.H || t.N < 0 {
		return false
	}
	if t.L < 0 { // entries
		if t.N > (size>>t.H)+1 {
			return false
		}
		return t.N*(1<<t.H)+int64(t.W) <= size
	}
	shift := uint(t.L * t.H)
	if shift >= 63 {
		return false
	}
	// Compare without overflowing: N*256+W <= size>>shift.
	width := size >> shift
	if t.N > (width>>t.H)+1 {
		return false
	}
	return t.N*(1<<t.H)+int64(t.W) <= width
}

func notFound(format string, args ...any) error {
	return meent.Errorf(meent.ENOTFOUND, format, args...)
}
