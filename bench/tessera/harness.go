package main

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	f_log "github.com/transparency-dev/formats/log"
	"github.com/transparency-dev/tessera"
	"github.com/transparency-dev/tessera/storage/posix"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/sync/errgroup"
	"k8s.io/klog/v2"
)

// tesseraModule is the module path whose version is reported in the summary,
// so a figure can always be traced back to the library release that produced it.
const tesseraModule = "github.com/transparency-dev/tessera"

// logOrigin names the benchmark log in its checkpoints. It only has to be
// stable so that the published checkpoint can be verified against it.
const logOrigin = "bench.meent.example/tessera"

// minLeafSize leaves room for an 8-byte index stamp (which guarantees distinct
// leaves without relying on randomness) plus the 64-byte Ed25519 signature.
const minLeafSize = 8 + ed25519.SignatureSize

// Config describes one benchmark run.
type Config struct {
	N      int  // number of leaves to append
	Size   int  // bytes per leaf, signature included
	Verify bool // verify each leaf's Ed25519 signature before Add

	// Workers is the number of goroutines concurrently calling Add and
	// blocking on the returned future, standing in for concurrent clients.
	Workers int

	// Tessera appender tuning; see tessera.AppendOptions.
	BatchSize          uint
	BatchAge           time.Duration
	CheckpointInterval time.Duration

	// Dir is the parent directory for the temporary log ("" = os.TempDir()).
	Dir string
	// Keep leaves the log on disk after Close, for inspection.
	Keep bool
}

// DefaultConfig returns the settings used by both the command and the Go
// benchmark, so the two report comparable numbers.
func DefaultConfig() Config {
	return Config{
		N:    100000,
		Size: 300,
		// Twice the batch size: each worker blocks on its future until its
		// batch is durable, so with exactly one batch's worth of workers the
		// next batch cannot start filling (or verifying) while the previous
		// one is being written and fsync'd. Fewer workers than the batch size
		// is far worse: batches then only flush when BatchAge expires.
		Workers: 2 * tessera.DefaultBatchMaxSize,
		// Tessera's defaults.
		BatchSize: tessera.DefaultBatchMaxSize,
		BatchAge:  tessera.DefaultBatchMaxAge,
		// The POSIX driver's minimum. Publication of a new checkpoint can lag
		// integration by up to this interval, and that lag is part of what
		// we measure, so keep it as short as the driver allows.
		CheckpointInterval: 100 * time.Millisecond,
	}
}

func (c Config) validate() error {
	switch {
	case c.N <= 0:
		return fmt.Errorf("n must be positive, got %d", c.N)
	case c.Size < minLeafSize:
		return fmt.Errorf("size must be at least %d bytes (index stamp + signature), got %d", minLeafSize, c.Size)
	case c.Size > tessera.DefaultEntrySizeLimit:
		return fmt.Errorf("size must be at most %d bytes (tlog-tiles entry limit), got %d", tessera.DefaultEntrySizeLimit, c.Size)
	case c.Workers <= 0:
		return fmt.Errorf("workers must be positive, got %d", c.Workers)
	case c.BatchSize == 0:
		return errors.New("batch size must be positive")
	}
	return nil
}

// Leaves is a precomputed set of signed leaves. Building them (random bytes
// plus an Ed25519 signature each) is deliberately kept out of the timed
// region: the benchmark is about verify+append, not about producing input.
type Leaves struct {
	Pub  ed25519.PublicKey
	Data [][]byte
}

// MakeLeaves builds n distinct leaves of size bytes, each laid out as
// payload || ed25519.Sign(priv, payload) under a single fixed key.
func MakeLeaves(n, size int) (*Leaves, error) {
	if size < minLeafSize {
		return nil, fmt.Errorf("leaf size %d below minimum %d", size, minLeafSize)
	}
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	// One backing array keeps the leaves contiguous and avoids n small
	// allocations that would otherwise burden the GC during the timed run.
	buf := make([]byte, n*size)
	if _, err := rand.Read(buf); err != nil {
		return nil, err
	}
	data := make([][]byte, n)
	payloadLen := size - ed25519.SignatureSize

	// Signing 10^5 leaves takes a noticeable fraction of a second per core,
	// so spread it over all CPUs to keep the untimed setup short.
	var wg sync.WaitGroup
	procs := runtime.GOMAXPROCS(0)
	for p := range procs {
		wg.Go(func() {
			for i := p; i < n; i += procs {
				leaf := buf[i*size : (i+1)*size : (i+1)*size]
				binary.BigEndian.PutUint64(leaf, uint64(i))
				sig := ed25519.Sign(priv, leaf[:payloadLen])
				copy(leaf[payloadLen:], sig)
				data[i] = leaf
			}
		})
	}
	wg.Wait()
	return &Leaves{Pub: pub, Data: data}, nil
}

