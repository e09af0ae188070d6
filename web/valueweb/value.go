package valueweb

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"html/template"
	"math/big"
	nethttp "net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/meent/meent"
	"github.com/meent/meent/api"
	"github.com/meent/meent/api/valueapi"
	"github.com/meent/meent/authority"
	"github.com/meent/meent/commons"
	"github.com/meent/meent/http"
	"github.com/meent/meent/payout"
	"github.com/meent/meent/value"
)

// The value cycle's pages: a commons' value policy and its history, its
// incomes and distributions with every amount explained, the imported
// identities with a "this is me" form, and what is owed to whom. Like the
// other pages they name agents rather than show IDs, and the one form
// (claiming an identity) signs an identity.claim for the logged-in person.

// A distribution page explains at most maxExplainedRecipients recipients
// (?recipient= shows any one of them) and lists at most maxExplained
// contributions for each; the JSON has them all.
const (
	maxExplainedRecipients = 50
	maxExplained           = 100
)

// formatAmount writes minor units as an exact decimal with the currency:
// "12.34 EUR", "1234 JPY".
func formatAmount(amount int64, currency string) string {
	return payout.FormatAmount(amount, currency) + " " + currency
}

// decayPercent writes a decay factor (units of 2^-52) as a percentage.
func decayPercent(f uint64) string {
	r := new(big.Rat).SetFrac(new(big.Int).Mul(new(big.Int).SetUint64(f), big.NewInt(100)), new(big.Int).Lsh(big.NewInt(1), 52))
	return r.FloatString(4) + "%"
}

// weighs writes what a contribution weighs, points times decay, in points.
func weighs(points int64, decay uint64) string {
	return weightPoints(new(big.Int).Mul(big.NewInt(points), new(big.Int).SetUint64(decay)))
}

// weightPoints writes a weight (units of 2^-52 points) in points.
func weightPoints(w *big.Int) string {
	if w == nil {
		return "0"
	}
	return new(big.Rat).SetFrac(w, new(big.Int).Lsh(big.NewInt(1), 52)).FloatString(2)
}

// poolLabel names a pool for people.
func poolLabel(name string) string {
	if name == value.PoolCoBudget {
		return "co-budget"
	}
	return name
}

// recipients renders the recipients of allocations and balances: agents
// by name, pools by what they are, upstream commons by name, and
// identities as they are, linked to the identities page.
type recipients struct {
	n       *http.Names
	o       *http.Objects
	commons string
}

// Link renders one recipient.
func (rs recipients) Link(kind, id string) template.HTML {
	switch kind {
	case value.RecipientAgent:
		return rs.n.Link(id)
	case value.RecipientIdentity:
		return template.HTML(`<a href="/commons/` + url.PathEscape(rs.commons) + `/identities">` + template.HTMLEscapeString(id) + `</a>`)
	}
	if up, ok := strings.CutPrefix(id, value.PoolUpstreamPrefix); ok {
		name := http.ShortID(up)
		if c, err := rs.o.Commons(up); err == nil {
			name = c.Name
		}
		return template.HTML(`upstream: <a href="/commons/` + url.PathEscape(up) + `">` + template.HTMLEscapeString(name) + `</a>`)
	}
	return template.HTML(template.HTMLEscapeString(poolLabel(id)) + ` <span class="note">(pool)</span>`)
}

// policyView is a policy as a page shows it.
type policyView struct {
	Version   int // 0: the default policy
	Author    string
	Index     int64
	Event     string // hash of its value.policy.set
	Policy    value.Policy
	Split     []splitRow
	Equations []equationRow
	Document  string // indented JSON
}

type splitRow struct{ Pool, Fraction string }

type equationRow struct{ Kind, Equation string }

