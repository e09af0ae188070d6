package license

import (
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/meent/meent"
	"github.com/meent/meent/agent"
	"github.com/meent/meent/authority"
	"github.com/meent/meent/commons"
	"github.com/meent/meent/ledger"
	"github.com/meent/meent/value"
)

// The licensing events. A grant is always one event whose data carries its
// terms, so that the event, an inclusion proof and a signed checkpoint are
// all an offline verifier needs (meent license verify): the log holds only
// events the rules accepted, and the rules accept a grant only when the
// terms are exactly what the policy gives.
//
//   - license.policy.set: a maintainer sets the commons' license policy.
//   - license.attest: an agent states what kind of organisation another
//     agent is (a cooperative, a non-profit...). The log keeps every such
//     statement; each commons decides which count for its licence: only
//     those by its own maintainers, the node's admins or the attestors its
//     policy names, and never one about the attestor itself (see
//     TrustsAttestor). Only attested kinds count for the free rules that
//     depend on them.
//   - license.request: an agent asks for a license for a use. When the
//     policy makes it free (or a trial), the request carries the grant's
//     terms and is the grant. Otherwise it carries no terms and becomes an
//     offer at the policy's price, open for OfferDays.
//   - license.pay: a maintainer (or a node admin, for a payment provider's
//     verified webhook) records the payment of an offer: exactly its
//     price, in its currency, with a reference used only once. It carries
//     the grant's terms and is the grant; the fee becomes an income of the
//     commons (kind license_fee), distributed by its value policy.
//   - license.revoke: a maintainer ends a grant before its term.
const (
	TypePolicySet = "license.policy.set" // PolicySetData
	TypeAttest    = "license.attest"     // AttestData
	TypeRequest   = "license.request"    // RequestData
	TypePay       = "license.pay"        // PayData
	TypeRevoke    = "license.revoke"     // RevokeData
)

// Object kinds this package projects.
const (
	KindPolicy = "license_policy" // ID: commons "/" version
	KindOffer  = "license_offer"
	KindGrant  = "license_grant"
	KindOrg    = "organisation" // ID: the agent; what was attested about it
)

// OfferDays is how long an offer stays open for payment.
const OfferDays = 30

// PolicySetData is the data of license.policy.set.
type PolicySetData struct {
	Commons string         `json:"commons"`
	Policy  jsontext.Value `json:"policy"`
}

// AttestData is the data of license.attest.
type AttestData struct {
	Agent string `json:"agent"`
	Kind  string `json:"kind"` // one of the Org kinds
}

// Organisation is what a requester says about itself. Employees and
// revenue are the requester's own statement, public in the log; a kind
// counts for the cooperative and non-profit rules only when attested.
//
// A member left out is not stated, which is not the same as 0: an event
// that states "no employees" writes "employees": 0. A rule that needs a
// fact the request does not state refuses the request (Facts.Unstated).
// Before this distinction the members were written only when not 0, so an
// older request that left one out meant 0 or did not say; it is read as
// not stated, the reading that never prices on a number nobody gave.
type Organisation struct {
	Employees *int64 `json:"employees,omitempty"`
	Revenue   *int64 `json:"revenue,omitempty"` // per year, minor units of the price schedule's currency
}

// Count returns a pointer to n, for an Organisation's members.
func Count(n int64) *int64 { return &n }

// RequestData is the data of license.request.
type RequestData struct {
	Commons      string       `json:"commons"`
	Commercial   bool         `json:"commercial"`
	Scope        string       `json:"scope,omitempty"`
	Organisation Organisation `json:"organisation,omitzero"`
	Grant        *Terms       `json:"grant,omitempty"` // required when the use is free, absent otherwise
}

// Terms are a grant's terms as the event states them.
type Terms struct {
	Rule          string `json:"rule"`           // the rule that granted it: a free rule's kind, "trial", or the band that priced it
	PolicyVersion int    `json:"policy_version"` // the license policy version it was decided under
	From          int64  `json:"from"`           // ms: the event's time
	Until         int64  `json:"until,omitzero"` // ms: when it ends; 0: it does not end by time
	WhileMember   bool   `json:"while_member,omitzero"`
}

