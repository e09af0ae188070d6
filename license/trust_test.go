package license_test

import (
	"strings"
	"testing"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/meent/meent"
	"github.com/meent/meent/agent"
	"github.com/meent/meent/commons"
	"github.com/meent/meent/license"
	"github.com/meent/meent/state"
)

// libfoo is the policy of the worked example in docs/license.md.
func libfoo() license.Policy {
	return license.Policy{Format: 1, Name: "libfoo copyfair", License: "LicenseRef-Copyfair-1.0",
		Free: []license.Rule{{Kind: license.NonCommercial}, {Kind: license.Contributor, MinAccepted: 1, WindowDays: 365},
			{Kind: license.Cooperative}, {Kind: license.Member}},
		Price: license.Schedule{Currency: "EUR", Basis: license.Employees, Bands: []license.Band{
			{From: 0, To: 10, PricePerYear: 50_000}, {From: 10, To: 250, PricePerYear: 600_000}, {From: 250, PricePerYear: 2_400_000}}},
		JoinAlternative: true}
}

func (w *world) setPolicy(by person, commonsID string, p license.Policy) {
	w.t.Helper()
	raw, err := p.Encode()
	if err != nil {
		w.t.Fatal(err)
	}
	w.must(by, license.TypePolicySet, license.PolicySetData{Commons: commonsID, Policy: jsontext.Value(raw)})
}

// acmeAsks is Acme BV's commercial request in the worked example: 120
// employees, a hosted service.
func acmeAsks(w *world, acme person, lib string) (license.Decision, error) {
	_, dec, err := w.request(acme, license.RequestData{Commons: lib, Commercial: true, Scope: "hosted service",
		Organisation: license.Organisation{Employees: license.Count(120)}})
	return dec, err
}

func wantOffer(t *testing.T, what string, ask func() (license.Decision, error)) {
	t.Helper()
	dec, err := ask()
	if err != nil || dec.Free || dec.Price != (commons.Money{Amount: 600_000, Currency: "EUR"}) {
		t.Fatalf("%s: %v %+v, want an offer at 6000.00 EUR a year", what, err, dec)
	}
}

// TestSelfAttestationAttack is the attack on the worked example of
// docs/license.md: Acme BV, whom libfoo's policy charges 6000.00 EUR a
// year, creates a commons of its own (which makes it a maintainer), attests
// itself a cooperative, and asks libfoo for a free commercial license. It
// must still be offered the license at 6000.00 EUR, and a request that
// claims the free terms anyway must be refused by the rules, on the live
// node and on replay.
func TestSelfAttestationAttack(t *testing.T) {
	w := &world{t: t, st: state.New(), tm: 1_780_000_000_000}
	admin := w.agent(1, agent.Person)
	w.must(admin, agent.TypeMemberSet, agent.MemberData{Agent: admin.id, Role: agent.RoleAdmin})
	maya := w.agent(2, agent.Person)
	acme := w.agent(3, agent.Company)
	lib := w.must(maya, commons.TypeCreate, commons.CreateData{Name: "libfoo", Kind: "software"})
	w.setPolicy(maya, lib, libfoo())
	wantOffer(t, "Acme, before the attack", func() (license.Decision, error) { return acmeAsks(w, acme, lib) })

	// A throwaway commons makes Acme a maintainer of something, and a
	// self-attestation is accepted as what it is: Acme's own statement.
	w.must(acme, commons.TypeCreate, commons.CreateData{Name: "throwaway", Kind: "software"})
	w.must(acme, license.TypeAttest, license.AttestData{Agent: acme.id, Kind: license.OrgCooperative})
	dec, err := acmeAsks(w, acme, lib)
	wantOffer(t, "Acme, attested by itself", func() (license.Decision, error) { return dec, err })
	if !strings.Contains(strings.Join(dec.Alternatives, "\n"), "attested by a maintainer of this commons, a node admin or an attestor its license policy names") {
		t.Errorf("the alternatives do not say who may attest: %q", dec.Alternatives)
	}

	// An agent Acme runs (its own staff account) that maintains another
	// throwaway commons is no more trusted by libfoo.
	puppet := w.agent(4, agent.Person)
	w.must(puppet, commons.TypeCreate, commons.CreateData{Name: "throwaway 2", Kind: "software"})
	w.must(puppet, license.TypeAttest, license.AttestData{Agent: acme.id, Kind: license.OrgWorkerOwned})
	wantOffer(t, "Acme, attested by a maintainer of another commons", func() (license.Decision, error) { return acmeAsks(w, acme, lib) })

	// Signing the free terms anyway: the rules refuse them.
	w.tm += 1000
	forged := license.RequestData{Commons: lib, Commercial: true, Scope: "hosted service", Organisation: license.Organisation{Employees: license.Count(120)},
		Grant: &license.Terms{Rule: license.Cooperative, PolicyVersion: 1, From: w.tm + 1000, Until: w.tm + 1000 + license.Year}}
	w.refused(meent.ERULE, acme, license.TypeRequest, forged)

	// On the throwaway commons' own licence a maintainer's word counts,
	// but never one about itself: Acme's own policy does not make Acme free.
	own := w.st.Commons.All()
	var throwaway string
	for _, c := range own {
		if c.Name == "throwaway" {
			throwaway = c.ID
		}
	}
	w.setPolicy(acme, throwaway, libfoo())
	wantOffer(t, "Acme on its own commons", func() (license.Decision, error) { return acmeAsks(w, acme, throwaway) })

	w.replay()
}

