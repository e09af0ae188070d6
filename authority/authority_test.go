package authority_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/meent/meent"
	"github.com/meent/meent/authority"
)

// world is a node as the authority sees it: roles held by named agents.
// The agents: admin (a node admin, so also a member), member, maint (a
// maintainer of commons c), other (a maintainer of commons d only),
// attestor (named by a license policy), party (the rule's party) and
// stranger (nothing at all).
type world struct {
	admins, members map[string]bool
	maintainers     map[string][]string // commons -> agents
	attestors       map[string]bool
}

type people struct{ w *world }

func (p people) Roles() []authority.Role { return []authority.Role{authority.Admin, authority.Member} }
func (p people) Holds(r authority.Role, a string, _ authority.Place) bool {
	if r == authority.Admin {
		return p.w.admins[a]
	}
	return p.w.members[a]
}

type stewards struct{ w *world }

func (s stewards) Roles() []authority.Role {
	return []authority.Role{authority.Maintainer, authority.AnyMaintainer}
}
func (s stewards) Holds(r authority.Role, a string, p authority.Place) bool {
	if r == authority.Maintainer {
		return slices.Contains(s.w.maintainers[p.Commons], a)
	}
	for _, ms := range s.w.maintainers {
		if slices.Contains(ms, a) {
			return true
		}
	}
	return false
}

type attestors struct{ w *world }

func (t attestors) Roles() []authority.Role { return []authority.Role{authority.Attestor} }
func (t attestors) Holds(r authority.Role, a string, _ authority.Place) bool {
	return t.w.attestors[a]
}

// keepers knows the stewards of catalogues (the sharing area's role): the
// agent named steward keeps commons c's.
type keepers struct{}

func (keepers) Roles() []authority.Role { return []authority.Role{authority.Steward} }
func (keepers) Holds(r authority.Role, a string, p authority.Place) bool {
	return a == "steward" && p.Commons == "c"
}

func newWorld() (*world, *authority.Authority) {
	w := &world{
		admins:      map[string]bool{"admin": true},
		members:     map[string]bool{"admin": true, "member": true},
		maintainers: map[string][]string{"c": {"maint"}, "d": {"other"}},
		attestors:   map[string]bool{"attestor": true},
	}
	return w, authority.New(people{w}, stewards{w}, attestors{w}, keepers{})
}

var everyone = []string{"admin", "member", "maint", "other", "attestor", "steward", "party", "stranger"}

