package node_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/meent/meent"
	"github.com/meent/meent/agent"
	"github.com/meent/meent/audit"
	"github.com/meent/meent/commons"
	"github.com/meent/meent/ledger"
	"github.com/meent/meent/node"
	"github.com/meent/meent/value"
)

// reportBatch reports the mean number of events per sequencer
// transaction since the counts b0, e0 (node.BatchCount).
func reportBatch(b *testing.B, n *node.Node, b0, e0 uint64) {
	b1, e1 := n.BatchCount()
	if b1 > b0 {
		b.ReportMetric(float64(e1-e0)/float64(b1-b0), "events/batch")
	}
}

// reportCPU reports the CPU time per op used since start (every goroutine
// of the process: submitters' verification and the sequencer alike).
func reportCPU(b *testing.B, start time.Duration, unit string) {
	b.ReportMetric(float64((cpuTime()-start).Microseconds())/float64(b.N), "cpu-µs/"+unit)
}

// BenchmarkEd25519Verify is the reference the ingest targets are stated
// against: one core verifying one signature over a typical event body.
func BenchmarkEd25519Verify(b *testing.B) {
	e := newAgents(b, 1)[0]
	ev, err := ledger.Decode(e)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	cpu := cpuTime()
	for b.Loop() {
		if err := ev.Verify(); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, cpu, "verify")
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "verifies/s")
}

