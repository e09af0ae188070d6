-- 0004: private records, the personal data the public log points to by a
-- salted hash commitment (docs/privacy.md, package private). Never edit
-- this file once released: add a new numbered migration instead.
-- postgres/0004_private_records.sql has the same meaning.
--
-- This table is not a projection: it is not derived from the log, never
-- replicated, and not covered by the state digest. commitment is
-- SHA-256(domain || salt || data). Erasure sets data and salt to NULL and
-- records erased (Unix milliseconds) and erased_by: the row stays as a
-- tombstone, so a reader of an event learns the record was erased. The
-- CHECK keeps a row either live (data and salt) or erased (neither).
CREATE TABLE private_records (
	commitment BLOB    PRIMARY KEY CHECK (length(commitment) = 32),
	data       BLOB,
	salt       BLOB    CHECK (salt IS NULL OR length(salt) = 32),
	owner      TEXT    NOT NULL CHECK (owner <> ''),
	commons    TEXT    NOT NULL DEFAULT '',
	created    INTEGER NOT NULL,
	erased     INTEGER NOT NULL DEFAULT 0,
	erased_by  TEXT    NOT NULL DEFAULT '',
	CHECK ((erased = 0) = (data IS NOT NULL AND salt IS NOT NULL))
) STRICT;
