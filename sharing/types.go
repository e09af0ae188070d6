package sharing

import (
	"github.com/meent/meent/commons"
)

// The sharing events.
//
//   - catalogue.set: a maintainer opens (or changes) a commons' catalogue:
//     its time zone and its stewards.
//   - resource.add, resource.update: a steward lists a resource (or
//     changes it): what it is, how many identical items, where, and the
//     rules of booking it.
//   - resource.status: a steward closes a resource (a station closed for
//     the holidays) or opens it again. Closed is not broken: broken is an
//     item's state, after a damage report.
//   - training.record: a steward records that an agent had a training
//     (resources may require it).
//   - booking.request: a member books an item for a span; with approval
//     needed it waits for a steward.
//   - booking.approve, booking.cancel, booking.end: a steward approves; the
//     booker or a steward cancels; the booker or a steward ends a booking
//     early, freeing the rest of its span.
//   - booking.checkout, booking.checkin: the item goes out and comes back,
//     each with a note on its condition. A check-in counts the use towards
//     maintenance and may report damage.
//   - booking.pay: a steward records the payment of a booking's fee; it
//     becomes an income of the commons (kind usage_fee).
//   - item.damage, item.repair: anyone who may book reports an item
//     broken (a repair need is posted on the commons' board); a steward
//     marks it repaired.
const (
	TypeCatalogue      = "catalogue.set"    // CatalogueData
	TypeResourceAdd    = "resource.add"     // ResourceData
	TypeResourceUpdate = "resource.update"  // ResourceData
	TypeResourceStatus = "resource.status"  // StatusData
	TypeTraining       = "training.record"  // TrainingData
	TypeBook           = "booking.request"  // BookData
	TypeApprove        = "booking.approve"  // BookingRef
	TypeCancel         = "booking.cancel"   // CancelData
	TypeEnd            = "booking.end"      // BookingRef
	TypeCheckOut       = "booking.checkout" // HandData
	TypeCheckIn        = "booking.checkin"  // HandData
	TypePay            = "booking.pay"      // PayData
	TypeDamage         = "item.damage"      // DamageData
	TypeRepair         = "item.repair"      // DamageData
)

// Object kinds this package projects. A booking is a child of its
// resource (meent.Object.Parent).
const (
	KindCatalogue = "catalogue" // ID: the commons
	KindResource  = "resource"
	KindBooking   = "booking"
	KindTraining  = "training" // ID: commons "/" agent "/" training
)

// Resource kinds.
const (
	Tool    = "tool"
	Machine = "machine"
	Room    = "room"
	Vehicle = "vehicle"
)

// Resource statuses; an item is broken or not on its own.
const (
	Available = "available"
	Closed    = "closed"
)

// Booking statuses. Requested, confirmed, out and done hold their item's
// span; cancelled frees it.
const (
	Requested = "requested" // waits for a steward's approval
	Confirmed = "confirmed"
	Out       = "out"  // checked out
	Done      = "done" // checked in, or ended without being checked out
	Cancelled = "cancelled"
)

// Who may book.
const (
	Members  = "members"  // members of the node's community (the default)
	Everyone = "everyone" // any agent
)

// Limits.
const (
	MaxItems     = 100
	MaxStewards  = 20
	MaxLinks     = 10
	MaxLength    = 90 * Day // the longest booking: a vehicle for a season
	MaxAheadDays = 730
	MaxNote      = 2000
	MaxAmount    = 1_000_000_000_000 // minor units: a fee or deposit
	Day          = 24 * Hour
	Hour         = 60 * Minute
	Minute       = int64(60_000) // ms
	// Grace is how far before the event's time a booking may start: a
	// member books the drill at the bench and submits a minute later.
	Grace = 5 * Minute
	// Early is how long before its start a booking may be checked out.
	Early = Hour
)

// CatalogueData is the data of catalogue.set.
type CatalogueData struct {
	Commons  string   `json:"commons"`
	TimeZone string   `json:"time_zone"`          // IANA name (Europe/Amsterdam); opening hours are in it
	Stewards []string `json:"stewards,omitempty"` // agents who run the catalogue besides the maintainers
}

