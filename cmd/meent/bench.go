package main

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	nethttp "net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/meent/meent/agent"
	"github.com/meent/meent/client"
	"github.com/meent/meent/ledger"
)

// cmdBench is the load generator: it signs N events up front (so signing
// does not compete with the server for CPU during the run), then POSTs
// them from C concurrent clients and reports the rate, latency
// percentiles and how often the node published a new checkpoint.
func benchFlags(fs *flag.FlagSet) action {
	url := fs.String("url", "http://127.0.0.1:8080", "node URL (loopback only: this is a load test)")
	n := fs.Int("n", 20000, "events to submit")
	conc := fs.Int("concurrency", 64, "concurrent clients")
	return func(ctx context.Context, stdout, stderr io.Writer) error {
		return cmdBench(ctx, *url, *n, *conc, stdout)
	}
}

func cmdBench(ctx context.Context, url string, n, conc int, stdout io.Writer) error {
	if n < 1 || conc < 1 {
		return errors.New("--n and --concurrency must be positive")
	}
	fmt.Fprintf(stdout, "signing %d agent.create events...\n", n)
	entries := make([][]byte, n)
	now := time.Now().UnixMilli()
	for i := range entries {
		_, key, _ := ed25519.GenerateKey(rand.Reader)
		e, err := ledger.Sign(key, ledger.Body{Type: agent.TypeCreate, Time: now, Data: agent.CreateData{Kind: agent.Person, Name: fmt.Sprintf("bench %d", i)}})
		if err != nil {
			return err
		}
		entries[i] = e
	}
	tr := &nethttp.Transport{MaxIdleConns: conc, MaxIdleConnsPerHost: conc}
	client := client.New(url, &nethttp.Client{Transport: tr, Timeout: 30 * time.Second})
	if _, err := client.Node(ctx); err != nil {
		return fmt.Errorf("node not reachable: %w", err)
	}

	// Watch checkpoints while the load runs: the longest gap between two
	// new checkpoints is the "checkpoint at least every second" figure.
	var maxGap atomic.Int64
	stopWatch := make(chan struct{})
	watchDone := make(chan struct{})
	go func() {
		defer close(watchDone)
		last, lastChange := "", time.Now()
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stopWatch:
				return
			case <-tick.C:
			}
			cp, err := client.Checkpoint(ctx)
			if err != nil {
				continue
			}
			if s := string(cp); s != last {
				if last != "" {
					if g := time.Since(lastChange).Nanoseconds(); g > maxGap.Load() {
						maxGap.Store(g)
					}
				}
				last, lastChange = s, time.Now()
			}
		}
	}()

	lat := make([]time.Duration, n)
	var next atomic.Int64
	var failed atomic.Int64
	var firstErr error
	var errOnce sync.Once
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < conc; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1) - 1
				if i >= int64(n) || ctx.Err() != nil {
					return
				}
				t := time.Now()
				_, err := client.Submit(ctx, entries[i])
				lat[i] = time.Since(t)
				if err != nil {
					failed.Add(1)
					errOnce.Do(func() { firstErr = err })
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	close(stopWatch)
	<-watchDone

	slices.Sort(lat)
	pct := func(p float64) time.Duration { return lat[int(p*float64(len(lat)-1))].Round(10 * time.Microsecond) }
	fmt.Fprintf(stdout, "events %d  concurrency %d  elapsed %s\n", n, conc, elapsed.Round(time.Millisecond))
	fmt.Fprintf(stdout, "rate %.0f events/s\n", float64(n)/elapsed.Seconds())
	fmt.Fprintf(stdout, "latency p50 %s  p90 %s  p99 %s  max %s\n", pct(0.5), pct(0.9), pct(0.99), lat[len(lat)-1].Round(10*time.Microsecond))
	fmt.Fprintf(stdout, "longest gap between checkpoints under load %s (polled every 20ms)\n", time.Duration(maxGap.Load()).Round(time.Millisecond))
	if f := failed.Load(); f > 0 {
		return fmt.Errorf("%d of %d submissions failed; first: %w", f, n, firstErr)
	}
	return nil
}
