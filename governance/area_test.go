package governance_test

import (
	"crypto/ed25519"
	"crypto/sha256"
	"strings"
	"testing"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/meent/meent"
	"github.com/meent/meent/agent"
	"github.com/meent/meent/commons"
	"github.com/meent/meent/governance"
	"github.com/meent/meent/governance/tally"
	"github.com/meent/meent/ledger"
	"github.com/meent/meent/state"
	"github.com/meent/meent/value"
)

// node is a state with named agents that sign events.
type node struct {
	t    *testing.T
	st   *state.State
	tm   int64
	keys map[string]ed25519.PrivateKey
	ids  map[string]string
}

func newNode(t *testing.T) *node {
	n := &node{t: t, st: state.New(), tm: 1_800_000_000_000, keys: map[string]ed25519.PrivateKey{}, ids: map[string]string{}}
	for _, name := range []string{"admin", "maya", "ben", "ada", "eve"} {
		seed := sha256.Sum256([]byte("governance test " + name))
		n.keys[name] = ed25519.NewKeyFromSeed(seed[:])
		n.ids[name] = n.must("", name, agent.TypeCreate, agent.CreateData{Kind: agent.Person, Name: name})
	}
	n.ids[""] = ""
	n.must("admin", "admin", agent.TypeMemberSet, agent.MemberData{Agent: n.ids["admin"], Role: agent.RoleAdmin})
	for _, m := range []string{"maya", "ben", "ada"} {
		n.must("admin", "admin", agent.TypeMemberSet, agent.MemberData{Agent: n.ids[m], Role: agent.RoleMember})
	}
	n.ids["lib"] = n.must("admin", "admin", commons.TypeCreate, commons.CreateData{Name: "lib", Kind: "software", Approvals: 1, Maintainers: []string{n.ids["maya"]}})
	return n
}

func (n *node) act(author, signer, typ string, data any) (string, error) {
	n.t.Helper()
	n.tm += 60_000
	entry, err := ledger.Sign(n.keys[signer], ledger.Body{Type: typ, Author: n.ids[author], Time: n.tm, Data: data})
	if err != nil {
		n.t.Fatal(err)
	}
	ev, err := ledger.Decode(entry)
	if err != nil {
		n.t.Fatal(err)
	}
	return ev.Hash.String(), n.st.Apply(ev)
}

func (n *node) must(author, signer, typ string, data any) string {
	n.t.Helper()
	id, err := n.act(author, signer, typ, data)
	if err != nil {
		n.t.Fatalf("%s by %s: %v", typ, signer, err)
	}
	return id
}

func (n *node) do(who, typ string, data any) string { n.t.Helper(); return n.must(who, who, typ, data) }

func (n *node) refused(who, typ string, data any, code, msg string) {
	n.t.Helper()
	before, size := n.st.Digest(), n.st.Size
	_, err := n.act(who, who, typ, data)
	if meent.ErrorCode(err) != code || !strings.Contains(meent.ErrorMessage(err), msg) {
		n.t.Fatalf("%s by %s: %v, want %s %q", typ, who, err, code, msg)
	}
	if n.st.Digest() != before || n.st.Size != size {
		n.t.Fatalf("%s by %s was refused but changed the state", typ, who)
	}
}

func effect(t *testing.T, typ string, data any) governance.Effect {
	b, err := json.Marshal(data, json.Deterministic(true))
	if err != nil {
		t.Fatal(err)
	}
	return governance.Effect{Type: typ, Data: jsontext.Value(b)}
}

