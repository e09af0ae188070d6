package breadfund_test

import (
	"crypto/ed25519"
	"crypto/sha256"
	"fmt"
	"time"

	"github.com/meent/meent"
	"github.com/meent/meent/agent"
	"github.com/meent/meent/breadfund"
	"github.com/meent/meent/commons"
	"github.com/meent/meent/ledger"
	"github.com/meent/meent/state"
)

// tb is what the helpers need of *testing.T, *testing.B and *rapid.T.
type tb interface {
	Helper()
	Fatal(args ...any)
	Fatalf(format string, args ...any)
}

type person struct {
	key ed25519.PrivateKey
	id  string
}

// world is a node's state with one commons, lib, whose maintainers (the
// board) are board[0] and board[1], and people who may join its fund.
type world struct {
	tb    tb
	st    *state.State
	tm    int64
	log   []*ledger.Event
	lib   string
	admin person
	board []person
	ppl   []person
}

func date(s string) int64 {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t.UnixMilli()
}

func newWorld(t tb, people int) *world {
	w := &world{tb: t, st: state.New(), tm: date("2026-01-01")}
	mk := func(name string) person {
		seed := sha256.Sum256([]byte("breadfund/" + name))
		k := ed25519.NewKeyFromSeed(seed[:])
		id := w.must(person{key: k}, agent.TypeCreate, agent.CreateData{Kind: agent.Person, Name: name})
		return person{key: k, id: id}
	}
	w.admin = mk("admin")
	w.must(w.admin, agent.TypeMemberSet, agent.MemberData{Agent: w.admin.id, Role: agent.RoleAdmin})
	w.board = []person{mk("maya"), mk("ben")}
	for i := range people {
		w.ppl = append(w.ppl, mk(fmt.Sprintf("p%02d", i)))
	}
	w.lib = w.must(w.admin, commons.TypeCreate, commons.CreateData{Name: "broodfonds", Kind: "other", Maintainers: []string{w.board[0].id, w.board[1].id}})
	return w
}

func (w *world) at(d string) {
	if ms := date(d); ms > w.tm {
		w.tm = ms
	}
}

func (w *world) do(p person, typ string, data any) (string, error) {
	w.tm += 1000
	e, err := ledger.Sign(p.key, ledger.Body{Type: typ, Author: p.id, Time: w.tm, Data: data})
	if err != nil {
		w.tb.Fatal(err)
	}
	ev, err := ledger.Decode(e)
	if err != nil {
		w.tb.Fatal(err)
	}
	if err := w.st.Apply(ev); err != nil {
		return ev.Hash.String(), err
	}
	w.log = append(w.log, ev)
	return ev.Hash.String(), nil
}

func (w *world) must(p person, typ string, data any) string {
	w.tb.Helper()
	id, err := w.do(p, typ, data)
	if err != nil {
		w.tb.Fatalf("%s: %v", typ, err)
	}
	return id
}