// Result holds the timings of one run, both measured from the moment the
// first worker starts.
type Result struct {
	N int
	// Sequenced is when every Add future had resolved. With the POSIX
	// driver a resolved future means the entry is durably written and
	// integrated into the tree, but not necessarily in a published checkpoint.
	Sequenced time.Duration
	// Published is when a signed checkpoint covering all N leaves was
	// readable from the log: the point at which a client could verify them.
	Published time.Duration
	// CPU is the user+system CPU time the whole process spent up to
	// Published. On a shared machine wall-clock rates swing with other
	// load, while CPU per leaf stays comparable between runs.
	CPU time.Duration
	// TreeSize is the size committed to by that checkpoint.
	TreeSize uint64
}

// Rate is the end-to-end throughput: leaves per second until publication.
func (r Result) Rate() float64 { return float64(r.N) / r.Published.Seconds() }

// Harness owns a fresh on-disk tessera log and the appender writing to it.
// Construction and teardown are separate from Run so callers (notably the Go
// benchmark) can exclude them from timing.
type Harness struct {
	cfg      Config
	leaves   *Leaves
	dir      string
	verifier note.Verifier

	appender *tessera.Appender
	shutdown func(context.Context) error
	awaiter  *tessera.PublicationAwaiter
	cancel   context.CancelFunc
}

