// Package budget holds the pure rules of co-budgeting: budget rounds with
// a pool in one currency, buckets that members propose with a minimum and
// a maximum, and the ways a round decides what it funds: members spend an
// allowance, or the Method of Equal Shares over their approvals (package
// allot does the arithmetic). Everything that undoes money is an event of
// its own (a withdrawal, a cancellation with exact refunds, a round's
// close with its leftover rule), never a deletion. A funded bucket's money
// becomes payable to its recipients in the value area's balances (the
// value.Payable effect), so the existing payout path (CSV, SEPA,
// payout.settle) pays it. Like every area it does no I/O and reads no
// clock: times are the events' own. docs/budget.md explains the rules
// with a worked example.
package budget

import (
	"github.com/meent/meent/budget/allot"
	"github.com/meent/meent/commons"
)

// The budget events.
//
//   - budget.round.open: a maintainer opens a round in a commons: its
//     currency, when allocation opens and closes, its method and its
//     leftover rule. The round's members are the node's members at this
//     point of the log (frozen, like a poll's electorate). Money rolled
//     over from the commons' last round in this currency joins the pool.
//   - budget.fund: money into the pool, before the round opens: a grant,
//     a member's own contribution, or a draw on the commons' co-budget
//     pool (value policies' co_budget share), by a maintainer.
//   - budget.bucket.propose / budget.bucket.edit: a member proposes a
//     bucket (title, description, minimum, maximum, recipients); its
//     proposer or a maintainer edits it until the round closes, never
//     below what it already holds.
//   - budget.bucket.cancel: its proposer or a maintainer cancels a bucket;
//     every allocation to it is refunded to its giver, exactly.
//   - budget.allocate / budget.withdraw: a member gives part of their
//     allowance to a bucket, or takes one allocation back.
//   - budget.approve: under Equal Shares, a member approves a bucket or
//     withdraws the approval.
//   - budget.round.close: a maintainer closes the round after its closing
//     time: buckets are funded or not, gifts to unfunded ones go back, the
//     leftover rule applies, funded money becomes payable.
//   - budget.spend: a recipient or a maintainer records what a funded
//     bucket actually spent, for budget against actual.
const (
	TypeRoundOpen     = "budget.round.open"     // RoundData
	TypeFund          = "budget.fund"           // FundData
	TypeBucketPropose = "budget.bucket.propose" // BucketData
	TypeBucketEdit    = "budget.bucket.edit"    // EditData
	TypeBucketCancel  = "budget.bucket.cancel"  // CancelData
	TypeAllocate      = "budget.allocate"       // AllocateData
	TypeWithdraw      = "budget.withdraw"       // WithdrawData
	TypeApprove       = "budget.approve"        // ApproveData
	TypeRoundClose    = "budget.round.close"    // CloseData
	TypeSpend         = "budget.spend"          // SpendData
)

// Object kinds this area projects. Buckets are children of their round,
// allocations and approvals children of their bucket, spendings children
// of their bucket (meent.Object.Parent).
const (
	KindRound      = "budget_round"
	KindBucket     = "budget_bucket"     // Parent: the round
	KindAllocation = "budget_allocation" // Parent: the bucket
	KindApproval   = "budget_approval"   // Parent: the bucket; ID bucket "/" agent
	KindSpending   = "budget_spending"   // Parent: the bucket
)

// Methods: how a round decides what it funds.
const (
	// MethodAllowanceEqual: every member of the round gets the same
	// allowance, floor(pool / members); what the floor leaves is leftover.
	MethodAllowanceEqual = "allowance_equal"
	// MethodAllowanceContribution: the pool is split among the members in
	// proportion to what each put into the round themselves (largest
	// remainder); members who put in nothing get nothing to allocate.
	MethodAllowanceContribution = "allowance_contribution"
	// MethodEqualShares: members approve buckets; at the close the Method
	// of Equal Shares (cost utilities, add1 completion by one major unit
	// per member) picks the funded buckets, each funded at its minimum.
	MethodEqualShares = "equal_shares"
	// MethodPoll: a governance poll decides which buckets are funded.
	// Reserved: refused until the governance area emits the decision
	// (docs/budget.md, "What a poll will add").
	MethodPoll = "poll"
)

