-- 0007: validated catalog files, so a start reads only the files that changed since the last one.
-- A derived cache: deleting every row is always safe (the next start parses the files again).
-- A row is used only while the file's size and modification time are what they were when it
-- was validated, and `code` (a fingerprint of bot/catalog.py) is the running code's.
CREATE TABLE catalog_cache (
    path        TEXT    PRIMARY KEY,  -- the file's absolute path
    size        INTEGER NOT NULL,     -- bytes
    mtime_ns    INTEGER NOT NULL,     -- modification time, nanoseconds since the epoch
    code        TEXT    NOT NULL,     -- fingerprint of the validation code that accepted it
    record      TEXT    NOT NULL      -- the validated drama, as bot.catalog.drama_record writes it
) STRICT;
