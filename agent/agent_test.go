package agent_test

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/meent/meent"
	"github.com/meent/meent/agent"
	"github.com/meent/meent/ledger"
	"github.com/meent/meent/state"
)

func key(b byte) ed25519.PrivateKey {
	return ed25519.NewKeyFromSeed(bytes.Repeat([]byte{b}, 32))
}

func pub(k ed25519.PrivateKey) string {
	return base64.StdEncoding.EncodeToString(k.Public().(ed25519.PublicKey))
}

type world struct {
	t  *testing.T
	st *state.State
	tm int64
}

func (w *world) event(k ed25519.PrivateKey, typ, author string, data any) *ledger.Event {
	w.tm++
	e, err := ledger.Sign(k, ledger.Body{Type: typ, Author: author, Time: w.tm, Data: data})
	if err != nil {
		w.t.Fatal(err)
	}
	ev, err := ledger.Decode(e)
	if err != nil {
		w.t.Fatal(err)
	}
	return ev
}

func (w *world) apply(k ed25519.PrivateKey, typ, author string, data any) (string, error) {
	ev := w.event(k, typ, author, data)
	return ev.Hash.String(), w.st.Apply(ev)
}

func (w *world) must(k ed25519.PrivateKey, typ, author string, data any) string {
	w.t.Helper()
	id, err := w.apply(k, typ, author, data)
	if err != nil {
		w.t.Fatalf("%s: %v", typ, err)
	}
	return id
}

// identityKey is the identity point as an Ed25519 public key: under it,
// R = identity and S = 0 verify for every message (with crypto/ed25519).
var identityKey = append([]byte{1}, make([]byte, 31)...)

// notAPoint is 32 bytes that decode to no point of the curve (y = 2).
var notAPoint = append([]byte{2}, make([]byte, 31)...)

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

// TestSmallOrderCreateFromStore: Decode refuses an agent.create signed
// under the identity key (bad_signature), and the rules refuse it too when
// it arrives through Parse, as a log read back from storage does, so a
// replay of an old log built before the rule judges it the same way.
func TestSmallOrderCreateFromStore(t *testing.T) {
	body := `{"v":1,"type":"agent.create","key":"` + b64(identityKey) + `","time":1,"data":{"kind":"person","name":"Nobody"}}`
	sig := append(append([]byte{}, identityKey...), make([]byte, 32)...)
	entry := []byte(body + "\n" + b64(sig) + "\n")
	if !ed25519.Verify(identityKey, append([]byte(ledger.SignatureContext), body...), sig) {
		t.Fatal("crypto/ed25519 refuses the universal signature; the premise of this test changed")
	}
	if _, err := ledger.Decode(entry); meent.ErrorCode(err) != meent.ESIGNATURE {
		t.Fatalf("Decode: %v, want bad_signature", err)
	}
	ev, err := ledger.Parse(entry)
	if err != nil {
		t.Fatal(err)
	}
	st := state.New()
	if err := st.Apply(ev); meent.ErrorCode(err) != meent.ERULE || !strings.Contains(err.Error(), "small order") {
		t.Fatalf("Apply: %v, want rule_violation naming small order", err)
	}
	if st.Agents.Len() != 0 {
		t.Fatal("the agent was created")
	}
}

