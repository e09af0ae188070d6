package tally

import (
	"slices"
	"strings"
	"testing"
)

func casts(choices ...string) []Cast {
	var out []Cast
	for i, c := range choices {
		out = append(out, Cast{Voter: string(rune('a' + i)), Ballot: Ballot{Choice: c}})
	}
	return out
}

func TestThreshold(t *testing.T) {
	for _, tc := range []struct {
		t           Threshold
		part, whole int64
		met         bool
	}{
		{Threshold{1, 2, false}, 5, 10, false}, // half is not more than half
		{Threshold{1, 2, false}, 6, 10, true},
		{Threshold{1, 2, true}, 5, 10, true},
		{Threshold{2, 3, true}, 2, 3, true},
		{Threshold{2, 3, false}, 2, 3, false},
		{Threshold{3, 4, true}, 74, 100, false},
		{Threshold{3, 4, true}, 75, 100, true},
		{Threshold{1, 2, false}, 0, 0, false},
		{Threshold{0, 1, true}, 0, 0, true},
	} {
		if got := tc.t.Met(tc.part, tc.whole); got != tc.met {
			t.Errorf("%s of %d/%d: %v", tc.t, tc.part, tc.whole, got)
		}
	}
}

func TestConsent(t *testing.T) {
	over := &Threshold{3, 4, true}
	for _, tc := range []struct {
		name    string
		rule    Rule
		choices []string
		passed  bool
		why     string
	}{
		{"no block", Rule{Method: Consent}, []string{"consent", "consent", "objection", "abstain"}, true, "No block"},
		{"a block stops it", Rule{Method: Consent}, []string{"consent", "consent", "consent", "block"}, false, "no override"},
		{"block overridden at 75%", Rule{Method: Consent, Threshold: over}, []string{"consent", "consent", "consent", "block", "abstain"}, true, "overridden"},
		{"block stands below 75%", Rule{Method: Consent, Threshold: over}, []string{"consent", "consent", "objection", "block"}, false, "stand"},
		{"nobody consents", Rule{Method: Consent}, []string{"abstain", "objection"}, false, "Nobody"},
		{"quorum not met", Rule{Method: Consent, Quorum: &Threshold{1, 2, true}}, []string{"consent"}, false, "not met"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Tally(tc.rule, 4, casts(tc.choices...), "p")
			if err != nil {
				t.Fatal(err)
			}
			if r.Passed != tc.passed || !strings.Contains(strings.Join(r.Why, " "), tc.why) {
				t.Errorf("passed %v, why %q", r.Passed, r.Why)
			}
		})
	}
}

func TestMajority(t *testing.T) {
	for _, tc := range []struct {
		name    string
		rule    Rule
		elect   int
		choices []string
		passed  bool
	}{
		{"simple: half is not enough", Rule{Method: Majority}, 10, []string{"yes", "yes", "no", "no", "abstain"}, false},
		{"simple: abstentions do not count", Rule{Method: Majority}, 10, []string{"yes", "yes", "no", "abstain", "abstain"}, true},
		{"absolute: of the electorate", Rule{Method: Majority, Majority: MajorityAbsolute}, 10, []string{"yes", "yes", "yes", "yes", "yes"}, false},
		{"absolute: six of ten", Rule{Method: Majority, Majority: MajorityAbsolute}, 10, []string{"yes", "yes", "yes", "yes", "yes", "yes"}, true},
		{"super: at least 2/3", Rule{Method: Majority, Majority: MajoritySuper, Threshold: &Threshold{2, 3, true}}, 10, []string{"yes", "yes", "no"}, true},
		{"super: more than 2/3", Rule{Method: Majority, Majority: MajoritySuper, Threshold: &Threshold{2, 3, false}}, 10, []string{"yes", "yes", "no"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Tally(tc.rule, tc.elect, casts(tc.choices...), "p")
			if err != nil {
				t.Fatal(err)
			}
			if r.Passed != tc.passed {
				t.Errorf("passed %v, why %q", r.Passed, r.Why)
			}
		})
	}
}

