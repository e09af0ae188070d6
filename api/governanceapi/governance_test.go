package governanceapi

import (
	"fmt"
	"testing"
	"time"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/meent/meent"
	"github.com/meent/meent/api"
	"github.com/meent/meent/api/apitest"
	"github.com/meent/meent/governance"
	"github.com/meent/meent/governance/tally"
	"github.com/meent/meent/value"
)

// TestPollOverHTTP runs a decision through the real server: a ranked poll
// and a majority poll that carries a value policy, votes and a delegation
// as signed events, refusals with nothing written, the close, and every
// read route, with the lists paged one item at a time.
func TestPollOverHTTP(t *testing.T) {
	e := apitest.New(t, Register)
	c := apitest.NewCommunity(t, e)
	now := time.Now()
	closes := now.Add(2 * time.Second).UnixMilli()
	p := value.DefaultPolicy()
	pb, err := p.Encode()
	if err != nil {
		t.Fatal(err)
	}
	data, _ := json.Marshal(value.PolicySetData{Commons: c.Turbine, Policy: pb}, json.Deterministic(true))
	poll := e.Act(c.Cy, governance.TypeOpen, governance.OpenData{Commons: c.Turbine, Question: "Adopt the default policy?",
		Rule: tally.Rule{Method: tally.Majority}, Electorate: governance.Electorate{Kind: governance.Members}, ClosesAt: closes,
		Effects: []governance.Effect{{Type: value.TypePolicySet, Data: jsontext.Value(data)}}})
	ranked := e.Act(c.Cy, governance.TypeOpen, governance.OpenData{Commons: c.Turbine, Question: "Which colour?",
		Rule: tally.Rule{Method: tally.Ranked, Options: []string{"red", "green", "blue"}}, Electorate: governance.Electorate{Kind: governance.Members}, ClosesAt: closes})

	e.Refused(t, c.Eve.Sign(t, governance.TypeVote, governance.VoteData{Poll: poll, Ballot: tally.Ballot{Choice: "yes"}}), 403, meent.EFORBIDDEN)
	e.Refused(t, c.Bob.Sign(t, governance.TypeVote, governance.VoteData{Poll: poll, Ballot: tally.Ballot{Choice: "maybe"}}), 422, meent.ERULE)
	e.Refused(t, c.Bob.Sign(t, governance.TypeVote, governance.VoteData{Poll: ranked, Ballot: tally.Ballot{Ranking: []string{"red", "pink"}}}), 422, meent.ERULE)
	for _, s := range []*apitest.Signer{c.Ada, c.Bob, c.Cy} {
		e.Act(s, governance.TypeVote, governance.VoteData{Poll: poll, Ballot: tally.Ballot{Choice: "yes"}})
		e.Act(s, governance.TypeVote, governance.VoteData{Poll: ranked, Ballot: tally.Ballot{Ranking: []string{"green", "red"}}})
	}
	e.Act(c.Dee, governance.TypeDelegate, governance.DelegateData{To: c.Bob.ID, Commons: c.Turbine})
	e.Refused(t, c.Eve.SignAt(t, governance.TypeClose, governance.PollRef{Poll: poll}, now), 422, meent.ERULE)

	at := time.UnixMilli(closes)
	e.Post(c.Eve.SignAt(t, governance.TypeClose, governance.PollRef{Poll: poll}, at))
	e.Post(c.Eve.SignAt(t, governance.TypeClose, governance.PollRef{Poll: ranked}, at))

	got := apitest.GetJSONAs[governance.Poll](t, e, "/api/v1/polls/"+poll)
	if got.Status != governance.Passed || got.Result.Counted != 4 || got.Enacted[0].Status != "enacted" {
		t.Fatalf("%s, counted %d, enacted %+v", got.Status, got.Result.Counted, got.Enacted)
	}
	rk := apitest.GetJSONAs[governance.Poll](t, e, "/api/v1/polls/"+ranked)
	if rk.Result.Ranked == nil || len(rk.Result.Winners) != 1 || rk.Result.Winners[0] != "green" {
		t.Fatalf("ranked result %+v", rk.Result)
	}

	// Every list, one item a page, follows its cursors to the end.
	walk := func(path string, count func([]byte) (int, string)) int {
		n, cursor := 0, ""
		for range 20 {
			r := e.Get(path + "?limit=1" + cursor)
			apitest.WantStatus(t, r, 200)
			k, next := count(r.Body)
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
		"/api/v1/agents/" + c.Dee.ID + "/delegations": 1,
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
	ballots := apitest.GetJSONAs[api.BallotList](t, e, "/api/v1/polls/"+poll+"/ballots")
	via := 0
	for _, b := range ballots.Ballots {
		if b.Voter == c.Dee.ID && b.Via == c.Bob.ID {
			via++
		}
	}
	if via != 1 {
		t.Errorf("dee's ballot is not bob's: %+v", ballots.Ballots)
	}
	rules := apitest.GetJSONAs[governance.Rules](t, e, "/api/v1/commons/"+c.Turbine+"/decision-rules")
	if rules.Index != -1 || len(rules.Decide) != 0 {
		t.Errorf("rules %+v", rules)
	}
	kinds := apitest.GetJSONAs[[]api.EffectKind](t, e, "/api/v1/governance/kinds")
	if len(kinds) < 8 {
		t.Errorf("kinds %v", kinds)
	}
	apitest.WantProblem(t, e.Get("/api/v1/polls/"+fmt.Sprint(123)), 404, meent.ENOTFOUND)
}
