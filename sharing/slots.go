package sharing

import "sort"

// Slots is the interval index of one item: the spans its bookings hold,
// [start, until) in ms, sorted by start. The rules never let two held
// spans of one item meet, so the spans are disjoint and sorted by their
// ends too: whether a new span is free is one binary search for the first
// span that ends after its start, and a look at that span. (A general
// interval tree is not needed: overlapping intervals never enter.)
//
// The spans are kept in chunks of at most maxChunk, so that adding or
// freeing a span in the middle of a long calendar moves a few hundred
// entries, not all of them: checking and adding a booking is O(log n) to
// find its place plus O(maxChunk) to put it there, at 100,000 bookings as
// at ten (docs/benchmarks.md).
type Slots struct {
	chunks [][]slot // each non-empty and sorted; the chunks in order
	n      int
}

type slot struct {
	start, until int64
	id           string
}

const maxChunk = 256

// Len returns the number of held spans.
func (x *Slots) Len() int {
	if x == nil {
		return 0
	}
	return x.n
}

// at returns the position (chunk, index) of the first span that ends
// after t; (len(chunks), 0) when none does.
func (x *Slots) at(t int64) (int, int) {
	c := sort.Search(len(x.chunks), func(i int) bool { ch := x.chunks[i]; return ch[len(ch)-1].until > t })
	if c == len(x.chunks) {
		return c, 0
	}
	ch := x.chunks[c]
	return c, sort.Search(len(ch), func(i int) bool { return ch[i].until > t })
}

// Conflict returns the ID of a held span that meets [start, until), or
// "" when it is free.
func (x *Slots) Conflict(start, until int64) string {
	if x == nil {
		return ""
	}
	c, i := x.at(start)
	if c < len(x.chunks) && x.chunks[c][i].start < until {
		return x.chunks[c][i].id
	}
	return ""
}

// add holds [start, until) for id; the caller checked it is free.
func (x *Slots) add(start, until int64, id string) {
	x.n++
	s := slot{start, until, id}
	if len(x.chunks) == 0 {
		x.chunks = [][]slot{{s}}
		return
	}
	c, i := x.at(start)
	if c == len(x.chunks) { // after every span: the end of the last chunk
		c = len(x.chunks) - 1
		i = len(x.chunks[c])
	}
	ch := append(x.chunks[c], slot{})
	copy(ch[i+1:], ch[i:])
	ch[i] = s
	if len(ch) > maxChunk {
		half := len(ch) / 2
		right := append([]slot(nil), ch[half:]...)
		ch = ch[:half:half]
		x.chunks = append(x.chunks, nil)
		copy(x.chunks[c+2:], x.chunks[c+1:])
		x.chunks[c+1] = right
	}
	x.chunks[c] = ch
}

// find returns the position of id's span, which starts at start.
func (x *Slots) find(start int64, id string) (int, int, bool) {
	c, i := x.at(start)
	if c < len(x.chunks) && x.chunks[c][i].id == id {
		return c, i, true
	}
	return 0, 0, false
}

// remove frees id's span, which starts at start.
func (x *Slots) remove(start int64, id string) {
	c, i, ok := x.find(start, id)
	if !ok {
		return
	}
	x.n--
	ch := append(x.chunks[c][:i], x.chunks[c][i+1:]...)
	if len(ch) == 0 {
		x.chunks = append(x.chunks[:c], x.chunks[c+1:]...)
		return
	}
	x.chunks[c] = ch
}

// shrink moves the end of id's span, which starts at start, back to until
// (after start).
func (x *Slots) shrink(start int64, id string, until int64) {
	if c, i, ok := x.find(start, id); ok {
		x.chunks[c][i].until = until
	}
}

// Between calls f with the IDs of the held spans that meet [from, to), in
// order, until f returns false.
func (x *Slots) Between(from, to int64, f func(id string) bool) {
	if x == nil {
		return
	}
	c, i := x.at(from)
	for ; c < len(x.chunks); c, i = c+1, 0 {
		for ; i < len(x.chunks[c]); i++ {
			if x.chunks[c][i].start >= to || !f(x.chunks[c][i].id) {
				return
			}
		}
	}
}
