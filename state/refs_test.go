package state_test

import (
	"crypto/ed25519"
	"slices"
	"strings"
	"testing"

	"github.com/meent/meent/agent"
	"github.com/meent/meent/commons"
	"github.com/meent/meent/ledger"
	"github.com/meent/meent/state"
)

// TestRefsCatalogue replays testdata/events.json and checks, for one
// vector of every event type in the catalogue, the commons and agents the
// event index records for it. The table is keyed by type and checked
// against state.EventTypes, so an event type added without deciding what
// it touches fails here. Names stand for IDs: agents by key name, "lib"
// for the commons and "adalib" for ada's fork of it.
func TestRefsCatalogue(t *testing.T) {
	cases := map[string]struct {
		vector          string
		commons, agents []string
	}{
		agent.TypeCreate:    {"maya is created", nil, []string{"maya"}},
		agent.TypeUpdate:    {"ada renames herself", nil, []string{"ada"}},
		agent.TypeKeyAdd:    {"ada adds a laptop key", nil, []string{"ada"}},
		agent.TypeKeyRevoke: {"ada revokes the laptop key, signing with it", nil, []string{"ada"}},
		agent.TypeMemberSet: {"admin admits maya", nil, []string{"admin", "maya"}},
		agent.TypeMemberRm:  {"admin removes bob", nil, []string{"admin", "bob"}},

		commons.TypeCreate:           {"admin creates a commons with maya as maintainer", []string{"lib"}, []string{"admin", "maya"}},
		commons.TypeUpdate:           {"maya updates every member", []string{"lib"}, []string{"maya"}},
		commons.TypeMaintainerAdd:    {"maya adds ben as maintainer", []string{"lib"}, []string{"maya", "ben"}},
		commons.TypeMaintainerRemove: {"maya removes coop", []string{"lib"}, []string{"maya", "coop"}},
		commons.TypeFork:             {"ada forks the commons", []string{"lib", "adalib"}, []string{"ada"}},
		// The need's poster is touched by work that answers it.
		commons.TypeSubmit:  {"ada submits work answering the need", []string{"lib"}, []string{"ada"}},
		commons.TypeReview:  {"maya asks for changes", []string{"lib"}, []string{"maya", "ada"}},
		commons.TypeRevise:  {"ada revises", []string{"lib"}, []string{"ada"}},
		commons.TypeDispute: {"ada disputes", []string{"lib"}, []string{"ada"}},
		commons.TypeResolve: {"ben overturns the rejection", []string{"lib"}, []string{"ben", "ada"}},
		commons.TypeEndorse: {"ben endorses it", []string{"lib"}, []string{"ben", "ada"}},
		// No identity of the imported commits is mapped yet: only the importer.
		commons.TypeImport:           {"maya imports four commits, one with a claim line", []string{"lib"}, []string{"maya"}},
		commons.TypeIdentityClaim:    {"ben claims his git identity", []string{"lib"}, []string{"ben"}},
		commons.TypeIdentityAttest:   {"maya confirms ben's claim", []string{"lib"}, []string{"maya", "ben"}},
		commons.TypeIdentityContest:  {"maya contests bob's claim", []string{"lib"}, []string{"maya", "bob"}},
		commons.TypeIdentityReject:   {"maya rejects bob's claim", []string{"lib"}, []string{"maya", "bob"}},
		commons.TypeIdentityFinalize: {"ben finalizes ada's proven claim after the window", []string{"lib"}, []string{"ben", "ada"}},
		commons.TypeNeedPost:         {"ada posts a need with a bounty", []string{"lib"}, []string{"ada"}},
		commons.TypeNeedSignal:       {"maya signals plus one", []string{"lib"}, []string{"maya", "ada"}},
		commons.TypeNeedClaim:        {"ben claims it for the default 7 days", []string{"lib"}, []string{"ben", "ada"}},
		commons.TypeNeedRenew:        {"ada renews her claim for 10 days", []string{"lib"}, []string{"ada"}},
		commons.TypeNeedRelease:      {"ben releases his claim", []string{"lib"}, []string{"ben", "ada"}},
		commons.TypeNeedClose:        {"ben closes it", []string{"lib"}, []string{"ben"}},

		"value.policy.set": {"maya sets a value policy that excludes bots and reads the author", []string{"lib"}, []string{"maya"}},
		"income.record":    {"maya records a grant", []string{"lib"}, []string{"maya", "acme"}},
		// The agents the distribution allocates to: ada's accepted work
		// and ben's mapped commit; ada's imported commit is kept for her
		// identity, which is not an agent until her claim is finalized.
		"distribution.run": {"maya distributes it with the preview's digest", []string{"lib"}, []string{"maya", "ada", "ben"}},
		"payout.settle":    {"maya records a payment to ada", []string{"lib"}, []string{"maya", "ada"}},

		"license.policy.set": {"maya sets the licence policy", []string{"lib"}, []string{"maya"}},
		"license.attest":     {"maya attests coop", nil, []string{"maya", "coop"}},
		"license.request":    {"coop is licensed for free", []string{"lib"}, []string{"coop"}},
		"license.pay":        {"admin records acme's payment", []string{"lib"}, []string{"admin", "acme"}},
		"license.revoke":     {"maya revokes the grant", []string{"lib"}, []string{"maya", "acme"}},

		"governance.poll.open":   {"ben opens a poll that carries a value policy", []string{"lib"}, []string{"ben"}},
		"governance.vote":        {"maya votes no", []string{"lib"}, []string{"maya"}},
		"governance.delegate":    {"ben delegates to maya for lib", []string{"lib"}, []string{"ben", "maya"}},
		"governance.undelegate":  {"ben ends that delegation", []string{"lib"}, []string{"ben", "maya"}},
		"governance.poll.close":  {"bob, no member, closes the value poll: it passes and enacts the policy", []string{"lib"}, []string{"bob"}},
		"governance.poll.cancel": {"ada cancels her dots poll", nil, []string{"ada"}},
		"governance.rules.set":   {"maya says lib's value policy is decided by polls", []string{"lib"}, []string{"maya"}},
		"budget.round.open":      {"maya opens a budget round with equal allowances", []string{"lib"}, []string{"maya"}},
		"budget.fund":            {"acme gives the round a grant", []string{"lib"}, []string{"acme"}},
		"budget.bucket.propose":  {"ada proposes a bucket paying her and ben", []string{"lib"}, []string{"ada", "ben"}},
		"budget.bucket.edit":     {"ben raises his bucket's maximum", []string{"lib"}, []string{"ben"}},
		// The givers the cancellation refunds, and the proposer.
		"budget.bucket.cancel": {"maya cancels the logo, refunding her 1200", []string{"lib"}, []string{"maya"}},
		"budget.allocate":      {"ben gives 1000 to the docs sprint", []string{"lib"}, []string{"ben", "ada"}},
		"budget.withdraw":      {"ben withdraws his 500", []string{"lib"}, []string{"ben"}},
		"budget.approve":       {"admin approves bike repairs", []string{"lib"}, []string{"admin", "ben"}},
		// The funded buckets' recipients and the funders a refund pays.
		"budget.round.close": {"maya closes the round", []string{"lib"}, []string{"maya", "ada", "ben", "acme"}},
		"budget.spend":       {"ada records what the sprint spent", []string{"lib"}, []string{"ada", "ben"}},
		// A currency and a demurrage period touch its dust and receiving
		// accounts only; every account's share is read from the period.
		"credit.currency.create": {"admin creates the MEE currency", []string{"lib"}, []string{"admin"}},
		"credit.currency.update": {"admin lowers the soft limit of UUR", []string{"lib"}, []string{"admin"}},
		"credit.transfer":        {"maya pays ada from the commons", []string{"lib"}, []string{"maya", "ada"}},
		"credit.limit.set":       {"admin raises ada's limit", nil, []string{"admin", "ada"}},
		"credit.demurrage":       {"ben applies December's demurrage", []string{"lib"}, []string{"ben"}},
		// The bread fund lives in lib; a month's gifts touch the sick
		// member and every pot that gave; a cost touches every member
		// alike, so it names none.
		"breadfund.policy.set":   {"maya founds the bread fund", []string{"lib"}, []string{"maya"}},
		"breadfund.join":         {"works joins, introduced by ada", []string{"lib"}, []string{"works", "ada"}},
		"breadfund.object":       {"ben objects to acme", []string{"lib"}, []string{"ben", "acme"}},
		"breadfund.admit":        {"maya admits works after the window", []string{"lib"}, []string{"maya", "works"}},
		"breadfund.deposit":      {"ada deposits for 2026-02", []string{"lib"}, []string{"ada"}},
		"breadfund.level":        {"ben moves to level 1 in January", []string{"lib"}, []string{"ben"}},
		"breadfund.sick":         {"ada reports sick from 2 February", []string{"lib"}, []string{"ada"}},
		"breadfund.claim.change": {"maya makes ben ada's buddy and plans 50% from April", []string{"lib"}, []string{"maya", "ada", "ben"}},
		"breadfund.recover":      {"ada recovers on 20 April", []string{"lib"}, []string{"ada", "ben"}},
		"breadfund.checkin":      {"ben, ada's buddy, checks in", []string{"lib"}, []string{"ada", "ben"}},
		"breadfund.gifts":        {"maya computes April's gifts", []string{"lib"}, []string{"maya", "ben", "ada", "works"}},
		"breadfund.approve":      {"ben approves April's gifts", []string{"lib"}, []string{"maya", "ben", "ada", "works"}},
		"breadfund.settle":       {"maya records April's gifts as paid", []string{"lib"}, []string{"maya", "ben", "ada", "works"}},
		"breadfund.cost":         {"maya charges the bank's costs", []string{"lib"}, []string{"maya"}},
		"breadfund.exit":         {"works leaves in July with a pot below 0", []string{"lib"}, []string{"works"}},
		"breadfund.surplus":      {"maya refunds the buffer above its cap", []string{"lib"}, []string{"maya", "ben"}},
		"catalogue.set":          {"maya opens lib's catalogue with ada as steward", []string{"lib"}, []string{"maya", "ada"}},
		"resource.add":           {"ada lists the laser cutter with every rule", []string{"lib"}, []string{"ada"}},
		"resource.update":        {"ada changes the drills: three now, every field", []string{"lib"}, []string{"ada"}},
		"resource.status":        {"ada closes the drills for stocktaking", []string{"lib"}, []string{"ada"}},
		"training.record":        {"ada records ben's laser training", []string{"lib"}, []string{"ada", "ben"}},
		"booking.request":        {"ben books the laser for two hours", []string{"lib"}, []string{"ben"}},
		"booking.approve":        {"ada approves ben's booking", []string{"lib"}, []string{"ada", "ben"}},
		"booking.cancel":         {"acme cancels", []string{"lib"}, []string{"acme"}},
		"booking.end":            {"ben ends it early", []string{"lib"}, []string{"ben"}},
		"booking.checkout":       {"ben checks the laser out", []string{"lib"}, []string{"ben"}},
		"booking.checkin":        {"maya checks it in, damaged: its second use asks for maintenance", []string{"lib"}, []string{"maya"}},
		"booking.pay":            {"ada records ben's fee", []string{"lib"}, []string{"ada", "ben"}},
		"item.damage":            {"ada reports drill 2 broken", []string{"lib"}, []string{"ada"}},
		"item.repair":            {"ada repairs drill 2", []string{"lib"}, []string{"ada"}},
	}
	for _, et := range state.EventTypes {
		if _, ok := cases[et.Type]; !ok {
			t.Errorf("%s: no case; decide which commons and agents it touches (its area's Refs) and add one", et.Type)
		}
	}

	f := readVectors(t)
	ids := map[string]string{}
	st := state.New()
	got := map[string][2][]string{} // vector name → refs
	for _, v := range f.Events {
		ev, err := ledger.Decode([]byte(v.Entry))
		if err != nil {
			t.Fatal(err)
		}
		if st.Apply(ev) != nil {
			continue // a refused vector
		}
		cs, as := st.Refs(ev)
		if ev.Author != "" && !slices.Contains(as, ev.Author) {
			t.Errorf("%s: agents %v lack the author", v.Name, as)
		}
		if !slices.IsSorted(cs) || !slices.IsSorted(as) || len(slices.Compact(slices.Clone(as))) != len(as) {
			t.Errorf("%s: refs %v %v are not sorted sets", v.Name, cs, as)
		}
		got[v.Name] = [2][]string{cs, as}
		switch {
		case ev.Type == agent.TypeCreate:
			ids[strings.TrimSuffix(v.Name, " is created")] = v.Hash
		case v.Name == "admin creates a commons with maya as maintainer":
			ids["lib"] = v.Hash
		case v.Name == "ada forks the commons":
			ids["adalib"] = v.Hash
		}
	}
	resolve := func(names []string) []string {
		var out []string
		for _, n := range names {
			if ids[n] == "" {
				t.Fatalf("no ID for %q", n)
			}
			out = append(out, ids[n])
		}
		slices.Sort(out)
		return out
	}
	for typ, c := range cases {
		g, ok := got[c.vector]
		if !ok {
			t.Errorf("%s: no valid vector %q", typ, c.vector)
			continue
		}
		if want := resolve(c.commons); !slices.Equal(g[0], want) {
			t.Errorf("%s (%s): commons %v, want %v", typ, c.vector, g[0], want)
		}
		if want := resolve(c.agents); !slices.Equal(g[1], want) {
			t.Errorf("%s (%s): agents %v, want %v", typ, c.vector, names(ids, g[1]), c.agents)
		}
	}
}