func TestRules(t *testing.T) {
	w := &world{t: t, st: state.New()}
	adminK, bobK, eveK, laptop := key(1), key(2), key(3), key(4)
	admin := w.must(adminK, agent.TypeCreate, "", agent.CreateData{Kind: agent.Person, Name: "Admin"})
	bob := w.must(bobK, agent.TypeCreate, "", agent.CreateData{Kind: agent.Cooperative, Name: "Bob's coop"})
	eve := w.must(eveK, agent.TypeCreate, "", agent.CreateData{Kind: agent.Company, Name: "Eve Corp"})

	refused := []struct {
		name string
		k    ed25519.PrivateKey
		typ  string
		auth string
		data any
		code string
	}{
		{"unknown kind", key(9), agent.TypeCreate, "", agent.CreateData{Kind: "robot", Name: "x"}, meent.ERULE},
		{"empty name", key(9), agent.TypeCreate, "", agent.CreateData{Kind: agent.Person, Name: ""}, meent.ERULE},
		{"control char in name", key(9), agent.TypeCreate, "", agent.CreateData{Kind: agent.Person, Name: "a\x01"}, meent.ERULE},
		{"key reused by second agent", bobK, agent.TypeCreate, "", agent.CreateData{Kind: agent.Person, Name: "again"}, meent.ERULE},
		{"create with author", key(9), agent.TypeCreate, admin, agent.CreateData{Kind: agent.Person, Name: "x"}, meent.ERULE},
		{"unknown member of data", key(9), agent.TypeCreate, "", map[string]string{"kind": "person", "name": "x", "age": "3"}, meent.EMALFORMED},
		{"signed by another agent's key", bobK, agent.TypeUpdate, admin, agent.UpdateData{Name: "hijack"}, meent.ERULE},
		{"unknown author", adminK, agent.TypeUpdate, "00" + admin[2:], agent.UpdateData{Name: "x"}, meent.ERULE},
		{"bootstrap someone else", bobK, agent.TypeMemberSet, bob, agent.MemberData{Agent: admin, Role: agent.RoleAdmin}, meent.EFORBIDDEN},
		{"bootstrap by an agent that is not the log's first", bobK, agent.TypeMemberSet, bob, agent.MemberData{Agent: bob, Role: agent.RoleAdmin}, meent.EFORBIDDEN},
		{"bootstrap as plain member", bobK, agent.TypeMemberSet, bob, agent.MemberData{Agent: bob, Role: agent.RoleMember}, meent.EFORBIDDEN},
		{"revoke only key", eveK, agent.TypeKeyRevoke, eve, agent.KeyData{Key: pub(eveK)}, meent.ERULE},
		{"non-canonical key spelling", eveK, agent.TypeKeyAdd, eve, agent.KeyData{Key: pub(laptop)[:10] + "\n" + pub(laptop)[10:]}, meent.ERULE},
		{"unknown event type", adminK, "agent.delete", admin, map[string]string{}, meent.ERULE},
		// docs/ledger.md section 1: a small-order key verifies a forged
		// signature on every message, so authorising one hands the agent
		// to anyone; a non-canonical spelling of a point is refused too.
		{"small-order key added (identity)", eveK, agent.TypeKeyAdd, eve, agent.KeyData{Key: b64(identityKey)}, meent.ERULE},
		{"small-order key added (order 8)", eveK, agent.TypeKeyAdd, eve, agent.KeyData{Key: "xxdqcD1N2E+6PAt2DRBnDyogU/osOczGTsf9d5KsA3o="}, meent.ERULE},
		{"non-canonical key added (y = p+1)", eveK, agent.TypeKeyAdd, eve, agent.KeyData{Key: "7v///////////////////////////////////////38="}, meent.ERULE},
		{"key added that is not a point", eveK, agent.TypeKeyAdd, eve, agent.KeyData{Key: b64(notAPoint)}, meent.ERULE},
	}
	for _, c := range refused {
		t.Run("refuses "+c.name, func(t *testing.T) {
			before := w.st.Digest()
			_, err := w.apply(c.k, c.typ, c.auth, c.data)
			if got := meent.ErrorCode(err); got != c.code {
				t.Fatalf("code %q (%v), want %q", got, err, c.code)
			}
			if w.st.Digest() != before {
				t.Fatal("refused event changed the state")
			}
		})
	}

	// Bootstrap, then admin rules.
	w.must(adminK, agent.TypeMemberSet, admin, agent.MemberData{Agent: admin, Role: agent.RoleAdmin})
	if _, err := w.apply(bobK, agent.TypeMemberSet, bob, agent.MemberData{Agent: bob, Role: agent.RoleAdmin}); meent.ErrorCode(err) != meent.EFORBIDDEN {
		t.Fatalf("second self-bootstrap: %v", err)
	}
	w.must(adminK, agent.TypeMemberSet, admin, agent.MemberData{Agent: bob, Role: agent.RoleMember})
	if _, err := w.apply(bobK, agent.TypeMemberSet, bob, agent.MemberData{Agent: eve, Role: agent.RoleMember}); meent.ErrorCode(err) != meent.EFORBIDDEN {
		t.Fatalf("member admitting someone: %v", err)
	}
	if _, err := w.apply(adminK, agent.TypeMemberRm, admin, agent.MemberData{Agent: admin}); meent.ErrorCode(err) != meent.ERULE {
		t.Fatalf("removing last admin: %v", err)
	}
	if _, err := w.apply(adminK, agent.TypeMemberSet, admin, agent.MemberData{Agent: admin, Role: agent.RoleMember}); meent.ErrorCode(err) != meent.ERULE {
		t.Fatalf("demoting last admin: %v", err)
	}
	if got := w.st.Agents.Members(); got != 2 {
		t.Fatalf("members = %d, want 2", got)
	}

	// Key rotation: add a laptop key, sign with it, revoke the old key;
	// the old key signs nothing afterwards.
	w.must(adminK, agent.TypeKeyAdd, admin, agent.KeyData{Key: pub(laptop)})
	w.must(laptop, agent.TypeUpdate, admin, agent.UpdateData{Name: "Admin on laptop"})
	w.must(laptop, agent.TypeKeyRevoke, admin, agent.KeyData{Key: pub(adminK)})
	if _, err := w.apply(adminK, agent.TypeUpdate, admin, agent.UpdateData{Name: "old key"}); meent.ErrorCode(err) != meent.ERULE {
		t.Fatalf("revoked key still signs: %v", err)
	}
	if _, err := w.apply(laptop, agent.TypeKeyAdd, admin, agent.KeyData{Key: pub(adminK)}); meent.ErrorCode(err) != meent.ERULE {
		t.Fatalf("revoked key re-added: %v", err)
	}
	if a := w.st.Agents.Agent(admin); a.Name != "Admin on laptop" || len(a.Keys) != 1 || a.Keys[0] != pub(laptop) {
		t.Fatalf("admin after rotation: %+v", a)
	}
}

