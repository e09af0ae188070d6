package gitimport

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/meent/meent"
)

func TestReadLinear(t *testing.T) {
	r := newRepo(t)
	r.write("a.txt", "one\ntwo\nthree\n")
	h1 := r.commit("first\n\nwith a body")
	r.write("a.txt", "one\n2\nthree\nfour\n")
	r.write("b/c.txt", "x\n")
	h2 := r.commit("second", "Grace Hopper", "Grace@Example.ORG")
	os.Remove(filepath.Join(r.dir, "a.txt"))
	h3 := r.commit("third")

	got, rep := readAll(t, r.dir, Options{})
	want := []Commit{
		{Hash: h1, AuthorName: "Ada Lovelace", AuthorEmail: "ada@example.org",
			AuthorTime: 1700000000000, CommitterTime: 1700000060000, Subject: "first",
			Files:      []FileChange{{Path: "a.txt", Added: 3}},
			LinesAdded: 3},
		{Hash: h2, ParentHashes: []string{h1}, AuthorName: "Grace Hopper", AuthorEmail: "Grace@Example.ORG",
			AuthorTime: 1700000600000, CommitterTime: 1700000660000, Subject: "second",
			Files:      []FileChange{{Path: "a.txt", Added: 2, Removed: 1}, {Path: "b/c.txt", Added: 1}},
			LinesAdded: 3, LinesRemoved: 1},
		{Hash: h3, ParentHashes: []string{h2}, AuthorName: "Ada Lovelace", AuthorEmail: "ada@example.org",
			AuthorTime: 1700001200000, CommitterTime: 1700001260000, Subject: "third",
			Files:        []FileChange{{Path: "a.txt", Removed: 4}},
			LinesRemoved: 4},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("commits:\n got %+v\nwant %+v", got, want)
	}
	wantRep := Report{Commits: 3, Identities: map[string]IdentityStat{
		"git:ada@example.org":   {Name: "Ada Lovelace", Email: "ada@example.org", Commits: 2},
		"git:grace@example.org": {Name: "Grace Hopper", Email: "Grace@Example.ORG", Commits: 1},
	},
		// rev-parse --git-dir, rev-parse REF, rev-list, rev-parse
		// --git-path shallow, and one git log for every commit.
		GitProcesses: 5,
	}
	if !reflect.DeepEqual(rep, wantRep) {
		t.Errorf("report:\n got %+v\nwant %+v", rep, wantRep)
	}
}

func TestReadMergesAndBranches(t *testing.T) {
	r := newRepo(t)
	r.write("main.txt", "a\n")
	base := r.commit("base")
	r.git("checkout", "-q", "-b", "side")
	r.write("side.txt", "s1\ns2\n")
	side := r.commit("side work", "Linus", "linus@example.org")
	r.git("checkout", "-q", "main")
	r.write("main.txt", "a\nb\n")
	mainWork := r.commit("main work")
	if _, err := r.run(nil, "merge", "-q", "--no-ff", "-m", "merge side", "side"); err != nil {
		t.Fatal(err)
	}
	merge := r.git("rev-parse", "HEAD")

	got, rep := readAll(t, r.dir, Options{})
	checkOrder(t, got)
	if len(got) != 4 || got[0].Hash != base || got[3].Hash != merge {
		t.Fatalf("got %v, want base first and the merge last", hashes(got))
	}
	m := byHash(got)
	if c := m[side]; c.LinesAdded != 2 || c.Merge {
		t.Errorf("side commit, reachable through the merge: %+v", c)
	}
	if c := m[merge]; !c.Merge || c.LinesAdded != 0 || c.LinesRemoved != 0 || len(c.Files) != 0 ||
		!reflect.DeepEqual(c.ParentHashes, []string{mainWork, side}) {
		t.Errorf("merge: %+v", c)
	}
	if rep.Commits != 4 || rep.Merges != 1 || len(rep.Unreadable) != 0 {
		t.Errorf("report: %+v", rep)
	}

	// Ref selects another branch.
	got, _ = readAll(t, r.dir, Options{Ref: "side"})
	if !reflect.DeepEqual(hashes(got), []string{base, side}) {
		t.Errorf("Ref side: got %v", hashes(got))
	}
}