// NewHarness creates an empty log in a new temporary directory.
func NewHarness(ctx context.Context, cfg Config, leaves *Leaves) (*Harness, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	if len(leaves.Data) < cfg.N {
		return nil, fmt.Errorf("have %d leaves, need %d", len(leaves.Data), cfg.N)
	}
	dir, err := os.MkdirTemp(cfg.Dir, "tessera-bench-")
	if err != nil {
		return nil, err
	}
	h := &Harness{cfg: cfg, leaves: leaves, dir: dir}
	if err := h.open(ctx); err != nil {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	return h, nil
}

func (h *Harness) open(ctx context.Context) error {
	skey, vkey, err := note.GenerateKey(rand.Reader, logOrigin)
	if err != nil {
		return err
	}
	signer, err := note.NewSigner(skey)
	if err != nil {
		return err
	}
	if h.verifier, err = note.NewVerifier(vkey); err != nil {
		return err
	}

	driver, err := posix.New(ctx, posix.Config{Path: h.dir})
	if err != nil {
		return fmt.Errorf("posix.New: %w", err)
	}
	opts := tessera.NewAppendOptions().
		WithCheckpointSigner(signer).
		WithBatching(h.cfg.BatchSize, h.cfg.BatchAge).
		WithCheckpointInterval(h.cfg.CheckpointInterval)

	// The appender's background goroutines live on this context; it is
	// cancelled only after shutdown, as NewAppender's contract asks.
	actx, cancel := context.WithCancel(ctx)
	appender, shutdown, reader, err := tessera.NewAppender(actx, driver, opts)
	if err != nil {
		cancel()
		return fmt.Errorf("tessera.NewAppender: %w", err)
	}
	h.appender, h.shutdown, h.cancel = appender, shutdown, cancel
	// A short poll period bounds how late we notice the final checkpoint,
	// i.e. the measurement error on Result.Published.
	h.awaiter = tessera.NewPublicationAwaiter(actx, reader.ReadCheckpoint, 2*time.Millisecond)
	return nil
}

// Run appends the first cfg.N leaves concurrently and waits until a signed
// checkpoint covering all of them is published. It may be called only once.
func (h *Harness) Run(ctx context.Context) (Result, error) {
	n, pub := h.cfg.N, h.leaves.Pub
	payloadLen := h.cfg.Size - ed25519.SignatureSize
	// indices[i] is written only by the worker that claimed leaf i, so no
	// locking is needed; it lets us check afterwards that every leaf got a
	// distinct slot in the log.
	indices := make([]uint64, n)
	var next atomic.Int64
	// The future of whichever leaf lands last in the log, used to await
	// publication the same way a personality would for a single entry.
	var lastFuture atomic.Pointer[tessera.IndexFuture]

	cpuStart, err := processCPU()
	if err != nil {
		return Result{}, err
	}
	start := time.Now()
	g, gctx := errgroup.WithContext(ctx)
	for range h.cfg.Workers {
		g.Go(func() error {
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return nil
				}
				leaf := h.leaves.Data[i]
				if h.cfg.Verify && !ed25519.Verify(pub, leaf[:payloadLen], leaf[payloadLen:]) {
					return fmt.Errorf("leaf %d: bad signature", i)
				}
				future := h.appender.Add(gctx, tessera.NewEntry(leaf))
				idx, err := future()
				if err != nil {
					return fmt.Errorf("leaf %d: %w", i, err)
				}
				indices[i] = idx.Index
				if idx.Index == uint64(n-1) {
					lastFuture.Store(&future)
				}
			}
		})
	}
	if err := g.Wait(); err != nil {
		return Result{}, err
	}
	sequenced := time.Since(start)

	last := lastFuture.Load()
	if last == nil {
		return Result{}, fmt.Errorf("no leaf was assigned index %d", n-1)
	}
	_, cpRaw, err := h.awaiter.Await(ctx, *last)
	if err != nil {
		return Result{}, fmt.Errorf("awaiting checkpoint: %w", err)
	}
	published := time.Since(start)
	cpuEnd, err := processCPU()
	if err != nil {
		return Result{}, err
	}

	// Everything below is correctness checking, outside the timed region.
	cp, _, _, err := f_log.ParseCheckpoint(cpRaw, logOrigin, h.verifier)
	if err != nil {
		return Result{}, fmt.Errorf("published checkpoint: %w", err)
	}
	if cp.Size != uint64(n) {
		return Result{}, fmt.Errorf("checkpoint size %d, want %d", cp.Size, n)
	}
	seen := make([]bool, n)
	for i, idx := range indices {
		if idx >= uint64(n) || seen[idx] {
			return Result{}, fmt.Errorf("leaf %d: index %d out of range or duplicated", i, idx)
		}
		seen[idx] = true
	}
	return Result{N: n, Sequenced: sequenced, Published: published, CPU: cpuEnd - cpuStart, TreeSize: cp.Size}, nil
}

// processCPU returns the user+system CPU time consumed so far by this
// process, all threads included.
func processCPU() (time.Duration, error) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, fmt.Errorf("getrusage: %w", err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), nil
}

// Close shuts the appender down cleanly and removes the log unless Keep is set.
func (h *Harness) Close(ctx context.Context) error {
	err := h.shutdown(ctx)
	h.cancel()
	if !h.cfg.Keep {
		err = errors.Join(err, os.RemoveAll(h.dir))
	}
	return err
}

// Dir is the directory holding the on-disk log.
func (h *Harness) Dir() string { return h.dir }

// tesseraVersion reports the tessera release linked into this binary.
func tesseraVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Path == tesseraModule {
				if d.Replace != nil {
					return d.Replace.Version
				}
				return d.Version
			}
		}
	}
	return "unknown"
}

// quietKlog drops tessera's klog INFO chatter (directory initialisation,
// awaiter shutdown, ...) which would otherwise interleave with the summary
// line and break `go test -bench` output parsing. Warnings and errors still
// reach stderr, so genuine storage problems remain visible.
func quietKlog() {
	fs := flag.NewFlagSet("klog", flag.PanicOnError)
	klog.InitFlags(fs)
	// Writing to "files" (here: io.Discard) rather than straight to stderr
	// is what makes klog honour stderrthreshold.
	_ = fs.Set("logtostderr", "false")
	_ = fs.Set("stderrthreshold", "WARNING")
	klog.SetOutput(io.Discard)
}
