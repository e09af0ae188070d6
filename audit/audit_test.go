package audit_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"
	_ "modernc.org/sqlite"

	"github.com/meent/meent/agent"
	"github.com/meent/meent/audit"
	"github.com/meent/meent/ledger"
	"github.com/meent/meent/node"
	"github.com/meent/meent/sqlite"
)

const origin = "audit.example/meent"

// buildLog writes n agents through a real node into a SQLite file and
// returns the file's path and the verifier.
func buildLog(t *testing.T, n int) (string, note.Verifier) {
	t.Helper()
	ctx := context.Background()
	skey, vkey, _ := note.GenerateKey(rand.Reader, origin)
	signer, _ := note.NewSigner(skey)
	verifier, _ := note.NewVerifier(vkey)
	path := filepath.Join(t.TempDir(), "meent.db")
	st, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	nd, err := node.Open(ctx, st, node.Config{Origin: origin, Signer: signer})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < n; i++ {
		_, k, _ := ed25519.GenerateKey(rand.Reader)
		e, _ := ledger.Sign(k, ledger.Body{Type: agent.TypeCreate, Time: time.Now().UnixMilli(), Data: agent.CreateData{Kind: agent.Person, Name: fmt.Sprintf("a%d", i)}})
		if _, err := nd.Submit(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	nd.Close()
	st.Close()
	return path, verifier
}

func verify(t *testing.T, path string, v note.Verifier) (audit.Report, error) {
	t.Helper()
	st, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	return audit.Verify(context.Background(), audit.StoreSource(st), v)
}

func tamper(t *testing.T, path, query string, args ...any) {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	res, err := db.Exec(query, args...)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		t.Fatalf("tamper changed %d rows", n)
	}
}

func TestVerifyNamesFirstProblem(t *testing.T) {
	clean, v := buildLog(t, 300)
	rep, err := verify(t, clean, v)
	if err != nil {
		t.Fatalf("clean log: %v", err)
	}
	if rep.Size != 300 || rep.Agents != 300 || rep.Tiles < 2 {
		t.Fatalf("report %+v", rep)
	}
	if !strings.Contains(rep.String(), "ok:") {
		t.Fatalf("summary: %s", rep)
	}

	cases := []struct {
		name   string
		query  string
		index  int64
		reason string
	}{
		{"entry bytes changed", `UPDATE events SET entry = CAST(replace(CAST(entry AS TEXT), '"a123"', '"b123"') AS BLOB) WHERE idx = 123`, 123, "signature"},
		{"entry truncated", `UPDATE events SET entry = substr(entry, 1, 40) WHERE idx = 7`, 7, "malformed"},
		{"tree hash changed", `UPDATE tree_hashes SET hash = zeroblob(32) WHERE id = 10`, -2, "tile"},
		{"interior tree hash changed", `UPDATE tree_hashes SET hash = zeroblob(32) WHERE id = 2`, 0, "stored tree hash"},
		{"projection changed", `UPDATE agents SET name = 'mallory' WHERE created = 42`, 300, "projections"},
		// The report names the part that differs, so an operator knows
		// which projection to look at.
		{"agent projection changed", `UPDATE agents SET name = 'mallory' WHERE created = 42`, 300, "parts that differ: agent: node 300 lines"},
		{"key projection changed", `UPDATE agent_keys SET revoked = 50 WHERE added = 42`, 300, "parts that differ: key: node 300 lines"},
		{"checkpoint tampered", `UPDATE checkpoint SET note = CAST(replace(CAST(note AS TEXT), char(10) || '300' || char(10), char(10) || '299' || char(10)) AS BLOB)`, -1, "signature"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path, v := buildLog(t, 300)
			tamper(t, path, c.query)
			_, err := verify(t, path, v)
			var p *audit.Problem
			if !errors.As(err, &p) {
				t.Fatalf("want a Problem, got %v", err)
			}
			if c.index != -2 && p.Index != c.index {
				t.Errorf("problem at index %d, want %d (%s)", p.Index, c.index, p.Reason)
			}
			if !strings.Contains(p.Reason, c.reason) {
				t.Errorf("reason %q does not mention %q", p.Reason, c.reason)
			}
		})
	}

	t.Run("wrong key", func(t *testing.T) {
		_, other, _ := note.GenerateKey(rand.Reader, origin)
		ov, _ := note.NewVerifier(other)
		_, err := verify(t, clean, ov)
		var p *audit.Problem
		if !errors.As(err, &p) || p.Index != -1 {
			t.Fatalf("want a checkpoint Problem, got %v", err)
		}
	})
}

// TestVerifyParallelFirstProblem breaks two entries deep in the log, in
// different chunks, and checks that however many workers decode ahead of
// the replay (and whichever finishes first), the report names the first
// broken entry with the reason a serial decode gives, every time.
func TestVerifyParallelFirstProblem(t *testing.T) {
	path, v := buildLog(t, 1400)
	// 1100 gets a bad signature (its body changed), 1300 is cut short
	// (malformed: a cheaper failure that a worker reports sooner).
	tamper(t, path, `UPDATE events SET entry = CAST(replace(CAST(entry AS TEXT), '"a1100"', '"b1100"') AS BLOB) WHERE idx = 1100`)
	tamper(t, path, `UPDATE events SET entry = substr(entry, 1, 40) WHERE idx = 1300`)
	st, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	es, err := st.Entries(context.Background(), 1100, 1)
	if err != nil {
		t.Fatal(err)
	}
	_, decodeErr := ledger.Decode(es[0])
	if decodeErr == nil {
		t.Fatal("the tampered entry still decodes")
	}
	var first string
	for _, w := range []int{1, 2, 4, 8} {
		restore := audit.SetWorkers(w)
		for run := 0; run < 3; run++ {
			_, err := audit.Verify(context.Background(), audit.StoreSource(st), v)
			var p *audit.Problem
			if !errors.As(err, &p) {
				t.Fatalf("%d workers: want a Problem, got %v", w, err)
			}
			if p.Index != 1100 || p.Reason != decodeErr.Error() {
				t.Fatalf("%d workers, run %d: problem %v, want index 1100: %v", w, run, p, decodeErr)
			}
			if first == "" {
				first = err.Error()
			} else if err.Error() != first {
				t.Fatalf("%d workers: %q, earlier runs said %q", w, err, first)
			}
		}
		restore()
	}
	if !strings.Contains(first, "signature") {
		t.Fatalf("reason %q does not name the signature", first)
	}
}

// TestVerifyReportSameWithWorkers checks that the report of a good log
// does not depend on how many workers decode it.
func TestVerifyReportSameWithWorkers(t *testing.T) {
	path, v := buildLog(t, 600)
	var want audit.Report
	for i, w := range []int{1, 3} {
		restore := audit.SetWorkers(w)
		rep, err := verify(t, path, v)
		restore()
		if err != nil {
			t.Fatalf("%d workers: %v", w, err)
		}
		rep.Elapsed = 0
		if i == 0 {
			want = rep
		} else if rep != want {
			t.Fatalf("%d workers: %+v, 1 worker: %+v", w, rep, want)
		}
	}
	if want.StoredHashes == 0 || want.Tiles == 0 || want.Size != 600 {
		t.Fatalf("report %+v", want)
	}
}
