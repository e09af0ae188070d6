package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/meent/meent/commons"
	"github.com/meent/meent/sharing"
)

// sharingArea holds the commands of shared resources: catalogues,
// resources, trainings, bookings and their hand-overs, damage and repairs.
var sharingArea = area{
	name:     "sharing",
	summary:  "shared tools, machines, rooms and vehicles, and their bookings",
	commands: sharingCommands,
	demo:     demoSharing,
}

// bookingMoment reads a moment for a booking: RFC 3339 with its zone
// (2026-03-29T09:00:00+02:00) or in UTC (…Z).
func bookingMoment(flagName, s string) (int64, error) {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return 0, fmt.Errorf("--%s: a moment in RFC 3339 with its zone, such as 2026-03-29T09:00:00+02:00", flagName)
	}
	return t.UnixMilli(), nil
}

// listAll prints every page of a list whose items are the member named
// field, as one JSON document {field: [...]}, or one page when asked.
func listAll(ctx context.Context, stdout io.Writer, p pageFlags, base, path, field string, q url.Values) error {
	if p.one() {
		return p.page(ctx, stdout, base, path, q)
	}
	if q == nil {
		q = url.Values{}
	}
	var all []json.RawMessage
	for {
		var page map[string]json.RawMessage
		if err := fetchJSON(ctx, base+path+"?"+q.Encode(), &page); err != nil {
			return err
		}
		var items []json.RawMessage
		if err := json.Unmarshal(page[field], &items); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		all = append(all, items...)
		var next string
		json.Unmarshal(page["next"], &next)
		if next == "" {
			break
		}
		q.Set("cursor", next)
	}
	if all == nil {
		all = []json.RawMessage{}
	}
	b, err := json.MarshalIndent(map[string]any{field: all}, "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "%s\n", b)
	return err
}

var sharingCommands = []command{
	{name: "catalogue set", summary: "open or change a commons' catalogue: its time zone and stewards", flags: func(fs *flag.FlagSet) action {
		var s signer
		s.bind(fs)
		var d sharing.CatalogueData
		fs.StringVar(&d.Commons, "commons", "", "commons ID")
		fs.StringVar(&d.TimeZone, "time-zone", "", "IANA time zone of the opening hours, such as Europe/Amsterdam")
		stewards := fs.String("stewards", "", "agent IDs of the stewards, comma-separated")
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			if *stewards != "" {
				d.Stewards = strings.Split(*stewards, ",")
			}
			return s.submit(ctx, stdout, sharing.TypeCatalogue, d)
		}
	}},
	{name: "resource add", summary: "list a resource in a commons' catalogue", flags: func(fs *flag.FlagSet) action {
		var s signer
		s.bind(fs)
		var d sharing.ResourceData
		fs.StringVar(&d.Commons, "commons", "", "commons ID")
		fs.StringVar(&d.Name, "name", "", "name")
		fs.StringVar(&d.Kind, "kind", sharing.Tool, "tool, machine, room or vehicle")
		fs.IntVar(&d.Items, "items", 1, "identical items in the pool")
		fs.StringVar(&d.Location, "location", "", "where it is")
		fs.StringVar(&d.Description, "description", "", "description")
		rules := fs.String("rules", "", "a JSON file with the booking rules (docs/sharing.md)")
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			if *rules != "" {
				b, err := os.ReadFile(*rules)
				if err != nil {
					return err
				}
				if err := json.Unmarshal(b, &d.Rules); err != nil {
					return fmt.Errorf("--rules: %w", err)
				}
			}
			return s.submit(ctx, stdout, sharing.TypeResourceAdd, d)
		}
	}},
	{name: "resource list", summary: "list a commons' catalogue as JSON", flags: func(fs *flag.FlagSet) action {
		var r remote
		r.bind(fs)
		var p pageFlags
		p.bind(fs)
		commonsID := fs.String("commons", "", "commons ID")
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			return listAll(ctx, stdout, p, r.base(), "/api/v1/commons/"+*commonsID+"/resources", "resources", nil)
		}
	}},
	{name: "resource show", args: "ID", summary: "show a resource, its items and rules as JSON", flags: func(fs *flag.FlagSet) action {
		var r remote
		r.bind(fs)
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			return getJSON(ctx, stdout, r.base()+"/api/v1/resources/"+fs.Arg(0))
		}
	}},
	{name: "resource status", args: "ID", summary: "close a resource, or open it again", flags: func(fs *flag.FlagSet) action {
		var s signer
		s.bind(fs)
		var d sharing.StatusData
		fs.StringVar(&d.Status, "status", sharing.Closed, "closed or available")
		fs.StringVar(&d.Reason, "reason", "", "why")
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			d.Resource = fs.Arg(0)
			return s.submit(ctx, stdout, sharing.TypeResourceStatus, d)
		}
	}},
	{name: "training record", summary: "record that an agent had a training", flags: func(fs *flag.FlagSet) action {
		var s signer
		s.bind(fs)
		var d sharing.TrainingData
		fs.StringVar(&d.Commons, "commons", "", "commons ID")
		fs.StringVar(&d.Agent, "agent", "", "the trained agent's ID")
		fs.StringVar(&d.Training, "training", "", "the training's name (laser)")
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			return s.submit(ctx, stdout, sharing.TypeTraining, d)
		}
	}},
	{name: "booking request", summary: "book a resource for a span of time", flags: func(fs *flag.FlagSet) action {
		var s signer
		s.bind(fs)
		var d sharing.BookData
		fs.StringVar(&d.Resource, "resource", "", "resource ID")
		fs.IntVar(&d.Item, "item", 0, "which item of a pool; 0: the first one free")
		start := fs.String("start", "", "start, RFC 3339 with its zone (2026-03-29T09:00:00+02:00)")
		end := fs.String("end", "", "end, RFC 3339 with its zone")
		fs.StringVar(&d.Note, "note", "", "what it is for")
		return func(ctx context.Context, stdout, stderr io.Writer) (err error) {
			if d.Start, err = bookingMoment("start", *start); err != nil {
				return err
			}
			if d.End, err = bookingMoment("end", *end); err != nil {
				return err
			}
			return s.submit(ctx, stdout, sharing.TypeBook, d)
		}
	}},
	{name: "booking approve", args: "ID", summary: "approve a booking waiting for a steward", flags: bookingRef(sharing.TypeApprove)},
	{name: "booking end", args: "ID", summary: "end a booking now, freeing the rest of its time", flags: bookingRef(sharing.TypeEnd)},
	{name: "booking cancel", args: "ID", summary: "cancel a booking not yet checked out", flags: func(fs *flag.FlagSet) action {
		var s signer
		s.bind(fs)
		var d sharing.CancelData
		fs.StringVar(&d.Reason, "reason", "", "why (required of a steward cancelling someone's booking)")
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			d.Booking = fs.Arg(0)
			return s.submit(ctx, stdout, sharing.TypeCancel, d)
		}
	}},
	{name: "booking checkout", args: "ID", summary: "hand out the item of a booking, noting its condition", flags: bookingHand(sharing.TypeCheckOut)},
	{name: "booking checkin", args: "ID", summary: "take an item back, noting its condition or damage", flags: bookingHand(sharing.TypeCheckIn)},
	{name: "booking pay", args: "ID", summary: "record the payment of a booking's fee (it becomes an income)", flags: func(fs *flag.FlagSet) action {
		var s signer
		s.bind(fs)
		var d sharing.PayData
		amount := fs.String("amount", "", "the fee, such as 4.25")
		currency := fs.String("currency", "EUR", "its currency")
		fs.StringVar(&d.Reference, "reference", "", "the payment's reference, used once")
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			m, err := commons.ParseMoney(*amount, *currency)
			if err != nil {
				return fmt.Errorf("--amount: %w", err)
			}
			d.Booking, d.Amount = fs.Arg(0), m
			return s.submit(ctx, stdout, sharing.TypePay, d)
		}
	}},
	{name: "booking show", args: "ID", summary: "show a booking as JSON", flags: func(fs *flag.FlagSet) action {
		var r remote
		r.bind(fs)
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			return getJSON(ctx, stdout, r.base()+"/api/v1/bookings/"+fs.Arg(0))
		}
	}},
	{name: "booking list", summary: "list a resource's or an agent's bookings as JSON", flags: func(fs *flag.FlagSet) action {
		var r remote
		r.bind(fs)
		var p pageFlags
		p.bind(fs)
		resource := fs.String("resource", "", "the bookings of this resource")
		agentID := fs.String("agent", "", "the bookings of this agent")
		from := fs.String("from", "", "with --resource and --to: only those holding an item from this moment (RFC 3339)")
		to := fs.String("to", "", "until this moment (RFC 3339)")
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			q := url.Values{}
			if *from != "" || *to != "" {
				f, err := bookingMoment("from", *from)
				if err != nil {
					return err
				}
				t, err := bookingMoment("to", *to)
				if err != nil {
					return err
				}
				q.Set("from", fmt.Sprint(f))
				q.Set("to", fmt.Sprint(t))
			}
			switch {
			case (*resource == "") == (*agentID == ""):
				return fmt.Errorf("give --resource or --agent")
			case *resource != "":
				return listAll(ctx, stdout, p, r.base(), "/api/v1/resources/"+*resource+"/bookings", "bookings", q)
			}
			return listAll(ctx, stdout, p, r.base(), "/api/v1/agents/"+*agentID+"/bookings", "bookings", q)
		}
	}},
	{name: "item damage", summary: "report an item broken (a repair need is posted)", flags: itemFlags(sharing.TypeDamage)},
	{name: "item repair", summary: "mark a broken item repaired", flags: itemFlags(sharing.TypeRepair)},
}

