package node

import (
	"bufio"
	"bytes"
	"compress/flate"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/meent/meent/agent"
	"github.com/meent/meent/commons"
	"github.com/meent/meent/ledger"
	"github.com/meent/meent/sqlite"
	"github.com/meent/meent/state"
)

const benchOrigin = "bench.example/meent"

// startDirs caches the data directories BenchmarkStart builds, within one
// run of the test binary only (TestMain removes them).
var startDirs struct {
	sync.Mutex
	base string
	dbs  map[int]string
}

func TestMain(m *testing.M) {
	code := m.Run()
	if startDirs.base != "" && os.Getenv("MEENT_START_KEEP") == "" {
		os.RemoveAll(startDirs.base)
	}
	os.Exit(code)
}

func benchSigner(tb testing.TB) note.Signer {
	skey, _, err := note.GenerateKey(rand.Reader, benchOrigin)
	if err != nil {
		tb.Fatal(err)
	}
	s, err := note.NewSigner(skey)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// workload signs about n valid events in log order, a chunk at a time: per
// commons of 1,000 people a maintainer (agent.create, commons.create), and
// per person an agent.create, a contribution.submit, a need.post and the
// maintainer's contribution.review accepting the contribution. Signing runs
// on every core.
func workload(tb testing.TB, n int, emit func(entries [][]byte)) {
	const perCommons = 1000
	seed := func(s string) ed25519.PrivateKey {
		h := sha256.Sum256([]byte("meent/start-bench/" + s))
		return ed25519.NewKeyFromSeed(h[:])
	}
	sign := func(k ed25519.PrivateKey, typ, author string, tm int64, data any) ([]byte, string) {
		e, err := ledger.Sign(k, ledger.Body{Type: typ, Author: author, Time: tm, Data: data})
		if err != nil {
			tb.Fatal(err)
		}
		h := sha256.Sum256(e)
		return e, ledger.Hash(h).String()
	}
	tm := time.Now().Add(-time.Hour).UnixMilli()
	people := (n - 2*(n/(4*perCommons)+1)) / 4
	for first := 0; first < people; first += perCommons {
		c := first / perCommons
		mk := seed(fmt.Sprintf("maintainer %d", c))
		create, mid := sign(mk, agent.TypeCreate, "", tm, agent.CreateData{Kind: agent.Cooperative, Name: fmt.Sprintf("Coop %d", c)})
		cc, cid := sign(mk, commons.TypeCreate, mid, tm, commons.CreateData{Name: fmt.Sprintf("commons %d", c), Kind: "software"})
		k := min(perCommons, people-first)
		evs := make([][4][]byte, k)
		var wg sync.WaitGroup
		workers := runtime.GOMAXPROCS(0)
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := w; i < k; i += workers {
					p := first + i
					pk := seed(fmt.Sprintf("person %d", p))
					var pid, kid string
					evs[i][0], pid = sign(pk, agent.TypeCreate, "", tm, agent.CreateData{Kind: agent.Person, Name: fmt.Sprintf("Person %d", p)})
					evs[i][1], kid = sign(pk, commons.TypeSubmit, pid, tm, commons.SubmitData{Commons: cid, Kind: "code",
						Title: fmt.Sprintf("Change %d", p), Description: "Fixes the parser for inputs with long lines",
						Evidence: []commons.Evidence{{URL: fmt.Sprintf("https://example.org/pr/%d", p)}}, Quantities: commons.Quantities{Minutes: int64(30 + p%90), LinesAdded: int64(p % 400)}})
					evs[i][2], _ = sign(pk, commons.TypeNeedPost, pid, tm, commons.NeedData{Commons: cid, Title: fmt.Sprintf("Need %d", p), Description: "Documentation for the new parser"})
					evs[i][3], _ = sign(mk, commons.TypeReview, mid, tm, commons.ReviewData{Contribution: kid, Verdict: commons.VerdictAccept, Reason: "thanks"})
				}
			}()
		}
		wg.Wait()
		out := [][]byte{create, cc}
		for _, e := range evs {
			out = append(out, e[0], e[1], e[2])
		}
		for _, e := range evs {
			out = append(out, e[3])
		}
		emit(out)
	}
}

