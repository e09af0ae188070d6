package budgetapi

import (
	"fmt"
	nethttp "net/http"
	"slices"

	"github.com/meent/meent"
	"github.com/meent/meent/api"
	"github.com/meent/meent/budget"
	"github.com/meent/meent/http"
	"github.com/meent/meent/state"
)

// The lists are read from the node's state (every list of the area is
// there, in order) and paged with http.PageSlice by the creating event's
// log index, so a page is exact whatever is added meanwhile.
func byIndex(n int64) string { return fmt.Sprintf("%015d", n) }

// list answers a paged list built under the state's lock, as the
// document doc makes of a page and its next cursor.
func list[T any](s server, w nethttp.ResponseWriter, r *nethttp.Request, name string, read func(st *state.State) ([]T, error), key func(T) string, doc func(page []T, next string) any) {
	q, err := http.QueryPage(r, name)
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	var items []T
	s.Node().State(func(st *state.State) { items, err = read(st) })
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	page, next, err := http.PageSlice(items, q, name, key)
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	http.SetNext(w, r, next)
	http.WriteJSON(w, r, nethttp.StatusOK, doc(http.NonNil(page), next))
}

func noRound(id string) error { return meent.Errorf(meent.ENOTFOUND, "no budget round %s", id) }

func noBucket(id string) error { return meent.Errorf(meent.ENOTFOUND, "no bucket %s", id) }

func (s server) apiRounds(w nethttp.ResponseWriter, r *nethttp.Request) {
	id := r.PathValue("id")
	list(s, w, r, "budget-rounds", func(st *state.State) ([]api.BudgetRound, error) {
		if st.Commons.Commons(id) == nil {
			return nil, meent.Errorf(meent.ENOTFOUND, "no commons %s", id)
		}
		var out []api.BudgetRound
		for _, x := range st.Budget.Rounds(id) {
			out = append(out, roundInfo(st, x))
		}
		return out, nil
	}, func(x api.BudgetRound) string { return byIndex(x.Index) },
		func(p []api.BudgetRound, next string) any { return api.BudgetRoundList{Rounds: p, Next: next} })
}

// roundInfo copies a round and sums its buckets.
func roundInfo(st *state.State, x *budget.Round) api.BudgetRound {
	c := *x
	c.Fundings = slices.Clone(c.Fundings) // fund changes them in place
	out := api.BudgetRound{Round: &c, Totals: api.BudgetTotals{Pool: c.Pool, Allocated: c.Allocated}}
	if c.Closed != nil {
		out.Totals.Funded, out.Totals.Leftover = c.Closed.Funded, c.Closed.Leftover
	}
	for _, b := range st.Budget.BucketList(c.ID) {
		out.Totals.Spent += b.Spent
	}
	return out
}

func (s server) apiRound(w nethttp.ResponseWriter, r *nethttp.Request) {
	out, err := s.Round(r.PathValue("id"))
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	http.WriteJSON(w, r, nethttp.StatusOK, out)
}

func (s server) apiBuckets(w nethttp.ResponseWriter, r *nethttp.Request) {
	id := r.PathValue("id")
	list(s, w, r, "buckets", func(st *state.State) ([]budget.Bucket, error) {
		if st.Budget.Round(id) == nil {
			return nil, noRound(id)
		}
		return copies(st.Budget.BucketList(id)), nil
	}, func(b budget.Bucket) string { return byIndex(b.Index) },
		func(p []budget.Bucket, next string) any { return api.BucketList{Buckets: p, Next: next} })
}

func (s server) apiAllowance(w nethttp.ResponseWriter, r *nethttp.Request) {
	id, who := r.PathValue("id"), r.URL.Query().Get("agent")
	if who == "" {
		s.WriteError(w, r, meent.Errorf(meent.EINVALID, "agent is required: the member's agent ID"))
		return
	}
	var out api.BudgetAllowance
	var err error
	s.Node().State(func(st *state.State) {
		x := st.Budget.Round(id)
		if x == nil {
			err = noRound(id)
			return
		}
		out = api.BudgetAllowance{Round: id, Agent: who, Member: st.Budget.IsMember(id, who), Currency: x.Currency}
		out.Left, out.Whole = st.Budget.Allowance(id, who)
	})
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	http.WriteJSON(w, r, nethttp.StatusOK, out)
}

func (s server) apiBucket(w nethttp.ResponseWriter, r *nethttp.Request) {
	id := r.PathValue("id")
	var out budget.Bucket
	var err error
	s.Node().State(func(st *state.State) {
		b := st.Budget.Bucket(id)
		if b == nil {
			err = noBucket(id)
			return
		}
		out = *b
	})
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	http.WriteJSON(w, r, nethttp.StatusOK, out)
}

func (s server) apiAllocations(w nethttp.ResponseWriter, r *nethttp.Request) {
	id := r.PathValue("id")
	list(s, w, r, "allocations", func(st *state.State) ([]budget.Allocation, error) {
		if st.Budget.Bucket(id) == nil {
			return nil, noBucket(id)
		}
		return copies(st.Budget.Allocations(id)), nil
	}, func(a budget.Allocation) string { return byIndex(a.Index) },
		func(p []budget.Allocation, next string) any { return api.AllocationList{Allocations: p, Next: next} })
}

func (s server) apiApprovals(w nethttp.ResponseWriter, r *nethttp.Request) {
	id := r.PathValue("id")
	list(s, w, r, "approvals", func(st *state.State) ([]budget.Approval, error) {
		if st.Budget.Bucket(id) == nil {
			return nil, noBucket(id)
		}
		return copies(st.Budget.Approvals(id)), nil
	}, func(a budget.Approval) string { return byIndex(a.Created) },
		func(p []budget.Approval, next string) any { return api.ApprovalList{Approvals: p, Next: next} })
}

func (s server) apiSpendings(w nethttp.ResponseWriter, r *nethttp.Request) {
	id := r.PathValue("id")
	list(s, w, r, "spendings", func(st *state.State) ([]budget.Spending, error) {
		if st.Budget.Bucket(id) == nil {
			return nil, noBucket(id)
		}
		return copies(st.Budget.Spendings(id)), nil
	}, func(p budget.Spending) string { return byIndex(p.Index) },
		func(p []budget.Spending, next string) any { return api.SpendingList{Spendings: p, Next: next} })
}

// copies copies the rules' objects, so the answer is written after the
// state's lock is released without racing the sequencer.
func copies[T any](xs []*T) []T {
	out := make([]T, len(xs))
	for i, x := range xs {
		out[i] = *x
	}
	return out
}
