package value

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/big"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/go-json-experiment/json"
	"pgregory.net/rapid"

	"github.com/meent/meent"
	"github.com/meent/meent/commons"
)

const day = int64(dayMillis)

func mustCompile(t testing.TB, p Policy) *Compiled {
	t.Helper()
	c, err := Compile(p)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// exampleInput is the worked example of docs/value.md.
func exampleInput() Input {
	return Input{
		Income: commons.Money{Amount: 1001, Currency: "EUR"},
		AsOf:   400 * day,
		Contributions: []Contribution{
			{ID: "c3", Identity: "git:carol@example.org", Kind: "code", Minutes: 10, Submitted: 300 * day},
			{ID: "c1", Contributor: "alice", Kind: "work_time", Minutes: 60, Submitted: 100 * day},
			{ID: "c2", Contributor: "bob", Kind: "work_time", Minutes: 30, Submitted: 200 * day},
		},
	}
}

func TestDistributeExample(t *testing.T) {
	c := mustCompile(t, simple())
	res, err := Distribute(c, exampleInput())
	if err != nil {
		t.Fatal(err)
	}
	// Pools: 1001 * 2/4 = 500.5, 1001 * 1/4 = 250.25 twice; the one unit
	// left goes to the largest remainder, the contributors'.
	wantPools := []Allocation{{"contributors", "pool", 501}, {"infrastructure", "pool", 250}, {"co_budget", "pool", 250}}
	if !slices.Equal(res.Pools, wantPools) {
		t.Errorf("pools %v, want %v", res.Pools, wantPools)
	}
	// Contributors: 501 * 60/100 = 300.6, * 30/100 = 150.3, * 10/100 = 50.1.
	want := []Allocation{
		{"infrastructure", "pool", 250}, {"co_budget", "pool", 250},
		{"alice", "agent", 301}, {"bob", "agent", 150}, {"git:carol@example.org", "identity", 50},
	}
	if !slices.Equal(res.Allocations, want) {
		t.Errorf("allocations %v, want %v", res.Allocations, want)
	}
	one := new(big.Int).Lsh(big.NewInt(1), DecayBits)
	if want := new(big.Int).Mul(big.NewInt(100), one); res.TotalWeight.Cmp(want) != 0 {
		t.Errorf("total weight %s, want %s", res.TotalWeight, want)
	}
	a := res.Explanations[0]
	if a.Recipient != "alice" || a.Share != "60.000000%" || a.Amount != 301 || !a.ExtraUnit ||
		len(a.Contributions) != 1 || a.Contributions[0] != (Counted{ID: "c1", Kind: "work_time", Submitted: 100 * day, AgeDays: 300, Points: 60, Decay: decayOne}) {
		t.Errorf("alice's explanation %+v", a)
	}
	if e := res.Explanations[2]; e.Recipient != "git:carol@example.org" || e.Kind != "identity" || e.Share != "10.000000%" || e.ExtraUnit {
		t.Errorf("carol's explanation %+v", e)
	}
	// The digest is pinned: changing the canonical form is a format change.
	if res.Digest != exampleDigest {
		t.Errorf("digest %s, want %s", res.Digest, exampleDigest)
	}
}

const exampleDigest = "07bde3cf874fd88f7a8d7c255f2af2b366b737dc9e4e72d36603f05cd0564f5c"

func TestDistributeDecayAndCaps(t *testing.T) {
	p := simple()
	p.HalfLifeDays, p.CapPoints, p.PeriodDays = 365, 100, 30
	p.Split = Split{Contributors: "1/1"}
	c := mustCompile(t, p)
	in := Input{
		Income: commons.Money{Amount: 1000, Currency: "EUR"},
		AsOf:   400 * day,
		Contributions: []Contribution{
			// Alice: 160 raw points in period 1 (days 30 to 59), over the cap of 100.
			{ID: "a1", Contributor: "alice", Kind: "work_time", Minutes: 80, Submitted: 35 * day},
			{ID: "a2", Contributor: "alice", Kind: "work_time", Minutes: 80, Submitted: 36 * day},
			// and 40 in period 2, under it.
			{ID: "a3", Contributor: "alice", Kind: "work_time", Minutes: 40, Submitted: 61 * day},
			{ID: "b1", Contributor: "bob", Kind: "work_time", Minutes: 50, Submitted: 400 * day},
		},
	}
	res, err := Distribute(c, in)
	if err != nil {
		t.Fatal(err)
	}
	f := newDecayTable(365).factor
	decayed := new(big.Int).Add(new(big.Int).Mul(big.NewInt(80), new(big.Int).SetUint64(f(365))), new(big.Int).Mul(big.NewInt(80), new(big.Int).SetUint64(f(364))))
	counted := new(big.Int).Quo(new(big.Int).Mul(decayed, big.NewInt(100)), big.NewInt(160))
	alice := new(big.Int).Add(counted, new(big.Int).Mul(big.NewInt(40), new(big.Int).SetUint64(f(339))))
	a := res.Explanations[0]
	if len(a.Capped) != 1 || a.Capped[0].Period != 1 || a.Capped[0].Start != 30*day || a.Capped[0].Points.Int64() != 160 ||
		a.Capped[0].Decayed.Cmp(decayed) != 0 || a.Capped[0].Counted.Cmp(counted) != 0 {
		t.Errorf("capped periods %+v", a.Capped)
	}
	if a.Weight.Cmp(alice) != 0 {
		t.Errorf("alice's weight %s, want %s", a.Weight, alice)
	}
	if a.Contributions[0].AgeDays != 365 || a.Contributions[0].Decay != f(365) || !a.Contributions[0].Capped || !a.Contributions[1].Capped ||
		a.Contributions[2].ID != "a3" || a.Contributions[2].Capped {
		t.Errorf("alice's contributions %+v", a.Contributions)
	}
	bob := new(big.Int).Mul(big.NewInt(50), new(big.Int).SetUint64(decayOne))
	if b := res.Explanations[1]; b.Weight.Cmp(bob) != 0 {
		t.Errorf("bob's weight %s, want %s", b.Weight, bob)
	}
	// 1000 * alice / (alice + bob), by hand.
	exact := new(big.Rat).SetFrac(new(big.Int).Mul(big.NewInt(1000), alice), new(big.Int).Add(alice, bob))
	fl, _ := new(big.Int).QuoRem(exact.Num(), exact.Denom(), new(big.Int))
	if got := res.Amount("agent", "alice"); got != fl.Int64() && got != fl.Int64()+1 {
		t.Errorf("alice gets %d, exact %s", got, exact.FloatString(3))
	}
	if res.Amount("agent", "alice")+res.Amount("agent", "bob") != 1000 {
		t.Error("not conserved")
	}
}

func TestDistributeRefusals(t *testing.T) {
	base := mustCompile(t, simple())
	tricky := simple()
	tricky.Default = "minutes == 77 ? 1 / (minutes - 77) : minutes" // passes the probes
	trickyC := mustCompile(t, tricky)
	negative := simple()
	negative.Default = "minutes == 77 ? 0 - 5 : minutes"
	negativeC := mustCompile(t, negative)
	ok := Contribution{ID: "x", Contributor: "alice", Kind: "code", Minutes: 10, Submitted: day}
	with := func(f func(*Contribution)) []Contribution {
		c := ok
		f(&c)
		return []Contribution{c}
	}
	cases := []struct {
		name    string
		c       *Compiled
		in      Input
		message string
	}{
		{"negative income", base, Input{Income: commons.Money{Amount: -1, Currency: "EUR"}}, "the income must not be negative"},
		{"currency", base, Input{Income: commons.Money{Amount: 1, Currency: "eur"}}, `the currency "eur" is not a three-letter code`},
		{"as of", base, Input{Income: commons.Money{Amount: 1, Currency: "EUR"}, AsOf: -1}, "the as-of time -1 is out of range"},
		{"duplicate", base, Input{Income: commons.Money{Currency: "EUR"}, Contributions: []Contribution{ok, ok}}, `contribution "x" appears twice`},
		{"no ID", base, Input{Income: commons.Money{Currency: "EUR"}, Contributions: with(func(c *Contribution) { c.ID = "" })}, "the ID must be"},
		{"both recipients", base, Input{Income: commons.Money{Currency: "EUR"}, Contributions: with(func(c *Contribution) { c.Identity = "git:a" })}, "exactly one of contributor and identity"},
		{"no recipient", base, Input{Income: commons.Money{Currency: "EUR"}, Contributions: with(func(c *Contribution) { c.Contributor = "" })}, "exactly one of contributor and identity"},
		{"no kind", base, Input{Income: commons.Money{Currency: "EUR"}, Contributions: with(func(c *Contribution) { c.Kind = "" })}, "the kind must be"},
		{"negative quantity", base, Input{Income: commons.Money{Currency: "EUR"}, Contributions: with(func(c *Contribution) { c.LinesRemoved = -1 })}, "quantities must not be negative"},
		{"bad UTF-8", base, Input{Income: commons.Money{Currency: "EUR"}, Contributions: with(func(c *Contribution) { c.Contributor = "\xff" })}, "UTF-8"},
		{"time", base, Input{Income: commons.Money{Currency: "EUR"}, Contributions: with(func(c *Contribution) { c.Submitted = -1 })}, "submission time -1"},
		{"runtime division by zero", trickyC, Input{Income: commons.Money{Currency: "EUR"}, Contributions: with(func(c *Contribution) { c.Minutes = 77 })}, `contribution "x": default:1:19: division by zero`},
		{"runtime negative", negativeC, Input{Income: commons.Money{Currency: "EUR"}, Contributions: with(func(c *Contribution) { c.Minutes = 77 })}, `contribution "x": default gives -5 points`},
		{"first bad by ID", negativeC, Input{Income: commons.Money{Currency: "EUR"}, Contributions: []Contribution{
			{ID: "b", Contributor: "a", Kind: "k", Minutes: 77}, {ID: "a", Contributor: "a", Kind: "k", Minutes: 77}, {ID: "c", Contributor: "a", Kind: "k", Minutes: 77},
		}}, `contribution "a":`},
		{"nobody to pay", base, Input{Income: commons.Money{Amount: 100, Currency: "EUR"}, Contributions: with(func(c *Contribution) { c.Minutes = 0 })}, "the contributors' share is 50 but no contribution has any weight"},
		{"no contributions", base, Input{Income: commons.Money{Amount: 100, Currency: "EUR"}}, "no contribution has any weight"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Distribute(c.c, c.in)
			if meent.ErrorCode(err) != meent.EINVALID || !strings.Contains(meent.ErrorMessage(err), c.message) {
				t.Errorf("Distribute: %v; want EINVALID with %q", err, c.message)
			}
		})
	}
	// Nothing to pay is fine without weights.
	res, err := Distribute(base, Input{Income: commons.Money{Currency: "EUR"}})
	if err != nil || len(res.Allocations) != 2 || res.Allocations[0].Amount != 0 {
		t.Errorf("zero income: %+v, %v", res, err)
	}
}