// startDir returns a SQLite database of about n events, built once per run.
// The events go through the node's sequencer (appendBatch: the rules, the
// tree, the projections, signed checkpoints) in batches of 4,096; they
// skip Submit's signature check, which costs the build time and not the
// start measured. Every one was signed above, and a start replays them.
func startDir(b *testing.B, n int) string {
	startDirs.Lock()
	defer startDirs.Unlock()
	if p, ok := startDirs.dbs[n]; ok {
		return p
	}
	if startDirs.base == "" {
		// MEENT_START_KEEP names a directory to build in and keep, so
		// that a profile of a start can follow the benchmark.
		d := os.Getenv("MEENT_START_KEEP")
		if d == "" {
			var err error
			if d, err = os.MkdirTemp("", "meent-start-bench-"); err != nil {
				b.Fatal(err)
			}
		}
		startDirs.base, startDirs.dbs = d, map[int]string{}
	}
	path := filepath.Join(startDirs.base, fmt.Sprintf("%d.db", n))
	if _, err := os.Stat(path); err == nil && os.Getenv("MEENT_START_KEEP") != "" {
		startDirs.dbs[n] = path
		return path
	}
	ctx := context.Background()
	st, err := sqlite.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	nd, err := Open(ctx, st, Config{Origin: benchOrigin, Signer: benchSigner(b), SnapshotEvery: -1})
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	workload(b, n, func(entries [][]byte) {
		for len(entries) > 0 {
			k := min(4096, len(entries))
			batch := make([]*request, k)
			for i, e := range entries[:k] {
				ev, err := ledger.Parse(e)
				if err != nil {
					b.Fatal(err)
				}
				batch[i] = &request{ev: ev, done: make(chan result, 1)}
			}
			nd.appendBatch(batch)
			for _, r := range batch {
				if res := <-r.done; res.err != nil {
					b.Fatal(res.err)
				}
			}
			entries = entries[k:]
		}
	})
	size := nd.st.Size
	nd.Close()
	b.Logf("built %d events in %s", size, time.Since(start).Round(time.Second))
	startDirs.dbs[n] = path
	return path
}

// BenchmarkStart measures a start of a node on a data directory of
// 100,000 or 2,000,000 events, in a new process (the test binary run
// again, TestStartProcess): the time from exec until node.Open returned
// (the node sequences and serves from then on), and the process's
// resident memory (VmRSS), Go heap in use after a GC and CPU time used
// (user and system, which the machine's load moves less than the wall
// time) at that point.
// "replay" starts with no snapshot stored (as every start did before
// issue 10); "snapshot" after a Close stored one of the whole log.
func BenchmarkStart(b *testing.B) {
	for _, n := range []int{100_000, 2_000_000} {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			if n > 100_000 && testing.Short() {
				b.Skip("builds 2,000,000 events")
			}
			path := startDir(b, n)
			for _, mode := range []string{"replay", "snapshot"} {
				b.Run(mode, func(b *testing.B) {
					prepareStart(b, path, mode == "snapshot")
					var secs, rss, heap, cpu float64
					for b.Loop() {
						// A replay's child stores a snapshot of the whole
						// log after it was measured: the last one is what
						// "snapshot" starts from.
						if mode == "replay" {
							clearSnapshots(b, path)
						}
						s, r, h, c := startProcess(b, path, mode == "replay")
						secs, rss, heap, cpu = secs+s, max(rss, r), max(heap, h), cpu+c
					}
					b.ReportMetric(secs/float64(b.N), "s/start")
					b.ReportMetric(cpu/float64(b.N), "cpu-s/start")
					b.ReportMetric(rss/(1<<20), "MB-rss")
					b.ReportMetric(heap/(1<<20), "MB-heap")
				})
			}
		})
	}
}

func clearSnapshots(b *testing.B, path string) {
	db, err := sql.Open("sqlite", path)
	if err != nil {
		b.Fatal(err)
	}
	_, err = db.Exec("DELETE FROM snapshots")
	db.Close()
	if err != nil {
		b.Fatal(err)
	}
}

// prepareStart leaves the database with no snapshot, or with one of the
// whole log: the one the replay's child left, or else one written by a
// node's Close, as a graceful shutdown does.
func prepareStart(b *testing.B, path string, snapshot bool) {
	ctx := context.Background()
	if !snapshot {
		clearSnapshots(b, path)
		return
	}
	st, err := sqlite.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	size, err := st.Size(ctx)
	if err != nil {
		b.Fatal(err)
	}
	if snap, err := st.Snapshot(ctx); err == nil && snap.Size == size {
		return
	}
	clearSnapshots(b, path)
	nd, err := Open(ctx, st, Config{Origin: benchOrigin, Signer: benchSigner(b)})
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	nd.Close()
	snap, err := st.Snapshot(ctx)
	if err != nil || snap.Size != nd.st.Size {
		b.Fatalf("no snapshot of the whole log after Close: %d, %v", snap.Size, err)
	}
	b.Logf("Close wrote a snapshot of %d events, %d bytes, in %s", snap.Size, len(snap.Data), time.Since(start).Round(time.Millisecond))
}

