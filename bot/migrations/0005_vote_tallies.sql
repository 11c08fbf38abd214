-- 0005: running tallies of the votes, kept by triggers in the same transaction as each vote,
-- so statistics and the leaderboard read a few rows instead of every vote.
-- Their column is `drama`, not `drama_slug`: they mirror votes and are not references of their
-- own (see the convention in 0002).
CREATE TABLE vote_tally (                 -- how many votes gave each score
    guild_id        INTEGER NOT NULL,
    drama           TEXT    NOT NULL,
    episode         INTEGER NOT NULL,
    half_points     INTEGER NOT NULL,
    votes           INTEGER NOT NULL,
    PRIMARY KEY (guild_id, drama, episode, half_points)
) STRICT, WITHOUT ROWID;

CREATE TABLE drama_tally (                -- votes and their sum, per drama and episode
    guild_id        INTEGER NOT NULL,
    drama           TEXT    NOT NULL,
    episode         INTEGER NOT NULL,
    votes           INTEGER NOT NULL,
    half_points     INTEGER NOT NULL,     -- the sum
    PRIMARY KEY (guild_id, drama, episode)
) STRICT, WITHOUT ROWID;

INSERT INTO vote_tally (guild_id, drama, episode, half_points, votes)
    SELECT guild_id, drama_slug, episode, half_points, count(*) FROM votes
    GROUP BY guild_id, drama_slug, episode, half_points;
INSERT INTO drama_tally (guild_id, drama, episode, votes, half_points)
    SELECT guild_id, drama_slug, episode, count(*), sum(half_points) FROM votes
    GROUP BY guild_id, drama_slug, episode;

CREATE TRIGGER votes_counted AFTER INSERT ON votes BEGIN
    INSERT INTO vote_tally (guild_id, drama, episode, half_points, votes)
        VALUES (new.guild_id, new.drama_slug, new.episode, new.half_points, 1)
        ON CONFLICT (guild_id, drama, episode, half_points) DO UPDATE SET votes = votes + 1;
    INSERT INTO drama_tally (guild_id, drama, episode, votes, half_points)
        VALUES (new.guild_id, new.drama_slug, new.episode, 1, new.half_points)
        ON CONFLICT (guild_id, drama, episode) DO UPDATE
        SET votes = votes + 1, half_points = half_points + excluded.half_points;
END;

CREATE TRIGGER votes_uncounted AFTER DELETE ON votes BEGIN
    UPDATE vote_tally SET votes = votes - 1
        WHERE guild_id = old.guild_id AND drama = old.drama_slug AND episode = old.episode
        AND half_points = old.half_points;
    DELETE FROM vote_tally
        WHERE guild_id = old.guild_id AND drama = old.drama_slug AND episode = old.episode
        AND half_points = old.half_points AND votes <= 0;
    UPDATE drama_tally SET votes = votes - 1, half_points = half_points - old.half_points
        WHERE guild_id = old.guild_id AND drama = old.drama_slug AND episode = old.episode;
    DELETE FROM drama_tally
        WHERE guild_id = old.guild_id AND drama = old.drama_slug AND episode = old.episode AND votes <= 0;
END;

-- A vote's server, drama, episode and member never change; only its score (and comment) do.
CREATE TRIGGER votes_recounted AFTER UPDATE OF half_points ON votes
WHEN old.half_points <> new.half_points BEGIN
    UPDATE vote_tally SET votes = votes - 1
        WHERE guild_id = old.guild_id AND drama = old.drama_slug AND episode = old.episode
        AND half_points = old.half_points;
    DELETE FROM vote_tally
        WHERE guild_id = old.guild_id AND drama = old.drama_slug AND episode = old.episode
        AND half_points = old.half_points AND votes <= 0;
    INSERT INTO vote_tally (guild_id, drama, episode, half_points, votes)
        VALUES (new.guild_id, new.drama_slug, new.episode, new.half_points, 1)
        ON CONFLICT (guild_id, drama, episode, half_points) DO UPDATE SET votes = votes + 1;
    UPDATE drama_tally SET half_points = half_points - old.half_points + new.half_points
        WHERE guild_id = new.guild_id AND drama = new.drama_slug AND episode = new.episode;
END;

CREATE INDEX watch_parties_by_drama ON watch_parties (guild_id, drama_slug) WHERE cancelled_at IS NULL;