// TestRulesProperties drives the rules with random events and checks what
// must always hold: a refused event changes nothing, every agent keeps at
// least one active key, a key belongs to one agent, and once there is a
// community it always has an admin.
func TestRulesProperties(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		w := &world{t: t, st: state.New()}
		var keys []ed25519.PrivateKey
		owner := map[string]string{} // key -> agent
		var agents []string
		for i := 0; i < 6; i++ {
			keys = append(keys, key(byte(10+i)))
		}
		steps := rapid.IntRange(1, 60).Draw(rt, "steps")
		for s := 0; s < steps; s++ {
			k := rapid.SampledFrom(keys).Draw(rt, "key")
			var author, target string
			if len(agents) > 0 {
				author = rapid.SampledFrom(agents).Draw(rt, "author")
				target = rapid.SampledFrom(agents).Draw(rt, "target")
			}
			var typ string
			var data any
			switch rapid.IntRange(0, 5).Draw(rt, "op") {
			case 0:
				typ, author, data = agent.TypeCreate, "", agent.CreateData{Kind: rapid.SampledFrom(agent.Kinds).Draw(rt, "kind"), Name: "n"}
			case 1:
				typ, data = agent.TypeUpdate, agent.UpdateData{Name: "m"}
			case 2:
				typ, data = agent.TypeKeyAdd, agent.KeyData{Key: pub(rapid.SampledFrom(keys).Draw(rt, "newkey"))}
			case 3:
				typ, data = agent.TypeKeyRevoke, agent.KeyData{Key: pub(rapid.SampledFrom(keys).Draw(rt, "oldkey"))}
			case 4:
				typ, data = agent.TypeMemberSet, agent.MemberData{Agent: target, Role: rapid.SampledFrom([]string{agent.RoleAdmin, agent.RoleMember}).Draw(rt, "role")}
			case 5:
				typ, data = agent.TypeMemberRm, agent.MemberData{Agent: target}
			}
			before := w.st.Digest()
			hadMembers := w.st.Agents.Members() > 0
			id, err := w.apply(k, typ, author, data)
			if err != nil {
				if w.st.Digest() != before {
					rt.Fatalf("refused %s changed the state", typ)
				}
				continue
			}
			if typ == agent.TypeCreate {
				agents = append(agents, id)
				owner[pub(k)] = id
			}
			admins := 0
			for _, a := range w.st.Agents.All() {
				if len(a.Keys) == 0 {
					rt.Fatalf("agent %s has no active key", a.ID)
				}
				for _, kk := range a.Keys {
					if o, _ := w.st.Agents.KeyOwner(kk); o != a.ID {
						rt.Fatalf("key %s listed for %s but owned by %s", kk, a.ID, o)
					}
				}
				if a.Role == agent.RoleAdmin {
					admins++
				}
			}
			if hadMembers && admins == 0 {
				rt.Fatal("community lost its last admin")
			}
		}
	})
}
