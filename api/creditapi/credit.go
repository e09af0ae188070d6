package creditapi

import (
	"bytes"
	"encoding/csv"
	"fmt"
	nethttp "net/http"
	"slices"
	"strconv"
	"time"

	"encoding/json"

	"github.com/meent/meent"
	"github.com/meent/meent/agent"
	"github.com/meent/meent/api"
	"github.com/meent/meent/credit"
	"github.com/meent/meent/http"
	"github.com/meent/meent/state"
	"github.com/meent/meent/valueflows"
)

func notFound(code string) error {
	return meent.Errorf(meent.ENOTFOUND, "no credit currency %s", code)
}

// view is an account as the API shows it, from the state of now.
func view(st *state.State, a *credit.Account) api.CreditAccount {
	ar := credit.Area{State: st.Credit, Agents: st.Agents, Commons: st.Commons}
	hard, soft := ar.Limits(st.Authority(), a)
	due := st.Credit.Due(a)
	return api.CreditAccount{Account: *a, HardLimit: hard, SoftLimit: soft, Available: max(0, a.Balance+hard), Due: due, AfterDue: a.Balance - due}
}

func currencyView(st *state.State, c *credit.Currency) api.CreditCurrency {
	out := api.CreditCurrency{Currency: *c}
	for _, id := range st.Credit.Accounts(c.Code) {
		out.Sum += st.Credit.AccountByID(id).Balance
	}
	if c.Demurrage != nil {
		p := st.Credit.Preview(c.Code)
		next := c.Demurrage.From
		if c.Last != "" {
			next = credit.NextPeriod(c.Last)
		}
		out.Next = &api.CreditNextPeriod{Period: next, Debits: p.Debits, Share: p.Share, Shares: len(p.Recipients), Dust: p.Dust}
	}
	return out
}

func (s server) apiCurrencies(w nethttp.ResponseWriter, r *nethttp.Request) {
	q, err := http.QueryPage(r, "currencies")
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	var out api.CreditCurrencies
	s.Node().State(func(st *state.State) {
		codes := st.Credit.Currencies()
		slices.Sort(codes)
		var page []string
		page, out.Next, err = http.PageSlice(codes, q, "currencies", func(c string) string { return c })
		for _, c := range page {
			out.Currencies = append(out.Currencies, currencyView(st, st.Credit.Currency(c)))
		}
	})
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	out.Currencies = http.NonNil(out.Currencies)
	http.SetNext(w, r, out.Next)
	http.WriteJSON(w, r, nethttp.StatusOK, out)
}

func (s server) apiCurrency(w nethttp.ResponseWriter, r *nethttp.Request) {
	code := r.PathValue("code")
	var out api.CreditCurrency
	var err error
	s.Node().State(func(st *state.State) {
		c := st.Credit.Currency(code)
		if c == nil {
			err = notFound(code)
			return
		}
		out = currencyView(st, c)
	})
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	http.WriteJSON(w, r, nethttp.StatusOK, out)
}

func (s server) apiAccounts(w nethttp.ResponseWriter, r *nethttp.Request) {
	code := r.PathValue("code")
	q, err := http.QueryPage(r, "accounts")
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	var out api.CreditAccounts
	s.Node().State(func(st *state.State) {
		if st.Credit.Currency(code) == nil {
			err = notFound(code)
			return
		}
		// Accounts are listed in the order they were opened, keyed by
		// that position: the list only grows at its end.
		ids := st.Credit.Accounts(code)
		pos := make([]int, len(ids))
		for i := range pos {
			pos[i] = i
		}
		var page []int
		page, out.Next, err = http.PageSlice(pos, q, "accounts", func(i int) string { return fmt.Sprintf("%012d", i) })
		for _, i := range page {
			out.Accounts = append(out.Accounts, view(st, st.Credit.AccountByID(ids[i])))
		}
	})
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	out.Accounts = http.NonNil(out.Accounts)
	http.SetNext(w, r, out.Next)
	http.WriteJSON(w, r, nethttp.StatusOK, out)
}

func (s server) apiAccount(w nethttp.ResponseWriter, r *nethttp.Request) {
	out, err := s.Account(r.PathValue("code"), r.PathValue("holder"))
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	http.WriteJSON(w, r, nethttp.StatusOK, out)
}

func (s server) apiPeriods(w nethttp.ResponseWriter, r *nethttp.Request) {
	code := r.PathValue("code")
	q, err := http.QueryPage(r, "periods")
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	var out api.CreditPeriods
	s.Node().State(func(st *state.State) {
		if st.Credit.Currency(code) == nil {
			err = notFound(code)
			return
		}
		var page []*credit.Period
		page, out.Next, err = http.PageSlice(st.Credit.Periods(code), q, "periods", func(p *credit.Period) string { return p.Period })
		for _, p := range page {
			out.Periods = append(out.Periods, *p)
		}
	})
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	out.Periods = http.NonNil(out.Periods)
	http.SetNext(w, r, out.Next)
	http.WriteJSON(w, r, nethttp.StatusOK, out)
}

