package value

import (
	"errors"
	"math/big"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/meent/meent"
)

// simple is a small valid policy for tests to change.
func simple() Policy {
	return Policy{Format: Format, Default: "minutes", Split: Split{Contributors: "1/2", Infrastructure: "1/4", CoBudget: "1/4"}}
}

func TestCompileRefusesEquations(t *testing.T) {
	cases := []struct {
		name     string
		kind     string // "" for the default equation
		src      string
		equation string
		line     int
		column   int
		message  string
	}{
		{"syntax", "", "minutes +", "default", 1, 10, "Syntax error: mismatched input '<EOF>'"},
		{"syntax on line 2", "", "minutes +\n  * 2", "default", 2, 3, "Syntax error: extraneous input '*'"},
		{"unknown variable", "code", "hours * 2", "equations.code", 1, 1, "undeclared reference to 'hours'"},
		{"double result", "", "1.5", "default", 1, 1, "the equation gives a double; it must give an int (points)"},
		{"string result", "", "kind", "default", 1, 1, "gives a string"},
		{"bool result", "", "minutes > 10", "default", 1, 1, "gives a bool"},
		{"double arithmetic", "", "minutes * 1.5", "default", 1, 9, "found no matching overload for '_*_' applied to '(int, double)'"},
		{"no uint", "", "1u + 2u", "default", 1, 4, "found no matching overload for '_+_' applied to '(uint, uint)'"},
		{"no conversions", "", "int(1.5)", "default", 1, 4, "undeclared reference to 'int'"},
		{"no macros", "", "[1, 2].all(x, x > 0) ? 1 : 0", "default", 1, 11, "undeclared reference to 'all'"},
		{"no timestamps", "", `timestamp("2020-01-01T00:00:00Z") == timestamp("2020-01-01T00:00:00Z") ? 1 : 0`, "default", 1, 10, "undeclared reference to 'timestamp'"},
		{"no regular expressions", "", `kind.matches("x") ? 1 : 0`, "default", 1, 13, "undeclared reference to 'matches'"},
		{"no indexing", "", `[1, 2, 3][1]`, "default", 1, 10, "undeclared reference to '_[_]'"},
		{"empty", "", " ", "default", 1, 1, "the equation is empty"},
		{"division by zero", "review", "100 / minutes", "equations.review", 1, 5, `division by zero (for kind="review" and every variable 0)`},
		{"constant division by zero", "", "minutes + 1 / 0", "default", 1, 13, "division by zero"},
		{"division by zero at a probe value", "", "100 / (minutes - 60) + 100", "default", 1, 5, "division by zero (for kind=\"other\", minutes=60"},
		{"negative", "", "minutes - 100", "default", 1, 1, `gives -100 points for kind="other" and every variable 0; points must be from 0 to 1000000000000`},
		{"absurd", "funds", "amount * 10", "equations.funds", 1, 1, `gives 10000000000000 points for kind="funds", amount=1000000000000 and the other variables 0`},
		{"overflow", "", "amount * amount", "default", 1, 8, "integer overflow"},
		{"negative for the default's own kind test", "", `kind == "gift" ? 0 - 1 : 1`, "default", 1, 1, `gives -1 points for kind="gift"`},
		{"too costly", "", strings.Repeat(`(kind in ["a", "b", "c", "d", "e", "f", "g", "h"] ? 1 : 0) + `, 60) + "1", "default", 1, 1, "the equation is too costly (estimated 1200, at most 1000)"},
		{"too long", "", strings.Repeat("minutes + ", 410) + "1", "default", 1, 1, "the equation is longer than 4096 bytes"},
		{"too deep", "", strings.Repeat("(", 300) + "1" + strings.Repeat(")", 300), "default", 1, 1, "expression recursion limit exceeded: 200"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := simple()
			if c.kind == "" {
				p.Default = c.src
			} else {
				p.Equations = map[string]string{c.kind: c.src}
			}
			_, err := Compile(p)
			var me *meent.Error
			if !errors.As(err, &me) || me.Code != meent.EINVALID {
				t.Fatalf("Compile: %v; want an EINVALID *meent.Error", err)
			}
			var ps Problems
			if !errors.As(err, &ps) || len(ps) == 0 {
				t.Fatalf("no Problems in %v", err)
			}
			got := ps[0]
			if got.Equation != c.equation || got.Line != c.line || got.Column != c.column || !strings.Contains(got.Message, c.message) {
				t.Errorf("got %s\nwant %s:%d:%d: ...%s...", got, c.equation, c.line, c.column, c.message)
			}
			if !strings.HasPrefix(me.Message, "value policy: "+c.equation+":") {
				t.Errorf("message %q does not name the equation and position first", me.Message)
			}
		})
	}
}

