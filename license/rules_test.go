package license_test

import (
	"bytes"
	"crypto/ed25519"
	"strings"
	"testing"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/meent/meent"
	"github.com/meent/meent/agent"
	"github.com/meent/meent/commons"
	"github.com/meent/meent/ledger"
	"github.com/meent/meent/license"
	"github.com/meent/meent/state"
)

type person struct {
	key ed25519.PrivateKey
	id  string
}

type world struct {
	t   *testing.T
	st  *state.State
	tm  int64
	log []*ledger.Event // the events the rules accepted, in order
}

// replay applies the log to a new state, as meent verify does, and
// reports whether it reaches the same state.
func (w *world) replay() {
	w.t.Helper()
	st := state.New()
	for i, ev := range w.log {
		if err := st.Apply(ev); err != nil {
			w.t.Fatalf("replay of event %d (%s): %v", i, ev.Type, err)
		}
	}
	if st.Digest() != w.st.Digest() {
		w.t.Fatal("the replayed state differs from the live one")
	}
}

func (w *world) do(p person, typ string, data any) (string, error) {
	w.tm += 1000
	return w.doAt(p, typ, w.tm, data)
}

func (w *world) doAt(p person, typ string, at int64, data any) (string, error) {
	e, err := ledger.Sign(p.key, ledger.Body{Type: typ, Author: p.id, Time: at, Data: data})
	if err != nil {
		w.t.Fatal(err)
	}
	ev, err := ledger.Decode(e)
	if err != nil {
		w.t.Fatal(err)
	}
	if err := w.st.Apply(ev); err != nil {
		return ev.Hash.String(), err
	}
	w.log = append(w.log, ev)
	return ev.Hash.String(), nil
}

func (w *world) must(p person, typ string, data any) string {
	w.t.Helper()
	id, err := w.do(p, typ, data)
	if err != nil {
		w.t.Fatalf("%s: %v", typ, err)
	}
	return id
}

func (w *world) refused(code string, p person, typ string, data any) {
	w.t.Helper()
	before := w.st.Digest()
	_, err := w.do(p, typ, data)
	if meent.ErrorCode(err) != code {
		w.t.Fatalf("%s: %v, want code %s", typ, err, code)
	}
	if w.st.Digest() != before {
		w.t.Fatalf("refused %s changed the state", typ)
	}
}

func (w *world) agent(seed byte, kind string) person {
	p := person{key: ed25519.NewKeyFromSeed(bytes.Repeat([]byte{seed}, 32))}
	p.id = w.must(p, agent.TypeCreate, agent.CreateData{Kind: kind, Name: "agent" + string('A'+rune(seed))})
	return p
}

// request asks for a license the way a client does: decide first, then
// sign the request with the terms the decision gives.
func (w *world) request(p person, d license.RequestData) (string, license.Decision, error) {
	w.tm += 1000
	dec, terms, err := w.st.License.Decide(w.st.Agents, w.st.Commons, p.id, d, w.tm)
	if err != nil {
		return "", dec, err
	}
	d.Grant = terms
	id, err := w.doAt(p, license.TypeRequest, w.tm, d)
	return id, dec, err
}

func copyfair() license.Policy {
	return license.Policy{Format: 1, License: "PPL",
		Free: []license.Rule{{Kind: license.NonCommercial}, {Kind: license.Contributor, MinAccepted: 2, WindowDays: 365},
			{Kind: license.Cooperative}, {Kind: license.Member}},
		Price: license.Schedule{Currency: "EUR", Basis: license.Employees, Bands: []license.Band{
			{From: 0, To: 50, PricePerYear: 120_000}, {From: 50, PricePerYear: 600_000}}},
		JoinAlternative: true}
}

