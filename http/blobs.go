package http

import (
	"errors"
	nethttp "net/http"
	"time"

	"github.com/meent/meent"
	"github.com/meent/meent/api"
	"github.com/meent/meent/node"
)

// Files that back evidence live in the node's content-addressed blob
// store; the log records only their SHA-256. Uploading needs a login or an
// API token (so the store is not an anonymous file host); downloading is
// open, like everything public.

// DefaultMaxBlobSize is the upload limit when Options.MaxBlobSize is 0.
const DefaultMaxBlobSize = 32 << 20

func (s *Server) blobStore() (meent.BlobStore, error) {
	if s.opts.Blobs == nil {
		return nil, meent.Errorf(meent.EUNAVAILABLE, "this node stores no files")
	}
	return s.opts.Blobs, nil
}

func (s *Server) maxBlobSize() int64 {
	if s.opts.MaxBlobSize > 0 {
		return s.opts.MaxBlobSize
	}
	return DefaultMaxBlobSize
}

// authenticateUpload is authenticateUnsafe for a request whose body is a
// file: a cookie-authenticated caller proves the request is ours with the
// X-CSRF-Token header only, since reading a form field would consume the
// body.
func (s *Server) authenticateUpload(r *nethttp.Request) (caller, error) {
	c, err := s.authenticate(r)
	if err != nil {
		return c, err
	}
	if c.session != nil {
		if err := node.CheckCSRF(*c.session, r.Header.Get(api.CSRFHeader)); err != nil {
			return c, err
		}
	}
	return c, nil
}

func (s *Server) apiPutBlob(w nethttp.ResponseWriter, r *nethttp.Request) {
	h, err := meent.ParseBlobHash(r.PathValue("hash"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.upload(w, r, h)
}

func (s *Server) apiPostBlob(w nethttp.ResponseWriter, r *nethttp.Request) {
	s.upload(w, r, "")
}

// upload stores the request body, checking it against expected when that
// is not empty.
func (s *Server) upload(w nethttp.ResponseWriter, r *nethttp.Request, expected string) {
	bs, err := s.blobStore()
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if _, err := s.authenticateUpload(r); err != nil {
		s.writeError(w, r, err)
		return
	}
	limit := s.maxBlobSize()
	if r.ContentLength > limit {
		s.writeError(w, r, meent.Errorf(meent.ETOOLARGE, "file is %d bytes; the limit is %d", r.ContentLength, limit))
		return
	}
	hash, size, err := bs.Put(r.Context(), expected, nethttp.MaxBytesReader(w, r.Body, limit))
	var mbe *nethttp.MaxBytesError
	if errors.As(err, &mbe) {
		err = meent.Errorf(meent.ETOOLARGE, "file is larger than %d bytes", limit)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/blobs/"+hash)
	writeJSON(w, r, nethttp.StatusCreated, api.BlobInfo{Hash: hash, Size: size})
}

func (s *Server) apiGetBlob(w nethttp.ResponseWriter, r *nethttp.Request) {
	bs, err := s.blobStore()
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	f, _, err := bs.Open(r.PathValue("hash"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	defer f.Close()
	h := w.Header()
	hash := r.PathValue("hash")
	// The bytes under a hash never change. They are served as a download,
	// never rendered, whatever they hold.
	h.Set("Content-Type", "application/octet-stream")
	h.Set("Content-Disposition", `attachment; filename="`+hash+`"`)
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("ETag", `"`+hash+`"`)
	nethttp.ServeContent(w, r, "", time.Time{}, f)
}
