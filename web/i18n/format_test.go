package i18n

import (
	"testing"
	"time"

	"pgregory.net/rapid"
)

func locales(t *testing.T) (en, nl *Locale) {
	t.Helper()
	z, err := LoadZone("")
	if err != nil {
		t.Fatal(err)
	}
	return New(EN, z), New(NL, z)
}

func TestMoney(t *testing.T) {
	en, nl := locales(t)
	for _, c := range []struct {
		amount   int64
		currency string
		en, nl   string
	}{
		{2400000, "EUR", "€24,000.00", "€ 24.000,00"},
		{123456, "EUR", "€1,234.56", "€ 1.234,56"},
		{5, "EUR", "€0.05", "€ 0,05"},
		{0, "EUR", "€0.00", "€ 0,00"},
		{-500, "EUR", "-€5.00", "€ -5,00"},
		{-123456789, "EUR", "-€1,234,567.89", "€ -1.234.567,89"},
		{1234, "JPY", "¥1,234", "¥ 1.234"},
		{1234, "KWD", "KWD 1.234", "KWD 1,234"},
		{100000, "USD", "US$1,000.00", "US$ 1.000,00"},
		{1250, "XCR", "XCR 12.50", "XCR 12,50"}, // a community currency: its code
		{99, "CHF", "CHF 0.99", "CHF 0,99"},
	} {
		if got := en.Money(c.amount, c.currency); got != c.en {
			t.Errorf("en %d %s = %q, want %q", c.amount, c.currency, got, c.en)
		}
		if got := nl.Money(c.amount, c.currency); got != c.nl {
			t.Errorf("nl %d %s = %q, want %q", c.amount, c.currency, got, c.nl)
		}
	}
}

func TestNumbers(t *testing.T) {
	en, nl := locales(t)
	for _, c := range []struct {
		got, want string
	}{
		{en.Int(0), "0"}, {en.Int(999), "999"}, {en.Int(1000), "1,000"}, {nl.Int(1000), "1.000"},
		{en.Int(-1234567), "-1,234,567"}, {nl.Int(-1234567), "-1.234.567"},
		{en.Decimal(5, 3), "0.005"}, {nl.Decimal(123456789, 4), "12.345,6789"}, {nl.Decimal(42, 0), "42"},
		{en.Number("1234.5000"), "1,234.5000"}, {nl.Number("1234.5000"), "1.234,5000"}, {nl.Number("-0.25"), "-0,25"},
		{nl.Number("12"), "12"}, {nl.Number("33.333333%"), "33,333333%"}, {nl.Number("%"), "%"}, {nl.Number("n/a"), "n/a"}, {nl.Number("1."), "1."},
		{en.Percent(1, 3, 1), "33.3%"}, {nl.Percent(2, 3, 1), "66,7%"}, {nl.Percent(1, 8, 2), "12,50%"},
		{en.Percent(-1, 8, 0), "-13%"}, {en.Percent(1, 0, 1), "–"}, {nl.Percent(3, 3, 0), "100%"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

func TestDates(t *testing.T) {
	en, nl := locales(t)
	winter := time.Date(2026, 12, 5, 13, 3, 7, 123e6, time.UTC)
	summer := time.Date(2026, 7, 1, 22, 30, 59, 999e6, time.UTC) // after midnight in Amsterdam
	for _, c := range []struct{ got, want string }{
		{en.Date(winter), "5 December 2026"},
		{nl.Date(winter), "5 december 2026"},
		{en.DateTime(winter), "5 December 2026, 14:03 CET"},
		{nl.DateTime(winter), "5 december 2026 om 14:03 CET"},
		{en.DateTime(summer), "2 July 2026, 00:30 CEST"},
		{nl.DateTime(summer), "2 juli 2026 om 00:30 CEST"},
		{New(NL, nil).DateTime(winter), "5 december 2026 om 13:03 UTC"},
		{en.Duration(0), "ended"}, {nl.Duration(30), "minder dan een minuut"},
		{nl.Duration(310 * 60), "5 u 10 min"}, {en.Duration(86400 + 7200), "1 day 2 h"},
		{nl.Duration(6*86400 + 23*3600), "6 dagen 23 u"}, {en.Duration(6*86400 + 23*3600), "6 days 23 h"},
		{en.Minutes(150), "2 h 30 min"}, {nl.Minutes(120), "2 u"}, {nl.Minutes(45), "45 min"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

// TestMoneyRoundTrip: what Money writes, ParseMoney reads back to the same
// minor units, in every language, for any amount and currency exponent.
func TestMoneyRoundTrip(t *testing.T) {
	en, nl := locales(t)
	rapid.Check(t, func(t *rapid.T) {
		l := rapid.SampledFrom([]*Locale{en, nl}).Draw(t, "locale")
		cur := rapid.SampledFrom([]string{"EUR", "USD", "JPY", "KWD", "CLF", "XCR", "CHF", "GBP"}).Draw(t, "currency")
		n := rapid.Int64Range(-1<<62, 1<<62).Draw(t, "amount")
		s := l.Money(n, cur)
		got, err := l.ParseMoney(s, cur)
		if err != nil || got != n {
			t.Fatalf("%s: %d %s wrote %q, read back %d, %v", l.Lang, n, cur, s, got, err)
		}
	})
}

func TestParseMoneyRefuses(t *testing.T) {
	en, nl := locales(t)
	for _, c := range []struct {
		l *Locale
		s string
	}{
		{nl, "12.34"},   // an English decimal in Dutch is a wrongly grouped number
		{nl, "€ 1,234"}, // three decimals of a two-decimal currency: refused, not rounded
		{en, "1,23.00"}, {en, ""}, {en, "€"}, {en, "abc"}, {en, "1.2.3"}, {nl, "--5"}, {en, "99999999999999999999"},
	} {
		if v, err := c.l.ParseMoney(c.s, "EUR"); err == nil {
			t.Errorf("%s %q read as %d", c.l.Lang, c.s, v)
		}
	}
	if v, err := nl.ParseMoney("1234,5", "EUR"); err != nil || v != 123450 {
		t.Errorf("ungrouped Dutch input: %d, %v", v, err)
	}
}
