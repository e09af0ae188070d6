package commons_test

import (
	"testing"

	"pgregory.net/rapid"

	"github.com/meent/meent/commons"
)

func TestMoneyDecimal(t *testing.T) {
	for _, c := range []struct {
		m    commons.Money
		want string
	}{
		{commons.Money{Amount: 123456, Currency: "EUR"}, "1234.56"},
		{commons.Money{Amount: 5, Currency: "EUR"}, "0.05"},
		{commons.Money{Amount: 0, Currency: "EUR"}, "0.00"},
		{commons.Money{Amount: -5, Currency: "EUR"}, "-0.05"},
		{commons.Money{Amount: 1500, Currency: "JPY"}, "1500"},
		{commons.Money{Amount: 1, Currency: "KWD"}, "0.001"},
		{commons.Money{Amount: -9223372036854775808, Currency: "EUR"}, "-92233720368547758.08"},
	} {
		if got := c.m.Decimal(); got != c.want {
			t.Errorf("%v: %q, want %q", c.m, got, c.want)
		}
	}
	for _, bad := range []string{"", ".5", "1.", "1.234", "-1", "1e3", " 1", "1,00", "99999999999999999999"} {
		if _, err := commons.ParseMoney(bad, "EUR"); err == nil {
			t.Errorf("ParseMoney(%q) accepted", bad)
		}
	}
	if _, err := commons.ParseMoney("1", "eur"); err == nil {
		t.Error("lower-case currency accepted")
	}
}

func TestMoneyRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		m := commons.Money{Amount: rapid.Int64Min(0).Draw(t, "amount"), Currency: rapid.SampledFrom([]string{"EUR", "JPY", "KWD", "USD"}).Draw(t, "cur")}
		got, err := commons.ParseMoney(m.Decimal(), m.Currency)
		if err != nil || got != m {
			t.Fatalf("%v -> %q -> %v, %v", m, m.Decimal(), got, err)
		}
	})
}
