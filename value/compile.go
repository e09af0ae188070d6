package value

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/ast"
	"cel.dev/cel-go/common/cost"
	"cel.dev/cel-go/common/env"
	"cel.dev/cel-go/common/operators"
	"cel.dev/cel-go/common/overloads"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/interpreter"

	"github.com/meent/meent"
)

// The variables an equation reads. kind and author are strings; all
// others are int.
// Quantities above their maximum are clamped to it before evaluation, and
// Compile probes every equation up to these maxima, so an accepted
// equation has been seen to stay within 0..MaxPoints at the corners of the
// whole domain.
var variables = [numInts]struct {
	name         string
	typical, max int64
}{
	{"minutes", 90, 525_600},          // one year
	{"lines_added", 200, 10_000_000},  //
	{"lines_removed", 50, 10_000_000}, //
	{"endorsements", 3, 100_000},      //
	{"approvals", 2, 1_000},           //
	{"age_days", 30, 36_500},          // a hundred years
	{"need_bounty", 50_000, 1e12},     // minor units
	{"amount", 10_000, 1e12},          // minor units
}

// Variable describes one variable an equation can read.
type Variable struct {
	Name string `json:"name"`
	Type string `json:"type"`          // "string" or "int"
	Max  int64  `json:"max,omitempty"` // larger values are clamped to this
}

// Variables lists the variables of equations, for editors and API docs.
func Variables() []Variable {
	out := []Variable{{Name: "kind", Type: "string"}, {Name: "author", Type: "string"}}
	for _, v := range variables {
		out = append(out, Variable{Name: v.name, Type: "int", Max: v.max})
	}
	return out
}

// Indexes into activation.ints, in the order of variables.
const (
	vMinutes = iota
	vLinesAdded
	vLinesRemoved
	vEndorsements
	vApprovals
	vAgeDays
	vNeedBounty
	vAmount
	numInts
)

// MaxCost is the largest estimated evaluation cost (in CEL's cost units,
// about one per operation) an equation may have. Equations have no
// macros and so no loops; their cost is bounded by their size.
const MaxCost = 1000

// Problem is one thing wrong with an equation, located in its text.
type Problem struct {
	Equation string `json:"equation"` // "equations.<kind>" or "default"
	Line     int    `json:"line"`     // 1-based
	Column   int    `json:"column"`   // 1-based, in characters
	Message  string `json:"message"`
}

func (p Problem) String() string {
	return fmt.Sprintf("%s:%d:%d: %s", p.Equation, p.Line, p.Column, p.Message)
}

// Problems is the cause inside the *meent.Error that Compile returns when
// it refuses equations, so a user interface can point at each one.
type Problems []Problem

func (ps Problems) Error() string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = p.String()
	}
	return strings.Join(s, "; ")
}

// Compiled is a checked policy, ready to run. It is immutable and safe
// for concurrent use.
type Compiled struct {
	policy  Policy
	encoded []byte               // canonical JSON
	byKind  map[string]*equation // equations by contribution kind
	def     *equation
	pools   []pool
	decay   *decayTable // nil without decay
}

// Policy returns the policy c was compiled from.
func (c *Compiled) Policy() Policy {
	p := c.policy
	p.Equations = maps.Clone(p.Equations)
	p.Split.Upstream = slices.Clone(p.Split.Upstream)
	p.Exclude = slices.Clone(p.Exclude)
	return p
}

// excluded reports whether the policy's exclude list names author.
func (c *Compiled) excluded(author string) bool {
	for _, p := range c.policy.Exclude {
		if matchAuthor(p, author) {
			return true
		}
	}
	return false
}

// Encoded returns the policy's canonical JSON (see Policy.Encode).
func (c *Compiled) Encoded() []byte { return slices.Clone(c.encoded) }

// equation is one compiled equation.
type equation struct {
	name string // "equations.<kind>" or "default"
	src  string
	ast  *cel.Ast
	prg  cel.Program
}

var policyEnv = sync.OnceValues(newEnv)

