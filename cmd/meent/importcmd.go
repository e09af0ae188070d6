package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/meent/meent/api"
	"github.com/meent/meent/client"
	"github.com/meent/meent/commons"
	"github.com/meent/meent/gitimport"
)

// maxImportBytes keeps a contribution.import event well under the
// ledger's 65,535-byte limit for an entry.
const maxImportBytes = 48 << 10

// importArea holds the commands that read histories kept elsewhere.
var importArea = area{
	name:    "import",
	summary: "histories kept elsewhere (git) as accepted contributions",
	commands: []command{
		{name: "import git", args: "PATH", summary: "import a git history: its commits become accepted contributions", flags: importGitFlags},
	},
}

func importGitFlags(fs *flag.FlagSet) action {
	var o gitImport
	o.s.bind(fs)
	fs.StringVar(&o.commons, "commons", "", "the commons the history belongs to (required)")
	fs.StringVar(&o.ref, "ref", "HEAD", "the branch whose history counts as accepted")
	fs.StringVar(&o.source, "source", "", "where the history comes from, shown with each contribution (default: the path)")
	fs.BoolVar(&o.dry, "dry-run", false, "read the history and report, submit nothing")
	fs.BoolVar(&o.mailmap, "mailmap", false, "credit authors by the .mailmap committed at the ref (canonical name and email)")
	return func(ctx context.Context, stdout, stderr io.Writer) error {
		o.path = fs.Arg(0)
		return cmdImport(ctx, o, stdout)
	}
}

// gitImport is what import git is asked to do.
type gitImport struct {
	s                  signer
	path, commons, ref string
	source             string
	dry, mailmap       bool
}

