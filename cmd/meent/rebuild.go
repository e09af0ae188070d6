package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"

	"github.com/meent/meent/node"
)

// rebuildFlags: meent rebuild rewrites a data directory's objects
// projection from a replay of the whole log (ignoring snapshots) and
// stores a snapshot of the result. It is what to run when a release
// changed the shape of an area's objects without changing its snapshot
// version, or when the projection is suspected damaged: meent verify then
// agrees again. See docs/architecture.md, "Snapshots and start".
func rebuildFlags(fs *flag.FlagSet) action {
	conf := nodeConfig(fs, false)
	return func(ctx context.Context, stdout, stderr io.Writer) error {
		cfg, err := conf()
		if err != nil {
			return err
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
}
