-- 0017: a party that cannot follow TMDB's new date (its new time has passed, or one of its
-- episodes would air after it) keeps its time; `stuck` holds what the hosts were told, so each
-- such change is told once.
ALTER TABLE watch_parties ADD COLUMN stuck TEXT;