func TestReadRenameAndBinary(t *testing.T) {
	r := newRepo(t)
	var long strings.Builder
	for i := 0; i < 20; i++ {
		long.WriteString("line of text number " + itoa(int64(i)) + "\n")
	}
	r.write("old/name.txt", long.String())
	r.write("logo.png", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x01")
	r.commit("add")
	os.MkdirAll(filepath.Join(r.dir, "new"), 0o755)
	r.git("mv", "old/name.txt", "new/name.txt")
	r.write("new/name.txt", long.String()+"one more\n")
	r.write("logo.png", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x02\x00")
	h := r.commit("rename and change the logo")

	got, _ := readAll(t, r.dir, Options{})
	c := got[len(got)-1]
	if c.Hash != h {
		t.Fatalf("last commit %s, want %s", c.Hash, h)
	}
	want := []FileChange{
		{Path: "logo.png", Binary: true},
		{Path: "new/name.txt", OldPath: "old/name.txt", Added: 1},
	}
	if !reflect.DeepEqual(c.Files, want) || c.LinesAdded != 1 || c.LinesRemoved != 0 {
		t.Errorf("files %+v, lines +%d -%d; want %+v, +1 -0", c.Files, c.LinesAdded, c.LinesRemoved, want)
	}
	if first := got[0]; first.LinesAdded != 20 || !first.Files[0].Binary {
		t.Errorf("first commit: %+v", first)
	}
}

func TestReadOddAuthors(t *testing.T) {
	r := newRepo(t)
	r.write("a", "a\n")
	r.commit("start")
	noEmail := r.rawCommit("Anonymous Coward <> 1700000000 +0000", "no email")
	latin1 := r.rawCommit("J\xe9r\xf4me <jerome@example.org> 1700000001 +0100", "latin-1 name")
	nobody := r.rawCommit("<> 1700000002 +0000", "nobody at all")
	badDate := r.rawCommit("Bad Date <bad@example.org> 99999999999999999999 +0000", "date out of range")
	nul := r.rawCommit("Nul\x00Name <nul@example.org> 1700000003 +0000", "NUL in the header\x00rest")

	got, rep := readAll(t, r.dir, Options{})
	m := byHash(got)
	tests := []struct {
		hash, name, email, identity, subject string
		time                                 int64
	}{
		{noEmail, "Anonymous Coward", "", "git:name:Anonymous Coward", "no email", 1700000000000},
		{latin1, "J\uFFFDr\uFFFDme", "jerome@example.org", "git:jerome@example.org", "latin-1 name", 1700000001000},
		{nobody, "", "", "git:unknown", "nobody at all", 1700000002000},
		{badDate, "Bad Date", "bad@example.org", "git:bad@example.org", "date out of range", 0},
		// git cuts a header at its NUL: the author line is lost, the
		// subject keeps what comes before the NUL.
		{nul, "", "", "git:unknown", "NUL in the header", 0},
	}
	for _, tt := range tests {
		c, ok := m[tt.hash]
		if !ok {
			t.Errorf("commit %q not delivered", tt.subject)
			continue
		}
		if c.AuthorName != tt.name || c.AuthorEmail != tt.email || Identity(c) != tt.identity ||
			c.Subject != tt.subject || c.AuthorTime != tt.time {
			t.Errorf("%s: got name %q email %q identity %q subject %q time %d", tt.subject,
				c.AuthorName, c.AuthorEmail, Identity(c), c.Subject, c.AuthorTime)
		}
	}
	if rep.Commits != 6 || len(rep.Unreadable) != 0 {
		t.Errorf("report: %+v", rep)
	}
	if st := rep.Identities["git:name:Anonymous Coward"]; st.Commits != 1 {
		t.Errorf("identity without email: %+v", st)
	}
}

func TestReadIncremental(t *testing.T) {
	r := newRepo(t)
	for i := 0; i < 3; i++ {
		r.write("f", strings.Repeat("x\n", i+1))
		r.commit("c" + itoa(int64(i)))
	}
	first, _ := readAll(t, r.dir, Options{})
	last := first[len(first)-1].Hash
	for i := 3; i < 5; i++ {
		r.write("f", strings.Repeat("x\n", i+1))
		r.commit("c" + itoa(int64(i)))
	}
	all, _ := readAll(t, r.dir, Options{})

	t.Run("since", func(t *testing.T) {
		got, rep := readAll(t, r.dir, Options{Since: last})
		if !reflect.DeepEqual(got, all[3:]) || rep.Commits != 2 || rep.Skipped != 0 {
			t.Errorf("got %v (report %+v), want %v", hashes(got), rep, hashes(all[3:]))
		}
	})
	t.Run("imported", func(t *testing.T) {
		done := map[string]bool{}
		for _, c := range first {
			done[c.Hash] = true
		}
		got, rep := readAll(t, r.dir, Options{Imported: func(h string) bool { return done[h] }})
		if !reflect.DeepEqual(got, all[3:]) || rep.Commits != 2 || rep.Skipped != 3 {
			t.Errorf("got %v (report %+v), want %v", hashes(got), rep, hashes(all[3:]))
		}
	})
	t.Run("nothing new", func(t *testing.T) {
		got, rep := readAll(t, r.dir, Options{Since: all[len(all)-1].Hash})
		if len(got) != 0 || rep.Commits != 0 {
			t.Errorf("got %v", hashes(got))
		}
	})
}

func TestReadErrors(t *testing.T) {
	needGit(t)
	ctx := context.Background()
	nop := func(Commit) error { return nil }

	t.Run("not a repository", func(t *testing.T) {
		_, err := Read(ctx, t.TempDir(), Options{}, nop)
		if meent.ErrorCode(err) != meent.EINVALID {
			t.Errorf("got %v, want %s", err, meent.EINVALID)
		}
	})
	t.Run("no such directory", func(t *testing.T) {
		_, err := Read(ctx, filepath.Join(t.TempDir(), "absent"), Options{}, nop)
		if meent.ErrorCode(err) != meent.EINVALID {
			t.Errorf("got %v, want %s", err, meent.EINVALID)
		}
	})
	r := newRepo(t)
	t.Run("empty repository", func(t *testing.T) {
		// Ref "HEAD" is what meent import git passes by default.
		for _, opts := range []Options{{}, {Ref: "HEAD"}} {
			rep, err := Read(ctx, r.dir, opts, nop)
			if err != nil || rep.Commits != 0 {
				t.Errorf("%+v: got %+v, %v", opts, rep, err)
			}
		}
		bare := filepath.Join(r.home, "empty.git")
		r.git("init", "-q", "--bare", bare)
		rep, err := Read(ctx, bare, Options{Ref: "HEAD"}, nop)
		if err != nil || rep.Commits != 0 {
			t.Errorf("bare: got %+v, %v", rep, err)
		}
	})
	r.write("a", "a\n")
	r.commit("a")
	for _, opts := range []Options{{Ref: "nope"}, {Since: "0123456789012345678901234567890123456789"}, {Ref: "HEAD:a"}} {
		_, err := Read(ctx, r.dir, opts, nop)
		if meent.ErrorCode(err) != meent.ENOTFOUND {
			t.Errorf("%+v: got %v, want %s", opts, err, meent.ENOTFOUND)
		}
	}
	for _, opts := range []Options{{Ref: "--all"}, {Since: "-x"}} {
		_, err := Read(ctx, r.dir, opts, nop)
		if meent.ErrorCode(err) != meent.EINVALID {
			t.Errorf("%+v: got %v, want %s", opts, err, meent.EINVALID)
		}
	}
	t.Run("inside another repository", func(t *testing.T) {
		sub := filepath.Join(r.dir, "sub")
		os.Mkdir(sub, 0o755)
		_, err := Read(ctx, sub, Options{}, nop)
		if meent.ErrorCode(err) != meent.EINVALID {
			t.Errorf("got %v, want %s", err, meent.EINVALID)
		}
	})
	t.Run("fn error", func(t *testing.T) {
		stop := errors.New("stop")
		rep, err := Read(ctx, r.dir, Options{}, func(Commit) error { return stop })
		if err != stop || rep.Commits != 0 {
			t.Errorf("got %+v, %v; want the error of fn", rep, err)
		}
	})
	t.Run("head commit absent", func(t *testing.T) {
		head := r.git("rev-parse", "HEAD")
		os.Rename(r.objectPath(head), r.objectPath(head)+".away")
		defer os.Rename(r.objectPath(head)+".away", r.objectPath(head))
		_, err := Read(ctx, r.dir, Options{}, nop)
		if meent.ErrorCode(err) != meent.ENOTFOUND {
			t.Errorf("got %v, want %s", err, meent.ENOTFOUND)
		}
	})
	t.Run("canceled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := Read(ctx, r.dir, Options{}, nop); !errors.Is(err, context.Canceled) {
			t.Errorf("got %v, want context.Canceled", err)
		}
	})
}