func policy(t *testing.T, exclude string) jsontext.Value {
	p := value.DefaultPolicy()
	p.Exclude = []string{exclude}
	b, err := p.Encode()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestDecisionEnacts: a majority poll carrying a value policy passes at
// its close, with a delegated vote counted once, and the policy is lib's
// current one, set at the close's index; the decision rules then refuse
// the same change to the maintainer, and a decision still makes it.
func TestDecisionEnacts(t *testing.T) {
	n := newNode(t)
	lib := n.ids["lib"]
	n.do("maya", governance.TypeRulesSet, governance.RulesData{Commons: lib, Decide: []string{value.TypePolicySet}})
	n.refused("maya", value.TypePolicySet, value.PolicySetData{Commons: lib, Policy: policy(t, "x")}, meent.EFORBIDDEN, "decided by a poll")
	n.refused("maya", governance.TypeRulesSet, governance.RulesData{Commons: lib, Decide: []string{}}, meent.EFORBIDDEN, "decided by a poll")

	closes := n.tm + 3_600_000
	poll := n.do("ben", governance.TypeOpen, governance.OpenData{Commons: lib, Question: "New policy?",
		Rule: tally.Rule{Method: tally.Majority}, Electorate: governance.Electorate{Kind: governance.Members}, ClosesAt: closes,
		Effects: []governance.Effect{effect(t, value.TypePolicySet, value.PolicySetData{Commons: lib, Policy: policy(t, "y")})}})
	n.do("maya", governance.TypeVote, governance.VoteData{Poll: poll, Ballot: tally.Ballot{Choice: tally.ChoiceYes}})
	n.do("ada", governance.TypeDelegate, governance.DelegateData{To: n.ids["maya"], Poll: poll})
	n.do("ben", governance.TypeDelegate, governance.DelegateData{To: n.ids["ada"], Commons: lib}) // through ada to maya
	n.do("admin", governance.TypeVote, governance.VoteData{Poll: poll, Ballot: tally.Ballot{Choice: tally.ChoiceNo}})
	n.refused("eve", governance.TypeVote, governance.VoteData{Poll: poll, Ballot: tally.Ballot{Choice: tally.ChoiceYes}}, meent.EFORBIDDEN, "electorate")
	n.refused("eve", governance.TypeClose, governance.PollRef{Poll: poll}, meent.ERULE, "closes at")
	n.tm = closes
	n.do("eve", governance.TypeClose, governance.PollRef{Poll: poll})
	closeIdx := n.st.Size - 1

	p := n.st.Govern.Poll(poll)
	if p.Status != governance.Passed || p.Result.Counted != 4 || len(p.Enacted) != 1 || p.Enacted[0].Status != "enacted" {
		t.Fatalf("poll %s, counted %d, enacted %+v, why %q", p.Status, p.Result.Counted, p.Enacted, p.Result.Why)
	}
	if p.Result.Counts[0] != (tally.Count{Option: tally.ChoiceYes, Votes: 3}) {
		t.Errorf("counts %+v", p.Result.Counts)
	}
	if last := n.st.Value.Policy(lib); last.Index != closeIdx || !strings.Contains(string(last.Policy), `"y"`) {
		t.Errorf("the current policy is %s at %d; the close was %d", last.Policy, last.Index, closeIdx)
	}
	n.refused("maya", governance.TypeVote, governance.VoteData{Poll: poll, Ballot: tally.Ballot{Choice: tally.ChoiceNo}}, meent.ERULE, "passed")
}

// TestRefusedEnactment: a passed poll whose change its area refuses at the
// close is still closed; the poll says which change was refused and why,
// and the next is skipped.
func TestRefusedEnactment(t *testing.T) {
	n := newNode(t)
	lib := n.ids["lib"]
	closes := n.tm + 3_600_000
	poll := n.do("maya", governance.TypeOpen, governance.OpenData{Commons: lib, Question: "Remove ben?",
		Rule: tally.Rule{Method: tally.Consent}, Electorate: governance.Electorate{Kind: governance.Maintainers}, ClosesAt: closes,
		Effects: []governance.Effect{
			effect(t, commons.TypeMaintainerRemove, commons.MaintainerData{Commons: lib, Agent: n.ids["ben"]}),
			effect(t, commons.TypeMaintainerAdd, commons.MaintainerData{Commons: lib, Agent: n.ids["ada"]}),
		}})
	n.do("maya", governance.TypeVote, governance.VoteData{Poll: poll, Ballot: tally.Ballot{Choice: tally.ChoiceConsent}})
	n.tm = closes
	n.do("ben", governance.TypeClose, governance.PollRef{Poll: poll})
	p := n.st.Govern.Poll(poll)
	if p.Status != governance.Passed || p.Enacted[0].Status != "refused" || p.Enacted[0].Error == "" || p.Enacted[1].Status != "skipped" {
		t.Fatalf("%s %+v", p.Status, p.Enacted)
	}
	if c := n.st.Commons.Commons(lib); len(c.Maintainers) != 1 {
		t.Errorf("maintainers %v", c.Maintainers)
	}
}

// TestOpenRefusals: what a poll may not be, each refused with nothing
// written.
func TestOpenRefusals(t *testing.T) {
	n := newNode(t)
	lib := n.ids["lib"]
	later := n.tm + 3_600_000
	base := func() governance.OpenData {
		return governance.OpenData{Commons: lib, Question: "Q?", Rule: tally.Rule{Method: tally.Majority}, Electorate: governance.Electorate{Kind: governance.Members}, ClosesAt: later}
	}
	for _, tc := range []struct {
		name, who string
		edit      func(*governance.OpenData)
		code, msg string
	}{
		{"a stranger", "eve", func(*governance.OpenData) {}, meent.EFORBIDDEN, "open polls"},
		{"no question", "ben", func(d *governance.OpenData) { d.Question = " " }, meent.ERULE, "question"},
		{"closed already", "ben", func(d *governance.OpenData) { d.ClosesAt = 1 }, meent.ERULE, "closes after it opens"},
		{"an unknown method", "ben", func(d *governance.OpenData) { d.Method = "lottery" }, meent.ERULE, "unknown method"},
		{"nobody may vote", "ben", func(d *governance.OpenData) {
			d.Electorate = governance.Electorate{Kind: governance.Contributors, MinAccepted: 1}
		}, meent.ERULE, "electorate is empty"},
		{"a change of another commons", "ben", func(d *governance.OpenData) {
			d.Effects = []governance.Effect{effect(t, value.TypePolicySet, value.PolicySetData{Commons: "other", Policy: policy(t, "z")})}
		}, meent.ERULE, "changes only that commons"},
		{"a change no kind carries", "ben", func(d *governance.OpenData) {
			d.Effects = []governance.Effect{{Type: "income.record", Data: jsontext.Value(`{}`)}}
		}, meent.ERULE, "cannot carry"},
		{"a malformed change", "ben", func(d *governance.OpenData) {
			d.Effects = []governance.Effect{{Type: value.TypePolicySet, Data: jsontext.Value(`{"commons":"x","extra":1}`)}}
		}, meent.ERULE, "data of value.policy.set"},
		{"changes on a score poll", "ben", func(d *governance.OpenData) {
			d.Rule = tally.Rule{Method: tally.Score, Options: []string{"a", "b"}, MaxScore: 3}
			d.Effects = []governance.Effect{effect(t, value.TypePolicySet, value.PolicySetData{Commons: lib, Policy: policy(t, "z")})}
		}, meent.ERULE, "yes or no"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := base()
			tc.edit(&d)
			n.t = t
			n.refused(tc.who, governance.TypeOpen, d, tc.code, tc.msg)
		})
	}
}

