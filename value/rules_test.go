package value_test

import (
	"bytes"
	"crypto/ed25519"
	"fmt"
	"strings"
	"testing"

	"github.com/go-json-experiment/json/jsontext"
	"pgregory.net/rapid"

	"github.com/meent/meent"
	"github.com/meent/meent/agent"
	"github.com/meent/meent/commons"
	"github.com/meent/meent/ledger"
	"github.com/meent/meent/private"
	"github.com/meent/meent/state"
	"github.com/meent/meent/value"
)

type person struct {
	key ed25519.PrivateKey
	id  string
}

type world struct {
	t  testing.TB
	st *state.State
	tm int64
}

func (w *world) do(p person, typ string, data any) (string, error) {
	w.tm += 1000
	e, err := ledger.Sign(p.key, ledger.Body{Type: typ, Author: p.id, Time: w.tm, Data: data})
	if err != nil {
		w.t.Fatal(err)
	}
	ev, err := ledger.Decode(e)
	if err != nil {
		w.t.Fatal(err)
	}
	return ev.Hash.String(), w.st.Apply(ev)
}

func (w *world) must(p person, typ string, data any) string {
	w.t.Helper()
	id, err := w.do(p, typ, data)
	if err != nil {
		w.t.Fatalf("%s: %v", typ, err)
	}
	return id
}

func (w *world) person(seed byte) person {
	p := person{key: ed25519.NewKeyFromSeed(bytes.Repeat([]byte{seed}, 32))}
	p.id = w.must(p, agent.TypeCreate, agent.CreateData{Kind: agent.Person, Name: "p"})
	return p
}

// community builds a commons with a maintainer and n accepted contributions
// by different people.
func community(t testing.TB, n int) (*world, person, string, []person) {
	w := &world{t: t, st: state.New(), tm: 1_750_000_000_000}
	maya := w.person(1)
	lib := w.must(maya, commons.TypeCreate, commons.CreateData{Name: "lib", Kind: "software"})
	var people []person
	for i := 0; i < n; i++ {
		p := w.person(byte(10 + i))
		people = append(people, p)
		k := w.must(p, commons.TypeSubmit, commons.SubmitData{Commons: lib, Kind: "code", Title: "work",
			Quantities: commons.Quantities{LinesAdded: int64(10 * (i + 1)), Minutes: int64(30 * (i + 1))}})
		w.must(maya, commons.TypeReview, commons.ReviewData{Contribution: k, Verdict: "accept"})
	}
	return w, maya, lib, people
}

