package creditweb

import (
	"html/template"
	nethttp "net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/meent/meent"
	"github.com/meent/meent/api"
	"github.com/meent/meent/commons"
	"github.com/meent/meent/credit"
	"github.com/meent/meent/http"
	"github.com/meent/meent/web/chart"
	"github.com/meent/meent/web/i18n"
)

// creditMoney writes an amount of a credit currency in the page's
// language: as money where the currency's exponent is the one money
// formatting assumes for its code, else as a decimal with the code.
func creditMoney(loc *i18n.Locale, amount int64, code string, exp int) string {
	if exp == commons.Exponent(code) {
		return loc.PageMoney(amount, code)
	}
	return loc.Decimal(amount, exp) + " " + code
}

// accountRow is an account as a list shows it.
type accountRow struct {
	api.CreditAccount
	CurrencyName string
	Exponent     int
	Name         string
	Link         string // the holder's page
}

// holders names accounts' holders for one request: agents by their
// name, commons by theirs.
type holders struct {
	o  *http.Objects
	nm *http.Names
}

func (h holders) name(kind, id string) (name, link string) {
	if kind == credit.HolderCommons {
		if c, err := h.o.Commons(id); err == nil {
			return c.Name, "/commons/" + id
		}
		return http.ShortID(id), "/commons/" + id
	}
	return h.nm.Name(id), "/agents/" + id
}

type currencyPage struct {
	Currency api.CreditCurrency
	Periods  []credit.Period // a page, newest first
	Accounts []accountRow    // a page, in the order opened
	// NextPeriods and NextAccounts are the cursors of the lists' next pages.
	NextPeriods, NextAccounts string
	DustName, ToName          string
}

func (s pages) pageCurrency(w nethttp.ResponseWriter, r *nethttp.Request) {
	code := r.PathValue("code")
	qa, err := http.CursorQuery(r.URL.Query().Get("accounts"), "credit-accounts", 50)
	if err != nil {
		s.Error(w, r, err, 0)
		return
	}
	qp, err := http.CursorQuery(r.URL.Query().Get("periods"), "credit-periods", 24)
	if err != nil {
		s.Error(w, r, err, 0)
		return
	}
	cur, periods, err := s.credit.Currency(code)
	if err != nil {
		s.Error(w, r, err, 0)
		return
	}
	accs, err := s.credit.Accounts(code)
	if err != nil {
		s.Error(w, r, err, 0)
		return
	}
	o := http.NewObjects(r.Context(), s.Node().Store())
	h := holders{o, http.NewNames(r.Context(), s.Node().Store())}
	data := currencyPage{Currency: cur}
	pos := make([]int, len(accs))
	for i := range pos {
		pos[i] = i
	}
	page, next, err := http.PageSlice(pos, qa, "credit-accounts", func(i int) string { return http.DescKey(int64(len(accs) - i)) })
	if err != nil {
		s.Error(w, r, err, 0)
		return
	}
	data.NextAccounts = next
	for _, i := range page {
		row := accountRow{CreditAccount: accs[i], CurrencyName: cur.Name, Exponent: cur.Exponent}
		row.Name, row.Link = h.name(accs[i].Kind, accs[i].Holder)
		data.Accounts = append(data.Accounts, row)
	}
	slices.Reverse(periods)
	data.Periods, data.NextPeriods, err = http.PageSlice(periods, qp, "credit-periods", func(p credit.Period) string { return http.DescKey(p.Index) })
	if err != nil {
		s.Error(w, r, err, 0)
		return
	}
	if d := cur.Demurrage; d != nil {
		data.DustName = s.holderName(h, code, d.Dust)
		if d.To != "" {
			data.ToName = s.holderName(h, code, d.To)
		}
	}
	s.Render(w, r, nethttp.StatusOK, "creditcurrency", cur.Name, data)
}

// holderName names a holder of the currency, agent or commons.
func (s pages) holderName(h holders, code, holder string) string {
	kind := credit.HolderAgent
	if a, err := s.credit.Account(code, holder); err == nil {
		kind = a.Kind
	} else if _, err := h.o.Commons(holder); err == nil {
		kind = credit.HolderCommons
	}
	n, _ := h.name(kind, holder)
	return n
}

// lineRow is one line of a statement as the page shows it.
type lineRow struct {
	credit.Line
	Who, WhoLink string // the counterparty of a transfer, named
}

// point is the balance at the end of a month (or now, for this month).
type point struct {
	At      int64
	Balance int64
}

type accountPage struct {
	Currency   api.CreditCurrency
	Account    api.CreditAccount
	Name, Link string
	Lines      []lineRow // a page, newest first
	NextLines  string
	Points     []point
	Own        bool // the reader's own account
	MayPay     bool // the reader may pay from it now
	Payees     []payee
	Paid       string // the transfer just signed
	PayError   string
	Form       payForm
	AnyLines   bool
}

