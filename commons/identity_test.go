package commons_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/meent/meent"
	"github.com/meent/meent/commons"
	"github.com/meent/meent/ledger"
	"github.com/meent/meent/state"
)

const ada = "git:ada@example.org"

// claimWorld is a commons with two imported commits by Ada's identity, a
// maintainer, Ada herself and a stranger.
type claimWorld struct {
	*world
	maya, ada, eve, bo person
	lib                string
	commits            int
}

func newClaimWorld(t *testing.T) *claimWorld {
	w := &claimWorld{world: newWorld(t)}
	w.maya = w.agent(1, "admin", person{})
	w.ada = w.agent(2, "", person{})
	w.eve = w.agent(3, "", person{})
	w.bo = w.agent(4, "", person{})
	w.lib = w.must(w.maya, commons.TypeCreate, commons.CreateData{Name: "lib", Kind: "software"})
	w.importCommit(ada, "ada's work")
	return w
}

// importCommit imports one commit by identity, naming agents in claim lines.
func (w *claimWorld) importCommit(identity, subject string, claims ...string) string {
	w.commits++
	h := fmt.Sprintf("%040x", w.commits)
	w.must(w.maya, commons.TypeImport, commons.ImportData{Commons: w.lib, Commits: []commons.ImportedCommit{
		{Commit: h, Identity: identity, Subject: subject, LinesAdded: 10, Claims: claims},
	}})
	return h
}

func (w *claimWorld) claim(p person) string {
	w.t.Helper()
	return w.must(p, commons.TypeIdentityClaim, commons.IdentityData{Commons: w.lib, Identity: ada})
}

func (w *claimWorld) finalize(by, claimant person) error {
	_, err := w.do(by, commons.TypeIdentityFinalize, commons.IdentityData{Commons: w.lib, Identity: ada, Agent: claimant.id})
	return err
}

func (w *claimWorld) status(id string) string {
	if c := w.st.Commons.Claim(id); c != nil {
		return c.Status
	}
	return "none"
}

func TestStrangerClaimMapsNothing(t *testing.T) {
	w := newClaimWorld(t)
	// Eve claims Ada's identity and even commits under her own email a
	// line naming herself: not a proof for Ada's identity.
	w.importCommit("git:eve@example.org", "eve", w.eve.id)
	cl := w.claim(w.eve)
	if got := w.status(cl); got != commons.ClaimPending {
		t.Fatalf("eve's claim is %s, want pending", got)
	}
	if w.st.Commons.Identity(w.lib, ada) != "" {
		t.Fatal("a bare claim mapped the identity")
	}
	// Long after any window, nobody can finalize an unproven claim.
	w.tm += 10 * commons.ContestWindow
	if err := w.finalize(w.eve, w.eve); meent.ErrorCode(err) != meent.ERULE || !strings.Contains(err.Error(), "meent-claim: "+w.eve.id) {
		t.Fatalf("finalize of an unproven claim: %v", err)
	}
	if got := w.st.Commons.Contribution(commons.ImportedID(w.lib, fmt.Sprintf("%040x", 1))).Contributor; got != "" {
		t.Fatalf("ada's commit is credited to %q", got)
	}
	// A commit by Ada's identity naming someone else proves nothing for Eve.
	w.importCommit(ada, "ada names bo", w.bo.id)
	if got := w.status(cl); got != commons.ClaimPending {
		t.Fatalf("eve's claim is %s after a proof for bo", got)
	}
	// A maintainer rejects it; Eve may try again, and is pending again.
	w.refused(meent.EFORBIDDEN, w.ada, commons.TypeIdentityReject, commons.ContestData{Commons: w.lib, Identity: ada, Agent: w.eve.id, Reason: "not hers"})
	w.refused(meent.ERULE, w.maya, commons.TypeIdentityReject, commons.ContestData{Commons: w.lib, Identity: ada, Agent: w.eve.id})
	w.must(w.maya, commons.TypeIdentityReject, commons.ContestData{Commons: w.lib, Identity: ada, Agent: w.eve.id, Reason: "not hers"})
	if got := w.status(cl); got != commons.ClaimRejected {
		t.Fatalf("after the rejection: %s", got)
	}
	w.refused(meent.ERULE, w.maya, commons.TypeIdentityReject, commons.ContestData{Commons: w.lib, Identity: ada, Agent: w.eve.id, Reason: "again"})
	if got := w.status(w.claim(w.eve)); got != commons.ClaimPending {
		t.Fatalf("a new claim after a rejection: %s", got)
	}
}

