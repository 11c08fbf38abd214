"""Dramas from TMDB: looked up, fetched in at most two requests, kept in SQLite, read as :class:`Drama`.

A fetched drama is stored whole (TMDB's details answer with its aggregate credits, alternative
titles and seasons appended) in ``tmdb_dramas``, one table for every server, and its titles in
``tmdb_titles`` so a typed title finds it again without a request. From then on it is read from
the database; it is fetched again when a member looks at it and it is older than a day while it
airs, or 30 days once it has ended. :meth:`TmdbDramas.keep_terms` keeps TMDB's terms: nothing is
kept more than six months without being fetched again.

Leads: TMDB does not mark them, so the two top-billed actors (lowest ``order``) are the leads.
Episodes of every regular season are numbered on (season 2 of 16-episode seasons starts at 17);
specials (season 0) are left out.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from bot.catalog import TMDB_PREFIX, CastMember, Drama, Episode
from bot.folding import fold_title
from bot.storage import Storage
from bot.tmdb import MAX_APPENDED, TmdbClient, TmdbNotFound, TmdbUnavailable, objects, shared

log = logging.getLogger(__name__)

IMAGE_URL = "https://image.tmdb.org/t/p/w342"
PAGE_URL = "https://www.themoviedb.org/tv/{id}"
LEADS = 2  # the top-billed actors who count as leads
FRESH_WHILE_AIRING = timedelta(days=1)
FRESH_ONCE_ENDED = timedelta(days=30)
REFRESH_AFTER = timedelta(days=150)  # the background task fetches referenced dramas again after this...
KEEP_AT_MOST = timedelta(days=182)  # ...and nothing fetched from TMDB is kept longer (TMDB's terms)
GUESSED_MINUTES = 60  # an episode's length for planning when TMDB gives no runtime
APPENDED = ("aggregate_credits", "alternative_titles", "season/1")
SEARCH_TTL = timedelta(minutes=10)
SEARCHES_KEPT = 1000
RECENT_KEPT = 256  # parsed dramas kept in memory
AIRING_STATUSES = {"Returning Series", "In Production", "Planned", "Pilot"}
_TMDB_SLUG = re.compile(rf"^{TMDB_PREFIX}(\d{{1,10}})$")
_TITLE_YEAR = re.compile(r"^(.*\w.*?)[\s(]+((?:19|20)\d\d)\)?$")


def slug_of(tmdb_id: int) -> str:
    return f"{TMDB_PREFIX}{tmdb_id}"


def tmdb_id_of(slug: str) -> int | None:
    """``tmdb-12345`` -> 12345; anything else -> None."""
    match = _TMDB_SLUG.match(slug.strip())
    return int(match.group(1)) if match else None


# -- reading TMDB's answers ------------------------------------------------------------------


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _day(value: object) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) and value else None
    except ValueError:
        return None


def _minutes(value: object) -> int | None:
    return value if isinstance(value, int) and 0 < value <= 600 else None


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def is_korean(show: dict[str, Any]) -> bool:
    return show.get("original_language") == "ko" or "KR" in (show.get("origin_country") or ())


def _year(show: dict[str, Any]) -> int:
    first = _day(show.get("first_air_date"))
    return first.year if first else 0


def _episodes(data: dict[str, Any], show_minutes: int | None) -> tuple[list[Episode], list[tuple[int, int, int]]]:
    """Every regular season's episodes, numbered on, and where each season starts and ends."""
    seasons = sorted(
        (s for s in objects(data.get("seasons")) if isinstance(s.get("season_number"), int) and s["season_number"] > 0),
        key=lambda s: s["season_number"],
    )
    episodes: list[Episode] = []
    ranges: list[tuple[int, int, int]] = []
    for season in seasons:
        number = season["season_number"]
        listed = objects((data.get(f"season/{number}") or {}).get("episodes"))
        listed = sorted(
            (e for e in listed if isinstance(e.get("episode_number"), int)), key=lambda e: e["episode_number"]
        )
        if not listed:  # the season's episodes were not appended: their count, without dates
            count = season.get("episode_count") if isinstance(season.get("episode_count"), int) else 0
            listed = [{"episode_number": n} for n in range(1, count + 1)]
        first = len(episodes) + 1
        for entry in listed:
            minutes = _minutes(entry.get("runtime")) or show_minutes or GUESSED_MINUTES
            name = _clip(_text(entry.get("name")), 100) or None
            episodes.append(Episode(len(episodes) + 1, minutes, _day(entry.get("air_date")), name))
        if len(episodes) >= first:
            ranges.append((number, first, len(episodes)))
    return episodes, ranges


