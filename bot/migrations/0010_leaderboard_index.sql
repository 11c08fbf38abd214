-- 0010: the leaderboard's order as an index, so /ratings top reads the first rows of a server's
-- rated dramas in order instead of sorting all of them on every call.
-- The expression is the weighted score of bot/ratings.py (ratings.RANK: PRIOR_MEAN 5.5 and
-- PRIOR_VOTES 5 written in). SQLite uses an index on an expression only for a query that spells
-- the same expression, so the leaderboard's query uses ratings.RANK, and a test checks both that
-- it equals ratings.bayesian() and that the leaderboard's plan uses this index.
CREATE INDEX drama_tally_rank ON drama_tally (
    guild_id, episode, ((5.5 * 5 + half_points / 2.0) / (5 + votes)) DESC, votes DESC, drama
);
