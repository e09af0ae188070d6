package sharing_test

import (
	"crypto/ed25519"
	"crypto/sha256"
	"testing"

	"github.com/meent/meent"
	"github.com/meent/meent/agent"
	"github.com/meent/meent/commons"
	"github.com/meent/meent/ledger"
	"github.com/meent/meent/sharing"
	"github.com/meent/meent/state"
)

type person struct {
	key ed25519.PrivateKey
	id  string
}

// world is a node's state with a commons (lib, maintained by maya), a
// catalogue in Europe/Amsterdam with sam as steward, and members ben and
// ada; eve is an agent but no member.
type world struct {
	t                          testing.TB
	st                         *state.State
	tm                         int64
	log                        []*ledger.Event
	admin, maya, sam, ben, ada person
	eve                        person
	lib                        string
}

func newPerson(name string) person {
	seed := sha256.Sum256([]byte("sharing test " + name))
	return person{key: ed25519.NewKeyFromSeed(seed[:])}
}

// t0 is Monday 2026-03-02 00:00 UTC.
const t0 = int64(1_772_409_600_000)

func newWorld(t testing.TB) *world {
	w := &world{t: t, st: state.New(), tm: t0 - sharing.Day}
	mk := func(name string) person {
		p := newPerson(name)
		p.id = w.must(p, agent.TypeCreate, agent.CreateData{Kind: agent.Person, Name: name})
		return p
	}
	w.admin = mk("admin")
	w.must(w.admin, agent.TypeMemberSet, agent.MemberData{Agent: w.admin.id, Role: agent.RoleAdmin})
	w.maya, w.sam, w.ben, w.ada, w.eve = mk("maya"), mk("sam"), mk("ben"), mk("ada"), mk("eve")
	for _, p := range []person{w.maya, w.sam, w.ben, w.ada} {
		w.must(w.admin, agent.TypeMemberSet, agent.MemberData{Agent: p.id, Role: agent.RoleMember})
	}
	w.lib = w.must(w.maya, commons.TypeCreate, commons.CreateData{Name: "Tool library", Kind: "hardware"})
	w.must(w.maya, sharing.TypeCatalogue, sharing.CatalogueData{Commons: w.lib, TimeZone: "Europe/Amsterdam", Stewards: []string{w.sam.id}})
	return w
}

func (w *world) at(p person, at int64, typ string, data any) (string, error) {
	e, err := ledger.Sign(p.key, ledger.Body{Type: typ, Author: p.id, Time: at, Data: data})
	if err != nil {
		w.t.Fatal(err)
	}
	ev, err := ledger.Decode(e)
	if err != nil {
		w.t.Fatal(err)
	}
	if err := w.st.Apply(ev); err != nil {
		return ev.Hash.String(), err
	}
	w.log = append(w.log, ev)
	return ev.Hash.String(), nil
}

func (w *world) do(p person, typ string, data any) (string, error) {
	w.tm += 1000
	return w.at(p, w.tm, typ, data)
}

func (w *world) must(p person, typ string, data any) string {
	w.t.Helper()
	id, err := w.do(p, typ, data)
	if err != nil {
		w.t.Fatalf("%s: %v", typ, err)
	}
	return id
}

// refused checks that an event is refused with code and changes nothing.
func (w *world) refused(code string, p person, typ string, data any) string {
	w.t.Helper()
	before := w.st.Digest()
	_, err := w.do(p, typ, data)
	if meent.ErrorCode(err) != code {
		w.t.Fatalf("%s: %v, want %s", typ, err, code)
	}
	if w.st.Digest() != before {
		w.t.Fatalf("%s: refused, but the state changed", typ)
	}
	return meent.ErrorMessage(err)
}

// replay applies the log to a new state, as meent verify does.
func (w *world) replay() {
	w.t.Helper()
	st := state.New()
	for i, ev := range w.log {
		if err := st.Apply(ev); err != nil {
			w.t.Fatalf("replay of event %d (%s): %v", i, ev.Type, err)
		}
	}
	if st.Digest() != w.st.Digest() {
		w.t.Fatal("the replayed state differs from the live one")
	}
}

func (w *world) resource(name string, items int, rules sharing.Rules) string {
	w.t.Helper()
	return w.must(w.sam, sharing.TypeResourceAdd, sharing.ResourceData{Commons: w.lib, Name: name, Kind: sharing.Tool, Items: items, Rules: rules})
}

func (w *world) book(p person, r string, item int, start, end int64) (string, error) {
	return w.do(p, sharing.TypeBook, sharing.BookData{Resource: r, Item: item, Start: start, End: end})
}
