package postgres_test

import (
	"testing"

	"github.com/meent/meent/storetest"
)

// TestBookingsConcurrent: thousands of conflicting bookings from many
// submitters at three nodes on one PostgreSQL schema (as three processes):
// no overlap stored, none lost.
func TestBookingsConcurrent(t *testing.T) {
	dsn := schema(t)
	storetest.Bookings(t, 3000, open(t, dsn), open(t, dsn), open(t, dsn))
}
