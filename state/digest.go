package state

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"hash"
	"slices"
	"sort"
	"strings"

	"github.com/meent/meent"
)

// Digest is the state digest (docs/ledger.md §8) with the digest of each of
// its parts, so that two parties whose totals disagree can see which kind
// of fact they disagree on without exchanging every line.
type Digest struct {
	Total [32]byte        // SHA-256 over every sorted line, each followed by LF
	Parts map[string]Part // by PartOf
}

// Part is the digest of the lines of one part: SHA-256 over its sorted
// lines, each followed by LF, and how many there are.
type Part struct {
	Lines  int
	SHA256 [32]byte
}

// PartOf names the part a digest line belongs to: its first field, and for
// an object line "object/" and the object's kind ("agent", "member", "key",
// "object/commons", "object/contribution", ...).
func PartOf(line string) string {
	first, rest, _ := strings.Cut(line, " ")
	if first != "object" {
		return first
	}
	kind, _, _ := strings.Cut(rest, " ")
	return "object/" + kind
}

// Summarize sorts lines and returns the total digest and the digest of
// each part. The total equals DigestLines over the same lines.
func Summarize(lines []string) Digest {
	sort.Strings(lines)
	d := Digest{Parts: map[string]Part{}}
	total := sha256.New()
	type acc struct {
		n int
		h hash.Hash
	}
	parts := map[string]*acc{}
	for _, l := range lines {
		total.Write([]byte(l))
		total.Write([]byte{'\n'})
		name := PartOf(l)
		a := parts[name]
		if a == nil {
			a = &acc{h: sha256.New()}
			parts[name] = a
		}
		a.n++
		a.h.Write([]byte(l))
		a.h.Write([]byte{'\n'})
	}
	total.Sum(d.Total[:0])
	for name, a := range parts {
		p := Part{Lines: a.n}
		a.h.Sum(p.SHA256[:0])
		d.Parts[name] = p
	}
	return d
}

// Summary returns the state's digest with its parts.
func (s *State) Summary() Digest {
	var lines []string
	s.Lines(func(l string) { lines = append(lines, l) })
	return Summarize(lines)
}

// Differ names the parts in which d and o differ (a part only one of them
// has differs), sorted. It is empty when the parts agree, and when either
// side has no parts (a node that serves only the total).
func (d Digest) Differ(o Digest) []string {
	if len(d.Parts) == 0 || len(o.Parts) == 0 {
		return nil
	}
	var out []string
	for name, p := range d.Parts {
		if q, ok := o.Parts[name]; !ok || q != p {
			out = append(out, name)
		}
	}
	for name := range o.Parts {
		if _, ok := d.Parts[name]; !ok {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

// Text encodes a name or a JSON document for a digest line: standard
// base64 with padding (RFC 4648 §4) of its exact UTF-8 bytes.
//
// Why base64: the line must not depend on anything but the bytes. The Go
// quoting it replaces (strconv.Quote) escapes what Go's Unicode tables call
// non-printable, so a Go upgrade that assigns a code point (U+1F6DC is
// printable from Unicode 15 on) changed a node's own digest. Base64 has no
// tables and no choices (unlike a JSON string's optional escapes), every
// verifier already has it for keys and signatures, and it grows a document
// by a third where hex would double it (object lines carry whole
// documents, and the digest holds every line in memory to sort it).
func Text(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

// ObjectLine is the digest line of a stored domain object. Projections emit
// it for every row of their objects table; the state emits it for every
// object its areas hold. docs/ledger.md §8 specifies it field by field.
func ObjectLine(o meent.Object) string {
	l := fmt.Sprintf("object %s %s %s %s %s %d %d %s", o.Kind, o.ID, dash(o.Commons), dash(o.Agent), dash(o.Status),
		o.Created, o.Updated, Text(string(o.Data)))
	if o.Parent != "" {
		// Only a child says its parent, so the lines (and digests) of
		// objects without one are what they were before Parent existed.
		l += " parent " + o.Parent
	}
	return l
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
