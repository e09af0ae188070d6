package sharing

import "sort"

// Slots is the interval index of one item: the spans its bookings hold,
// [Start, Until) in ms, sorted by start. The rules never let two held
// spans of one item meet, so the spans are disjoint and sorted by their
// ends too; whether a new span is free is then one binary search and a
// look at the two neighbours, O(log n) however many bookings the item
// has. (A general interval tree is not needed: overlapping intervals
// never enter.)
type Slots struct {
	spans []slot
}

type slot struct {
	start, until int64
	id           string
}

// at returns the index of the first span that ends after t.
func (x *Slots) at(t int64) int {
	return sort.Search(len(x.spans), func(i int) bool { return x.spans[i].until > t })
}

// Conflict returns the ID of a held span that meets [start, until), or
// "" when it is free.
func (x *Slots) Conflict(start, until int64) string {
	i := x.at(start)
	if i < len(x.spans) && x.spans[i].start < until {
		return x.spans[i].id
	}
	return ""
}

// Len returns the number of held spans.
func (x *Slots) Len() int { return len(x.spans) }

// add holds [start, until) for id; the caller checked it is free.
func (x *Slots) add(start, until int64, id string) {
	i := x.at(start)
	x.spans = append(x.spans, slot{})
	copy(x.spans[i+1:], x.spans[i:])
	x.spans[i] = slot{start, until, id}
}

// find returns the position of id's span, which starts at start, or -1.
func (x *Slots) find(start int64, id string) int {
	i := sort.Search(len(x.spans), func(i int) bool { return x.spans[i].start >= start })
	if i < len(x.spans) && x.spans[i].id == id {
		return i
	}
	return -1
}

// remove frees id's span, which starts at start.
func (x *Slots) remove(start int64, id string) {
	if i := x.find(start, id); i >= 0 {
		x.spans = append(x.spans[:i], x.spans[i+1:]...)
	}
}

// shrink moves the end of id's span, which starts at start, back to until.
func (x *Slots) shrink(start int64, id string, until int64) {
	if i := x.find(start, id); i >= 0 {
		x.spans[i].until = until
	}
}

// Between calls f with the IDs of the held spans that meet [from, to), in
// order, until f returns false.
func (x *Slots) Between(from, to int64, f func(id string) bool) {
	for i := x.at(from); i < len(x.spans) && x.spans[i].start < to; i++ {
		if !f(x.spans[i].id) {
			return
		}
	}
}
