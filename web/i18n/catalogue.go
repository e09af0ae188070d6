// Package i18n is the pages' message catalogue and their formats of
// numbers, money and dates, in Dutch and English.
//
// The catalogue is Go source (messages.go): one table, each message with
// its text in every language side by side, keyed by a stable identifier
// ("commons.contributions.title"). Side by side because a translator (or
// a reviewer) sees the English and the Dutch of one sentence together,
// the compiler checks the table, and a test checks that every message has
// every language and the same parameters in each. Parameters are named,
// "{name}", so a language may put them in any order; counts choose between
// a ".one" and an ".other" message (Dutch and English have the same two
// plural forms; a language with more adds keys, see N).
//
// Why not golang.org/x/text/message: its catalogue is built by the gotext
// extraction tool from printf-style calls in Go code, while our strings
// live in templates; its plural and number support is more than two
// languages with two plural forms need, and money would still be ours
// (it formats floats, and money here is exact integers). Why not
// x/text/language for Accept-Language: choosing between two primary
// subtags needs a forty-line parser (fuzzed in lang_test.go), not CLDR's
// matching tables. So this package uses the standard library only.
//
// The package does no I/O: the HTTP layer reads the query, cookie and
// header and asks Pick; templates get their functions from Funcs.
package i18n

import (
	"fmt"
	"html"
	"html/template"
	"slices"
	"strconv"
	"strings"
)

// Text is one message in every language.
type Text map[Lang]string

// Has says whether the catalogue holds a message.
func Has(key string) bool { _, ok := messages[key]; return ok }

// Keys returns every key of the catalogue, for tests and tools.
func Keys() []string {
	out := make([]string, 0, len(messages))
	for k := range messages {
		out = append(out, k)
	}
	return out
}

// Message returns a message's text in a language, without parameters
// filled in, and whether it exists.
func Message(l Lang, key string) (string, bool) {
	t, ok := messages[key]
	if !ok {
		return "", false
	}
	s, ok := t[l]
	return s, ok
}

// T returns a message in the locale's language with its parameters
// filled in; args are name, value pairs. A missing key or language
// shows the key itself, so a gap is visible on the page (and the tests
// make sure there is none) rather than an empty space.
func (l *Locale) T(key string, args ...any) string {
	return l.fill(key, func(s string) string { return s }, func(v any) string { return l.plain(v) }, args)
}

// HTML is T for templates: the message is escaped, and so is every
// parameter except template.HTML ones, which are already safe markup
// (a link, a name's link) and go in as they are.
func (l *Locale) HTML(key string, args ...any) template.HTML {
	return template.HTML(l.fill(key, html.EscapeString, func(v any) string {
		if h, ok := v.(template.HTML); ok {
			return string(h)
		}
		return escape(l.plain(v))
	}, args))
}

// N chooses between key+".one" and key+".other" by n and fills {n} with
// n written in the language, then the other parameters.
func (l *Locale) N(key string, n int64, args ...any) string {
	return l.T(pluralKey(l.Lang, key, n), append([]any{"n", n}, args...)...)
}

// NHTML is N for templates, escaped as HTML is.
func (l *Locale) NHTML(key string, n int64, args ...any) template.HTML {
	return l.HTML(pluralKey(l.Lang, key, n), append([]any{"n", n}, args...)...)
}

// pluralKey is the plural rule: Dutch and English say "1 commit" and
// "0 commits", "2 commits". A language with other forms gets its own case.
func pluralKey(_ Lang, key string, n int64) string {
	if n == 1 {
		return key + ".one"
	}
	return key + ".other"
}

// plain writes a parameter: integers with the language's grouping,
// everything else as fmt does.
func (l *Locale) plain(v any) string {
	switch n := v.(type) {
	case int:
		return l.Int(int64(n))
	case int64:
		return l.Int(n)
	case int32:
		return l.Int(int64(n))
	case uint32:
		return l.Int(int64(n))
	case template.HTML:
		return string(n)
	case fmt.Stringer:
		return n.String()
	}
	return fmt.Sprint(v)
}

// Format is T for a message kept outside the catalogue, by the package
// that says it (an area's activity lines in web/activity): its text in the
// locale's language, or the default one, with its parameters filled in as
// T fills them. An area keeps its own table of Texts so that its strings
// live with it; Check holds them to the catalogue's rules.
func (l *Locale) Format(t Text, args ...any) string {
	msg, ok := t[l.Lang]
	if !ok {
		msg = t[Default]
	}
	return l.fillText(msg, func(s string) string { return s }, func(v any) string { return l.plain(v) }, args)
}

