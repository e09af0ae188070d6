package state_test

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/meent/meent"
	"github.com/meent/meent/ledger"
	"github.com/meent/meent/state"
)

// TestAreasRouteTheCatalogue: every type of state.EventTypes is owned by
// exactly the area its row names, every type an area owns is in the
// catalogue (which TestEventsDoc checks against docs/events.md) and has
// its section in docs/events.md, and the areas' names are the rows' areas.
func TestAreasRouteTheCatalogue(t *testing.T) {
	st := state.New()
	doc, err := os.ReadFile(eventsDoc)
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]string{}
	for _, et := range state.EventTypes {
		listed[et.Type] = et.Area
		owners := 0
		for _, a := range st.Areas() {
			if slices.Contains(a.Types(), et.Type) {
				owners++
			}
		}
		if owners != 1 {
			t.Errorf("%s is owned by %d areas", et.Type, owners)
		}
		if a := st.Owner(et.Type); a == nil || a.Name() != et.Area {
			t.Errorf("%s is routed to %v, the catalogue says %s", et.Type, a, et.Area)
		}
	}
	for _, a := range st.Areas() {
		if st.Area(a.Name()) != a {
			t.Errorf("Area(%q) is not the area of that name", a.Name())
		}
		for _, typ := range a.Types() {
			if listed[typ] != a.Name() {
				t.Errorf("area %s owns %s, which state.EventTypes lists under %q", a.Name(), typ, listed[typ])
			}
			if !strings.Contains(string(doc), "### `"+typ+"`") {
				t.Errorf("area %s owns %s, which has no section in docs/events.md", a.Name(), typ)
			}
		}
	}
}

// TestAreasProjectTheirKinds: after the vectors, every object an area
// holds (and every object it reports as changed) is of a kind it
// declares, so the kinds New checks for duplicates are the real ones.
func TestAreasProjectTheirKinds(t *testing.T) {
	f := readVectors(t)
	st := state.New()
	seen := map[string]bool{}
	check := func(a state.Area, o meent.Object) {
		seen[o.Kind] = true
		if !slices.Contains(a.Kinds(), o.Kind) {
			t.Errorf("area %s holds an object of kind %s, not one of %v", a.Name(), o.Kind, a.Kinds())
		}
	}
	for _, v := range f.Events {
		ev, err := ledger.Decode([]byte(v.Entry))
		if err != nil {
			t.Fatal(err)
		}
		if st.Apply(ev) != nil {
			continue
		}
		for _, a := range st.Areas() {
			for _, o := range a.TakeDirty() {
				check(a, o)
			}
		}
	}
	for _, a := range st.Areas() {
		a.Objects(func(o meent.Object) { check(a, o) })
		for _, k := range a.Kinds() {
			if !seen[k] {
				t.Errorf("area %s declares kind %s, but no vector made one", a.Name(), k)
			}
		}
	}
}
