package valueapi

import (
	"bytes"
	"cmp"
	"encoding/json"
	"io"
	"math/big"
	"mime"
	nethttp "net/http"
	"slices"
	"strings"
	"sync"

	"github.com/meent/meent/http"

	"github.com/meent/meent"
	"github.com/meent/meent/agent"
	"github.com/meent/meent/api"
	"github.com/meent/meent/commons"
	"github.com/meent/meent/payout"
	"github.com/meent/meent/state"
	"github.com/meent/meent/value"
	"github.com/meent/meent/valueflows"
)

// The value cycle over the API: imported history and identities, value
// policies and their previews, incomes, distributions with their
// explanations, balances, payouts and exports. Writes are events like any
// other (value.policy.set, income.record, distribution.run, payout.settle,
// identity.claim; POST /api/v1/events or /api/v1/actions); these routes
// only read.
//
// Lists come from the objects projection, like the rest of the API. What
// must be exact and complete (what a distribution would do now, the
// identities of a commons, the payouts a treasurer makes) is read from the
// rules' own state under the node's lock, copied, and computed after the
// lock is released.

// Preview defaults: what a policy preview distributes when not told.
const (
	defaultPreviewAmount   = 100000 // 1000.00 in a currency with cents
	defaultPreviewCurrency = "EUR"
)

// defaultPolicy is value.DefaultPolicy compiled once: compiling probes
// every equation thousands of times, too slow to repeat per request.
var defaultPolicy = sync.OnceValues(func() (*value.Compiled, error) { return value.Compile(value.DefaultPolicy()) })

// rulesView is what one request copies out of the rules' state.
type rulesView struct {
	compiled *value.Compiled // nil: the default policy
	version  int
	input    value.Input
}

// readRules copies the current policy of a commons and the input of a
// distribution of income at asOf (the accepted contributions the commons
// recognises) out of the rules' state. The caller holds the node's lock
// (node.State); the copies are its own, and the compiled policy is
// immutable.
func readRules(st *state.State, commonsID string, income commons.Money, asOf int64) (rulesView, error) {
	var v rulesView
	var err error
	if st.Value.Policy(commonsID) != nil {
		v.compiled, v.version, err = st.Value.Compiled(commonsID)
	}
	v.input = value.Inputs(st.Commons, commonsID, income, asOf)
	return v, err
}

// orDefault fills in the default policy for a commons that has none.
func (v *rulesView) orDefault() error {
	if v.compiled != nil {
		return nil
	}
	var err error
	v.compiled, err = defaultPolicy()
	return err
}

// Imports computes ImportsInfo from the rules' state.
func (s Model) Imports(commonsID string) (api.ImportsInfo, error) {
	out := api.ImportsInfo{Commits: []string{}, NoStats: []string{}, Identities: []api.IdentityInfo{}}
	found := false
	s.Node().State(func(st *state.State) {
		cs := st.Commons
		if cs.Commons(commonsID) == nil {
			return
		}
		found = true
		type seen struct {
			info       api.IdentityInfo
			at, atTime int64 // the latest commit's log index and author time
		}
		byID := map[string]*seen{}
		for id, from := range cs.Recognised(commonsID) {
			k := cs.Contribution(id)
			if k == nil || k.Import == nil {
				continue
			}
			for _, e := range k.Evidence {
				if e.Commit != "" {
					out.Commits = append(out.Commits, e.Commit)
					if k.Import.NoStats && from == commonsID {
						out.NoStats = append(out.NoStats, e.Commit)
					}
				}
			}
			v := byID[k.Identity]
			if v == nil {
				v = &seen{info: api.IdentityInfo{Identity: k.Identity}, at: -1}
				byID[k.Identity] = v
			}
			v.info.Commits++
			v.info.LinesAdded += k.Quantities.LinesAdded
			v.info.LinesRemoved += k.Quantities.LinesRemoved
			if k.AuthorName != "" && (k.Submitted > v.at || k.Submitted == v.at && k.SubmittedAt > v.atTime) {
				v.info.Name, v.at, v.atTime = k.AuthorName, k.Submitted, k.SubmittedAt
			}
		}
		// A mapping in the commons itself counts first, then one made
		// upstream (where the commits were imported).
		mapped := map[string]commons.Mapping{}
		for c, depth := cs.Commons(commonsID), 0; c != nil && depth < http.MaxLineage; c, depth = cs.Commons(c.ForkOf), depth+1 {
			for _, m := range cs.Mappings(c.ID) {
				if _, ok := mapped[m.Identity]; !ok {
					mapped[m.Identity] = m
				}
			}
			if c.ForkOf == "" {
				break
			}
		}
		for _, cl := range cs.Claims(commonsID) {
			v := byID[cl.Identity]
			if v == nil { // claimed before any commit of it was imported
				v = &seen{info: api.IdentityInfo{Identity: cl.Identity}, at: -1}
				byID[cl.Identity] = v
			}
			v.info.Claims = append(v.info.Claims, cl)
		}
		for _, v := range byID {
			if m, ok := mapped[v.info.Identity]; ok {
				v.info.Agent, v.info.Attested = m.Agent, m.Attested
			}
			out.Identities = append(out.Identities, v.info)
		}
	})
	if !found {
		return out, meent.Errorf(meent.ENOTFOUND, "no commons %s", commonsID)
	}
	slices.Sort(out.Commits)
	slices.Sort(out.NoStats)
	slices.SortFunc(out.Identities, func(a, b api.IdentityInfo) int { return strings.Compare(a.Identity, b.Identity) })
	return out, nil
}

