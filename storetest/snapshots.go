package storetest

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/meent/meent"
)

// testSnapshots: a snapshot is stored byte for byte in the sequencer's
// transaction, only for sizes the log has, read back newest first, and
// only the latest two are kept.
func testSnapshots(t *testing.T, s meent.Store) {
	ctx := t.Context()
	_, err := s.Snapshot(ctx)
	wantCode(t, err, meent.ENOTFOUND, "Snapshot of an empty store")

	put := func(snap meent.Snapshot) error {
		return s.Sequence(ctx, func(tx meent.SeqTx) error { return tx.PutSnapshot(ctx, snap) })
	}
	// An empty log has the state of size 0, and nothing beyond it.
	if err := put(meent.Snapshot{Size: 0, Version: "v1", Data: []byte{}, Time: 1}); err != nil {
		t.Fatal(err)
	}
	wantCode(t, put(meent.Snapshot{Size: 1, Version: "v1", Data: []byte("x")}), meent.EINVALID, "PutSnapshot beyond the log")
	wantCode(t, put(meent.Snapshot{Size: 0, Data: []byte("x")}), meent.EINVALID, "PutSnapshot without a version")
	got := must(s.Snapshot(ctx)).in(t)
	if got.Size != 0 || got.Version != "v1" || len(got.Data) != 0 || got.Time != 1 {
		t.Fatalf("Snapshot = %+v", got)
	}
	// One of the same size replaces it (new rules made it, say).
	if err := put(meent.Snapshot{Size: 0, Version: "v1b", Data: []byte("y"), Time: 2}); err != nil {
		t.Fatal(err)
	}
	got = must(s.Snapshot(ctx)).in(t)
	if got.Size != 0 || got.Version != "v1b" || string(got.Data) != "y" || got.Time != 2 {
		t.Fatalf("Snapshot after replacing = %+v", got)
	}

	mustAppend(t, s, notes(t, Key("snap"), "note.post", fakeAgent("snap"), 3)...)
	// Large and binary data, as a compressed state is, comes back exact.
	big := make([]byte, 3<<20)
	r := rand.NewChaCha8([32]byte{7})
	r.Read(big)
	for size := int64(1); size <= 3; size++ {
		data := append([]byte{0, byte(size)}, big[:len(big)>>(3-size)]...)
		if err := put(meent.Snapshot{Size: size, Version: "v2", Data: data, Time: 100 + size}); err != nil {
			t.Fatalf("PutSnapshot(%d): %v", size, err)
		}
		got := must(s.Snapshot(ctx)).in(t)
		if got.Size != size || got.Version != "v2" || got.Time != 100+size || sha256.Sum256(got.Data) != sha256.Sum256(data) {
			t.Fatalf("Snapshot after PutSnapshot(%d) = size %d version %q time %d, %d bytes", size, got.Size, got.Version, got.Time, len(got.Data))
		}
	}
	// Smaller ones written late do not hide the latest.
	for _, size := range []int64{1, 0} {
		if err := put(meent.Snapshot{Size: size, Version: "v2", Data: []byte("old")}); err != nil {
			t.Fatalf("PutSnapshot(%d): %v", size, err)
		}
	}
	if got := must(s.Snapshot(ctx)).in(t); got.Size != 3 {
		t.Fatalf("Snapshot returns size %d, want the largest, 3", got.Size)
	}

	// A Sequence that fails keeps no snapshot.
	mustAppend(t, s, notes(t, Key("snap2"), "note.post", fakeAgent("snap2"), 1)...)
	boom := errors.New("boom")
	err = s.Sequence(ctx, func(tx meent.SeqTx) error {
		if err := tx.PutSnapshot(ctx, meent.Snapshot{Size: 4, Version: "v2", Data: []byte("lost")}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Sequence = %v, want boom", err)
	}
	if got := must(s.Snapshot(ctx)).in(t); got.Size != 3 {
		t.Fatalf("a rolled back snapshot was kept: size %d", got.Size)
	}
	// A snapshot and the events it covers commit together.
	err = s.Sequence(ctx, func(tx meent.SeqTx) error {
		n := must(tx.Size(ctx)).in(t)
		b, err := build(t, ctx, tx.ReadHashes, n, notes(t, Key("snap3"), "note.post", fakeAgent("snap3"), 2))
		if err != nil {
			return err
		}
		if err := tx.Append(ctx, b.Records, b.Hashes, b.Checkpoint); err != nil {
			return err
		}
		return tx.PutSnapshot(ctx, meent.Snapshot{Size: n + 2, Version: "v2", Data: []byte("with")})
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := must(s.Snapshot(ctx)).in(t); got.Size != 6 || !bytes.Equal(got.Data, []byte("with")) {
		t.Fatalf("Snapshot = size %d %q, want 6 \"with\"", got.Size, got.Data)
	}
}

// testKnown: the sequencer asks which hashes are in the log inside its
// transaction, and sees what that transaction appended.
func testKnown(t *testing.T, s meent.Store) {
	ctx := t.Context()
	entries := notes(t, Key("known"), "note.post", fakeAgent("known"), 5)
	recs := mustAppend(t, s, entries[:3]...)
	other := sha256.Sum256([]byte("not an event"))
	err := s.Sequence(ctx, func(tx meent.SeqTx) error {
		if got := must(tx.Known(ctx, nil)).in(t); len(got) != 0 {
			t.Fatalf("Known(nil) = %v", got)
		}
		q := [][32]byte{recs[2].Hash, other, recs[0].Hash, recs[2].Hash, sha256.Sum256(entries[3])}
		got := must(tx.Known(ctx, q)).in(t)
		want := []bool{true, false, true, true, false}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("Known = %v, want %v", got, want)
			}
		}
		b, err := build(t, ctx, tx.ReadHashes, 3, entries[3:4])
		if err != nil {
			return err
		}
		if err := tx.Append(ctx, b.Records, b.Hashes, b.Checkpoint); err != nil {
			return err
		}
		if got := must(tx.Known(ctx, q[4:])).in(t); !got[0] {
			t.Fatalf("Known does not see the event this transaction appended")
		}
		// Many at once (more than one query's worth).
		many := make([][32]byte, 1200)
		for i := range many {
			many[i] = sha256.Sum256([]byte{byte(i), byte(i >> 8)})
		}
		many[1100] = recs[1].Hash
		got = must(tx.Known(ctx, many)).in(t)
		for i, k := range got {
			if k != (i == 1100) {
				t.Fatalf("Known of 1200 hashes: [%d] = %v", i, k)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
