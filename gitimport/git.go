package gitimport

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// git runs the git binary on one repository.
type git struct {
	bin string
	dir string
	env []string // nil: gitEnv()
	// runs counts the git processes started, so tests can tell the fast
	// path (a handful of processes) from the per-commit fallback.
	runs atomic.Int64
	// mailmap, when set, makes the git logs that read commits resolve
	// authors through this .mailmap (Options.Mailmap).
	mailmap *mailmap
}

// mailmap is the one .mailmap an import applies: a blob, read by git from
// the object store, never a file in a work tree. git reads a work tree's
// .mailmap whatever it is told, so the logs run with an empty directory
// as their work tree.
type mailmap struct {
	blob    string // object name of the .mailmap at the ref read
	gitDir  string // absolute
	emptyWT string // an empty directory
}

// newGit returns a git for the repository at dir. Git is told not to look
// for a repository above dir, so a directory that merely sits inside some
// other repository's work tree is not taken for that repository.
func newGit(bin, dir string) *git {
	g := &git{bin: bin, dir: dir}
	if abs, err := filepath.Abs(dir); err == nil {
		if real, err := filepath.EvalSymlinks(abs); err == nil {
			abs = real
		}
		if parent := filepath.Dir(abs); parent != abs {
			g.env = append(slices.Clip(gitEnv()), "GIT_CEILING_DIRECTORIES="+parent)
		}
	}
	return g
}

// globalArgs come before every git subcommand. They pin every setting that
// changes what git prints or whether it touches the network, whatever the
// user's or the repository's configuration says, so two nodes importing
// the same repository count the same lines.
var globalArgs = []string{
	"-c", "protocol.allow=never", // no transport at all, so no lazy fetch either
	"-c", "log.showSignature=false",
	"-c", "log.showRoot=true",
	"-c", "diff.renameLimit=1000",
	"-c", "core.bigFileThreshold=512m",
	"-c", "core.fsmonitor=false",
	// No .mailmap unless asked for (Options.Mailmap): it is writable by
	// anyone who can push, and in a bare partial clone git dies reading
	// its absent blob (HEAD:.mailmap), which sent every commit down the
	// slow path. An empty mailmap.blob keeps git from defaulting to it.
	"-c", "log.mailmap=false",
	"-c", "mailmap.file=",
	"-c", "mailmap.blob=",
	"--no-pager",
}

// logArgs are the arguments of every git log this package runs. The format
// is parsed by parser; see parse.go for its grammar.
var logArgs = []string{
	"log", "--no-walk=unsorted", "--stdin", "-z",
	"--format=" + logFormat,
	"--encoding=UTF-8", "--no-color", "--no-mailmap", "--no-notes",
	"--no-ext-diff", "--no-textconv", "--no-relative",
	"--diff-merges=off", "--diff-algorithm=myers", "-M",
}

// environ is the environment of git: ours, without the variables that
// would point git at another repository or object store, plus those that
// forbid any network access and prompt.
func environ() []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "GIT_") && !keepEnv(name) {
			continue
		}
		if name == "LC_ALL" || name == "LANGUAGE" {
			continue
		}
		env = append(env, kv)
	}
	return append(env,
		"GIT_NO_LAZY_FETCH=1",      // a promisor remote is never asked for a missing object
		"GIT_ALLOW_PROTOCOL=none",  // and no transport may be used if it were
		"GIT_TERMINAL_PROMPT=0",    // never wait for a password
		"GIT_NO_REPLACE_OBJECTS=1", // hashes and contents are the real objects
		"GIT_OPTIONAL_LOCKS=0",     // a reader takes no locks
		"LC_ALL=C",                 // stable messages in Problem.Reason
	)
}

func keepEnv(name string) bool {
	switch name {
	case "GIT_EXEC_PATH", "GIT_CONFIG_NOSYSTEM", "GIT_CONFIG_GLOBAL", "GIT_CONFIG_SYSTEM":
		return true
	}
	return strings.HasPrefix(name, "GIT_TRACE")
}

var gitEnv = sync.OnceValue(environ)

