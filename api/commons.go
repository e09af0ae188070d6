package api

// Money is an exact amount in minor units of a currency.
type Money struct {
	Amount   int64  `json:"amount"`
	Currency string `json:"currency"`
}

// CommonsRef names a commons.
type CommonsRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Commons is one commons. Created and Updated are log indexes.
type Commons struct {
	ID            string       `json:"id"` // hash of its commons.create (or commons.fork) event
	Name          string       `json:"name"`
	Description   string       `json:"description"`
	Kind          string       `json:"kind"`
	Links         []string     `json:"links"`
	Approvals     int          `json:"approvals"` // accepts a contribution needs
	ValuePolicy   string       `json:"value_policy,omitempty"`
	LicensePolicy string       `json:"license_policy,omitempty"`
	Maintainers   []string     `json:"maintainers"`
	Creator       string       `json:"creator"`
	Created       int64        `json:"created"`
	Updated       int64        `json:"updated"`
	ForkOf        *CommonsRef  `json:"fork_of,omitempty"`   // the commons this one forked
	ForkedAt      *int64       `json:"forked_at,omitempty"` // log index of the fork
	Forks         []CommonsRef `json:"forks"`
}

// CommonsList is GET /api/v1/commons.
type CommonsList struct {
	Commons []Commons `json:"commons"`
	Next    string    `json:"next,omitempty"` // the cursor of the next page (see page.go)
}

// Evidence backs a contribution: exactly one of URL, Blob (the SHA-256 of
// a file in the node's blob store, at /api/v1/blobs/{hash}) or Commit.
type Evidence struct {
	URL    string `json:"url,omitempty"`
	Blob   string `json:"blob,omitempty"`
	Commit string `json:"commit,omitempty"`
	Note   string `json:"note,omitempty"`
}

// Quantities measure a contribution.
type Quantities struct {
	Minutes      int64  `json:"minutes,omitempty"`
	LinesAdded   int64  `json:"lines_added,omitempty"`
	LinesRemoved int64  `json:"lines_removed,omitempty"`
	Amount       *Money `json:"amount,omitempty"`
}

// Step is one event in a contribution's history.
type Step struct {
	Index  int64     `json:"index"`
	Event  string    `json:"event,omitempty"` // its hash
	Time   Timestamp `json:"time"`
	Agent  string    `json:"agent"`
	Action string    `json:"action"` // submit, revise, accept, reject, changes, dispute, uphold, overturn, endorse, import, amend-lines
	Reason string    `json:"reason,omitempty"`
}

// Contribution is one contribution. History is only on
// GET /api/v1/contributions/{id}; FromCommons only in a lineage listing,
// on contributions recognised from an upstream commons.
type Contribution struct {
	ID           string     `json:"id"` // hash of its contribution.submit
	Commons      string     `json:"commons"`
	Contributor  string     `json:"contributor"`
	Kind         string     `json:"kind"`
	Title        string     `json:"title"`
	Description  string     `json:"description"`
	Evidence     []Evidence `json:"evidence"`
	Quantities   Quantities `json:"quantities"`
	Need         string     `json:"need,omitempty"`
	Status       string     `json:"status"`
	Revision     int        `json:"revision"`
	Approvals    []string   `json:"approvals"`
	Rejecters    []string   `json:"rejecters"`
	Disputes     int        `json:"disputes"`
	Endorsements []string   `json:"endorsements"`
	Submitted    int64      `json:"submitted"` // log index
	SubmittedAt  Timestamp  `json:"submitted_at"`
	Decided      *int64     `json:"decided,omitempty"` // log index of acceptance or final rejection
	Updated      int64      `json:"updated"`
	History      []Step     `json:"history,omitempty"`
	FromCommons  string     `json:"from_commons,omitempty"`
}

// ContributionList is a list of contributions, newest first.
type ContributionList struct {
	Contributions []Contribution `json:"contributions"`
	Next          string         `json:"next,omitempty"`
}

// Priority is one member's view of a need's urgency, 1 (low) to 5 (urgent).
type Priority struct {
	Agent    string `json:"agent"`
	Priority int    `json:"priority"`
}

// Pledge is money an agent promises toward a need.
type Pledge struct {
	Agent    string `json:"agent"`
	Amount   int64  `json:"amount"`
	Currency string `json:"currency"`
}

// Money returns the pledged amount.
func (p Pledge) Money() Money { return Money{Amount: p.Amount, Currency: p.Currency} }

// ActiveClaim is a claim whose lease has not ended, as of the request.
type ActiveClaim struct {
	Agent           string    `json:"agent"`
	Since           Timestamp `json:"since"`
	Expires         Timestamp `json:"expires"`
	TimeLeftSeconds int64     `json:"time_left_seconds"`
}

// Need is one need on the board, with what the node computes for it at
// the time of the request: the number of +1s, the mean and highest
// priority, the pledge total, the claims still running and when the last
// of them ends.
type Need struct {
	ID            string        `json:"id"` // hash of its need.post
	Commons       string        `json:"commons"`
	Poster        string        `json:"poster"`
	Title         string        `json:"title"`
	Description   string        `json:"description"`
	Bounty        *Money        `json:"bounty,omitempty"`
	MaxClaimants  int           `json:"max_claimants"`
	Status        string        `json:"status"` // open or closed
	PlusOnes      int           `json:"plus_ones"`
	PlusOneAgents []string      `json:"plus_one_agents"`
	Priority      float64       `json:"priority"`     // mean of the members' priorities, 2 decimals; 0 when none
	PriorityMax   int           `json:"priority_max"` // 0 when none
	Priorities    []Priority    `json:"priorities"`
	Pledges       []Pledge      `json:"pledges"`
	PledgeTotal   *Money        `json:"pledge_total"` // null when nothing is pledged
	ActiveClaims  []ActiveClaim `json:"active_claims"`
	FreeSlots     int           `json:"free_slots"` // claims still possible
	LeaseEnd      *Timestamp    `json:"lease_end"`  // when the last active claim ends; null when unclaimed
	ClosedBy      string        `json:"closed_by,omitempty"`
	CloseReason   string        `json:"close_reason,omitempty"`
	Created       int64         `json:"created"`
	CreatedAt     Timestamp     `json:"created_at"`
	Updated       int64         `json:"updated"`
}

// NeedList is GET /api/v1/commons/{id}/needs.
type NeedList struct {
	Sort  string `json:"sort"`
	Needs []Need `json:"needs"`
	Next  string `json:"next,omitempty"`
}

// Need board orders.
const (
	SortSignals  = "signals"  // most +1s first, then priority, pledges, age
	SortPriority = "priority" // highest mean priority first
	SortPledges  = "pledges"  // largest pledge total first
	SortAge      = "age"      // oldest first: what has waited longest
	SortNewest   = "newest"   // newest first
)
