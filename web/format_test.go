package web

import (
	"fmt"
	"testing"

	"github.com/meent/meent/api"
)

func TestNeedSummaries(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		sec  int64
		want string
	}{
		{0, "ended"}, {30, "under a minute"}, {600, "10 min"}, {3*3600 + 120, "3 h 2 min"},
		{86400 + 7200, "1 day 2 h"}, {7 * 86400, "7 days 0 h"},
	} {
		if got := timeLeft(tc.sec); got != tc.want {
			t.Errorf("timeLeft(%d) = %q, want %q", tc.sec, got, tc.want)
		}
	}
	for m, want := range map[api.Money]string{{Amount: 6500, Currency: "EUR"}: "65.00 EUR", {Amount: 5, Currency: "USD"}: "0.05 USD", {Amount: -120, Currency: "EUR"}: "-1.20 EUR", {Amount: 1234, Currency: "JPY"}: "1234 JPY", {Amount: 1234, Currency: "KWD"}: "1.234 KWD"} {
		if got := formatMoney(m); got != want {
			t.Errorf("formatMoney(%v) = %q, want %q", m, got, want)
		}
	}
	if got := fmt.Sprint(workTime(150), " ", workTime(60), " ", workTime(5)); got != "2 h 30 min 1 h 5 min" {
		t.Errorf("workTime: %q", got)
	}
}
