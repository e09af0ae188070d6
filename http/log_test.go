package http

import (
	"bytes"
	"compress/gzip"
	"io"
	nethttp "net/http"
	"testing"

	"github.com/meent/meent/client"
)

// TestEntryBundleGzip: entry bundles are gzip-compressed for clients that
// accept it (C2SP tlog-tiles: SHOULD), byte-identical once decompressed,
// marked Vary: Accept-Encoding so caches keep both; hash tiles are not
// compressed; and the Go client (meent verify) still reads bundles.
func TestEntryBundleGzip(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	entries := e.fill(300)

	plain := e.get("/log/tile/entries/000", "Accept-Encoding", "identity")
	wantStatus(t, plain, 200)
	if ce := plain.header.Get("Content-Encoding"); ce != "" {
		t.Fatalf("identity asked, Content-Encoding %q", ce)
	}
	if plain.header.Get("Vary") != "Accept-Encoding" {
		t.Errorf("Vary = %q on an entry bundle", plain.header.Get("Vary"))
	}

	for _, ae := range []string{"gzip", "gzip, deflate, br", "br;q=1.0, gzip;q=0.8", "*", "GZIP"} {
		r := e.get("/log/tile/entries/000", "Accept-Encoding", ae)
		wantStatus(t, r, 200)
		if r.header.Get("Content-Encoding") != "gzip" || r.header.Get("Vary") != "Accept-Encoding" {
			t.Fatalf("Accept-Encoding %q: headers %v", ae, r.header)
		}
		zr, err := gzip.NewReader(bytes.NewReader(r.body))
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(zr)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, plain.body) {
			t.Fatalf("Accept-Encoding %q: decompressed bundle differs from the plain one", ae)
		}
		if ae == "gzip" {
			t.Logf("full bundle: %d bytes, %d gzipped (%.1fx)", len(plain.body), len(r.body), float64(len(plain.body))/float64(len(r.body)))
			if len(r.body)*2 > len(plain.body) {
				t.Errorf("gzip saved less than half: %d of %d bytes", len(r.body), len(plain.body))
			}
		}
	}
	for _, ae := range []string{"gzip;q=0", "br", "*;q=0", "identity, *;q=0"} {
		r := e.get("/log/tile/entries/000", "Accept-Encoding", ae)
		if r.header.Get("Content-Encoding") != "" || !bytes.Equal(r.body, plain.body) {
			t.Errorf("Accept-Encoding %q: got Content-Encoding %q", ae, r.header.Get("Content-Encoding"))
		}
	}
	// A partial bundle too.
	r := e.get("/log/tile/entries/001.p/44", "Accept-Encoding", "gzip")
	if r.header.Get("Content-Encoding") != "gzip" {
		t.Errorf("partial bundle not compressed: %v", r.header)
	}

	// Hash tiles are random bytes: never compressed, whatever is asked.
	r = e.get("/log/tile/0/000", "Accept-Encoding", "gzip")
	if r.header.Get("Content-Encoding") != "" || len(r.body) != 256*32 {
		t.Errorf("hash tile: Content-Encoding %q, %d bytes", r.header.Get("Content-Encoding"), len(r.body))
	}

	// The Go client asks for gzip itself (the transport's default) and
	// gets the entries back decompressed: what meent verify URL does.
	es, err := client.New(e.http.URL, &nethttp.Client{}).Entries(t.Context(), 0, 256)
	if err != nil || len(es) != 256 {
		t.Fatalf("client: %d entries, %v", len(es), err)
	}
	for i, en := range es {
		if !bytes.Equal(en, entries[int64(i)]) {
			t.Fatalf("client entry %d differs", i)
		}
	}
	// Any Go client that leaves Accept-Encoding to the transport gets the
	// same: compressed on the wire, decompressed transparently. (A client
	// that set the header itself would get gzip bytes to decompress.)
	req, _ := nethttp.NewRequestWithContext(t.Context(), "GET", e.http.URL+"/log/tile/entries/000", nil)
	resp, err := nethttp.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !resp.Uncompressed || !bytes.Equal(body, plain.body) {
		t.Errorf("transparent decompression: uncompressed=%v, equal=%v", resp.Uncompressed, bytes.Equal(body, plain.body))
	}
}

func TestAcceptsGzip(t *testing.T) {
	for _, c := range []struct {
		in   []string
		want bool
	}{
		{nil, false},
		{[]string{""}, false},
		{[]string{"gzip"}, true},
		{[]string{"deflate", "gzip"}, true},
		{[]string{"gzip;q=0"}, false},
		{[]string{"gzip; q=0.001"}, true},
		{[]string{"gzip;q=0.000"}, false},
		{[]string{"gzip;q=bogus"}, false},
		{[]string{"*"}, true},
		{[]string{"*;q=0"}, false},
		{[]string{"gzip;q=0, *"}, false},
		{[]string{"x-gzip"}, true},
		{[]string{"identity"}, false},
	} {
		if got := acceptsGzip(c.in); got != c.want {
			t.Errorf("acceptsGzip(%q) = %v, want %v", c.in, got, c.want)
		}
	}
}

func BenchmarkGzipBundle(b *testing.B) {
	e := newEnv(b)
	e.fill(256)
	plain := e.get("/log/tile/entries/000", "Accept-Encoding", "identity").body
	b.SetBytes(int64(len(plain)))
	for range b.N {
		gzipBytes(plain)
	}
}
