package node

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"

	"github.com/meent/meent"
	"github.com/meent/meent/agent"
	"github.com/meent/meent/ledger"
)

// Web accounts are private to the node and never enter the log. They let a
// person without their own tooling act through the web: the node holds
// their agent's key, sealed with the node's secret, and signs on their
// behalf. People who want to hold their own key use the CLI and an API
// token, or sign events themselves and POST them.

const (
	// SessionTTL is how long a login lasts.
	SessionTTL = 14 * 24 * time.Hour
	// maxPassword is bcrypt's input limit; longer passwords would be
	// silently truncated, so they are refused instead.
	maxPassword = 72
	minPassword = 10
)

// Sealer encrypts custodial keys at rest with AES-256-GCM under a key
// derived from the node's secret, so a copy of the database alone does not
// give away anyone's signing key.
type Sealer struct{ aead cipher.AEAD }

// NewSealer derives the sealing key from secret (at least 32 bytes).
func NewSealer(secret []byte) (*Sealer, error) {
	if len(secret) < 32 {
		return nil, errors.New("sealer: secret must be at least 32 bytes")
	}
	k := sha256.Sum256(append([]byte("meent custodial key sealing v1\x00"), secret...))
	block, err := aes.NewCipher(k[:])
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Sealer{aead: aead}, nil
}

// Seal encrypts an Ed25519 seed; agent is bound in as associated data so a
// sealed key cannot be moved to another account.
func (s *Sealer) Seal(agentID string, seed []byte) []byte {
	nonce := make([]byte, s.aead.NonceSize())
	rand.Read(nonce)
	return s.aead.Seal(nonce, nonce, seed, []byte(agentID))
}

// Open decrypts a sealed seed.
func (s *Sealer) Open(agentID string, sealed []byte) (ed25519.PrivateKey, error) {
	ns := s.aead.NonceSize()
	if len(sealed) < ns {
		return nil, errors.New("sealed key too short")
	}
	seed, err := s.aead.Open(nil, sealed[:ns], sealed[ns:], []byte(agentID))
	if err != nil {
		return nil, fmt.Errorf("open sealed key: %w", err)
	}
	return ed25519.NewKeyFromSeed(seed), nil
}

// Accounts is the service behind web sign-up, login, sessions, API tokens
// and signing on a web user's behalf.
type Accounts struct {
	node      *Node
	sealer    *Sealer
	dummyOnce sync.Once
	dummy     []byte // a hash to compare against for unknown usernames

	// hashing bounds the password hashes computed at once. bcrypt is
	// made to be slow, so a flood of logins would otherwise take every
	// core and slow every other request many times over; with half the
	// cores at most, reads and appends keep the rest.
	hashing   chan struct{}
	inHash    atomic.Int32 // hashes running now
	maxInHash atomic.Int32 // the most that ever ran at once, for tests
}

// hashWait is how long a login or sign-up waits for a hashing slot before
// it is answered unavailable (503): better a quick "retry" than a queue
// that grows for as long as a flood lasts.
const hashWait = 5 * time.Second

// NewAccounts returns the account service of n.
func NewAccounts(n *Node, s *Sealer) *Accounts {
	return &Accounts{node: n, sealer: s, hashing: make(chan struct{}, max(1, runtime.GOMAXPROCS(0)/2))}
}

// withHashSlot runs fn, which hashes a password, once a hashing slot is
// free; EUNAVAILABLE if none frees up in time.
func (a *Accounts) withHashSlot(ctx context.Context, fn func()) error {
	t := time.NewTimer(hashWait)
	defer t.Stop()
	select {
	case a.hashing <- struct{}{}:
	case <-t.C:
		return meent.Errorf(meent.EUNAVAILABLE, "the node is busy checking passwords; try again in a few seconds")
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-a.hashing }()
	n := a.inHash.Add(1)
	defer a.inHash.Add(-1)
	for m := a.maxInHash.Load(); n > m && !a.maxInHash.CompareAndSwap(m, n); m = a.maxInHash.Load() {
	}
	fn()
	return nil
}

// MaxConcurrentHashes reports the most password hashes that ever ran at
// once, and the bound; tests use it to check the bound holds.
func (a *Accounts) MaxConcurrentHashes() (seen, limit int) {
	return int(a.maxInHash.Load()), cap(a.hashing)
}

