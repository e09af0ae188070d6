package i18n

import (
	"strconv"
	"strings"
)

// Lang is a language the pages are written in, as its BCP 47 primary
// subtag ("nl", "en"): what <html lang> and Content-Language carry.
type Lang string

// The languages of the catalogue. English comes first: it is the default
// when a browser states no language we have, so the pages read as they
// did before there were two.
const (
	EN Lang = "en"
	NL Lang = "nl"
)

// Langs lists every language of the catalogue, the default first. Adding
// a language is adding it here and a text for it in every message (the
// tests say which are missing).
var Langs = []Lang{EN, NL}

// Default is the language of a request that states nothing we have.
const Default = EN

// Parse returns the language a code names ("nl", "NL", "nl-BE" are all
// Dutch) and whether the catalogue has it.
func Parse(code string) (Lang, bool) {
	primary, _, _ := strings.Cut(strings.TrimSpace(code), "-")
	primary = strings.ToLower(primary)
	for _, l := range Langs {
		if string(l) == primary {
			return l, true
		}
	}
	return "", false
}

// Name is the language's name in itself, for the switch ("Nederlands"):
// a reader who does not understand the current page must still find
// their own language.
func (l Lang) Name() string {
	switch l {
	case NL:
		return "Nederlands"
	case EN:
		return "English"
	}
	return string(l)
}

// Range is one entry of an Accept-Language header: a language range and
// its weight in thousandths (q=0.5 is 500).
type Range struct {
	Tag string // lower case, "*" for any
	Q   int    // 0 to 1000
}

// maxRanges bounds the work one header can cause: browsers send a handful.
const maxRanges = 32

// ParseAcceptLanguage reads an Accept-Language header (RFC 9110 section
// 12.5.4): comma-separated language ranges, each with an optional
// ";q=" weight of at most three decimals. It is untrusted input, so it
// never fails: a malformed entry is skipped, not the whole header, and
// at most maxRanges entries are read.
func ParseAcceptLanguage(h string) []Range {
	var out []Range
	for part := range strings.SplitSeq(h, ",") {
		if len(out) == maxRanges {
			break
		}
		tag, params, _ := strings.Cut(part, ";")
		tag = strings.ToLower(strings.TrimSpace(tag))
		if !validRange(tag) {
			continue
		}
		q := 1000
		ok := true
		for p := range strings.SplitSeq(params, ";") {
			p = strings.TrimSpace(p)
			if p == "" {
				continue
			}
			name, val, _ := strings.Cut(p, "=")
			if strings.TrimSpace(strings.ToLower(name)) != "q" {
				continue // other parameters are not defined; ignore them
			}
			if q, ok = parseQ(strings.TrimSpace(val)); !ok {
				break
			}
		}
		if ok {
			out = append(out, Range{Tag: tag, Q: q})
		}
	}
	return out
}

// validRange: "*" or 1-8 letters, then "-" and 1-8 letters or digits, repeated.
func validRange(tag string) bool {
	if tag == "*" {
		return true
	}
	if tag == "" || len(tag) > 64 {
		return false
	}
	for i, sub := range strings.Split(tag, "-") {
		if len(sub) < 1 || len(sub) > 8 {
			return false
		}
		for j := 0; j < len(sub); j++ {
			c := sub[j]
			if !(c >= 'a' && c <= 'z') && !(i > 0 && c >= '0' && c <= '9') {
				return false
			}
		}
	}
	return true
}

// parseQ reads a qvalue: "0", "0.5", "1", "1.000"; at most three decimals.
func parseQ(s string) (int, bool) {
	whole, frac, dot := strings.Cut(s, ".")
	if len(frac) > 3 || (whole != "0" && whole != "1") {
		return 0, false
	}
	for i := 0; i < len(frac); i++ {
		if frac[i] < '0' || frac[i] > '9' {
			return 0, false
		}
	}
	if dot && frac == "" {
		frac = "0" // "1." is accepted by most servers; so are we
	}
	f, _ := strconv.Atoi((frac + "000")[:3])
	q := f
	if whole == "1" {
		if f != 0 {
			return 0, false
		}
		q = 1000
	}
	return q, true
}

// Negotiate picks the catalogue's language a browser prefers most: the
// range of highest weight that names one of Langs (by primary subtag, so
// nl-BE is Dutch), the first listed among equal weights; "*" stands for
// the default. A range with weight 0 refuses that language. Nothing
// usable means Default.
func Negotiate(acceptLanguage string) Lang {
	best, bestQ := Default, 0
	refused := map[Lang]bool{}
	ranges := ParseAcceptLanguage(acceptLanguage)
	for _, r := range ranges {
		if l, ok := Parse(r.Tag); ok && r.Q == 0 {
			refused[l] = true
		}
	}
	for _, r := range ranges {
		if r.Q <= bestQ {
			continue
		}
		if r.Tag == "*" {
			for _, l := range Langs {
				if !refused[l] {
					best, bestQ = l, r.Q
					break
				}
			}
			continue
		}
		if l, ok := Parse(r.Tag); ok && !refused[l] {
			best, bestQ = l, r.Q
		}
	}
	return best
}

// Pick decides a request's language: an explicit choice in the query
// (?lang=nl, from the switch) wins, then the one remembered in the
// cookie, then the browser's Accept-Language. remember says the query
// chose, so the caller should store the choice in the cookie.
func Pick(query, cookie, acceptLanguage string) (l Lang, remember bool) {
	if l, ok := Parse(query); ok && query != "" {
		return l, true
	}
	if l, ok := Parse(cookie); ok && cookie != "" {
		return l, false
	}
	return Negotiate(acceptLanguage), false
}

// CookieName is the cookie that remembers a reader's choice of language.
const CookieName = "lang"
