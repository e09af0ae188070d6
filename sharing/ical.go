package sharing

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Calendar feeds in iCalendar (RFC 5545), one VEVENT per booking. The feed
// is computed from the bookings alone, so two reads of one state give the
// same bytes. A cancelled booking stays in the feed with STATUS:CANCELLED
// (and a booking ended early with its new end), so that a calendar app
// that saw it before updates it rather than keeping a stale one: the UID
// is the booking's ID, and SEQUENCE grows with every change (it is the
// log index of the booking's last change).

// FeedEvent is one booking as a feed shows it.
type FeedEvent struct {
	Booking  *Booking
	Summary  string // what the calendar shows: the resource's name, or who booked it
	Location string
	Detail   string // the description: the note, the item, the condition
}

// Feed is one calendar: a resource's or a person's.
type Feed struct {
	Name     string // X-WR-CALNAME
	TimeZone string // the catalogue's zone, a hint for display (X-WR-TIMEZONE); times are UTC
	Host     string // the node's host, for the UIDs ("meent.example")
	Events   []FeedEvent
}

// WriteICS writes the feed as an iCalendar object (RFC 5545): CRLF line
// ends (§3.1), lines folded at 75 octets without splitting a UTF-8
// character (§3.1), TEXT values escaped (§3.3.11), times in UTC
// (§3.3.5, form 2). Text is cleaned of control characters other than
// newlines, which the format cannot carry.
func (f *Feed) WriteICS(b *strings.Builder) {
	line := func(name, value string) { writeLine(b, name+":"+value) }
	line("BEGIN", "VCALENDAR")
	line("VERSION", "2.0")
	line("PRODID", "-//meent//sharing//EN")
	line("CALSCALE", "GREGORIAN")
	line("METHOD", "PUBLISH")
	if f.Name != "" {
		line("X-WR-CALNAME", escapeText(f.Name))
	}
	if f.TimeZone != "" {
		line("X-WR-TIMEZONE", escapeText(f.TimeZone))
	}
	for _, e := range f.Events {
		bk := e.Booking
		line("BEGIN", "VEVENT")
		line("UID", bk.ID+"@"+cmpOr(f.Host, "meent"))
		line("DTSTAMP", utc(bk.CreatedAt))
		line("DTSTART", utc(bk.Start))
		line("DTEND", utc(bk.End))
		line("SEQUENCE", strconv.FormatInt(bk.Updated, 10))
		line("STATUS", icsStatus(bk.Status))
		line("SUMMARY", escapeText(e.Summary))
		if e.Location != "" {
			line("LOCATION", escapeText(e.Location))
		}
		if e.Detail != "" {
			line("DESCRIPTION", escapeText(e.Detail))
		}
		line("END", "VEVENT")
	}
	line("END", "VCALENDAR")
}

// ICS returns the feed as iCalendar bytes.
func (f *Feed) ICS() []byte {
	var b strings.Builder
	f.WriteICS(&b)
	return []byte(b.String())
}

func icsStatus(s string) string {
	switch s {
	case Requested:
		return "TENTATIVE"
	case Cancelled:
		return "CANCELLED"
	}
	return "CONFIRMED"
}

func utc(ms int64) string { return time.UnixMilli(ms).UTC().Format("20060102T150405Z") }

// escapeText escapes a TEXT value (RFC 5545 §3.3.11): backslash,
// semicolon, comma and newline; other control characters are dropped.
func escapeText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\\':
			b.WriteString(`\\`)
		case r == ';':
			b.WriteString(`\;`)
		case r == ',':
			b.WriteString(`\,`)
		case r == '\n':
			b.WriteString(`\n`)
		case r < 0x20 || r == 0x7f:
			// dropped: CR, tabs and other controls
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// writeLine writes one content line, folded: at most 75 octets per
// physical line, the continuation lines starting with one space.
func writeLine(b *strings.Builder, s string) {
	limit := 75
	for len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		b.WriteString(s[:cut])
		b.WriteString("\r\n ")
		s = s[cut:]
		limit = 74 // the leading space counts
	}
	b.WriteString(s)
	b.WriteString("\r\n")
}
