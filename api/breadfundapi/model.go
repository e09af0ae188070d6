package breadfundapi

import (
	"cmp"
	"context"
	"encoding/json"
	"slices"

	"github.com/meent/meent"
	"github.com/meent/meent/agent"
	"github.com/meent/meent/api"
	"github.com/meent/meent/breadfund"
	"github.com/meent/meent/http"
	"github.com/meent/meent/private"
	"github.com/meent/meent/state"
)

// Model is the bread fund's read model: what the API answers and the
// pages (web/breadfundweb) show, read the same way.
type Model struct{ *http.Server }

// Info is a fund as anyone sees it: its rules and health as aggregates,
// never who is ill (GET /api/v1/breadfunds/{id}).
func (m Model) Info(id string) (api.BreadfundInfo, error) {
	var out api.BreadfundInfo
	var err error
	m.Node().State(func(st *state.State) {
		f := st.Breadfund.Fund(id)
		if f == nil {
			err = meent.Errorf(meent.ENOTFOUND, "commons %s has no bread fund", id)
			return
		}
		vs := st.Breadfund.Policies(id)
		out = api.BreadfundInfo{Commons: id, Status: "founding", Version: f.Version, Policy: json.RawMessage(vs[len(vs)-1].Policy),
			Currency: f.Currency, Members: f.Members, Candidates: f.Candidates, OpenClaims: f.OpenClaims,
			Deposited: f.Deposited, Gifts: f.Gifts, Costs: f.Costs, Refunds: f.Refunds, Balance: f.Balance(),
			Solvency: st.Breadfund.Solvency(id, m.Now().UnixMilli())}
		if f.Started {
			out.Status = "active"
		}
		if c := st.Commons.Commons(id); c != nil {
			out.Name = c.Name
		}
	})
	return out, err
}

// Member is an agent's own place and pot in a fund, or nil: for the
// member themselves to see.
func (m Model) Member(id, agentID string) *breadfund.Member {
	var out *breadfund.Member
	m.Node().State(func(st *state.State) {
		if mb := st.Breadfund.Member(id, agentID); mb != nil {
			c := *mb
			out = &c
		}
	})
	return out
}

// Insider reports whether agentID may see the fund's names: a member or
// candidate of the fund, its board (the commons' maintainers), or a node
// admin (GET /api/v1/breadfunds/{id}/members and claims ask the same).
func (m Model) Insider(id, agentID string) bool {
	ok := false
	m.Node().State(func(st *state.State) { ok = insider(st, id, agentID) })
	return ok
}

func insider(st *state.State, id, who string) bool {
	if mb := st.Breadfund.Member(id, who); mb != nil && (mb.Status == breadfund.StatusMember || mb.Status == breadfund.StatusCandidate) {
		return true
	}
	if onBoard(st, id, who) {
		return true
	}
	a := st.Agents.Agent(who)
	return a != nil && a.Role == agent.RoleAdmin
}

// Board reports whether agentID is on the fund's board: a maintainer of
// its commons.
func (m Model) Board(id, agentID string) bool {
	ok := false
	m.Node().State(func(st *state.State) { ok = onBoard(st, id, agentID) })
	return ok
}

func onBoard(st *state.State, id, who string) bool {
	c := st.Commons.Commons(id)
	return c != nil && slices.Contains(c.Maintainers, who)
}

// Claims is a fund's claims (only the open ones when open), oldest first:
// for its members and board only.
func (m Model) Claims(id string, open bool) []*breadfund.Claim {
	var out []*breadfund.Claim
	m.Node().State(func(st *state.State) {
		for _, c := range st.Breadfund.Claims(id, open) {
			cp := *c
			out = append(out, &cp)
		}
	})
	return out
}

// Claim is one claim of a fund, or ENOTFOUND.
func (m Model) Claim(id, claimID string) (*breadfund.Claim, error) {
	var out *breadfund.Claim
	m.Node().State(func(st *state.State) {
		if c := st.Breadfund.Claim(claimID); c != nil && c.Commons == id {
			cp := *c
			out = &cp
		}
	})
	if out == nil {
		return nil, meent.Errorf(meent.ENOTFOUND, "no claim %s in this bread fund", claimID)
	}
	return out, nil
}