func TestMarks(t *testing.T) {
	opts := []string{"a", "b", "c"}
	m := func(voter string, ms ...Mark) Cast { return Cast{Voter: voter, Ballot: Ballot{Marks: ms}} }
	t.Run("approval", func(t *testing.T) {
		r, err := Tally(Rule{Method: Approval, Options: opts}, 3, []Cast{m("x", Mark{"a", 1}, Mark{"b", 1}), m("y", Mark{"b", 1})}, "p")
		if err != nil || !slices.Equal(r.Winners, []string{"b"}) || r.Counts[1].Votes != 2 {
			t.Fatal(err, r)
		}
	})
	t.Run("score, two seats", func(t *testing.T) {
		r, err := Tally(Rule{Method: Score, Options: opts, MaxScore: 5, Seats: 2}, 3, []Cast{m("x", Mark{"a", 5}, Mark{"c", 1}), m("y", Mark{"b", 4}, Mark{"c", 2})}, "p")
		if err != nil || !slices.Equal(r.Winners, []string{"a", "b"}) {
			t.Fatal(err, r)
		}
	})
	t.Run("dots", func(t *testing.T) {
		r, err := Tally(Rule{Method: Dots, Options: opts, Dots: 3}, 3, []Cast{m("x", Mark{"c", 3}), m("y", Mark{"a", 2}, Mark{"b", 1})}, "p")
		if err != nil || !slices.Equal(r.Winners, []string{"c"}) {
			t.Fatal(err, r)
		}
	})
	t.Run("a tie goes by the lot, the same every time", func(t *testing.T) {
		r, _ := Tally(Rule{Method: Approval, Options: opts}, 3, []Cast{m("x", Mark{"a", 1}), m("y", Mark{"b", 1})}, "seed")
		lot := LotOrder("seed", opts)
		want := "a"
		if lot["b"] > lot["a"] {
			want = "b"
		}
		if !slices.Equal(r.Winners, []string{want}) || !strings.Contains(strings.Join(r.Why, " "), "lot") {
			t.Fatal(r.Winners, r.Why)
		}
	})
}

func TestSenseCheckDecidesNothing(t *testing.T) {
	r, err := Tally(Rule{Method: SenseCheck, Options: []string{"now", "later"}}, 3, casts("now", "now", "later"), "p")
	if err != nil || r.Decides || r.Passed || r.Counts[0] != (Count{"now", 2}) {
		t.Fatal(err, r)
	}
}

func TestRefused(t *testing.T) {
	opts := []string{"a", "b", "c"}
	for _, tc := range []struct {
		rule Rule
		b    Ballot
		want string
	}{
		{Rule{Method: Ranked, Options: opts}, Ballot{Ranking: []string{"a", "a"}}, "ranked twice"},
		{Rule{Method: Ranked, Options: opts}, Ballot{Ranking: []string{"z"}}, "not an option"},
		{Rule{Method: Ranked, Options: opts}, Ballot{}, "at least one"},
		{Rule{Method: Ranked, Options: opts}, Ballot{Choice: "a"}, "only a ranking"},
		{Rule{Method: Dots, Options: opts, Dots: 3}, Ballot{Marks: []Mark{{"a", 2}, {"b", 2}}}, "4 dots given"},
		{Rule{Method: Score, Options: opts, MaxScore: 5}, Ballot{Marks: []Mark{{"a", 6}}}, "from 0 to 5"},
		{Rule{Method: Approval, Options: opts}, Ballot{Marks: []Mark{{"a", 2}}}, "approval is 1"},
		{Rule{Method: Consent}, Ballot{Choice: "yes"}, "consent ballot"},
		{Rule{Method: Majority}, Ballot{Choice: "block"}, "yes, no or abstain"},
	} {
		if err := tc.rule.CheckBallot(tc.b); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s %+v: %v, want %q", tc.rule.Method, tc.b, err, tc.want)
		}
	}
	for _, tc := range []struct {
		rule Rule
		want string
	}{
		{Rule{Method: "dictator"}, "unknown method"},
		{Rule{Method: Ranked, Options: []string{"a"}}, "at least 2 options"},
		{Rule{Method: Ranked, Options: []string{"a", "a"}}, "twice"},
		{Rule{Method: Ranked, Options: opts, Seats: 3}, "fewer than the options"},
		{Rule{Method: Majority, Majority: MajoritySuper}, "needs its threshold"},
		{Rule{Method: Majority, Threshold: &Threshold{3, 2, false}}, "not a share"},
		{Rule{Method: Dots, Options: opts}, "dots"},
		{Rule{Method: Approval, Options: opts, Threshold: &Threshold{1, 2, false}}, "no threshold"},
	} {
		if err := tc.rule.Check(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: %v, want %q", tc.rule, err, tc.want)
		}
	}
}

func TestResolve(t *testing.T) {
	yes, no := Ballot{Choice: "yes"}, Ballot{Choice: "no"}
	got := Resolve([]string{"a", "b", "c", "d", "e", "f"},
		map[string]Ballot{"a": yes, "c": no, "x": no},
		map[string]string{"a": "c", "b": "a", "d": "e", "e": "d", "f": "x"})
	want := []Cast{{Voter: "a", Ballot: yes}, {Voter: "b", Via: "a", Ballot: yes}, {Voter: "c", Ballot: no}, {Voter: "f", Via: "x", Ballot: no}}
	if !slices.EqualFunc(got, want, func(a, b Cast) bool {
		return a.Voter == b.Voter && a.Via == b.Via && a.Ballot.Choice == b.Ballot.Choice
	}) {
		t.Errorf("got %+v", got)
	}
}
