-- 0001: the frame. Remembers what command tree was last registered with Discord, per scope,
-- so the bot syncs only when its commands change.
CREATE TABLE command_sync (
    scope       TEXT PRIMARY KEY,          -- 'global:<application id>' or 'guild:<application id>:<guild id>'
    tree_hash   TEXT NOT NULL,             -- sha256 of the command payloads
    synced_at   TEXT NOT NULL              -- ISO 8601, UTC
) STRICT;
