package sqlite

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// LockFile is the file in a data directory that `meent serve` holds an
// exclusive lock on for as long as it runs.
const LockFile = "meent.lock"

// ErrLocked is returned by LockDir when another process holds the lock.
var ErrLocked = errors.New("locked by another process")

// DirLock is a held lock on a data directory.
type DirLock struct{ f *os.File }

// LockDir takes an exclusive lock on dir/meent.lock, so that a second
// serving process on the same SQLite data directory refuses to start
// instead of serving counts it keeps in memory while another process
// appends. The lock is flock(2): the kernel releases it when the process
// ends in any way, kill -9 included, so a stale lock file never blocks a
// restart. It fails with ErrLocked (wrapped, with the directory named)
// when another process holds it.
//
// Only `meent serve` takes it: reading commands such as `meent verify`
// open the database beside a running server, which SQLite's WAL allows.
func LockDir(dir string) (*DirLock, error) {
	path := filepath.Join(dir, LockFile)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", dir, err)
	}
	if err := flock(f); err != nil {
		f.Close()
		if errors.Is(err, ErrLocked) {
			return nil, fmt.Errorf("data directory %s is in use: another meent serve runs on it (%s is %w); stop it first, or give this one its own --data", dir, path, ErrLocked)
		}
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	// The holder's process ID, for a person wondering who holds it.
	f.Truncate(0)
	fmt.Fprintf(f, "%d\n", os.Getpid())
	return &DirLock{f: f}, nil
}

// Release releases the lock. The file stays: removing it would let a
// process that opened it just before lock a file no longer in the
// directory.
func (l *DirLock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	err := l.f.Close() // closing the last descriptor releases the flock
	l.f = nil
	return err
}
