-- 0015: dramas a server follows while they air, and each episode's announcement. An announcement
-- is claimed (pending -> sent or skipped) before it is posted, so it is sent at most once.
-- `problem` holds why the last announcement (or its thread) could not be posted, for /follow list.
CREATE TABLE follows (
    id              INTEGER PRIMARY KEY,
    guild_id        INTEGER NOT NULL,
    drama_slug      TEXT    NOT NULL,
    channel_id      INTEGER NOT NULL,
    air_time        TEXT    NOT NULL,      -- "HH:MM", local to `timezone`
    timezone        TEXT    NOT NULL,
    role_id         INTEGER,
    created_by      INTEGER NOT NULL,
    created_at      TEXT    NOT NULL,
    problem         TEXT,
    UNIQUE (guild_id, drama_slug)
) STRICT;

CREATE TABLE announcements (
    follow_id       INTEGER NOT NULL REFERENCES follows (id) ON DELETE CASCADE,
    episode         INTEGER NOT NULL,
    airs_at         TEXT    NOT NULL,      -- UTC
    last            INTEGER NOT NULL DEFAULT 0 CHECK (last IN (0, 1)),  -- the drama's final episode
    state           TEXT    NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'skipped')),
    PRIMARY KEY (follow_id, episode)
) STRICT;

CREATE INDEX announcements_due ON announcements (airs_at) WHERE state = 'pending';
