// Package agent holds the pure rules for agents (people and organisations),
// the Ed25519 keys they authorise, and membership of the community that
// runs the node. Given the current State and an event it accepts or refuses
// the event and computes the new State; it does no I/O, so a replaying
// auditor or a federated peer reaches the same verdict as the node.
package agent

import (
	"encoding/base64"
	"fmt"
	"unicode"
	"unicode/utf8"

	"github.com/meent/meent"
	"github.com/meent/meent/area"
	"github.com/meent/meent/authority"
	"github.com/meent/meent/ledger"
)

// Event types owned by this package, with the shape of their data.
const (
	TypeCreate    = "agent.create"     // CreateData; signed by the new agent's first key; Author empty
	TypeUpdate    = "agent.update"     // UpdateData
	TypeKeyAdd    = "agent.key.add"    // KeyData: authorise another key (a new device, a rotation)
	TypeKeyRevoke = "agent.key.revoke" // KeyData: the key signs nothing from now on
	TypeMemberSet = "member.set"       // MemberData: admit an agent, or change its role
	TypeMemberRm  = "member.remove"    // MemberData (role ignored)
)

// Kinds of agent.
const (
	Person      = "person"
	Cooperative = "cooperative"
	Company     = "company"
	Association = "association"
	PublicBody  = "public_body"
)

// Kinds lists every valid agent kind.
var Kinds = []string{Person, Cooperative, Company, Association, PublicBody}

// Roles of a member of the node's community.
const (
	RoleAdmin  = "admin"
	RoleMember = "member"
)

// MaxNameLen bounds names, in bytes.
const MaxNameLen = 200

// CreateData is the data of agent.create.
type CreateData struct {
	Kind string `json:"kind"`
	Name string `json:"name"`
}

// UpdateData is the data of agent.update.
type UpdateData struct {
	Name string `json:"name"`
}

// KeyData is the data of agent.key.add and agent.key.revoke.
type KeyData struct {
	Key string `json:"key"` // canonical base64 of an Ed25519 public key
}

// MemberData is the data of member.set and member.remove.
type MemberData struct {
	Agent string `json:"agent"`
	Role  string `json:"role,omitempty"`
}

// Agent is the current view of one agent.
type Agent struct {
	ID      string // hash of its agent.create event
	Kind    string
	Name    string
	Created int64 // log index of agent.create
	Role    string
	Keys    []string // active keys, in order of authorisation
}

// Key is one key ever authorised, kept after revocation so history stays
// explainable.
type Key struct {
	Key     string
	Agent   string
	Added   int64
	Revoked int64 // -1 while active
}

// State is what the rules need to know about agents, keys and members.
// The zero value is not usable; call NewState.
type State struct {
	agents  map[string]*Agent
	keys    map[string]*Key // by base64 key
	admins  int
	members int
}

// NewState returns an empty State.
func NewState() *State {
	return &State{agents: map[string]*Agent{}, keys: map[string]*Key{}}
}

// Agent returns the agent with the given ID, or nil.
func (s *State) Agent(id string) *Agent { return s.agents[id] }

// Len returns the number of agents.
func (s *State) Len() int { return len(s.agents) }

// Members returns the number of members.
func (s *State) Members() int { return s.members }

// KeyOwner returns the agent a key is (or was) authorised for, and whether
// it is still active.
func (s *State) KeyOwner(key string) (agent string, active bool) {
	k := s.keys[key]
	if k == nil {
		return "", false
	}
	return k.Agent, k.Revoked < 0
}

// Owns reports whether the given event types belong to this package.
func Owns(typ string) bool { return handlers[typ] != nil }

func refuse(format string, args ...any) error {
	return meent.Errorf(meent.ERULE, format, args...)
}

// Signer checks that ev is signed by an active key of its author and
// returns the author. Every event but agent.create needs this; other
// domain packages call it too.
func (s *State) Signer(ev *ledger.Event) (*Agent, error) {
	if ev.Author == "" {
		return nil, refuse("%s needs an author", ev.Type)
	}
	a := s.agents[ev.Author]
	if a == nil {
		return nil, refuse("unknown author agent %s", ev.Author)
	}
	key := base64.StdEncoding.EncodeToString(ev.Key)
	k := s.keys[key]
	if k == nil || k.Agent != a.ID {
		return nil, refuse("key %s is not authorised for agent %s", key, a.ID)
	}
	if k.Revoked >= 0 {
		return nil, refuse("key %s was revoked at index %d", key, k.Revoked)
	}
	return a, nil
}

