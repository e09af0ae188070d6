package federation

import (
	"crypto/sha256"
	"errors"
	"math/bits"

	"golang.org/x/mod/sumdb/tlog"
)

// A consistency path proves what the first m leaves of a tree of size n
// hash to. It is the RFC 6962 §2.1.2 consistency proof (tlog.ProveTree),
// except that when m is a power of two the hash of the first m leaves in
// the larger tree is put in front: RFC 6962 leaves it out, because an
// honest verifier already knows it, but a proof of a conflict must show
// the larger tree's own value for it.
//
// Roots (RFC 9162 §2.1.4.2, which computes both roots from the path)
// turns a path into the two roots it implies. When the second equals a
// signed root of size n, the first is what the signer committed to for
// its first m leaves (short of a SHA-256 collision), so a different
// signed root of size m proves the two checkpoints inconsistent.

// ProveConsistency returns the consistency path from size m to size n,
// reading the larger tree's hashes from r (0 < m < n).
func ProveConsistency(m, n int64, r tlog.HashReader) ([]tlog.Hash, error) {
	if m <= 0 || m >= n {
		return nil, errors.New("consistency path needs 0 < m < n")
	}
	p, err := tlog.ProveTree(n, m, r)
	if err != nil {
		return nil, err
	}
	if m&(m-1) == 0 {
		h, err := r.ReadHashes([]int64{tlog.StoredHashIndex(bits.TrailingZeros64(uint64(m)), 0)})
		if err != nil {
			return nil, err
		}
		return append([]tlog.Hash{h[0]}, p...), nil
	}
	return p, nil
}

// Roots returns the roots of sizes m and n that a consistency path
// implies (0 < m < n). It fails only when the path has the wrong shape for
// the sizes, never because of what the hashes are: comparing the roots
// with signed ones is the caller's judgement.
func Roots(path []tlog.Hash, m, n int64) (old, new tlog.Hash, err error) {
	if m <= 0 || m >= n {
		return old, new, errors.New("consistency path needs 0 < m < n")
	}
	if len(path) == 0 || len(path) > 2*64 {
		return old, new, errors.New("consistency path has a wrong length")
	}
	fn, sn := uint64(m-1), uint64(n-1)
	for fn&1 == 1 {
		fn >>= 1
		sn >>= 1
	}
	fr, sr := path[0], path[0]
	for _, c := range path[1:] {
		if sn == 0 {
			return old, new, errors.New("consistency path is too long")
		}
		if fn&1 == 1 || fn == sn {
			fr, sr = node(c, fr), node(c, sr)
			for fn&1 == 0 && fn != 0 {
				fn >>= 1
				sn >>= 1
			}
		} else {
			sr = node(sr, c)
		}
		fn >>= 1
		sn >>= 1
	}
	if sn != 0 {
		return old, new, errors.New("consistency path is too short")
	}
	return fr, sr, nil
}

// node is the RFC 6962 interior node hash.
func node(l, r tlog.Hash) tlog.Hash {
	var b [1 + 2*tlog.HashSize]byte
	b[0] = 1
	copy(b[1:], l[:])
	copy(b[1+tlog.HashSize:], r[:])
	return sha256.Sum256(b[:])
}
