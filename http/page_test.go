package http

import (
	nethttp "net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	_ "github.com/jackc/pgx/v5/stdlib"
)

// FuzzCursor: a cursor is untrusted input. Decoding never panics, and a
// cursor it accepts holds only text the stores can take; the cursors the
// server makes are accepted back.
func FuzzCursor(f *testing.F) {
	f.Add(Cursor("contributions", "12", "ab12"))
	f.Add(Cursor("events", "7"))
	f.Add("")
	f.Add("!!")
	f.Add("WyJjb250cmlidXRpb25zIl0")
	f.Fuzz(func(t *testing.T, c string) {
		r := &nethttp.Request{URL: &url.URL{RawQuery: url.Values{"cursor": {c}}.Encode()}}
		q, err := queryPage(r, "contributions")
		if err != nil {
			return
		}
		for _, p := range q.after {
			if strings.IndexByte(p, 0) >= 0 || !utf8.ValidString(p) {
				t.Fatalf("accepted %q", p)
			}
		}
		if _, err := q.objectKey(); err == nil && q.after != nil {
			back := Cursor("contributions", q.after...)
			r.URL.RawQuery = url.Values{"cursor": {back}}.Encode()
			if q2, err := queryPage(r, "contributions"); err != nil || !slices.Equal(q2.after, q.after) {
				t.Fatalf("round trip of %q: %v", back, err)
			}
		}
	})
}
