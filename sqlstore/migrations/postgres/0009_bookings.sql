-- The bookings of shared resources (package sharing), a projection of the
-- booking objects, and the second line under the rules: no two bookings
-- that hold one item may overlap. A booking holds [start_ms, until_ms)
-- (its end plus the resource's buffer) while held (not cancelled). The
-- rules refuse an overlap before it reaches the log; the exclusion
-- constraint refuses it again if a bug ever let one through, so the write
-- fails and the batch is not committed. (Never write these rows with
-- ON CONFLICT DO NOTHING: it would silently drop a row the constraint
-- refuses.)
--
-- btree_gist gives the gist operator class for "resource WITH =". It is
-- installed once per database, in public when there is one: installed in
-- a schema of its own, dropping that schema would drop the constraint of
-- every other schema with it. The migration lock serialises two
-- processes that start together.
DO $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'btree_gist') THEN
		IF EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'public') THEN
			CREATE EXTENSION btree_gist SCHEMA public;
		ELSE
			CREATE EXTENSION btree_gist;
		END IF;
	END IF;
END
$$;

CREATE TABLE bookings (
	id       TEXT    PRIMARY KEY,
	resource TEXT    NOT NULL,
	item     INTEGER NOT NULL,
	commons  TEXT    NOT NULL,
	agent    TEXT    NOT NULL,
	status   TEXT    NOT NULL,
	start_ms BIGINT  NOT NULL,
	until_ms BIGINT  NOT NULL,
	held     BOOLEAN NOT NULL,
	CHECK (start_ms < until_ms),
	CONSTRAINT bookings_no_overlap EXCLUDE USING gist (
		resource WITH =,
		item WITH =,
		int8range(start_ms, until_ms) WITH &&
	) WHERE (held)
);

CREATE INDEX bookings_agent ON bookings (agent, start_ms);

-- The secret links of personal calendar feeds (GET /api/v1/agents/{id}/
-- calendar.ics?token=...): the SHA-256 of the token, one per agent. A new
-- link replaces the old one; revoking deletes it. Not part of the log:
-- a secret never is.
CREATE TABLE calendar_feeds (
	agent      TEXT   PRIMARY KEY,
	token_hash TEXT   NOT NULL UNIQUE,
	created    BIGINT NOT NULL
);
