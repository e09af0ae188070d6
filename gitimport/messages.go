package gitimport

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"
)

// maxMessage bounds the message bytes MessagesWith keeps per commit.
const maxMessage = 64 << 10

// MessagesWith returns, by commit hash, the full messages of the commits
// reachable from ref (default HEAD) whose message has a line "key: ..."
// (key in any case, spaces around it allowed). It exists for claim lines
// ("meent-claim: <agent ID>"): a contributor proves an identity is theirs
// with a commit authored by it that names them. It is one git log without
// diffs, which git filters by itself, so it costs little next to Read.
// A ref that does not resolve yields no messages (Read reports why); key
// must be letters, digits and '-'. git is the binary ("" finds it in PATH).
func MessagesWith(ctx context.Context, repoPath, ref, key, git string) (map[string]string, error) {
	if key == "" || strings.IndexFunc(key, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-')
	}) >= 0 {
		return nil, fmt.Errorf("gitimport: bad message key %q", key)
	}
	if ref == "" {
		ref = "HEAD"
	}
	if strings.HasPrefix(ref, "-") {
		return nil, fmt.Errorf("gitimport: ref %q starts with -", ref)
	}
	if git == "" {
		var err error
		if git, err = exec.LookPath("git"); err != nil {
			return nil, fmt.Errorf("gitimport: find git: %w", err)
		}
	}
	g := newGit(git, repoPath)
	head, err := g.resolve(ctx, ref)
	if err != nil {
		return map[string]string{}, nil
	}
	cmd := g.command(ctx, "log", "-z", "--format=%H%x00%B", "--encoding=UTF-8", "--no-color", "--no-mailmap", "--no-notes",
		"--regexp-ignore-case", "--extended-regexp", "--grep=^[[:space:]]*"+key+"[[:space:]]*:", head, "--")
	var stderr tail
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	msgs, perr := readMessages(bufio.NewReader(out))
	if perr != nil {
		io.Copy(io.Discard, out)
	}
	if err := cmd.Wait(); err != nil {
		return nil, gitError("log", err, &stderr)
	}
	return msgs, perr
}

// readMessages reads "hash NUL message NUL" records.
func readMessages(r *bufio.Reader) (map[string]string, error) {
	msgs := map[string]string{}
	for {
		h, err := r.ReadString(0)
		if err == io.EOF && h == "" {
			return msgs, nil
		}
		if err != nil {
			return msgs, errors.New("git log: truncated output")
		}
		h = strings.TrimPrefix(h[:len(h)-1], "\n")
		if !isHash([]byte(h)) {
			return msgs, fmt.Errorf("git log printed %q for a hash", h)
		}
		m, err := r.ReadString(0)
		if err != nil {
			return msgs, errors.New("git log: truncated output")
		}
		m = m[:len(m)-1]
		if len(m) > maxMessage {
			m = m[:maxMessage]
		}
		msgs[h] = m
	}
}
