-- 0013: a vote remembers whether it was cast with private:True and the member's name as shown
-- when they voted (for the CSV export). The drama tally counts private votes too, so statistics
-- can hold back a number that would give a private vote away. A cancelled party remembers who
-- cancelled it.
ALTER TABLE votes ADD COLUMN private INTEGER NOT NULL DEFAULT 0 CHECK (private IN (0, 1));
ALTER TABLE votes ADD COLUMN member_name TEXT;
ALTER TABLE drama_tally ADD COLUMN private_votes INTEGER NOT NULL DEFAULT 0;
ALTER TABLE watch_parties ADD COLUMN cancelled_by INTEGER;

DROP TRIGGER votes_counted;
DROP TRIGGER votes_uncounted;
DROP TRIGGER votes_recounted;

CREATE TRIGGER votes_counted AFTER INSERT ON votes BEGIN
    INSERT INTO vote_tally (guild_id, drama, episode, half_points, votes)
        VALUES (new.guild_id, new.drama_slug, new.episode, new.half_points, 1)
        ON CONFLICT (guild_id, drama, episode, half_points) DO UPDATE SET votes = votes + 1;
    INSERT INTO drama_tally (guild_id, drama, episode, votes, half_points, private_votes)
        VALUES (new.guild_id, new.drama_slug, new.episode, 1, new.half_points, new.private)
        ON CONFLICT (guild_id, drama, episode) DO UPDATE
        SET votes = votes + 1, half_points = half_points + excluded.half_points,
            private_votes = private_votes + excluded.private_votes;
END;

CREATE TRIGGER votes_uncounted AFTER DELETE ON votes BEGIN
    UPDATE vote_tally SET votes = votes - 1
        WHERE guild_id = old.guild_id AND drama = old.drama_slug AND episode = old.episode
        AND half_points = old.half_points;
    DELETE FROM vote_tally
        WHERE guild_id = old.guild_id AND drama = old.drama_slug AND episode = old.episode
        AND half_points = old.half_points AND votes <= 0;
    UPDATE drama_tally SET votes = votes - 1, half_points = half_points - old.half_points,
        private_votes = private_votes - old.private
        WHERE guild_id = old.guild_id AND drama = old.drama_slug AND episode = old.episode;
    DELETE FROM drama_tally
        WHERE guild_id = old.guild_id AND drama = old.drama_slug AND episode = old.episode AND votes <= 0;
END;

-- A vote's server, drama, episode and member never change; its score, privacy and comment may.
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

CREATE TRIGGER votes_privacy_changed AFTER UPDATE OF private ON votes
WHEN old.private <> new.private BEGIN
    UPDATE drama_tally SET private_votes = private_votes - old.private + new.private
        WHERE guild_id = new.guild_id AND drama = new.drama_slug AND episode = new.episode;
END;
