package licenseweb

import (
	"cmp"
	"fmt"
	nethttp "net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/meent/meent"
	"github.com/meent/meent/api"
	"github.com/meent/meent/commons"
	"github.com/meent/meent/http"
	"github.com/meent/meent/license"
	"github.com/meent/meent/state"
	"github.com/meent/meent/web"
)

// The licensing pages: a commons' license policy in words, with its price
// bands, its exports and a public "is X licensed?" check; a grant with its
// status now, its event and its offline proof; and the licensing parts of
// the commons and agent pages. They read the rules' own state, which is
// exact and complete, and name agents and commons rather than show IDs.

// useWords describes a use: "commercial use", "non-commercial use for
// “the mobile app”".
func useWords(commercial bool, scope string) string {
	s := "non-commercial use"
	if commercial {
		s = "commercial use"
	}
	if scope != "" {
		s += " for “" + scope + "”"
	}
	return s
}

// ruleLabel names the rule that decided a grant or an offer for people:
// "non commercial", "trial", "price band 2".
func ruleLabel(rule string) string {
	if n, ok := strings.CutPrefix(rule, "price.bands["); ok {
		if i, err := strconv.Atoi(strings.TrimSuffix(n, "]")); err == nil {
			return "price band " + strconv.Itoa(i+1)
		}
	}
	return web.Label(rule)
}

// freeRuleWords says in a sentence who a free rule lets use the commons.
func freeRuleWords(r license.Rule) string {
	switch r.Kind {
	case license.NonCommercial:
		return "Any use that is not commercial is free, and the license does not end."
	case license.Contributor:
		return fmt.Sprintf("Anyone with at least %s accepted in the last %d days uses it free, for as long as that holds.",
			web.Plural(int(r.MinAccepted), "contribution"), r.WindowDays)
	case license.Cooperative:
		return "Cooperatives and worker-owned enterprises use it free, a year at a time, once a maintainer or a node admin has attested what they are."
	case license.Nonprofit:
		return "Non-profits and associations use it free, a year at a time, once a maintainer or a node admin has attested what they are."
	case license.SmallOrganisation:
		return fmt.Sprintf("Organisations with at most %s use it free, a year at a time.", web.Plural(int(r.MaxEmployees), "employee"))
	case license.Member:
		return "Members of the node's cooperative use it free, for as long as they are members."
	}
	return web.Label(r.Kind)
}

// bandRow is one price band as a page shows it.
type bandRow struct {
	Size  string // "from 50 to 249 employees"
	Price string // "1200.00 EUR"
}

// bandWords describes the sizes of a band in the schedule's basis.
func bandWords(s license.Schedule, b license.Band) string {
	if s.Basis == license.Revenue {
		m := func(v int64) string { return commons.Money{Amount: v, Currency: s.Currency}.String() }
		switch {
		case b.To == 0:
			return "a yearly revenue of " + m(b.From) + " or more"
		case b.From == 0:
			return "a yearly revenue below " + m(b.To)
		}
		return "a yearly revenue from " + m(b.From) + " to below " + m(b.To)
	}
	switch {
	case b.To == 0:
		return web.Plural(int(b.From), "employee") + " or more"
	case b.From == 0:
		return "fewer than " + web.Plural(int(b.To), "employee")
	}
	return fmt.Sprintf("from %d to %s", b.From, web.Plural(int(b.To-1), "employee"))
}

// licenseView is a license policy version as a page shows it.
type licenseView struct {
	Version  int
	Author   string
	Index    int64
	Event    string // hash of its license.policy.set
	Policy   license.Policy
	Free     []string // the free rules in words, in the order they are tried
	Bands    []bandRow
	Cheapest string // the lowest and highest yearly price
	Dearest  string
}

func viewLicense(v *license.PolicyVersion) *licenseView {
	p := *v.Decoded()
	lv := &licenseView{Version: v.Version, Author: v.Author, Index: v.Index, Policy: p}
	for _, r := range p.Free {
		lv.Free = append(lv.Free, freeRuleWords(r))
	}
	lo, hi := int64(-1), int64(0)
	for _, b := range p.Price.Bands {
		lv.Bands = append(lv.Bands, bandRow{Size: bandWords(p.Price, b), Price: commons.Money{Amount: b.PricePerYear, Currency: p.Price.Currency}.String()})
		if lo < 0 || b.PricePerYear < lo {
			lo = b.PricePerYear
		}
		hi = max(hi, b.PricePerYear)
	}
	lv.Cheapest = commons.Money{Amount: lo, Currency: p.Price.Currency}.String()
	lv.Dearest = commons.Money{Amount: hi, Currency: p.Price.Currency}.String()
	return lv
}