// SignUp is the input of Accounts.SignUp.
type SignUp struct {
	Username string
	Password string
	Kind     string // agent kind; default person
	Name     string // display name; default the username
}

// SignUp creates an agent with a fresh key held by the node, appends its
// agent.create event, and stores the account.
func (a *Accounts) SignUp(ctx context.Context, in SignUp) (meent.Account, error) {
	if err := checkUsername(in.Username); err != nil {
		return meent.Account{}, err
	}
	if err := checkPassword(in.Password); err != nil {
		return meent.Account{}, err
	}
	if _, err := a.node.store.AccountByUsername(ctx, in.Username); err == nil {
		return meent.Account{}, meent.Errorf(meent.ECONFLICT, "username %q is taken", in.Username)
	}
	if in.Kind == "" {
		in.Kind = agent.Person
	}
	if in.Name == "" {
		in.Name = in.Username
	}
	var hash []byte
	var err error
	if serr := a.withHashSlot(ctx, func() { hash, err = bcrypt.GenerateFromPassword([]byte(in.Password), a.node.cfg.PasswordCost) }); serr != nil {
		return meent.Account{}, serr
	}
	if err != nil {
		return meent.Account{}, fmt.Errorf("hash password: %w", err)
	}
	_, key, _ := ed25519.GenerateKey(rand.Reader)
	entry, err := ledger.Sign(key, ledger.Body{
		Type: agent.TypeCreate, Time: a.node.cfg.Now().UnixMilli(),
		Data: agent.CreateData{Kind: in.Kind, Name: in.Name},
	})
	if err != nil {
		return meent.Account{}, err
	}
	rc, err := a.node.Submit(ctx, entry)
	if err != nil {
		return meent.Account{}, err
	}
	acct := meent.Account{
		Agent:        rc.Hash.String(),
		Username:     in.Username,
		PasswordHash: string(hash),
		Key:          a.sealer.Seal(rc.Hash.String(), key.Seed()),
		Created:      a.node.cfg.Now().UnixMilli(),
	}
	if err := a.node.store.CreateAccount(ctx, acct); err != nil {
		// The agent exists in the log either way; it can be claimed by
		// an admin later. The person gets a clear error now.
		return meent.Account{}, err
	}
	return acct, nil
}

// Attach stores an account for an agent that already exists, with a key the
// node will hold (meent init uses it for the first admin). key may be nil
// for an agent that signs only for itself.
func (a *Accounts) Attach(ctx context.Context, agentID, username, password string, key ed25519.PrivateKey) error {
	if err := checkUsername(username); err != nil {
		return err
	}
	if err := checkPassword(password); err != nil {
		return err
	}
	var hash []byte
	var err error
	if serr := a.withHashSlot(ctx, func() { hash, err = bcrypt.GenerateFromPassword([]byte(password), a.node.cfg.PasswordCost) }); serr != nil {
		return serr
	}
	if err != nil {
		return err
	}
	var sealed []byte
	if key != nil {
		sealed = a.sealer.Seal(agentID, key.Seed())
	}
	return a.node.store.CreateAccount(ctx, meent.Account{
		Agent: agentID, Username: username, PasswordHash: string(hash), Key: sealed,
		Created: a.node.cfg.Now().UnixMilli(),
	})
}

// Login checks a password and opens a session. It returns the cookie token
// (shown once, stored only as a hash) and the session.
func (a *Accounts) Login(ctx context.Context, username, password string) (string, meent.Session, error) {
	bad := meent.Errorf(meent.EUNAUTHORIZED, "unknown username or wrong password")
	acct, err := a.node.store.AccountByUsername(ctx, username)
	if err != nil {
		if meent.ErrorCode(err) == meent.ENOTFOUND {
			// Spend the same time as a real check, so timing does not
			// tell which usernames exist.
			if err := a.withHashSlot(ctx, func() {
				a.dummyOnce.Do(func() {
					a.dummy, _ = bcrypt.GenerateFromPassword([]byte("not a password at all"), a.node.cfg.PasswordCost)
				})
				bcrypt.CompareHashAndPassword(a.dummy, []byte(password))
			}); err != nil {
				return "", meent.Session{}, err
			}
			return "", meent.Session{}, bad
		}
		return "", meent.Session{}, err
	}
	var cmp error
	if err := a.withHashSlot(ctx, func() { cmp = bcrypt.CompareHashAndPassword([]byte(acct.PasswordHash), []byte(password)) }); err != nil {
		return "", meent.Session{}, err
	}
	if cmp != nil {
		return "", meent.Session{}, bad
	}
	token := randomToken()
	s := meent.Session{
		TokenHash: sha256.Sum256([]byte(token)),
		Agent:     acct.Agent,
		CSRF:      randomToken(),
		Expires:   a.node.cfg.Now().Add(SessionTTL).UnixMilli(),
	}
	if err := a.node.store.CreateSession(ctx, s); err != nil {
		return "", meent.Session{}, err
	}
	return token, s, nil
}