// history builds a repository with a few files changed over several
// commits, a branch and a merge, and returns it.
func history(t *testing.T) *repo {
	r := newRepo(t)
	r.git("config", "uploadpack.allowFilter", "true")
	r.git("config", "uploadpack.allowAnySHA1InWant", "true")
	for i := 0; i < 6; i++ {
		r.write("file"+itoa(int64(i%3))+".txt", strings.Repeat("line "+itoa(int64(i))+"\n", i+2))
		r.commit("change " + itoa(int64(i)))
	}
	r.git("checkout", "-q", "-b", "side", "HEAD~2")
	r.write("side.txt", "side\n")
	r.commit("side")
	r.git("checkout", "-q", "main")
	if _, err := r.run(nil, "merge", "-q", "--no-ff", "-m", "merge", "side"); err != nil {
		t.Fatal(err)
	}
	r.write("file0.txt", "rewritten\n")
	r.commit("last")
	return r
}

func TestReadBloblessClone(t *testing.T) {
	src := history(t)
	full, _ := readAll(t, src.dir, Options{})

	dst := filepath.Join(src.home, "clone")
	if out, err := src.run(nil, "clone", "-q", "--filter=blob:none", "file://"+src.dir, dst); err != nil {
		t.Fatalf("clone: %v %s", err, out)
	}
	objects := func() string {
		out, _ := src.run(nil, "-C", dst, "count-objects", "-v")
		return out
	}
	before := objects()

	// The source stays reachable, so a lazy fetch would succeed: only
	// Read's settings keep git from fetching. The timeout proves no hang.
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var got []Commit
	rep, err := Read(ctx, dst, Options{}, func(c Commit) error { got = append(got, c); return nil })
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	if !reflect.DeepEqual(hashes(got), hashes(full)) {
		t.Fatalf("got %v, want every commit %v", hashes(got), hashes(full))
	}
	if after := objects(); after != before {
		t.Errorf("Read fetched objects:\nbefore %s\nafter %s", before, after)
	}
	want := byHash(full)
	partial := map[string]bool{}
	for _, p := range rep.Unreadable {
		if !p.Partial || p.Hash == "" || !strings.Contains(p.Reason, "absent") {
			t.Errorf("problem %+v", p)
		}
		partial[p.Hash] = true
	}
	if len(partial) == 0 {
		t.Fatal("no commit reported without line counts")
	}
	for _, c := range got {
		switch {
		case partial[c.Hash] != c.NoStats:
			t.Errorf("commit %s: NoStats %v, reported %v", c.Hash, c.NoStats, partial[c.Hash])
		case c.NoStats:
			if c.LinesAdded != 0 || c.Files != nil || c.Subject != want[c.Hash].Subject {
				t.Errorf("NoStats commit %+v", c)
			}
		default:
			// Readable commits (those whose blobs the checkout fetched)
			// have the same counts as in the full repository.
			if !reflect.DeepEqual(c, want[c.Hash]) {
				t.Errorf("commit %s:\n got %+v\nwant %+v", c.Hash, c, want[c.Hash])
			}
		}
	}
	if rep.Commits != len(full) {
		t.Errorf("report: %+v", rep)
	}
	t.Logf("%d of %d commits without line counts", len(partial), len(full))
}