func (s server) apiImports(w nethttp.ResponseWriter, r *nethttp.Request) {
	id := r.PathValue("id")
	if err := http.ParseID(id, "commons"); err != nil {
		s.WriteError(w, r, err)
		return
	}
	q, err := http.QueryPage(r, "imports")
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	out, err := s.Imports(id)
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	out, err = pageImports(out, q)
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	http.SetNext(w, r, out.Next)
	http.WriteJSON(w, r, nethttp.StatusOK, out)
}

// pageImports cuts one page out of a commons' imports: up to q.Limit
// commits (by hash) with the no_stats among them, and up to q.Limit
// identities (by identity).
func pageImports(in api.ImportsInfo, q http.PageQuery) (api.ImportsInfo, error) {
	a0, a1, b0, b1, next, err := http.PageTwo(q, "imports", len(in.Commits), len(in.Identities),
		func(i int) string { return in.Commits[i] }, func(i int) string { return in.Identities[i].Identity })
	if err != nil {
		return in, err
	}
	out := api.ImportsInfo{Commits: in.Commits[a0:a1], NoStats: []string{}, Identities: in.Identities[b0:b1], Next: next}
	if a1 > a0 {
		first, last := in.Commits[a0], in.Commits[a1-1]
		for _, c := range in.NoStats { // sorted, like the commits
			if c >= first && c <= last {
				out.NoStats = append(out.NoStats, c)
			}
		}
	}
	return out, nil
}

// PolicyInfo returns the current policy of a commons with one page of its
// history, oldest first (newest first when desc), after q's cursor. The
// current version is read on its own, the newest stored, so it is right
// however many versions there are (a listing cut at 1000 once made the
// 1000th the "current" one).
func (s Model) PolicyInfo(o *http.Objects, commonsID string, q http.PageQuery, desc bool) (api.PolicyInfo, error) {
	if _, err := o.Commons(commonsID); err != nil {
		return api.PolicyInfo{}, err
	}
	name := "policy-history"
	if desc {
		name = "policy-history-desc"
	}
	f := meent.ObjectFilter{Kind: value.KindPolicy, Commons: commonsID, Desc: desc}
	vs, next, err := http.PageObjects[value.PolicyVersion](o, f, q, name, nil)
	if err != nil {
		return api.PolicyInfo{}, err
	}
	out := api.PolicyInfo{Commons: commonsID, History: []api.PolicyVersionInfo{}, Next: next}
	for _, v := range vs {
		out.History = append(out.History, api.PolicyVersionInfo{Version: v.Version, Author: v.Author, Index: v.Index})
	}
	cur, err := http.List[value.PolicyVersion](o, meent.ObjectFilter{Kind: value.KindPolicy, Commons: commonsID, Desc: true, Limit: 1})
	if err != nil {
		return out, err
	}
	if len(cur) == 0 {
		c, err := defaultPolicy()
		if err != nil {
			return out, err
		}
		out.Policy = c.Encoded()
		return out, nil
	}
	out.Version, out.Policy, out.Author, out.Index = cur[0].Version, json.RawMessage(cur[0].Policy), cur[0].Author, cur[0].Index
	return out, nil
}

