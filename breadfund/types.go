package breadfund

import (
	"github.com/go-json-experiment/json/jsontext"
)

// The bread fund's events. Periods are calendar months ("2026-03"), dates
// are days ("2026-03-05"), both in UTC; an event's own time says which
// month it happens in (for the change and exit windows).
//
//   - breadfund.policy.set: the board (or a decision) sets the fund's
//     rules; the first version founds the fund. Later versions apply from
//     the next gift run on: a period already computed is never computed
//     again.
//   - breadfund.join: an agent asks to join at a level, naming the member
//     who introduced them (not needed while the fund is being founded).
//   - breadfund.object: a member objects to a candidate within the
//     objection window. No reason is written: it is said in person.
//   - breadfund.admit: the board admits a candidate once the window has
//     passed without objection (at once while the fund is being founded).
//   - breadfund.deposit: a member's monthly deposit, exactly their level's.
//   - breadfund.level: a member moves to another level, in a change window.
//   - breadfund.sick: a member (or the board for them) reports illness from
//     a date, at a percentage; the reason is a private record.
//   - breadfund.claim.change: the percentage changes from a date (a
//     return-to-work plan), or the board assigns a buddy.
//   - breadfund.checkin: the buddy (or the member, or the board) records
//     that they were in touch, at the rhythm the member and the buddy
//     chose (checkin_days). Care, not control: a late check-in blocks
//     nothing; nothing of what was said is written.
//   - breadfund.recover: the claim ends on a date.
//   - breadfund.gifts: the board computes a month's gifts, once, from the
//     events before it (the cut-off): the data states every gift and the
//     rules accept exactly the gifts the policy gives.
//   - breadfund.approve: a board member approves a payout (a month's gifts,
//     an exit refund, a buffer refund); the policy's number of approvals
//     makes it payable.
//   - breadfund.settle: the board records a payout as paid.
//   - breadfund.cost: the board charges the fund's costs to the pots.
//   - breadfund.exit: a member leaves in an exit window and gets their pot.
//   - breadfund.surplus: after a year, what each pot holds above the
//     buffer cap is refunded.
const (
	TypePolicySet = "breadfund.policy.set"   // PolicySetData
	TypeJoin      = "breadfund.join"         // JoinData
	TypeObject    = "breadfund.object"       // CandidateData
	TypeAdmit     = "breadfund.admit"        // CandidateData
	TypeDeposit   = "breadfund.deposit"      // DepositData
	TypeLevel     = "breadfund.level"        // LevelData
	TypeSick      = "breadfund.sick"         // SickData
	TypeChange    = "breadfund.claim.change" // ChangeData
	TypeRecover   = "breadfund.recover"      // RecoverData
	TypeCheckin   = "breadfund.checkin"      // CheckinData
	TypeGifts     = "breadfund.gifts"        // GiftsData
	TypeApprove   = "breadfund.approve"      // PayoutRef
	TypeSettle    = "breadfund.settle"       // SettleData
	TypeCost      = "breadfund.cost"         // CostData
	TypeExit      = "breadfund.exit"         // ExitData
	TypeSurplus   = "breadfund.surplus"      // SurplusData
)

// Object kinds this package projects. Members, claims and payouts are
// children of their fund (Parent: the commons ID).
const (
	KindFund   = "breadfund"        // ID: the commons
	KindPolicy = "breadfund_policy" // ID: commons "/" version
	KindMember = "breadfund_member" // ID: commons "/" agent
	KindClaim  = "breadfund_claim"  // ID: the breadfund.sick event
	KindPayout = "breadfund_payout" // ID: commons "/gifts/" period, commons "/surplus/" year, or the exit event
)

// Member statuses.
const (
	StatusCandidate = "candidate"
	StatusMember    = "member"
	StatusLeft      = "left"
	StatusRefused   = "refused" // a candidate someone objected to
)

// Claim and payout statuses.
const (
	ClaimOpen   = "open"
	ClaimClosed = "closed"

	PayoutPending  = "pending"
	PayoutApproved = "approved"
	PayoutPaid     = "paid"
)