// Apply checks ev, at the log index ctx.Index, against the rules and, if
// it holds, applies it. On error the State is unchanged.
func (s *State) Apply(ctx *area.Context, ev *ledger.Event) error {
	h := handlers[ev.Type]
	if h == nil {
		return refuse("unknown event type %q", ev.Type)
	}
	return h(s, ctx, ev)
}

// handlers maps each event type of the area to the function that checks
// and applies it. Types lists its keys.
var handlers = map[string]func(s *State, ctx *area.Context, ev *ledger.Event) error{
	TypeCreate:    (*State).create,
	TypeUpdate:    (*State).update,
	TypeKeyAdd:    (*State).keyAdd,
	TypeKeyRevoke: (*State).keyRevoke,
	TypeMemberSet: (*State).memberSet,
	TypeMemberRm:  (*State).memberRemove,
}

func (s *State) create(ctx *area.Context, ev *ledger.Event) error {
	var d CreateData
	if err := ev.DecodeData(&d); err != nil {
		return err
	}
	if ev.Author != "" {
		return refuse("agent.create has no author: the new agent is named by the event's hash")
	}
	if !validKind(d.Kind) {
		return refuse("kind %q is not one of %v", d.Kind, Kinds)
	}
	if err := checkName(d.Name); err != nil {
		return err
	}
	// Verify already refuses such a key (bad_signature); the rule is
	// repeated here so a log read back without verification (Parse)
	// is judged the same.
	if err := ledger.CheckSignerKey(ev.Key); err != nil {
		return refuse("%v: an agent's key must be a canonical Ed25519 key of large order (docs/ledger.md section 1)", err)
	}
	key := base64.StdEncoding.EncodeToString(ev.Key)
	if _, used := s.keys[key]; used {
		return refuse("key %s already belongs to an agent", key)
	}
	id := ev.Hash.String()
	s.agents[id] = &Agent{ID: id, Kind: d.Kind, Name: d.Name, Created: ctx.Index, Keys: []string{key}}
	s.keys[key] = &Key{Key: key, Agent: id, Added: ctx.Index, Revoked: -1}
	return nil
}

func (s *State) update(_ *area.Context, ev *ledger.Event) error {
	var d UpdateData
	if err := ev.DecodeData(&d); err != nil {
		return err
	}
	a, err := s.Signer(ev)
	if err != nil {
		return err
	}
	if err := checkName(d.Name); err != nil {
		return err
	}
	a.Name = d.Name
	return nil
}

// keyOf decodes and checks the data of agent.key.add and agent.key.revoke.
func (s *State) keyOf(ev *ledger.Event) (*Agent, KeyData, []byte, error) {
	var d KeyData
	if err := ev.DecodeData(&d); err != nil {
		return nil, d, nil, err
	}
	a, err := s.Signer(ev)
	if err != nil {
		return nil, d, nil, err
	}
	raw, err := base64.StdEncoding.Strict().DecodeString(d.Key)
	if err != nil || len(raw) != 32 || base64.StdEncoding.EncodeToString(raw) != d.Key {
		return nil, d, nil, refuse("key must be canonical base64 of a 32-byte Ed25519 public key")
	}
	return a, d, raw, nil
}

func (s *State) keyAdd(ctx *area.Context, ev *ledger.Event) error {
	a, d, raw, err := s.keyOf(ev)
	if err != nil {
		return err
	}
	// A small-order key verifies forged signatures on every message:
	// authorising one would hand the agent to anyone.
	if err := ledger.CheckPublicKey(raw); err != nil {
		return refuse("%v: an agent's key must be a canonical Ed25519 key of large order (docs/ledger.md section 1)", err)
	}
	if k := s.keys[d.Key]; k != nil {
		return refuse("key %s was already authorised (for agent %s); keys are never reused", d.Key, k.Agent)
	}
	s.keys[d.Key] = &Key{Key: d.Key, Agent: a.ID, Added: ctx.Index, Revoked: -1}
	a.Keys = append(a.Keys, d.Key)
	return nil
}

func (s *State) keyRevoke(ctx *area.Context, ev *ledger.Event) error {
	a, d, _, err := s.keyOf(ev)
	if err != nil {
		return err
	}
	k := s.keys[d.Key]
	if k == nil || k.Agent != a.ID || k.Revoked >= 0 {
		return refuse("key %s is not an active key of agent %s", d.Key, a.ID)
	}
	if len(a.Keys) == 1 {
		return refuse("cannot revoke the last key of agent %s; add a new key first", a.ID)
	}
	k.Revoked = ctx.Index
	for i, kk := range a.Keys {
		if kk == d.Key {
			a.Keys = append(a.Keys[:i:i], a.Keys[i+1:]...)
			break
		}
	}
	return nil
}

