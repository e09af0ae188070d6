package blob

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/meent/meent"
)

func hashOf(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func open(t *testing.T, max int64) *Store {
	t.Helper()
	s, err := Open(filepath.Join(t.TempDir(), "blobs"), max)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// files lists every file under the store's directory, temporary ones too.
func files(t *testing.T, s *Store) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(s.Dir(), func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			rel, _ := filepath.Rel(s.Dir(), p)
			out = append(out, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func readAll(t *testing.T, s *Store, h string) []byte {
	t.Helper()
	f, size, err := s.Open(h)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		t.Fatal(err)
	}
	if int64(len(b)) != size {
		t.Fatalf("size %d, read %d bytes", size, len(b))
	}
	return b
}

func TestPutOpen(t *testing.T) {
	s := open(t, 1<<20)
	ctx := t.Context()
	data := []byte("a design for a commons-based wind turbine\n")
	want := hashOf(data)

	t.Run("without a hash", func(t *testing.T) {
		h, n, err := s.Put(ctx, "", bytes.NewReader(data))
		if err != nil || h != want || n != int64(len(data)) {
			t.Fatalf("Put = %s, %d, %v; want %s, %d", h, n, err, want, len(data))
		}
		if !s.Has(want) {
			t.Error("Has is false after Put")
		}
		if got := readAll(t, s, want); !bytes.Equal(got, data) {
			t.Errorf("read back %q", got)
		}
		if fs := files(t, s); len(fs) != 1 || fs[0] != filepath.Join(want[:2], want[2:]) {
			t.Errorf("files %v", fs)
		}
	})

	t.Run("idempotent, with the hash", func(t *testing.T) {
		h, n, err := s.Put(ctx, want, bytes.NewReader(data))
		if err != nil || h != want || n != int64(len(data)) {
			t.Fatalf("second Put = %s, %d, %v", h, n, err)
		}
		if fs := files(t, s); len(fs) != 1 {
			t.Errorf("files after a second Put: %v", fs)
		}
	})

	t.Run("seekable", func(t *testing.T) {
		f, _, err := s.Open(want)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if _, err := f.Seek(2, io.SeekStart); err != nil {
			t.Fatal(err)
		}
		b := make([]byte, 6)
		if _, err := io.ReadFull(f, b); err != nil || string(b) != "design" {
			t.Errorf("after seek: %q, %v", b, err)
		}
	})

	t.Run("empty file", func(t *testing.T) {
		h, n, err := s.Put(ctx, hashOf(nil), bytes.NewReader(nil))
		if err != nil || h != hashOf(nil) || n != 0 {
			t.Fatalf("Put empty = %s, %d, %v", h, n, err)
		}
		if got := readAll(t, s, h); len(got) != 0 {
			t.Errorf("empty blob reads %q", got)
		}
	})

	t.Run("missing", func(t *testing.T) {
		other := hashOf([]byte("never stored"))
		if s.Has(other) {
			t.Error("Has is true for a missing blob")
		}
		if _, _, err := s.Open(other); meent.ErrorCode(err) != meent.ENOTFOUND {
			t.Errorf("Open missing: %v", err)
		}
		if _, _, err := s.Open("../../etc/passwd"); meent.ErrorCode(err) != meent.EINVALID {
			t.Errorf("Open with a path: %v", err)
		}
	})
}

func TestPutRefusals(t *testing.T) {
	s := open(t, 100)
	ctx := t.Context()

	t.Run("oversize", func(t *testing.T) {
		_, _, err := s.Put(ctx, "", bytes.NewReader(make([]byte, 101)))
		if meent.ErrorCode(err) != meent.ETOOLARGE {
			t.Fatalf("101 bytes with a limit of 100: %v", err)
		}
		// Exactly the limit is fine.
		if _, n, err := s.Put(ctx, "", bytes.NewReader(make([]byte, 100))); err != nil || n != 100 {
			t.Fatalf("100 bytes: %d, %v", n, err)
		}
	})

	t.Run("mismatch", func(t *testing.T) {
		before := files(t, s)
		wrong := hashOf([]byte("other bytes"))
		_, _, err := s.Put(ctx, wrong, strings.NewReader("these bytes"))
		if meent.ErrorCode(err) != meent.EINVALID || !strings.Contains(meent.ErrorMessage(err), "bytes do not match their hash") {
			t.Fatalf("mismatch: %v", err)
		}
		if s.Has(wrong) || s.Has(hashOf([]byte("these bytes"))) {
			t.Error("a refused Put stored something")
		}
		if after := files(t, s); len(after) != len(before) {
			t.Errorf("files %v, then %v", before, after)
		}
	})

	t.Run("malformed expected hash", func(t *testing.T) {
		for _, h := range []string{"abc", strings.ToUpper(hashOf(nil)), "../" + hashOf(nil)[3:], hashOf(nil) + "0"} {
			if _, _, err := s.Put(ctx, h, strings.NewReader("x")); meent.ErrorCode(err) != meent.EINVALID {
				t.Errorf("Put(%q): %v", h, err)
			}
		}
	})

	t.Run("reader fails", func(t *testing.T) {
		boom := errors.New("connection reset")
		_, _, err := s.Put(ctx, "", io.MultiReader(strings.NewReader("part"), errReader{boom}))
		if !errors.Is(err, boom) || meent.ErrorCode(err) != meent.EINVALID {
			t.Fatalf("failing reader: %v", err)
		}
	})

	t.Run("cancelled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(ctx)
		cancel()
		if _, _, err := s.Put(ctx, "", strings.NewReader("x")); !errors.Is(err, context.Canceled) {
			t.Fatalf("cancelled Put: %v", err)
		}
	})

	// No refusal leaves a temporary file behind.
	for _, f := range files(t, s) {
		if strings.HasPrefix(filepath.Base(f), tmpPrefix) {
			t.Errorf("temporary file left: %s", f)
		}
	}
}

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }

func TestConcurrentPuts(t *testing.T) {
	s := open(t, 1<<20)
	data := bytes.Repeat([]byte("commons "), 10000)
	want := hashOf(data)
	var wg sync.WaitGroup
	errs := make(chan error, 32) // one per goroutine
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			h, n, err := s.Put(t.Context(), want, bytes.NewReader(data))
			if err == nil && (h != want || n != int64(len(data))) {
				err = errors.New("wrong hash or size")
			}
			errs <- err
		}()
		// Readers meanwhile see the whole file or nothing.
		wg.Add(1)
		go func() {
			defer wg.Done()
			f, size, err := s.Open(want)
			if meent.ErrorCode(err) == meent.ENOTFOUND {
				return
			}
			if err != nil {
				errs <- err
				return
			}
			defer f.Close()
			b, err := io.ReadAll(f)
			if err == nil && (size != int64(len(data)) || !bytes.Equal(b, data)) {
				err = errors.New("a reader saw a partial file")
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if fs := files(t, s); len(fs) != 1 {
		t.Errorf("files after concurrent puts: %v", fs)
	}
	if got := readAll(t, s, want); !bytes.Equal(got, data) {
		t.Error("stored bytes differ")
	}
}

func TestOpenRemovesStaleTemporaryFiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "blobs")
	s, err := Open(dir, 10)
	if err != nil {
		t.Fatal(err)
	}
	stale := filepath.Join(dir, tmpPrefix+"old")
	fresh := filepath.Join(dir, tmpPrefix+"new")
	for _, p := range []string{stale, fresh} {
		if err := os.WriteFile(p, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Now().Add(-2 * staleTemp)
	if err := os.Chtimes(stale, old, old); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(s.Dir(), 10); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("stale temporary file kept: %v", err)
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Errorf("fresh temporary file removed: %v", err)
	}
	if _, err := Open(dir, 0); err == nil {
		t.Error("Open accepts a maximum size of 0")
	}
}

func TestParseHash(t *testing.T) {
	good := hashOf([]byte("x"))
	for _, tc := range []struct {
		in string
		ok bool
	}{
		{good, true},
		{strings.Repeat("0", 64), true},
		{"", false},
		{good[:63], false},
		{good + "a", false},
		{strings.ToUpper(good), false},
		{"../" + good[3:], false},
		{good[:62] + "/x", false},
		{strings.Repeat("g", 64), false},
		{good[:63] + "\x00", false},
	} {
		h, err := ParseHash(tc.in)
		if ok := err == nil; ok != tc.ok || (ok && h != tc.in) {
			t.Errorf("ParseHash(%q) = %q, %v; want ok %v", tc.in, h, err, tc.ok)
		}
		if !tc.ok && meent.ErrorCode(err) != meent.EINVALID {
			t.Errorf("ParseHash(%q): code %q", tc.in, meent.ErrorCode(err))
		}
	}
}

// FuzzParseHash checks that whatever a client sends as a hash, an accepted
// one is exactly 64 lowercase hex digits and maps to a path inside the
// store's directory.
func FuzzParseHash(f *testing.F) {
	for _, s := range []string{hashOf(nil), "../../etc/passwd", strings.Repeat("A", 64), "", strings.Repeat("0", 63) + "/"} {
		f.Add(s)
	}
	s := &Store{dir: "/store", maxSize: 1}
	f.Fuzz(func(t *testing.T, in string) {
		h, err := ParseHash(in)
		if err != nil {
			if meent.ErrorCode(err) != meent.EINVALID {
				t.Fatalf("code %q", meent.ErrorCode(err))
			}
			return
		}
		if h != in || len(h) != 64 || strings.Trim(h, "0123456789abcdef") != "" {
			t.Fatalf("accepted %q", in)
		}
		p := s.path(h)
		if filepath.Dir(filepath.Dir(p)) != "/store" || filepath.Clean(p) != p {
			t.Fatalf("path %q escapes the store", p)
		}
		if _, err := hex.DecodeString(h); err != nil {
			t.Fatalf("not hex: %q", h)
		}
	})
}
