// Package blob is the node's content-addressed file store: the files that
// back a contribution's evidence (a design, a scan, a recording). A file
// is named by the SHA-256 of its bytes, so the log records only that hash
// and anyone who downloads the file can check it is the one the log
// refers to. Files live in a directory (by default DATA/blobs), one per
// hash, at dir/ab/cdef... (the first two hex digits, then the other 62).
//
// The store never keeps a partial file under a hash: bytes are streamed
// into a temporary file while they are hashed, fsynced, and only then
// renamed into place. Putting the same bytes twice, even at the same time
// from several processes, is harmless.
package blob

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/meent/meent"
)

// The directory store is a meent.BlobStore.
var _ meent.BlobStore = (*Store)(nil)

// HashLen is the length of a blob hash: SHA-256 in lowercase hex.
const HashLen = 2 * sha256.Size

// tmpPrefix names files being written; they never look like a hash
// directory (two hex digits), so Open and Has never see them.
const tmpPrefix = ".tmp-"

// staleTemp is the age after which Open removes a temporary file left by a
// crash. It is long enough that no upload still writing one is touched,
// even from another process sharing the directory.
const staleTemp = 24 * time.Hour

// Store is a directory of content-addressed files. It is safe for
// concurrent use, also by several processes sharing the directory.
type Store struct {
	dir     string
	maxSize int64
}

// Open opens (creating if needed) the store in dir. maxSize bounds the
// size of one file in bytes; it must be positive.
func Open(dir string, maxSize int64) (*Store, error) {
	if maxSize <= 0 {
		return nil, fmt.Errorf("blob: maximum size must be positive, not %d", maxSize)
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("blob: create %s: %w", dir, err)
	}
	s := &Store{dir: dir, maxSize: maxSize}
	s.removeStale(time.Now())
	return s, nil
}

// Dir returns the store's directory.
func (s *Store) Dir() string { return s.dir }

// MaxSize returns the largest file the store accepts, in bytes.
func (s *Store) MaxSize() int64 { return s.maxSize }

// ParseHash checks that h names a blob: exactly 64 lowercase hex digits.
// Nothing else is ever turned into a path, so no name can leave the
// store's directory. It returns EINVALID otherwise.
func ParseHash(h string) (string, error) { return meent.ParseBlobHash(h) }

// path returns where the blob with a parsed hash lives.
func (s *Store) path(h string) string {
	return filepath.Join(s.dir, h[:2], h[2:])
}

// Put stores the bytes read from r and returns their hash and size. When
// expectedHash is not empty the bytes must hash to it (EINVALID "bytes do
// not match their hash" otherwise); a malformed expectedHash is EINVALID
// before anything is read. More than MaxSize bytes are ETOOLARGE. Nothing
// is stored on any error. Putting bytes that are already stored succeeds
// and changes nothing.
func (s *Store) Put(ctx context.Context, expectedHash string, r io.Reader) (hash string, size int64, err error) {
	if expectedHash != "" {
		if _, err := ParseHash(expectedHash); err != nil {
			return "", 0, err
		}
	}
	tmp, err := os.CreateTemp(s.dir, tmpPrefix+"*")
	if err != nil {
		return "", 0, fmt.Errorf("blob: create temporary file: %w", err)
	}
	done := false
	defer func() {
		if !done {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()

	h := sha256.New()
	// Read one byte past the limit, so that a file of exactly MaxSize
	// bytes is told apart from a larger one.
	cr := &ctxReader{ctx: ctx, r: r}
	size, err = io.Copy(io.MultiWriter(tmp, h), io.LimitReader(cr, s.maxSize+1))
	switch {
	case cr.err != nil && ctx.Err() != nil:
		return "", 0, ctx.Err()
	case cr.err != nil:
		// The caller's reader failed (a client went away, a body limit):
		// the cause stays in the chain for the caller to inspect.
		return "", 0, &meent.Error{Code: meent.EINVALID, Message: "could not read the file", Err: cr.err}
	case err != nil:
		return "", 0, fmt.Errorf("blob: write: %w", err)
	}
	if size > s.maxSize {
		return "", 0, meent.Errorf(meent.ETOOLARGE, "file is larger than %d bytes", s.maxSize)
	}
	hash = hex.EncodeToString(h.Sum(nil))
	if expectedHash != "" && hash != expectedHash {
		return "", 0, meent.Errorf(meent.EINVALID, "bytes do not match their hash: they hash to %s, not %s", hash, expectedHash)
	}
	if err := tmp.Sync(); err != nil {
		return "", 0, fmt.Errorf("blob: sync: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return "", 0, fmt.Errorf("blob: close: %w", err)
	}
	if s.Has(hash) {
		os.Remove(tmp.Name())
		done = true
		return hash, size, nil
	}
	sub := filepath.Join(s.dir, hash[:2])
	if err := os.MkdirAll(sub, 0o750); err != nil {
		return "", 0, fmt.Errorf("blob: create %s: %w", sub, err)
	}
	if err := os.Chmod(tmp.Name(), 0o440); err != nil {
		return "", 0, fmt.Errorf("blob: chmod: %w", err)
	}
	// Rename is atomic: a concurrent Put of the same bytes renames an
	// identical file over this one, and a reader sees one or the other,
	// never a partial file.
	if err := os.Rename(tmp.Name(), s.path(hash)); err != nil {
		return "", 0, fmt.Errorf("blob: rename into place: %w", err)
	}
	done = true
	// Make the new name durable, as the bytes already are.
	if err := syncDir(sub); err != nil {
		return "", 0, fmt.Errorf("blob: sync directory: %w", err)
	}
	return hash, size, nil
}

// Open returns the stored file with that hash and its size; ENOTFOUND when
// there is none, EINVALID for a malformed hash. The caller closes it.
func (s *Store) Open(hash string) (io.ReadSeekCloser, int64, error) {
	h, err := ParseHash(hash)
	if err != nil {
		return nil, 0, err
	}
	f, err := os.Open(s.path(h))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, 0, meent.Errorf(meent.ENOTFOUND, "no file with hash %s", h)
		}
		return nil, 0, fmt.Errorf("blob: open: %w", err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, fmt.Errorf("blob: stat: %w", err)
	}
	return f, fi.Size(), nil
}

// Has reports whether a file with that hash is stored. A malformed hash
// is never stored.
func (s *Store) Has(hash string) bool {
	h, err := ParseHash(hash)
	if err != nil {
		return false
	}
	fi, err := os.Stat(s.path(h))
	return err == nil && fi.Mode().IsRegular()
}

// removeStale deletes temporary files a crashed Put left behind.
func (s *Store) removeStale(now time.Time) {
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), tmpPrefix) || e.IsDir() {
			continue
		}
		if fi, err := e.Info(); err == nil && now.Sub(fi.ModTime()) > staleTemp {
			os.Remove(filepath.Join(s.dir, e.Name()))
		}
	}
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// ctxReader stops reading once ctx is done, so an abandoned upload does
// not keep writing, and remembers a read error so Put can tell the
// caller's failures from its own.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
	err error
}

func (c *ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		c.err = err
		return 0, err
	}
	n, err := c.r.Read(p)
	if err != nil && err != io.EOF {
		c.err = err
	}
	return n, err
}
