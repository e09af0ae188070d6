// Package authority answers the one question every rule asks before it lets
// an agent act: may this agent do this action here (on the node, or in one
// commons)? The answer comes from one table (the table variable below) that
// names, for every action, the roles that may do it, and from the sources
// that know who holds each role: the agent area knows admins and members,
// the commons area knows maintainers, the license area knows the attestors
// its policies name.
//
// No rule checks a role by hand. A rule says what is being done and where
// (May(agent, Review, In(c.ID, c.Name))) and returns the refusal it gets;
// conditions that are not roles (nobody reviews their own work, the first
// agent may admit itself) stay in the rule, next to the action they limit.
//
// Extension point: a Granter is a source of rights beyond the table, asked
// when no role allows the action. Governance adds one ("a decision that
// passed lets X do Y in commons C") by registering it (state collects it
// from its area), without touching the table or a rule.
//
// Like the rule areas, the package is pure: no I/O, no clock.
package authority

import (
	"fmt"
	"slices"
	"strings"

	"github.com/meent/meent"
)

// Action is something the rules let only some agents do.
type Action string

// The actions. Each has exactly one row in the table.
const (
	ChangeMembership       Action = "member.change"             // admit an agent, change its role, remove it
	NameMaintainers        Action = "commons.name_maintainers"  // name the first maintainers of a new commons (otherwise its creator is)
	ChangeCommons          Action = "commons.change"            // update a commons, import its history
	AppointMaintainer      Action = "commons.maintainer.add"    // appoint a maintainer
	AppointFirstMaintainer Action = "commons.maintainer.first"  // appoint a maintainer of a commons that has none
	RemoveMaintainer       Action = "commons.maintainer.remove" // remove a maintainer
	ReviseContribution     Action = "contribution.revise"       // answer a request for changes
	ReviewContribution     Action = "contribution.review"       // accept, reject or ask for changes
	DisputeRejection       Action = "contribution.dispute"      // contest a rejection
	ResolveDispute         Action = "contribution.resolve"      // uphold or overturn a disputed rejection
	Endorse                Action = "contribution.endorse"      // a peer signal on a contribution
	SignalNeed             Action = "need.signal"               // +1, priority or pledge on a need
	CloseNeed              Action = "need.close"                // close a need
	AttestIdentity         Action = "identity.attest"           // say which agent an identity is
	RejectClaim            Action = "identity.reject"           // close a claim on an identity
	ContestClaim           Action = "identity.contest"          // block a claim until a maintainer decides
	SetValuePolicy         Action = "value.policy.set"          // set a commons' value policy
	RecordIncome           Action = "income.record"             // record an income of a commons
	RunDistribution        Action = "distribution.run"          // distribute an income
	SettlePayout           Action = "payout.settle"             // record a payment made outside the system
	SetLicensePolicy       Action = "license.policy.set"        // set a commons' license policy
	RecordLicensePayment   Action = "license.pay"               // record the payment of a license offer
	RevokeLicense          Action = "license.revoke"            // end a grant before its term
	AttestOrganisation     Action = "license.attest"            // state what kind of organisation an agent is
	VouchOrganisation      Action = "license.vouch"             // be counted by a commons when attesting an organisation
	OpenPoll               Action = "poll.open"                 // open a poll on the node or in a commons
	CancelPoll             Action = "poll.cancel"               // cancel an open poll
	SetDecisionRules       Action = "governance.rules.set"      // say which changes of a commons need a decision
	OpenBudgetRound        Action = "budget.round.open"         // open a budget round in a commons
	CloseBudgetRound       Action = "budget.round.close"        // close a budget round after its closing time
	DrawCoBudget           Action = "budget.draw"               // fund a round from the commons' co-budget pool
	ProposeBucket          Action = "budget.bucket.propose"     // propose a bucket in a round
	EditBucket             Action = "budget.bucket.edit"        // change a bucket's terms
	CancelBucket           Action = "budget.bucket.cancel"      // cancel a bucket, refunding its givers
	WithdrawAllocation     Action = "budget.withdraw"           // take an allocation back
	RecordSpending         Action = "budget.spend"              // record what a funded bucket spent
	CreateCurrency         Action = "credit.currency.create"    // create a mutual-credit currency
	UpdateCurrency         Action = "credit.currency.update"    // change a currency's limits and demurrage (a decision may grant it)
	PayCredit              Action = "credit.transfer"           // pay from an agent's credit account
	PayFromCommons         Action = "credit.transfer.commons"   // pay from a commons' credit account
	SetCreditLimit         Action = "credit.limit.set"          // set one account's credit limits (a decision may grant it)
	ApplyDemurrage         Action = "credit.demurrage"          // apply a period's demurrage
	SetBreadfundPolicy     Action = "breadfund.policy.set"      // set a bread fund's rules (a decision may grant it)
	RunBreadfund           Action = "breadfund.board"           // the board's work: admit, compute and approve gifts, costs, buddies
	ActForFundMember       Action = "breadfund.member"          // deposit, report illness or recovery, leave: the member or the board
	ObjectToCandidate      Action = "breadfund.object"          // object to a candidate of a bread fund
	CheckInOnClaim         Action = "breadfund.checkin"         // check in on a claim, or set the rhythm of check-ins
	SetCatalogue           Action = "catalogue.set"             // open or change a commons' catalogue of shared resources
	ManageResource         Action = "resource.manage"           // list, change, close and repair resources; trainings, approvals, fees
	BookResource           Action = "booking.request"           // book a resource open to members
	HandOver               Action = "booking.hand"              // check an item out or in
	ChangeBooking          Action = "booking.change"            // cancel a booking or end it early
	ReportDamage           Action = "item.damage"               // report an item broken
)

