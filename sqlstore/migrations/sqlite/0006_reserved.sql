-- 0006 is taken by the snapshots migration of another branch (issue 10);
-- this placeholder keeps the numbers without gaps on this branch only.
-- The lead deletes it when merging. Never released.
SELECT 1;
