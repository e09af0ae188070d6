package valueweb

import (
	"slices"
	"strings"

	nethttp "net/http"

	"github.com/meent/meent/api"
	"github.com/meent/meent/api/valueapi"
	"github.com/meent/meent/commons"
	"github.com/meent/meent/http"
	"github.com/meent/meent/value"
)

// The payouts page: what a commons owes, and for its maintainers a form
// per line to record a payment made, with a public reference and a
// private one (docs/privacy.md). The private reference is stored as a
// private record before the payout.settle is signed; the log gets only its
// commitment.

type payoutsPage struct {
	Commons    *commons.Commons
	MinPayout  int64
	Pay        []payoutRow
	Carried    []payoutRow
	Maintainer bool
	Error      string
	Settled    string // the settlement just recorded
	Later      bool   // a page after the first: an empty list here is not "nothing"
	Next       string // the cursor of the next page; "" on the last
}

type payoutRow struct {
	api.PayoutLine
	Decimal string // the open amount as a form value, "12.34"
}

func (s pages) pagePayouts(w nethttp.ResponseWriter, r *nethttp.Request) {
	s.renderPayouts(w, r, nethttp.StatusOK, "")
}

func (s pages) renderPayouts(w nethttp.ResponseWriter, r *nethttp.Request, status int, errMsg string) {
	o := http.NewObjects(r.Context(), s.Node().Store())
	c, err := s.Commons(o, r.PathValue("id"))
	if err != nil {
		s.Error(w, r, err, 0)
		return
	}
	// 100 lines of each list a page (?cursor=), as in the JSON; each line
	// has a form of its own, so a page is as good as the whole to settle.
	q, err := http.CursorQuery(r.URL.Query().Get("cursor"), "payouts", 100)
	if err != nil {
		s.Error(w, r, err, 0)
		return
	}
	info, _, err := s.value.Payouts(o, http.NewNames(r.Context(), s.Node().Store()), c.ID)
	if err != nil {
		s.Error(w, r, err, 0)
		return
	}
	a0, a1, b0, b1, next, err := http.PageTwo(q, "payouts", len(info.Pay), len(info.Carried), valueapi.PayoutKey(info.Pay), valueapi.PayoutKey(info.Carried))
	if err != nil {
		s.Error(w, r, err, 0)
		return
	}
	info.Pay, info.Carried = info.Pay[a0:a1], info.Carried[b0:b1]
	rows := func(ls []api.PayoutLine) []payoutRow {
		out := make([]payoutRow, len(ls))
		for i, l := range ls {
			out[i] = payoutRow{l, commons.Money{Amount: l.Amount, Currency: l.Currency}.Decimal()}
		}
		return out
	}
	data := payoutsPage{Commons: c, MinPayout: info.MinPayout, Pay: rows(info.Pay), Carried: rows(info.Carried), Error: errMsg, Later: !q.First(), Next: next}
	if sess := s.Session(r); sess != nil {
		data.Maintainer = slices.Contains(c.Maintainers, sess.Agent)
	}
	if h := r.URL.Query().Get("settled"); http.ParseID(h, "settlement") == nil {
		data.Settled = h
	}
	s.Render(w, r, status, "payouts", "Payouts of "+c.Name, data)
}

// postSettle answers a payouts form: it records a payment made.
func (s pages) postSettle(w nethttp.ResponseWriter, r *nethttp.Request) {
	sess, err := s.FormSession(w, r)
	if err != nil {
		s.Error(w, r, err, 0)
		return
	}
	id := r.PathValue("id")
	m, err := commons.ParseMoney(strings.TrimSpace(r.PostFormValue("amount")), r.PostFormValue("currency"))
	if err != nil {
		s.renderPayouts(w, r, nethttp.StatusBadRequest, "amount: "+http.ProblemOf(err).Detail)
		return
	}
	d := value.SettleData{Commons: id, Kind: r.PostFormValue("kind"), Recipient: r.PostFormValue("recipient"), Amount: m,
		Reference: strings.TrimSpace(r.PostFormValue("reference"))}
	rc, err := s.Settle(r.Context(), sess.Agent, d, strings.TrimSpace(r.PostFormValue("private_reference")))
	if err != nil {
		s.LogError(r, err)
		p := http.ProblemOf(err)
		s.renderPayouts(w, r, p.Status, p.Detail)
		return
	}
	nethttp.Redirect(w, r, "/commons/"+id+"/payouts?settled="+rc.Hash.String(), nethttp.StatusSeeOther)
}
