package api

import (
	"encoding/json"

	"github.com/meent/meent/commons"
	"github.com/meent/meent/value"
)

// ImportsInfo is GET /api/v1/commons/{id}/imports: the commits a commons
// recognises as imported (its own and, for a fork, those imported
// upstream before the fork), and the author identities behind them.
type ImportsInfo struct {
	Commits []string `json:"commits"` // full git object names, sorted
	// NoStats lists, sorted, the commits the commons itself imported
	// without line counts; a later import that can read them amends them
	// (commons.ImportData.Amends).
	NoStats    []string       `json:"no_stats"`
	Identities []IdentityInfo `json:"identities"` // sorted by identity
	// Next is the cursor of the next page: a page holds up to limit
	// commits and up to limit identities, each list continuing where the
	// previous page left it.
	Next string `json:"next,omitempty"`
}

// IdentityInfo is one author identity of imported commits.
type IdentityInfo struct {
	Identity     string `json:"identity"` // e.g. "git:ada@example.org"
	Name         string `json:"name"`     // the latest author name seen with it
	Commits      int    `json:"commits"`
	LinesAdded   int64  `json:"lines_added"`
	LinesRemoved int64  `json:"lines_removed"`
	Agent        string `json:"agent"`    // the agent it maps to; "" while unmapped
	Attested     bool   `json:"attested"` // a maintainer attested the mapping
	// Claims are the claims on the identity in this commons, open and
	// decided, oldest first (see commons.IdentityClaim): a claim moves
	// nothing until a maintainer confirms it or it is proven and finalized.
	Claims []commons.IdentityClaim `json:"claims,omitempty"`
}

// PolicyInfo is GET /api/v1/commons/{id}/policy: the current value policy
// of a commons and the history of its versions. Version 0 is the default
// policy (value.DefaultPolicy), which applies until a commons sets its own.
type PolicyInfo struct {
	Commons string              `json:"commons"`
	Version int                 `json:"version"`
	Policy  json.RawMessage     `json:"policy"`
	Author  string              `json:"author"` // "" for the default policy
	Index   int64               `json:"index"`  // log index of its value.policy.set; 0 for the default
	History []PolicyVersionInfo `json:"history"`
	// Next is the cursor of the next page of History (limit versions a
	// page); the current policy is in every page.
	Next string `json:"next,omitempty"`
}

// PolicyVersionInfo is one version in a policy's history, oldest first.
type PolicyVersionInfo struct {
	Version int    `json:"version"`
	Author  string `json:"author"`
	Index   int64  `json:"index"`
}

// PolicyPreview is POST /api/v1/commons/{id}/policy/preview: what every
// recipient would get of one income under the current policy (version
// Current) and under the proposed one.
type PolicyPreview struct {
	Current int            `json:"current"`
	Income  commons.Money  `json:"income"`
	Changes []value.Change `json:"changes"`
}

// IncomeList is GET /api/v1/commons/{id}/incomes, newest first.
type IncomeList struct {
	Incomes []value.Income `json:"incomes"`
	Next    string         `json:"next,omitempty"`
}

// DistributionList is GET /api/v1/commons/{id}/distributions, newest
// first. The explanations are left out of a list: ask for one
// distribution to get them.
type DistributionList struct {
	Distributions []value.Distribution `json:"distributions"`
	Next          string               `json:"next,omitempty"`
}

// BalanceList is GET /api/v1/commons/{id}/balances and
// GET /api/v1/agents/{id}/balances.
type BalanceList struct {
	Balances []value.Balance `json:"balances"`
	Next     string          `json:"next,omitempty"`
}

// PayoutsInfo is GET /api/v1/commons/{id}/payouts: the open balances of a
// commons split into those to pay now (open at least MinPayout) and those
// carried forward. It holds no account details: the treasurer's payee
// file never reaches the node.
type PayoutsInfo struct {
	MinPayout int64        `json:"min_payout"` // minor units, from the current policy
	Pay       []PayoutLine `json:"pay"`
	Carried   []PayoutLine `json:"carried"`
	// Next is the cursor of the next page: a page holds up to limit lines
	// of each list, each continuing where the previous page left it.
	Next string `json:"next,omitempty"`
}

// PayoutLine is one recipient's open amount in one currency.
type PayoutLine struct {
	Kind      string `json:"kind"`      // agent, identity or pool
	Recipient string `json:"recipient"` // agent ID, identity or pool name
	Name      string `json:"name"`      // for people; never used to pay
	Currency  string `json:"currency"`
	Amount    int64  `json:"amount"` // minor units
}