func TestValueCycle(t *testing.T) {
	w, maya, lib, people := community(t, 5)
	stranger := people[0]

	// A policy that does not compile is refused with the position.
	bad := value.DefaultPolicy()
	bad.Default = "lines_added +"
	raw, _ := bad.Encode()
	_, err := w.do(maya, value.TypePolicySet, value.PolicySetData{Commons: lib, Policy: jsontext.Value(raw)})
	if meent.ErrorCode(err) != meent.EINVALID || !strings.Contains(err.Error(), "default:1:") {
		t.Fatalf("bad policy: %v", err)
	}
	split := value.DefaultPolicy()
	split.Split.Contributors = "1/2"
	raw, _ = split.Encode()
	if _, err := w.do(maya, value.TypePolicySet, value.PolicySetData{Commons: lib, Policy: jsontext.Value(raw)}); err == nil {
		t.Fatal("a split that does not add up was accepted")
	}
	good := value.DefaultPolicy()
	raw, _ = good.Encode()
	if _, err := w.do(stranger, value.TypePolicySet, value.PolicySetData{Commons: lib, Policy: jsontext.Value(raw)}); meent.ErrorCode(err) != meent.EFORBIDDEN {
		t.Fatalf("policy by a non-maintainer: %v", err)
	}
	w.must(maya, value.TypePolicySet, value.PolicySetData{Commons: lib, Policy: jsontext.Value(raw)})

	// Income, then its distribution: every cent lands somewhere.
	if _, err := w.do(maya, value.TypeIncomeRecord, value.IncomeData{Commons: lib, Kind: "donation", Amount: commons.Money{Amount: 100, Currency: "eur"}}); err == nil {
		t.Fatal("lower-case currency accepted")
	}
	inc := w.must(maya, value.TypeIncomeRecord, value.IncomeData{Commons: lib, Kind: "grant", Amount: commons.Money{Amount: 1_000_001, Currency: "EUR"}, Reference: "city grant 2026-17"})
	if _, err := w.do(maya, value.TypeDistributionRun, value.RunData{Income: inc, Digest: strings.Repeat("0", 64)}); meent.ErrorCode(err) != meent.ERULE {
		t.Fatalf("wrong digest: %v", err)
	}
	dist := w.must(maya, value.TypeDistributionRun, value.RunData{Income: inc})
	if _, err := w.do(maya, value.TypeDistributionRun, value.RunData{Income: inc}); meent.ErrorCode(err) != meent.ERULE {
		t.Fatalf("second distribution of one income: %v", err)
	}
	d := w.st.Value.Distribution(dist)
	var owed int64
	for _, b := range w.st.Value.Balances() {
		owed += b.Owed
	}
	if owed != 1_000_001 || d.PolicyVersion != 1 {
		t.Fatalf("balances owe %d of 1000001 (policy version %d)", owed, d.PolicyVersion)
	}
	// Everyone who contributed got something, and can see why.
	for _, p := range people {
		if d.Result.Amount(value.RecipientAgent, p.id) <= 0 {
			t.Fatalf("contributor %s got nothing", p.id)
		}
	}
	if len(d.Result.Explanations) != len(people) {
		t.Fatalf("%d explanations for %d contributors", len(d.Result.Explanations), len(people))
	}

	// Settle: never more than is open.
	p := people[2]
	open := d.Result.Amount(value.RecipientAgent, p.id)
	if _, err := w.do(maya, value.TypePayoutSettle, value.SettleData{Commons: lib, Kind: value.RecipientAgent, Recipient: p.id, Amount: commons.Money{Amount: open + 1, Currency: "EUR"}, Reference: "SEPA 1"}); meent.ErrorCode(err) != meent.ERULE {
		t.Fatalf("over-settle: %v", err)
	}
	w.must(maya, value.TypePayoutSettle, value.SettleData{Commons: lib, Kind: value.RecipientAgent, Recipient: p.id, Amount: commons.Money{Amount: open, Currency: "EUR"}, Reference: "SEPA 1"})
	if _, err := w.do(maya, value.TypePayoutSettle, value.SettleData{Commons: lib, Kind: value.RecipientAgent, Recipient: p.id, Amount: commons.Money{Amount: 1, Currency: "USD"}, Reference: "x"}); meent.ErrorCode(err) != meent.ERULE {
		t.Fatalf("settle in another currency: %v", err)
	}

	// A private reference: the event names only its commitment. One of
	// reference and ref_commitment is required; a commitment must be 64
	// lowercase hex digits.
	q := people[1]
	rec, err := private.Seal([]byte("NL91ABNA0417164300 / Q. Person"), maya.id, lib, 1)
	if err != nil {
		t.Fatal(err)
	}
	one := commons.Money{Amount: 1, Currency: "EUR"}
	for name, bad := range map[string]value.SettleData{
		"neither":          {Commons: lib, Kind: value.RecipientAgent, Recipient: q.id, Amount: one},
		"blank reference":  {Commons: lib, Kind: value.RecipientAgent, Recipient: q.id, Amount: one, Reference: "  ", RefCommitment: rec.Commitment.String()},
		"upper-case":       {Commons: lib, Kind: value.RecipientAgent, Recipient: q.id, Amount: one, RefCommitment: strings.ToUpper(rec.Commitment.String())},
		"short commitment": {Commons: lib, Kind: value.RecipientAgent, Recipient: q.id, Amount: one, RefCommitment: "abcd"},
	} {
		if _, err := w.do(maya, value.TypePayoutSettle, bad); meent.ErrorCode(err) != meent.ERULE {
			t.Errorf("settle with %s: %v", name, err)
		}
	}
	w.must(maya, value.TypePayoutSettle, value.SettleData{Commons: lib, Kind: value.RecipientAgent, Recipient: q.id, Amount: one, RefCommitment: rec.Commitment.String()})
	w.must(maya, value.TypePayoutSettle, value.SettleData{Commons: lib, Kind: value.RecipientAgent, Recipient: q.id, Amount: one, Reference: "batch 7", RefCommitment: rec.Commitment.String()})
	var found int
	for _, b := range w.st.Value.Balances() {
		for _, st := range b.Settlements {
			if st.RefCommitment == rec.Commitment.String() {
				found++
			}
		}
	}
	if found != 2 {
		t.Errorf("%d settlements carry the commitment, want 2", found)
	}
}

