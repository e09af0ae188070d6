package breadfund

import (
	"fmt"
	"time"
)

// Dates and periods are UTC calendar days and months. A fund's rules
// count in whole months: a claim receives a month's gift when it is open
// on the month's first day and that day is past its waiting period.

const day = 24 * 60 * 60 * 1000 // ms

// ParseDate reads "2026-03-05" as the ms of that day's start (UTC).
func ParseDate(s string) (int64, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil || t.Format(time.DateOnly) != s {
		return 0, refuse("%q is not a date written as 2026-03-05", s)
	}
	return t.UnixMilli(), nil
}

// ParsePeriod reads "2026-03" as the ms of the month's first day (UTC).
func ParsePeriod(s string) (int64, error) {
	t, err := time.Parse("2006-01", s)
	if err != nil || t.Format("2006-01") != s {
		return 0, refuse("%q is not a month written as 2026-03", s)
	}
	return t.UnixMilli(), nil
}

// PeriodOf returns the month that ms falls in, as "2026-03".
func PeriodOf(ms int64) string { return time.UnixMilli(ms).UTC().Format("2006-01") }

// DateOf returns the day that ms falls in, as "2026-03-05".
func DateOf(ms int64) string { return time.UnixMilli(ms).UTC().Format(time.DateOnly) }

// NextPeriod returns the month after p ("2026-12" → "2027-01").
func NextPeriod(p string) string {
	t, _ := time.Parse("2006-01", p)
	return t.AddDate(0, 1, 0).Format("2006-01")
}

func monthOf(ms int64) int { return int(time.UnixMilli(ms).UTC().Month()) }
func yearOf(ms int64) int  { return time.UnixMilli(ms).UTC().Year() }

func periodYear(p string) string { return p[:4] }

func yearString(y int) string { return fmt.Sprintf("%04d", y) }
