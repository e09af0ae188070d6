package licenseapi

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/meent/meent"
	"github.com/meent/meent/agent"
	"github.com/meent/meent/api"
	"github.com/meent/meent/api/apitest"
	"github.com/meent/meent/commons"
	"github.com/meent/meent/http"
	"github.com/meent/meent/ledger"
	"github.com/meent/meent/license"
)

// createAgentKind creates an agent of a kind (a company, a cooperative).
func createAgentKind(e *apitest.Env, name, kind string) *apitest.Signer {
	e.T.Helper()
	s := apitest.NewSigner(e.T)
	entry := s.Sign(e.T, agent.TypeCreate, agent.CreateData{Kind: kind, Name: name})
	s.ID = ledger.Hash(sha256.Sum256(entry)).String()
	e.Post(entry)
	return s
}

// licensePolicy is Wind Atlas's policy: free for non-commercial use, for
// members and for organisations of up to 9 people; three bands by
// employees, a 30-day trial, and joining instead of paying.
const licensePolicy = `{"format":1,"version":1,"name":"copyfair","license":"AGPL-3.0-only",
	"free":[{"kind":"non_commercial"},{"kind":"member"},{"kind":"small_organisation","max_employees":9}],
	"price":{"currency":"EUR","basis":"employees","bands":[{"from":0,"to":50,"price_per_year":30000},
		{"from":50,"to":250,"price_per_year":120000},{"from":250,"price_per_year":480050}]},
	"trial_days":30,"join_alternative":true}`

