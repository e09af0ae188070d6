package gitimport

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

var update = flag.Bool("update", false, "rewrite testdata/*.log from the real git")

// goldenRepo builds, deterministically (same hashes on every run), a
// repository with what the parser must handle: text and binary files, a
// rename, a merge, an author without email and one whose name is not
// UTF-8.
func goldenRepo(t *testing.T) *repo {
	r := newRepo(t)
	r.write("README", "hello\nworld\n")
	r.write("logo.bin", "\x00\x01\x02binary")
	r.commit("initial\n\nbody text")
	r.git("checkout", "-q", "-b", "side")
	r.write("docs/guide.txt", "one\ntwo\nthree\nfour\nfive\nsix\n")
	r.commit("guide", "Grace Hopper", "grace@example.org")
	r.git("checkout", "-q", "main")
	r.write("README", "hello\nthere\nworld\n")
	r.commit("say there")
	if _, err := r.run(nil, "merge", "-q", "--no-ff", "-m", "merge side", "side"); err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(filepath.Join(r.dir, "doc"), 0o755)
	r.git("mv", "docs/guide.txt", "doc/guide with\ttab.txt")
	r.commit("move the guide")
	r.rawCommit("J\xe9r\xf4me <> 1700009999 +0100", "latin-1 author, no email")
	return r
}

// gitLog runs the git log this package runs, over the repository's
// history in Read's order.
func gitLog(t *testing.T, r *repo, stats bool) []byte {
	order := r.git("rev-list", "--topo-order", "--reverse", "HEAD") + "\n"
	g := &git{bin: "git", dir: r.dir}
	args := logArgs
	if stats {
		args = append(args[:len(args):len(args)], "--numstat")
	}
	cmd := g.command(context.Background(), args...)
	cmd.Env = r.env("GIT_NO_LAZY_FETCH=1")
	cmd.Stdin = strings.NewReader(order)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("git log: %v", err)
	}
	return out
}

// TestGitOutputGolden pins the bytes git prints for logFormat, so a git
// release that changes them is caught here rather than in an import.
func TestGitOutputGolden(t *testing.T) {
	r := goldenRepo(t)
	for _, tc := range []struct {
		file  string
		stats bool
	}{{"numstat.log", true}, {"meta.log", false}} {
		got := gitLog(t, r, tc.stats)
		path := filepath.Join("testdata", tc.file)
		if *update {
			if err := os.WriteFile(path, got, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("git log output differs from %s (go test -update rewrites it):\n got %q\nwant %q", path, got, want)
		}
	}
}

func TestParseGolden(t *testing.T) {
	data, err := os.ReadFile("testdata/numstat.log")
	if err != nil {
		t.Fatal(err)
	}
	got, err := parseAll(data, true)
	if err != nil {
		t.Fatal(err)
	}
	type summary struct {
		Subject, Name, Email string
		Parents              int
		Merge                bool
		Files                []FileChange
		Added, Removed       int64
		Time                 int64
	}
	var sums []summary
	for _, c := range got {
		sums = append(sums, summary{c.Subject, c.AuthorName, c.AuthorEmail, len(c.ParentHashes), c.Merge, c.Files, c.LinesAdded, c.LinesRemoved, c.AuthorTime})
	}
	want := []summary{
		{"initial", "Ada Lovelace", "ada@example.org", 0, false, []FileChange{{Path: "README", Added: 2}, {Path: "logo.bin", Binary: true}}, 2, 0, 1700000000000},
		{"say there", "Ada Lovelace", "ada@example.org", 1, false, []FileChange{{Path: "README", Added: 1}}, 1, 0, 1700001200000},
		{"guide", "Grace Hopper", "grace@example.org", 1, false, []FileChange{{Path: "docs/guide.txt", Added: 6}}, 6, 0, 1700000600000},
		{"merge side", "Ada Lovelace", "ada@example.org", 2, true, nil, 0, 0, 1700001800000},
		{"move the guide", "Ada Lovelace", "ada@example.org", 1, false, []FileChange{{Path: "doc/guide with\ttab.txt", OldPath: "docs/guide.txt"}}, 0, 0, 1700001800000},
		{"latin-1 author, no email", "J\uFFFDr\uFFFDme", "", 1, false, nil, 0, 0, 1700009999000},
	}
	if !reflect.DeepEqual(sums, want) {
		t.Errorf("parsed testdata/numstat.log:\n got %+v\nwant %+v", sums, want)
	}

	meta, err := os.ReadFile("testdata/meta.log")
	if err != nil {
		t.Fatal(err)
	}
	gotMeta, err := parseAll(meta, false)
	if err != nil {
		t.Fatal(err)
	}
	for i := range got {
		c := got[i]
		c.Files, c.LinesAdded, c.LinesRemoved = nil, 0, 0
		if i >= len(gotMeta) || !reflect.DeepEqual(gotMeta[i], c) {
			t.Errorf("meta.log record %d differs from numstat.log's", i)
		}
	}
	// Without --numstat, line counts are not expected and are refused.
	if _, err := parseAll(data, false); err == nil {
		t.Error("numstat output parsed as metadata only")
	}
}

// parseAll parses a whole git log output.
func parseAll(data []byte, stats bool) ([]Commit, error) {
	p := newParser(bufio.NewReaderSize(bytes.NewReader(data), 16), stats)
	var cs []Commit
	for {
		c, err := p.next()
		if err == io.EOF {
			return cs, nil
		}
		if err != nil {
			return cs, err
		}
		cs = append(cs, c)
	}
}

func TestParseMalformed(t *testing.T) {
	const h = "0123456789abcdef0123456789abcdef01234567"
	head := "C\x00" + h + "\x00\x00n\x00e\x001\x002\x00s\x00\x00"
	tests := []struct{ name, in string }{
		{"not a record", "X"},
		{"short hash", "C\x00abc\x00\x00n\x00e\x001\x002\x00s\x00\x00"},
		{"uppercase hash", "C\x00" + strings.ToUpper(h) + "\x00\x00n\x00e\x001\x002\x00s\x00\x00"},
		{"bad parent", "C\x00" + h + "\x00" + h + " x\x00n\x00e\x001\x002\x00s\x00\x00"},
		{"bad time", "C\x00" + h + "\x00\x00n\x00e\x00-1\x002\x00s\x00\x00"},
		{"no separator", "C\x00" + h + "\x00\x00n\x00e\x001\x002\x00s\x00"},
		{"truncated header", head[:30]},
		{"junk after header", head + "x"},
		{"binary on one side", head + "\n-\t3\tf\x00"},
		{"bad count", head + "\n+3\t1\tf\x00"},
		{"huge count", head + "\n1234567890123456789\t1\tf\x00"},
		{"empty count", head + "\n\t1\tf\x00"},
		{"empty path", head + "\n1\t1\t\x00"},
		{"rename cut short", head + "\n1\t1\t\x00old\x00"},
		{"junk after entry", head + "\n1\t1\tf\x00\n"},
		{"path without end", head + "\n1\t1\tf"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cs, err := parseAll([]byte(tt.in), true)
			if err == nil {
				t.Errorf("parsed %+v, want an error", cs)
			}
		})
	}
	if _, err := parseAll([]byte(head+"\n1\t1\tf\x00"), false); err == nil {
		t.Error("entries accepted without --numstat")
	}
}

