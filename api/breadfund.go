package api

import (
	"encoding/json"

	"github.com/meent/meent/breadfund"
)

// BreadfundInfo is a bread fund as anyone sees it: its rules and its
// health as aggregates, never who is ill (GET /api/v1/breadfunds/{id}).
type BreadfundInfo struct {
	Commons    string             `json:"commons"`
	Name       string             `json:"name"`
	Status     string             `json:"status"` // founding or active
	Version    int                `json:"version"`
	Policy     json.RawMessage    `json:"policy"`
	Currency   string             `json:"currency"`
	Members    int                `json:"members"`
	Candidates int                `json:"candidates"`
	OpenClaims int                `json:"open_claims"`
	Deposited  int64              `json:"deposited"`
	Gifts      int64              `json:"gifts"`
	Costs      int64              `json:"costs"`
	Refunds    int64              `json:"refunds"`
	Balance    int64              `json:"balance"`
	Solvency   breadfund.Solvency `json:"solvency"`
}

// BreadfundMember is one member's place and pot, with their name, for
// the fund's members and board.
type BreadfundMember struct {
	*breadfund.Member
	Name string `json:"name"`
}

// BreadfundMembers is a page of a fund's members.
type BreadfundMembers struct {
	Members []BreadfundMember `json:"members"`
	Next    string            `json:"next,omitempty"`
}

// BreadfundClaims is a page of a fund's claims.
type BreadfundClaims struct {
	Claims []*breadfund.Claim `json:"claims"`
	Next   string             `json:"next,omitempty"`
}

// BreadfundPayouts is a page of a fund's payouts.
type BreadfundPayouts struct {
	Payouts []*breadfund.Payout `json:"payouts"`
	Next    string              `json:"next,omitempty"`
}

// BreadfundGifts is a month's gifts as the rules give them now: the
// gifts due, the claims due none and why, and the event data to sign
// (breadfund.gifts). Payout is set once the month was computed.
type BreadfundGifts struct {
	Commons string              `json:"commons"`
	Period  string              `json:"period"`
	Payout  string              `json:"payout,omitempty"`
	Due     []breadfund.Due     `json:"due"`
	None    []breadfund.Due     `json:"none"`
	Data    breadfund.GiftsData `json:"data"`
}

// BreadfundReason is the private reason of a claim, for the board and the
// buddy: the record's data and salt open the claim's reason_commitment.
type BreadfundReason struct {
	Claim      string `json:"claim"`
	Commitment string `json:"commitment"`
	Status     string `json:"status"` // live or erased
	Data       []byte `json:"data,omitempty"`
	Salt       []byte `json:"salt,omitempty"`
}