// PayData is the data of license.pay. Commons, Licensee, Commercial and
// Scope repeat the offer's, so the event alone states the whole grant.
type PayData struct {
	Offer      string `json:"offer"`
	Commons    string `json:"commons"`
	Licensee   string `json:"licensee"`
	Commercial bool   `json:"commercial"`
	Scope      string `json:"scope,omitempty"`

	Amount    commons.Money `json:"amount"`
	Reference string        `json:"reference"`          // the payment: a bank reference or the provider's payment ID
	Provider  string        `json:"provider,omitempty"` // the payment provider, when a webhook reported it
	Grant     Terms         `json:"grant"`
}

// RevokeData is the data of license.revoke.
type RevokeData struct {
	Grant  string `json:"grant"`
	Reason string `json:"reason"`
}

// PolicyVersion is one version of a commons' license policy.
type PolicyVersion struct {
	Commons string         `json:"commons"`
	Version int            `json:"version"`
	Policy  jsontext.Value `json:"policy"`
	Author  string         `json:"author"`
	Index   int64          `json:"index"`

	decoded Policy
}

// Decoded returns the policy document.
func (v *PolicyVersion) Decoded() *Policy { p := v.decoded; return &p }

// Offer is a priced answer to a request, waiting for payment.
type Offer struct {
	ID            string        `json:"id"` // the request event
	Commons       string        `json:"commons"`
	Licensee      string        `json:"licensee"`
	Commercial    bool          `json:"commercial"`
	Scope         string        `json:"scope,omitempty"`
	Rule          string        `json:"rule"`
	Reason        string        `json:"reason"`
	Alternatives  []string      `json:"alternatives,omitempty"`
	Price         commons.Money `json:"price"`
	PolicyVersion int           `json:"policy_version"`
	Index         int64         `json:"index"`
	Time          int64         `json:"time"`
	Expires       int64         `json:"expires"`        // ms
	Paid          string        `json:"paid,omitempty"` // the grant its payment issued
}

// Grant is a license held by an agent.
type Grant struct {
	ID         string `json:"id"` // the event that is the grant
	Commons    string `json:"commons"`
	Licensee   string `json:"licensee"`
	Commercial bool   `json:"commercial"`
	Scope      string `json:"scope,omitempty"`
	Terms
	Reason    string         `json:"reason"`
	Offer     string         `json:"offer,omitempty"` // for a paid grant
	Fee       *commons.Money `json:"fee,omitempty"`
	Reference string         `json:"reference,omitempty"`
	Index     int64          `json:"index"`
	Revoked   *Revocation    `json:"revoked,omitempty"`
}

// PayFor returns the data of a payment of offer o at time at.
func PayFor(o *Offer, amount commons.Money, reference, provider string, at int64) PayData {
	return PayData{Offer: o.ID, Commons: o.Commons, Licensee: o.Licensee, Commercial: o.Commercial, Scope: o.Scope,
		Amount: amount, Reference: reference, Provider: provider,
		Grant: Terms{Rule: o.Rule, PolicyVersion: o.PolicyVersion, From: at, Until: at + Year}}
}

// GrantOf reads the grant an event states, for an offline verifier that
// has the event and nothing else: a license.request that carries terms,
// or a license.pay. ok is false for any other event.
func GrantOf(ev *ledger.Event) (g Grant, ok bool) {
	switch ev.Type {
	case TypeRequest:
		var d RequestData
		if ev.DecodeData(&d) != nil || d.Grant == nil {
			return g, false
		}
		return Grant{ID: ev.Hash.String(), Commons: d.Commons, Licensee: ev.Author, Commercial: d.Commercial, Scope: d.Scope, Terms: *d.Grant}, true
	case TypePay:
		var d PayData
		if ev.DecodeData(&d) != nil {
			return g, false
		}
		fee := d.Amount
		return Grant{ID: ev.Hash.String(), Commons: d.Commons, Licensee: d.Licensee, Commercial: d.Commercial, Scope: d.Scope,
			Terms: d.Grant, Offer: d.Offer, Fee: &fee, Reference: d.Reference}, true
	}
	return g, false
}