func TestParseLongValues(t *testing.T) {
	const h = "0123456789abcdef0123456789abcdef01234567"
	long := strings.Repeat("é", MaxText) // 2 bytes each
	in := "C\x00" + h + "\x00\x00" + long + "\x00e\x001\x002\x00" + long + "\x00\x00\n1\t0\t" + strings.Repeat("p", MaxPath+10) + "\x00"
	cs, err := parseAll([]byte(in), true)
	if err != nil {
		t.Fatal(err)
	}
	c := cs[0]
	if len(c.AuthorName) != MaxText || c.AuthorName != long[:MaxText] || c.Subject != c.AuthorName {
		t.Errorf("name cut to %d bytes, valid %v", len(c.AuthorName), utf8.ValidString(c.AuthorName))
	}
	if len(c.Files[0].Path) != MaxPath {
		t.Errorf("path cut to %d bytes", len(c.Files[0].Path))
	}
	// An odd limit falls inside a character: the cut goes before it.
	if got := text([]byte("aéé"), 4); got != "aé" {
		t.Errorf("text cut to %q", got)
	}
	if got := text([]byte("a\xff\xfeb"), 100); got != "a\uFFFDb" {
		t.Errorf("invalid bytes: %q", got)
	}
	if got := text([]byte("a\xffa\xffa\xff"), 6); len(got) > 6 || !utf8.ValidString(got) {
		t.Errorf("replacement grew past the limit: %q", got)
	}
}

