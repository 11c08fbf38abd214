-- 0012: the catalog is parsed and indexed at every start; the database holds members' data only.
-- Drops the cache of parsed catalog files (0007, 0011) and of search indexes (0008, 0009).
DROP TABLE IF EXISTS catalog_cache;
DROP TABLE IF EXISTS catalog_index;