// TestLicensing runs licensing end to end over HTTP, on a real node and
// store: a policy set by a signed event, free grants requested with the
// terms the evaluation returned, a trial, an offer paid through the
// provider's signed webhook (and the webhook's refusals), the public
// check, revocation and expiry, the offline proof of a grant, the exports,
// the module registry, and the pages.
func TestLicensing(t *testing.T) {
	t.Parallel()
	// The payment webhook signs as the node's treasurer, an admin who
	// maintains nothing: the rules let admins record payments.
	treasurer := apitest.NewSigner(t)
	treasurerEntry := treasurer.CreateEntry(t, "Treasurer")
	secret := []byte("a shared webhook secret, 32 byte")
	e := apitest.New(t, withPages, func(o *http.Options) {
		o.Payments = &http.Payments{Provider: "testpay", Secret: secret, AgentID: treasurer.ID, Key: treasurer.Key}
	})
	ctx := t.Context()
	c := apitest.NewCommunity(t, e)
	e.Post(treasurerEntry)
	e.Act(c.Ada, agent.TypeMemberSet, agent.MemberData{Agent: treasurer.ID, Role: agent.RoleAdmin})
	acme := createAgentKind(e, "Acme", agent.Company)
	coop := createAgentKind(e, "Kollektiv", agent.Cooperative)

	atlas := e.Act(c.Ada, commons.TypeCreate, commons.CreateData{
		Name: "Wind Atlas", Kind: "software", Links: []string{"https://github.com/acme/lib"}, Approvals: 1, Maintainers: []string{c.Ada.ID, c.Bob.ID},
	})
	kit := e.Act(c.Bob, commons.TypeCreate, commons.CreateData{Name: "Copyfair Kit", Kind: "software", Links: []string{"https://github.com/acme/lib-kit"}})

	t.Run("set the policy", func(t *testing.T) {
		e.Refused(t, c.Cy.Sign(t, license.TypePolicySet, license.PolicySetData{Commons: atlas, Policy: jsontext.Value(licensePolicy)}), 403, meent.EFORBIDDEN)
		bad := strings.Replace(licensePolicy, `"from":50`, `"from":60`, 1)
		p := e.Refused(t, c.Ada.Sign(t, license.TypePolicySet, license.PolicySetData{Commons: atlas, Policy: jsontext.Value(bad)}), 400, meent.EINVALID)
		if !strings.Contains(p.Detail, "price.bands[1].from") {
			t.Errorf("a gap between bands: %q", p.Detail)
		}
		e.Act(c.Ada, license.TypePolicySet, license.PolicySetData{Commons: atlas, Policy: jsontext.Value(licensePolicy)})
		e.Act(c.Bob, license.TypePolicySet, license.PolicySetData{Commons: kit, Policy: jsontext.Value(
			`{"format":1,"license":"LicenseRef-Copyfair","free":[{"kind":"non_commercial"}],"price":{"currency":"JPY","basis":"revenue","bands":[{"from":0,"price_per_year":50000}]}}`)})

		info, err := e.Client.LicensePolicy(ctx, atlas)
		if err != nil {
			t.Fatal(err)
		}
		if info.Version != 1 || info.Author != c.Ada.ID || info.Commons != atlas || len(info.History) != 1 || !strings.Contains(string(info.Policy), `"AGPL-3.0-only"`) {
			t.Errorf("policy %+v", info)
		}
		if _, err := e.Client.LicensePolicy(ctx, c.Turbine); meent.ErrorCode(err) != meent.ENOTFOUND {
			t.Errorf("a commons without a policy: %v", err)
		}
		apitest.WantProblem(t, e.Get("/api/v1/commons/"+strings.Repeat("0", 64)+"/license"), 404, meent.ENOTFOUND)
	})

	// request evaluates a request as of now and signs it with that time
	// and the terms the evaluation returned.
	request := func(t *testing.T, s *apitest.Signer, d license.RequestData) (string, api.LicenseDecision) {
		t.Helper()
		asOf := time.Now().UnixMilli()
		ld, err := e.Client.EvaluateLicense(ctx, atlas, s.ID, d, asOf)
		if err != nil {
			t.Fatal(err)
		}
		if ld.AsOf != asOf || (ld.Grant != nil) != ld.Decision.Free || (ld.Grant != nil && ld.Grant.From != asOf) {
			t.Fatalf("decision %+v", ld)
		}
		d.Commons, d.Grant = atlas, ld.Grant
		id := e.Post(s.SignAt(t, license.TypeRequest, d, time.UnixMilli(asOf)))
		time.Sleep(2 * time.Millisecond) // the next request of the same agent is another event
		return id, ld
	}

	var eveGrant, cyGrant, deeGrant string
	t.Run("free grants", func(t *testing.T) {
		var ld api.LicenseDecision
		eveGrant, ld = request(t, c.Eve, license.RequestData{})
		if ld.Decision.Rule != license.NonCommercial || ld.Grant.Until != 0 || ld.Grant.PolicyVersion != 1 {
			t.Errorf("Eve's decision %+v", ld)
		}
		cyGrant, ld = request(t, c.Cy, license.RequestData{Commercial: true})
		if ld.Decision.Rule != license.Member || !ld.Grant.WhileMember {
			t.Errorf("Cy's decision %+v", ld)
		}
		deeGrant, _ = request(t, c.Dee, license.RequestData{Commercial: true, Scope: "the survey app"})

		g, err := e.Client.Grant(ctx, eveGrant)
		if err != nil || g.Licensee != c.Eve.ID || g.Commons != atlas || g.Status != "valid" || g.Commercial || g.Fee != nil {
			t.Errorf("Eve's grant %+v, %v", g, err)
		}

		// A free use states exactly the terms the rules give.
		now := time.Now()
		e.Refused(t, c.Eve.SignAt(t, license.TypeRequest, license.RequestData{Commons: atlas}, now), 422, meent.ERULE)
		p := e.Refused(t, c.Eve.SignAt(t, license.TypeRequest, license.RequestData{Commons: atlas,
			Grant: &license.Terms{Rule: license.NonCommercial, PolicyVersion: 1, From: now.UnixMilli(), Until: now.UnixMilli() + license.Year}}, now), 422, meent.ERULE)
		if !strings.Contains(p.Detail, "must state exactly those terms") {
			t.Errorf("other terms: %q", p.Detail)
		}

		// Evaluation's own refusals.
		_, err = e.Client.EvaluateLicense(ctx, atlas, "", license.RequestData{}, 0)
		if meent.ErrorCode(err) != meent.EINVALID {
			t.Errorf("no agent: %v", err)
		}
		if _, err = e.Client.EvaluateLicense(ctx, c.Turbine, c.Eve.ID, license.RequestData{}, 0); meent.ErrorCode(err) != meent.ENOTFOUND {
			t.Errorf("no policy: %v", err)
		}
		if _, err = e.Client.EvaluateLicense(ctx, atlas, strings.Repeat("a", 64), license.RequestData{}, 0); meent.ErrorCode(err) != meent.ERULE {
			t.Errorf("unknown agent: %v", err)
		}
		apitest.WantProblem(t, e.Get("/api/v1/commons/"+atlas+"/license/evaluate?agent="+c.Eve.ID+"&commercial=maybe"), 400, meent.EINVALID)

		// A fact the price depends on is never read as 0: a company's
		// commercial request that leaves out its size is refused, with
		// the fact named; "employees=0" is a statement and is priced.
		p = apitest.WantProblem(t, e.Get("/api/v1/commons/"+atlas+"/license/evaluate?agent="+acme.ID+"&commercial=true"), 400, meent.EINVALID)
		if !strings.Contains(p.Detail, "number of employees is not stated") || !strings.Contains(p.Detail, "(employees)") {
			t.Errorf("no employees: %q", p.Detail)
		}
		if _, err = e.Client.EvaluateLicense(ctx, atlas, acme.ID, license.RequestData{Commercial: true, Organisation: license.Organisation{Employees: license.Count(0)}}, 0); err != nil {
			t.Errorf("0 employees stated: %v", err)
		}
	})

	t.Run("check", func(t *testing.T) {
		for _, tc := range []struct {
			name       string
			agent      string
			commercial bool
			scope      string
			grant      string
			reason     string
			scopes     []string
		}{
			{"non-commercial use, free", c.Eve.ID, false, "", eveGrant, "valid", nil},
			{"commercial use is not covered", c.Eve.ID, true, "", "", "no grant covers this use", nil},
			{"a member's commercial use", c.Cy.ID, true, "", cyGrant, "valid", nil},
			{"in its scope", c.Dee.ID, true, "the survey app", deeGrant, "valid", nil},
			{"out of its scope", c.Dee.ID, true, "a fork", "", license.OnlyFor + "“the survey app”", []string{"the survey app"}},
			// A check that names no scope asks about any use: a grant for
			// one scope must not answer it yes.
			{"no scope asked, a scoped grant", c.Dee.ID, true, "", "", license.OnlyFor + "“the survey app”", []string{"the survey app"}},
			{"no grant", c.Bob.ID, false, "", "", "no grant for this commons", nil},
			{"unknown agent", strings.Repeat("b", 64), false, "", "", "unknown agent", nil},
		} {
			t.Run(tc.name, func(t *testing.T) {
				ck, err := e.Client.CheckLicense(ctx, atlas, tc.agent, tc.commercial, tc.scope, 0)
				if err != nil {
					t.Fatal(err)
				}
				if ck.Licensed != (tc.grant != "") || ck.Reason != tc.reason || (ck.Grant != nil) != ck.Licensed || (ck.Grant != nil && ck.Grant.ID != tc.grant) ||
					!slices.Equal(ck.Scopes, tc.scopes) {
					t.Errorf("check %+v, want grant %q and reason %q", ck, tc.grant, tc.reason)
				}
			})
		}
		apitest.WantProblem(t, e.Get("/api/v1/licenses/check?commons="+atlas), 400, meent.EINVALID)
		apitest.WantProblem(t, e.Get("/api/v1/licenses/check?agent="+c.Eve.ID+"&commons="+strings.Repeat("0", 64)), 404, meent.ENOTFOUND)
		apitest.WantProblem(t, e.Get("/api/v1/licenses/check?agent="+c.Eve.ID+"&commons="+atlas+"&at=-1"), 400, meent.EINVALID)
	})

	var trial, offer, paid string
	t.Run("trial and offer", func(t *testing.T) {
		use := license.RequestData{Commercial: true, Organisation: license.Organisation{Employees: license.Count(120)}}
		var ld api.LicenseDecision
		trial, ld = request(t, acme, use)
		if ld.Decision.Rule != "trial" || ld.Grant.Until-ld.Grant.From != 30*license.Day || !strings.Contains(ld.Decision.Reason, "1200.00 EUR a year") {
			t.Errorf("trial %+v", ld)
		}
		offer, ld = request(t, acme, use)
		if ld.Decision.Free || ld.Decision.Rule != "price.bands[1]" || ld.Decision.Price != (commons.Money{Amount: 120000, Currency: "EUR"}) ||
			!slices.ContainsFunc(ld.Decision.Alternatives, func(s string) bool { return strings.HasPrefix(s, "join the cooperative") }) {
			t.Errorf("paid decision %+v", ld)
		}
		o, err := e.Client.Offer(ctx, offer)
		if err != nil {
			t.Fatal(err)
		}
		if o.ID != offer || o.Licensee != acme.ID || o.Price.Amount != 120000 || o.Paid != "" || o.Expires != o.Time+license.OfferDays*license.Day {
			t.Errorf("offer %+v", o)
		}
		if _, err := e.Client.Offer(ctx, trial); meent.ErrorCode(err) != meent.ENOTFOUND {
			t.Errorf("a grant is not an offer: %v", err)
		}
	})

	webhook := func(provider string, body []byte, sig string) apitest.Response {
		t.Helper()
		h := []string{"Content-Type", "application/json"}
		if sig != "" {
			h = append(h, "Meent-Signature", sig)
		}
		return e.Do("POST", "/api/v1/webhooks/payments/"+provider, body, h...)
	}
	payment := func(ref, offerID string, amount int64) []byte {
		b, err := json.Marshal(WebhookPayment{ID: ref, Offer: offerID, Amount: commons.Money{Amount: amount, Currency: "EUR"}})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}

	t.Run("webhook refusals", func(t *testing.T) {
		body := payment("tr_7Kp2", offer, 120000)
		now := time.Now()
		before := e.Size()
		for _, tc := range []struct {
			name     string
			provider string
			body     []byte
			sig      string
			status   int
			code     string
		}{
			{"forged signature", "testpay", body, SignWebhook([]byte("not the shared secret at all...."), body, now), 401, meent.EUNAUTHORIZED},
			{"body changed after signing", "testpay", payment("tr_7Kp2", offer, 1), SignWebhook(secret, body, now), 401, meent.EUNAUTHORIZED},
			{"no signature", "testpay", body, "", 401, meent.EUNAUTHORIZED},
			{"not hex", "testpay", body, "t=1,v1=zz", 401, meent.EUNAUTHORIZED},
			{"ten minutes old", "testpay", body, SignWebhook(secret, body, now.Add(-10*time.Minute)), 401, meent.EUNAUTHORIZED},
			{"ten minutes ahead", "testpay", body, SignWebhook(secret, body, now.Add(10*time.Minute)), 401, meent.EUNAUTHORIZED},
			{"wrong amount", "testpay", payment("tr_7Kp2", offer, 100000), SignWebhook(secret, payment("tr_7Kp2", offer, 100000), now), 422, meent.ERULE},
			{"unknown offer", "testpay", payment("tr_x", trial, 120000), SignWebhook(secret, payment("tr_x", trial, 120000), now), 422, meent.ERULE},
			{"unknown member", "testpay", []byte(`{"id":"x","offer":"y","amount":{"amount":1,"currency":"EUR"},"extra":1}`),
				SignWebhook(secret, []byte(`{"id":"x","offer":"y","amount":{"amount":1,"currency":"EUR"},"extra":1}`), now), 400, meent.EINVALID},
			{"unknown provider", "other", body, SignWebhook(secret, body, now), 404, meent.ENOTFOUND},
		} {
			t.Run(tc.name, func(t *testing.T) {
				p := apitest.WantProblem(t, webhook(tc.provider, tc.body, tc.sig), tc.status, tc.code)
				if tc.name == "wrong amount" && !strings.Contains(p.Detail, "the offer costs 1200.00 EUR, the payment is 1000.00 EUR") {
					t.Errorf("wrong amount: %q", p.Detail)
				}
			})
		}
		if e.Size() != before {
			t.Fatal("a refused webhook wrote to the log")
		}
		if o, _ := e.Client.Offer(ctx, offer); o.Paid != "" {
			t.Errorf("the offer is paid: %+v", o)
		}
	})

	t.Run("webhook pays the offer", func(t *testing.T) {
		body := payment("tr_7Kp2", offer, 120000)
		before := e.Size()
		r := webhook("testpay", body, SignWebhook(secret, body, time.Now()))
		apitest.WantStatus(t, r, 201)
		var res struct {
			Status string `json:"status"`
			Grant  string `json:"grant"`
			Index  int64  `json:"index"`
		}
		r.JSON(t, &res)
		paid = res.Grant
		if res.Status != "recorded" || res.Index != before || e.Size() != before+1 {
			t.Fatalf("answer %s, size %d (was %d)", r.Body, e.Size(), before)
		}
		g, err := e.Client.Grant(ctx, paid)
		if err != nil {
			t.Fatal(err)
		}
		if g.Licensee != acme.ID || g.Commons != atlas || !g.Commercial || g.Offer != offer || g.Fee == nil || *g.Fee != (commons.Money{Amount: 120000, Currency: "EUR"}) ||
			g.Reference != "tr_7Kp2" || g.Terms.Rule != "price.bands[1]" || g.Until-g.From != license.Year || g.Status != "valid" {
			t.Errorf("paid grant %+v", g)
		}
		if o, _ := e.Client.Offer(ctx, offer); o.Paid != paid {
			t.Errorf("offer %+v is not marked paid by %s", o, paid)
		}
		inc, err := e.Client.Income(ctx, paid)
		if err != nil || inc.Kind != "license_fee" || inc.Amount.Amount != 120000 || inc.Payer != acme.ID || inc.Commons != atlas || inc.Recorder != treasurer.ID {
			t.Errorf("income %+v, %v", inc, err)
		}

		// The provider retries with a fresh, valid signature: acknowledged,
		// and nothing is written again.
		r = webhook("testpay", body, SignWebhook(secret, body, time.Now().Add(time.Second)))
		apitest.WantStatus(t, r, 200)
		apitest.WantContains(t, r, `"status":"already recorded"`)
		if e.Size() != before+1 {
			t.Errorf("a retried webhook wrote to the log: size %d", e.Size())
		}
		// The same payment for a new offer is a conflict, not a retry:
		// acknowledging it would leave the offer unpaid unnoticed.
		again, _ := request(t, acme, license.RequestData{Commercial: true, Scope: "fleet", Organisation: license.Organisation{Employees: license.Count(300)}})
		dup := payment("tr_7Kp2", again, 480050)
		size := e.Size()
		p := apitest.WantProblem(t, webhook("testpay", dup, SignWebhook(secret, dup, time.Now())), 409, meent.ECONFLICT)
		if !strings.Contains(p.Detail, "payment tr_7Kp2 was already recorded") {
			t.Errorf("a reused payment: %q", p.Detail)
		}
		// A payment for an offer that another payment paid is one too.
		other := payment("tr_other", offer, 120000)
		apitest.WantProblem(t, webhook("testpay", other, SignWebhook(secret, other, time.Now())), 409, meent.ECONFLICT)
		if o, _ := e.Client.Offer(ctx, again); o.Paid != "" || o.Price.Amount != 480050 || e.Size() != size {
			t.Errorf("an offer paid with a used reference: %+v", o)
		}

		gs := apitest.GetJSONAs[[]api.GrantInfo](t, e, "/api/v1/agents/"+acme.ID+"/grants")
		if ids := apitest.IDs(gs, func(g api.GrantInfo) string { return g.ID }); !slices.Equal(ids, []string{trial, paid}) {
			t.Errorf("Acme's grants %v, want the trial and the paid one", ids)
		}
	})

	t.Run("revocation, expiry and membership", func(t *testing.T) {
		ck, _ := e.Client.CheckLicense(ctx, atlas, acme.ID, true, "", 0)
		if !ck.Licensed || ck.Grant.ID != paid {
			t.Errorf("Acme now: %+v (the paid grant outlasts the trial)", ck)
		}
		later := time.Now().Add(400 * 24 * time.Hour).UnixMilli()
		ck, _ = e.Client.CheckLicense(ctx, atlas, acme.ID, true, "", later)
		if ck.Licensed || !strings.HasSuffix(ck.Reason, " is expired") || ck.At != later {
			t.Errorf("Acme in 400 days: %+v", ck)
		}

		e.Refused(t, c.Cy.Sign(t, license.TypeRevoke, license.RevokeData{Grant: eveGrant, Reason: "no"}), 403, meent.EFORBIDDEN)
		e.Refused(t, c.Ada.Sign(t, license.TypeRevoke, license.RevokeData{Grant: eveGrant, Reason: " "}), 422, meent.ERULE)
		e.Act(c.Ada, license.TypeRevoke, license.RevokeData{Grant: eveGrant, Reason: "used to train a closed model"})
		ck, _ = e.Client.CheckLicense(ctx, atlas, c.Eve.ID, false, "", 0)
		if ck.Licensed || ck.Reason != "the grant "+eveGrant+" is revoked" {
			t.Errorf("Eve after the revocation: %+v", ck)
		}
		if g, _ := e.Client.Grant(ctx, eveGrant); g.Status != "revoked" || g.Revoked == nil || g.Revoked.By != c.Ada.ID {
			t.Errorf("revoked grant %+v", g)
		}

		e.Act(c.Ada, agent.TypeMemberRm, agent.MemberData{Agent: c.Dee.ID})
		if g, _ := e.Client.Grant(ctx, deeGrant); g.Status != "membership_ended" {
			t.Errorf("Dee's grant after the membership: %+v", g)
		}
		e.Act(c.Ada, license.TypeAttest, license.AttestData{Agent: coop.ID, Kind: license.OrgCooperative})
	})

	t.Run("offline proof", func(t *testing.T) {
		p, err := e.Client.GrantProof(ctx, paid)
		if err != nil {
			t.Fatal(err)
		}
		ev, cp, err := p.Verify(e.Verifier)
		if err != nil {
			t.Fatal(err)
		}
		g, ok := license.GrantOf(ev)
		if !ok || g.ID != paid || g.Licensee != acme.ID || g.Commons != atlas || !g.Commercial || g.Terms.Rule != "price.bands[1]" ||
			g.Until-g.From != license.Year || g.Fee == nil || g.Fee.Amount != 120000 || cp.Size <= p.Index {
			t.Errorf("the proof's grant %+v (ok %v), checkpoint %+v", g, ok, cp)
		}

		r := e.Get("/api/v1/grants/" + eveGrant + "/proof")
		apitest.WantStatus(t, r, 200)
		if cd := r.Header.Get("Content-Disposition"); cd != `attachment; filename="grant-`+eveGrant[:16]+`.json"` {
			t.Errorf("Content-Disposition %q", cd)
		}
		ep, err := ledger.DecodeEventProof(r.Body)
		if err != nil {
			t.Fatal(err)
		}
		ev, _, err = ep.Verify(e.Verifier)
		if err != nil {
			t.Fatal(err)
		}
		if g, ok := license.GrantOf(ev); !ok || g.Licensee != c.Eve.ID || g.Terms.Rule != license.NonCommercial || g.Fee != nil {
			t.Errorf("Eve's grant from its proof %+v", g)
		}

		// One changed byte of the entry and the proof fails.
		bad := p
		bad.Entry = bytes.Clone(p.Entry)
		i := bytes.Index(bad.Entry, []byte("120000"))
		if i < 0 {
			t.Fatalf("no amount in %s", bad.Entry)
		}
		bad.Entry[i] = '9'
		if _, _, err := bad.Verify(e.Verifier); err == nil {
			t.Error("a tampered entry verifies")
		}
		other := ep
		other.Index = p.Index
		if _, _, err := other.Verify(e.Verifier); err == nil {
			t.Error("an entry verifies at another index")
		}
		if _, err := e.Client.GrantProof(ctx, offer); meent.ErrorCode(err) != meent.ENOTFOUND {
			t.Errorf("proof of an offer: %v", err)
		}
	})

	t.Run("exports", func(t *testing.T) {
		var buf bytes.Buffer
		if err := e.Client.LicenseExport(ctx, atlas, "well-known", &buf); err != nil {
			t.Fatal(err)
		}
		wk, err := license.DecodeWellKnown(buf.Bytes())
		if err != nil {
			t.Fatalf("%v\n%s", err, buf.Bytes())
		}
		if wk.Node != e.HTTP.URL || wk.Commons != atlas || wk.Name != "Wind Atlas" || wk.PolicyVersion != 1 || wk.Policy.License != "AGPL-3.0-only" ||
			wk.CheckURL != license.CheckURL(e.HTTP.URL, atlas) {
			t.Errorf("well-known %+v", wk)
		}

		buf.Reset()
		if err := e.Client.LicenseExport(ctx, atlas, "odrl", &buf); err != nil {
			t.Fatal(err)
		}
		var doc map[string]any
		if err := json.Unmarshal(buf.Bytes(), &doc); err != nil || doc["@context"] == nil || doc["@type"] != "Offer" ||
			!strings.Contains(buf.String(), `"4800.50"`) {
			t.Errorf("ODRL %v:\n%s", err, buf.Bytes())
		}

		buf.Reset()
		if err := e.Client.LicenseExport(ctx, atlas, "reuse", &buf); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(buf.String(), `SPDX-License-Identifier = "AGPL-3.0-only"`) {
			t.Errorf("REUSE.toml:\n%s", buf.Bytes())
		}

		if err := e.Client.LicenseExport(ctx, atlas, "text", &buf); meent.ErrorCode(err) != meent.ENOTFOUND {
			t.Errorf("text of a listed license: %v", err)
		}
		buf.Reset()
		if err := e.Client.LicenseExport(ctx, kit, "text", &buf); err != nil || !strings.HasPrefix(buf.String(), "LicenseRef-Copyfair: the copyfair license of Copyfair Kit") {
			t.Errorf("text of a LicenseRef-: %v\n%s", err, buf.Bytes())
		}
		apitest.WantProblem(t, e.Get("/api/v1/commons/"+atlas+"/license/pdf"), 404, meent.ENOTFOUND)
		apitest.WantProblem(t, e.Get("/api/v1/commons/"+c.Turbine+"/license/well-known"), 404, meent.ENOTFOUND)
	})

	t.Run("registry", func(t *testing.T) {
		for mod, want := range map[string]string{
			"github.com/acme/lib":          atlas,
			"github.com/acme/lib/v2":       atlas,
			"github.com/acme/lib/sub/tool": atlas,
			"github.com/acme/lib-kit":      kit,
			"github.com/acme/library":      "",
			"turbine.example":              "", // a link, but no policy
		} {
			wk, err := e.Client.LicenseRegistry(ctx, mod)
			if err != nil {
				t.Fatalf("%s: %v", mod, err)
			}
			if (wk == nil) != (want == "") || (wk != nil && wk.Commons != want) {
				t.Errorf("%s: %+v, want %q", mod, wk, want)
			}
		}
		apitest.WantProblem(t, e.Get("/api/v1/licenses/registry?module="+url.QueryEscape("example.com/none")), 404, meent.ENOTFOUND)
		apitest.WantProblem(t, e.Get("/api/v1/licenses/registry"), 400, meent.EINVALID)
	})

	t.Run("activity", func(t *testing.T) {
		act, err := e.Client.CommonsActivity(ctx, atlas, 0, 50)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, a := range act.Events {
			got = append(got, a.Summary)
		}
		for _, want := range []string{
			"Ada set a new license policy for Wind Atlas",
			"Eve was granted a free license for non-commercial use of Wind Atlas (non commercial)",
			"Dee was granted a free license for commercial use for “the survey app” of Wind Atlas (member)",
			"Acme started a free trial of Wind Atlas for commercial use",
			"Acme asked for a license for commercial use of Wind Atlas and was offered one at 1200.00 EUR a year",
			"Treasurer recorded the payment of 1200.00 EUR by Acme for a license for commercial use of Wind Atlas",
			"Ada revoked the license of Eve for Wind Atlas: used to train a closed model",
		} {
			if !slices.Contains(got, want) {
				t.Errorf("no %q in the activity:\n%s", want, strings.Join(got, "\n"))
			}
		}
		apitest.WantContains(t, e.Get("/agents/"+c.Ada.ID), "Ada attested that Kollektiv is a cooperative")
	})

	t.Run("pages", func(t *testing.T) {
		lic := "/commons/" + atlas + "/license"
		r := e.Get(lic)
		apitest.WantStatus(t, r, 200)
		apitest.WantContains(t, r, "<code>AGPL-3.0-only</code>", "https://spdx.org/licenses/AGPL-3.0-only.html", "version 1", "“copyfair”",
			"Any use that is not commercial is free", "Members of the node&#39;s cooperative use it free", "at most 9 employees",
			"fewer than 50 employees", "300.00 EUR", "from 50 to 249 employees", "1200.00 EUR", "250 employees or more", "4800.50 EUR",
			"trial of 30 days", "join the cooperative",
			`href="/api/v1/commons/`+atlas+`/license/well-known"`, `href="/api/v1/commons/`+atlas+`/license/odrl"`, `href="/api/v1/commons/`+atlas+`/license/reuse"`,
			`<a href="/agents/`+c.Ada.ID+`">Ada</a>`, `<a href="/agents/`+acme.ID+`">Acme</a>`, `href="/grants/`+paid+`"`, "price band 2",
			`<select id="check-agent" name="agent">`, `<label for="check-scope">`, `<option value="`+acme.ID+`">Acme</option>`)
		if strings.Contains(string(r.Body), "/license/text") || strings.Contains(string(r.Body), `role="status"`) {
			t.Error("a text export for a listed license, or an answer nobody asked for")
		}
		apitest.WantContains(t, e.Get("/commons/"+kit+"/license"), "LicenseRef-Copyfair", `/license/text"`, "a yearly revenue of 0 JPY or more", "50000 JPY")

		// The check form.
		for _, tc := range []struct {
			query string
			want  []string
		}{
			{"agent=" + acme.ID + "&commercial=1", []string{"<strong class=\"ok\">Licensed.</strong>", `href="/grants/` + paid + `"`, "under the rule “price band 2”",
				"The use checked was commercial use.", `<option value="` + acme.ID + `" selected>Acme</option>`, `name="commercial" value="1" checked`}},
			{"agent=" + c.Eve.ID, []string{"Not licensed.", "Eve’s license for Wind Atlas that would cover this use was revoked.", `<a href="/grants/` + eveGrant + `">See that license</a>`}},
			{"agent=&agent_id=" + c.Eve.ID + "&commercial=1", []string{"Not licensed.", "Eve’s licenses for Wind Atlas do not cover this use", `value="` + c.Eve.ID + `"`}},
			{"agent=" + c.Dee.ID + "&commercial=1&scope=the+survey+app", []string{"Not licensed.", "would cover this use ended with Dee’s membership of the cooperative."}},
			{"agent=" + c.Bob.ID, []string{"Not licensed.", "Bob holds no license for Wind Atlas."}},
			{"agent_id=" + strings.Repeat("c", 64), []string{"No agent with that ID is known on this node."}},
			{"agent=&agent_id=", []string{`class="error"`, "Pick an agent from the list"}},
		} {
			r := e.Get(lic + "?" + tc.query)
			apitest.WantStatus(t, r, 200)
			apitest.WantContains(t, r, append(tc.want, `role="status"`)...)
		}
		apitest.WantContains(t, e.Get("/commons/"+c.Turbine+"/license"), "has no license policy", "Is it licensed?")

		r = e.Get("/grants/" + paid)
		apitest.WantStatus(t, r, 200)
		apitest.WantContains(t, r, "License of Acme for", `<a href="/commons/`+atlas+`">Wind Atlas</a>`, `<span class="badge status-valid">valid</span>`,
			"It is in force until", "1200.00 EUR a year", "<code>tr_7Kp2</code>", `href="/incomes/`+paid+`"`, `href="/events/`+paid+`"`,
			`href="/events/`+offer+`"`, `href="/api/v1/grants/`+paid+`/proof" download="grant-`+paid[:16]+`.json"`,
			"meent license verify grant-"+paid[:16]+".json --key "+apitest.Escaped(e.VKey), "price band 2, under license policy version 1")
		apitest.WantContains(t, e.Get("/grants/"+eveGrant), "status-revoked", `<a href="/agents/`+c.Ada.ID+`">Ada</a> revoked it at <a href="/events/`,
			"used to train a closed model", "none: free", "it does not end by time")
		apitest.WantContains(t, e.Get("/grants/"+deeGrant), "membership ended", "that membership has ended", "commercial use for “the survey app”")
		apitest.WantContains(t, e.Get("/grants/"+cyGrant), "for as long as Cy is a member of the cooperative")
		for _, p := range []string{"/grants/nope", "/grants/" + strings.Repeat("0", 64), "/grants/" + offer, "/commons/nope/license", "/commons/" + strings.Repeat("0", 64) + "/license"} {
			apitest.WantStatus(t, e.Get(p), 404)
		}

		r = e.Get("/commons/" + atlas)
		apitest.WantStatus(t, r, 200)
		apitest.WantContains(t, r, `<h2 id="licensing">Licensing</h2>`, "<code>AGPL-3.0-only</code>", "Free: non commercial, member, small organisation.",
			"from 300.00 EUR to 4800.50 EUR a year, by employees", "A 30-day trial comes first.", `href="/commons/`+atlas+`/license"`,
			"5 licenses granted, 3 in force now.", "Open offers, waiting for payment", "commercial use for “fleet”", "4800.50 EUR")
		apitest.WantContains(t, e.Get("/commons/"+c.Turbine), "No license policy")

		r = e.Get("/agents/" + acme.ID)
		apitest.WantStatus(t, r, 200)
		apitest.WantContains(t, r, "<h2>Licenses</h2>", `href="/grants/`+paid+`"`, `href="/grants/`+trial+`"`, "price band 2", "trial", "Wind Atlas")

		for _, p := range []string{lic, lic + "?agent=" + acme.ID + "&commercial=1", lic + "?agent=" + c.Eve.ID, "/commons/" + kit + "/license",
			"/grants/" + paid, "/grants/" + eveGrant, "/grants/" + deeGrant, "/commons/" + atlas, "/agents/" + acme.ID, "/agents/" + c.Ada.ID} {
			if r := e.Get(p); strings.Contains(string(r.Body), "ZgotmplZ") {
				t.Errorf("%s has an unsafe value the template refused", p)
			}
		}
	})
}
