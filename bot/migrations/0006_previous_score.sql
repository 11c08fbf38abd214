-- 0006: a vote remembers the score it replaced, so casting a vote is one statement
-- (INSERT ... ON CONFLICT DO UPDATE ... RETURNING) instead of a read and a write.
ALTER TABLE votes ADD COLUMN replaced_half_points INTEGER;