// Revocation ends a grant.
type Revocation struct {
	Index  int64  `json:"index"`
	Time   int64  `json:"time"`
	By     string `json:"by"`
	Reason string `json:"reason"`
}

// Status says whether a grant is in force at time now, and if not why:
// "valid", "revoked", "expired", "not_yet" or "membership_ended".
func (g *Grant) Status(now int64, member bool) string {
	switch {
	case g.Revoked != nil:
		return "revoked"
	case now < g.From:
		return "not_yet"
	case g.Until != 0 && now >= g.Until:
		return "expired"
	case g.WhileMember && !member:
		return "membership_ended"
	}
	return "valid"
}

// Covers reports whether the grant covers a use: a commercial grant
// covers every use, a non-commercial one only non-commercial use; a grant
// with a scope covers only that scope. A use with no scope is a use not
// limited to any scope, which only a grant with no scope covers: a check
// that names no scope must not be told yes by a grant for "hosted service".
func (g *Grant) Covers(commercial bool, scope string) bool {
	if commercial && !g.Commercial {
		return false
	}
	return g.Scope == "" || g.Scope == scope
}

// Attestation is one license.attest: By states that an agent is an
// organisation of Kind.
type Attestation struct {
	By    string `json:"by"`
	Kind  string `json:"kind"`
	Index int64  `json:"index"`
}

// State is everything the licensing rules know.
type State struct {
	policies   map[string][]*PolicyVersion
	attested   map[string][]Attestation // agent → what others said it is, oldest first
	offers     map[string]*Offer
	grants     map[string]*Grant
	byLicensee map[string][]string // licensee → grant IDs
	references map[string]bool     // commons "/" payment reference
	trials     map[[2]string]bool  // commons, agent
	dirty      map[[2]string]bool  // kind, id
}

// NewState returns an empty State.
func NewState() *State {
	return &State{
		policies: map[string][]*PolicyVersion{}, attested: map[string][]Attestation{}, offers: map[string]*Offer{},
		grants: map[string]*Grant{}, byLicensee: map[string][]string{}, references: map[string]bool{},
		trials: map[[2]string]bool{}, dirty: map[[2]string]bool{},
	}
}

// Policy returns the current license policy of a commons, or nil.
func (s *State) Policy(commonsID string) *PolicyVersion {
	vs := s.policies[commonsID]
	if len(vs) == 0 {
		return nil
	}
	return vs[len(vs)-1]
}

// Policies returns every version of a commons' license policy, oldest first.
func (s *State) Policies(commonsID string) []*PolicyVersion { return s.policies[commonsID] }

// Offer returns an offer or nil.
func (s *State) Offer(id string) *Offer { return s.offers[id] }

// Grant returns a grant or nil.
func (s *State) Grant(id string) *Grant { return s.grants[id] }

// Attestations returns what agents attested about an agent, oldest first,
// whether or not any commons trusts them.
func (s *State) Attestations(agentID string) []Attestation { return s.attested[agentID] }

// TrustsAttestor reports whether commons c, under its license policy p,
// counts what agent by attests about subject. It counts what its own
// maintainers, the node's admins and the attestors p names say, as they
// are when the request is decided (a maintainer who leaves, or an admin
// who is demoted, no longer vouches for anyone here), and never what an
// agent says about itself.
//
// "Itself" is all the log can tell of control: a key belongs to one agent
// ever, so two agents never share a key or its history, and the log
// knows nothing of who owns or employs whom. An organisation that runs a
// second agent (a founder's personal agent, a sister company) is not
// seen as the same: it is kept out because nobody it runs is trusted by
// default, since trust comes from this commons (its maintainers), the
// node (its admins) or the policy's own list, and creating a commons or an
// agent makes one a maintainer only of that commons.
//
// The roles are the authority's (authority.VouchOrganisation): the
// attestors p names are the parties.
func TrustsAttestor(au *authority.Authority, p *Policy, c *commons.Commons, by, subject string) bool {
	if by == subject || c == nil {
		return false
	}
	here := authority.In(c.ID, c.Name)
	if p != nil {
		here = here.With(p.Attestors...)
	}
	return au.Allowed(by, authority.VouchOrganisation, here)
}