// Payouts is a fund's payouts with the given status ("" for all), oldest
// first: for its members and board only.
func (m Model) Payouts(id, status string) []*breadfund.Payout {
	var out []*breadfund.Payout
	m.Node().State(func(st *state.State) {
		for _, p := range st.Breadfund.Payouts(id, status) {
			cp := *p
			cp.Approvals = slices.Clone(p.Approvals)
			out = append(out, &cp)
		}
	})
	return out
}

// Gifts is a month's gifts as the rules give them now: the proposal the
// board signs as breadfund.gifts (GET /api/v1/breadfunds/{id}/gifts/{period}).
func (m Model) Gifts(id, period string) (api.BreadfundGifts, error) {
	var out api.BreadfundGifts
	var err error
	m.Node().State(func(st *state.State) {
		if st.Breadfund.Fund(id) == nil {
			err = meent.Errorf(meent.ENOTFOUND, "commons %s has no bread fund", id)
			return
		}
		out = api.BreadfundGifts{Commons: id, Period: period}
		if out.Due, out.None, err = st.Breadfund.DueGifts(id, period); err != nil {
			err = meent.Errorf(meent.EINVALID, "%s", meent.ErrorMessage(err))
			return
		}
		if p := st.Breadfund.Payout(breadfund.GiftsID(id, period)); p != nil {
			out.Payout = p.ID
		}
		out.Data = breadfund.GiftsData{Commons: id, Period: period, Gifts: []breadfund.Gift{}}
		for _, d := range out.Due {
			out.Data.Gifts = append(out.Data.Gifts, d.Gift)
		}
	})
	out.Due, out.None = http.NonNil(out.Due), http.NonNil(out.None)
	return out, err
}

// MayReadReason reports whether agentID may read a claim's private
// reason: the board, the buddy and the member, no one else.
func MayReadReason(st *state.State, c *breadfund.Claim, who string) bool {
	return who != "" && (onBoard(st, c.Commons, who) || who == c.Buddy || who == c.Member)
}

// Reason reads a claim's private reason for who, after the same check as
// GET /api/v1/breadfunds/{id}/claims/{claim}/reason (MayReadReason); the
// caller must answer it with Cache-Control: no-store. Who read it is
// logged, never what.
func (m Model) Reason(ctx context.Context, id, claimID, who string) (api.BreadfundReason, error) {
	ps, err := m.PrivateStore()
	if err != nil {
		return api.BreadfundReason{}, err
	}
	var commitment string
	m.Node().State(func(st *state.State) {
		c := st.Breadfund.Claim(claimID)
		if c == nil || c.Commons != id {
			err = meent.Errorf(meent.ENOTFOUND, "no claim %s in this bread fund", claimID)
			return
		}
		if !MayReadReason(st, c, who) {
			err = meent.Errorf(meent.EFORBIDDEN, "only the board, the buddy and the member read the reason of a claim")
			return
		}
		if c.ReasonCommitment == "" {
			err = meent.Errorf(meent.ENOTFOUND, "claim %s names no reason", claimID)
		}
		commitment = c.ReasonCommitment
	})
	if err != nil {
		return api.BreadfundReason{}, err
	}
	cm, err := private.ParseCommitment(commitment)
	if err != nil {
		return api.BreadfundReason{}, err
	}
	rec, err := ps.PrivateRecord(ctx, cm)
	if err != nil {
		return api.BreadfundReason{}, err
	}
	m.Logger().Info("bread fund reason read", "claim", claimID, "by", who)
	out := api.BreadfundReason{Claim: claimID, Commitment: commitment, Status: "live"}
	if rec.IsErased() {
		out.Status = "erased"
	} else {
		out.Data, out.Salt = rec.Data, rec.Salt[:]
	}
	return out, nil
}

// StoreReason keeps a claim's reason as a private record of the fund's
// commons owned by owner, before the breadfund.sick event that names its
// commitment is signed (the node refuses the event until the record is
// stored): what meent breadfund sick --reason does through
// PUT /api/v1/private. EraseReason takes it back when the event is
// refused.
func (m Model) StoreReason(ctx context.Context, owner, id string, reason []byte) (private.Commitment, error) {
	ps, err := m.PrivateStore()
	if err != nil {
		return private.Commitment{}, err
	}
	rec, err := private.Seal(reason, owner, id, m.Now().UnixMilli())
	if err != nil {
		return private.Commitment{}, err
	}
	if err := ps.PutPrivate(ctx, rec); err != nil {
		return private.Commitment{}, err
	}
	return rec.Commitment, nil
}

