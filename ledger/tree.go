package ledger

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/meent/meent"
)

// TileHeight is fixed by C2SP tlog-tiles: every tile is 2^8 = 256 hashes
// (or entries) wide.
const TileHeight = 8

// LeafHash returns the RFC 6962 leaf hash of an entry: SHA-256(0x00 || entry).
func LeafHash(entry []byte) tlog.Hash { return tlog.RecordHash(entry) }

// Checkpoint is the signed statement of a tree: C2SP tlog-checkpoint.
type Checkpoint struct {
	Origin string
	Size   int64
	Root   tlog.Hash
}

// String formats c as the checkpoint note body (without signatures).
func (c Checkpoint) String() string {
	return fmt.Sprintf("%s\n%d\n%s\n", c.Origin, c.Size, base64.StdEncoding.EncodeToString(c.Root[:]))
}

// SignCheckpoint returns the signed note for c.
func SignCheckpoint(c Checkpoint, signer note.Signer) ([]byte, error) {
	return note.Sign(&note.Note{Text: c.String()}, signer)
}

// ParseCheckpoint reads a checkpoint note body strictly. Extension lines
// after the root hash are allowed by C2SP and ignored.
func ParseCheckpoint(text string) (Checkpoint, error) {
	var c Checkpoint
	lines := strings.SplitAfter(text, "\n")
	if len(lines) < 4 || !strings.HasSuffix(text, "\n") {
		return c, meent.Errorf(meent.EINVALID, "checkpoint must have origin, size and root hash lines")
	}
	c.Origin = strings.TrimSuffix(lines[0], "\n")
	if c.Origin == "" {
		return c, meent.Errorf(meent.EINVALID, "checkpoint origin is empty")
	}
	sizeLine := strings.TrimSuffix(lines[1], "\n")
	n, err := strconv.ParseInt(sizeLine, 10, 64)
	if err != nil || n < 0 || strconv.FormatInt(n, 10) != sizeLine {
		return c, meent.Errorf(meent.EINVALID, "checkpoint size %q is not a canonical decimal", sizeLine)
	}
	c.Size = n
	root, err := base64.StdEncoding.Strict().DecodeString(strings.TrimSuffix(lines[2], "\n"))
	if err != nil || len(root) != len(c.Root) {
		return c, meent.Errorf(meent.EINVALID, "checkpoint root hash is not base64 of 32 bytes")
	}
	copy(c.Root[:], root)
	return c, nil
}

// OpenCheckpoint verifies a signed checkpoint note with the given verifier
// and parses it. The origin must match the verifier's key name, as C2SP
// recommends, so that a key cannot vouch for a different log.
func OpenCheckpoint(msg []byte, v note.Verifier) (Checkpoint, error) {
	n, err := note.Open(msg, note.VerifierList(v))
	if err != nil {
		return Checkpoint{}, meent.Errorf(meent.ESIGNATURE, "checkpoint signature: %v", err)
	}
	c, err := ParseCheckpoint(n.Text)
	if err != nil {
		return c, err
	}
	if c.Origin != v.Name() {
		return c, meent.Errorf(meent.ESIGNATURE, "checkpoint origin %q does not match key name %q", c.Origin, v.Name())
	}
	return c, nil
}

// EntriesLevel is the tlog.Tile level meent uses for entry bundles
// ("tile/entries/..."); hash tiles use levels 0 and up.
const EntriesLevel = -1

// TilePath formats t as a C2SP tlog-tiles path below the log prefix:
// "tile/<L>/<N>[.p/<W>]" or "tile/entries/<N>[.p/<W>]".
func TilePath(t tlog.Tile) string {
	var b strings.Builder
	b.WriteString("tile/")
	if t.L == EntriesLevel {
		b.WriteString("entries")
	} else {
		b.WriteString(strconv.Itoa(t.L))
	}
	b.WriteByte('/')
	b.WriteString(formatTileIndex(t.N))
	if t.W != 1<<TileHeight {
		fmt.Fprintf(&b, ".p/%d", t.W)
	}
	return b.String()
}

// formatTileIndex writes n as 3-digit groups, each but the last prefixed
// with "x": 1234067 -> "x001/x234/067".
func formatTileIndex(n int64) string {
	s := fmt.Sprintf("%03d", n%1000)
	for n >= 1000 {
		n /= 1000
		s = fmt.Sprintf("x%03d/%s", n%1000, s)
	}
	return s
}

// ParseTilePath is the strict inverse of TilePath. It accepts only the
// canonical spelling, so each tile has exactly one URL.
func ParseTilePath(path string) (tlog.Tile, error) {
	bad := func() (tlog.Tile, error) {
		return tlog.Tile{}, meent.Errorf(meent.ENOTFOUND, "no such tile path %q", path)
	}
	if len(path) > 128 {
		return bad()
	}
	rest, ok := strings.CutPrefix(path, "tile/")
	if !ok {
		return bad()
	}
	t := tlog.Tile{H: TileHeight, W: 1 << TileHeight}
	lvl, rest, ok := strings.Cut(rest, "/")
	if !ok {
		return bad()
	}
	if lvl == "entries" {
		t.L = EntriesLevel
	} else {
		l, err := strconv.Atoi(lvl)
		if err != nil || l < 0 || l > 63 || strconv.Itoa(l) != lvl {
			return bad()
		}
		t.L = l
	}
	idx, width, partial := strings.Cut(rest, ".p/")
	if partial {
		w, err := strconv.Atoi(width)
		if err != nil || w < 1 || w >= 1<<TileHeight || strconv.Itoa(w) != width {
			return bad()
		}
		t.W = w
	}
	parts := strings.Split(idx, "/")
	for i, p := range parts {
		if len(p) != 3+boolInt(i < len(parts)-1) {
			return bad()
		}
		if i < len(parts)-1 {
			if p[0] != 'x' {
				return bad()
			}
			p = p[1:]
		}
		d, err := strconv.Atoi(p)
		if err != nil || d < 0 || p[0] == '+' || p[0] == '-' {
			return bad()
		}
		if t.N > (1<<62)/1000 {
			return bad()
		}
		t.N = t.N*1000 + int64(d)
	}
	if formatTileIndex(t.N) != idx {
		return bad() // non-canonical, e.g. a leading x000 group
	}
	return t, nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// AppendBundle appends entries as a tlog-tiles entry bundle: each entry
// prefixed by its length as a big-endian uint16.
func AppendBundle(dst []byte, entries [][]byte) []byte {
	for _, e := range entries {
		dst = binary.BigEndian.AppendUint16(dst, uint16(len(e)))
		dst = append(dst, e...)
	}
	return dst
}

// ParseBundle splits an entry bundle. It refuses truncated data.
func ParseBundle(data []byte) ([][]byte, error) {
	var out [][]byte
	for len(data) > 0 {
		if len(data) < 2 {
			return nil, meent.Errorf(meent.EINVALID, "entry bundle truncated in a length prefix")
		}
		n := int(binary.BigEndian.Uint16(data))
		data = data[2:]
		if len(data) < n {
			return nil, meent.Errorf(meent.EINVALID, "entry bundle truncated in an entry")
		}
		out = append(out, bytes.Clone(data[:n]))
		data = data[n:]
	}
	return out, nil
}
