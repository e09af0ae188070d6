package i18n

// messages is the catalogue: every string a person reads on the pages,
// in every language of Langs. Keys name where a string is used, by page
// then part ("commons.needs.title"); "label.*" and "status.*" are looked
// up by code (label.go). The Dutch is the informal "je" of a cooperative
// speaking to its members, as the community writes it, not a gloss of the
// English: "commons" stays "commons" (de commons), as in the seeds.
var messages = map[string]Text{
	// Spans of time.
	"time.ended":        {EN: "ended", NL: "afgelopen"},
	"time.under_minute": {EN: "under a minute", NL: "minder dan een minuut"},
	"time.min":          {EN: "{n} min", NL: "{n} min"},
	"time.h":            {EN: "{h} h", NL: "{h} u"},
	"time.h_min":        {EN: "{h} h {min} min", NL: "{h} u {min} min"},
	"time.days_h.one":   {EN: "{n} day {h} h", NL: "{n} dag {h} u"},
	"time.days_h.other": {EN: "{n} days {h} h", NL: "{n} dagen {h} u"},
}