// LicenseRef reports whether the license is not on the SPDX list, so the
// node writes its text.
func (v *licenseView) LicenseRef() bool { return strings.HasPrefix(v.Policy.License, "LicenseRef-") }

// Basis names what the bands measure.
func (v *licenseView) Basis() string {
	if v.Policy.Price.Basis == license.Revenue {
		return "yearly revenue"
	}
	return "employees"
}

// grantRow is a grant listed with its status now and what it names.
type grantRow struct {
	license.Grant
	Status      string
	CommonsName string
}

// Use describes the use the grant covers.
func (g grantRow) Use() string { return useWords(g.Commercial, g.Scope) }

// Rule names the rule that granted it.
func (g grantRow) Rule() string { return ruleLabel(g.Terms.Rule) }

// grantRows copies grants out of the rules' state with their status at
// time now: st is the node's state, read under its lock.
func grantRows(st *state.State, gs []*license.Grant, now int64) []grantRow {
	out := make([]grantRow, 0, len(gs))
	for _, g := range gs {
		a := st.Agents.Agent(g.Licensee)
		row := grantRow{Grant: *g, Status: g.Status(now, a != nil && a.Role != ""), CommonsName: http.ShortID(g.Commons)}
		if c := st.Commons.Commons(g.Commons); c != nil {
			row.CommonsName = c.Name
		}
		out = append(out, row)
	}
	return out
}

// licenseSection is the "Licensing" part of a commons page.
type licenseSection struct {
	Policy  *licenseView // nil: the commons has no license policy
	Grants  int
	InForce int
	// Many is set when the commons has more than http.ScanLimit grants: the
	// page says "more than" rather than count them all on every view
	// (the license page lists them all, page by page).
	Many   bool
	Offers []license.Offer // open and not expired, newest first
}

// licensingOf reads what the commons page shows of its licensing.
func (s pages) licensingOf(o *http.Objects, commonsID string) (*licenseSection, error) {
	sec := &licenseSection{}
	now := s.Now().UnixMilli()
	s.Node().State(func(st *state.State) {
		if v := st.License.Policy(commonsID); v != nil {
			sec.Policy = viewLicense(v)
		}
	})
	gs, err := http.List[license.Grant](o, meent.ObjectFilter{Kind: license.KindGrant, Commons: commonsID, Limit: http.ScanLimit + 1, Desc: true})
	if err != nil {
		return nil, err
	}
	if len(gs) > http.ScanLimit {
		gs, sec.Many = gs[:http.ScanLimit], true
	}
	s.Node().State(func(st *state.State) {
		for _, r := range grantRows(st, gs, now) {
			sec.Grants++
			if r.Status == "valid" {
				sec.InForce++
			}
		}
	})
	offers, err := http.List[license.Offer](o, meent.ObjectFilter{Kind: license.KindOffer, Commons: commonsID, Status: "open", Limit: 100, Desc: true})
	if err != nil {
		return nil, err
	}
	for _, of := range offers {
		if of.Paid == "" && of.Expires > now {
			sec.Offers = append(sec.Offers, *of)
		}
	}
	return sec, nil
}

// checkView is the "is X licensed?" form and its answer.
type checkView struct {
	Asked      bool   // the form was sent
	Agent      string // the agent picked in the list
	AgentID    string // the ID typed, which wins over the list
	Commercial bool
	Scope      string
	Error      string // what is wrong with the question

	Who      string // the agent checked
	Licensed bool
	Grant    *grantRow // the grant in force, when licensed
	Why      string    // why not, in words (with WhyGrant linked after it)
	WhyGrant string    // the grant the reason is about
	Status   string    // that grant's status
}

// exportLink is one of a policy's exports.
type exportLink struct {
	Form, Name, What string
}

type licensePage struct {
	Commons *commons.Commons
	Policy  *licenseView
	History []licenseHistoryRow
	Exports []exportLink
	Check   checkView
	Agents  []api.Agent // for the check form's list
	Grants  []grantRow  // newest first
	Next    string      // the cursor of the grants' next page; "" on the last
	// NextHistory is the cursor of the history's next page.
	NextHistory string
	Names       *http.Names
}

type licenseHistoryRow struct {
	Version int
	Author  string
	Index   int64
	Event   string
}

// maxListedAgents bounds the check form's list of agents; any other agent
// is checked by ID.
const maxListedAgents = 200

