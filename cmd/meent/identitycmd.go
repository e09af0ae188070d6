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

// cmdIdentity maps imported identities to agents. A claim moves nothing
// by itself (see commons/identity.go): it waits for a maintainer's
// confirmation, or for a commit by the identity that names the claimant
// and a contest window, after which anyone finalizes it.
func cmdIdentity(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var s signer
	var d commons.IdentityData
	var reason string
	bind := func(fs *flag.FlagSet, agent string) {
		s.bind(fs)
		fs.StringVar(&d.Commons, "commons", "", "commons ID")
		fs.StringVar(&d.Identity, "identity", "", "identity, e.g. git:ada@example.org")
		if agent != "" {
			fs.StringVar(&d.Agent, "agent", "", agent)
		}
	}
	need := func(agent bool) error {
		if d.Commons == "" || d.Identity == "" || agent && d.Agent == "" {
			if agent {
				return errors.New("--commons, --identity and --agent are required")
			}
			return errors.New("--commons and --identity are required")
		}
		return nil
	}
	contest := func(typ string) func() error {
		return func() error {
			if err := need(true); err != nil {
				return err
			}
			if reason == "" {
				return errors.New("--reason is required")
			}
			return s.submit(ctx, stdout, typ, commons.ContestData{Commons: d.Commons, Identity: d.Identity, Agent: d.Agent, Reason: reason})
		}
	}
	return subcommand(ctx, "identity", args, stdout, stderr, map[string]func(*flag.FlagSet) func() error{
		"claim": func(fs *flag.FlagSet) func() error {
			bind(fs, "")
			return func() error {
				if err := need(false); err != nil {
					return err
				}
				if err := s.submit(ctx, stdout, commons.TypeIdentityClaim, d); err != nil {
					return err
				}
				me, _, err := readAgentKey(s.key)
				if err != nil {
					return err
				}
				days := commons.ContestWindow / (24 * 60 * 60 * 1000)
				fmt.Fprintf(stdout, "Your claim is pending: nothing moves until it is confirmed or proven.\n"+
					"  - a maintainer of the commons confirms it: meent identity confirm --commons %s --identity %s --agent %s\n"+
					"  - or prove it: commit, with the identity's email as author, on the branch the commons imports, a message with the line\n"+
					"        %s: %s\n"+
					"    (git commit --allow-empty -m \"Claim my meent identity\" -m \"%s: %s\"); once a maintainer has imported it\n"+
					"    and %d days passed without objection, run: meent identity finalize --commons %s --identity %s\n",
					d.Commons, d.Identity, me, commons.ClaimLineKey, me, commons.ClaimLineKey, me, days, d.Commons, d.Identity)
				return nil
			}
		},
		"attest": func(fs *flag.FlagSet) func() error {
			bind(fs, "the agent the identity is (maintainers only; maps it at once)")
			return func() error {
				if err := need(true); err != nil {
					return err
				}
				return s.submit(ctx, stdout, commons.TypeIdentityAttest, d)
			}
		},
		"confirm": func(fs *flag.FlagSet) func() error {
			bind(fs, "the claimant whose claim a maintainer confirms (signs identity.attest)")
			return func() error {
				if err := need(true); err != nil {
					return err
				}
				return s.submit(ctx, stdout, commons.TypeIdentityAttest, d)
			}
		},
		"contest": func(fs *flag.FlagSet) func() error {
			bind(fs, "the claimant whose claim you contest (maintainers and rival claimants)")
			fs.StringVar(&reason, "reason", "", "why (required, public)")
			return contest(commons.TypeIdentityContest)
		},
		"reject": func(fs *flag.FlagSet) func() error {
			bind(fs, "the claimant whose claim a maintainer rejects")
			fs.StringVar(&reason, "reason", "", "why (required, public)")
			return contest(commons.TypeIdentityReject)
		},
		"finalize": func(fs *flag.FlagSet) func() error {
			bind(fs, "the claimant (default: the key's agent)")
			return func() error {
				if d.Agent == "" && s.key != "" {
					id, _, err := readAgentKey(s.key)
					if err != nil {
						return err
					}
					d.Agent = id
				}
				if err := need(true); err != nil {
					return err
				}
				return s.submit(ctx, stdout, commons.TypeIdentityFinalize, d)
			}
		},
		"list": func(fs *flag.FlagSet) func() error {
			s.bind(fs)
			fs.StringVar(&d.Commons, "commons", "", "commons ID")
			asJSON := fs.Bool("json", false, "print the identities with their claims as JSON")
			return func() error {
				info, err := client.New(s.url, nil).Imports(ctx, d.Commons)
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
		},
	})
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
				fmt.Fprintf(w, " by commit %s; ready: meent identity finalize --commons %s --identity %s --agent %s", c.Proof, c.Commons, c.Identity, c.Agent)
			case c.Status == commons.ClaimContested:
				fmt.Fprintf(w, " (%d objections; a maintainer decides: confirm or reject)", len(c.Objections))
			}
			fmt.Fprintln(w)
		}
	}
}
