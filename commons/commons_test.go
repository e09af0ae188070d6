package commons_test

import (
	"bytes"
	"crypto/ed25519"
	"slices"
	"testing"

	"pgregory.net/rapid"

	"github.com/meent/meent"
	"github.com/meent/meent/agent"
	"github.com/meent/meent/commons"
	"github.com/meent/meent/ledger"
	"github.com/meent/meent/state"
)

const day = 24 * 60 * 60 * 1000

type person struct {
	key ed25519.PrivateKey
	id  string
}

type world struct {
	t   testing.TB
	st  *state.State
	tm  int64
	log []*ledger.Event // the accepted events, in log order
}

func newWorld(t testing.TB) *world { return &world{t: t, st: state.New(), tm: 1_700_000_000_000} }

func (w *world) sign(p person, typ string, data any) *ledger.Event {
	w.tm += 1000
	e, err := ledger.Sign(p.key, ledger.Body{Type: typ, Author: p.id, Time: w.tm, Data: data})
	if err != nil {
		w.t.Fatal(err)
	}
	ev, err := ledger.Decode(e)
	if err != nil {
		w.t.Fatal(err)
	}
	return ev
}

func (w *world) do(p person, typ string, data any) (string, error) {
	ev := w.sign(p, typ, data)
	err := w.st.Apply(ev)
	if err == nil {
		w.log = append(w.log, ev)
	}
	return ev.Hash.String(), err
}

func (w *world) must(p person, typ string, data any) string {
	w.t.Helper()
	id, err := w.do(p, typ, data)
	if err != nil {
		w.t.Fatalf("%s: %v", typ, err)
	}
	return id
}

func (w *world) refused(code string, p person, typ string, data any) {
	w.t.Helper()
	before := w.st.Digest()
	_, err := w.do(p, typ, data)
	if got := meent.ErrorCode(err); got != code {
		w.t.Fatalf("%s: code %q (%v), want %q", typ, got, err, code)
	}
	if w.st.Digest() != before {
		w.t.Fatalf("refused %s changed the state", typ)
	}
}

func (w *world) agent(seed byte, role string, admin person) person {
	k := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{seed}, 32))
	p := person{key: k}
	p.id = w.must(p, agent.TypeCreate, agent.CreateData{Kind: agent.Person, Name: "p"})
	if role != "" {
		if admin.id == "" {
			admin = p
		}
		w.must(admin, agent.TypeMemberSet, agent.MemberData{Agent: p.id, Role: role})
	}
	return p
}

