package private

import "strings"

// Finding is personal data found in a text: its kind and where it is.
type Finding struct {
	Kind       string // KindIBAN, KindEmail or KindPhone
	Start, End int    // byte offsets in the text
}

// Kinds of personal data the detector finds.
const (
	KindIBAN  = "IBAN"
	KindEmail = "e-mail address"
	KindPhone = "telephone number"
)

// Article returns kind with its indefinite article: "an IBAN", "a
// telephone number".
func Article(kind string) string {
	if kind != "" && strings.IndexByte("AEIOUaeiou", kind[0]) >= 0 {
		return "an " + kind
	}
	return "a " + kind
}

// Detect returns the first IBAN, e-mail address or telephone number in s,
// if any. It is the one check every public free-text member passes (see
// Screen).
//
// An IBAN is two letters, two check digits and the account, written
// compact or in groups separated by single spaces, of the length the
// IBAN registry gives its country, whose ISO 7064 mod 97-10 check holds
// (so a random code is taken for an IBAN about once in 97 times only if it
// already has a country's exact length and shape). Case is ignored, as
// people type IBANs in lower case too.
//
// An e-mail address is local@domain with a dot in the domain and a
// top-level label of two or more letters. A URL's user info
// ("ssh://git@host/...") and a git remote ("git@host:org/repo") are not
// addresses: they name an account on a host, not a person's mailbox.
//
// A telephone number is written internationally, "+" and 8 to 15 digits
// (E.164) in groups separated by single spaces, hyphens, dots or a
// parenthesised group ("+31 6 1234 5678", "+44 (0)20 7946 0958"), or as a
// Dutch mobile number, "06" and 8 digits, with at most one space or hyphen
// after the 06 ("06-12345678"). Both start at a word boundary (the 06
// form not after a hyphen, dot, slash or underscore, which join numbers)
// and end before anything but a digit. Other national forms (a landline
// "020-1234567") are not taken: they cannot be told from the reference
// numbers people write in the same fields.
//
// The detector catches accidents and habits (pasting the payment line of
// a bank statement), not someone determined to publish ("maya at example
// dot org"): those the docs ask people not to do, and moderation handles.
func Detect(s string) (Finding, bool) {
	if f, ok := detectIBAN(s); ok {
		return f, true
	}
	if f, ok := detectEmail(s); ok {
		return f, true
	}
	return detectPhone(s)
}

// detectPhone looks for a telephone number (see Detect).
func detectPhone(s string) (Finding, bool) {
	for i := 0; i < len(s); i++ {
		if i > 0 && (isAlnum(s[i-1]) || s[i-1] == '+') {
			continue
		}
		if s[i] == '+' {
			if end, digits := phoneDigits(s, i+1); digits >= 8 && digits <= 15 && s[i+1] != '0' {
				return Finding{Kind: KindPhone, Start: i, End: end}, true
			}
			continue
		}
		// 06 starts a number only after a space or punctuation that does
		// not join numbers ("2026-0612345678" is one reference).
		if strings.HasPrefix(s[i:], "06") && (i == 0 || strings.IndexByte("-./_", s[i-1]) < 0) {
			j := i + 2
			if j < len(s) && (s[j] == ' ' || s[j] == '-') {
				j++
			}
			k := j
			for k < len(s) && isDigit(s[k]) {
				k++
			}
			if k-j == 8 && (k == len(s) || !isAlnum(s[k])) {
				return Finding{Kind: KindPhone, Start: i, End: k}, true
			}
		}
	}
	return Finding{}, false
}

// phoneDigits reads digit groups from s[i:], separated by one space,
// hyphen or dot, or a parenthesised group, and returns where they end and
// how many digits they hold; the number must run up to a non-digit.
func phoneDigits(s string, i int) (end, digits int) {
	end = i
	for i < len(s) {
		switch c := s[i]; {
		case isDigit(c):
			digits++
			i++
			end = i
		case (c == ' ' || c == '-' || c == '.') && digits > 0 && i+1 < len(s) && (isDigit(s[i+1]) || s[i+1] == '('):
			i++
		case c == '(' && digits > 0:
			j := i + 1
			for j < len(s) && isDigit(s[j]) {
				j++
			}
			if j == i+1 || j >= len(s) || s[j] != ')' || j+1 >= len(s) || !(isDigit(s[j+1]) || s[j+1] == ' ') {
				return end, digits
			}
			// The (0) of a national prefix is not dialled: not counted.
			if s[i+1:j] != "0" {
				digits += j - i - 1
			}
			i = j + 1
		default:
			if isAlnum(c) {
				return end, 0 // runs on into a word: not a number
			}
			return end, digits
		}
	}
	return end, digits
}

func isAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func upper(c byte) byte {
	if 'a' <= c && c <= 'z' {
		return c - 'a' + 'A'
	}
	return c
}