// trustedAttestation returns the newest attestation about subject that
// commons c trusts, or nil.
func (s *State) trustedAttestation(au *authority.Authority, cs *commons.State, commonsID, subject string) *Attestation {
	var p *Policy
	if v := s.Policy(commonsID); v != nil {
		p = &v.decoded
	}
	c := cs.Commons(commonsID)
	as := s.attested[subject]
	for i := len(as) - 1; i >= 0; i-- {
		if TrustsAttestor(au, p, c, as[i].By, subject) {
			return &as[i]
		}
	}
	return nil
}

// Grants returns an agent's grants, oldest first.
func (s *State) Grants(licensee string) []*Grant {
	var out []*Grant
	for _, id := range s.byLicensee[licensee] {
		out = append(out, s.grants[id])
	}
	return out
}

// Check answers "is agent X licensed for commons Y at time now for this
// use?": the grant in force that covers the use (preferring one that does
// not end), or nil and the reason why not. A use with no scope is covered
// only by a grant with no scope; when grants in force cover only some
// scopes, the reason says so ("licensed only for “hosted service”") and
// Scopes lists them, so that no answer claims more than a grant gives.
func (s *State) Check(agents *agent.State, commonsID, licensee string, commercial bool, scope string, now int64) (*Grant, string) {
	a := agents.Agent(licensee)
	if a == nil {
		return nil, "unknown agent"
	}
	member := agents.Holds(authority.Member, licensee, authority.Node())
	why := "no grant for this commons"
	var best *Grant
	ended := false // a grant that covers the use is no longer in force
	for _, id := range s.byLicensee[licensee] {
		g := s.grants[id]
		if g.Commons != commonsID {
			continue
		}
		st := g.Status(now, member)
		if !g.Covers(commercial, scope) {
			if scope == "" && (g.Commercial || !commercial) && st != "valid" {
				// A scoped grant, asked about with no scope: it would
				// not cover the use anyway, but that it ended is the
				// more useful answer. One in force is reported below.
				why = "the grant " + g.ID + " is " + strings.ReplaceAll(st, "_", " ")
			} else if why == "no grant for this commons" {
				why = "no grant covers this use"
			}
			continue
		}
		if st != "valid" {
			why, ended = "the grant "+g.ID+" is "+strings.ReplaceAll(st, "_", " "), true
			continue
		}
		if best == nil || (best.Until != 0 && (g.Until == 0 || g.Until > best.Until)) {
			best = g
		}
	}
	if best != nil {
		return best, "valid"
	}
	if only := s.Scopes(agents, commonsID, licensee, commercial, now); len(only) > 0 && !ended {
		q := make([]string, len(only))
		for i, sc := range only {
			q[i] = "“" + sc + "”"
		}
		return nil, OnlyFor + strings.Join(q, ", ")
	}
	return nil, why
}

// OnlyFor starts the reason of Check when the licensee's grants in force
// cover the kind of use asked only for some scopes, not the one asked.
const OnlyFor = "licensed only for "

// Scopes returns the scopes that the licensee's grants in force for a
// commons cover, for commercial or non-commercial use, sorted; nil when
// one of them has no scope (it covers every use of that kind) or none is
// in force.
func (s *State) Scopes(agents *agent.State, commonsID, licensee string, commercial bool, now int64) []string {
	if agents.Agent(licensee) == nil {
		return nil
	}
	member := agents.Holds(authority.Member, licensee, authority.Node())
	var out []string
	for _, id := range s.byLicensee[licensee] {
		g := s.grants[id]
		if g.Commons != commonsID || commercial && !g.Commercial || g.Status(now, member) != "valid" {
			continue
		}
		if g.Scope == "" {
			return nil
		}
		if !slices.Contains(out, g.Scope) {
			out = append(out, g.Scope)
		}
	}
	slices.Sort(out)
	return out
}

