package http_test

import (
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/meent/meent/api/apitest"
	"github.com/meent/meent/ledger"
)

// FuzzLogPaths throws arbitrary paths at the tile routes of a small log:
// the server must never answer 5xx, and must serve a tile only under its
// one canonical path.
func FuzzLogPaths(f *testing.F) {
	for _, s := range []string{
		"0/000", "0/000.p/3", "entries/000.p/3", "entries/000", "1/000", "0/x000/000",
		"0/001", "00/000", "0/000.p/03", "0/000.p/256", "entries/x001/000", "0/000/", "-1/000", "0/%30%30%30",
	} {
		f.Add(s)
	}
	e := apitest.New(f, nil)
	for range 3 {
		e.CreateAgent("A")
	}
	h := e.Server.Handler()
	f.Fuzz(func(t *testing.T, p string) {
		if _, err := url.ParseRequestURI("/log/tile/" + p); err != nil || strings.ContainsAny(p, " #?") {
			return // not a path a client can send as such
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/log/tile/"+p, nil))
		if rec.Code >= 500 {
			t.Fatalf("%q: status %d", p, rec.Code)
		}
		if rec.Code == 200 {
			tile, err := ledger.ParseTilePath("tile/" + p)
			if err != nil || ledger.TilePath(tile) != "tile/"+p {
				t.Fatalf("%q served, but it is not a canonical tile path (%v)", p, err)
			}
		}
	})
}