// apiCheck answers what a transfer would get if signed now: from, to,
// amount (minor units), reference, and signer (default: from).
func (s server) apiCheck(w nethttp.ResponseWriter, r *nethttp.Request) {
	qv := r.URL.Query()
	amount, err := http.QueryInt(r, "amount", 0)
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	d := credit.TransferData{Currency: r.PathValue("code"), From: qv.Get("from"), To: qv.Get("to"), Amount: amount, Reference: qv.Get("reference")}
	if d.Reference == "" {
		d.Reference = "check"
	}
	signer := qv.Get("signer")
	if signer == "" {
		signer = d.From
	}
	var out api.CreditCheck
	s.Node().State(func(st *state.State) {
		ar := credit.Area{State: st.Credit, Agents: st.Agents, Commons: st.Commons}
		warn, cerr := ar.Check(st.Authority(), signer, d)
		switch {
		case cerr != nil:
			out = api.CreditCheck{Code: meent.ErrorCode(cerr), Message: meent.ErrorMessage(cerr)}
		case warn:
			out = api.CreditCheck{OK: true, Warning: "the payer would end beyond its soft limit"}
		default:
			out = api.CreditCheck{OK: true}
		}
	})
	http.WriteJSON(w, r, nethttp.StatusOK, out)
}

// apiStatement writes an account's whole statement as CSV: a document a
// treasurer keeps, so it is complete, never a page (Model.Statement).
func (s server) apiStatement(w nethttp.ResponseWriter, r *nethttp.Request) {
	code, holder := r.PathValue("code"), r.PathValue("holder")
	lines, exp, err := s.Statement(r.Context(), code, holder)
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s-%s.csv"`, code, holder))
	cw := csv.NewWriter(w)
	cw.Write([]string{"index", "time", "kind", "counterparty", "reference", "amount", "balance", "currency", "amount_minor", "balance_minor"})
	for _, l := range lines {
		cw.Write([]string{strconv.FormatInt(l.Index, 10), time.UnixMilli(l.Time).UTC().Format(time.RFC3339), l.Kind, l.Counterparty,
			csvText(l.Reference), decimal(l.Amount, exp), decimal(l.Balance, exp), code, strconv.FormatInt(l.Amount, 10), strconv.FormatInt(l.Balance, 10)})
	}
	cw.Flush()
}

// csvText keeps a spreadsheet from reading a reference as a formula.
func csvText(s string) string {
	if s != "" && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@') {
		return "'" + s
	}
	return s
}

// decimal writes minor units in the major unit, exactly: 1234 with
// exponent 2 is "12.34", -5 is "-0.05".
func decimal(v int64, exp int) string {
	neg := v < 0
	u := strconv.FormatUint(uint64(max(v, -v)), 10)
	if v == -v && v < 0 { // math.MinInt64, never a balance
		u = "9223372036854775808"
	}
	if exp > 0 {
		for len(u) <= exp {
			u = "0" + u
		}
		u = u[:len(u)-exp] + "." + u[len(u)-exp:]
	}
	if neg {
		return "-" + u
	}
	return u
}

// apiValueFlows writes the currency's whole ledger as ValueFlows JSON-LD
// (valueflows.CreditJSONLD): an export, complete, never a page. It reads
// every credit.transfer of the log up to the state's size when the request
// started.
func (s server) apiValueFlows(w nethttp.ResponseWriter, r *nethttp.Request) {
	code := r.PathValue("code")
	in := valueflows.CreditInput{BaseURL: s.BaseURL(r), Agents: map[string]*agent.Agent{}, CommonsNames: map[string]string{}, Times: map[int64]int64{}}
	var size int64
	var err error
	s.Node().State(func(st *state.State) {
		c := st.Credit.Currency(code)
		if c == nil {
			err = notFound(code)
			return
		}
		cc := *c
		in.Currency, size = &cc, st.Size
		for _, id := range st.Credit.Accounts(code) {
			a := *st.Credit.AccountByID(id)
			in.Accounts = append(in.Accounts, &a)
			if a.Kind == credit.HolderCommons {
				if cm := st.Commons.Commons(a.Holder); cm != nil {
					in.CommonsNames[a.Holder] = cm.Name
				}
			} else if ag := st.Agents.Agent(a.Holder); ag != nil {
				cp := *ag
				in.Agents[a.Holder] = &cp
			}
		}
		for _, p := range st.Credit.Periods(code) {
			cp := *p
			in.Periods = append(in.Periods, &cp)
		}
	})
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	ctx := r.Context()
	f := meent.EventFilter{Type: credit.TypeTransfer, Before: size, Limit: 1000}
	for {
		recs, err := s.Node().Store().Records(ctx, f)
		if err != nil {
			s.WriteError(w, r, err)
			return
		}
		for _, rec := range recs {
			var d credit.TransferData
			if json.Unmarshal(rec.Data, &d) == nil && d.Currency == code {
				in.Transfers = append(in.Transfers, credit.Posted{Index: rec.Index, Time: rec.Time, Data: d})
			}
		}
		if len(recs) < f.Limit {
			break
		}
		f.After = recs[len(recs)-1].Index + 1
	}
	for _, p := range in.Periods {
		if rec, err := s.Node().Store().RecordByIndex(ctx, p.Index); err == nil {
			in.Times[p.Index] = rec.Time
		}
	}
	var buf bytes.Buffer
	if err := valueflows.CreditJSONLD(&buf, in); err != nil {
		s.WriteError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/ld+json")
	w.Write(buf.Bytes())
}
