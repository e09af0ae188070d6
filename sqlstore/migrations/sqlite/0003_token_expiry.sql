-- 0003: API tokens that expire, can be listed and revoked. Never edit this
-- file once released: add a new numbered migration instead.
-- postgres/0003_token_expiry.sql has the same meaning.
--
-- id names a token in lists and in DELETE /api/v1/tokens/{id}; it is
-- random and says nothing about the secret (only the secret's SHA-256 is
-- stored, as before). expires and last_used are Unix milliseconds;
-- last_used is 0 until the token is first used, and is written at most
-- once a minute per token so that using a token stays a read.
--
-- Tokens issued before this migration never expired. They now expire 90
-- days after the migration runs (the default lifetime of a new token): a
-- script in use keeps working long enough to be given a new token, and no
-- token lives for ever.
ALTER TABLE api_tokens ADD COLUMN id TEXT NOT NULL DEFAULT '';
ALTER TABLE api_tokens ADD COLUMN expires INTEGER NOT NULL DEFAULT 0;
ALTER TABLE api_tokens ADD COLUMN last_used INTEGER NOT NULL DEFAULT 0;
UPDATE api_tokens SET
	id = lower(hex(randomblob(8))),
	expires = CAST(strftime('%s', 'now') AS INTEGER) * 1000 + 90 * 86400000;
CREATE UNIQUE INDEX api_tokens_id ON api_tokens (id);
CREATE INDEX api_tokens_agent ON api_tokens (agent, created);
