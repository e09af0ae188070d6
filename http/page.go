package http

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	nethttp "net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/meent/meent"
)

// Paging. Every list of the API pages the same way (docs/api.md, "Lists"):
// ?limit= (1 to api.MaxLimit, default defaultLimit) and ?cursor=, an opaque
// string taken from the "next" member of the previous page. A page that
// ends the list has no "next". Cursors are keyset cursors (the position of
// the last item given, never an offset), so following them lists every
// item that existed throughout exactly once, in a stable order, however
// many are added meanwhile. Each page also carries a Link header with
// rel="next" (RFC 8288), so a list that is a bare JSON array can page too.
//
// A cursor is base64url (no padding) of a JSON array of strings; the first
// is the kind of list it belongs to, so a cursor of one list is refused by
// another. Clients must treat it as opaque: its form may change.

// PageQuery is the page a request asks for.
type PageQuery struct {
	Limit int
	after []string // the decoded position; nil on the first page
}

// queryPage reads ?limit= and ?cursor= for a list of kind list.
func queryPage(r *nethttp.Request, list string) (PageQuery, error) {
	limit, err := QueryLimit(r)
	if err != nil {
		return PageQuery{}, err
	}
	return CursorQuery(r.URL.Query().Get("cursor"), list, limit)
}

// CursorQuery is the page of limit items after cursor c of list; a web
// page with two lists reads each one's cursor from a parameter of its own.
func CursorQuery(c, list string, limit int) (PageQuery, error) {
	q := PageQuery{Limit: limit}
	if c == "" {
		return q, nil
	}
	bad := meent.Errorf(meent.EINVALID, "cursor is not one this list gave; start again without it")
	raw, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil || len(raw) > 4096 {
		return q, bad
	}
	var parts []string
	if err := json.Unmarshal(raw, &parts); err != nil || len(parts) < 2 || parts[0] != list {
		return q, bad
	}
	// The parts go into SQL as values: PostgreSQL refuses NUL bytes (a
	// 500 rather than a 400), and encoding/json would have turned invalid
	// UTF-8 into U+FFFD, so such a cursor was never one a page gave.
	for _, p := range parts {
		if len(p) > 256 || strings.IndexByte(p, 0) >= 0 || strings.ContainsRune(p, utf8.RuneError) {
			return q, bad
		}
	}
	q.after = parts[1:]
	return q, nil
}

// Cursor encodes the position after which the next page of list starts.
func Cursor(list string, pos ...string) string {
	b, _ := json.Marshal(append([]string{list}, pos...))
	return base64.RawURLEncoding.EncodeToString(b)
}

// objectKey reads the position of an object listing from a page query:
// its creation index and ID.
func (q PageQuery) objectKey() (*meent.ObjectKey, error) {
	if q.after == nil {
		return nil, nil
	}
	if len(q.after) != 2 {
		return nil, meent.Errorf(meent.EINVALID, "cursor is not one this list gave; start again without it")
	}
	n, err := strconv.ParseInt(q.after[0], 10, 64)
	if err != nil {
		return nil, meent.Errorf(meent.EINVALID, "cursor is not one this list gave; start again without it")
	}
	return &meent.ObjectKey{Created: n, ID: q.after[1]}, nil
}

// objectCursor is the cursor after an object in a listing of objects.
func objectCursor(list string, o meent.Object) string {
	return Cursor(list, strconv.FormatInt(o.Created, 10), o.ID)
}

// index reads the position of a listing by log index (events, activity,
// agents): one integer.
func (q PageQuery) index() (int64, bool, error) {
	if q.after == nil {
		return 0, false, nil
	}
	if len(q.after) != 1 {
		return 0, false, meent.Errorf(meent.EINVALID, "cursor is not one this list gave; start again without it")
	}
	n, err := strconv.ParseInt(q.after[0], 10, 64)
	if err != nil || n < 0 {
		return 0, false, meent.Errorf(meent.EINVALID, "cursor is not one this list gave; start again without it")
	}
	return n, true, nil
}

// indexCursor is the cursor of a listing by log index.
func indexCursor(list string, n int64) string { return Cursor(list, strconv.FormatInt(n, 10)) }

