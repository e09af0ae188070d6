package postgres_test

import (
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/meent/meent"
)

// TestAgentsUpgrade: as sqlite's, on PostgreSQL: migration 0008 keeps
// every agent and key, and an agent is still found by its ID.
func TestAgentsUpgrade(t *testing.T) {
	ctx := t.Context()
	dsn := schema(t)
	raw, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	qs := []string{`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied BIGINT NOT NULL)`}
	ents, err := os.ReadDir(filepath.Join("..", "sqlstore", "migrations", "postgres"))
	if err != nil {
		t.Fatal(err)
	}
	for i, e := range ents[:7] {
		b, err := os.ReadFile(filepath.Join("..", "sqlstore", "migrations", "postgres", e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		qs = append(qs, string(b), fmt.Sprintf(`INSERT INTO schema_migrations (version, name, applied) VALUES (%d, '%s', 0)`, i+1, e.Name()))
	}
	h1, h2 := sha256.Sum256([]byte("agent one")), sha256.Sum256([]byte("agent two"))
	id1, id2 := hex.EncodeToString(h1[:]), hex.EncodeToString(h2[:])
	for i, h := range [][32]byte{h1, h2} {
		qs = append(qs, fmt.Sprintf(`INSERT INTO events (idx, hash, type, author, time, data, entry) VALUES (%d, '\x%x'::bytea, 'agent.create', '', 1, '\x7b7d'::bytea, '\x00'::bytea)`, i*5, h))
	}
	qs = append(qs,
		`INSERT INTO agents (id, kind, name, created, role) VALUES ('`+id1+`', 'person', 'maya', 0, 'admin'), ('`+id2+`', 'organisation', 'coop', 5, '')`,
		`INSERT INTO agent_keys (key, agent, added, revoked) VALUES ('k1', '`+id1+`', 0, 3), ('k2', '`+id1+`', 3, -1), ('k3', '`+id2+`', 5, -1)`)
	for _, q := range qs {
		if _, err := raw.ExecContext(ctx, q); err != nil {
			t.Fatalf("%.60s: %v", q, err)
		}
	}
	raw.Close()

	s := open(t, dsn)
	for _, want := range []meent.AgentView{
		{ID: id1, Kind: "person", Name: "maya", Created: 0, Role: "admin", Keys: []meent.KeyView{
			{Key: "k1", Agent: id1, Added: 0, Revoked: 3}, {Key: "k2", Agent: id1, Added: 3, Revoked: -1}}},
		{ID: id2, Kind: "organisation", Name: "coop", Created: 5, Keys: []meent.KeyView{{Key: "k3", Agent: id2, Added: 5, Revoked: -1}}},
	} {
		got, err := s.Agent(ctx, want.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("agent after the upgrade:\n got %+v\nwant %+v", got, want)
		}
	}
	for _, id := range []string{strings.ToUpper(id1), "nothex", id1[:10]} {
		if _, err := s.Agent(ctx, id); meent.ErrorCode(err) != meent.ENOTFOUND {
			t.Errorf("Agent(%q) = %v, want ENOTFOUND", id, err)
		}
	}
	list, err := s.Agents(ctx, meent.AgentFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].ID != id1 || list[1].ID != id2 {
		t.Errorf("Agents after the upgrade: %+v", list)
	}
}
