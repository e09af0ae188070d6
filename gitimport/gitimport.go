// Package gitimport reads the history of a real git repository so that
// commits can become contributions: author, time, hash, files and lines
// added and removed. It runs the git binary (git log --numstat -z) and
// parses its output as a stream, so memory does not grow with the log.
//
// What counts, and how:
//
//   - Every commit reachable from the ref (default HEAD) counts, through
//     all parents, not only the first-parent chain: the issue says commits
//     reachable from the main branch are accepted, and work merged from a
//     branch is work done for the commons.
//   - Commits come oldest first; a parent always comes before its
//     children (git rev-list --topo-order --reverse).
//   - Merges are commits with zero lines (Merge true, no Files): their
//     changes were already counted in the commits they merge, and git
//     prints no numstat for merges unless asked (-m), which would count the
//     merged work twice.
//   - Renames are detected (-M, 50% similarity) and count only the lines
//     that changed, not the whole file.
//   - Binary files are listed (Binary true) with zero lines.
//   - Names, emails, subjects and paths are made valid UTF-8: each run of
//     invalid bytes becomes U+FFFD, deterministically, because commits in
//     old repositories often carry Latin-1 names. Values longer than
//     MaxText (paths: MaxPath) bytes are truncated.
//   - The .mailmap of the repository is not applied unless asked for
//     (Options.Mailmap): it is writable by anyone who can push, so by
//     default it does not decide who is credited. When asked for, the one
//     applied is the .mailmap committed at the ref read, never a work
//     tree's file or the user's configuration, so two nodes importing the
//     same ref credit the same identities.
//     Replace refs are ignored for the same reason (GIT_NO_REPLACE_OBJECTS).
//
// Damaged repositories and partial clones are imported as far as they can
// be read. git never fetches anything (GIT_NO_LAZY_FETCH=1, no transport
// allowed), so a blobless clone cannot hang on the network. A commit whose
// line counts cannot be read (a blob or tree is absent, or it is the
// boundary of a shallow clone, whose diff git would show as the whole
// tree) is delivered with NoStats set and listed in Report.Unreadable; a
// commit whose own object cannot be read is not delivered and is listed
// there too. Finding what is absent costs a few extra git processes after
// the first failure; in a partial clone it also lists the trees and blobs
// present once, and holds them in memory (about 50 bytes each).
package gitimport

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"

	"github.com/meent/meent"
)

// Limits on the text git prints for a commit. Longer values are cut,
// deterministically, and the rest is read and dropped.
const (
	MaxText = 4096    // author name, email, subject
	MaxPath = 1 << 16 // a path in a FileChange
)

// Options says what to read.
type Options struct {
	// Ref is the branch, tag or commit whose history is read. Default
	// "HEAD". It must not start with "-".
	Ref string
	// Since is the hash of the last commit imported by an earlier run: it
	// and everything reachable from it are left out (git rev-list
	// Ref ^Since), so a re-run reads only new commits and git computes no
	// diff for the old ones. It must name a commit in the repository.
	Since string
	// Imported, when set, reports whether a commit was imported earlier;
	// such commits are skipped (counted in Report.Skipped) before git
	// computes their diff. It can be used with or without Since.
	Imported func(hash string) bool
	// Git is the git binary. Default: "git" found in PATH.
	Git string
	// Mailmap resolves authors through the .mailmap committed at Ref
	// (git's own mailmap rules: canonical name and email), so one person
	// with several emails is one identity. Without a .mailmap at Ref it
	// changes nothing; when that .mailmap cannot be read (a blobless
	// clone) Read refuses to start (meent.EINVALID) rather than import
	// without it.
	Mailmap bool
}

// Commit is one commit as read from git.
type Commit struct {
	Hash          string   // full lowercase hex (40, or 64 in SHA-256 repositories)
	ParentHashes  []string // in order; the first is the first parent
	AuthorName    string
	AuthorEmail   string // as written, may be empty
	AuthorTime    int64  // Unix milliseconds; 0 if the commit has no valid date
	CommitterTime int64  // Unix milliseconds; 0 if the commit has no valid date
	Subject       string // the first paragraph of the message, on one line
	Files         []FileChange
	LinesAdded    int64 // sum of Files[i].Added
	LinesRemoved  int64 // sum of Files[i].Removed
	Merge         bool  // more than one parent; merges have no Files and zero lines
	// NoStats is set when the line counts could not be read (see
	// Report.Unreadable for why): Files is empty and the line counts are
	// zero because they are unknown, not because nothing changed.
	NoStats bool
}