// PageObjects reads the page q of the objects f selects, in f's order,
// decoded as T, keeping those keep accepts (all when keep is nil). It reads
// the store in batches from the cursor on until the page is full or the
// objects end, and returns the cursor of the next page ("" at the end).
// A keep that returns false for all visits every object once.
func PageObjects[T any](o *Objects, f meent.ObjectFilter, q PageQuery, list string, keep func(*T) bool) ([]*T, string, error) {
	after, err := q.objectKey()
	if err != nil {
		return nil, "", err
	}
	f.After = after
	f.Limit = q.Limit
	if keep != nil {
		f.Limit = ScanLimit
	}
	var out []*T
	for {
		objs, err := o.store.Objects(o.ctx, f)
		if err != nil {
			return nil, "", err
		}
		for _, obj := range objs {
			v, err := DecodeObject[T](obj)
			if err != nil {
				return nil, "", err
			}
			o.Put(obj.Kind, obj.ID, v)
			if keep != nil && !keep(v) {
				continue
			}
			out = append(out, v)
			if len(out) == q.Limit {
				return out, objectCursor(list, obj), nil
			}
		}
		if len(objs) < f.Limit {
			return out, "", nil
		}
		last := objs[len(objs)-1]
		f.After = &meent.ObjectKey{Created: last.Created, ID: last.ID}
	}
}

// pageSlice pages a list built in memory, sorted by a unique key: the page
// holds the items after the cursor's key. keyOf must be strictly monotonic
// along items (ascending by its string).
func pageSlice[T any](items []T, q PageQuery, list string, keyOf func(T) string) ([]T, string, error) {
	start := 0
	if q.after != nil {
		if len(q.after) != 1 {
			return nil, "", meent.Errorf(meent.EINVALID, "cursor is not one this list gave; start again without it")
		}
		for start < len(items) && keyOf(items[start]) <= q.after[0] {
			start++
		}
	}
	end := min(start+q.Limit, len(items))
	next := ""
	if end < len(items) {
		next = Cursor(list, keyOf(items[end-1]))
	}
	return items[start:end], next, nil
}

// setNext sets the Link header of a page that has a next one.
func setNext(w nethttp.ResponseWriter, r *nethttp.Request, next string) {
	if next == "" {
		return
	}
	u := *r.URL
	q := u.Query()
	q.Set("cursor", next)
	u.RawQuery = q.Encode()
	w.Header().Add("Link", "<"+(&url.URL{Path: u.Path, RawQuery: u.RawQuery}).String()+`>; rel="next"`)
}

// PageTwo pages a document made of two lists built in memory, each sorted
// ascending by a unique key (an import's commits and identities, a
// payout's lines to pay and to carry): one cursor holds the position in
// both, each page holds at most q.Limit items of each, and the document
// has a next page while either list has more. Each list on its own is a
// keyset listing, so following the cursors gives every item of both
// exactly once. It returns the bounds of the page in a and in b.
func PageTwo(q PageQuery, list string, na, nb int, keyA, keyB func(int) string) (a0, a1, b0, b1 int, next string, err error) {
	var posA, posB string
	if q.after != nil {
		if len(q.after) != 2 {
			return 0, 0, 0, 0, "", meent.Errorf(meent.EINVALID, "cursor is not one this list gave; start again without it")
		}
		posA, posB = q.after[0], q.after[1]
		// Binary search would do; the lists are in memory already and a
		// linear skip keeps the comparison in one place.
		for a0 < na && keyA(a0) <= posA {
			a0++
		}
		for b0 < nb && keyB(b0) <= posB {
			b0++
		}
	}
	a1, b1 = min(a0+q.Limit, na), min(b0+q.Limit, nb)
	if a1 < na || b1 < nb {
		if a1 > a0 {
			posA = keyA(a1 - 1)
		}
		if b1 > b0 {
			posB = keyB(b1 - 1)
		}
		next = Cursor(list, posA, posB)
	}
	return a0, a1, b0, b1, next, nil
}

// Every reads every object f selects that keep accepts (all when keep is
// nil), in f's order, in batches through the store's keyset cursor. It is
// for documents that must be complete, such as an export, never for a
// page: a list that stopped at a batch would be silently short.
func Every[T any](o *Objects, f meent.ObjectFilter, keep func(*T) bool) ([]*T, error) {
	var out []*T
	_, _, err := PageObjects(o, f, PageQuery{Limit: math.MaxInt}, "", func(v *T) bool {
		if keep == nil || keep(v) {
			out = append(out, v)
		}
		return false // pageObjects reads on to the end
	})
	return out, err
}

// After is the position q's cursor names, nil on the first page.
func (q PageQuery) After() []string { return q.after }

// First says whether q asks for the first page of its list.
func (q PageQuery) First() bool { return q.after == nil }

// DescKey is a key of PageSlice for a list newest first by a number: keys
// must ascend along the list, so the number is counted down from the
// largest and zero-padded.
func DescKey(n int64) string { return fmt.Sprintf("%019d", math.MaxInt64-n) }