func TestReadMissingBlob(t *testing.T) {
	r := history(t)
	full, _ := readAll(t, r.dir, Options{})
	// Remove the blob that commit "change 3" added (its file has five
	// lines of "line 3"): only that commit's counts become unreadable.
	var victim Commit
	for _, c := range full {
		if c.Subject == "change 3" {
			victim = c
		}
	}
	blob := r.git("rev-parse", victim.Hash+":file0.txt")
	if err := os.Remove(r.objectPath(blob)); err != nil {
		t.Fatal(err)
	}

	got, rep := readAll(t, r.dir, Options{})
	if !reflect.DeepEqual(hashes(got), hashes(full)) {
		t.Fatalf("got %v, want %v", hashes(got), hashes(full))
	}
	want := byHash(full)
	var partial []string
	for _, c := range got {
		if c.NoStats {
			partial = append(partial, c.Hash)
			continue
		}
		if !reflect.DeepEqual(c, want[c.Hash]) {
			t.Errorf("commit %s:\n got %+v\nwant %+v", c.Subject, c, want[c.Hash])
		}
	}
	// The blob is the new side of "change 3" and the old side of the next
	// change to file0.txt ("last" rewrites it): both lose their counts.
	if len(partial) != 2 || partial[0] != victim.Hash || len(rep.Unreadable) != 2 {
		t.Fatalf("NoStats commits %v, report %+v", partial, rep.Unreadable)
	}
	if p := rep.Unreadable[0]; p.Hash != victim.Hash || !p.Partial || !strings.Contains(p.Reason, blob) {
		t.Errorf("problem %+v, want one naming blob %s", p, blob)
	}
}