// Methods lists the methods a round may use today.
var Methods = []string{MethodAllowanceEqual, MethodAllowanceContribution, MethodEqualShares}

// Funding sources.
const (
	SourceGrant    = "grant"    // from outside: a city, a foundation (the author gives it)
	SourceMember   = "member"   // a member's own money
	SourceCommons  = "commons"  // drawn from the commons' co-budget pool (a maintainer)
	SourceRollover = "rollover" // the last round's leftover (written by round.open, never by budget.fund)
)

// RoundData is the data of budget.round.open.
type RoundData struct {
	Commons  string             `json:"commons"`
	Title    string             `json:"title"`
	Currency string             `json:"currency"`
	Opens    int64              `json:"opens"`  // ms: allocation opens; funding closes
	Closes   int64              `json:"closes"` // ms: allocation closes
	Method   string             `json:"method"`
	Leftover allot.LeftoverRule `json:"leftover"`
}

// FundData is the data of budget.fund.
type FundData struct {
	Round  string        `json:"round"`
	Amount commons.Money `json:"amount"`
	Source string        `json:"source"` // grant, member or commons
}

// Recipient is who a funded bucket pays, with a whole-number share.
type Recipient struct {
	Agent string `json:"agent"`
	Share int64  `json:"share"`
}

// BucketData is the data of budget.bucket.propose.
type BucketData struct {
	Round       string        `json:"round"`
	Title       string        `json:"title"`
	Description string        `json:"description,omitempty"`
	Min         commons.Money `json:"min"`
	Max         commons.Money `json:"max"`
	Recipients  []Recipient   `json:"recipients,omitempty"` // default: the proposer
}

// EditData is the data of budget.bucket.edit: the bucket's new terms, all
// of them (what is left out is cleared, not kept).
type EditData struct {
	Bucket      string        `json:"bucket"`
	Title       string        `json:"title"`
	Description string        `json:"description,omitempty"`
	Min         commons.Money `json:"min"`
	Max         commons.Money `json:"max"`
	Recipients  []Recipient   `json:"recipients,omitempty"`
}

// CancelData is the data of budget.bucket.cancel.
type CancelData struct {
	Bucket string `json:"bucket"`
	Reason string `json:"reason"`
}

// AllocateData is the data of budget.allocate.
type AllocateData struct {
	Bucket string        `json:"bucket"`
	Amount commons.Money `json:"amount"`
}

// WithdrawData is the data of budget.withdraw.
type WithdrawData struct {
	Allocation string `json:"allocation"`
}

// ApproveData is the data of budget.approve.
type ApproveData struct {
	Bucket  string `json:"bucket"`
	Approve bool   `json:"approve"` // false withdraws an approval
}

// CloseData is the data of budget.round.close.
type CloseData struct {
	Round string `json:"round"`
}

// SpendData is the data of budget.spend.
type SpendData struct {
	Bucket    string        `json:"bucket"`
	Amount    commons.Money `json:"amount"`
	Reference string        `json:"reference"` // public: an invoice or receipt number, never personal data
}

// Round is one budget round.
type Round struct {
	ID       string             `json:"id"`
	Commons  string             `json:"commons"`
	Title    string             `json:"title"`
	Currency string             `json:"currency"`
	Opens    int64              `json:"opens"`
	Closes   int64              `json:"closes"`
	Method   string             `json:"method"`
	Leftover allot.LeftoverRule `json:"leftover"`
	Author   string             `json:"author"`
	Index    int64              `json:"index"`

	Pool      int64     `json:"pool"`      // minor units: everything funded
	Fundings  []Funding `json:"fundings"`  // one per funder and source, by funder
	Members   int       `json:"members"`   // the frozen members
	Buckets   int       `json:"buckets"`   // proposed, cancelled included
	Allocated int64     `json:"allocated"` // standing allocations
	Closed    *Closing  `json:"closed,omitempty"`
	Status    string    `json:"status"` // open, closed
}

// Funding is what one funder put into a round from one source.
type Funding struct {
	Funder string `json:"funder"` // agent ID; the commons' ID for rollover and commons draws
	Source string `json:"source"`
	Amount int64  `json:"amount"`
}