// cmdImport runs meent import git PATH --commons ID: the commits reachable
// from the ref become contribution.import events, signed by a maintainer's
// key, in batches of up to commons.MaxImportCommits. Commits the commons
// already has are skipped before git computes their diffs, so a re-run
// adds only new commits.
func cmdImport(ctx context.Context, o gitImport, stdout io.Writer) error {
	path := o.path
	if path == "" || o.commons == "" {
		return errors.New("usage: meent import git PATH --commons ID --key FILE")
	}
	if o.source == "" {
		abs, err := filepath.Abs(path)
		if err != nil {
			return err
		}
		o.source = abs
	}
	o.source = clip(o.source, commons.MaxTitle)

	client := client.New(o.s.url, nil)
	// known: commits the commons has; unknown: those of them it has without
	// line counts, which are read again so that their counts can be added.
	known, unknown := map[string]bool{}, map[string]bool{}
	if !o.dry {
		if o.s.key == "" {
			return errors.New("--key is required (a maintainer's key), or use --dry-run")
		}
		info, err := client.Imports(ctx, o.commons)
		if err != nil {
			return err
		}
		for _, h := range info.Commits {
			known[h] = true
		}
		for _, h := range info.NoStats {
			unknown[h] = true
		}
	}

	start := time.Now()
	// Claim lines (proofs of identity claims) are read by a second, cheap
	// git log (0.25 s on 20,000 commits, a tenth of git log --numstat)
	// that runs while Read lists the history; the first commit waits for it.
	type messages struct {
		m   map[string]string
		err error
	}
	claimsDone := make(chan messages, 1)
	go func() {
		m, err := gitimport.MessagesWith(ctx, path, o.ref, commons.ClaimLineKey, "")
		claimsDone <- messages{m, err}
	}()
	claimLines := sync.OnceValue(func() messages { return <-claimsDone })
	proofs := 0
	batch := []commons.ImportedCommit{}
	var amends []commons.LineCounts
	size, events, imported, amended, stillUnknown := 0, 0, 0, 0, 0
	flush := func() error {
		if len(batch)+len(amends) == 0 {
			return nil
		}
		if !o.dry {
			if err := o.s.submitQuiet(ctx, commons.TypeImport, commons.ImportData{Commons: o.commons, Source: o.source, Commits: batch, Amends: amends}); err != nil {
				return fmt.Errorf("after %d commits: %w", imported, err)
			}
		}
		events++
		imported += len(batch)
		amended += len(amends)
		batch, amends, size = batch[:0], amends[:0], 0
		return nil
	}
	imp := func(h string) bool { return known[h] && !unknown[h] }
	rep, err := gitimport.Read(ctx, path, gitimport.Options{Ref: o.ref, Imported: imp, Mailmap: o.mailmap}, func(c gitimport.Commit) error {
		var n int
		var k commons.ImportedCommit
		if unknown[c.Hash] {
			if c.NoStats {
				stillUnknown++ // unreadable here too
				return nil
			}
			n = 160
		} else {
			k = importedCommit(c)
			cl := claimLines()
			if cl.err != nil {
				return cl.err
			}
			k.Claims = commons.ClaimLineAgents(cl.m[c.Hash]) // proofs of identity claims
			proofs += len(k.Claims)
			n = len(k.Identity) + len(k.Name) + len(k.Subject) + 160 + 70*len(k.Claims)
		}
		if len(batch)+len(amends) == commons.MaxImportCommits || size+n > maxImportBytes {
			if err := flush(); err != nil {
				return err
			}
		}
		if unknown[c.Hash] {
			amends = append(amends, commons.LineCounts{Commit: c.Hash, Files: int64(len(c.Files)), LinesAdded: c.LinesAdded, LinesRemoved: c.LinesRemoved})
		} else {
			batch = append(batch, k)
		}
		size += n
		return nil
	})
	if err == nil {
		err = flush()
	}
	verb := "imported"
	if o.dry {
		verb = "read (dry run, nothing submitted)"
	}
	fmt.Fprintf(stdout, "%s %d commits in %d events (%d merges, %d already imported) in %s\n",
		verb, imported, events, rep.Merges, rep.Skipped, time.Since(start).Round(time.Millisecond))
	if proofs > 0 {
		fmt.Fprintf(stdout, "%d claim lines (%s: AGENT) recorded as proofs of identity claims\n", proofs, commons.ClaimLineKey)
	}
	if amended > 0 || stillUnknown > 0 {
		fmt.Fprintf(stdout, "added the line counts of %d commits imported earlier without them; %d are still unreadable\n", amended, stillUnknown)
	}
	if rep.Mailmap != "" {
		fmt.Fprintf(stdout, "authors resolved by the .mailmap at %s (blob %s)\n", o.ref, rep.Mailmap)
	} else if o.mailmap {
		fmt.Fprintf(stdout, "no .mailmap at %s: authors as written\n", o.ref)
	}
	for _, p := range rep.Unreadable {
		what := "not imported"
		if p.Partial {
			what = "imported without line counts"
			if unknown[p.Hash] {
				what = "still without line counts"
			}
		}
		fmt.Fprintf(stdout, "  %s %s: %s\n", orDash(p.Hash), what, p.Reason)
	}
	if err != nil {
		return err
	}
	if o.dry {
		for id, st := range rep.Identities {
			fmt.Fprintf(stdout, "  %s (%s): %d commits\n", id, st.Name, st.Commits)
		}
		return nil
	}
	info, err := client.Imports(ctx, o.commons)
	if err != nil {
		return err
	}
	var unmapped []api.IdentityInfo
	for _, id := range info.Identities {
		if id.Agent == "" {
			unmapped = append(unmapped, id)
		}
	}
	if len(unmapped) > 0 {
		fmt.Fprintf(stdout, "%d identities are not mapped to an agent yet; their value is kept for them until they claim it:\n", len(unmapped))
		for _, id := range unmapped {
			fmt.Fprintf(stdout, "  %s (%s): %d commits, +%d -%d lines\n", id.Identity, id.Name, id.Commits, id.LinesAdded, id.LinesRemoved)
		}
		fmt.Fprintf(stdout, "claim one with: meent identity claim IDENTITY --commons %s --key AGENT.key (it takes effect when a maintainer confirms it, or when a commit by the identity names you)\n", o.commons)
	}
	return nil
}

// importedCommit turns a commit read from git into the event's form:
// texts cut to the rules' limits on one line, identities that are too long
// replaced by a hash of themselves, times before 1970 as unknown.
func importedCommit(c gitimport.Commit) commons.ImportedCommit {
	id := gitimport.Identity(c)
	if len(id) > commons.MaxIdentity {
		h := sha256.Sum256([]byte(id))
		id = "git:sha256:" + hex.EncodeToString(h[:])
	}
	return commons.ImportedCommit{
		Commit: c.Hash, Identity: id, Name: clip(c.AuthorName, commons.MaxTitle), Time: max(c.AuthorTime, 0),
		Subject: clip(c.Subject, commons.MaxTitle), Files: int64(len(c.Files)),
		LinesAdded: c.LinesAdded, LinesRemoved: c.LinesRemoved, Merge: c.Merge, NoStats: c.NoStats,
	}
}

// clip makes s one line of at most n bytes, cut at a rune boundary.
func clip(s string, n int) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