// membership decodes and checks the data of member.set and member.remove,
// and asks whether the signer may change membership.
func (s *State) membership(ctx *area.Context, ev *ledger.Event) (MemberData, *Agent, error) {
	var d MemberData
	if err := ev.DecodeData(&d); err != nil {
		return d, nil, err
	}
	signer, err := s.Signer(ev)
	if err != nil {
		return d, nil, err
	}
	target := s.agents[d.Agent]
	if target == nil {
		return d, nil, refuse("unknown agent %s", d.Agent)
	}
	// Bootstrap: the agent created first in the log (index 0, written
	// by meent init) admits itself as the first admin of an empty
	// community. Nobody else can, even if the community is empty, so a
	// half-initialised node cannot be taken over by a stranger.
	bootstrap := s.members == 0 && ev.Type == TypeMemberSet && signer.ID == target.ID && d.Role == RoleAdmin && target.Created == 0
	if !bootstrap {
		if err := ctx.Auth.May(signer.ID, authority.ChangeMembership, authority.Node()); err != nil {
			return d, nil, err
		}
	}
	return d, target, nil
}

func (s *State) memberSet(ctx *area.Context, ev *ledger.Event) error {
	d, target, err := s.membership(ctx, ev)
	if err != nil {
		return err
	}
	if d.Role != RoleAdmin && d.Role != RoleMember {
		return refuse("role %q is not admin or member", d.Role)
	}
	if target.Role == RoleAdmin && d.Role != RoleAdmin && s.admins == 1 {
		return refuse("cannot demote the last admin")
	}
	s.setRole(target, d.Role)
	return nil
}

func (s *State) memberRemove(ctx *area.Context, ev *ledger.Event) error {
	d, target, err := s.membership(ctx, ev)
	if err != nil {
		return err
	}
	if d.Role != "" {
		return refuse("member.remove takes no role")
	}
	if target.Role == "" {
		return refuse("agent %s is not a member", d.Agent)
	}
	if target.Role == RoleAdmin && s.admins == 1 {
		return refuse("cannot remove the last admin")
	}
	s.setRole(target, "")
	return nil
}

func (s *State) setRole(a *Agent, role string) {
	if a.Role == RoleAdmin {
		s.admins--
	}
	if a.Role != "" {
		s.members--
	}
	a.Role = role
	if role == RoleAdmin {
		s.admins++
	}
	if role != "" {
		s.members++
	}
}

func validKind(k string) bool {
	for _, v := range Kinds {
		if k == v {
			return true
		}
	}
	return false
}

func checkName(n string) error {
	if n == "" || len(n) > MaxNameLen || !utf8.ValidString(n) {
		return refuse("name must be 1 to %d bytes of UTF-8", MaxNameLen)
	}
	for _, r := range n {
		if unicode.IsControl(r) { // C0, DEL and C1
			return refuse("name must not contain control characters")
		}
	}
	return nil
}

// Lines emits the canonical description of the state, one line per fact,
// in no particular order. Projections emit the same lines from their
// tables; the sorted lines hash to the state digest that meent verify
// compares. Changing a line's format changes every digest: do it only with
// a migration of docs/ledger.md's "State digest" section.
func (s *State) Lines(emit func(string)) {
	for _, a := range s.agents {
		emit(AgentLine(a.ID, a.Kind, a.Name, a.Created))
		if a.Role != "" {
			emit(MemberLine(a.ID, a.Role))
		}
	}
	for _, k := range s.keys {
		emit(KeyLine(k.Key, k.Agent, k.Added, k.Revoked))
	}
}

// AgentLine is the digest line of an agent. The name is standard base64 of
// its UTF-8 bytes (see state.Text for why not a quoted string).
func AgentLine(id, kind, name string, created int64) string {
	return fmt.Sprintf("agent %s %s %d %s", id, kind, created, base64.StdEncoding.EncodeToString([]byte(name)))
}

// MemberLine is the digest line of a membership.
func MemberLine(id, role string) string { return "member " + id + " " + role }

// KeyLine is the digest line of a key; revoked is -1 while active.
func KeyLine(key, agent string, added, revoked int64) string {
	return fmt.Sprintf("key %s %s %d %d", key, agent, added, revoked)
}

// All returns every agent, in no particular order.
func (s *State) All() []*Agent {
	out := make([]*Agent, 0, len(s.agents))
	for _, a := range s.agents {
		out = append(out, a)
	}
	return out
}
