package valueweb

import (
	nethttp "net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/meent/meent"
	"github.com/meent/meent/api/valueapi"
	"github.com/meent/meent/authority"
	"github.com/meent/meent/commons"
	"github.com/meent/meent/http"
	"github.com/meent/meent/state"
	"github.com/meent/meent/value"
)

// The maintainers' forms of the value cycle: record an income (typed in
// the page's language, then confirmed: it moves money), and distribute
// one (a preview of every recipient's share from the code the API's
// preview runs, then a run signed with the preview's time and inputs'
// digest, so the node refuses rather than distribute what nobody saw).

// incomeCurrencies are the currencies the income form offers, the
// commons' last income's first.
var incomeCurrencies = []string{"EUR", "USD", "GBP", "CHF", "JPY"}

// maxPreviewAge is how old a preview may be when it is run: older, and
// the maintainer looks again.
const maxPreviewAge = time.Hour

// allowed reports whether the rules let an agent do action in a commons,
// as the node's authority says.
func (s pages) allowed(agentID string, action authority.Action, c *commons.Commons) bool {
	ok := false
	s.Node().State(func(st *state.State) {
		ok = st.Authority().Allowed(agentID, action, authority.In(c.ID, c.Name))
	})
	return ok
}

// incomeForm is the income form on the commons page, as typed.
type incomeForm struct {
	Amount, Currency, Kind, Reference string
	Currencies, Kinds                 []string
}