// Facts gathers what the ledger says about a requester, for Evaluate.
func (s *State) Facts(agents *agent.State, cs *commons.State, commonsID, licensee string, org Organisation) Facts {
	return s.facts(s.authority(agents, cs), agents, cs, commonsID, licensee, org)
}

// authority is the authority of a node with these states and no
// granters, for the answers the node gives outside an event (Decide,
// Facts): the same roles the rules ask while applying one.
func (s *State) authority(agents *agent.State, cs *commons.State) *authority.Authority {
	return authority.New(agents, cs, s)
}

func (s *State) facts(au *authority.Authority, agents *agent.State, cs *commons.State, commonsID, licensee string, org Organisation) Facts {
	a := agents.Agent(licensee)
	f := Facts{AgentKnown: a != nil, HadTrial: s.trials[[2]string{commonsID, licensee}]}
	if org.Employees != nil {
		f.Employees = *org.Employees
	} else {
		f.Unstated = append(f.Unstated, Employees)
	}
	if org.Revenue != nil {
		f.Revenue = *org.Revenue
	} else {
		f.Unstated = append(f.Unstated, Revenue)
	}
	if a == nil {
		return f
	}
	f.Name, f.Member = a.Name, au.Is(licensee, authority.Member, authority.Node())
	if at := s.trustedAttestation(au, cs, commonsID, licensee); at != nil {
		f.Kind, f.Attested, f.AttestedBy = at.Kind, true, at.By
		if by := agents.Agent(at.By); by != nil {
			f.AttestedBy = by.Name
		}
	} else if as := s.attested[licensee]; len(as) > 0 {
		// Said by someone this commons does not trust: not attested,
		// but what the requester is said to be, so that the decision
		// tells it whose attestation would count.
		f.Kind = as[len(as)-1].Kind
	} else {
		f.Kind = map[string]string{agent.Person: OrgIndividual, agent.Cooperative: OrgCooperative, agent.Company: OrgCompany,
			agent.Association: OrgAssociation, agent.PublicBody: OrgPublicBody}[a.Kind]
	}
	for id := range cs.Recognised(commonsID) {
		k := cs.Contribution(id)
		if k == nil || k.Status != commons.Accepted || k.Contributor != licensee {
			continue
		}
		f.AcceptedContributions = append(f.AcceptedContributions, acceptedAt(k))
	}
	slices.Sort(f.AcceptedContributions)
	return f
}

// acceptedAt is when a contribution was accepted: the signer's time of the
// event that decided it.
func acceptedAt(k *commons.Contribution) int64 {
	for i := len(k.History) - 1; i >= 0; i-- {
		if k.History[i].Index == k.Decided {
			return k.History[i].Time
		}
	}
	return k.SubmittedAt
}

// Decide evaluates a request as the rules will at time now: the decision,
// and the terms a free grant must carry (nil when the use is paid).
func (s *State) Decide(agents *agent.State, cs *commons.State, licensee string, d RequestData, now int64) (Decision, *Terms, error) {
	return s.decide(s.authority(agents, cs), agents, cs, licensee, d, now)
}

func (s *State) decide(au *authority.Authority, agents *agent.State, cs *commons.State, licensee string, d RequestData, now int64) (Decision, *Terms, error) {
	v := s.Policy(d.Commons)
	if cs.Commons(d.Commons) == nil {
		return Decision{}, nil, meent.Errorf(meent.ERULE, "unknown commons %s", d.Commons)
	}
	if v == nil {
		return Decision{}, nil, meent.Errorf(meent.ERULE, "the commons has no license policy")
	}
	dec, err := Evaluate(&v.decoded, s.facts(au, agents, cs, d.Commons, licensee, d.Organisation), Use{Commercial: d.Commercial, Scope: d.Scope}, now)
	if err != nil {
		return Decision{}, nil, err
	}
	if !dec.Free {
		return dec, nil, nil
	}
	t := &Terms{Rule: dec.Rule, PolicyVersion: v.Version, From: now, WhileMember: dec.WhileMember}
	if dec.Term != 0 {
		t.Until = now + dec.Term
	}
	return dec, t, nil
}

