-- 0006: snapshots of the rules' state, so that a node starts from the
-- latest one and replays only the events after it (see meent.Snapshot and
-- docs/ledger.md). Never edit this file once released.
-- sqlite/0006_snapshots.sql has the same meaning.
--
-- A row is a cache of the log: it can be deleted at any time, and the next
-- start replays the whole log. size is the number of events it covers;
-- version the rules that made it; data the encoded state. data is stored
-- compressed already, so the column's own compression is switched off.
CREATE TABLE snapshots (
	size    BIGINT NOT NULL PRIMARY KEY CHECK (size >= 0),
	version TEXT   NOT NULL CHECK (version <> ''),
	data    BYTEA  NOT NULL,
	time    BIGINT NOT NULL
);
ALTER TABLE snapshots ALTER COLUMN data SET STORAGE EXTERNAL;
