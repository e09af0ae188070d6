//go:build integration

// Integration tests run the real meent binary as a separate process:
// crash safety under SIGKILL on SQLite and PostgreSQL, several processes
// sharing one PostgreSQL log, and the CLI as a user runs it. Run with
//
//	go test -tags integration ./cmd/meent
//
// PostgreSQL cases need MEENT_TEST_POSTGRES (a DSN); they skip without it.
package main

import (
	"bufio"
	"crypto/ed25519"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/meent/meent/agent"
	"github.com/meent/meent/ledger"
)

var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "meent-bin")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "meent")
	out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "build meent: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

type proc struct {
	cmd  *exec.Cmd
	url  string
	logs *strings.Builder
}

// start runs "meent serve" and waits until it prints its address.
func start(t *testing.T, args ...string) *proc {
	t.Helper()
	return startIn(t, "", args...)
}

// startIn is start with a working directory.
func startIn(t *testing.T, dir string, args ...string) *proc {
	t.Helper()
	cmd := exec.Command(binary, append([]string{"serve", "--listen", "127.0.0.1:0"}, args...)...)
	cmd.Dir = dir
	stdout, _ := cmd.StdoutPipe()
	logs := &strings.Builder{}
	var mu sync.Mutex
	cmd.Stderr = writerFunc(func(p []byte) (int, error) { mu.Lock(); defer mu.Unlock(); return logs.Write(p) })
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &proc{cmd: cmd, logs: logs}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	re := regexp.MustCompile(`meent serving on (http://\S+)`)
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
			}
		}
	}()
	select {
	case p.url = <-found:
	case <-time.After(60 * time.Second):
		t.Fatalf("meent serve did not start; logs:\n%s", logs.String())
	}
	return p
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

func signedAgent(t *testing.T, i int) []byte {
	_, k, _ := ed25519.GenerateKey(rand.Reader)
	e, err := ledger.Sign(k, ledger.Body{Type: agent.TypeCreate, Time: time.Now().UnixMilli(), Data: agent.CreateData{Kind: agent.Person, Name: fmt.Sprintf("writer %d", i)}})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// stream posts events to the given URLs from several writers until stop
// closes, and returns the hashes of the events the node acknowledged (201).
func stream(t *testing.T, urls func() []string, stop <-chan struct{}) []string {
	var mu sync.Mutex
	var acked []string
	var wg sync.WaitGroup
	client := &http.Client{Timeout: 10 * time.Second}
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				us := urls()
				u := us[(w+i)%len(us)]
				e := signedAgent(t, w*1_000_000+i)
				resp, err := client.Post(u+"/api/v1/events", "application/vnd.meent.event", strings.NewReader(string(e)))
				if err != nil {
					time.Sleep(10 * time.Millisecond) // the node is down; an unacknowledged event may or may not be in
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode == http.StatusCreated {
					ev, _ := ledger.Parse(e)
					mu.Lock()
					acked = append(acked, ev.Hash.String())
					mu.Unlock()
				}
			}
		}(w)
	}
	<-stop
	wg.Wait()
	return acked
}

func checkPresent(t *testing.T, url string, hashes []string) {
	t.Helper()
	missing := 0
	for _, h := range hashes {
		resp, err := http.Get(url + "/api/v1/events/" + h)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			missing++
			if missing < 5 {
				t.Errorf("acknowledged event %s is missing after the crash (status %d)", h, resp.StatusCode)
			}
		}
	}
	if missing > 0 {
		t.Fatalf("%d of %d acknowledged events lost", missing, len(hashes))
	}
}