func TestProvenClaim(t *testing.T) {
	for _, proofFirst := range []bool{false, true} {
		t.Run(fmt.Sprintf("proof first %v", proofFirst), func(t *testing.T) {
			w := newClaimWorld(t)
			var proof, cl string
			if proofFirst {
				proof = w.importCommit(ada, "claim", w.ada.id)
				cl = w.claim(w.ada)
			} else {
				cl = w.claim(w.ada)
				if got := w.status(cl); got != commons.ClaimPending {
					t.Fatalf("before the proof: %s", got)
				}
				proof = w.importCommit(ada, "claim", w.ada.id)
			}
			c := w.st.Commons.Claim(cl)
			if c.Status != commons.ClaimProven || c.Proof != proof || c.Ready != c.ProvenAt+commons.ContestWindow || c.ProvenAt < c.Time {
				t.Fatalf("proven claim: %+v", c)
			}
			// Not before the window has passed, whoever signs.
			if err := w.finalize(w.bo, w.ada); meent.ErrorCode(err) != meent.ERULE {
				t.Fatalf("finalize inside the window: %v", err)
			}
			w.tm = c.Ready - 1000 // the next event is at c.Ready exactly
			if err := w.finalize(w.bo, w.ada); err != nil {
				t.Fatalf("finalize at the end of the window: %v", err)
			}
			if got := w.status(cl); got != commons.ClaimEffective {
				t.Fatalf("after finalize: %s", got)
			}
			ms := w.st.Commons.Mappings(w.lib)
			if len(ms) != 1 || ms[0].Agent != w.ada.id || ms[0].Attested || ms[0].Claim != cl || ms[0].Proof != proof || ms[0].By != w.ada.id {
				t.Fatalf("mapping: %+v", ms)
			}
			if got := w.st.Commons.Contribution(commons.ImportedID(w.lib, fmt.Sprintf("%040x", 1))).Contributor; got != w.ada.id {
				t.Fatalf("ada's commit is credited to %q", got)
			}
			if err := w.finalize(w.ada, w.ada); meent.ErrorCode(err) != meent.ERULE {
				t.Fatalf("second finalize: %v", err)
			}
			w.refused(meent.ECONFLICT, w.ada, commons.TypeIdentityClaim, commons.IdentityData{Commons: w.lib, Identity: ada})
			w.refused(meent.ECONFLICT, w.eve, commons.TypeIdentityClaim, commons.IdentityData{Commons: w.lib, Identity: ada})
		})
	}
}