func TestContributionLifecycle(t *testing.T) {
	w := newWorld(t)
	admin := w.agent(1, agent.RoleAdmin, person{})
	maya := w.agent(2, agent.RoleMember, admin)
	joost := w.agent(3, agent.RoleMember, admin)
	amina := w.agent(4, agent.RoleMember, admin)
	stranger := w.agent(5, "", admin)

	lib := w.must(maya, commons.TypeCreate, commons.CreateData{Name: "libfoo", Kind: "software", Approvals: 2, Links: []string{"https://example.org/libfoo"}})
	w.refused(meent.EFORBIDDEN, stranger, commons.TypeMaintainerAdd, commons.MaintainerData{Commons: lib, Agent: stranger.id})
	w.must(maya, commons.TypeMaintainerAdd, commons.MaintainerData{Commons: lib, Agent: joost.id})
	w.must(maya, commons.TypeMaintainerAdd, commons.MaintainerData{Commons: lib, Agent: amina.id})

	// Anyone contributes without asking.
	w.refused(meent.ERULE, stranger, commons.TypeSubmit, commons.SubmitData{Commons: "00" + lib[2:], Kind: "code", Title: "x"})
	w.refused(meent.ERULE, stranger, commons.TypeSubmit, commons.SubmitData{Commons: lib, Kind: "poetry", Title: "x"})
	w.refused(meent.ERULE, stranger, commons.TypeSubmit, commons.SubmitData{Commons: lib, Kind: "code", Title: "x", Evidence: []commons.Evidence{{URL: "https://a", Blob: "ab"}}})
	fix := w.must(stranger, commons.TypeSubmit, commons.SubmitData{Commons: lib, Kind: "code", Title: "Fix overflow",
		Evidence:   []commons.Evidence{{Commit: "0123456789abcdef0123456789abcdef01234567"}},
		Quantities: commons.Quantities{LinesAdded: 10, LinesRemoved: 2, Minutes: 90}})
	if got := w.st.Commons.Contribution(fix).Status; got != commons.Pending {
		t.Fatalf("status %s", got)
	}

	// Review after the fact: non-maintainers and self-review refused;
	// two approvals needed; the same verdict twice refused.
	w.refused(meent.EFORBIDDEN, stranger, commons.TypeReview, commons.ReviewData{Contribution: fix, Verdict: "accept"})
	w.refused(meent.ERULE, maya, commons.TypeReview, commons.ReviewData{Contribution: fix, Verdict: "reject"}) // no reason
	w.must(maya, commons.TypeReview, commons.ReviewData{Contribution: fix, Verdict: "accept"})
	w.refused(meent.ERULE, maya, commons.TypeReview, commons.ReviewData{Contribution: fix, Verdict: "accept"})
	if got := w.st.Commons.Contribution(fix).Status; got != commons.Pending {
		t.Fatalf("one of two approvals: status %s", got)
	}
	w.must(joost, commons.TypeReview, commons.ReviewData{Contribution: fix, Verdict: "accept"})
	if got := w.st.Commons.Contribution(fix).Status; got != commons.Accepted {
		t.Fatalf("two approvals: status %s", got)
	}
	own := w.must(maya, commons.TypeSubmit, commons.SubmitData{Commons: lib, Kind: "documentation", Title: "Docs"})
	w.refused(meent.EFORBIDDEN, maya, commons.TypeReview, commons.ReviewData{Contribution: own, Verdict: "accept"})

	// Changes asked, revised, rejected, disputed, resolved by others.
	w.must(joost, commons.TypeReview, commons.ReviewData{Contribution: own, Verdict: "changes", Reason: "add an example"})
	w.refused(meent.EFORBIDDEN, joost, commons.TypeRevise, commons.ReviseData{Contribution: own, Title: "Docs"})
	w.must(maya, commons.TypeRevise, commons.ReviseData{Contribution: own, Title: "Docs with example"})
	w.must(joost, commons.TypeReview, commons.ReviewData{Contribution: own, Verdict: "reject", Reason: "duplicate of #3"})
	w.must(maya, commons.TypeDispute, commons.DisputeData{Contribution: own, Reason: "it is not a duplicate"})
	w.refused(meent.EFORBIDDEN, joost, commons.TypeResolve, commons.ResolveData{Contribution: own, Outcome: "uphold", Reason: "r"})
	w.refused(meent.EFORBIDDEN, maya, commons.TypeResolve, commons.ResolveData{Contribution: own, Outcome: "overturn", Reason: "r"})
	w.must(amina, commons.TypeResolve, commons.ResolveData{Contribution: own, Outcome: "overturn", Reason: "not a duplicate indeed"})
	k := w.st.Commons.Contribution(own)
	if k.Status != commons.Pending || len(k.History) != 6 {
		t.Fatalf("after overturn: %s, %d steps", k.Status, len(k.History))
	}

	// A maintainer's own work needs only as many accepts as there are
	// other maintainers: in a commons of three wanting two, that is two;
	// remove one and a single accept suffices.
	w.must(joost, commons.TypeReview, commons.ReviewData{Contribution: own, Verdict: "accept"})
	if got := w.st.Commons.Contribution(own).Status; got != commons.Pending {
		t.Fatalf("own work with 1 of 2: %s", got)
	}
	w.must(maya, commons.TypeMaintainerRemove, commons.MaintainerData{Commons: lib, Agent: amina.id})
	if got := w.st.Commons.Contribution(own).Status; got != commons.Accepted {
		t.Fatalf("own work after the other maintainers shrank to one: %s", got)
	}
	// Acceptance is judged when it happens: appointing a maintainer again
	// afterwards, so that the commons' number is no longer met, leaves it
	// accepted (the property test once judged it against the later count).
	w.must(maya, commons.TypeMaintainerAdd, commons.MaintainerData{Commons: lib, Agent: amina.id})
	if k := w.st.Commons.Contribution(own); k.Status != commons.Accepted || len(k.Approvals) != 1 {
		t.Fatalf("own work after a maintainer was appointed again: %s with %d approvals", k.Status, len(k.Approvals))
	}

	// Endorsement: members only, once, not one's own.
	w.refused(meent.EFORBIDDEN, stranger, commons.TypeEndorse, commons.RefData{Contribution: own})
	w.refused(meent.ERULE, maya, commons.TypeEndorse, commons.RefData{Contribution: own})
	w.must(joost, commons.TypeEndorse, commons.RefData{Contribution: own})
	w.refused(meent.ERULE, joost, commons.TypeEndorse, commons.RefData{Contribution: own})

	// Fork: keeps the upstream contributions accepted before it.
	fork := w.must(stranger, commons.TypeFork, commons.ForkData{Commons: lib, Name: "libfoo-ng"})
	later := w.must(stranger, commons.TypeSubmit, commons.SubmitData{Commons: lib, Kind: "code", Title: "After the fork"})
	mine := w.must(stranger, commons.TypeSubmit, commons.SubmitData{Commons: fork, Kind: "code", Title: "In the fork"})
	rec := w.st.Commons.Recognised(fork)
	if rec[fix] != lib || rec[mine] != fork || rec[later] != "" || rec[own] != lib {
		t.Fatalf("fork recognises %v", rec)
	}
	if f := w.st.Commons.Commons(fork); f.ForkOf != lib || f.Approvals != 2 || f.Maintainers[0] != stranger.id {
		t.Fatalf("fork %+v", f)
	}
	if up := w.st.Commons.Commons(lib); len(up.Forks) != 1 || up.Forks[0] != fork {
		t.Fatalf("upstream forks %v", up.Forks)
	}
	w.refused(meent.EFORBIDDEN, maya, commons.TypeMaintainerRemove, commons.MaintainerData{Commons: fork, Agent: stranger.id})
	w.refused(meent.ERULE, stranger, commons.TypeMaintainerRemove, commons.MaintainerData{Commons: fork, Agent: stranger.id})
}

