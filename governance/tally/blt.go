package tally

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Election is a ranked election read from a BLT file.
type Election struct {
	Title      string
	Candidates []string
	Seats      int
	Withdrawn  []int // candidate indexes, from 0
	Ballots    []Ranking
}

// Limits on what ParseBLT accepts, so that a hostile file cannot make it
// allocate without bound beyond its own size.
const (
	MaxBLTCandidates = 1000
	MaxBLTWeight     = 1 << 40 // one ballot line's weight, and all of them together
)

// ParseBLT reads the BLT ballot format of Hill, Wichmann and Woodall
// ("Algorithm 123: Single Transferable Vote by Meek's method", 1987), as
// Droop and OpenSTV document it:
//
//	<candidates> <seats>
//	[-<withdrawn candidate> ...]
//	<weight> <candidate> <candidate> ... 0     (one line per ballot)
//	0
//	"<name of candidate 1>" ... "<name of candidate n>"
//	"<title>"
//
// Candidates are numbered from 1. Newlines are white space; "#" starts a
// comment to the end of the line. It refuses anything else: equal
// rankings ("="), ballot IDs, a candidate out of range or twice on one
// ballot, a weight below 1, missing or extra names, text after the title
// (but up to two quoted strings, Wichmann's source and comment), invalid
// UTF-8, a control character in a name. The returned Election's candidate indexes start at 0.
func ParseBLT(data []byte) (*Election, error) {
	if !utf8.Valid(data) {
		return nil, fmt.Errorf("blt: not UTF-8")
	}
	toks, err := bltTokens(string(data))
	if err != nil {
		return nil, err
	}
	i := 0
	next := func() (string, bool) {
		if i >= len(toks) {
			return "", false
		}
		i++
		return toks[i-1], true
	}
	num := func(what string, lo, hi int64) (int64, error) {
		t, ok := next()
		if !ok {
			return 0, fmt.Errorf("blt: the file ends where %s should be", what)
		}
		n, err := strconv.ParseInt(t, 10, 64)
		if err != nil || n < lo || n > hi {
			return 0, fmt.Errorf("blt: %s must be a whole number from %d to %d, not %.20q", what, lo, hi, t)
		}
		return n, nil
	}
	nc, err := num("the number of candidates", 1, MaxBLTCandidates)
	if err != nil {
		return nil, err
	}
	seats, err := num("the number of seats", 1, nc)
	if err != nil {
		return nil, err
	}
	e := &Election{Seats: int(seats), Candidates: make([]string, nc)}
	gone := map[int]bool{}
	for i < len(toks) && strings.HasPrefix(toks[i], "-") {
		w, err := num("a withdrawn candidate", -nc, -1)
		if err != nil {
			return nil, err
		}
		if gone[int(-w-1)] {
			return nil, fmt.Errorf("blt: candidate %d withdrawn twice", -w)
		}
		gone[int(-w-1)] = true
		e.Withdrawn = append(e.Withdrawn, int(-w-1))
	}
	var total int64
	for {
		w, err := num("a ballot's weight or the closing 0", 0, MaxBLTWeight)
		if err != nil {
			return nil, err
		}
		if w == 0 {
			break
		}
		if total += w; total > MaxBLTWeight {
			return nil, fmt.Errorf("blt: the ballots weigh more than %d together", int64(MaxBLTWeight))
		}
		b := Ranking{Weight: w}
		seen := map[int]bool{}
		for {
			c, err := num("a candidate or the ballot's closing 0", 0, nc)
			if err != nil {
				return nil, err
			}
			if c == 0 {
				break
			}
			if seen[int(c-1)] {
				return nil, fmt.Errorf("blt: ballot %d ranks candidate %d twice", len(e.Ballots)+1, c)
			}
			seen[int(c-1)] = true
			b.Prefs = append(b.Prefs, int(c-1))
		}
		e.Ballots = append(e.Ballots, b)
	}
	str := func(what string) (string, error) {
		t, ok := next()
		if !ok {
			return "", fmt.Errorf("blt: the file ends where %s should be", what)
		}
		if !strings.HasPrefix(t, `"`) {
			return "", fmt.Errorf("blt: %s must be a quoted name, not %.20q", what, t)
		}
		return t[1 : len(t)-1], nil
	}
	for c := range e.Candidates {
		if e.Candidates[c], err = str(fmt.Sprintf("the name of candidate %d", c+1)); err != nil {
			return nil, err
		}
	}
	names := map[string]bool{}
	for _, n := range e.Candidates {
		if names[n] {
			return nil, fmt.Errorf("blt: two candidates are named %.40q", n)
		}
		names[n] = true
	}
	if e.Title, err = str("the title"); err != nil {
		return nil, err
	}
	for k := 0; i < len(toks); k++ {
		if _, err := str("the source or comment after the title"); err != nil || k == 2 {
			return nil, fmt.Errorf("blt: unexpected text after the title")
		}
	}
	return e, nil
}

// bltTokens splits a BLT file into numbers and quoted strings (kept with
// their quotes), dropping comments.
func bltTokens(s string) ([]string, error) {
	var out []string
	for i := 0; i < len(s); {
		switch ch := s[i]; {
		case ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r':
			i++
		case ch == '#':
			for i < len(s) && s[i] != '\n' {
				i++
			}
		case ch == '"':
			j := strings.IndexAny(s[i+1:], "\"\n")
			if j < 0 || s[i+1+j] != '"' {
				return nil, fmt.Errorf("blt: a quoted name is not closed on its line")
			}
			if strings.ContainsFunc(s[i+1:i+1+j], func(r rune) bool { return r < 0x20 || r == 0x7f }) {
				return nil, fmt.Errorf("blt: a quoted name holds a control character")
			}
			out = append(out, s[i:i+j+2])
			i += j + 2
		case ch == '-' || ch >= '0' && ch <= '9':
			j := i + 1
			for j < len(s) && s[j] >= '0' && s[j] <= '9' {
				j++
			}
			if j < len(s) && !strings.ContainsRune(" \t\r\n#", rune(s[j])) {
				return nil, fmt.Errorf("blt: unexpected %q after a number (equal rankings and ballot IDs are not supported)", s[j])
			}
			out = append(out, s[i:j])
			i = j
		default:
			return nil, fmt.Errorf("blt: unexpected %q (equal rankings and ballot IDs are not supported)", ch)
		}
	}
	return out, nil
}

// Count counts the election by CountRanked with exact fractions (see
// RankedInput.Decimals: only for trusted files), with seed for the lot.
func (e *Election) Count(seed string) *RankedCount {
	return CountRanked(RankedInput{Options: e.Candidates, Seats: e.Seats, Withdrawn: e.Withdrawn, Ballots: e.Ballots, Seed: seed})
}

// WriteBLT writes e in the BLT format ParseBLT reads (names must hold no
// quote or control character, as ParseBLT ensures).
func (e *Election) WriteBLT() []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "%d %d\n", len(e.Candidates), e.Seats)
	for i, w := range e.Withdrawn {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "-%d", w+1)
	}
	if len(e.Withdrawn) > 0 {
		b.WriteByte('\n')
	}
	for _, r := range e.Ballots {
		fmt.Fprintf(&b, "%d", r.Weight)
		for _, p := range r.Prefs {
			fmt.Fprintf(&b, " %d", p+1)
		}
		b.WriteString(" 0\n")
	}
	b.WriteString("0\n")
	for _, c := range e.Candidates {
		b.WriteString(`"` + c + "\"\n")
	}
	b.WriteString(`"` + e.Title + "\"\n")
	return []byte(b.String())
}