func TestContestedClaims(t *testing.T) {
	w := newClaimWorld(t)
	w.importCommit(ada, "claim", w.ada.id)
	real := w.claim(w.ada)
	// Only a maintainer or a rival claimant contests; not the claimant,
	// not a bystander.
	contest := func(p person, reason string) (string, error) {
		return w.do(p, commons.TypeIdentityContest, commons.ContestData{Commons: w.lib, Identity: ada, Agent: w.ada.id, Reason: reason})
	}
	w.refused(meent.EFORBIDDEN, w.bo, commons.TypeIdentityContest, commons.ContestData{Commons: w.lib, Identity: ada, Agent: w.ada.id, Reason: "x"})
	w.refused(meent.ERULE, w.ada, commons.TypeIdentityContest, commons.ContestData{Commons: w.lib, Identity: ada, Agent: w.ada.id, Reason: "x"})
	w.refused(meent.ERULE, w.maya, commons.TypeIdentityContest, commons.ContestData{Commons: w.lib, Identity: ada, Agent: w.eve.id, Reason: "x"})
	// A rival claim contests both.
	rival := w.claim(w.eve)
	if w.status(real) != commons.ClaimContested || w.status(rival) != commons.ClaimContested {
		t.Fatalf("rival claims: %s, %s", w.status(real), w.status(rival))
	}
	if _, err := contest(w.eve, "mine"); err != nil {
		t.Fatalf("a rival's contest: %v", err)
	}
	if _, err := contest(w.eve, "mine!"); meent.ErrorCode(err) != meent.ECONFLICT {
		t.Fatalf("a second contest: %v", err)
	}
	// Even long after the window, a contested claim waits for a maintainer.
	w.tm += 2 * commons.ContestWindow
	if err := w.finalize(w.ada, w.ada); meent.ErrorCode(err) != meent.ECONFLICT {
		t.Fatalf("finalize of a contested claim: %v", err)
	}
	// Rejecting the rival does not lift its objection: the maintainer decides.
	w.must(w.maya, commons.TypeIdentityReject, commons.ContestData{Commons: w.lib, Identity: ada, Agent: w.eve.id, Reason: "eve is not ada"})
	if err := w.finalize(w.ada, w.ada); meent.ErrorCode(err) != meent.ECONFLICT {
		t.Fatalf("finalize after the rival's rejection: %v", err)
	}
	w.must(w.maya, commons.TypeIdentityAttest, commons.IdentityData{Commons: w.lib, Identity: ada, Agent: w.ada.id})
	if w.status(real) != commons.ClaimConfirmed || w.status(rival) != commons.ClaimRejected {
		t.Fatalf("after the attestation: %s, %s", w.status(real), w.status(rival))
	}
	if w.st.Commons.Identity(w.lib, ada) != w.ada.id {
		t.Fatal("the attestation did not map")
	}
}

func TestMaintainerConfirmsAtOnce(t *testing.T) {
	w := newClaimWorld(t)
	cl := w.claim(w.ada)
	other := w.claim(w.bo)
	w.must(w.maya, commons.TypeIdentityAttest, commons.IdentityData{Commons: w.lib, Identity: ada, Agent: w.ada.id})
	if w.status(cl) != commons.ClaimConfirmed || w.status(other) != commons.ClaimRejected || w.st.Commons.Identity(w.lib, ada) != w.ada.id {
		t.Fatalf("confirmation: %s %s %q", w.status(cl), w.status(other), w.st.Commons.Identity(w.lib, ada))
	}
	c := w.st.Commons.Claim(cl)
	if c.Decided == 0 || c.DecidedBy != w.maya.id {
		t.Fatalf("decided: %+v", c)
	}
}

// TestClaimCannotBeBackdated: a claim opens no earlier than the latest
// event the commons rules accepted, so a claimant cannot date it weeks
// back to shorten its window.
func TestClaimCannotBeBackdated(t *testing.T) {
	w := newClaimWorld(t)
	proof := w.importCommit(ada, "claim", w.eve.id) // say Eve landed a commit under Ada's email
	now := w.tm
	e, err := ledger.Sign(w.eve.key, ledger.Body{Type: commons.TypeIdentityClaim, Author: w.eve.id, Time: now - 30*day,
		Data: commons.IdentityData{Commons: w.lib, Identity: ada}})
	if err != nil {
		t.Fatal(err)
	}
	ev, err := ledger.Decode(e)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.st.Apply(ev); err != nil {
		t.Fatal(err)
	}
	c := w.st.Commons.Claim(ev.Hash.String())
	if c.Time != now || c.Proof != proof || c.Ready != now+commons.ContestWindow {
		t.Fatalf("backdated claim: %+v (now %d)", c, now)
	}
	if err := w.finalize(w.eve, w.eve); meent.ErrorCode(err) != meent.ERULE {
		t.Fatalf("finalize right after a backdated claim: %v", err)
	}
	if !commons.FreshTime(commons.TypeIdentityClaim) || commons.FreshTime(commons.TypeIdentityFinalize) {
		t.Fatal("the node must check a claim's time")
	}
}

