package http

import (
	"bytes"
	"compress/gzip"
	nethttp "net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/meent/meent/ledger"
)

// The log, as C2SP tlog-tiles (https://c2sp.org/tlog-tiles) under /log/.
// Any tile the server answers is final: node.Tile serves only tiles the
// latest checkpoint covers, so a full tile never changes and a partial tile
// of width W never changes either; only the checkpoint moves.

// partialTileMaxAge is how long a partial tile may be cached. Its bytes
// are final too, but clients should move on to the full tile once it
// exists, so caches are not told to keep it long.
const partialTileMaxAge = 60

func (s *Server) getCheckpoint(w nethttp.ResponseWriter, r *nethttp.Request) {
	cp, err := s.node.Checkpoint(r.Context())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	h.Set("Content-Length", strconv.Itoa(len(cp.Note)))
	w.Write(cp.Note)
}

func (s *Server) getTile(w nethttp.ResponseWriter, r *nethttp.Request) {
	// Both tile patterns end in {path...}; the strict parser sees the path
	// below /log/ so that it accepts exactly one spelling per tile.
	t, err := ledger.ParseTilePath(strings.TrimPrefix(r.URL.EscapedPath(), "/log/"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	data, err := s.node.Tile(r.Context(), t)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/octet-stream")
	if t.W == 1<<ledger.TileHeight {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "public, max-age="+strconv.Itoa(partialTileMaxAge))
	}
	if t.L == ledger.EntriesLevel {
		// Entry bundles are JSON text and compress several times over;
		// C2SP tlog-tiles says they SHOULD be compressed. Hash tiles are
		// SHA-256 outputs, which do not compress: they are always sent as
		// they are.
		h.Add("Vary", "Accept-Encoding")
		if acceptsGzip(r.Header.Values("Accept-Encoding")) {
			data = gzipBytes(data)
			h.Set("Content-Encoding", "gzip")
		}
	}
	h.Set("Content-Length", strconv.Itoa(len(data)))
	w.Write(data)
}

// acceptsGzip reports whether an Accept-Encoding header (RFC 9110 section
// 12.5.3) admits gzip: named with a q above zero, or covered by "*".
func acceptsGzip(values []string) bool {
	star := false
	for _, v := range values {
		for _, part := range strings.Split(v, ",") {
			name, params, _ := strings.Cut(part, ";")
			name = strings.ToLower(strings.TrimSpace(name))
			q := 1.0
			for _, p := range strings.Split(params, ";") {
				k, val, ok := strings.Cut(strings.TrimSpace(p), "=")
				if ok && strings.EqualFold(strings.TrimSpace(k), "q") {
					f, err := strconv.ParseFloat(strings.TrimSpace(val), 64)
					if err != nil {
						f = 0
					}
					q = f
				}
			}
			switch name {
			case "gzip", "x-gzip":
				return q > 0
			case "*":
				star = q > 0
			}
		}
	}
	return star
}

// gzipWriters keeps compressors for reuse: each holds about a megabyte of
// state, too much to allocate per request.
var gzipWriters = sync.Pool{New: func() any {
	w, _ := gzip.NewWriterLevel(nil, gzip.BestSpeed)
	return w
}}

// gzipBytes compresses data in memory, so the answer has a Content-Length.
// BestSpeed: a bundle is at most 16 MiB, is served often, and the speed
// level already gets most of the gain on JSON text.
func gzipBytes(data []byte) []byte {
	var buf bytes.Buffer
	zw := gzipWriters.Get().(*gzip.Writer)
	zw.Reset(&buf)
	zw.Write(data) // writes to a bytes.Buffer do not fail
	zw.Close()
	gzipWriters.Put(zw)
	return buf.Bytes()
}