func (s server) apiPolicy(w nethttp.ResponseWriter, r *nethttp.Request) {
	id := r.PathValue("id")
	if err := http.ParseID(id, "commons"); err != nil {
		s.WriteError(w, r, err)
		return
	}
	q, err := http.QueryPage(r, "policy-history")
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	out, err := s.PolicyInfo(http.NewObjects(r.Context(), s.Node().Store()), id, q, false)
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	http.SetNext(w, r, out.Next)
	http.WriteJSON(w, r, nethttp.StatusOK, out)
}

// previewPolicy compiles a proposed policy and runs it and the current one
// over the same income, as of now.
func (s Model) previewPolicy(commonsID string, doc []byte, income commons.Money) (api.PolicyPreview, error) {
	p, err := value.DecodePolicy(doc)
	if err != nil {
		return api.PolicyPreview{}, err
	}
	next, err := value.Compile(p)
	if err != nil {
		return api.PolicyPreview{}, err
	}
	var v rulesView
	found := false
	s.Node().State(func(st *state.State) {
		if st.Commons.Commons(commonsID) != nil {
			found = true
			v, err = readRules(st, commonsID, income, s.Now().UnixMilli())
		}
	})
	if !found {
		return api.PolicyPreview{}, meent.Errorf(meent.ENOTFOUND, "no commons %s", commonsID)
	}
	if err == nil {
		err = v.orDefault()
	}
	if err != nil {
		return api.PolicyPreview{}, err
	}
	changes, err := value.Preview(v.compiled, next, v.input)
	if err != nil {
		return api.PolicyPreview{}, err
	}
	return api.PolicyPreview{Current: v.version, Income: income, Changes: changes}, nil
}

func (s server) apiPolicyPreview(w nethttp.ResponseWriter, r *nethttp.Request) {
	id := r.PathValue("id")
	if err := http.ParseID(id, "commons"); err != nil {
		s.WriteError(w, r, err)
		return
	}
	q := r.URL.Query()
	amount, err := http.QueryInt(r, "amount", defaultPreviewAmount)
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	income := commons.Money{Amount: amount, Currency: cmp.Or(q.Get("currency"), defaultPreviewCurrency)}
	if err := commons.CheckMoney(income, false); err != nil {
		s.WriteError(w, r, meent.Errorf(meent.EINVALID, "%s", meent.ErrorMessage(err)))
		return
	}
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		s.WriteError(w, r, meent.Errorf(meent.EINVALID, "Content-Type must be application/json"))
		return
	}
	doc, err := io.ReadAll(io.LimitReader(r.Body, value.MaxPolicySize+1))
	if err != nil {
		s.WriteError(w, r, meent.Errorf(meent.EINVALID, "could not read the policy"))
		return
	}
	out, err := s.previewPolicy(id, doc, income)
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	http.WriteJSON(w, r, nethttp.StatusOK, out)
}

// Incomes lists a commons' incomes, newest first.
func Incomes(o *http.Objects, commonsID, status string, limit int) ([]value.Income, error) {
	is, err := http.List[value.Income](o, meent.ObjectFilter{Kind: value.KindIncome, Commons: commonsID, Status: status, Limit: limit, Desc: true})
	if err != nil {
		return nil, err
	}
	out := make([]value.Income, 0, len(is))
	for _, i := range is {
		out = append(out, *i)
	}
	return out, nil
}

func (s server) apiIncomes(w nethttp.ResponseWriter, r *nethttp.Request) {
	status := r.URL.Query().Get("status")
	if status != "" && status != "open" && status != "distributed" {
		s.WriteError(w, r, meent.Errorf(meent.EINVALID, "status must be open or distributed"))
		return
	}
	q, err := http.QueryPage(r, "incomes")
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	id, o, err := s.CommonsOf(r)
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	is, next, err := http.PageObjects[value.Income](o, meent.ObjectFilter{Kind: value.KindIncome, Commons: id, Status: status, Desc: true}, q, "incomes", nil)
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	out := api.IncomeList{Incomes: make([]value.Income, 0, len(is)), Next: next}
	for _, i := range is {
		out.Incomes = append(out.Incomes, *i)
	}
	http.SetNext(w, r, next)
	http.WriteJSON(w, r, nethttp.StatusOK, out)
}

// Income reads an income.
func Income(o *http.Objects, id string) (*value.Income, error) {
	return http.Get[value.Income](o, value.KindIncome, id)
}

