package payout

import (
	"slices"
	"testing"

	"pgregory.net/rapid"
)

func TestSelect(t *testing.T) {
	in := []Balance{
		{Kind: KindPool, Recipient: "infrastructure", Currency: "EUR", Open: 5000},
		{Kind: KindAgent, Recipient: "b", Name: "Bea", Currency: "EUR", Open: 999},
		{Kind: KindAgent, Recipient: "a", Name: "Ann", Currency: "EUR", Open: 1000},
		{Kind: KindIdentity, Recipient: "git:c@example.org", Currency: "EUR", Open: 0},
		{Kind: KindAgent, Recipient: "a", Name: "Ann", Currency: "JPY", Open: 1500},
		{Kind: KindAgent, Recipient: "d", Currency: "EUR", Open: -3},
	}
	for _, tc := range []struct {
		name         string
		minimum      int64
		pay, carried []Line
	}{
		{
			name:    "minimum 0 pays everything above 0",
			minimum: 0,
			pay: []Line{
				{KindAgent, "a", "Ann", "EUR", 1000},
				{KindAgent, "b", "Bea", "EUR", 999},
				{KindPool, "infrastructure", "", "EUR", 5000},
				{KindAgent, "a", "Ann", "JPY", 1500},
			},
			carried: []Line{{KindAgent, "d", "", "EUR", -3}},
		},
		{
			name:    "the minimum itself is paid, one less is carried",
			minimum: 1000,
			pay: []Line{
				{KindAgent, "a", "Ann", "EUR", 1000},
				{KindPool, "infrastructure", "", "EUR", 5000},
				{KindAgent, "a", "Ann", "JPY", 1500},
			},
			carried: []Line{
				{KindAgent, "b", "Bea", "EUR", 999},
				{KindAgent, "d", "", "EUR", -3},
			},
		},
		{
			name:    "a high minimum carries everything",
			minimum: 1 << 40,
			carried: []Line{
				{KindAgent, "a", "Ann", "EUR", 1000},
				{KindAgent, "b", "Bea", "EUR", 999},
				{KindAgent, "d", "", "EUR", -3},
				{KindPool, "infrastructure", "", "EUR", 5000},
				{KindAgent, "a", "Ann", "JPY", 1500},
			},
		},
		{
			name:    "a negative minimum is minimum 0",
			minimum: -100,
			pay: []Line{
				{KindAgent, "a", "Ann", "EUR", 1000},
				{KindAgent, "b", "Bea", "EUR", 999},
				{KindPool, "infrastructure", "", "EUR", 5000},
				{KindAgent, "a", "Ann", "JPY", 1500},
			},
			carried: []Line{{KindAgent, "d", "", "EUR", -3}},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pay, carried := Select(in, tc.minimum)
			if !slices.Equal(tc.pay, pay) {
				t.Errorf("pay\n got %v\nwant %v", pay, tc.pay)
			}
			if !slices.Equal(tc.carried, carried) {
				t.Errorf("carried\n got %v\nwant %v", carried, tc.carried)
			}
		})
	}
	if pay, carried := Select(nil, 0); pay != nil || carried != nil {
		t.Errorf("Select(nil) = %v, %v", pay, carried)
	}
}

// TestSelectConserves checks that Select loses and creates no money: per
// currency, paid plus carried is what was open; every line comes from one
// balance; paid lines reach the minimum and carried ones do not.
func TestSelectConserves(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		balances := rapid.SliceOfN(rapid.Custom(func(t *rapid.T) Balance {
			return Balance{
				Kind:      rapid.SampledFrom([]string{KindAgent, KindIdentity, KindPool}).Draw(t, "kind"),
				Recipient: rapid.SampledFrom([]string{"a", "b", "c", "git:d"}).Draw(t, "recipient"),
				Name:      rapid.SampledFrom([]string{"", "Ann", "Bo"}).Draw(t, "name"),
				Currency:  rapid.SampledFrom([]string{"EUR", "JPY", "USD"}).Draw(t, "currency"),
				Open: rapid.OneOf(
					rapid.Int64Range(-1000, 1000),
					rapid.Int64Range(-1<<40, 1<<40),
					rapid.Just(int64(0)),
				).Draw(t, "open"),
			}
		}), 0, 50).Draw(t, "balances")
		minimum := rapid.OneOf(rapid.Int64Range(-10, 2000), rapid.Int64Range(0, 1<<41)).Draw(t, "minimum")

		pay, carried := Select(balances, minimum)

		open := map[string]int64{}
		for _, b := range balances {
			open[b.Currency] += b.Open
		}
		out := map[string]int64{}
		for _, l := range pay {
			out[l.Currency] += l.Amount
			if l.Amount < minimum || l.Amount <= 0 {
				t.Fatalf("paid %+v below the minimum %d", l, minimum)
			}
		}
		for _, l := range carried {
			out[l.Currency] += l.Amount
			if l.Amount == 0 || (l.Amount >= minimum && l.Amount > 0) {
				t.Fatalf("carried %+v though the minimum is %d", l, minimum)
			}
		}
		for c := range open {
			if open[c] != out[c] {
				t.Fatalf("%s: open %d, paid and carried %d", c, open[c], out[c])
			}
		}
		// Nothing lost or created: the lines are the non-zero balances.
		var want []Line
		for _, b := range balances {
			if b.Open != 0 {
				want = append(want, Line{b.Kind, b.Recipient, b.Name, b.Currency, b.Open})
			}
		}
		got := append(slices.Clone(pay), carried...)
		slices.SortFunc(want, compareLines)
		slices.SortFunc(got, compareLines)
		if !slices.Equal(want, got) {
			t.Fatalf("lines differ from the balances:\nwant %v\n got %v", want, got)
		}
		if !slices.IsSortedFunc(pay, compareLines) || !slices.IsSortedFunc(carried, compareLines) {
			t.Fatal("not sorted")
		}
	})
}