// refused checks that an event is refused with code, with a message that
// holds want, and that nothing changed.
func (w *world) refused(code, want string, p person, typ string, data any) {
	w.tb.Helper()
	before, size := w.st.Digest(), w.st.Size
	_, err := w.do(p, typ, data)
	if meent.ErrorCode(err) != code {
		w.tb.Fatalf("%s: %v, want %s", typ, err, code)
	}
	if want != "" && !contains(err.Error(), want) {
		w.tb.Fatalf("%s: %q does not say %q", typ, err, want)
	}
	if w.st.Digest() != before || w.st.Size != size {
		w.tb.Fatalf("%s was refused, but the state changed", typ)
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}

// found sets the policy, and has the first n people join at level and
// the board admit them.
func (w *world) found(p breadfund.Policy, n, level int) {
	w.tb.Helper()
	w.must(w.board[0], breadfund.TypePolicySet, breadfund.PolicySetData{Commons: w.lib, Policy: p.Marshal()})
	for _, q := range w.ppl[:n] {
		w.must(q, breadfund.TypeJoin, breadfund.JoinData{Commons: w.lib, Level: level})
		w.must(w.board[0], breadfund.TypeAdmit, breadfund.CandidateData{Commons: w.lib, Candidate: q.id})
	}
}

func (w *world) depositAll(period string) {
	w.tb.Helper()
	p := w.st.Breadfund.Policy(w.lib)
	for _, m := range w.st.Breadfund.Members(w.lib) {
		if m.Status == breadfund.StatusMember && !w.st.Breadfund.Deposited(w.lib, m.Agent, period) {
			l, _ := p.Level(m.Level)
			w.must(w.board[0], breadfund.TypeDeposit, breadfund.DepositData{Commons: w.lib, Member: m.Agent, Period: period, Amount: l.Deposit})
		}
	}
}

// gifts computes and applies a month's gifts as the node's API does, and
// has both board members approve them. It returns the payout, or "" when
// none was due.
func (w *world) gifts(period string) string {
	w.tb.Helper()
	due, _, err := w.st.Breadfund.DueGifts(w.lib, period)
	if err != nil {
		w.tb.Fatal(err)
	}
	if len(due) == 0 {
		return ""
	}
	d := breadfund.GiftsData{Commons: w.lib, Period: period}
	for _, g := range due {
		d.Gifts = append(d.Gifts, g.Gift)
	}
	w.must(w.board[0], breadfund.TypeGifts, d)
	id := breadfund.GiftsID(w.lib, period)
	for _, b := range w.board {
		w.must(b, breadfund.TypeApprove, breadfund.PayoutRef{Commons: w.lib, Payout: id})
	}
	return id
}

// check verifies the money invariants of the fund: every pot equals its
// parts, the pots add up to the fund's balance, write-offs cancel out,
// every payout's debits add up to its total, and a replay of the log
// reaches the same state.
func (w *world) check() {
	w.tb.Helper()
	f := w.st.Breadfund.Fund(w.lib)
	if f == nil {
		return
	}
	var pots, written, deposited, refunded, received int64
	for _, m := range w.st.Breadfund.Members(w.lib) {
		if m.Pot != m.Deposited-m.GaveGifts-m.PaidCosts-m.Refunded-m.WrittenOff {
			w.tb.Fatalf("pot of %s is %d, its parts say %d", m.Agent, m.Pot, m.Deposited-m.GaveGifts-m.PaidCosts-m.Refunded-m.WrittenOff)
		}
		if m.Status == breadfund.StatusLeft && m.Pot != 0 {
			w.tb.Fatalf("%s left with %d in the pot", m.Agent, m.Pot)
		}
		pots += m.Pot
		written += m.WrittenOff
		deposited += m.Deposited
		refunded += m.Refunded
		received += m.Received
	}
	if pots != f.Balance() {
		w.tb.Fatalf("the pots add up to %d, the fund's balance is %d", pots, f.Balance())
	}
	if written != 0 || deposited != f.Deposited || refunded != f.Refunds || received != f.Gifts {
		w.tb.Fatalf("written off %d (want 0), deposited %d/%d, refunded %d/%d, received %d/%d", written, deposited, f.Deposited, refunded, f.Refunds, received, f.Gifts)
	}
	var gifts int64
	for _, p := range w.st.Breadfund.Payouts(w.lib, "") {
		var lines, debits int64
		for _, l := range p.Lines {
			lines += l.Amount
		}
		for _, d := range p.Debits {
			debits += d.Amount
		}
		if lines != p.Total || debits != p.Total {
			w.tb.Fatalf("payout %s: lines %d, debits %d, total %d", p.ID, lines, debits, p.Total)
		}
		if p.Kind == breadfund.PayGifts {
			gifts += p.Total
		}
	}
	if gifts != f.Gifts {
		w.tb.Fatalf("the gift payouts add up to %d, the fund gave %d", gifts, f.Gifts)
	}
}

// replay applies the log to a new state and checks it reaches the same
// digest, as meent verify does.
func (w *world) replay() {
	w.tb.Helper()
	st := state.New()
	for i, ev := range w.log {
		if err := st.Apply(ev); err != nil {
			w.tb.Fatalf("replay of event %d (%s): %v", i, ev.Type, err)
		}
	}
	if st.Digest() != w.st.Digest() {
		w.tb.Fatal("the replayed state differs from the live one")
	}
}
