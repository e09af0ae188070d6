-- The bookings of shared resources (package sharing), a projection of the
-- booking objects, and the second line under the rules: no two bookings
-- that hold one item may overlap. A booking holds [start_ms, until_ms)
-- (its end plus the resource's buffer) while held = 1 (not cancelled).
-- The rules refuse an overlap before it reaches the log; this trigger
-- refuses it again if a bug ever let one through, so the write fails and
-- the batch is not committed.
CREATE TABLE bookings (
	id       TEXT    PRIMARY KEY,
	resource TEXT    NOT NULL,
	item     INTEGER NOT NULL,
	commons  TEXT    NOT NULL,
	agent    TEXT    NOT NULL,
	status   TEXT    NOT NULL,
	start_ms INTEGER NOT NULL,
	until_ms INTEGER NOT NULL,
	held     INTEGER NOT NULL,
	CHECK (start_ms < until_ms)
);

-- The held spans of each item, by start. Held spans never overlap, so the
-- only one that can meet a new span [s, u) is the last held span that
-- starts before u: the triggers look that one up, one index probe.
CREATE INDEX bookings_held ON bookings (resource, item, start_ms) WHERE held = 1;
CREATE INDEX bookings_agent ON bookings (agent, start_ms);

CREATE TRIGGER bookings_no_overlap_insert BEFORE INSERT ON bookings WHEN NEW.held = 1
BEGIN
	SELECT RAISE(ABORT, 'bookings_no_overlap')
	WHERE (SELECT until_ms FROM bookings
	       WHERE resource = NEW.resource AND item = NEW.item AND held = 1 AND id <> NEW.id AND start_ms < NEW.until_ms
	       ORDER BY start_ms DESC LIMIT 1) > NEW.start_ms;
END;

CREATE TRIGGER bookings_no_overlap_update BEFORE UPDATE ON bookings WHEN NEW.held = 1
BEGIN
	SELECT RAISE(ABORT, 'bookings_no_overlap')
	WHERE (SELECT until_ms FROM bookings
	       WHERE resource = NEW.resource AND item = NEW.item AND held = 1 AND id <> NEW.id AND start_ms < NEW.until_ms
	       ORDER BY start_ms DESC LIMIT 1) > NEW.start_ms;
END;

-- The secret links of personal calendar feeds (GET /api/v1/agents/{id}/
-- calendar.ics?token=...): the SHA-256 of the token, one per agent. A new
-- link replaces the old one; revoking deletes it. Not part of the log:
-- a secret never is.
CREATE TABLE calendar_feeds (
	agent      TEXT   PRIMARY KEY,
	token_hash TEXT   NOT NULL UNIQUE,
	created    BIGINT NOT NULL
);
