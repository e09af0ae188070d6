package activity

import (
	"github.com/meent/meent/value"
	"github.com/meent/meent/web/i18n"
)

// The value area's lines: value policies, incomes, distributions and payouts.

// valueRefs is what the value area's events name.
type valueRefs struct {
	Commons   string `json:"commons"`
	Kind      string `json:"kind"`
	Income    string `json:"income"`
	Recipient string `json:"recipient"`
	Amount    *money `json:"amount"`
}

func init() {
	Messages(map[string]i18n.Text{
		"value.policy.set":         {i18n.EN: "{who} set a new value policy for {commons}", i18n.NL: "{who} heeft een nieuw waardebeleid vastgesteld voor {commons}"},
		"value.income.record":      {i18n.EN: "{who} recorded {kind} of {amount} for {commons}", i18n.NL: "{who} heeft {kind} van {amount} geboekt voor {commons}"},
		"value.income.donation":    {i18n.EN: "a donation", i18n.NL: "een donatie"},
		"value.income.grant":       {i18n.EN: "a grant", i18n.NL: "een subsidie"},
		"value.income.sale":        {i18n.EN: "a sale", i18n.NL: "een verkoop"},
		"value.income.license_fee": {i18n.EN: "a license fee", i18n.NL: "een licentievergoeding"},
		"value.income.other":       {i18n.EN: "other income", i18n.NL: "andere inkomsten"},
		"value.income.kind":        {i18n.EN: "income ({kind})", i18n.NL: "inkomsten ({kind})"},
		"value.distribution.run":   {i18n.EN: "{who} distributed the income of {amount} in {commons}", i18n.NL: "{who} heeft de inkomsten van {amount} in {commons} verdeeld"},
		"value.distribution.id":    {i18n.EN: "{who} distributed income {income}", i18n.NL: "{who} heeft inkomsten {income} verdeeld"},
		"value.payout.settle":      {i18n.EN: "{who} recorded a payment of {amount} from {commons} to {to}", i18n.NL: "{who} heeft een betaling van {amount} van {commons} aan {to} geboekt"},
		"value.payout.pool":        {i18n.EN: "the {pool} pool", i18n.NL: "de pot voor {pool}"},
	})
	d := func(e *Event) valueRefs { var r valueRefs; e.Decode(&r); return r }
	Register(value.TypePolicySet, func(e *Event) string {
		return e.T("value.policy.set", "who", e.Who(), "commons", e.Commons(d(e).Commons))
	})
	Register(value.TypeIncomeRecord, func(e *Event) string {
		r := d(e)
		if r.Amount == nil {
			return "" // not an income this node accepted: the generic line
		}
		kind := e.T("value.income.kind", "kind", e.Label(r.Kind))
		if k := "value.income." + r.Kind; messages[k] != nil {
			kind = e.T(k)
		}
		return e.T("value.income.record", "who", e.Who(), "kind", kind, "amount", e.Money(r.Amount.Amount, r.Amount.Currency), "commons", e.Commons(r.Commons))
	})
	Register(value.TypeDistributionRun, func(e *Event) string {
		r := d(e)
		var inc value.Income
		if e.Object(value.KindIncome, r.Income, &inc) {
			return e.T("value.distribution.run", "who", e.Who(), "amount", e.Money(inc.Amount.Amount, inc.Amount.Currency), "commons", e.Commons(inc.Commons))
		}
		return e.T("value.distribution.id", "who", e.Who(), "income", Short(r.Income))
	})
	Register(value.TypePayoutSettle, func(e *Event) string {
		r := d(e)
		if r.Amount == nil {
			return ""
		}
		to := r.Recipient
		switch r.Kind {
		case value.RecipientAgent:
			to = e.Agent(r.Recipient)
		case value.RecipientPool:
			to = e.T("value.payout.pool", "pool", e.Label(r.Recipient))
		}
		return e.T("value.payout.settle", "who", e.Who(), "amount", e.Money(r.Amount.Amount, r.Amount.Currency), "commons", e.Commons(r.Commons), "to", to)
	})
}
