package tally_test

import (
	"fmt"

	"github.com/meent/meent/governance/tally"
)

// Example counts the worked example of docs/governance.md: nine ballots,
// two seats, a surplus, an exclusion and a tie broken by an earlier round.
func Example() {
	r := tally.Rule{Method: tally.Ranked, Options: []string{"Ada", "Bo", "Cy", "Dee"}, Seats: 2}
	var casts []tally.Cast
	add := func(n int, ranking ...string) {
		for range n {
			casts = append(casts, tally.Cast{Voter: fmt.Sprintf("v%d", len(casts)+1), Ballot: tally.Ballot{Ranking: ranking}})
		}
	}
	add(4, "Ada", "Bo")
	add(2, "Bo", "Cy")
	add(2, "Cy")
	add(1, "Dee", "Cy")
	res, err := tally.Tally(r, 9, casts, "example")
	if err != nil {
		panic(err)
	}
	fmt.Println("quota", res.Ranked.Quota)
	for _, rd := range res.Ranked.Rounds {
		fmt.Printf("round %d: %s %s elected=%v tie=%q\n", rd.Number, rd.Action, rd.Option, rd.Elected, rd.Tie)
		for _, t := range rd.Transfers {
			to := t.To
			if to == "" {
				to = "(exhausted)"
			}
			fmt.Printf("  %d ballots, %s votes -> %s\n", t.Ballots, t.Votes, to)
		}
		fmt.Print("  votes:")
		for _, s := range rd.Votes {
			fmt.Printf(" %s %s (%s);", s.Option, s.Votes, s.State)
		}
		fmt.Printf(" exhausted %s\n", rd.Exhausted)
	}
	fmt.Println(res.Winners, res.Why)
	// Output:
	// quota 3
	// round 0: first preferences  elected=[] tie=""
	//   4 ballots, 4 votes -> Ada
	//   2 ballots, 2 votes -> Bo
	//   2 ballots, 2 votes -> Cy
	//   1 ballots, 1 votes -> Dee
	//   votes: Ada 4 (hopeful); Bo 2 (hopeful); Cy 2 (hopeful); Dee 1 (hopeful); exhausted 0
	// round 1: surplus Ada elected=[Ada] tie=""
	//   4 ballots, 1 votes -> Bo
	//   votes: Ada 3 (elected); Bo 3 (hopeful); Cy 2 (hopeful); Dee 1 (hopeful); exhausted 0
	// round 2: exclude Dee elected=[] tie=""
	//   1 ballots, 1 votes -> Cy
	//   votes: Ada 3 (elected); Bo 3 (hopeful); Cy 3 (hopeful); Dee 0 (excluded); exhausted 0
	// round 3: exclude Cy elected=[] tie="\"Bo\", \"Cy\" tied; decided by the votes at round 1"
	//   3 ballots, 3 votes -> (exhausted)
	//   votes: Ada 3 (elected); Bo 3 (hopeful); Cy 0 (excluded); Dee 0 (excluded); exhausted 3
	// round 4: remaining  elected=[Bo] tie=""
	//   votes: Ada 3 (elected); Bo 3 (elected); Cy 0 (excluded); Dee 0 (excluded); exhausted 3
	// [Ada Bo] [Single transferable vote for 2 seats (WIGM, weights to 9 decimals): quota 3 of 9 valid ballots; 5 rounds. "Ada" is elected. "Bo" is elected.]
}
