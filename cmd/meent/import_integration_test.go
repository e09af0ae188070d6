//go:build integration

package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/meent/meent/commons"
)

// importWorld is a running node with a maintainer and a commons.
type importWorld struct {
	p        *proc
	data     string
	maya     string // the maintainer's key file
	lib      string // the commons
	hashOf   func(string) string
	keysDir  string
	gitIn    func(dir string, env []string, args ...string) string
	commitIn func(dir, author, file, content string)
}

func newImportWorld(t *testing.T) *importWorld {
	w := &importWorld{data: t.TempDir(), keysDir: t.TempDir()}
	w.p = start(t, "--data", w.data)
	w.hashOf = func(out string) string { return regexp.MustCompile(`[0-9a-f]{64}`).FindString(out) }
	w.maya = filepath.Join(w.keysDir, "maya.key")
	runMeent(t, "agent", "create", "--url", w.p.url, "--name", "maya", "--out", w.maya)
	w.lib = w.hashOf(runMeent(t, "commons", "create", "--url", w.p.url, "--key", w.maya, "--name", "libfoo"))
	w.gitIn = func(dir string, env []string, args ...string) string {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), env...)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	w.commitIn = func(dir, author, file, content string) {
		t.Helper()
		name, email, _ := strings.Cut(author, " <")
		email = strings.TrimSuffix(email, ">")
		if err := os.WriteFile(filepath.Join(dir, file), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		env := []string{"GIT_AUTHOR_NAME=" + name, "GIT_AUTHOR_EMAIL=" + email, "GIT_COMMITTER_NAME=ci", "GIT_COMMITTER_EMAIL=ci@example.org",
			"GIT_AUTHOR_DATE=2026-03-01T12:00:00Z", "GIT_COMMITTER_DATE=2026-03-01T12:00:00Z"}
		w.gitIn(dir, env, "add", "-A")
		w.gitIn(dir, env, "commit", "-q", "-m", "add "+file)
	}
	return w
}

func (w *importWorld) importGit(t *testing.T, dir string, extra ...string) string {
	return runMeent(t, append([]string{"import", "git", dir, "--commons", w.lib, "--url", w.p.url, "--key", w.maya}, extra...)...)
}

// TestImportEmptyRepository: an empty repository imports 0 commits.
func TestImportEmptyRepository(t *testing.T) {
	w := newImportWorld(t)
	dir := t.TempDir()
	w.gitIn(dir, nil, "init", "-q")
	if out := w.importGit(t, dir); !strings.Contains(out, "imported 0 commits") {
		t.Fatalf("import of an empty repository:\n%s", out)
	}
}

