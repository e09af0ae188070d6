package node

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"golang.org/x/mod/sumdb/tlog"
)

// TestFrontierServesTreeHashing hashes 1,000 leaves, and the root after
// each, through a hashReader whose store always fails: once the frontier
// holds the right edge of the tree, nothing may be read back. The hashes
// must equal those of tlog reading every stored hash.
func TestFrontierServesTreeHashing(t *testing.T) {
	var all []tlog.Hash
	full := tlog.HashReaderFunc(func(idx []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(idx))
		for i, x := range idx {
			out[i] = all[x]
		}
		return out, nil
	})
	var f frontier
	hr := &hashReader{ctx: context.Background(), front: &f, read: func(context.Context, []int64) ([][32]byte, error) {
		return nil, errors.New("read from the store")
	}}
	for i := int64(0); i < 1000; i++ {
		leaf := []byte(fmt.Sprintf("leaf %d", i))
		want, err := tlog.StoredHashes(i, leaf, full)
		if err != nil {
			t.Fatal(err)
		}
		got, err := tlog.StoredHashes(i, leaf, hr)
		if err != nil {
			t.Fatalf("leaf %d: %v", i, err)
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("leaf %d: hashes differ", i)
		}
		f.put(i, got)
		all = append(all, want...)
		wantRoot, _ := tlog.TreeHash(i+1, full)
		root, err := tlog.TreeHash(i+1, hr)
		if err != nil || root != wantRoot {
			t.Fatalf("root of %d: %v (%v)", i+1, root, err)
		}
	}
	// After a reset it misses, and the store is asked again.
	f.reset()
	if _, err := tlog.TreeHash(1000, hr); err == nil {
		t.Fatal("a reset frontier still answered")
	}
}
