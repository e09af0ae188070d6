// Package commons holds the pure rules of peer production: commons,
// permissionless contributions reviewed after the fact by maintainers,
// endorsements, disputes, forks that keep the credit of what they took,
// and the needs board (stigmergy) with signals, pledges and expiring
// claims. Like every rules package it does no I/O: given the state and an
// event it accepts or refuses, so a replaying auditor or a federated peer
// reaches the same verdict. docs/commons.md describes the lifecycles.
package commons

// Event types, with the shape of their data.
const (
	TypeCreate           = "commons.create"            // CreateData
	TypeUpdate           = "commons.update"            // UpdateData
	TypeMaintainerAdd    = "commons.maintainer.add"    // MaintainerData
	TypeMaintainerRemove = "commons.maintainer.remove" // MaintainerData
	TypeFork             = "commons.fork"              // ForkData

	TypeSubmit  = "contribution.submit"  // SubmitData
	TypeRevise  = "contribution.revise"  // ReviseData: answer a request for changes
	TypeReview  = "contribution.review"  // ReviewData: accept, reject or ask for changes
	TypeDispute = "contribution.dispute" // DisputeData: the contributor contests a rejection
	TypeResolve = "contribution.resolve" // ResolveData: other maintainers settle a dispute
	TypeEndorse = "contribution.endorse" // RefData: a member's peer signal

	TypeNeedPost    = "need.post"    // NeedData
	TypeNeedSignal  = "need.signal"  // SignalData
	TypeNeedClaim   = "need.claim"   // ClaimData
	TypeNeedRenew   = "need.renew"   // ClaimData
	TypeNeedRelease = "need.release" // RefData (need)
	TypeNeedClose   = "need.close"   // CloseData
)

// Object kinds this package projects (see meent.Object).
const (
	KindCommons      = "commons"
	KindContribution = "contribution"
	KindNeed         = "need"
	KindMapping      = "identity" // ID: commons "/" identity
)

// Commons kinds.
var CommonsKinds = []string{"software", "design", "knowledge", "hardware", "other"}

// Contribution kinds.
var ContributionKinds = []string{"code", "design", "documentation", "translation", "review", "work_time", "funds", "equipment_use", "other"}

// Contribution statuses. A contribution is public from the moment it is
// submitted; review only ever happens after the fact.
const (
	Pending          = "pending"
	ChangesRequested = "changes_requested"
	Accepted         = "accepted"
	Rejected         = "rejected"
	Disputed         = "disputed"
)

// Review verdicts and dispute outcomes.
const (
	VerdictAccept   = "accept"
	VerdictReject   = "reject"
	VerdictChanges  = "changes"
	OutcomeUphold   = "uphold"
	OutcomeOverturn = "overturn"
)

// Need statuses and signal kinds.
const (
	NeedOpen   = "open"
	NeedClosed = "closed"

	SignalPlusOne  = "plus_one"
	SignalPriority = "priority"
	SignalPledge   = "pledge"
)

// Limits.
const (
	MaxTitle         = 200
	MaxDescription   = 20000
	MaxLinks         = 20
	MaxEvidence      = 50
	MaxApprovals     = 20
	DefaultLease     = 7  // days
	MaxLease         = 30 // days
	MaxClaimants     = 50
	DefaultClaimants = 3
	dayMillis        = 24 * 60 * 60 * 1000
)

// Money is an exact amount in minor units of an ISO 4217 currency (or a
// community currency's three-letter code).
type Money struct {
	Amount   int64  `json:"amount"`
	Currency string `json:"currency"`
}

// CreateData is the data of commons.create.
type CreateData struct {
	Name          string   `json:"name"`
	Description   string   `json:"description,omitempty"`
	Kind          string   `json:"kind"`
	Links         []string `json:"links,omitempty"`
	Approvals     int      `json:"approvals,omitempty"`      // accepts needed; default 1
	ValuePolicy   string   `json:"value_policy,omitempty"`   // reference, filled by the value issue
	LicensePolicy string   `json:"license_policy,omitempty"` // reference, filled by the license issue
	// Maintainers, when given by a node admin, are the first maintainers
	// (the admin bootstraps them). Anyone else becomes the sole first
	// maintainer of what they create.
	Maintainers []string `json:"maintainers,omitempty"`
}

