package sharing

import (
	"fmt"
	"slices"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// What MarshalSnapshot writes is part of the area's Version: bump it
// whenever State gains, loses or reinterprets a field.

// snapshot mirrors State with exported fields. The interval index and the
// lists by resource and by agent are not written: a restore builds them
// again from the bookings, in log order, as the events did.
type snapshot struct {
	Catalogues map[string]*Catalogue `json:"catalogues"`
	Resources  map[string]*Resource  `json:"resources"`
	Bookings   map[string]*Booking   `json:"bookings"`
	Trainings  map[string]*Training  `json:"trainings"`
	References []string              `json:"references,omitempty"`
}

// MarshalSnapshot writes the complete state as one JSON value. It only
// reads s.
func (s *State) MarshalSnapshot(enc *jsontext.Encoder) error {
	v := snapshot{Catalogues: s.catalogues, Resources: s.resources, Bookings: s.bookings, Trainings: s.trainings}
	for k := range s.references {
		v.References = append(v.References, k)
	}
	slices.Sort(v.References)
	return json.MarshalEncode(enc, v, json.Deterministic(true))
}

// RestoreSnapshot replaces s with the state a snapshot holds, in place:
// the areas that read this state hold its pointer, and keep it.
func (s *State) RestoreSnapshot(dec *jsontext.Decoder) error {
	var v snapshot
	if err := json.UnmarshalDecode(dec, &v); err != nil {
		return fmt.Errorf("sharing snapshot: %w", err)
	}
	r := NewState()
	for k, x := range v.Catalogues {
		r.catalogues[k] = x
	}
	for k, x := range v.Resources {
		r.resources[k] = x
	}
	for k, x := range v.Trainings {
		r.trainings[k] = x
	}
	for _, k := range v.References {
		r.references[k] = true
	}
	bs := make([]*Booking, 0, len(v.Bookings))
	for _, b := range v.Bookings {
		bs = append(bs, b)
	}
	slices.SortFunc(bs, func(a, b *Booking) int { return cmpInt(a.Created, b.Created) })
	for _, b := range bs {
		r.bookings[b.ID] = b
		r.byResource[b.Resource] = append(r.byResource[b.Resource], b.ID)
		r.byAgent[b.Agent] = append(r.byAgent[b.Agent], b.ID)
		if b.Holds() {
			x := r.slots(b.Resource, b.Item)
			if c := x.Conflict(b.Start, b.Until); c != "" {
				return fmt.Errorf("sharing snapshot: bookings %s and %s overlap", c, b.ID)
			}
			x.add(b.Start, b.Until, b.ID)
		}
	}
	*s = *r
	return nil
}
