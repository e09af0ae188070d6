package valueflows

import (
	"bytes"
	"flag"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/meent/meent/agent"
	"github.com/meent/meent/commons"
	"github.com/meent/meent/value"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if bytes.Equal(got, want) {
		return
	}
	g, w := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
	for i := 0; i < len(g) || i < len(w); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			t.Fatalf("%s differs at line %d:\n got: %q\nwant: %q\n(go test -update rewrites it)", path, i+1, gl, wl)
		}
	}
}

func ms(s string) int64 {
	tm, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return tm.UnixMilli()
}

func eur(n int64) commons.Money { return commons.Money{Amount: n, Currency: "EUR"} }

// fixture is a fork of an upstream commons with every kind of record:
// contributions of each mapping (and some that are not accepted), an
// income in EUR and one in JPY, their distributions, and balances with
// settlements.
func fixture() Input {
	c := &commons.Commons{
		ID: "seed", Name: "Seed Library", Description: "Open designs for seed-cleaning machines",
		Kind: "design", Links: []string{"https://git.example/seed"}, Approvals: 1,
		Maintainers: []string{"alice"}, Creator: "alice", Created: 41, ForkOf: "upstream", ForkedAt: 40, Updated: 41,
	}
	agents := map[string]*agent.Agent{
		"alice": {ID: "alice", Kind: agent.Person, Name: "Alice Ng"},
		"bob":   {ID: "bob", Kind: agent.Person, Name: "Bob <Ruiz> & co"},
		"coop":  {ID: "coop", Kind: agent.Cooperative, Name: "Tools Coop"},
		"fund":  {ID: "fund", Kind: agent.Association, Name: "Seed Fund"},
		"other": {ID: "other", Kind: agent.Person, Name: "Not referred to"},
	}
	k := func(id, commonsID, who, kind, status string, q commons.Quantities, at string) *commons.Contribution {
		return &commons.Contribution{ID: id, Commons: commonsID, Contributor: who, Kind: kind, Title: "Title of " + id,
			Quantities: q, Status: status, Revision: 1, Submitted: 50, SubmittedAt: ms(at), History: []commons.Step{}}
	}
	amount := func(m commons.Money) *commons.Money { return &m }
	ks := []*commons.Contribution{
		k("k1", "seed", "alice", "code", commons.Accepted, commons.Quantities{Minutes: 90, LinesAdded: 120}, "2026-03-01T10:00:00Z"),
		k("k2", "seed", "bob", "work_time", commons.Accepted, commons.Quantities{Minutes: 30}, "2026-03-02T10:00:00Z"),
		k("k3", "seed", "alice", "documentation", commons.Accepted, commons.Quantities{LinesAdded: 40}, "2026-03-03T10:00:00Z"),
		k("k4", "seed", "bob", "review", commons.Accepted, commons.Quantities{}, "2026-03-04T10:00:00Z"),
		k("k5", "seed", "coop", "funds", commons.Accepted, commons.Quantities{Amount: amount(eur(5000))}, "2026-03-05T10:00:00Z"),
		k("k6", "seed", "coop", "equipment_use", commons.Accepted, commons.Quantities{Minutes: 120, Amount: amount(eur(2500))}, "2026-03-06T10:00:00Z"),
		k("k7", "upstream", "zed", "code", commons.Accepted, commons.Quantities{Minutes: 15}, "2025-12-01T10:00:00Z"),
		k("k8", "seed", "bob", "code", commons.Pending, commons.Quantities{Minutes: 10}, "2026-03-07T10:00:00Z"),
		k("k9", "seed", "alice", "design", commons.Rejected, commons.Quantities{Minutes: 10}, "2026-03-08T10:00:00Z"),
	}
	incomes := []*value.Income{
		{ID: "inc1", Commons: "seed", Kind: "donation", Amount: eur(1001), Payer: "fund", Reference: "SEPA 2026-0042", Recorder: "alice", Index: 70, Distributed: "dist1"},
		{ID: "inc2", Commons: "seed", Kind: "grant", Amount: commons.Money{Amount: 150000, Currency: "JPY"}, Recorder: "alice", Index: 71, Distributed: "dist2"},
	}
	w := func(n int64) *big.Int { return new(big.Int).Lsh(big.NewInt(n), 52) }
	dists := []*value.Distribution{
		{ID: "dist1", Commons: "seed", Income: "inc1", PolicyVersion: 2, Index: 80, Result: value.Result{
			Digest: "07bde3cf874fd88f7a8d7c255f2af2b366b737dc9e4e72d36603f05cd0564f5c",
			Income: eur(1001), AsOf: ms("2026-04-01T12:00:00Z"),
			Allocations: []value.Allocation{
				{Recipient: "infrastructure", Kind: "pool", Amount: 250},
				{Recipient: "solidarity", Kind: "pool", Amount: 0},
				{Recipient: "co_budget", Kind: "pool", Amount: 125},
				{Recipient: "upstream:upstream", Kind: "pool", Amount: 125},
				{Recipient: "alice", Kind: "agent", Amount: 301},
				{Recipient: "bob", Kind: "agent", Amount: 150},
				{Recipient: "git:carol@example.org", Kind: "identity", Amount: 50},
			},
			Pools: []value.Allocation{
				{Recipient: "contributors", Kind: "pool", Amount: 501},
				{Recipient: "infrastructure", Kind: "pool", Amount: 250},
				{Recipient: "solidarity", Kind: "pool", Amount: 0},
				{Recipient: "co_budget", Kind: "pool", Amount: 125},
				{Recipient: "upstream:upstream", Kind: "pool", Amount: 125},
			},
			TotalWeight: w(100),
			Explanations: []value.Explanation{
				{Recipient: "alice", Kind: "agent", Weight: w(60), Share: "60.000000%", Amount: 301, ExtraUnit: true},
				{Recipient: "bob", Kind: "agent", Weight: w(30), Share: "30.000000%", Amount: 150},
				{Recipient: "git:carol@example.org", Kind: "identity", Weight: w(10), Share: "10.000000%", Amount: 50},
			},
		}},
		{ID: "dist2", Commons: "seed", Income: "inc2", PolicyVersion: 0, Index: 85, Result: value.Result{
			Digest: "5d41402abc4b2a76b9719d911017c592aaf2b8d6e3a6a4e0f6e4b0c8a1f2e3d4",
			Income: commons.Money{Amount: 150000, Currency: "JPY"}, AsOf: ms("2026-04-02T12:00:00Z"),
			Allocations: []value.Allocation{
				{Recipient: "infrastructure", Kind: "pool", Amount: 30000},
				{Recipient: "solidarity", Kind: "pool", Amount: 15000},
				{Recipient: "co_budget", Kind: "pool", Amount: 15000},
				{Recipient: "alice", Kind: "agent", Amount: 59999},
				{Recipient: "coop", Kind: "agent", Amount: 30001},
			},
			Pools: []value.Allocation{
				{Recipient: "contributors", Kind: "pool", Amount: 90000},
				{Recipient: "infrastructure", Kind: "pool", Amount: 30000},
				{Recipient: "solidarity", Kind: "pool", Amount: 15000},
				{Recipient: "co_budget", Kind: "pool", Amount: 15000},
			},
			TotalWeight: w(3),
			Explanations: []value.Explanation{
				{Recipient: "alice", Kind: "agent", Weight: w(2), Share: "66.666666%", Amount: 59999},
				{Recipient: "coop", Kind: "agent", Weight: w(1), Share: "33.333333%", Amount: 30001, ExtraUnit: true},
			},
		}},
	}
	balances := []*value.Balance{
		{Commons: "seed", Kind: "agent", Recipient: "alice", Currency: "EUR", Owed: 301, Paid: 300,
			Settlements: []value.Settlement{{Index: 90, Amount: 200, Reference: "SEPA 2026-0050"}, {Index: 92, Amount: 100, Reference: "SEPA 2026-0051"}}, Created: 80, Updated: 92},
		{Commons: "seed", Kind: "agent", Recipient: "alice", Currency: "JPY", Owed: 59999, Paid: 59999,
			Settlements: []value.Settlement{{Index: 95, Amount: 59999, Reference: "wire 7781"}}, Created: 85, Updated: 95},
		{Commons: "seed", Kind: "identity", Recipient: "git:carol@example.org", Currency: "EUR", Owed: 50, Created: 80, Updated: 80},
		{Commons: "seed", Kind: "pool", Recipient: "infrastructure", Currency: "EUR", Owed: 250, Paid: 250,
			Settlements: []value.Settlement{{Index: 91, Amount: 250, Reference: "to the association"}}, Created: 80, Updated: 91},
	}
	return Input{BaseURL: "https://meent.example/", Commons: c, Agents: agents,
		Contributions: ks, Incomes: incomes, Distributions: dists, Balances: balances}
}