// UpdateData is the data of commons.update; absent members stay as they are.
type UpdateData struct {
	Commons       string    `json:"commons"`
	Name          *string   `json:"name,omitempty"`
	Description   *string   `json:"description,omitempty"`
	Links         *[]string `json:"links,omitempty"`
	Approvals     *int      `json:"approvals,omitempty"`
	ValuePolicy   *string   `json:"value_policy,omitempty"`
	LicensePolicy *string   `json:"license_policy,omitempty"`
}

// MaintainerData is the data of commons.maintainer.add and .remove.
type MaintainerData struct {
	Commons string `json:"commons"`
	Agent   string `json:"agent"`
}

// ForkData is the data of commons.fork.
type ForkData struct {
	Commons     string `json:"commons"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
}

// Evidence backs a contribution: a URL, a content-addressed blob (its
// SHA-256 in hex; the bytes live in the node's blob store), or a git
// commit. Exactly one is set.
type Evidence struct {
	URL    string `json:"url,omitempty"`
	Blob   string `json:"blob,omitempty"`
	Commit string `json:"commit,omitempty"`
	Note   string `json:"note,omitempty"`
}

// Quantities measure a contribution; value policies read them.
type Quantities struct {
	Minutes      int64  `json:"minutes,omitempty"` // work time
	LinesAdded   int64  `json:"lines_added,omitempty"`
	LinesRemoved int64  `json:"lines_removed,omitempty"`
	Amount       *Money `json:"amount,omitempty"` // funds given, or the value of equipment use
}

// SubmitData is the data of contribution.submit.
type SubmitData struct {
	Commons     string     `json:"commons"`
	Kind        string     `json:"kind"`
	Title       string     `json:"title"`
	Description string     `json:"description,omitempty"`
	Evidence    []Evidence `json:"evidence,omitempty"`
	Quantities  Quantities `json:"quantities,omitzero"`
	Need        string     `json:"need,omitempty"`
}

// ReviseData is the data of contribution.revise.
type ReviseData struct {
	Contribution string     `json:"contribution"`
	Title        string     `json:"title"`
	Description  string     `json:"description,omitempty"`
	Evidence     []Evidence `json:"evidence,omitempty"`
	Quantities   Quantities `json:"quantities,omitzero"`
}

// ReviewData is the data of contribution.review.
type ReviewData struct {
	Contribution string `json:"contribution"`
	Verdict      string `json:"verdict"`
	Reason       string `json:"reason,omitempty"` // required to reject or ask for changes
}

// DisputeData is the data of contribution.dispute.
type DisputeData struct {
	Contribution string `json:"contribution"`
	Reason       string `json:"reason"`
}

// ResolveData is the data of contribution.resolve.
type ResolveData struct {
	Contribution string `json:"contribution"`
	Outcome      string `json:"outcome"`
	Reason       string `json:"reason"`
}

// RefData names one object: contribution.endorse, need.release.
type RefData struct {
	Contribution string `json:"contribution,omitempty"`
	Need         string `json:"need,omitempty"`
}

// NeedData is the data of need.post.
type NeedData struct {
	Commons      string `json:"commons"`
	Title        string `json:"title"`
	Description  string `json:"description,omitempty"`
	Bounty       *Money `json:"bounty,omitempty"`
	MaxClaimants int    `json:"max_claimants,omitempty"` // default 3
}

// SignalData is the data of need.signal.
type SignalData struct {
	Need     string `json:"need"`
	Kind     string `json:"kind"`               // plus_one, priority or pledge
	Priority int    `json:"priority,omitempty"` // 1 (low) to 5 (urgent)
	Pledge   *Money `json:"pledge,omitempty"`
}

// ClaimData is the data of need.claim and need.renew.
type ClaimData struct {
	Need      string `json:"need"`
	LeaseDays int    `json:"lease_days,omitempty"` // default 7, at most 30
}

// CloseData is the data of need.close.
type CloseData struct {
	Need   string `json:"need"`
	Reason string `json:"reason"`
}