func TestProofThroughFork(t *testing.T) {
	w := newClaimWorld(t)
	w.importCommit(ada, "claim", w.ada.id)
	fork := w.must(w.bo, commons.TypeFork, commons.ForkData{Commons: w.lib, Name: "lib-ng"})
	w.importCommit(ada, "late", w.eve.id) // after the fork: not the fork's
	cl := w.must(w.ada, commons.TypeIdentityClaim, commons.IdentityData{Commons: fork, Identity: ada})
	if got := w.status(cl); got != commons.ClaimProven {
		t.Fatalf("claim in the fork with an upstream proof: %s", got)
	}
	cl = w.must(w.eve, commons.TypeIdentityClaim, commons.IdentityData{Commons: fork, Identity: ada})
	if c := w.st.Commons.Claim(cl); c.Proof != "" {
		t.Fatalf("a proof imported upstream after the fork counted: %+v", c)
	}
}

func TestImportClaimLines(t *testing.T) {
	w := newClaimWorld(t)
	a := w.ada.id
	for _, claims := range [][]string{{"abc"}, {strings.ToUpper(a)}, {a, a}, {a, w.bo.id, w.eve.id, w.maya.id, strings.Repeat("0", 64)}} {
		w.refused(meent.ERULE, w.maya, commons.TypeImport, commons.ImportData{Commons: w.lib, Commits: []commons.ImportedCommit{
			{Commit: strings.Repeat("f", 40), Identity: ada, Claims: claims},
		}})
	}
}

func TestClaimLineAgents(t *testing.T) {
	a, b := strings.Repeat("a", 64), strings.Repeat("b", 64)
	tests := []struct {
		msg  string
		want []string
	}{
		{"fix\n\nmeent-claim: " + a + "\n", []string{a}},
		{"Meent-Claim:" + strings.ToUpper(a), []string{a}},
		{"  meent-claim :  " + a + "  \r\nmeent-claim: " + b + "\nmeent-claim: " + a, []string{a, b}},
		{"meent-claim: " + a[:63], nil},
		{"meent-claim: " + a + "x", nil},
		{"see meent-claim: " + a, nil},
		{"meent-claims: " + a, nil},
		{"no claim", nil},
	}
	for _, tt := range tests {
		if got := commons.ClaimLineAgents(tt.msg); !slices.Equal(got, tt.want) {
			t.Errorf("%q: got %v, want %v", tt.msg, got, tt.want)
		}
	}
	var many []string
	for i := range 10 {
		many = append(many, fmt.Sprintf("meent-claim: %064x", i))
	}
	if got := commons.ClaimLineAgents(strings.Join(many, "\n")); len(got) != commons.MaxClaimLines {
		t.Errorf("%d agents, want at most %d", len(got), commons.MaxClaimLines)
	}
}

