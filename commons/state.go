package commons

import (
	"strings"

	"github.com/meent/meent"
)

// Commons is the current view of one commons.
type Commons struct {
	ID            string   `json:"id"`
	Name          string   `json:"name"`
	Description   string   `json:"description,omitempty"`
	Kind          string   `json:"kind"`
	Links         []string `json:"links,omitempty"`
	Approvals     int      `json:"approvals"`
	ValuePolicy   string   `json:"value_policy,omitempty"`
	LicensePolicy string   `json:"license_policy,omitempty"`
	Maintainers   []string `json:"maintainers"`
	Creator       string   `json:"creator"`
	Created       int64    `json:"created"`
	// A fork records where it came from and the ledger position it forked
	// at: the upstream contributions accepted before that position stay
	// recognised in the fork.
	ForkOf   string   `json:"fork_of,omitempty"`
	ForkedAt int64    `json:"forked_at,omitempty"`
	Forks    []string `json:"forks,omitempty"`
	Updated  int64    `json:"updated"`
}

// Step is one event in a contribution's public history.
type Step struct {
	Index  int64  `json:"index"`
	Time   int64  `json:"time"`
	Agent  string `json:"agent"`
	Action string `json:"action"` // submit, revise, accept, reject, changes, dispute, uphold, overturn, endorse
	Reason string `json:"reason,omitempty"`
}

// Contribution is the current view of one contribution, with its history.
type Contribution struct {
	ID           string      `json:"id"`
	Commons      string      `json:"commons"`
	Contributor  string      `json:"contributor"`        // agent ID; "" for an imported commit whose identity is not mapped yet
	Identity     string      `json:"identity,omitempty"` // the author identity of an imported commit
	AuthorName   string      `json:"author_name,omitempty"`
	Import       *ImportInfo `json:"import,omitempty"` // set for imported commits
	Kind         string      `json:"kind"`
	Title        string      `json:"title"`
	Description  string      `json:"description,omitempty"`
	Evidence     []Evidence  `json:"evidence,omitempty"`
	Quantities   Quantities  `json:"quantities,omitzero"`
	Need         string      `json:"need,omitempty"`
	Status       string      `json:"status"`
	Revision     int         `json:"revision"`
	Approvals    []string    `json:"approvals,omitempty"` // maintainers who accepted this revision
	Rejecters    []string    `json:"rejecters,omitempty"` // maintainers whose rejection stands
	Disputes     int         `json:"disputes"`
	Endorsements []string    `json:"endorsements,omitempty"`
	Submitted    int64       `json:"submitted"`         // log index
	SubmittedAt  int64       `json:"submitted_at"`      // signer's time, ms
	Decided      int64       `json:"decided,omitempty"` // log index of acceptance or final rejection
	History      []Step      `json:"history"`
	Updated      int64       `json:"updated"`

	// reviews is who already gave which verdict on which revision: a
	// slice, not a map, because a contribution has a handful at most and a
	// map of one costs about 400 bytes (docs/benchmarks.md, "Memory and
	// the snapshot pause").
	reviews []reviewKey
}

// ImportInfo describes an imported commit.
type ImportInfo struct {
	By      string `json:"by"` // the maintainer who imported it
	Source  string `json:"source,omitempty"`
	Files   int64  `json:"files"`
	Merge   bool   `json:"merge,omitzero"`
	NoStats bool   `json:"no_stats,omitzero"`
}

type reviewKey struct {
	agent, verdict string
	revision       int
}

// Claim is one agent's lease on a need.
type Claim struct {
	Agent   string `json:"agent"`
	Since   int64  `json:"since"`   // ms
	Expires int64  `json:"expires"` // ms; the claim ends by itself then
}

// Pledge is money an agent promises toward a need.
type Pledge struct {
	Agent string `json:"agent"`
	Money
}

// Priority is one member's view of how urgent a need is.
type Priority struct {
	Agent    string `json:"agent"`
	Priority int    `json:"priority"`
}

// Need is the current view of one need on the board.
type Need struct {
	ID           string     `json:"id"`
	Commons      string     `json:"commons"`
	Poster       string     `json:"poster"`
	Title        string     `json:"title"`
	Description  string     `json:"description,omitempty"`
	Bounty       *Money     `json:"bounty,omitempty"`
	MaxClaimants int        `json:"max_claimants"`
	Status       string     `json:"status"`
	PlusOnes     []string   `json:"plus_ones,omitempty"`
	Priorities   []Priority `json:"priorities,omitempty"`
	Pledges      []Pledge   `json:"pledges,omitempty"`
	Claims       []Claim    `json:"claims,omitempty"`    // as of the last event that touched the need; see ActiveClaims
	ClosedBy     string     `json:"closed_by,omitempty"` // contribution that answered it
	CloseReason  string     `json:"close_reason,omitempty"`
	Created      int64      `json:"created"`
	CreatedAt    int64      `json:"created_at"` // ms
	Updated      int64      `json:"updated"`
}

// ActiveClaims returns the claims still running at time now (ms). Leases
// end by themselves: nothing has to happen in the log for a claim to lapse.
func (n *Need) ActiveClaims(now int64) []Claim {
	var out []Claim
	for _, c := range n.Claims {
		if c.Expires > now {
			out = append(out, c)
		}
	}
	return out
}

// PledgeTotal sums the pledges (all in one currency, which the rules keep).
func (n *Need) PledgeTotal() Money {
	var m Money
	for _, p := range n.Pledges {
		m.Amount += p.Amount
		m.Currency = p.Currency
	}
	return m
}