// TestImportAmendsShallowBoundary imports a shallow clone, whose boundary
// commit has no line counts, distributes an income, then imports the full
// repository: the boundary commit gets its counts, visibly, and only the
// distribution run after that sees them.
func TestImportAmendsShallowBoundary(t *testing.T) {
	w := newImportWorld(t)
	src := t.TempDir()
	w.gitIn(src, nil, "init", "-q", "-b", "main")
	w.commitIn(src, "Ada <ada@example.org>", "a.go", strings.Repeat("a\n", 30))
	w.commitIn(src, "Bo <bo@example.org>", "b.go", strings.Repeat("b\n", 400))
	w.commitIn(src, "Ada <ada@example.org>", "c.go", strings.Repeat("c\n", 400))
	boundary := w.gitIn(src, nil, "rev-parse", "HEAD~1")
	shallow := filepath.Join(t.TempDir(), "shallow")
	w.gitIn(src, nil, "clone", "-q", "--depth", "2", "file://"+src, shallow)

	out := w.importGit(t, shallow)
	if !strings.Contains(out, "imported 2 commits") || !strings.Contains(out, boundary+" imported without line counts") {
		t.Fatalf("shallow import:\n%s", out)
	}
	contribution := func() map[string]any {
		var k map[string]any
		getJSONInto(t, w.p.url+"/api/v1/contributions/"+commons.ImportedID(w.lib, boundary), &k)
		return k
	}
	if q := contribution()["quantities"].(map[string]any); q["lines_added"] != nil {
		t.Fatalf("boundary commit imported with counts %v", q)
	}
	distribute := func() (string, map[string]any) {
		inc := w.hashOf(runMeent(t, "income", "record", "--url", w.p.url, "--key", w.maya, "--commons", w.lib, "--kind", "grant", "--amount", "1000.00", "--reference", "grant"))
		id := w.hashOf(runMeent(t, "distribution", "run", "--url", w.p.url, "--key", w.maya, "--income", inc))
		var d map[string]any
		getJSONInto(t, w.p.url+"/api/v1/distributions/"+id, &d)
		return id, d
	}
	bo := func(d map[string]any) float64 {
		for _, a := range d["result"].(map[string]any)["allocations"].([]any) {
			if a := a.(map[string]any); a["recipient"] == "git:bo@example.org" {
				return a["amount"].(float64)
			}
		}
		t.Fatalf("bo has no allocation in %v", d)
		return 0
	}
	firstID, first := distribute()

	out = w.importGit(t, src)
	if !strings.Contains(out, "imported 1 commits") || !strings.Contains(out, "added the line counts of 1 commits") {
		t.Fatalf("full import:\n%s", out)
	}
	k := contribution()
	if q := k["quantities"].(map[string]any); q["lines_added"] != float64(400) {
		t.Fatalf("amended quantities %v", q)
	}
	hist := k["history"].([]any)
	if last := hist[len(hist)-1].(map[string]any); last["action"] != "amend-lines" {
		t.Fatalf("history does not show the amendment: %v", hist)
	}
	// A re-run amends nothing more.
	if out := w.importGit(t, src); strings.Contains(out, "added the line counts") || !strings.Contains(out, "imported 0 commits") {
		t.Fatalf("re-import:\n%s", out)
	}

	var again map[string]any
	getJSONInto(t, w.p.url+"/api/v1/distributions/"+firstID, &again)
	if !reflect.DeepEqual(again, first) {
		t.Fatalf("the distribution run before the amendment changed:\nbefore %v\nafter  %v", first, again)
	}
	_, second := distribute()
	if bo(second) <= bo(first) {
		t.Fatalf("bo's 400 lines did not count after the amendment: %v then %v", bo(first), bo(second))
	}
	if out := runMeent(t, "verify", "--data", w.data); !strings.Contains(out, "ok:") {
		t.Fatalf("verify: %s", out)
	}
}

