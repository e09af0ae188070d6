package activity

import (
	"encoding/json"

	"github.com/meent/meent/commons"
	"github.com/meent/meent/web/i18n"
)

// The commons area's lines: commons, contributions and their reviews,
// needs, imports and identities.

// commonsRefs is what the commons area's events name.
type commonsRefs struct {
	Commons      string            `json:"commons"`
	Contribution string            `json:"contribution"`
	Need         string            `json:"need"`
	Agent        string            `json:"agent"`
	Name         string            `json:"name"`
	Title        string            `json:"title"`
	Verdict      string            `json:"verdict"`
	Outcome      string            `json:"outcome"`
	Reason       string            `json:"reason"`
	Kind         string            `json:"kind"`
	Priority     int               `json:"priority"`
	Pledge       *money            `json:"pledge"`
	LeaseDays    int               `json:"lease_days"`
	Identity     string            `json:"identity"`
	Commits      []json.RawMessage `json:"commits"`
	Amends       []json.RawMessage `json:"amends"`
}

var commonsMessages = map[string]i18n.Text{
	// What the lines name.
	"commons.ref.contribution":    {i18n.EN: "“{title}”", i18n.NL: "‘{title}’"},
	"commons.ref.contribution_id": {i18n.EN: "contribution {id}", i18n.NL: "bijdrage {id}"},
	"commons.ref.need":            {i18n.EN: "the need “{title}”", i18n.NL: "de behoefte ‘{title}’"},
	"commons.ref.need_id":         {i18n.EN: "need {id}", i18n.NL: "behoefte {id}"},
	"commons.days.one":            {i18n.EN: "{n} day", i18n.NL: "{n} dag"},
	"commons.days.other":          {i18n.EN: "{n} days", i18n.NL: "{n} dagen"},
	"commons.commits.one":         {i18n.EN: "{n} commit", i18n.NL: "{n} commit"},
	"commons.commits.other":       {i18n.EN: "{n} commits", i18n.NL: "{n} commits"},

	// The commons.
	"commons.create":            {i18n.EN: "{who} created the commons {name}", i18n.NL: "{who} heeft de commons {name} aangemaakt"},
	"commons.update":            {i18n.EN: "{who} updated {commons}", i18n.NL: "{who} heeft {commons} bijgewerkt"},
	"commons.maintainer.add":    {i18n.EN: "{who} made {agent} a maintainer of {commons}", i18n.NL: "{who} heeft {agent} beheerder van {commons} gemaakt"},
	"commons.maintainer.remove": {i18n.EN: "{who} removed {agent} as a maintainer of {commons}", i18n.NL: "{who} heeft {agent} als beheerder van {commons} afgezet"},
	"commons.fork":              {i18n.EN: "{who} forked {commons} as {name}", i18n.NL: "{who} heeft een fork van {commons} gemaakt: {name}"},

	// Contributions.
	"commons.submit":           {i18n.EN: "{who} contributed “{title}” to {commons}", i18n.NL: "{who} heeft ‘{title}’ bijgedragen aan {commons}"},
	"commons.revise":           {i18n.EN: "{who} revised {contribution}", i18n.NL: "{who} heeft {contribution} herzien"},
	"commons.review.accept":    {i18n.EN: "{who} accepted {contribution}", i18n.NL: "{who} heeft {contribution} geaccepteerd"},
	"commons.review.reject":    {i18n.EN: "{who} rejected {contribution}", i18n.NL: "{who} heeft {contribution} afgewezen"},
	"commons.review.changes":   {i18n.EN: "{who} asked for changes to {contribution}", i18n.NL: "{who} heeft om wijzigingen in {contribution} gevraagd"},
	"commons.review":           {i18n.EN: "{who} reviewed {contribution}", i18n.NL: "{who} heeft {contribution} beoordeeld"},
	"commons.dispute":          {i18n.EN: "{who} disputed the rejection of {contribution}", i18n.NL: "{who} heeft de afwijzing van {contribution} betwist"},
	"commons.resolve.uphold":   {i18n.EN: "{who} upheld the rejection of {contribution}", i18n.NL: "{who} heeft de afwijzing van {contribution} bevestigd"},
	"commons.resolve.overturn": {i18n.EN: "{who} overturned the rejection of {contribution}", i18n.NL: "{who} heeft de afwijzing van {contribution} teruggedraaid"},
	"commons.resolve":          {i18n.EN: "{who} resolved the dispute over {contribution}", i18n.NL: "{who} heeft het geschil over {contribution} beslecht"},
	"commons.endorse":          {i18n.EN: "{who} endorsed {contribution}", i18n.NL: "{who} heeft {contribution} onderschreven"},

	// Needs.
	"commons.need.post":     {i18n.EN: "{who} posted the need “{title}” in {commons}", i18n.NL: "{who} heeft de behoefte ‘{title}’ geplaatst in {commons}"},
	"commons.need.plus_one": {i18n.EN: "{who} gave {need} a +1", i18n.NL: "{who} heeft {need} een +1 gegeven"},
	"commons.need.priority": {i18n.EN: "{who} gave {need} priority {priority} of 5", i18n.NL: "{who} heeft {need} prioriteit {priority} van 5 gegeven"},
	"commons.need.pledge":   {i18n.EN: "{who} pledged {amount} to {need}", i18n.NL: "{who} heeft {amount} toegezegd aan {need}"},
	"commons.need.signal":   {i18n.EN: "{who} signalled {need}", i18n.NL: "{who} heeft een signaal gegeven bij {need}"},
	"commons.need.claim":    {i18n.EN: "{who} claimed {need} for {days}", i18n.NL: "{who} heeft {need} voor {days} op zich genomen"},
	"commons.need.renew":    {i18n.EN: "{who} renewed their claim on {need} for {days}", i18n.NL: "{who} heeft de claim op {need} verlengd, voor {days}"},
	"commons.need.release":  {i18n.EN: "{who} released their claim on {need}", i18n.NL: "{who} heeft de claim op {need} opgegeven"},
	"commons.need.close":    {i18n.EN: "{who} closed {need}", i18n.NL: "{who} heeft {need} gesloten"},

	// Imports and identities.
	"commons.import":            {i18n.EN: "{who} imported {commits} into {commons}", i18n.NL: "{who} heeft {commits} geïmporteerd in {commons}"},
	"commons.import.amends":     {i18n.EN: "{who} imported {commits} into {commons} and added the line counts of {amends} imported without them", i18n.NL: "{who} heeft {commits} geïmporteerd in {commons} en de regeltellingen toegevoegd van {amends} die zonder waren geïmporteerd"},
	"commons.identity.claim":    {i18n.EN: "{who} claimed the identity {identity} in {commons}", i18n.NL: "{who} heeft de identiteit {identity} in {commons} geclaimd"},
	"commons.identity.attest":   {i18n.EN: "{who} attested that the identity {identity} is {agent} in {commons}", i18n.NL: "{who} heeft bevestigd dat de identiteit {identity} in {commons} van {agent} is"},
	"commons.identity.contest":  {i18n.EN: "{who} contested {agent}'s claim on the identity {identity} in {commons}", i18n.NL: "{who} heeft de claim van {agent} op de identiteit {identity} in {commons} aangevochten"},
	"commons.identity.reject":   {i18n.EN: "{who} rejected {agent}'s claim on the identity {identity} in {commons}", i18n.NL: "{who} heeft de claim van {agent} op de identiteit {identity} in {commons} afgewezen"},
	"commons.identity.finalize": {i18n.EN: "{who} finalized {agent}'s proven claim on the identity {identity} in {commons}", i18n.NL: "{who} heeft de bewezen claim van {agent} op de identiteit {identity} in {commons} definitief gemaakt"},
}

