package license

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/meent/meent"
	"github.com/meent/meent/commons"
)

// Facts are what the caller knows about the organisation (or person) that
// asks for a license, gathered from the ledger.
type Facts struct {
	Name       string // shown in reasons; "" reads "The requester"
	AgentKnown bool   // the requester is a known agent of this node

	// Kind is what the organisation is (one of the Org constants, or ""
	// when not stated). Attested says an attestor this commons trusts
	// attested it (State.Facts decides who that is); only attested kinds
	// count for the cooperative and nonprofit rules.
	Kind     string
	Attested bool

	// AttestedBy names who attested the kind, for the reason; "" leaves
	// it out.
	AttestedBy string

	Employees int64 // >= 0
	Revenue   int64 // per year, in minor units of the schedule's currency, >= 0
	Member    bool  // member of the node (of its cooperative)

	// Unstated names the facts the requester did not state (Employees,
	// Revenue). Their fields read 0, but a rule that needs one cannot
	// decide on it: Evaluate refuses rather than price an organisation,
	// or make it free, on a number nobody gave. The zero value says every
	// fact was stated, as callers before this member meant.
	Unstated []string

	// AcceptedContributions are the times (Unix ms) at which the
	// requester's contributions to this commons were accepted.
	AcceptedContributions []int64

	HadTrial bool // the requester already had this commons' free trial
}

// Organisation kinds.
const (
	OrgIndividual  = "individual"
	OrgCooperative = "cooperative"
	OrgWorkerOwned = "worker_owned"
	OrgNonprofit   = "nonprofit"
	OrgAssociation = "association"
	OrgCompany     = "company"
	OrgPublicBody  = "public_body"
)

var orgKinds = []string{OrgIndividual, OrgCooperative, OrgWorkerOwned, OrgNonprofit, OrgAssociation, OrgCompany, OrgPublicBody}

// Use is what the license is asked for.
type Use struct {
	Commercial bool
	Scope      string // what the use covers, in the requester's words (at most MaxScopeLen bytes)
}

// Decision is the answer to a license request. The grant starts at the
// time of the request.
type Decision struct {
	Free   bool   `json:"free"`
	Rule   string `json:"rule"`   // the free rule's kind, "trial", or the band that priced it ("price.bands[1]")
	Reason string `json:"reason"` // a sentence for people

	// Price is the yearly price when the use is paid, and zero when free.
	Price commons.Money `json:"price,omitzero"`

	// Term is how long the grant lasts, in ms; 0 means it does not end by
	// time. WhileMember says it lasts as long as the membership.
	Term        int64 `json:"term,omitzero"`
	WhileMember bool  `json:"while_member,omitzero"`

	// Alternatives are what would make the use free, with numbers, when
	// it is not (or only for a trial).
	Alternatives []string `json:"alternatives,omitempty"`
}

// Time units, in ms.
const (
	Day  = 86_400_000
	Year = 365 * Day // the term of a paid license and of free grants by status
)

// Limits of a request.
const (
	MaxTime     = 253_402_300_799_999 // 9999-12-31T23:59:59.999Z, in ms
	MaxScopeLen = 500                 // bytes
)

// Evaluate decides on a request for a license under policy p at time now
// (Unix ms). It returns *meent.Error with code EINVALID for a policy that
// does not Check or for facts that are out of range, and ERULE when the
// requester is not a known agent: only agents hold licenses.
func Evaluate(p *Policy, f Facts, u Use, now int64) (Decision, error) {
	invalid := func(format string, args ...any) error {
		return meent.Errorf(meent.EINVALID, "license request: "+format, args...)
	}
	if p == nil {
		return Decision{}, invalid("no license policy")
	}
	if err := p.Check(); err != nil {
		return Decision{}, err
	}
	if !f.AgentKnown {
		return Decision{}, meent.Errorf(meent.ERULE, "license request: the requester is not a known agent of this node; it must be registered before it can hold a license")
	}
	switch {
	case now < 0 || now > MaxTime:
		return Decision{}, invalid("the time %d is out of range", now)
	case len(f.Name) > MaxNameLen || !utf8.ValidString(f.Name):
		return Decision{}, invalid("the name must be at most %d bytes of UTF-8", MaxNameLen)
	case f.Kind != "" && !slices.Contains(orgKinds, f.Kind):
		return Decision{}, invalid("%q is not a kind of organisation (%s)", f.Kind, strings.Join(orgKinds, ", "))
	case f.Employees < 0:
		return Decision{}, invalid("employees must not be negative")
	case f.Revenue < 0:
		return Decision{}, invalid("revenue must not be negative")
	case len(u.Scope) > MaxScopeLen || !utf8.ValidString(u.Scope):
		return Decision{}, invalid("the scope must be at most %d bytes of UTF-8", MaxScopeLen)
	}
	for _, fact := range f.Unstated {
		if fact != Employees && fact != Revenue {
			return Decision{}, invalid("%q is not a fact a request states (%s or %s)", fact, Employees, Revenue)
		}
	}
	for _, t := range f.AcceptedContributions {
		if t < 0 || t > MaxTime {
			return Decision{}, invalid("the contribution time %d is out of range", t)
		}
	}
	e := eval{p: p, f: f, u: u, now: now, who: f.Name}
	if e.who == "" {
		e.who = "The requester"
	}
	for i, r := range p.Free {
		if r.Kind == SmallOrganisation {
			if err := e.need(Employees, fmt.Sprintf("free[%d], the %s rule (free up to %s)", i, r.Kind, plural(r.MaxEmployees, "employee"))); err != nil {
				return Decision{}, err
			}
		}
		if d, ok := e.free(r); ok {
			d.Free, d.Rule = true, r.Kind
			return d, nil
		}
	}
	if err := e.need(p.Price.Basis, "price.basis, the price of a license that no free rule grants"); err != nil {
		return Decision{}, err
	}
	return e.paid(), nil
}

