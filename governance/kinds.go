package governance

import (
	"fmt"
	"reflect"
	"slices"
	"sync"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/meent/meent/agent"
	"github.com/meent/meent/authority"
	"github.com/meent/meent/commons"
	"github.com/meent/meent/license"
	"github.com/meent/meent/value"
)

// Kind is a change a decision may carry: an event type of some area that,
// when a poll carrying it passes, is applied through that area's own rules
// at the close's log index (area.Context.Enact), with the right to do
// Action at its place granted by the decision.
//
// Areas register their kinds with RegisterKind from an init function of
// their package: the budget area registers "release a budget" this way,
// and a credit area "change a credit limit". The four first areas' kinds
// are registered here, since they cannot import this package.
type Kind struct {
	// Type is the event type carried; the area that owns it applies it.
	Type string
	// Data is a zero value of the type's data (as state.EventTypes has
	// it): a carried effect's data must decode into it strictly at open.
	Data any
	// Action is what a direct change needs in the authority's table; the
	// decision is granted it, at the place Scope says, while it enacts.
	Action authority.Action
	// Scope returns the commons the change happens in ("" for the node)
	// from the decoded data (a pointer to a value of Data's type), or an
	// error a user can read. A poll may carry only changes of its own
	// place: a commons' poll changes that commons, a node poll the node.
	Scope func(data any, l Lookup) (commons string, err error)
}

// Lookup is what Scope may read of the node's state.
type Lookup interface {
	// ContributionCommons returns the commons of a contribution, or "".
	ContributionCommons(id string) string
}

var (
	kindsMu sync.RWMutex
	kinds   = map[string]Kind{}
)

// RegisterKind adds a kind of effect. It panics when the type is
// registered twice or the kind is incomplete: call it from an init
// function, so that a node with the mistake never starts.
func RegisterKind(k Kind) {
	kindsMu.Lock()
	defer kindsMu.Unlock()
	if k.Type == "" || k.Data == nil || k.Action == "" || k.Scope == nil {
		panic(fmt.Sprintf("governance: kind %q is incomplete", k.Type))
	}
	if _, dup := kinds[k.Type]; dup {
		panic(fmt.Sprintf("governance: kind %q registered twice", k.Type))
	}
	kinds[k.Type] = k
}

// KindOf returns the kind registered for an event type.
func KindOf(typ string) (Kind, bool) {
	kindsMu.RLock()
	defer kindsMu.RUnlock()
	k, ok := kinds[typ]
	return k, ok
}

// KindTypes returns the registered kinds' types, sorted.
func KindTypes() []string {
	kindsMu.RLock()
	defer kindsMu.RUnlock()
	out := make([]string, 0, len(kinds))
	for t := range kinds {
		out = append(out, t)
	}
	slices.Sort(out)
	return out
}

var strict = json.JoinOptions(json.RejectUnknownMembers(true))

// decode decodes an effect's data strictly into a new value of the kind's
// data type and returns a pointer to it.
func (k Kind) decode(data jsontext.Value) (any, error) {
	v := reflect.New(reflect.TypeOf(k.Data)).Interface()
	if err := json.Unmarshal(data, v, strict); err != nil {
		return nil, fmt.Errorf("the data of %s: %v", k.Type, err)
	}
	return v, nil
}

func commonsScope(c string) (string, error) {
	if c == "" {
		return "", fmt.Errorf("the change names no commons")
	}
	return c, nil
}

func init() {
	RegisterKind(Kind{Type: value.TypePolicySet, Data: value.PolicySetData{}, Action: authority.SetValuePolicy,
		Scope: func(d any, _ Lookup) (string, error) { return commonsScope(d.(*value.PolicySetData).Commons) }})
	RegisterKind(Kind{Type: license.TypePolicySet, Data: license.PolicySetData{}, Action: authority.SetLicensePolicy,
		Scope: func(d any, _ Lookup) (string, error) { return commonsScope(d.(*license.PolicySetData).Commons) }})
	RegisterKind(Kind{Type: commons.TypeMaintainerAdd, Data: commons.MaintainerData{}, Action: authority.AppointMaintainer,
		Scope: func(d any, _ Lookup) (string, error) { return commonsScope(d.(*commons.MaintainerData).Commons) }})
	RegisterKind(Kind{Type: commons.TypeMaintainerRemove, Data: commons.MaintainerData{}, Action: authority.RemoveMaintainer,
		Scope: func(d any, _ Lookup) (string, error) { return commonsScope(d.(*commons.MaintainerData).Commons) }})
	RegisterKind(Kind{Type: commons.TypeResolve, Data: commons.ResolveData{}, Action: authority.ResolveDispute,
		Scope: func(d any, l Lookup) (string, error) {
			id := d.(*commons.ResolveData).Contribution
			if c := l.ContributionCommons(id); c != "" {
				return c, nil
			}
			return "", fmt.Errorf("unknown contribution %s", id)
		}})
	RegisterKind(Kind{Type: agent.TypeMemberSet, Data: agent.MemberData{}, Action: authority.ChangeMembership,
		Scope: func(any, Lookup) (string, error) { return "", nil }})
	RegisterKind(Kind{Type: agent.TypeMemberRm, Data: agent.MemberData{}, Action: authority.ChangeMembership,
		Scope: func(any, Lookup) (string, error) { return "", nil }})
	RegisterKind(Kind{Type: TypeRulesSet, Data: RulesData{}, Action: authority.SetDecisionRules,
		Scope: func(d any, _ Lookup) (string, error) { return commonsScope(d.(*RulesData).Commons) }})
}
