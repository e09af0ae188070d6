package postgres_test

import (
	"crypto/sha256"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestTokensUpgrade: as sqlite's, on PostgreSQL: migration 0003 gives a
// token made before tokens expired an ID and 90 days from the upgrade.
func TestTokensUpgrade(t *testing.T) {
	dsn := schema(t)
	ctx := t.Context()
	raw, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	qs := []string{`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied BIGINT NOT NULL)`}
	for i, name := range []string{"0001_init.sql", "0002_objects.sql"} {
		b, err := os.ReadFile(filepath.Join("..", "sqlstore", "migrations", "postgres", name))
		if err != nil {
			t.Fatal(err)
		}
		qs = append(qs, string(b), fmt.Sprintf(`INSERT INTO schema_migrations (version, name, applied) VALUES (%d, '%s', 0)`, i+1, name))
	}
	for _, q := range qs {
		if _, err := raw.ExecContext(ctx, q); err != nil {
			t.Fatalf("%.40s: %v", q, err)
		}
	}
	h1, h2 := sha256.Sum256([]byte("old token 1")), sha256.Sum256([]byte("old token 2"))
	for _, h := range [][32]byte{h1, h2} {
		if _, err := raw.ExecContext(ctx, `INSERT INTO api_tokens (hash, agent, name, created) VALUES ($1, 'agent', 'old', 5)`, h[:]); err != nil {
			t.Fatal(err)
		}
	}
	raw.Close()

	s := open(t, dsn)
	a, err := s.TokenByHash(ctx, h1)
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.TokenByHash(ctx, h2)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.ID) != 16 || a.ID == b.ID {
		t.Errorf("IDs after the upgrade: %q and %q", a.ID, b.ID)
	}
	want := time.Now().Add(90 * 24 * time.Hour).UnixMilli()
	if d := a.Expires - want; d < -60000 || d > 60000 {
		t.Errorf("expires %d, want about %d (90 days from now)", a.Expires, want)
	}
}
