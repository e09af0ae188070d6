-- 0002: objects, the one projection table of every domain area beyond
-- agents (commons, contributions, needs, ...). Never edit this file once
-- released: add a new numbered migration instead. sqlite/0002_objects.sql
-- has the same meaning.
--
-- Each row is an object as its rules package last computed it; see
-- meent.Object and SeqTx.PutObjects. The table can be rebuilt from the log.
-- data is BYTEA, not JSONB, because it must come back byte for byte. Text
-- is COLLATE "C" (bytewise, as SQLite compares) whatever the database's
-- collation, so that ties in created are broken by id in the same order on
-- both, and on every server.
CREATE TABLE objects (
	kind    TEXT   COLLATE "C" NOT NULL CHECK (kind <> ''),
	id      TEXT   COLLATE "C" NOT NULL CHECK (id <> ''),
	commons TEXT   COLLATE "C" NOT NULL DEFAULT '',
	agent   TEXT   COLLATE "C" NOT NULL DEFAULT '',
	status  TEXT   COLLATE "C" NOT NULL DEFAULT '',
	created BIGINT NOT NULL, -- log index of the creating event
	updated BIGINT NOT NULL, -- log index of the last event that changed it
	data    BYTEA  NOT NULL,
	PRIMARY KEY (kind, id)
);
-- One index per way Objects lists: every one ends in (created, id), the
-- order of the listing, so a page is read in index order and never sorted.
CREATE INDEX objects_kind_created ON objects (kind, created, id);
CREATE INDEX objects_commons_created ON objects (kind, commons, created, id);
CREATE INDEX objects_agent_created ON objects (kind, agent, created, id);
CREATE INDEX objects_status_created ON objects (kind, status, created, id);