// newEnv builds the one CEL environment equations are checked in: the
// declared variables, integer arithmetic, comparisons, logic, the
// conditional, "in" over a list, a few string tests, and min, max and
// isqrt. There are no macros (so no comprehensions and no loops), no
// floating point, no timestamps or durations (so nothing depends on a
// clock or a time-zone database), and no regular expressions.
func newEnv() (*cel.Env, error) {
	fn := func(name string, ids ...string) *env.Function {
		f := &env.Function{Name: name}
		for _, id := range ids {
			f.Overloads = append(f.Overloads, &env.Overload{ID: id})
		}
		return f
	}
	subset := env.NewLibrarySubset().SetDisableMacros(true).AddIncludedFunctions(
		fn(operators.Add, overloads.AddInt64),
		fn(operators.Subtract, overloads.SubtractInt64),
		fn(operators.Multiply, overloads.MultiplyInt64),
		fn(operators.Divide, overloads.DivideInt64),
		fn(operators.Modulo, overloads.ModuloInt64),
		fn(operators.Negate, overloads.NegateInt64),
		fn(operators.Equals),
		fn(operators.NotEquals),
		fn(operators.Less, overloads.LessInt64, overloads.LessString),
		fn(operators.LessEquals, overloads.LessEqualsInt64, overloads.LessEqualsString),
		fn(operators.Greater, overloads.GreaterInt64, overloads.GreaterString),
		fn(operators.GreaterEquals, overloads.GreaterEqualsInt64, overloads.GreaterEqualsString),
		fn(operators.LogicalAnd),
		fn(operators.LogicalOr),
		fn(operators.LogicalNot),
		fn(operators.Conditional),
		fn(operators.In, overloads.InList),
		fn(overloads.Size, overloads.SizeString, overloads.SizeStringInst),
		fn(overloads.StartsWith, overloads.StartsWithString),
		fn(overloads.EndsWith, overloads.EndsWithString),
		fn(overloads.Contains, overloads.ContainsString),
	)
	opts := []cel.EnvOption{
		cel.StdLib(cel.StdLibSubset(subset)),
		cel.Variable("kind", cel.StringType),
		// author is who the contribution counts for: the unmapped identity
		// of an imported commit ("git:dependabot[bot]@users.noreply.github.com")
		// or the contributor's agent ID. It is already a member of the
		// distribution's canonical input, so reading it changes no digest.
		cel.Variable("author", cel.StringType),
		cel.ParserExpressionSizeLimit(MaxEquationLen),
		cel.ParserRecursionLimit(200),
		cel.ExpressionNodeLimit(2000),
		cel.Function("min", cel.Overload("min_int_int", []*cel.Type{cel.IntType, cel.IntType}, cel.IntType,
			cel.BinaryBinding(func(a, b ref.Val) ref.Val { return types.Int(min(a.(types.Int), b.(types.Int))) }))),
		cel.Function("max", cel.Overload("max_int_int", []*cel.Type{cel.IntType, cel.IntType}, cel.IntType,
			cel.BinaryBinding(func(a, b ref.Val) ref.Val { return types.Int(max(a.(types.Int), b.(types.Int))) }))),
		cel.Function("isqrt", cel.Overload("isqrt_int", []*cel.Type{cel.IntType}, cel.IntType,
			cel.UnaryBinding(func(a ref.Val) ref.Val {
				x := int64(a.(types.Int))
				if x < 0 {
					return types.NewErr("isqrt of a negative number")
				}
				return types.Int(isqrt(x))
			}))),
	}
	for _, v := range variables {
		opts = append(opts, cel.Variable(v.name, cel.IntType))
	}
	return cel.NewCustomEnv(opts...)
}

// isqrt is the floor of the square root of x >= 0, exactly, digit by
// digit in base 4 (no floating point, no allocation).
func isqrt(x int64) int64 {
	u, r, bit := uint64(x), uint64(0), uint64(1)<<62
	for bit > u {
		bit >>= 2
	}
	for bit != 0 {
		if u >= r+bit {
			u -= r + bit
			r = r>>1 + bit
		} else {
			r >>= 1
		}
		bit >>= 2
	}
	return int64(r)
}

// activation feeds one contribution's variables to an equation without a
// map: CEL asks for each variable by name.
type activation struct {
	kind   types.String
	author types.String
	ints   [numInts]types.Int
}

func (a *activation) ResolveName(name string) (any, bool) {
	switch name {
	case "kind":
		return a.kind, true
	case "author":
		return a.author, true
	case "minutes":
		return a.ints[vMinutes], true
	case "lines_added":
		return a.ints[vLinesAdded], true
	case "lines_removed":
		return a.ints[vLinesRemoved], true
	case "endorsements":
		return a.ints[vEndorsements], true
	case "approvals":
		return a.ints[vApprovals], true
	case "age_days":
		return a.ints[vAgeDays], true
	case "need_bounty":
		return a.ints[vNeedBounty], true
	case "amount":
		return a.ints[vAmount], true
	}
	return nil, false
}