// Role is a way of holding a right. A Source answers for each role but
// Party, which the rule gives in the Place.
type Role string

// The roles.
const (
	Admin         Role = "admin"          // a node admin (agent area)
	Member        Role = "member"         // a member of the node's community, admins included (agent area)
	Maintainer    Role = "maintainer"     // a maintainer of the commons where the action happens (commons area)
	AnyMaintainer Role = "any_maintainer" // a maintainer of at least one commons (commons area)
	Attestor      Role = "attestor"       // an attestor that some commons' current license policy names (license area)
	Steward       Role = "steward"        // a steward of the place's commons' catalogue (sharing area)
	Party         Role = "party"          // one of the Place's Parties: the poster of a need, the contributor, a rival claimant
)

// Rule is one row of the table: the roles that may do an action (any one
// of them is enough) and the refusal everybody else gets, always with code
// EFORBIDDEN. In Refusal, {commons} stands for the Place's Name and
// {subject} for its Subject.
type Rule struct {
	Who     []Role
	Refusal string
}

// table is the one place that says who may do what. The refusals are the
// messages the rules gave when they checked by hand: clients and tests
// match them.
var table = map[Action]Rule{
	ChangeMembership:       {[]Role{Admin}, "only an admin may change membership"},
	NameMaintainers:        {[]Role{Admin}, "only a node admin names the first maintainers of a commons; anyone else becomes its first maintainer"},
	ChangeCommons:          {[]Role{Maintainer}, "only a maintainer of {commons} changes it"},
	AppointMaintainer:      {[]Role{Maintainer}, "only a maintainer of {commons} appoints maintainers"},
	AppointFirstMaintainer: {[]Role{Admin}, "only a maintainer of {commons} appoints maintainers"},
	RemoveMaintainer:       {[]Role{Maintainer}, "only a maintainer of {commons} removes maintainers"},
	ReviseContribution:     {[]Role{Party}, "only the contributor revises a contribution"},
	ReviewContribution:     {[]Role{Maintainer}, "only a maintainer of {commons} reviews its contributions"},
	DisputeRejection:       {[]Role{Party}, "only the contributor disputes a rejection"},
	ResolveDispute:         {[]Role{Maintainer}, "only a maintainer of {commons} resolves disputes"},
	Endorse:                {[]Role{Member}, "only members of the community endorse"},
	SignalNeed:             {[]Role{Member}, "only members of the community signal needs"},
	CloseNeed:              {[]Role{Party, Maintainer}, "only the poster or a maintainer closes a need"},
	AttestIdentity:         {[]Role{Maintainer}, "only a maintainer of {commons} may attest identities"},
	RejectClaim:            {[]Role{Maintainer}, "only a maintainer of {commons} rejects a claim"},
	ContestClaim:           {[]Role{Maintainer, Party}, "only a maintainer of {commons}, or someone with their own claim on {subject}, contests a claim"},
	SetValuePolicy:         {[]Role{Maintainer}, "only a maintainer of {commons} may do this"},
	RecordIncome:           {[]Role{Maintainer}, "only a maintainer of {commons} may do this"},
	RunDistribution:        {[]Role{Maintainer}, "only a maintainer of {commons} may do this"},
	SettlePayout:           {[]Role{Maintainer}, "only a maintainer of {commons} may do this"},
	SetLicensePolicy:       {[]Role{Maintainer}, "only a maintainer of {commons} may do this"},
	// A node admin records payments too: a payment provider's verified
	// webhook reaches the node, not a maintainer.
	RecordLicensePayment: {[]Role{Maintainer, Admin}, "only a maintainer of {commons} may do this"},
	RevokeLicense:        {[]Role{Maintainer}, "only a maintainer of {commons} may do this"},
	// Who may state it is anyone some commons could trust; whether a
	// commons counts it is VouchOrganisation, decided per commons.
	AttestOrganisation: {[]Role{Admin, AnyMaintainer, Attestor}, "only a node admin, a maintainer of a commons or an attestor a license policy names attests organisations"},
	// Parties: the attestors the commons' license policy names.
	VouchOrganisation: {[]Role{Maintainer, Admin, Party}, "only a maintainer of {commons}, a node admin or an attestor its license policy names vouches for an organisation"},
	// Who may vote is the poll's frozen electorate, a condition the rule
	// checks; opening one is for members and maintainers.
	OpenPoll: {[]Role{Member, Maintainer}, "only members of the community and maintainers of {commons} open polls"},
	// Parties: who opened the poll.
	CancelPoll:       {[]Role{Party, Admin}, "only who opened a poll, or a node admin, cancels it"},
	SetDecisionRules: {[]Role{Maintainer}, "only a maintainer of {commons} may do this"},
	OpenBudgetRound:  {[]Role{Maintainer}, "only a maintainer of {commons} opens a budget round"},
	CloseBudgetRound: {[]Role{Maintainer}, "only a maintainer of {commons} closes a budget round"},
	DrawCoBudget:     {[]Role{Maintainer}, "only a maintainer of {commons} funds a round from its co-budget pool"},
	ProposeBucket:    {[]Role{Member}, "only members of the community propose buckets"},
	// Parties: the bucket's proposer.
	EditBucket:   {[]Role{Party, Maintainer}, "only the proposer or a maintainer of {commons} edits a bucket"},
	CancelBucket: {[]Role{Party, Maintainer}, "only the proposer or a maintainer of {commons} cancels a bucket"},
	// Parties: the allocation's giver.
	WithdrawAllocation: {[]Role{Party}, "only the giver withdraws an allocation"},
	// Parties: the bucket's recipients.
	RecordSpending: {[]Role{Party, Maintainer}, "only a recipient of the bucket or a maintainer of {commons} records its spending"},
	CreateCurrency: {[]Role{Admin}, "only a node admin creates a currency"},
	UpdateCurrency: {[]Role{Admin}, "only a node admin, or whom a decision names, changes the currency {subject}"},
	// Party: the payer. Nobody signs for another agent's account.
	PayCredit:      {[]Role{Party}, "only the payer signs a transfer from their account"},
	PayFromCommons: {[]Role{Maintainer}, "only a maintainer of {commons} pays from its account"},
	// A governance decision grants it through an authority.Granter
	// (Place: the node, Subject: the account's holder).
	SetCreditLimit: {[]Role{Admin}, "only a node admin, or whom a decision names, sets the credit limit of {subject}"},
	ApplyDemurrage: {[]Role{Member}, "only members of the community apply demurrage"},
	// A bread fund's board is its commons' maintainers. Parties: the
	// member the event is about; for an objection, the fund's members.
	SetBreadfundPolicy: {[]Role{Maintainer}, "only the board of the bread fund of {commons} (its maintainers), or a decision, sets its rules"},
	RunBreadfund:       {[]Role{Maintainer}, "only the board of the bread fund of {commons} (its maintainers) may do this"},
	ActForFundMember:   {[]Role{Party, Maintainer}, "only the member, or the board of the bread fund of {commons}, may do this"},
	ObjectToCandidate:  {[]Role{Party}, "only a member of the bread fund of {commons} objects to a candidate"},
	CheckInOnClaim:     {[]Role{Party, Maintainer}, "only the member, the buddy or the board of the bread fund of {commons} checks in on a claim"},
	// Sharing: parties are a booking's booker.
	SetCatalogue:   {[]Role{Maintainer}, "only a maintainer of {commons} opens or changes its catalogue"},
	ManageResource: {[]Role{Steward, Maintainer}, "only a steward or maintainer of {commons} may do this"},
	BookResource:   {[]Role{Member}, "only members of the community book this"},
	HandOver:       {[]Role{Party, Steward, Maintainer}, "only the booker or a steward of {commons} checks an item out or in"},
	ChangeBooking:  {[]Role{Party, Steward, Maintainer}, "only the booker or a steward of {commons} changes a booking"},
	ReportDamage:   {[]Role{Member, Steward, Maintainer}, "only members of the community report damage"},
}

