package state

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/meent/meent"
	"github.com/meent/meent/area"
	"github.com/meent/meent/authority"
	"github.com/meent/meent/ledger"
)

// fake is an area for the registry's tests: it owns the given types and
// kinds, emits and handles what it is told, and records what it gets.
type fake struct {
	name           string
	types, kinds   []string
	emits, handles []string
	// on Apply: emit these effects, then refuse when refuse is set
	emit   []area.Effect
	refuse bool
	got    *[]string // effects handled, as "area:effect@index"
}

func (f *fake) Name() string                            { return f.name }
func (f *fake) Version() int                            { return 1 }
func (f *fake) Types() []string                         { return f.types }
func (f *fake) Kinds() []string                         { return f.kinds }
func (f *fake) Objects(func(meent.Object))              {}
func (f *fake) TakeDirty() []meent.Object               { return nil }
func (f *fake) DropDirty()                              {}
func (f *fake) Lines(func(string))                      {}
func (f *fake) Refs(*ledger.Event) ([]string, []string) { return nil, nil }
func (f *fake) MarshalSnapshot(*jsontext.Encoder) error { return nil }
func (f *fake) RestoreSnapshot(*jsontext.Decoder) error { return nil }
func (f *fake) Emits() []string                         { return f.emits }
func (f *fake) Handles() []string                       { return f.handles }
func (f *fake) Apply(ctx *area.Context, _ *ledger.Event) error {
	for _, e := range f.emit {
		ctx.Emit(e)
	}
	if f.refuse {
		return meent.Errorf(meent.ERULE, "refused")
	}
	return nil
}
func (f *fake) Handle(idx int64, e area.Effect) {
	*f.got = append(*f.got, fmt.Sprintf("%s:%s@%d", f.name, e.EffectName(), idx))
}

// roles knows every role, so that the fakes' registry is complete.
type roles struct{ fake }

func (roles) Roles() []authority.Role {
	return []authority.Role{authority.Admin, authority.Member, authority.Maintainer, authority.AnyMaintainer, authority.Attestor, authority.Steward}
}
func (roles) Holds(authority.Role, string, authority.Place) bool { return false }

type effect string

func (e effect) EffectName() string { return string(e) }

func withRoles(areas ...Area) []Area {
	return append([]Area{&roles{fake{name: "roles"}}}, areas...)
}

func panics(f func()) (msg string) {
	defer func() {
		if r := recover(); r != nil {
			msg = fmt.Sprint(r)
		}
	}()
	f()
	return ""
}

// TestRegistryRefuses: New's checks, on areas that contradict each other.
func TestRegistryRefuses(t *testing.T) {
	cases := map[string]struct {
		areas []Area
		want  string
	}{
		"a type claimed twice": {withRoles(&fake{name: "a", types: []string{"x.do"}}, &fake{name: "b", types: []string{"x.do"}}),
			"event type x.do is claimed by areas a and b"},
		"a kind claimed twice": {withRoles(&fake{name: "a", kinds: []string{"thing"}}, &fake{name: "b", kinds: []string{"thing"}}),
			"object kind thing is claimed by areas a and b"},
		"a name used twice": {withRoles(&fake{name: "a"}, &fake{name: "a"}), "two areas are named a"},
		"an effect nobody handles": {withRoles(&fake{name: "a", emits: []string{"a.done"}}),
			"effect a.done is emitted but no area handles it"},
		"an effect nobody emits": {withRoles(&fake{name: "a", handles: []string{"b.done"}}),
			"effect b.done is handled but no area emits it"},
		"a role nobody knows": {[]Area{&fake{name: "a"}}, "no area knows the roles"},
	}
	for name, c := range cases {
		msg := panics(func() { (&State{}).use(c.areas) })
		if !strings.Contains(msg, c.want) {
			t.Errorf("%s: panic %q, want %q", name, msg, c.want)
		}
	}
	if msg := panics(func() { New() }); msg != "" {
		t.Errorf("New: %s", msg)
	}
}

// TestEffects: an effect reaches every area that handles it, in the order
// of the list, in the order emitted, with the event's index; an effect of
// a refused event reaches nobody; an effect the area did not declare is
// caught.
func TestEffects(t *testing.T) {
	var got []string
	emitter := &fake{name: "a", types: []string{"a.do"}, emits: []string{"a.one", "a.two"},
		emit: []area.Effect{effect("a.two"), effect("a.one")}}
	first := &fake{name: "b", handles: []string{"a.one", "a.two"}, got: &got}
	second := &fake{name: "c", handles: []string{"a.one"}, got: &got}
	s := &State{}
	s.use(withRoles(emitter, first, second))

	if err := s.Apply(&ledger.Event{Type: "a.do"}); err != nil {
		t.Fatal(err)
	}
	want := []string{"b:a.two@0", "b:a.one@0", "c:a.one@0"}
	if !slices.Equal(got, want) {
		t.Errorf("delivered %v, want %v", got, want)
	}

	got = nil
	emitter.refuse = true
	if err := s.Apply(&ledger.Event{Type: "a.do"}); meent.ErrorCode(err) != meent.ERULE {
		t.Fatalf("refusal: %v", err)
	}
	if len(got) != 0 || s.Size != 1 {
		t.Errorf("a refused event delivered %v (size %d)", got, s.Size)
	}

	emitter.refuse = false
	emitter.emit = []area.Effect{effect("a.three")}
	msg := panics(func() { s.Apply(&ledger.Event{Type: "a.do"}) })
	if !strings.Contains(msg, "area a emits the effect a.three, which it does not declare") {
		t.Errorf("an undeclared effect: panic %q", msg)
	}
	if len(got) != 0 {
		t.Errorf("an undeclared effect was delivered: %v", got)
	}

	if err := s.Apply(&ledger.Event{Type: "b.do"}); meent.ErrorCode(err) != meent.ERULE || meent.ErrorMessage(err) != `unknown event type "b.do"` {
		t.Errorf("an unknown type: %v", err)
	}
}
