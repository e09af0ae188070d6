-- PLACEHOLDER kept only so that this branch (trust-private, issue 9 item
-- 9) numbers its own migration 0004 without a gap. The real 0003 belongs
-- to the token-expiry work on another branch: at merge, take that branch's
-- file and drop this one.
SELECT 1;