// Distribution reads a distribution.
func Distribution(o *http.Objects, id string) (*value.Distribution, error) {
	return http.Get[value.Distribution](o, value.KindDistribution, id)
}

func (s server) apiIncome(w nethttp.ResponseWriter, r *nethttp.Request) {
	id := r.PathValue("id")
	if err := http.ParseID(id, "income"); err != nil {
		s.WriteError(w, r, err)
		return
	}
	inc, err := Income(http.NewObjects(r.Context(), s.Node().Store()), id)
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	http.WriteJSON(w, r, nethttp.StatusOK, inc)
}

// PreviewDistribution returns what distribution.run would compute for an
// income if it were signed with time asOf now: the current policy over the
// contributions the commons recognises now. An income already distributed
// is ECONFLICT: the rules would refuse to run it again.
func (s Model) PreviewDistribution(incomeID string, asOf int64) (value.Result, error) {
	var inc value.Income
	var v rulesView
	var err error
	found := false
	s.Node().State(func(st *state.State) {
		i := st.Value.Income(incomeID)
		if i == nil {
			return
		}
		found, inc = true, *i
		if inc.Distributed == "" {
			v, err = readRules(st, inc.Commons, inc.Amount, asOf)
		}
	})
	if !found {
		return value.Result{}, meent.Errorf(meent.ENOTFOUND, "no income %s", incomeID)
	}
	if inc.Distributed != "" {
		return value.Result{}, meent.Errorf(meent.ECONFLICT, "income %s was already distributed by %s", inc.ID, inc.Distributed)
	}
	if err == nil {
		err = v.orDefault()
	}
	if err != nil {
		return value.Result{}, err
	}
	res, err := value.Distribute(v.compiled, v.input)
	if err != nil && http.CodeOf(err) != meent.EINTERNAL {
		// As the rules word their refusal of the run.
		return res, meent.Errorf(meent.ERULE, "distribution: %s", meent.ErrorMessage(err))
	}
	return res, err
}

func (s server) apiIncomePreview(w nethttp.ResponseWriter, r *nethttp.Request) {
	id := r.PathValue("id")
	if err := http.ParseID(id, "income"); err != nil {
		s.WriteError(w, r, err)
		return
	}
	asOf, err := http.QueryInt(r, "as_of", s.Now().UnixMilli())
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	if asOf > value.MaxTime {
		s.WriteError(w, r, meent.Errorf(meent.EINVALID, "as_of must be at most %d", value.MaxTime))
		return
	}
	res, err := s.PreviewDistribution(id, asOf)
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	http.WriteJSON(w, r, nethttp.StatusOK, res)
}

// distributionHead is a stored distribution read without its
// explanations, which hold a line per counted contribution and are most of
// its size: the decoder skips them instead of building them.
type distributionHead struct {
	ID            string `json:"id"`
	Commons       string `json:"commons"`
	Income        string `json:"income"`
	PolicyVersion int    `json:"policy_version"`
	Index         int64  `json:"index"`
	Result        struct {
		Digest      string             `json:"digest"`
		Income      commons.Money      `json:"income"`
		AsOf        int64              `json:"as_of"`
		Allocations []value.Allocation `json:"allocations"`
		Pools       []value.Allocation `json:"pools"`
		TotalWeight *big.Int           `json:"total_weight"`
	} `json:"result"`
}

// Distributions lists a commons' distributions, newest first, without
// their explanations.
func Distributions(o *http.Objects, commonsID string, limit int) ([]value.Distribution, error) {
	objs, err := o.Store().Objects(o.Context(), meent.ObjectFilter{Kind: value.KindDistribution, Commons: commonsID, Limit: limit, Desc: true})
	if err != nil {
		return nil, err
	}
	out := make([]value.Distribution, 0, len(objs))
	for _, obj := range objs {
		h, err := http.DecodeObject[distributionHead](obj)
		if err != nil {
			return nil, err
		}
		out = append(out, h.distribution())
	}
	return out, nil
}

// distribution is the listed form of a distribution: without explanations.
func (h *distributionHead) distribution() value.Distribution {
	r := h.Result
	return value.Distribution{ID: h.ID, Commons: h.Commons, Income: h.Income, PolicyVersion: h.PolicyVersion, Index: h.Index,
		Result: value.Result{Digest: r.Digest, Income: r.Income, AsOf: r.AsOf, Allocations: http.NonNil(r.Allocations), Pools: http.NonNil(r.Pools),
			TotalWeight: r.TotalWeight, Explanations: []value.Explanation{}}}
}

