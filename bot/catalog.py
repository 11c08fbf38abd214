"""The drama catalog: data files in ``data/dramas/`` (TOML), validated into plain data classes.

A file describes one drama. Validation is strict: an unknown key is an error (it is usually a
typo), and every error names the file, the field and the problem. The format is documented in
the README with a complete example; ``data/dramas/soundtrack-1.toml`` is the reference file.
"""

from __future__ import annotations

import functools
import io
import itertools
import marshal
import os
import re
import sys
import unicodedata
from array import array
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TypeGuard, overload

# Imported with this module, on the thread that imports the bot, never first inside a worker
# thread: toml-rs 0.4.3 crashes the process (a segmentation fault in its allocator, mimalloc) if
# the thread that first imported it has ended before another thread parses. It costs every
# start 5 ms and about 5 MB, most of that the first arena of mimalloc.
import toml_rs

from bot.folding import has_key

ROLES = ("lead", "supporting", "cameo")
_ROLE = {role: role for role in ROLES}  # one string object per role, however many cast members
MAX_FILE_BYTES = 1_000_000
TOML_VERSION = "1.0.0"  # the version most editors and tools read, Python's own tomllib among them
MAX_NAME = 100
MAX_TITLE = 90  # leaves room for " (2022)" inside Discord's 100-character autocomplete names
MAX_TEXT = 4000
MAX_CAST = 500
MAX_EPISODES = 500
MAX_MINUTES = 600  # an episode's runtime
MAX_LIST = 50  # entries of a list of names (aliases, genres, tropes)
MAX_POINTS = 50  # a review's points
MAX_NOTE = 300  # a cast member's note, a review's verdict
MAX_HEADLINE = 200  # a review's headline and the name of its source
MAX_URL = 500
MAX_POINT = 1000  # a review point's text


class CatalogError(Exception):
    """A data file is invalid: names the file, the field and the problem."""

    def __init__(self, source: str, field: str, problem: str) -> None:
        where = f"{source}: {field}" if field else source
        super().__init__(f"{where}: {problem}")
        self.source = source
        self.field = field
        self.problem = problem


@dataclass(frozen=True, slots=True)
class Episode:
    number: int
    minutes: int
    air_date: date | None = None
    title: str | None = None


class Episodes(Sequence[Episode]):
    """A drama's episodes 1 to n, kept compactly; an :class:`Episode` is made when one is read.

    A catalog of 10,000 dramas has 160,000 episodes: as objects they were a tenth of the bot's
    memory and of its start-up. Here a drama keeps two small arrays (minutes, air dates as day
    numbers, 0 for none) and, only if some episode has one, a tuple of titles.
    """

    __slots__ = ("_days", "_minutes", "_titles")

    def __init__(self, episodes: Iterable[Episode] = ()) -> None:
        episodes = tuple(episodes)
        for expected, episode in enumerate(episodes, start=1):
            if episode.number != expected:
                raise ValueError(f"episodes must be numbered 1, 2, 3, ...; found {episode.number} in place {expected}")
        self._fill(
            [e.minutes for e in episodes],
            [e.air_date.toordinal() if e.air_date else 0 for e in episodes],
            [e.title for e in episodes],
        )

    @classmethod
    def of(cls, minutes: list[int], days: list[int], titles: list[str | None] | None) -> Episodes:
        """From the arrays themselves (a catalog record), without making an Episode for each."""
        if not len(minutes) == len(days) == (len(titles) if titles is not None else len(minutes)):
            raise ValueError("episode minutes, air dates and titles must have one entry each")
        episodes = cls.__new__(cls)
        episodes._fill(minutes, days, titles)
        return episodes

    def _fill(self, minutes: list[int], days: list[int], titles: list[str | None] | None) -> None:
        self._minutes = array("H", minutes)
        self._days = array("i", days)
        self._titles = tuple(titles) if titles is not None and any(titles) else None

    def fields(self) -> tuple[list[int], list[int], list[str | None] | None]:
        """Minutes, air-date day numbers (0 for none) and titles (``None`` when there are none)."""
        return self._minutes.tolist(), self._days.tolist(), None if self._titles is None else list(self._titles)

    def __len__(self) -> int:
        return len(self._minutes)

    @overload
    def __getitem__(self, index: int) -> Episode: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[Episode, ...]: ...

    def __getitem__(self, index: int | slice) -> Episode | tuple[Episode, ...]:
        if isinstance(index, slice):
            return tuple(self[i] for i in range(*index.indices(len(self))))
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError("episode index out of range")
        day = self._days[index]
        title = self._titles[index] if self._titles is not None else None
        return Episode(index + 1, self._minutes[index], _day(day) if day else None, title)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Episodes):
            return self.fields() == other.fields()
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self._minutes.tobytes(), self._days.tobytes(), self._titles))

    def __repr__(self) -> str:
        return f"Episodes({list(self)!r})"