// ResourceData is the data of resource.add and resource.update (which
// names the Resource and leaves Commons empty; Items may only grow).
type ResourceData struct {
	Resource    string   `json:"resource,omitempty"` // resource.update only
	Commons     string   `json:"commons,omitempty"`  // resource.add only
	Name        string   `json:"name"`
	Kind        string   `json:"kind"`            // tool, machine, room or vehicle
	Items       int      `json:"items,omitempty"` // identical items in the pool; default 1
	Description string   `json:"description,omitempty"`
	Location    string   `json:"location,omitempty"`
	Manuals     []string `json:"manuals,omitempty"` // https links
	Photos      []string `json:"photos,omitempty"`  // blob hashes
	Rules       Rules    `json:"rules,omitzero"`
}

// Rules are how a resource is booked. Zero values mean no limit, except
// Who (members).
type Rules struct {
	Who           string         `json:"who,omitempty"`      // members (default) or everyone
	Training      string         `json:"training,omitempty"` // a training the booker must have on record
	MinMinutes    int64          `json:"min_minutes,omitempty"`
	MaxMinutes    int64          `json:"max_minutes,omitempty"` // at most MaxLength
	BufferMinutes int64          `json:"buffer_minutes,omitempty"`
	Hours         []Span         `json:"hours,omitempty"`      // opening hours: a booking starts and ends in one; none: always open
	AheadDays     int            `json:"ahead_days,omitempty"` // how far ahead a booking may start
	Cap           *Cap           `json:"cap,omitempty"`
	Approval      bool           `json:"approval,omitempty"`
	Deposit       *commons.Money `json:"deposit,omitempty"`
	Fee           *commons.Money `json:"fee,omitempty"`          // per booking
	FeePerHour    *commons.Money `json:"fee_per_hour,omitempty"` // per started hour's share, rounded up to a minor unit
	Maintenance   *Maintenance   `json:"maintenance,omitempty"`
}

// Span is an opening span on one weekday, in the catalogue's time zone:
// From and To as "HH:MM" (To may be "24:00"), From before To.
type Span struct {
	Day  string `json:"day"` // mon, tue, wed, thu, fri, sat, sun
	From string `json:"from"`
	To   string `json:"to"`
}

// Cap limits one person's bookings of one resource: at most Minutes of
// booked time in the Days days up to the end of the new booking.
type Cap struct {
	Minutes int64 `json:"minutes"`
	Days    int   `json:"days"`
}

// Maintenance is when use asks for care: after EveryHours hours out or
// EveryUses check-ins of an item (whichever comes first), a need titled
// Task is posted on the commons' board and the item's counters start
// again.
type Maintenance struct {
	EveryHours int64  `json:"every_hours,omitempty"`
	EveryUses  int64  `json:"every_uses,omitempty"`
	Task       string `json:"task"`
}

// StatusData is the data of resource.status.
type StatusData struct {
	Resource string `json:"resource"`
	Status   string `json:"status"` // available or closed
	Reason   string `json:"reason,omitempty"`
}

// TrainingData is the data of training.record.
type TrainingData struct {
	Commons  string `json:"commons"`
	Agent    string `json:"agent"`
	Training string `json:"training"` // lower-case letters, digits and dashes
}

// BookData is the data of booking.request.
type BookData struct {
	Resource string `json:"resource"`
	Item     int    `json:"item,omitempty"` // 1..Items; 0: the first free item of the pool
	Start    int64  `json:"start"`          // ms, UTC
	End      int64  `json:"end"`            // ms, UTC
	Note     string `json:"note,omitempty"`
}

// BookingRef names a booking: booking.approve, booking.end.
type BookingRef struct {
	Booking string `json:"booking"`
}

// CancelData is the data of booking.cancel.
type CancelData struct {
	Booking string `json:"booking"`
	Reason  string `json:"reason,omitempty"`
}

// HandData is the data of booking.checkout and booking.checkin. Damage,
// at check-in only, reports the item broken as item.damage does.
type HandData struct {
	Booking   string   `json:"booking"`
	Condition string   `json:"condition"`
	Photos    []string `json:"photos,omitempty"` // blob hashes
	Damage    string   `json:"damage,omitempty"`
}

// PayData is the data of booking.pay: exactly the booking's fee, with the
// payment's reference (used once per commons).
type PayData struct {
	Booking   string        `json:"booking"`
	Amount    commons.Money `json:"amount"`
	Reference string        `json:"reference"`
}

// DamageData is the data of item.damage and item.repair.
type DamageData struct {
	Resource    string `json:"resource"`
	Item        int    `json:"item"` // 1..Items
	Description string `json:"description"`
}