// TestTable: for each action, exactly who may do it in commons c (with
// "party" as the rule's party), and that everyone else gets the action's
// refusal with code EFORBIDDEN. The expectations are written out here, not
// derived from the table, so a changed row fails.
func TestTable(t *testing.T) {
	want := map[authority.Action][]string{
		authority.ChangeMembership:       {"admin"},
		authority.NameMaintainers:        {"admin"},
		authority.ChangeCommons:          {"maint"},
		authority.AppointMaintainer:      {"maint"},
		authority.AppointFirstMaintainer: {"admin"},
		authority.RemoveMaintainer:       {"maint"},
		authority.ReviseContribution:     {"party"},
		authority.ReviewContribution:     {"maint"},
		authority.DisputeRejection:       {"party"},
		authority.ResolveDispute:         {"maint"},
		authority.Endorse:                {"admin", "member"},
		authority.SignalNeed:             {"admin", "member"},
		authority.CloseNeed:              {"maint", "party"},
		authority.AttestIdentity:         {"maint"},
		authority.RejectClaim:            {"maint"},
		authority.ContestClaim:           {"maint", "party"},
		authority.SetValuePolicy:         {"maint"},
		authority.RecordIncome:           {"maint"},
		authority.RunDistribution:        {"maint"},
		authority.SettlePayout:           {"maint"},
		authority.SetLicensePolicy:       {"maint"},
		authority.RecordLicensePayment:   {"admin", "maint"},
		authority.RevokeLicense:          {"maint"},
		authority.AttestOrganisation:     {"admin", "maint", "other", "attestor"},
		authority.VouchOrganisation:      {"admin", "maint", "party"},
		authority.OpenPoll:               {"admin", "member", "maint"},
		authority.CancelPoll:             {"admin", "party"},
		authority.SetDecisionRules:       {"maint"},
		authority.OpenBudgetRound:        {"maint"},
		authority.CloseBudgetRound:       {"maint"},
		authority.DrawCoBudget:           {"maint"},
		authority.ProposeBucket:          {"admin", "member"},
		authority.EditBucket:             {"maint", "party"},
		authority.CancelBucket:           {"maint", "party"},
		authority.WithdrawAllocation:     {"party"},
		authority.RecordSpending:         {"maint", "party"},
		authority.CreateCurrency:         {"admin"},
		authority.UpdateCurrency:         {"admin"},
		authority.PayCredit:              {"party"},
		authority.PayFromCommons:         {"maint"},
		authority.SetCreditLimit:         {"admin"},
		authority.ApplyDemurrage:         {"admin", "member"},
		authority.SetBreadfundPolicy:     {"maint"},
		authority.RunBreadfund:           {"maint"},
		authority.ActForFundMember:       {"maint", "party"},
		authority.ObjectToCandidate:      {"party"},
		authority.CheckInOnClaim:         {"maint", "party"},
		authority.SetCatalogue:           {"maint"},
		authority.ManageResource:         {"maint", "steward"},
		authority.BookResource:           {"admin", "member"},
		authority.HandOver:               {"maint", "steward", "party"},
		authority.ChangeBooking:          {"maint", "steward", "party"},
		authority.ReportDamage:           {"admin", "member", "maint", "steward"},
	}
	_, au := newWorld()
	table := authority.Table()
	for a := range table {
		if _, ok := want[a]; !ok {
			t.Errorf("action %s has a row in the table but no expectation here", a)
		}
	}
	here := authority.In("c", "Wind data").With("party").About("git:ada@example.org")
	for a, may := range want {
		if _, ok := table[a]; !ok {
			t.Errorf("action %s has no row in the table", a)
			continue
		}
		for _, who := range everyone {
			err := au.May(who, a, here)
			switch {
			case slices.Contains(may, who) && err != nil:
				t.Errorf("%s: %s is refused: %v", a, who, err)
			case !slices.Contains(may, who) && err == nil:
				t.Errorf("%s: %s is allowed", a, who)
			case err != nil && meent.ErrorCode(err) != meent.EFORBIDDEN:
				t.Errorf("%s: %s refused with %s, want forbidden", a, who, meent.ErrorCode(err))
			case err != nil && strings.ContainsAny(meent.ErrorMessage(err), "{}"):
				t.Errorf("%s: refusal %q keeps a placeholder", a, meent.ErrorMessage(err))
			}
			if got := au.Allowed(who, a, here); got != (err == nil) {
				t.Errorf("%s: Allowed(%s) = %v, May says %v", a, who, got, err)
			}
		}
	}
}

// TestPlace: a maintainer of another commons is no maintainer here, and
// nobody is anything on behalf of no one.
func TestPlace(t *testing.T) {
	_, au := newWorld()
	if au.Allowed("maint", authority.ReviewContribution, authority.In("d", "Other")) {
		t.Error("a maintainer of c reviews in d")
	}
	if au.Allowed("", authority.Endorse, authority.Node()) {
		t.Error("the empty agent is allowed")
	}
	if au.Allowed("admin", "no.such.action", authority.Node()) {
		t.Error("an action the table does not know is allowed")
	}
}

// TestRefusals: the messages the rules gave before the table, which
// clients and tests match.
func TestRefusals(t *testing.T) {
	_, au := newWorld()
	cases := []struct {
		a    authority.Action
		p    authority.Place
		want string
	}{
		{authority.ReviewContribution, authority.In("c", "Wind data"), "only a maintainer of Wind data reviews its contributions"},
		{authority.SignalNeed, authority.In("c", "Wind data"), "only members of the community signal needs"},
		{authority.ChangeMembership, authority.Node(), "only an admin may change membership"},
		{authority.ContestClaim, authority.In("c", "Wind data").About("git:ada@example.org"),
			"only a maintainer of Wind data, or someone with their own claim on git:ada@example.org, contests a claim"},
		{authority.SettlePayout, authority.In("c", "{subject}"), "only a maintainer of {subject} may do this"},
	}
	for _, c := range cases {
		if got := meent.ErrorMessage(au.May("stranger", c.a, c.p)); got != c.want {
			t.Errorf("%s: %q, want %q", c.a, got, c.want)
		}
	}
}

