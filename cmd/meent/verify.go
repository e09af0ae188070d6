package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/mod/sumdb/note"

	"github.com/meent/meent/audit"
	"github.com/meent/meent/client"
)

// verifyFlags defines verify's flags: where the log is, and the key it
// must be signed with.
func verifyFlags(fs *flag.FlagSet) action {
	conf := nodeConfig(fs, false)
	vkey := fs.String("key", "", "verifier key of the node (name+hash+base64); default: DIR/node.pub, or for a URL what the node says (trust on first use)")
	return func(ctx context.Context, stdout, stderr io.Writer) error {
		cfg, err := conf()
		if err != nil {
			return err
		}
		return cmdVerify(ctx, cfg, *vkey, fs.Args(), stdout, stderr)
	}
}

func cmdVerify(ctx context.Context, cfg *Config, vkey string, args []string, stdout, stderr io.Writer) error {
	var src audit.Source
	switch len(args) {
	case 0:
		if vkey == "" {
			b, err := os.ReadFile(filepath.Join(cfg.Data, nodePubFile))
			if err != nil {
				return fmt.Errorf("read verifier key: %w", err)
			}
			vkey = strings.TrimSpace(string(b))
		}
		store, err := openStore(ctx, cfg)
		if err != nil {
			return err
		}
		defer store.Close()
		src = audit.StoreSource(store)
	case 1:
		c := client.New(strings.TrimRight(args[0], "/"), nil)
		if vkey == "" {
			info, err := c.Node(ctx)
			if err != nil {
				return err
			}
			vkey = info.VerifierKey
			fmt.Fprintf(stderr, "warning: trusting the verifier key the node announces (%s); pass --key to pin it\n", vkey)
		}
		src = c
	default:
		return errors.New("verify takes at most one URL")
	}
	v, err := note.NewVerifier(vkey)
	if err != nil {
		return fmt.Errorf("verifier key: %w", err)
	}
	rep, err := audit.Verify(ctx, src, v)
	var p *audit.Problem
	if errors.As(err, &p) {
		fmt.Fprintf(stdout, "FAIL at index %d: %s\n", p.Index, p.Reason)
		return errReported
	}
	if err != nil {
		return err
	}
	fmt.Fprint(stdout, rep)
	return nil
}
