package governanceapi

import (
	"fmt"
	"testing"
	"time"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/meent/meent"
	"github.com/meent/meent/api"
	"github.com/meent/meent/governance"
	"github.com/meent/meent/governance/tally"
	"github.com/meent/meent/value"
)

// TestPollOverHTTP runs a decision through the real server: a ranked poll
// and a majority poll that carries a value policy, votes and a delegation
// as signed events, refusals with nothing written, the close, and every
// read route, with the lists paged one item at a time.
func TestPollOverHTTP(t *testing.T) {
	e := newEnv(t)
	c := newCommunity(t, e)
	now := time.Now()
	closes := now.Add(2 * time.Second).UnixMilli()
	p := value.DefaultPolicy()
	pb, err := p.Encode()
	if err != nil {
		t.Fatal(err)
	}
	data, _ := json.Marshal(value.PolicySetData{Commons: c.turbine, Policy: pb}, json.Deterministic(true))
	poll := e.act(c.cy, governance.TypeOpen, governance.OpenData{Commons: c.turbine, Question: "Adopt the default policy?",
		Rule: tally.Rule{Method: tally.Majority}, Electorate: governance.Electorate{Kind: governance.Members}, ClosesAt: closes,
		Effects: []governance.Effect{{Type: value.TypePolicySet, Data: jsontext.Value(data)}}})
	ranked := e.act(c.cy, governance.TypeOpen, governance.OpenData{Commons: c.turbine, Question: "Which colour?",
		Rule: tally.Rule{Method: tally.Ranked, Options: []string{"red", "green", "blue"}}, Electorate: governance.Electorate{Kind: governance.Members}, ClosesAt: closes})

	e.refused(t, c.eve.sign(t, governance.TypeVote, governance.VoteData{Poll: poll, Ballot: tally.Ballot{Choice: "yes"}}), 403, meent.EFORBIDDEN)
	e.refused(t, c.bob.sign(t, governance.TypeVote, governance.VoteData{Poll: poll, Ballot: tally.Ballot{Choice: "maybe"}}), 422, meent.ERULE)
	e.refused(t, c.bob.sign(t, governance.TypeVote, governance.VoteData{Poll: ranked, Ballot: tally.Ballot{Ranking: []string{"red", "pink"}}}), 422, meent.ERULE)
	for _, s := range []*signer{c.ada, c.bob, c.cy} {
		e.act(s, governance.TypeVote, governance.VoteData{Poll: poll, Ballot: tally.Ballot{Choice: "yes"}})
		e.act(s, governance.TypeVote, governance.VoteData{Poll: ranked, Ballot: tally.Ballot{Ranking: []string{"green", "red"}}})
	}
	e.act(c.dee, governance.TypeDelegate, governance.DelegateData{To: c.bob.id, Commons: c.turbine})
	e.refused(t, c.eve.signAt(t, governance.TypeClose, governance.PollRef{Poll: poll}, now), 422, meent.ERULE)

	at := time.UnixMilli(closes)
	e.post(c.eve.signAt(t, governance.TypeClose, governance.PollRef{Poll: poll}, at))
	e.post(c.eve.signAt(t, governance.TypeClose, governance.PollRef{Poll: ranked}, at))

	got := getJSONAs[governance.Poll](t, e, "/api/v1/polls/"+poll)
	if got.Status != governance.Passed || got.Result.Counted != 4 || got.Enacted[0].Status != "enacted" {
		t.Fatalf("%s, counted %d, enacted %+v", got.Status, got.Result.Counted, got.Enacted)
	}
	rk := getJSONAs[governance.Poll](t, e, "/api/v1/polls/"+ranked)
	if rk.Result.Ranked == nil || len(rk.Result.Winners) != 1 || rk.Result.Winners[0] != "green" {
		t.Fatalf("ranked result %+v", rk.Result)
	}

	// Every list, one item a page, follows its cursors to the end.
	walk := func(path string, count func([]byte) (int, string)) int {
		n, cursor := 0, ""
		for range 20 {
			r := e.get(path + "?limit=1" + cursor)
			wantStatus(t, r, 200)
			k, next := count(r.body)
			n += k
			if next == "" {
				return n
			}
			cursor = "&cursor=" + next
		}
		t.Fatalf("%s does not end", path)
		return 0
	}
	list := func(member string) func([]byte) (int, string) {
		return func(b []byte) (int, string) {
			var v map[string]jsontext.Value
			if err := json.Unmarshal(b, &v); err != nil {
				t.Fatal(err)
			}
			var items []jsontext.Value
			json.Unmarshal(v[member], &items)
			var next string
			json.Unmarshal(v["next"], &next)
			return len(items), next
		}
	}
	for path, want := range map[string]int{
		"/api/v1/polls":                               2,
		"/api/v1/polls/" + poll + "/votes":            3,
		"/api/v1/polls/" + poll + "/ballots":          4,
		"/api/v1/polls/" + poll + "/electorate":       4,
		"/api/v1/agents/" + c.dee.id + "/delegations": 1,
	} {
		member := map[bool]string{true: "polls"}[path == "/api/v1/polls"]
		switch {
		case member != "":
		case len(path) > 6 && path[len(path)-6:] == "/votes":
			member = "votes"
		case len(path) > 8 && path[len(path)-8:] == "/ballots":
			member = "ballots"
		case len(path) > 11 && path[len(path)-11:] == "/electorate":
			member = "agents"
		default:
			member = "delegations"
		}
		if n := walk(path, list(member)); n != want {
			t.Errorf("%s: %d items, want %d", path, n, want)
		}
	}
	ballots := getJSONAs[api.BallotList](t, e, "/api/v1/polls/"+poll+"/ballots")
	via := 0
	for _, b := range ballots.Ballots {
		if b.Voter == c.dee.id && b.Via == c.bob.id {
			via++
		}
	}
	if via != 1 {
		t.Errorf("dee's ballot is not bob's: %+v", ballots.Ballots)
	}
	rules := getJSONAs[governance.Rules](t, e, "/api/v1/commons/"+c.turbine+"/decision-rules")
	if rules.Index != -1 || len(rules.Decide) != 0 {
		t.Errorf("rules %+v", rules)
	}
	kinds := getJSONAs[[]api.EffectKind](t, e, "/api/v1/governance/kinds")
	if len(kinds) < 8 {
		t.Errorf("kinds %v", kinds)
	}
	wantProblem(t, e.get("/api/v1/polls/"+fmt.Sprint(123)), 404, meent.ENOTFOUND)
}