func TestDistributeClamps(t *testing.T) {
	c := mustCompile(t, simple())
	res, err := Distribute(c, Input{Income: commons.Money{Amount: 10, Currency: "EUR"}, Contributions: []Contribution{
		{ID: "big", Contributor: "a", Kind: "work_time", Minutes: 1 << 50},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if got := res.Explanations[0].Contributions[0]; got.Points != variables[vMinutes].max || !got.Clamped {
		t.Errorf("counted %+v", got)
	}
}

func TestFromCommons(t *testing.T) {
	c := &commons.Contribution{ID: "k", Contributor: "ag", Kind: "funds", SubmittedAt: 5,
		Quantities:   commons.Quantities{Minutes: 1, LinesAdded: 2, LinesRemoved: 3, Amount: &commons.Money{Amount: 4, Currency: "EUR"}},
		Endorsements: []string{"x", "y"}, Approvals: []string{"m"}}
	want := Contribution{ID: "k", Contributor: "ag", Kind: "funds", Minutes: 1, LinesAdded: 2, LinesRemoved: 3, Endorsements: 2, Approvals: 1, NeedBounty: 7, Amount: 4, Submitted: 5}
	if got := FromCommons(c, 7); got != want {
		t.Errorf("FromCommons = %+v", got)
	}
}

// TestCanonical: the digest is what Canonical's documentation says, and
// each line is the contribution's JSON.
func TestCanonical(t *testing.T) {
	c := mustCompile(t, simple())
	in := exampleInput()
	res, err := Distribute(c, in)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Canonical(c, in)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	if len(lines) != 4 || !strings.HasPrefix(lines[0], `{"format":1,"policy":{"format":1,"default":"minutes",`) ||
		!strings.HasSuffix(lines[0], `,"income":{"amount":1001,"currency":"EUR"},"as_of":34560000000,"contributions":3}`) {
		t.Fatalf("canonical input:\n%s", b)
	}
	h := sha256.New()
	h.Write([]byte(lines[0]))
	for i, l := range lines[1:] {
		var got Contribution
		if err := json.Unmarshal([]byte(l), &got, strict); err != nil || got.ID != fmt.Sprintf("c%d", i+1) {
			t.Errorf("line %q: %+v, %v", l, got, err)
		}
		s := sha256.Sum256([]byte(l))
		h.Write(s[:])
	}
	if d := hex.EncodeToString(h.Sum(nil)); d != res.Digest {
		t.Errorf("recomputed digest %s, result has %s", d, res.Digest)
	}
}

func TestContributionLine(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		str := rapid.OneOf(rapid.String(), rapid.StringMatching(`[a-z"\\<>&\x00-\x1f\x7f\x{2028}\x{fffd}é]{0,12}`))
		c := Contribution{ID: str.Draw(t, "id"), Kind: str.Draw(t, "kind"), Minutes: rapid.Int64().Draw(t, "min"), Submitted: rapid.Int64().Draw(t, "sub")}
		if rapid.Bool().Draw(t, "agent") {
			c.Contributor = str.Draw(t, "who")
		} else {
			c.Identity = str.Draw(t, "who")
		}
		want, err := json.Marshal(c, json.Deterministic(true))
		if err != nil {
			t.Fatal(err)
		}
		if got := appendContribution(nil, &c); !bytes.Equal(got, want) {
			t.Fatalf("line\n%s\nwant\n%s", got, want)
		}
	})
}

// genInput draws an input: up to 300 contributions from up to 25
// recipients, some unmapped, of a few kinds, over two years.
func genInput(t *rapid.T) Input {
	const asOf = 800 * day
	n := rapid.IntRange(0, 300).Draw(t, "n")
	m := rapid.IntRange(1, 25).Draw(t, "m")
	kinds := []string{"code", "review", "funds", "work_time", "other"}
	cs := make([]Contribution, n)
	for i := range cs {
		who := rapid.IntRange(0, m-1).Draw(t, "who")
		c := Contribution{
			ID:           fmt.Sprintf("k%05d", rapid.IntRange(0, 1<<20).Draw(t, "id")*1000+i), // unique
			Kind:         rapid.SampledFrom(kinds).Draw(t, "kind"),
			Minutes:      rapid.Int64Range(0, 600).Draw(t, "minutes"),
			LinesAdded:   rapid.Int64Range(0, 5000).Draw(t, "added"),
			LinesRemoved: rapid.Int64Range(0, 5000).Draw(t, "removed"),
			Endorsements: rapid.Int64Range(0, 30).Draw(t, "endorsements"),
			Approvals:    rapid.Int64Range(0, 3).Draw(t, "approvals"),
			NeedBounty:   rapid.SampledFrom([]int64{0, 0, 0, 5000, 123456}).Draw(t, "bounty"),
			Amount:       rapid.Int64Range(0, 1_000_000).Draw(t, "amount"),
			Submitted:    rapid.Int64Range(0, asOf+2*day).Draw(t, "submitted"),
		}
		if who%4 == 3 {
			c.Identity = fmt.Sprintf("git:%d", who)
		} else {
			c.Contributor = fmt.Sprintf("agent%d", who)
		}
		cs[i] = c
	}
	return Input{
		Income:        commons.Money{Amount: rapid.OneOf(rapid.Int64Range(0, 1000), rapid.Int64Range(0, 1<<62)).Draw(t, "income"), Currency: "EUR"},
		AsOf:          asOf,
		Contributions: cs,
	}
}

// testPolicies cover no decay, short and long decay, tight caps, and
// splits with and without upstream commons.
func testPolicies(t testing.TB) []*Compiled {
	def := DefaultPolicy()
	short := DefaultPolicy()
	short.HalfLifeDays, short.CapPoints, short.PeriodDays = 7, 50, 3
	short.Split = Split{Contributors: "1/3", Infrastructure: "1/7", Solidarity: "1/11", CoBudget: "0/1", Upstream: []Upstream{{"u1", "1/5"}, {"u2", "1/13"}, {"u3", ""}}}
	short.Split.Upstream[2].Share = "2342/15015" // makes the sum 1
	plain := simple()
	plain.Default = "minutes + lines_added / 10 + amount / 1000"
	plain.Split = Split{Contributors: "1/1"}
	return []*Compiled{mustCompile(t, def), mustCompile(t, short), mustCompile(t, plain)}
}

// TestDistributeProperties: no distribution creates or loses a minor
// unit; the order of the contributions does not matter; a re-run gives
// the same result and digest; each explanation adds up to its weight and
// its amount is within one unit of its exact share.
func TestDistributeProperties(t *testing.T) {
	policies := testPolicies(t)
	rapid.Check(t, func(t *rapid.T) {
		c := policies[rapid.IntRange(0, len(policies)-1).Draw(t, "policy")]
		in := genInput(t)
		res, err := Distribute(c, in)
		if meent.ErrorCode(err) == meent.EINVALID && strings.Contains(err.Error(), "no contribution has any weight") {
			t.Skip("nobody to pay")
		}
		if err != nil {
			t.Fatal(err)
		}
		var sum, pools, contributors, pool int64
		for _, a := range res.Allocations {
			sum += a.Amount
			if a.Kind != RecipientPool {
				contributors += a.Amount
			}
		}
		for _, a := range res.Pools {
			pools += a.Amount
			if a.Recipient == PoolContributors {
				pool = a.Amount
			}
		}
		if sum != in.Income.Amount || pools != in.Income.Amount || contributors != pool {
			t.Fatalf("income %d: allocated %d, pools %d, contributors %d of %d", in.Income.Amount, sum, pools, contributors, pool)
		}

		// Explanations check out.
		tb := newDecayTable(c.policy.HalfLifeDays)
		for _, e := range res.Explanations {
			w := new(big.Int)
			capped := map[int64]bool{}
			for _, cp := range e.Capped {
				w.Add(w, cp.Counted)
				capped[cp.Period] = true
			}
			for _, k := range e.Contributions {
				if k.Decay != tb.factor(int64(k.AgeDays)) {
					t.Fatalf("%s: decay %d for age %d", k.ID, k.Decay, k.AgeDays)
				}
				if c.policy.PeriodDays > 0 && capped[k.Submitted/(c.policy.PeriodDays*day)] != k.Capped {
					t.Fatalf("%s: capped %v", k.ID, k.Capped)
				}
				if k.Capped {
					continue
				}
				w.Add(w, new(big.Int).Mul(big.NewInt(k.Points), new(big.Int).SetUint64(k.Decay)))
			}
			if w.Cmp(e.Weight) != 0 {
				t.Fatalf("%s: weight %s, explained %s", e.Recipient, e.Weight, w)
			}
			if res.TotalWeight.Sign() == 0 {
				if e.Amount != 0 {
					t.Fatalf("%s gets %d with no weight at all", e.Recipient, e.Amount)
				}
				continue
			}
			exact := new(big.Int).Mul(big.NewInt(pool), e.Weight)
			fl := exact.Quo(exact, res.TotalWeight).Int64()
			if e.Amount != fl && e.Amount != fl+1 || e.ExtraUnit != (e.Amount == fl+1) {
				t.Fatalf("%s: amount %d, floor of the exact share %d", e.Recipient, e.Amount, fl)
			}
		}

		// Order does not matter; re-running gives the same.
		shuffled := Input{Income: in.Income, AsOf: in.AsOf, Contributions: rapid.Permutation(in.Contributions).Draw(t, "order")}
		again, err := Distribute(c, shuffled)
		if err != nil {
			t.Fatal(err)
		}
		a, _ := json.Marshal(res, json.Deterministic(true))
		b, _ := json.Marshal(again, json.Deterministic(true))
		if !bytes.Equal(a, b) {
			t.Fatalf("the result depends on the order of the contributions")
		}
		if again.Digest != res.Digest {
			t.Fatal("the digest depends on the order")
		}
	})
}

// TestDigestCoversInputs: changing any input changes the digest.
func TestDigestCoversInputs(t *testing.T) {
	c := mustCompile(t, simple())
	base, err := Distribute(c, exampleInput())
	if err != nil {
		t.Fatal(err)
	}
	p2 := simple()
	p2.Version = 2
	c2 := mustCompile(t, p2)
	for name, f := range map[string]func(*Input) *Compiled{
		"income":   func(in *Input) *Compiled { in.Income.Amount++; return c },
		"currency": func(in *Input) *Compiled { in.Income.Currency = "USD"; return c },
		"as of":    func(in *Input) *Compiled { in.AsOf++; return c },
		"policy":   func(in *Input) *Compiled { return c2 },
		"quantity": func(in *Input) *Compiled { in.Contributions[0].Endorsements++; return c },
		"who":      func(in *Input) *Compiled { in.Contributions[1].Contributor = "alicia"; return c },
		"dropped":  func(in *Input) *Compiled { in.Contributions = in.Contributions[1:]; return c },
	} {
		in := exampleInput()
		cc := f(&in)
		res, err := Distribute(cc, in)
		if err != nil {
			t.Fatal(err)
		}
		if res.Digest == base.Digest {
			t.Errorf("%s: same digest", name)
		}
	}
}

func TestPreview(t *testing.T) {
	old := mustCompile(t, simple())
	p := simple()
	p.Equations = map[string]string{"code": "minutes * 10"} // carol's code counts ten times
	p.Split = Split{Contributors: "3/4", CoBudget: "1/4"}
	next := mustCompile(t, p)
	changes, err := Preview(old, next, exampleInput())
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]Change{}
	for _, ch := range changes {
		got[ch.Kind+":"+ch.Recipient] = ch
	}
	// Before: carol has 10 of 100 points of half the income: 5%.
	// After: 100 of 190 points of three quarters: 39.473684%.
	carol := got["identity:git:carol@example.org"]
	if carol.Before != (Portion{Amount: 50, Share: "5.000000%"}) || carol.After.Share != "39.473684%" {
		t.Errorf("carol: %+v", carol)
	}
	infra := got["pool:infrastructure"]
	if infra.Before != (Portion{Amount: 250, Share: "25.000000%"}) || infra.After != (Portion{Amount: 0, Share: "0.000000%"}) {
		t.Errorf("infrastructure: %+v", infra)
	}
	broken := simple()
	broken.Default = "minutes == 10 && age_days == 100 ? 0 - 1 : 1" // carol; no probe has this
	if _, err := Preview(old, mustCompile(t, broken), exampleInput()); meent.ErrorCode(err) != meent.EINVALID ||
		!strings.HasPrefix(meent.ErrorMessage(err), `with the new policy: distribution: contribution "c3": default gives -1 points`) {
		t.Errorf("Preview with a failing policy: %v", err)
	}
	if changes[0].Kind != RecipientPool || changes[len(changes)-1].Kind != RecipientIdentity {
		t.Errorf("order: %+v", changes)
	}
	var before, after int64
	for _, ch := range changes {
		before += ch.Before.Amount
		after += ch.After.Amount
	}
	if before != 1001 || after != 1001 {
		t.Errorf("preview amounts add up to %d and %d", before, after)
	}
}

// TestDistributeParallel: large inputs are worked on by several goroutines;
// the result is the same as on one, and for any order of the input.
func TestDistributeParallel(t *testing.T) {
	c := mustCompile(t, DefaultPolicy())
	in := benchInput(20_000, 300)
	res, err := Distribute(c, in)
	if err != nil {
		t.Fatal(err)
	}
	prev := runtime.GOMAXPROCS(1)
	one, err := Distribute(c, in)
	runtime.GOMAXPROCS(prev)
	if err != nil {
		t.Fatal(err)
	}
	rev := Input{Income: in.Income, AsOf: in.AsOf, Contributions: slices.Clone(in.Contributions)}
	slices.Reverse(rev.Contributions)
	back, err := Distribute(c, rev)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := json.Marshal(res, json.Deterministic(true))
	for _, other := range []Result{one, back} {
		if b, _ := json.Marshal(other, json.Deterministic(true)); !bytes.Equal(a, b) {
			t.Fatal("results differ")
		}
	}
	var sum int64
	for _, a := range res.Allocations {
		sum += a.Amount
	}
	if sum != in.Income.Amount || len(res.Explanations) != 300 {
		t.Errorf("allocated %d of %d to %d", sum, in.Income.Amount, len(res.Explanations))
	}
}
