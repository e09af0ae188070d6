package sqlstore

import (
	"testing"
)

func TestDollarPlaceholders(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"SELECT 1", "SELECT 1"},
		{"SELECT a FROM t WHERE b = ? AND c IN (?, ?)", "SELECT a FROM t WHERE b = $1 AND c IN ($2, $3)"},
		{"SELECT '?', \"a?\" FROM t WHERE x = ?", "SELECT '?', \"a?\" FROM t WHERE x = $1"},
		{"SELECT 'it''s ?' WHERE y = ?", "SELECT 'it''s ?' WHERE y = $1"},
		{"VALUES (?, ?), (?, ?), (?, ?), (?, ?), (?, ?), (?, ?)", "VALUES ($1, $2), ($3, $4), ($5, $6), ($7, $8), ($9, $10), ($11, $12)"},
	} {
		if got := DollarPlaceholders(tt.in); got != tt.want {
			t.Errorf("DollarPlaceholders(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestMigrations: every dialect has the same migrations, numbered without
// gaps, so a schema version means the same thing on each.
func TestMigrations(t *testing.T) {
	sq, err := migrations("sqlite")
	if err != nil {
		t.Fatal(err)
	}
	pg, err := migrations("postgres")
	if err != nil {
		t.Fatal(err)
	}
	if len(sq) == 0 || len(sq) != len(pg) {
		t.Fatalf("sqlite has %d migrations, postgres %d", len(sq), len(pg))
	}
	for i := range sq {
		if sq[i].name != pg[i].name {
			t.Errorf("migration %d is %s on sqlite, %s on postgres", i+1, sq[i].name, pg[i].name)
		}
	}
	if _, err := migrations("nosuch"); err == nil {
		t.Errorf("migrations of an unknown dialect: no error")
	}
}

func TestLimit(t *testing.T) {
	for in, want := range map[int]int{-5: DefaultLimit, 0: DefaultLimit, 1: 1, MaxLimit: MaxLimit, MaxLimit + 1: MaxLimit} {
		if got := limit(in); got != want {
			t.Errorf("limit(%d) = %d, want %d", in, got, want)
		}
	}
}