// Closing is a closed round's outcome: every unit of the pool accounted
// for (Funded + Leftover = Pool).
type Closing struct {
	Index    int64              `json:"index"`
	Funded   int64              `json:"funded"`
	Leftover int64              `json:"leftover"`
	Rule     allot.LeftoverRule `json:"rule"`
	Refunds  []Payment          `json:"refunds,omitempty"` // leftover back to funders
	Rollover int64              `json:"rollover,omitzero"` // to the commons' next round
	Commons  int64              `json:"commons,omitzero"`  // to the commons' co-budget pool
	Share    int64              `json:"share,omitzero"`    // Equal Shares: each member's final virtual share, 1/allot.Scale minor units
}

// Payment is an amount payable to one agent.
type Payment struct {
	Agent  string `json:"agent"`
	Amount int64  `json:"amount"`
}

// Bucket statuses.
const (
	BucketOpen      = "open"      // the round is open
	BucketFunded    = "funded"    // the round closed and funded it
	BucketUnfunded  = "unfunded"  // the round closed without funding it
	BucketCancelled = "cancelled" // cancelled before the close
)

// Bucket is one proposal in a round.
type Bucket struct {
	ID          string      `json:"id"`
	Round       string      `json:"round"`
	Commons     string      `json:"commons"`
	Title       string      `json:"title"`
	Description string      `json:"description,omitempty"`
	Currency    string      `json:"currency"`
	Min         int64       `json:"min"`
	Max         int64       `json:"max"`
	Recipients  []Recipient `json:"recipients"`
	Proposer    string      `json:"proposer"`
	Index       int64       `json:"index"`
	Edits       int         `json:"edits,omitzero"`
	Updated     int64       `json:"updated"`

	Allocated int64     `json:"allocated"`          // standing allocations
	Givers    int       `json:"givers"`             // standing allocations' count
	Approvals int       `json:"approvals,omitzero"` // Equal Shares: standing approvals
	Status    string    `json:"status"`
	Reached   bool      `json:"reached"`           // holds at least its minimum now
	Funded    int64     `json:"funded,omitzero"`   // what the close gave it
	Payable   []Payment `json:"payable,omitempty"` // the funded amount per recipient
	Spent     int64     `json:"spent,omitzero"`    // recorded by budget.spend
	Cancelled *Reversal `json:"cancelled,omitempty"`
}

// Reversal says which event undid something, and why.
type Reversal struct {
	Index  int64  `json:"index"`
	By     string `json:"by"`
	Reason string `json:"reason,omitempty"`
}

// Allocation statuses.
const (
	AllocStanding  = "standing"  // counts towards its bucket
	AllocWithdrawn = "withdrawn" // its giver took it back (budget.withdraw)
	AllocRefunded  = "refunded"  // its bucket was cancelled
	AllocReturned  = "returned"  // its bucket was not funded at the close
	AllocFunded    = "funded"    // its bucket was funded
)

// Allocation is one gift of a member's allowance to a bucket.
type Allocation struct {
	ID       string    `json:"id"`
	Bucket   string    `json:"bucket"`
	Round    string    `json:"round"`
	Commons  string    `json:"commons"`
	Giver    string    `json:"giver"`
	Amount   int64     `json:"amount"`
	Currency string    `json:"currency"`
	Index    int64     `json:"index"`
	Status   string    `json:"status"`
	Undone   *Reversal `json:"undone,omitempty"` // withdrawn, refunded or returned: by which event
}

// Approval is a member's approval of a bucket under Equal Shares.
type Approval struct {
	Bucket   string `json:"bucket"`
	Agent    string `json:"agent"`
	Approved bool   `json:"approved"`
	Index    int64  `json:"index"`
	Created  int64  `json:"created"`
}

// Spending is one record of what a funded bucket spent.
type Spending struct {
	ID        string `json:"id"`
	Bucket    string `json:"bucket"`
	Amount    int64  `json:"amount"`
	Currency  string `json:"currency"`
	Reference string `json:"reference"`
	By        string `json:"by"`
	Index     int64  `json:"index"`
}
