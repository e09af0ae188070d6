package gitimport

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// importer carries one Read: the ordered list of commits to deliver and,
// for each, how it can be read.
//
// The normal case is one git rev-list and one git log over the whole list.
// When git log fails, the rest of the list is checked for absent objects
// once (the trees of the commits and the blobs diff-tree names), so a
// blobless clone costs a few git processes, not one per commit; then the
// commit git failed on is retried alone and, if it fails alone, read
// without line counts. Every failure moves the import forward by at least
// one commit, so it always ends.
type importer struct {
	g       *git
	rep     *Report
	fn      func(Commit) error
	entries []entry
	checked int // entries before this index have been checked for absent objects

	promisor *bool                 // whether the repository is a partial clone, once known
	present  map[[32]byte]struct{} // in a partial clone, the trees and blobs it has
}

type entry struct {
	hash   string
	merge  bool
	mode   mode
	reason string // why the commit is read without line counts, or not at all
}

type mode uint8

const (
	modeStats mode = iota // with line counts
	modeMeta              // without: Commit.NoStats
	modeDrop              // the commit itself cannot be read
)

// list fills im.entries with the commits to read, oldest first.
func (im *importer) list(ctx context.Context, head, since string) error {
	args := []string{"rev-list", "--topo-order", "--reverse", "--parents", head}
	if since != "" {
		args = append(args, "^"+since)
	}
	err := im.g.lines(ctx, nil, func(line []byte) error {
		fields := bytes.Fields(line)
		if len(fields) == 0 || !isHash(fields[0]) {
			return fmt.Errorf("git rev-list printed %q", line)
		}
		im.entries = append(im.entries, entry{hash: string(fields[0]), merge: len(fields) > 2})
		return nil
	}, args...)
	if err == nil {
		return nil
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	// git cannot walk the history: a commit object is absent or damaged.
	// Walk it here instead, around what cannot be read.
	im.entries = im.entries[:0]
	return im.walk(ctx, head, since, err)
}

// markShallow reads the boundary commits of a shallow clone without line
// counts: git shows their diff against nothing, as if they had added the
// whole tree, which would credit their authors with everyone's work.
func (im *importer) markShallow(ctx context.Context) error {
	out, err := im.g.output(ctx, "rev-parse", "--git-path", "shallow")
	if err != nil {
		return nil // no such path: not shallow
	}
	path := strings.TrimSpace(string(out))
	if !filepath.IsAbs(path) {
		path = filepath.Join(im.g.dir, path)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	boundary := map[string]bool{}
	for _, l := range strings.Fields(string(data)) {
		boundary[l] = true
	}
	for i := range im.entries {
		if e := &im.entries[i]; boundary[e.hash] && e.mode == modeStats {
			e.mode = modeMeta
			e.reason = "boundary of a shallow clone: its parents are absent, so its changes are unknown"
		}
	}
	return nil
}

// run delivers the listed commits.
func (im *importer) run(ctx context.Context) error {
	pos := 0
	for pos < len(im.entries) {
		next, failed, err := im.pass(ctx, pos)
		if err != nil {
			return unwrapFn(err)
		}
		if failed == nil {
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		pos = next
		if err := im.recover(ctx, pos); err != nil {
			return unwrapFn(err)
		}
		pos++
	}
	return nil
}

// recover handles a failure of git log at entry i. It first checks the
// entries from i on for absent objects (once), then retries the commit
// alone and, if that fails too, reads it with less: without line counts,
// then not at all. It delivers entry i or gives it up, so the caller goes
// on at i+1.
func (im *importer) recover(ctx context.Context, i int) error {
	e := &im.entries[i]
	if e.mode == modeStats {
		if err := im.check(ctx, i); err != nil {
			return err
		}
	}
	if e.mode == modeStats {
		c, err := im.g.logOne(ctx, e.hash, true)
		if err == nil {
			return im.deliver(c, e)
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		e.mode, e.reason = modeMeta, "line counts unreadable: "+err.Error()
	}
	if e.mode == modeMeta {
		c, err := im.g.logOne(ctx, e.hash, false)
		if err == nil {
			return im.deliver(c, e)
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		e.mode, e.reason = modeDrop, "commit unreadable: "+err.Error()
	}
	im.rep.Unreadable = append(im.rep.Unreadable, Problem{Hash: e.hash, Reason: e.reason})
	return nil
}

// pass runs git log from entry pos to the end: one process for the
// commits read with line counts and, if any, one for those read without,
// merged in list order. It returns failed != nil and the index of the
// entry it could not deliver when a git log failed.
func (im *importer) pass(ctx context.Context, pos int) (at int, failed, err error) {
	var streams [2]*stream
	defer func() {
		for _, s := range streams {
			if s != nil {
				s.kill()
			}
		}
	}()
	for m := modeStats; m <= modeMeta; m++ {
		if !im.has(pos, m) {
			continue
		}
		s, err := im.g.startLog(ctx, im.hashes(pos, m), m == modeStats)
		if err != nil {
			return pos, nil, err
		}
		streams[m] = s
	}
	for i := pos; i < len(im.entries); i++ {
		e := &im.entries[i]
		if e.mode == modeDrop {
			continue
		}
		c, err := streams[e.mode].next()
		if err == errStreamEnd {
			err = errors.New("git log ended before the commit")
		}
		if err == nil && c.Hash != e.hash {
			err = fmt.Errorf("git log printed %s where %s was expected", c.Hash, e.hash)
		}
		if err != nil {
			return i, err, nil
		}
		if err := im.deliver(c, e); err != nil {
			return i, nil, err
		}
	}
	return len(im.entries), nil, nil
}

// has reports whether an entry from pos on is in mode m.
func (im *importer) has(pos int, m mode) bool {
	for _, e := range im.entries[pos:] {
		if e.mode == m {
			return true
		}
	}
	return false
}

// hashes feeds git the hashes of the entries from pos on in mode m.
func (im *importer) hashes(pos int, m mode) *lineReader {
	i := pos
	return &lineReader{next: func() (string, bool) {
		for ; i < len(im.entries); i++ {
			if im.entries[i].mode == m {
				i++
				return im.entries[i-1].hash, true
			}
		}
		return "", false
	}}
}
