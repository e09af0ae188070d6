package main

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/meent/meent/agent"
	"github.com/meent/meent/client"
	"github.com/meent/meent/ledger"
)

// cmdAgent creates an agent whose key stays on this machine: the key is
// generated here, the agent.create event is signed here, and the node only
// ever sees the public key.
func cmdAgent(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "create" {
		return errors.New("usage: meent agent create --url URL --name NAME [--kind KIND] --out FILE")
	}
	fs := newFlagSet("agent create", stderr)
	url := fs.String("url", "http://127.0.0.1:8080", "node URL")
	name := fs.String("name", "", "display name")
	kind := fs.String("kind", agent.Person, "person, cooperative, company, association or public_body")
	out := fs.String("out", "", "file to write the agent's key to (0600)")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	if *out == "" || *name == "" {
		return errors.New("--name and --out are required")
	}
	_, key, _ := ed25519.GenerateKey(rand.Reader)
	entry, err := ledger.Sign(key, ledger.Body{Type: agent.TypeCreate, Time: time.Now().UnixMilli(), Data: agent.CreateData{Kind: *kind, Name: *name}})
	if err != nil {
		return err
	}
	rc, err := client.New(*url, nil).Submit(ctx, entry)
	if err != nil {
		return err
	}
	if err := writeAgentKey(*out, rc.Hash.String(), key); err != nil {
		return fmt.Errorf("agent %s was created but its key could not be saved: %w", rc.Hash, err)
	}
	fmt.Fprintf(stdout, "agent %s created at index %d; key in %s\n", rc.Hash, rc.Index, *out)
	return nil
}

// cmdEvent signs an event with a key held in a file and submits it.
func cmdEvent(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "submit" {
		return errors.New("usage: meent event submit --url URL --key FILE --type TYPE --data JSON")
	}
	fs := newFlagSet("event submit", stderr)
	url := fs.String("url", "http://127.0.0.1:8080", "node URL")
	keyFile := fs.String("key", "", "agent key file (from meent agent create, or DIR/admin.key)")
	typ := fs.String("type", "", "event type, e.g. member.set")
	data := fs.String("data", "{}", "event data as a JSON object")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	id, key, err := readAgentKey(*keyFile)
	if err != nil {
		return err
	}
	if !json.Valid([]byte(*data)) {
		return errors.New("--data is not valid JSON")
	}
	entry, err := ledger.Sign(key, ledger.Body{Type: *typ, Author: id, Time: time.Now().UnixMilli(), Data: jsontext.Value(*data)})
	if err != nil {
		return err
	}
	rc, err := client.New(*url, nil).Submit(ctx, entry)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "event %s appended at index %d (tree size %d)\n", rc.Hash, rc.Index, rc.TreeSize)
	return nil
}
