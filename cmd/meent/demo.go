package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/meent/meent/node"
)

// demoPassword is the password of every demo account; the demo is for
// looking around on a laptop, never for a real community.
const demoPassword = "demo-password"

// A demo is the demo community serve --demo is building. Each area adds
// its part (area.demo), in the order of the areas in main.go: the agent
// area signs the people up, the commons area makes a commons, the value
// and license areas give that commons a policy, an income and licenses.
type demo struct {
	ctx context.Context
	n   *node.Node
	acc *node.Accounts
	cfg *Config
	// ids maps demo names to IDs: people by user name ("maya"), objects
	// by the name the area that made them gives them ("libmeent"), so a
	// later area finds what an earlier one made.
	ids map[string]string
	// err is the first failed act; later acts do nothing, so an area's
	// demo reads as a list of acts with one check at the end.
	err error
}

// act signs and submits an event as a demo user, now.
func (d *demo) act(user, typ string, data any) string {
	return d.actAt(user, typ, time.Now().UnixMilli(), data)
}

// actAt signs and submits an event as a demo user (the node holds their
// keys) with the given time, and returns its hash.
func (d *demo) actAt(user, typ string, at int64, data any) string {
	if d.err != nil {
		return ""
	}
	rc, err := d.acc.ActAt(d.ctx, d.ids[user], typ, at, data)
	if err != nil {
		d.err = fmt.Errorf("demo %s by %s: %w", typ, user, err)
	}
	return rc.Hash.String()
}

// fillDemo gives a newly initialised node a small community: every area
// adds its part. It does nothing if the log holds more than the genesis
// events.
func fillDemo(ctx context.Context, n *node.Node, acc *node.Accounts, cfg *Config, stdout io.Writer) error {
	size, err := n.Store().Size(ctx)
	if err != nil {
		return err
	}
	if size > 2 {
		return nil
	}
	d := &demo{ctx: ctx, n: n, acc: acc, cfg: cfg, ids: map[string]string{}}
	for _, a := range areas {
		if a.demo == nil {
			continue
		}
		if err := a.demo(d); err != nil {
			return fmt.Errorf("%s: %w", a.name, err)
		}
		if d.err != nil {
			return fmt.Errorf("%s: %w", a.name, d.err)
		}
	}
	fmt.Fprintf(stdout, "demo community added: log in as maya, joost, amina, ... with password %q\n", demoPassword)
	return nil
}