@dataclass(frozen=True, slots=True)
class CastMember:
    actor: str
    character: str
    role: str = "supporting"
    character_aliases: tuple[str, ...] = ()
    actor_aliases: tuple[str, ...] = ()
    note: str | None = None


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
    source: str
    headline: str
    summary: str
    verdict: str
    url: str | None = None
    points: tuple[ReviewPoint, ...] = ()


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
    episodes: Episodes = field(default_factory=Episodes)
    cast: tuple[CastMember, ...] = ()
    review: Review | None = None
    origin: str = field(default="", compare=False)  # where it was loaded from, for messages

    @property
    def display_title(self) -> str:
        return f"{self.title} ({self.year})"

    @property
    def leads(self) -> tuple[CastMember, ...]:
        return tuple(member for member in self.cast if member.role == "lead")

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


_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@functools.cache
def _day(ordinal: int) -> date:
    """One date object per calendar day, shared by every episode that aired on it."""
    return date.fromordinal(ordinal)


def _shared(text: str | None) -> str | None:
    """Labels that recur across dramas (networks, genres, sources) are kept once."""
    return None if text is None else sys.intern(text)


def _labels(texts: Iterable[str]) -> tuple[str, ...]:
    return tuple(map(sys.intern, texts))


def slugify(text: str) -> str:
    """``"Soundtrack #1"`` -> ``"soundtrack-1"``; letters of any script are kept."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return re.sub(r"[^\w]+", "-", text).strip("-_") or "drama"


# -- validation ----------------------------------------------------------------------------


class _Table:
    """Typed, strict access to one TOML table, with errors that name the field."""

    def __init__(self, data: Any, source: str, path: str) -> None:
        if not isinstance(data, Mapping):
            raise CatalogError(source, path, f"must be a table, not {_kind(data)}")
        self.data = data
        self.source = source
        self.path = path
        self.used: set[str] = set()

    def name(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def error(self, key: str, problem: str) -> CatalogError:
        return CatalogError(self.source, self.name(key), problem)

    def raw(self, key: str, required: bool) -> Any:
        self.used.add(key)
        if key not in self.data:
            if required:
                raise self.error(key, "is required")
            return None
        return self.data[key]

    def text(self, key: str, *, required: bool = False, max_len: int = MAX_NAME) -> str | None:
        value = self.raw(key, required)
        if value is None:
            return None
        if not isinstance(value, str):
            raise self.error(key, f"must be text, not {_kind(value)}")
        value = value.strip()
        if not value:
            if required:
                raise self.error(key, "must not be empty")
            return None
        if len(value) > max_len:
            raise self.error(key, f"is {len(value)} characters long; the limit is {max_len}")
        return value

    def required_text(self, key: str, *, max_len: int = MAX_NAME) -> str:
        value = self.text(key, required=True, max_len=max_len)
        assert value is not None
        return value

    def integer(self, key: str, *, required: bool = False, low: int, high: int) -> int | None:
        value = self.raw(key, required)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.error(key, f"must be a whole number, not {_kind(value)}")
        if not low <= value <= high:
            raise self.error(key, f"must be between {low} and {high}, not {value}")
        return value

    def texts(self, key: str, *, max_len: int = MAX_NAME, max_items: int = MAX_LIST) -> tuple[str, ...]:
        value = self.raw(key, False)
        if value is None:
            return ()
        if not isinstance(value, list):
            raise self.error(key, f"must be a list of text, not {_kind(value)}")
        if len(value) > max_items:
            raise self.error(key, f"has {len(value)} entries; the limit is {max_items}")
        result: list[str] = []
        for index, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                raise self.error(f"{key}[{index}]", "must be non-empty text")
            if len(item.strip()) > max_len:
                raise self.error(f"{key}[{index}]", f"is longer than {max_len} characters")
            result.append(item.strip())
        return tuple(result)

    def day(self, key: str) -> date | None:
        value = self.raw(key, False)
        if value is None:
            return None
        if isinstance(value, date) and not hasattr(value, "hour"):
            return _day(value.toordinal())
        if isinstance(value, str):
            try:
                return _day(date.fromisoformat(value.strip()).toordinal())
            except ValueError:
                pass
        raise self.error(key, f"must be a date like 2022-03-23, not {value!r}")

    def items(self, key: str, *, max_items: int) -> list[Any]:
        """The raw entries of a list of tables (``[[key]]``), checked to be a list of at most
        ``max_items``; :meth:`tables` wraps each."""
        value = self.raw(key, False)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.error(key, f"must be a list of tables ([[{self.name(key)}]]), not {_kind(value)}")
        if len(value) > max_items:
            raise self.error(key, f"has {len(value)} entries; the limit is {max_items}")
        return value

    def tables(self, key: str, *, max_items: int) -> list[_Table]:
        value = self.items(key, max_items=max_items)
        return [_Table(item, self.source, f"{self.name(key)}[{i}]") for i, item in enumerate(value)]

    def table(self, key: str, *, required: bool = False) -> _Table | None:
        value = self.raw(key, required)
        return None if value is None else _Table(value, self.source, self.name(key))

    def finish(self) -> None:
        unknown = sorted(set(self.data) - self.used)
        if unknown:
            raise self.error(unknown[0], "is not a known field (check its spelling in the README's format)")


def _kind(value: Any) -> str:
    return {
        bool: "true/false",
        int: "a number",
        float: "a number",
        str: "text",
        list: "a list",
        dict: "a table",
    }.get(type(value), type(value).__name__)


def parse_drama(document: Mapping[str, Any], source: str) -> Drama:
    """Validate one parsed TOML document into a :class:`Drama`."""
    root = _Table(document, source, "")
    info = root.table("drama", required=True)
    assert info is not None
    title = info.required_text("title", max_len=MAX_TITLE)
    year = info.integer("year", required=True, low=1950, high=2100)
    count = info.integer("episode_count", required=True, low=1, high=MAX_EPISODES)
    minutes = info.integer("episode_minutes", required=True, low=1, high=MAX_MINUTES)
    assert year is not None and count is not None and minutes is not None
    slug = info.text("id", max_len=MAX_NAME)
    if slug is not None and slug != slugify(slug):
        raise info.error("id", f"must be lowercase words joined by dashes, like {slugify(slug)!r}")
    sources = _labels(info.texts("sources", max_len=300, max_items=20))
    if not sources:
        raise info.error("sources", "must name at least one source for the drama's facts")

    drama_kwargs: dict[str, Any] = {
        "slug": slug or slugify(f"{title} {year}"),
        "title": title,
        "year": year,
        "episode_count": count,
        "episode_minutes": minutes,
        "sources": sources,
        "native_title": info.text("native_title", max_len=MAX_TITLE),
        "aliases": info.texts("aliases", max_len=MAX_TITLE),
        "network": _shared(info.text("network")),
        "genres": _labels(info.texts("genres")),
        "tropes": _labels(info.texts("tropes")),
        "plot": info.text("plot", max_len=MAX_TEXT) or "",
        "origin": source,
    }
    info.finish()

    drama_kwargs["episodes"] = _parse_episodes(root, count, minutes)
    drama_kwargs["cast"] = _parse_cast(root)
    review = root.raw("review", False)
    if review is not None:
        review = _plain_review(review, count) or _parse_review(_Table(review, root.source, "review"), count)
    drama_kwargs["review"] = review
    root.finish()
    return Drama(**drama_kwargs)


_EPISODE_FIELDS = frozenset(("number", "minutes", "air_date", "title"))
_CAST_FIELDS = frozenset(("actor", "character", "role", "character_aliases", "actor_aliases", "note"))
_REVIEW_FIELDS = frozenset(("source", "headline", "summary", "verdict", "url", "points"))
_POINT_FIELDS = frozenset(("topic", "text", "spoiler_from_episode"))


def _parse_episodes(root: _Table, count: int, default_minutes: int) -> Episodes:
    """The ``[[episodes]]`` tables as compact :class:`Episodes`.

    A catalog of 10,000 dramas lists 160,000 episodes, so an episode that is plainly valid is
    read directly (:func:`_plain_episode`); any other goes through :class:`_Table`, whose error
    names the field, exactly as every episode once did.
    """
    minutes = [default_minutes] * count
    days = [0] * count
    titles: list[str | None] = [None] * count
    listed: set[int] = set()
    for index, data in enumerate(root.items("episodes", max_items=MAX_EPISODES)):
        episode = _plain_episode(data, count, listed)
        if episode is None:
            episode = _checked_episode(_Table(data, root.source, f"episodes[{index}]"), count, listed)
        number, episode_minutes, day, title = episode
        listed.add(number)
        minutes[number - 1] = episode_minutes or default_minutes
        days[number - 1] = day
        titles[number - 1] = title
    dated = [(number, day) for number, day in enumerate(days, start=1) if day]
    for (before, before_day), (after, after_day) in itertools.pairwise(dated):
        if after_day < before_day:
            raise CatalogError(root.source, "episodes", f"episode {after} airs before episode {before}")
    return Episodes.of(minutes, days, titles)


_PlainEpisode = tuple[int, int | None, int, str | None]  # number, minutes, air day's ordinal (0: none), title


def _plain_episode(data: object, count: int, listed: set[int]) -> _PlainEpisode | None:
    """An episode table read without :class:`_Table`, or ``None`` if anything in it is unusual
    (an error, or text to trim) so that :func:`_checked_episode` reads it instead."""
    if type(data) is not dict or not data.keys() <= _EPISODE_FIELDS:
        return None
    number = data.get("number")
    minutes = data.get("minutes")
    air_date = data.get("air_date")
    title = data.get("title")
    if type(number) is not int or not 1 <= number <= count or number in listed:
        return None
    if minutes is not None and (type(minutes) is not int or not 1 <= minutes <= MAX_MINUTES):
        return None
    if air_date is not None and type(air_date) is not date:
        return None
    if title is not None and not _plain_text(title, MAX_NAME):
        return None
    return number, minutes, air_date.toordinal() if air_date else 0, title


def _checked_episode(table: _Table, count: int, listed: set[int]) -> _PlainEpisode:
    number = table.integer("number", required=True, low=1, high=count)
    assert number is not None
    if number in listed:
        raise table.error("number", f"episode {number} is listed twice")
    minutes = table.integer("minutes", low=1, high=MAX_MINUTES)
    air_date = table.day("air_date")
    title = table.text("title")
    table.finish()
    return number, minutes, air_date.toordinal() if air_date else 0, title


def _plain_text(value: object, max_len: int) -> TypeGuard[str]:
    """Text :meth:`_Table.text` would keep exactly as it is."""
    return type(value) is str and 0 < len(value) <= max_len and value == value.strip()


def _parse_cast(root: _Table) -> tuple[CastMember, ...]:
    """The ``[[cast]]`` tables; as with episodes, a plainly valid member is read directly."""
    return tuple(
        _plain_cast_member(data) or _parse_cast_member(_Table(data, root.source, f"cast[{index}]"))
        for index, data in enumerate(root.items("cast", max_items=MAX_CAST))
    )


def _plain_cast_member(data: object) -> CastMember | None:
    """A cast table read without :class:`_Table`, or ``None`` to let :func:`_parse_cast_member` read it."""
    if type(data) is not dict or not data.keys() <= _CAST_FIELDS:
        return None
    actor = data.get("actor")
    character = data.get("character")
    role = data.get("role", "supporting")
    note = data.get("note")
    if not _plain_text(actor, MAX_NAME) or not _plain_text(character, MAX_NAME) or not has_key(actor):
        return None
    if type(role) is not str or role not in _ROLE or (note is not None and not _plain_text(note, MAX_NOTE)):
        return None
    character_aliases = _plain_texts(data.get("character_aliases", ()))
    actor_aliases = _plain_texts(data.get("actor_aliases", ()))
    if character_aliases is None or actor_aliases is None:
        return None
    return CastMember(actor, character, _ROLE[role], character_aliases, actor_aliases, note)


def _plain_texts(value: object) -> tuple[str, ...] | None:
    """A list :meth:`_Table.texts` would keep exactly as it is, as a tuple; else ``None``."""
    if type(value) is tuple and not value:  # absent
        return ()
    if type(value) is not list or len(value) > MAX_LIST or not all(_plain_text(item, MAX_NAME) for item in value):
        return None
    return tuple(value)


def _parse_cast_member(table: _Table) -> CastMember:
    role = table.text("role") or "supporting"
    if role not in ROLES:
        raise table.error("role", f"must be one of {', '.join(ROLES)}, not {role!r}")
    actor = table.required_text("actor")
    if not has_key(actor):  # the actor's key, by which members find them: it needs something to hold
        raise table.error("actor", f"must contain a letter or a digit, not {actor!r} (leave out an unknown actor)")
    member = CastMember(
        actor=actor,
        character=table.required_text("character"),
        role=_ROLE[role],
        character_aliases=table.texts("character_aliases"),
        actor_aliases=table.texts("actor_aliases"),
        note=table.text("note", max_len=MAX_NOTE),
    )
    table.finish()
    return member


def _plain_review(data: object, episode_count: int) -> Review | None:
    """A review table read without :class:`_Table`, or ``None`` if anything in it is unusual, so
    that :func:`_parse_review` reads it (and names the field of any error)."""
    if type(data) is not dict or not data.keys() <= _REVIEW_FIELDS:
        return None
    source, headline, summary = data.get("source"), data.get("headline"), data.get("summary")
    verdict, url, listed = data.get("verdict"), data.get("url"), data.get("points", [])
    if not _plain_text(source, MAX_HEADLINE) or not _plain_text(headline, MAX_HEADLINE):
        return None
    if not _plain_text(summary, MAX_TEXT) or not _plain_text(verdict, MAX_NOTE):
        return None
    if url is not None and not _plain_text(url, MAX_URL):
        return None
    if type(listed) is not list or len(listed) > MAX_POINTS:
        return None
    points = []
    for point in listed:
        if type(point) is not dict or not point.keys() <= _POINT_FIELDS:
            return None
        topic, text, spoils = point.get("topic"), point.get("text"), point.get("spoiler_from_episode")
        if not _plain_text(topic, MAX_NAME) or not _plain_text(text, MAX_POINT):
            return None
        if spoils is not None and (type(spoils) is not int or not 1 <= spoils <= episode_count):
            return None
        points.append(ReviewPoint(topic, text, spoils))
    return Review(sys.intern(source), headline, summary, verdict, url, tuple(points))


def _parse_review(table: _Table, episode_count: int) -> Review:
    points: list[ReviewPoint] = []
    for point in table.tables("points", max_items=MAX_POINTS):
        points.append(
            ReviewPoint(
                topic=point.required_text("topic"),
                text=point.required_text("text", max_len=MAX_POINT),
                spoiler_from_episode=point.integer("spoiler_from_episode", low=1, high=episode_count),
            )
        )
        point.finish()
    review = Review(
        source=sys.intern(table.required_text("source", max_len=MAX_HEADLINE)),
        headline=table.required_text("headline", max_len=MAX_HEADLINE),
        summary=table.required_text("summary", max_len=MAX_TEXT),
        verdict=table.required_text("verdict", max_len=MAX_NOTE),
        url=table.text("url", max_len=MAX_URL),
        points=tuple(points),
    )
    table.finish()
    return review


def parse_drama_text(text: str, source: str) -> Drama:
    """Parse TOML text (a file's or an upload's) into a validated :class:`Drama`."""
    try:
        document = toml_rs.loads(text, toml_version=TOML_VERSION)
    except toml_rs.TOMLDecodeError as error:
        raise CatalogError(source, "", f"is not valid TOML ({_toml_problem(error)})") from None
    return parse_drama(document, source)


def _toml_problem(error: toml_rs.TOMLDecodeError) -> str:
    """The parser's problem on one line, with where it is: its message quotes the file's line
    (which may be long) between a heading and the problem itself."""
    problem = error.msg.rstrip().rpartition("\n")[2].strip()
    return f"{problem} at line {error.lineno}, column {error.colno}"


def parse_drama_bytes(data: bytes, source: str) -> Drama:
    if len(data) > MAX_FILE_BYTES:
        raise CatalogError(source, "", f"is {len(data):,} bytes; a drama file may be at most {MAX_FILE_BYTES:,} bytes")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise CatalogError(source, "", "is not UTF-8 text; save it as a UTF-8 .toml file") from None
    return parse_drama_text(text, source)


def load_drama_file(path: Path | str) -> Drama:
    """Read and validate one drama file; the error names the file."""
    with io.FileIO(path) as file:  # one read of the whole file, no buffered reader on top
        data = file.readall()
    return parse_drama_bytes(data, os.path.basename(path))  # noqa: PTH119 - also for a path given as text


def catalog_files(directory: Path) -> list[Path]:
    """The drama files of a catalog folder, in name order."""
    return [Path(entry.path) for entry in catalog_entries(directory)]


def catalog_entries(directory: Path) -> list[os.DirEntry[str]]:
    """The drama files (``*.toml``) of a catalog folder, in name order, as :func:`os.scandir`
    lists them: for 10,000 files, listing and ``stat`` take half the time through these
    entries that they take through :class:`Path` objects.

    Hidden files (a leading dot) are not drama files: editors keep backups and locks such as
    Emacs's ``.#soundtrack-1.toml`` there, a link to nowhere while the file is being edited.
    """
    if not directory.is_dir():
        raise CatalogError(str(directory), "", "is not a folder of drama files (check CATALOG_DIR)")
    with os.scandir(directory) as listing:
        found = [entry for entry in listing if entry.name.endswith(".toml") and not entry.name.startswith(".")]
    return sorted(found, key=lambda entry: entry.name)


def load_catalog_dir(directory: Path) -> list[Drama]:
    """Load every ``*.toml`` in ``directory``; the first invalid file raises :class:`CatalogError`."""
    dramas = [load_drama_file(path) for path in catalog_files(directory)]
    check_unique(dramas)
    return dramas


def check_unique(dramas: Iterable[Drama]) -> None:
    """Two dramas may share a title only if their years differ; ids must be unique."""
    seen_slugs: dict[str, Drama] = {}
    seen_titles: dict[tuple[str, int], Drama] = {}
    for drama in dramas:
        if drama.slug in seen_slugs:
            raise CatalogError(
                drama.origin, "drama.id", f"{drama.slug!r} is already used by {seen_slugs[drama.slug].origin}"
            )
        key = (slugify(drama.title), drama.year)
        if key in seen_titles:
            raise CatalogError(
                drama.origin,
                "drama.title",
                f"{drama.display_title} is already described by {seen_titles[key].origin}",
            )
        seen_slugs[drama.slug] = drama
        seen_titles[key] = drama


# -- records: validated dramas in compact form, for the start-up cache ----------------------


def drama_record(drama: Drama) -> bytes:
    """A validated drama as a compact record, read back by :func:`drama_from_record`.

    Positional and written by ``marshal``, which is 2.5x quicker than JSON to write and a quarter
    quicker to read, and as small. It is only ever read by the code that wrote it:
    :mod:`bot.catalog_cache` keys records by a fingerprint of this module's source and of
    ``marshal``'s format version.
    """
    review = drama.review
    return marshal.dumps(
        [
            drama.slug,
            drama.title,
            drama.year,
            drama.episode_count,
            drama.episode_minutes,
            drama.sources,
            drama.plot,
            drama.native_title,
            drama.aliases,
            drama.network,
            drama.genres,
            drama.tropes,
            drama.episodes.fields(),
            [[m.actor, m.character, m.role, m.character_aliases, m.actor_aliases, m.note] for m in drama.cast],
            review
            and [
                review.source,
                review.headline,
                review.summary,
                review.verdict,
                review.url,
                [[p.topic, p.text, p.spoiler_from_episode] for p in review.points],
            ],
        ]
    )


def drama_from_record(record: bytes, origin: str) -> Drama:
    """The drama :func:`drama_record` wrote, without validating it again."""
    (
        slug,
        title,
        year,
        count,
        minutes,
        sources,
        plot,
        native,
        aliases,
        network,
        genres,
        tropes,
        episodes,
        cast,
        review,
    ) = marshal.loads(record)
    return Drama(
        slug,
        title,
        year,
        count,
        minutes,
        _labels(sources),
        plot,
        native,
        tuple(aliases),
        _shared(network),
        _labels(genres),
        _labels(tropes),
        Episodes.of(*episodes),
        tuple(CastMember(a, c, _ROLE[r], tuple(ca), tuple(aa), note) for a, c, r, ca, aa, note in cast),
        review
        and Review(
            sys.intern(review[0]),
            *review[1:5],
            points=tuple(ReviewPoint(topic, text, spoils) for topic, text, spoils in review[5]),
        ),
        origin=origin,
    )
