package valueflows

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/meent/meent"
	"github.com/meent/meent/commons"
	"github.com/meent/meent/value"
)

var names = map[string]string{"alice": "Alice Ng", "bob": "Bob", "coop": "Tools Coop", "seed": "Seed Library", "upstream": "Seed Library (upstream)"}

func share(t *testing.T, d *value.Distribution, names map[string]string) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := ShareFile(&b, d, names); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestShareFileGolden(t *testing.T) {
	in := fixture()
	golden(t, "dist1.tsv", share(t, in.Distributions[0], names))
	golden(t, "dist2.tsv", share(t, in.Distributions[1], names))
}

type shareRow struct {
	kind, recipient, name string
	minor                 int64
	decimal, share        string
}

// parseShare reads a share file back the way a script would: skip the
// comments, check the header, split the rows on tabs.
func parseShare(t *testing.T, b []byte) []shareRow {
	t.Helper()
	var rows []shareRow
	header := false
	for i, line := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
		if strings.HasPrefix(line, "#") {
			if header {
				t.Fatalf("line %d: a comment after the header", i+1)
			}
			continue
		}
		cells := strings.Split(line, "\t")
		if len(cells) != len(ShareColumns) {
			t.Fatalf("line %d has %d cells, want %d: %q", i+1, len(cells), len(ShareColumns), line)
		}
		if !header {
			if !slices.Equal(cells, ShareColumns) {
				t.Fatalf("header %q, want %q", cells, ShareColumns)
			}
			header = true
			continue
		}
		n, err := strconv.ParseInt(cells[3], 10, 64)
		if err != nil {
			t.Fatalf("line %d: amount_minor: %v", i+1, err)
		}
		rows = append(rows, shareRow{cells[0], cells[1], cells[2], n, cells[4], cells[5]})
	}
	if !header {
		t.Fatal("no header row")
	}
	return rows
}

// parseDecimal reads a decimal amount into minor units without floating
// point, insisting on exactly exp decimals.
func parseDecimal(s string, exp int) (int64, error) {
	whole, frac, dot := strings.Cut(s, ".")
	if dot != (exp > 0) || len(frac) != exp {
		return 0, fmt.Errorf("%q does not have %d decimals", s, exp)
	}
	return strconv.ParseInt(whole+frac, 10, 64)
}

// checkSums checks that a share file's rows add up to the income exactly,
// in minor units and in decimals.
func checkSums(t *testing.T, b []byte, income commons.Money) {
	t.Helper()
	var minor, fromDecimal int64
	for _, r := range parseShare(t, b) {
		minor += r.minor
		n, err := parseDecimal(r.decimal, commons.Exponent(income.Currency))
		if err != nil {
			t.Fatal(err)
		}
		if n != r.minor {
			t.Errorf("%s %s: decimal %s is not %d minor units", r.kind, r.recipient, r.decimal, r.minor)
		}
		fromDecimal += n
	}
	if minor != income.Amount || fromDecimal != income.Amount {
		t.Errorf("rows add up to %d (decimals: %d), want the income %d %s", minor, fromDecimal, income.Amount, income.Currency)
	}
}

func TestShareFileSums(t *testing.T) {
	for _, d := range fixture().Distributions {
		t.Run(d.ID, func(t *testing.T) {
			b := share(t, d, names)
			checkSums(t, b, d.Result.Income)
			rows := parseShare(t, b)
			if len(rows) != len(d.Result.Allocations) {
				t.Errorf("%d rows, want one per allocation (%d)", len(rows), len(d.Result.Allocations))
			}
			for _, r := range rows {
				if r.kind != value.RecipientPool && !strings.HasSuffix(r.share, "%") {
					t.Errorf("%s: share %q", r.recipient, r.share)
				}
			}
		})
	}
}

// TestShareFileDistribute checks the sums on real distributions, in
// currencies with 0, 2 and 3 decimals.
func TestShareFileDistribute(t *testing.T) {
	c, err := value.Compile(value.DefaultPolicy())
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(3, 4))
	kinds := []string{"code", "design", "documentation", "review", "work_time", "funds"}
	for i := range 30 {
		cur := []string{"EUR", "JPY", "KWD"}[i%3]
		in := value.Input{Income: commons.Money{Amount: r.Int64N(10_000_000) + 1, Currency: cur}, AsOf: ms("2026-06-01T00:00:00Z")}
		for j := range 1 + r.IntN(40) {
			k := value.Contribution{ID: fmt.Sprintf("k%03d", j), Kind: kinds[r.IntN(len(kinds))],
				Minutes: r.Int64N(600), LinesAdded: r.Int64N(500), Amount: r.Int64N(100_000), Submitted: ms("2025-06-01T00:00:00Z") + r.Int64N(1e10)}
			if r.IntN(5) == 0 {
				k.Identity = fmt.Sprintf("git:p%d@example.org", r.IntN(8))
			} else {
				k.Contributor = fmt.Sprintf("agent%d", r.IntN(8))
			}
			in.Contributions = append(in.Contributions, k)
		}
		res, err := value.Distribute(c, in)
		if err != nil {
			t.Fatal(err)
		}
		d := &value.Distribution{ID: fmt.Sprintf("d%d", i), Commons: "seed", Income: "inc", Index: int64(i), Result: res}
		checkSums(t, share(t, d, nil), in.Income)
	}
}

func TestShareFileCells(t *testing.T) {
	d := &value.Distribution{ID: "d", Commons: "seed", Result: value.Result{
		Income: commons.Money{Amount: 3, Currency: "EUR"},
		Allocations: []value.Allocation{
			{Recipient: "a1", Kind: "agent", Amount: 1},
			{Recipient: "a2", Kind: "agent", Amount: 1},
			{Recipient: "-x\ty", Kind: "identity", Amount: 1},
		},
	}}
	rows := parseShare(t, share(t, d, map[string]string{"a1": "=HYPERLINK(\"http://evil.example\")", "a2": "two\nlines", "seed": "S\nx"}))
	if rows[0].name != "'=HYPERLINK(\"http://evil.example\")" {
		t.Errorf("formula not neutralised: %q", rows[0].name)
	}
	if rows[1].name != "two lines" {
		t.Errorf("line break kept: %q", rows[1].name)
	}
	if rows[2].recipient != "'-x y" {
		t.Errorf("recipient cell: %q", rows[2].recipient)
	}
}

func TestShareFileRefuses(t *testing.T) {
	d := fixture().Distributions[0]
	d.Result.Allocations[0].Amount++
	var b bytes.Buffer
	if err := ShareFile(&b, d, nil); meent.ErrorCode(err) != meent.EINVALID {
		t.Fatalf("err = %v, want %s", err, meent.EINVALID)
	}
	if b.Len() > 0 {
		t.Error("wrote a file that does not add up")
	}
	if err := ShareFile(&b, nil, nil); meent.ErrorCode(err) != meent.EINVALID {
		t.Fatalf("nil distribution: err = %v", err)
	}
}
