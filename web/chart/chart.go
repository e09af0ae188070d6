// Package chart draws small charts as SVG on the server: horizontal and
// vertical bars, stacked bars and lines. The pages have no script, so a
// chart is markup like the rest of the page, and it is made for people who
// cannot see it as much as for those who can:
//
//   - the <svg> has role="img", a <title> and a <desc>, and aria-labelledby
//     pointing at both, so a screen reader announces what it shows;
//   - the numbers go with it as a table: a visually hidden one after the
//     drawing, or, when the page already shows them in a table, a pointer
//     to that table (aria-describedby, Chart.TableID) instead of a second copy;
//   - series differ by pattern and marker shape as well as colour, and every
//     colour has at least 4.5:1 contrast on white (WCAG 1.4.11 asks 3:1);
//   - it uses presentation attributes only, no style attribute and no
//     script, so the pages' Content-Security-Policy stays as strict as it is.
//
// Values are exact integers (minor units, counts); the caller formats them
// with its locale (Chart.Format), so the numbers read in the page's
// language. Geometry alone uses floating point. Every text that goes into
// the output is escaped, and Render returns template.HTML built only from
// escaped parts and the package's own markup.
package chart

import (
	"errors"
	"fmt"
	"html"
	"html/template"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Kind is the shape of a chart.
type Kind int

// The kinds of chart.
const (
	HBar    Kind = iota // one series, a bar per label, across: long labels fit (names)
	VBar                // one series, a bar per label, upwards: labels along time
	Stacked             // several series stacked in one horizontal bar per label: parts of a whole
	Line                // several series as lines over the labels: change over time
)

// Series is one row of numbers, one per label.
type Series struct {
	Name   string
	Values []int64
}

// Chart is what to draw.
type Chart struct {
	ID     string // unique on the page; the ids of the title, desc and patterns derive from it
	Kind   Kind
	Title  string // what the chart shows, in the page's language
	Desc   string // one or two sentences: what to read from it
	Labels []string
	Series []Series
	// Format writes a value for people (the page's locale: money, counts).
	Format func(int64) string
	// LabelHeader heads the label column of the data table ("Recipient").
	LabelHeader string
	// TableID, when the page already shows these numbers in a table with
	// this id, points screen readers at it instead of adding a hidden one.
	TableID string
}

// Errors of Render.
var (
	ErrShape    = errors.New("chart: every series needs one value per label")
	ErrNegative = errors.New("chart: stacked bars add up parts, which cannot be negative")
)

// Palette: dark enough on white for text and shapes (each at least 4.5:1).
var palette = []string{"#1f5f99", "#a34a00", "#2e6b30", "#7b2d8e", "#b3261e", "#3d5361"}

const (
	width   = 640
	labelW  = 200 // room for labels left of horizontal bars
	valueW  = 110 // room for the value right of a bar
	rowH    = 28
	barH    = 18
	plotH   = 220 // height of the plot of vertical bars and lines
	axisPad = 36
)

// Render draws the chart, with its data table. Empty data draws a chart
// that says so in its description rather than nothing, so a page keeps
// its shape.
func Render(c Chart) (template.HTML, error) {
	for _, s := range c.Series {
		if len(s.Values) != len(c.Labels) {
			return "", ErrShape
		}
		if c.Kind == Stacked {
			for _, v := range s.Values {
				if v < 0 {
					return "", ErrNegative
				}
			}
		}
	}
	if c.Format == nil {
		c.Format = func(v int64) string { return strconv.FormatInt(v, 10) }
	}
	id := cleanID(c.ID)
	var b strings.Builder
	b.WriteString(`<figure class="chart">`)
	var body string
	var h int
	switch c.Kind {
	case HBar, Stacked:
		body, h = hbars(c, id)
	case VBar:
		body, h = vbars(c, id)
	case Line:
		body, h = lines(c, id)
	default:
		return "", fmt.Errorf("chart: unknown kind %d", c.Kind)
	}
	// The name is the title and the description; the page's table, when
	// there is one, describes (a name made of a whole table is too long).
	described := ""
	if c.TableID != "" {
		described = ` aria-describedby="` + cleanID(c.TableID) + `"`
	}
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="%s-title %s-desc"%s viewBox="0 0 %d %d" width="%d" height="%d" font-size="13" font-family="system-ui, sans-serif">`,
		id, id, described, width, h, width, h)
	fmt.Fprintf(&b, `<title id="%s-title">%s</title><desc id="%s-desc">%s</desc>`, id, esc(c.Title), id, esc(c.Desc))
	b.WriteString(body)
	b.WriteString(`</svg>`)
	if len(c.Series) > 1 {
		b.WriteString(legend(c, id))
	}
	if c.TableID == "" {
		b.WriteString(table(c))
	}
	b.WriteString(`</figure>`)
	return template.HTML(b.String()), nil
}

// defs holds the fills of the series: series 0 is solid, the others carry
// a pattern of white lines or dots over their colour, so they differ for
// people who do not tell the colours apart and in print.
func defs(n int, id string) string {
	if n < 2 {
		return ""
	}
	marks := []string{
		``,
		`<path d="M0 6L6 0" stroke="#fff" stroke-width="1.5"/>`,
		`<circle cx="3" cy="3" r="1.2" fill="#fff"/>`,
		`<path d="M0 3H6" stroke="#fff" stroke-width="1.5"/>`,
		`<path d="M0 0L6 6M0 6L6 0" stroke="#fff" stroke-width="1"/>`,
		`<path d="M3 0V6" stroke="#fff" stroke-width="1.5"/>`,
	}
	var b strings.Builder
	b.WriteString(`<defs>`)
	for i := 1; i < n; i++ {
		fmt.Fprintf(&b, `<pattern id="%s-p%d" width="6" height="6" patternUnits="userSpaceOnUse"><rect width="6" height="6" fill="%s"/>%s</pattern>`,
			id, i, colour(i), marks[i%len(marks)])
	}
	b.WriteString(`</defs>`)
	return b.String()
}

func fill(i int, id string, patterned bool) string {
	if i == 0 || !patterned {
		return colour(i)
	}
	return "url(#" + id + "-p" + strconv.Itoa(i) + ")"
}

func colour(i int) string { return palette[i%len(palette)] }

// hbars draws bars across, one row per label; stacked when there are
// several series. Negative values of a plain bar chart go left of a zero line.
func hbars(c Chart, id string) (string, int) {
	n := len(c.Labels)
	h := max(n, 1)*rowH + 8
	var b strings.Builder
	b.WriteString(defs(len(c.Series), id))
	lo, hi := int64(0), int64(0)
	for i := range c.Labels {
		sum := int64(0)
		for _, s := range c.Series {
			if c.Kind == Stacked {
				sum += s.Values[i]
			} else {
				lo, hi = min(lo, s.Values[i]), max(hi, s.Values[i])
			}
		}
		hi = max(hi, sum)
	}
	plot := float64(width - labelW - valueW)
	span := float64(hi - lo)
	if span == 0 {
		span = 1
	}
	x0 := labelW + plot*float64(-lo)/span
	if n == 0 {
		return b.String() + emptyText(h), h
	}
	for i, label := range c.Labels {
		y := 4 + i*rowH
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end" fill="#222">%s</text>`, labelW-8, y+barH-4, esc(short(label, 28)))
		if c.Kind == Stacked {
			x := x0
			total := int64(0)
			for si, s := range c.Series {
				v := s.Values[i]
				total += v
				if v == 0 {
					continue
				}
				w := plot * float64(v) / span
				fmt.Fprintf(&b, `<rect x="%s" y="%d" width="%s" height="%d" fill="%s" stroke="#fff" stroke-width="1"><title>%s</title></rect>`,
					num(x), y, num(w), barH, fill(si, id, true), esc(label+", "+s.Name+": "+c.Format(v)))
				x += w
			}
			fmt.Fprintf(&b, `<text x="%s" y="%d" fill="#222">%s</text>`, num(x+6), y+barH-4, esc(c.Format(total)))
			continue
		}
		v := c.Series[0].Values[i]
		w := plot * math.Abs(float64(v)) / span
		x := x0
		if v < 0 {
			x -= w
		}
		fmt.Fprintf(&b, `<rect x="%s" y="%d" width="%s" height="%d" fill="%s"><title>%s</title></rect>`,
			num(x), y, num(w), barH, colour(0), esc(label+": "+c.Format(v)))
		tx, anchor := x0+w+6, "start"
		if v < 0 {
			tx, anchor = x0+6, "start"
		}
		fmt.Fprintf(&b, `<text x="%s" y="%d" text-anchor="%s" fill="#222">%s</text>`, num(tx), y+barH-4, anchor, esc(c.Format(v)))
	}
	if lo < 0 {
		fmt.Fprintf(&b, `<line x1="%s" y1="0" x2="%s" y2="%d" stroke="#555"/>`, num(x0), num(x0), h)
	}
	return b.String(), h
}