// TestValueConservation: whatever incomes, distributions and settlements
// happen, the balances owe exactly the distributed incomes, and nothing is
// ever paid beyond what is owed.
func TestValueConservation(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		w, maya, lib, people := community(t, rapid.IntRange(1, 6).Draw(rt, "people"))
		// Imported commits by identities that may or may not be mapped later.
		identities := []string{"git:ada@example.org", "git:bo@example.org", "git:cy@example.org"}
		var commits []commons.ImportedCommit
		for i := rapid.IntRange(0, 6).Draw(rt, "commits"); i > 0; i-- {
			var claims []string // some commits prove a claim of one of the people
			if rapid.Bool().Draw(rt, "proof") {
				claims = []string{rapid.SampledFrom(people).Draw(rt, "named").id}
			}
			commits = append(commits, commons.ImportedCommit{Commit: fmt.Sprintf("%040x", i), Identity: rapid.SampledFrom(identities).Draw(rt, "author"),
				Time: w.tm, Subject: "commit", LinesAdded: rapid.Int64Range(0, 500).Draw(rt, "lines"), Claims: claims})
		}
		// A stranger, never named by a commit nor attested, claims, waits
		// and finalizes as she likes: she is never owed anything.
		stranger := w.person(99)
		claimers := append([]person{stranger}, people...)
		if len(commits) > 0 {
			w.must(maya, commons.TypeImport, commons.ImportData{Commons: lib, Commits: commits})
		}
		var distributed int64
		var incomes []string
		for i := rapid.IntRange(1, 12).Draw(rt, "steps"); i > 0; i-- {
			switch rapid.IntRange(0, 7).Draw(rt, "op") {
			case 3:
				p := rapid.SampledFrom(claimers).Draw(rt, "claimer")
				w.do(p, commons.TypeIdentityClaim, commons.IdentityData{Commons: lib, Identity: rapid.SampledFrom(identities).Draw(rt, "identity")})
			case 5:
				w.tm += rapid.Int64Range(0, 2*commons.ContestWindow).Draw(rt, "wait")
			case 6:
				p := rapid.SampledFrom(claimers).Draw(rt, "claimant")
				w.do(p, commons.TypeIdentityFinalize, commons.IdentityData{Commons: lib, Identity: rapid.SampledFrom(identities).Draw(rt, "identity"), Agent: p.id})
			case 7:
				p := rapid.SampledFrom(people).Draw(rt, "attested")
				w.do(maya, commons.TypeIdentityAttest, commons.IdentityData{Commons: lib, Identity: rapid.SampledFrom(identities).Draw(rt, "identity"), Agent: p.id})
			case 4:
				id := rapid.SampledFrom(identities).Draw(rt, "identity")
				w.do(maya, value.TypePayoutSettle, value.SettleData{Commons: lib, Kind: value.RecipientIdentity, Recipient: id,
					Amount: commons.Money{Amount: rapid.Int64Range(1, 1<<30).Draw(rt, "pay"), Currency: "EUR"}, Reference: "bank"})
			case 0:
				amt := rapid.Int64Range(0, 1<<40).Draw(rt, "amount")
				id, err := w.do(maya, value.TypeIncomeRecord, value.IncomeData{Commons: lib, Kind: "sale", Amount: commons.Money{Amount: amt, Currency: "EUR"}})
				if err == nil {
					incomes = append(incomes, id)
				}
			case 1:
				if len(incomes) == 0 {
					continue
				}
				id := rapid.SampledFrom(incomes).Draw(rt, "income")
				if _, err := w.do(maya, value.TypeDistributionRun, value.RunData{Income: id}); err == nil {
					distributed += w.st.Value.Income(id).Amount.Amount
				}
			case 2:
				p := rapid.SampledFrom(people).Draw(rt, "who")
				w.do(maya, value.TypePayoutSettle, value.SettleData{Commons: lib, Kind: value.RecipientAgent, Recipient: p.id,
					Amount: commons.Money{Amount: rapid.Int64Range(1, 1<<38).Draw(rt, "pay"), Currency: "EUR"}, Reference: "bank"})
			}
			var owed int64
			for _, b := range w.st.Value.Balances() {
				owed += b.Owed - b.Moved
				if b.Open() < 0 || b.Paid < 0 || b.Moved < 0 {
					rt.Fatalf("balance owed %d, paid %d, moved %d", b.Owed, b.Paid, b.Moved)
				}
				if b.Kind == value.RecipientIdentity && b.Open() > 0 && w.st.Commons.Identity(lib, b.Recipient) != "" {
					rt.Fatalf("%s is mapped but %d is still kept for the identity", b.Recipient, b.Open())
				}
			}
			if got := balance(w, lib, value.RecipientAgent, stranger.id); got != 0 {
				rt.Fatalf("the stranger is owed %d", got)
			}
			if owed != distributed {
				rt.Fatalf("balances owe %d, distributions gave %d", owed, distributed)
			}
		}
	})
}