// viewPolicy decodes a stored policy document for a page.
func viewPolicy(doc []byte) (policyView, error) {
	p, err := value.DecodePolicy(doc)
	if err != nil {
		return policyView{}, &meent.Error{Code: meent.EINTERNAL, Message: "internal error", Err: err}
	}
	v := policyView{Policy: p}
	for _, r := range []splitRow{{value.PoolContributors, p.Split.Contributors}, {value.PoolInfrastructure, p.Split.Infrastructure},
		{value.PoolSolidarity, p.Split.Solidarity}, {value.PoolCoBudget, p.Split.CoBudget}} {
		if r.Fraction != "" {
			v.Split = append(v.Split, r)
		}
	}
	for _, u := range p.Split.Upstream {
		v.Split = append(v.Split, splitRow{value.PoolUpstreamPrefix + u.Commons, u.Share})
	}
	for k, e := range p.Equations {
		v.Equations = append(v.Equations, equationRow{k, e})
	}
	slices.SortFunc(v.Equations, func(a, b equationRow) int { return strings.Compare(a.Kind, b.Kind) })
	var pretty bytes.Buffer
	if json.Indent(&pretty, doc, "", "  ") == nil {
		v.Document = pretty.String()
	} else {
		v.Document = string(doc)
	}
	return v, nil
}

// currentPolicy returns the policy a commons runs on now, for a page.
func (s pages) currentPolicy(o *http.Objects, commonsID string, q http.PageQuery) (policyView, api.PolicyInfo, error) {
	info, err := s.value.PolicyInfo(o, commonsID, q, true)
	if err != nil {
		return policyView{}, info, err
	}
	v, err := viewPolicy(info.Policy)
	if err != nil {
		return v, info, err
	}
	v.Version, v.Author, v.Index = info.Version, info.Author, info.Index
	if info.Version > 0 {
		v.Event = s.EventHash(o, info.Index)
	}
	return v, info, nil
}

// valueSection is the "Value" part of a commons page.
type valueSection struct {
	Policy        policyView
	Incomes       []value.Income
	Distributions []value.Distribution
	Open          []value.Balance
	NextOpen      string // the cursor of the open balances' next page
	Recipients    recipients
}

// valueOf reads what the commons page shows of the value cycle.
// The open balances come 100 a page (oldest first, from cursor q), the
// largest first within a page.
func (s pages) valueOf(o *http.Objects, nm *http.Names, commonsID string, q http.PageQuery) (*valueSection, error) {
	v := &valueSection{Recipients: recipients{n: nm, o: o, commons: commonsID}}
	var err error
	if v.Policy, _, err = s.currentPolicy(o, commonsID, http.PageQuery{Limit: 1}); err != nil {
		return nil, err
	}
	if v.Incomes, err = valueapi.Incomes(o, commonsID, "", 20); err != nil {
		return nil, err
	}
	if v.Distributions, err = valueapi.Distributions(o, commonsID, 20); err != nil {
		return nil, err
	}
	open, next, err := valueapi.BalancePage(o, commonsID, "", "open", q)
	if err != nil {
		return nil, err
	}
	v.Open, v.NextOpen = open.Balances, next
	slices.SortStableFunc(v.Open, func(a, b value.Balance) int {
		return cmp.Or(cmp.Compare(a.Currency, b.Currency), cmp.Compare(b.Open(), a.Open()))
	})
	return v, nil
}

type policyPage struct {
	Commons *commons.Commons
	Policy  policyView
	History []historyRow
	Names   *http.Names
	Next    string // the cursor of the history's next page; "" on the last
}

type historyRow struct {
	api.PolicyVersionInfo
	Event string
}

func (s pages) pagePolicy(w nethttp.ResponseWriter, r *nethttp.Request) {
	o := http.NewObjects(r.Context(), s.Node().Store())
	c, err := s.Commons(o, r.PathValue("id"))
	if err != nil {
		s.Error(w, r, err, 0)
		return
	}
	data := policyPage{Commons: c, Names: http.NewNames(r.Context(), s.Node().Store())}
	// The history newest first, 100 versions a page.
	q, err := http.CursorQuery(r.URL.Query().Get("cursor"), "policy-history-desc", 100)
	if err != nil {
		s.Error(w, r, err, 0)
		return
	}
	var info api.PolicyInfo
	if data.Policy, info, err = s.currentPolicy(o, c.ID, q); err != nil {
		s.Error(w, r, err, 0)
		return
	}
	for _, h := range info.History {
		data.History = append(data.History, historyRow{PolicyVersionInfo: h, Event: s.EventHash(o, h.Index)})
	}
	data.Next = info.Next
	s.Render(w, r, nethttp.StatusOK, "policy", "Value policy of "+c.Name, data)
}

