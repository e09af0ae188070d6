package main

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/meent/meent"
	"github.com/meent/meent/agent"
	"github.com/meent/meent/blob"
	"github.com/meent/meent/ledger"
	"github.com/meent/meent/node"
	"github.com/meent/meent/postgres"
	"github.com/meent/meent/sqlite"
)

// Files in a data directory. Private keys are written 0600 and not
// encrypted: a node must start unattended (after a reboot, under a
// supervisor), and a passphrase it can read from disk protects nothing.
// Protect the directory like an SSH host key: file permissions, disk
// encryption, backups kept as carefully as the keys themselves.
const (
	nodeKeyFile  = "node.key"  // note signer key of the log: signs checkpoints
	nodePubFile  = "node.pub"  // its verifier key, to give to auditors
	adminKeyFile = "admin.key" // the first admin's agent key, for the CLI
	dbFile       = "meent.db"
)

// initFlags defines init's flags: where the node's data goes and what it
// starts with.
func initFlags(fs *flag.FlagSet) action {
	conf := nodeConfig(fs, false)
	return func(ctx context.Context, stdout, stderr io.Writer) error {
		cfg, err := conf()
		if err != nil {
			return err
		}
		return cmdInit(ctx, cfg, stdout, stderr)
	}
}

func cmdInit(ctx context.Context, cfg *Config, stdout, stderr io.Writer) error {
	log, err := cfg.logger(stderr)
	if err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join(cfg.Data, nodeKeyFile)); err == nil {
		return fmt.Errorf("%s is already initialised", cfg.Data)
	}
	return initNode(ctx, cfg, log, stdout)
}

// initNode creates a node: keys, database, and the log's first events (the
// admin agent and its membership). Everything is built in a temporary
// directory beside DIR and renamed into place at the end, so a failed init
// leaves nothing behind and can simply be run again. It refuses a database
// that already holds a log: a process joining a shared PostgreSQL log gets
// a copy of that log's node.key and node.pub instead.
func initNode(ctx context.Context, cfg *Config, log *slog.Logger, stdout io.Writer) (err error) {
	password := cfg.AdminPassword
	generated := password == ""
	if generated {
		b := make([]byte, 12)
		rand.Read(b)
		password = base64.RawURLEncoding.EncodeToString(b)
	}
	if n := len(password); n < 10 || n > 72 {
		return meent.Errorf(meent.EINVALID, "admin password must be 10 to 72 bytes")
	}
	final := filepath.Clean(cfg.Data)
	if entries, err := os.ReadDir(final); err == nil {
		if len(entries) > 0 {
			return fmt.Errorf("%s exists and is not empty, but holds no %s: not a meent data directory", final, nodeKeyFile)
		}
		os.Remove(final) // an empty directory the operator made: replaced below
	}
	if err := os.MkdirAll(filepath.Dir(final), 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(final), "."+filepath.Base(final)+".init-")
	if err != nil {
		return fmt.Errorf("create data directory: %w", err)
	}
	defer func() {
		if err != nil {
			os.RemoveAll(tmp)
		}
	}()
	skey, vkey, err := newNodeKey(cfg.Origin)
	if err != nil {
		return err
	}
	if err := writeFileExcl(filepath.Join(tmp, nodeKeyFile), []byte(skey+"\n"), 0o600); err != nil {
		return err
	}
	if err := writeFileExcl(filepath.Join(tmp, nodePubFile), []byte(vkey+"\n"), 0o644); err != nil {
		return err
	}
	tcfg := *cfg
	tcfg.Data = tmp
	store, err := openStore(ctx, &tcfg)
	if err != nil {
		return err
	}
	size, err := store.Size(ctx)
	store.Close()
	if err != nil {
		return err
	}
	if size > 0 {
		return fmt.Errorf("the database already holds a log of %d events: to serve it, copy node.key and node.pub from a node of that log into %s instead of running init", size, final)
	}
	n, acc, closeAll, err := openNode(ctx, &tcfg, log, nil)
	if err != nil {
		return err
	}
	id, key, err := genesis(ctx, n)
	if err == nil {
		err = writeAgentKey(filepath.Join(tmp, adminKeyFile), id, key)
	}
	if err == nil {
		err = acc.Attach(ctx, id, "admin", password, key)
	}
	origin := n.Origin()
	closeAll()
	if err != nil {
		return err
	}
	if err := os.Rename(tmp, final); err != nil {
		return fmt.Errorf("move the new data directory into place: %w", err)
	}
	fmt.Fprintf(stdout, "initialised %s\n  log origin   %s\n  verifier key %s\n  admin agent  %s (key in %s)\n",
		final, origin, vkey, id, filepath.Join(final, adminKeyFile))
	if generated {
		fmt.Fprintf(stdout, "  web login    admin / %s   (shown once; keep it)\n", password)
	}
	return nil
}