func (s pages) pageLicense(w nethttp.ResponseWriter, r *nethttp.Request) {
	o := http.NewObjects(r.Context(), s.Node().Store())
	c, err := s.Commons(o, r.PathValue("id"))
	if err != nil {
		s.Error(w, r, err, 0)
		return
	}
	nm := http.NewNames(r.Context(), s.Node().Store())
	data := licensePage{Commons: c, Names: nm, Check: checkOf(r)}
	now := s.Now().UnixMilli()
	var versions []license.PolicyVersion
	var why string
	s.Node().State(func(st *state.State) {
		if v := st.License.Policy(c.ID); v != nil {
			data.Policy = viewLicense(v)
		}
		for _, v := range st.License.Policies(c.ID) {
			versions = append(versions, *v)
		}
		if ch := &data.Check; ch.Asked && ch.Error == "" {
			var g *license.Grant
			if g, why = st.License.Check(st.Agents, c.ID, ch.Who, ch.Commercial, ch.Scope, now); g != nil {
				row := grantRows(st, []*license.Grant{g}, now)[0]
				ch.Licensed, ch.Grant = true, &row
			}
		}
	})
	if ch := &data.Check; why != "" && !ch.Licensed {
		// Names are read from the store, outside the state's lock.
		ch.Why = checkReason(nm, c.Name, ch.Who, why)
		ch.WhyGrant, ch.Status, _ = grantInReason(why)
	}
	if data.Policy != nil {
		data.Policy.Event = s.EventHash(o, data.Policy.Index)
		data.Exports = []exportLink{
			{"well-known", "Well-known file", "the JSON a project commits at " + license.WellKnownPath},
			{"odrl", "ODRL offer", "the policy as an ODRL 2.2 offer, JSON-LD"},
			{"reuse", "REUSE.toml", "copyright and licensing of every file, REUSE Specification 3.2"},
		}
		if data.Policy.LicenseRef() {
			data.Exports = append(data.Exports, exportLink{"text", "License text", "the terms in plain words, to commit as LICENSES/" + data.Policy.Policy.License + ".txt"})
		}
	}
	// The history newest first, 100 versions a page (?history=): each row
	// looks its event up, so a page stays a hundred lookups at most.
	slices.Reverse(versions)
	hq, err := http.CursorQuery(r.URL.Query().Get("history"), "license-history-desc", 100)
	if err != nil {
		s.Error(w, r, err, 0)
		return
	}
	versions, data.NextHistory, err = http.PageSlice(versions, hq, "license-history-desc", func(v license.PolicyVersion) string { return http.DescKey(int64(v.Version)) })
	if err != nil {
		s.Error(w, r, err, 0)
		return
	}
	for _, v := range versions {
		data.History = append(data.History, licenseHistoryRow{Version: v.Version, Author: v.Author, Index: v.Index, Event: s.EventHash(o, v.Index)})
	}
	views, err := s.Node().Store().Agents(r.Context(), meent.AgentFilter{Limit: maxListedAgents})
	if err != nil {
		s.Error(w, r, err, 0)
		return
	}
	for _, v := range views {
		data.Agents = append(data.Agents, http.AgentOf(v, false))
	}
	slices.SortStableFunc(data.Agents, func(a, b api.Agent) int { return cmp.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)) })
	// The grants, newest first, 100 a page (?grants= the next).
	gq, err := http.CursorQuery(r.URL.Query().Get("grants"), "grants", 100)
	if err != nil {
		s.Error(w, r, err, 0)
		return
	}
	gs, next, err := http.PageObjects[license.Grant](o, meent.ObjectFilter{Kind: license.KindGrant, Commons: c.ID, Desc: true}, gq, "grants", nil)
	if err != nil {
		s.Error(w, r, err, 0)
		return
	}
	data.Next = next
	s.Node().State(func(st *state.State) { data.Grants = grantRows(st, gs, now) })
	s.Render(w, r, nethttp.StatusOK, "license", "License of "+c.Name, data)
}

// checkOf reads the check form from the query.
func checkOf(r *nethttp.Request) checkView {
	q := r.URL.Query()
	ch := checkView{
		Asked: q.Has("agent") || q.Has("agent_id"), Agent: q.Get("agent"), AgentID: strings.TrimSpace(q.Get("agent_id")),
		Commercial: q.Get("commercial") != "", Scope: strings.TrimSpace(q.Get("scope")),
	}
	ch.Who = cmp.Or(ch.AgentID, ch.Agent)
	switch {
	case !ch.Asked:
	case ch.Who == "":
		ch.Error = "Pick an agent from the list or give an agent's ID."
	case len(ch.Scope) > license.MaxScopeLen:
		ch.Error = fmt.Sprintf("The scope is at most %d bytes.", license.MaxScopeLen)
	}
	return ch
}