func bookingRef(typ string) func(fs *flag.FlagSet) action {
	return func(fs *flag.FlagSet) action {
		var s signer
		s.bind(fs)
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			return s.submit(ctx, stdout, typ, sharing.BookingRef{Booking: fs.Arg(0)})
		}
	}
}

func bookingHand(typ string) func(fs *flag.FlagSet) action {
	return func(fs *flag.FlagSet) action {
		var s signer
		s.bind(fs)
		var d sharing.HandData
		fs.StringVar(&d.Condition, "condition", "", "the item's condition")
		if typ == sharing.TypeCheckIn {
			fs.StringVar(&d.Damage, "damage", "", "what is broken, if anything: marks the item broken and posts a repair need")
		}
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			d.Booking = fs.Arg(0)
			return s.submit(ctx, stdout, typ, d)
		}
	}
}

func itemFlags(typ string) func(fs *flag.FlagSet) action {
	return func(fs *flag.FlagSet) action {
		var s signer
		s.bind(fs)
		var d sharing.DamageData
		fs.StringVar(&d.Resource, "resource", "", "resource ID")
		fs.IntVar(&d.Item, "item", 1, "which item of the pool")
		fs.StringVar(&d.Description, "description", "", "what is broken, or what was done")
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			return s.submit(ctx, stdout, typ, d)
		}
	}
}