// Payout kinds.
const (
	PayGifts   = "gifts"
	PayRefund  = "refund"
	PaySurplus = "surplus"
)

// PolicySetData is the data of breadfund.policy.set.
type PolicySetData struct {
	Commons string         `json:"commons"`
	Policy  jsontext.Value `json:"policy"`
}

// JoinData is the data of breadfund.join; its author is the candidate.
type JoinData struct {
	Commons    string `json:"commons"`
	Level      int    `json:"level"`                // 1-based index into the policy's levels
	Introducer string `json:"introducer,omitempty"` // a member; required once the fund has started
}

// CandidateData is the data of breadfund.object and breadfund.admit.
type CandidateData struct {
	Commons   string `json:"commons"`
	Candidate string `json:"candidate"`
}

// DepositData is the data of breadfund.deposit.
type DepositData struct {
	Commons string `json:"commons"`
	Member  string `json:"member"`
	Period  string `json:"period"` // "2026-03"
	Amount  int64  `json:"amount"` // minor units of the fund's currency: exactly the level's deposit
}

// LevelData is the data of breadfund.level; its author is the member.
type LevelData struct {
	Commons string `json:"commons"`
	Level   int    `json:"level"`
}

// SickData is the data of breadfund.sick.
type SickData struct {
	Commons string `json:"commons"`
	Member  string `json:"member"`
	Start   string `json:"start"`   // the first day of illness, "2026-03-05"
	Percent int    `json:"percent"` // how far the member cannot work: one of the policy's percentages
	// ReasonCommitment is the commitment of a private record holding
	// the reason (docs/privacy.md); optional. Nothing medical is ever
	// in the event itself.
	ReasonCommitment string `json:"reason_commitment,omitempty"`
}

// ChangeData is the data of breadfund.claim.change: a new percentage from
// a date, a buddy, the rhythm of check-ins, or several of these.
type ChangeData struct {
	Claim       string `json:"claim"`
	Percent     int    `json:"percent,omitempty"`
	From        string `json:"from,omitempty"` // with Percent
	Buddy       string `json:"buddy,omitempty"`
	CheckinDays int    `json:"checkin_days,omitempty"` // the member and the buddy check in every so many days
}

// CheckinData is the data of breadfund.checkin.
type CheckinData struct {
	Claim string `json:"claim"`
}

// RecoverData is the data of breadfund.recover.
type RecoverData struct {
	Claim string `json:"claim"`
	End   string `json:"end"` // the first day the member works fully again
}

// Gift is one month's gift to one claim.
type Gift struct {
	Claim  string `json:"claim"`
	Member string `json:"member"`
	Amount int64  `json:"amount"`
}

// GiftsData is the data of breadfund.gifts. Gifts lists every gift due
// for the period, by claim ID; the rules refuse any other list.
type GiftsData struct {
	Commons string `json:"commons"`
	Period  string `json:"period"`
	Gifts   []Gift `json:"gifts"`
}

// PayoutRef is the data of breadfund.approve.
type PayoutRef struct {
	Commons string `json:"commons"`
	Payout  string `json:"payout"`
}

// SettleData is the data of breadfund.settle.
type SettleData struct {
	Commons   string `json:"commons"`
	Payout    string `json:"payout"`
	Reference string `json:"reference"` // the bank's reference; never personal data
}

// CostData is the data of breadfund.cost.
type CostData struct {
	Commons     string `json:"commons"`
	Amount      int64  `json:"amount"`
	Description string `json:"description"` // public: what the money paid for
}

// ExitData is the data of breadfund.exit. Refund states what the member's
// pot returns: exactly its balance, or 0 when the pot is empty or below 0.
type ExitData struct {
	Commons string `json:"commons"`
	Member  string `json:"member"`
	Refund  int64  `json:"refund"`
}

// Refund is one pot's refund above the buffer cap.
type Refund struct {
	Member string `json:"member"`
	Amount int64  `json:"amount"`
}

// SurplusData is the data of breadfund.surplus: every refund due for the
// year, by member ID.
type SurplusData struct {
	Commons string   `json:"commons"`
	Year    int      `json:"year"`
	Refunds []Refund `json:"refunds"`
}