// TestIdentityValueKept: the value of an unmapped git identity is kept for
// it; a stranger's claim moves none of it; it moves to the agent whose
// claim is proven and finalized after the contest window, or at once to
// the agent a maintainer confirms.
func TestIdentityValueKept(t *testing.T) {
	for _, path := range []string{"proven", "confirmed"} {
		t.Run(path, func(t *testing.T) {
			w, maya, lib, people := community(t, 3)
			ada, eve := people[1], people[2]
			w.must(maya, commons.TypeImport, commons.ImportData{Commons: lib, Commits: []commons.ImportedCommit{
				{Commit: strings.Repeat("1", 40), Identity: "git:ada@example.org", Time: w.tm, Subject: "a", LinesAdded: 400},
			}})
			inc := w.must(maya, value.TypeIncomeRecord, value.IncomeData{Commons: lib, Kind: "donation", Amount: commons.Money{Amount: 10_000, Currency: "EUR"}})
			dist := w.must(maya, value.TypeDistributionRun, value.RunData{Income: inc})
			kept := w.st.Value.Distribution(dist).Result.Amount(value.RecipientIdentity, "git:ada@example.org")
			if kept <= 0 {
				t.Fatalf("the identity was given %d", kept)
			}
			adaBefore, eveBefore := balance(w, lib, value.RecipientAgent, ada.id), balance(w, lib, value.RecipientAgent, eve.id)

			// Eve claims first and waits: nothing moves, ever.
			w.must(eve, commons.TypeIdentityClaim, commons.IdentityData{Commons: lib, Identity: "git:ada@example.org"})
			w.tm += 2 * commons.ContestWindow
			if _, err := w.do(eve, commons.TypeIdentityFinalize, commons.IdentityData{Commons: lib, Identity: "git:ada@example.org", Agent: eve.id}); err == nil {
				t.Fatal("an unproven claim was finalized")
			}
			if got := balance(w, lib, value.RecipientAgent, eve.id); got != eveBefore {
				t.Fatalf("the stranger's claim moved %d to her", got-eveBefore)
			}
			if got := balance(w, lib, value.RecipientIdentity, "git:ada@example.org"); got != kept {
				t.Fatalf("%d is kept for the identity, want %d", got, kept)
			}
			w.must(maya, commons.TypeIdentityReject, commons.ContestData{Commons: lib, Identity: "git:ada@example.org", Agent: eve.id, Reason: "not her commits"})

			w.must(ada, commons.TypeIdentityClaim, commons.IdentityData{Commons: lib, Identity: "git:ada@example.org"})
			if got := balance(w, lib, value.RecipientAgent, ada.id); got != adaBefore {
				t.Fatalf("ada's bare claim moved %d", got-adaBefore)
			}
			switch path {
			case "proven":
				w.must(maya, commons.TypeImport, commons.ImportData{Commons: lib, Commits: []commons.ImportedCommit{
					{Commit: strings.Repeat("2", 40), Identity: "git:ada@example.org", Time: w.tm, Subject: "claim", Claims: []string{ada.id}},
				}})
				if _, err := w.do(ada, commons.TypeIdentityFinalize, commons.IdentityData{Commons: lib, Identity: "git:ada@example.org", Agent: ada.id}); err == nil {
					t.Fatal("finalized inside the contest window")
				}
				if got := balance(w, lib, value.RecipientAgent, ada.id); got != adaBefore {
					t.Fatalf("a proven claim moved %d inside the window", got-adaBefore)
				}
				w.tm += commons.ContestWindow
				w.must(people[0], commons.TypeIdentityFinalize, commons.IdentityData{Commons: lib, Identity: "git:ada@example.org", Agent: ada.id})
			case "confirmed":
				w.must(maya, commons.TypeIdentityAttest, commons.IdentityData{Commons: lib, Identity: "git:ada@example.org", Agent: ada.id})
			}
			if got := balance(w, lib, value.RecipientAgent, ada.id); got != adaBefore+kept {
				t.Fatalf("ada is owed %d, want %d + %d", got, adaBefore, kept)
			}
			if got := balance(w, lib, value.RecipientIdentity, "git:ada@example.org"); got != 0 {
				t.Fatalf("%d is still kept for the identity", got)
			}
			if got := balance(w, lib, value.RecipientAgent, eve.id); got != eveBefore {
				t.Fatalf("eve is owed %d, want %d", got, eveBefore)
			}
			// A settlement of the identity is now refused: nothing is open.
			if _, err := w.do(maya, value.TypePayoutSettle, value.SettleData{Commons: lib, Kind: value.RecipientIdentity, Recipient: "git:ada@example.org",
				Amount: commons.Money{Amount: 1, Currency: "EUR"}, Reference: "x"}); meent.ErrorCode(err) != meent.ERULE {
				t.Fatalf("settling a moved balance: %v", err)
			}
		})
	}
}