// EraseReason erases a reason StoreReason kept, when its event was refused.
func (m Model) EraseReason(ctx context.Context, owner string, c private.Commitment) error {
	ps, err := m.PrivateStore()
	if err != nil {
		return err
	}
	_, err = ps.ErasePrivate(ctx, c, owner, m.Now().UnixMilli())
	return err
}

// Statement line kinds: what changed a member's pot.
const (
	LineDeposit  = "deposit"  // the member's monthly deposit
	LineGift     = "gift"     // the pot's share of a month's gifts to others
	LineRefund   = "refund"   // a buffer refund or the refund on exit
	LineCosts    = "costs"    // the pot's share of the fund's costs, to date
	LineWriteOff = "writeoff" // shares of deficits written off on others' exits
)

// StatementLine is one change to a member's pot: Amount is what it added
// (negative: took), Balance the pot after it.
type StatementLine struct {
	Period  string // the month ("2026-03"), or the year of a buffer refund
	Kind    string
	Amount  int64
	Payout  string // the payout a gift share or refund belongs to
	Balance int64
	sortKey string
}

// Statement is a member's pot line by line, oldest first: each deposit
// (from the log), the pot's share of each month's gifts and each refund
// (the payouts' debits), and its share of the costs and of written-off
// deficits as one line each to date (the rules keep those as totals). The
// last balance is the pot. For the member and the board only.
func (m Model) Statement(ctx context.Context, id, agentID string) (*breadfund.Member, []StatementLine, error) {
	var mb *breadfund.Member
	var size int64
	var lines []StatementLine
	m.Node().State(func(st *state.State) {
		if x := st.Breadfund.Member(id, agentID); x != nil {
			c := *x
			mb = &c
		}
		size = st.Size
		for _, p := range st.Breadfund.Payouts(id, "") {
			for _, d := range p.Debits {
				if d.Member != agentID || d.Amount == 0 {
					continue
				}
				l := StatementLine{Period: p.Period, Kind: LineGift, Amount: -d.Amount, Payout: p.ID, sortKey: p.Period + "/2"}
				if p.Kind != breadfund.PayGifts {
					l.Kind, l.sortKey = LineRefund, p.Period+"/3"
					if p.Kind == breadfund.PaySurplus {
						l.sortKey = p.Period + "-12/3"
					}
				}
				lines = append(lines, l)
			}
		}
	})
	if mb == nil {
		return nil, nil, meent.Errorf(meent.ENOTFOUND, "%s is not in this bread fund", agentID)
	}
	f := meent.EventFilter{Type: breadfund.TypeDeposit, Touches: agentID, Before: size, Limit: 1000}
	for {
		recs, err := m.Node().Store().Records(ctx, f)
		if err != nil {
			return nil, nil, err
		}
		for _, rec := range recs {
			var d breadfund.DepositData
			if json.Unmarshal(rec.Data, &d) == nil && d.Commons == id && d.Member == agentID {
				lines = append(lines, StatementLine{Period: d.Period, Kind: LineDeposit, Amount: d.Amount, sortKey: d.Period + "/1"})
			}
		}
		if len(recs) < f.Limit {
			break
		}
		f.After = recs[len(recs)-1].Index + 1
	}
	now := breadfund.PeriodOf(m.Now().UnixMilli())
	if mb.PaidCosts != 0 {
		lines = append(lines, StatementLine{Period: now, Kind: LineCosts, Amount: -mb.PaidCosts, sortKey: "~1"})
	}
	if mb.WrittenOff != 0 {
		lines = append(lines, StatementLine{Period: now, Kind: LineWriteOff, Amount: -mb.WrittenOff, sortKey: "~2"})
	}
	slices.SortStableFunc(lines, func(a, b StatementLine) int { return cmp.Compare(a.sortKey, b.sortKey) })
	var bal int64
	for i := range lines {
		bal += lines[i].Amount
		lines[i].Balance = bal
	}
	return mb, lines, nil
}

// Policy is a fund's current policy, or nil.
func (m Model) Policy(id string) *breadfund.Policy {
	var out *breadfund.Policy
	m.Node().State(func(st *state.State) {
		if p := st.Breadfund.Policy(id); p != nil {
			c := *p
			c.Percentages = slices.Clone(p.Percentages)
			out = &c
		}
	})
	return out
}
