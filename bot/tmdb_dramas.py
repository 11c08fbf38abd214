"""TMDB's dramas, kept in SQLite and read as :class:`Drama`; fetched in at most two requests.

A fetched drama is stored whole (TMDB's details answer with its aggregate credits, alternative
titles and seasons appended) in ``tmdb_dramas``, one table for every server, and its titles in
``tmdb_titles`` so a typed title finds it again without a request. From then on it is read from
the database; it is fetched again when a member looks at it and it is older than a day while it
airs, or 30 days once it has ended. :meth:`TmdbDramas.keep_terms` keeps TMDB's terms: nothing is
kept more than six months without being fetched again. :mod:`bot.tmdb_answers` reads the answers.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from cachetools import LRUCache, TTLCache

from bot.drama import Drama
from bot.folding import fold_title
from bot.storage import Storage
from bot.tmdb import MAX_APPENDED, TmdbClient, TmdbNotFound, TmdbUnavailable, objects, shared
from bot.tmdb_answers import Found, TmdbPerson, read_people, read_person, split_year, title_keys, to_drama

log = logging.getLogger(__name__)

FRESH_WHILE_AIRING = timedelta(days=1)
FRESH_ONCE_ENDED = timedelta(days=30)
REFRESH_AFTER = timedelta(days=150)  # the background task fetches referenced dramas again after this...
KEEP_AT_MOST = timedelta(days=182)  # ...and nothing fetched from TMDB is kept longer (TMDB's terms)
APPENDED = ("aggregate_credits", "alternative_titles", "watch/providers", "season/1")
SEARCH_TTL = timedelta(minutes=10)
SEARCHES_KEPT = 1000
RECENT_KEPT = 256  # parsed dramas kept in memory


def is_fresh(drama: Drama, now: datetime) -> bool:
    """Whether a stored drama may be shown without asking TMDB again."""
    if drama.fetched_at is None:
        return False
    return now - drama.fetched_at < (FRESH_WHILE_AIRING if drama.airing else FRESH_ONCE_ENDED)


class TmdbDramas:
    """TMDB's dramas for every server: stored in SQLite, fetched when missing or stale."""

    def __init__(self, storage: Storage, client: TmdbClient) -> None:
        self._storage = storage
        self.client = client
        self._recent: LRUCache[int, Drama] = LRUCache(maxsize=RECENT_KEPT)
        self._searches: TTLCache[str, list[Found]] = TTLCache(maxsize=SEARCHES_KEPT, ttl=SEARCH_TTL.total_seconds())
        self._running: dict[int | str, asyncio.Task[Any]] = {}  # fetches by id, searches by folded query
        # Told of every drama fetched anew: follows and plans carry its new dates at once.
        self.on_fetched: list[Callable[[Drama], None]] = []

    # -- the database ---------------------------------------------------------------------

    async def stored(self, tmdb_id: int) -> Drama | None:
        """The stored drama, without a request; None if it was never fetched (or was deleted)."""
        if (kept := self._recent.get(tmdb_id)) is not None:
            return kept
        row = await self._storage.fetchone("SELECT data, fetched_at FROM tmdb_dramas WHERE tmdb_id = ?", (tmdb_id,))
        if row is None:
            return None
        drama = to_drama(json.loads(row["data"]), datetime.fromisoformat(row["fetched_at"]))
        self._recent[tmdb_id] = drama
        return drama

    async def by_title(self, query: str) -> list[int]:
        """Stored dramas one of whose titles is exactly what was typed (folded)."""
        key = fold_title(query)
        if not key:
            return []
        rows = await self._storage.fetchall("SELECT tmdb_id FROM tmdb_titles WHERE key = ? ORDER BY tmdb_id", (key,))
        return [int(row[0]) for row in rows]

    async def _store(self, tmdb_id: int, data: dict[str, Any], now: datetime) -> Drama:
        drama = to_drama(data, now)
        keys = title_keys(data)
        async with self._storage.transaction() as db:
            await db.execute(
                "INSERT INTO tmdb_dramas (tmdb_id, data, fetched_at) VALUES (?, ?, ?)"
                " ON CONFLICT (tmdb_id) DO UPDATE SET data = excluded.data, fetched_at = excluded.fetched_at",
                (drama.tmdb_id, json.dumps(data, ensure_ascii=False), now.isoformat()),
            )
            await db.execute("DELETE FROM tmdb_titles WHERE tmdb_id = ?", (drama.tmdb_id,))
            await db.executemany(
                "INSERT INTO tmdb_titles (key, tmdb_id) VALUES (?, ?)", [(key, drama.tmdb_id) for key in keys]
            )
        self._recent[tmdb_id] = drama
        for listener in self.on_fetched:
            listener(drama)
        return drama

    # -- TMDB ------------------------------------------------------------------------------

    async def load(
        self, tmdb_id: int, now: datetime, before_request: Callable[[], Awaitable[None]] | None = None
    ) -> Drama:
        """The drama, from the database while it is fresh, else fetched (``before_request`` runs
        first, to defer). When TMDB fails, stored data is shown as it is; otherwise the failure is raised."""
        drama = await self.stored(tmdb_id)
        if drama is not None and is_fresh(drama, now):
            return drama
        if before_request is not None:
            await before_request()
        try:
            return await self.fetch(tmdb_id, now)
        except (TmdbUnavailable, TmdbNotFound):
            if drama is None:
                raise
            return replace(drama, unrefreshed=True)  # the card says when it was fetched

    async def fetch(self, tmdb_id: int, now: datetime) -> Drama:
        """Fetch and store one drama; members asking for it at once share one fetch."""
        return await shared(self._running, tmdb_id, lambda: self._fetch(tmdb_id, now))

    async def _fetch(self, tmdb_id: int, now: datetime) -> Drama:
        data = await self.client.tv(tmdb_id, APPENDED)
        if data.get("id") != tmdb_id:
            raise TmdbNotFound(f"/3/tv/{tmdb_id}")
        wanted = [
            f"season/{s['season_number']}"
            for s in objects(data.get("seasons"))
            if isinstance(s.get("season_number"), int) and s["season_number"] > 0
        ]
        missing = [name for name in wanted if name not in data][:MAX_APPENDED]
        if missing:  # later seasons (or a first season numbered otherwise): one more request
            more = await self.client.tv(tmdb_id, missing)
            data.update({name: more[name] for name in missing if isinstance(more.get(name), dict)})
        return await self._store(tmdb_id, data, now)

    async def search(self, query: str) -> list[Found]:
        """TMDB's TV search, kept for :data:`SEARCH_TTL` per folded query. A title typed with its
        year (``Title 2024``) is searched as the title first aired that year, then as typed."""
        key = fold_title(query)
        if not key:
            return []
        if (cached := self._searches.get(key)) is not None:
            return cached
        return await shared(self._running, key, lambda: self._search(query, key))

    async def _search(self, query: str, key: str) -> list[Found]:
        title, year = split_year(query)
        results = await self.client.search_tv(title[:200], year)
        if not results and year is not None:  # the year is part of the title: "Reply 1988"
            results = await self.client.search_tv(query.strip()[:200])
        found = [f for f in map(Found.read, results) if f is not None]
        self._searches[key] = found
        return found

    async def people(self, query: str) -> list[tuple[int, str]]:
        """TMDB's people by name: (id, name), actors first."""
        return read_people(await self.client.search_person(query.strip()[:200]))

    async def person(self, person_id: int, name: str) -> TmdbPerson:
        return read_person(person_id, name, await self.client.person_tv_credits(person_id))

    # -- TMDB's terms ----------------------------------------------------------------------

    async def oldest_fetch(self) -> datetime | None:
        row = await self._storage.fetchone("SELECT min(fetched_at) FROM tmdb_dramas")
        return datetime.fromisoformat(row[0]) if row is not None and row[0] is not None else None

    async def keep_terms(self, now: datetime, referenced: Iterable[int]) -> tuple[int, int]:
        """Fetch again the referenced dramas older than :data:`REFRESH_AFTER`; delete what is older
        than :data:`KEEP_AT_MOST` (referenced dramas that could not be fetched again too) and the
        unreferenced ones older than :data:`REFRESH_AFTER`. Returns (fetched, deleted)."""
        keep = set(referenced)
        rows = await self._storage.fetchall(
            "SELECT tmdb_id, fetched_at FROM tmdb_dramas WHERE fetched_at < ?", ((now - REFRESH_AFTER).isoformat(),)
        )
        fetched = 0
        doomed = []
        for row in rows:
            tmdb_id, fetched_at = int(row[0]), datetime.fromisoformat(row[1])
            if tmdb_id in keep:
                try:
                    await self.fetch(tmdb_id, now)
                    fetched += 1
                    continue
                except (TmdbUnavailable, TmdbNotFound) as error:
                    log.warning("Could not fetch TMDB drama %s again: %s", tmdb_id, type(error).__name__)
                if now - fetched_at < KEEP_AT_MOST:
                    continue
            doomed.append(tmdb_id)
        if doomed:
            async with self._storage.transaction() as db:
                await db.executemany("DELETE FROM tmdb_dramas WHERE tmdb_id = ?", [(i,) for i in doomed])
            for tmdb_id in doomed:
                self._recent.pop(tmdb_id, None)
        return fetched, len(doomed)