// TestTrustedAttestors: who libfoo trusts, and that what it trusts is
// decided anew at each request and on replay.
func TestTrustedAttestors(t *testing.T) {
	w := &world{t: t, st: state.New(), tm: 1_780_000_000_000}
	admin := w.agent(1, agent.Person)
	w.must(admin, agent.TypeMemberSet, agent.MemberData{Agent: admin.id, Role: agent.RoleAdmin})
	maya := w.agent(2, agent.Person)
	acme := w.agent(3, agent.Company)
	coop := w.agent(4, agent.Cooperative)
	fed := w.agent(5, agent.Association) // a federation of cooperatives
	ivo := w.agent(6, agent.Person)
	lib := w.must(maya, commons.TypeCreate, commons.CreateData{Name: "libfoo", Kind: "software"})
	w.setPolicy(maya, lib, libfoo())
	coopAsks := func() (license.Decision, error) {
		_, dec, err := w.request(coop, license.RequestData{Commons: lib, Commercial: true, Organisation: license.Organisation{Employees: license.Count(30)}})
		return dec, err
	}
	free := func(what string, ask func() (license.Decision, error)) {
		t.Helper()
		dec, err := ask()
		if err != nil || !dec.Free || dec.Rule != license.Cooperative {
			t.Fatalf("%s: %v %+v, want free under the cooperative rule", what, err, dec)
		}
	}

	// A federation that is neither admin nor maintainer cannot attest,
	// until a policy names it.
	w.refused(meent.EFORBIDDEN, fed, license.TypeAttest, license.AttestData{Agent: coop.id, Kind: license.OrgCooperative})
	named := libfoo()
	named.Attestors = []string{"not-an-agent"}
	raw, _ := named.Encode()
	w.refused(meent.EINVALID, maya, license.TypePolicySet, license.PolicySetData{Commons: lib, Policy: jsontext.Value(raw)})
	named.Attestors = []string{strings.Repeat("ab", 32)}
	raw, _ = named.Encode()
	w.refused(meent.ERULE, maya, license.TypePolicySet, license.PolicySetData{Commons: lib, Policy: jsontext.Value(raw)})
	named.Attestors = []string{fed.id, fed.id}
	raw, _ = named.Encode()
	w.refused(meent.EINVALID, maya, license.TypePolicySet, license.PolicySetData{Commons: lib, Policy: jsontext.Value(raw)})
	named.Attestors = []string{fed.id}
	w.setPolicy(maya, lib, named)
	w.must(fed, license.TypeAttest, license.AttestData{Agent: coop.id, Kind: license.OrgCooperative})
	free("attested by an attestor the policy names", coopAsks)

	// The policy drops the federation: its word no longer counts here.
	w.setPolicy(maya, lib, libfoo())
	if dec, err := coopAsks(); err != nil || dec.Free {
		t.Fatalf("attested by an attestor the policy no longer names: %v %+v", err, dec)
	}

	// A node admin's word counts.
	w.must(admin, license.TypeAttest, license.AttestData{Agent: coop.id, Kind: license.OrgCooperative})
	free("attested by a node admin", coopAsks)
	if dec, _ := coopAsks(); !strings.Contains(dec.Reason, "is an attested cooperative (attested by agentB)") {
		t.Errorf("the reason does not name the attestor: %q", dec.Reason)
	}

	// A newer attestation by a trusted attestor wins over an older one;
	// an untrusted one, newer or not, changes nothing.
	w.must(maya, license.TypeAttest, license.AttestData{Agent: coop.id, Kind: license.OrgCompany})
	if dec, err := coopAsks(); err != nil || dec.Free {
		t.Fatalf("after a maintainer attested a company: %v %+v", err, dec)
	}
	w.must(coop, commons.TypeCreate, commons.CreateData{Name: "coop's own", Kind: "software"})
	w.must(coop, license.TypeAttest, license.AttestData{Agent: coop.id, Kind: license.OrgCooperative})
	if dec, err := coopAsks(); err != nil || dec.Free {
		t.Fatalf("a self-attestation overrode a maintainer's: %v %+v", err, dec)
	}

	// A maintainer of libfoo who is the subject does not vouch for itself;
	// a maintainer who leaves no longer vouches for anyone.
	w.must(maya, commons.TypeMaintainerAdd, commons.MaintainerData{Commons: lib, Agent: acme.id})
	w.must(acme, license.TypeAttest, license.AttestData{Agent: acme.id, Kind: license.OrgCooperative})
	wantOffer(t, "Acme, a maintainer, attested by itself", func() (license.Decision, error) { return acmeAsks(w, acme, lib) })
	w.must(maya, commons.TypeMaintainerAdd, commons.MaintainerData{Commons: lib, Agent: ivo.id})
	w.must(ivo, license.TypeAttest, license.AttestData{Agent: acme.id, Kind: license.OrgCooperative})
	if dec, err := acmeAsks(w, acme, lib); err != nil || !dec.Free || dec.Rule != license.Cooperative {
		t.Fatalf("Acme attested by another maintainer: %v %+v", err, dec)
	}
	w.must(maya, commons.TypeMaintainerRemove, commons.MaintainerData{Commons: lib, Agent: ivo.id})
	wantOffer(t, "Acme, attested by a former maintainer", func() (license.Decision, error) { return acmeAsks(w, acme, lib) })

	// Every statement is kept, trusted or not.
	if as := w.st.License.Attestations(acme.id); len(as) != 2 || as[0].By != acme.id || as[1].By != ivo.id {
		t.Errorf("Acme's attestations: %+v", as)
	}
	w.replay()
}

