package sqlstore

import (
	"context"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
)

// The secret links of personal calendar feeds (migration 0009): an agent
// has at most one; only the SHA-256 of its token is kept.

// SetFeedToken makes hash the agent's feed token, replacing any other.
func (db *DB) SetFeedToken(ctx context.Context, agent string, hash [32]byte, at int64) error {
	_, err := db.writer().exec(ctx, `INSERT INTO calendar_feeds (agent, token_hash, created) VALUES (?, ?, ?)
		ON CONFLICT (agent) DO UPDATE SET token_hash = excluded.token_hash, created = excluded.created`,
		agent, hex.EncodeToString(hash[:]), at)
	if err != nil {
		return fmt.Errorf("set feed token: %w", err)
	}
	return nil
}

// DeleteFeedToken revokes the agent's feed token; ENOTFOUND when it has none.
func (db *DB) DeleteFeedToken(ctx context.Context, agent string) error {
	res, err := db.writer().exec(ctx, `DELETE FROM calendar_feeds WHERE agent = ?`, agent)
	if err != nil {
		return fmt.Errorf("delete feed token: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("delete feed token: %w", err)
	} else if n == 0 {
		return notFound("no calendar link")
	}
	return nil
}

// FeedTokenAgent returns the agent whose feed token has that hash;
// ENOTFOUND when none has.
func (db *DB) FeedTokenAgent(ctx context.Context, hash [32]byte) (string, error) {
	var agent string
	err := db.reader().queryRow(ctx, `SELECT agent FROM calendar_feeds WHERE token_hash = ?`, hex.EncodeToString(hash[:])).Scan(&agent)
	if errors.Is(err, sql.ErrNoRows) {
		return "", notFound("no such calendar link")
	}
	if err != nil {
		return "", fmt.Errorf("feed token: %w", err)
	}
	return agent, nil
}
