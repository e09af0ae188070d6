package federation_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"testing"

	"github.com/meent/meent/api/apitest"
	"github.com/meent/meent/federation"
	"github.com/meent/meent/ledger"
)

// BenchmarkEd25519Verify is the reference of issue 15's catch-up target:
// one core checking the signature of a typical event.
func BenchmarkEd25519Verify(b *testing.B) {
	_, key, _ := ed25519.GenerateKey(rand.Reader)
	s := &apitest.Signer{Key: key}
	ev, err := ledger.Decode(s.CreateEntry(b, "Agent 1"))
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if err := ev.Verify(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "verifies/s")
}

// BenchmarkCatchUp follows a real node over HTTP from zero: checkpoint,
// every entry bundle (gzip), every signature and rule, the root; and
// keeps the mirror on disk. Compare events/s with BenchmarkEd25519Verify
// in the same run.
func BenchmarkCatchUp(b *testing.B) {
	const n = 5000
	a := apitest.New(b, nil)
	a.Fill(n)
	b.ResetTimer()
	for b.Loop() {
		f, err := federation.Open(b.Context(), b.TempDir(), a.Verifier)
		if err != nil {
			b.Fatal(err)
		}
		res, err := f.Sync(b.Context(), a.Client)
		if err != nil || res.To != n {
			b.Fatal(res, err)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "events/s")
}
