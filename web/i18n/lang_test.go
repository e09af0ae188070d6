package i18n

import (
	"slices"
	"strings"
	"testing"
)

func TestNegotiate(t *testing.T) {
	for h, want := range map[string]Lang{
		"":                                    EN,
		"nl":                                  NL,
		"nl-NL,nl;q=0.9,en-US;q=0.8,en;q=0.7": NL,
		"en-US,en;q=0.9,nl;q=0.8":             EN,
		"de-DE,de;q=0.9,nl;q=0.5":             NL, // no German: Dutch is the best we have
		"de,fr":                               EN,
		"NL-be":                               NL,
		"fr;q=1.0, nl;q=0.3, en;q=0.2":        NL,
		"en;q=0.2, nl;q=0.3":                  NL,
		"nl;q=0.5, en;q=0.5":                  NL, // equal weights: the first listed
		"*":                                   EN,
		"*;q=0.5, nl;q=0":                     EN, // Dutch refused, anything else welcome
		"en;q=0, *":                           NL,
		"nl;q=0":                              EN,
		"nl;q=2":                              EN, // malformed weight: the entry is skipped
		"nl;q=0.1234":                         EN,
		"nl;q=abc, en":                        EN,
		"x-klingon, nl":                       NL,
		"nl;foo=bar":                          NL,
		"nl;q=1.":                             NL,
		" , ,nl":                              NL,
		"n1":                                  EN,
	} {
		if got := Negotiate(h); got != want {
			t.Errorf("Negotiate(%q) = %s, want %s", h, got, want)
		}
	}
}

func TestParseAcceptLanguage(t *testing.T) {
	got := ParseAcceptLanguage("nl-NL, nl;q=0.9 , en;q=0.25,*;q=0, bad tag, en;q=1.5")
	want := []Range{{"nl-nl", 1000}, {"nl", 900}, {"en", 250}, {"*", 0}}
	if !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if n := len(ParseAcceptLanguage(strings.Repeat("nl,", 10000))); n != maxRanges {
		t.Errorf("%d ranges read from a long header, want at most %d", n, maxRanges)
	}
}

func TestPick(t *testing.T) {
	for _, c := range []struct {
		query, cookie, accept string
		want                  Lang
		remember              bool
	}{
		{"", "", "", EN, false},
		{"", "", "nl", NL, false},
		{"", "nl", "en", NL, false},
		{"en", "nl", "nl", EN, true},
		{"nl", "", "", NL, true},
		{"de", "", "nl", NL, false}, // an unknown choice is ignored
		{"", "<script>", "nl", NL, false},
	} {
		l, r := Pick(c.query, c.cookie, c.accept)
		if l != c.want || r != c.remember {
			t.Errorf("Pick(%q, %q, %q) = %s, %v; want %s, %v", c.query, c.cookie, c.accept, l, r, c.want, c.remember)
		}
	}
}

// FuzzAcceptLanguage: any header yields a language we have, a bounded
// number of ranges, each well formed.
func FuzzAcceptLanguage(f *testing.F) {
	for _, s := range []string{"", "nl", "nl-NL,nl;q=0.9,en;q=0.8", "*;q=0", "en;q=1.000", ";;;,,,", "nl;q=0.", "a-b-c-d;q=0.001"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		rs := ParseAcceptLanguage(h)
		if len(rs) > maxRanges {
			t.Fatalf("%d ranges", len(rs))
		}
		for _, r := range rs {
			if r.Q < 0 || r.Q > 1000 || !validRange(r.Tag) || r.Tag != strings.ToLower(r.Tag) {
				t.Fatalf("bad range %+v from %q", r, h)
			}
		}
		if l := Negotiate(h); !slices.Contains(Langs, l) {
			t.Fatalf("Negotiate(%q) = %q", h, l)
		}
	})
}
