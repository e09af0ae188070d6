package gitimport

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"math"
	"unicode/utf8"
)

// logFormat is the --format of git log. With -z, git ends each commit's
// header with one more NUL and, when there are line counts, starts them
// with a newline. The grammar parser accepts, and nothing else:
//
//	log     = *record
//	record  = "C" NUL hash NUL parents NUL name NUL email NUL time NUL time NUL subject NUL NUL [ LF 1*entry ]
//	parents = [ hash *( SP hash ) ]
//	time    = *DIGIT                ; Unix seconds; empty for a broken date
//	entry   = count TAB count TAB ( path NUL / NUL path NUL path NUL )  ; the second form is a rename: old, new
//	count   = 1*DIGIT / "-"         ; "-" TAB "-" marks a binary file
//
// Git cuts every header value at its first NUL, so the NUL separators are
// unambiguous; a record starts with "C" and an entry with a digit or "-",
// so the parser always knows which comes next. Changing the format means
// changing this grammar, the parser and testdata/*.log together.
const logFormat = "C%x00%H%x00%P%x00%an%x00%ae%x00%at%x00%ct%x00%s%x00"

// mailmapFormat is logFormat with the author's name and email as the
// .mailmap maps them (Options.Mailmap); the grammar is the same.
const mailmapFormat = "C%x00%H%x00%P%x00%aN%x00%aE%x00%at%x00%ct%x00%s%x00"

// parser reads the output of git log with logFormat, one record at a time.
type parser struct {
	r     *bufio.Reader
	stats bool // entries may follow a header (git log --numstat)
	off   int64
	eof   bool // the input ended right after the last record
	buf   []byte
}

func newParser(r *bufio.Reader, stats bool) *parser {
	return &parser{r: r, stats: stats}
}

// atEOF reports whether the input ended right after the record next
// returned.
func (p *parser) atEOF() bool { return p.eof }

// parseError is malformed input, with where it was found.
type parseError struct {
	off int64
	msg string
}

func (e *parseError) Error() string {
	return fmt.Sprintf("malformed git log output at byte %d: %s", e.off, e.msg)
}

func (p *parser) fail(format string, args ...any) error {
	return &parseError{off: p.off, msg: fmt.Sprintf(format, args...)}
}

// next returns the next record. It returns io.EOF when the input ends
// cleanly between records, and a *parseError or the reader's error
// otherwise.
func (p *parser) next() (Commit, error) {
	if p.eof {
		return Commit{}, io.EOF
	}
	b, err := p.r.Peek(1)
	if err == io.EOF {
		p.eof = true
		return Commit{}, io.EOF
	}
	if err != nil {
		return Commit{}, err
	}
	if b[0] != 'C' {
		return Commit{}, p.fail("record starts with %q, want 'C'", b[0])
	}
	var c Commit
	if err := p.header(&c); err != nil {
		return Commit{}, err
	}
	c.Merge = len(c.ParentHashes) > 1
	// What follows the header: the end, the next record, or line counts.
	more, err := p.peek()
	if err != nil || !more {
		return c, err
	}
	switch b, _ := p.r.Peek(1); {
	case b[0] == 'C':
		return c, nil
	case b[0] != '\n' || !p.stats:
		return Commit{}, p.fail("unexpected %q after a commit header", b[0])
	}
	p.r.ReadByte()
	p.off++
	for {
		if err := p.entry(&c); err != nil {
			return Commit{}, err
		}
		more, err := p.peek()
		if err != nil || !more {
			return c, err
		}
		b, _ := p.r.Peek(1)
		if b[0] == 'C' {
			return c, nil
		}
		if b[0] != '-' && (b[0] < '0' || b[0] > '9') {
			return Commit{}, p.fail("unexpected %q after a numstat entry", b[0])
		}
	}
}

// peek reports whether more input follows, noting a clean end.
func (p *parser) peek() (bool, error) {
	_, err := p.r.Peek(1)
	if err == io.EOF {
		p.eof = true
		return false, nil
	}
	return err == nil, err
}

func (p *parser) header(c *Commit) error {
	if err := p.literal("C\x00"); err != nil {
		return err
	}
	f, err := p.field(128)
	if err != nil {
		return err
	}
	if !isHash(f) {
		return p.fail("bad commit hash %q", f)
	}
	c.Hash = string(f)
	if f, err = p.field(1 << 20); err != nil {
		return err
	}
	if len(f) > 0 {
		for _, h := range bytes.Split(f, []byte(" ")) {
			if !isHash(h) || len(h) != len(c.Hash) {
				return p.fail("bad parent hash %q", h)
			}
			c.ParentHashes = append(c.ParentHashes, string(h))
		}
	}
	if f, err = p.field(MaxText); err != nil {
		return err
	}
	c.AuthorName = text(f, MaxText)
	if f, err = p.field(MaxText); err != nil {
		return err
	}
	c.AuthorEmail = text(f, MaxText)
	if f, err = p.field(64); err != nil {
		return err
	}
	if c.AuthorTime, err = p.millis(f); err != nil {
		return err
	}
	if f, err = p.field(64); err != nil {
		return err
	}
	if c.CommitterTime, err = p.millis(f); err != nil {
		return err
	}
	if f, err = p.field(MaxText); err != nil {
		return err
	}
	c.Subject = text(f, MaxText)
	return p.literal("\x00")
}

