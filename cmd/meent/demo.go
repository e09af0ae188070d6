package main

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"io"
	"time"

	"github.com/meent/meent/agent"
	"github.com/meent/meent/ledger"
	"github.com/meent/meent/node"
)

// demoPassword is the password of every demo account; the demo is for
// looking around on a laptop, never for a real community.
const demoPassword = "demo-password"

// fillDemo gives a newly initialised node a small community: people and
// organisations of every kind, members, a key rotation. It does nothing
// if the log holds more than the genesis events.
func fillDemo(ctx context.Context, n *node.Node, acc *node.Accounts, cfg *Config, stdout io.Writer) error {
	size, err := n.Store().Size(ctx)
	if err != nil {
		return err
	}
	if size > 2 {
		return nil
	}
	admin, adminKey, err := readAgentKey(cfg.Data + "/" + adminKeyFile)
	if err != nil {
		return fmt.Errorf("the demo needs the admin key of this data directory: %w", err)
	}
	people := []struct{ user, name, kind, role string }{
		{"maya", "Maya Janssen", agent.Person, agent.RoleAdmin},
		{"joost", "Joost de Vries", agent.Person, agent.RoleMember},
		{"amina", "Amina El Idrissi", agent.Person, agent.RoleMember},
		{"fablab", "Fablab Brest", agent.Association, agent.RoleMember},
		{"broodfonds", "Broodfonds Zuid", agent.Cooperative, agent.RoleMember},
		{"acme", "Acme Software BV", agent.Company, ""},
		{"gemeente", "Gemeente Utrecht", agent.PublicBody, ""},
	}
	now := func() int64 { return time.Now().UnixMilli() }
	for _, p := range people {
		a, err := acc.SignUp(ctx, node.SignUp{Username: p.user, Password: demoPassword, Kind: p.kind, Name: p.name})
		if err != nil {
			return fmt.Errorf("sign up %s: %w", p.user, err)
		}
		if p.role == "" {
			continue
		}
		e, err := ledger.Sign(adminKey, ledger.Body{Type: agent.TypeMemberSet, Author: admin, Time: now(), Data: agent.MemberData{Agent: a.Agent, Role: p.role}})
		if err != nil {
			return err
		}
		if _, err := n.Submit(ctx, e); err != nil {
			return err
		}
	}
	// The admin adds a second device key and renames themselves: the
	// history shows both, as it would for a real rotation.
	_, laptop, _ := ed25519.GenerateKey(rand.Reader)
	pub := base64.StdEncoding.EncodeToString(laptop.Public().(ed25519.PublicKey))
	for _, b := range []ledger.Body{
		{Type: agent.TypeKeyAdd, Author: admin, Time: now(), Data: agent.KeyData{Key: pub}},
		{Type: agent.TypeUpdate, Author: admin, Time: now(), Data: agent.UpdateData{Name: "Node admin"}},
	} {
		e, err := ledger.Sign(adminKey, b)
		if err != nil {
			return err
		}
		if _, err := n.Submit(ctx, e); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "demo community added: log in as maya, joost, amina, ... with password %q\n", demoPassword)
	return nil
}
