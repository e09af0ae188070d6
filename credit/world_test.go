package credit_test

import (
	"crypto/ed25519"
	"crypto/sha256"
	"testing"

	"github.com/meent/meent/agent"
	"github.com/meent/meent/commons"
	"github.com/meent/meent/credit"
	"github.com/meent/meent/ledger"
	"github.com/meent/meent/state"
)

// world is a node's rules with agents that sign real events: every test
// goes through state.State.Apply, the path the sequencer and meent verify
// take.
type world struct {
	t    testing.TB
	st   *state.State
	keys map[string]ed25519.PrivateKey
	ids  map[string]string
	tm   int64
	log  []*ledger.Event // the accepted events, in order
}

// start is 2026-01-01T00:00:00Z.
const start = 1_767_225_600_000

func newWorld(t testing.TB, members ...string) *world {
	w := &world{t: t, st: state.New(), keys: map[string]ed25519.PrivateKey{}, ids: map[string]string{}, tm: start}
	w.agent("admin")
	w.must("admin", agent.TypeMemberSet, agent.MemberData{Agent: w.ids["admin"], Role: agent.RoleAdmin})
	for _, m := range members {
		w.agent(m)
		w.must("admin", agent.TypeMemberSet, agent.MemberData{Agent: w.ids[m], Role: agent.RoleMember})
	}
	return w
}

func (w *world) key(name string) ed25519.PrivateKey {
	if k := w.keys[name]; k != nil {
		return k
	}
	seed := sha256.Sum256([]byte("meent/credit/" + name))
	k := ed25519.NewKeyFromSeed(seed[:])
	w.keys[name] = k
	return k
}

func (w *world) event(signer, author, typ string, data any) *ledger.Event {
	w.t.Helper()
	w.tm++
	entry, err := ledger.Sign(w.key(signer), ledger.Body{Type: typ, Author: author, Time: w.tm, Data: data})
	if err != nil {
		w.t.Fatal(err)
	}
	ev, err := ledger.Decode(entry)
	if err != nil {
		w.t.Fatal(err)
	}
	return ev
}

// do signs data as who and applies it; it returns the refusal, if any.
func (w *world) do(who, typ string, data any) (string, error) {
	w.t.Helper()
	ev := w.event(who, w.ids[who], typ, data)
	if err := w.st.Apply(ev); err != nil {
		return "", err
	}
	w.log = append(w.log, ev)
	return ev.Hash.String(), nil
}

func (w *world) must(who, typ string, data any) string {
	w.t.Helper()
	h, err := w.do(who, typ, data)
	if err != nil {
		w.t.Fatalf("%s by %s: %v", typ, who, err)
	}
	return h
}

func (w *world) agent(name string) {
	w.t.Helper()
	ev := w.event(name, "", agent.TypeCreate, agent.CreateData{Kind: agent.Person, Name: name})
	if err := w.st.Apply(ev); err != nil {
		w.t.Fatal(err)
	}
	w.log = append(w.log, ev)
	w.ids[name] = ev.Hash.String()
}

// commons creates a commons with maint as its maintainer and names it.
func (w *world) commons(name, maint string) {
	w.ids[name] = w.must("admin", commons.TypeCreate, commons.CreateData{Name: name, Kind: "software", Approvals: 1,
		Maintainers: []string{w.ids[maint]}})
}

// balances returns every account's balance of a currency.
func (w *world) balances(code string) map[string]int64 {
	out := map[string]int64{}
	for _, id := range w.st.Credit.Accounts(code) {
		out[id] = w.st.Credit.AccountByID(id).Balance
	}
	return out
}

func sum(m map[string]int64) (s int64) {
	for _, v := range m {
		s += v
	}
	return s
}

// at sets the clock to the first millisecond after the month p ended.
func (w *world) after(p string) {
	_, end, err := credit.ParsePeriod(p)
	if err != nil {
		w.t.Fatal(err)
	}
	if w.tm < end {
		w.tm = end
	}
}
