-- 0016: the club's watchlist (suggestions and who supports them) and the polls that pick from it.
-- A suggestion remembers the polls it lost (after three it is dropped) and whether it won one
-- ("next up"). A poll is stored with its end, and closed once its result is announced: at most once.
CREATE TABLE suggestions (
    id              INTEGER PRIMARY KEY,
    guild_id        INTEGER NOT NULL,
    drama_slug      TEXT    NOT NULL,
    suggested_by    INTEGER NOT NULL,
    reason          TEXT,
    created_at      TEXT    NOT NULL,
    losses          INTEGER NOT NULL DEFAULT 0,
    lost_votes      INTEGER NOT NULL DEFAULT 0,   -- votes it got in the polls it lost
    next_up_at      TEXT,                         -- when it won a poll
    UNIQUE (guild_id, drama_slug)
) STRICT;

CREATE TABLE supports (
    suggestion_id   INTEGER NOT NULL REFERENCES suggestions (id) ON DELETE CASCADE,
    user_id         INTEGER NOT NULL,
    created_at      TEXT    NOT NULL,
    PRIMARY KEY (suggestion_id, user_id)
) STRICT;

CREATE TABLE picks (
    id              INTEGER PRIMARY KEY,
    guild_id        INTEGER NOT NULL,
    channel_id      INTEGER NOT NULL,
    message_id      INTEGER,                      -- the poll, once posted
    host_id         INTEGER NOT NULL,
    ends_at         TEXT    NOT NULL,
    closed_at       TEXT,                         -- set once the result is recorded
    winner_id       INTEGER,                      -- the suggestion that won (after a tie: once a host decides)
    created_at      TEXT    NOT NULL
) STRICT;

CREATE UNIQUE INDEX one_open_pick ON picks (guild_id) WHERE closed_at IS NULL;

CREATE TABLE pick_choices (
    pick_id         INTEGER NOT NULL REFERENCES picks (id) ON DELETE CASCADE,
    answer_id       INTEGER NOT NULL,             -- the poll answer's id: 1, 2, ...
    suggestion_id   INTEGER NOT NULL,
    votes           INTEGER,                      -- its final count, once the poll ended
    PRIMARY KEY (pick_id, answer_id)
) STRICT;
