package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"testing"

	"github.com/meent/meent/agent"
	"github.com/meent/meent/commons"
	"github.com/meent/meent/ledger"
	"github.com/meent/meent/license"
	"github.com/meent/meent/sharing"
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
	for i, e := range entries {
		ev, err := ledger.Parse(e)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := first[ev.Type]; !ok {
			first[ev.Type] = i
		}
	}
	parts := []struct{ area, typ string }{
		{"agent", agent.TypeKeyAdd},
		{"commons", commons.TypeCreate},
		{"value", value.TypeDistributionRun},
		{"license", license.TypeRequest},
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
