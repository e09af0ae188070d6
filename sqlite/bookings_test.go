package sqlite_test

import (
	"path/filepath"
	"testing"

	"github.com/meent/meent/storetest"
)

// TestBookingsConcurrent: thousands of conflicting bookings from many
// submitters at two nodes on one SQLite file: no overlap stored, none
// lost.
func TestBookingsConcurrent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "meent.db")
	storetest.Bookings(t, 2000, open(t, path), open(t, path))
}