func balance(w *world, commonsID, kind, recipient string) int64 {
	for _, b := range w.st.Value.Balances() {
		if b.Commons == commonsID && b.Kind == kind && b.Recipient == recipient {
			return b.Open()
		}
	}
	return 0
}

// TestStrangerClaimMovesNothing: the attack of issue 9 item 2 in the
// rules: a stranger signs an identity.claim for someone else's git
// identity; nothing kept for the identity may move to her.
func TestStrangerClaimMovesNothing(t *testing.T) {
	w, maya, lib, people := community(t, 1)
	w.must(maya, commons.TypeImport, commons.ImportData{Commons: lib, Commits: []commons.ImportedCommit{
		{Commit: strings.Repeat("1", 40), Identity: "git:ada@example.org", Time: w.tm, Subject: "a", LinesAdded: 400},
	}})
	inc := w.must(maya, value.TypeIncomeRecord, value.IncomeData{Commons: lib, Kind: "donation", Amount: commons.Money{Amount: 10_000, Currency: "EUR"}})
	dist := w.must(maya, value.TypeDistributionRun, value.RunData{Income: inc})
	kept := w.st.Value.Distribution(dist).Result.Amount(value.RecipientIdentity, "git:ada@example.org")
	eve := people[0]
	before := balance(w, lib, value.RecipientAgent, eve.id)
	w.must(eve, commons.TypeIdentityClaim, commons.IdentityData{Commons: lib, Identity: "git:ada@example.org"})
	if got := balance(w, lib, value.RecipientAgent, eve.id); got != before {
		t.Errorf("the stranger's claim moved %d to her", got-before)
	}
	if got := balance(w, lib, value.RecipientIdentity, "git:ada@example.org"); got != kept {
		t.Errorf("%d is kept for the identity, want %d", got, kept)
	}
	if got := w.st.Commons.Identity(lib, "git:ada@example.org"); got != "" {
		t.Errorf("the identity maps to %s", got)
	}
}
