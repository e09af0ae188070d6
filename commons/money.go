package commons

import (
	"strconv"
	"strings"

	"github.com/meent/meent"
)

// Exponent returns the number of minor-unit digits of a currency (ISO
// 4217): 2 for most, 0 for currencies without minor units such as JPY, 3
// for the dinars. Codes it does not know (community currencies) get 2.
func Exponent(currency string) int {
	switch currency {
	case "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF", "XPF":
		return 0
	case "BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND":
		return 3
	case "CLF", "UYW":
		return 4
	}
	return 2
}

// Decimal writes an amount in minor units as a decimal in the currency's
// major unit, exactly: 123456 EUR is "1234.56", -5 EUR is "-0.05".
func (m Money) Decimal() string {
	e := Exponent(m.Currency)
	neg := m.Amount < 0
	u := uint64(m.Amount)
	if neg {
		u = -u
	}
	s := strconv.FormatUint(u, 10)
	if e > 0 {
		if len(s) <= e {
			s = strings.Repeat("0", e-len(s)+1) + s
		}
		s = s[:len(s)-e] + "." + s[len(s)-e:]
	}
	if neg {
		s = "-" + s
	}
	return s
}

// String is the amount and currency for people: "1234.56 EUR".
func (m Money) String() string { return m.Decimal() + " " + m.Currency }

// ParseMoney reads a non-negative decimal amount in a currency's major
// unit ("1234.56", "1234", "0.5") into minor units, exactly. More decimals
// than the currency has are refused, never rounded.
func ParseMoney(amount, currency string) (Money, error) {
	m := Money{Currency: currency}
	if err := CheckMoney(m, false); err != nil {
		return m, err
	}
	bad := func() (Money, error) {
		return m, meent.Errorf(meent.EINVALID, "amount %q is not a decimal number of %s with at most %d decimals", amount, currency, Exponent(currency))
	}
	whole, frac, dot := strings.Cut(amount, ".")
	e := Exponent(currency)
	if whole == "" || (dot && frac == "") || len(frac) > e || !allDigits(whole) || !allDigits(frac) {
		return bad()
	}
	frac += strings.Repeat("0", e-len(frac))
	v, err := strconv.ParseInt(whole+frac, 10, 64)
	if err != nil {
		return bad()
	}
	m.Amount = v
	return m, nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
