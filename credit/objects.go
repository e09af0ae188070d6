package credit

import (
	"strings"

	"github.com/meent/meent"
)

// TakeDirty returns the objects changed since the last call and forgets
// them.
func (s *State) TakeDirty() []meent.Object {
	out := make([]meent.Object, 0, len(s.dirty))
	for k := range s.dirty {
		if o, ok := s.object(k[0], k[1]); ok {
			out = append(out, o)
		}
	}
	clear(s.dirty)
	return out
}

// DropDirty forgets changed objects.
func (s *State) DropDirty() { clear(s.dirty) }

// Objects emits every object the state holds.
func (s *State) Objects(emit func(meent.Object)) {
	for code := range s.currencies {
		o, _ := s.object(KindCurrency, code)
		emit(o)
	}
	for id := range s.accounts {
		o, _ := s.object(KindAccount, id)
		emit(o)
	}
	for id := range s.periods {
		o, _ := s.object(KindPeriod, id)
		emit(o)
	}
}

// ObjectKinds returns the kinds of which the state holds at least one
// object, without encoding any.
func (s *State) ObjectKinds() []string {
	var out []string
	for kind, n := range map[string]int{KindCurrency: len(s.currencies), KindAccount: len(s.accounts), KindPeriod: len(s.periods)} {
		if n > 0 {
			out = append(out, kind)
		}
	}
	return out
}

// object is one object as the projection stores it. An account is a
// child of its currency; its Agent is the holder when an agent holds it,
// its Commons the holder when a commons does. Status is "below_soft"
// for an account beyond its soft limit... no: limits depend on
// membership, which other areas change; the status says only the sign.
func (s *State) object(kind, id string) (meent.Object, bool) {
	switch kind {
	case KindCurrency:
		if c := s.currencies[id]; c != nil {
			return meent.Object{Kind: kind, ID: id, Agent: c.Creator, Status: "open", Created: c.Index, Updated: c.Updated, Data: mustMarshal(c)}, true
		}
	case KindAccount:
		if a := s.accounts[id]; a != nil {
			o := meent.Object{Kind: kind, ID: id, Parent: a.Currency, Status: sign(a.Balance), Created: a.Opened, Updated: a.Updated, Data: mustMarshal(a)}
			if a.Kind == HolderCommons {
				o.Commons = a.Holder
			} else {
				o.Agent = a.Holder
			}
			return o, true
		}
	case KindPeriod:
		if p := s.periods[id]; p != nil {
			return meent.Object{Kind: kind, ID: id, Parent: p.Currency, Agent: p.Author, Status: "applied", Created: p.Index, Updated: p.Index, Data: mustMarshal(p)}, true
		}
	}
	return meent.Object{}, false
}

func sign(b int64) string {
	switch {
	case b < 0:
		return "debit"
	case b > 0:
		return "credit"
	}
	return "zero"
}

// SplitAccountID returns the currency and the holder of an account ID.
func SplitAccountID(id string) (code, holder string) {
	code, holder, _ = strings.Cut(id, "/")
	return code, holder
}
