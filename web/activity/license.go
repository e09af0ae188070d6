package activity

import (
	"encoding/json"

	"github.com/meent/meent/license"
	"github.com/meent/meent/web/i18n"
)

// The license area's lines: license policies, attestations, requests,
// payments and revocations.

// licenseRefs is what the license area's events name. A grant is an ID
// in license.revoke and the terms in license.request, so it is kept raw.
type licenseRefs struct {
	Commons    string          `json:"commons"`
	Agent      string          `json:"agent"`
	Kind       string          `json:"kind"`
	Reason     string          `json:"reason"`
	Licensee   string          `json:"licensee"`
	Commercial bool            `json:"commercial"`
	Scope      string          `json:"scope"`
	Amount     *money          `json:"amount"`
	Grant      json.RawMessage `json:"grant"`
}

func init() {
	Messages(map[string]i18n.Text{
		"license.policy.set":       {i18n.EN: "{who} set a new license policy for {commons}", i18n.NL: "{who} heeft een nieuw licentiebeleid vastgesteld voor {commons}"},
		"license.attest":           {i18n.EN: "{who} attested that {agent} is {kind}", i18n.NL: "{who} heeft bevestigd dat {agent} {kind} is"},
		"license.org.individual":   {i18n.EN: "an individual", i18n.NL: "een particulier"},
		"license.org.cooperative":  {i18n.EN: "a cooperative", i18n.NL: "een coöperatie"},
		"license.org.worker_owned": {i18n.EN: "a worker-owned enterprise", i18n.NL: "een bedrijf in handen van de werkers"},
		"license.org.nonprofit":    {i18n.EN: "a nonprofit", i18n.NL: "een organisatie zonder winstoogmerk"},
		"license.org.association":  {i18n.EN: "an association", i18n.NL: "een vereniging"},
		"license.org.company":      {i18n.EN: "a company", i18n.NL: "een bedrijf"},
		"license.org.public_body":  {i18n.EN: "a public body", i18n.NL: "een overheidsorgaan"},
		"license.org":              {i18n.EN: "of the kind {kind}", i18n.NL: "van de soort {kind}"},
		"license.request.trial":    {i18n.EN: "{who} started a free trial of {commons} for {use}", i18n.NL: "{who} is een gratis proefperiode van {commons} begonnen, voor {use}"},
		"license.request.free":     {i18n.EN: "{who} was granted a free license for {use} of {commons} ({rule})", i18n.NL: "{who} heeft een gratis licentie gekregen voor {use} van {commons} ({rule})"},
		"license.request.offer":    {i18n.EN: "{who} asked for a license for {use} of {commons} and was offered one at {price} a year", i18n.NL: "{who} heeft een licentie gevraagd voor {use} van {commons} en kreeg een aanbod van {price} per jaar"},
		"license.request":          {i18n.EN: "{who} asked for a license for {use} of {commons}", i18n.NL: "{who} heeft een licentie gevraagd voor {use} van {commons}"},
		"license.pay":              {i18n.EN: "{who} recorded the payment of {amount} by {licensee} for a license for {use} of {commons}", i18n.NL: "{who} heeft de betaling van {amount} door {licensee} geboekt, voor een licentie voor {use} van {commons}"},
		"license.revoke":           {i18n.EN: "{who} revoked the license of {licensee} for {commons}", i18n.NL: "{who} heeft de licentie van {licensee} voor {commons} ingetrokken"},
		"license.revoke.id":        {i18n.EN: "{who} revoked the license {id}", i18n.NL: "{who} heeft licentie {id} ingetrokken"},
	})
	d := func(e *Event) licenseRefs { var r licenseRefs; e.Decode(&r); return r }
	Register(license.TypePolicySet, func(e *Event) string {
		return e.T("license.policy.set", "who", e.Who(), "commons", e.Commons(d(e).Commons))
	})
	Register(license.TypeAttest, func(e *Event) string {
		r := d(e)
		kind := e.T("license.org", "kind", e.Label(r.Kind))
		if k := "license.org." + r.Kind; messages[k] != nil {
			kind = e.T(k)
		}
		return e.T("license.attest", "who", e.Who(), "agent", e.Agent(r.Agent), "kind", kind)
	})
	Register(license.TypeRequest, func(e *Event) string {
		r := d(e)
		args := []any{"who", e.Who(), "use", e.Loc.Use(r.Commercial, r.Scope), "commons", e.Commons(r.Commons)}
		var t license.Terms
		if len(r.Grant) > 0 && json.Unmarshal(r.Grant, &t) == nil && t.Rule != "" {
			if t.Rule == "trial" {
				return e.T("license.request.trial", args...)
			}
			return e.T("license.request.free", append(args, "rule", e.Loc.Rule(t.Rule))...)
		}
		// The offer's ID is the request's hash.
		var of license.Offer
		if e.Object(license.KindOffer, e.HashHex(), &of) {
			return e.T("license.request.offer", append(args, "price", e.Money(of.Price.Amount, of.Price.Currency))...)
		}
		return e.T("license.request", args...)
	})
	Register(license.TypePay, func(e *Event) string {
		r := d(e)
		if r.Amount == nil {
			return ""
		}
		return e.T("license.pay", "who", e.Who(), "amount", e.Money(r.Amount.Amount, r.Amount.Currency), "licensee", e.Agent(r.Licensee),
			"use", e.Loc.Use(r.Commercial, r.Scope), "commons", e.Commons(r.Commons))
	})
	Register(license.TypeRevoke, func(e *Event) string {
		r := d(e)
		var id string
		json.Unmarshal(r.Grant, &id)
		var g license.Grant
		if e.Object(license.KindGrant, id, &g) {
			return e.WithReason(e.T("license.revoke", "who", e.Who(), "licensee", e.Agent(g.Licensee), "commons", e.Commons(g.Commons)), r.Reason)
		}
		return e.WithReason(e.T("license.revoke.id", "who", e.Who(), "id", Short(id)), r.Reason)
	})
}
