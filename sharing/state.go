package sharing

import (
	"slices"
	"time"

	"github.com/go-json-experiment/json"

	"github.com/meent/meent"
	"github.com/meent/meent/commons"
)

// Catalogue is a commons' catalogue: its time zone and stewards.
type Catalogue struct {
	Commons  string   `json:"commons"`
	TimeZone string   `json:"time_zone"`
	Stewards []string `json:"stewards,omitempty"`
	Created  int64    `json:"created"`
	Updated  int64    `json:"updated"`
}

// Resource is a listed resource: one item, or a pool of identical ones.
type Resource struct {
	ID           string   `json:"id"`
	Commons      string   `json:"commons"`
	Name         string   `json:"name"`
	Kind         string   `json:"kind"`
	Description  string   `json:"description,omitempty"`
	Location     string   `json:"location,omitempty"`
	Manuals      []string `json:"manuals,omitempty"`
	Photos       []string `json:"photos,omitempty"`
	Rules        Rules    `json:"rules,omitzero"`
	Status       string   `json:"status"` // available or closed
	StatusReason string   `json:"status_reason,omitempty"`
	Items        []Item   `json:"items"`    // Items[i] is item i+1
	Bookings     int64    `json:"bookings"` // ever made
	Author       string   `json:"author"`
	Created      int64    `json:"created"`
	Updated      int64    `json:"updated"`
}

// Item is one of a resource's identical items: whether it is broken, and
// its use since its last maintenance.
type Item struct {
	Broken     bool   `json:"broken,omitempty"`
	Damage     string `json:"damage,omitempty"`      // the report that broke it
	RepairNeed string `json:"repair_need,omitempty"` // the need it posted
	Uses       int64  `json:"uses"`                  // check-ins since maintenance
	UsedMs     int64  `json:"used_ms"`               // time out since maintenance
	TotalUses  int64  `json:"total_uses"`
	TotalMs    int64  `json:"total_ms"`
	LastNeed   string `json:"last_need,omitempty"` // the last maintenance need it posted
}

// Booking is one booking of one item.
type Booking struct {
	ID        string         `json:"id"` // the booking.request event
	Resource  string         `json:"resource"`
	Commons   string         `json:"commons"`
	Agent     string         `json:"agent"`
	Item      int            `json:"item"`
	Start     int64          `json:"start"` // ms, UTC
	End       int64          `json:"end"`   // ms, UTC; earlier than asked when ended early
	Until     int64          `json:"until"` // End plus the buffer: the item is held until then
	Status    string         `json:"status"`
	Note      string         `json:"note,omitempty"`
	Fee       *commons.Money `json:"fee,omitempty"`
	Deposit   *commons.Money `json:"deposit,omitempty"`
	Paid      string         `json:"paid,omitempty"` // the payment's reference
	OutAt     int64          `json:"out_at,omitempty"`
	OutNote   string         `json:"out_note,omitempty"`
	InAt      int64          `json:"in_at,omitempty"`
	InNote    string         `json:"in_note,omitempty"`
	Photos    []string       `json:"photos,omitempty"`
	Reason    string         `json:"reason,omitempty"` // why it was cancelled
	By        string         `json:"by,omitempty"`     // who cancelled or ended it, when not the booker
	Created   int64          `json:"created"`
	CreatedAt int64          `json:"created_at"` // ms
	Updated   int64          `json:"updated"`
}

// Holds reports whether the booking holds its item's span.
func (b *Booking) Holds() bool { return b.Status != Cancelled }

// Training is a recorded training of an agent in a commons.
type Training struct {
	Commons  string `json:"commons"`
	Agent    string `json:"agent"`
	Training string `json:"training"`
	By       string `json:"by"`
	Index    int64  `json:"index"`
}

// State is the sharing area's state.
type State struct {
	catalogues map[string]*Catalogue
	resources  map[string]*Resource
	bookings   map[string]*Booking
	trainings  map[string]*Training
	references map[string]bool // commons "/" payment reference

	// Derived, rebuilt on restore.
	index      map[itemKey]*Slots  // the spans held, per item
	byResource map[string][]string // booking IDs, in log order
	byAgent    map[string][]string // booking IDs, in log order
	zones      map[string]*time.Location

	dirty map[[2]string]bool
}

type itemKey struct {
	resource string
	item     int
}

// NewState returns an empty state.
func NewState() *State {
	return &State{
		catalogues: map[string]*Catalogue{}, resources: map[string]*Resource{}, bookings: map[string]*Booking{},
		trainings: map[string]*Training{}, references: map[string]bool{},
		index: map[itemKey]*Slots{}, byResource: map[string][]string{}, byAgent: map[string][]string{},
		zones: map[string]*time.Location{}, dirty: map[[2]string]bool{},
	}
}

// Catalogue returns a commons' catalogue or nil.
func (s *State) Catalogue(commonsID string) *Catalogue { return s.catalogues[commonsID] }