// payee is an account the form offers to pay, by name.
type payee struct{ ID, Name string }

// payForm is what the transfer form holds.
type payForm struct {
	To, Amount, Reference string
}

func (s pages) pageAccount(w nethttp.ResponseWriter, r *nethttp.Request) {
	s.renderAccount(w, r, nethttp.StatusOK, payForm{}, "")
}

func (s pages) renderAccount(w nethttp.ResponseWriter, r *nethttp.Request, status int, form payForm, payErr string) {
	code, holder := r.PathValue("code"), r.PathValue("holder")
	q, err := http.CursorQuery(r.URL.Query().Get("lines"), "credit-lines", 50)
	if err != nil {
		s.Error(w, r, err, 0)
		return
	}
	cur, _, err := s.credit.Currency(code)
	if err != nil {
		s.Error(w, r, err, 0)
		return
	}
	acc, err := s.credit.Account(code, holder)
	if err != nil {
		s.Error(w, r, err, 0)
		return
	}
	lines, _, err := s.credit.Statement(r.Context(), code, holder)
	if err != nil {
		s.Error(w, r, err, 0)
		return
	}
	o := http.NewObjects(r.Context(), s.Node().Store())
	h := holders{o, http.NewNames(r.Context(), s.Node().Store())}
	data := accountPage{Currency: cur, Account: acc, Form: form, PayError: payErr, AnyLines: len(lines) > 0}
	data.Name, data.Link = h.name(acc.Kind, holder)
	data.Points = monthEnds(lines, s.Now())
	pos := make([]int, len(lines))
	for i := range pos {
		pos[i] = len(lines) - 1 - i
	}
	page, next, err := http.PageSlice(pos, q, "credit-lines", func(i int) string { return http.DescKey(int64(i)) })
	if err != nil {
		s.Error(w, r, err, 0)
		return
	}
	data.NextLines = next
	for _, i := range page {
		row := lineRow{Line: lines[i]}
		if l := lines[i]; l.Counterparty != "" {
			kind := credit.HolderAgent
			if a, err := s.credit.Account(code, l.Counterparty); err == nil {
				kind = a.Kind
			}
			row.Who, row.WhoLink = h.name(kind, l.Counterparty)
		}
		data.Lines = append(data.Lines, row)
	}
	if sess := s.Session(r); sess != nil && sess.Agent == holder && acc.Kind == credit.HolderAgent {
		data.Own = true
		data.MayPay = acc.Available > 0
		if data.MayPay {
			data.Payees, err = s.payees(h, code, holder)
			if err != nil {
				s.Error(w, r, err, 0)
				return
			}
		}
	}
	if p := r.URL.Query().Get("paid"); http.ParseID(p, "event") == nil {
		data.Paid = p
	}
	s.Render(w, r, status, "creditaccount", data.Name+" · "+cur.Name, data)
}

// maxPayees bounds the form's list of payees.
const maxPayees = 500

// payees lists the currency's other accounts by name, for the form.
func (s pages) payees(h holders, code, except string) ([]payee, error) {
	accs, err := s.credit.Accounts(code)
	if err != nil {
		return nil, err
	}
	var out []payee
	for _, a := range accs {
		if a.Holder == except || len(out) == maxPayees {
			continue
		}
		n, _ := h.name(a.Kind, a.Holder)
		out = append(out, payee{a.Holder, n})
	}
	slices.SortFunc(out, func(a, b payee) int { return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)) })
	return out, nil
}

// monthEnds is the balance at the end of each calendar month (UTC) from
// the statement's first line to now, the last point being now.
func monthEnds(lines []credit.Line, now time.Time) []point {
	if len(lines) == 0 {
		return nil
	}
	t0 := time.UnixMilli(lines[0].Time).UTC()
	end := time.Date(t0.Year(), t0.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, 1, 0)
	var out []point
	var bal int64
	i := 0
	for {
		last := !end.Before(now)
		cut := end.UnixMilli()
		if last {
			cut = now.UnixMilli() + 1
		}
		for i < len(lines) && lines[i].Time < cut {
			bal = lines[i].Balance
			i++
		}
		at := end.Add(-12 * time.Hour).UnixMilli() // the month's last day, in any zone
		if last {
			for ; i < len(lines); i++ {
				bal = lines[i].Balance
			}
			at = now.UnixMilli()
		}
		out = append(out, point{At: at, Balance: bal})
		if last {
			return out
		}
		end = end.AddDate(0, 1, 0)
	}
}

