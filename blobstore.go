package meent

import (
	"context"
	"io"
)

// BlobStore keeps the files that contributions carry, content-addressed:
// an event holds a file's SHA-256, the bytes live in the blob store. The
// directory store (package blob) implements it; the HTTP layer and the
// node see only this contract, so adapters never import each other.
type BlobStore interface {
	// Put stores r's bytes and returns their hash and size; with
	// expectedHash set, bytes that hash otherwise are refused (EINVALID)
	// and not kept.
	Put(ctx context.Context, expectedHash string, r io.Reader) (hash string, size int64, err error)
	// Open returns the bytes with that hash and their size; ENOTFOUND
	// when absent.
	Open(hash string) (io.ReadSeekCloser, int64, error)
	// Has reports whether the bytes with that hash are stored.
	Has(hash string) bool
}

// ParseBlobHash checks that h names a blob: the SHA-256 of its bytes, 64
// lowercase hex digits.
func ParseBlobHash(h string) (string, error) {
	if len(h) != 64 {
		return "", Errorf(EINVALID, "a blob hash is the SHA-256 of its bytes, 64 lowercase hex digits")
	}
	for i := 0; i < len(h); i++ {
		c := h[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return "", Errorf(EINVALID, "a blob hash is the SHA-256 of its bytes, 64 lowercase hex digits")
		}
	}
	return h, nil
}
