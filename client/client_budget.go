package client

import (
	"context"
	"net/url"

	"github.com/meent/meent/api"
	"github.com/meent/meent/budget"
)

// The co-budgeting reads (docs/budget.md): rounds, buckets, allowances,
// allocations, approvals and spendings. Writes are signed events (Submit,
// Act). Each list follows every page.

// BudgetRounds returns a commons' budget rounds, oldest first.
func (c *Client) BudgetRounds(ctx context.Context, commonsID string) ([]api.BudgetRound, error) {
	return listAll(ctx, c, "/api/v1/commons/"+url.PathEscape(commonsID)+"/budget/rounds", nil,
		func(l *api.BudgetRoundList) ([]api.BudgetRound, string) { return l.Rounds, l.Next })
}

// BudgetRound returns a round with its budget against actual spending.
func (c *Client) BudgetRound(ctx context.Context, id string) (api.BudgetRound, error) {
	var out api.BudgetRound
	err := c.getJSON(ctx, "/api/v1/budget/rounds/"+url.PathEscape(id), &out)
	return out, err
}

// Buckets returns a round's buckets, in the order proposed.
func (c *Client) Buckets(ctx context.Context, round string) ([]budget.Bucket, error) {
	return listAll(ctx, c, "/api/v1/budget/rounds/"+url.PathEscape(round)+"/buckets", nil,
		func(l *api.BucketList) ([]budget.Bucket, string) { return l.Buckets, l.Next })
}

// Allowance returns an agent's allowance in a round.
func (c *Client) Allowance(ctx context.Context, round, agentID string) (api.BudgetAllowance, error) {
	var out api.BudgetAllowance
	err := c.getJSON(ctx, "/api/v1/budget/rounds/"+url.PathEscape(round)+"/allowance?"+url.Values{"agent": {agentID}}.Encode(), &out)
	return out, err
}

// Bucket returns a bucket.
func (c *Client) Bucket(ctx context.Context, id string) (budget.Bucket, error) {
	var out budget.Bucket
	err := c.getJSON(ctx, "/api/v1/budget/buckets/"+url.PathEscape(id), &out)
	return out, err
}

// Allocations returns a bucket's allocations, oldest first, undone ones too.
func (c *Client) Allocations(ctx context.Context, bucket string) ([]budget.Allocation, error) {
	return listAll(ctx, c, "/api/v1/budget/buckets/"+url.PathEscape(bucket)+"/allocations", nil,
		func(l *api.AllocationList) ([]budget.Allocation, string) { return l.Allocations, l.Next })
}

// Approvals returns a bucket's approvals, by first approval.
func (c *Client) Approvals(ctx context.Context, bucket string) ([]budget.Approval, error) {
	return listAll(ctx, c, "/api/v1/budget/buckets/"+url.PathEscape(bucket)+"/approvals", nil,
		func(l *api.ApprovalList) ([]budget.Approval, string) { return l.Approvals, l.Next })
}

// Spendings returns what a funded bucket recorded as spent, oldest first.
func (c *Client) Spendings(ctx context.Context, bucket string) ([]budget.Spending, error) {
	return listAll(ctx, c, "/api/v1/budget/buckets/"+url.PathEscape(bucket)+"/spendings", nil,
		func(l *api.SpendingList) ([]budget.Spending, string) { return l.Spendings, l.Next })
}
