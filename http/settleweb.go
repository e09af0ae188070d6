package http

import (
	"context"
	"slices"
	"strings"

	nethttp "net/http"

	"github.com/meent/meent/commons"
	"github.com/meent/meent/node"
	"github.com/meent/meent/private"
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
	PayoutLine
	Decimal string // the open amount as a form value, "12.34"
}

func (s *Server) pagePayouts(w nethttp.ResponseWriter, r *nethttp.Request) {
	s.renderPayouts(w, r, nethttp.StatusOK, "")
}

func (s *Server) renderPayouts(w nethttp.ResponseWriter, r *nethttp.Request, status int, errMsg string) {
	o := newObjects(r.Context(), s.node.Store())
	c, err := s.webCommons(o, r.PathValue("id"))
	if err != nil {
		s.errorPage(w, r, err, 0)
		return
	}
	// 100 lines of each list a page (?cursor=), as in the JSON; each line
	// has a form of its own, so a page is as good as the whole to settle.
	q, err := cursorQuery(r.URL.Query().Get("cursor"), "payouts", 100)
	if err != nil {
		s.errorPage(w, r, err, 0)
		return
	}
	info, _, err := s.payouts(o, newNames(r.Context(), s.node.Store()), c.ID)
	if err != nil {
		s.errorPage(w, r, err, 0)
		return
	}
	a0, a1, b0, b1, next, err := pageTwo(q, "payouts", len(info.Pay), len(info.Carried), payoutKey(info.Pay), payoutKey(info.Carried))
	if err != nil {
		s.errorPage(w, r, err, 0)
		return
	}
	info.Pay, info.Carried = info.Pay[a0:a1], info.Carried[b0:b1]
	rows := func(ls []PayoutLine) []payoutRow {
		out := make([]payoutRow, len(ls))
		for i, l := range ls {
			out[i] = payoutRow{l, commons.Money{Amount: l.Amount, Currency: l.Currency}.Decimal()}
		}
		return out
	}
	data := payoutsPage{Commons: c, MinPayout: info.MinPayout, Pay: rows(info.Pay), Carried: rows(info.Carried), Error: errMsg, Later: q.after != nil, Next: next}
	if sess, _ := s.webSession(r); sess != nil {
		data.Maintainer = slices.Contains(c.Maintainers, sess.Agent)
	}
	if h := r.URL.Query().Get("settled"); parseID(h, "settlement") == nil {
		data.Settled = h
	}
	s.render(w, r, status, "payouts", "Payouts of "+c.Name, data)
}

// postSettle answers a payouts form: it records a payment made.
func (s *Server) postSettle(w nethttp.ResponseWriter, r *nethttp.Request) {
	sess, _, err := s.formSession(w, r)
	if err != nil {
		s.errorPage(w, r, err, 0)
		return
	}
	id := r.PathValue("id")
	m, err := commons.ParseMoney(strings.TrimSpace(r.PostFormValue("amount")), r.PostFormValue("currency"))
	if err != nil {
		s.renderPayouts(w, r, nethttp.StatusBadRequest, "amount: "+problemOf(err).Detail)
		return
	}
	d := value.SettleData{Commons: id, Kind: r.PostFormValue("kind"), Recipient: r.PostFormValue("recipient"), Amount: m,
		Reference: strings.TrimSpace(r.PostFormValue("reference"))}
	rc, err := s.settle(r.Context(), sess.Agent, d, strings.TrimSpace(r.PostFormValue("private_reference")))
	if err != nil {
		s.logError(r, err)
		p := problemOf(err)
		s.renderPayouts(w, r, p.Status, p.Detail)
		return
	}
	nethttp.Redirect(w, r, "/commons/"+id+"/payouts?settled="+rc.Hash.String(), nethttp.StatusSeeOther)
}

// settle signs d as a payout.settle for agentID, after storing privateRef
// (if any) as a private record of the commons, owned by agentID: the
// record first, then the event, as private.Store promises.
func (s *Server) settle(ctx context.Context, agentID string, d value.SettleData, privateRef string) (node.Receipt, error) {
	if err := s.accountsEnabled(); err != nil {
		return node.Receipt{}, err
	}
	if privateRef != "" {
		ps, err := s.privateStore()
		if err != nil {
			return node.Receipt{}, err
		}
		// Stored even if the event is then refused: an orphan record is
		// harmless and meent erase --orphans collects it.
		rec, err := private.Seal([]byte(privateRef), agentID, d.Commons, s.now().UnixMilli())
		if err != nil {
			return node.Receipt{}, err
		}
		if err := ps.PutPrivate(ctx, rec); err != nil {
			return node.Receipt{}, err
		}
		d.RefCommitment = rec.Commitment.String()
	}
	return s.accounts.Act(ctx, agentID, value.TypePayoutSettle, d)
}