// genesis writes the log's first two events: the admin agent (index 0)
// and its admission as the first admin, which the rules allow only to the
// agent at index 0.
func genesis(ctx context.Context, n *node.Node) (string, ed25519.PrivateKey, error) {
	_, key, _ := ed25519.GenerateKey(rand.Reader)
	now := time.Now().UnixMilli()
	create, err := ledger.Sign(key, ledger.Body{Type: agent.TypeCreate, Time: now, Data: agent.CreateData{Kind: agent.Person, Name: "Admin"}})
	if err != nil {
		return "", nil, err
	}
	rc, err := n.Submit(ctx, create)
	if err != nil {
		return "", nil, fmt.Errorf("create admin agent: %w", err)
	}
	id := rc.Hash.String()
	member, err := ledger.Sign(key, ledger.Body{Type: agent.TypeMemberSet, Author: id, Time: now, Data: agent.MemberData{Agent: id, Role: agent.RoleAdmin}})
	if err != nil {
		return "", nil, err
	}
	if _, err := n.Submit(ctx, member); err != nil {
		return "", nil, fmt.Errorf("make admin a member: %w", err)
	}
	return id, key, nil
}

// newNodeKey makes the checkpoint signing key. Its name is the log origin;
// by default "meent.local/" and a short fingerprint, unique per node.
func newNodeKey(origin string) (skey, vkey string, err error) {
	if origin == "" {
		seed := make([]byte, 16)
		rand.Read(seed)
		sum := sha256.Sum256(seed)
		origin = "meent.local/" + hex.EncodeToString(sum[:6])
	}
	if strings.ContainsAny(origin, " +\n") {
		return "", "", meent.Errorf(meent.EINVALID, "origin %q must not contain spaces, '+' or newlines", origin)
	}
	return note.GenerateKey(rand.Reader, origin)
}

// openNode opens the store and the node of a data directory.
func openNode(ctx context.Context, cfg *Config, log *slog.Logger, metrics *node.Metrics) (*node.Node, *node.Accounts, func(), error) {
	n, acc, _, closeAll, err := openNodeBlobs(ctx, cfg, log, metrics)
	return n, acc, closeAll, err
}

// openNodeBlobs opens the store, the blob store (DIR/blobs: the files
// contributions carry) and the node of a data directory.
func openNodeBlobs(ctx context.Context, cfg *Config, log *slog.Logger, metrics *node.Metrics) (*node.Node, *node.Accounts, *blob.Store, func(), error) {
	skey, err := os.ReadFile(filepath.Join(cfg.Data, nodeKeyFile))
	if err != nil {
		return nil, nil, nil, nil, fmt.Errorf("read node key (run meent init?): %w", err)
	}
	skeyText := strings.TrimSpace(string(skey))
	signer, err := note.NewSigner(skeyText)
	if err != nil {
		return nil, nil, nil, nil, fmt.Errorf("node key: %w", err)
	}
	vkey, err := os.ReadFile(filepath.Join(cfg.Data, nodePubFile))
	if err != nil {
		return nil, nil, nil, nil, fmt.Errorf("read verifier key: %w", err)
	}
	verifier, err := note.NewVerifier(strings.TrimSpace(string(vkey)))
	if err != nil {
		return nil, nil, nil, nil, fmt.Errorf("verifier key: %w", err)
	}
	store, err := openStore(ctx, cfg)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	blobs, err := blob.Open(filepath.Join(cfg.Data, "blobs"), cfg.MaxBlobSize)
	if err != nil {
		store.Close()
		return nil, nil, nil, nil, fmt.Errorf("open blob store: %w", err)
	}
	n, err := node.Open(ctx, store, node.Config{Origin: signer.Name(), Signer: signer, Verifier: verifier, Logger: log, Metrics: metrics, Blobs: blobs,
		Private: privateStore(store)})
	if err != nil {
		store.Close()
		return nil, nil, nil, nil, err
	}
	// The sealing secret for custodial keys derives from the node key, so
	// every process that may sign checkpoints can also open them.
	secret := sha256.Sum256(append([]byte("meent custodial secret\x00"), skeyText...))
	sealer, err := node.NewSealer(secret[:])
	if err != nil {
		return nil, nil, nil, nil, err
	}
	return n, node.NewAccounts(n, sealer), blobs, func() { n.Close(); store.Close() }, nil
}

func openStore(ctx context.Context, cfg *Config) (meent.Store, error) {
	if strings.HasPrefix(cfg.DB, "postgres://") || strings.HasPrefix(cfg.DB, "postgresql://") {
		return postgres.Open(ctx, cfg.DB)
	}
	if cfg.DB != "" {
		return nil, meent.Errorf(meent.EINVALID, "db must be empty (SQLite) or a postgres:// DSN")
	}
	return sqlite.Open(ctx, filepath.Join(cfg.Data, dbFile))
}

func writeFileExcl(path string, data []byte, perm os.FileMode) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// agentKeyFile is the format of a key the CLI holds for an agent.
type agentKeyFile struct {
	Agent string `json:"agent"`
	Seed  string `json:"seed"` // base64 Ed25519 seed
}

func writeAgentKey(path, id string, key ed25519.PrivateKey) error {
	b, _ := json.MarshalIndent(agentKeyFile{Agent: id, Seed: base64.StdEncoding.EncodeToString(key.Seed())}, "", "  ")
	return writeFileExcl(path, append(b, '\n'), 0o600)
}

func readAgentKey(path string) (string, ed25519.PrivateKey, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", nil, err
	}
	var f agentKeyFile
	if err := json.Unmarshal(b, &f); err != nil {
		return "", nil, fmt.Errorf("%s: %w", path, err)
	}
	seed, err := base64.StdEncoding.DecodeString(f.Seed)
	if err != nil || len(seed) != ed25519.SeedSize {
		return "", nil, errors.New(path + ": seed must be base64 of 32 bytes")
	}
	return f.Agent, ed25519.NewKeyFromSeed(seed), nil
}