func refuse(format string, args ...any) error { return meent.Errorf(meent.ERULE, format, args...) }

func (s *State) policySet(x op) error {
	idx, ev, me, agents := x.Index, x.ev, x.me, x.agents
	var d PolicySetData
	if err := ev.DecodeData(&d); err != nil {
		return err
	}
	if err := x.maintainer(d.Commons, authority.SetLicensePolicy); err != nil {
		return err
	}
	p, err := DecodePolicy(d.Policy)
	if err != nil {
		return err
	}
	for i, a := range p.Attestors {
		if agents.Agent(a) == nil {
			return refuse("license policy: attestors[%d]: unknown agent %s", i, a)
		}
	}
	v := &PolicyVersion{Commons: d.Commons, Version: len(s.policies[d.Commons]) + 1, Policy: d.Policy, Author: me, Index: idx, decoded: p}
	s.policies[d.Commons] = append(s.policies[d.Commons], v)
	s.dirty[[2]string{KindPolicy, d.Commons + "/" + strconv.Itoa(v.Version)}] = true
	return nil
}

func (s *State) attest(x op) error {
	idx, ev, me, agents := x.Index, x.ev, x.me, x.agents
	var d AttestData
	if err := ev.DecodeData(&d); err != nil {
		return err
	}
	// Who may state it: someone some commons could trust (an admin,
	// a maintainer of a commons, an attestor a policy names). Whether
	// it counts is decided per commons when a request is evaluated
	// (TrustsAttestor): the event is a statement, kept even when no
	// commons counts it, so that a change of maintainers or of a
	// policy's attestors never turns a valid log invalid.
	if err := x.Auth.May(me, authority.AttestOrganisation, authority.Node()); err != nil {
		return err
	}
	if agents.Agent(d.Agent) == nil {
		return refuse("unknown agent %s", d.Agent)
	}
	if !slices.Contains(orgKinds, d.Kind) {
		return refuse("%q is not a kind of organisation (%s)", d.Kind, strings.Join(orgKinds, ", "))
	}
	s.attested[d.Agent] = append(s.attested[d.Agent], Attestation{By: me, Kind: d.Kind, Index: idx})
	s.dirty[[2]string{KindOrg, d.Agent}] = true
	return nil
}

func (s *State) request(x op) error {
	idx, ev, me, agents, cs := x.Index, x.ev, x.me, x.agents, x.commons
	var d RequestData
	if err := ev.DecodeData(&d); err != nil {
		return err
	}
	if err := checkScope(d.Scope); err != nil {
		return err
	}
	dec, terms, err := s.decide(x.Auth, agents, cs, me, d, ev.Time)
	if err != nil {
		return err
	}
	id := ev.Hash.String()
	if terms == nil {
		if d.Grant != nil {
			return refuse("this use is not free: %s", dec.Reason)
		}
		o := &Offer{ID: id, Commons: d.Commons, Licensee: me, Commercial: d.Commercial, Scope: d.Scope, Rule: dec.Rule,
			Reason: dec.Reason, Alternatives: dec.Alternatives, Price: dec.Price, PolicyVersion: s.Policy(d.Commons).Version,
			Index: idx, Time: ev.Time, Expires: ev.Time + OfferDays*Day}
		s.offers[id] = o
		s.dirty[[2]string{KindOffer, id}] = true
		return nil
	}
	if d.Grant == nil || *d.Grant != *terms {
		return refuse("the policy grants this use under rule %q with terms %s; the request must state exactly those terms (%s)", terms.Rule, termsString(terms), dec.Reason)
	}
	if terms.Rule == "trial" {
		s.trials[[2]string{d.Commons, me}] = true
	}
	s.addGrant(&Grant{ID: id, Commons: d.Commons, Licensee: me, Commercial: d.Commercial, Scope: d.Scope, Terms: *terms, Reason: dec.Reason, Index: idx})
	return nil
}