// vbars draws a bar upwards per label, with the labels under them.
func vbars(c Chart, id string) (string, int) {
	h := plotH + axisPad + 24
	n := len(c.Labels)
	var b strings.Builder
	if n == 0 || len(c.Series) == 0 {
		return emptyText(h), h
	}
	vals := c.Series[0].Values
	lo, hi := int64(0), int64(0)
	for _, v := range vals {
		lo, hi = min(lo, v), max(hi, v)
	}
	span := float64(hi - lo)
	if span == 0 {
		span = 1
	}
	top := 20.0
	y0 := top + float64(plotH)*float64(hi)/span
	slot := float64(width-16) / float64(n)
	bw := math.Min(slot*0.7, 60)
	for i, v := range vals {
		x := 8 + slot*float64(i) + (slot-bw)/2
		hgt := float64(plotH) * math.Abs(float64(v)) / span
		y := y0 - hgt
		if v < 0 {
			y = y0
		}
		fmt.Fprintf(&b, `<rect x="%s" y="%s" width="%s" height="%s" fill="%s"><title>%s</title></rect>`,
			num(x), num(y), num(bw), num(hgt), colour(0), esc(c.Labels[i]+": "+c.Format(v)))
		vy := y - 4
		if v < 0 {
			vy = y + hgt + 14
		}
		fmt.Fprintf(&b, `<text x="%s" y="%s" text-anchor="middle" fill="#222">%s</text>`, num(x+bw/2), num(vy), esc(c.Format(v)))
		fmt.Fprintf(&b, `<text x="%s" y="%d" text-anchor="middle" fill="#222">%s</text>`, num(x+bw/2), h-8, esc(short(c.Labels[i], int(slot/7))))
	}
	fmt.Fprintf(&b, `<line x1="8" y1="%s" x2="%d" y2="%s" stroke="#555"/>`, num(y0), width-8, num(y0))
	return b.String(), h
}

