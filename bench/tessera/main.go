// Command tessera is meent's "reference peer" benchmark: it measures how fast
// github.com/transparency-dev/tessera, with its POSIX storage driver, appends
// leaves to a real tlog-tiles log on local disk, optionally verifying an
// Ed25519 signature on each leaf first. See README.md.
//
// It lives in its own module so that tessera and its dependencies never
// enter meent's own go.mod.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"runtime"
	"time"
)

func main() {
	cfg := DefaultConfig()
	flag.IntVar(&cfg.N, "n", cfg.N, "number of leaves to append")
	flag.IntVar(&cfg.Size, "size", cfg.Size, "bytes per leaf, including the 64-byte signature")
	flag.BoolVar(&cfg.Verify, "verify", cfg.Verify, "verify each leaf's Ed25519 signature before adding it")
	flag.IntVar(&cfg.Workers, "workers", cfg.Workers, "concurrent goroutines calling Add and awaiting its future")
	flag.UintVar(&cfg.BatchSize, "batch", cfg.BatchSize, "tessera batch max size (WithBatching)")
	flag.DurationVar(&cfg.BatchAge, "batch-age", cfg.BatchAge, "tessera batch max age (WithBatching)")
	flag.DurationVar(&cfg.CheckpointInterval, "checkpoint-interval", cfg.CheckpointInterval, "tessera checkpoint interval (WithCheckpointInterval, >= 100ms)")
	flag.StringVar(&cfg.Dir, "dir", cfg.Dir, "parent directory for the temporary log (default: $TMPDIR)")
	flag.BoolVar(&cfg.Keep, "keep", cfg.Keep, "keep the log directory after the run")
	flag.Parse()
	quietKlog()

	if err := run(cfg); err != nil {
		fmt.Fprintln(os.Stderr, "tessera bench:", err)
		os.Exit(1)
	}
}

func run(cfg Config) error {
	if err := cfg.validate(); err != nil {
		return err
	}
	if uint(cfg.Workers) < cfg.BatchSize {
		fmt.Fprintf(os.Stderr, "warning: %d workers < batch size %d: every batch will wait %v to flush\n", cfg.Workers, cfg.BatchSize, cfg.BatchAge)
	}
	ctx := context.Background()

	prep := time.Now()
	leaves, err := MakeLeaves(cfg.N, cfg.Size)
	if err != nil {
		return err
	}
	h, err := NewHarness(ctx, cfg, leaves)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "prepared %d signed leaves and empty log %s in %v\n", cfg.N, h.Dir(), time.Since(prep).Round(time.Millisecond))

	res, runErr := h.Run(ctx)
	if err := h.Close(ctx); err != nil && runErr == nil {
		runErr = fmt.Errorf("close: %w", err)
	}
	if runErr != nil {
		return runErr
	}

	mode := "plain"
	if cfg.Verify {
		mode = "verify"
	}
	// One line, key=value, fixed field order: meant to be grepped and
	// compared against meent's own benchmark output.
	fmt.Printf("tessera mode=%s n=%d size=%d workers=%d batch=%d procs=%d rate=%.1f/s elapsed=%.3fs sequenced=%.3fs cpu=%.3fs cpu_per_leaf=%.1fus version=%s\n",
		mode, cfg.N, cfg.Size, cfg.Workers, cfg.BatchSize, runtime.GOMAXPROCS(0),
		res.Rate(), res.Published.Seconds(), res.Sequenced.Seconds(),
		res.CPU.Seconds(), float64(res.CPU.Microseconds())/float64(res.N), tesseraVersion())
	return nil
}