// FileChange is one file changed by a commit.
type FileChange struct {
	Path    string // the path after the commit
	OldPath string // the path before, when the file was renamed; else ""
	Added   int64
	Removed int64
	Binary  bool // a binary file: Added and Removed are zero
}

// Report sums up a Read.
type Report struct {
	Commits int // commits passed to fn, merges and NoStats commits included
	Merges  int
	Skipped int // commits left out because Options.Imported reported them
	// Unreadable lists, oldest first, what could not be read: commits
	// delivered without line counts (Partial) and commits or history that
	// could not be read at all.
	Unreadable []Problem
	// Identities counts the delivered commits per author identity, keyed
	// by Identity. A caller maps them to agents; those it cannot map are
	// the unclaimed identities whose value is kept for them.
	Identities map[string]IdentityStat
	// GitProcesses counts the git processes Read started: a handful
	// whatever the length of the history, unless commits had to be
	// retried one by one.
	GitProcesses int
	// Mailmap is the object name of the .mailmap applied (Options.Mailmap),
	// "" if none was.
	Mailmap string
}

// Problem is something Read could not read.
type Problem struct {
	Hash    string // the commit; "" when the problem is not one commit's
	Reason  string // what git or the parser said
	Partial bool   // the commit was still delivered, with NoStats set
}

// IdentityStat describes one author identity seen in the history.
type IdentityStat struct {
	Name    string // the first author name seen with this identity
	Email   string // the first email seen, as written
	Commits int
}

// Identity returns the canonical key of a commit's author: "git:" and the
// email in lower case (ASCII letters only, so the key never depends on
// the Unicode tables of a Go release), or "git:name:" and the name when
// the email is empty, or "git:unknown" when both are. Spaces around either
// are ignored.
func Identity(c Commit) string {
	if email := strings.TrimSpace(c.AuthorEmail); email != "" {
		return "git:" + asciiLower(email)
	}
	if name := strings.TrimSpace(c.AuthorName); name != "" {
		return "git:name:" + name
	}
	return "git:unknown"
}