// TestClaimsProperty: whatever claims, proofs, contests, rejections,
// attestations, finalizations and waits happen in whatever order, an
// identity is mapped to an agent only by a maintainer's attestation or by
// a proven, uncontested claim at least ContestWindow after its proof; an
// agent no commit names and no maintainer attested never holds an
// identity; and a replay of the same events gives the same state.
func TestClaimsProperty(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		w := &claimWorld{world: newWorld(t)}
		w.maya = w.agent(1, "admin", person{})
		w.ada = w.agent(2, "", person{})
		w.eve = w.agent(3, "", person{})
		w.bo = w.agent(4, "", person{})
		w.lib = w.must(w.maya, commons.TypeCreate, commons.CreateData{Name: "lib", Kind: "software"})
		people := []person{w.maya, w.ada, w.eve, w.bo}
		honest := []person{w.ada, w.bo}                   // eve never gets a proof or an attestation
		identities := []string{ada, "git:bo@example.org"} // owned by honest[i]
		do := func(p person, typ string, data any) { w.do(p, typ, data) }
		for range rapid.IntRange(5, 60).Draw(rt, "steps") {
			i := rapid.IntRange(0, 1).Draw(rt, "identity")
			id, owner := identities[i], honest[i]
			who := rapid.SampledFrom(people).Draw(rt, "who")
			target := rapid.SampledFrom(people).Draw(rt, "target")
			// The honest steps come first: rapid draws small values more often.
			switch rapid.IntRange(0, 11).Draw(rt, "op") {
			case 0, 1:
				w.tm += rapid.Int64Range(0, 30*day).Draw(rt, "wait")
			case 2:
				do(owner, commons.TypeIdentityClaim, commons.IdentityData{Commons: w.lib, Identity: id})
			case 3, 4:
				w.commits++
				var claims []string
				if rapid.Bool().Draw(rt, "proof") {
					claims = []string{rapid.SampledFrom([]person{owner, owner, honest[1-i]}).Draw(rt, "named").id}
				}
				do(w.maya, commons.TypeImport, commons.ImportData{Commons: w.lib, Commits: []commons.ImportedCommit{
					{Commit: fmt.Sprintf("%040x", w.commits), Identity: id, Subject: "c", Claims: claims}}})
			case 5, 6:
				do(who, commons.TypeIdentityFinalize, commons.IdentityData{Commons: w.lib, Identity: id, Agent: owner.id})
			case 7:
				do(who, commons.TypeIdentityFinalize, commons.IdentityData{Commons: w.lib, Identity: id, Agent: target.id})
			case 8:
				do(who, commons.TypeIdentityClaim, commons.IdentityData{Commons: w.lib, Identity: id})
			case 9:
				do(who, commons.TypeIdentityContest, commons.ContestData{Commons: w.lib, Identity: id, Agent: target.id, Reason: "no"})
			case 10:
				do(who, commons.TypeIdentityReject, commons.ContestData{Commons: w.lib, Identity: id, Agent: target.id, Reason: "no"})
			case 11:
				if t := rapid.SampledFrom(honest).Draw(rt, "attested"); who.id == w.maya.id {
					do(w.maya, commons.TypeIdentityAttest, commons.IdentityData{Commons: w.lib, Identity: id, Agent: t.id})
				}
			}
			open := map[string]int{}
			for _, c := range w.st.Commons.Claims(w.lib) {
				if c.Open() {
					open[c.Identity]++
				}
				if c.Status == commons.ClaimEffective && (c.Proof == "" || len(c.Objections) > 0) {
					rt.Fatalf("an effective claim without proof or with objections: %+v", c)
				}
			}
			for _, m := range w.st.Commons.Mappings(w.lib) {
				if open[m.Identity] > 0 {
					rt.Fatalf("%s is mapped with open claims", m.Identity)
				}
				if m.Agent == w.eve.id {
					rt.Fatalf("the stranger holds %s: %+v", m.Identity, m)
				}
				if !m.Attested {
					c := w.st.Commons.Claim(m.Claim)
					k := w.st.Commons.Contribution(commons.ImportedID(w.lib, m.Proof))
					if c == nil || c.Agent != m.Agent || k == nil || k.Identity != m.Identity || k.Decided >= m.Index {
						rt.Fatalf("mapping %+v without a proven claim (%+v)", m, c)
					}
					if imported, finalized := w.log[k.Decided].Time, w.log[m.Index].Time; finalized < imported+commons.ContestWindow ||
						finalized < w.log[c.Index].Time+commons.ContestWindow {
						rt.Fatalf("mapping %+v finalized at %d, before the window after its proof (%d) or claim (%d)", m, finalized, imported, w.log[c.Index].Time)
					}
				}
			}
		}
		// Replay: the same events on a fresh state give the same digest.
		replay := state.New()
		for _, ev := range w.log {
			if err := replay.Apply(ev); err != nil {
				rt.Fatalf("replay: %v", err)
			}
		}
		if replay.Digest() != w.st.Digest() {
			rt.Fatal("a replay gives another state")
		}
	})
}

// FuzzClaimLineAgents: commit messages are anyone's text; whatever they
// hold, the agents read from them are few, distinct, well-formed and
// written in the message.
func FuzzClaimLineAgents(f *testing.F) {
	f.Add("fix\n\nmeent-claim: " + strings.Repeat("ab", 32) + "\n")
	f.Add("MEENT-CLAIM:" + strings.Repeat("F", 64) + "\r\nmeent-claim: x")
	f.Fuzz(func(t *testing.T, msg string) {
		got := commons.ClaimLineAgents(msg)
		if len(got) > commons.MaxClaimLines {
			t.Fatalf("%d agents", len(got))
		}
		for i, a := range got {
			if len(a) != 64 || strings.Trim(a, "0123456789abcdef") != "" || slices.Contains(got[:i], a) || !strings.Contains(strings.ToLower(msg), a) {
				t.Fatalf("agent %q from %q", a, msg)
			}
		}
	})
}