// TestMissingFactsAreNotZero: a request that leaves out a fact the policy
// decides on is refused; one that states 0 is priced at 0.
func TestMissingFactsAreNotZero(t *testing.T) {
	w := &world{t: t, st: state.New(), tm: 1_780_000_000_000}
	maya := w.agent(2, agent.Person)
	acme := w.agent(3, agent.Company)
	ada := w.agent(5, agent.Person)
	lib := w.must(maya, commons.TypeCreate, commons.CreateData{Name: "libfoo", Kind: "software"})
	w.setPolicy(maya, lib, libfoo())

	// The event itself, not only the client: a signed request with no
	// organisation is refused, and nothing is written.
	w.refused(meent.EINVALID, acme, license.TypeRequest, license.RequestData{Commons: lib, Commercial: true, Scope: "hosted service"})
	_, _, err := w.request(acme, license.RequestData{Commons: lib, Commercial: true})
	if meent.ErrorCode(err) != meent.EINVALID || !strings.Contains(meent.ErrorMessage(err), "number of employees is not stated") {
		t.Fatalf("no employees: %v", err)
	}
	// Stated 0: the cheapest band, and the event says "employees": 0.
	id, dec, err := w.request(acme, license.RequestData{Commons: lib, Commercial: true, Organisation: license.Organisation{Employees: license.Count(0)}})
	if err != nil || dec.Price.Amount != 50_000 {
		t.Fatalf("0 employees stated: %v %+v", err, dec)
	}
	if data := string(w.log[len(w.log)-1].Data); !strings.Contains(data, `"employees":0`) || w.log[len(w.log)-1].Hash.String() != id {
		t.Fatalf("the request does not state 0 employees: %s", data)
	}
	// A fact that decides nothing is not asked for: a contributor's
	// commercial use and any non-commercial use are free without it.
	if _, dec, err := w.request(ada, license.RequestData{Commons: lib}); err != nil || !dec.Free {
		t.Fatalf("non-commercial use without employees: %v %+v", err, dec)
	}
	w.replay()
}

