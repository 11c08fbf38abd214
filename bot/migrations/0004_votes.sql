-- 0004: members' scores. One vote per member per drama (episode 0) and per episode; voting
-- again replaces the score. Scores are stored in half points: 17 means 8.5/10.
CREATE TABLE votes (
    id              INTEGER PRIMARY KEY,
    guild_id        INTEGER NOT NULL,
    drama_slug      TEXT    NOT NULL,
    episode         INTEGER NOT NULL DEFAULT 0 CHECK (episode >= 0),   -- 0: the whole drama
    user_id         INTEGER NOT NULL,
    half_points     INTEGER NOT NULL CHECK (half_points BETWEEN 2 AND 20),
    comment         TEXT             CHECK (comment IS NULL OR length(comment) <= 300),
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL,
    UNIQUE (guild_id, drama_slug, episode, user_id)
) STRICT;

CREATE INDEX votes_by_member ON votes (guild_id, user_id, updated_at);
CREATE INDEX votes_by_time ON votes (guild_id, drama_slug, updated_at);

-- After a party ends the bot asks the room to rate its episodes, once.
ALTER TABLE watch_parties ADD COLUMN rating_prompt TEXT NOT NULL DEFAULT 'pending'
    CHECK (rating_prompt IN ('pending', 'sent', 'skipped'));
UPDATE watch_parties SET rating_prompt = 'skipped'
    WHERE ends_at <= strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now') OR cancelled_at IS NOT NULL;

DROP INDEX watch_parties_notices;
CREATE INDEX watch_parties_notices ON watch_parties (remind_at, starts_at, ends_at)
    WHERE cancelled_at IS NULL AND (start_notice = 'pending' OR rating_prompt = 'pending');
