package ledger_test

import (
	"encoding/base64"
	"encoding/json"
	"os"
	"testing"

	"github.com/meent/meent"
	"github.com/meent/meent/ledger"
	"github.com/meent/meent/state"
)

// TestVectorChecksLog runs the "log" vectors of testdata/vectors.json as a
// verifier replaying a log would: each is appended, on its own, after the
// valid events of the file and judged by every rule. It lives outside
// package ledger because the rules import the ledger.
func TestVectorChecksLog(t *testing.T) {
	raw, err := os.ReadFile("../testdata/vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		Events []struct {
			Name  string `json:"name"`
			Entry string `json:"entry"`
			Valid bool   `json:"valid"`
		} `json:"events"`
		Checks []struct {
			Name  string `json:"name"`
			Check string `json:"check"`
			Entry string `json:"entry_base64"`
			Valid bool   `json:"valid"`
			Error string `json:"error_code"`
		} `json:"checks"`
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	replay := func() *state.State {
		st := state.New()
		for _, e := range v.Events {
			if !e.Valid {
				continue
			}
			ev, err := ledger.Decode([]byte(e.Entry))
			if err != nil {
				t.Fatalf("event %s: %v", e.Name, err)
			}
			if err := st.Apply(ev); err != nil {
				t.Fatalf("event %s: %v", e.Name, err)
			}
		}
		return st
	}
	n := 0
	for _, c := range v.Checks {
		if c.Check != "log" {
			continue
		}
		n++
		entry, err := base64.StdEncoding.DecodeString(c.Entry)
		if err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		ev, err := ledger.Decode(entry)
		if err == nil {
			err = replay().Apply(ev)
		}
		if got := meent.ErrorCode(err); got != c.Error {
			t.Errorf("%s: code %q (%v), want %q", c.Name, got, err, c.Error)
		}
	}
	if n == 0 {
		t.Fatal("no log vectors")
	}
}
