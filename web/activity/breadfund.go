package activity

import (
	"github.com/meent/meent/breadfund"
	"github.com/meent/meent/web/i18n"
)

// The bread fund's lines. The public sees that an illness was reported,
// changed or ended, never whose or why: the lines name the fund, not the
// member (the event itself names them, for the fund's members).

// breadfundRefs is what the bread fund's events name.
type breadfundRefs struct {
	Commons     string             `json:"commons"`
	Candidate   string             `json:"candidate"`
	Member      string             `json:"member"`
	Level       int                `json:"level"`
	Period      string             `json:"period"`
	Amount      int64              `json:"amount"`
	Description string             `json:"description"`
	Claim       string             `json:"claim"`
	Payout      string             `json:"payout"`
	Refund      int64              `json:"refund"`
	Year        int                `json:"year"`
	Gifts       []breadfund.Gift   `json:"gifts"`
	Refunds     []breadfund.Refund `json:"refunds"`
}

func init() {
	Messages(map[string]i18n.Text{
		"breadfund.policy.set":     {i18n.EN: "{who} set the rules of the bread fund of {commons}", i18n.NL: "{who} heeft de regels van het broodfonds van {commons} vastgesteld"},
		"breadfund.join":           {i18n.EN: "{who} asked to join the bread fund of {commons} at level {level}", i18n.NL: "{who} wil meedoen met het broodfonds van {commons}, op niveau {level}"},
		"breadfund.object":         {i18n.EN: "{who} objected to {candidate} joining the bread fund of {commons}", i18n.NL: "{who} heeft bezwaar gemaakt tegen de toetreding van {candidate} tot het broodfonds van {commons}"},
		"breadfund.admit":          {i18n.EN: "{who} admitted {candidate} to the bread fund of {commons}", i18n.NL: "{who} heeft {candidate} toegelaten tot het broodfonds van {commons}"},
		"breadfund.deposit":        {i18n.EN: "{who} recorded a deposit of {amount} for {period} in the bread fund of {commons}", i18n.NL: "{who} heeft een inleg van {amount} voor {period} geboekt in het broodfonds van {commons}"},
		"breadfund.level":          {i18n.EN: "{who} moved to level {level} in the bread fund of {commons}", i18n.NL: "{who} is naar niveau {level} gegaan in het broodfonds van {commons}"},
		"breadfund.sick":           {i18n.EN: "An illness was reported in the bread fund of {commons}", i18n.NL: "Er is ziekte gemeld in het broodfonds van {commons}"},
		"breadfund.claim.change":   {i18n.EN: "A claim in the bread fund of {commons} was changed", i18n.NL: "Een ziekmelding in het broodfonds van {commons} is aangepast"},
		"breadfund.checkin":        {i18n.EN: "Someone checked in on a member of the bread fund of {commons}", i18n.NL: "Iemand heeft contact gehad met een zieke deelnemer van het broodfonds van {commons}"},
		"breadfund.recover":        {i18n.EN: "An illness in the bread fund of {commons} ended", i18n.NL: "Een ziekte in het broodfonds van {commons} is voorbij"},
		"breadfund.gifts":          {i18n.EN: "{who} computed the gifts of {period} in the bread fund of {commons}: {amount} in all", i18n.NL: "{who} heeft de schenkingen van {period} berekend in het broodfonds van {commons}: {amount} samen"},
		"breadfund.approve":        {i18n.EN: "{who} approved a payout of the bread fund of {commons}", i18n.NL: "{who} heeft een uitbetaling van het broodfonds van {commons} goedgekeurd"},
		"breadfund.settle":         {i18n.EN: "{who} recorded a payout of the bread fund of {commons} as paid", i18n.NL: "{who} heeft een uitbetaling van het broodfonds van {commons} als betaald geboekt"},
		"breadfund.cost":           {i18n.EN: "{who} charged {amount} of costs to the bread fund of {commons}", i18n.NL: "{who} heeft {amount} aan kosten geboekt op het broodfonds van {commons}"},
		"breadfund.exit":           {i18n.EN: "{member} left the bread fund of {commons}", i18n.NL: "{member} is uit het broodfonds van {commons} gestapt"},
		"breadfund.exit.refund":    {i18n.EN: "{member} left the bread fund of {commons} with a refund of {amount}", i18n.NL: "{member} is uit het broodfonds van {commons} gestapt en krijgt {amount} terug"},
		"breadfund.surplus":        {i18n.EN: "{who} refunded {amount} of buffer above its cap in the bread fund of {commons} for {year}", i18n.NL: "{who} heeft {amount} buffer boven het maximum teruggestort in het broodfonds van {commons}, over {year}"},
		"breadfund.unknown_amount": {i18n.EN: "an amount", i18n.NL: "een bedrag"},
	})
	d := func(e *Event) breadfundRefs { var r breadfundRefs; e.Decode(&r); return r }
	// money writes an amount in the fund's currency, read from the fund.
	money := func(e *Event, commonsID string, amount int64) string {
		var f breadfund.Fund
		if !e.Object(breadfund.KindFund, commonsID, &f) || f.Currency == "" {
			return e.T("breadfund.unknown_amount")
		}
		return e.Money(amount, f.Currency)
	}
	// claimFund is the fund of the claim an event names.
	claimFund := func(e *Event, id string) string {
		var c breadfund.Claim
		e.Object(breadfund.KindClaim, id, &c)
		return c.Commons
	}
	Register(breadfund.TypePolicySet, func(e *Event) string {
		return e.T("breadfund.policy.set", "who", e.Who(), "commons", e.Commons(d(e).Commons))
	})
	Register(breadfund.TypeJoin, func(e *Event) string {
		r := d(e)
		return e.T("breadfund.join", "who", e.Who(), "commons", e.Commons(r.Commons), "level", r.Level)
	})
	Register(breadfund.TypeObject, func(e *Event) string {
		r := d(e)
		return e.T("breadfund.object", "who", e.Who(), "candidate", e.Agent(r.Candidate), "commons", e.Commons(r.Commons))
	})
	Register(breadfund.TypeAdmit, func(e *Event) string {
		r := d(e)
		return e.T("breadfund.admit", "who", e.Who(), "candidate", e.Agent(r.Candidate), "commons", e.Commons(r.Commons))
	})
	Register(breadfund.TypeDeposit, func(e *Event) string {
		r := d(e)
		return e.T("breadfund.deposit", "who", e.Who(), "amount", money(e, r.Commons, r.Amount), "period", r.Period, "commons", e.Commons(r.Commons))
	})
	Register(breadfund.TypeLevel, func(e *Event) string {
		r := d(e)
		return e.T("breadfund.level", "who", e.Who(), "level", r.Level, "commons", e.Commons(r.Commons))
	})
	Register(breadfund.TypeSick, func(e *Event) string {
		return e.T("breadfund.sick", "commons", e.Commons(d(e).Commons))
	})
	Register(breadfund.TypeChange, func(e *Event) string {
		return e.T("breadfund.claim.change", "commons", e.Commons(claimFund(e, d(e).Claim)))
	})
	Register(breadfund.TypeCheckin, func(e *Event) string {
		return e.T("breadfund.checkin", "commons", e.Commons(claimFund(e, d(e).Claim)))
	})
	Register(breadfund.TypeRecover, func(e *Event) string {
		return e.T("breadfund.recover", "commons", e.Commons(claimFund(e, d(e).Claim)))
	})
	Register(breadfund.TypeGifts, func(e *Event) string {
		r := d(e)
		var total int64
		for _, g := range r.Gifts {
			total += g.Amount
		}
		return e.T("breadfund.gifts", "who", e.Who(), "period", r.Period, "commons", e.Commons(r.Commons), "amount", money(e, r.Commons, total))
	})
	Register(breadfund.TypeApprove, func(e *Event) string {
		return e.T("breadfund.approve", "who", e.Who(), "commons", e.Commons(d(e).Commons))
	})
	Register(breadfund.TypeSettle, func(e *Event) string {
		return e.T("breadfund.settle", "who", e.Who(), "commons", e.Commons(d(e).Commons))
	})
	Register(breadfund.TypeCost, func(e *Event) string {
		r := d(e)
		return e.WithReason(e.T("breadfund.cost", "who", e.Who(), "amount", money(e, r.Commons, r.Amount), "commons", e.Commons(r.Commons)), r.Description)
	})
	Register(breadfund.TypeExit, func(e *Event) string {
		r := d(e)
		if r.Refund > 0 {
			return e.T("breadfund.exit.refund", "member", e.Agent(r.Member), "commons", e.Commons(r.Commons), "amount", money(e, r.Commons, r.Refund))
		}
		return e.T("breadfund.exit", "member", e.Agent(r.Member), "commons", e.Commons(r.Commons))
	})
	Register(breadfund.TypeSurplus, func(e *Event) string {
		r := d(e)
		var total int64
		for _, x := range r.Refunds {
			total += x.Amount
		}
		return e.T("breadfund.surplus", "who", e.Who(), "amount", money(e, r.Commons, total), "commons", e.Commons(r.Commons), "year", r.Year)
	})
}
