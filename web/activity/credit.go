package activity

import (
	"github.com/meent/meent/commons"
	"github.com/meent/meent/credit"
	"github.com/meent/meent/web/i18n"
)

// The credit area's lines: currencies, transfers, limits and demurrage.

// creditRefs is what the credit area's events name. Amount is a number
// here (minor units of the currency), unlike the other areas' money.
type creditRefs struct {
	Code      string `json:"code"`
	Name      string `json:"name"`
	Currency  string `json:"currency"`
	From      string `json:"from"`
	To        string `json:"to"`
	Amount    int64  `json:"amount"`
	Reference string `json:"reference"`
	Account   string `json:"account"`
	Limit     int64  `json:"limit"`
	Period    string `json:"period"`
}

func init() {
	Messages(map[string]i18n.Text{
		"credit.currency.create": {i18n.EN: "{who} created the currency {name} ({code})", i18n.NL: "{who} heeft de munt {name} ({code}) ingesteld"},
		"credit.currency.update": {i18n.EN: "{who} changed the rules of the currency {name} ({code})", i18n.NL: "{who} heeft de regels van de munt {name} ({code}) gewijzigd"},
		"credit.transfer":        {i18n.EN: "{who} paid {amount} to {to}", i18n.NL: "{who} heeft {amount} betaald aan {to}"},
		"credit.transfer.for":    {i18n.EN: "{who} paid {amount} from {from} to {to}", i18n.NL: "{who} heeft {amount} van {from} betaald aan {to}"},
		"credit.limit.set":       {i18n.EN: "{who} set the credit limit of {account} to {limit}", i18n.NL: "{who} heeft de kredietlimiet van {account} op {limit} gezet"},
		"credit.demurrage":       {i18n.EN: "{who} applied the demurrage of {period} to {code}", i18n.NL: "{who} heeft de omloopheffing over {period} op {code} toegepast"},
	})
	d := func(e *Event) creditRefs { var r creditRefs; e.Decode(&r); return r }
	// holder names an account's holder: a commons by its name, else an agent.
	holder := func(e *Event, id string) string {
		var c commons.Commons
		if e.Object(commons.KindCommons, id, &c) && c.Name != "" {
			return c.Name
		}
		return e.Agent(id)
	}
	// money writes an amount with the currency's own exponent.
	money := func(e *Event, amount int64, code string) string {
		var c credit.Currency
		if !e.Object(credit.KindCurrency, code, &c) {
			return e.Money(amount, code)
		}
		return code + " " + e.Loc.Decimal(amount, c.Exponent)
	}
	Register(credit.TypeCurrencyCreate, func(e *Event) string {
		r := d(e)
		return e.T("credit.currency.create", "who", e.Who(), "name", r.Name, "code", r.Code)
	})
	Register(credit.TypeCurrencyUpdate, func(e *Event) string {
		r := d(e)
		return e.T("credit.currency.update", "who", e.Who(), "name", r.Name, "code", r.Code)
	})
	Register(credit.TypeTransfer, func(e *Event) string {
		r := d(e)
		args := []any{"who", e.Who(), "amount", money(e, r.Amount, r.Currency), "to", holder(e, r.To)}
		line := e.T("credit.transfer", args...)
		if r.From != "" && r.From != e.Author {
			line = e.T("credit.transfer.for", append(args, "from", holder(e, r.From))...)
		}
		return e.WithReason(line, r.Reference)
	})
	Register(credit.TypeLimitSet, func(e *Event) string {
		r := d(e)
		return e.T("credit.limit.set", "who", e.Who(), "account", holder(e, r.Account), "limit", money(e, -r.Limit, r.Currency))
	})
	Register(credit.TypeDemurrage, func(e *Event) string {
		r := d(e)
		return e.T("credit.demurrage", "who", e.Who(), "period", r.Period, "code", r.Currency)
	})
}
