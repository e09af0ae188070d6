package allot

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The instances in testdata/pabulib are real elections decided by the
// Method of Equal Shares with add1 completion, copied unchanged from
// pabulib.org's public repository (github.com/pabulib/pabulib_files,
// pb_files/, commit 88cfaba3e7692a90f3311cbcf8f08aa63fc3fbff, 11 April
// 2026). Their META says rule equalshares/add1 (Wieliczka:
// equalshares/add1-comparison), and their "selected" column is the
// official outcome the municipality published (Wieliczka's total,
// 995,079 zł, is also on equalshares.net/elections/zielony-milion). The
// test runs Equal Shares with cost utilities and add1 (without the
// "exhaustive" stop, which Wieliczka did not use; Assen and Świecie give
// the same outcome with and without it) and compares with that column:
// the expected outcomes come from the cities, not from this code.
func TestPabulibOfficialOutcomes(t *testing.T) {
	files, _ := filepath.Glob("testdata/pabulib/*.pb")
	if len(files) < 3 {
		t.Fatalf("want the three official instances, have %v", files)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			fh, err := os.Open(f)
			if err != nil {
				t.Fatal(err)
			}
			defer fh.Close()
			pb, err := ParsePabulib(fh)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(pb.Meta["rule"], "equalshares/add1") {
				t.Fatalf("rule %q is not Equal Shares", pb.Meta["rule"])
			}
			budget, projects, ballots := pb.Instance()
			res, err := EqualShares(budget, projects, ballots, Options{Completion: CompleteAdd1})
			if err != nil {
				t.Fatal(err)
			}
			got, want := slices.Sorted(slices.Values(res.Winners)), slices.Sorted(slices.Values(pb.Selected()))
			if !slices.Equal(got, want) {
				t.Errorf("winners %v\nofficial %v", got, want)
			}
			if pb.Meta["unit"] == "Wieliczka" && res.Cost != 995079 {
				t.Errorf("Wieliczka's winners cost %d, published 995079", res.Cost)
			}
			if res.Cost > budget {
				t.Errorf("cost %d above budget %d", res.Cost, budget)
			}
			t.Logf("%d voters, %d projects, %d winners costing %d of %d; share %d/%d per voter after %d passes",
				len(ballots), len(projects), len(res.Winners), res.Cost, budget, res.Share, Scale, res.Rounds)
		})
	}
}
