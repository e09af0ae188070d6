// Package governance is the rule area of polls and the decisions they
// make: a member opens a poll on the node or in a commons, the frozen
// electorate votes (or delegates), anyone closes it once its time is up,
// and the rules count it at that event (package tally) and, when it
// passed, enact the changes it carries through the other areas' own rules,
// in the same step. A commons may declare which of its changes need a
// decision (its decision rules); the authority then refuses them to its
// maintainers. docs/governance.md is the user's guide.
//
// Like every area it is pure: no I/O, no clock (times are the signers'
// event times).
package governance

import (
	"github.com/go-json-experiment/json/jsontext"

	"github.com/meent/meent/governance/tally"
)

// The event types.
const (
	TypeOpen       = "governance.poll.open"   // OpenData
	TypeVote       = "governance.vote"        // VoteData: cast or change a vote until the close
	TypeDelegate   = "governance.delegate"    // DelegateData: let another agent's vote count for you
	TypeUndelegate = "governance.undelegate"  // UndelegateData: end a delegation
	TypeClose      = "governance.poll.close"  // PollRef: count, and enact what passed
	TypeCancel     = "governance.poll.cancel" // CancelData
	TypeRulesSet   = "governance.rules.set"   // RulesData: which changes of a commons need a decision
)

// The object kinds.
const (
	KindPoll       = "poll"
	KindVote       = "vote"       // child of a poll: one agent's current vote
	KindBallot     = "ballot"     // child of a poll: one counted ballot, written at the close
	KindDelegation = "delegation" // one agent's delegation for a poll, a commons or the node
	KindRules      = "decision_rules"
)

// The statuses of a poll.
const (
	Open      = "open"
	Passed    = "passed"    // it decides, and the count passed it (winners for a multi-option poll)
	Rejected  = "rejected"  // it decides, and did not pass (no quorum, a block, too few yes)
	Closed    = "closed"    // a sense check, counted: it decides nothing
	Cancelled = "cancelled" // ended before its close; nothing was counted
)

// The electorates: who may vote, frozen when the poll opens.
const (
	Members      = "members"      // the members of the node
	Maintainers  = "maintainers"  // the maintainers of the poll's commons
	Contributors = "contributors" // agents with at least MinAccepted accepted contributions the commons recognises
)

// Limits.
const (
	MaxQuestion    = 300
	MaxDescription = 5000
	MaxEffects     = 10
	MaxDuration    = 366 * 24 * 3600 * 1000 // ms
)

// Electorate says who may vote.
type Electorate struct {
	Kind        string `json:"kind"`
	MinAccepted int    `json:"min_accepted,omitzero"` // contributors: at least this many accepted contributions
}

// Effect is a change a poll carries: an event of another area (its type
// and data, as that area's own event would hold), applied through that
// area's rules when the poll passes. Which types may be carried is the
// registry of Kinds.
type Effect struct {
	Type string         `json:"type"`
	Data jsontext.Value `json:"data"`
}

// OpenData is the data of governance.poll.open. Commons empty is a poll
// of the node. The count's method and parameters are tally.Rule's members,
// inline.
type OpenData struct {
	Commons     string `json:"commons,omitempty"`
	Question    string `json:"question"`
	Description string `json:"description,omitempty"`
	tally.Rule  `json:",inline"`
	Electorate  Electorate `json:"electorate"`
	OpensAt     int64      `json:"opens_at,omitzero"` // ms; 0: the open event's time
	ClosesAt    int64      `json:"closes_at"`         // ms
	Effects     []Effect   `json:"effects,omitempty"`
}

// VoteData is the data of governance.vote: the poll and the ballot, inline.
type VoteData struct {
	Poll         string `json:"poll"`
	tally.Ballot `json:",inline"`
}

// DelegateData is the data of governance.delegate: the delegate, and the scope: one poll, one
// commons' polls, or (neither) the node's polls.
type DelegateData struct {
	To      string `json:"to"`
	Poll    string `json:"poll,omitempty"`
	Commons string `json:"commons,omitempty"`
}

// UndelegateData is the data of governance.undelegate: the scope of the
// delegation it ends, as in DelegateData.
type UndelegateData struct {
	Poll    string `json:"poll,omitempty"`
	Commons string `json:"commons,omitempty"`
}

// PollRef is the data of governance.poll.close.
type PollRef struct {
	Poll string `json:"poll"`
}

// CancelData is the data of governance.poll.cancel.
type CancelData struct {
	Poll   string `json:"poll"`
	Reason string `json:"reason,omitempty"`
}

// RulesData is the data of governance.rules.set: the event types (of the
// Kinds) that, in this commons, only a decision may apply. An empty list
// ends the rules. Once a commons has rules, changing them needs a decision
// too.
type RulesData struct {
	Commons string   `json:"commons"`
	Decide  []string `json:"decide"`
}

// Poll is a poll and, once closed, its count and what it enacted.
type Poll struct {
	ID          string     `json:"id"`
	Commons     string     `json:"commons,omitempty"`
	Question    string     `json:"question"`
	Description string     `json:"description,omitempty"`
	Rule        tally.Rule `json:"rule"`
	Electorate  Electorate `json:"electorate"`
	// Voters is the size of the electorate frozen at the open.
	Voters   int      `json:"voters"`
	OpensAt  int64    `json:"opens_at"`
	ClosesAt int64    `json:"closes_at"`
	Effects  []Effect `json:"effects,omitempty"`
	Opener   string   `json:"opener"`
	Index    int64    `json:"index"` // the open event's log index
	Status   string   `json:"status"`
	Votes    int      `json:"votes"` // votes cast so far (changes not counted)
	// Set at the close or cancel.
	Ended   int64         `json:"ended,omitzero"` // log index of the close or cancel
	EndedBy string        `json:"ended_by,omitempty"`
	Reason  string        `json:"reason,omitempty"`
	Result  *tally.Result `json:"result,omitempty"`
	Enacted []Enactment   `json:"enacted,omitempty"`
}

// Enactment is what became of one effect at the close: applied (at the
// close's log index), refused by its area's rules (Error), or not tried
// because an earlier one was refused.
type Enactment struct {
	Type   string `json:"type"`
	Status string `json:"status"` // "enacted", "refused", "skipped"
	Error  string `json:"error,omitempty"`
}

// Vote is one agent's current vote in a poll.
type Vote struct {
	Poll    string       `json:"poll"`
	Voter   string       `json:"voter"`
	Ballot  tally.Ballot `json:"ballot"`
	Index   int64        `json:"index"`   // the first vote's log index
	Updated int64        `json:"updated"` // the last change's log index
	Changes int          `json:"changes"` // how often it was changed
}

// Ballot is one counted ballot of a closed poll: the member it counts for
// and the delegate whose vote it is, if the member did not vote.
type Ballot struct {
	Poll   string       `json:"poll"`
	Voter  string       `json:"voter"`
	Via    string       `json:"via,omitempty"`
	Ballot tally.Ballot `json:"ballot"`
}

// Delegation is one agent's delegation in one scope.
type Delegation struct {
	ID      string `json:"id"`
	From    string `json:"from"`
	To      string `json:"to"`
	Poll    string `json:"poll,omitempty"`
	Commons string `json:"commons,omitempty"`
	Status  string `json:"status"` // "active" or "revoked"
	Index   int64  `json:"index"`
	Updated int64  `json:"updated"`
}

// Rules is a commons' decision rules.
type Rules struct {
	Commons string   `json:"commons"`
	Decide  []string `json:"decide"`
	Index   int64    `json:"index"`
	// Poll is the decision that set them, when a decision did.
	Poll string `json:"poll,omitempty"`
}