// TestNodeDecisionAdmitsAMember: a consent poll of the node's members,
// with a block overridden at 3/4, admits eve; the close is signed by eve
// herself, who is no member and no admin: the right comes from the
// decision, for that change only.
func TestNodeDecisionAdmitsAMember(t *testing.T) {
	n := newNode(t)
	closes := n.tm + 3_600_000
	poll := n.do("ada", governance.TypeOpen, governance.OpenData{Question: "Admit eve?",
		Rule: tally.Rule{Method: tally.Consent, Threshold: &tally.Threshold{Num: 3, Den: 4, Inclusive: true}}, Electorate: governance.Electorate{Kind: governance.Members}, ClosesAt: closes,
		Effects: []governance.Effect{effect(t, agent.TypeMemberSet, agent.MemberData{Agent: n.ids["eve"], Role: agent.RoleMember})}})
	for _, who := range []string{"admin", "maya", "ada"} {
		n.do(who, governance.TypeVote, governance.VoteData{Poll: poll, Ballot: tally.Ballot{Choice: tally.ChoiceConsent}})
	}
	n.do("ben", governance.TypeVote, governance.VoteData{Poll: poll, Ballot: tally.Ballot{Choice: tally.ChoiceBlock}})
	n.refused("eve", agent.TypeMemberSet, agent.MemberData{Agent: n.ids["eve"], Role: agent.RoleMember}, meent.EFORBIDDEN, "admin")
	n.tm = closes
	n.do("eve", governance.TypeClose, governance.PollRef{Poll: poll})
	p := n.st.Govern.Poll(poll)
	if p.Status != governance.Passed || p.Enacted[0].Status != "enacted" {
		t.Fatalf("%s %+v %q", p.Status, p.Enacted, p.Result.Why)
	}
	if a := n.st.Agents.Agent(n.ids["eve"]); a.Role != agent.RoleMember {
		t.Errorf("eve's role is %q", a.Role)
	}
	// The grant ended with the close: eve cannot admit anyone herself.
	n.refused("eve", agent.TypeMemberSet, agent.MemberData{Agent: n.ids["eve"], Role: agent.RoleAdmin}, meent.EFORBIDDEN, "admin")
}