// demoSharing adds the fab lab's tool library: a laser cutter that needs a
// training, approval and a fee, a pool of three drills, a cargo bike; three
// months of bookings, checked out and in; the laser's hours of use post a
// maintenance need, a drill comes back broken and posts a repair need, a
// fee becomes an income; a few bookings ahead.
func demoSharing(d *demo) error {
	act, ids := d.act, d.ids
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		return err
	}
	eur := func(n int64) *commons.Money { return &commons.Money{Amount: n, Currency: "EUR"} }
	lib := act("fablab", commons.TypeCreate, commons.CreateData{Name: "Outillothèque du Fablab", Kind: "hardware",
		Description: "The fab lab's tool library: machines and tools anyone in the neighbourhood can book."})
	ids["toollib"] = lib
	act("fablab", sharing.TypeCatalogue, sharing.CatalogueData{Commons: lib, TimeZone: "Europe/Paris", Stewards: []string{ids["amina"]}})
	var hours []sharing.Span
	for _, day := range []string{"tue", "wed", "thu", "fri", "sat"} {
		hours = append(hours, sharing.Span{Day: day, From: "10:00", To: "20:00"})
	}
	laser := act("amina", sharing.TypeResourceAdd, sharing.ResourceData{Commons: lib, Name: "Laser cutter", Kind: sharing.Machine,
		Location: "Workshop, back room", Manuals: []string{"https://example.org/fablab/laser-manual.pdf"},
		Rules: sharing.Rules{Training: "laser", MinMinutes: 30, MaxMinutes: 240, BufferMinutes: 15, Hours: hours, AheadDays: 30,
			Cap: &sharing.Cap{Minutes: 8 * 60, Days: 7}, Approval: true, Fee: eur(500), FeePerHour: eur(300),
			Maintenance: &sharing.Maintenance{EveryHours: 12, Task: "Clean the lens and mirrors"}}})
	drills := act("amina", sharing.TypeResourceAdd, sharing.ResourceData{Commons: lib, Name: "Cordless drill", Kind: sharing.Tool, Items: 3,
		Location: "Shelf 2", Rules: sharing.Rules{MaxMinutes: 3 * 24 * 60, BufferMinutes: 30, Deposit: eur(2000)}})
	bike := act("amina", sharing.TypeResourceAdd, sharing.ResourceData{Commons: lib, Name: "Cargo bike", Kind: sharing.Vehicle,
		Location: "Courtyard", Rules: sharing.Rules{Who: sharing.Everyone, MaxMinutes: 2 * 24 * 60, BufferMinutes: 60}})
	ids["laser"], ids["drills"], ids["cargobike"] = laser, drills, bike
	for _, u := range []string{"joost", "maya"} {
		act("amina", sharing.TypeTraining, sharing.TrainingData{Commons: lib, Agent: ids[u], Training: "laser"})
	}
	// local is a moment in Brest, weeks before (or after) today.
	today := time.Now().In(paris)
	local := func(weeks int, weekday time.Weekday, hour int) time.Time {
		t := time.Date(today.Year(), today.Month(), today.Day(), hour, 0, 0, 0, paris).AddDate(0, 0, 7*weeks)
		return t.AddDate(0, 0, int(weekday-t.Weekday()))
	}
	ms := func(t time.Time) int64 { return t.UnixMilli() }
	// Twelve weeks of use: the laser on Thursdays (two hours, approved,
	// out and back), a drill on Saturdays, the bike now and then.
	var lastLaser string
	for w := -12; w < 0; w++ {
		s := local(w, time.Thursday, 14)
		who := []string{"joost", "maya"}[(w+12)%2]
		b := d.actAt(who, sharing.TypeBook, ms(s.AddDate(0, 0, -3)), sharing.BookData{Resource: laser, Start: ms(s), End: ms(s.Add(2 * time.Hour)), Note: "signs for the market"})
		d.actAt("amina", sharing.TypeApprove, ms(s.AddDate(0, 0, -2)), sharing.BookingRef{Booking: b})
		d.actAt(who, sharing.TypeCheckOut, ms(s), sharing.HandData{Booking: b, Condition: "lens clean"})
		d.actAt(who, sharing.TypeCheckIn, ms(s.Add(2*time.Hour)), sharing.HandData{Booking: b, Condition: "bed swept"})
		lastLaser = b
		ds := local(w, time.Saturday, 11)
		db := d.actAt("amina", sharing.TypeBook, ms(ds.Add(-time.Hour)), sharing.BookData{Resource: drills, Start: ms(ds), End: ms(ds.Add(3 * time.Hour))})
		d.actAt("amina", sharing.TypeCheckOut, ms(ds), sharing.HandData{Booking: db, Condition: "battery full"})
		in := sharing.HandData{Booking: db, Condition: "returned"}
		if w == -2 {
			in = sharing.HandData{Booking: db, Condition: "chuck wobbles", Damage: "The chuck of drill #1 slips under load; it needs a new chuck."}
		}
		d.actAt("amina", sharing.TypeCheckIn, ms(ds.Add(3*time.Hour)), in)
		if w%3 == 0 {
			bs := local(w, time.Friday, 10)
			d.actAt("broodfonds", sharing.TypeBook, ms(bs.Add(-24*time.Hour)), sharing.BookData{Resource: bike, Start: ms(bs), End: ms(bs.Add(26 * time.Hour)), Note: "market stall"})
		}
	}
	// The last laser booking's fee is paid: an income of the tool library.
	fee := int64(500 + 2*300)
	d.act("amina", sharing.TypePay, sharing.PayData{Booking: lastLaser, Amount: commons.Money{Amount: fee, Currency: "EUR"}, Reference: "cash box 2026-12"})
	// Ahead: the laser waits for approval, a drill is booked, the bike is
	// booked and cancelled.
	next := local(1, time.Wednesday, 15)
	act("joost", sharing.TypeBook, sharing.BookData{Resource: laser, Start: ms(next), End: ms(next.Add(90 * time.Minute)), Note: "prototype box"})
	act("maya", sharing.TypeBook, sharing.BookData{Resource: drills, Start: ms(next), End: ms(next.Add(2 * time.Hour))})
	cb := act("gemeente", sharing.TypeBook, sharing.BookData{Resource: bike, Start: ms(next), End: ms(next.Add(4 * time.Hour)), Note: "city festival"})
	act("gemeente", sharing.TypeCancel, sharing.CancelData{Booking: cb, Reason: "festival moved"})
	return d.err
}
