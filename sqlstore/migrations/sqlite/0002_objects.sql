-- 0002: objects, the one projection table of every domain area beyond
-- agents (commons, contributions, needs, ...). Never edit this file once
-- released: add a new numbered migration instead. postgres/0002_objects.sql
-- has the same meaning.
--
-- Each row is an object as its rules package last computed it; see
-- meent.Object and SeqTx.PutObjects. The table can be rebuilt from the log.
-- data holds the JSON document as raw bytes, returned byte for byte. Text
-- compares bytewise (BINARY), as PostgreSQL's COLLATE "C" does, so that
-- ties in created are broken by id in the same order on both.
CREATE TABLE objects (
	kind    TEXT    NOT NULL CHECK (kind <> ''),
	id      TEXT    NOT NULL CHECK (id <> ''),
	commons TEXT    NOT NULL DEFAULT '',
	agent   TEXT    NOT NULL DEFAULT '',
	status  TEXT    NOT NULL DEFAULT '',
	created INTEGER NOT NULL, -- log index of the creating event
	updated INTEGER NOT NULL, -- log index of the last event that changed it
	data    BLOB    NOT NULL,
	PRIMARY KEY (kind, id)
) STRICT;
-- One index per way Objects lists: every one ends in (created, id), the
-- order of the listing, so a page is read in index order and never sorted.
CREATE INDEX objects_kind_created ON objects (kind, created, id);
CREATE INDEX objects_commons_created ON objects (kind, commons, created, id);
CREATE INDEX objects_agent_created ON objects (kind, agent, created, id);
CREATE INDEX objects_status_created ON objects (kind, status, created, id);
