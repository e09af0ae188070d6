package ledger

import (
	"bytes"
	"crypto/rand"
	"testing"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

func TestTilePath(t *testing.T) {
	cases := []struct {
		tile tlog.Tile
		path string
	}{
		{tlog.Tile{H: 8, L: 0, N: 0, W: 256}, "tile/0/000"},
		{tlog.Tile{H: 8, L: 0, N: 1234067, W: 256}, "tile/0/x001/x234/067"},
		{tlog.Tile{H: 8, L: 2, N: 5, W: 17}, "tile/2/005.p/17"},
		{tlog.Tile{H: 8, L: EntriesLevel, N: 1000, W: 256}, "tile/entries/x001/000"},
		{tlog.Tile{H: 8, L: EntriesLevel, N: 0, W: 3}, "tile/entries/000.p/3"},
	}
	for _, c := range cases {
		if got := TilePath(c.tile); got != c.path {
			t.Errorf("TilePath(%+v) = %q, want %q", c.tile, got, c.path)
		}
		got, err := ParseTilePath(c.path)
		if err != nil || got != c.tile {
			t.Errorf("ParseTilePath(%q) = %+v, %v", c.path, got, err)
		}
	}
	for _, bad := range []string{"tile/0/1", "tile/0/x000/001", "tile/0/001.p/256", "tile/0/001.p/0", "tile/-1/001",
		"tile/00/001", "tile/0/001.p/01", "tile/entries/01a", "tile/0/x01/001", "tile/0/001/", "tiles/0/001"} {
		if _, err := ParseTilePath(bad); err == nil {
			t.Errorf("ParseTilePath(%q) accepted", bad)
		}
	}
}

func FuzzParseTilePath(f *testing.F) {
	for _, s := range []string{"tile/0/000", "tile/entries/x001/x234/067.p/9", "tile/3/x999/999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, path string) {
		tile, err := ParseTilePath(path)
		if err != nil {
			return
		}
		// One tile, one path: the parse is the exact inverse of TilePath.
		if TilePath(tile) != path {
			t.Fatalf("ParseTilePath(%q) = %+v, which formats as %q", path, tile, TilePath(tile))
		}
	})
}

func TestCheckpointSignOpen(t *testing.T) {
	skey, vkey, err := note.GenerateKey(rand.Reader, "test.example/log")
	if err != nil {
		t.Fatal(err)
	}
	signer, _ := note.NewSigner(skey)
	verifier, _ := note.NewVerifier(vkey)
	c := Checkpoint{Origin: "test.example/log", Size: 42, Root: tlog.RecordHash([]byte("x"))}
	msg, err := SignCheckpoint(c, signer)
	if err != nil {
		t.Fatal(err)
	}
	got, err := OpenCheckpoint(msg, verifier)
	if err != nil || got != c {
		t.Fatalf("OpenCheckpoint = %+v, %v", got, err)
	}
	// A key for another origin must not vouch for this log.
	skey2, vkey2, _ := note.GenerateKey(rand.Reader, "other.example/log")
	s2, _ := note.NewSigner(skey2)
	v2, _ := note.NewVerifier(vkey2)
	msg2, _ := SignCheckpoint(c, s2)
	if _, err := OpenCheckpoint(msg2, v2); err == nil {
		t.Error("checkpoint whose origin differs from the key name was accepted")
	}
	tampered := bytes.Replace(msg, []byte("\n42\n"), []byte("\n43\n"), 1)
	if _, err := OpenCheckpoint(tampered, verifier); err == nil {
		t.Error("tampered checkpoint accepted")
	}
}

func FuzzParseCheckpoint(f *testing.F) {
	f.Add("o\n1\n" + "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n")
	f.Add("o\n01\nxx\n")
	f.Fuzz(func(t *testing.T, text string) {
		c, err := ParseCheckpoint(text)
		if err != nil {
			return
		}
		if c.Size < 0 || c.Origin == "" {
			t.Fatalf("accepted %+v", c)
		}
	})
}

func FuzzParseBundle(f *testing.F) {
	f.Add(AppendBundle(nil, [][]byte{[]byte("a"), []byte("bc"), nil}))
	f.Add([]byte{0, 5, 'a'})
	f.Fuzz(func(t *testing.T, data []byte) {
		es, err := ParseBundle(data)
		if err != nil {
			return
		}
		if !bytes.Equal(AppendBundle(nil, es), data) {
			t.Fatal("bundle does not round-trip")
		}
	})
}
