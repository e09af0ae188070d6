package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/meent/meent/api"
	"github.com/meent/meent/client"
	"github.com/meent/meent/commons"
)

// identityArea maps imported identities to agents. A claim moves nothing
// by itself (see commons/identity.go): it waits for a maintainer's
// confirmation, or for a commit by the identity that names the claimant
// and a contest window, after which anyone finalizes it.
var identityArea = area{
	name:     "identity",
	summary:  "imported identities (git authors) and the agents who claim them",
	commands: identityCommands,
}

// identityCmd holds what the identity commands share: each acts on one
// identity (its argument, which replaced --identity) in one commons, and
// most name an agent.
type identityCmd struct {
	s      signer
	d      commons.IdentityData
	reason string
}

// bind defines the shared flags; agent is the usage of --agent, or empty
// for a command that takes none.
func (c *identityCmd) bind(fs *flag.FlagSet, agent string) {
	c.s.bind(fs)
	fs.StringVar(&c.d.Commons, "commons", "", "commons ID")
	fs.StringVar(&c.d.Identity, "identity", "", "identity, e.g. git:ada@example.org")
	if agent != "" {
		fs.StringVar(&c.d.Agent, "agent", "", agent)
	}
}

func (c *identityCmd) need(agent bool) error {
	switch {
	case c.d.Commons == "" && agent && c.d.Agent == "":
		return errors.New("--commons and --agent are required")
	case c.d.Commons == "":
		return errors.New("--commons is required")
	case agent && c.d.Agent == "":
		return errors.New("--agent is required")
	}
	return nil
}

// contestFlags defines the flags of contest and reject, which sign the
// same data under two event types.
func contestFlags(typ, agent string) func(fs *flag.FlagSet) action {
	return func(fs *flag.FlagSet) action {
		var c identityCmd
		c.bind(fs, agent)
		fs.StringVar(&c.reason, "reason", "", "why (required, public)")
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			if err := c.need(true); err != nil {
				return err
			}
			if c.reason == "" {
				return errors.New("--reason is required")
			}
			return c.s.submit(ctx, stdout, typ, commons.ContestData{Commons: c.d.Commons, Identity: c.d.Identity, Agent: c.d.Agent, Reason: c.reason})
		}
	}
}

