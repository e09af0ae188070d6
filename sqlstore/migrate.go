package sqlstore

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"strconv"
	"time"
)

// Migrations are numbered files, migrations/<dialect>/NNNN_name.sql,
// applied in order, each at most once, and recorded in schema_migrations.
// A released migration is never edited: a change of schema is a new file.
// Every dialect has the same numbers with the same meaning.
//
//go:embed migrations
var migrationsFS embed.FS

var migrationName = regexp.MustCompile(`^([0-9]{4})_[a-z0-9_]+\.sql$`)

type migration struct {
	version int
	name    string
	sql     string
}

// migrations returns the dialect's migrations in order. Their numbers
// must run 1, 2, 3, ... without gaps, so that a missing file is noticed.
func migrations(dialect string) ([]migration, error) {
	dir := path.Join("migrations", dialect)
	ents, err := fs.ReadDir(migrationsFS, dir)
	if err != nil {
		return nil, fmt.Errorf("no migrations for dialect %q: %w", dialect, err)
	}
	var ms []migration
	for _, e := range ents { // ReadDir sorts by name, hence by number
		m := migrationName.FindStringSubmatch(e.Name())
		if m == nil {
			return nil, fmt.Errorf("migration file %s/%s is not named NNNN_name.sql", dir, e.Name())
		}
		v, _ := strconv.Atoi(m[1])
		if v != len(ms)+1 {
			return nil, fmt.Errorf("migration %s/%s: want number %04d", dir, e.Name(), len(ms)+1)
		}
		b, err := fs.ReadFile(migrationsFS, path.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: v, name: e.Name(), sql: string(b)})
	}
	return ms, nil
}

// migrate brings the schema up to date in one transaction: either every
// pending migration is applied or none is. It refuses a database whose
// schema is newer than this code, rather than run against tables it does
// not know.
func migrate(ctx context.Context, db *sql.DB, d Dialect) error {
	ms, err := migrations(d.Name())
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migrate: begin: %w", err)
	}
	defer tx.Rollback()
	if err := d.LockMigrations(ctx, tx); err != nil {
		return fmt.Errorf("migrate: lock: %w", err)
	}
	c := conn{q: tx, d: d}
	if _, err := c.exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY,
		name    TEXT    NOT NULL,
		applied BIGINT  NOT NULL
	)`); err != nil {
		return fmt.Errorf("migrate: create schema_migrations: %w", err)
	}
	var current int
	if err := c.queryRow(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&current); err != nil {
		return fmt.Errorf("migrate: read version: %w", err)
	}
	if current > len(ms) {
		return fmt.Errorf("migrate: database schema is at version %d, newer than this program knows (%d); upgrade meent", current, len(ms))
	}
	for _, m := range ms[current:] {
		// Executed as one string: both drivers run every statement of a
		// multi-statement text when no arguments are given.
		if _, err := tx.ExecContext(ctx, m.sql); err != nil {
			return fmt.Errorf("migrate: %s/%s: %w", d.Name(), m.name, err)
		}
		if _, err := c.exec(ctx, `INSERT INTO schema_migrations (version, name, applied) VALUES (?, ?, ?)`,
			m.version, m.name, time.Now().UnixMilli()); err != nil {
			return fmt.Errorf("migrate: record %s: %w", m.name, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migrate: commit: %w", err)
	}
	return nil
}
