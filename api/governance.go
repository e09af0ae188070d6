package api

import "github.com/meent/meent/governance"

// The governance wire types: the rules' own types (governance.Poll with its
// tally.Result, governance.Vote, governance.Ballot, governance.Delegation,
// governance.Rules), in pages. Evolution as every wire type: members are
// added, never renamed, removed or retyped.

// PollList is GET /api/v1/polls.
type PollList struct {
	Polls []*governance.Poll `json:"polls"`
	Next  string             `json:"next,omitempty"`
}

// VoteList is GET /api/v1/polls/{id}/votes: the current votes, in the
// order first cast.
type VoteList struct {
	Votes []*governance.Vote `json:"votes"`
	Next  string             `json:"next,omitempty"`
}

// BallotList is GET /api/v1/polls/{id}/ballots: the counted ballots of a
// closed poll, by voter, each with the delegate whose vote it is.
type BallotList struct {
	Ballots []*governance.Ballot `json:"ballots"`
	Next    string               `json:"next,omitempty"`
}

// Electorate is GET /api/v1/polls/{id}/electorate: who may vote, frozen
// when the poll opened, by agent ID.
type Electorate struct {
	Agents []string `json:"agents"`
	Next   string   `json:"next,omitempty"`
}

// DelegationList is GET /api/v1/agents/{id}/delegations.
type DelegationList struct {
	Delegations []*governance.Delegation `json:"delegations"`
	Next        string                   `json:"next,omitempty"`
}

// EffectKind is one change a decision may carry (GET /api/v1/governance/kinds).
type EffectKind struct {
	Type   string `json:"type"`
	Action string `json:"action"` // the authority's action the decision is granted
}