func TestCompileRefusesPolicies(t *testing.T) {
	cases := []struct {
		name    string
		change  func(*Policy)
		message string
	}{
		{"format", func(p *Policy) { p.Format = 2 }, "format 2 is not known"},
		{"no format", func(p *Policy) { p.Format = 0 }, "format 0 is not known"},
		{"negative half-life", func(p *Policy) { p.HalfLifeDays = -1 }, "half_life_days must be from 0"},
		{"long half-life", func(p *Policy) { p.HalfLifeDays = MaxHalfLifeDays + 1 }, "half_life_days must be from 0"},
		{"cap without period", func(p *Policy) { p.CapPoints = 10 }, "cap_points and period_days go together"},
		{"period without cap", func(p *Policy) { p.PeriodDays = 10 }, "cap_points and period_days go together"},
		{"negative cap", func(p *Policy) { p.CapPoints, p.PeriodDays = -5, 30 }, "cap_points must be from 1"},
		{"empty kind", func(p *Policy) { p.Equations = map[string]string{"": "1"} }, `equation kind ""`},
		{"split short", func(p *Policy) { p.Split = Split{Contributors: "1/2", Infrastructure: "1/4"} }, "the fractions add up to 3/4, not to 1"},
		{"split over", func(p *Policy) { p.Split = Split{Contributors: "1/1", Solidarity: "1/100"} }, "add up to 101/100, not to 1"},
		{"split missing", func(p *Policy) { p.Split = Split{} }, `contributors is "", not a fraction`},
		{"decimal", func(p *Policy) { p.Split = Split{Contributors: "0.5", CoBudget: "1/2"} }, `contributors is "0.5", not a fraction written "n/d"`},
		{"zero denominator", func(p *Policy) { p.Split = Split{Contributors: "1/0"} }, `contributors is "1/0"`},
		{"sign", func(p *Policy) { p.Split = Split{Contributors: "3/2", CoBudget: "-1/2"} }, `co_budget is "-1/2"`},
		{"space", func(p *Policy) { p.Split = Split{Contributors: " 1/1"} }, `contributors is " 1/1"`},
		{"huge", func(p *Policy) { p.Split = Split{Contributors: "1000000000000000000000/1000000000000000000000"} }, "not a fraction"},
		{"upstream twice", func(p *Policy) {
			p.Split = Split{Contributors: "1/2", Upstream: []Upstream{{"lib", "1/4"}, {"lib", "1/4"}}}
		}, `upstream commons "lib" appears twice`},
		{"upstream unnamed", func(p *Policy) { p.Split = Split{Contributors: "1/2", Upstream: []Upstream{{"", "1/2"}}} }, "upstream[0]: the commons must be named"},
		{"upstream bad share", func(p *Policy) { p.Split = Split{Contributors: "1/2", Upstream: []Upstream{{"lib", "half"}}} }, `upstream[0].share is "half"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := simple()
			c.change(&p)
			_, err := Compile(p)
			if meent.ErrorCode(err) != meent.EINVALID || !strings.Contains(meent.ErrorMessage(err), c.message) {
				t.Errorf("Compile: %v; want EINVALID with %q", err, c.message)
			}
		})
	}
}

func TestCompileAccepts(t *testing.T) {
	cases := []struct {
		name   string
		change func(*Policy)
	}{
		{"default policy", func(p *Policy) { *p = DefaultPolicy() }},
		{"fair shares", func(p *Policy) { p.Split = FairShares() }},
		{"cooperative", func(p *Policy) { p.Split = Cooperative() }},
		{"cooperative with upstream", func(p *Policy) { p.Split = Cooperative("libfoo", "libbar", "libbaz") }},
		{"all to contributors", func(p *Policy) { p.Split = Split{Contributors: "1/1"} }},
		{"nothing to contributors", func(p *Policy) { p.Split = Split{Contributors: "0/1", CoBudget: "1/1"} }},
		{"unreduced fractions", func(p *Policy) { p.Split = Split{Contributors: "2/4", Solidarity: "3/12", CoBudget: "25/100"} }},
		{"functions", func(p *Policy) { p.Default = "size(kind) + min(minutes, 3) + max(approvals, 1) + isqrt(amount)" }},
		{"in and strings", func(p *Policy) {
			p.Default = `(kind in ["code", "design"] ? 10 : 1) + (kind.startsWith("co") || kind.endsWith("x") || kind.contains("d") ? 1 : 0)`
		}},
		{"multi-line", func(p *Policy) { p.Default = "minutes\n  + 2 * endorsements // peers count double\n  + approvals" }},
		{"guarded division", func(p *Policy) { p.Default = "minutes > 0 ? lines_added / minutes : 0" }},
		// The default never sees a kind that has its own equation, so what
		// it would give for that kind is not probed.
		{"unreachable branch", func(p *Policy) {
			p.Equations = map[string]string{"funds": "amount / 100"}
			p.Default = `kind == "funds" ? 0 - 1 : minutes`
		}},
		{"longest half-life", func(p *Policy) { p.HalfLifeDays = MaxHalfLifeDays }},
		{"caps", func(p *Policy) { p.CapPoints, p.PeriodDays = MaxPoints, MaxPeriodDays }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := simple()
			c.change(&p)
			if _, err := Compile(p); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestCompileReportsEveryEquation(t *testing.T) {
	p := simple()
	p.Default = "minutes +"
	p.Equations = map[string]string{"code": "kind", "review": "minutes", "design": "0 - 1"}
	_, err := Compile(p)
	var ps Problems
	if !errors.As(err, &ps) {
		t.Fatal(err)
	}
	var names []string
	for _, p := range ps {
		names = append(names, p.Equation)
	}
	if got := strings.Join(names, " "); got != "default equations.code equations.design" {
		t.Errorf("problems in %s", got)
	}
}

func TestDecodePolicy(t *testing.T) {
	good := `{"format":1,"version":3,"equations":{"code":"lines_added / 10"},"default":"minutes","half_life_days":180,"split":{"contributors":"3/4","upstream":[{"commons":"c1","share":"1/4"}]}}`
	p, err := DecodePolicy([]byte(good))
	if err != nil {
		t.Fatal(err)
	}
	if p.Version != 3 || p.Equations["code"] != "lines_added / 10" || p.Split.Upstream[0].Commons != "c1" {
		t.Errorf("decoded %+v", p)
	}
	c, err := Compile(p)
	if err != nil {
		t.Fatal(err)
	}
	// The canonical form sorts equations and leaves out empty members.
	want := `{"format":1,"version":3,"equations":{"code":"lines_added / 10"},"default":"minutes","half_life_days":180,"split":{"contributors":"3/4","upstream":[{"commons":"c1","share":"1/4"}]}}`
	if got := string(c.Encoded()); got != want {
		t.Errorf("encoded\n%s\nwant\n%s", got, want)
	}
	for _, bad := range []string{
		`{"format":1,"default":"minutes","split":{"contributors":"1/1"},"extra":1}`,
		`{"format":1,"default":"minutes","default":"amount","split":{"contributors":"1/1"}}`,
		`{"format":1,"default":"minutes","split":{"contributors":"1/1"}} {}`,
		"{\"format\":1,\"default\":\"\xff\",\"split\":{\"contributors\":\"1/1\"}}",
		`{"format":"1"}`,
		`[]`,
		``,
	} {
		if _, err := DecodePolicy([]byte(bad)); meent.ErrorCode(err) != meent.EINVALID {
			t.Errorf("DecodePolicy(%q) = %v; want EINVALID", bad, err)
		}
	}
	if _, err := DecodePolicy(make([]byte, MaxPolicySize+1)); meent.ErrorCode(err) != meent.ETOOLARGE {
		t.Errorf("oversize: %v", err)
	}
}

func TestPresets(t *testing.T) {
	for _, c := range []struct {
		split Split
		want  map[string]*big.Rat
	}{
		{FairShares(), map[string]*big.Rat{"contributors": big.NewRat(1, 2), "infrastructure": big.NewRat(1, 4), "co_budget": big.NewRat(1, 4)}},
		{Cooperative(), map[string]*big.Rat{"contributors": big.NewRat(3, 5), "infrastructure": big.NewRat(1, 5), "solidarity": big.NewRat(1, 10), "co_budget": big.NewRat(1, 10)}},
		{Cooperative("a", "b"), map[string]*big.Rat{"contributors": big.NewRat(3, 5), "infrastructure": big.NewRat(1, 5), "solidarity": big.NewRat(1, 10), "co_budget": big.NewRat(1, 20), "upstream:a": big.NewRat(1, 40), "upstream:b": big.NewRat(1, 40)}},
	} {
		pools, err := checkSplit(c.split)
		if err != nil {
			t.Fatal(err)
		}
		if len(pools) != len(c.want) {
			t.Errorf("%+v: %d pools", c.split, len(pools))
		}
		for _, p := range pools {
			if c.want[p.name] == nil || p.frac.Cmp(c.want[p.name]) != 0 {
				t.Errorf("%+v: %s gets %s", c.split, p.name, p.frac.RatString())
			}
		}
	}
}

func TestIsqrt(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		x := rapid.OneOf(rapid.Int64Range(0, 1<<20), rapid.Int64Range(0, 1<<62-1), rapid.Int64Range(1<<62, 1<<63-1)).Draw(t, "x")
		want := new(big.Int).Sqrt(big.NewInt(x)).Int64()
		if got := isqrt(x); got != want {
			t.Fatalf("isqrt(%d) = %d, want %d", x, got, want)
		}
	})
	for _, x := range []int64{0, 1, 2, 3, 4, 15, 16, 17, 1<<62 - 1, 1 << 62, 1<<63 - 1} {
		if got, want := isqrt(x), new(big.Int).Sqrt(big.NewInt(x)).Int64(); got != want {
			t.Errorf("isqrt(%d) = %d, want %d", x, got, want)
		}
	}
}