// Table returns a copy of the table, for documentation and tests.
func Table() map[Action]Rule {
	out := make(map[Action]Rule, len(table))
	for a, r := range table {
		out[a] = Rule{Who: slices.Clone(r.Who), Refusal: r.Refusal}
	}
	return out
}

// Place is where an action happens: the node (Commons empty) or one
// commons, with what the refusal names and who is party to the matter.
type Place struct {
	Commons string   // the commons' ID; "" for the node
	Name    string   // the commons' name, for the refusal
	Subject string   // what the action is about, for the refusal (an identity)
	Parties []string // the agents who hold Party here
}

// Node is the node as a whole.
func Node() Place { return Place{} }

// In is the commons with the given ID and name.
func In(commonsID, name string) Place { return Place{Commons: commonsID, Name: name} }

// With returns p with the given parties added.
func (p Place) With(parties ...string) Place {
	p.Parties = append(slices.Clip(p.Parties), parties...)
	return p
}

// About returns p with the given subject.
func (p Place) About(subject string) Place {
	p.Subject = subject
	return p
}

// A Source knows who holds some roles, from the state of the area that
// knows them. It answers from the state as it is when asked: the rules ask
// while applying an event, so the answer is as of that event.
type Source interface {
	Roles() []Role                            // the roles it answers for
	Holds(r Role, agent string, p Place) bool // whether agent holds r at p
}

