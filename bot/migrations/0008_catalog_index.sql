-- 0008: the shipped catalog's search indexes, so a restart with unchanged files does not build them.
-- A derived cache like catalog_cache (0007): deleting the row is always safe (the next start
-- builds the indexes again). The row is used only while `catalog` matches the running start's
-- fingerprint of the catalog files and of the code that reads and indexes them.
CREATE TABLE catalog_index (
    id          INTEGER PRIMARY KEY CHECK (id = 1),  -- one row: the shipped catalog
    catalog     TEXT    NOT NULL,                    -- bot.catalog_cache.LoadReport.fingerprint
    state       BLOB    NOT NULL                     -- bot.search.Indexes.state(), as marshal writes it
) STRICT;