var identityCommands = []command{
	{name: "identity claim", args: "IDENTITY", idFlag: "identity", summary: "claim an imported identity as yours; it moves nothing until proven or confirmed", flags: func(fs *flag.FlagSet) action {
		var c identityCmd
		c.bind(fs, "")
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			if err := c.need(false); err != nil {
				return err
			}
			if err := c.s.submit(ctx, stdout, commons.TypeIdentityClaim, c.d); err != nil {
				return err
			}
			me, _, err := readAgentKey(c.s.key)
			if err != nil {
				return err
			}
			days := commons.ContestWindow / (24 * 60 * 60 * 1000)
			fmt.Fprintf(stdout, "Your claim is pending: nothing moves until it is confirmed or proven.\n"+
				"  - a maintainer of the commons confirms it: meent identity confirm %s --commons %s --agent %s\n"+
				"  - or prove it: commit, with the identity's email as author, on the branch the commons imports, a message with the line\n"+
				"        %s: %s\n"+
				"    (git commit --allow-empty -m \"Claim my meent identity\" -m \"%s: %s\"); once a maintainer has imported it\n"+
				"    and %d days passed without objection, run: meent identity finalize %s --commons %s\n",
				c.d.Identity, c.d.Commons, me, commons.ClaimLineKey, me, commons.ClaimLineKey, me, days, c.d.Identity, c.d.Commons)
			return nil
		}
	}},
	{name: "identity confirm", args: "IDENTITY", idFlag: "identity", summary: "confirm an agent's claim on an imported identity (maintainers)", flags: func(fs *flag.FlagSet) action {
		var c identityCmd
		c.bind(fs, "the claimant whose claim a maintainer confirms (signs identity.attest)")
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			if err := c.need(true); err != nil {
				return err
			}
			return c.s.submit(ctx, stdout, commons.TypeIdentityAttest, c.d)
		}
	}},
	{name: "identity attest", args: "IDENTITY", idFlag: "identity", summary: "attest that an imported identity is an agent (maintainers)", flags: func(fs *flag.FlagSet) action {
		var c identityCmd
		c.bind(fs, "the agent the identity is (maintainers only; maps it at once)")
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			if err := c.need(true); err != nil {
				return err
			}
			return c.s.submit(ctx, stdout, commons.TypeIdentityAttest, c.d)
		}
	}},
	{name: "identity contest", args: "IDENTITY", idFlag: "identity", summary: "object to a claim on an imported identity (maintainers, rival claimants)",
		flags: contestFlags(commons.TypeIdentityContest, "the claimant whose claim you contest (maintainers and rival claimants)")},
	{name: "identity reject", args: "IDENTITY", idFlag: "identity", summary: "reject a claim on an imported identity (maintainers)",
		flags: contestFlags(commons.TypeIdentityReject, "the claimant whose claim a maintainer rejects")},
	{name: "identity finalize", args: "IDENTITY", idFlag: "identity", summary: "make a proven claim effective once its contest window has passed", flags: func(fs *flag.FlagSet) action {
		var c identityCmd
		c.bind(fs, "the claimant (default: the key's agent)")
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			if c.d.Agent == "" && c.s.key != "" {
				id, _, err := readAgentKey(c.s.key)
				if err != nil {
					return err
				}
				c.d.Agent = id
			}
			if err := c.need(true); err != nil {
				return err
			}
			return c.s.submit(ctx, stdout, commons.TypeIdentityFinalize, c.d)
		}
	}},
	{name: "identity list", summary: "list a commons' imported identities and the claims on them", flags: func(fs *flag.FlagSet) action {
		var r remote
		r.bind(fs)
		commonsID := fs.String("commons", "", "commons ID")
		asJSON := fs.Bool("json", false, "print the identities with their claims as JSON")
		return func(ctx context.Context, stdout, stderr io.Writer) error {
			info, err := client.New(r.url, nil).Imports(ctx, *commonsID)
			if err != nil {
				return err
			}
			if *asJSON {
				enc := json.NewEncoder(stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(info.Identities)
			}
			printIdentities(stdout, info.Identities, time.Now())
			return nil
		}
	}},
}

// printIdentities lists identities for people: who each is, and every
// claim with its status and what it waits for.
func printIdentities(w io.Writer, ids []api.IdentityInfo, now time.Time) {
	for _, id := range ids {
		who := "not mapped"
		if id.Agent != "" {
			who = "agent " + id.Agent
			if id.Attested {
				who += " (attested)"
			}
		}
		fmt.Fprintf(w, "%s (%s): %d commits, +%d -%d lines; %s\n", id.Identity, id.Name, id.Commits, id.LinesAdded, id.LinesRemoved, who)
		for _, c := range id.Claims {
			fmt.Fprintf(w, "  claim by %s: %s", c.Agent, c.Status)
			switch {
			case c.Status == commons.ClaimPending:
				fmt.Fprintf(w, " (waits for a maintainer, or a commit with the line \"%s: %s\")", commons.ClaimLineKey, c.Agent)
			case c.Status == commons.ClaimProven && c.Ready > now.UnixMilli():
				fmt.Fprintf(w, " by commit %s; open to objection until %s", c.Proof, time.UnixMilli(c.Ready).UTC().Format(time.RFC3339))
			case c.Status == commons.ClaimProven:
				fmt.Fprintf(w, " by commit %s; ready: meent identity finalize %s --commons %s --agent %s", c.Proof, c.Identity, c.Commons, c.Agent)
			case c.Status == commons.ClaimContested:
				fmt.Fprintf(w, " (%d objections; a maintainer decides: confirm or reject)", len(c.Objections))
			}
			fmt.Fprintln(w)
		}
	}
}