// Resource returns a resource or nil.
func (s *State) Resource(id string) *Resource { return s.resources[id] }

// Booking returns a booking or nil.
func (s *State) Booking(id string) *Booking { return s.bookings[id] }

// Resources returns the resources of a commons, in the order listed.
func (s *State) Resources(commonsID string) []*Resource {
	var out []*Resource
	for _, r := range s.resources {
		if r.Commons == commonsID {
			out = append(out, r)
		}
	}
	slices.SortFunc(out, func(a, b *Resource) int { return cmpInt(a.Created, b.Created) })
	return out
}

// ResourceBookings returns the IDs of a resource's bookings, cancelled
// ones included, in log order. The caller must not change the slice.
func (s *State) ResourceBookings(id string) []string { return s.byResource[id] }

// AgentBookings returns the IDs of an agent's bookings, cancelled ones
// included, in log order. The caller must not change the slice.
func (s *State) AgentBookings(agentID string) []string { return s.byAgent[agentID] }

// HasTraining reports whether an agent has a training on record in a
// commons.
func (s *State) HasTraining(commonsID, agentID, training string) bool {
	return s.trainings[trainingID(commonsID, agentID, training)] != nil
}

// Zone returns the time zone of a commons' catalogue (UTC without one).
func (s *State) Zone(commonsID string) *time.Location {
	if c := s.catalogues[commonsID]; c != nil {
		if loc, err := s.zone(c.TimeZone); err == nil {
			return loc
		}
	}
	return time.UTC
}

func (s *State) zone(name string) (*time.Location, error) {
	if loc := s.zones[name]; loc != nil {
		return loc, nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, err
	}
	s.zones[name] = loc
	return loc, nil
}

// Stewards reports whether agentID stewards the catalogue of a commons.
func (s *State) steward(commonsID, agentID string) bool {
	c := s.catalogues[commonsID]
	return c != nil && slices.Contains(c.Stewards, agentID)
}

func trainingID(commonsID, agentID, training string) string {
	return commonsID + "/" + agentID + "/" + training
}

func (s *State) touch(kind, id string) { s.dirty[[2]string{kind, id}] = true }

// TakeDirty returns the objects changed since the last call and forgets
// them.
func (s *State) TakeDirty() []meent.Object {
	out := make([]meent.Object, 0, len(s.dirty))
	for k := range s.dirty {
		if o, ok := s.object(k[0], k[1]); ok {
			out = append(out, o)
		}
	}
	clear(s.dirty)
	return out
}

// DropDirty forgets changed objects.
func (s *State) DropDirty() { clear(s.dirty) }

// Objects emits every object the state holds.
func (s *State) Objects(emit func(meent.Object)) {
	for id := range s.catalogues {
		o, _ := s.object(KindCatalogue, id)
		emit(o)
	}
	for id := range s.resources {
		o, _ := s.object(KindResource, id)
		emit(o)
	}
	for id := range s.bookings {
		o, _ := s.object(KindBooking, id)
		emit(o)
	}
	for id := range s.trainings {
		o, _ := s.object(KindTraining, id)
		emit(o)
	}
}

// ObjectKinds returns the kinds of which the state holds at least one
// object.
func (s *State) ObjectKinds() []string {
	var out []string
	for kind, n := range map[string]int{KindCatalogue: len(s.catalogues), KindResource: len(s.resources), KindBooking: len(s.bookings), KindTraining: len(s.trainings)} {
		if n > 0 {
			out = append(out, kind)
		}
	}
	return out
}

func (s *State) object(kind, id string) (meent.Object, bool) {
	switch kind {
	case KindCatalogue:
		if c := s.catalogues[id]; c != nil {
			return meent.Object{Kind: kind, ID: id, Commons: id, Status: "open", Created: c.Created, Updated: c.Updated, Data: mustMarshal(c)}, true
		}
	case KindResource:
		if r := s.resources[id]; r != nil {
			return meent.Object{Kind: kind, ID: id, Commons: r.Commons, Agent: r.Author, Status: r.Status, Created: r.Created, Updated: r.Updated, Data: mustMarshal(r)}, true
		}
	case KindBooking:
		if b := s.bookings[id]; b != nil {
			return meent.Object{Kind: kind, ID: id, Parent: b.Resource, Commons: b.Commons, Agent: b.Agent, Status: b.Status, Created: b.Created, Updated: b.Updated, Data: mustMarshal(b)}, true
		}
	case KindTraining:
		if t := s.trainings[id]; t != nil {
			return meent.Object{Kind: kind, ID: id, Commons: t.Commons, Agent: t.Agent, Status: t.Training, Created: t.Index, Updated: t.Index, Data: mustMarshal(t)}, true
		}
	}
	return meent.Object{}, false
}

func mustMarshal(v any) []byte {
	b, err := json.Marshal(v, json.Deterministic(true))
	if err != nil {
		panic("sharing: marshal: " + err.Error())
	}
	return b
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