// Session returns the live session for a cookie token.
func (a *Accounts) Session(ctx context.Context, token string) (meent.Session, error) {
	if token == "" {
		return meent.Session{}, meent.Errorf(meent.EUNAUTHORIZED, "not logged in")
	}
	s, err := a.node.store.SessionByHash(ctx, sha256.Sum256([]byte(token)), a.node.cfg.Now().UnixMilli())
	if meent.ErrorCode(err) == meent.ENOTFOUND {
		return s, meent.Errorf(meent.EUNAUTHORIZED, "session expired or unknown; log in again")
	}
	return s, err
}

// Logout ends a session.
func (a *Accounts) Logout(ctx context.Context, token string) error {
	return a.node.store.DeleteSession(ctx, sha256.Sum256([]byte(token)))
}

// CheckCSRF compares a form's CSRF token with the session's in constant time.
func CheckCSRF(s meent.Session, got string) error {
	if got == "" || subtle.ConstantTimeCompare([]byte(s.CSRF), []byte(got)) != 1 {
		return meent.Errorf(meent.EFORBIDDEN, "missing or wrong CSRF token; reload the page and try again")
	}
	return nil
}

// DefaultTokenTTL is how long an API token lives when its maker does not
// choose; MaxTokenTTL bounds a chosen lifetime, so every token ends.
const (
	DefaultTokenTTL = 90 * 24 * time.Hour
	MaxTokenTTL     = 366 * 24 * time.Hour
	// touchEvery is how stale a token's last use may be before a request
	// records it again: using a token stays a read, save once a minute.
	touchEvery = time.Minute
)

// CreateToken issues an API token for agentID that lives DefaultTokenTTL.
// The token is returned once and only its hash is kept.
func (a *Accounts) CreateToken(ctx context.Context, agentID, name string) (string, error) {
	token, _, err := a.IssueToken(ctx, agentID, name, 0)
	return token, err
}

// MaxTokensPerAgent is how many API tokens one agent may hold; it is the
// length of the store's token list (sqlstore's maxTokens), so that list is
// never cut.
const MaxTokensPerAgent = 1000

// IssueToken issues an API token for agentID that expires after ttl
// (DefaultTokenTTL when 0; at most MaxTokenTTL). It returns the secret,
// shown this once, and the stored token (which holds only its hash).
func (a *Accounts) IssueToken(ctx context.Context, agentID, name string, ttl time.Duration) (string, meent.Token, error) {
	if name == "" || len(name) > 100 || !utf8.ValidString(name) || strings.ContainsFunc(name, unicode.IsControl) {
		return "", meent.Token{}, meent.Errorf(meent.EINVALID, "token name must be 1 to 100 bytes of text")
	}
	if ttl == 0 {
		ttl = DefaultTokenTTL
	}
	if ttl < time.Minute || ttl > MaxTokenTTL {
		return "", meent.Token{}, meent.Errorf(meent.EINVALID, "a token must live between a minute and %d days", MaxTokenTTL/(24*time.Hour))
	}
	// The list of an agent's tokens is answered whole (GET /api/v1/tokens,
	// the account page), so it is kept bounded here, where tokens are made:
	// the store lists at most MaxTokensPerAgent.
	if held, err := a.node.store.Tokens(ctx, agentID); err != nil {
		return "", meent.Token{}, err
	} else if len(held) >= MaxTokensPerAgent {
		return "", meent.Token{}, meent.Errorf(meent.ECONFLICT, "an agent holds at most %d API tokens, expired ones included; revoke one first", MaxTokensPerAgent)
	}
	token := "meent_" + randomToken()
	id := make([]byte, 8)
	rand.Read(id)
	now := a.node.cfg.Now()
	t := meent.Token{
		Hash: sha256.Sum256([]byte(token)), ID: hex.EncodeToString(id), Agent: agentID, Name: name,
		Created: now.UnixMilli(), Expires: now.Add(ttl).UnixMilli(),
	}
	if err := a.node.store.CreateToken(ctx, t); err != nil {
		return "", meent.Token{}, err
	}
	return token, t, nil
}