// newIncomeForm is the empty form for a commons whose last income was in
// currency (EUR if none).
func newIncomeForm(currency string) incomeForm {
	cs := []string{cmpOr(currency, "EUR")}
	for _, c := range incomeCurrencies {
		if c != cs[0] {
			cs = append(cs, c)
		}
	}
	return incomeForm{Currency: cs[0], Kind: "donation", Currencies: cs, Kinds: value.IncomeKinds}
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// incomeConfirmPage is the confirmation step of recording an income.
type incomeConfirmPage struct {
	Commons    *commons.Commons
	Form       incomeForm
	Income     *value.IncomeData // what will be signed; nil while the form has an error
	Maintainer bool
	Error      string
}

// readIncome reads an income as typed in the page's language. The amount
// comes as typed ("1.234,56" in Dutch) or, from the confirmation, in
// minor units.
func (s pages) readIncome(r *nethttp.Request, commonsID string, f incomeForm) (value.IncomeData, string) {
	d := value.IncomeData{Commons: commonsID, Kind: f.Kind, Reference: f.Reference}
	if !slices.Contains(incomeCurrencies, f.Currency) {
		return d, s.Locale(r).T("income.record.bad_currency")
	}
	if !slices.Contains(value.IncomeKinds, f.Kind) {
		return d, s.Locale(r).T("income.record.bad_kind")
	}
	if len(f.Reference) > 200 {
		return d, s.Locale(r).T("income.record.long_reference")
	}
	var amount int64
	var err error
	if minor := r.FormValue("minor"); minor != "" {
		amount, err = strconv.ParseInt(minor, 10, 64)
	} else {
		amount, err = s.Locale(r).ParseMoney(f.Amount, f.Currency)
	}
	if err != nil || amount <= 0 {
		return d, s.Locale(r).T("income.record.bad_amount", "example", s.Locale(r).Number(commons.Money{Amount: 123456, Currency: f.Currency}.Decimal()))
	}
	d.Amount = commons.Money{Amount: amount, Currency: f.Currency}
	return d, ""
}

// pageIncomeConfirm is the confirmation step: what the form would record,
// with the button that records it (for a maintainer), or the form again
// with what is wrong.
func (s pages) pageIncomeConfirm(w nethttp.ResponseWriter, r *nethttp.Request) {
	s.renderIncomeConfirm(w, r, nethttp.StatusOK, "")
}

func (s pages) renderIncomeConfirm(w nethttp.ResponseWriter, r *nethttp.Request, status int, refusal string) {
	o := http.NewObjects(r.Context(), s.Node().Store())
	c, err := s.Commons(o, r.PathValue("id"))
	if err != nil {
		s.Error(w, r, err, 0)
		return
	}
	f := newIncomeForm(r.FormValue("currency"))
	f.Amount, f.Kind, f.Reference = strings.TrimSpace(r.FormValue("amount")), r.FormValue("kind"), strings.TrimSpace(r.FormValue("reference"))
	data := incomeConfirmPage{Commons: c, Form: f, Error: refusal}
	if sess := s.Session(r); sess != nil {
		data.Maintainer = s.allowed(sess.Agent, authority.RecordIncome, c)
	}
	d, msg := s.readIncome(r, c.ID, f)
	switch {
	case msg != "":
		data.Error, status = msg, max(status, nethttp.StatusUnprocessableEntity)
	case refusal == "":
		data.Income = &d
		data.Form.Amount = s.Locale(r).Number(d.Amount.Decimal())
	}
	s.Render(w, r, status, "incomeconfirm", c.Name, data)
}

// postIncome records the confirmed income and goes to its page; a
// refusal shows on the confirmation page.
func (s pages) postIncome(w nethttp.ResponseWriter, r *nethttp.Request) {
	sess, err := s.FormSession(w, r)
	if err != nil {
		s.Error(w, r, err, 0)
		return
	}
	id := r.PathValue("id")
	f := incomeForm{Currency: r.PostFormValue("currency"), Kind: r.PostFormValue("kind"), Reference: strings.TrimSpace(r.PostFormValue("reference"))}
	d, msg := s.readIncome(r, id, f)
	if msg != "" {
		s.renderIncomeConfirm(w, r, nethttp.StatusUnprocessableEntity, msg)
		return
	}
	rc, err := s.Accounts().Act(r.Context(), sess.Agent, value.TypeIncomeRecord, d)
	if err != nil {
		s.LogError(r, err)
		s.renderIncomeConfirm(w, r, http.ProblemOf(err).Status, http.ProblemOf(err).Detail)
		return
	}
	nethttp.Redirect(w, r, "/incomes/"+rc.Hash.String()+"?recorded=1", nethttp.StatusSeeOther)
}

// distributePage previews the distribution of an income: every
// recipient's share, as the API's preview computes it, and for a
// maintainer the button that runs it.
type distributePage struct {
	Income     *value.Income
	Commons    *commons.Commons
	Preview    *value.Result
	Recipients recipients
	Maintainer bool
	Error      string // the rules' refusal of a run, or why there is no preview
}

func (s pages) pageDistribute(w nethttp.ResponseWriter, r *nethttp.Request) {
	s.renderDistribute(w, r, nethttp.StatusOK, "")
}

func (s pages) renderDistribute(w nethttp.ResponseWriter, r *nethttp.Request, status int, refusal string) {
	id := r.PathValue("id")
	o := http.NewObjects(r.Context(), s.Node().Store())
	if http.ParseID(id, "income") != nil {
		s.Error(w, r, meent.Errorf(meent.ENOTFOUND, "no income has that ID"), 0)
		return
	}
	inc, err := valueapi.Income(o, id)
	if err != nil {
		s.Error(w, r, err, 0)
		return
	}
	if inc.Distributed != "" {
		nethttp.Redirect(w, r, "/distributions/"+inc.Distributed, nethttp.StatusSeeOther)
		return
	}
	nm := http.NewNames(r.Context(), s.Node().Store())
	data := distributePage{Income: inc, Recipients: recipients{n: nm, o: o, commons: inc.Commons}, Error: refusal}
	if data.Commons, err = o.Commons(inc.Commons); err != nil {
		s.Error(w, r, err, 0)
		return
	}
	if sess := s.Session(r); sess != nil {
		data.Maintainer = s.allowed(sess.Agent, authority.RunDistribution, data.Commons)
	}
	res, err := s.value.PreviewDistribution(id, s.Now().UnixMilli())
	switch {
	case err == nil:
		data.Preview = &res
	case http.CodeOf(err) == meent.EINTERNAL:
		s.Error(w, r, err, 0)
		return
	default:
		data.Error = meent.ErrorMessage(err)
	}
	s.Render(w, r, status, "distribute", data.Commons.Name, data)
}

// postDistribute runs the previewed distribution: a distribution.run
// signed at the preview's time with its inputs' digest, so that the node
// refuses it if the log changed since. It lands on the distribution.
func (s pages) postDistribute(w nethttp.ResponseWriter, r *nethttp.Request) {
	sess, err := s.FormSession(w, r)
	if err != nil {
		s.Error(w, r, err, 0)
		return
	}
	id := r.PathValue("id")
	asOf, err := strconv.ParseInt(r.PostFormValue("as_of"), 10, 64)
	if err != nil || time.UnixMilli(asOf).Before(s.Now().Add(-maxPreviewAge)) {
		s.renderDistribute(w, r, nethttp.StatusUnprocessableEntity, s.Locale(r).T("distribute.stale"))
		return
	}
	rc, err := s.Accounts().ActAt(r.Context(), sess.Agent, value.TypeDistributionRun, asOf, value.RunData{Income: id, Digest: r.PostFormValue("digest")})
	if err != nil {
		s.LogError(r, err)
		s.renderDistribute(w, r, http.ProblemOf(err).Status, http.ProblemOf(err).Detail)
		return
	}
	nethttp.Redirect(w, r, "/distributions/"+url.PathEscape(rc.Hash.String()), nethttp.StatusSeeOther)
}