// names turns IDs back into names for a readable failure.
func names(ids map[string]string, list []string) []string {
	var out []string
	for _, id := range list {
		n := id
		for k, v := range ids {
			if v == id {
				n = k
			}
		}
		out = append(out, n)
	}
	return out
}

// TestRefsFork pins what a fork's activity holds: the fork event is in
// both commons' activities; events on an upstream contribution that the
// fork recognises (accepted before the fork) stay in the upstream's only;
// work submitted to the fork is in the fork's only.
func TestRefsFork(t *testing.T) {
	g := &gen{t: t, st: state.New(), tm: 1_767_225_600_000, keys: map[string]ed25519.PrivateKey{}, ids: map[string]string{}}
	g.agent("admin", agent.Person)
	g.ok("admin", "admin", agent.TypeMemberSet, agent.MemberData{Agent: g.ids["admin"], Role: agent.RoleAdmin})
	for _, m := range []string{"maya", "ada", "ben"} {
		g.agent(m, agent.Person)
		g.ok("admit "+m, "admin", agent.TypeMemberSet, agent.MemberData{Agent: g.ids[m], Role: agent.RoleMember})
	}
	lib := g.ok("create", "admin", commons.TypeCreate, commons.CreateData{Name: "lib", Kind: "software", Maintainers: []string{g.ids["maya"]}})
	k := g.ok("submit", "ada", commons.TypeSubmit, commons.SubmitData{Commons: lib, Kind: "code", Title: "Parser"})
	g.ok("accept", "maya", commons.TypeReview, commons.ReviewData{Contribution: k, Verdict: commons.VerdictAccept})

	refs := func(who, typ string, data any) (string, []string) {
		t.Helper()
		ev, _ := g.sign(who, g.ids[who], typ, data)
		if err := g.st.Apply(ev); err != nil {
			t.Fatal(err)
		}
		cs, _ := g.st.Refs(ev)
		return ev.Hash.String(), cs
	}
	fork, cs := refs("ben", commons.TypeFork, commons.ForkData{Commons: lib, Name: "benlib"})
	if want := sorted(lib, fork); !slices.Equal(cs, want) {
		t.Errorf("fork: commons %v, want both %v", cs, want)
	}
	if rec := g.st.Commons.Recognised(fork); rec[k] != lib {
		t.Fatalf("the fork does not recognise the upstream contribution: %v", rec)
	}
	if _, cs := refs("ben", commons.TypeEndorse, commons.RefData{Contribution: k}); !slices.Equal(cs, []string{lib}) {
		t.Errorf("endorsing an upstream contribution the fork recognises: commons %v, want the upstream only", cs)
	}
	if _, cs := refs("ada", commons.TypeSubmit, commons.SubmitData{Commons: fork, Kind: "code", Title: "Fork work"}); !slices.Equal(cs, []string{fork}) {
		t.Errorf("work submitted to the fork: commons %v, want the fork only", cs)
	}
}

func sorted(s ...string) []string { slices.Sort(s); return s }
