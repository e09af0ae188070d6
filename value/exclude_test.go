package value

import (
	"bytes"
	"slices"
	"testing"

	"github.com/meent/meent"
	"github.com/meent/meent/commons"
)

func TestMatchAuthor(t *testing.T) {
	for _, tc := range []struct {
		pattern, author string
		want            bool
	}{
		{"git:ci@example.org", "git:ci@example.org", true},
		{"git:ci@example.org", "git:ci@example.org.evil", false},
		{"git:*[bot]@users.noreply.github.com", "git:49699333+dependabot[bot]@users.noreply.github.com", true},
		{"git:*[bot]@users.noreply.github.com", "git:dependabot@users.noreply.github.com", false},
		{"git:*[bot]@*", "git:renovate[bot]@example.org", true},
		{"git:d*t", "git:dt", true},
		{"git:d*t", "git:d", false},
		{"*bot*", "git:robotics@example.org", true},
		{"a*b*c", "aXbYbZc", true},
		{"a*b*c", "aXbYbZ", false},
		{"git:[bot]", "git:b", false}, // brackets are literal, not a class
		{"", "", true},
	} {
		if got := matchAuthor(tc.pattern, tc.author); got != tc.want {
			t.Errorf("matchAuthor(%q, %q) = %v, want %v", tc.pattern, tc.author, got, tc.want)
		}
	}
}

// botInput has a person, an unmapped person and a bot, as imported from
// a repository where dependabot earned a share.
func botInput() Input {
	return Input{
		Income: commons.Money{Amount: 1000, Currency: "EUR"},
		AsOf:   10 * day,
		Contributions: []Contribution{
			{ID: "c1", Contributor: "alice", Kind: "code", LinesAdded: 100, Submitted: day},
			{ID: "c2", Identity: "git:bo@example.org", Kind: "code", LinesAdded: 100, Submitted: day},
			{ID: "c3", Identity: "git:49699333+dependabot[bot]@users.noreply.github.com", Kind: "code", LinesAdded: 100, Submitted: day},
		},
	}
}

func amountOf(res Result, recipient string) int64 {
	for _, a := range res.Allocations {
		if a.Recipient == recipient {
			return a.Amount
		}
	}
	return 0
}

// TestExcludeAuthors: a policy excludes bots either with its exclude list
// or with the author variable in an equation; both give the bot nothing,
// and a policy without either keeps its canonical form and digest.
func TestExcludeAuthors(t *testing.T) {
	const bot = "git:49699333+dependabot[bot]@users.noreply.github.com"
	base := Policy{Format: 1, Default: "20 + lines_added", Split: Split{Contributors: "1/1"}}
	plain := mustCompile(t, base)
	before, err := Distribute(plain, botInput())
	if err != nil {
		t.Fatal(err)
	}
	if amountOf(before, bot) == 0 {
		t.Fatalf("without exclusion the bot should earn: %v", before.Allocations)
	}

	listed := base
	listed.Exclude = []string{"git:*[bot]@users.noreply.github.com"}
	equation := base
	equation.Default = `author.endsWith("[bot]@users.noreply.github.com") ? 0 : 20 + lines_added`
	var results []Result
	for _, p := range []Policy{listed, equation} {
		res, err := Distribute(mustCompile(t, p), botInput())
		if err != nil {
			t.Fatal(err)
		}
		if amountOf(res, bot) != 0 || amountOf(res, "alice") != 500 || amountOf(res, "git:bo@example.org") != 500 {
			t.Errorf("policy %+v: allocations %v, want the bot at 0 and the others at 500", p, res.Allocations)
		}
		if res.Digest == before.Digest {
			t.Errorf("policy %+v: the digest does not change with the policy", p)
		}
		results = append(results, res)
	}
	var botExp *Explanation
	for i, e := range results[0].Explanations {
		if e.Recipient == bot {
			botExp = &results[0].Explanations[i]
		}
	}
	if botExp == nil || !botExp.Contributions[0].Excluded || botExp.Contributions[0].Points != 0 {
		t.Errorf("the bot's explanation does not say it was excluded: %+v", botExp)
	}
	// An agent can be excluded by its ID too.
	byAgent := base
	byAgent.Exclude = []string{"alice"}
	if res, _ := Distribute(mustCompile(t, byAgent), botInput()); amountOf(res, "alice") != 0 {
		t.Errorf("excluding an agent: %v", res.Allocations)
	}

	// Additive evolution: a policy without exclude encodes as before.
	enc, _ := base.Encode()
	if bytes.Contains(enc, []byte("exclude")) {
		t.Errorf("canonical form grew a member: %s", enc)
	}
	dec, err := DecodePolicy([]byte(`{"format":1,"default":"1","split":{"contributors":"1/1"},"exclude":["git:*[bot]@*"]}`))
	if err != nil || !slices.Equal(dec.Exclude, []string{"git:*[bot]@*"}) {
		t.Fatalf("decode: %+v %v", dec, err)
	}
	for _, ex := range [][]string{{"*"}, {"**"}, {""}, make([]string, MaxExclude+1)} {
		p := base
		p.Exclude = ex
		if _, err := Compile(p); meent.ErrorCode(err) != meent.EINVALID {
			t.Errorf("exclude %q: got %v, want invalid", ex, err)
		}
	}
	// A branch on the author is probed: a failure there is found.
	p := base
	p.Default = `author == "git:x@example.org" ? 1 / minutes : 1`
	if _, err := Compile(p); meent.ErrorCode(err) != meent.EINVALID {
		t.Errorf("an equation dividing by zero for one author compiled: %v", err)
	}
}
