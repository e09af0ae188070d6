package modcheck

import (
	"fmt"
	"io"
	"maps"
	"math/big"
	"slices"
	"strings"
	"unicode"

	"github.com/meent/meent/commons"
	"github.com/meent/meent/license"
)

// Report writes the results for people: for each module what its use
// owes (the yearly price and currency), to whom (the commons and its
// node), why, and what would make it free; then the totals per currency,
// exact, counting one license per commons however many of its modules
// are required. Text that comes from well-known files is written with its
// control characters replaced, so a file cannot drive the terminal.
func Report(w io.Writer, results []Result) error {
	var b strings.Builder
	direct, policies, failed := 0, 0, 0
	for _, r := range results {
		if !r.Indirect {
			direct++
		}
		if r.Source != "" && r.Err == nil {
			policies++
		}
		if r.Err != nil {
			failed++
		}
	}
	fmt.Fprintf(&b, "meent license check: %s (%d direct, %d indirect), %d with a meent license policy.\n",
		plural(len(results), "required module"), direct, len(results)-direct, policies)

	// One license per commons: the row with the highest policy version
	// (the first of them) stands for the commons in the totals.
	chosen := map[string]int{}
	for i, r := range results {
		if r.Source == "" || r.Err != nil {
			continue
		}
		k := r.Node + " " + r.Commons
		if j, ok := chosen[k]; !ok || r.PolicyVersion > results[j].PolicyVersion {
			chosen[k] = i
		}
	}
	now, after := map[string]*big.Int{}, map[string]*big.Int{}
	licenses, trials := 0, false
	add := func(sums map[string]*big.Int, m commons.Money) {
		if sums[m.Currency] == nil {
			sums[m.Currency] = new(big.Int)
		}
		sums[m.Currency].Add(sums[m.Currency], big.NewInt(m.Amount))
	}

	for i := range results {
		r := &results[i]
		b.WriteString("\n" + clean(r.Module) + " " + clean(r.Version))
		if r.Replace != "" {
			b.WriteString(" => " + clean(r.Replace))
		}
		if r.Indirect {
			b.WriteString(" (indirect)")
		}
		b.WriteString("\n")
		switch {
		case r.Err != nil:
			b.WriteString("  error: " + clean(message(r.Err)) + "\n")
			continue
		case r.Source == "":
			b.WriteString("  no meent license policy")
			if r.Note != "" {
				b.WriteString(" (" + clean(r.Note) + ")")
			}
			b.WriteString("\n")
			continue
		}
		d := r.Decision
		to := clean(r.Name) + " (" + clean(r.Node) + "/commons/" + clean(r.Commons) + ")"
		if j := chosen[r.Node+" "+r.Commons]; j != i {
			fmt.Fprintf(&b, "  covered by the license for %s: one license of %s covers all its modules\n", clean(results[j].Module), to)
			continue
		}
		switch {
		case !d.Free:
			fmt.Fprintf(&b, "  owes %s a year to %s\n", d.Price, to)
		case d.Rule == "trial" && r.After != nil && !r.After.Free:
			fmt.Fprintf(&b, "  free for a %d-day trial, then %s a year, to %s\n", d.Term/license.Day, r.After.Price, to)
		default:
			fmt.Fprintf(&b, "  free under the rule %q of %s\n", d.Rule, to)
		}
		b.WriteString("  why: " + clean(d.Reason) + "\n")
		if len(d.Alternatives) > 0 {
			b.WriteString("  free instead if you:\n")
			for _, a := range d.Alternatives {
				b.WriteString("    - " + clean(a) + "\n")
			}
		}
		where := "in the module"
		if r.Source == FromRegistry {
			where = "in the registry"
		}
		fmt.Fprintf(&b, "  policy: license %s, version %d, found %s\n", clean(r.License), r.PolicyVersion, where)
		b.WriteString("  check: " + clean(r.CheckURL) + "\n")
		switch {
		case !d.Free:
			licenses++
			add(now, d.Price)
			add(after, d.Price)
		case d.Rule == "trial" && r.After != nil && !r.After.Free:
			trials = true
			add(after, r.After.Price)
		}
	}

	fmt.Fprintf(&b, "\nOwed per year: %s", sums(now))
	if licenses > 0 {
		fmt.Fprintf(&b, " (%s)", plural(licenses, "license"))
	}
	b.WriteString("\n")
	if trials {
		fmt.Fprintf(&b, "After the trials end: %s\n", sums(after))
	}
	if failed > 0 {
		fmt.Fprintf(&b, "%s could not be checked; see the errors above.\n", plural(failed, "module"))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// sums writes exact totals by currency, in currency order: "723.45 EUR,
// 50000 JPY", or "nothing".
func sums(s map[string]*big.Int) string {
	if len(s) == 0 {
		return "nothing"
	}
	var parts []string
	for _, c := range slices.Sorted(maps.Keys(s)) {
		parts = append(parts, decimal(s[c], c)+" "+c)
	}
	return strings.Join(parts, ", ")
}

// decimal writes a non-negative sum of minor units in the currency's
// major unit, exactly, as commons.Money.Decimal does for one amount.
func decimal(v *big.Int, currency string) string {
	s := v.String()
	e := commons.Exponent(currency)
	if e == 0 {
		return s
	}
	if len(s) <= e {
		s = strings.Repeat("0", e-len(s)+1) + s
	}
	return s[:len(s)-e] + "." + s[len(s)-e:]
}

// clean replaces control and format characters (among them the
// bidirectional overrides) with "?".
func clean(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == unicode.ReplacementChar {
			return '?'
		}
		return r
	}, strings.ToValidUTF8(s, "?"))
}

func plural(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}