// decisions is a granter as governance will be one: a decision that
// passed lets one agent do one action in one commons.
type decisions map[[3]string]bool

func (d decisions) Grants(agent string, a authority.Action, p authority.Place) bool {
	return d[[3]string{agent, string(a), p.Commons}]
}

// TestGranter: a granter adds a right beyond the table, for that action
// and place only, without a change to the table or to a rule.
func TestGranter(t *testing.T) {
	_, au := newWorld()
	c := authority.In("c", "Wind data")
	if au.Allowed("member", authority.SetValuePolicy, c) {
		t.Fatal("a member sets the value policy before any decision")
	}
	au.Grant(decisions{{"member", string(authority.SetValuePolicy), "c"}: true})
	if err := au.May("member", authority.SetValuePolicy, c); err != nil {
		t.Errorf("the decision does not grant it: %v", err)
	}
	if au.Allowed("member", authority.SetValuePolicy, authority.In("d", "Other")) {
		t.Error("a decision in c grants it in d")
	}
	if au.Allowed("member", authority.RunDistribution, c) {
		t.Error("a decision on the value policy grants a distribution")
	}
}

// TestNewRefuses: two sources for one role, or a source claiming the
// rule's party role, are programming errors found at start; a missing
// role is reported by Complete.
func TestNewRefuses(t *testing.T) {
	w, _ := newWorld()
	for name, f := range map[string]func(){
		"two sources for admin": func() { authority.New(people{w}, people{w}) },
		"a source of parties":   func() { authority.New(partySource{}) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
	if got := authority.New(people{w}).Complete(); !slices.Equal(got, []authority.Role{authority.AnyMaintainer, authority.Attestor, authority.Maintainer, authority.Steward}) {
		t.Errorf("Complete = %v", got)
	}
	if got := authority.New(people{w}, stewards{w}, attestors{w}, keepers{}).Complete(); len(got) != 0 {
		t.Errorf("Complete = %v with every source", got)
	}
}

type partySource struct{}

func (partySource) Roles() []authority.Role                            { return []authority.Role{authority.Party} }
func (partySource) Holds(authority.Role, string, authority.Place) bool { return true }

// reserve reserves one action in commons c; grant grants it to "member".
type reserve struct{ a authority.Action }

func (r reserve) Reserved(a authority.Action, p authority.Place) bool {
	return a == r.a && p.Commons == "c"
}

type grant struct{ a authority.Action }

func (g grant) Grants(agent string, a authority.Action, p authority.Place) bool {
	return agent == "member" && a == g.a && p.Commons == "c"
}

// TestReserved: an action a reserver reserves to decisions is refused to
// the roles that may otherwise do it, with a refusal that says a poll
// decides it, and still allowed by a granter (a decision that passed);
// elsewhere nothing changes.
func TestReserved(t *testing.T) {
	_, au := newWorld()
	au.Reserve(reserve{authority.SetValuePolicy})
	au.Grant(grant{authority.SetValuePolicy})
	c, d := authority.In("c", "Wind data"), authority.In("d", "Other")
	err := au.May("maint", authority.SetValuePolicy, c)
	if err == nil || meent.ErrorCode(err) != meent.EFORBIDDEN || !strings.Contains(meent.ErrorMessage(err), "decided by a poll") {
		t.Errorf("a maintainer sets a reserved policy: %v", err)
	}
	if err := au.May("member", authority.SetValuePolicy, c); err != nil {
		t.Errorf("the granted decision is refused: %v", err)
	}
	if err := au.May("other", authority.SetValuePolicy, d); err != nil {
		t.Errorf("another commons is reserved too: %v", err)
	}
	if err := au.May("maint", authority.RecordIncome, c); err != nil {
		t.Errorf("another action is reserved too: %v", err)
	}
}