func (s *State) pay(x op) error {
	idx, ev, me := x.Index, x.ev, x.me
	var d PayData
	if err := ev.DecodeData(&d); err != nil {
		return err
	}
	o := s.offers[d.Offer]
	if o == nil {
		return refuse("unknown offer %s", d.Offer)
	}
	if err := x.maintainer(o.Commons, authority.RecordLicensePayment); err != nil {
		return err
	}
	switch {
	case o.Paid != "":
		return meent.Errorf(meent.ECONFLICT, "offer %s was already paid (grant %s)", o.ID, o.Paid)
	case d.Commons != o.Commons || d.Licensee != o.Licensee || d.Commercial != o.Commercial || d.Scope != o.Scope:
		return refuse("the payment must repeat the offer's commons, licensee, use and scope")
	case ev.Time >= o.Expires:
		return refuse("offer %s expired; the licensee asks again", o.ID)
	case d.Amount.Currency != o.Price.Currency:
		return refuse("the offer is priced in %s, the payment is in %s", o.Price.Currency, d.Amount.Currency)
	case d.Amount.Amount != o.Price.Amount:
		return refuse("the offer costs %s, the payment is %s", o.Price, d.Amount)
	}
	if err := checkReference(d.Reference, d.Provider); err != nil {
		return err
	}
	ref := o.Commons + "/" + d.Provider + "/" + d.Reference
	if s.references[ref] {
		return meent.Errorf(meent.ECONFLICT, "payment %s was already recorded", d.Reference)
	}
	want := Terms{Rule: o.Rule, PolicyVersion: o.PolicyVersion, From: ev.Time, Until: ev.Time + Year}
	if d.Grant != want {
		return refuse("a paid grant's terms are %s", termsString(&want))
	}
	id := ev.Hash.String()
	fee := d.Amount
	o.Paid = id
	s.references[ref] = true
	s.addGrant(&Grant{ID: id, Commons: o.Commons, Licensee: o.Licensee, Commercial: o.Commercial, Scope: o.Scope, Terms: want,
		Reason: o.Reason, Offer: o.ID, Fee: &fee, Reference: d.Reference, Index: idx})
	s.dirty[[2]string{KindOffer, o.ID}] = true
	x.Emit(value.IncomeEarned{Income: value.Income{ID: id, Commons: o.Commons, Kind: "license_fee", Amount: fee, Payer: o.Licensee,
		Reference: clip("license "+o.ID[:12]+": "+d.Reference, 200), Recorder: me, Index: idx}})
	return nil
}

func (s *State) revoke(x op) error {
	idx, ev, me := x.Index, x.ev, x.me
	var d RevokeData
	if err := ev.DecodeData(&d); err != nil {
		return err
	}
	g := s.grants[d.Grant]
	if g == nil {
		return refuse("unknown grant %s", d.Grant)
	}
	if err := x.maintainer(g.Commons, authority.RevokeLicense); err != nil {
		return err
	}
	if g.Revoked != nil {
		return meent.Errorf(meent.ECONFLICT, "grant %s was already revoked", g.ID)
	}
	if strings.TrimSpace(d.Reason) == "" || len(d.Reason) > 500 || !utf8.ValidString(d.Reason) {
		return refuse("a revocation gives its reason (1 to 500 bytes)")
	}
	g.Revoked = &Revocation{Index: idx, Time: ev.Time, By: me, Reason: d.Reason}
	s.dirty[[2]string{KindGrant, g.ID}] = true
	return nil
}

func (s *State) addGrant(g *Grant) {
	s.grants[g.ID] = g
	s.byLicensee[g.Licensee] = append(s.byLicensee[g.Licensee], g.ID)
	s.dirty[[2]string{KindGrant, g.ID}] = true
}

func checkScope(s string) error {
	if len(s) > MaxScopeLen || !utf8.ValidString(s) || strings.IndexFunc(s, unicode.IsControl) >= 0 {
		return refuse("the scope is one line of at most %d bytes", MaxScopeLen)
	}
	return nil
}

