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

// CreateToken stores an API token; ECONFLICT if its hash or ID is taken.
func (db *DB) CreateToken(ctx context.Context, t meent.Token) error {
	_, err := db.writer().exec(ctx, `INSERT INTO api_tokens (hash, id, agent, name, created, expires, last_used) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		t.Hash[:], t.ID, t.Agent, t.Name, t.Created, t.Expires, t.LastUsed)
	return db.conflictOr(err, "create token", "the token exists already")
}

const tokenColumns = `hash, id, agent, name, created, expires, last_used`

func scanToken(sc interface{ Scan(...any) error }) (meent.Token, error) {
	var t meent.Token
	var h []byte
	err := sc.Scan(&h, &t.ID, &t.Agent, &t.Name, &t.Created, &t.Expires, &t.LastUsed)
	if err == nil {
		err = scanHash(&t.Hash, h)
	}
	return t, err
}

// TokenByHash returns a token, expired or not; ENOTFOUND when none.
func (db *DB) TokenByHash(ctx context.Context, hash [32]byte) (meent.Token, error) {
	t, err := scanToken(db.reader().queryRow(ctx, `SELECT `+tokenColumns+` FROM api_tokens WHERE hash = ?`, hash[:]))
	if errors.Is(err, sql.ErrNoRows) {
		return t, notFound("no such token")
	}
	if err != nil {
		return t, fmt.Errorf("token: %w", err)
	}
	return t, nil
}

// maxTokens bounds one agent's list; sign-up cannot be used to make a
// list this long by accident, and a page of them is all a person reads.
const maxTokens = 1000

// Tokens lists an agent's tokens, newest first.
func (db *DB) Tokens(ctx context.Context, agent string) ([]meent.Token, error) {
	rows, err := db.reader().query(ctx, `SELECT `+tokenColumns+` FROM api_tokens WHERE agent = ? ORDER BY created DESC, id LIMIT ?`, agent, maxTokens)
	if err != nil {
		return nil, fmt.Errorf("tokens: %w", err)
	}
	defer rows.Close()
	var out []meent.Token
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, fmt.Errorf("tokens: %w", err)
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("tokens: %w", err)
	}
	return out, nil
}

// DeleteToken removes the agent's token with that ID; ENOTFOUND when the
// agent has none by that ID (another agent's token is not found either, so
// IDs cannot be probed).
func (db *DB) DeleteToken(ctx context.Context, agent, id string) error {
	res, err := db.writer().exec(ctx, `DELETE FROM api_tokens WHERE agent = ? AND id = ?`, agent, id)
	if err != nil {
		return fmt.Errorf("delete token: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("delete token: %w", err)
	} else if n == 0 {
		return notFound("no such token")
	}
	return nil
}

// TouchToken sets the token's last use to at, if that is later.
func (db *DB) TouchToken(ctx context.Context, hash [32]byte, at int64) error {
	if _, err := db.writer().exec(ctx, `UPDATE api_tokens SET last_used = ? WHERE hash = ? AND last_used < ?`, at, hash[:], at); err != nil {
		return fmt.Errorf("touch token: %w", err)
	}
	return nil
}
