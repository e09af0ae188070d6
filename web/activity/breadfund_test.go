package activity_test

import (
	"testing"

	"github.com/meent/meent/breadfund"
	"github.com/meent/meent/web/activity"
	"github.com/meent/meent/web/i18n"
)

// TestBreadfundLines: the fund's lines in both languages, and a sick
// report's line names no one.
func TestBreadfundLines(t *testing.T) {
	for _, c := range []struct {
		lang i18n.Lang
		typ  string
		data map[string]any
		want string
	}{
		{i18n.NL, breadfund.TypeSick, map[string]any{"member": bo}, "Er is ziekte gemeld in het broodfonds van Windatlas"},
		{i18n.EN, breadfund.TypeSick, map[string]any{"member": bo}, "An illness was reported in the bread fund of Windatlas"},
		{i18n.NL, breadfund.TypeJoin, map[string]any{"level": 3}, "Ada wil meedoen met het broodfonds van Windatlas, op niveau 3"},
		{i18n.NL, breadfund.TypeDeposit, map[string]any{"amount": 4500, "period": "2026-03"}, "Ada heeft een inleg van een bedrag voor 2026-03 geboekt in het broodfonds van Windatlas"},
		{i18n.EN, breadfund.TypeExit, map[string]any{"member": bo}, "Bo left the bread fund of Windatlas"},
	} {
		if got := activity.Describe(record(c.typ, c.data), world, locale(c.lang)); got != c.want {
			t.Errorf("%s in %s: %q, want %q", c.typ, c.lang, got, c.want)
		}
	}
}