func runMeent(t *testing.T, args ...string) string {
	t.Helper()
	out, err := exec.Command(binary, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("meent %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

func crashTest(t *testing.T, dbArgs ...string) {
	data := t.TempDir()
	args := append([]string{"--data", data}, dbArgs...)
	p := start(t, args...)
	stop := make(chan struct{})
	var acked []string
	done := make(chan struct{})
	go func() { acked = stream(t, func() []string { return []string{p.url} }, stop); close(done) }()
	time.Sleep(1500 * time.Millisecond)
	// SIGKILL mid-stream: no shutdown hook runs.
	p.cmd.Process.Signal(syscall.SIGKILL)
	p.cmd.Wait()
	time.Sleep(200 * time.Millisecond)
	close(stop)
	<-done
	if len(acked) < 50 {
		t.Fatalf("only %d events acknowledged before the kill; logs:\n%s", len(acked), p.logs)
	}
	t.Logf("%d events acknowledged before SIGKILL", len(acked))
	p2 := start(t, args...)
	checkPresent(t, p2.url, acked)
	out := runMeent(t, append([]string{"verify"}, args...)...)
	if !strings.Contains(out, "ok:") {
		t.Fatalf("verify: %s", out)
	}
	out = runMeent(t, "verify", p2.url)
	if !strings.Contains(out, "ok:") {
		t.Fatalf("verify URL: %s", out)
	}
}

func TestCrashSQLite(t *testing.T) { crashTest(t) }

// pgSchema makes a fresh schema and returns a DSN that uses it.
func pgSchema(t *testing.T) string {
	dsn := os.Getenv("MEENT_TEST_POSTGRES")
	if dsn == "" {
		t.Skip("MEENT_TEST_POSTGRES not set")
	}
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	schema := fmt.Sprintf("it_%d", time.Now().UnixNano())
	if _, err := db.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		db, _ := sql.Open("pgx", dsn)
		db.Exec("DROP SCHEMA " + schema + " CASCADE")
		db.Close()
	})
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	return dsn + sep + "search_path=" + schema
}

func TestCrashPostgres(t *testing.T) { crashTest(t, "--db", pgSchema(t)) }

// TestSharedPostgres runs two processes on one PostgreSQL log, writes to
// both, kills one mid-stream and keeps writing to the other: one log, no
// index twice, nothing acknowledged lost, and it verifies.
func TestSharedPostgres(t *testing.T) {
	dsn := pgSchema(t)
	dataA, dataB := t.TempDir(), t.TempDir()
	a := start(t, "--data", dataA, "--db", dsn)
	// The second process shares the log, so it needs the same node key.
	for _, f := range []string{"node.key", "node.pub"} {
		b, err := os.ReadFile(filepath.Join(dataA, f))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dataB, f), b, 0o600)
	}
	b := start(t, "--data", dataB, "--db", dsn)
	var mu sync.Mutex
	urls := []string{a.url, b.url}
	stop := make(chan struct{})
	done := make(chan []string)
	go func() {
		done <- stream(t, func() []string { mu.Lock(); defer mu.Unlock(); return urls }, stop)
	}()
	time.Sleep(1500 * time.Millisecond)
	a.cmd.Process.Signal(syscall.SIGKILL)
	a.cmd.Wait()
	mu.Lock()
	urls = []string{b.url}
	mu.Unlock()
	time.Sleep(1000 * time.Millisecond)
	close(stop)
	acked := <-done
	t.Logf("%d events acknowledged across two processes", len(acked))
	checkPresent(t, b.url, acked)
	out := runMeent(t, "verify", "--data", dataB, "--db", dsn)
	if !strings.Contains(out, "ok:") {
		t.Fatalf("verify: %s", out)
	}
}

// TestCLI walks the path a newcomer takes: init, serve with the demo,
// create an agent whose key stays local, sign an event with it, verify.
func TestCLI(t *testing.T) {
	data := t.TempDir()
	out := runMeent(t, "init", "--data", data, "--origin", "example.org/test", "--admin-password", "correct horse battery")
	if !strings.Contains(out, "example.org/test") {
		t.Fatalf("init output: %s", out)
	}
	st, err := os.Stat(filepath.Join(data, "node.key"))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("node.key mode %v, %v", st.Mode(), err)
	}
	p := start(t, "--data", data, "--demo")
	resp, err := http.Get(p.url + "/api/v1/node")
	if err != nil {
		t.Fatal(err)
	}
	var info struct {
		Origin   string `json:"log_origin"`
		Verifier string `json:"verifier_key"`
		Size     int64  `json:"tree_size"`
	}
	json.NewDecoder(resp.Body).Decode(&info)
	resp.Body.Close()
	if info.Origin != "example.org/test" || !strings.HasPrefix(info.Verifier, "example.org/test+") || info.Size < 10 {
		t.Fatalf("node info %+v", info)
	}
	key := filepath.Join(t.TempDir(), "me.key")
	out = runMeent(t, "agent", "create", "--url", p.url, "--name", "Maya", "--out", key)
	if !strings.Contains(out, "created at index") {
		t.Fatalf("agent create: %s", out)
	}
	out = runMeent(t, "event", "submit", "--url", p.url, "--key", key, "--type", "agent.update", "--data", `{"name":"Maya J."}`)
	if !strings.Contains(out, "appended at index") {
		t.Fatalf("event submit: %s", out)
	}
	// A refused event: a clear message and a non-zero exit.
	cmd := exec.Command(binary, "event", "submit", "--url", p.url, "--key", key, "--type", "member.set", "--data", `{"agent":"`+strings.Repeat("0", 64)+`","role":"admin"}`)
	b, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(b), "rule_violation") {
		t.Fatalf("refused event: err=%v out=%s", err, b)
	}
	out = runMeent(t, "verify", "--key", info.Verifier, p.url)
	if !strings.Contains(out, "ok:") {
		t.Fatalf("verify: %s", out)
	}
	out = runMeent(t, "bench", "--url", p.url, "--n", "500", "--concurrency", "16")
	if !strings.Contains(out, "events/s") {
		t.Fatalf("bench: %s", out)
	}
}

