package budget_test

import (
	"crypto/ed25519"
	"crypto/sha256"
	"os"
	"slices"
	"testing"

	"github.com/meent/meent/agent"
	"github.com/meent/meent/budget"
	"github.com/meent/meent/budget/allot"
	"github.com/meent/meent/commons"
	"github.com/meent/meent/state"
)

// TestEqualSharesRoundReproducesElections runs real participatory budgets
// (budget/allot/testdata/pabulib, decided by Equal Shares with add1)
// through the budget area as events: every voter a member, every project
// a bucket whose minimum is its cost in cents, every approval a
// budget.approve, then budget.round.close. The buckets the close funds are
// the projects the city selected.
func TestEqualSharesRoundReproducesElections(t *testing.T) {
	for _, name := range []string{"Netherlands_Assen_2024", "Poland_Swiecie_2023"} {
		t.Run(name, func(t *testing.T) {
			if testing.Short() && name != "Netherlands_Assen_2024" {
				t.Skip("2,553 voters")
			}
			f, err := os.Open("allot/testdata/pabulib/" + name + ".pb")
			if err != nil {
				t.Fatal(err)
			}
			pb, err := allot.ParsePabulib(f)
			f.Close()
			if err != nil {
				t.Fatal(err)
			}
			w := &world{t: t, st: state.New(), tm: 1_800_000_000_000}
			voters := map[string]person{}
			var admin person
			for i, b := range pb.Ballots {
				seed := sha256.Sum256([]byte(name + "/" + b.Voter))
				p := person{key: ed25519.NewKeyFromSeed(seed[:])}
				p.id = w.must(p, agent.TypeCreate, agent.CreateData{Kind: agent.Person, Name: "voter " + b.Voter})
				if i == 0 {
					admin = p // the first voter runs the node and the commons
					w.must(admin, agent.TypeMemberSet, agent.MemberData{Agent: admin.id, Role: agent.RoleAdmin})
				} else {
					w.must(admin, agent.TypeMemberSet, agent.MemberData{Agent: p.id, Role: agent.RoleMember})
				}
				voters[b.Voter] = p
			}
			lib := w.must(admin, commons.TypeCreate, commons.CreateData{Name: pb.Meta["unit"], Kind: "other"})
			opens, closes := w.tm+1_000_000, w.tm+1_000_000_000
			round := w.must(admin, budget.TypeRoundOpen, budget.RoundData{Commons: lib, Title: pb.Meta["description"], Currency: "EUR",
				Opens: opens, Closes: closes, Method: budget.MethodEqualShares, Leftover: allot.LeftoverRollover})
			w.must(admin, budget.TypeFund, budget.FundData{Round: round, Amount: eur(pb.Budget * 100), Source: budget.SourceGrant})
			w.tm = opens
			bucketOf := map[string]string{}
			for _, p := range pb.Projects {
				bucketOf[p.ID] = w.must(admin, budget.TypeBucketPropose, budget.BucketData{Round: round, Title: "project " + p.ID,
					Min: eur(p.Cost * 100), Max: eur(p.Cost * 100)})
			}
			for _, b := range pb.Ballots {
				for _, a := range b.Approvals {
					w.must(voters[b.Voter], budget.TypeApprove, budget.ApproveData{Bucket: bucketOf[a], Approve: true})
				}
			}
			w.tm = closes
			w.must(admin, budget.TypeRoundClose, budget.CloseData{Round: round})
			var got []string
			for id, bucket := range bucketOf {
				if w.st.Budget.Bucket(bucket).Status == budget.BucketFunded {
					got = append(got, id)
				}
			}
			slices.Sort(got)
			want := slices.Sorted(slices.Values(pb.Selected()))
			if !slices.Equal(got, want) {
				t.Errorf("funded %v\nselected %v", got, want)
			}
			r := w.st.Budget.Round(round)
			if r.Closed.Funded+r.Closed.Rollover != pb.Budget*100 {
				t.Errorf("funded %d + rollover %d, pool %d", r.Closed.Funded, r.Closed.Rollover, pb.Budget*100)
			}
		})
	}
}
