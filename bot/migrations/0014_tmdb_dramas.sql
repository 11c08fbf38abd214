-- 0014: dramas fetched from TMDB, shared by every server. `data` is TMDB's details answer with
-- the appended aggregate credits, alternative titles and seasons, as JSON; `fetched_at` says when
-- (nothing is kept more than six months without being fetched again: TMDB's terms).
-- `tmdb_titles` holds each drama's folded titles, so a typed title finds a stored drama.
CREATE TABLE tmdb_dramas (
    tmdb_id INTEGER PRIMARY KEY,
    data TEXT NOT NULL,
    fetched_at TEXT NOT NULL
);

CREATE TABLE tmdb_titles (
    key TEXT NOT NULL,
    tmdb_id INTEGER NOT NULL REFERENCES tmdb_dramas (tmdb_id) ON DELETE CASCADE,
    PRIMARY KEY (key, tmdb_id)
) WITHOUT ROWID;

CREATE INDEX tmdb_titles_by_drama ON tmdb_titles (tmdb_id);
CREATE INDEX tmdb_dramas_by_age ON tmdb_dramas (fetched_at);
