-- 0001: the log, its Merkle tree, the agent projections and the node's
-- private account tables. Never edit this file once released: add a new
-- numbered migration instead. sqlite/0001_init.sql has the same meaning.

-- events is the log. idx is the leaf index in the Merkle tree; entry holds
-- the exact signed bytes. The other columns are copies of what the
-- envelope says, kept so queries need not parse entries. data is BYTEA,
-- not JSONB, because it must come back byte for byte.
CREATE TABLE events (
	idx    BIGINT PRIMARY KEY CHECK (idx >= 0),
	hash   BYTEA  NOT NULL UNIQUE CHECK (length(hash) = 32),
	type   TEXT   NOT NULL,
	author TEXT   NOT NULL DEFAULT '', -- '' for agent.create
	key    BYTEA,
	time   BIGINT NOT NULL,
	data   BYTEA  NOT NULL,
	entry  BYTEA  NOT NULL
);
CREATE INDEX events_author_idx ON events (author, idx);
CREATE INDEX events_type_idx ON events (type, idx);

-- tree_hashes holds the stored hashes of the tree at their
-- tlog.StoredHashIndex.
CREATE TABLE tree_hashes (
	id   BIGINT PRIMARY KEY CHECK (id >= 0),
	hash BYTEA  NOT NULL CHECK (length(hash) = 32)
);

-- checkpoint holds only the latest signed checkpoint: older ones are
-- implied by the tree (consistency proofs), so one row is enough.
CREATE TABLE checkpoint (
	id   INTEGER PRIMARY KEY CHECK (id = 1),
	size BIGINT  NOT NULL,
	root BYTEA   NOT NULL CHECK (length(root) = 32),
	note BYTEA   NOT NULL,
	time BIGINT  NOT NULL
);

-- agents and agent_keys are projections of the agent.* and member.*
-- events; see sqlstore/project.go. They can be rebuilt from the log.
CREATE TABLE agents (
	id      TEXT   PRIMARY KEY, -- lowercase hex hash of agent.create
	kind    TEXT   NOT NULL,
	name    TEXT   NOT NULL,
	created BIGINT NOT NULL UNIQUE, -- log index of agent.create
	role    TEXT   NOT NULL DEFAULT ''
);

CREATE TABLE agent_keys (
	key     TEXT   PRIMARY KEY, -- standard base64 of the Ed25519 public key
	agent   TEXT   NOT NULL REFERENCES agents (id),
	added   BIGINT NOT NULL,
	revoked BIGINT NOT NULL DEFAULT -1 -- -1 while active
);
CREATE INDEX agent_keys_agent_added ON agent_keys (agent, added);

-- The tables below are private to the node and never in the log.

CREATE TABLE accounts (
	agent         TEXT   PRIMARY KEY,
	username      TEXT   NOT NULL UNIQUE,
	password_hash TEXT   NOT NULL,
	key           BYTEA, -- sealed Ed25519 seed; NULL when the agent signs itself
	created       BIGINT NOT NULL
);

CREATE TABLE sessions (
	token_hash BYTEA  PRIMARY KEY CHECK (length(token_hash) = 32),
	agent      TEXT   NOT NULL,
	csrf       TEXT   NOT NULL,
	expires    BIGINT NOT NULL -- Unix milliseconds
);

CREATE TABLE api_tokens (
	hash    BYTEA  PRIMARY KEY CHECK (length(hash) = 32),
	agent   TEXT   NOT NULL,
	name    TEXT   NOT NULL,
	created BIGINT NOT NULL
);