type incomePage struct {
	Income       *value.Income
	Commons      *commons.Commons
	Distribution *value.Distribution // the one that spent it
	Preview      *value.Result       // what distributing it now would give
	PreviewError string
	Event        string
	Recipients   recipients
	Names        *http.Names
	Recorded     bool // just recorded by the reader (?recorded=1)
	Maintainer   bool // the reader may distribute it
}

func (s pages) pageIncome(w nethttp.ResponseWriter, r *nethttp.Request) {
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
	nm := http.NewNames(r.Context(), s.Node().Store())
	data := incomePage{Income: inc, Names: nm, Event: id, Recipients: recipients{n: nm, o: o, commons: inc.Commons}}
	if data.Commons, err = o.Commons(inc.Commons); err != nil {
		s.Error(w, r, err, 0)
		return
	}
	if sess := s.Session(r); sess != nil {
		data.Maintainer = s.allowed(sess.Agent, authority.RunDistribution, data.Commons)
		// ?recorded=1 is said to the one who recorded it only.
		data.Recorded = r.URL.Query().Get("recorded") == "1" && inc.Recorder == sess.Agent
	}
	if inc.Distributed != "" {
		data.Distribution, _ = valueapi.Distribution(o, inc.Distributed)
	} else {
		res, err := s.value.PreviewDistribution(id, s.Now().UnixMilli())
		switch {
		case err == nil:
			data.Preview = &res
		case http.CodeOf(err) == meent.EINTERNAL:
			s.Error(w, r, err, 0)
			return
		default:
			data.PreviewError = meent.ErrorMessage(err)
		}
	}
	s.Render(w, r, nethttp.StatusOK, "income", "Income of "+formatAmount(inc.Amount.Amount, inc.Amount.Currency), data)
}

type distributionPage struct {
	Distribution *value.Distribution
	Commons      *commons.Commons
	Income       *value.Income
	Contributors int64 // the contributors' pool
	Explanations []explanationView
	Recipient    string // the one recipient asked for, if any
	RecipientOf  string // its kind
	Omitted      int    // explanations not on the page
	Recipients   recipients
	Names        *http.Names
	shown        map[string]bool
}

// Shown reports whether a recipient's explanation is on this page; the
// others are linked to the page for that recipient alone.
func (p distributionPage) Shown(recipient string) bool { return p.shown[recipient] }

type explanationView struct {
	value.Explanation
	Rows []countedRow
	More int // contributions not listed
}

type countedRow struct {
	value.Counted
	Title string
}

func (s pages) pageDistribution(w nethttp.ResponseWriter, r *nethttp.Request) {
	id := r.PathValue("id")
	o := http.NewObjects(r.Context(), s.Node().Store())
	if http.ParseID(id, "distribution") != nil {
		s.Error(w, r, meent.Errorf(meent.ENOTFOUND, "no distribution has that ID"), 0)
		return
	}
	d, err := valueapi.Distribution(o, id)
	if err != nil {
		s.Error(w, r, err, 0)
		return
	}
	nm := http.NewNames(r.Context(), s.Node().Store())
	data := distributionPage{Distribution: d, Names: nm, Recipients: recipients{n: nm, o: o, commons: d.Commons}}
	if data.Commons, err = o.Commons(d.Commons); err != nil {
		s.Error(w, r, err, 0)
		return
	}
	data.Income, _ = valueapi.Income(o, d.Income)
	for _, p := range d.Result.Pools {
		if p.Recipient == value.PoolContributors {
			data.Contributors = p.Amount
		}
	}
	data.Recipient = r.URL.Query().Get("recipient")
	data.shown = map[string]bool{}
	for _, e := range d.Result.Explanations {
		if data.Recipient != "" && e.Recipient != data.Recipient {
			continue
		}
		if len(data.Explanations) == maxExplainedRecipients {
			data.Omitted++
			continue
		}
		data.shown[e.Recipient] = true
		data.RecipientOf = e.Kind
		v := explanationView{Explanation: e}
		for i, k := range e.Contributions {
			if i == maxExplained {
				v.More = len(e.Contributions) - i
				break
			}
			row := countedRow{Counted: k, Title: http.ShortID(k.ID)}
			if c, err := o.Contribution(k.ID); err == nil {
				row.Title = c.Title
			}
			v.Rows = append(v.Rows, row)
		}
		data.Explanations = append(data.Explanations, v)
	}
	if data.Recipient != "" && len(data.Explanations) == 0 {
		s.Error(w, r, meent.Errorf(meent.ENOTFOUND, "this distribution explains no recipient %q", data.Recipient), 0)
		return
	}
	title := "Distribution in " + data.Commons.Name
	if data.Income != nil {
		title = fmt.Sprintf("Distribution of %s in %s", formatAmount(data.Income.Amount.Amount, data.Income.Amount.Currency), data.Commons.Name)
	}
	s.Render(w, r, nethttp.StatusOK, "distribution", title, data)
}

