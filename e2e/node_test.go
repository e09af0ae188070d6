package e2e

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// binary is the meent binary TestMain built, or "" when the browser tests
// skip (then nothing is built).
var binary string

// skipReason says why the browser tests cannot run here, or "".
var skipReason string

// chromium and axeScript are what the tests drive and inject.
var (
	chromium  string
	axeScript string
)

func TestMain(m *testing.M) {
	skipReason = findTools()
	if skipReason != "" && os.Getenv("MEENT_REQUIRE_BROWSER") != "" {
		fmt.Fprintf(os.Stderr, "browser tests required (MEENT_REQUIRE_BROWSER) but %s\n", skipReason)
		os.Exit(1)
	}
	var dir string
	if skipReason == "" {
		var err error
		dir, err = os.MkdirTemp("", "meent-e2e-bin")
		if err != nil {
			panic(err)
		}
		binary = filepath.Join(dir, "meent")
		out, err := exec.Command("go", "build", "-o", binary, "../cmd/meent").CombinedOutput()
		if err != nil {
			fmt.Fprintf(os.Stderr, "build meent: %v\n%s", err, out)
			os.Exit(1)
		}
	}
	code := m.Run()
	for _, c := range procs {
		c.Process.Kill()
		c.Wait()
	}
	for _, d := range append(dataDirs, dir) {
		if d != "" {
			os.RemoveAll(d)
		}
	}
	os.Exit(code)
}

// findTools looks for Chromium and axe-core and returns why the tests
// cannot run, or "".
func findTools() string {
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			chromium = p
			break
		}
	}
	if chromium == "" {
		return "chromium is not installed (apt-get install chromium)"
	}
	path := os.Getenv("MEENT_AXE")
	if path == "" {
		path = filepath.Join("node_modules", "axe-core", "axe.min.js")
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "axe-core is not installed (npm ci --prefix e2e): " + err.Error()
	}
	axeScript = string(b)
	return ""
}

func needBrowser(t *testing.T) {
	t.Helper()
	if skipReason != "" {
		t.Skip(skipReason)
	}
}

// procs and dataDirs are the nodes the tests started, stopped and
// removed when the test binary ends.
var (
	procs    []*exec.Cmd
	dataDirs []string
)

// node is a running "meent serve --demo" in a fresh data directory.
type node struct {
	url  string
	logs *strings.Builder
}

var (
	demoOnce sync.Once
	demo     *node
	demoErr  error
)

// demoNode starts one demo node for the whole test binary: the demo
// takes seconds to write, and the page tests only read (or add to it).
func demoNode(t *testing.T) *node {
	t.Helper()
	needBrowser(t)
	demoOnce.Do(func() { demo, demoErr = startNode(os.TempDir(), "--demo") })
	if demoErr != nil {
		t.Fatal(demoErr)
	}
	return demo
}

// startNode runs meent serve on a free loopback port and waits for the
// address it prints. The process lives until the test binary exits.
func startNode(tmp string, args ...string) (*node, error) {
	data, err := os.MkdirTemp(tmp, "meent-e2e-data")
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(binary, append([]string{"serve", "--listen", "127.0.0.1:0", "--data", data}, args...)...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	n := &node{logs: &strings.Builder{}}
	var mu sync.Mutex
	cmd.Stderr = writerFunc(func(p []byte) (int, error) { mu.Lock(); defer mu.Unlock(); return n.logs.Write(p) })
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	procs = append(procs, cmd)
	dataDirs = append(dataDirs, data)
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
	case n.url = <-found:
		return n, nil
	case <-time.After(120 * time.Second):
		cmd.Process.Kill()
		mu.Lock()
		defer mu.Unlock()
		return nil, fmt.Errorf("meent serve --demo did not start in 120 s; logs:\n%s", n.logs.String())
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }
