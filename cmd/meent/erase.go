package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/meent/meent"
	"github.com/meent/meent/ledger"
	"github.com/meent/meent/private"
)

// privateStore returns the store's private records (both SQL backends
// keep them), or nil.
func privateStore(s meent.Store) private.Store {
	ps, _ := s.(private.Store)
	return ps
}

// openPrivate opens the data directory's store and its private records.
func openPrivate(ctx context.Context, cfg *Config) (meent.Store, private.Store, error) {
	store, err := openStore(ctx, cfg)
	if err != nil {
		return nil, nil, err
	}
	ps := privateStore(store)
	if ps == nil {
		store.Close()
		return nil, nil, fmt.Errorf("this store keeps no private records")
	}
	return store, ps, nil
}

// cmdErase erases a private record in a data directory: its bytes and
// salt are deleted, a tombstone (when, by whom) stays, and the log is not
// touched, so meent verify still passes. It is the operator's tool for an
// erasure request; owners and admins can also use DELETE
// /api/v1/private/{commitment}. See docs/privacy.md.
func eraseFlags(fs *flag.FlagSet) action {
	conf := nodeConfig(fs, false)
	by := fs.String("by", "operator", "who erases it, recorded in the tombstone (e.g. the admin's name or agent ID)")
	show := fs.Bool("show", false, "only show whether the record is live or erased (never its data); erase nothing")
	orphans := fs.Bool("orphans", false, "instead of one record, erase every live record no event in the log names that is older than --older-than")
	olderThan := fs.Duration("older-than", 24*time.Hour, "with --orphans: leave records younger than this (their events may still be on the way)")
	return func(ctx context.Context, stdout, stderr io.Writer) error {
		cfg, err := conf()
		if err != nil {
			return err
		}
		return cmdErase(ctx, cfg, fs, *by, *show, *orphans, *olderThan, stdout)
	}
}

func cmdErase(ctx context.Context, cfg *Config, fs *flag.FlagSet, by string, show, orphans bool, olderThan time.Duration, stdout io.Writer) error {
	if orphans {
		if fs.NArg() != 0 {
			return fmt.Errorf("--orphans takes no commitment")
		}
		return eraseOrphans(ctx, cfg, by, olderThan, stdout)
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("usage: meent erase --data DIR [--by WHO] [--show] COMMITMENT")
	}
	c, err := private.ParseCommitment(fs.Arg(0))
	if err != nil {
		return err
	}
	store, ps, err := openPrivate(ctx, cfg)
	if err != nil {
		return err
	}
	defer store.Close()
	var rec private.Record
	if show {
		rec, err = ps.PrivateRecord(ctx, c)
	} else {
		rec, err = ps.ErasePrivate(ctx, c, by, time.Now().UnixMilli())
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

// eraseOrphans erases the live private records that no event in the log
// names and that are older than age: records whose event never came (the
// client crashed, or the node refused the event). A record younger than
// age is left alone, as its event may still be on its way; once a record
// is erased the node refuses any new event naming it, so collection never
// leaves an acknowledged event without its data.
func eraseOrphans(ctx context.Context, cfg *Config, by string, age time.Duration, stdout io.Writer) error {
	store, ps, err := openPrivate(ctx, cfg)
	if err != nil {
		return err
	}
	defer store.Close()
	named := map[private.Commitment]bool{}
	for start := int64(0); ; {
		es, err := store.Entries(ctx, start, 1024)
		if err != nil {
			return err
		}
		if len(es) == 0 {
			break
		}
		for _, e := range es {
			ev, err := ledger.Parse(e)
			if err != nil {
				return fmt.Errorf("entry %d: %w", start, err)
			}
			for _, c := range private.Commitments(ev.Type, ev.Data) {
				named[c] = true
			}
			start++
		}
	}
	cutoff := time.Now().Add(-age).UnixMilli()
	var after *private.Commitment
	erased, kept := 0, 0
	for {
		recs, err := ps.PrivateRecords(ctx, after, 1000)
		if err != nil {
			return err
		}
		if len(recs) == 0 {
			break
		}
		for _, r := range recs {
			switch {
			case r.IsErased() || named[r.Commitment]:
			case r.Created > cutoff:
				kept++
			default:
				if _, err := ps.ErasePrivate(ctx, r.Commitment, by, time.Now().UnixMilli()); err != nil {
					return err
				}
				erased++
			}
		}
		c := recs[len(recs)-1].Commitment
		after = &c
	}
	fmt.Fprintf(stdout, "erased %d orphan private records; %d younger than %s kept\n", erased, kept, age)
	return nil
}
