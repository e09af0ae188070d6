// Package activity writes the one-line descriptions of events that the
// activity stream (the JSON "summary"), the Atom feeds and the pages show,
// in every language of web/i18n.
//
// Each area says what its own events mean: a file per area (agent.go,
// commons.go, value.go, license.go) registers, for every event type of the
// area, a Describer, and keeps its sentences in a table of i18n.Texts with
// the English and the Dutch side by side and named parameters. There is no
// central switch: a new area adds its file (or calls Register and Messages
// from its own view package) and the test of this package fails until every
// type of state.EventTypes has a line in every language.
//
// The package does no I/O. What an event names (an agent, a commons, a
// contribution) is looked up through Lookup, which the HTTP side implements
// with the per-request caches its pages already use.
package activity

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/meent/meent"
	"github.com/meent/meent/commons"
	"github.com/meent/meent/web/i18n"
)

// Lookup names what an event mentions. The HTTP side implements it over
// its store with caches that live for one request.
type Lookup interface {
	// Agent returns an agent's display name, or the start of its ID when
	// the agent is unknown.
	Agent(id string) string
	// Object decodes the stored object of a kind and ID into v (a pointer
	// to the area's type, such as *commons.Need) and says whether there is
	// one.
	Object(kind, id string, v any) bool
}

// A Describer writes the line of one event in e.Loc's language.
type Describer func(e *Event) string

var (
	describers = map[string]Describer{}
	messages   = map[string]i18n.Text{}
)

// Register makes d the describer of an event type. It is called from an
// area's init; a type registered twice is a programming error and panics,
// so two areas cannot both claim one type.
func Register(typ string, d Describer) {
	if _, dup := describers[typ]; dup {
		panic(fmt.Sprintf("activity: %s has two describers", typ))
	}
	describers[typ] = d
}

// Messages adds an area's sentences. Keys start with the area's name
// ("commons.review.accept"); a key added twice panics.
func Messages(table map[string]i18n.Text) {
	for k, v := range table {
		if _, dup := messages[k]; dup {
			panic(fmt.Sprintf("activity: message %q is in two tables", k))
		}
		messages[k] = v
	}
}

// Has says whether an event type has a describer.
func Has(typ string) bool { _, ok := describers[typ]; return ok }

// Texts returns every sentence registered, for tests.
func Texts() map[string]i18n.Text {
	out := make(map[string]i18n.Text, len(messages))
	for k, v := range messages {
		out[k] = v
	}
	return out
}

// Describe writes the line of rec in loc's language. A type without a
// describer (an event of an area this node does not know) is still named:
// "Ada signed poll.open".
func Describe(rec meent.Record, look Lookup, loc *i18n.Locale) string {
	e := &Event{Record: rec, Loc: loc, look: look}
	if d, ok := describers[rec.Type]; ok {
		if s := d(e); s != "" {
			return s
		}
	}
	return e.T("activity.signed", "who", e.Who(), "type", rec.Type)
}

// Say is a registered sentence that is not an event's line (the feeds'
// titles), in loc's language.
func Say(loc *i18n.Locale, key string, args ...any) string {
	return (&Event{Loc: loc}).T(key, args...)
}

// Event is what a Describer reads: the record, its language, and helpers
// that name things in that language.
type Event struct {
	meent.Record
	Loc  *i18n.Locale
	look Lookup
}

// Decode reads the event's data into v. Data that does not decode leaves
// v's members empty: a line is still written, with less in it.
func (e *Event) Decode(v any) { json.Unmarshal(e.Data, v) }

// HashHex is the event's hash as the IDs of objects it creates are written.
func (e *Event) HashHex() string { return hex.EncodeToString(e.Hash[:]) }

// Who is the author's name.
func (e *Event) Who() string { return e.Agent(e.Author) }

// Agent is an agent's name ("" for no agent).
func (e *Event) Agent(id string) string {
	if id == "" {
		return ""
	}
	return e.look.Agent(id)
}

// Object decodes an object; see Lookup.
func (e *Event) Object(kind, id string, v any) bool {
	return id != "" && e.look.Object(kind, id, v)
}

// Commons is a commons' name, or the start of its ID. Every area names
// the commons its events happen in, so the helper is here.
func (e *Event) Commons(id string) string {
	var c commons.Commons
	if e.Object(commons.KindCommons, id, &c) {
		return c.Name
	}
	return Short(id)
}

// T is a registered sentence in the event's language.
func (e *Event) T(key string, args ...any) string {
	t, ok := messages[key]
	if !ok {
		return key // a gap shows; the tests make sure there is none
	}
	return e.Loc.Format(t, args...)
}

// N chooses between key+".one" and key+".other" by n and fills {n}.
func (e *Event) N(key string, n int, args ...any) string {
	k := key + ".other"
	if n == 1 {
		k = key + ".one"
	}
	return e.T(k, append([]any{"n", n}, args...)...)
}

// Money writes an amount as the pages of the language do: "1200.00 EUR"
// on English pages and in the API (i18n.Locale.ISOMoney), "€ 1.200,00" in
// Dutch.
func (e *Event) Money(amount int64, currency string) string {
	return e.Loc.PageMoney(amount, currency)
}

// Label writes a code (a kind, a role) in words, as the pages do.
func (e *Event) Label(code string) string { return e.Loc.Label(code) }

// WithReason adds the first line of a reason to a line: "…: too long".
func (e *Event) WithReason(line, reason string) string {
	if r := strings.TrimSpace(reason); r != "" {
		return e.T("activity.reason", "line", line, "reason", firstLine(r))
	}
	return line
}

// Short is the start of an ID, for things that have no name.
func Short(s string) string {
	if len(s) > 12 {
		return s[:12]
	}
	return s
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}

// money is an amount as event data holds it (commons.Money's members).
type money struct {
	Amount   int64  `json:"amount"`
	Currency string `json:"currency"`
}

func init() {
	Messages(map[string]i18n.Text{
		"activity.signed": {i18n.EN: "{who} signed {type}", i18n.NL: "{who} heeft {type} ondertekend"},
		"activity.reason": {i18n.EN: "{line}: {reason}", i18n.NL: "{line}: {reason}"},
		// The Atom feeds' own words.
		"activity.feed.title":          {i18n.EN: "{name} · activity", i18n.NL: "{name} · activiteit"},
		"activity.feed.title.touching": {i18n.EN: "{name} · activity touching them", i18n.NL: "{name} · activiteit die hen raakt"},
		"activity.feed.event":          {i18n.EN: "Event {index} ({type}), {hash}.", i18n.NL: "Gebeurtenis {index} ({type}), {hash}."},
	})
}
