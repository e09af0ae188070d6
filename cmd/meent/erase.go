package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/meent/meent"
	"github.com/meent/meent/private"
)

// privateStore returns the store's private records (both SQL backends
// keep them), or nil.
func privateStore(s meent.Store) private.Store {
	ps, _ := s.(private.Store)
	return ps
}

// cmdErase erases a private record in a data directory: its bytes and
// salt are deleted, a tombstone (when, by whom) stays, and the log is not
// touched, so meent verify still passes. It is the operator's tool for an
// erasure request; owners and admins can also use DELETE
// /api/v1/private/{commitment}. See docs/privacy.md.
func cmdErase(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var by *string
	var show *bool
	cfg, fs, err := configure("erase", args, stderr, false, func(fs *flag.FlagSet) {
		by = fs.String("by", "operator", "who erases it, recorded in the tombstone (e.g. the admin's name or agent ID)")
		show = fs.Bool("show", false, "only show whether the record is live or erased (never its data); erase nothing")
	})
	if err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("usage: meent erase --data DIR [--by WHO] [--show] COMMITMENT")
	}
	c, err := private.ParseCommitment(fs.Arg(0))
	if err != nil {
		return err
	}
	store, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer store.Close()
	ps := privateStore(store)
	if ps == nil {
		return fmt.Errorf("this store keeps no private records")
	}
	var rec private.Record
	if *show {
		rec, err = ps.PrivateRecord(ctx, c)
	} else {
		rec, err = ps.ErasePrivate(ctx, c, *by, time.Now().UnixMilli())
	}
	if err != nil {
		return err
	}
	if rec.IsErased() {
		fmt.Fprintf(stdout, "%s erased at %s by %s (owner %s)\n", c, time.UnixMilli(rec.Erased).UTC().Format(time.RFC3339), rec.ErasedBy, rec.Owner)
	} else {
		fmt.Fprintf(stdout, "%s live: %d bytes, owner %s, stored %s\n", c, len(rec.Data), rec.Owner, time.UnixMilli(rec.Created).UTC().Format(time.RFC3339))
	}
	return nil
}
