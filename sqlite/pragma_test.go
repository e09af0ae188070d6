package sqlite

import (
	"path/filepath"
	"testing"
)

// TestConnections checks the settings each pool's connections get: every
// connection durable and checking foreign keys, readers unable to write.
func TestConnections(t *testing.T) {
	path := filepath.Join(t.TempDir(), "meent.db")
	s, err := Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	for _, readOnly := range []bool{false, true} {
		db, err := openDB("file:"+path, readOnly)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		for pragma, want := range map[string]string{
			"busy_timeout": "5000",
			"journal_mode": "wal",
			"foreign_keys": "1",
			"synchronous":  "2", // FULL
			"query_only":   map[bool]string{false: "0", true: "1"}[readOnly],
		} {
			var got string
			if err := db.QueryRow("PRAGMA " + pragma).Scan(&got); err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Errorf("readOnly=%v: PRAGMA %s = %s, want %s", readOnly, pragma, got, want)
			}
		}
		_, err = db.Exec("CREATE TABLE probe (x INTEGER)")
		if readOnly && err == nil {
			t.Errorf("a reader connection could write")
		}
		if !readOnly && err != nil {
			t.Errorf("the writer connection cannot write: %v", err)
		}
	}
}