type identitiesPage struct {
	Commons    *commons.Commons
	Imports    api.ImportsInfo
	Names      *http.Names
	Error      string
	Me         string           // the logged-in agent's ID, if any
	Maintainer bool             // the logged-in agent maintains the commons
	Left       map[string]int64 // seconds until each proven claim may be finalized, by claim ID
	Next       string           // the cursor of the identities' next page; "" on the last
}

func (s pages) pageIdentities(w nethttp.ResponseWriter, r *nethttp.Request) {
	s.renderIdentities(w, r, nethttp.StatusOK, "")
}

func (s pages) renderIdentities(w nethttp.ResponseWriter, r *nethttp.Request, status int, errMsg string) {
	o := http.NewObjects(r.Context(), s.Node().Store())
	c, err := s.Commons(o, r.PathValue("id"))
	if err != nil {
		s.Error(w, r, err, 0)
		return
	}
	data := identitiesPage{Commons: c, Names: http.NewNames(r.Context(), s.Node().Store()), Error: errMsg, Left: map[string]int64{}}
	if data.Imports, err = s.value.Imports(c.ID); err != nil {
		s.Error(w, r, err, 0)
		return
	}
	// The identities 100 a page (?cursor=), by identity; the count of
	// commits stays the whole commons'.
	q, err := http.CursorQuery(r.URL.Query().Get("cursor"), "identities", 100)
	if err != nil {
		s.Error(w, r, err, 0)
		return
	}
	if data.Imports.Identities, data.Next, err = http.PageSlice(data.Imports.Identities, q, "identities", func(i api.IdentityInfo) string { return i.Identity }); err != nil {
		s.Error(w, r, err, 0)
		return
	}
	if sess := s.Session(r); sess != nil {
		data.Me, data.Maintainer = sess.Agent, slices.Contains(c.Maintainers, sess.Agent)
	}
	now := s.Now().UnixMilli()
	for _, id := range data.Imports.Identities {
		for _, cl := range id.Claims {
			if cl.Status == commons.ClaimProven {
				data.Left[cl.ID] = max((cl.Ready-now+999)/1000, 0)
			}
		}
	}
	s.Render(w, r, status, "identities", "Identities in "+c.Name, data)
}

// postIdentityClaim answers the "this is me" form: it signs an
// identity.claim for the logged-in person.
func (s pages) postIdentityClaim(w nethttp.ResponseWriter, r *nethttp.Request) {
	id := r.PathValue("id")
	read := func() (string, any) {
		return commons.TypeIdentityClaim, commons.IdentityData{Commons: id, Identity: strings.TrimSpace(r.PostFormValue("identity"))}
	}
	s.identityAction(w, r, id, read)
}

// identityAction signs the event read gives for the logged-in person and
// goes back to the identities page, which shows a refusal in place.
func (s pages) identityAction(w nethttp.ResponseWriter, r *nethttp.Request, id string, read func() (string, any)) {
	_, p, ok := s.Act(w, r, read)
	if !ok {
		return
	}
	if p != nil {
		s.renderIdentities(w, r, p.Status, p.Detail)
		return
	}
	nethttp.Redirect(w, r, "/commons/"+id+"/identities", nethttp.StatusSeeOther)
}