// contribution names a contribution by its title, or its ID when it is unknown.
func contribution(e *Event, id string) string {
	var k commons.Contribution
	if e.Object(commons.KindContribution, id, &k) {
		return e.T("commons.ref.contribution", "title", k.Title)
	}
	return e.T("commons.ref.contribution_id", "id", Short(id))
}

// need names a need by its title, or its ID when it is unknown.
func need(e *Event, id string) string {
	var n commons.Need
	if e.Object(commons.KindNeed, id, &n) {
		return e.T("commons.ref.need", "title", n.Title)
	}
	return e.T("commons.ref.need_id", "id", Short(id))
}

func init() {
	Messages(commonsMessages)
	d := func(e *Event) commonsRefs { var r commonsRefs; e.Decode(&r); return r }
	// Most lines name who, then one object, the commons or an identity.
	onContribution := func(key string) Describer {
		return func(e *Event) string {
			r := d(e)
			return e.WithReason(e.T(key, "who", e.Who(), "contribution", contribution(e, r.Contribution)), r.Reason)
		}
	}
	onCommons := func(key string) Describer {
		return func(e *Event) string {
			r := d(e)
			return e.T(key, "who", e.Who(), "commons", e.Commons(r.Commons), "agent", e.Agent(r.Agent), "name", r.Name, "title", r.Title)
		}
	}
	onIdentity := func(key string) Describer {
		return func(e *Event) string {
			r := d(e)
			return e.WithReason(e.T(key, "who", e.Who(), "agent", e.Agent(r.Agent), "identity", r.Identity, "commons", e.Commons(r.Commons)), r.Reason)
		}
	}

	Register(commons.TypeCreate, func(e *Event) string { return e.T("commons.create", "who", e.Who(), "name", d(e).Name) })
	Register(commons.TypeUpdate, onCommons("commons.update"))
	Register(commons.TypeMaintainerAdd, onCommons("commons.maintainer.add"))
	Register(commons.TypeMaintainerRemove, onCommons("commons.maintainer.remove"))
	Register(commons.TypeFork, onCommons("commons.fork"))
	Register(commons.TypeSubmit, onCommons("commons.submit"))
	Register(commons.TypeRevise, onContribution("commons.revise"))
	Register(commons.TypeReview, func(e *Event) string {
		key := map[string]string{commons.VerdictAccept: "commons.review.accept", commons.VerdictReject: "commons.review.reject",
			commons.VerdictChanges: "commons.review.changes"}[d(e).Verdict]
		if key == "" {
			key = "commons.review"
		}
		return onContribution(key)(e)
	})
	Register(commons.TypeDispute, onContribution("commons.dispute"))
	Register(commons.TypeResolve, func(e *Event) string {
		key := map[string]string{commons.OutcomeUphold: "commons.resolve.uphold", commons.OutcomeOverturn: "commons.resolve.overturn"}[d(e).Outcome]
		if key == "" {
			key = "commons.resolve"
		}
		return onContribution(key)(e)
	})
	Register(commons.TypeEndorse, onContribution("commons.endorse"))

	Register(commons.TypeNeedPost, onCommons("commons.need.post"))
	Register(commons.TypeNeedSignal, func(e *Event) string {
		r := d(e)
		switch r.Kind {
		case commons.SignalPlusOne:
			return e.T("commons.need.plus_one", "who", e.Who(), "need", need(e, r.Need))
		case commons.SignalPriority:
			return e.T("commons.need.priority", "who", e.Who(), "need", need(e, r.Need), "priority", r.Priority)
		case commons.SignalPledge:
			if r.Pledge != nil {
				return e.T("commons.need.pledge", "who", e.Who(), "need", need(e, r.Need), "amount", e.Money(r.Pledge.Amount, r.Pledge.Currency))
			}
		}
		return e.T("commons.need.signal", "who", e.Who(), "need", need(e, r.Need))
	})
	claim := func(key string) Describer {
		return func(e *Event) string {
			r := d(e)
			days := r.LeaseDays
			if days == 0 {
				days = commons.DefaultLease
			}
			return e.T(key, "who", e.Who(), "need", need(e, r.Need), "days", e.N("commons.days", days))
		}
	}
	Register(commons.TypeNeedClaim, claim("commons.need.claim"))
	Register(commons.TypeNeedRenew, claim("commons.need.renew"))
	Register(commons.TypeNeedRelease, func(e *Event) string {
		return e.T("commons.need.release", "who", e.Who(), "need", need(e, d(e).Need))
	})
	Register(commons.TypeNeedClose, func(e *Event) string {
		r := d(e)
		return e.WithReason(e.T("commons.need.close", "who", e.Who(), "need", need(e, r.Need)), r.Reason)
	})

	Register(commons.TypeImport, func(e *Event) string {
		r := d(e)
		key := "commons.import"
		if len(r.Amends) > 0 {
			key = "commons.import.amends"
		}
		return e.T(key, "who", e.Who(), "commits", e.N("commons.commits", len(r.Commits)), "commons", e.Commons(r.Commons),
			"amends", e.N("commons.commits", len(r.Amends)))
	})
	Register(commons.TypeIdentityClaim, onIdentity("commons.identity.claim"))
	Register(commons.TypeIdentityAttest, onIdentity("commons.identity.attest"))
	Register(commons.TypeIdentityContest, onIdentity("commons.identity.contest"))
	Register(commons.TypeIdentityReject, onIdentity("commons.identity.reject"))
	Register(commons.TypeIdentityFinalize, onIdentity("commons.identity.finalize"))
}
