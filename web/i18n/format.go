package i18n

import (
	"errors"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // the default zone must load on a machine without a zoneinfo database (a scratch container)

	"github.com/meent/meent/commons"
)

// DefaultZone is the time zone pages show times in unless the node is
// configured otherwise: the community this was first written for is Dutch.
const DefaultZone = "Europe/Amsterdam"

// Locale formats for one language in one time zone. It is cheap to make
// and safe for concurrent use.
type Locale struct {
	Lang Lang
	Zone *time.Location
	// ISOMoney makes PageMoney write amounts as the API does, "1200.00
	// EUR", rather than as the language does, "€1,200.00". The English
	// pages keep it for now: the page tests of the areas pin that form,
	// and changing them is the web interface issue's step, not this one's.
	ISOMoney bool
	f        format
}

// format is what differs between languages in numbers and dates.
type format struct {
	decimal, group string
	months         [12]string
	// moneySpace puts a space between the currency sign and the amount:
	// "€ 24.000,00" in Dutch, "€24,000.00" in English.
	moneySpace bool
	// dateTime joins a date and a time: "5 december 2026 om 14:03".
	at string
}

var formats = map[Lang]format{
	EN: {decimal: ".", group: ",", at: ", ",
		months: [12]string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}},
	NL: {decimal: ",", group: ".", moneySpace: true, at: " om ",
		months: [12]string{"januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"}},
}

// New returns the locale of a language in a zone; a nil zone is UTC, an
// unknown language the default one.
func New(l Lang, zone *time.Location) *Locale {
	if _, ok := formats[l]; !ok {
		l = Default
	}
	if zone == nil {
		zone = time.UTC
	}
	return &Locale{Lang: l, Zone: zone, f: formats[l]}
}

// LoadZone loads a zone by its IANA name, DefaultZone when name is empty.
// The tz database is compiled in, so this needs no files.
func LoadZone(name string) (*time.Location, error) {
	if name == "" {
		name = DefaultZone
	}
	return time.LoadLocation(name)
}

// Int writes an integer with the language's digit grouping: 1,234,567 or 1.234.567.
func (l *Locale) Int(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	s = l.group(s)
	if neg {
		return "-" + s
	}
	return s
}

func (l *Locale) group(digits string) string {
	if len(digits) <= 3 {
		return digits
	}
	var b strings.Builder
	first := len(digits) % 3
	if first > 0 {
		b.WriteString(digits[:first])
	}
	for i := first; i < len(digits); i += 3 {
		if b.Len() > 0 {
			b.WriteString(l.f.group)
		}
		b.WriteString(digits[i : i+3])
	}
	return b.String()
}

// Decimal writes n units of 10^-exp exactly, with exp decimals: Decimal(123456, 2)
// is "1,234.56" in English and "1.234,56" in Dutch. No float is involved.
func (l *Locale) Decimal(n int64, exp int) string {
	neg := n < 0
	u := uint64(n)
	if neg {
		u = -u
	}
	s := strconv.FormatUint(u, 10)
	if exp > 0 && len(s) <= exp {
		s = strings.Repeat("0", exp-len(s)+1) + s
	}
	whole, frac := s[:len(s)-max(exp, 0)], s[len(s)-max(exp, 0):]
	out := l.group(whole)
	if frac != "" {
		out += l.f.decimal + frac
	}
	if neg {
		out = "-" + out
	}
	return out
}

