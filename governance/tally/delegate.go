package tally

import (
	"slices"
)

// Resolve turns the votes and delegations of a poll into the casts to
// count, one per member of the electorate at most:
//
//   - A member who voted is counted with their own ballot, whatever they
//     delegated: voting yourself overrides your delegation.
//   - A member who did not vote is counted with the ballot of the first
//     agent along their chain of delegations (member → delegate → the
//     delegate's delegate ...) who voted. The cast names that agent as Via.
//   - A chain that ends without a vote, or comes back to an agent already
//     on it (a cycle), counts nothing for that member.
//
// Only members of the electorate are counted, each once: a vote by an
// agent outside the electorate counts only for the members who delegated
// to them. votes and delegations are keyed by agent; delegations holds
// each agent's delegate for this poll (already chosen between a poll's
// and an area's delegation by the caller). The result is sorted by voter.
func Resolve(electorate []string, votes map[string]Ballot, delegations map[string]string) []Cast {
	members := slices.Clone(electorate)
	slices.Sort(members)
	members = slices.Compact(members)
	out := make([]Cast, 0, len(members))
	for _, m := range members {
		if b, ok := votes[m]; ok {
			out = append(out, Cast{Voter: m, Ballot: b})
			continue
		}
		seen := map[string]bool{m: true}
		for d := delegations[m]; d != "" && !seen[d]; d = delegations[d] {
			if b, ok := votes[d]; ok {
				out = append(out, Cast{Voter: m, Via: d, Ballot: b})
				break
			}
			seen[d] = true
		}
	}
	return out
}
