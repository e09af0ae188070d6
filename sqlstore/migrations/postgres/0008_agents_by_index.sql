-- 0008: the agent projections keyed by log index. Never edit this file
-- once released. sqlite/0008_agents_by_index.sql has the same meaning.
-- See docs/benchmarks.md, "Ingest after migration 0008".
--
-- An agent's ID is the hash of its agent.create event, which the events
-- table already indexes; agents was keyed by that ID as text, and
-- agent_keys by the key and by (agent ID, added): three indexes on random
-- keys, each costing a page written to the WAL for every agent.create at
-- any size of log. Here both tables are keyed by log indexes, which an
-- agent.create appends at the end: agents by created, the
-- keys by (agent_idx, added), agent_idx being the created of their agent.
-- An agent is found by its ID through events.hash. The ID and the key
-- stay in the rows, unindexed, for the lists and the state digest. The
-- uniqueness of a key among agents is the rules' (agent.State); the table
-- no longer checks it a second time.
CREATE TABLE agents_0008 (
	created BIGINT PRIMARY KEY CHECK (created >= 0), -- log index of agent.create
	id      TEXT    NOT NULL, -- lowercase hex hash of that event
	kind    TEXT    NOT NULL,
	name    TEXT    NOT NULL,
	role    TEXT    NOT NULL DEFAULT ''
);
INSERT INTO agents_0008 (created, id, kind, name, role) SELECT created, id, kind, name, role FROM agents;

CREATE TABLE agent_keys_0008 (
	agent_idx BIGINT  NOT NULL, -- created of the agent
	added     BIGINT  NOT NULL, -- log index of the event that added the key
	key       TEXT    NOT NULL, -- standard base64 of the Ed25519 public key
	agent     TEXT    NOT NULL, -- the agent's ID
	revoked   BIGINT  NOT NULL DEFAULT -1, -- -1 while active
	PRIMARY KEY (agent_idx, added)
);
INSERT INTO agent_keys_0008 (agent_idx, added, key, agent, revoked)
	SELECT a.created, k.added, k.key, k.agent, k.revoked FROM agent_keys k JOIN agents a ON a.id = k.agent;

DROP TABLE agent_keys;
DROP TABLE agents;
ALTER TABLE agents_0008 RENAME TO agents;
ALTER TABLE agent_keys_0008 RENAME TO agent_keys;
