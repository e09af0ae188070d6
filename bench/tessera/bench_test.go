package main

import (
	"context"
	"os"
	"testing"
)

func TestMain(m *testing.M) {
	quietKlog()
	os.Exit(m.Run())
}

// BenchmarkTesseraAppend appends b.N leaves to a fresh log per run and stops
// the clock once a checkpoint covering all of them is published. Because that
// final publication adds a fixed latency, small b.N understates throughput;
// use e.g. -benchtime=100000x for figures comparable with the command.
func BenchmarkTesseraAppend(b *testing.B) {
	for _, bc := range []struct {
		name   string
		verify bool
	}{{"plain", false}, {"verify", true}} {
		b.Run(bc.name, func(b *testing.B) {
			cfg := DefaultConfig()
			cfg.N, cfg.Verify, cfg.Dir = b.N, bc.verify, b.TempDir()
			ctx := context.Background()

			leaves, err := MakeLeaves(cfg.N, cfg.Size)
			if err != nil {
				b.Fatal(err)
			}
			h, err := NewHarness(ctx, cfg, leaves)
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(cfg.Size))
			b.ResetTimer()
			res, err := h.Run(ctx)
			b.StopTimer()
			if cerr := h.Close(ctx); err == nil && cerr != nil {
				err = cerr
			}
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(res.Rate(), "leaves/s")
			b.ReportMetric(float64(res.Sequenced.Nanoseconds())/float64(b.N), "ns/seq-leaf")
			b.ReportMetric(float64(res.CPU.Microseconds())/float64(b.N), "cpu-us/leaf")
		})
	}
}

// TestSmoke keeps the harness honest under `go test`: a small run must
// publish a valid checkpoint of exactly the right size in both modes.
func TestSmoke(t *testing.T) {
	for _, verify := range []bool{false, true} {
		cfg := DefaultConfig()
		cfg.N, cfg.Verify, cfg.Dir = 1000, verify, t.TempDir()
		leaves, err := MakeLeaves(cfg.N, cfg.Size)
		if err != nil {
			t.Fatal(err)
		}
		h, err := NewHarness(t.Context(), cfg, leaves)
		if err != nil {
			t.Fatal(err)
		}
		res, err := h.Run(t.Context())
		if cerr := h.Close(t.Context()); err == nil && cerr != nil {
			err = cerr
		}
		if err != nil {
			t.Fatalf("verify=%v: %v", verify, err)
		}
		if res.TreeSize != uint64(cfg.N) {
			t.Fatalf("verify=%v: tree size %d, want %d", verify, res.TreeSize, cfg.N)
		}
	}
}
