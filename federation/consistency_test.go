package federation

import (
	"fmt"
	"testing"

	"golang.org/x/mod/sumdb/tlog"
)

// tree builds the stored hashes of a log of n leaves, leaf i being the
// bytes of fmt.Sprint(salt, i).
func tree(t testing.TB, n int64, salt string) (tlog.HashReader, func(int64) tlog.Hash) {
	var hashes []tlog.Hash
	r := tlog.HashReaderFunc(func(idx []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(idx))
		for i, x := range idx {
			out[i] = hashes[x]
		}
		return out, nil
	})
	for i := int64(0); i < n; i++ {
		hs, err := tlog.StoredHashes(i, []byte(fmt.Sprint(salt, i)), r)
		if err != nil {
			t.Fatal(err)
		}
		hashes = append(hashes, hs...)
	}
	return r, func(size int64) tlog.Hash {
		h, err := tlog.TreeHash(size, r)
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
}

// TestRootsAgreeWithTlog checks the path, for every pair of sizes up to
// 70, against tlog's own verifier and the roots tlog computes.
func TestRootsAgreeWithTlog(t *testing.T) {
	const max = 70
	r, root := tree(t, max, "a")
	for n := int64(2); n <= max; n++ {
		for m := int64(1); m < n; m++ {
			path, err := ProveConsistency(m, n, r)
			if err != nil {
				t.Fatal(err)
			}
			old, new, err := Roots(path, m, n)
			if err != nil {
				t.Fatalf("%d→%d: %v", m, n, err)
			}
			if old != root(m) || new != root(n) {
				t.Fatalf("%d→%d: roots %x %x, want %x %x", m, n, old[:4], new[:4], root(m).String()[:4], root(n).String()[:4])
			}
			p, _ := tlog.ProveTree(n, m, r)
			if err := tlog.CheckTree(p, n, root(n), m, root(m)); err != nil {
				t.Fatalf("%d→%d: tlog refuses its own proof: %v", m, n, err)
			}
			if _, _, err := Roots(path[:len(path)-1], m, n); err == nil && len(path) > 1 {
				t.Fatalf("%d→%d: a short path gives roots", m, n)
			}
			if _, _, err := Roots(append(path, path[0]), m, n); err == nil {
				t.Fatalf("%d→%d: a long path gives roots", m, n)
			}
		}
	}
}

// TestRootsShowARewrite: a tree that shares no prefix with another gives a
// path whose new root is its own and whose old root is not the other's.
func TestRootsShowARewrite(t *testing.T) {
	_, rootA := tree(t, 40, "a")
	rb, rootB := tree(t, 40, "b")
	for _, c := range [][2]int64{{1, 2}, {4, 9}, {5, 40}, {16, 17}, {32, 40}, {39, 40}} {
		path, err := ProveConsistency(c[0], c[1], rb)
		if err != nil {
			t.Fatal(err)
		}
		old, new, err := Roots(path, c[0], c[1])
		if err != nil {
			t.Fatal(err)
		}
		if new != rootB(c[1]) || old == rootA(c[0]) || old != rootB(c[0]) {
			t.Fatalf("%v: the path does not show the rewrite", c)
		}
	}
}