// lines draws each series as a line over the labels, with a marker of its
// own shape at every point and a dash of its own.
func lines(c Chart, id string) (string, int) {
	h := plotH + axisPad + 24
	n := len(c.Labels)
	if n == 0 || len(c.Series) == 0 {
		return emptyText(h), h
	}
	lo, hi := int64(0), int64(0)
	for _, s := range c.Series {
		for _, v := range s.Values {
			lo, hi = min(lo, v), max(hi, v)
		}
	}
	span := float64(hi - lo)
	if span == 0 {
		span = 1
	}
	top := 20.0
	left, right := 80.0, float64(width-20)
	x := func(i int) float64 {
		if n == 1 {
			return (left + right) / 2
		}
		return left + (right-left)*float64(i)/float64(n-1)
	}
	y := func(v int64) float64 { return top + float64(plotH)*float64(hi-v)/span }
	var b strings.Builder
	// Axis with the extremes, so the lines can be read against a scale.
	fmt.Fprintf(&b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#555"/>`, num(left), num(y(0)), num(right), num(y(0)))
	fmt.Fprintf(&b, `<text x="%s" y="%s" text-anchor="end" fill="#222">%s</text>`, num(left-6), num(y(hi)+4), esc(c.Format(hi)))
	if lo < 0 {
		fmt.Fprintf(&b, `<text x="%s" y="%s" text-anchor="end" fill="#222">%s</text>`, num(left-6), num(y(lo)+4), esc(c.Format(lo)))
	}
	fmt.Fprintf(&b, `<text x="%s" y="%s" text-anchor="end" fill="#222">%s</text>`, num(left-6), num(y(0)+4), esc(c.Format(0)))
	dashes := []string{"", "6 3", "2 3", "8 3 2 3"}
	for si, s := range c.Series {
		var pts []string
		for i, v := range s.Values {
			pts = append(pts, num(x(i))+","+num(y(v)))
		}
		dash := ""
		if d := dashes[si%len(dashes)]; d != "" {
			dash = ` stroke-dasharray="` + d + `"`
		}
		fmt.Fprintf(&b, `<polyline points="%s" fill="none" stroke="%s" stroke-width="2"%s/>`, strings.Join(pts, " "), colour(si), dash)
		for i, v := range s.Values {
			fmt.Fprintf(&b, `%s`, marker(si, x(i), y(v), esc(s.Name+", "+c.Labels[i]+": "+c.Format(v))))
		}
	}
	step := max(1, n/8) // at most about eight labels along the axis
	for i := 0; i < n; i += step {
		// The first and last labels are anchored at their point's inner
		// side, so they stay inside the drawing on a narrow screen.
		anchor := "middle"
		switch {
		case n > 1 && i == 0:
			anchor = "start"
		case n > 1 && i == n-1:
			anchor = "end"
		}
		fmt.Fprintf(&b, `<text x="%s" y="%d" text-anchor="%s" fill="#222">%s</text>`, num(x(i)), h-8, anchor, esc(short(c.Labels[i], 14)))
	}
	return b.String(), h
}

// marker is a point of series si: a circle, a square, a triangle, a diamond.
func marker(si int, x, y float64, title string) string {
	col := colour(si)
	t := "<title>" + title + "</title>"
	switch si % 4 {
	case 1:
		return fmt.Sprintf(`<rect x="%s" y="%s" width="8" height="8" fill="%s">%s</rect>`, num(x-4), num(y-4), col, t)
	case 2:
		return fmt.Sprintf(`<path d="M%s %sl5 8h-10z" fill="%s">%s</path>`, num(x), num(y-5), col, t)
	case 3:
		return fmt.Sprintf(`<path d="M%s %sl5 5l-5 5l-5 -5z" fill="%s">%s</path>`, num(x), num(y-5), col, t)
	}
	return fmt.Sprintf(`<circle cx="%s" cy="%s" r="4" fill="%s">%s</circle>`, num(x), num(y), col, t)
}

// legend names the series beside a swatch in the same fill or marker; it
// is HTML, so it wraps on a phone and its text is text.
func legend(c Chart, id string) string {
	var b strings.Builder
	b.WriteString(`<ul class="legend" aria-hidden="true">`)
	for si, s := range c.Series {
		var sw string
		if c.Kind == Line {
			sw = `<svg width="24" height="12" viewBox="0 0 24 12"><line x1="0" y1="6" x2="24" y2="6" stroke="` + colour(si) + `" stroke-width="2"/>` + marker(si, 12, 6, "") + `</svg>`
		} else {
			// The patterns are those of the chart above: ids are the document's.
			sw = `<svg width="14" height="14" viewBox="0 0 14 14"><rect width="14" height="14" fill="` + fill(si, id, true) + `"/></svg>`
		}
		b.WriteString(`<li>` + sw + ` ` + esc(s.Name) + `</li>`)
	}
	b.WriteString(`</ul>`)
	return b.String()
}

// table is the chart's numbers for screen readers: visually hidden, read
// in full. The hiding is on a div around the table: a table is never
// narrower than its content, so a hidden table would still widen a
// phone's page.
func table(c Chart) string {
	var b strings.Builder
	b.WriteString(`<div class="visually-hidden"><table><caption>` + esc(c.Title) + `</caption><thead><tr><th scope="col">` + esc(c.LabelHeader) + `</th>`)
	for _, s := range c.Series {
		b.WriteString(`<th scope="col">` + esc(s.Name) + `</th>`)
	}
	b.WriteString(`</tr></thead><tbody>`)
	for i, l := range c.Labels {
		b.WriteString(`<tr><th scope="row">` + esc(l) + `</th>`)
		for _, s := range c.Series {
			b.WriteString(`<td>` + esc(c.Format(s.Values[i])) + `</td>`)
		}
		b.WriteString(`</tr>`)
	}
	b.WriteString(`</tbody></table></div>`)
	return b.String()
}

func emptyText(h int) string {
	return fmt.Sprintf(`<text x="%d" y="%d" text-anchor="middle" fill="#555">–</text>`, width/2, h/2)
}

// esc escapes text for HTML and SVG alike, after making it valid UTF-8
// without control characters, which neither may hold.
func esc(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 && r != '\t' && r != '\n' || r == 0x7f || r == 0xfffe || r == 0xffff {
			return -1
		}
		return r
	}, strings.ToValidUTF8(s, "\ufffd"))
	return html.EscapeString(s)
}

// num writes a coordinate with at most one decimal: enough for a screen,
// and the same bytes on every machine for the golden files.
func num(f float64) string { return strconv.FormatFloat(math.Round(f*10)/10, 'f', -1, 64) }

// short cuts a label to n characters (runes, never inside one) with "…".
func short(s string, n int) string {
	if n < 2 {
		n = 2
	}
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// cleanID keeps what an id may hold without escaping: letters, digits, '-' and '_'.
func cleanID(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r < 128 && (r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			b.WriteRune(r)
		}
	}
	if b.Len() == 0 || !(b.String()[0] >= 'a' && b.String()[0] <= 'z' || b.String()[0] >= 'A' && b.String()[0] <= 'Z') {
		return "chart" + b.String()
	}
	return b.String()
}