// TestGracefulShutdown sends SIGTERM while writers stream: the process
// exits cleanly, and every event it acknowledged is there after a restart.
func TestGracefulShutdown(t *testing.T) {
	data := t.TempDir()
	p := start(t, "--data", data)
	stop := make(chan struct{})
	done := make(chan []string)
	go func() { done <- stream(t, func() []string { return []string{p.url} }, stop) }()
	time.Sleep(800 * time.Millisecond)
	p.cmd.Process.Signal(syscall.SIGTERM)
	err := p.cmd.Wait()
	close(stop)
	acked := <-done
	if err != nil {
		t.Fatalf("meent serve exited with %v after SIGTERM; logs:\n%s", err, p.logs)
	}
	if !strings.Contains(p.logs.String(), "shutting down") {
		t.Errorf("no shutdown log line; logs:\n%s", p.logs)
	}
	p2 := start(t, "--data", data)
	checkPresent(t, p2.url, acked)
}

// TestBrowser renders the pages in headless Chromium, a real browser, and
// checks what a person would see. It skips where Chromium is not installed
// (CI installs it).
func TestBrowser(t *testing.T) {
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("MEENT_REQUIRE_BROWSER") != "" {
			t.Fatal("chromium not installed, and MEENT_REQUIRE_BROWSER is set")
		}
		t.Skip("chromium not installed")
	}
	data := t.TempDir()
	p := start(t, "--data", data, "--demo")
	dump := func(path string) string {
		t.Helper()
		cmd := exec.Command(chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
			"--disable-component-update", "--disable-sync", "--no-first-run", "--user-data-dir="+t.TempDir(),
			"--dump-dom", p.url+path)
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("chromium %s: %v", path, err)
		}
		return string(out)
	}
	home := dump("/")
	for _, want := range []string{"Latest checkpoint", `href="/?before=`} {
		if !strings.Contains(home, want) {
			t.Errorf("home page lacks %q", want)
		}
	}
	// The home page shows the latest events (the demo's last areas); the
	// first ones, the community's founding, are a page back.
	first := dump("/?before=20")
	for _, want := range []string{"member.set", "agent.create"} {
		if !strings.Contains(first, want) {
			t.Errorf("the log's first page lacks %q", want)
		}
	}
	m := regexp.MustCompile(`href="/events/([0-9a-f]{64})"`).FindStringSubmatch(home)
	if m == nil {
		t.Fatalf("no event link on the home page:\n%s", home)
	}
	ev := dump("/events/" + m[1])
	for _, want := range []string{"Inclusion proof", "valid"} {
		if !strings.Contains(ev, want) {
			t.Errorf("event page lacks %q", want)
		}
	}
	agents := dump("/agents")
	if !strings.Contains(agents, "Maya Janssen") {
		t.Errorf("agents page lacks the demo community")
	}
}

// TestQuickStart runs the README's command as a newcomer would: no flags
// but --demo, in an empty directory, so the data directory is the relative
// default "meent-data".
func TestQuickStart(t *testing.T) {
	dir := t.TempDir()
	p := startIn(t, dir, "--demo")
	var info struct {
		Size int64 `json:"tree_size"`
	}
	getJSONInto(t, p.url+"/api/v1/node", &info)
	if info.Size < 10 {
		t.Fatalf("demo node has %d events", info.Size)
	}
	if _, err := os.Stat(filepath.Join(dir, "meent-data", "node.key")); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(binary, "verify")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(out), "ok:") {
		t.Fatalf("verify in the quick-start directory: %v\n%s", err, out)
	}
}

// TestForeignLogRefused: a fresh data directory pointed at a PostgreSQL
// log made by another node must not re-key that log; serve refuses, and
// the original still verifies.
func TestForeignLogRefused(t *testing.T) {
	dsn := pgSchema(t)
	dataA := t.TempDir()
	a := start(t, "--data", dataA, "--db", dsn)
	a.cmd.Process.Signal(syscall.SIGTERM)
	a.cmd.Wait()
	dataB := filepath.Join(t.TempDir(), "b")
	out, err := exec.Command(binary, "serve", "--listen", "127.0.0.1:0", "--data", dataB, "--db", dsn).CombinedOutput()
	if err == nil || !strings.Contains(string(out), "already holds a log") {
		t.Fatalf("serve on another node's log: err=%v\n%s", err, out)
	}
	if _, err := os.Stat(dataB); !os.IsNotExist(err) {
		t.Fatalf("a failed init left %s behind (%v)", dataB, err)
	}
	// With the right keys copied in, a second data directory serves it.
	os.MkdirAll(dataB, 0o700)
	for _, f := range []string{"node.key", "node.pub"} {
		b, _ := os.ReadFile(filepath.Join(dataA, f))
		os.WriteFile(filepath.Join(dataB, f), b, 0o600)
	}
	start(t, "--data", dataB, "--db", dsn)
	if out := runMeent(t, "verify", "--data", dataA, "--db", dsn); !strings.Contains(out, "ok:") {
		t.Fatalf("verify: %s", out)
	}
}

func getJSONInto(t *testing.T, url string, v any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("GET %s: %s %s", url, resp.Status, b)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatal(err)
	}
}