func (g *git) command(ctx context.Context, args ...string) *exec.Cmd {
	return g.commandIn(ctx, []string{"-C", g.dir}, nil, args...)
}

// commandIn runs git with where (the options that say which repository)
// and config (settings after the global ones, so they win) before args.
func (g *git) commandIn(ctx context.Context, where, config []string, args ...string) *exec.Cmd {
	full := make([]string, 0, len(where)+len(globalArgs)+len(config)+len(args))
	full = append(full, where...)
	full = append(full, globalArgs...)
	full = append(full, config...)
	full = append(full, args...)
	g.runs.Add(1)
	cmd := exec.CommandContext(ctx, g.bin, full...)
	cmd.Env = g.env
	if cmd.Env == nil {
		cmd.Env = gitEnv()
	}
	cmd.WaitDelay = 5 * time.Second // never wait forever for a child's pipes
	return cmd
}

// output runs a short git command and returns its standard output.
func (g *git) output(ctx context.Context, args ...string) ([]byte, error) {
	cmd := g.command(ctx, args...)
	var stderr tail
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return out, gitError(args[0], err, &stderr)
	}
	return out, nil
}

// resolve returns the commit hash a ref names.
func (g *git) resolve(ctx context.Context, ref string) (string, error) {
	out, err := g.output(ctx, "rev-parse", "--verify", "--quiet", "--end-of-options", ref+"^{commit}")
	if err != nil {
		return "", err
	}
	h := strings.TrimSpace(string(out))
	if !isHash([]byte(h)) {
		return "", fmt.Errorf("git rev-parse printed %q", h)
	}
	return h, nil
}

// gitError describes a failed git command by the reason it printed.
func gitError(sub string, err error, stderr *tail) error {
	if r := stderr.reason(); r != "" {
		return fmt.Errorf("git %s: %s (%w)", sub, r, err)
	}
	return fmt.Errorf("git %s: %w", sub, err)
}

// tail keeps the first bytes git writes to standard error: enough for the
// reason of a failure, bounded whatever git prints.
type tail struct {
	mu  sync.Mutex
	buf []byte
}

const maxStderr = 16 << 10

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if room := maxStderr - len(t.buf); room > 0 {
		t.buf = append(t.buf, p[:min(room, len(p))]...)
	}
	return len(p), nil
}

// reason returns the most telling line: the first "fatal:" or "error:"
// line, else the first line that is not a warning.
func (t *tail) reason() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	lines := strings.Split(strings.ToValidUTF8(string(t.buf), "\uFFFD"), "\n")
	for _, prefix := range []string{"fatal:", "error:"} {
		for _, l := range lines {
			if strings.HasPrefix(l, prefix) {
				return strings.TrimSpace(l)
			}
		}
	}
	for _, l := range lines {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "warning:") {
			return l
		}
	}
	return ""
}

// lineReader reads a list of hashes as git --stdin wants them, one per
// line, without building the whole input in memory.
type lineReader struct {
	next func() (string, bool)
	buf  []byte
}

func (r *lineReader) Read(p []byte) (int, error) {
	for len(r.buf) < len(p) {
		s, ok := r.next()
		if !ok {
			break
		}
		r.buf = append(append(r.buf, s...), '\n')
	}
	if len(r.buf) == 0 {
		return 0, io.EOF
	}
	n := copy(p, r.buf)
	r.buf = r.buf[:copy(r.buf, r.buf[n:])]
	return n, nil
}

// stream is one running git log over a list of hashes, parsed as it comes.
type stream struct {
	cmd    *exec.Cmd
	out    io.ReadCloser
	p      *parser
	stderr tail
	done   bool
}