func (a *activation) Parent() interpreter.Activation { return nil }

// describe names the inputs of a probe, for an error message: the kind
// and the variables that are not 0.
func (a *activation) describe() string {
	var b strings.Builder
	fmt.Fprintf(&b, "kind=%q", string(a.kind))
	if a.author != "" {
		fmt.Fprintf(&b, ", author=%q", string(a.author))
	}
	zeros := 0
	for i, v := range variables {
		if a.ints[i] == 0 {
			zeros++
			continue
		}
		fmt.Fprintf(&b, ", %s=%d", v.name, int64(a.ints[i]))
	}
	switch zeros {
	case numInts:
		b.WriteString(" and every variable 0")
	case 0:
	default:
		b.WriteString(" and the other variables 0")
	}
	return b.String()
}

// eval runs e on a. A runtime error (division by zero, overflow) comes
// back with the node it happened at, or 0.
func (e *equation) eval(a *activation) (int64, int64, error) {
	out, _, err := e.prg.Eval(a)
	if err != nil {
		var ce *types.Err
		if errors.As(err, &ce) {
			return 0, ce.NodeID(), errors.New(ce.String())
		}
		return 0, 0, err
	}
	v, ok := out.(types.Int)
	if !ok {
		return 0, 0, fmt.Errorf("gave a %s, not an int", out.Type().TypeName())
	}
	return int64(v), 0, nil
}

// location returns the 1-based line and column of a node, or 1:1.
func (e *equation) location(id int64) (int, int) {
	if id != 0 && e.ast != nil {
		loc := e.ast.NativeRep().SourceInfo().GetStartLocation(id)
		if loc.Line() > 0 {
			return loc.Line(), loc.Column() + 1
		}
	}
	return 1, 1
}

// Compile checks a policy and prepares it to run. It refuses, with
// *meent.Error code EINVALID: an unknown format; equations that do not
// parse or type-check, or whose result is not an int (each problem with
// its equation and line:column, also as Problems in the error's cause);
// equations that fail, go negative or exceed MaxPoints on the probe
// inputs (zeros, typical values and the maxima of every variable); too
// costly equations; a bad half-life or cap; and a split whose fractions
// do not add up to exactly 1.
func Compile(p Policy) (*Compiled, error) {
	bad := func(format string, args ...any) error {
		return meent.Errorf(meent.EINVALID, "value policy: "+format, args...)
	}
	if p.Format != Format {
		return nil, bad("format %d is not known (this node reads format %d)", p.Format, Format)
	}
	if p.Version < 0 {
		return nil, bad("version must not be negative")
	}
	if len(p.Name) > MaxNameLen || !utf8.ValidString(p.Name) {
		return nil, bad("the name must be at most %d bytes of UTF-8", MaxNameLen)
	}
	if len(p.Equations) > MaxEquations {
		return nil, bad("more than %d equations", MaxEquations)
	}
	if p.HalfLifeDays < 0 || p.HalfLifeDays > MaxHalfLifeDays {
		return nil, bad("half_life_days must be from 0 (no decay) to %d", MaxHalfLifeDays)
	}
	if (p.CapPoints == 0) != (p.PeriodDays == 0) {
		return nil, bad("cap_points and period_days go together: set both or neither")
	}
	if p.CapPoints < 0 || p.CapPoints > MaxPoints {
		return nil, bad("cap_points must be from 1 to %d", int64(MaxPoints))
	}
	if p.PeriodDays < 0 || p.PeriodDays > MaxPeriodDays {
		return nil, bad("period_days must be from 1 to %d", MaxPeriodDays)
	}
	if p.MinPayout < 0 || p.MinPayout > MaxMinPayout {
		return nil, bad("min_payout must be from 0 to %d minor units", int64(MaxMinPayout))
	}
	pools, err := checkSplit(p.Split)
	if err != nil {
		return nil, err
	}
	if err := checkExclude(p.Exclude); err != nil {
		return nil, err
	}
	kinds := slices.Sorted(maps.Keys(p.Equations))
	for _, k := range kinds {
		if k == "" || len(k) > MaxKindLen || !utf8.ValidString(k) {
			return nil, bad("equation kind %q must be 1 to %d bytes of UTF-8", k, MaxKindLen)
		}
	}
	encoded, err := p.Encode()
	if err != nil {
		return nil, err
	}

	c := &Compiled{policy: p, encoded: encoded, byKind: make(map[string]*equation, len(kinds)), pools: pools}
	c.policy.Equations = maps.Clone(p.Equations)
	c.policy.Split.Upstream = slices.Clone(p.Split.Upstream)
	c.policy.Exclude = slices.Clone(p.Exclude)
	var problems Problems
	compile := func(name, src string, probeKinds []string) *equation {
		e, ps := compileEquation(name, src)
		if len(ps) == 0 {
			if probeKinds == nil {
				probeKinds = defaultKinds(e.ast, p.Equations)
			}
			ps = e.probe(probeKinds)
		}
		problems = append(problems, ps...)
		return e
	}
	c.def = compile("default", p.Default, nil)
	for _, k := range kinds {
		c.byKind[k] = compile("equations."+k, p.Equations[k], []string{k})
	}
	if len(problems) > 0 {
		shown := problems
		if len(shown) > 5 {
			shown = shown[:5]
		}
		msg := "value policy: " + shown.Error()
		if len(problems) > len(shown) {
			msg += fmt.Sprintf("; and %d more", len(problems)-len(shown))
		}
		return nil, &meent.Error{Code: meent.EINVALID, Message: msg, Err: problems}
	}
	if p.HalfLifeDays > 0 {
		c.decay = newDecayTable(p.HalfLifeDays)
	}
	return c, nil
}

