package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"testing"

	"github.com/meent/meent/breadfund"

	"github.com/meent/meent/agent"
	"github.com/meent/meent/budget"
	"github.com/meent/meent/commons"
	"github.com/meent/meent/credit"
	"github.com/meent/meent/governance"
	"github.com/meent/meent/ledger"
	"github.com/meent/meent/license"
	"github.com/meent/meent/sharing"
	"github.com/meent/meent/state"
	"github.com/meent/meent/value"
)

// TestDemoPerArea builds the demo community of serve --demo on a real
// SQLite node and checks that every area with demo data added its part,
// in the order of the list in main.go (the later parts use what the
// earlier made: a license needs the commons, the commons the people), and
// that a second run adds nothing.
func TestDemoPerArea(t *testing.T) {
	if testing.Short() {
		t.Skip("opens a node")
	}
	ctx := context.Background()
	cfg := &Config{Data: filepath.Join(t.TempDir(), "data"), AdminPassword: "demo-admin-password", LogLevel: "error", LogFormat: "text", MaxBlobSize: 1 << 20}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if err := initNode(ctx, cfg, log, io.Discard); err != nil {
		t.Fatal(err)
	}
	n, acc, closeNode, err := openNode(ctx, cfg, log, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer closeNode()
	var out bytes.Buffer
	if err := fillDemo(ctx, n, acc, cfg, &out); err != nil {
		t.Fatal(err)
	}
	size, err := n.Store().Size(ctx)
	if err != nil {
		t.Fatal(err)
	}
	entries, err := n.Store().Entries(ctx, 0, int(size))
	if err != nil {
		t.Fatal(err)
	}
	// The first event of each area's demo part, in the order they came.
	first := map[string]int{}
	count := map[string]int{}
	for i, e := range entries {
		ev, err := ledger.Parse(e)
		if err != nil {
			t.Fatal(err)
		}
		count[ev.Type]++
		if _, ok := first[ev.Type]; !ok {
			first[ev.Type] = i
		}
	}
	parts := []struct{ area, typ string }{
		{"agent", agent.TypeKeyAdd},
		{"commons", commons.TypeCreate},
		{"value", value.TypeDistributionRun},
		{"license", license.TypeRequest},
		{"governance", governance.TypeClose},
		{"budget", budget.TypeRoundClose},
		{"credit", credit.TypeDemurrage},
		{"breadfund", breadfund.TypeGifts},
		{"sharing", sharing.TypeCheckIn},
	}
	last := -1
	for _, p := range parts {
		i, ok := first[p.typ]
		if !ok {
			t.Errorf("the %s area's demo added no %s", p.area, p.typ)
			continue
		}
		if i < last {
			t.Errorf("the %s area's demo ran before the area listed before it", p.area)
		}
		last = i
	}
	// The decided poll enacted libmeent's new value policy; the ranked
	// poll elected one colour.
	n.State(func(st *state.State) {
		polls := st.Govern.Polls()
		if len(polls) != 2 || polls[0].Status != governance.Passed || len(polls[0].Enacted) != 1 || polls[0].Enacted[0].Status != "enacted" {
			t.Errorf("the demo's decision: %+v", polls[0])
			return
		}
		if v := st.Value.Policy(polls[0].Commons); v == nil || v.Index != polls[0].Ended {
			t.Errorf("libmeent's value policy was not set by the decision: %+v", v)
		}
		if r := polls[1].Result; r == nil || len(r.Winners) != 1 || r.Ranked == nil {
			t.Errorf("the ranked poll: %+v", r)
		}
	})
	// The demo's budget round is closed, with its buckets funded, returned
	// and cancelled, and every cent of its pool accounted for.
	n.State(func(st *state.State) {
		r := st.Budget.Round(roundOf(st))
		if r == nil || r.Closed == nil || r.Closed.Funded != 90_000 || r.Closed.Funded+r.Closed.Leftover != r.Pool {
			t.Errorf("the demo's budget round: %+v", r)
			return
		}
		statuses := map[string]int{}
		for _, b := range st.Budget.BucketList(r.ID) {
			statuses[b.Status]++
		}
		if statuses[budget.BucketFunded] != 1 || statuses[budget.BucketUnfunded] != 1 || statuses[budget.BucketCancelled] != 1 {
			t.Errorf("the demo's buckets: %v", statuses)
		}
	})
	// The bread fund's claim has run for three months of gifts.
	if count[breadfund.TypeGifts] != 3 || count[breadfund.TypeSick] != 1 {
		t.Errorf("the bread fund's demo has %d months of gifts and %d claims, want 3 and 1", count[breadfund.TypeGifts], count[breadfund.TypeSick])
	}
	checkSharingDemo(t, n)
	if !bytes.Contains(out.Bytes(), []byte("demo community added")) {
		t.Errorf("output %q", out.String())
	}
	if err := fillDemo(ctx, n, acc, cfg, io.Discard); err != nil {
		t.Fatal(err)
	}
	if again, _ := n.Store().Size(ctx); again != size {
		t.Errorf("a second demo on a filled node added %d events", again-size)
	}
}

// roundOf returns the ID of the first budget round of the demo's commons.
func roundOf(st *state.State) string {
	for _, c := range st.Commons.All() {
		if rs := st.Budget.Rounds(c.ID); len(rs) > 0 {
			return rs[0].ID
		}
	}
	return ""
}