func asciiLower(s string) string {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if 'A' <= b[j] && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// Read passes the commits reachable from opts.Ref in repoPath to fn, oldest
// first (parents before children), and reports what it did. It stops at
// the first error fn returns and returns that error as is.
//
// Read never asks git to fetch: in a partial or damaged repository it
// delivers what it can read and lists the rest in Report.Unreadable. It
// returns an error only when it cannot start: repoPath is not a git
// repository (code meent.EINVALID), Ref or Since is not a commit there
// (meent.ENOTFOUND), git cannot be run, or ctx ends; the Report then
// covers the commits delivered so far. A repository without commits
// yields an empty Report.
func Read(ctx context.Context, repoPath string, opts Options, fn func(Commit) error) (rep Report, err error) {
	rep = Report{Identities: map[string]IdentityStat{}}
	if strings.HasPrefix(opts.Ref, "-") || strings.HasPrefix(opts.Since, "-") {
		return rep, meent.Errorf(meent.EINVALID, "git ref must not start with '-'")
	}
	bin := opts.Git
	if bin == "" {
		var err error
		if bin, err = exec.LookPath("git"); err != nil {
			return rep, fmt.Errorf("gitimport: find git: %w", err)
		}
	}
	g := newGit(bin, repoPath)
	defer func() { rep.GitProcesses = int(g.runs.Load()) }()
	if st, err := os.Stat(repoPath); err != nil || !st.IsDir() {
		return rep, &meent.Error{Code: meent.EINVALID, Message: fmt.Sprintf("%s is not a directory", repoPath), Err: err}
	}
	if _, err := g.output(ctx, "rev-parse", "--git-dir"); err != nil {
		if ctx.Err() != nil {
			return rep, ctx.Err()
		}
		return rep, &meent.Error{Code: meent.EINVALID, Message: fmt.Sprintf("%s is not a git repository", repoPath), Err: err}
	}

	ref := opts.Ref
	if ref == "" {
		ref = "HEAD"
	}
	head, err := g.resolve(ctx, ref)
	if err != nil {
		if ctx.Err() != nil {
			return rep, ctx.Err()
		}
		if ref == "HEAD" {
			// An unborn HEAD (no commits yet) does not resolve at all; a
			// HEAD whose commit is absent resolves to a hash. "HEAD" is
			// also what meent import git passes by default, so an empty
			// repository imports 0 commits there too.
			if _, uerr := g.output(ctx, "rev-parse", "--verify", "--quiet", "HEAD"); uerr != nil {
				return rep, nil
			}
		}
		return rep, &meent.Error{Code: meent.ENOTFOUND, Message: fmt.Sprintf("%q is not a commit in %s", ref, repoPath), Err: err}
	}
	var since string
	if opts.Since != "" {
		if since, err = g.resolve(ctx, opts.Since); err != nil {
			if ctx.Err() != nil {
				return rep, ctx.Err()
			}
			return rep, &meent.Error{Code: meent.ENOTFOUND, Message: fmt.Sprintf("since: %q is not a commit in %s", opts.Since, repoPath), Err: err}
		}
	}

	if opts.Mailmap {
		dir, err := g.useMailmap(ctx, head)
		if dir != "" {
			defer os.RemoveAll(dir)
		}
		if err != nil {
			return rep, err
		}
		if g.mailmap != nil {
			rep.Mailmap = g.mailmap.blob
		}
	}

	im := &importer{g: g, rep: &rep, fn: fn}
	if err := im.list(ctx, head, since); err != nil {
		return rep, err
	}
	if opts.Imported != nil {
		kept := im.entries[:0]
		for _, e := range im.entries {
			if opts.Imported(e.hash) {
				rep.Skipped++
				continue
			}
			kept = append(kept, e)
		}
		im.entries = kept
	}
	if err := im.markShallow(ctx); err != nil {
		return rep, err
	}
	err = im.run(ctx)
	return rep, err
}

// useMailmap sets g up to apply the .mailmap committed at commit head, if
// there is one. It returns the empty directory it made, for the caller to
// remove.
func (g *git) useMailmap(ctx context.Context, head string) (string, error) {
	out, err := g.output(ctx, "rev-parse", "--verify", "--quiet", "--end-of-options", head+":.mailmap")
	if err != nil {
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		return "", nil // no .mailmap at the ref: nothing to apply
	}
	blob := strings.TrimSpace(string(out))
	if _, err := g.output(ctx, "cat-file", "-e", blob); err != nil {
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		return "", &meent.Error{Code: meent.EINVALID, Err: err,
			Message: fmt.Sprintf("the .mailmap at %s (blob %s) cannot be read, as in a blobless clone: fetch it or import without the mailmap", head, blob)}
	}
	gd, err := g.output(ctx, "rev-parse", "--absolute-git-dir")
	if err != nil {
		return "", fmt.Errorf("gitimport: find the git directory: %w", err)
	}
	dir, err := os.MkdirTemp("", "meent-mailmap-")
	if err != nil {
		return "", fmt.Errorf("gitimport: %w", err)
	}
	g.mailmap = &mailmap{blob: blob, gitDir: strings.TrimSpace(string(gd)), emptyWT: dir}
	return dir, nil
}

// deliver hands c to fn and counts it.
func (im *importer) deliver(c Commit, e *entry) error {
	if e.mode == modeMeta {
		c.NoStats = true
		c.Files, c.LinesAdded, c.LinesRemoved = nil, 0, 0
		im.rep.Unreadable = append(im.rep.Unreadable, Problem{Hash: c.Hash, Reason: e.reason, Partial: true})
	}
	if err := im.fn(c); err != nil {
		return &fnError{err}
	}
	im.rep.Commits++
	if c.Merge {
		im.rep.Merges++
	}
	id := Identity(c)
	st, ok := im.rep.Identities[id]
	if !ok {
		st = IdentityStat{Name: c.AuthorName, Email: c.AuthorEmail}
	}
	st.Commits++
	im.rep.Identities[id] = st
	return nil
}

// fnError carries the error of the caller's fn, which Read returns as is.
type fnError struct{ err error }

func (e *fnError) Error() string { return e.err.Error() }

// unwrapFn returns the caller's error for a fnError, and err otherwise.
func unwrapFn(err error) error {
	var fe *fnError
	if errors.As(err, &fe) {
		return fe.err
	}
	return err
}