// BalancePage is one page of balances, oldest first; empty commonsID or
// agentID do not filter.
func BalancePage(o *http.Objects, commonsID, agentID, status string, q http.PageQuery) (api.BalanceList, string, error) {
	bs, next, err := http.PageObjects[value.Balance](o, meent.ObjectFilter{Kind: value.KindBalance, Commons: commonsID, Agent: agentID, Status: status}, q, "balances", nil)
	if err != nil {
		return api.BalanceList{}, "", err
	}
	out := api.BalanceList{Balances: make([]value.Balance, 0, len(bs)), Next: next}
	for _, b := range bs {
		out.Balances = append(out.Balances, *b)
	}
	return out, next, nil
}

func (s server) apiDistributions(w nethttp.ResponseWriter, r *nethttp.Request) {
	q, err := http.QueryPage(r, "distributions")
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	id, o, err := s.CommonsOf(r)
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	hs, next, err := http.PageObjects[distributionHead](o, meent.ObjectFilter{Kind: value.KindDistribution, Commons: id, Desc: true}, q, "distributions", nil)
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	out := api.DistributionList{Distributions: make([]value.Distribution, 0, len(hs)), Next: next}
	for _, h := range hs {
		out.Distributions = append(out.Distributions, h.distribution())
	}
	http.SetNext(w, r, next)
	http.WriteJSON(w, r, nethttp.StatusOK, out)
}

func (s server) apiDistribution(w nethttp.ResponseWriter, r *nethttp.Request) {
	id := r.PathValue("id")
	if err := http.ParseID(id, "distribution"); err != nil {
		s.WriteError(w, r, err)
		return
	}
	d, err := Distribution(http.NewObjects(r.Context(), s.Node().Store()), id)
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	if rc := r.URL.Query().Get("recipient"); rc != "" {
		d.Result.Explanations = slices.DeleteFunc(d.Result.Explanations, func(e value.Explanation) bool { return e.Recipient != rc })
	}
	http.WriteJSON(w, r, nethttp.StatusOK, d)
}

// recipientNames names the recipients of allocations and balances for a
// share file or a payout: agents by their names, upstream pools by their
// commons' names, and the commons itself.
func recipientNames(o *http.Objects, nm *http.Names, commonsID string, kinds, recipients []string) map[string]string {
	out := map[string]string{}
	if c, err := o.Commons(commonsID); err == nil {
		out[commonsID] = c.Name
	}
	for i, rc := range recipients {
		switch kinds[i] {
		case value.RecipientAgent:
			out[rc] = nm.Name(rc)
		case value.RecipientPool:
			if up, ok := strings.CutPrefix(rc, value.PoolUpstreamPrefix); ok {
				if c, err := o.Commons(up); err == nil {
					out[up] = c.Name
				}
			}
		}
	}
	return out
}

