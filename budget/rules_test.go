package budget_test

import (
	"bytes"
	"crypto/ed25519"
	"fmt"
	"testing"

	"pgregory.net/rapid"

	"github.com/meent/meent"
	"github.com/meent/meent/agent"
	"github.com/meent/meent/budget"
	"github.com/meent/meent/budget/allot"
	"github.com/meent/meent/commons"
	"github.com/meent/meent/ledger"
	"github.com/meent/meent/state"
)

type person struct {
	key ed25519.PrivateKey
	id  string
}

// failer is what world needs of a *testing.T or *rapid.T.
type failer interface {
	Helper()
	Fatal(...any)
	Fatalf(string, ...any)
}

type world struct {
	t     failer
	st    *state.State
	tm    int64
	check bool // compare the digest around every refused event (costs a digest per event)
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
	var before [32]byte
	if w.check {
		before = w.st.Digest()
	}
	err = w.st.Apply(ev)
	if err != nil && w.check && w.st.Digest() != before {
		w.t.Fatalf("%s was refused (%v) but changed the state", typ, err)
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

func (w *world) person(seed byte) person {
	p := person{key: ed25519.NewKeyFromSeed(bytes.Repeat([]byte{seed}, 32))}
	p.id = w.must(p, agent.TypeCreate, agent.CreateData{Kind: agent.Person, Name: fmt.Sprint("p", seed)})
	return p
}

func eur(n int64) commons.Money { return commons.Money{Amount: n, Currency: "EUR"} }

// town is a node with an admin, a maintainer of commons lib and n other
// members, and an outsider.
func town(t testing.TB, n int) (w *world, maya person, lib string, members []person, outsider person) {
	w = &world{t: t, st: state.New(), tm: 1_800_000_000_000, check: true}
	admin := w.person(1)
	w.must(admin, agent.TypeMemberSet, agent.MemberData{Agent: admin.id, Role: agent.RoleAdmin})
	maya = w.person(2)
	w.must(admin, agent.TypeMemberSet, agent.MemberData{Agent: maya.id, Role: agent.RoleMember})
	lib = w.must(maya, commons.TypeCreate, commons.CreateData{Name: "lib", Kind: "software"})
	members = []person{admin, maya}
	for i := range n {
		p := w.person(byte(10 + i))
		w.must(admin, agent.TypeMemberSet, agent.MemberData{Agent: p.id, Role: agent.RoleMember})
		members = append(members, p)
	}
	return w, maya, lib, members, w.person(99)
}

// TestRoundConserves runs random rounds: random funding, buckets,
// allocations, withdrawals, approvals and cancellations, with every
// refused event checked to leave the state as it was, then the close. It
// checks that a cancelled bucket's givers get back exactly what they gave,
// that nobody allocates beyond their allowance, that every unit of the
// pool is funded or leftover (allocated + refunded + leftover = pool), and
// that what the close makes payable in the value area is exactly the
// funded money and the refunds.
func TestRoundConserves(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		w, maya, lib, members, outsider := town(t, rapid.IntRange(1, 4).Draw(rt, "members"))
		w.t = rt
		method := rapid.SampledFrom(budget.Methods).Draw(rt, "method")
		rule := rapid.SampledFrom(allot.LeftoverRules).Draw(rt, "rule")
		opens, closes := w.tm+1_000_000, w.tm+1_000_000_000
		round := w.must(maya, budget.TypeRoundOpen, budget.RoundData{Commons: lib, Title: "r", Currency: "EUR",
			Opens: opens, Closes: closes, Method: method, Leftover: rule})
		for range rapid.IntRange(1, 4).Draw(rt, "fundings") {
			if rapid.Bool().Draw(rt, "grant") {
				w.must(outsider, budget.TypeFund, budget.FundData{Round: round, Amount: eur(rapid.Int64Range(1, 5000).Draw(rt, "g")), Source: budget.SourceGrant})
			} else {
				m := members[rapid.IntRange(0, len(members)-1).Draw(rt, "funder")]
				w.must(m, budget.TypeFund, budget.FundData{Round: round, Amount: eur(rapid.Int64Range(1, 5000).Draw(rt, "m")), Source: budget.SourceMember})
			}
		}
		w.tm = opens
		var buckets []string
		for range rapid.IntRange(1, 4).Draw(rt, "buckets") {
			lo := rapid.Int64Range(1, 3000).Draw(rt, "min")
			p := members[rapid.IntRange(0, len(members)-1).Draw(rt, "proposer")]
			buckets = append(buckets, w.must(p, budget.TypeBucketPropose, budget.BucketData{Round: round, Title: "b",
				Min: eur(lo), Max: eur(lo + rapid.Int64Range(0, 3000).Draw(rt, "extra"))}))
		}
		var allocs []string
		giverOf := map[string]person{}
		for range rapid.IntRange(0, 30).Draw(rt, "ops") {
			m := members[rapid.IntRange(0, len(members)-1).Draw(rt, "who")]
			b := buckets[rapid.IntRange(0, len(buckets)-1).Draw(rt, "bucket")]
			switch rapid.IntRange(0, 9).Draw(rt, "op") {
			case 0, 1, 2, 3, 4:
				id, err := w.do(m, budget.TypeAllocate, budget.AllocateData{Bucket: b, Amount: eur(rapid.Int64Range(1, 2000).Draw(rt, "a"))})
				if err == nil {
					allocs = append(allocs, id)
					giverOf[id] = m
				}
			case 5, 6:
				if len(allocs) > 0 {
					a := allocs[rapid.IntRange(0, len(allocs)-1).Draw(rt, "alloc")]
					w.do(giverOf[a], budget.TypeWithdraw, budget.WithdrawData{Allocation: a})
				}
			case 7:
				w.do(m, budget.TypeApprove, budget.ApproveData{Bucket: b, Approve: rapid.Bool().Draw(rt, "yes")})
			case 8:
				// What each giver has standing in b, and their allowance left.
				given := map[string]int64{}
				for _, a := range allocs {
					if x := w.st.Budget.Allocation(a); x.Bucket == b && x.Status == budget.AllocStanding {
						given[x.Giver] += x.Amount
					}
				}
				left := map[string]int64{}
				for g := range given {
					left[g], _ = w.st.Budget.Allowance(round, g)
				}
				if _, err := w.do(maya, budget.TypeBucketCancel, budget.CancelData{Bucket: b, Reason: "r"}); err != nil {
					continue
				}
				for _, a := range allocs {
					if x := w.st.Budget.Allocation(a); x.Bucket == b && x.Status == budget.AllocStanding {
						rt.Fatalf("allocation %s still stands in a cancelled bucket", a)
					}
				}
				for g, amt := range given {
					if now, _ := w.st.Budget.Allowance(round, g); now != left[g]+amt {
						rt.Fatalf("giver got back %d, gave %d", now-left[g], amt)
					}
				}
			case 9:
				w.do(outsider, budget.TypeAllocate, budget.AllocateData{Bucket: b, Amount: eur(1)}) // always refused
			}
		}
		for _, m := range members {
			if left, whole := w.st.Budget.Allowance(round, m.id); left < 0 || left > whole {
				rt.Fatalf("allowance left %d of %d", left, whole)
			}
		}
		w.tm = closes
		w.must(maya, budget.TypeRoundClose, budget.CloseData{Round: round})
		r := w.st.Budget.Round(round)
		c := r.Closed
		var funded, refunds, payable int64
		for _, id := range buckets {
			b := w.st.Budget.Bucket(id)
			if b.Status == budget.BucketOpen {
				rt.Fatalf("bucket %s still open after the close", id)
			}
			funded += b.Funded
			var p int64
			for _, x := range b.Payable {
				p += x.Amount
			}
			if p != b.Funded {
				rt.Fatalf("bucket funded %d, payable %d", b.Funded, p)
			}
		}
		for _, x := range c.Refunds {
			refunds += x.Amount
		}
		if funded != c.Funded || c.Funded+c.Leftover != r.Pool || refunds+c.Rollover+c.Commons != c.Leftover {
			rt.Fatalf("pool %d: funded %d (%d), leftover %d = refunds %d + rollover %d + commons %d", r.Pool, funded, c.Funded, c.Leftover, refunds, c.Rollover, c.Commons)
		}
		for _, a := range allocs {
			if x := w.st.Budget.Allocation(a); x.Status == budget.AllocStanding {
				rt.Fatalf("allocation %s still standing after the close", a)
			}
		}
		for _, b := range w.st.Value.Balances() {
			if b.Commons == lib {
				payable += b.Owed
			}
		}
		if payable != c.Funded+refunds+c.Commons {
			rt.Fatalf("value owes %d; funded %d + refunds %d + commons %d", payable, c.Funded, refunds, c.Commons)
		}
		if w.st.Budget.Rollover(lib, "EUR") != c.Rollover {
			rt.Fatalf("rollover %d kept as %d", c.Rollover, w.st.Budget.Rollover(lib, "EUR"))
		}
	})
}