// A Granter is a source of rights beyond the table's roles. The authority
// asks each granter, in the order they were added, only when no role
// allows an action. Governance will be one: a decision that passed grants
// an action to an agent (or to every member) in a commons. A granter must
// be as pure as a rule: its answer depends on the log alone.
type Granter interface {
	Grants(agent string, a Action, p Place) bool
}

// A Reserver reserves actions to decisions: while it reserves an action
// at a place, no role allows it there, only a Granter (a decision that
// passed). Governance is one: a commons' decision rules ("a policy for
// policies") say which of its changes its members decide, and a
// maintainer's direct change is refused. Like a granter it is pure.
type Reserver interface {
	Reserved(a Action, p Place) bool
}

// Authority answers May for the rules, from its sources and granters.
// Build it once, with every area's sources, before the first event.
type Authority struct {
	sources   map[Role]Source
	granters  []Granter
	reservers []Reserver
}

// New returns an authority whose roles are answered by the given sources.
// It panics (a programming error, found at start) when two sources answer
// for one role, when a source claims Party, or when a role the table uses
// has no source.
func New(sources ...Source) *Authority {
	au := &Authority{sources: map[Role]Source{}}
	for _, s := range sources {
		for _, r := range s.Roles() {
			if r == Party {
				panic("authority: the party role is given by the rule, not by a source")
			}
			if _, dup := au.sources[r]; dup {
				panic(fmt.Sprintf("authority: two sources answer for the role %s", r))
			}
			au.sources[r] = s
		}
	}
	return au
}

