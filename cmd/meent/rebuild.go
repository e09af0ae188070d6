package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"

	"github.com/meent/meent/node"
)

// cmdRebuild rewrites a data directory's objects projection from a replay
// of the whole log (ignoring snapshots) and stores a snapshot of the
// result. It is what to run when a release changed the shape of an
// area's objects without changing its snapshot version, or when the
// projection is suspected damaged: meent verify then agrees again. See
// docs/architecture.md, "Snapshots and start".
func cmdRebuild(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, fs, err := configure("rebuild", args, stderr, false, nil)
	if err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return fmt.Errorf("usage: meent rebuild --data DIR")
	}
	store, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer store.Close()
	n, err := node.Rebuild(ctx, store, slog.New(slog.NewTextHandler(stderr, nil)))
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "rebuilt the objects projection from %d events and stored a snapshot\n", n)
	return nil
}
