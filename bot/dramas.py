"""Every drama a server can name: the curated catalog first, then TMDB's.

A title is looked for in the curated catalog (this server's view of it); where that has no
confident match, among the TMDB dramas already stored (by exact title), and then with TMDB's
search. A curated drama that names a ``tmdb_id`` stands for that TMDB drama everywhere: search
shows it once and its own facts win. ``before_request`` is called once before the first request
to TMDB, so a command can defer its answer first.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime

from rapidfuzz import fuzz

from bot.club_catalog import TMDB_OFF_HINT, AmbiguousPerson, AmbiguousTitle, ClubCatalog, DramaNotFound
from bot.drama import Drama, WatchOptions
from bot.errors import UserError
from bot.folding import fold_name, fold_title
from bot.search import EXACT, Person, pick
from bot.text import clip
from bot.tmdb import TmdbNotFound, TmdbUnavailable
from bot.tmdb_answers import Found, TmdbPerson, tmdb_id_of
from bot.tmdb_dramas import TmdbDramas

MAX_NAMED = 5  # people named in a "could be" answer
AUTOCOMPLETE_WAIT = 1.0  # seconds autocomplete gives TMDB before answering with what it has
MIN_SEARCH = 2  # letters typed before autocomplete asks TMDB

Hook = Callable[[], Awaitable[None]]


def _once(hook: Hook | None) -> Hook:
    """``hook``, run at most once however often it is called."""
    done = False

    async def run() -> None:
        nonlocal done
        if not done and hook is not None:
            done = True
            await hook()

    return run


def _scores(query: str, found: list[Found]) -> dict[int, float]:
    """How well each TMDB result's title or original title matches, on :mod:`bot.search`'s scale."""
    key = fold_title(query)
    scores: dict[int, float] = {}
    for show in found:
        names = [n for n in (show.title, show.original_title) if n]
        keys = {fold_title(n) for n in names} | {fold_title(f"{n} {show.year}") for n in names}
        scores[show.tmdb_id] = EXACT if key in keys else max(fuzz.ratio(key, fold_title(n)) for n in names)
    return scores


def ranked(query: str, found: list[Found]) -> list[Found]:
    """Best match first; among equal matches Korean dramas first, then in TMDB's order."""
    scores = _scores(query, found)
    return sorted(found, key=lambda show: (-scores[show.tmdb_id], not show.korean))


def choose(query: str, found: list[Found]) -> tuple[list[Found], list[Found]]:
    """What a typed title meant among TMDB's results: ``(meant, suggestions)`` as :func:`pick`
    decides. TMDB's only result is taken as meant: its search knows titles (romanizations,
    translations) that the result does not show."""
    if len(found) == 1:
        return found, []
    meant, suggested = pick(_scores(query, found))
    by_id = {show.tmdb_id: show for show in found}
    suggestions = [show for show in ranked(query, found) if show.tmdb_id in suggested]
    return [by_id[i] for i in meant], suggestions or ranked(query, found)[:5]