// BenchmarkDecode is strict parsing plus signature verification: the
// per-event CPU cost before the sequencer.
func BenchmarkDecode(b *testing.B) {
	e := newAgents(b, 1)[0]
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ledger.Decode(e); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkIngest drives node.Submit on the real SQLite store: "batched"
// with 64 concurrent submitters (group commit shares each transaction),
// "serial" one event at a time (a commit, and an fsync, per event).
func BenchmarkIngest(b *testing.B) {
	for _, c := range []struct {
		name    string
		workers int
	}{{"batched", 64}, {"batched256", 256}, {"batched1024", 1024}, {"serial", 1}} {
		b.Run(c.name, func(b *testing.B) {
			e := newEnv(b)
			entries := newAgents(b, b.N)
			b0, e0 := e.node.BatchCount()
			b.ResetTimer()
			cpu := cpuTime()
			submitAll(b, e.node, entries, c.workers)
			b.StopTimer()
			reportCPU(b, cpu, "event")
			reportBatch(b, e.node, b0, e0)
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
		})
	}
}

// BenchmarkIngestUpdates is ingest of a lighter, more typical event: 1,000
// agents (created before the timer) each sign agent.update events, which
// touch one existing row instead of inserting an agent and a key.
func BenchmarkIngestUpdates(b *testing.B) {
	e := newEnv(b)
	const agents = 1000
	keys := make([]ed25519.PrivateKey, agents)
	ids := make([]string, agents)
	creates := make([][]byte, agents)
	for i := range keys {
		_, keys[i], _ = ed25519.GenerateKey(rand.Reader)
		creates[i], _ = ledger.Sign(keys[i], ledger.Body{Type: "agent.create", Time: 1, Data: map[string]string{"kind": "person", "name": "p"}})
	}
	for i, rc := range submitAll(b, e.node, creates, 64) {
		ids[i] = rc.Hash.String()
	}
	updates := make([][]byte, b.N)
	for i := range updates {
		a := i % agents
		updates[i], _ = ledger.Sign(keys[a], ledger.Body{Type: "agent.update", Author: ids[a], Time: int64(i + 2), Data: map[string]string{"name": fmt.Sprintf("name %d", i)}})
	}
	b.ResetTimer()
	cpu := cpuTime()
	submitAll(b, e.node, updates, 64)
	b.StopTimer()
	reportCPU(b, cpu, "event")
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkAudit is meent verify on a data directory: strict decode and
// signature check of every event (in parallel), rule replay, every tree
// hash and tile, and the projection digest.
func BenchmarkAudit(b *testing.B) {
	const n = 20000
	e := newEnv(b)
	submitAll(b, e.node, newAgents(b, n), 64)
	b.ResetTimer()
	cpu := cpuTime()
	for b.Loop() {
		if _, err := audit.Verify(context.Background(), audit.StoreSource(e.store), e.verifier); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64((cpuTime()-cpu).Microseconds())/float64(n*b.N), "cpu-µs/event")
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkInclusionProof proves a random leaf in a tree of 1,000,000
// leaves whose hashes are in the real SQLite store. The leaves are written
// straight through the store (unsigned, 100-byte records): the benchmark
// is about reading the tree, not about ingest.
func BenchmarkInclusionProof(b *testing.B) {
	if testing.Short() {
		b.Skip("builds a 1,000,000-leaf tree")
	}
	const n = 1_000_000
	e := newEnv(b)
	ctx := context.Background()
	hashes := make([]tlog.Hash, 0, 2*n)
	r := tlog.HashReaderFunc(func(idx []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(idx))
		for i, x := range idx {
			out[i] = hashes[x]
		}
		return out, nil
	})
	_, key, _ := ed25519.GenerateKey(rand.Reader)
	const chunk = 10000
	for start := int64(0); start < n; start += chunk {
		var recs []meent.Record
		var stored []meent.StoredHash
		for i := start; i < start+chunk; i++ {
			entry := []byte(fmt.Sprintf("leaf %d %0100d", i, i))
			hs, err := tlog.StoredHashes(i, entry, r)
			if err != nil {
				b.Fatal(err)
			}
			for j, h := range hs {
				stored = append(stored, meent.StoredHash{Index: int64(len(hashes) + j), Hash: h})
			}
			hashes = append(hashes, hs...)
			recs = append(recs, meent.Record{Index: i, Hash: tlog.RecordHash(entry), Type: "bench.leaf", Key: key.Public().(ed25519.PublicKey), Time: 1, Data: []byte("{}"), Entry: entry})
		}
		root, _ := tlog.TreeHash(start+chunk, r)
		err := e.store.Sequence(ctx, func(tx meent.SeqTx) error {
			return tx.Append(ctx, recs, stored, meent.Checkpoint{Size: start + chunk, Root: root, Note: []byte("bench"), Time: 1})
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	root, _ := tlog.TreeHash(n, r)
	b.ResetTimer()
	i := int64(0)
	for b.Loop() {
		i = (i*7919 + 104729) % n
		p, size, err := e.node.InclusionProof(ctx, i, 0)
		if err != nil {
			b.Fatal(err)
		}
		if err := tlog.CheckRecord(p, size, root, i, tlog.RecordHash([]byte(fmt.Sprintf("leaf %d %0100d", i, i)))); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "proofs/s")
}

// BenchmarkIngestTypes is ingest of the domain's heavier event types, to
// find the worst case: a commons with 100 contributors and 1,000 accepted
// contributions is built before the timer, then b.N events of one type are
// submitted by 256 submitters. "contribution.review" accepts (and so
// settles) a contribution; "distribution.run" distributes an income over
// all 1,000 contributions (the income.record events are submitted before
// the timer), which computes and writes a balance per contributor.
func BenchmarkIngestTypes(b *testing.B) {
	const contributors, accepted = 100, 1000
	for _, typ := range []string{commons.TypeSubmit, commons.TypeReview, value.TypeDistributionRun} {
		b.Run(typ, func(b *testing.B) {
			e := newEnv(b)
			tm := time.Now().UnixMilli() - 10*60*1000
			type who struct {
				key ed25519.PrivateKey
				id  string
			}
			agents := make([]who, contributors+1)
			creates := make([][]byte, len(agents))
			for i := range agents {
				_, agents[i].key, _ = ed25519.GenerateKey(rand.Reader)
				creates[i], _ = ledger.Sign(agents[i].key, ledger.Body{Type: agent.TypeCreate, Time: tm, Data: agent.CreateData{Kind: agent.Person, Name: fmt.Sprintf("p%d", i)}})
			}
			for i, rc := range submitAll(b, e.node, creates, 256) {
				agents[i].id = rc.Hash.String()
			}
			maya := agents[0]
			sign := func(w who, typ string, data any) []byte {
				tm++
				en, err := ledger.Sign(w.key, ledger.Body{Type: typ, Author: w.id, Time: tm, Data: data})
				if err != nil {
					b.Fatal(err)
				}
				return en
			}
			lib := submitAll(b, e.node, [][]byte{sign(maya, commons.TypeCreate, commons.CreateData{Name: "lib", Kind: "software"})}, 1)[0].Hash.String()
			submits := func(n int) [][]byte {
				out := make([][]byte, n)
				for i := range out {
					out[i] = sign(agents[1+i%contributors], commons.TypeSubmit, commons.SubmitData{Commons: lib, Kind: "code", Title: fmt.Sprintf("change %d", i), Quantities: commons.Quantities{Minutes: int64(10 + i%50), LinesAdded: int64(i % 300)}})
				}
				return out
			}
			reviews := func(rcs []node.Receipt) [][]byte {
				out := make([][]byte, len(rcs))
				for i, rc := range rcs {
					out[i] = sign(maya, commons.TypeReview, commons.ReviewData{Contribution: rc.Hash.String(), Verdict: "accept"})
				}
				return out
			}
			submitAll(b, e.node, reviews(submitAll(b, e.node, submits(accepted), 256)), 256)
			var timed [][]byte
			switch typ {
			case commons.TypeSubmit:
				timed = submits(b.N)
			case commons.TypeReview:
				timed = reviews(submitAll(b, e.node, submits(b.N), 256))
			case value.TypeDistributionRun:
				incomes := make([][]byte, b.N)
				for i := range incomes {
					incomes[i] = sign(maya, value.TypeIncomeRecord, value.IncomeData{Commons: lib, Kind: "donation", Amount: commons.Money{Amount: int64(10000 + i), Currency: "EUR"}})
				}
				for _, rc := range submitAll(b, e.node, incomes, 256) {
					timed = append(timed, sign(maya, value.TypeDistributionRun, value.RunData{Income: rc.Hash.String()}))
				}
			}
			b0, e0 := e.node.BatchCount()
			b.ResetTimer()
			cpu := cpuTime()
			submitAll(b, e.node, timed, 256)
			b.StopTimer()
			reportCPU(b, cpu, "event")
			reportBatch(b, e.node, b0, e0)
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
		})
	}
}