// FuzzParse feeds the parser arbitrary bytes: it must never panic or
// loop, every commit it returns must be well formed, and printing those
// commits back in git's format and parsing them again must give them back.
func FuzzParse(f *testing.F) {
	for _, name := range []string{"testdata/numstat.log", "testdata/meta.log"} {
		if data, err := os.ReadFile(name); err == nil {
			f.Add(data, true)
			f.Add(data, false)
		}
	}
	const h = "0123456789abcdef0123456789abcdef01234567"
	f.Add([]byte("C\x00"+h+"\x00"+h+" "+h+"\x00n\x00e\x001\x002\x00s\x00\x00"), true)
	f.Add([]byte("C\x00"+h+"\x00\x00n\xff\x00e\x00\x0099999999999999999999\x00s\x00\x00\n-\t-\tb\x003\t4\t\x00a\x00b\x00"), true)
	f.Fuzz(func(t *testing.T, data []byte, stats bool) {
		cs, _ := parseAll(data, stats)
		for _, c := range cs {
			checkCommit(t, c, stats)
		}
		again, err := parseAll(encode(cs), stats)
		if err != nil {
			t.Fatalf("re-parse: %v\n%q", err, encode(cs))
		}
		if len(cs) == 0 {
			cs = nil
		}
		if !reflect.DeepEqual(again, cs) {
			t.Fatalf("round trip:\n got %+v\nwant %+v", again, cs)
		}
	})
}

func checkCommit(t *testing.T, c Commit, stats bool) {
	t.Helper()
	if !isHash([]byte(c.Hash)) {
		t.Fatalf("hash %q", c.Hash)
	}
	for _, p := range c.ParentHashes {
		if len(p) != len(c.Hash) || !isHash([]byte(p)) {
			t.Fatalf("parent %q", p)
		}
	}
	if c.Merge != (len(c.ParentHashes) > 1) {
		t.Fatalf("merge %v with %d parents", c.Merge, len(c.ParentHashes))
	}
	for _, s := range []string{c.AuthorName, c.AuthorEmail, c.Subject} {
		if !utf8.ValidString(s) || len(s) > MaxText || strings.IndexByte(s, 0) >= 0 {
			t.Fatalf("text %q", s)
		}
	}
	if c.AuthorTime < 0 || c.CommitterTime < 0 || c.AuthorTime%1000 != 0 || c.CommitterTime%1000 != 0 {
		t.Fatalf("times %d %d", c.AuthorTime, c.CommitterTime)
	}
	if !stats && len(c.Files) > 0 {
		t.Fatalf("files without --numstat")
	}
	var added, removed int64
	for _, f := range c.Files {
		if f.Path == "" || !utf8.ValidString(f.Path) || !utf8.ValidString(f.OldPath) || len(f.Path) > MaxPath {
			t.Fatalf("file %+v", f)
		}
		if f.Binary && (f.Added != 0 || f.Removed != 0) || f.Added < 0 || f.Removed < 0 {
			t.Fatalf("file %+v", f)
		}
		added += f.Added
		removed += f.Removed
	}
	if added != c.LinesAdded || removed != c.LinesRemoved {
		t.Fatalf("lines +%d -%d, files sum to +%d -%d", c.LinesAdded, c.LinesRemoved, added, removed)
	}
}

// encode prints commits as git log prints them with logFormat.
func encode(cs []Commit) []byte {
	var b bytes.Buffer
	for _, c := range cs {
		b.WriteString("C\x00" + c.Hash + "\x00" + strings.Join(c.ParentHashes, " ") + "\x00")
		b.WriteString(c.AuthorName + "\x00" + c.AuthorEmail + "\x00")
		b.WriteString(strconv.FormatInt(c.AuthorTime/1000, 10) + "\x00" + strconv.FormatInt(c.CommitterTime/1000, 10) + "\x00")
		b.WriteString(c.Subject + "\x00\x00")
		if len(c.Files) > 0 {
			b.WriteByte('\n')
		}
		for _, f := range c.Files {
			if f.Binary {
				b.WriteString("-\t-\t")
			} else {
				b.WriteString(strconv.FormatInt(f.Added, 10) + "\t" + strconv.FormatInt(f.Removed, 10) + "\t")
			}
			if f.OldPath != "" {
				b.WriteString("\x00" + f.OldPath + "\x00")
			}
			b.WriteString(f.Path + "\x00")
		}
	}
	return b.Bytes()
}

// TestNoNetwork checks that the git Read runs cannot use any transport,
// even to a repository that is right there.
func TestNoNetwork(t *testing.T) {
	r := newRepo(t)
	r.write("a", "a\n")
	r.commit("a")
	if _, err := r.run(nil, "ls-remote", "file://"+r.dir); err != nil {
		t.Fatalf("plain git cannot reach the repository either: %v", err)
	}
	g := newGit("git", r.dir)
	out, err := g.command(context.Background(), "ls-remote", "file://"+r.dir).CombinedOutput()
	if err == nil || !strings.Contains(string(out), "not allowed") {
		t.Errorf("git ls-remote with Read's settings: %v %s", err, out)
	}
	env := strings.Join(gitEnv(), "\n")
	for _, want := range []string{"GIT_NO_LAZY_FETCH=1", "GIT_ALLOW_PROTOCOL=none", "GIT_TERMINAL_PROMPT=0"} {
		if !strings.Contains(env, want) {
			t.Errorf("environment lacks %s", want)
		}
	}
}
