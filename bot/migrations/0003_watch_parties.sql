-- 0003: watch parties. A series is one /watchparty schedule: one party per group of episodes,
-- each a Discord scheduled event (event_id stays NULL when Discord refused to create it).
-- Times are ISO 8601 in UTC ('2026-12-05T11:00:00+00:00'), so they compare as text.
CREATE TABLE watch_series (
    id                      INTEGER PRIMARY KEY,
    guild_id                INTEGER NOT NULL,
    drama_slug              TEXT    NOT NULL,
    starts_at               TEXT    NOT NULL,      -- the first party's start
    timezone                TEXT    NOT NULL,      -- the host's IANA zone, for wall-clock display
    host_id                 INTEGER NOT NULL,
    text_channel_id         INTEGER NOT NULL,      -- where reminders go: where the host scheduled
    voice_channel_id        INTEGER,               -- a voice or stage channel, else NULL
    location                TEXT,                  -- for external events
    episodes_per_party      INTEGER NOT NULL CHECK (episodes_per_party >= 1),
    remind_minutes          INTEGER NOT NULL CHECK (remind_minutes BETWEEN 0 AND 1440),
    announcement_id         INTEGER,               -- the message with the Join/Leave buttons
    created_at              TEXT    NOT NULL,
    UNIQUE (guild_id, drama_slug, starts_at)       -- scheduling is idempotent
) STRICT;

CREATE TABLE watch_parties (
    id                      INTEGER PRIMARY KEY,
    series_id               INTEGER NOT NULL REFERENCES watch_series (id) ON DELETE CASCADE,
    guild_id                INTEGER NOT NULL,
    drama_slug              TEXT    NOT NULL,
    number                  INTEGER NOT NULL,
    first_episode           INTEGER NOT NULL,
    last_episode            INTEGER NOT NULL,
    starts_at               TEXT    NOT NULL,
    ends_at                 TEXT    NOT NULL,
    remind_at               TEXT    NOT NULL,      -- starts_at less the series' remind_minutes
    event_id                INTEGER,
    cancelled_at            TEXT,
    reminder                TEXT    NOT NULL DEFAULT 'pending' CHECK (reminder IN ('pending', 'sent', 'skipped')),
    start_notice            TEXT    NOT NULL DEFAULT 'pending' CHECK (start_notice IN ('pending', 'sent', 'skipped')),
    UNIQUE (series_id, number)
) STRICT;

CREATE INDEX watch_parties_upcoming ON watch_parties (guild_id, starts_at) WHERE cancelled_at IS NULL;
CREATE INDEX watch_parties_notices ON watch_parties (remind_at, starts_at)
    WHERE cancelled_at IS NULL AND start_notice = 'pending';

-- Members who pressed Join on a series' announcement: they are going to all of its parties.
CREATE TABLE series_members (
    series_id               INTEGER NOT NULL REFERENCES watch_series (id) ON DELETE CASCADE,
    user_id                 INTEGER NOT NULL,
    joined_at               TEXT    NOT NULL,
    PRIMARY KEY (series_id, user_id)
) STRICT;

-- Members who marked "Interested" on a party's Discord event, as last read from Discord.
CREATE TABLE party_interest (
    party_id                INTEGER NOT NULL REFERENCES watch_parties (id) ON DELETE CASCADE,
    user_id                 INTEGER NOT NULL,
    PRIMARY KEY (party_id, user_id)
) STRICT;