// TestCheckNeverOverstatesScope: a grant for "hosted service" answers a
// check for that scope, and no other: not a check with another scope, and
// not one that names no scope (a use not limited to any scope).
func TestCheckNeverOverstatesScope(t *testing.T) {
	w := &world{t: t, st: state.New(), tm: 1_780_000_000_000}
	admin := w.agent(1, agent.Person)
	w.must(admin, agent.TypeMemberSet, agent.MemberData{Agent: admin.id, Role: agent.RoleAdmin})
	maya := w.agent(2, agent.Person)
	acme := w.agent(3, agent.Company)
	lib := w.must(maya, commons.TypeCreate, commons.CreateData{Name: "libfoo", Kind: "software"})
	w.setPolicy(maya, lib, libfoo())
	offer, _, err := w.request(acme, license.RequestData{Commons: lib, Commercial: true, Scope: "hosted service", Organisation: license.Organisation{Employees: license.Count(120)}})
	if err != nil {
		t.Fatal(err)
	}
	grant := w.must(maya, license.TypePay, license.PayFor(w.st.License.Offer(offer), commons.Money{Amount: 600_000, Currency: "EUR"}, "tr_1", "", w.tm+1000))
	now := w.tm + 2000
	for _, tc := range []struct {
		scope string
		grant string
		why   string
	}{
		{"hosted service", grant, "valid"},
		{"", "", license.OnlyFor + "“hosted service”"},
		{"on-premises", "", license.OnlyFor + "“hosted service”"},
	} {
		g, why := w.st.License.Check(w.st.Agents, lib, acme.id, true, tc.scope, now)
		if (g == nil) != (tc.grant == "") || g != nil && g.ID != tc.grant || why != tc.why {
			t.Errorf("check for %q: %v %q, want grant %q and %q", tc.scope, g, why, tc.grant, tc.why)
		}
	}
	if sc := w.st.License.Scopes(w.st.Agents, lib, acme.id, true, now); len(sc) != 1 || sc[0] != "hosted service" {
		t.Errorf("scopes %q", sc)
	}
	// Once it ends, a check with no scope says why.
	if _, why := w.st.License.Check(w.st.Agents, lib, acme.id, true, "", now+license.Year); why != "the grant "+grant+" is expired" {
		t.Errorf("a year later: %q", why)
	}
	// A check for its scope says it was revoked, even while a grant for
	// another scope is in force; one with no scope names that other scope.
	w.tm += 1000
	onprem, _, err := w.request(acme, license.RequestData{Commons: lib, Commercial: true, Scope: "on-premises", Organisation: license.Organisation{Employees: license.Count(120)}})
	if err != nil {
		t.Fatal(err)
	}
	w.must(maya, license.TypePay, license.PayFor(w.st.License.Offer(onprem), commons.Money{Amount: 600_000, Currency: "EUR"}, "tr_2", "", w.tm+1000))
	w.must(maya, license.TypeRevoke, license.RevokeData{Grant: grant, Reason: "chargeback"})
	if _, why := w.st.License.Check(w.st.Agents, lib, acme.id, true, "hosted service", w.tm+2000); why != "the grant "+grant+" is revoked" {
		t.Errorf("the revoked scope: %q", why)
	}
	if _, why := w.st.License.Check(w.st.Agents, lib, acme.id, true, "", w.tm+2000); why != license.OnlyFor+"“on-premises”" {
		t.Errorf("no scope, after the revocation: %q", why)
	}
}
