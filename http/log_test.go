package http_test

import (
	"bytes"
	"compress/gzip"
	"io"
	nethttp "net/http"
	"testing"

	"github.com/meent/meent/api/apitest"
	"github.com/meent/meent/client"
	"github.com/meent/meent/http"
)

// TestEntryBundleGzip: entry bundles are gzip-compressed for clients that
// accept it (C2SP tlog-tiles: SHOULD), byte-identical once decompressed,
// marked Vary: Accept-Encoding so caches keep both; hash tiles are not
// compressed; and the Go client (meent verify) still reads bundles.
func TestEntryBundleGzip(t *testing.T) {
	t.Parallel()
	e := apitest.New(t, nil)
	entries := e.Fill(300)

	plain := e.Get("/log/tile/entries/000", "Accept-Encoding", "identity")
	apitest.WantStatus(t, plain, 200)
	if ce := plain.Header.Get("Content-Encoding"); ce != "" {
		t.Fatalf("identity asked, Content-Encoding %q", ce)
	}
	if plain.Header.Get("Vary") != "Accept-Encoding" {
		t.Errorf("Vary = %q on an entry bundle", plain.Header.Get("Vary"))
	}

	for _, ae := range []string{"gzip", "gzip, deflate, br", "br;q=1.0, gzip;q=0.8", "*", "GZIP"} {
		r := e.Get("/log/tile/entries/000", "Accept-Encoding", ae)
		apitest.WantStatus(t, r, 200)
		if r.Header.Get("Content-Encoding") != "gzip" || r.Header.Get("Vary") != "Accept-Encoding" {
			t.Fatalf("Accept-Encoding %q: headers %v", ae, r.Header)
		}
		zr, err := gzip.NewReader(bytes.NewReader(r.Body))
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(zr)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, plain.Body) {
			t.Fatalf("Accept-Encoding %q: decompressed bundle differs from the plain one", ae)
		}
		if ae == "gzip" {
			t.Logf("full bundle: %d bytes, %d gzipped (%.1fx)", len(plain.Body), len(r.Body), float64(len(plain.Body))/float64(len(r.Body)))
			if len(r.Body)*2 > len(plain.Body) {
				t.Errorf("gzip saved less than half: %d of %d bytes", len(r.Body), len(plain.Body))
			}
		}
	}
	for _, ae := range []string{"gzip;q=0", "br", "*;q=0", "identity, *;q=0"} {
		r := e.Get("/log/tile/entries/000", "Accept-Encoding", ae)
		if r.Header.Get("Content-Encoding") != "" || !bytes.Equal(r.Body, plain.Body) {
			t.Errorf("Accept-Encoding %q: got Content-Encoding %q", ae, r.Header.Get("Content-Encoding"))
		}
	}
	// A partial bundle too.
	r := e.Get("/log/tile/entries/001.p/44", "Accept-Encoding", "gzip")
	if r.Header.Get("Content-Encoding") != "gzip" {
		t.Errorf("partial bundle not compressed: %v", r.Header)
	}

	// Hash tiles are random bytes: never compressed, whatever is asked.
	r = e.Get("/log/tile/0/000", "Accept-Encoding", "gzip")
	if r.Header.Get("Content-Encoding") != "" || len(r.Body) != 256*32 {
		t.Errorf("hash tile: Content-Encoding %q, %d bytes", r.Header.Get("Content-Encoding"), len(r.Body))
	}

	// The Go client asks for gzip itself (the transport's default) and
	// gets the entries back decompressed: what meent verify URL does.
	es, err := client.New(e.HTTP.URL, &nethttp.Client{}).Entries(t.Context(), 0, 256)
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
	req, _ := nethttp.NewRequestWithContext(t.Context(), "GET", e.HTTP.URL+"/log/tile/entries/000", nil)
	resp, err := nethttp.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !resp.Uncompressed || !bytes.Equal(body, plain.Body) {
		t.Errorf("transparent decompression: uncompressed=%v, equal=%v", resp.Uncompressed, bytes.Equal(body, plain.Body))
	}
}

func BenchmarkGzipBundle(b *testing.B) {
	e := apitest.New(b, nil)
	e.Fill(256)
	plain := e.Get("/log/tile/entries/000", "Accept-Encoding", "identity").Body
	b.SetBytes(int64(len(plain)))
	for range b.N {
		http.GzipBytes(plain)
	}
}
