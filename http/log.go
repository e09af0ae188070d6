package http

import (
	nethttp "net/http"
	"strconv"
	"strings"

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
	h.Set("Content-Length", strconv.Itoa(len(data)))
	w.Write(data)
}
