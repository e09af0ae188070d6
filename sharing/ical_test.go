package sharing_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/meent/meent/sharing"
)

// icsEvent is what the strict parser reads of a VEVENT.
type icsEvent map[string]string

// parseICS is a strict reader of what WriteICS promises (RFC 5545): CRLF
// line ends only, physical lines of at most 75 octets, folds of one
// space, valid UTF-8 in every line, name:value lines with upper-case
// names, BEGIN/END balanced, VCALENDAR with VERSION 2.0 and PRODID, each
// VEVENT with UID, DTSTAMP, DTSTART and DTEND in UTC form, TEXT escapes
// only \\ \; \, \n and no bare ; or , in TEXT. It returns the events with
// their TEXT values unescaped.
func parseICS(b []byte) (cal map[string]string, events []icsEvent, err error) {
	s := string(b)
	if !strings.HasSuffix(s, "\r\n") {
		return nil, nil, errors.New("does not end in CRLF")
	}
	phys := strings.Split(strings.TrimSuffix(s, "\r\n"), "\r\n")
	var logical []string
	for i, p := range phys {
		if strings.ContainsAny(p, "\r\n") {
			return nil, nil, fmt.Errorf("line %d: a bare CR or LF", i)
		}
		if len(p) > 75 {
			return nil, nil, fmt.Errorf("line %d: %d octets", i, len(p))
		}
		if !utf8.ValidString(p) {
			return nil, nil, fmt.Errorf("line %d: a UTF-8 character split by a fold", i)
		}
		if strings.HasPrefix(p, " ") {
			if len(logical) == 0 || len(p) == 1 {
				return nil, nil, fmt.Errorf("line %d: an empty or leading fold", i)
			}
			logical[len(logical)-1] += p[1:]
			continue
		}
		if strings.HasPrefix(p, "\t") {
			return nil, nil, fmt.Errorf("line %d: a tab fold (we write spaces)", i)
		}
		logical = append(logical, p)
	}
	var stack []string
	cal = map[string]string{}
	var cur icsEvent
	text := map[string]bool{"SUMMARY": true, "DESCRIPTION": true, "LOCATION": true, "X-WR-CALNAME": true, "X-WR-TIMEZONE": true}
	for i, l := range logical {
		name, value, ok := strings.Cut(l, ":")
		if !ok || name == "" || strings.ToUpper(name) != name || strings.ContainsAny(name, ";\"") {
			return nil, nil, fmt.Errorf("logical line %d: %q is not NAME:value", i, l)
		}
		switch name {
		case "BEGIN":
			if (value == "VCALENDAR") != (len(stack) == 0) || (value != "VCALENDAR" && value != "VEVENT") {
				return nil, nil, fmt.Errorf("BEGIN:%s at depth %d", value, len(stack))
			}
			stack = append(stack, value)
			if value == "VEVENT" {
				cur = icsEvent{}
			}
			continue
		case "END":
			if len(stack) == 0 || stack[len(stack)-1] != value {
				return nil, nil, fmt.Errorf("END:%s does not close %v", value, stack)
			}
			stack = stack[:len(stack)-1]
			if value == "VEVENT" {
				for _, req := range []string{"UID", "DTSTAMP", "DTSTART", "DTEND", "STATUS", "SUMMARY", "SEQUENCE"} {
					if _, ok := cur[req]; !ok {
						return nil, nil, fmt.Errorf("a VEVENT without %s", req)
					}
				}
				events = append(events, cur)
			}
			continue
		}
		if len(stack) == 0 {
			return nil, nil, fmt.Errorf("%s outside VCALENDAR", name)
		}
		if text[name] {
			v, err := unescape(value)
			if err != nil {
				return nil, nil, fmt.Errorf("%s: %v", name, err)
			}
			value = v
		}
		switch name {
		case "DTSTAMP", "DTSTART", "DTEND":
			if _, err := time.Parse("20060102T150405Z", value); err != nil {
				return nil, nil, fmt.Errorf("%s %q: %v", name, value, err)
			}
		case "STATUS":
			if value != "TENTATIVE" && value != "CONFIRMED" && value != "CANCELLED" {
				return nil, nil, fmt.Errorf("STATUS %q", value)
			}
		}
		target := cal
		if stack[len(stack)-1] == "VEVENT" {
			target = cur
		}
		if _, dup := target[name]; dup {
			return nil, nil, fmt.Errorf("%s twice", name)
		}
		target[name] = value
	}
	if len(stack) != 0 {
		return nil, nil, fmt.Errorf("unclosed %v", stack)
	}
	if cal["VERSION"] != "2.0" || cal["PRODID"] == "" {
		return nil, nil, errors.New("VCALENDAR without VERSION 2.0 or PRODID")
	}
	return cal, events, nil
}

