-- 0007: the event index and child objects. Never edit this file once
-- released. sqlite/0007_event_refs.sql has the same meaning. See
-- docs/architecture.md, "The event index and child objects".
--
-- event_refs says which commons (kind 'c') and which agents (kind 'a')
-- each event touches (meent.Record.Commons and .Agents, computed by the
-- rules right after the event was applied). The primary key is the one
-- question asked of it, "the events touching X, newest first, from a
-- cursor": a range of (kind, ref) read backwards from idx < cursor, which
-- PostgreSQL answers with an index scan of the key.
CREATE TABLE event_refs (
	kind TEXT   COLLATE "C" NOT NULL CHECK (kind IN ('c', 'a')),
	ref  TEXT   COLLATE "C" NOT NULL CHECK (ref <> ''),
	idx  BIGINT NOT NULL, -- the event's log index
	PRIMARY KEY (kind, ref, idx)
);

-- The events already in the log when this migration ran have no entries:
-- [next_idx, end_idx) is what the node still has to fill from a replay
-- (SeqTx.PutRefs moves next_idx on), so an interrupted backfill resumes
-- where it stopped. Events appended from end_idx on get theirs at Append.
CREATE TABLE event_refs_backfill (
	id       INTEGER PRIMARY KEY CHECK (id = 1),
	next_idx BIGINT  NOT NULL,
	end_idx  BIGINT  NOT NULL
);
INSERT INTO event_refs_backfill (id, next_idx, end_idx) SELECT 1, 0, COALESCE(MAX(idx) + 1, 0) FROM events;

-- Child objects: an object may name its parent (meent.Object.Parent), and
-- "the children of X, paged" is one range of this index, in the order
-- every listing of objects has.
ALTER TABLE objects ADD COLUMN parent TEXT COLLATE "C" NOT NULL DEFAULT '';
CREATE INDEX objects_parent_created ON objects (kind, parent, created, id);
