package main

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/meent/meent/agent"
	"github.com/meent/meent/client"
	"github.com/meent/meent/ledger"
	"github.com/meent/meent/node"
)

// agentArea holds the commands that make agents and sign raw events, and
// the demo's people.
var agentArea = area{
	name:    "agent",
	summary: "agents whose keys stay on this machine, and raw signed events",
	commands: []command{
		{name: "agent create", summary: "create an agent whose key stays on this machine", flags: agentCreateFlags},
		{name: "event submit", summary: "sign any event locally and submit it", flags: eventSubmitFlags},
		{name: "event list", summary: "list events as JSON, newest first: of a commons, touching an agent, by author or type", flags: eventListFlags},
	},
	demo: demoPeople,
}

// agentCreateFlags: agent create makes an agent whose key stays on this
// machine: the key is generated here, the agent.create event is signed
// here, and the node only ever sees the public key.
func agentCreateFlags(fs *flag.FlagSet) action {
	url := fs.String("url", "http://127.0.0.1:8080", "node URL")
	name := fs.String("name", "", "display name")
	kind := fs.String("kind", agent.Person, "person, cooperative, company, association or public_body")
	out := fs.String("out", "", "file to write the agent's key to (0600)")
	return func(ctx context.Context, stdout, stderr io.Writer) error {
		return cmdAgentCreate(ctx, *url, *name, *kind, *out, stdout)
	}
}

func cmdAgentCreate(ctx context.Context, url, name, kind, out string, stdout io.Writer) error {
	if out == "" || name == "" {
		return errors.New("--name and --out are required")
	}
	_, key, _ := ed25519.GenerateKey(rand.Reader)
	entry, err := ledger.Sign(key, ledger.Body{Type: agent.TypeCreate, Time: time.Now().UnixMilli(), Data: agent.CreateData{Kind: kind, Name: name}})
	if err != nil {
		return err
	}
	rc, err := client.New(url, nil).Submit(ctx, entry)
	if err != nil {
		return err
	}
	if err := writeAgentKey(out, rc.Hash.String(), key); err != nil {
		return fmt.Errorf("agent %s was created but its key could not be saved: %w", rc.Hash, err)
	}
	fmt.Fprintf(stdout, "agent %s created at index %d; key in %s\n", rc.Hash, rc.Index, out)
	return nil
}

// eventSubmitFlags: event submit signs an event with a key held in a
// file and submits it.
func eventSubmitFlags(fs *flag.FlagSet) action {
	url := fs.String("url", "http://127.0.0.1:8080", "node URL")
	keyFile := fs.String("key", "", "agent key file (from meent agent create, or DIR/admin.key)")
	typ := fs.String("type", "", "event type, e.g. member.set")
	data := fs.String("data", "{}", "event data as a JSON object")
	return func(ctx context.Context, stdout, stderr io.Writer) error {
		return cmdEventSubmit(ctx, *url, *keyFile, *typ, *data, stdout)
	}
}

func cmdEventSubmit(ctx context.Context, url, keyFile, typ, data string, stdout io.Writer) error {
	id, key, err := readAgentKey(keyFile)
	if err != nil {
		return err
	}
	if !json.Valid([]byte(data)) {
		return errors.New("--data is not valid JSON")
	}
	entry, err := ledger.Sign(key, ledger.Body{Type: typ, Author: id, Time: time.Now().UnixMilli(), Data: jsontext.Value(data)})
	if err != nil {
		return err
	}
	rc, err := client.New(url, nil).Submit(ctx, entry)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "event %s appended at index %d (tree size %d)\n", rc.Hash, rc.Index, rc.TreeSize)
	return nil
}

// demoPeople signs up the demo community: people and organisations of
// every kind, members, and a key rotation by the admin.
func demoPeople(d *demo) error {
	ctx, n, acc := d.ctx, d.n, d.acc
	admin, adminKey, err := readAgentKey(d.cfg.Data + "/" + adminKeyFile)
	if err != nil {
		return fmt.Errorf("the demo needs the admin key of this data directory: %w", err)
	}
	ids := d.ids
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
		ids[p.user] = a.Agent
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
	return nil
}