// detectIBAN looks for an IBAN starting at a word boundary.
func detectIBAN(s string) (Finding, bool) {
	for i := 0; i+4 <= len(s); i++ {
		if i > 0 && isAlnum(s[i-1]) {
			continue
		}
		if !isLetter(s[i]) || !isLetter(s[i+1]) || !isDigit(s[i+2]) || !isDigit(s[i+3]) {
			continue
		}
		want, ok := ibanLengths[string([]byte{upper(s[i]), upper(s[i+1])})]
		if !ok {
			continue
		}
		// Collect up to want alphanumerics, allowing one space between
		// groups; the IBAN must end there, at a boundary.
		compact := make([]byte, 0, 34)
		j := i
		for j < len(s) && len(compact) < want {
			c := s[j]
			if isAlnum(c) {
				compact = append(compact, upper(c))
				j++
				continue
			}
			if c == ' ' && j+1 < len(s) && isAlnum(s[j+1]) && j > i && isAlnum(s[j-1]) {
				j++
				continue
			}
			break
		}
		if len(compact) != want || j < len(s) && isAlnum(s[j]) {
			continue
		}
		if ValidIBAN(string(compact)) {
			return Finding{Kind: KindIBAN, Start: i, End: j}, true
		}
	}
	return Finding{}, false
}

// ValidIBAN reports whether iban (compact, upper case) has a registered
// country, that country's length, letters and digits only, check digits
// 02 to 98, and a mod 97-10 remainder of 1.
func ValidIBAN(iban string) bool {
	if len(iban) < 5 || !isLetter(iban[0]) || !isLetter(iban[1]) || !isDigit(iban[2]) || !isDigit(iban[3]) {
		return false
	}
	if n, ok := ibanLengths[iban[:2]]; !ok || n != len(iban) {
		return false
	}
	for i := 0; i < len(iban); i++ {
		if !('A' <= iban[i] && iban[i] <= 'Z' || isDigit(iban[i])) {
			return false
		}
	}
	cd := iban[2:4]
	return cd >= "02" && cd <= "98" && IBANMod97(iban) == 1
}

// IBANMod97 computes the ISO 7064 mod 97-10 remainder of an IBAN (upper
// case letters and digits, at least 4 characters) with its first four
// characters moved to the end and letters as 10..35. A valid IBAN gives 1.
func IBANMod97(iban string) int {
	r := 0
	for _, c := range iban[4:] + iban[:4] {
		if c >= 'A' {
			r = (r*100 + int(c-'A'+10)) % 97
		} else {
			r = (r*10 + int(c-'0')) % 97
		}
	}
	return r
}

// IBANLength returns the length of the IBANs of a country (two upper-case
// letters), and whether the registry knows the country.
func IBANLength(country string) (int, bool) {
	n, ok := ibanLengths[country]
	return n, ok
}

// ibanLengths is the IBAN length of every country in the SWIFT IBAN
// registry (release 99, 2024). A wider list than payout's, which only
// needs the countries a treasurer pays into: here any real IBAN counts.
var ibanLengths = map[string]int{
	"AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BI": 27,
	"BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DJ": 27, "DK": 18, "DO": 28,
	"EE": 20, "EG": 29, "ES": 24, "FI": 18, "FK": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23,
	"GL": 18, "GR": 27, "GT": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26, "IT": 27,
	"JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "LY": 25,
	"MC": 27, "MD": 24, "ME": 22, "MK": 19, "MN": 20, "MR": 27, "MT": 31, "MU": 30, "NI": 28, "NL": 18,
	"NO": 15, "OM": 23, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "RU": 33,
	"SA": 24, "SC": 31, "SD": 18, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "SO": 23, "ST": 25, "SV": 28,
	"TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20, "YE": 30,
}

func isLocalChar(c byte) bool {
	return isAlnum(c) || strings.IndexByte("._%+-'", c) >= 0
}

func isDomainChar(c byte) bool { return isAlnum(c) || c == '-' || c == '.' }

// detectEmail looks for local@domain.tld.
func detectEmail(s string) (Finding, bool) {
	for at := strings.IndexByte(s, '@'); at >= 0; {
		if f, ok := emailAt(s, at); ok {
			return f, true
		}
		next := strings.IndexByte(s[at+1:], '@')
		if next < 0 {
			break
		}
		at += 1 + next
	}
	return Finding{}, false
}

func emailAt(s string, at int) (Finding, bool) {
	start := at
	for start > 0 && isLocalChar(s[start-1]) {
		start--
	}
	for start < at && (s[start] == '.' || s[start] == '\'') { // not part of an address
		start++
	}
	if start == at {
		return Finding{}, false
	}
	end := at + 1
	for end < len(s) && isDomainChar(s[end]) {
		end++
	}
	for end > at+1 && (s[end-1] == '.' || s[end-1] == '-') { // a full stop ends the sentence
		end--
	}
	domain := s[at+1 : end]
	dot := strings.LastIndexByte(domain, '.')
	if dot <= 0 || strings.Contains(domain, "..") || domain[0] == '-' {
		return Finding{}, false
	}
	tld := domain[dot+1:]
	if len(tld) < 2 {
		return Finding{}, false
	}
	for i := 0; i < len(tld); i++ {
		if !isLetter(tld[i]) {
			return Finding{}, false
		}
	}
	// A URL's user info, or an scp-style git remote, names an account on
	// a host: "ssh://git@github.com/...", "git@github.com:org/repo".
	if start >= 3 && s[start-3:start] == "://" {
		return Finding{}, false
	}
	if end < len(s) && s[end] == ':' && end+1 < len(s) && s[end+1] != ' ' {
		return Finding{}, false
	}
	return Finding{Kind: KindEmail, Start: start, End: end}, true
}