// MissingFact is the message of Evaluate's refusal when rule needs a fact
// the request leaves out: a fact that decides whether the use is free or
// what it costs is never read as 0. Clients find the fact to ask for in
// it (the CLI names its flag).
func MissingFact(fact, rule string) string {
	what := "number of employees"
	if fact == Revenue {
		what = "yearly revenue"
	}
	return fmt.Sprintf("license request: the organisation's %s is not stated, and this policy decides on it (%s); state it (%s), 0 if that is the truth", what, rule, fact)
}

// need refuses the evaluation when a rule reached needs a fact the
// request does not state.
func (e *eval) need(fact, rule string) error {
	if slices.Contains(e.f.Unstated, fact) {
		return meent.Errorf(meent.EINVALID, "%s", MissingFact(fact, rule))
	}
	return nil
}

// eval is one evaluation.
type eval struct {
	p   *Policy
	f   Facts
	u   Use
	now int64
	who string
}

// free returns the decision of free rule r if it matches.
func (e *eval) free(r Rule) (Decision, bool) {
	f := e.f
	switch r.Kind {
	case NonCommercial:
		if !e.u.Commercial {
			return Decision{Reason: "Non-commercial use of this commons is free."}, true
		}
	case Contributor:
		n, term := e.contributions(r)
		if n >= r.MinAccepted {
			return Decision{
				Reason: fmt.Sprintf("%s has %s in the last %d days; %d %s needed.",
					e.who, plural(n, "accepted contribution"), r.WindowDays, r.MinAccepted, isAre(r.MinAccepted)),
				Term: term,
			}, true
		}
	case Cooperative:
		if f.Attested && (f.Kind == OrgCooperative || f.Kind == OrgWorkerOwned) {
			return Decision{
				Reason: fmt.Sprintf("%s is an attested %s%s; cooperatives and worker-owned enterprises use this commons free.", e.who, kindName(f.Kind), e.by()),
				Term:   Year,
			}, true
		}
	case Nonprofit:
		if f.Attested && (f.Kind == OrgNonprofit || f.Kind == OrgAssociation) {
			return Decision{
				Reason: fmt.Sprintf("%s is an attested %s%s; non-profits and associations use this commons free.", e.who, kindName(f.Kind), e.by()),
				Term:   Year,
			}, true
		}
	case SmallOrganisation:
		if f.Employees <= r.MaxEmployees {
			return Decision{
				Reason: fmt.Sprintf("%s has %s; organisations with at most %d use this commons free.", e.who, plural(f.Employees, "employee"), r.MaxEmployees),
				Term:   Year,
			}, true
		}
	case Member:
		if f.Member {
			return Decision{
				Reason:      fmt.Sprintf("%s is a member of the cooperative; membership grants the license for as long as it lasts.", e.who),
				WhileMember: true,
			}, true
		}
	}
	return Decision{}, false
}

// by names the attestor, so that a grant by status says whose word it
// rests on.
func (e *eval) by() string {
	if e.f.AttestedBy == "" {
		return ""
	}
	return " (attested by " + e.f.AttestedBy + ")"
}

