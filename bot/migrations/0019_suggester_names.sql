-- 0019: the name a member had when they suggested a drama, so the watchlist shows them by name
-- also once they have left the server (a mention of a member who left shows as a number).
ALTER TABLE suggestions ADD COLUMN suggested_by_name TEXT;