// compileEquation parses, type-checks and plans one equation.
func compileEquation(name, src string) (*equation, Problems) {
	e := &equation{name: name, src: src}
	at := func(line, col int, format string, args ...any) Problems {
		return Problems{{Equation: name, Line: line, Column: col, Message: fmt.Sprintf(format, args...)}}
	}
	if strings.TrimSpace(src) == "" {
		return e, at(1, 1, "the equation is empty (write 0 to give no points)")
	}
	if len(src) > MaxEquationLen {
		return e, at(1, 1, "the equation is longer than %d bytes", MaxEquationLen)
	}
	if !utf8.ValidString(src) {
		return e, at(1, 1, "the equation is not valid UTF-8")
	}
	envv, err := policyEnv()
	if err != nil {
		return e, at(1, 1, "internal error: %v", err)
	}
	checked, iss := envv.Compile(src)
	if iss != nil && iss.Err() != nil {
		var ps Problems
		for _, ce := range iss.Errors() {
			line, col := ce.Location.Line(), ce.Location.Column()+1
			if line < 1 {
				line, col = 1, 1
			}
			msg, _, _ := strings.Cut(ce.Message, " expecting {") // ANTLR lists every token it would take
			ps = append(ps, Problem{Equation: name, Line: line, Column: col, Message: msg})
			if len(ps) == 3 {
				break
			}
		}
		return e, ps
	}
	e.ast = checked
	if t := checked.OutputType(); !t.IsExactType(cel.IntType) {
		return e, at(1, 1, "the equation gives a %s; it must give an int (points)", t.String())
	}
	est, err := envv.EstimateCost(checked, estimator{})
	if err != nil {
		return e, at(1, 1, "cannot estimate the cost: %v", err)
	}
	if est.Max > MaxCost {
		return e, at(1, 1, "the equation is too costly (estimated %d, at most %d)", est.Max, MaxCost)
	}
	prg, err := envv.Program(checked, cel.EvalOptions(cel.OptOptimize))
	if err != nil {
		return e, at(1, 1, "%v", err)
	}
	e.prg = prg
	return e, nil
}

// estimator tells CEL's cost estimator how long kind and author can be.
type estimator struct{}

func (estimator) EstimateSize(n cost.AstNode) *cost.SizeEstimate {
	if p := n.Path(); len(p) == 1 && p[0] == "kind" {
		return &cost.SizeEstimate{Min: 0, Max: MaxKindLen}
	} else if len(p) == 1 && p[0] == "author" {
		return &cost.SizeEstimate{Min: 0, Max: MaxIDLen}
	}
	return nil
}

func (estimator) EstimateCallCost(function, overloadID string, target *cost.AstNode, args []cost.AstNode) *cost.CallEstimate {
	return nil
}