func checkReference(ref, provider string) error {
	if strings.TrimSpace(ref) == "" || len(ref) > 200 || !utf8.ValidString(ref) || strings.IndexFunc(ref, unicode.IsControl) >= 0 {
		return refuse("a payment names its reference (1 to 200 bytes on one line)")
	}
	if len(provider) > 64 || strings.IndexFunc(provider, func(r rune) bool { return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_') }) >= 0 {
		return refuse("a provider is a short lowercase name")
	}
	return nil
}

func termsString(t *Terms) string {
	b, _ := json.Marshal(t, json.Deterministic(true))
	return string(b)
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// TakeDirty returns the objects changed since the last call and forgets them.
func (s *State) TakeDirty() []meent.Object {
	out := make([]meent.Object, 0, len(s.dirty))
	for k := range s.dirty {
		if o, ok := s.object(k[0], k[1]); ok {
			out = append(out, o)
		}
	}
	clear(s.dirty)
	return out
}

// DropDirty forgets changed objects.
func (s *State) DropDirty() { clear(s.dirty) }

// Objects emits every object the state holds.
func (s *State) Objects(emit func(meent.Object)) {
	for c, vs := range s.policies {
		for _, v := range vs {
			o, _ := s.object(KindPolicy, c+"/"+strconv.Itoa(v.Version))
			emit(o)
		}
	}
	for id := range s.attested {
		o, _ := s.object(KindOrg, id)
		emit(o)
	}
	for id := range s.offers {
		o, _ := s.object(KindOffer, id)
		emit(o)
	}
	for id := range s.grants {
		o, _ := s.object(KindGrant, id)
		emit(o)
	}
}

func (s *State) object(kind, id string) (meent.Object, bool) {
	switch kind {
	case KindPolicy:
		c, n, _ := strings.Cut(id, "/")
		for _, v := range s.policies[c] {
			if strconv.Itoa(v.Version) == n {
				return meent.Object{Kind: kind, ID: id, Commons: c, Agent: v.Author, Status: n, Created: v.Index, Updated: v.Index, Data: mustMarshal(v)}, true
			}
		}
	case KindOrg:
		if as := s.attested[id]; len(as) > 0 {
			// Status is the newest statement's kind; which statements a
			// commons counts depends on the commons (TrustsAttestor).
			last := as[len(as)-1]
			return meent.Object{Kind: kind, ID: id, Agent: id, Status: last.Kind, Created: as[0].Index, Updated: last.Index,
				Data: mustMarshal(struct {
					Agent        string        `json:"agent"`
					Attestations []Attestation `json:"attestations"`
				}{id, as})}, true
		}
	case KindOffer:
		if o := s.offers[id]; o != nil {
			status := "open"
			if o.Paid != "" {
				status = "paid"
			}
			return meent.Object{Kind: kind, ID: id, Commons: o.Commons, Agent: o.Licensee, Status: status, Created: o.Index, Updated: o.Index, Data: mustMarshal(o)}, true
		}
	case KindGrant:
		if g := s.grants[id]; g != nil {
			status, updated := "issued", g.Index
			if g.Revoked != nil {
				status, updated = "revoked", g.Revoked.Index
			}
			return meent.Object{Kind: kind, ID: id, Commons: g.Commons, Agent: g.Licensee, Status: status, Created: g.Index, Updated: updated, Data: mustMarshal(g)}, true
		}
	}
	return meent.Object{}, false
}

func mustMarshal(v any) []byte {
	b, err := json.Marshal(v, json.Deterministic(true))
	if err != nil {
		panic("license: marshal: " + err.Error())
	}
	return b
}

// named reports whether a current license policy of some commons names
// agentID among its attestors.
func (s *State) named(agentID string) bool {
	for _, vs := range s.policies {
		if len(vs) > 0 && slices.Contains(vs[len(vs)-1].decoded.Attestors, agentID) {
			return true
		}
	}
	return false
}
