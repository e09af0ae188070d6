package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/meent/meent"
)

// The node's private tables: accounts, sessions and API tokens. They are
// never in the log and need no sequencer lock; writes still go through
// the writer pool, which on SQLite is the only connection allowed to write.

// CreateAccount stores a new account; ECONFLICT if the username or the
// agent already has one.
func (db *DB) CreateAccount(ctx context.Context, a meent.Account) error {
	_, err := db.writer().exec(ctx, `INSERT INTO accounts (agent, username, password_hash, key, created) VALUES (?, ?, ?, ?, ?)`,
		a.Agent, a.Username, a.PasswordHash, a.Key, a.Created)
	return db.conflictOr(err, "create account", "the username is taken, or the agent already has an account")
}

// AccountByUsername returns an account; ENOTFOUND when none.
func (db *DB) AccountByUsername(ctx context.Context, username string) (meent.Account, error) {
	return db.account(ctx, `username = ?`, username)
}

// AccountByAgent returns an account; ENOTFOUND when none.
func (db *DB) AccountByAgent(ctx context.Context, agent string) (meent.Account, error) {
	return db.account(ctx, `agent = ?`, agent)
}

func (db *DB) account(ctx context.Context, where string, arg any) (meent.Account, error) {
	var a meent.Account
	err := db.reader().queryRow(ctx, `SELECT agent, username, password_hash, key, created FROM accounts WHERE `+where, arg).
		Scan(&a.Agent, &a.Username, &a.PasswordHash, &a.Key, &a.Created)
	if errors.Is(err, sql.ErrNoRows) {
		return a, notFound("no such account")
	}
	if err != nil {
		return a, fmt.Errorf("account: %w", err)
	}
	return a, nil
}

// CreateSession stores a session; ECONFLICT if its token hash is taken.
func (db *DB) CreateSession(ctx context.Context, s meent.Session) error {
	_, err := db.writer().exec(ctx, `INSERT INTO sessions (token_hash, agent, csrf, expires) VALUES (?, ?, ?, ?)`,
		s.TokenHash[:], s.Agent, s.CSRF, s.Expires)
	return db.conflictOr(err, "create session", "the session exists already")
}

// SessionByHash returns the session whose token hashes to hash if it
// expires after now (Unix milliseconds); ENOTFOUND otherwise.
func (db *DB) SessionByHash(ctx context.Context, hash [32]byte, now int64) (meent.Session, error) {
	var s meent.Session
	var h []byte
	err := db.reader().queryRow(ctx, `SELECT token_hash, agent, csrf, expires FROM sessions WHERE token_hash = ? AND expires > ?`,
		hash[:], now).Scan(&h, &s.Agent, &s.CSRF, &s.Expires)
	if errors.Is(err, sql.ErrNoRows) {
		return s, notFound("no such session, or it has expired")
	}
	if err == nil {
		err = scanHash(&s.TokenHash, h)
	}
	if err != nil {
		return s, fmt.Errorf("session: %w", err)
	}
	return s, nil
}

// DeleteSession deletes a session. Deleting one that does not exist is
// not an error: logging out twice leaves the same state as once.
func (db *DB) DeleteSession(ctx context.Context, hash [32]byte) error {
	if _, err := db.writer().exec(ctx, `DELETE FROM sessions WHERE token_hash = ?`, hash[:]); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// CreateToken stores an API token; ECONFLICT if its hash is taken.
func (db *DB) CreateToken(ctx context.Context, t meent.Token) error {
	_, err := db.writer().exec(ctx, `INSERT INTO api_tokens (hash, agent, name, created) VALUES (?, ?, ?, ?)`,
		t.Hash[:], t.Agent, t.Name, t.Created)
	return db.conflictOr(err, "create token", "the token exists already")
}

// TokenByHash returns a token; ENOTFOUND when none.
func (db *DB) TokenByHash(ctx context.Context, hash [32]byte) (meent.Token, error) {
	var t meent.Token
	var h []byte
	err := db.reader().queryRow(ctx, `SELECT hash, agent, name, created FROM api_tokens WHERE hash = ?`, hash[:]).
		Scan(&h, &t.Agent, &t.Name, &t.Created)
	if errors.Is(err, sql.ErrNoRows) {
		return t, notFound("no such token")
	}
	if err == nil {
		err = scanHash(&t.Hash, h)
	}
	if err != nil {
		return t, fmt.Errorf("token: %w", err)
	}
	return t, nil
}