// probeValues are the values each variable takes in the probes besides 0,
// its typical value and its maximum: small numbers and round ones, where
// an expression like 100 / (minutes - 60) fails.
var probeValues = []int64{1, 2, 3, 7, 10, 30, 59, 60, 61, 100, 365, 1000, 1440}

// probe evaluates e on the probe inputs and reports the first failure:
// a runtime error, a negative result or one above MaxPoints. The inputs
// are every combination of 0, typical and maximum over the eight int
// variables, and each variable through probeValues with the others at 0
// and at their typical values, for each probe kind. The author is empty,
// then, in the second sweep only, each string the equation names, so a
// branch on the author (a bot that gets 0) is probed too.
func (e *equation) probe(kinds []string) Problems {
	var a activation
	authors := []string{""}
	for _, s := range stringLiterals(e.ast) {
		if s != "" && !slices.Contains(authors, s) && len(authors) < 16 {
			authors = append(authors, s)
		}
	}
	check := func() Problems {
		v, id, err := e.eval(&a)
		if err != nil {
			line, col := e.location(id)
			return Problems{{Equation: e.name, Line: line, Column: col, Message: fmt.Sprintf("%v (for %s)", err, a.describe())}}
		}
		if v < 0 || v > MaxPoints {
			return Problems{{Equation: e.name, Line: 1, Column: 1, Message: fmt.Sprintf("gives %d points for %s; points must be from 0 to %d", v, a.describe(), int64(MaxPoints))}}
		}
		return nil
	}
	for _, k := range kinds {
		a.kind = types.String(k)
		// Every combination of {0, typical, max}: 3^8 = 6561 inputs.
		var idx [numInts]int
		for {
			for i, v := range variables {
				a.ints[i] = types.Int([3]int64{0, v.typical, v.max}[idx[i]])
			}
			if ps := check(); ps != nil {
				return ps
			}
			i := 0
			for ; i < numInts; i++ {
				if idx[i]++; idx[i] < 3 {
					break
				}
				idx[i] = 0
			}
			if i == numInts {
				break
			}
		}
		for _, au := range authors {
			a.author = types.String(au)
			for base := range 2 {
				for i := range variables {
					for j, v := range variables {
						a.ints[j] = types.Int([2]int64{0, v.typical}[base])
					}
					for _, pv := range probeValues {
						a.ints[i] = types.Int(min(pv, variables[i].max))
						if ps := check(); ps != nil {
							return ps
						}
					}
				}
			}
			a.author = ""
		}
	}
	return nil
}

// defaultKinds are the kinds the default equation is probed with. The
// default sees every kind that has no equation of its own, so: the kinds
// its text names that are not taken, and two that no policy names.
func defaultKinds(a *cel.Ast, taken map[string]string) []string {
	var kinds []string
	for _, k := range append([]string{"other", "unnamed-kind"}, stringLiterals(a)...) {
		if hasKey(taken, k) || k == "" || slices.Contains(kinds, k) {
			continue
		}
		if kinds = append(kinds, k); len(kinds) == 16 {
			break
		}
	}
	for i := 0; len(kinds) == 0; i++ {
		if k := fmt.Sprintf("kind-%d", i); !hasKey(taken, k) {
			kinds = append(kinds, k)
		}
	}
	return kinds
}

// stringLiterals returns the string constants in an equation, in order.
func stringLiterals(a *cel.Ast) []string {
	if a == nil {
		return nil
	}
	var out []string
	for _, n := range ast.MatchDescendants(ast.NavigateAST(a.NativeRep()), ast.KindMatcher(ast.LiteralKind)) {
		if s, ok := n.AsLiteral().(types.String); ok {
			out = append(out, string(s))
		}
	}
	return out
}

// points evaluates the equation for one contribution's activation and
// checks the result's range.
func (e *equation) points(a *activation) (int64, error) {
	v, id, err := e.eval(a)
	if err != nil {
		line, col := e.location(id)
		return 0, fmt.Errorf("%s:%d:%d: %v", e.name, line, col, err)
	}
	if v < 0 || v > MaxPoints {
		return 0, fmt.Errorf("%s gives %d points; points must be from 0 to %s", e.name, v, strconv.FormatInt(MaxPoints, 10))
	}
	return v, nil
}

func hasKey(m map[string]string, k string) bool {
	_, ok := m[k]
	return ok
}