// State is everything the peer-production rules know.
type State struct {
	commons       map[string]*Commons
	contributions map[string]*Contribution
	needs         map[string]*Need
	mappings      map[string]map[string]*Mapping // commons → identity → mapping
	byIdentity    map[identityKey][]string       // imported contributions by author identity
	byCommons     map[string][]string            // contributions by commons, in log order
	dirty         map[objKey]bool

	claims     map[string]*IdentityClaim // identity claims by ID
	claimsBy   map[string][]string       // claim IDs by commons, in log order
	openClaims map[identityKey][]string  // open claim IDs by identity
	proofs     map[identityKey][]proof   // claim lines of imported commits
	clock      int64                     // latest time (ms) of an accepted event
}

type objKey struct{ kind, id string }

// NewState returns an empty State.
func NewState() *State {
	return &State{
		commons:       map[string]*Commons{},
		contributions: map[string]*Contribution{},
		needs:         map[string]*Need{},
		mappings:      map[string]map[string]*Mapping{},
		byIdentity:    map[identityKey][]string{},
		byCommons:     map[string][]string{},
		dirty:         map[objKey]bool{},
		claims:        map[string]*IdentityClaim{},
		claimsBy:      map[string][]string{},
		openClaims:    map[identityKey][]string{},
		proofs:        map[identityKey][]proof{},
	}
}

// Commons returns a commons or nil.
func (s *State) Commons(id string) *Commons { return s.commons[id] }

// Contribution returns a contribution or nil.
func (s *State) Contribution(id string) *Contribution { return s.contributions[id] }

// Need returns a need or nil.
func (s *State) Need(id string) *Need { return s.needs[id] }

// Recognised returns the contributions a commons recognises: its own, and
// through each fork in its lineage the upstream contributions accepted
// before the fork's ledger position. A fork cannot erase the people who
// built what it took. The map value is the commons each came from.
func (s *State) Recognised(id string) map[string]string {
	out := map[string]string{}
	limit := int64(-1) // no limit for the commons itself
	for c := s.commons[id]; c != nil; c = s.commons[c.ForkOf] {
		for _, kid := range s.byCommons[c.ID] {
			k := s.contributions[kid]
			if limit >= 0 && (k.Status != Accepted || k.Decided >= limit) {
				continue
			}
			out[k.ID] = c.ID
		}
		if c.ForkOf == "" {
			break
		}
		if limit < 0 || c.ForkedAt < limit {
			limit = c.ForkedAt
		}
	}
	return out
}

func (s *State) touch(kind, id string) { s.dirty[objKey{kind, id}] = true }

// TakeDirty returns the objects changed since the last call, as stored
// objects, and forgets them.
func (s *State) TakeDirty() []meent.Object {
	out := make([]meent.Object, 0, len(s.dirty))
	for k := range s.dirty {
		if o, ok := s.object(k); ok {
			out = append(out, o)
		}
	}
	clear(s.dirty)
	return out
}

// DropDirty forgets changed objects without returning them (after a replay,
// whose objects are already stored).
func (s *State) DropDirty() { clear(s.dirty) }

// Objects emits every object the state holds.
func (s *State) Objects(emit func(meent.Object)) {
	for id := range s.commons {
		o, _ := s.object(objKey{KindCommons, id})
		emit(o)
	}
	for id := range s.contributions {
		o, _ := s.object(objKey{KindContribution, id})
		emit(o)
	}
	for id := range s.needs {
		o, _ := s.object(objKey{KindNeed, id})
		emit(o)
	}
	for c, ms := range s.mappings {
		for id := range ms {
			o, _ := s.object(objKey{KindMapping, c + "/" + id})
			emit(o)
		}
	}
	for id := range s.claims {
		o, _ := s.object(objKey{KindIdentityClaim, id})
		emit(o)
	}
}

func (s *State) object(k objKey) (meent.Object, bool) {
	switch k.kind {
	case KindCommons:
		c := s.commons[k.id]
		if c == nil {
			return meent.Object{}, false
		}
		return meent.Object{Kind: k.kind, ID: c.ID, Commons: c.ID, Agent: c.Creator, Status: "", Created: c.Created, Updated: c.Updated, Data: marshal(c)}, true
	case KindContribution:
		c := s.contributions[k.id]
		if c == nil {
			return meent.Object{}, false
		}
		return meent.Object{Kind: k.kind, ID: c.ID, Commons: c.Commons, Agent: c.Contributor, Status: c.Status, Created: c.Submitted, Updated: c.Updated, Data: marshal(c)}, true
	case KindNeed:
		n := s.needs[k.id]
		if n == nil {
			return meent.Object{}, false
		}
		return meent.Object{Kind: k.kind, ID: n.ID, Commons: n.Commons, Agent: n.Poster, Status: n.Status, Created: n.Created, Updated: n.Updated, Data: marshal(n)}, true
	case KindMapping:
		c, id, _ := strings.Cut(k.id, "/")
		m := s.mappings[c][id]
		if m == nil {
			return meent.Object{}, false
		}
		status := "claimed"
		if m.Attested {
			status = "attested"
		}
		return meent.Object{Kind: k.kind, ID: k.id, Commons: c, Agent: m.Agent, Status: status, Created: m.Index, Updated: m.Index, Data: marshal(m)}, true
	case KindIdentityClaim:
		cl := s.claims[k.id]
		if cl == nil {
			return meent.Object{}, false
		}
		return meent.Object{Kind: k.kind, ID: cl.ID, Commons: cl.Commons, Agent: cl.Agent, Status: cl.Status, Created: cl.Index, Updated: cl.Updated, Data: marshal(cl)}, true
	}
	return meent.Object{}, false
}
