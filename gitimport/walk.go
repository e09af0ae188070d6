package gitimport

import (
	"bufio"
	"bytes"
	"container/heap"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// walk is the fallback of list for when git rev-list cannot walk the
// history because a commit object is absent or damaged: git stops at the
// first one, losing every other branch. walk reads the commits itself,
// one cat-file at a time, so an unreadable commit cuts off only its own
// ancestry, which is reported. It orders what it found parents first,
// older committer time first among ready commits, then by hash.
func (im *importer) walk(ctx context.Context, head, since string, cause error) error {
	im.rep.Unreadable = append(im.rep.Unreadable, Problem{Reason: "git could not walk the history (" + cause.Error() + "); walked it commit by commit instead"})
	cf, err := im.g.catFile(ctx)
	if err != nil {
		return err
	}
	defer cf.close()

	excluded := map[string]bool{}
	if since != "" {
		stack := []string{since}
		for len(stack) > 0 {
			h := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if excluded[h] {
				continue
			}
			excluded[h] = true
			c, err := cf.commit(h)
			if err != nil {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				continue // what is unreadable there was never imported either
			}
			stack = append(stack, c.parents...)
		}
	}

	nodes := map[string]*walkNode{}
	bad := map[string]bool{}
	stack := []string{head}
	for len(stack) > 0 {
		h := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if excluded[h] || nodes[h] != nil || bad[h] {
			continue
		}
		c, err := cf.commit(h)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			bad[h] = true
			im.rep.Unreadable = append(im.rep.Unreadable, Problem{Hash: h, Reason: "commit unreadable, so is the history behind it: " + err.Error()})
			continue
		}
		n := &walkNode{hash: h, time: c.time, parents: c.parents}
		nodes[h] = n
		stack = append(stack, c.parents...)
	}

	// Kahn's algorithm: a commit is ready once its listed parents are out.
	var ready walkHeap
	for _, n := range nodes {
		for _, p := range n.parents {
			if pn := nodes[p]; pn != nil {
				n.waiting++
				pn.children = append(pn.children, n)
			}
		}
	}
	for _, n := range nodes {
		if n.waiting == 0 {
			ready = append(ready, n)
		}
	}
	heap.Init(&ready)
	for ready.Len() > 0 {
		n := heap.Pop(&ready).(*walkNode)
		im.entries = append(im.entries, entry{hash: n.hash, merge: len(n.parents) > 1})
		for _, c := range n.children {
			if c.waiting--; c.waiting == 0 {
				heap.Push(&ready, c)
			}
		}
	}
	return nil
}

type walkNode struct {
	hash     string
	time     int64
	parents  []string
	children []*walkNode
	waiting  int
}

type walkHeap []*walkNode

func (h walkHeap) Len() int { return len(h) }
func (h walkHeap) Less(i, j int) bool {
	if h[i].time != h[j].time {
		return h[i].time < h[j].time
	}
	return h[i].hash < h[j].hash
}
func (h walkHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *walkHeap) Push(x any)   { *h = append(*h, x.(*walkNode)) }
func (h *walkHeap) Pop() any {
	old := *h
	n := old[len(old)-1]
	*h = old[:len(old)-1]
	return n
}

// catFile is a running git cat-file --batch, asked one object at a time.
type catFile struct {
	stop   func()
	w      *bufio.Writer
	r      *bufio.Reader
	stderr tail
}

func (g *git) catFile(ctx context.Context) (*catFile, error) {
	cmd := g.command(ctx, "cat-file", "--batch")
	cf := &catFile{}
	cmd.Stderr = &cf.stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("gitimport: run git: %w", err)
	}
	cf.stop = func() {
		stdin.Close()
		cmd.Process.Kill()
		cmd.Wait()
	}
	cf.w = bufio.NewWriter(stdin)
	cf.r = bufio.NewReaderSize(stdout, 64<<10)
	return cf, nil
}

func (cf *catFile) close() { cf.stop() }

type commitObject struct {
	parents []string
	time    int64 // committer time, Unix seconds
}

// maxCommitObject bounds what is read of one commit object.
const maxCommitObject = 64 << 20

// commit reads and parses one commit object.
func (cf *catFile) commit(hash string) (commitObject, error) {
	var c commitObject
	if _, err := cf.w.WriteString(hash + "\n"); err != nil {
		return c, errors.New("git cat-file stopped")
	}
	if err := cf.w.Flush(); err != nil {
		return c, errors.New("git cat-file stopped")
	}
	line, err := cf.r.ReadBytes('\n') // a copy: the body is read into the same buffer
	if err != nil {
		if r := cf.stderr.reason(); r != "" {
			return c, errors.New(r)
		}
		return c, errors.New("git cat-file stopped")
	}
	f := bytes.Fields(line)
	if len(f) == 2 && string(f[1]) == "missing" {
		return c, errors.New("object absent")
	}
	if len(f) != 3 || string(f[0]) != hash {
		return c, fmt.Errorf("git cat-file printed %q", line)
	}
	size, err := strconv.ParseInt(string(f[2]), 10, 64)
	if err != nil || size < 0 {
		return c, fmt.Errorf("git cat-file printed %q", line)
	}
	if size > maxCommitObject {
		io.CopyN(io.Discard, cf.r, size+1)
		return c, fmt.Errorf("commit object of %d bytes is too large", size)
	}
	body := make([]byte, size+1)
	if _, err := io.ReadFull(cf.r, body); err != nil {
		return c, errors.New("git cat-file stopped")
	}
	if string(f[1]) != "commit" {
		return c, fmt.Errorf("object is a %s, not a commit", f[1])
	}
	hdr, _, _ := bytes.Cut(body[:size], []byte("\n\n"))
	for _, l := range bytes.Split(hdr, []byte("\n")) {
		switch {
		case bytes.HasPrefix(l, []byte("parent ")):
			p := l[len("parent "):]
			if !isHash(p) {
				return c, fmt.Errorf("bad parent line %q", l)
			}
			c.parents = append(c.parents, string(p))
		case bytes.HasPrefix(l, []byte("committer ")):
			// "committer Name <email> 1700000000 +0100": the time is the
			// second field from the end.
			if fs := bytes.Fields(l); len(fs) >= 3 {
				c.time, _ = strconv.ParseInt(string(fs[len(fs)-2]), 10, 64)
			}
		}
	}
	return c, nil
}