// Check reports what is wrong with one message, by the catalogue's rules:
// a language without a text, parameters that differ between languages,
// unbalanced braces, a Dutch sentence that is the English one, and Dutch
// that says "u" where the pages say "je". Tables kept outside the
// catalogue (Format) are checked with it by their own tests.
func Check(key string, t Text) []string {
	var out []string
	for _, l := range Langs {
		s, ok := t[l]
		if !ok || strings.TrimSpace(s) == "" {
			out = append(out, fmt.Sprintf("%s has no %s", key, l))
			continue
		}
		if strings.Count(s, "{") != strings.Count(s, "}") {
			out = append(out, fmt.Sprintf("%s (%s): unbalanced braces in %q", key, l, s))
		}
	}
	want := sortedParams(t[Default])
	for _, l := range Langs {
		if got := sortedParams(t[l]); strings.Join(got, ",") != strings.Join(want, ",") {
			out = append(out, fmt.Sprintf("%s: parameters %v in %s, %v in %s", key, got, l, want, Default))
		}
	}
	if len(t[EN]) > 20 && t[EN] == t[NL] {
		out = append(out, fmt.Sprintf("%s: the Dutch is the English: %q", key, t[NL]))
	}
	if strings.Contains(strings.ToLower(" "+t[NL]+" "), " u ") {
		out = append(out, fmt.Sprintf("%s: the pages say je, not u: %q", key, t[NL]))
	}
	return out
}

func sortedParams(s string) []string {
	p := Params(s)
	slices.Sort(p)
	return slices.Compact(p)
}

func (l *Locale) fill(key string, text func(string) string, param func(any) string, args []any) string {
	msg, ok := Message(l.Lang, key)
	if !ok {
		if msg, ok = Message(Default, key); !ok {
			return text(key)
		}
	}
	return l.fillText(msg, text, param, args)
}

func (l *Locale) fillText(msg string, text func(string) string, param func(any) string, args []any) string {
	if !strings.Contains(msg, "{") {
		return text(msg)
	}
	vals := map[string]string{}
	for i := 0; i+1 < len(args); i += 2 {
		name, _ := args[i].(string)
		vals[name] = param(args[i+1])
	}
	var b strings.Builder
	for {
		open := strings.IndexByte(msg, '{')
		if open < 0 {
			break
		}
		end := strings.IndexByte(msg[open:], '}')
		if end < 0 {
			break
		}
		name := msg[open+1 : open+end]
		b.WriteString(text(msg[:open]))
		if v, ok := vals[name]; ok {
			b.WriteString(v)
		} else {
			b.WriteString(text("{" + name + "}"))
		}
		msg = msg[open+end+1:]
	}
	b.WriteString(text(msg))
	return b.String()
}

// Params returns the parameter names of a message text, in order.
func Params(msg string) []string {
	var out []string
	for {
		open := strings.IndexByte(msg, '{')
		if open < 0 {
			return out
		}
		end := strings.IndexByte(msg[open:], '}')
		if end < 0 {
			return out
		}
		out = append(out, msg[open+1:open+end])
		msg = msg[open+end+1:]
	}
}

// Link is an <a> built from escaped parts, for a message parameter. Only
// same-site paths, fragments and http(s) addresses are links; anything
// else (a javascript: URL) is written as text.
func Link(href string, text any) template.HTML {
	t := escapeAny(text)
	if !(strings.HasPrefix(href, "/") && !strings.HasPrefix(href, "//")) && !strings.HasPrefix(href, "#") &&
		!strings.HasPrefix(href, "https://") && !strings.HasPrefix(href, "http://") {
		return template.HTML(t)
	}
	return template.HTML(`<a href="` + escape(href) + `">` + t + `</a>`)
}

// Code is <code> around escaped text, for a message parameter.
func Code(text any) template.HTML { return template.HTML("<code>" + escapeAny(text) + "</code>") }

// Strong is <strong> around escaped text, for a message parameter.
func Strong(text any) template.HTML {
	return template.HTML("<strong>" + escapeAny(text) + "</strong>")
}

// escapeAny escapes anything but markup that is already safe.
func escapeAny(v any) string {
	switch t := v.(type) {
	case template.HTML:
		return string(t)
	case string:
		return escape(t)
	case int:
		return strconv.Itoa(t)
	case int64:
		return strconv.FormatInt(t, 10)
	}
	return escape(fmt.Sprint(v))
}

// escape escapes a value for HTML as html/template does in text and
// quoted attributes, '+' included, so a value reads the same whether a
// template wrote it or a message did. A message's own text is escaped
// like a template's literal text instead (html.EscapeString): it is ours.
func escape(s string) string { return strings.ReplaceAll(html.EscapeString(s), "+", "&#43;") }
