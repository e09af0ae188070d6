//go:build unix

package sqlite_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/meent/meent/sqlite"
)

// Item 22: a second server on one data directory is refused, and the
// lock goes with the process that held it.
func TestLockDir(t *testing.T) {
	dir := t.TempDir()
	l, err := sqlite.LockDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	_, err = sqlite.LockDir(dir)
	if !errors.Is(err, sqlite.ErrLocked) {
		t.Fatalf("second lock: %v, want ErrLocked", err)
	}
	if err := l.Release(); err != nil {
		t.Fatal(err)
	}
	l2, err := sqlite.LockDir(dir)
	if err != nil {
		t.Fatalf("lock after release: %v", err)
	}
	l2.Release()
	if st, err := os.Stat(filepath.Join(dir, sqlite.LockFile)); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("lock file: %v, %v", st, err)
	}
}

// Item 22: the database and its WAL and shared-memory files are private
// to their owner whatever the umask, and an older database made 0644 is
// tightened when opened.
func TestDatabaseFilesPrivate(t *testing.T) {
	old := syscall.Umask(0)
	defer syscall.Umask(old)
	dir := t.TempDir()
	path := filepath.Join(dir, "meent.db")
	s, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Size(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		st, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != 0o600 {
			t.Errorf("%s is %v, want 0600", filepath.Base(p), st.Mode().Perm())
		}
	}
	s.Close()

	os.Chmod(path, 0o644)
	s, err = sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
		t.Errorf("an existing 0644 database stays %v", st.Mode().Perm())
	}
}
