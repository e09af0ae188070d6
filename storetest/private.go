package storetest

import (
	"bytes"
	"context"
	"testing"

	"github.com/meent/meent"
	"github.com/meent/meent/private"
)

// testPrivate checks the private records every backend keeps beside the
// log (private.Store): put, idempotent retry, conflicts, reads, listing
// in commitment order, and erasure that leaves a tombstone.
func testPrivate(t *testing.T, s meent.Store) {
	ps, ok := s.(private.Store)
	if !ok {
		t.Fatalf("%T does not implement private.Store", s)
	}
	ctx := context.Background()

	rec, err := private.Seal([]byte("NL91ABNA0417164300 Maya Jansen"), "agent-maya", "commons-1", 1000)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ps.PrivateRecord(ctx, rec.Commitment); meent.ErrorCode(err) != meent.ENOTFOUND {
		t.Fatalf("missing record: %v, want not_found", err)
	}
	if err := ps.PutPrivate(ctx, rec); err != nil {
		t.Fatal(err)
	}
	got, err := ps.PrivateRecord(ctx, rec.Commitment)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Data, rec.Data) || got.Salt != rec.Salt || got.Owner != rec.Owner || got.Commons != rec.Commons ||
		got.Created != rec.Created || got.IsErased() || !got.Valid() {
		t.Fatalf("read back %+v, stored %+v", got, rec)
	}

	// A retry of the same record is fine; the same commitment for another
	// owner or commons is a conflict; data that does not open the
	// commitment is refused.
	if err := ps.PutPrivate(ctx, rec); err != nil {
		t.Errorf("retry: %v", err)
	}
	other := rec
	other.Owner = "agent-eve"
	if err := ps.PutPrivate(ctx, other); meent.ErrorCode(err) != meent.ECONFLICT {
		t.Errorf("same commitment, other owner: %v, want conflict", err)
	}
	forged := rec
	forged.Data = []byte("something else")
	if err := ps.PutPrivate(ctx, forged); meent.ErrorCode(err) != meent.EINVALID {
		t.Errorf("data that does not open the commitment: %v, want invalid", err)
	}
	for name, bad := range map[string]private.Record{
		"empty":    {Owner: "a", Salt: rec.Salt, Commitment: private.Commit(rec.Salt, nil)},
		"no owner": {Data: rec.Data, Salt: rec.Salt, Commitment: rec.Commitment},
		"oversize": {Owner: "a", Data: make([]byte, private.MaxData+1), Salt: rec.Salt, Commitment: private.Commit(rec.Salt, make([]byte, private.MaxData+1))},
	} {
		if err := ps.PutPrivate(ctx, bad); err == nil {
			t.Errorf("%s record stored", name)
		}
	}

	// Binary data comes back byte for byte.
	bin, _ := private.Seal([]byte{0, 0xff, 0xfe, '\n', 0}, "agent-maya", "", 2000)
	if err := ps.PutPrivate(ctx, bin); err != nil {
		t.Fatal(err)
	}
	if got, err := ps.PrivateRecord(ctx, bin.Commitment); err != nil || !bytes.Equal(got.Data, bin.Data) || !got.Valid() {
		t.Errorf("binary record: %+v, %v", got, err)
	}

	// Listing: every record once, in commitment order, paged.
	var all []private.Record
	for i := 0; i < 5; i++ {
		r, _ := private.Seal([]byte{byte(i) + 'a'}, "agent-x", "", int64(i))
		if err := ps.PutPrivate(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	var after *private.Commitment
	for {
		page, err := ps.PrivateRecords(ctx, after, 3)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		all = append(all, page...)
		c := page[len(page)-1].Commitment
		after = &c
	}
	if len(all) != 7 {
		t.Fatalf("listed %d records, want 7", len(all))
	}
	for i := 1; i < len(all); i++ {
		if bytes.Compare(all[i-1].Commitment[:], all[i].Commitment[:]) >= 0 {
			t.Fatalf("records out of commitment order at %d", i)
		}
	}

	// Erasure: data and salt are gone, the tombstone says when and by whom,
	// erasing again changes nothing, and the record is not stored again.
	if _, err := ps.ErasePrivate(ctx, private.Commit(rec.Salt, []byte("never stored")), "admin", 5000); meent.ErrorCode(err) != meent.ENOTFOUND {
		t.Errorf("erase a missing record: %v, want not_found", err)
	}
	if _, err := ps.ErasePrivate(ctx, rec.Commitment, "", 5000); meent.ErrorCode(err) != meent.EINVALID {
		t.Errorf("erase by nobody: %v, want invalid", err)
	}
	tomb, err := ps.ErasePrivate(ctx, rec.Commitment, "agent-admin", 5000)
	if err != nil {
		t.Fatal(err)
	}
	check := func(what string, r private.Record) {
		t.Helper()
		if !r.IsErased() || r.Erased != 5000 || r.ErasedBy != "agent-admin" || r.Data != nil || r.Salt != [private.SaltSize]byte{} ||
			r.Owner != rec.Owner || r.Commitment != rec.Commitment || r.Created != rec.Created {
			t.Errorf("%s: %+v, want a tombstone erased at 5000 by agent-admin", what, r)
		}
	}
	check("erase", tomb)
	got, err = ps.PrivateRecord(ctx, rec.Commitment)
	if err != nil {
		t.Fatal(err)
	}
	check("read after erase", got)
	again, err := ps.ErasePrivate(ctx, rec.Commitment, "agent-other", 9000)
	if err != nil {
		t.Fatal(err)
	}
	check("erase again", again)
	if err := ps.PutPrivate(ctx, rec); meent.ErrorCode(err) != meent.ECONFLICT {
		t.Errorf("store an erased record again: %v, want conflict", err)
	}
	// Other records are untouched.
	if got, err := ps.PrivateRecord(ctx, bin.Commitment); err != nil || got.IsErased() || !bytes.Equal(got.Data, bin.Data) {
		t.Errorf("another record after erasure: %+v, %v", got, err)
	}
}