// Number localises a plain decimal string such as big.Rat.FloatString
// writes ("-1234.5000", or "33.3%"): grouping and the decimal sign of the language.
// Anything that is not such a string comes back unchanged.
func (l *Locale) Number(s string) string {
	if p, ok := strings.CutSuffix(s, "%"); ok && p != "" && p[len(p)-1] != '%' {
		return l.Number(p) + "%" // a share: "33.333333%"
	}
	neg := strings.HasPrefix(s, "-")
	body := strings.TrimPrefix(s, "-")
	whole, frac, dot := strings.Cut(body, ".")
	if whole == "" || !digits(whole) || (dot && (frac == "" || !digits(frac))) {
		return s
	}
	out := l.group(whole)
	if dot {
		out += l.f.decimal + frac
	}
	if neg {
		out = "-" + out
	}
	return out
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// Percent writes num/den as a percentage with the given decimals, rounded
// half away from zero, exactly: Percent(1, 3, 1) is "33.3%" or "33,3%".
func (l *Locale) Percent(num, den int64, decimals int) string {
	if den == 0 {
		return "–"
	}
	scale := int64(100)
	for range decimals {
		scale *= 10
	}
	// Rounded num*scale/den without overflow for the sizes pages show.
	p := num * scale
	q, r := p/den, p%den
	if 2*abs(r) >= abs(den) {
		if (p < 0) != (den < 0) {
			q--
		} else {
			q++
		}
	}
	return l.Decimal(q, decimals) + "%"
}

func abs(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}

// symbols are the currency signs people read instead of codes; other
// currencies (community currencies among them) show their code.
var symbols = map[string]string{"EUR": "€", "USD": "US$", "GBP": "£", "JPY": "¥", "CHF": "CHF"}

// Money writes an amount in minor units of a currency (commons.Money
// semantics: exact integers, commons.Exponent decimals): €24,000.00 and
// -€5.00 in English, € 24.000,00 and € -5,00 in Dutch. A currency
// without a sign shows its code, always with a space: "XCR 12.50".
func (l *Locale) Money(amount int64, currency string) string {
	sign, ok := symbols[currency]
	space := l.f.moneySpace
	if !ok || len(sign) > 2 && sign == currency {
		sign, space = currency, true
	}
	num := l.Decimal(amount, commons.Exponent(currency))
	sep := ""
	if space {
		sep = " "
	}
	if l.Lang == EN && amount < 0 {
		return "-" + sign + sep + strings.TrimPrefix(num, "-")
	}
	return sign + sep + num
}

// PageMoney is Money, or the API's "1200.00 EUR" when ISOMoney is set.
func (l *Locale) PageMoney(amount int64, currency string) string {
	if l.ISOMoney {
		return commons.Money{Amount: amount, Currency: currency}.String()
	}
	return l.Money(amount, currency)
}

// ErrMoney is returned by ParseMoney for text that is not an amount.
var ErrMoney = errors.New("not an amount in this language")

// ParseMoney reads what Money wrote (or the same amount typed by a
// person in this language, sign and grouping optional) back into minor
// units, exactly: more decimals than the currency has are refused, never
// rounded.
func (l *Locale) ParseMoney(s, currency string) (int64, error) {
	s = strings.TrimSpace(s)
	neg := false
	if r, ok := strings.CutPrefix(s, "-"); ok {
		neg, s = true, strings.TrimSpace(r)
	}
	sign := symbols[currency]
	for _, p := range []string{sign, currency} {
		if p != "" {
			if r, ok := strings.CutPrefix(s, p); ok {
				s = strings.TrimSpace(r)
				break
			}
		}
	}
	if r, ok := strings.CutPrefix(s, "-"); ok && !neg {
		neg, s = true, r
	}
	whole, frac, dot := strings.Cut(s, l.f.decimal)
	exp := commons.Exponent(currency)
	if dot && (frac == "" || len(frac) > exp || !digits(frac)) {
		return 0, ErrMoney
	}
	if whole == "" {
		return 0, ErrMoney
	}
	if strings.Contains(whole, l.f.group) {
		// Grouping, where given, must be right: "1.234" but not "12.34" in Dutch.
		parts := strings.Split(whole, l.f.group)
		for i, p := range parts {
			if !digits(p) || (i > 0 && len(p) != 3) || (i == 0 && len(p) > 3) {
				return 0, ErrMoney
			}
		}
		whole = strings.Join(parts, "")
	}
	if !digits(whole) {
		return 0, ErrMoney
	}
	frac += strings.Repeat("0", exp-len(frac))
	v, err := strconv.ParseInt(whole+frac, 10, 64)
	if err != nil {
		return 0, ErrMoney
	}
	if neg {
		v = -v
	}
	return v, nil
}

// Date writes the day in the locale's zone: "5 December 2026", "5 december 2026".
func (l *Locale) Date(t time.Time) string {
	t = t.In(l.Zone)
	return strconv.Itoa(t.Day()) + " " + l.f.months[t.Month()-1] + " " + strconv.Itoa(t.Year())
}

// DateTime writes a moment to the minute in the locale's zone, with the
// zone: "5 December 2026, 14:03 CET", "5 december 2026 om 14:03 CET".
// Seconds and milliseconds are for machines: the <time datetime> next to
// it and the API keep them.
func (l *Locale) DateTime(t time.Time) string {
	t = t.In(l.Zone)
	return l.Date(t) + l.f.at + t.Format("15:04 MST")
}

// Duration writes a span of whole seconds for people, at most two units:
// "6 days 23 h" or "6 dagen 23 u", "5 h 10 min", "under a minute".
func (l *Locale) Duration(sec int64) string {
	switch {
	case sec <= 0:
		return l.T("time.ended")
	case sec < 60:
		return l.T("time.under_minute")
	case sec < 3600:
		return l.T("time.min", "n", sec/60)
	case sec < 86400:
		return l.T("time.h_min", "h", sec/3600, "min", sec%3600/60)
	}
	return l.N("time.days_h", sec/86400, "h", sec%86400/3600)
}

// Minutes writes an amount of work time: "2 h 30 min" or "2 u 30 min".
func (l *Locale) Minutes(m int64) string {
	switch {
	case m < 60:
		return l.T("time.min", "n", m)
	case m%60 == 0:
		return l.T("time.h", "h", m/60)
	}
	return l.T("time.h_min", "h", m/60, "min", m%60)
}