func TestReadMissingCommit(t *testing.T) {
	r := history(t)
	full, _ := readAll(t, r.dir, Options{})
	var side Commit
	for _, c := range full {
		if c.Subject == "side" {
			side = c
		}
	}
	if err := os.Remove(r.objectPath(side.Hash)); err != nil {
		t.Fatal(err)
	}
	got, rep := readAll(t, r.dir, Options{})
	checkOrder(t, got)
	// Everything but the side commit is still read; the merge, whose
	// second parent is gone, keeps its metadata.
	var want []string
	for _, c := range full {
		if c.Hash != side.Hash {
			want = append(want, c.Hash)
		}
	}
	gotSet, wantSet := map[string]bool{}, map[string]bool{}
	for _, h := range hashes(got) {
		gotSet[h] = true
	}
	for _, h := range want {
		wantSet[h] = true
	}
	if !reflect.DeepEqual(gotSet, wantSet) {
		t.Errorf("got %v, want %v", hashes(got), want)
	}
	var named bool
	for _, p := range rep.Unreadable {
		if p.Hash == side.Hash && !p.Partial {
			named = true
		}
	}
	if !named {
		t.Errorf("report does not name the absent commit: %+v", rep.Unreadable)
	}
	for _, c := range got {
		if w := byHash(full)[c.Hash]; !c.NoStats && !reflect.DeepEqual(c, w) {
			t.Errorf("commit %s:\n got %+v\nwant %+v", c.Subject, c, w)
		}
	}
}

func TestReadShallowClone(t *testing.T) {
	src := history(t)
	dst := filepath.Join(src.home, "shallow")
	if out, err := src.run(nil, "clone", "-q", "--depth", "2", "--no-single-branch", "file://"+src.dir, dst); err != nil {
		t.Fatalf("clone: %v %s", err, out)
	}
	got, rep := readAll(t, dst, Options{})
	if len(got) == 0 || len(rep.Unreadable) == 0 {
		t.Fatalf("got %d commits, report %+v", len(got), rep)
	}
	for _, c := range got {
		if len(c.ParentHashes) == 0 && !c.NoStats {
			t.Errorf("shallow boundary %s read with line counts %+d -%d", c.Subject, c.LinesAdded, c.LinesRemoved)
		}
	}
}