// grantInReason finds the grant a reason of State.Check names: "the grant
// ID is STATUS".
func grantInReason(why string) (id, status string, ok bool) {
	rest, ok := strings.CutPrefix(why, "the grant ")
	if !ok {
		return "", "", false
	}
	id, st, ok := strings.Cut(rest, " is ")
	return id, strings.ReplaceAll(st, " ", "_"), ok
}

// checkReason turns a reason of State.Check into a sentence that names
// the agent and the commons; a reason about one grant is completed by a
// link to it on the page.
func checkReason(nm *http.Names, commonsName, who, why string) string {
	if why == "unknown agent" {
		return "No agent with that ID is known on this node."
	}
	name := nm.Name(who)
	switch why {
	case "no grant for this commons":
		return name + " holds no license for " + commonsName + "."
	case "no grant covers this use":
		return name + "’s licenses for " + commonsName + " do not cover this use: a non-commercial license does not cover commercial use, and a license for a scope covers only that scope."
	}
	if only, ok := strings.CutPrefix(why, license.OnlyFor); ok {
		return name + "’s licenses for " + commonsName + " cover only " + only + ", not this use: a license for a scope covers only that scope."
	}
	if _, st, ok := grantInReason(why); ok {
		what := map[string]string{"expired": "has expired", "revoked": "was revoked", "not_yet": "has not started yet",
			"membership_ended": "ended with " + name + "’s membership of the cooperative"}[st]
		return name + "’s license for " + commonsName + " that would cover this use " + cmp.Or(what, "is "+web.Label(st)) + "."
	}
	return why
}

type grantPage struct {
	Grant       grantRow
	Commons     *commons.Commons
	Member      bool   // the licensee is a member now
	Revocation  string // the hash of the license.revoke
	Offer       *license.Offer
	ProofFile   string // the name the proof downloads as
	VerifierKey string
	Names       *http.Names
}

func (s pages) pageGrant(w nethttp.ResponseWriter, r *nethttp.Request) {
	id := r.PathValue("id")
	if http.ParseID(id, "grant") != nil {
		s.Error(w, r, meent.Errorf(meent.ENOTFOUND, "no grant has that ID"), 0)
		return
	}
	o := http.NewObjects(r.Context(), s.Node().Store())
	data := grantPage{Names: http.NewNames(r.Context(), s.Node().Store()), VerifierKey: s.Options().VerifierKey, ProofFile: "grant-" + id[:16] + ".json"}
	found := false
	s.Node().State(func(st *state.State) {
		g := st.License.Grant(id)
		if g == nil {
			return
		}
		found = true
		data.Grant = grantRows(st, []*license.Grant{g}, s.Now().UnixMilli())[0]
		if a := st.Agents.Agent(g.Licensee); a != nil {
			data.Member = a.Role != ""
		}
		if of := st.License.Offer(g.Offer); of != nil {
			c := *of
			data.Offer = &c
		}
	})
	if !found {
		s.Error(w, r, meent.Errorf(meent.ENOTFOUND, "no grant has that ID"), 0)
		return
	}
	var err error
	if data.Commons, err = o.Commons(data.Grant.Commons); err != nil {
		s.Error(w, r, err, 0)
		return
	}
	if rv := data.Grant.Revoked; rv != nil {
		data.Revocation = s.EventHash(o, rv.Index)
	}
	title := "License of " + data.Names.Name(data.Grant.Licensee) + " for " + data.Commons.Name
	s.Render(w, r, nethttp.StatusOK, "grant", title, data)
}

// agentGrants lists one page (from q) of an agent's grants, newest first,
// with their status now, and the cursor of the next page.
func (s pages) agentGrants(agentID string, q http.PageQuery) ([]grantRow, string, error) {
	var gs []*license.Grant
	s.Node().State(func(st *state.State) { gs = slices.Clone(st.License.Grants(agentID)) })
	slices.Reverse(gs)
	gs, next, err := http.PageSlice(gs, q, "agent-grants", func(g *license.Grant) string { return http.DescKey(g.Index) })
	if err != nil {
		return nil, "", err
	}
	var out []grantRow
	s.Node().State(func(st *state.State) { out = grantRows(st, gs, s.Now().UnixMilli()) })
	return out, next, nil
}