// postIdentityDecision answers the buttons of a claim on the identities
// page: a maintainer confirms it (identity.attest naming the claimant),
// rejects or contests it; anyone finalizes a proven claim whose contest
// window has passed.
func (s pages) postIdentityDecision(w nethttp.ResponseWriter, r *nethttp.Request) {
	id := r.PathValue("id")
	read := func() (string, any) {
		identity, agentID := strings.TrimSpace(r.PostFormValue("identity")), strings.TrimSpace(r.PostFormValue("agent"))
		reason := strings.TrimSpace(r.PostFormValue("reason"))
		switch r.PostFormValue("action") {
		case "confirm":
			return commons.TypeIdentityAttest, commons.IdentityData{Commons: id, Identity: identity, Agent: agentID}
		case "reject":
			return commons.TypeIdentityReject, commons.ContestData{Commons: id, Identity: identity, Agent: agentID, Reason: reason}
		case "contest":
			return commons.TypeIdentityContest, commons.ContestData{Commons: id, Identity: identity, Agent: agentID, Reason: reason}
		}
		return commons.TypeIdentityFinalize, commons.IdentityData{Commons: id, Identity: identity, Agent: agentID}
	}
	r.Body = nethttp.MaxBytesReader(w, r.Body, 64<<10) // as formSession does, before the form is read
	if a := r.PostFormValue("action"); a != "confirm" && a != "reject" && a != "contest" && a != "finalize" {
		s.Error(w, r, meent.Errorf(meent.EINVALID, "action must be confirm, reject, contest or finalize"), 0)
		return
	}
	s.identityAction(w, r, id, read)
}

// balanceRow is one of an agent's balances on its page, with the
// distributions that allocated to it.
type balanceRow struct {
	value.Balance
	CommonsName   string
	Distributions []allocationRef
}

type allocationRef struct {
	ID        string
	Index     int64
	Amount    int64
	Recipient string // the agent, or the identity that was kept for until it was claimed
	Identity  bool
}

// agentBalances lists one page (from cursor q) of what the commons owe an
// agent, each balance with the distributions (among each commons'
// http.ScanLimit newest) that added to it, and the cursor of the next page.
func (s pages) agentBalances(o *http.Objects, agentID string, q http.PageQuery) ([]balanceRow, string, error) {
	page, next, err := valueapi.BalancePage(o, "", agentID, "", q)
	if err != nil {
		return nil, "", err
	}
	bs := page.Balances
	byCommons := map[string][]value.Distribution{}
	var out []balanceRow
	for _, b := range bs {
		row := balanceRow{Balance: b, CommonsName: http.ShortID(b.Commons)}
		if c, err := o.Commons(b.Commons); err == nil {
			row.CommonsName = c.Name
		}
		ds, ok := byCommons[b.Commons]
		if !ok {
			if ds, err = valueapi.Distributions(o, b.Commons, http.ScanLimit); err != nil {
				return nil, "", err
			}
			byCommons[b.Commons] = ds
		}
		// What was kept for identities the agent claimed came from
		// their allocations.
		var from []string
		for _, m := range b.Moves {
			if m.From != "" && !slices.Contains(from, m.From) {
				from = append(from, m.From)
			}
		}
		for _, d := range ds {
			if d.Result.Income.Currency != b.Currency {
				continue
			}
			if a := d.Result.Amount(value.RecipientAgent, agentID); a > 0 {
				row.Distributions = append(row.Distributions, allocationRef{ID: d.ID, Index: d.Index, Amount: a, Recipient: agentID})
			}
			for _, id := range from {
				if a := d.Result.Amount(value.RecipientIdentity, id); a > 0 {
					row.Distributions = append(row.Distributions, allocationRef{ID: d.ID, Index: d.Index, Amount: a, Recipient: id, Identity: true})
				}
			}
		}
		out = append(out, row)
	}
	slices.SortStableFunc(out, func(a, b balanceRow) int {
		return cmp.Or(cmp.Compare(a.CommonsName, b.CommonsName), cmp.Compare(a.Currency, b.Currency))
	})
	return out, next, nil
}