// Complete reports the roles of the table that no source answers for:
// empty when every row can be decided.
func (au *Authority) Complete() []Role {
	var missing []Role
	for _, rule := range table {
		for _, r := range rule.Who {
			if _, ok := au.sources[r]; !ok && r != Party && !slices.Contains(missing, r) {
				missing = append(missing, r)
			}
		}
	}
	slices.Sort(missing)
	return missing
}

// Grant adds a granter (see Granter).
func (au *Authority) Grant(g Granter) { au.granters = append(au.granters, g) }

// Reserve adds a reserver (see Reserver).
func (au *Authority) Reserve(r Reserver) { au.reservers = append(au.reservers, r) }

// reserved reports whether a reserver reserves a at p to decisions.
func (au *Authority) reserved(a Action, p Place) bool {
	for _, r := range au.reservers {
		if r.Reserved(a, p) {
			return true
		}
	}
	return false
}

// Allowed reports whether agent may do action a at p: it holds one of the
// roles the table names for a (unless a reserver reserves a at p to
// decisions), or a granter grants it. An action the table does not know is
// allowed to nobody.
func (au *Authority) Allowed(agent string, a Action, p Place) bool {
	rule, ok := table[a]
	if !ok || agent == "" {
		return false
	}
	if au.reserved(a, p) {
		rule.Who = nil
	}
	for _, r := range rule.Who {
		if r == Party {
			if slices.Contains(p.Parties, agent) {
				return true
			}
			continue
		}
		if s := au.sources[r]; s != nil && s.Holds(r, agent, p) {
			return true
		}
	}
	for _, g := range au.granters {
		if g.Grants(agent, a, p) {
			return true
		}
	}
	return false
}

// Is reports whether agent holds role r at p, for rules whose outcome (not
// permission) depends on a role: a grant that lasts while its holder is a
// member. Party is never held here: it is the rule's own knowledge.
func (au *Authority) Is(agent string, r Role, p Place) bool {
	s := au.sources[r]
	return s != nil && agent != "" && s.Holds(r, agent, p)
}

// May returns nil when agent may do action a at p, and otherwise the
// table's refusal for a, with code EFORBIDDEN.
func (au *Authority) May(agent string, a Action, p Place) error {
	if au.Allowed(agent, a, p) {
		return nil
	}
	rule, ok := table[a]
	if !ok {
		return meent.Errorf(meent.EFORBIDDEN, "%s is not an action anyone may do", a)
	}
	if au.reserved(a, p) {
		return meent.Errorf(meent.EFORBIDDEN, "in %s, %s is decided by a poll (its decision rules): open a poll that carries the change", p.Name, a)
	}
	return &meent.Error{Code: meent.EFORBIDDEN, Message: refusal(rule.Refusal, p)}
}

func refusal(msg string, p Place) string {
	return strings.NewReplacer("{commons}", p.Name, "{subject}", p.Subject).Replace(msg)
}
