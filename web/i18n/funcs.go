package i18n

import (
	"fmt"
	"html/template"
	"time"
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
//	{{lang}} {{langs}}             the language, and the switch's entries
func Funcs(l *Locale) template.FuncMap {
	return template.FuncMap{
		"t": l.HTML,
		"tn": func(key string, n any, args ...any) template.HTML {
			return l.NHTML(key, toInt(n), args...)
		},
		"amount":   l.Money,
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
		"langs":    func() []Choice { return choices(l.Lang) },
	}
}

// Choice is one entry of the language switch.
type Choice struct {
	Lang    Lang
	Name    string // in the language itself
	Current bool
}

func choices(cur Lang) []Choice {
	out := make([]Choice, 0, len(Langs))
	for _, l := range Langs {
		out = append(out, Choice{Lang: l, Name: l.Name(), Current: l == cur})
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