func unescape(v string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch c {
		case '\\':
			if i+1 == len(v) {
				return "", errors.New("a trailing backslash")
			}
			i++
			switch v[i] {
			case '\\', ';', ',':
				b.WriteByte(v[i])
			case 'n', 'N':
				b.WriteByte('\n')
			default:
				return "", fmt.Errorf("escape \\%c", v[i])
			}
		case ';', ',':
			return "", fmt.Errorf("a bare %q", c)
		default:
			if c < 0x20 || c == 0x7f {
				return "", fmt.Errorf("control %#x", c)
			}
			b.WriteByte(c)
		}
	}
	return b.String(), nil
}

// clean is what a TEXT value can carry: valid UTF-8, no control
// characters but newlines.
func clean(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	return strings.Map(func(r rune) rune {
		if r == '\n' {
			return r
		}
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, s)
}

func TestICS(t *testing.T) {
	bk := func(id, status string, start int64) *sharing.Booking {
		return &sharing.Booking{ID: id, Status: status, Start: start, End: start + sharing.Hour, CreatedAt: t0, Updated: 7}
	}
	f := sharing.Feed{Name: "Laser, room 2; back", TimeZone: "Europe/Amsterdam", Host: "meent.example", Events: []sharing.FeedEvent{
		{Booking: bk("a", sharing.Confirmed, t0), Summary: "Lasersnijder – Ben", Location: "Werkplaats", Detail: "borden\nvoor de markt"},
		{Booking: bk("b", sharing.Cancelled, t0+sharing.Day), Summary: strings.Repeat("é", 80)},
		{Booking: bk("c", sharing.Requested, t0+2*sharing.Day), Summary: `a\b`},
	}}
	cal, evs, err := parseICS(f.ICS())
	if err != nil {
		t.Fatalf("%v\n%s", err, f.ICS())
	}
	if cal["X-WR-CALNAME"] != f.Name || len(evs) != 3 {
		t.Fatalf("calendar %v, %d events", cal, len(evs))
	}
	want := []map[string]string{
		{"UID": "a@meent.example", "DTSTART": "20260302T000000Z", "DTEND": "20260302T010000Z", "STATUS": "CONFIRMED", "SUMMARY": "Lasersnijder – Ben", "DESCRIPTION": "borden\nvoor de markt", "SEQUENCE": "7"},
		{"UID": "b@meent.example", "STATUS": "CANCELLED", "SUMMARY": strings.Repeat("é", 80)},
		{"UID": "c@meent.example", "STATUS": "TENTATIVE", "SUMMARY": `a\b`},
	}
	for i, w := range want {
		for k, v := range w {
			if evs[i][k] != v {
				t.Errorf("event %d: %s = %q, want %q", i, k, evs[i][k], v)
			}
		}
	}
}

// FuzzICS: whatever text the names, notes and places hold, the feed is
// strict iCalendar and gives back the text (as clean as it can be).
func FuzzICS(f *testing.F) {
	f.Add("Laser", "room 2", "note; with, all\\ kinds\nof\r\nlines", int64(0), uint8(0))
	f.Add(strings.Repeat("ü", 40), "", "\x00\x7f\t", int64(1)<<40, uint8(2))
	f.Add("\xff\xfe", ";;;", ",,,", int64(-5), uint8(1))
	f.Fuzz(func(t *testing.T, summary, location, detail string, start int64, status uint8) {
		start = t0 + start%(100*365*sharing.Day)
		st := []string{sharing.Confirmed, sharing.Cancelled, sharing.Requested, sharing.Out, sharing.Done}[int(status)%5]
		b := &sharing.Booking{ID: "x", Status: st, Start: start, End: start + sharing.Minute, CreatedAt: start, Updated: 1}
		feed := sharing.Feed{Name: summary, Events: []sharing.FeedEvent{{Booking: b, Summary: summary, Location: location, Detail: detail}}}
		cal, evs, err := parseICS(feed.ICS())
		if err != nil {
			t.Fatalf("%v\n%q", err, feed.ICS())
		}
		if len(evs) != 1 || evs[0]["SUMMARY"] != clean(summary) || cal["X-WR-CALNAME"] != clean(summary) {
			t.Fatalf("summary %q, want %q", evs[0]["SUMMARY"], clean(summary))
		}
		if location != "" && clean(location) != "" && evs[0]["LOCATION"] != clean(location) {
			t.Fatalf("location %q, want %q", evs[0]["LOCATION"], clean(location))
		}
		if detail != "" && clean(detail) != "" && evs[0]["DESCRIPTION"] != clean(detail) {
			t.Fatalf("detail %q, want %q", evs[0]["DESCRIPTION"], clean(detail))
		}
	})
}
