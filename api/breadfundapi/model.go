package breadfundapi

import (
	"encoding/json"

	"github.com/meent/meent"
	"github.com/meent/meent/api"
	"github.com/meent/meent/breadfund"
	"github.com/meent/meent/http"
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
