"""Reading TMDB's answers: a TV show's details become a :class:`Drama`, search results and a
person's credits become plain records. Nothing here asks TMDB or stores anything
(:mod:`bot.tmdb` asks, :mod:`bot.tmdb_dramas` stores); a missing or odd field is left out.

Leads: TMDB does not mark them, so the two top-billed actors (lowest ``order``) are the leads.
Episodes of every regular season are numbered on (season 2 of 16-episode seasons starts at 17);
specials (season 0) are left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from bot.drama import TMDB_PREFIX, CastMember, Drama, Episode, Provider, WatchOptions
from bot.folding import fold_title
from bot.text import clip
from bot.tmdb import objects

IMAGE_URL = "https://image.tmdb.org/t/p/w342"
PAGE_URL = "https://www.themoviedb.org/tv/{id}"
LEADS = 2  # the top-billed actors who count as leads
GUESSED_MINUTES = 60  # an episode's length for planning when TMDB gives no runtime
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
            count = season["episode_count"] if isinstance(season.get("episode_count"), int) else 0
            listed = [{"episode_number": n} for n in range(1, count + 1)]
        first = len(episodes) + 1
        for entry in listed:
            minutes = _minutes(entry.get("runtime")) or show_minutes or GUESSED_MINUTES
            name = clip(_text(entry.get("name")), 100) or None
            finale = entry.get("episode_type") == "finale"
            episodes.append(Episode(len(episodes) + 1, minutes, _day(entry.get("air_date")), name, finale))
        if len(episodes) >= first:
            ranges.append((number, first, len(episodes)))
    last_season = episodes[ranges[-1][1] - 1 :] if ranges else []
    finales = [e.number for e in last_season if e.finale]
    if finales:  # the last season's finale ends the drama: anything listed after it is not to come
        episodes = episodes[: max(finales)]
        ranges[-1] = (ranges[-1][0], ranges[-1][1], max(finales))
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
            CastMember(
                actor=clip(_text(person["name"]), 100),
                character=clip(character, 100),
                role="lead" if place < LEADS else "supporting",
                note=note,
            )
        )
    return tuple(cast)


def to_drama(data: dict[str, Any], fetched_at: datetime) -> Drama:
    """The :class:`Drama` a stored TMDB answer describes. Missing or odd fields are left out."""
    tmdb_id = int(data["id"])
    title = clip(_text(data.get("name")) or _text(data.get("original_name")) or f"TMDB drama {tmdb_id}", 90)
    original = clip(_text(data.get("original_name")), 90)
    run_times = [m for m in map(_minutes, data.get("episode_run_time") or ()) if m]
    show_minutes = run_times[0] if run_times else None
    episodes, seasons = _episodes(data, show_minutes)
    known = [e.minutes for e in episodes if e.minutes != GUESSED_MINUTES] or ([show_minutes] if show_minutes else [])
    aliases = {
        clip(_text(t.get("title")), 90) for t in objects((data.get("alternative_titles") or {}).get("results"))
    } - {"", title, original}
    poster = _text(data.get("poster_path"))
    return Drama(
        slug=slug_of(tmdb_id),
        title=title,
        year=_year(data),
        episode_count=len(episodes),
        episode_minutes=max(set(known), key=known.count) if known else GUESSED_MINUTES,
        sources=("TMDB",),
        plot=clip(_text(data.get("overview")), 4000),
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
        watch=_watch(data.get("watch/providers")),
    )


def _providers(listed: object) -> tuple[Provider, ...]:
    found = {}
    for entry in objects(listed):
        name = _text(entry.get("provider_name"))
        priority = entry.get("display_priority")
        if name and name not in found:
            found[name] = Provider(clip(name, 60), priority if isinstance(priority, int) else 10**6)
    return tuple(sorted(found.values(), key=lambda p: (p.priority, p.name)))


def _watch(answer: object) -> dict[str, WatchOptions]:
    """TMDB's watch providers (JustWatch's data), by country."""
    results = answer.get("results") if isinstance(answer, dict) else None
    if not isinstance(results, dict):
        return {}
    return {
        region: WatchOptions(
            _text(offer.get("link")) or None,
            _providers(offer.get("flatrate")),
            _providers(offer.get("free")),
            _providers(offer.get("ads")),
            _providers(offer.get("rent")),
            _providers(offer.get("buy")),
        )
        for region, offer in results.items()
        if isinstance(region, str) and isinstance(offer, dict)
    }


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
            show["id"], clip(title, 90), clip(_text(show.get("original_name")), 90), _year(show), is_korean(show)
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


def read_people(results: list[dict[str, Any]]) -> list[tuple[int, str]]:
    """TMDB's person search: (id, name), actors first."""
    acting = sorted(results, key=lambda p: p.get("known_for_department") != "Acting")
    return [(p["id"], _text(p.get("name"))) for p in acting if isinstance(p.get("id"), int) and _text(p.get("name"))]


def read_person(person_id: int, name: str, answer: dict[str, Any]) -> TmdbPerson:
    """A person's TV credits, one per drama, newest first."""
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
            clip(_text(show.get("character")), 100) or "(role not named)",
            episodes if isinstance(episodes, int) and episodes > 0 else None,
        )
    newest = sorted(credits.values(), key=lambda c: (-c.year, c.title))
    return TmdbPerson(person_id, name, tuple(newest))
