package payout

import (
	"fmt"
	"strings"

	"github.com/meent/meent/private"
)

// ibanCountry is what the IBAN registry says about one country.
type ibanCountry struct {
	length int  // characters of the whole IBAN
	sepa   bool // in the SEPA credit transfer scheme
}

// ibanCountries lists the SEPA countries and some of their neighbours, with
// the IBAN length of each (SWIFT IBAN registry). Territories that bank
// with a SEPA country (Åland, the French overseas departments, Jersey,
// Guernsey, the Isle of Man) use that country's IBANs.
var ibanCountries = map[string]ibanCountry{
	// SEPA: the EU and the EEA.
	"AT": {20, true}, "BE": {16, true}, "BG": {22, true}, "CY": {28, true}, "CZ": {24, true},
	"DE": {22, true}, "DK": {18, true}, "EE": {20, true}, "ES": {24, true}, "FI": {18, true},
	"FR": {27, true}, "GR": {27, true}, "HR": {21, true}, "HU": {28, true}, "IE": {22, true},
	"IS": {26, true}, "IT": {27, true}, "LI": {21, true}, "LT": {20, true}, "LU": {20, true},
	"LV": {21, true}, "MT": {31, true}, "NL": {18, true}, "NO": {15, true}, "PL": {28, true},
	"PT": {25, true}, "RO": {24, true}, "SE": {24, true}, "SI": {19, true}, "SK": {24, true},
	// SEPA: other participants.
	"AD": {24, true}, "CH": {21, true}, "GB": {22, true}, "GI": {23, true}, "MC": {27, true},
	"SM": {27, true}, "VA": {22, true},
	// SEPA: admitted by the EPC in 2023 and 2024.
	"AL": {28, true}, "MD": {24, true}, "ME": {22, true}, "MK": {19, true},
	// IBAN countries outside SEPA: valid for the CSV, refused by WriteSEPA.
	"AE": {23, false}, "AZ": {28, false}, "BA": {20, false}, "BH": {22, false}, "BR": {29, false},
	"CR": {22, false}, "DO": {28, false}, "EG": {29, false}, "FO": {18, false}, "GE": {22, false},
	"GL": {18, false}, "IL": {23, false}, "JO": {30, false}, "KW": {30, false}, "KZ": {20, false},
	"LB": {28, false}, "PK": {24, false}, "QA": {29, false}, "RS": {22, false}, "SA": {24, false},
	"TN": {24, false}, "TR": {26, false}, "UA": {29, false}, "XK": {20, false},
}

// NormalizeIBAN returns iban without spaces and in upper case, as banks
// print it in groups of four ("de89 3704 ..." -> "DE893704...").
func NormalizeIBAN(iban string) string {
	return asciiUpper(strings.ReplaceAll(strings.TrimSpace(iban), " ", ""))
}

// asciiUpper upper-cases ASCII letters only: strings.ToUpper would turn
// the dotless ı or the long ſ into I and S, and so accept them.
func asciiUpper(s string) string {
	return strings.Map(func(r rune) rune {
		if 'a' <= r && r <= 'z' {
			return r - 'a' + 'A'
		}
		return r
	}, s)
}

// CheckIBAN checks a normalized IBAN: a known country code, that
// country's length, letters and digits only, and the ISO 13616 mod-97
// check digits. The error says what is wrong, never the whole IBAN.
func CheckIBAN(iban string) error {
	if len(iban) < 5 {
		return fmt.Errorf("an IBAN has a country code, two check digits and the account; %d characters are too few", len(iban))
	}
	for i := 0; i < len(iban); i++ {
		c := iban[i]
		switch {
		case i < 2 && !('A' <= c && c <= 'Z'):
			return fmt.Errorf("an IBAN starts with a two-letter country code")
		case i >= 2 && i < 4 && !('0' <= c && c <= '9'):
			return fmt.Errorf("the check digits (characters 3 and 4) must be digits")
		case !('A' <= c && c <= 'Z' || '0' <= c && c <= '9'):
			return fmt.Errorf("character %d is not a letter or digit", i+1)
		}
	}
	c, ok := ibanCountries[iban[:2]]
	if !ok {
		return fmt.Errorf("unknown IBAN country %s", iban[:2])
	}
	if len(iban) != c.length {
		return fmt.Errorf("an IBAN of %s has %d characters, not %d", iban[:2], c.length, len(iban))
	}
	if cd := iban[2:4]; cd < "02" || cd > "98" || ibanMod97(iban) != 1 {
		return fmt.Errorf("the check digits do not match (a typing error?)")
	}
	return nil
}

// ibanMod97 computes the ISO 7064 mod 97-10 remainder of the IBAN with
// its first four characters moved to the end and letters as 10..35. It is
// the one implementation package private's personal-data detector uses too.
func ibanMod97(iban string) int { return private.IBANMod97(iban) }

// isSEPACountry reports whether the IBAN's country takes part in SEPA.
func isSEPACountry(iban string) bool {
	return len(iban) >= 2 && ibanCountries[iban[:2]].sepa
}

// NormalizeBIC returns bic trimmed and in upper case.
func NormalizeBIC(bic string) string { return asciiUpper(strings.TrimSpace(bic)) }

// CheckBIC checks a normalized BIC (ISO 9362, as the BICFI of ISO 20022):
// four letters or digits for the institution, a two-letter country, two
// letters or digits for the location, and an optional three-character
// branch code, so 8 or 11 characters.
func CheckBIC(bic string) error {
	if len(bic) != 8 && len(bic) != 11 {
		return fmt.Errorf("a BIC has 8 or 11 characters, not %d", len(bic))
	}
	for i := 0; i < len(bic); i++ {
		c := bic[i]
		letter := 'A' <= c && c <= 'Z'
		if i == 4 || i == 5 {
			if !letter {
				return fmt.Errorf("characters 5 and 6 of a BIC are its country code, two letters")
			}
		} else if !letter && !('0' <= c && c <= '9') {
			return fmt.Errorf("character %d of the BIC is not a letter or digit", i+1)
		}
	}
	return nil
}
