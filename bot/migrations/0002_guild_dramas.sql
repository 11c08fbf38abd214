-- 0002: dramas a server added with /catalog add. They are visible in that server only; one whose
-- slug matches a shipped drama replaces it there. `document` is the uploaded TOML, re-validated
-- on every start.
--
-- Convention: every table with both a `guild_id` and a `drama_slug` column references a drama;
-- /catalog remove refuses while such rows exist (see bot/club_catalog.py).
CREATE TABLE guild_dramas (
    guild_id    INTEGER NOT NULL,
    slug        TEXT    NOT NULL,
    title       TEXT    NOT NULL,
    year        INTEGER NOT NULL,
    document    TEXT    NOT NULL,
    added_by    INTEGER NOT NULL,
    added_at    TEXT    NOT NULL,     -- ISO 8601, UTC
    PRIMARY KEY (guild_id, slug)
) STRICT;