// TestReadMatchesGitLog checks Read against plain git log --numstat on a
// generated repository with renames, binary files, merges and odd authors.
func TestReadMatchesGitLog(t *testing.T) {
	needGit(t)
	if _, err := exec.LookPath("awk"); err != nil {
		t.Skip("awk not installed")
	}
	dir := generated(t, 400)
	got, rep := readAll(t, dir, Options{})
	checkOrder(t, got)

	r := &repo{t: t, dir: dir, home: t.TempDir()}
	count := r.git("rev-list", "--count", "HEAD")
	merges := r.git("rev-list", "--count", "--merges", "HEAD")
	if itoa(int64(rep.Commits)) != count || itoa(int64(rep.Merges)) != merges || len(got) != rep.Commits {
		t.Errorf("report %d commits, %d merges; git says %s, %s", rep.Commits, rep.Merges, count, merges)
	}
	// Sum the lines of git log --numstat's usual output.
	out := r.git("log", "--numstat", "--format=", "-M")
	var added, removed, binary, renames int64
	for _, l := range strings.Split(out, "\n") {
		f := strings.SplitN(l, "\t", 3)
		if len(f) != 3 {
			continue
		}
		if f[0] == "-" {
			binary++
			continue
		}
		if strings.Contains(f[2], " => ") {
			renames++
		}
		added += atoi(t, f[0])
		removed += atoi(t, f[1])
	}
	var gAdded, gRemoved, gBinary, gRenames int64
	for _, c := range got {
		gAdded += c.LinesAdded
		gRemoved += c.LinesRemoved
		for _, f := range c.Files {
			if f.Binary {
				gBinary++
			}
			if f.OldPath != "" {
				gRenames++
			}
		}
	}
	if gAdded != added || gRemoved != removed || gBinary != binary || gRenames != renames {
		t.Errorf("Read: +%d -%d, %d binary, %d renames; git log: +%d -%d, %d binary, %d renames",
			gAdded, gRemoved, gBinary, gRenames, added, removed, binary, renames)
	}
	if binary == 0 || renames == 0 || rep.Merges == 0 {
		t.Errorf("generated repository lacks binary files, renames or merges")
	}
	if _, ok := rep.Identities["git:name:Anonymous"]; !ok {
		t.Errorf("identities %v lack the author without email", rep.Identities)
	}
	if st := rep.Identities["git:grace@example.org"]; st.Name != "Grace Hopper" {
		t.Errorf("emails differing in case are not one identity: %+v", rep.Identities)
	}
}

func atoi(t *testing.T, s string) int64 {
	n, ok := digits([]byte(s))
	if !ok {
		t.Fatalf("not a count: %q", s)
	}
	return n
}

// generated returns a repository made by bench/gitrepo/make.sh.
func generated(t testing.TB, n int) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "gen")
	cmd := exec.Command("sh", "../bench/gitrepo/make.sh", dir, itoa(int64(n)))
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir())
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("make.sh: %v\n%s", err, out)
	}
	return dir
}

func TestIdentity(t *testing.T) {
	tests := []struct {
		name, email, want string
	}{
		{"Ada", "Ada@Example.ORG", "git:ada@example.org"},
		{"Ada", "  ada@example.org ", "git:ada@example.org"},
		{"Zoë", "ZOË@example.org", "git:zoË@example.org"}, // ASCII letters only
		{" Anonymous ", "", "git:name:Anonymous"},
		{"", "", "git:unknown"},
		{"  ", " ", "git:unknown"},
	}
	for _, tt := range tests {
		if got := Identity(Commit{AuthorName: tt.name, AuthorEmail: tt.email}); got != tt.want {
			t.Errorf("Identity(%q, %q) = %q, want %q", tt.name, tt.email, got, tt.want)
		}
	}
}

// TestReadBareBloblessCloneWithMailmap is the import of a bare blobless
// clone whose history has a .mailmap: git log with a mailmap dies reading
// the absent HEAD:.mailmap blob, which once sent every commit through two
// git processes of its own. The count of git processes must not grow with
// the history.
func TestReadBareBloblessCloneWithMailmap(t *testing.T) {
	src := newRepo(t)
	src.git("config", "uploadpack.allowFilter", "true")
	src.git("config", "uploadpack.allowAnySHA1InWant", "true")
	src.write(".mailmap", "Ada L <ada@new.example>  <ada@example.org>\n")
	src.commit("mailmap")
	const n = 40
	for i := 0; i < n; i++ {
		src.write("f"+itoa(int64(i%5)), strings.Repeat("x\n", i+1))
		src.commit("change " + itoa(int64(i)))
	}
	dst := filepath.Join(src.home, "bare.git")
	if out, err := src.run(nil, "clone", "-q", "--bare", "--filter=blob:none", "file://"+src.dir, dst); err != nil {
		t.Fatalf("clone: %v %s", err, out)
	}
	got, rep := readAll(t, dst, Options{Ref: "HEAD"})
	if len(got) != n+1 {
		t.Fatalf("got %d commits, want %d", len(got), n+1)
	}
	for _, c := range got {
		if !c.NoStats || c.AuthorEmail != "ada@example.org" {
			t.Errorf("commit %s: NoStats %v, email %q (no blob is present; no mailmap applies)", c.Subject, c.NoStats, c.AuthorEmail)
		}
	}
	if rep.GitProcesses > 15 {
		t.Errorf("%d git processes for %d commits: the import left the fast path", rep.GitProcesses, len(got))
	}
	t.Logf("%d git processes for %d commits", rep.GitProcesses, len(got))
}