func TestLicenseCycle(t *testing.T) {
	w := &world{t: t, st: state.New(), tm: 1_780_000_000_000}
	admin := w.agent(1, agent.Person)
	w.must(admin, agent.TypeMemberSet, agent.MemberData{Agent: admin.id, Role: agent.RoleAdmin})
	maya := w.agent(2, agent.Person)
	acme := w.agent(3, agent.Company)
	coop := w.agent(4, agent.Cooperative)
	ada := w.agent(5, agent.Person)
	lib := w.must(maya, commons.TypeCreate, commons.CreateData{Name: "lib", Kind: "software"})

	// No policy yet: refused.
	if _, _, err := w.request(acme, license.RequestData{Commons: lib, Commercial: true}); meent.ErrorCode(err) != meent.ERULE {
		t.Fatalf("request without a policy: %v", err)
	}
	raw, err := copyfair().Encode()
	if err != nil {
		t.Fatal(err)
	}
	w.refused(meent.EFORBIDDEN, acme, license.TypePolicySet, license.PolicySetData{Commons: lib, Policy: jsontext.Value(raw)})
	gap := copyfair()
	gap.Price.Bands[1].From = 60
	rawGap, _ := gap.Encode()
	w.refused(meent.EINVALID, maya, license.TypePolicySet, license.PolicySetData{Commons: lib, Policy: jsontext.Value(rawGap)})
	w.must(maya, license.TypePolicySet, license.PolicySetData{Commons: lib, Policy: jsontext.Value(raw)})

	// Non-commercial use is free at once; the request carries its terms.
	g1, dec, err := w.request(ada, license.RequestData{Commons: lib, Scope: "teaching"})
	if err != nil || !dec.Free || dec.Rule != license.NonCommercial {
		t.Fatalf("non-commercial: %v %+v", err, dec)
	}
	if g, why := w.st.License.Check(w.st.Agents, lib, ada.id, false, "teaching", w.tm); g == nil || g.ID != g1 {
		t.Fatalf("ada's non-commercial license: %v %s", g, why)
	}
	// A check with no scope asks about any use: a grant for "teaching"
	// does not cover it, and the answer names what it does cover.
	if g, why := w.st.License.Check(w.st.Agents, lib, ada.id, false, "", w.tm); g != nil || why != license.OnlyFor+"“teaching”" {
		t.Fatalf("ada's license checked with no scope: %v %q", g, why)
	}
	if sc := w.st.License.Scopes(w.st.Agents, lib, ada.id, false, w.tm); len(sc) != 1 || sc[0] != "teaching" {
		t.Fatalf("ada's scopes: %q", sc)
	}
	if g, _ := w.st.License.Check(w.st.Agents, lib, ada.id, true, "", w.tm); g != nil {
		t.Fatal("a non-commercial grant covers commercial use")
	}
	// Terms that differ from the policy's are refused: nobody writes their own grant.
	w.tm += 1000
	_, terms, _ := w.st.License.Decide(w.st.Agents, w.st.Commons, ada.id, license.RequestData{Commons: lib}, w.tm+1000)
	forged := *terms
	forged.Until = w.tm + 1000 + 10*license.Year
	w.refused(meent.ERULE, ada, license.TypeRequest, license.RequestData{Commons: lib, Grant: &forged})
	w.refused(meent.ERULE, ada, license.TypeRequest, license.RequestData{Commons: lib})

	// A company pays: an offer at the band's price.
	offer, dec, err := w.request(acme, license.RequestData{Commons: lib, Commercial: true, Scope: "hosted service", Organisation: license.Organisation{Employees: license.Count(120)}})
	if err != nil || dec.Free || dec.Price != (commons.Money{Amount: 600_000, Currency: "EUR"}) {
		t.Fatalf("acme's request: %v %+v", err, dec)
	}
	if !strings.Contains(strings.Join(dec.Alternatives, "\n"), "join the cooperative") {
		t.Fatalf("alternatives: %q", dec.Alternatives)
	}
	if g, _ := w.st.License.Check(w.st.Agents, lib, acme.id, true, "", w.tm); g != nil {
		t.Fatal("licensed before paying")
	}
	pay := func(amount int64, currency, ref string) license.PayData {
		return license.PayFor(w.st.License.Offer(offer), commons.Money{Amount: amount, Currency: currency}, ref, "", w.tm+1000)
	}
	w.refused(meent.EFORBIDDEN, acme, license.TypePay, pay(600_000, "EUR", "self-paid"))
	w.refused(meent.ERULE, maya, license.TypePay, pay(599_999, "EUR", "short"))
	w.refused(meent.ERULE, maya, license.TypePay, pay(600_000, "USD", "dollars"))
	w.refused(meent.ERULE, maya, license.TypePay, pay(600_000, "EUR", ""))
	bad := pay(600_000, "EUR", "longer term")
	bad.Grant.Until += license.Year
	w.refused(meent.ERULE, maya, license.TypePay, bad)
	other := pay(600_000, "EUR", "someone else")
	other.Licensee = maya.id
	w.refused(meent.ERULE, maya, license.TypePay, other)
	// A node admin may record it (a verified payment-provider webhook).
	grant := w.must(admin, license.TypePay, pay(600_000, "EUR", "SEPA 2026-0042"))
	if g, why := w.st.License.Check(w.st.Agents, lib, acme.id, true, "hosted service", w.tm); g == nil || g.ID != grant {
		t.Fatalf("acme after paying: %v %s", g, why)
	}
	inc := w.st.Value.Income(grant)
	if inc == nil || inc.Kind != "license_fee" || inc.Amount.Amount != 600_000 || inc.Payer != acme.id {
		t.Fatalf("the fee is not an income of the commons: %+v", inc)
	}
	// The same offer is paid once only. A second payment is a new event,
	// not a replay of the first: conflict, not duplicate_event, which
	// docs/ledger.md keeps for the exact bytes arriving again.
	w.refused(meent.ECONFLICT, maya, license.TypePay, pay(600_000, "EUR", "SEPA 2026-0043"))

	// Expiry: a year later the grant is no longer valid.
	if g, why := w.st.License.Check(w.st.Agents, lib, acme.id, true, "", w.tm+license.Year+1); g != nil || !strings.Contains(why, "expired") {
		t.Fatalf("a year later: %v %s", g, why)
	}
	// Revocation.
	w.refused(meent.EFORBIDDEN, acme, license.TypeRevoke, license.RevokeData{Grant: grant, Reason: "no"})
	w.refused(meent.ERULE, maya, license.TypeRevoke, license.RevokeData{Grant: grant})
	w.must(maya, license.TypeRevoke, license.RevokeData{Grant: grant, Reason: "chargeback"})
	// Revoking again, by another maintainer or with another reason, is
	// another event stating what the log already holds: conflict, not a
	// replay (duplicate_event is for the exact bytes arriving again).
	joost := w.agent(16, agent.Person)
	w.must(maya, commons.TypeMaintainerAdd, commons.MaintainerData{Commons: lib, Agent: joost.id})
	w.refused(meent.ECONFLICT, joost, license.TypeRevoke, license.RevokeData{Grant: grant, Reason: "fraud"})
	w.refused(meent.ECONFLICT, maya, license.TypeRevoke, license.RevokeData{Grant: grant, Reason: "fraud"})
	if g, why := w.st.License.Check(w.st.Agents, lib, acme.id, true, "", w.tm); g != nil || !strings.Contains(why, "revoked") {
		t.Fatalf("after revocation: %v %s", g, why)
	}

	// An offer expires after 30 days.
	late, _, err := w.request(acme, license.RequestData{Commons: lib, Commercial: true, Organisation: license.Organisation{Employees: license.Count(10)}})
	if err != nil {
		t.Fatal(err)
	}
	at := w.tm + license.OfferDays*license.Day
	_, err = w.doAt(maya, license.TypePay, at, license.PayFor(w.st.License.Offer(late), commons.Money{Amount: 120_000, Currency: "EUR"}, "late", "", at))
	if meent.ErrorCode(err) != meent.ERULE {
		t.Fatalf("paying an expired offer: %v", err)
	}

	// A cooperative is free only once attested, by a maintainer or an admin.
	_, dec, err = w.request(coop, license.RequestData{Commons: lib, Commercial: true, Organisation: license.Organisation{Employees: license.Count(12)}})
	if err != nil || dec.Free {
		t.Fatalf("an unattested cooperative got %+v", dec)
	}
	w.refused(meent.EFORBIDDEN, ada, license.TypeAttest, license.AttestData{Agent: coop.id, Kind: license.OrgCooperative})
	w.refused(meent.ERULE, maya, license.TypeAttest, license.AttestData{Agent: coop.id, Kind: "guild"})
	w.must(maya, license.TypeAttest, license.AttestData{Agent: coop.id, Kind: license.OrgCooperative})
	if _, dec, err = w.request(coop, license.RequestData{Commons: lib, Commercial: true}); err != nil || !dec.Free || dec.Rule != license.Cooperative {
		t.Fatalf("attested cooperative: %v %+v", err, dec)
	}

	// Contributors: two accepted contributions make commercial use free.
	for i := 0; i < 2; i++ {
		k := w.must(acme, commons.TypeSubmit, commons.SubmitData{Commons: lib, Kind: "code", Title: "patch"})
		w.must(maya, commons.TypeReview, commons.ReviewData{Contribution: k, Verdict: "accept"})
	}
	if _, dec, err = w.request(acme, license.RequestData{Commons: lib, Commercial: true}); err != nil || !dec.Free || dec.Rule != license.Contributor {
		t.Fatalf("contributing company: %v %+v", err, dec)
	}

	// Joining: membership grants it while it lasts.
	beta := w.agent(6, agent.Company)
	w.must(admin, agent.TypeMemberSet, agent.MemberData{Agent: beta.id, Role: agent.RoleMember})
	mg, dec, err := w.request(beta, license.RequestData{Commons: lib, Commercial: true})
	if err != nil || !dec.WhileMember {
		t.Fatalf("member: %v %+v", err, dec)
	}
	if g, _ := w.st.License.Check(w.st.Agents, lib, beta.id, true, "", w.tm+5*license.Year); g == nil || g.ID != mg {
		t.Fatal("a member's license ended by time")
	}
	w.must(admin, agent.TypeMemberRm, agent.MemberData{Agent: beta.id})
	if g, why := w.st.License.Check(w.st.Agents, lib, beta.id, true, "", w.tm); g != nil || !strings.Contains(why, "membership ended") {
		t.Fatalf("after leaving: %v %s", g, why)
	}

	// Unknown agents cannot ask.
	stranger := person{key: ed25519.NewKeyFromSeed(bytes.Repeat([]byte{99}, 32)), id: strings.Repeat("0", 64)}
	if _, err := w.do(stranger, license.TypeRequest, license.RequestData{Commons: lib}); err == nil {
		t.Fatal("a request from an unknown agent was accepted")
	}
}