func TestRefusals(t *testing.T) {
	w, maya, lib, members, outsider := town(t, 2)
	ada := members[2]
	opens, closes := w.tm+1_000_000, w.tm+2_000_000
	round := w.must(maya, budget.TypeRoundOpen, budget.RoundData{Commons: lib, Title: "r", Currency: "EUR",
		Opens: opens, Closes: closes, Method: budget.MethodAllowanceEqual, Leftover: allot.LeftoverRollover})
	w.must(outsider, budget.TypeFund, budget.FundData{Round: round, Amount: eur(4000), Source: budget.SourceGrant})
	w.tm = opens
	b := w.must(ada, budget.TypeBucketPropose, budget.BucketData{Round: round, Title: "b", Min: eur(100), Max: eur(500)})
	for name, c := range map[string]struct {
		who  person
		typ  string
		data any
		code string
	}{
		"beyond the allowance": {ada, budget.TypeAllocate, budget.AllocateData{Bucket: b, Amount: eur(1001)}, meent.ERULE},
		"above the maximum":    {ada, budget.TypeAllocate, budget.AllocateData{Bucket: b, Amount: eur(501)}, meent.ERULE},
		"another currency":     {ada, budget.TypeAllocate, budget.AllocateData{Bucket: b, Amount: commons.Money{Amount: 1, Currency: "USD"}}, meent.ERULE},
		"not a member":         {outsider, budget.TypeAllocate, budget.AllocateData{Bucket: b, Amount: eur(1)}, meent.EFORBIDDEN},
		"unknown bucket":       {ada, budget.TypeAllocate, budget.AllocateData{Bucket: "nope", Amount: eur(1)}, meent.ENOTFOUND},
		"close too early":      {maya, budget.TypeRoundClose, budget.CloseData{Round: round}, meent.ECONFLICT},
		"edit below held":      {ada, budget.TypeBucketEdit, budget.EditData{Bucket: b, Title: "b", Min: eur(10), Max: eur(5)}, meent.ERULE},
	} {
		if _, err := w.do(c.who, c.typ, c.data); meent.ErrorCode(err) != c.code {
			t.Errorf("%s: %v, want %s", name, err, c.code)
		}
	}
	w.must(ada, budget.TypeAllocate, budget.AllocateData{Bucket: b, Amount: eur(300)})
	w.must(ada, budget.TypeBucketCancel, budget.CancelData{Bucket: b, Reason: "moved elsewhere"})
	if _, err := w.do(ada, budget.TypeAllocate, budget.AllocateData{Bucket: b, Amount: eur(1)}); meent.ErrorCode(err) != meent.ECONFLICT {
		t.Errorf("allocation to a cancelled bucket: %v", err)
	}
	w.tm = closes
	w.must(maya, budget.TypeRoundClose, budget.CloseData{Round: round})
	if _, err := w.do(ada, budget.TypeAllocate, budget.AllocateData{Bucket: b, Amount: eur(1)}); meent.ErrorCode(err) != meent.ECONFLICT {
		t.Errorf("allocation to a closed round: %v", err)
	}
	// Nothing funded: everything rolls over into the next round.
	if got := w.st.Budget.Rollover(lib, "EUR"); got != 4000 {
		t.Errorf("rollover %d, want 4000", got)
	}
	next := w.must(maya, budget.TypeRoundOpen, budget.RoundData{Commons: lib, Title: "r2", Currency: "EUR",
		Opens: w.tm + 10, Closes: w.tm + 20, Method: budget.MethodEqualShares, Leftover: allot.LeftoverCommons})
	if p := w.st.Budget.Round(next).Pool; p != 4000 {
		t.Errorf("next round's pool %d, want the 4000 rolled over", p)
	}
}
