package gitimport

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// repo is a real git repository in a temporary directory, driven by the
// real git binary with a clean configuration.
type repo struct {
	t    testing.TB
	dir  string
	home string
	now  int64 // the date of the next commit, Unix seconds
}

func needGit(t testing.TB) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
}

func newRepo(t testing.TB) *repo {
	t.Helper()
	needGit(t)
	base := t.TempDir()
	r := &repo{t: t, dir: filepath.Join(base, "repo"), home: base, now: 1700000000}
	r.git("init", "-q", r.dir)
	r.git("-C", r.dir, "symbolic-ref", "HEAD", "refs/heads/main")
	return r
}

// env is the environment of every git the tests run: no system or user
// configuration, a fixed identity and fixed dates.
func (r *repo) env(extra ...string) []string {
	env := []string{
		"HOME=" + r.home,
		"PATH=" + os.Getenv("PATH"),
		"GIT_CONFIG_NOSYSTEM=1",
		"GIT_CONFIG_GLOBAL=" + filepath.Join(r.home, "gitconfig"),
		"GIT_AUTHOR_NAME=Ada Lovelace",
		"GIT_AUTHOR_EMAIL=ada@example.org",
		"GIT_COMMITTER_NAME=Ada Lovelace",
		"GIT_COMMITTER_EMAIL=ada@example.org",
		"GIT_AUTHOR_DATE=@" + itoa(r.now) + " +0000",
		"GIT_COMMITTER_DATE=@" + itoa(r.now+60) + " +0000",
		"LC_ALL=C",
	}
	return append(env, extra...)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// git runs git (in the repository unless the arguments say -C or init)
// and returns its trimmed standard output; it fails the test on error.
func (r *repo) git(args ...string) string {
	r.t.Helper()
	out, err := r.run(nil, args...)
	if err != nil {
		r.t.Fatalf("git %s: %v", strings.Join(args, " "), err)
	}
	return out
}

func (r *repo) run(stdin []byte, args ...string) (string, error) {
	return r.runEnv(nil, stdin, args...)
}

func (r *repo) runEnv(extra []string, stdin []byte, args ...string) (string, error) {
	r.t.Helper()
	cmd := exec.Command("git", args...)
	if len(args) > 0 && args[0] != "-C" && args[0] != "init" && args[0] != "clone" {
		cmd.Dir = r.dir
	}
	cmd.Env = r.env(extra...)
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return "", &runError{err: err, stderr: stderr.String()}
	}
	return strings.TrimSpace(stdout.String()), nil
}

type runError struct {
	err    error
	stderr string
}

func (e *runError) Error() string { return e.err.Error() + ": " + e.stderr }

func (r *repo) write(path, content string) {
	r.t.Helper()
	full := filepath.Join(r.dir, path)
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		r.t.Fatal(err)
	}
	if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
		r.t.Fatal(err)
	}
}

// commit stages everything and commits it as the given author, returning
// the new commit's hash. Each commit is ten minutes after the previous.
func (r *repo) commit(msg string, author ...string) string {
	r.t.Helper()
	r.git("add", "-A")
	var extra []string
	if len(author) == 2 {
		extra = []string{"GIT_AUTHOR_NAME=" + author[0], "GIT_AUTHOR_EMAIL=" + author[1]}
	}
	if _, err := r.runEnv(extra, nil, "commit", "-q", "--allow-empty", "-m", msg); err != nil {
		r.t.Fatalf("commit: %v", err)
	}
	r.now += 600
	return r.git("rev-parse", "HEAD")
}

// rawCommit writes a commit object with the exact author line given, on
// top of HEAD with HEAD's tree, and moves the branch to it. git commit
// would refuse or re-encode such authors; real repositories have them.
func (r *repo) rawCommit(authorLine, msg string) string {
	r.t.Helper()
	parent := r.git("rev-parse", "HEAD")
	tree := r.git("rev-parse", "HEAD^{tree}")
	obj := "tree " + tree + "\nparent " + parent + "\nauthor " + authorLine + "\ncommitter Ada Lovelace <ada@example.org> " + itoa(r.now) + " +0000\n\n" + msg + "\n"
	out, err := r.run([]byte(obj), "hash-object", "-t", "commit", "-w", "--stdin", "--literally")
	if err != nil {
		r.t.Fatalf("hash-object: %v", err)
	}
	r.git("update-ref", "HEAD", out)
	r.now += 600
	return out
}

// objectPath is the loose object file of hash.
func (r *repo) objectPath(hash string) string {
	return filepath.Join(r.dir, ".git", "objects", hash[:2], hash[2:])
}

// readAll runs Read with a timeout and returns the commits and the report.
func readAll(t testing.TB, dir string, opts Options) ([]Commit, Report) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var got []Commit
	rep, err := Read(ctx, dir, opts, func(c Commit) error {
		got = append(got, c)
		return nil
	})
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	return got, rep
}

func hashes(cs []Commit) []string {
	var hs []string
	for _, c := range cs {
		hs = append(hs, c.Hash)
	}
	return hs
}

func byHash(cs []Commit) map[string]Commit {
	m := map[string]Commit{}
	for _, c := range cs {
		m[c.Hash] = c
	}
	return m
}

// checkOrder fails unless every commit's parents that were delivered come
// before it.
func checkOrder(t testing.TB, cs []Commit) {
	t.Helper()
	seen := map[string]bool{}
	all := byHash(cs)
	for _, c := range cs {
		for _, p := range c.ParentHashes {
			if _, ok := all[p]; ok && !seen[p] {
				t.Errorf("commit %s delivered before its parent %s", c.Hash, p)
			}
		}
		seen[c.Hash] = true
	}
}