// TestReadMailmap: with Options.Mailmap the .mailmap committed at the ref
// merges one person's emails into one identity; without it, or with a
// work tree's uncommitted .mailmap, nothing changes.
func TestReadMailmap(t *testing.T) {
	r := newRepo(t)
	r.git("config", "uploadpack.allowFilter", "true")
	r.write("a", "a\n")
	r.commit("one", "Ada L", "ada@old.example")
	r.write("b", "b\n")
	r.commit("two", "Ada Lovelace", "ADA@work.example")
	r.write("c", "c\n")
	r.commit("three", "dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com")
	r.write(".mailmap", "Ada Lovelace <ada@example.org> <ada@old.example>\nAda Lovelace <ada@example.org> <ada@work.example>\n")
	r.commit("mailmap")

	ids := func(rep Report) []string {
		var out []string
		for id := range rep.Identities {
			out = append(out, id)
		}
		sort.Strings(out)
		return out
	}
	_, plain := readAll(t, r.dir, Options{})
	if len(plain.Identities) != 4 || plain.Mailmap != "" {
		t.Fatalf("without the mailmap: %v", ids(plain))
	}
	// An uncommitted change to the work tree's .mailmap is not applied.
	r.write(".mailmap", "Mallory <mallory@example.org> <ada@example.org>\n")
	got, rep := readAll(t, r.dir, Options{Mailmap: true})
	want := []string{"git:49699333+dependabot[bot]@users.noreply.github.com", "git:ada@example.org"}
	if !reflect.DeepEqual(ids(rep), want) || rep.Identities["git:ada@example.org"].Commits != 3 {
		t.Fatalf("with the mailmap: %v %+v", ids(rep), rep.Identities)
	}
	if rep.Mailmap != r.git("rev-parse", "HEAD:.mailmap") {
		t.Errorf("report names mailmap %q", rep.Mailmap)
	}
	for _, c := range got {
		if c.Subject != "three" && (c.AuthorName != "Ada Lovelace" || c.AuthorEmail != "ada@example.org") {
			t.Errorf("commit %s by %s <%s>", c.Subject, c.AuthorName, c.AuthorEmail)
		}
		if c.Subject == "two" && (c.LinesAdded != 1 || len(c.Files) != 1) {
			t.Errorf("line counts lost with the mailmap: %+v", c)
		}
	}

	// Before the .mailmap was committed there is none to apply.
	_, old := readAll(t, r.dir, Options{Ref: "HEAD~1", Mailmap: true})
	if len(old.Identities) != 3 || old.Mailmap != "" {
		t.Errorf("at HEAD~1: %v, mailmap %q", ids(old), old.Mailmap)
	}

	// A bare blobless clone lacks the blob: refuse rather than ignore it.
	dst := filepath.Join(r.home, "bare.git")
	if out, err := r.run(nil, "clone", "-q", "--bare", "--filter=blob:none", "file://"+r.dir, dst); err != nil {
		t.Fatalf("clone: %v %s", err, out)
	}
	_, err := Read(context.Background(), dst, Options{Mailmap: true}, func(Commit) error { return nil })
	if meent.ErrorCode(err) != meent.EINVALID || !strings.Contains(err.Error(), ".mailmap") {
		t.Errorf("blobless clone with the mailmap: %v", err)
	}
}