func (s server) apiShares(w nethttp.ResponseWriter, r *nethttp.Request) {
	id := r.PathValue("id")
	if err := http.ParseID(id, "distribution"); err != nil {
		s.WriteError(w, r, err)
		return
	}
	o := http.NewObjects(r.Context(), s.Node().Store())
	d, err := Distribution(o, id)
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	var kinds, recipients []string
	for _, a := range d.Result.Allocations {
		kinds, recipients = append(kinds, a.Kind), append(recipients, a.Recipient)
	}
	names := recipientNames(o, http.NewNames(r.Context(), s.Node().Store()), d.Commons, kinds, recipients)
	var buf bytes.Buffer
	if err := valueflows.ShareFile(&buf, d, names); err != nil {
		s.WriteError(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/tab-separated-values; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="shares-`+id[:12]+`.tsv"`)
	h.Set("Cache-Control", "no-cache")
	w.Write(buf.Bytes())
}

// balanceStatus reads ?status=open|settled ("" for all).
func balanceStatus(r *nethttp.Request) (string, error) {
	st := r.URL.Query().Get("status")
	if st == "all" {
		st = ""
	}
	if st != "" && st != "open" && st != "settled" {
		return "", meent.Errorf(meent.EINVALID, "status must be open, settled or all")
	}
	return st, nil
}

func (s server) apiBalances(w nethttp.ResponseWriter, r *nethttp.Request) {
	status, err := balanceStatus(r)
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	q, err := http.QueryPage(r, "balances")
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	id, o, err := s.CommonsOf(r)
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	out, next, err := BalancePage(o, id, "", status, q)
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	http.SetNext(w, r, next)
	http.WriteJSON(w, r, nethttp.StatusOK, out)
}

func (s server) apiAgentBalances(w nethttp.ResponseWriter, r *nethttp.Request) {
	v, err := s.Agent(r)
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	status, err := balanceStatus(r)
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	q, err := http.QueryPage(r, "balances")
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	out, next, err := BalancePage(http.NewObjects(r.Context(), s.Node().Store()), "", v.ID, status, q)
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	http.SetNext(w, r, next)
	http.WriteJSON(w, r, nethttp.StatusOK, out)
}

// Payouts selects the open balances of a commons to pay now. It reads the
// rules' state, so no balance is missed however many there are.
func (s Model) Payouts(o *http.Objects, nm *http.Names, commonsID string) (api.PayoutsInfo, []payout.Line, error) {
	var open []payout.Balance
	var doc []byte
	found := false
	s.Node().State(func(st *state.State) {
		if st.Commons.Commons(commonsID) == nil {
			return
		}
		found = true
		if pv := st.Value.Policy(commonsID); pv != nil {
			doc = bytes.Clone(pv.Policy)
		}
		for _, b := range st.Value.Balances() {
			if b.Commons == commonsID && b.Open() != 0 {
				open = append(open, payout.Balance{Kind: b.Kind, Recipient: b.Recipient, Currency: b.Currency, Open: b.Open()})
			}
		}
	})
	if !found {
		return api.PayoutsInfo{}, nil, meent.Errorf(meent.ENOTFOUND, "no commons %s", commonsID)
	}
	var min int64
	if doc != nil {
		p, err := value.DecodePolicy(doc)
		if err != nil {
			return api.PayoutsInfo{}, nil, &meent.Error{Code: meent.EINTERNAL, Message: "internal error", Err: err}
		}
		min = p.MinPayout
	}
	var kinds, recipients []string
	for _, b := range open {
		kinds, recipients = append(kinds, b.Kind), append(recipients, b.Recipient)
	}
	names := recipientNames(o, nm, commonsID, kinds, recipients)
	for i, b := range open {
		open[i].Name = balanceName(names, b.Kind, b.Recipient)
	}
	pay, carried := payout.Select(open, min)
	out := api.PayoutsInfo{MinPayout: min, Pay: payoutLines(pay), Carried: payoutLines(carried)}
	return out, pay, nil
}

// PayoutKey is the paging key of payout lines: currency, kind and
// recipient, unique per balance, joined by \x01, below any character they
// hold, so the joined keys sort as the tuples do (a cursor may not hold
// NUL).
func PayoutKey(ls []api.PayoutLine) func(int) string {
	return func(i int) string { return ls[i].Currency + "\x01" + ls[i].Kind + "\x01" + ls[i].Recipient }
}

// balanceName is the name shown for a recipient: an agent's name, an
// upstream commons' name, or the identity or pool itself.
func balanceName(names map[string]string, kind, recipient string) string {
	switch kind {
	case value.RecipientAgent:
		return names[recipient]
	case value.RecipientPool:
		if up, ok := strings.CutPrefix(recipient, value.PoolUpstreamPrefix); ok && names[up] != "" {
			return "upstream: " + names[up]
		}
	}
	return recipient
}

func payoutLines(ls []payout.Line) []api.PayoutLine {
	out := make([]api.PayoutLine, 0, len(ls))
	for _, l := range ls {
		out = append(out, api.PayoutLine{Kind: l.Kind, Recipient: l.Recipient, Name: l.Name, Currency: l.Currency, Amount: l.Amount})
	}
	return out
}

func (s server) apiPayouts(w nethttp.ResponseWriter, r *nethttp.Request) {
	id := r.PathValue("id")
	if err := http.ParseID(id, "commons"); err != nil {
		s.WriteError(w, r, err)
		return
	}
	format := r.URL.Query().Get("format")
	if format != "" && format != "json" && format != "csv" {
		s.WriteError(w, r, meent.Errorf(meent.EINVALID, "format must be json or csv"))
		return
	}
	var q http.PageQuery
	if format != "csv" {
		var err error
		if q, err = http.QueryPage(r, "payouts"); err != nil {
			s.WriteError(w, r, err)
			return
		}
	}
	out, pay, err := s.Payouts(http.NewObjects(r.Context(), s.Node().Store()), http.NewNames(r.Context(), s.Node().Store()), id)
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	if format != "csv" {
		// The JSON pages its two lists (sorted by currency, kind and
		// recipient: payoutKey). The CSV stays whole: it
		// is the file a treasurer pays from, and a part of it would pay
		// some recipients and silently not others.
		a0, a1, b0, b1, next, err := http.PageTwo(q, "payouts", len(out.Pay), len(out.Carried), PayoutKey(out.Pay), PayoutKey(out.Carried))
		if err != nil {
			s.WriteError(w, r, err)
			return
		}
		out.Pay, out.Carried, out.Next = out.Pay[a0:a1], out.Carried[b0:b1], next
		http.SetNext(w, r, next)
		http.WriteJSON(w, r, nethttp.StatusOK, out)
		return
	}
	// The payee columns stay empty: account details never reach the node.
	var buf bytes.Buffer
	if err := payout.WriteCSV(&buf, pay, nil); err != nil {
		s.WriteError(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="payouts-`+id[:12]+`.csv"`)
	h.Set("Cache-Control", "no-cache")
	w.Write(buf.Bytes())
}

// valueFlows builds the JSON-LD export of a commons from the objects
// projection: its accepted contributions and those it recognises upstream,
// its incomes, distributions and balances, every one of them (an export
// is a document: it once stopped silently at 1000 of each), and the
// agents they name.
func (s Model) valueFlows(r *nethttp.Request, commonsID string) ([]byte, error) {
	o := http.NewObjects(r.Context(), s.Node().Store())
	c, err := o.Commons(commonsID)
	if err != nil {
		return nil, err
	}
	in := valueflows.Input{BaseURL: s.BaseURL(r), Commons: c, Agents: map[string]*agent.Agent{}}
	ups, err := http.Ancestry(o, c)
	if err != nil {
		return nil, err
	}
	for _, up := range append([]http.Upstream{{Commons: c, Before: -1}}, ups...) {
		before := up.Before
		ks, err := http.Every(o, meent.ObjectFilter{Kind: commons.KindContribution, Commons: up.Commons.ID, Status: commons.Accepted, Desc: true},
			func(k *commons.Contribution) bool { return before < 0 || k.Decided < before })
		if err != nil {
			return nil, err
		}
		in.Contributions = append(in.Contributions, ks...)
	}
	if in.Incomes, err = http.Every[value.Income](o, meent.ObjectFilter{Kind: value.KindIncome, Commons: commonsID}, nil); err != nil {
		return nil, err
	}
	if in.Distributions, err = http.Every[value.Distribution](o, meent.ObjectFilter{Kind: value.KindDistribution, Commons: commonsID}, nil); err != nil {
		return nil, err
	}
	if in.Balances, err = http.Every[value.Balance](o, meent.ObjectFilter{Kind: value.KindBalance, Commons: commonsID}, nil); err != nil {
		return nil, err
	}
	ids := map[string]bool{c.Creator: true}
	for _, k := range in.Contributions {
		ids[k.Contributor] = true
	}
	for _, i := range in.Incomes {
		ids[i.Payer], ids[i.Recorder] = true, true
	}
	for _, d := range in.Distributions {
		for _, a := range d.Result.Allocations {
			if a.Kind == value.RecipientAgent {
				ids[a.Recipient] = true
			}
		}
	}
	for _, b := range in.Balances {
		if b.Kind == value.RecipientAgent {
			ids[b.Recipient] = true
		}
	}
	for id := range ids {
		if id == "" {
			continue
		}
		v, err := s.Node().Store().Agent(r.Context(), id)
		if meent.ErrorCode(err) == meent.ENOTFOUND {
			continue
		}
		if err != nil {
			return nil, err
		}
		in.Agents[id] = &agent.Agent{ID: v.ID, Kind: v.Kind, Name: v.Name, Created: v.Created, Role: v.Role}
	}
	var buf bytes.Buffer
	if err := valueflows.JSONLD(&buf, in); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func (s server) apiValueFlows(w nethttp.ResponseWriter, r *nethttp.Request) {
	id := r.PathValue("id")
	if err := http.ParseID(id, "commons"); err != nil {
		s.WriteError(w, r, err)
		return
	}
	out, err := s.valueFlows(r, id)
	if err != nil {
		s.WriteError(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/ld+json")
	h.Set("Cache-Control", "no-cache")
	w.Write(out)
}
