package breadfundapi

import (
	"encoding/json"
	"fmt"
	nethttp "net/http"
	"slices"

	"github.com/meent/meent"
	"github.com/meent/meent/api"
	"github.com/meent/meent/breadfund"
	"github.com/meent/meent/http"
	"github.com/meent/meent/state"
)

func (s server) apiFund(w nethttp.ResponseWriter, r *nethttp.Request) {
	out, err := s.Info(r.PathValue("id"))
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	http.WriteJSON(w, r, nethttp.StatusOK, out)
}

// insider authenticates the caller and checks that they may see the
// fund's names: a member or candidate of the fund, its board (the
// commons' maintainers), or a node admin. Everyone else sees the
// aggregates of GET /api/v1/breadfunds/{id} only.
func (s server) insider(r *nethttp.Request, st *state.State, id string) (string, error) {
	who, err := s.Authenticate(r)
	if err != nil {
		return "", err
	}
	if st.Breadfund.Fund(id) == nil {
		return "", meent.Errorf(meent.ENOTFOUND, "commons %s has no bread fund", id)
	}
	if insider(st, id, who) {
		return who, nil
	}
	return "", meent.Errorf(meent.EFORBIDDEN, "only the fund's members and board see who is in it; anyone sees its aggregates at /api/v1/breadfunds/%s", id)
}

// key orders a fund's children as the objects projection does: by
// creation index, then ID.
func key(created int64, id string) string { return fmt.Sprintf("%012d/%s", created, id) }

func (s server) apiMembers(w nethttp.ResponseWriter, r *nethttp.Request) {
	id := r.PathValue("id")
	q, err := http.QueryPage(r, "breadfund-members")
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	var out api.BreadfundMembers
	s.Node().State(func(st *state.State) {
		if _, err = s.insider(r, st, id); err != nil {
			return
		}
		var page []*breadfund.Member
		page, out.Next, err = http.PageSlice(st.Breadfund.Members(id), q, "breadfund-members", func(m *breadfund.Member) string { return key(m.Created, m.Agent) })
		for _, m := range page {
			name := ""
			if a := st.Agents.Agent(m.Agent); a != nil {
				name = a.Name
			}
			c := *m
			out.Members = append(out.Members, api.BreadfundMember{Member: &c, Name: name})
		}
	})
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	out.Members = http.NonNil(out.Members)
	http.SetNext(w, r, out.Next)
	http.WriteJSON(w, r, nethttp.StatusOK, out)
}

func (s server) apiClaims(w nethttp.ResponseWriter, r *nethttp.Request) {
	id := r.PathValue("id")
	q, err := http.QueryPage(r, "breadfund-claims")
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	open := false
	switch r.URL.Query().Get("status") {
	case "", "all":
	case breadfund.ClaimOpen:
		open = true
	default:
		s.WriteError(w, r, meent.Errorf(meent.EINVALID, "status is open or all"))
		return
	}
	var out api.BreadfundClaims
	s.Node().State(func(st *state.State) {
		if _, err = s.insider(r, st, id); err != nil {
			return
		}
		var page []*breadfund.Claim
		page, out.Next, err = http.PageSlice(st.Breadfund.Claims(id, open), q, "breadfund-claims", func(c *breadfund.Claim) string { return key(c.Created, c.ID) })
		for _, c := range page {
			cp := *c
			out.Claims = append(out.Claims, &cp)
		}
	})
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	out.Claims = http.NonNil(out.Claims)
	http.SetNext(w, r, out.Next)
	http.WriteJSON(w, r, nethttp.StatusOK, out)
}

func (s server) apiPayouts(w nethttp.ResponseWriter, r *nethttp.Request) {
	id := r.PathValue("id")
	q, err := http.QueryPage(r, "breadfund-payouts")
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	status := r.URL.Query().Get("status")
	if !slices.Contains([]string{"", breadfund.PayoutPending, breadfund.PayoutApproved, breadfund.PayoutPaid}, status) {
		s.WriteError(w, r, meent.Errorf(meent.EINVALID, "status is pending, approved or paid"))
		return
	}
	var out api.BreadfundPayouts
	s.Node().State(func(st *state.State) {
		if _, err = s.insider(r, st, id); err != nil {
			return
		}
		var page []*breadfund.Payout
		page, out.Next, err = http.PageSlice(st.Breadfund.Payouts(id, status), q, "breadfund-payouts", func(p *breadfund.Payout) string { return key(p.Created, p.ID) })
		for _, p := range page {
			cp := *p
			out.Payouts = append(out.Payouts, &cp)
		}
	})
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	out.Payouts = http.NonNil(out.Payouts)
	http.SetNext(w, r, out.Next)
	http.WriteJSON(w, r, nethttp.StatusOK, out)
}

func (s server) apiGifts(w nethttp.ResponseWriter, r *nethttp.Request) {
	id, period := r.PathValue("id"), r.PathValue("period")
	var err error
	s.Node().State(func(st *state.State) { _, err = s.insider(r, st, id) })
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	out, err := s.Gifts(id, period)
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	http.WriteJSON(w, r, nethttp.StatusOK, out)
}

// apiReason shows a claim's private reason to the board and the buddy
// (and to the member, who stored it). Who read it is logged, never what.
func (s server) apiReason(w nethttp.ResponseWriter, r *nethttp.Request) {
	who, err := s.Authenticate(r)
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	out, err := s.Reason(r.Context(), r.PathValue("id"), r.PathValue("claim"), who)
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	// Personal data: no cache, shared or private, may keep it.
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(nethttp.StatusOK)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(out)
}
