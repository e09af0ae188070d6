package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/mod/sumdb/note"

	"github.com/meent/meent/client"
	"github.com/meent/meent/federation"
)

// peerArea holds the commands of federation (docs/federation.md):
// following another node's log, and checking evidence against one.
var peerArea = area{
	name:    "peer",
	summary: "follow other nodes' logs, verified; check evidence of equivocation",
	commands: []command{
		{name: "peer follow", args: "URL", summary: "mirror a peer's log once: checkpoint, consistency, every signature and rule", flags: peerFollowFlags},
		{name: "peer evidence", args: "check FILE", summary: "check equivocation evidence offline with the peer's verifier key", flags: peerEvidenceFlags},
	},
}

func peerFollowFlags(fs *flag.FlagSet) action {
	data := fs.String("data", "meent-data", "data directory; the mirror is kept in DIR/peers/")
	vkey := fs.String("key", "", "the peer's verifier key (name+hash+base64), as its operator publishes it: required")
	return func(ctx context.Context, stdout, stderr io.Writer) error {
		if err := loadConfig(fs); err != nil {
			return err
		}
		v, err := peerVerifier(*vkey)
		if err != nil {
			return err
		}
		url := strings.TrimRight(fs.Arg(0), "/")
		dir := federation.PeerDir(*data, *vkey)
		f, err := federation.Open(ctx, dir, v)
		if err != nil {
			return err
		}
		res, err := f.Sync(ctx, client.New(url, nil))
		var eq *federation.EquivocationError
		switch {
		case errors.As(err, &eq):
			fmt.Fprintf(stdout, "EQUIVOCATION by %s: %s\nevidence: %s (check it with meent peer evidence check FILE --key KEY)\n", v.Name(), eq.Conflict, eq.Path)
			return errReported
		case err != nil:
			return fmt.Errorf("follow %s: %w", url, err)
		}
		r := f.Replay()
		d := r.State.Summary().Total
		if res.To == res.From {
			fmt.Fprintf(stdout, "ok: %s up to date at %d events\n", v.Name(), res.To)
		} else {
			fmt.Fprintf(stdout, "ok: %s %d → %d events, every checkpoint, proof, signature and rule verified\n", v.Name(), res.From, res.To)
		}
		fmt.Fprintf(stdout, "  state      %x (%d agents, %d members)\n  mirror     %s\n", d[:8], r.State.Agents.Len(), r.State.Agents.Members(), dir)
		return nil
	}
}

func peerEvidenceFlags(fs *flag.FlagSet) action {
	vkey := fs.String("key", "", "the verifier key (name+hash+base64) of the log the evidence is against: required")
	return func(ctx context.Context, stdout, stderr io.Writer) error {
		// "check" is the one verb of evidence for now; the table allows a
		// group and a name, so it is the first argument.
		if fs.Arg(0) != "check" || fs.NArg() != 2 {
			return errors.New("usage: meent peer evidence check FILE --key KEY")
		}
		v, err := peerVerifier(*vkey)
		if err != nil {
			return err
		}
		b, err := os.ReadFile(fs.Arg(1))
		if err != nil {
			return err
		}
		e, err := federation.DecodeEvidence(b)
		if err != nil {
			return err
		}
		c, err := e.Check(v)
		if err != nil {
			fmt.Fprintf(stdout, "NOT PROVEN: %v\n", err)
			return errReported
		}
		fmt.Fprintf(stdout, "proven: %s\n", c)
		return nil
	}
}

func peerVerifier(vkey string) (note.Verifier, error) {
	if vkey == "" {
		return nil, errors.New("--key is required: the peer's verifier key, from its operator (never trusted from the peer itself)")
	}
	v, err := note.NewVerifier(vkey)
	if err != nil {
		return nil, fmt.Errorf("verifier key: %w", err)
	}
	return v, nil
}
