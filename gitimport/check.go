package gitimport

import (
	"bufio"
	"bytes"
	"context"
	"encoding/hex"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"sync"
)

// check finds, among the entries from `from` on that would be read with
// line counts, those whose objects are absent, and reads them without:
// first the commits' root trees (a treeless clone lacks most), then every
// blob their diff names (a blobless clone lacks most), as listed by git
// diff-tree, which reads trees only. A failure of the check itself is not
// an error: what it could not check is left to the retries in recover.
func (im *importer) check(ctx context.Context, from int) error {
	from = max(from, im.checked)
	if from >= len(im.entries) {
		return nil
	}
	var cands []int
	for i := from; i < len(im.entries); i++ {
		if e := im.entries[i]; e.mode == modeStats && !e.merge {
			cands = append(cands, i)
		}
	}
	if len(cands) == 0 {
		im.checked = len(im.entries)
		return nil
	}

	// Root trees, named by the commits (which are present: rev-list read them).
	k := 0
	in := &lineReader{next: func() (string, bool) {
		if k == len(cands) {
			return "", false
		}
		k++
		return im.entries[cands[k-1]].hash, true
	}}
	trees := make([]string, len(cands))
	j := 0
	err := im.g.lines(ctx, in, func(line []byte) error {
		f := bytes.Fields(line)
		if len(f) != 2 || j == len(cands) || string(f[0]) != im.entries[cands[j]].hash || !isHash(f[1]) {
			return fmt.Errorf("git log printed %q", line)
		}
		trees[j] = string(f[1])
		j++
		return nil
	}, "log", "--no-walk=unsorted", "--stdin", "--no-mailmap", "--format=%H %T")
	if err != nil {
		im.checked = len(im.entries) // give up checking; recover retries each failure
		return ctx.Err()
	}
	if err := im.absent(ctx, func(emit func(string, int) error) error {
		for j, i := range cands {
			if err := emit(trees[j], i); err != nil {
				return err
			}
		}
		return nil
	}, func(i int, _ string) {
		e := &im.entries[i]
		e.mode, e.reason = modeMeta, "line counts unreadable: the commit's tree is absent (partial clone or damaged repository)"
	}); err != nil {
		im.checked = len(im.entries)
		return ctx.Err()
	}
	kept := cands[:0]
	for _, i := range cands {
		if im.entries[i].mode == modeStats {
			kept = append(kept, i)
		}
	}
	cands = kept

	// Blobs named by each commit's diff.
	done := len(cands) // candidates fully listed by diff-tree
	err = im.absent(ctx, func(emit func(string, int) error) error {
		n, err := im.g.diffTreeBlobs(ctx, im.entries, cands, emit)
		done = n
		return err
	}, func(i int, blob string) {
		if e := &im.entries[i]; e.mode == modeStats {
			e.mode, e.reason = modeMeta, fmt.Sprintf("line counts unreadable: blob %s is absent (partial clone or damaged repository)", blob)
		}
	})
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if err != nil && done < len(cands) {
		// diff-tree stopped (a tree it needed is absent): what it had not
		// listed is checked again after the next failure there.
		im.checked = cands[done]
	} else {
		im.checked = len(im.entries)
	}
	return nil
}

// absent calls missing for each object produce emits that is not in the
// repository. In a partial clone git dies rather than answer that an
// object the promisor remote has is absent (and must not fetch it), so
// there the objects present are listed once and looked up; elsewhere
// cat-file answers each question.
func (im *importer) absent(ctx context.Context, produce func(emit func(oid string, tag int) error) error, missing func(tag int, oid string)) error {
	if im.promisor == nil {
		p, err := im.g.isPromisor(ctx)
		if err != nil {
			return err
		}
		im.promisor = &p
	}
	if !*im.promisor {
		return im.g.batchCheck(ctx, produce, missing)
	}
	if im.present == nil {
		present, err := im.g.presentObjects(ctx)
		if err != nil {
			return err
		}
		im.present = present
	}
	return produce(func(oid string, tag int) error {
		if _, ok := im.present[objectKey(oid)]; !ok {
			missing(tag, oid)
		}
		return nil
	})
}

// isPromisor reports whether the repository is a partial clone: whether
// some of its packs came from a promisor remote.
func (g *git) isPromisor(ctx context.Context) (bool, error) {
	if out, err := g.output(ctx, "config", "--get", "extensions.partialClone"); err == nil && len(bytes.TrimSpace(out)) > 0 {
		return true, nil
	}
	out, err := g.output(ctx, "rev-parse", "--git-path", "objects/pack")
	if err != nil {
		return false, err
	}
	dir := strings.TrimSpace(string(out))
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(g.dir, dir)
	}
	found, _ := filepath.Glob(filepath.Join(dir, "*.promisor"))
	return len(found) > 0, nil
}

