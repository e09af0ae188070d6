package api

import "github.com/meent/meent/budget"

// BudgetRound is GET /api/v1/budget/rounds/{id}: a round and its budget
// against actual spending.
type BudgetRound struct {
	*budget.Round
	Totals BudgetTotals `json:"totals"`
}

// BudgetTotals sums a round's buckets, in minor units of its currency:
// what was allocated (standing allocations), funded at the close, and
// recorded as spent by the funded buckets (budget against actual).
type BudgetTotals struct {
	Pool      int64 `json:"pool"`
	Allocated int64 `json:"allocated"`
	Funded    int64 `json:"funded"`
	Spent     int64 `json:"spent"`
	Leftover  int64 `json:"leftover"`
}

// BudgetAllowance is GET /api/v1/budget/rounds/{id}/allowance.
type BudgetAllowance struct {
	Round    string `json:"round"`
	Agent    string `json:"agent"`
	Member   bool   `json:"member"` // one of the round's frozen members
	Currency string `json:"currency"`
	Whole    int64  `json:"whole"` // the member's allowance; 0 when the round does not use allowances
	Left     int64  `json:"left"`  // what they may still allocate
}

// BudgetRoundList is GET /api/v1/commons/{id}/budget/rounds, oldest first.
type BudgetRoundList struct {
	Rounds []BudgetRound `json:"rounds"`
	Next   string        `json:"next,omitempty"`
}

// BucketList is GET /api/v1/budget/rounds/{id}/buckets, in the order proposed.
type BucketList struct {
	Buckets []budget.Bucket `json:"buckets"`
	Next    string          `json:"next,omitempty"`
}

// AllocationList is GET /api/v1/budget/buckets/{id}/allocations, oldest first.
type AllocationList struct {
	Allocations []budget.Allocation `json:"allocations"`
	Next        string              `json:"next,omitempty"`
}

// ApprovalList is GET /api/v1/budget/buckets/{id}/approvals, by first approval.
type ApprovalList struct {
	Approvals []budget.Approval `json:"approvals"`
	Next      string            `json:"next,omitempty"`
}

// SpendingList is GET /api/v1/budget/buckets/{id}/spendings, oldest first.
type SpendingList struct {
	Spendings []budget.Spending `json:"spendings"`
	Next      string            `json:"next,omitempty"`
}
