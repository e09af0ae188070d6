package payout

import (
	"strings"
	"unicode"
)

// translit maps letters outside the SEPA character set to their plain
// Latin form, after the EPC's conversion best practice: accents are
// dropped (é -> e), ligatures and ß are spelled out (æ -> ae, ß -> ss).
var translit = map[rune]string{}

func init() {
	for _, g := range []struct{ from, to string }{
		{"ÀÁÂÃÄÅĀĂĄǍȀȂȦ", "A"}, {"àáâãäåāăąǎȁȃȧª", "a"},
		{"ÇĆĈĊČ", "C"}, {"çćĉċč", "c"},
		{"ÐĎĐ", "D"}, {"ðďđ", "d"},
		{"ÈÉÊËĒĔĖĘĚȄȆȨ", "E"}, {"èéêëēĕėęěȅȇȩ", "e"},
		{"ĜĞĠĢǦ", "G"}, {"ĝğġģǧ", "g"},
		{"ĤĦ", "H"}, {"ĥħ", "h"},
		{"ÌÍÎÏĨĪĬĮİǏȈȊ", "I"}, {"ìíîïĩīĭįıǐȉȋ", "i"},
		{"Ĵ", "J"}, {"ĵǰ", "j"},
		{"ĶǨ", "K"}, {"ķĸǩ", "k"},
		{"ĹĻĽĿŁ", "L"}, {"ĺļľŀł", "l"},
		{"ÑŃŅŇŊ", "N"}, {"ñńņňŋ", "n"},
		{"ÒÓÔÕÖØŌŎŐǑȌȎȪȬȮȰ", "O"}, {"òóôõöøōŏőǒȍȏȫȭȯȱº", "o"},
		{"ŔŖŘȐȒ", "R"}, {"ŕŗřȑȓ", "r"},
		{"ŚŜŞŠȘ", "S"}, {"śŝşšșſ", "s"},
		{"ŢŤŦȚ", "T"}, {"ţťŧț", "t"},
		{"ÙÚÛÜŨŪŬŮŰŲǓǕǗǙǛȔȖ", "U"}, {"ùúûüũūŭůűųǔǖǘǚǜȕȗ", "u"},
		{"Ŵ", "W"}, {"ŵ", "w"},
		{"ÝŶŸȲ", "Y"}, {"ýÿŷȳ", "y"},
		{"ŹŻŽ", "Z"}, {"źżž", "z"},
		{"\t\u00a0\u2002\u2003\u2009\u202f", " "},
		{"‘’‚‛′`´", "'"},
		{"‐‑‒–—―−_", "-"},
		{"&", "+"},
	} {
		for _, r := range g.from {
			translit[r] = g.to
		}
	}
	for r, s := range map[rune]string{
		'Æ': "AE", 'æ': "ae", 'Œ': "OE", 'œ': "oe", 'Ĳ': "IJ", 'ĳ': "ij",
		'Þ': "TH", 'þ': "th", 'ß': "ss", 'ẞ': "SS", 'ŉ': "'n",
	} {
		translit[r] = s
	}
}

// inSEPASet reports whether r is in the EPC's basic Latin character set:
// a-z A-Z 0-9 / - ? : ( ) . , ' + and space.
func inSEPASet(r rune) bool {
	switch {
	case 'a' <= r && r <= 'z', 'A' <= r && r <= 'Z', '0' <= r && r <= '9':
		return true
	}
	return strings.ContainsRune("/-?:().,'+ ", r)
}

// SEPAText returns s in the SEPA character set: characters in the set are
// kept, accented Latin letters lose their accents (é -> e, ß -> ss),
// combining marks are dropped, and every other character becomes '.'.
// Leading and trailing spaces are removed. The result is ASCII, so its
// length in bytes is its length in characters.
func SEPAText(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch t, ok := translit[r]; {
		case inSEPASet(r):
			b.WriteRune(r)
		case ok:
			b.WriteString(t)
		case unicode.Is(unicode.Mn, r):
			// A combining accent of a decomposed letter: the letter is kept.
		default:
			b.WriteByte('.')
		}
	}
	return strings.TrimSpace(b.String())
}
