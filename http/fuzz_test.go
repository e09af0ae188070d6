package http

import (
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

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
	e := newEnv(f)
	for range 3 {
		e.createAgent("A")
	}
	h := e.server.Handler()
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

// FuzzVerifyWebhook throws arbitrary signature headers and bodies at the
// payment webhook's check: it never panics, and accepts only what was
// signed with the secret within the tolerance.
func FuzzVerifyWebhook(f *testing.F) {
	secret := []byte("whsec-0123456789abcdef")
	now := time.Unix(1_800_000_000, 0)
	body := []byte(`{"id":"tr_1","offer":"x","amount":{"amount":1,"currency":"EUR"}}`)
	f.Add(SignWebhook(secret, body, now), body)
	f.Add("t=1800000000,v1=00", body)
	f.Add("t=,v1=", []byte{})
	f.Add("v1=ab,t=1800000000,v1=cd", body)
	f.Fuzz(func(t *testing.T, header string, b []byte) {
		err := verifyWebhook(secret, header, b, now)
		if err == nil && header != SignWebhook(secret, b, now) {
			// A valid header for b at a nearby time is fine; anything else is a forgery that passed.
			ts, _, _ := strings.Cut(strings.TrimPrefix(header, "t="), ",")
			n, perr := strconv.ParseInt(strings.TrimSpace(ts), 10, 64)
			if perr != nil || verifyWebhook(secret, SignWebhook(secret, b, time.Unix(n, 0)), b, now) != nil {
				t.Fatalf("accepted header %q", header)
			}
		}
	})
}