// TokenAgent returns the agent an API token acts for. An unknown, revoked
// or expired token is EUNAUTHORIZED: revocation deletes the row, so the
// very next request with it is refused.
func (a *Accounts) TokenAgent(ctx context.Context, token string) (string, error) {
	h := sha256.Sum256([]byte(token))
	t, err := a.node.store.TokenByHash(ctx, h)
	if meent.ErrorCode(err) == meent.ENOTFOUND {
		return "", meent.Errorf(meent.EUNAUTHORIZED, "unknown or revoked API token")
	}
	if err != nil {
		return "", err
	}
	now := a.node.cfg.Now()
	if now.UnixMilli() >= t.Expires {
		return "", meent.Errorf(meent.EUNAUTHORIZED, "this API token expired on %s; make a new one on your account page", time.UnixMilli(t.Expires).UTC().Format(time.DateOnly))
	}
	if now.Sub(time.UnixMilli(t.LastUsed)) >= touchEvery {
		// Best effort: a failure to record the use must not refuse a
		// request the token is good for.
		if err := a.node.store.TouchToken(ctx, h, now.UnixMilli()); err != nil {
			a.node.cfg.Logger.Warn("record token use", "err", err)
		}
	}
	return t.Agent, nil
}

// Tokens lists agentID's API tokens, newest first, expired ones included
// (so their owner sees why a script stopped). Secrets are never kept, so
// never listed.
func (a *Accounts) Tokens(ctx context.Context, agentID string) ([]meent.Token, error) {
	return a.node.store.Tokens(ctx, agentID)
}

// RevokeToken deletes agentID's token with that ID; ENOTFOUND when the
// agent has none by that ID.
func (a *Accounts) RevokeToken(ctx context.Context, agentID, id string) error {
	return a.node.store.DeleteToken(ctx, agentID, id)
}

// Act signs an event of the given type and data with the key the node holds
// for agentID, and submits it. It is how web users and token holders
// without their own key change anything.
func (a *Accounts) Act(ctx context.Context, agentID, typ string, data any) (Receipt, error) {
	return a.ActAt(ctx, agentID, typ, a.node.cfg.Now().UnixMilli(), data)
}

// ActAt is Act with the event's time given: for events whose data must
// agree with their own time (a license grant's terms start then).
func (a *Accounts) ActAt(ctx context.Context, agentID, typ string, at int64, data any) (Receipt, error) {
	acct, err := a.node.store.AccountByAgent(ctx, agentID)
	if err != nil {
		return Receipt{}, err
	}
	if len(acct.Key) == 0 {
		return Receipt{}, meent.Errorf(meent.EFORBIDDEN, "the node holds no key for this agent; sign the event yourself and POST it to /api/v1/events")
	}
	key, err := a.sealer.Open(agentID, acct.Key)
	if err != nil {
		return Receipt{}, err
	}
	entry, err := ledger.Sign(key, ledger.Body{Type: typ, Author: agentID, Time: at, Data: data})
	if err != nil {
		return Receipt{}, meent.Errorf(meent.EINVALID, "cannot encode data: %v", err)
	}
	return a.node.Submit(ctx, entry)
}

func randomToken() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func checkUsername(u string) error {
	if len(u) < 2 || len(u) > 40 {
		return meent.Errorf(meent.EINVALID, "username must be 2 to 40 characters")
	}
	for _, r := range u {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || strings.ContainsRune("-_.", r)) {
			return meent.Errorf(meent.EINVALID, "username may contain only a-z, 0-9, '-', '_' and '.'")
		}
	}
	return nil
}

func checkPassword(p string) error {
	if utf8.RuneCountInString(p) < minPassword {
		return meent.Errorf(meent.EINVALID, "password must be at least %d characters", minPassword)
	}
	if len(p) > maxPassword {
		return meent.Errorf(meent.EINVALID, "password must be at most %d bytes", maxPassword)
	}
	return nil
}