class Dramas:
    """Find, offer and read dramas for a server; ``tmdb`` is None when TMDB look-ups are off."""

    def __init__(self, catalog: ClubCatalog, tmdb: TmdbDramas | None) -> None:
        self.catalog = catalog
        self.tmdb = tmdb

    async def get(self, slug: str, guild_id: int | None) -> Drama | None:
        """The drama a stored record points at, without a request to TMDB."""
        tmdb_id = tmdb_id_of(slug)
        if tmdb_id is None:
            return self.catalog.get(slug, guild_id)
        twin = self.catalog.by_tmdb_id(tmdb_id, guild_id)
        if twin is not None:
            return twin
        return await self.tmdb.stored(tmdb_id) if self.tmdb is not None else None

    async def find(self, query: str, guild_id: int | None, now: datetime, before_request: Hook | None = None) -> Drama:
        """The one drama a member meant, or a :class:`UserError` that says what to try."""
        before_request = _once(before_request)
        tmdb_id = tmdb_id_of(query)
        if tmdb_id is not None:  # an autocomplete choice: never searched again
            return await self._open(tmdb_id, guild_id, now, before_request)
        try:
            return self.catalog.find(query, guild_id)
        except DramaNotFound as not_found:
            if self.tmdb is None:
                raise DramaNotFound(query, not_found.suggestions, TMDB_OFF_HINT) from None
            curated = not_found.suggestions
        stored = [i for i in await self.tmdb.by_title(query) if self.catalog.by_tmdb_id(i, guild_id) is None]
        if len(stored) == 1:
            return await self._open(stored[0], guild_id, now, before_request)
        await before_request()
        found = await self.tmdb.search(query)
        meant, suggestions = choose(query, found)
        if len(meant) == 1:
            return await self._open(meant[0].tmdb_id, guild_id, now, before_request)
        if meant:
            raise AmbiguousTitle([show.display_title for show in meant])
        names = list(dict.fromkeys(curated + [show.display_title for show in suggestions]))[:5]
        raise DramaNotFound(query, names, "Check the spelling, or try its Korean or English title.")

    async def _open(self, tmdb_id: int, guild_id: int | None, now: datetime, before_request: Hook) -> Drama:
        twin = self.catalog.by_tmdb_id(tmdb_id, guild_id)
        if twin is not None:
            return twin
        if self.tmdb is None:
            raise UserError("TMDB look-ups are off on this bot, so only the curated catalog answers. " + TMDB_OFF_HINT)
        try:
            return await self.tmdb.load(tmdb_id, now, before_request)
        except TmdbNotFound:
            raise UserError("TMDB no longer has that drama. Search for it again by its title.") from None

    async def suggest(self, query: str, guild_id: int | None, now: datetime, *, limit: int) -> list[tuple[str, str]]:
        """Autocomplete's (label, value): curated matches first, then TMDB's, at most ``limit``.
        TMDB gets :data:`AUTOCOMPLETE_WAIT`; a slower answer is kept for the next keystroke."""
        curated = self.catalog.suggest(query, guild_id, limit=limit)
        choices = [(d.display_title, d.slug) for d in curated]
        if self.tmdb is None or len(fold_title(query)) < MIN_SEARCH or len(choices) >= limit:
            return choices
        try:
            found = await asyncio.wait_for(asyncio.shield(self.tmdb.search(query)), AUTOCOMPLETE_WAIT)
        except (TimeoutError, TmdbUnavailable):
            return choices
        shown = {d.tmdb_id for d in curated if d.tmdb_id is not None}
        for show in ranked(query, found):
            if show.tmdb_id not in shown and self.catalog.by_tmdb_id(show.tmdb_id, guild_id) is None:
                choices.append((show.label, show.slug))
                shown.add(show.tmdb_id)
        return choices[:limit]

    async def watch(
        self, drama: Drama, now: datetime, before_request: Hook | None = None, *, ask: bool = True
    ) -> Mapping[str, WatchOptions] | None:
        """Where the drama streams, by country; None when nobody knows: a curated drama without
        ``tmdb_id``, TMDB look-ups off, or TMDB failing for one never fetched. Without ``ask``,
        only what is stored (no request: an answer that must not wait)."""
        if drama.watch is not None or drama.tmdb_id is None or self.tmdb is None:
            return drama.watch
        if not ask:
            stored = await self.tmdb.stored(drama.tmdb_id)
            return stored.watch if stored is not None else None
        try:
            return (await self.tmdb.load(drama.tmdb_id, now, before_request)).watch
        except (TmdbUnavailable, TmdbNotFound):
            return None

    async def find_person(
        self, query: str, guild_id: int | None, before_request: Hook | None = None
    ) -> Person | TmdbPerson:
        """The curated catalog's person if it knows them (aliases too), else TMDB's."""
        try:
            return self.catalog.find_person(query, guild_id)
        except AmbiguousPerson:
            raise  # the people the catalog knows by that name are listed, as TMDB's would be
        except UserError as not_found:
            if self.tmdb is None or not fold_name(query):
                raise
            missing = not_found
        await _once(before_request)()
        people = await self.tmdb.people(query)
        if not people:
            raise missing
        exact = [p for p in people if fold_name(p[1]) == fold_name(query)]
        if not exact and len(people) > 1:
            names = ", ".join(f"**{name}**" for _, name in people[:MAX_NAMED])
            raise UserError(f"“{clip(query, 80)}” could be {names}. Pick one from the list, or type more of the name.")
        person_id, name = (exact or people)[0]
        return await self.tmdb.person(person_id, name)