// balanceChart draws the account's balance at each month's end.
func balanceChart(loc *i18n.Locale, p accountPage) template.HTML {
	if len(p.Points) < 2 {
		return ""
	}
	labels := make([]string, len(p.Points))
	vals := make([]int64, len(p.Points))
	for i, pt := range p.Points {
		labels[i] = loc.Date(time.UnixMilli(pt.At))
		vals[i] = pt.Balance
	}
	code, exp := p.Currency.Code, p.Currency.Exponent
	h, err := chart.Render(chart.Chart{
		ID: "balance", Kind: chart.Line,
		Title:       loc.T("credit.chart.title", "name", p.Name),
		Desc:        loc.T("credit.chart.desc"),
		Labels:      labels,
		Series:      []chart.Series{{Name: loc.T("credit.balance"), Values: vals}},
		Format:      func(v int64) string { return creditMoney(loc, v, code, exp) },
		LabelHeader: loc.T("credit.chart.date"),
	})
	if err != nil {
		return ""
	}
	return h
}

// confirmPage is the transfer's confirmation step.
type confirmPage struct {
	Currency  api.CreditCurrency
	From      string // the payer: the reader
	To        string
	ToName    string
	Amount    int64
	Reference string
	Warning   bool   // the payer would end beyond its soft limit
	Refusal   string // why the rules would refuse it
}

// readPay reads the transfer form (a query or a posted form) for the
// reader: the amount in the page's language.
func (s pages) readPay(r *nethttp.Request, v url.Values, cur api.CreditCurrency, from string) (credit.TransferData, payForm, error) {
	f := payForm{To: v.Get("to"), Amount: strings.TrimSpace(v.Get("amount")), Reference: strings.TrimSpace(v.Get("reference"))}
	d := credit.TransferData{Currency: cur.Code, From: from, To: f.To, Reference: f.Reference}
	var amount int64
	var err error
	if cur.Exponent == commons.Exponent(cur.Code) {
		amount, err = s.Locale(r).ParseMoney(f.Amount, cur.Code)
	} else {
		err = i18n.ErrMoney
	}
	if err != nil || amount <= 0 {
		return d, f, meent.Errorf(meent.EINVALID, "%s", s.Locale(r).T("credit.pay.bad_amount"))
	}
	d.Amount = amount
	if f.To == "" {
		return d, f, meent.Errorf(meent.EINVALID, "%s", s.Locale(r).T("credit.pay.no_payee"))
	}
	return d, f, nil
}

// pagePay is the confirmation step: what the transfer would do, checked
// against the rules now, with the button that signs it.
func (s pages) pagePay(w nethttp.ResponseWriter, r *nethttp.Request) {
	sess := s.Session(r)
	if sess == nil {
		s.Error(w, r, meent.Errorf(meent.EUNAUTHORIZED, "log in to pay"), 0)
		return
	}
	cur, _, err := s.credit.Currency(r.PathValue("code"))
	if err != nil {
		s.Error(w, r, err, 0)
		return
	}
	d, f, err := s.readPay(r, r.URL.Query(), cur, sess.Agent)
	if err != nil {
		r.SetPathValue("holder", sess.Agent)
		s.renderAccount(w, r, nethttp.StatusBadRequest, f, http.ProblemOf(err).Detail)
		return
	}
	data := confirmPage{Currency: cur, From: sess.Agent, To: d.To, Amount: d.Amount, Reference: d.Reference}
	warn, cerr := s.credit.Check(sess.Agent, d)
	if cerr != nil {
		data.Refusal = meent.ErrorMessage(cerr)
	}
	data.Warning = warn
	o := http.NewObjects(r.Context(), s.Node().Store())
	data.ToName = s.holderName(holders{o, http.NewNames(r.Context(), s.Node().Store())}, cur.Code, d.To)
	s.Render(w, r, nethttp.StatusOK, "creditpay", s.Locale(r).T("credit.pay.confirm"), data)
}

// postPay signs the transfer the reader confirmed, then goes back to
// their account.
func (s pages) postPay(w nethttp.ResponseWriter, r *nethttp.Request) {
	cur, _, err := s.credit.Currency(r.PathValue("code"))
	if err != nil {
		s.Error(w, r, err, 0)
		return
	}
	sess, err := s.FormSession(w, r)
	if err != nil {
		s.Error(w, r, err, 0)
		return
	}
	d, f, err := s.readPay(r, r.PostForm, cur, sess.Agent)
	r.SetPathValue("holder", sess.Agent)
	if err != nil {
		s.renderAccount(w, r, nethttp.StatusBadRequest, f, http.ProblemOf(err).Detail)
		return
	}
	rc, problem, ok := s.Act(w, r, func() (string, any) { return credit.TypeTransfer, d })
	if !ok {
		return
	}
	if problem != nil {
		s.renderAccount(w, r, problem.Status, f, problem.Detail)
		return
	}
	nethttp.Redirect(w, r, "/credit/"+url.PathEscape(cur.Code)+"/accounts/"+url.PathEscape(sess.Agent)+"?paid="+rc.Hash.String()+"#pay", nethttp.StatusSeeOther)
}