def _cast(data: dict[str, Any], episode_count: int) -> tuple[CastMember, ...]:
    """TMDB's aggregate cast, top-billed first; a role not in every episode says in how many."""
    people = sorted(
        (p for p in objects((data.get("aggregate_credits") or {}).get("cast")) if _text(p.get("name"))),
        key=lambda p: p["order"] if isinstance(p.get("order"), int) else 10**6,
    )
    cast = []
    for place, person in enumerate(people[:500]):
        roles = [r for r in objects(person.get("roles")) if _text(r.get("character"))]
        character = " / ".join(_text(r["character"]) for r in roles) or "(role not named)"
        episodes = person.get("total_episode_count")
        note = None
        if isinstance(episodes, int) and 0 < episodes < episode_count:
            note = f"{episodes} of {episode_count} episodes"
        cast.append(
            CastMember.model_construct(
                actor=_clip(_text(person["name"]), 100),
                character=_clip(character, 100),
                role="lead" if place < LEADS else "supporting",
                character_aliases=(),
                actor_aliases=(),
                note=note,
            )
        )
    return tuple(cast)


def to_drama(data: dict[str, Any], fetched_at: datetime) -> Drama:
    """The :class:`Drama` a stored TMDB answer describes. Missing or odd fields are left out."""
    tmdb_id = int(data["id"])
    title = _clip(_text(data.get("name")) or _text(data.get("original_name")) or f"TMDB drama {tmdb_id}", 90)
    original = _clip(_text(data.get("original_name")), 90)
    run_times = [m for m in map(_minutes, data.get("episode_run_time") or ()) if m]
    show_minutes = run_times[0] if run_times else None
    episodes, seasons = _episodes(data, show_minutes)
    known = [e.minutes for e in episodes if e.minutes != GUESSED_MINUTES] or ([show_minutes] if show_minutes else [])
    aliases = {
        _clip(_text(t.get("title")), 90) for t in objects((data.get("alternative_titles") or {}).get("results"))
    } - {"", title, original}
    poster = _text(data.get("poster_path"))
    return Drama(
        slug=slug_of(tmdb_id),
        title=title,
        year=_year(data),
        episode_count=len(episodes),
        episode_minutes=max(set(known), key=known.count) if known else GUESSED_MINUTES,
        sources=("TMDB",),
        plot=_clip(_text(data.get("overview")), 4000),
        native_title=original if original and fold_title(original) != fold_title(title) else None,
        aliases=tuple(sorted(aliases))[:50],
        network=next((_text(n.get("name")) for n in objects(data.get("networks")) if _text(n.get("name"))), None),
        genres=tuple(_text(g.get("name")) for g in objects(data.get("genres")) if _text(g.get("name")))[:50],
        episodes=tuple(episodes),
        cast=_cast(data, len(episodes)),
        origin=f"TMDB {tmdb_id}",
        tmdb_id=tmdb_id,
        poster_url=f"{IMAGE_URL}{poster}" if poster.startswith("/") else None,
        link=PAGE_URL.format(id=tmdb_id),
        airing=data.get("status") in AIRING_STATUSES or isinstance(data.get("next_episode_to_air"), dict),
        runtime_known=bool(known),
        seasons=tuple(seasons),
        fetched_at=fetched_at,
    )


def split_year(query: str) -> tuple[str, int | None]:
    """``"Title 2024"`` -> ``("Title", 2024)``; a query that is only a number stays a title."""
    match = _TITLE_YEAR.match(query.strip())
    if match is None:
        return query.strip(), None
    return match.group(1).strip(), int(match.group(2))


def title_keys(data: dict[str, Any]) -> set[str]:
    """The folded titles a typed query finds a stored drama by."""
    names = [data.get("name"), data.get("original_name")]
    names += [t.get("title") for t in objects((data.get("alternative_titles") or {}).get("results"))]
    return {key for key in (fold_title(_text(n)) for n in names) if key}


def is_fresh(drama: Drama, now: datetime) -> bool:
    """Whether a stored drama may be shown without asking TMDB again."""
    if drama.fetched_at is None:
        return False
    return now - drama.fetched_at < (FRESH_WHILE_AIRING if drama.airing else FRESH_ONCE_ENDED)


@dataclass(frozen=True, slots=True)
class Found:
    """One of TMDB's search results."""

    tmdb_id: int
    title: str
    original_title: str
    year: int
    korean: bool

    @property
    def slug(self) -> str:
        return slug_of(self.tmdb_id)

    @property
    def display_title(self) -> str:
        return f"{self.title} ({self.year})" if self.year else self.title

    @property
    def label(self) -> str:
        """``Title (2023) · 원제``: how autocomplete offers it."""
        if self.original_title and fold_title(self.original_title) != fold_title(self.title):
            return f"{self.display_title} · {self.original_title}"
        return self.display_title

    @classmethod
    def read(cls, show: dict[str, Any]) -> Found | None:
        if not isinstance(show.get("id"), int):
            return None
        title = _text(show.get("name")) or _text(show.get("original_name"))
        if not title:
            return None
        return cls(
            show["id"], _clip(title, 90), _clip(_text(show.get("original_name")), 90), _year(show), is_korean(show)
        )


