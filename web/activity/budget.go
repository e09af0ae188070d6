package activity

import (
	"github.com/meent/meent/budget"
	"github.com/meent/meent/web/i18n"
)

// The budget area's lines: rounds, funding, buckets, allocations,
// approvals, the close and recorded spending. A bucket is a "potje" in
// Dutch, an allocation a "bijdrage".

// budgetRefs is what the budget area's events name.
type budgetRefs struct {
	Commons    string `json:"commons"`
	Title      string `json:"title"`
	Round      string `json:"round"`
	Bucket     string `json:"bucket"`
	Allocation string `json:"allocation"`
	Source     string `json:"source"`
	Reason     string `json:"reason"`
	Reference  string `json:"reference"`
	Approve    bool   `json:"approve"`
	Amount     *money `json:"amount"`
	Min        *money `json:"min"`
	Max        *money `json:"max"`
}

func init() {
	Messages(map[string]i18n.Text{
		"budget.round.open":      {i18n.EN: "{who} opened the budget round “{round}” in {commons}", i18n.NL: "{who} heeft de budgetronde ‘{round}’ geopend in {commons}"},
		"budget.fund.grant":      {i18n.EN: "{who} gave a grant of {amount} to the budget round “{round}”", i18n.NL: "{who} heeft een subsidie van {amount} gegeven aan de budgetronde ‘{round}’"},
		"budget.fund.member":     {i18n.EN: "{who} put {amount} of their own into the budget round “{round}”", i18n.NL: "{who} heeft zelf {amount} ingelegd in de budgetronde ‘{round}’"},
		"budget.fund.commons":    {i18n.EN: "{who} moved {amount} from the co-budget pool into the budget round “{round}”", i18n.NL: "{who} heeft {amount} uit de pot voor het gezamenlijk budget naar de budgetronde ‘{round}’ overgeheveld"},
		"budget.bucket.propose":  {i18n.EN: "{who} proposed the bucket “{bucket}”, from {min} to {max}", i18n.NL: "{who} heeft het potje ‘{bucket}’ voorgesteld, van {min} tot {max}"},
		"budget.bucket.edit":     {i18n.EN: "{who} changed the bucket “{bucket}”", i18n.NL: "{who} heeft het potje ‘{bucket}’ aangepast"},
		"budget.bucket.cancel":   {i18n.EN: "{who} cancelled the bucket “{bucket}”; every giver got back what they gave", i18n.NL: "{who} heeft het potje ‘{bucket}’ geschrapt; alle gevers kregen terug wat ze gaven"},
		"budget.allocate":        {i18n.EN: "{who} gave {amount} to the bucket “{bucket}”", i18n.NL: "{who} heeft {amount} aan het potje ‘{bucket}’ gegeven"},
		"budget.withdraw":        {i18n.EN: "{who} took back {amount} given to the bucket “{bucket}”", i18n.NL: "{who} heeft {amount} teruggenomen van het potje ‘{bucket}’"},
		"budget.withdraw.id":     {i18n.EN: "{who} took back an allocation", i18n.NL: "{who} heeft een bijdrage teruggenomen"},
		"budget.approve":         {i18n.EN: "{who} approved the bucket “{bucket}”", i18n.NL: "{who} steunt het potje ‘{bucket}’"},
		"budget.approve.no":      {i18n.EN: "{who} no longer approves the bucket “{bucket}”", i18n.NL: "{who} steunt het potje ‘{bucket}’ niet meer"},
		"budget.round.close":     {i18n.EN: "{who} closed the budget round “{round}”", i18n.NL: "{who} heeft de budgetronde ‘{round}’ afgesloten"},
		"budget.round.close.sum": {i18n.EN: "{who} closed the budget round “{round}”: {funded} went to buckets, {leftover} was left over", i18n.NL: "{who} heeft de budgetronde ‘{round}’ afgesloten: {funded} ging naar potjes, {leftover} bleef over"},
		"budget.spend":           {i18n.EN: "{who} recorded {amount} spent by the bucket “{bucket}” ({reference})", i18n.NL: "{who} heeft {amount} aan uitgaven van het potje ‘{bucket}’ geboekt ({reference})"},
	})
	d := func(e *Event) budgetRefs { var r budgetRefs; e.Decode(&r); return r }
	round := func(e *Event, id string) (string, *budget.Round) {
		var r budget.Round
		if e.Object(budget.KindRound, id, &r) {
			return r.Title, &r
		}
		return Short(id), nil
	}
	bucket := func(e *Event, id string) string {
		var b budget.Bucket
		if e.Object(budget.KindBucket, id, &b) {
			return b.Title
		}
		return Short(id)
	}
	amount := func(e *Event, m *money) string {
		if m == nil {
			return "?"
		}
		return e.Money(m.Amount, m.Currency)
	}
	Register(budget.TypeRoundOpen, func(e *Event) string {
		r := d(e)
		return e.T("budget.round.open", "who", e.Who(), "round", r.Title, "commons", e.Commons(r.Commons))
	})
	Register(budget.TypeFund, func(e *Event) string {
		r := d(e)
		title, _ := round(e, r.Round)
		key := "budget.fund.grant"
		switch r.Source {
		case budget.SourceMember:
			key = "budget.fund.member"
		case budget.SourceCommons:
			key = "budget.fund.commons"
		}
		return e.T(key, "who", e.Who(), "amount", amount(e, r.Amount), "round", title)
	})
	Register(budget.TypeBucketPropose, func(e *Event) string {
		r := d(e)
		return e.T("budget.bucket.propose", "who", e.Who(), "bucket", r.Title, "min", amount(e, r.Min), "max", amount(e, r.Max))
	})
	Register(budget.TypeBucketEdit, func(e *Event) string {
		return e.T("budget.bucket.edit", "who", e.Who(), "bucket", d(e).Title)
	})
	Register(budget.TypeBucketCancel, func(e *Event) string {
		r := d(e)
		return e.WithReason(e.T("budget.bucket.cancel", "who", e.Who(), "bucket", bucket(e, r.Bucket)), r.Reason)
	})
	Register(budget.TypeAllocate, func(e *Event) string {
		r := d(e)
		return e.T("budget.allocate", "who", e.Who(), "amount", amount(e, r.Amount), "bucket", bucket(e, r.Bucket))
	})
	Register(budget.TypeWithdraw, func(e *Event) string {
		var a budget.Allocation
		if e.Object(budget.KindAllocation, d(e).Allocation, &a) {
			return e.T("budget.withdraw", "who", e.Who(), "amount", e.Money(a.Amount, a.Currency), "bucket", bucket(e, a.Bucket))
		}
		return e.T("budget.withdraw.id", "who", e.Who())
	})
	Register(budget.TypeApprove, func(e *Event) string {
		r := d(e)
		key := "budget.approve"
		if !r.Approve {
			key = "budget.approve.no"
		}
		return e.T(key, "who", e.Who(), "bucket", bucket(e, r.Bucket))
	})
	Register(budget.TypeRoundClose, func(e *Event) string {
		title, x := round(e, d(e).Round)
		if x != nil && x.Closed != nil {
			return e.T("budget.round.close.sum", "who", e.Who(), "round", title,
				"funded", e.Money(x.Closed.Funded, x.Currency), "leftover", e.Money(x.Closed.Leftover, x.Currency))
		}
		return e.T("budget.round.close", "who", e.Who(), "round", title)
	})
	Register(budget.TypeSpend, func(e *Event) string {
		r := d(e)
		return e.T("budget.spend", "who", e.Who(), "amount", amount(e, r.Amount), "bucket", bucket(e, r.Bucket), "reference", r.Reference)
	})
}
