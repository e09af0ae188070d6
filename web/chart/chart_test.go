package chart

import (
	"encoding/xml"
	"flag"
	"html/template"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func euros(v int64) string { // a stand-in for a locale's money formatter
	s := strconv.FormatInt(v/100, 10) + "," + strconv.FormatInt(v%100/10, 10) + strconv.FormatInt(v%10, 10)
	return "€ " + s
}

var golden = map[string]Chart{
	"hbar": {ID: "shares", Kind: HBar, Title: "Who gets what", Desc: "The income of € 1.000,00 split by weight.",
		Labels: []string{"Ada", "Bob", "A pool with a very long name indeed, longer than fits"}, Series: []Series{{Name: "Amount", Values: []int64{60000, 30000, 10000}}},
		Format: euros, LabelHeader: "Recipient"},
	"vbar": {ID: "months", Kind: VBar, Title: "Income per month", Desc: "Three months.",
		Labels: []string{"Oct", "Nov", "Dec"}, Series: []Series{{Name: "Income", Values: []int64{120000, 0, 45050}}}, Format: euros, LabelHeader: "Month"},
	"vbar-negative": {ID: "net", Kind: VBar, Title: "Net", Desc: "Gains and losses.",
		Labels: []string{"Q1", "Q2"}, Series: []Series{{Name: "Net", Values: []int64{500, -300}}}, LabelHeader: "Quarter"},
	"hbar-negative": {ID: "balance", Kind: HBar, Title: "Net per member", Desc: "Credit and debt.",
		Labels: []string{"Ada", "Bob", "Cy"}, Series: []Series{{Name: "Balance", Values: []int64{1200, -800, 0}}}, Format: euros, LabelHeader: "Member"},
	"stacked": {ID: "sources", Kind: Stacked, Title: "Income by source", Desc: "Grants, licences and donations per commons.",
		Labels: []string{"Wind Atlas", "Turbine"}, Series: []Series{{Name: "Grants", Values: []int64{100000, 0}}, {Name: "Licences", Values: []int64{50000, 20000}}, {Name: "Donations", Values: []int64{2500, 7500}}},
		Format: euros, LabelHeader: "Commons"},
	"line": {ID: "over-time", Kind: Line, Title: "Contributions over time", Desc: "Submitted and accepted per month.",
		Labels: []string{"Sep", "Oct", "Nov", "Dec"}, Series: []Series{{Name: "Submitted", Values: []int64{4, 9, 7, 12}}, {Name: "Accepted", Values: []int64{3, 6, 7, 10}}},
		LabelHeader: "Month"},
	"empty": {ID: "nothing", Kind: HBar, Title: "Who gets what", Desc: "Nothing was distributed.", LabelHeader: "Recipient"},
	"single": {ID: "one", Kind: Line, Title: "One month", Desc: "Only one point.", Labels: []string{"Dec"},
		Series: []Series{{Name: "Submitted", Values: []int64{5}}}, LabelHeader: "Month"},
	"with-table": {ID: "shares", Kind: HBar, Title: "Who gets what", Desc: "The numbers are in the table below.", TableID: "who-gets-what",
		Labels: []string{"Ada"}, Series: []Series{{Name: "Amount", Values: []int64{100}}}, Format: euros},
}

// TestGolden pins the markup of every kind; go test -update rewrites the
// files, which are then read by a person before they are committed.
func TestGolden(t *testing.T) {
	for name, c := range golden {
		t.Run(name, func(t *testing.T) {
			got, err := Render(c)
			if err != nil {
				t.Fatal(err)
			}
			wellFormed(t, got)
			accessible(t, c, got)
			path := filepath.Join("testdata", name+".svg.html")
			if *update {
				if err := os.WriteFile(path, []byte(got+"\n"), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if string(got)+"\n" != string(want) {
				t.Errorf("%s differs from %s:\n%s", name, path, got)
			}
		})
	}
}

// wellFormed parses the output as XML: every element is closed and every
// attribute quoted, so no label can break out of its place.
func wellFormed(t *testing.T, h template.HTML) {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(string(h)))
	d.Strict = true
	d.Entity = xml.HTMLEntity
	for {
		_, err := d.Token()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatalf("not well formed: %v\n%s", err, h)
		}
	}
}

func accessible(t *testing.T, c Chart, h template.HTML) {
	t.Helper()
	s := string(h)
	id := cleanID(c.ID)
	for _, want := range []string{`role="img"`, `aria-labelledby="` + id + `-title ` + id + `-desc`, `<title id="` + id + `-title">`, `<desc id="` + id + `-desc">`} {
		if !strings.Contains(s, want) {
			t.Errorf("no %s", want)
		}
	}
	if c.TableID == "" && !strings.Contains(s, `<div class="visually-hidden"><table>`) {
		t.Error("no data table")
	}
	if c.TableID != "" && (strings.Contains(s, "<table") || !strings.Contains(s, `aria-describedby="`+c.TableID+`"`)) {
		t.Error("a second table, or no pointer to the page's")
	}
	if strings.Contains(s, "style=") || strings.Contains(s, "<script") {
		t.Error("inline style or script: the CSP refuses them")
	}
	for _, sr := range c.Series {
		for _, v := range sr.Values {
			f := c.Format
			if f == nil {
				f = func(v int64) string { return strconv.FormatInt(v, 10) }
			}
			if c.TableID == "" && !strings.Contains(s, "<td>"+esc(f(v))+"</td>") {
				t.Errorf("the table lacks %s", f(v))
			}
		}
	}
}

func TestRefuses(t *testing.T) {
	if _, err := Render(Chart{Kind: Stacked, Labels: []string{"a"}, Series: []Series{{Values: []int64{-1}}}}); err != ErrNegative {
		t.Errorf("negative stacked part: %v", err)
	}
	if _, err := Render(Chart{Kind: HBar, Labels: []string{"a", "b"}, Series: []Series{{Values: []int64{1}}}}); err != ErrShape {
		t.Errorf("a value short: %v", err)
	}
	if _, err := Render(Chart{Kind: Kind(9)}); err == nil {
		t.Error("unknown kind drawn")
	}
}

// FuzzLabels: whatever people name their commons, pools and series, the
// chart stays well-formed markup with the text as text.
func FuzzLabels(f *testing.F) {
	f.Add("<script>alert(1)</script>", `"><svg onload=x>`, "]]>&amp;", "id\" onmouseover=\"x", int64(5))
	f.Add("Ünïcödé — €", "\x00\xff", "", "", int64(-3))
	f.Fuzz(func(t *testing.T, label, series, title, id string, v int64) {
		for _, k := range []Kind{HBar, VBar, Stacked, Line} {
			val := v
			if k == Stacked && val < 0 {
				val = -(val + 1)
			}
			c := Chart{ID: id, Kind: k, Title: title, Desc: title, Labels: []string{label, "x"}, LabelHeader: label,
				Series: []Series{{Name: series, Values: []int64{val, 1}}, {Name: series + "2", Values: []int64{2, 3}}},
				Format: func(n int64) string { return label + strconv.FormatInt(n, 10) }}
			h, err := Render(c)
			if err != nil {
				t.Fatal(err)
			}
			wellFormed(t, h)
			onlyOurMarkup(t, h)
		}
	})
}

// onlyOurMarkup: the elements and attributes are the package's own, so no
// text became markup.
func onlyOurMarkup(t *testing.T, h template.HTML) {
	t.Helper()
	elems := "figure svg title desc defs pattern rect path circle text line polyline ul li div table caption thead tbody tr th td"
	attrs := "class xmlns role aria-labelledby aria-describedby aria-hidden viewBox width height font-size font-family id patternUnits fill stroke stroke-width stroke-dasharray x y x1 y1 x2 y2 cx cy r d points text-anchor scope"
	d := xml.NewDecoder(strings.NewReader(string(h)))
	d.Entity = xml.HTMLEntity
	for {
		tok, err := d.Token()
		if err != nil {
			return
		}
		if se, ok := tok.(xml.StartElement); ok {
			if !slices.Contains(strings.Fields(elems), se.Name.Local) {
				t.Fatalf("element %s", se.Name.Local)
			}
			for _, a := range se.Attr {
				if !slices.Contains(strings.Fields(attrs), a.Name.Local) {
					t.Fatalf("attribute %s", a.Name.Local)
				}
			}
		}
	}
}

// TestPaletteContrast holds the package doc to its word: every series
// colour has at least 4.5:1 contrast on white (WCAG relative luminance).
func TestPaletteContrast(t *testing.T) {
	lum := func(hex string) float64 {
		var sum float64
		for i, w := range []float64{0.2126, 0.7152, 0.0722} {
			v, _ := strconv.ParseUint(hex[1+2*i:3+2*i], 16, 8)
			c := float64(v) / 255
			if c <= 0.03928 {
				c /= 12.92
			} else {
				c = math.Pow((c+0.055)/1.055, 2.4)
			}
			sum += w * c
		}
		return sum
	}
	for _, c := range palette {
		if r := 1.05 / (lum(c) + 0.05); r < 4.5 {
			t.Errorf("%s: %.2f:1 on white", c, r)
		}
	}
}