// TestImportMailmapAndExcludeBots: --mailmap merges one person's emails
// into one identity; a policy's exclude list gives a bot nothing; verify
// recomputes the distribution identically.
func TestImportMailmapAndExcludeBots(t *testing.T) {
	w := newImportWorld(t)
	src := t.TempDir()
	w.gitIn(src, nil, "init", "-q", "-b", "main")
	w.commitIn(src, "Ada <ada@old.example>", "a.go", strings.Repeat("a\n", 100))
	w.commitIn(src, "Ada Lovelace <ada@work.example>", "b.go", strings.Repeat("b\n", 100))
	w.commitIn(src, "dependabot[bot] <49699333+dependabot[bot]@users.noreply.github.com>", "go.sum", strings.Repeat("s\n", 100))
	w.commitIn(src, "Ada Lovelace <ada@work.example>", ".mailmap", "Ada Lovelace <ada@example.org> <ada@old.example>\nAda Lovelace <ada@example.org> <ada@work.example>\n")

	out := w.importGit(t, src, "--mailmap")
	if !strings.Contains(out, "imported 4 commits") || !strings.Contains(out, "authors resolved by the .mailmap") {
		t.Fatalf("import:\n%s", out)
	}
	var info struct {
		Identities []struct {
			Identity string
			Commits  int
		}
	}
	getJSONInto(t, w.p.url+"/api/v1/commons/"+w.lib+"/imports", &info)
	if len(info.Identities) != 2 || info.Identities[1].Identity != "git:ada@example.org" || info.Identities[1].Commits != 3 {
		t.Fatalf("identities: %+v", info.Identities)
	}

	// The preview shows the bot losing its share before anything is saved.
	out = runMeent(t, "policy", "set", "--url", w.p.url, "--key", w.maya, "--commons", w.lib, "--preset", "default",
		"--exclude", "git:*[bot]@users.noreply.github.com")
	if !strings.Contains(out, "Nothing saved") || !strings.Contains(out, "dependabot") {
		t.Fatalf("preview:\n%s", out)
	}
	policy := filepath.Join(w.keysDir, "policy.json")
	os.WriteFile(policy, []byte(`{"format":1,"default":"20 + lines_added","split":{"contributors":"1/1"},"exclude":["git:*[bot]@users.noreply.github.com"]}`), 0o644)
	runMeent(t, "policy", "set", "--url", w.p.url, "--key", w.maya, "--commons", w.lib, "--file", policy, "--yes")
	inc := w.hashOf(runMeent(t, "income", "record", "--url", w.p.url, "--key", w.maya, "--commons", w.lib, "--kind", "grant", "--amount", "100.00", "--reference", "grant"))
	id := w.hashOf(runMeent(t, "distribution", "run", "--url", w.p.url, "--key", w.maya, "--income", inc))
	var d struct {
		Result struct {
			Allocations []struct {
				Recipient string
				Amount    int64
			}
		}
	}
	getJSONInto(t, w.p.url+"/api/v1/distributions/"+id, &d)
	got := map[string]int64{}
	for _, a := range d.Result.Allocations {
		got[a.Recipient] = a.Amount
	}
	if len(got) != 2 || got["git:ada@example.org"] != 10000 || got["git:49699333+dependabot[bot]@users.noreply.github.com"] != 0 {
		t.Fatalf("allocations: %+v", d.Result.Allocations)
	}
	if out := runMeent(t, "verify", "--data", w.data); !strings.Contains(out, "ok:") {
		t.Fatalf("verify: %s", out)
	}
}

// TestContributionListFollowsCursors: meent contribution list shows every
// contribution, past the API's largest page of 1000.
func TestContributionListFollowsCursors(t *testing.T) {
	w := newImportWorld(t)
	src := t.TempDir()
	w.gitIn(src, nil, "init", "-q", "-b", "main")
	const n = 1100
	var stream strings.Builder
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&stream, "commit refs/heads/main\nauthor Ada <ada@example.org> %d +0000\ncommitter Ada <ada@example.org> %d +0000\ndata 4\nc%03d\nM 644 inline f\ndata %d\n%s\n",
			1700000000+i, 1700000000+i, i%1000, len(fmt.Sprint(i))+1, fmt.Sprint(i))
	}
	cmd := exec.Command("git", "fast-import", "--quiet")
	cmd.Dir = src
	cmd.Stdin = strings.NewReader(stream.String())
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("fast-import: %v\n%s", err, out)
	}
	if out := w.importGit(t, src); !strings.Contains(out, fmt.Sprintf("imported %d commits", n)) {
		t.Fatalf("import:\n%s", out)
	}
	out := runMeent(t, "contribution", "list", "--url", w.p.url, "--commons", w.lib)
	var list struct {
		Contributions []struct{ ID string }
	}
	if err := json.Unmarshal([]byte(out), &list); err != nil {
		t.Fatalf("%v\n%.500s", err, out)
	}
	seen := map[string]bool{}
	for _, k := range list.Contributions {
		seen[k.ID] = true
	}
	if len(list.Contributions) != n || len(seen) != n {
		t.Fatalf("contribution list shows %d (%d distinct), want %d", len(list.Contributions), len(seen), n)
	}
}
