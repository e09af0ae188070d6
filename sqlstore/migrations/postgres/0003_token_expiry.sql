-- 0003: API tokens that expire, can be listed and revoked. Never edit this
-- file once released: add a new numbered migration instead.
-- sqlite/0003_token_expiry.sql has the same meaning; see it for why.
ALTER TABLE api_tokens ADD COLUMN id TEXT NOT NULL DEFAULT '';
ALTER TABLE api_tokens ADD COLUMN expires BIGINT NOT NULL DEFAULT 0;
ALTER TABLE api_tokens ADD COLUMN last_used BIGINT NOT NULL DEFAULT 0;
UPDATE api_tokens SET
	id = substr(md5(random()::text || encode(hash, 'hex')), 1, 16),
	expires = (extract(epoch FROM now()) * 1000)::bigint + 90::bigint * 86400000;
CREATE UNIQUE INDEX api_tokens_id ON api_tokens (id);
CREATE INDEX api_tokens_agent ON api_tokens (agent, created);
