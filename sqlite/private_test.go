package sqlite_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/meent/meent/private"
	"github.com/meent/meent/sqlite"
)

// TestEraseLeavesNoBytes checks that erasure removes the bytes from the
// database files themselves, not only from query answers: SQLite keeps
// deleted content in freed pages and in the write-ahead log unless told
// otherwise. The control record, never erased, must be found, which shows
// the scan would see an erased one.
func TestEraseLeavesNoBytes(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := sqlite.Open(ctx, filepath.Join(dir, "meent.db"))
	if err != nil {
		t.Fatal(err)
	}
	secret := []byte("ERASE-ME NL91ABNA0417164300 diagnosis: fractured wrist")
	keep := []byte("KEEP-ME a reference nobody asked to erase")
	rec, _ := private.Seal(secret, "agent-a", "", 1)
	ctl, _ := private.Seal(keep, "agent-a", "", 1)
	for _, r := range []private.Record{rec, ctl} {
		if err := s.PutPrivate(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	// Close and reopen, so the records are checkpointed into the main
	// file, then erase and look at the files while the store is open, as
	// a copy taken at that moment would.
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if s, err = sqlite.Open(ctx, filepath.Join(dir, "meent.db")); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.ErasePrivate(ctx, rec.Commitment, "agent-admin", 2); err != nil {
		t.Fatal(err)
	}
	var all []byte
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, b...)
	}
	if !bytes.Contains(all, keep) {
		t.Fatal("the control record is not in the files: the scan sees nothing")
	}
	if bytes.Contains(all, secret) {
		t.Error("the erased bytes are still in the database files")
	}
	if bytes.Contains(all, rec.Salt[:]) {
		t.Error("the erased salt is still in the database files")
	}
}