func TestNeedsBoard(t *testing.T) {
	w := newWorld(t)
	admin := w.agent(1, agent.RoleAdmin, person{})
	maya := w.agent(2, agent.RoleMember, admin)
	a, b, c := w.agent(3, agent.RoleMember, admin), w.agent(4, agent.RoleMember, admin), w.agent(5, "", admin)
	lib := w.must(maya, commons.TypeCreate, commons.CreateData{Name: "lib", Kind: "software"})
	need := w.must(c, commons.TypeNeedPost, commons.NeedData{Commons: lib, Title: "Windows build", MaxClaimants: 2, Bounty: &commons.Money{Amount: 5000, Currency: "EUR"}})

	w.refused(meent.EFORBIDDEN, c, commons.TypeNeedSignal, commons.SignalData{Need: need, Kind: "plus_one"})
	w.must(a, commons.TypeNeedSignal, commons.SignalData{Need: need, Kind: "plus_one"})
	w.refused(meent.ERULE, a, commons.TypeNeedSignal, commons.SignalData{Need: need, Kind: "plus_one"})
	w.must(a, commons.TypeNeedSignal, commons.SignalData{Need: need, Kind: "priority", Priority: 4})
	w.refused(meent.ERULE, b, commons.TypeNeedSignal, commons.SignalData{Need: need, Kind: "pledge", Pledge: &commons.Money{Amount: 100, Currency: "USD"}})
	w.must(b, commons.TypeNeedSignal, commons.SignalData{Need: need, Kind: "pledge", Pledge: &commons.Money{Amount: 2500, Currency: "EUR"}})
	w.must(b, commons.TypeNeedSignal, commons.SignalData{Need: need, Kind: "pledge", Pledge: &commons.Money{Amount: 3000, Currency: "EUR"}})
	if got := w.st.Commons.Need(need).PledgeTotal(); got.Amount != 3000 {
		t.Fatalf("pledges replace: total %d", got.Amount)
	}

	w.must(a, commons.TypeNeedClaim, commons.ClaimData{Need: need})
	w.refused(meent.ERULE, a, commons.TypeNeedClaim, commons.ClaimData{Need: need})
	w.must(b, commons.TypeNeedClaim, commons.ClaimData{Need: need, LeaseDays: 1})
	w.refused(meent.ERULE, c, commons.TypeNeedClaim, commons.ClaimData{Need: need}) // limit 2
	w.refused(meent.ERULE, c, commons.TypeNeedClaim, commons.ClaimData{Need: need, LeaseDays: 31})
	// Two days later b's one-day lease has lapsed by itself: c may claim.
	w.tm += 2 * day
	if n := w.st.Commons.Need(need); len(n.ActiveClaims(w.tm)) != 1 {
		t.Fatalf("active claims after b's lease: %v", n.ActiveClaims(w.tm))
	}
	w.refused(meent.ERULE, b, commons.TypeNeedRenew, commons.ClaimData{Need: need})
	w.must(c, commons.TypeNeedClaim, commons.ClaimData{Need: need})
	w.must(a, commons.TypeNeedRenew, commons.ClaimData{Need: need, LeaseDays: 14})
	w.must(c, commons.TypeNeedRelease, commons.RefData{Need: need})

	// An accepted contribution answering it closes it.
	k := w.must(a, commons.TypeSubmit, commons.SubmitData{Commons: lib, Kind: "code", Title: "Windows CI", Need: need})
	w.must(maya, commons.TypeReview, commons.ReviewData{Contribution: k, Verdict: "accept"})
	n := w.st.Commons.Need(need)
	if n.Status != commons.NeedClosed || n.ClosedBy != k || len(n.Claims) != 0 {
		t.Fatalf("need after answer: %+v", n)
	}
	w.refused(meent.ERULE, b, commons.TypeNeedClaim, commons.ClaimData{Need: need})
	w.refused(meent.ERULE, b, commons.TypeNeedSignal, commons.SignalData{Need: need, Kind: "plus_one"})
}

