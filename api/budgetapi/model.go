package budgetapi

import (
	"slices"

	"github.com/meent/meent"
	"github.com/meent/meent/api"
	"github.com/meent/meent/authority"
	"github.com/meent/meent/budget"
	"github.com/meent/meent/http"
	"github.com/meent/meent/state"
)

// Model is co-budgeting's read model: what the API answers and the pages
// (web/budgetweb) show, read the same way. Every read copies out of the
// rules' state under its lock.
type Model struct{ *http.Server }

// Rounds returns a commons' rounds with their totals, oldest first, or
// ENOTFOUND for an unknown commons.
func (m Model) Rounds(commonsID string) ([]api.BudgetRound, error) {
	var out []api.BudgetRound
	var err error
	m.Node().State(func(st *state.State) {
		if st.Commons.Commons(commonsID) == nil {
			err = meent.Errorf(meent.ENOTFOUND, "no commons %s", commonsID)
			return
		}
		for _, x := range st.Budget.Rounds(commonsID) {
			out = append(out, roundInfo(st, x))
		}
	})
	return out, err
}

// Round returns a round with its budget against actual spending, or
// ENOTFOUND.
func (m Model) Round(id string) (api.BudgetRound, error) {
	var out api.BudgetRound
	err := noRound(id)
	m.Node().State(func(st *state.State) {
		if x := st.Budget.Round(id); x != nil {
			out, err = roundInfo(st, x), nil
		}
	})
	return out, err
}

// Buckets returns copies of a round's buckets, in the order proposed.
func (m Model) Buckets(round string) []budget.Bucket {
	var out []budget.Bucket
	m.Node().State(func(st *state.State) { out = bucketCopies(st.Budget.BucketList(round)) })
	return out
}

// Bucket returns a copy of a bucket, or ENOTFOUND.
func (m Model) Bucket(id string) (budget.Bucket, error) {
	var out budget.Bucket
	err := noBucket(id)
	m.Node().State(func(st *state.State) {
		if b := st.Budget.Bucket(id); b != nil {
			out, err = bucketCopies([]*budget.Bucket{b})[0], nil
		}
	})
	return out, err
}

// Allocations returns copies of a bucket's allocations, oldest first,
// undone ones too.
func (m Model) Allocations(bucket string) []budget.Allocation {
	var out []budget.Allocation
	m.Node().State(func(st *state.State) { out = copies(st.Budget.Allocations(bucket)) })
	return out
}

// Allocation returns a copy of an allocation, or ENOTFOUND.
func (m Model) Allocation(id string) (budget.Allocation, error) {
	var out budget.Allocation
	var err error = meent.Errorf(meent.ENOTFOUND, "no allocation %s", id)
	m.Node().State(func(st *state.State) {
		if a := st.Budget.Allocation(id); a != nil {
			out, err = *a, nil
		}
	})
	return out, err
}

// Approvals returns copies of a bucket's approvals (withdrawn ones too).
func (m Model) Approvals(bucket string) []budget.Approval {
	var out []budget.Approval
	m.Node().State(func(st *state.State) { out = copies(st.Budget.Approvals(bucket)) })
	return out
}

// Spendings returns copies of what a bucket recorded as spent, oldest first.
func (m Model) Spendings(bucket string) []budget.Spending {
	var out []budget.Spending
	m.Node().State(func(st *state.State) { out = copies(st.Budget.Spendings(bucket)) })
	return out
}

// Allowance returns what an agent may allocate in a round: whether it is
// one of the round's frozen members, its whole allowance and what is left.
func (m Model) Allowance(round, agentID string) api.BudgetAllowance {
	out := api.BudgetAllowance{Round: round, Agent: agentID}
	m.Node().State(func(st *state.State) {
		x := st.Budget.Round(round)
		if x == nil {
			return
		}
		out.Member, out.Currency = st.Budget.IsMember(round, agentID), x.Currency
		out.Left, out.Whole = st.Budget.Allowance(round, agentID)
	})
	return out
}

// MayPropose reports whether an agent may propose a bucket in a round as
// the rules would decide at now (ms): the round is open, before its
// closing time, and the agent may propose in its commons.
func (m Model) MayPropose(agentID, round string, now int64) bool {
	var ok bool
	m.Node().State(func(st *state.State) {
		x := st.Budget.Round(round)
		if x == nil || x.Status != "open" || now >= x.Closes {
			return
		}
		c := st.Commons.Commons(x.Commons)
		ok = c != nil && st.Authority().Allowed(agentID, authority.ProposeBucket, authority.In(c.ID, c.Name))
	})
	return ok
}

// MayWithdraw reports whether an agent may take an allocation back at now
// (ms): it stands, its bucket and round are open, the round has not reached
// its closing time, and the agent is its giver.
func (m Model) MayWithdraw(agentID, allocation string, now int64) bool {
	var ok bool
	m.Node().State(func(st *state.State) {
		a := st.Budget.Allocation(allocation)
		if a == nil || a.Status != budget.AllocStanding {
			return
		}
		b, x := st.Budget.Bucket(a.Bucket), st.Budget.Round(a.Round)
		if b == nil || x == nil || b.Status != budget.BucketOpen || x.Status != "open" || now >= x.Closes {
			return
		}
		c := st.Commons.Commons(x.Commons)
		ok = c != nil && st.Authority().Allowed(agentID, authority.WithdrawAllocation, authority.In(c.ID, c.Name).With(a.Giver))
	})
	return ok
}

// bucketCopies copies buckets with their own recipients and payments.
func bucketCopies(bs []*budget.Bucket) []budget.Bucket {
	out := copies(bs)
	for i := range out {
		out[i].Recipients = slices.Clone(out[i].Recipients)
		out[i].Payable = slices.Clone(out[i].Payable)
	}
	return out
}