// startLog runs git log on the hashes given by in, in that order, with
// line counts when stats is set.
func (g *git) startLog(ctx context.Context, in io.Reader, stats bool) (*stream, error) {
	args := slices.Clone(logArgs)
	if stats {
		args = append(args, "--numstat")
	}
	var cmd *exec.Cmd
	if m := g.mailmap; m != nil {
		for i, a := range args {
			switch a {
			case "--format=" + logFormat:
				args[i] = "--format=" + mailmapFormat
			case "--no-mailmap":
				args[i] = "--mailmap"
			}
		}
		cmd = g.commandIn(ctx, []string{"-C", m.emptyWT, "--git-dir=" + m.gitDir, "--work-tree=" + m.emptyWT},
			[]string{"-c", "mailmap.blob=" + m.blob}, args...)
	} else {
		cmd = g.command(ctx, args...)
	}
	s := &stream{cmd: cmd}
	s.cmd.Stdin = in
	s.cmd.Stderr = &s.stderr
	out, err := s.cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := s.cmd.Start(); err != nil {
		return nil, fmt.Errorf("gitimport: run git: %w", err)
	}
	s.out = out
	s.p = newParser(bufio.NewReaderSize(out, 256<<10), stats)
	return s, nil
}

// errStreamEnd is returned by next when git ended cleanly after its last
// commit.
var errStreamEnd = errors.New("end of git log")

// next returns the next commit once it is known to be complete: once the
// next record has begun, or git has exited successfully. A commit git
// printed just before failing is not returned, since git may have died
// while computing its line counts.
func (s *stream) next() (Commit, error) {
	if s.done {
		return Commit{}, errStreamEnd
	}
	c, err := s.p.next()
	if err == io.EOF {
		s.done = true
		if werr := s.wait(); werr != nil {
			return Commit{}, werr
		}
		return Commit{}, errStreamEnd
	}
	if err != nil {
		s.done = true
		s.kill()
		if r := s.stderr.reason(); r != "" {
			return Commit{}, fmt.Errorf("%s (%v)", r, err)
		}
		return Commit{}, err
	}
	if s.p.atEOF() {
		if werr := s.wait(); werr != nil {
			s.done = true
			return Commit{}, werr
		}
	}
	return c, nil
}

// wait waits for git to exit after its output ended.
func (s *stream) wait() error {
	if s.cmd == nil {
		return nil
	}
	err := s.cmd.Wait()
	s.cmd = nil
	if err != nil {
		if r := s.stderr.reason(); r != "" {
			return errors.New(r)
		}
		return fmt.Errorf("git log: %w", err)
	}
	return nil
}

// kill stops git, whatever state it is in, and reaps it.
func (s *stream) kill() {
	if s.cmd == nil {
		return
	}
	if s.cmd.Process != nil {
		s.cmd.Process.Kill()
	}
	s.out.Close()
	s.cmd.Wait()
	s.cmd = nil
}

// logOne runs git log on a single commit and returns it.
func (g *git) logOne(ctx context.Context, hash string, stats bool) (Commit, error) {
	s, err := g.startLog(ctx, strings.NewReader(hash+"\n"), stats)
	if err != nil {
		return Commit{}, err
	}
	defer s.kill()
	c, err := s.next()
	if err == errStreamEnd {
		return Commit{}, errors.New("git printed nothing for the commit")
	}
	if err != nil {
		return Commit{}, err
	}
	if c.Hash != hash {
		return Commit{}, fmt.Errorf("git printed commit %s for %s", c.Hash, hash)
	}
	if _, err := s.next(); err != errStreamEnd {
		if err == nil {
			err = errors.New("git printed more than the commit asked for")
		}
		return Commit{}, err
	}
	return c, nil
}

// lines runs a git command and calls fn on each line of its output.
func (g *git) lines(ctx context.Context, in io.Reader, fn func([]byte) error, args ...string) error {
	cmd := g.command(ctx, args...)
	cmd.Stdin = in
	var stderr tail
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("gitimport: run git: %w", err)
	}
	r := bufio.NewReaderSize(out, 64<<10)
	var ferr error
	for {
		line, err := r.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			ferr = fmt.Errorf("git %s printed a line over %d bytes", args[0], r.Size())
			break
		}
		if len(line) > 0 {
			if ferr = fn(bytes.TrimSuffix(line, []byte("\n"))); ferr != nil {
				break
			}
		}
		if err != nil {
			break
		}
	}
	if ferr != nil {
		cmd.Process.Kill()
		out.Close()
		cmd.Wait()
		return ferr
	}
	if err := cmd.Wait(); err != nil {
		return gitError(args[0], err, &stderr)
	}
	return nil
}
