package state

import (
	"bufio"
	"bytes"
	"compress/flate"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/go-json-experiment/json/jsontext"
	"github.com/meent/meent"
)

// SnapshotVersion names the rules and the shape of the state a snapshot
// holds: "state/1" and each area's name and Version, in the order of
// areas.go ("state/1 agent/1 commons/1 value/1 license/1 governance/1"). A node
// restores only a snapshot made with the same version and otherwise
// replays the log from the first event, so a release that changes what an
// area keeps (or how it applies an event) bumps that area's Version.
var SnapshotVersion = snapshotVersion(New().Areas())

func snapshotVersion(areas []Area) string {
	v := "state/1"
	for _, a := range areas {
		v += fmt.Sprintf(" %s/%d", a.Name(), a.Version())
	}
	return v
}

// A snapshot is one JSON object, {"version", "size", then one member per
// area}, compressed with DEFLATE (RFC 1951) at level 1 behind a one-byte
// format tag. Level 1 because the sequencer waits while the state is
// encoded and the encoding is what costs: level 1 shrinks the JSON about
// sixfold for a few percent more time (docs/benchmarks.md, "Start (issue
// 10)"), and the smaller row is cheaper to write and to read at start.
const (
	formatFlate = 'z' // DEFLATE of the JSON
	formatJSON  = '{' // the JSON itself (its first byte), for tests and benchmarks
)

// Snapshot encodes the complete state, everything Apply reads, so that
// Restore returns a state that accepts and refuses every later event
// exactly as s does, with the same digest and objects. It only reads s:
// the caller must keep s from changing meanwhile. Changed objects not yet
// taken (TakeDirty) are not part of it.
func (s *State) Snapshot() ([]byte, error) { return s.snapshot(flate.BestSpeed) }

func (s *State) snapshot(level int) ([]byte, error) {
	var buf bytes.Buffer
	var w io.Writer = &buf
	var zw *flate.Writer
	if level != flate.NoCompression {
		buf.WriteByte(formatFlate)
		var err error
		if zw, err = flate.NewWriter(&buf, level); err != nil {
			return nil, err
		}
		w = zw
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	enc := jsontext.NewEncoder(bw)
	err := errors.Join(
		enc.WriteToken(jsontext.BeginObject),
		enc.WriteToken(jsontext.String("version")), enc.WriteToken(jsontext.String(SnapshotVersion)),
		enc.WriteToken(jsontext.String("size")), enc.WriteToken(jsontext.Int(s.Size)),
	)
	for _, a := range s.reg.areas {
		if err == nil {
			err = enc.WriteToken(jsontext.String(a.Name()))
		}
		if err == nil {
			err = a.MarshalSnapshot(enc)
		}
	}
	if err == nil {
		err = enc.WriteToken(jsontext.EndObject)
	}
	if err == nil {
		err = bw.Flush()
	}
	if err == nil && zw != nil {
		err = zw.Close()
	}
	if err != nil {
		return nil, fmt.Errorf("state snapshot: %w", err)
	}
	return buf.Bytes(), nil
}

// SnapshotInfo reads the version and size a snapshot names without
// restoring it.
func SnapshotInfo(b []byte) (version string, size int64, err error) {
	dec, err := snapshotDecoder(b)
	if err != nil {
		return "", 0, err
	}
	if tok, err := dec.ReadToken(); err != nil || tok.Kind() != '{' {
		return "", 0, fmt.Errorf("state snapshot: not an object (%v)", err)
	}
	for range 2 {
		tok, err := dec.ReadToken()
		if err != nil {
			return "", 0, fmt.Errorf("state snapshot: %w", err)
		}
		name := tok.String() // a token is voided by the next read
		val, err := dec.ReadToken()
		if err != nil {
			return "", 0, fmt.Errorf("state snapshot: %w", err)
		}
		switch name {
		case "version":
			version = val.String()
		case "size":
			if size, err = val.Int(); err != nil {
				return "", 0, fmt.Errorf("state snapshot: size: %w", err)
			}
		}
	}
	return version, size, nil
}

func snapshotDecoder(b []byte) (*jsontext.Decoder, error) {
	if len(b) == 0 {
		return nil, errors.New("state snapshot: empty")
	}
	var r io.Reader
	switch b[0] {
	case formatFlate:
		r = flate.NewReader(bytes.NewReader(b[1:]))
	case formatJSON:
		r = bytes.NewReader(b)
	default:
		return nil, fmt.Errorf("state snapshot: unknown format %q", b[0])
	}
	return jsontext.NewDecoder(bufio.NewReaderSize(r, 64<<10)), nil
}

// Restore returns the state a snapshot holds. It refuses a snapshot made
// with another SnapshotVersion: that state may lack what these rules read.
func Restore(b []byte) (*State, error) {
	dec, err := snapshotDecoder(b)
	if err != nil {
		return nil, err
	}
	if tok, err := dec.ReadToken(); err != nil || tok.Kind() != '{' {
		return nil, fmt.Errorf("state snapshot: not an object (%v)", err)
	}
	s := New()
	version := ""
	restored := map[string]bool{}
	for dec.PeekKind() != '}' {
		tok, err := dec.ReadToken()
		if err != nil {
			return nil, fmt.Errorf("state snapshot: %w", err)
		}
		name := tok.String() // a token is voided by the next read
		switch name {
		case "version":
			tok, err := dec.ReadToken()
			if err != nil {
				return nil, fmt.Errorf("state snapshot: %w", err)
			}
			if version = tok.String(); version != SnapshotVersion {
				return nil, fmt.Errorf("state snapshot: made by version %q, these rules are %q", version, SnapshotVersion)
			}
		case "size":
			tok, err := dec.ReadToken()
			if err == nil {
				s.Size, err = tok.Int()
			}
			if err != nil {
				return nil, fmt.Errorf("state snapshot: size: %w", err)
			}
		default:
			a := s.Area(name)
			switch {
			case a == nil:
				err = fmt.Errorf("state snapshot: unknown member %q", name)
			case restored[name]:
				err = fmt.Errorf("state snapshot: member %q twice", name)
			default:
				// In place: the other areas hold this area's state by
				// pointer, and keep it.
				restored[name] = true
				err = a.RestoreSnapshot(dec)
			}
		}
		if err != nil {
			return nil, err
		}
	}
	if _, err := dec.ReadToken(); err != nil {
		return nil, fmt.Errorf("state snapshot: %w", err)
	}
	if version == "" || len(restored) != len(s.reg.areas) {
		return nil, errors.New("state snapshot: incomplete")
	}
	return s, nil
}

// ObjectKinds returns, sorted, the kinds of which the state holds at least
// one object: the kinds Objects would emit, without encoding any object.
func (s *State) ObjectKinds() []string {
	var out []string
	for _, a := range s.reg.areas {
		if k, ok := a.(interface{ ObjectKinds() []string }); ok {
			out = append(out, k.ObjectKinds()...)
			continue
		}
		seen := map[string]bool{}
		a.Objects(func(o meent.Object) {
			if !seen[o.Kind] {
				seen[o.Kind] = true
				out = append(out, o.Kind)
			}
		})
	}
	slices.Sort(out)
	return out
}