// presentObjects lists the trees and blobs the repository has.
func (g *git) presentObjects(ctx context.Context) (map[[32]byte]struct{}, error) {
	present := map[[32]byte]struct{}{}
	err := g.lines(ctx, nil, func(line []byte) error {
		typ, oid, ok := bytes.Cut(line, []byte(" "))
		if !ok || !isHash(oid) {
			return fmt.Errorf("git cat-file printed %q", line)
		}
		if string(typ) == "tree" || string(typ) == "blob" {
			present[objectKey(string(oid))] = struct{}{}
		}
		return nil
	}, "cat-file", "--batch-all-objects", "--unordered", "--batch-check=%(objecttype) %(objectname)")
	return present, err
}

// objectKey is the binary form of a hex object name, a compact map key.
func objectKey(oid string) [32]byte {
	var k [32]byte
	hex.Decode(k[:], []byte(oid))
	return k
}

// diffTreeBlobs runs git diff-tree on the entries at the indexes cands and
// emits every blob their diffs name, tagged with the entry's index. It
// returns how many candidates it listed in full.
func (g *git) diffTreeBlobs(ctx context.Context, entries []entry, cands []int, emit func(string, int) error) (int, error) {
	k := 0
	in := &lineReader{next: func() (string, bool) {
		if k == len(cands) {
			return "", false
		}
		k++
		return entries[cands[k-1]].hash, true
	}}
	cmd := g.command(ctx, "diff-tree", "--stdin", "-r", "-z", "--root", "--no-renames", "--always", "--no-ext-diff", "--no-textconv", "--no-relative")
	cmd.Stdin = in
	var stderr tail
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return 0, err
	}
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	r := bufio.NewReaderSize(out, 64<<10)
	p := &parser{r: r}
	seen := 0 // commits diff-tree has begun to print
	perr := func() error {
		for {
			if _, err := r.Peek(1); err == io.EOF {
				return nil
			} else if err != nil {
				return err
			}
			f, err := p.field(MaxPath)
			if err != nil {
				return err
			}
			switch {
			case isHash(f):
				if seen == len(cands) || string(f) != entries[cands[seen]].hash {
					return fmt.Errorf("git diff-tree printed commit %s out of order", f)
				}
				seen++
			case len(f) > 0 && f[0] == ':' && seen > 0:
				// :oldmode newmode oldoid newoid status, then the path.
				parts := bytes.Fields(f[1:])
				if len(parts) != 5 {
					return fmt.Errorf("git diff-tree printed %q", f)
				}
				for side := 0; side < 2; side++ {
					mode, oid := parts[side], parts[2+side]
					if !isHash(oid) || isZero(oid) || string(mode) == "160000" {
						continue // nothing on that side, or a submodule commit
					}
					if err := emit(string(oid), cands[seen-1]); err != nil {
						return err
					}
				}
				if _, err := p.field(MaxPath); err != nil {
					return err
				}
			default:
				return fmt.Errorf("git diff-tree printed %q", f)
			}
		}
	}()
	if perr != nil {
		cmd.Process.Kill()
	}
	out.Close()
	werr := cmd.Wait()
	if perr == nil && werr != nil {
		perr = gitError("diff-tree", werr, &stderr)
	}
	if perr != nil {
		// The last commit begun may be incomplete.
		return max(seen-1, 0), perr
	}
	return seen, nil
}

func isZero(oid []byte) bool {
	for _, c := range oid {
		if c != '0' {
			return false
		}
	}
	return true
}

// batchCheck asks git cat-file --batch-check about the objects produce
// emits, each with a tag, and calls missing with the tag and name of each
// object that is absent. produce runs concurrently with the reading of
// cat-file's answers, so nothing is held in memory but the tags in flight.
func (g *git) batchCheck(ctx context.Context, produce func(emit func(name string, tag int) error) error, missing func(tag int, name string)) error {
	cmd := g.command(ctx, "cat-file", "--batch-check")
	var stderr tail
	cmd.Stderr = &stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	type query struct {
		name string
		tag  int
	}
	// The channel holds more queries than the writer's buffer can, so the
	// producer never waits on an answer that sits unsent in that buffer.
	queries := make(chan query, 8192)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var perr error
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(queries)
		w := bufio.NewWriterSize(stdin, 4096)
		perr = produce(func(name string, tag int) error {
			select {
			case queries <- query{name, tag}:
			case <-stop:
				return fmt.Errorf("cat-file stopped")
			}
			_, err := w.WriteString(name + "\n")
			return err
		})
		if err := w.Flush(); perr == nil {
			perr = err
		}
		stdin.Close()
	}()
	r := bufio.NewReaderSize(stdout, 64<<10)
	var rerr error
	for q := range queries {
		line, err := r.ReadSlice('\n')
		if err != nil {
			rerr = fmt.Errorf("git cat-file: %v", err)
			break
		}
		line = bytes.TrimSuffix(line, []byte("\n"))
		if bytes.HasSuffix(line, []byte(" missing")) {
			missing(q.tag, q.name)
		}
	}
	close(stop)
	if rerr != nil {
		cmd.Process.Kill()
		for range queries {
		}
	}
	wg.Wait()
	stdout.Close()
	werr := cmd.Wait()
	switch {
	case perr != nil:
		return perr
	case rerr != nil:
		return rerr
	case werr != nil:
		return gitError("cat-file", werr, &stderr)
	}
	return nil
}
