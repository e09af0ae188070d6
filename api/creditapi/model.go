package creditapi

import (
	"context"
	"encoding/json"
	"slices"

	"github.com/meent/meent"
	"github.com/meent/meent/api"
	"github.com/meent/meent/credit"
	"github.com/meent/meent/http"
	"github.com/meent/meent/state"
)

// Model is mutual credit's read model: what the API answers and the
// pages (web/creditweb) show, read the same way.
type Model struct{ *http.Server }

// Currency is a currency with its running totals, as GET
// /api/v1/credit/currencies/{code} answers it, and its periods oldest
// first.
func (m Model) Currency(code string) (api.CreditCurrency, []credit.Period, error) {
	var out api.CreditCurrency
	var ps []credit.Period
	var err error
	m.Node().State(func(st *state.State) {
		c := st.Credit.Currency(code)
		if c == nil {
			err = notFound(code)
			return
		}
		out = currencyView(st, c)
		for _, p := range st.Credit.Periods(code) {
			ps = append(ps, *p)
		}
	})
	return out, ps, err
}

// Accounts is every account of a currency, in the order opened.
func (m Model) Accounts(code string) ([]api.CreditAccount, error) {
	var out []api.CreditAccount
	var err error
	m.Node().State(func(st *state.State) {
		if st.Credit.Currency(code) == nil {
			err = notFound(code)
			return
		}
		for _, id := range st.Credit.Accounts(code) {
			out = append(out, view(st, st.Credit.AccountByID(id)))
		}
	})
	return out, err
}

// Account is one holder's account as the API shows it: its balance after
// every demurrage applied, and its limits as the rules apply them now.
func (m Model) Account(code, holder string) (api.CreditAccount, error) {
	var out api.CreditAccount
	var err error
	m.Node().State(func(st *state.State) {
		if st.Credit.Currency(code) == nil {
			err = notFound(code)
			return
		}
		a := st.Credit.Account(code, holder)
		if a == nil {
			err = meent.Errorf(meent.ENOTFOUND, "no account of %s in %s", holder, code)
			return
		}
		out = view(st, a)
	})
	return out, err
}

// HolderAccounts is every account a holder has, one per currency, by
// currency code.
func (m Model) HolderAccounts(holder string) []api.CreditAccount {
	var out []api.CreditAccount
	m.Node().State(func(st *state.State) {
		codes := st.Credit.Currencies()
		slices.Sort(codes)
		for _, c := range codes {
			if a := st.Credit.Account(c, holder); a != nil {
				out = append(out, view(st, a))
			}
		}
	})
	return out
}

// Check says what a transfer signed by signer would get now: nil and
// whether the payer would end beyond its soft limit, or the refusal.
func (m Model) Check(signer string, d credit.TransferData) (warn bool, err error) {
	m.Node().State(func(st *state.State) {
		ar := credit.Area{State: st.Credit, Agents: st.Agents, Commons: st.Commons}
		warn, err = ar.Check(st.Authority(), signer, d)
	})
	return warn, err
}

// Statement is an account's whole statement, oldest first, folded from
// the log (the transfers the event index records for the holder and the
// currency's periods) up to the state's size when it started, and checked
// against the account's balance at that point; with the currency's
// exponent.
func (m Model) Statement(ctx context.Context, code, holder string) ([]credit.Line, int, error) {
	var (
		acc     credit.Account
		periods []*credit.Period
		size    int64
		exp     int
		err     error
	)
	m.Node().State(func(st *state.State) {
		c := st.Credit.Currency(code)
		if c == nil {
			err = notFound(code)
			return
		}
		a := st.Credit.Account(code, holder)
		if a == nil {
			err = meent.Errorf(meent.ENOTFOUND, "no account of %s in %s", holder, code)
			return
		}
		acc, size, exp = *a, st.Size, c.Exponent
		for _, p := range st.Credit.Periods(code) {
			cp := *p
			periods = append(periods, &cp)
		}
	})
	if err != nil {
		return nil, 0, err
	}
	f := meent.EventFilter{Type: credit.TypeTransfer, Touches: holder, Before: size, Limit: 1000}
	if acc.Kind == credit.HolderCommons {
		f.Touches, f.Commons = "", holder
	}
	var posted []credit.Posted
	for {
		recs, err := m.Node().Store().Records(ctx, f)
		if err != nil {
			return nil, 0, err
		}
		for _, rec := range recs {
			var d credit.TransferData
			if json.Unmarshal(rec.Data, &d) == nil {
				posted = append(posted, credit.Posted{Index: rec.Index, Time: rec.Time, Data: d})
			}
		}
		if len(recs) < f.Limit {
			break
		}
		f.After = recs[len(recs)-1].Index + 1
	}
	times := map[int64]int64{}
	for _, p := range periods {
		if rec, err := m.Node().Store().RecordByIndex(ctx, p.Index); err == nil {
			times[p.Index] = rec.Time
		}
	}
	lines, err := credit.Statement(&acc, posted, periods, times, acc.Balance)
	return lines, exp, err
}
