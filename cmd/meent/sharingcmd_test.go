package main

import (
	"strings"
	"testing"

	"github.com/meent/meent"
	"github.com/meent/meent/commons"
	"github.com/meent/meent/node"
	"github.com/meent/meent/state"
	"github.com/meent/meent/value"
)

// checkSharingDemo: the demo's tool library has months of bookings, a
// broken drill with its repair need open on the board, a maintenance
// need posted from the laser's hours, and a fee that became an income.
func checkSharingDemo(t *testing.T, n *node.Node) {
	t.Helper()
	var libID string
	n.State(func(st *state.State) {
		var lib string
		for _, c := range st.Commons.All() {
			if c.Name == "Outillothèque du Fablab" {
				lib = c.ID
			}
		}
		rs := st.Sharing.Resources(lib)
		if len(rs) != 3 {
			t.Fatalf("%d resources", len(rs))
		}
		broken, maintenance, bookings := 0, 0, 0
		for _, r := range rs {
			bookings += int(r.Bookings)
			for _, it := range r.Items {
				if it.Broken {
					broken++
					if nd := st.Commons.Need(it.RepairNeed); nd == nil || nd.Status != commons.NeedOpen || !strings.HasPrefix(nd.Title, "Repair: ") {
						t.Errorf("repair need %+v", nd)
					}
				}
				if it.LastNeed != "" {
					maintenance++
				}
			}
		}
		if broken != 1 || maintenance != 1 || bookings < 25 {
			t.Errorf("%d broken, %d items with a maintenance need, %d bookings", broken, maintenance, bookings)
		}
		libID = lib
	})
	incs, err := n.Store().Objects(t.Context(), meent.ObjectFilter{Kind: value.KindIncome, Commons: libID})
	if err != nil {
		t.Fatal(err)
	}
	if len(incs) != 1 || !strings.Contains(string(incs[0].Data), `"usage_fee"`) {
		t.Errorf("incomes of the tool library: %d", len(incs))
	}
}
