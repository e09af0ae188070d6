package api

import (
	"encoding/json"

	"github.com/meent/meent/license"
)

// LicensePolicyInfo is GET /api/v1/commons/{id}/license.
type LicensePolicyInfo struct {
	Commons string          `json:"commons"`
	Version int             `json:"version"`
	Policy  json.RawMessage `json:"policy"`
	Author  string          `json:"author"`
	Index   int64           `json:"index"`
	History []struct {
		Version int    `json:"version"`
		Author  string `json:"author"`
		Index   int64  `json:"index"`
	} `json:"history"`
	// Next is the cursor of the history's next page (oldest first, limit
	// versions a page); the current policy is in every page.
	Next string `json:"next,omitempty"`
}

// LicenseDecision is GET /api/v1/commons/{id}/license/evaluate: what the
// rules would decide for a request at time as_of, and the terms a free
// request must carry.
type LicenseDecision struct {
	Decision license.Decision `json:"decision"`
	Grant    *license.Terms   `json:"grant,omitempty"`
	AsOf     int64            `json:"as_of"`
}

// LicenseCheck is GET /api/v1/licenses/check. Licensed is true only when
// a grant covers the use asked; a check with no scope asks about a use not
// limited to any scope, so a grant for one scope does not answer it yes.
// Scopes then lists what the agent's grants in force do cover.
type LicenseCheck struct {
	Licensed bool           `json:"licensed"`
	Reason   string         `json:"reason"`
	Grant    *license.Grant `json:"grant,omitempty"`
	Scopes   []string       `json:"scopes,omitempty"` // when not licensed: the scopes the agent is licensed for, if any
	At       int64          `json:"at"`
}

// GrantInfo is GET /api/v1/grants/{id}: the grant and its status now.
type GrantInfo struct {
	*license.Grant
	Status string `json:"status"`
}