@dataclass(frozen=True, slots=True)
class Credit:
    """One drama in a person's TMDB TV credits."""

    tmdb_id: int
    title: str
    year: int
    character: str
    episodes: int | None

    @property
    def slug(self) -> str:
        return slug_of(self.tmdb_id)


@dataclass(frozen=True, slots=True)
class TmdbPerson:
    tmdb_id: int
    name: str
    credits: tuple[Credit, ...]  # newest first


class TmdbDramas:
    """TMDB's dramas for every server: stored in SQLite, fetched when missing or stale."""

    def __init__(self, storage: Storage, client: TmdbClient) -> None:
        self._storage = storage
        self.client = client
        self._recent: OrderedDict[int, Drama] = OrderedDict()
        self._searches: OrderedDict[str, tuple[datetime, list[Found]]] = OrderedDict()
        self._running: dict[int | str, asyncio.Task[Any]] = {}  # fetches by id, searches by folded query

    # -- the database ---------------------------------------------------------------------

    async def stored(self, tmdb_id: int) -> Drama | None:
        """The stored drama, without a request; None if it was never fetched (or was deleted)."""
        if tmdb_id in self._recent:
            self._recent.move_to_end(tmdb_id)
            return self._recent[tmdb_id]
        row = await self._storage.fetchone("SELECT data, fetched_at FROM tmdb_dramas WHERE tmdb_id = ?", (tmdb_id,))
        if row is None:
            return None
        drama = to_drama(json.loads(row["data"]), datetime.fromisoformat(row["fetched_at"]))
        self._remember(drama)
        return drama

    def _remember(self, drama: Drama) -> None:
        assert drama.tmdb_id is not None
        self._recent[drama.tmdb_id] = drama
        self._recent.move_to_end(drama.tmdb_id)
        while len(self._recent) > RECENT_KEPT:
            self._recent.popitem(last=False)

    async def by_title(self, query: str) -> list[int]:
        """Stored dramas one of whose titles is exactly what was typed (folded)."""
        key = fold_title(query)
        if not key:
            return []
        rows = await self._storage.fetchall("SELECT tmdb_id FROM tmdb_titles WHERE key = ? ORDER BY tmdb_id", (key,))
        return [int(row[0]) for row in rows]

    async def _store(self, data: dict[str, Any], now: datetime) -> Drama:
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
        self._remember(drama)
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
        except TmdbUnavailable:
            if drama is None:
                raise
            return drama  # the card says when it was fetched
        except TmdbNotFound:
            if drama is None:
                raise
            return drama

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
        return await self._store(data, now)

    async def search(self, query: str, now: datetime) -> list[Found]:
        """TMDB's TV search, kept for :data:`SEARCH_TTL` per folded query. A title typed with its
        year (``Title 2024``) is searched as the title first aired that year, then as typed."""
        key = fold_title(query)
        if not key:
            return []
        cached = self._searches.get(key)
        if cached is not None and now - cached[0] < SEARCH_TTL:
            return cached[1]
        return await shared(self._running, key, lambda: self._search(query, key, now))

    async def _search(self, query: str, key: str, now: datetime) -> list[Found]:
        title, year = split_year(query)
        results = await self.client.search_tv(title[:200], year)
        if not results and year is not None:  # the year is part of the title: "Reply 1988"
            results = await self.client.search_tv(query.strip()[:200])
        found = [f for f in map(Found.read, results) if f is not None]
        self._searches[key] = (now, found)
        self._searches.move_to_end(key)
        while len(self._searches) > SEARCHES_KEPT:
            self._searches.popitem(last=False)
        return found

    async def people(self, query: str) -> list[tuple[int, str]]:
        """TMDB's people by name: (id, name), actors first."""
        results = await self.client.search_person(query.strip()[:200])
        acting = sorted(results, key=lambda p: p.get("known_for_department") != "Acting")
        return [
            (p["id"], _text(p.get("name"))) for p in acting if isinstance(p.get("id"), int) and _text(p.get("name"))
        ]

    async def person(self, person_id: int, name: str) -> TmdbPerson:
        answer = await self.client.person_tv_credits(person_id)
        credits: dict[int, Credit] = {}
        for show in objects(answer.get("cast")):
            found = Found.read(show)
            if found is None or found.tmdb_id in credits:
                continue
            episodes = show.get("episode_count")
            credits[found.tmdb_id] = Credit(
                found.tmdb_id,
                found.title,
                found.year,
                _clip(_text(show.get("character")), 100) or "(role not named)",
                episodes if isinstance(episodes, int) and episodes > 0 else None,
            )
        newest = sorted(credits.values(), key=lambda c: (-c.year, c.title))
        return TmdbPerson(person_id, name, tuple(newest))

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
