"""A drama as the bot knows it, wherever it came from: a curated file (:mod:`bot.catalog`) or TMDB
(:mod:`bot.tmdb_answers`). Plain frozen data; the sources convert into it.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

TMDB_PREFIX = "tmdb-"  # a TMDB drama's id in the bot: ``tmdb-12345``

Role = Literal["lead", "supporting", "cameo"]

_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True, slots=True)
class CastMember:
    actor: str
    character: str
    role: Role = "supporting"
    character_aliases: tuple[str, ...] = ()  # spellings reviews use
    actor_aliases: tuple[str, ...] = ()  # other romanizations of the actor's name
    note: str | None = None  # TMDB's "8 of 16 episodes", or the file's note


@dataclass(frozen=True, slots=True)
class ReviewPoint:
    topic: str
    text: str
    spoiler_from_episode: int | None = None

    @property
    def is_spoiler(self) -> bool:
        """A point that gives away anything after episode 1 is a spoiler."""
        return self.spoiler_from_episode is not None and self.spoiler_from_episode > 1


@dataclass(frozen=True, slots=True)
class Review:
    """A summary of one review, in the club's own words."""

    source: str
    headline: str
    summary: str
    verdict: str
    url: str | None = None
    points: tuple[ReviewPoint, ...] = ()


@dataclass(frozen=True, slots=True)
class Provider:
    """A streaming service, as JustWatch (through TMDB) names it."""

    name: str
    priority: int  # TMDB's display order: lower first


@dataclass(frozen=True, slots=True)
class WatchOptions:
    """Where a drama can be watched in one country."""

    link: str | None  # TMDB's page of the drama's services there
    flatrate: tuple[Provider, ...] = ()  # by subscription
    free: tuple[Provider, ...] = ()
    ads: tuple[Provider, ...] = ()
    rent: tuple[Provider, ...] = ()
    buy: tuple[Provider, ...] = ()


@dataclass(frozen=True, slots=True)
class Episode:
    number: int
    minutes: int
    air_date: date | None = None
    title: str | None = None
    finale: bool = False  # TMDB marks the last episode of a season (or of the drama) so


@dataclass(frozen=True, slots=True)
class Drama:
    slug: str
    title: str
    year: int
    episode_count: int
    episode_minutes: int
    sources: tuple[str, ...]
    plot: str = ""
    native_title: str | None = None
    aliases: tuple[str, ...] = ()
    network: str | None = None
    genres: tuple[str, ...] = ()
    tropes: tuple[str, ...] = ()
    episodes: tuple[Episode, ...] = ()
    cast: tuple[CastMember, ...] = ()
    review: Review | None = None
    origin: str = field(default="", compare=False)  # where it was loaded from, for messages
    tmdb_id: int | None = None
    # What TMDB adds (bot.tmdb_answers); a curated drama has none of it.
    poster_url: str | None = None
    link: str | None = None  # the drama's page on TMDB
    airing: bool = False  # more episodes are still to come
    runtime_known: bool = True  # False: episode_minutes is a guess for planning, not a fact to show
    seasons: tuple[tuple[int, int, int], ...] = ()  # (season, first episode, last episode), numbered on
    fetched_at: datetime | None = field(default=None, compare=False)
    unrefreshed: bool = field(default=False, compare=False)  # TMDB failed when asked again: shown as stored
    # Where it streams, by country (ISO 3166-1), from JustWatch through TMDB; None: not known (curated).
    watch: Mapping[str, WatchOptions] | None = field(default=None, compare=False, hash=False)

    @property
    def from_tmdb(self) -> bool:
        return self.slug.startswith(TMDB_PREFIX)

    @property
    def display_title(self) -> str:
        return f"{self.title} ({self.year})" if self.year else self.title

    def season_label(self, number: int) -> str | None:
        """``S2 E1`` for episode 17 of a drama whose second season starts there; None for one season."""
        if len(self.seasons) < 2:
            return None
        for season, first, last in self.seasons:
            if first <= number <= last:
                return f"S{season} E{number - first + 1}"
        return None

    def next_episode(self, today: date) -> Episode | None:
        """The first episode that airs on ``today`` or later, while the drama airs."""
        if not self.airing:
            return None
        return next((e for e in self.episodes if e.air_date is not None and e.air_date >= today), None)

    @property
    def leads(self) -> tuple[CastMember, ...]:
        return tuple(member for member in self.cast if member.role == "lead")

    @property
    def last_episode(self) -> int | None:
        """The drama's last episode, once it is known: the one TMDB marks as the finale, or the
        last listed once every episode is dated."""
        if self.episodes and self.episodes[-1].finale:
            return self.episodes[-1].number
        if self.episodes and all(e.air_date is not None for e in self.episodes):
            return self.episode_count
        return None

    def episode(self, number: int) -> Episode:
        return self.episodes[number - 1]

    @property
    def first_air_date(self) -> date | None:
        dates = [e.air_date for e in self.episodes if e.air_date is not None]
        return min(dates) if dates else None

    @property
    def last_air_date(self) -> date | None:
        dates = [e.air_date for e in self.episodes if e.air_date is not None]
        return max(dates) if dates else None

    def cadence(self) -> str | None:
        """How it aired, in words: ``"weekly on Wednesdays"``, ``"Mondays and Tuesdays"``."""
        dates = sorted({e.air_date for e in self.episodes if e.air_date is not None})
        if len(dates) < 2:
            return None
        days = sorted({d.weekday() for d in dates})
        names = [_WEEKDAYS[d] + "s" for d in days]
        gaps = {(b - a).days for a, b in itertools.pairwise(dates)}
        if gaps == {7}:
            return f"weekly on {names[0]}"
        if gaps == {1}:
            return "daily"
        if len(names) == 1:
            return f"on {names[0]}"
        return " and ".join([", ".join(names[:-1]), names[-1]])