// contributions counts the accepted contributions in the window of rule r
// that ends now: times t with now-window < t <= now. When the count meets
// the rule, term is how long it still would without new contributions:
// until the MinAccepted-th most recent one leaves the window.
func (e *eval) contributions(r Rule) (n, term int64) {
	w := r.WindowDays * Day
	var in []int64
	for _, t := range e.f.AcceptedContributions {
		if t > e.now-w && t <= e.now {
			in = append(in, t)
		}
	}
	n = int64(len(in))
	if n >= r.MinAccepted {
		slices.Sort(in)
		term = in[n-r.MinAccepted] + w - e.now
	}
	return n, term
}

// paid is the decision when no free rule matches: the band's yearly price,
// or the trial first.
func (e *eval) paid() Decision {
	s := e.p.Price
	size := e.f.Employees
	if s.Basis == Revenue {
		size = e.f.Revenue
	}
	i := s.band(size)
	b := s.Bands[i]
	price := commons.Money{Amount: b.PricePerYear, Currency: s.Currency}
	band := fmt.Sprintf("price.bands[%d]", i)
	var where string
	if s.Basis == Employees {
		where = fmt.Sprintf("%s has %s, in %s (%s employees)", e.who, plural(size, "employee"), band, e.span(b))
	} else {
		where = fmt.Sprintf("%s has a yearly revenue of %s, in %s (%s)", e.who, formatMoney(size, s.Currency), band, e.span(b))
	}
	alts := e.alternatives()
	if e.p.TrialDays > 0 && !e.f.HadTrial {
		return Decision{
			Free: true,
			Rule: "trial",
			Reason: fmt.Sprintf("%s may use this commons free for a %d-day trial. After that the license costs %s a year: %s.",
				e.who, e.p.TrialDays, formatMoney(price.Amount, price.Currency), where),
			Term:         e.p.TrialDays * Day,
			Alternatives: alts,
		}
	}
	return Decision{
		Rule:         band,
		Reason:       fmt.Sprintf("No free rule applies. %s: the license costs %s a year.", where, formatMoney(price.Amount, price.Currency)),
		Price:        price,
		Term:         Year,
		Alternatives: alts,
	}
}

// span describes a band: "from 50 to 249" or "250 or more", in the
// schedule's unit.
func (e *eval) span(b Band) string {
	num := func(v int64) string {
		if e.p.Price.Basis == Revenue {
			return formatMoney(v, e.p.Price.Currency)
		}
		return strconv.FormatInt(v, 10)
	}
	if b.To == 0 {
		return num(b.From) + " or more"
	}
	return "from " + num(b.From) + " to less than " + num(b.To)
}

// alternatives lists what would make a commercial use free, in the order
// of the free rules: only what the requester can act on.
func (e *eval) alternatives() []string {
	var alts []string
	f := e.f
	for _, r := range e.p.Free {
		switch r.Kind {
		case Contributor:
			n, _ := e.contributions(r)
			alts = append(alts, fmt.Sprintf("have %d more %s accepted within %d days (%d %s needed; %s has %d)",
				r.MinAccepted-n, pluralWord(r.MinAccepted-n, "contribution"), r.WindowDays, r.MinAccepted, isAre(r.MinAccepted), e.who, n))
		case Cooperative:
			if !f.Attested && (f.Kind == OrgCooperative || f.Kind == OrgWorkerOwned) {
				alts = append(alts, fmt.Sprintf("have %s's status as %s attested by a maintainer of this commons, a node admin or an attestor its license policy names", e.who, article(kindName(f.Kind))))
			}
		case Nonprofit:
			if !f.Attested && (f.Kind == OrgNonprofit || f.Kind == OrgAssociation) {
				alts = append(alts, fmt.Sprintf("have %s's status as %s attested by a maintainer of this commons, a node admin or an attestor its license policy names", e.who, article(kindName(f.Kind))))
			}
		case Member:
			if e.p.JoinAlternative {
				alts = append(alts, "join the cooperative: membership grants the license for as long as it lasts")
			}
		}
	}
	return alts
}

func kindName(kind string) string {
	switch kind {
	case OrgWorkerOwned:
		return "worker-owned enterprise"
	case OrgNonprofit:
		return "non-profit"
	}
	return kind
}

func article(noun string) string {
	if strings.ContainsRune("aeiou", rune(noun[0])) {
		return "an " + noun
	}
	return "a " + noun
}

func plural(n int64, word string) string {
	return strconv.FormatInt(n, 10) + " " + pluralWord(n, word)
}

func pluralWord(n int64, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

func isAre(n int64) string {
	if n == 1 {
		return "is"
	}
	return "are"
}

// formatMoney writes minor units as a decimal amount and the currency:
// "1200.00 EUR" (see commons.Money.Decimal).
func formatMoney(minor int64, currency string) string {
	return commons.Money{Amount: minor, Currency: currency}.String()
}
