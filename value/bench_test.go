package value

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/meent/meent/commons"
)

// benchInput is n contributions from m contributors, of every kind, over
// three years, from a fixed seed. IDs are 64 hex digits like the event
// hashes that name contributions and agents, each its own string as if
// read from a database; one contributor in 50 is an unmapped git identity.
func benchInput(n, m int) Input {
	rng := rand.New(rand.NewPCG(1, 2))
	hash := func() string {
		return fmt.Sprintf("%016x%016x%016x%016x", rng.Uint64(), rng.Uint64(), rng.Uint64(), rng.Uint64())
	}
	agents := make([]string, m)
	for i := range agents {
		agents[i] = hash()
	}
	const asOf = int64(1_767_225_600_000) // 2026-01-01
	kinds := []string{"code", "code", "code", "documentation", "review", "review", "work_time", "design", "translation", "funds", "equipment_use", "other"}
	cs := make([]Contribution, n)
	for i := range cs {
		c := Contribution{
			ID:        hash(),
			Kind:      kinds[rng.IntN(len(kinds))],
			Submitted: asOf - rng.Int64N(3*365*dayMillis),
		}
		who := rng.IntN(m)
		if who%50 == 0 {
			c.Identity = fmt.Sprintf("git:dev%d@example.org", who)
		} else {
			c.Contributor = strings.Clone(agents[who])
		}
		switch c.Kind {
		case "code", "documentation", "translation":
			c.LinesAdded, c.LinesRemoved = rng.Int64N(500), rng.Int64N(200)
		case "funds", "equipment_use":
			c.Amount = rng.Int64N(100_000)
		default:
			c.Minutes = rng.Int64N(240)
		}
		c.Endorsements, c.Approvals = rng.Int64N(5), 1+rng.Int64N(2)
		if rng.IntN(20) == 0 {
			c.NeedBounty = rng.Int64N(50_000)
		}
		cs[i] = c
	}
	return Input{Income: commons.Money{Amount: 1_000_000_00, Currency: "EUR"}, AsOf: asOf, Contributions: cs}
}

// BenchmarkDistribute1M is the performance target of docs/value.md: one
// distribution over 1,000,000 contributions from 10,000 contributors with
// the default policy (equations per kind, a one-year half-life, caps).
// Besides time and allocations per run it reports the heap of the input
// alone (input-MB) and the largest heap seen while distributing
// (peak-heap-MB: heap objects, live or not yet collected, sampled every
// millisecond). Each run starts from a collected heap (the collection is
// not timed), so the peak is that of one distribution, not the garbage
// of the runs before it.
func BenchmarkDistribute1M(b *testing.B) {
	in := benchInput(1_000_000, 10_000)
	c, err := Compile(DefaultPolicy())
	if err != nil {
		b.Fatal(err)
	}
	runtime.GC()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	heap := func() uint64 {
		metrics.Read(sample)
		return sample[0].Value.Uint64()
	}
	base := heap()
	var peak atomic.Uint64
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				if h := heap(); h > peak.Load() {
					peak.Store(h)
				}
			}
		}
	}()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		b.StopTimer()
		runtime.GC()
		b.StartTimer()
		res, err := Distribute(c, in)
		if err != nil {
			b.Fatal(err)
		}
		if len(res.Explanations) != 10_000 {
			b.Fatalf("%d explanations", len(res.Explanations))
		}
	}
	b.StopTimer()
	close(done)
	b.ReportMetric(float64(base)/1e6, "input-MB")
	b.ReportMetric(float64(peak.Load())/1e6, "peak-heap-MB")
}
