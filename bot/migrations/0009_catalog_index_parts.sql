-- 0009: the catalog indexes' state (0008) stored part by part, each part of Indexes.state() in
-- pieces of at most 64 KiB, so a first start never holds a copy of the whole state, or of one
-- megabyte-long part, beside the indexes (see bot.catalog_cache._store_indexes).
-- Still a derived cache: deleting every row is always safe (the next start builds them again).
-- The rows are used only while `catalog` is the running start's fingerprint.
DROP TABLE catalog_index;

CREATE TABLE catalog_index (
    part        INTEGER NOT NULL CHECK (part >= 0),   -- the part's place in Indexes.state()
    piece       INTEGER NOT NULL CHECK (piece >= 0),  -- the piece's place in the part's bytes
    catalog     TEXT    NOT NULL,                     -- bot.catalog_cache.LoadReport.fingerprint
    state       BLOB    NOT NULL,                     -- the piece of the part, as marshal writes it
    PRIMARY KEY (part, piece)
) STRICT;