// startProcess runs TestStartProcess on path in a new process and returns
// the seconds from exec to a started node, VmRSS and heap in use (bytes).
func startProcess(b *testing.B, path string, snapshot bool) (secs, rss, heap, cpu float64) {
	cmd := exec.Command(os.Args[0], "-test.run=^TestStartProcess$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), "MEENT_START_DB="+path)
	if snapshot {
		cmd.Env = append(cmd.Env, "MEENT_START_SNAPSHOT=1")
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if strings.Contains(sc.Text(), "built off the sequencer") {
			b.Log(strings.TrimSpace(sc.Text()))
		}
		if f, ok := strings.CutPrefix(sc.Text(), "started "); ok {
			secs = time.Since(start).Seconds()
			fs := strings.Fields(f)
			rss, _ = strconv.ParseFloat(fs[0], 64)
			heap, _ = strconv.ParseFloat(fs[1], 64)
			cpu, _ = strconv.ParseFloat(fs[2], 64)
		}
	}
	if err := cmd.Wait(); err != nil || secs == 0 {
		b.Fatalf("start process: %v", err)
	}
	return secs, rss, heap, cpu
}

// TestStartProcess is BenchmarkStart's child: it opens the node on
// MEENT_START_DB, prints "started <VmRSS bytes> <heap in use bytes>" and
// exits without a Close (which would write a snapshot). With
// MEENT_START_SNAPSHOT set it then encodes and stores a snapshot, as a
// node does every SnapshotEvery events, and says how long that took.
func TestStartProcess(t *testing.T) {
	path := os.Getenv("MEENT_START_DB")
	if path == "" {
		t.Skip("run by BenchmarkStart")
	}
	ctx := context.Background()
	st, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	nd, err := Open(ctx, st, Config{Origin: benchOrigin, Signer: benchSigner(t), SnapshotEvery: -1})
	if err != nil {
		t.Fatal(err)
	}
	cpu := startCPU() // before the GC that measures the heap
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Printf("started %d %d %.3f\n", vmRSS(t), ms.HeapInuse, cpu)
	if f := os.Getenv("MEENT_START_HEAPPROFILE"); f != "" {
		writeHeapProfile(t, f)
	}
	if os.Getenv("MEENT_START_SNAPSHOT") != "" {
		// What the sequencer does when a snapshot is due: start one, which
		// is built off the sequencer from the stored snapshot and the
		// committed log (here: none stored, so from the first event, the
		// worst case, a node's first snapshot).
		start := time.Now()
		nd.startSnapshot(nd.st.Size)
		paused := time.Since(start)
		peak := vmRSS(t)
		done := make(chan struct{})
		go func() { nd.snap.wg.Wait(); close(done) }()
		for waiting := true; waiting; {
			select {
			case <-done:
				waiting = false
			case <-time.After(100 * time.Millisecond):
				peak = max(peak, vmRSS(t))
			}
		}
		built := time.Since(start)
		snap, err := st.Snapshot(ctx)
		if err != nil || snap.Size != nd.st.Size {
			t.Fatalf("no snapshot of %d events stored: %d, %v", nd.st.Size, snap.Size, err)
		}
		// For comparison, what the sequencer paused for before: encoding
		// its own state in its goroutine.
		start = time.Now()
		nd.mu.Lock()
		if _, ok := nd.encodeSnapshot(); !ok {
			t.Fatal("encode failed")
		}
		nd.mu.Unlock()
		fmt.Printf("snapshot of %d events (%d bytes) built off the sequencer and stored: %.3f s the sequencer's pause, %.2f s in all (VmRSS peak %d MB); encoding the live state in the sequencer would pause it %.2f s\n",
			snap.Size, len(snap.Data), paused.Seconds(), built.Seconds(), peak>>20, time.Since(start).Seconds())
	}
}

func vmRSS(t *testing.T) int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

func writeHeapProfile(t *testing.T, path string) {
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
		t.Fatal(err)
	}
}

// BenchmarkSnapshotCodec measures a snapshot of the state of 100,000
// events: encoding it as the node does (JSON, then DEFLATE level 1, while
// the sequencer waits), how much of that the compression is (level 1
// over the same JSON on its own), both sizes, and restoring it (with the
// time inflating takes on its own).
func BenchmarkSnapshotCodec(b *testing.B) {
	path := startDir(b, 100_000)
	ctx := context.Background()
	st, err := sqlite.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	nd, err := Open(ctx, st, Config{Origin: benchOrigin, Signer: benchSigner(b), SnapshotEvery: -1})
	if err != nil {
		b.Fatal(err)
	}
	defer nd.Close()
	var encode, compress, restore, inflate time.Duration
	var raw, packed int
	for b.Loop() {
		t0 := time.Now()
		snap, err := nd.st.Snapshot()
		if err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		js, err := io.ReadAll(flate.NewReader(bytes.NewReader(snap[1:])))
		if err != nil {
			b.Fatal(err)
		}
		t2 := time.Now()
		var z bytes.Buffer
		zw, _ := flate.NewWriter(&z, flate.BestSpeed)
		zw.Write(js)
		zw.Close()
		t3 := time.Now()
		if _, err := state.Restore(snap); err != nil {
			b.Fatal(err)
		}
		t4 := time.Now()
		encode, inflate, compress, restore = encode+t1.Sub(t0), inflate+t2.Sub(t1), compress+t3.Sub(t2), restore+t4.Sub(t3)
		raw, packed = len(js), len(snap)
	}
	n := float64(b.N)
	b.ReportMetric(encode.Seconds()/n, "s-encode")
	b.ReportMetric(compress.Seconds()/n, "s-of-which-flate1")
	b.ReportMetric(restore.Seconds()/n, "s-restore")
	b.ReportMetric(inflate.Seconds()/n, "s-of-which-inflate")
	b.ReportMetric(float64(raw)/(1<<20), "MB-json")
	b.ReportMetric(float64(packed)/(1<<20), "MB-flate1")
}