// entry reads one numstat line into c.
func (p *parser) entry(c *Commit) error {
	added, aBin, err := p.count()
	if err != nil {
		return err
	}
	removed, rBin, err := p.count()
	if err != nil {
		return err
	}
	if aBin != rBin {
		return p.fail("binary marker on one side only")
	}
	fc := FileChange{Added: added, Removed: removed, Binary: aBin}
	b, err := p.r.Peek(1)
	if err != nil {
		return p.truncated(err)
	}
	if b[0] == 0 { // a rename: NUL old NUL new NUL
		p.r.ReadByte()
		p.off++
		old, err := p.path()
		if err != nil {
			return err
		}
		fc.OldPath = old
	}
	if fc.Path, err = p.path(); err != nil {
		return err
	}
	if c.LinesAdded > math.MaxInt64-added || c.LinesRemoved > math.MaxInt64-removed {
		return p.fail("line counts overflow")
	}
	c.LinesAdded += added
	c.LinesRemoved += removed
	c.Files = append(c.Files, fc)
	return nil
}

func (p *parser) path() (string, error) {
	f, err := p.field(MaxPath)
	if err != nil {
		return "", err
	}
	if len(f) == 0 {
		return "", p.fail("empty path")
	}
	return text(f, MaxPath), nil
}

// count reads a numstat count and its TAB: digits, or "-" for binary.
func (p *parser) count() (n int64, binary bool, err error) {
	f, err := p.r.ReadSlice('\t')
	p.off += int64(len(f))
	if err != nil {
		if err == bufio.ErrBufferFull {
			return 0, false, p.fail("numstat count without TAB")
		}
		return 0, false, p.truncated(err)
	}
	f = f[:len(f)-1]
	if len(f) == 1 && f[0] == '-' {
		return 0, true, nil
	}
	n, ok := digits(f)
	if !ok || len(f) == 0 {
		return 0, false, p.fail("bad numstat count %q", f)
	}
	return n, false, nil
}

// millis turns git's Unix seconds into milliseconds. An empty or
// out-of-range value is a broken date in the commit (git prints what the
// commit says), which is 0, not an error: the commit is still real.
func (p *parser) millis(f []byte) (int64, error) {
	if len(f) == 0 {
		return 0, nil
	}
	s, ok := digits(f)
	if !ok {
		if len(f) > 19 && allDigits(f) {
			return 0, nil
		}
		return 0, p.fail("bad time %q", f)
	}
	if s > math.MaxInt64/1000 {
		return 0, nil
	}
	return s * 1000, nil
}

// literal reads exactly s.
func (p *parser) literal(s string) error {
	for i := 0; i < len(s); i++ {
		b, err := p.r.ReadByte()
		if err != nil {
			return p.truncated(err)
		}
		p.off++
		if b != s[i] {
			return p.fail("got %q, want %q", b, s[i])
		}
	}
	return nil
}

// field reads up to the next NUL and returns the bytes before it, keeping
// at most max+utf8.UTFMax of them (text cuts them to max at a character
// boundary): the rest of a longer value is read and dropped, so one huge
// subject cannot exhaust memory. The slice is valid until the next call.
func (p *parser) field(max int) ([]byte, error) {
	p.buf = p.buf[:0]
	for {
		chunk, err := p.r.ReadSlice(0)
		p.off += int64(len(chunk))
		if err == nil {
			chunk = chunk[:len(chunk)-1]
		}
		if room := max + utf8.UTFMax - len(p.buf); len(chunk) > room {
			chunk = chunk[:room]
		}
		p.buf = append(p.buf, chunk...)
		switch err {
		case nil:
			return p.buf, nil
		case bufio.ErrBufferFull:
			continue
		default:
			return nil, p.truncated(err)
		}
	}
}

func (p *parser) truncated(err error) error {
	if err == io.EOF {
		return p.fail("output ends inside a record")
	}
	return err
}

// digits parses a non-negative decimal of at most 18 digits, which cannot
// overflow an int64.
func digits(f []byte) (int64, bool) {
	if len(f) > 18 || !allDigits(f) {
		return 0, false
	}
	var n int64
	for _, c := range f {
		n = n*10 + int64(c-'0')
	}
	return n, true
}

func allDigits(f []byte) bool {
	for _, c := range f {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// isHash reports whether h is a full object name: 40 (SHA-1) or 64
// (SHA-256) lowercase hex digits.
func isHash(h []byte) bool {
	if len(h) != 40 && len(h) != 64 {
		return false
	}
	for _, c := range h {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// text makes b a valid UTF-8 string of at most max bytes: each run of
// invalid bytes becomes U+FFFD, and a longer value is cut before the
// character that would cross max. The same bytes always give the same
// string, and text of the result is the result.
func text(b []byte, max int) string {
	b = cut(b, max)
	if utf8.Valid(b) {
		return string(b)
	}
	return string(cut(bytes.ToValidUTF8(b, []byte("\uFFFD")), max))
}

// cut shortens b to at most max bytes without splitting a character.
func cut(b []byte, max int) []byte {
	if len(b) <= max {
		return b
	}
	n := max
	for n > 0 && n > max-utf8.UTFMax && !utf8.RuneStart(b[n]) {
		n--
	}
	if !utf8.RuneStart(b[n]) {
		n = max // not UTF-8 there anyway
	}
	return b[:n]
}
