package activity

import (
	"strconv"
	"time"

	"github.com/meent/meent/sharing"
	"github.com/meent/meent/web/i18n"
)

// The sharing area's lines: catalogues, resources, trainings, bookings,
// check-outs and check-ins, fees, damage and repairs.

// sharingRefs is what the sharing area's events name.
type sharingRefs struct {
	Commons   string `json:"commons"`
	Resource  string `json:"resource"`
	Booking   string `json:"booking"`
	Name      string `json:"name"`
	Agent     string `json:"agent"`
	Training  string `json:"training"`
	Status    string `json:"status"`
	Reason    string `json:"reason"`
	Start     int64  `json:"start"`
	End       int64  `json:"end"`
	Damage    string `json:"damage"`
	Condition string `json:"condition"`
	Item      int    `json:"item"`
	Amount    *money `json:"amount"`
	Desc      string `json:"description"`
}

func init() {
	Messages(map[string]i18n.Text{
		"sharing.catalogue":      {i18n.EN: "{who} set up the catalogue of {commons}", i18n.NL: "{who} heeft de catalogus van {commons} ingericht"},
		"sharing.resource.add":   {i18n.EN: "{who} listed “{name}” in the catalogue of {commons}", i18n.NL: "{who} heeft ‘{name}’ opgenomen in de catalogus van {commons}"},
		"sharing.resource.edit":  {i18n.EN: "{who} changed “{name}”", i18n.NL: "{who} heeft ‘{name}’ gewijzigd"},
		"sharing.resource.close": {i18n.EN: "{who} closed “{name}”", i18n.NL: "{who} heeft ‘{name}’ gesloten"},
		"sharing.resource.open":  {i18n.EN: "{who} opened “{name}” again", i18n.NL: "{who} heeft ‘{name}’ weer opengesteld"},
		"sharing.training":       {i18n.EN: "{who} recorded the training “{training}” of {agent}", i18n.NL: "{who} heeft de training ‘{training}’ van {agent} vastgelegd"},
		"sharing.book":           {i18n.EN: "{who} booked “{name}” on {start} for {length}", i18n.NL: "{who} heeft ‘{name}’ gereserveerd op {start} voor {length}"},
		"sharing.book.plain":     {i18n.EN: "{who} booked “{name}”", i18n.NL: "{who} heeft ‘{name}’ gereserveerd"},
		"sharing.approve":        {i18n.EN: "{who} approved the booking of “{name}” by {agent}", i18n.NL: "{who} heeft de reservering van ‘{name}’ door {agent} goedgekeurd"},
		"sharing.cancel":         {i18n.EN: "{who} cancelled the booking of “{name}” by {agent}", i18n.NL: "{who} heeft de reservering van ‘{name}’ door {agent} geannuleerd"},
		"sharing.end":            {i18n.EN: "{who} ended the booking of “{name}” by {agent} early", i18n.NL: "{who} heeft de reservering van ‘{name}’ door {agent} eerder beëindigd"},
		"sharing.checkout":       {i18n.EN: "{who} checked out “{name}”, booked by {agent}", i18n.NL: "{who} heeft ‘{name}’ uitgegeven, gereserveerd door {agent}"},
		"sharing.checkin":        {i18n.EN: "{who} checked in “{name}”, booked by {agent}", i18n.NL: "{who} heeft ‘{name}’ teruggenomen, gereserveerd door {agent}"},
		"sharing.checkin.damage": {i18n.EN: "{who} checked in “{name}” damaged", i18n.NL: "{who} heeft ‘{name}’ beschadigd teruggenomen"},
		"sharing.pay":            {i18n.EN: "{who} recorded a fee of {amount} for the booking of “{name}” by {agent}", i18n.NL: "{who} heeft een vergoeding van {amount} geboekt voor de reservering van ‘{name}’ door {agent}"},
		"sharing.damage":         {i18n.EN: "{who} reported “{name}” broken", i18n.NL: "{who} heeft gemeld dat ‘{name}’ kapot is"},
		"sharing.repair":         {i18n.EN: "{who} repaired “{name}”", i18n.NL: "{who} heeft ‘{name}’ gerepareerd"},
	})
	d := func(e *Event) sharingRefs { var r sharingRefs; e.Decode(&r); return r }
	// resource names a resource by its name (with its item in a pool),
	// or by a short ID when it is unknown.
	resource := func(e *Event, id string, item int) string {
		var r sharing.Resource
		if !e.Object(sharing.KindResource, id, &r) {
			return Short(id)
		}
		if item > 0 && len(r.Items) > 1 {
			return r.Name + " #" + strconv.Itoa(item)
		}
		return r.Name
	}
	// booking returns the name of a booking's resource and its booker.
	booking := func(e *Event, id string) (name, agent string) {
		var b sharing.Booking
		if !e.Object(sharing.KindBooking, id, &b) {
			return Short(id), e.Who() // a booking unknown here: its signer, as good as any
		}
		return resource(e, b.Resource, b.Item), e.Agent(b.Agent)
	}
	Register(sharing.TypeCatalogue, func(e *Event) string {
		return e.T("sharing.catalogue", "who", e.Who(), "commons", e.Commons(d(e).Commons))
	})
	Register(sharing.TypeResourceAdd, func(e *Event) string {
		r := d(e)
		return e.T("sharing.resource.add", "who", e.Who(), "name", r.Name, "commons", e.Commons(r.Commons))
	})
	Register(sharing.TypeResourceUpdate, func(e *Event) string {
		r := d(e)
		return e.T("sharing.resource.edit", "who", e.Who(), "name", r.Name)
	})
	Register(sharing.TypeResourceStatus, func(e *Event) string {
		r := d(e)
		if r.Status == sharing.Available {
			return e.T("sharing.resource.open", "who", e.Who(), "name", resource(e, r.Resource, 0))
		}
		return e.WithReason(e.T("sharing.resource.close", "who", e.Who(), "name", resource(e, r.Resource, 0)), r.Reason)
	})
	Register(sharing.TypeTraining, func(e *Event) string {
		r := d(e)
		return e.T("sharing.training", "who", e.Who(), "training", r.Training, "agent", e.Agent(r.Agent))
	})
	Register(sharing.TypeBook, func(e *Event) string {
		r := d(e)
		var b sharing.Booking
		name := resource(e, r.Resource, 0)
		if e.Object(sharing.KindBooking, e.HashHex(), &b) {
			name = resource(e, b.Resource, b.Item)
		}
		if r.End <= r.Start {
			return e.T("sharing.book.plain", "who", e.Who(), "name", name)
		}
		return e.T("sharing.book", "who", e.Who(), "name", name, "start", e.Loc.DateTime(time.UnixMilli(r.Start)),
			"length", e.Loc.Duration((r.End-r.Start)/1000))
	})
	for typ, key := range map[string]string{sharing.TypeApprove: "sharing.approve", sharing.TypeCancel: "sharing.cancel", sharing.TypeEnd: "sharing.end",
		sharing.TypeCheckOut: "sharing.checkout", sharing.TypeCheckIn: "sharing.checkin"} {
		Register(typ, func(e *Event) string {
			r := d(e)
			name, agent := booking(e, r.Booking)
			if typ == sharing.TypeCheckIn && r.Damage != "" {
				return e.WithReason(e.T("sharing.checkin.damage", "who", e.Who(), "name", name), r.Damage)
			}
			return e.WithReason(e.T(key, "who", e.Who(), "name", name, "agent", agent), r.Reason)
		})
	}
	Register(sharing.TypePay, func(e *Event) string {
		r := d(e)
		name, agent := booking(e, r.Booking)
		if r.Amount == nil {
			return ""
		}
		return e.T("sharing.pay", "who", e.Who(), "amount", e.Money(r.Amount.Amount, r.Amount.Currency), "name", name, "agent", agent)
	})
	Register(sharing.TypeDamage, func(e *Event) string {
		r := d(e)
		return e.WithReason(e.T("sharing.damage", "who", e.Who(), "name", resource(e, r.Resource, r.Item)), r.Desc)
	})
	Register(sharing.TypeRepair, func(e *Event) string {
		r := d(e)
		return e.T("sharing.repair", "who", e.Who(), "name", resource(e, r.Resource, r.Item))
	})
}
