package i18n

import (
	"fmt"
	"html/template"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/meent/meent/commons"
)

// Funcs returns the template functions of a locale. A page set is parsed
// once per language with these, so {{t "key"}} works at any depth of a
// template without threading the locale through every {{with}}.
//
//	{{t "key" "name" .Value}}      a message; parameters by name
//	{{tn "key" .Count "name" .V}}  a message by count (key.one / key.other), {n} is the count
//	{{amount .Amount .Currency}}   money from minor units
//	{{date .Time}} {{day .Time}}   moment to the minute with zone; the day alone
//	{{num .N}}                     an integer, or a decimal string, in the language
//	{{pct .Part .Whole 1}}         a percentage with 1 decimal
//	{{duration .Seconds}} {{minutes .M}}  spans of time in words
//	{{link "/path" .Text}} {{code .X}} {{strong .X}}  markup for message parameters
//	{{lang}}                       the language (for <html lang>)
func Funcs(l *Locale) template.FuncMap {
	return template.FuncMap{
		"t": l.HTML,
		"tn": func(key string, n any, args ...any) template.HTML {
			return l.NHTML(key, toInt(n), args...)
		},
		"amount":   l.PageMoney,
		"date":     func(t any) string { return l.DateTime(toTime(t)) },
		"day":      func(t any) string { return l.Date(toTime(t)) },
		"num":      l.num,
		"pct":      func(part, whole any, decimals int) string { return l.Percent(toInt(part), toInt(whole), decimals) },
		"duration": func(sec any) string { return l.Duration(toInt(sec)) },
		"minutes":  func(m any) string { return l.Minutes(toInt(m)) },
		"link":     Link,
		"code":     Code,
		"strong":   Strong,
		"lang":     func() string { return string(l.Lang) },
		"has":      Has,
		"label":    l.Label,
		"errtitle": l.ErrorTitle,
		"quoted":   l.quoted,
		"eventref": l.eventRef,
		"when":     l.when,
		"hash":     func(v any) template.HTML { return template.HTML(`<code class="hash">` + escapeAny(v) + `</code>`) },
		"moneystr": l.moneyOf,
		"use":      l.Use,
		"rule":     l.Rule,
		"dict":     dict,
		"minus":    func(a any, b int) int64 { return toInt(a) - int64(b) },
	}
}

// Label writes a code (a status, a kind, a role) in words: its "label."
// message, or the code with spaces for one the catalogue does not know.
func (l *Locale) Label(code string) string {
	if Has("label." + code) {
		return l.T("label." + code)
	}
	return strings.ReplaceAll(code, "_", " ")
}

// ErrorTitle names an error code (meent.ENOTFOUND is "not_found") in the
// language; fallback (the English title the server gave) for a code the
// catalogue does not know.
func (l *Locale) ErrorTitle(code, fallback string) string {
	if k := "error.title." + code; Has(k) {
		return l.T(k)
	}
	return fallback
}

// Use describes a license's use: "commercial use for “the app”".
func (l *Locale) Use(commercial bool, scope string) string {
	u := l.T("use.non_commercial")
	if commercial {
		u = l.T("use.commercial")
	}
	if scope != "" {
		return l.T("use.scoped", "use", u, "scope", scope)
	}
	return u
}

// Rule names the license rule that decided a grant: a free rule's kind,
// "trial", or "price.bands[1]" (the second band).
func (l *Locale) Rule(rule string) string {
	if n, ok := strings.CutPrefix(rule, "price.bands["); ok {
		if i, err := strconv.Atoi(strings.TrimSuffix(n, "]")); err == nil {
			return l.T("license.rule.band", "n", i+1)
		}
	}
	return l.Label(rule)
}

// quoted is a policy's name after its version, " (“copyfair”)", or nothing.
func (l *Locale) quoted(name string) string {
	if name == "" {
		return ""
	}
	return l.T("common.policy_quote", "name", name)
}

// eventRef is "event 12", a link to the event when its hash is known.
func (l *Locale) eventRef(hash string, index int64) template.HTML {
	text := l.T("common.at_event", "index", index)
	if hash == "" {
		return template.HTML(escape(text))
	}
	return Link("/events/"+hash, text)
}

// when is a <time> element: the moment for machines in its attribute (UTC,
// milliseconds, as the API writes it), for people in the language and zone.
func (l *Locale) when(v any) template.HTML {
	t := toTime(v)
	return template.HTML(`<time datetime="` + t.UTC().Format("2006-01-02T15:04:05.000Z07:00") + `">` + escape(l.DateTime(t)) + `</time>`)
}

// moneyOf writes an amount held as commons.Money, *commons.Money or the
// API's text ("1200.00 EUR"); text it cannot read comes back unchanged.
func (l *Locale) moneyOf(v any) string {
	switch m := v.(type) {
	case commons.Money:
		return l.PageMoney(m.Amount, m.Currency)
	case *commons.Money:
		if m != nil {
			return l.PageMoney(m.Amount, m.Currency)
		}
		return ""
	case string:
		dec, cur, ok := strings.Cut(m, " ")
		neg := strings.HasPrefix(dec, "-")
		if !ok {
			return m
		}
		p, err := commons.ParseMoney(strings.TrimPrefix(dec, "-"), cur)
		if err != nil {
			return m
		}
		if neg {
			p.Amount = -p.Amount
		}
		return l.PageMoney(p.Amount, cur)
	}
	return fmt.Sprint(v)
}

// dict makes a map of name, value pairs, to hand a sub-template several values.
func dict(kv ...any) map[string]any {
	m := make(map[string]any, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		k, _ := kv[i].(string)
		m[k] = kv[i+1]
	}
	return m
}

// Choice is one entry of the language switch.
type Choice struct {
	Lang    Lang
	Name    string // in the language itself
	Current bool
	URL     string // the same page in that language: its query with lang set
}

// Switch is the language switch of a page whose query is query: a link
// per language that keeps the rest of the query (a sort order, a page).
func Switch(cur Lang, query url.Values) []Choice {
	out := make([]Choice, 0, len(Langs))
	for _, l := range Langs {
		q := url.Values{}
		for k, v := range query {
			q[k] = v
		}
		q.Set("lang", string(l))
		out = append(out, Choice{Lang: l, Name: l.Name(), Current: l == cur, URL: "?" + q.Encode()})
	}
	return out
}

func (l *Locale) num(v any) string {
	switch n := v.(type) {
	case string:
		return l.Number(n)
	case float64:
		// Averages of small integers (priorities): one decimal is what is shown.
		return l.Number(fmt.Sprintf("%.1f", n))
	}
	return l.Int(toInt(v))
}

func toInt(v any) int64 {
	switch n := v.(type) {
	case int:
		return int64(n)
	case int64:
		return n
	case int32:
		return int64(n)
	case uint32:
		return int64(n)
	case uint64:
		return int64(n)
	case uint:
		return int64(n)
	case *int64:
		if n != nil {
			return *n
		}
	}
	return 0
}

// toTime accepts what pages hold for a moment: a time.Time, anything with
// a Time() method (the HTTP layer's millisecond Timestamp), or Unix
// milliseconds.
func toTime(v any) time.Time {
	switch t := v.(type) {
	case time.Time:
		return t
	case *time.Time:
		if t != nil {
			return *t
		}
	case interface{ Time() time.Time }:
		return t.Time()
	case int64:
		return time.UnixMilli(t)
	}
	return time.Time{}
}