// TestStateMachinesProperty fires random events from random agents at a
// small world and checks the invariants: a refused event changes nothing;
// no contribution is accepted without enough approvals from maintainers
// other than its contributor, judged against the commons as it was when
// the contribution was accepted (maintainers and the number may change
// afterwards), and an accepted contribution stays as it was accepted; closed needs hold no claims; every claim's
// lease ends within the maximum; a need never has more live claims than
// its limit; pledges to a need share one currency.
func TestStateMachinesProperty(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		w := newWorld(t)
		admin := w.agent(1, agent.RoleAdmin, person{})
		people := []person{admin}
		for i := byte(2); i < 6; i++ {
			role := ""
			if i%2 == 0 {
				role = agent.RoleMember
			}
			people = append(people, w.agent(i, role, admin))
		}
		var comms, contribs, needs []string
		accepted := map[string][]string{} // approvals as they were at acceptance
		pick := func(xs []string, label string) string {
			if len(xs) == 0 {
				return "none"
			}
			return rapid.SampledFrom(xs).Draw(rt, label)
		}
		steps := rapid.IntRange(5, 80).Draw(rt, "steps")
		for i := 0; i < steps; i++ {
			p := rapid.SampledFrom(people).Draw(rt, "who")
			w.tm += rapid.Int64Range(0, 3*day).Draw(rt, "wait")
			var typ string
			var data any
			switch rapid.IntRange(0, 11).Draw(rt, "op") {
			case 0:
				typ, data = commons.TypeCreate, commons.CreateData{Name: "c", Kind: "software", Approvals: rapid.IntRange(1, 3).Draw(rt, "appr")}
			case 1:
				typ, data = commons.TypeMaintainerAdd, commons.MaintainerData{Commons: pick(comms, "c"), Agent: rapid.SampledFrom(people).Draw(rt, "m").id}
			case 2:
				typ, data = commons.TypeSubmit, commons.SubmitData{Commons: pick(comms, "c"), Kind: "code", Title: "t", Need: rapid.SampledFrom([]string{"", pick(needs, "n")}).Draw(rt, "need")}
			case 3:
				typ, data = commons.TypeReview, commons.ReviewData{Contribution: pick(contribs, "k"), Verdict: rapid.SampledFrom([]string{"accept", "reject", "changes"}).Draw(rt, "v"), Reason: "r"}
			case 4:
				typ, data = commons.TypeRevise, commons.ReviseData{Contribution: pick(contribs, "k"), Title: "t2"}
			case 5:
				typ, data = commons.TypeDispute, commons.DisputeData{Contribution: pick(contribs, "k"), Reason: "r"}
			case 6:
				typ, data = commons.TypeResolve, commons.ResolveData{Contribution: pick(contribs, "k"), Outcome: rapid.SampledFrom([]string{"uphold", "overturn"}).Draw(rt, "o"), Reason: "r"}
			case 7:
				typ, data = commons.TypeNeedPost, commons.NeedData{Commons: pick(comms, "c"), Title: "n", MaxClaimants: rapid.IntRange(1, 3).Draw(rt, "max")}
			case 8:
				typ, data = commons.TypeNeedClaim, commons.ClaimData{Need: pick(needs, "n"), LeaseDays: rapid.IntRange(0, 31).Draw(rt, "days")}
			case 9:
				typ, data = rapid.SampledFrom([]string{commons.TypeNeedRenew, commons.TypeNeedRelease}).Draw(rt, "lease"), nil
				if typ == commons.TypeNeedRenew {
					data = commons.ClaimData{Need: pick(needs, "n")}
				} else {
					data = commons.RefData{Need: pick(needs, "n")}
				}
			case 10:
				typ, data = commons.TypeNeedSignal, commons.SignalData{Need: pick(needs, "n"), Kind: "pledge", Pledge: &commons.Money{Amount: 100, Currency: rapid.SampledFrom([]string{"EUR", "USD"}).Draw(rt, "cur")}}
			case 11:
				typ, data = commons.TypeNeedClose, commons.CloseData{Need: pick(needs, "n"), Reason: "done"}
			}
			before := w.st.Digest()
			id, err := w.do(p, typ, data)
			if err != nil {
				if w.st.Digest() != before {
					rt.Fatalf("refused %s changed the state", typ)
				}
				continue
			}
			switch typ {
			case commons.TypeCreate:
				comms = append(comms, id)
			case commons.TypeSubmit:
				contribs = append(contribs, id)
			case commons.TypeNeedPost:
				needs = append(needs, id)
			}
			for _, kid := range contribs {
				k := w.st.Commons.Contribution(kid)
				if k.Status != commons.Accepted {
					continue
				}
				if was, ok := accepted[kid]; ok {
					// Acceptance is final: later events (a maintainer
					// added, the number raised) do not undo it or add to it.
					if !slices.Equal(was, k.Approvals) {
						rt.Fatalf("approvals of accepted %s changed from %v to %v", kid, was, k.Approvals)
					}
					continue
				}
				// Accepted by this event, so the commons as it is now is the
				// commons the rule judged: enough approvals from distinct
				// maintainers other than the contributor, the commons' number
				// or every such maintainer if there are fewer, and never
				// accepted while no other maintainer exists.
				c := w.st.Commons.Commons(k.Commons)
				eligible := 0
				for _, m := range c.Maintainers {
					if m != k.Contributor {
						eligible++
					}
				}
				want := min(c.Approvals, eligible)
				if eligible == 0 || len(k.Approvals) < want {
					rt.Fatalf("accepted with %d approvals (commons wants %d, has %d other maintainers)", len(k.Approvals), c.Approvals, eligible)
				}
				seen := map[string]bool{}
				for _, a := range k.Approvals {
					if a == k.Contributor {
						rt.Fatal("self-approval")
					}
					if seen[a] {
						rt.Fatalf("%s approved twice", a)
					}
					seen[a] = true
				}
				accepted[kid] = slices.Clone(k.Approvals)
			}
			for _, nid := range needs {
				n := w.st.Commons.Need(nid)
				if n.Status == commons.NeedClosed && len(n.Claims) > 0 {
					rt.Fatal("closed need holds claims")
				}
				if len(n.ActiveClaims(w.tm)) > n.MaxClaimants {
					rt.Fatal("more live claims than the limit")
				}
				for _, c := range n.Claims {
					if c.Expires > c.Since+int64(commons.MaxLease)*day || c.Expires <= c.Since {
						rt.Fatalf("lease from %d to %d does not end within the maximum", c.Since, c.Expires)
					}
					// Every lease ends: past its expiry it is not active.
					if len(n.ActiveClaims(c.Expires)) > 0 && slicesHas(n.ActiveClaims(c.Expires), c.Agent, c.Expires) {
						rt.Fatal("a claim is still active at its expiry")
					}
				}
				cur := ""
				for _, pl := range n.Pledges {
					if cur != "" && pl.Currency != cur {
						rt.Fatal("pledges mix currencies")
					}
					cur = pl.Currency
				}
			}
		}
	})
}

func slicesHas(cs []commons.Claim, agent string, expires int64) bool {
	for _, c := range cs {
		if c.Agent == agent && c.Expires == expires {
			return true
		}
	}
	return false
}
