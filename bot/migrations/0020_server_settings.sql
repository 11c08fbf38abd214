-- 0020: each server's own settings, set with /club settings: the country whose streaming services
-- members use (ISO 3166-1 alpha-2), and the default time zone of its plans.
CREATE TABLE server_settings (
    guild_id    INTEGER PRIMARY KEY,
    region      TEXT,
    timezone    TEXT
) STRICT;
