package tally

import (
	"slices"
	"strings"
	"testing"
)

// TestParseBLT reads the example of Hill, Wichmann and Woodall's
// Algorithm 123 (a withdrawn candidate) with a comment, and refuses what
// the format does not allow, each with a reason.
func TestParseBLT(t *testing.T) {
	e, err := ParseBLT([]byte("4 2 # four candidates, two seats\n-2\n3 1 3 4 0\n4 1 3 2 0\n2 4 1 3 0\n1 2 0\n2 2 4 3 1 0\n1 3 4 2 0\n0\n\"Adam\"\n\"Basil\"\n\"Charlotte\"\n\"Donald\"\n\"Title\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	if e.Seats != 2 || !slices.Equal(e.Withdrawn, []int{1}) || len(e.Ballots) != 6 || e.Ballots[1].Weight != 4 || e.Title != "Title" {
		t.Fatalf("%+v", e)
	}
	// Basil withdrew: his ballots go to their next preference, and he is
	// never elected.
	c := e.Count("x")
	if slices.Contains(c.Winner, "Basil") || len(c.Winner) != 2 {
		t.Errorf("elected %q", c.Winner)
	}
	for _, tc := range []struct{ in, want string }{
		{"", "ends where the number of candidates"},
		{"2 3\n0\n\"a\"\n\"b\"\n\"t\"", "number of seats"},
		{"2 1\n1 1=2 0\n0\n\"a\"\n\"b\"\n\"t\"", "equal rankings"},
		{"2 1\n1 1 1 0\n0\n\"a\"\n\"b\"\n\"t\"", "ranks candidate 1 twice"},
		{"2 1\n1 3 0\n0\n\"a\"\n\"b\"\n\"t\"", "a candidate"},
		{"2 1\n-1 -1\n0\n\"a\"\n\"b\"\n\"t\"", "withdrawn twice"},
		{"2 1\n0\n\"a\"\n\"a\"\n\"t\"", "two candidates are named"},
		{"2 1\n0\n\"a\"\n\"b\"", "ends where the title"},
		{"2 1\n0\n\"a\"\n\"b\"\n\"t\" \"s\" \"c\" \"x\"", "after the title"},
		{"2 1\n0\n\"a\"\n\"b\"\n\"t\" 7", "after the title"},
		{"2 1\n0\n\"a\n\"b\"\n\"t\"", "not closed"},
		{"2 1\n(7) 1 1 0\n0\n\"a\"\n\"b\"\n\"t\"", "ballot IDs"},
		{"2 1\n0\n\"a\x01\"\n\"b\"\n\"t\"", "control character"},
		{"2 1\n0\n\"a\xff\"\n\"b\"\n\"t\"", "not UTF-8"},
		{"2 1\n1099511627776 1 0\n1 2 0\n0\n\"a\"\n\"b\"\n\"t\"", "weigh more"},
	} {
		if _, err := ParseBLT([]byte(tc.in)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: %v, want %q", tc.in, err, tc.want)
		}
	}
}
