"""The drama catalog: TOML files in ``data/dramas/``, read with rtoml and checked by one schema.

A file describes one drama: a ``[drama]`` table, ``[[episodes]]``, ``[[cast]]`` and a ``[review]``.
:class:`DramaFile` is the file's schema (pydantic) and its only validator; :meth:`DramaFile.to_drama`
turns a valid file into the domain's :class:`~bot.drama.Drama`, which the rest of the bot uses. Validation is strict: an
unknown key is an error (it is usually a typo), and every error names the file, the field and the
problem. The README documents the format; ``data/dramas/soundtrack-1.toml`` is the reference file.
"""

from __future__ import annotations

import itertools
import re
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, time
from pathlib import Path
from typing import Annotated, Any, Literal

import rtoml
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)
from pydantic_core import ErrorDetails, PydanticCustomError

from bot.drama import TMDB_PREFIX, CastMember, Drama, Episode, Review, ReviewPoint
from bot.errors import UserError
from bot.folding import fold, fold_title, symbol_names

ROLES = ("lead", "supporting", "cameo")
MAX_FILE_BYTES = 1_000_000
MAX_PROBLEMS = 10  # problems one refusal lists
MAX_NAME = 100
MAX_TITLE = 90  # leaves room for " (2022)" inside Discord's 100-character autocomplete names
MAX_TEXT = 4000
MAX_CAST = 500
MAX_EPISODES = 500
MAX_MINUTES = 600  # an episode's runtime
MAX_LIST = 50  # entries of a list of names (aliases, genres, tropes)
MAX_SOURCES = 20
MAX_SOURCE = 300
MAX_POINTS = 50  # a review's points
MAX_NOTE = 300  # a cast member's note, a review's verdict
MAX_HEADLINE = 200  # a review's headline and the name of its source
MAX_URL = 500
MAX_POINT = 1000  # a review point's text
TABLE_LISTS = ("episodes", "cast", "points")  # the fields written as [[name]] tables


class CatalogError(UserError):
    """A drama file is invalid, or clashes with another drama: names the file, the field and the problem."""

    def __init__(self, source: str, field: str, problem: str, more: Sequence[tuple[str, str]] = ()) -> None:
        where = f"{source}: {field}" if field else source
        message = f"{where}: {problem}"
        if more:  # every problem the file has, up to MAX_PROBLEMS: one upload finds them all
            listed = [f"{field}: {problem}", *(f"{f}: {p}" for f, p in more)]
            message = f"{source} has {len(listed)} problems:\n" + "\n".join(f"- {line}" for line in listed)
        super().__init__(message)
        self.source = source
        self.field = field
        self.problem = problem
        self.more = list(more)


# -- the schema's building blocks ------------------------------------------------------------


def _chars(limit: int) -> StringConstraints:
    """Text of 1 to ``limit`` characters, surrounding spaces trimmed."""
    return StringConstraints(strict=True, strip_whitespace=True, min_length=1, max_length=limit)


def _absent_if_blank(value: object) -> object:
    """An optional text field left blank (``url = ""``) is the same as one left out."""
    return None if isinstance(value, str) and not value.strip() else value


def _between(low: int, high: int) -> AfterValidator:
    def check(value: int | None) -> int | None:
        if value is not None and not low <= value <= high:
            raise PydanticCustomError("range", f"must be between {low} and {high}, not {value}")
        return value

    return AfterValidator(check)


def _calendar_day(value: object) -> object:
    """A TOML date (``2022-03-23``) or the same date written as text."""
    if value is None or (isinstance(value, date) and not isinstance(value, datetime)):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise PydanticCustomError("date", f"must be a date like 2022-03-23, not {_kind(value)}")


def _role(value: object) -> object:
    if not isinstance(value, str):
        raise PydanticCustomError("text", f"must be text, not {_kind(value)}")
    role = value.strip() or "supporting"
    if role not in ROLES:
        raise PydanticCustomError("role", f"must be one of {', '.join(ROLES)}, not {role!r}")
    return role


def _findable(name: str) -> str:
    """Members find an actor by the letters and digits of their name: it needs some."""
    if not fold(name):
        problem = f"must contain a letter or a digit, not {name!r} (leave out an unknown actor)"
        raise PydanticCustomError("name", problem)
    return name


def _visible(title: str) -> str:
    """Members find a drama by the letters, digits or symbols (emoji) of its title: it needs some."""
    if not fold_title(title):
        raise PydanticCustomError("visible", "must contain a letter, a digit or a symbol such as an emoji")
    return title


def _id(slug: str | None) -> str | None:
    if slug is not None and slug != slugify(slug):
        raise PydanticCustomError("id", f"must be lowercase words joined by dashes, like {slugify(slug)!r}")
    if slug is not None and slug.startswith(TMDB_PREFIX):
        raise PydanticCustomError("id", f"must not start with {TMDB_PREFIX!r}, which names TMDB's dramas (set tmdb_id)")
    return slug


def _some_source(sources: tuple[str, ...]) -> tuple[str, ...]:
    if not sources:
        raise PydanticCustomError("sources", "must name at least one source for the drama's facts")
    return sources


class _Table(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


Blank = BeforeValidator(_absent_if_blank)
Strict = Field(strict=True)
Name = Annotated[str, _chars(MAX_NAME)]
Title = Annotated[str, _chars(MAX_TITLE)]
Text = Annotated[str, _chars(MAX_TEXT)]
Note = Annotated[str, _chars(MAX_NOTE)]
Headline = Annotated[str, _chars(MAX_HEADLINE)]
Names = Annotated[tuple[Name, ...], Field(max_length=MAX_LIST)]


# -- the schema: what a drama file may hold -----------------------------------------------------


class DramaInfo(_Table):
    """The ``[drama]`` table."""

    id: Annotated[Name | None, Blank, AfterValidator(_id)] = None
    title: Annotated[Title, AfterValidator(_visible)]
    native_title: Annotated[Title | None, Blank] = None
    aliases: Annotated[tuple[Title, ...], Field(max_length=MAX_LIST)] = ()
    year: Annotated[int, Strict, _between(1950, 2100)]
    episode_count: Annotated[int, Strict, _between(1, MAX_EPISODES)]
    episode_minutes: Annotated[int, Strict, _between(1, MAX_MINUTES)]
    network: Annotated[Name | None, Blank] = None
    genres: Names = ()
    tropes: Names = ()
    plot: Annotated[Text | None, Blank] = None
    sources: Annotated[
        tuple[Annotated[str, _chars(MAX_SOURCE)], ...], Field(max_length=MAX_SOURCES), AfterValidator(_some_source)
    ] = Field((), validate_default=True)
    tmdb_id: Annotated[int | None, Strict, _between(1, 2**31 - 1)] = (
        None  # the same drama on TMDB: search shows it once
    )


class EpisodeEntry(_Table):
    """One ``[[episodes]]`` table: what the file says about one episode."""

    number: Annotated[int, Field(strict=True)]
    minutes: Annotated[int | None, Strict, _between(1, MAX_MINUTES)] = None
    air_date: Annotated[date | None, BeforeValidator(_calendar_day)] = None
    title: Annotated[Name | None, Blank] = None


class CastEntry(_Table):
    """One ``[[cast]]`` table."""

    actor: Annotated[Name, AfterValidator(_findable)]
    character: Name
    role: Annotated[Literal["lead", "supporting", "cameo"], BeforeValidator(_role)] = "supporting"
    character_aliases: Names = ()  # spellings reviews use
    actor_aliases: Names = ()  # other romanizations of the actor's name
    note: Annotated[Note | None, Blank] = None

    def to_member(self) -> CastMember:
        return CastMember(self.actor, self.character, self.role, self.character_aliases, self.actor_aliases, self.note)


class PointEntry(_Table):
    """One ``[[review.points]]`` table."""

    topic: Name
    text: Annotated[str, _chars(MAX_POINT)]
    spoiler_from_episode: Annotated[int | None, Field(strict=True)] = None


class ReviewEntry(_Table):
    """The ``[review]`` table: a summary of one review, in the club's own words."""

    source: Headline
    headline: Headline
    summary: Text
    verdict: Note
    url: Annotated[Annotated[str, _chars(MAX_URL)] | None, Blank] = None
    points: Annotated[tuple[PointEntry, ...], Field(max_length=MAX_POINTS)] = ()

    def to_review(self) -> Review:
        points = tuple(ReviewPoint(p.topic, p.text, p.spoiler_from_episode) for p in self.points)
        return Review(self.source, self.headline, self.summary, self.verdict, self.url, points)


class DramaFile(_Table):
    """A whole drama file."""

    drama: DramaInfo
    episodes: Annotated[tuple[EpisodeEntry, ...], Field(max_length=MAX_EPISODES)] = ()
    cast: Annotated[tuple[CastEntry, ...], Field(max_length=MAX_CAST)] = ()
    review: ReviewEntry | None = None

    @model_validator(mode="after")
    def _fits_the_episode_count(self) -> DramaFile:
        """Episode numbers, the order of air dates and spoilers all refer to ``episode_count``."""
        count = self.drama.episode_count
        listed: set[int] = set()
        for index, episode in enumerate(self.episodes):
            if not 1 <= episode.number <= count:
                _refuse(f"episodes[{index}].number", f"must be between 1 and {count}, not {episode.number}")
            if episode.number in listed:
                _refuse(f"episodes[{index}].number", f"episode {episode.number} is listed twice")
            listed.add(episode.number)
        dated = sorted((e.number, e.air_date) for e in self.episodes if e.air_date is not None)
        for (before, before_day), (after, after_day) in itertools.pairwise(dated):
            if after_day < before_day:
                _refuse("episodes", f"episode {after} airs before episode {before}")
        for index, point in enumerate(self.review.points if self.review else ()):
            spoils = point.spoiler_from_episode
            if spoils is not None and not 1 <= spoils <= count:
                _refuse(f"review.points[{index}].spoiler_from_episode", f"must be between 1 and {count}, not {spoils}")
        return self

    def to_drama(self, origin: str) -> Drama:
        """The drama this file describes; ``origin`` names it in messages."""
        info = self.drama
        listed = {entry.number: entry for entry in self.episodes}
        episodes = []
        for number in range(1, info.episode_count + 1):
            entry = listed.get(number)
            if entry is None:
                episodes.append(Episode(number, info.episode_minutes))
            else:
                episodes.append(Episode(number, entry.minutes or info.episode_minutes, entry.air_date, entry.title))
        return Drama(
            slug=info.id or default_id(info.title, info.year),
            title=info.title,
            year=info.year,
            episode_count=info.episode_count,
            episode_minutes=info.episode_minutes,
            sources=info.sources,
            plot=info.plot or "",
            native_title=info.native_title,
            aliases=info.aliases,
            network=info.network,
            genres=info.genres,
            tropes=info.tropes,
            episodes=tuple(episodes),
            cast=tuple(entry.to_member() for entry in self.cast),
            review=self.review.to_review() if self.review is not None else None,
            origin=origin,
            tmdb_id=info.tmdb_id,
        )


def _refuse(field: str, problem: str) -> None:
    """A problem found by the whole file's check, which knows the field it is about."""
    raise PydanticCustomError("file", problem, {"field": field})


def default_id(title: str, year: int) -> str:
    """``soundtrack-1-2022``; a title of symbols alone by their names: ``sparkling-heart-2021``."""
    words = title if fold(title) else symbol_names(title)
    slug = slugify(f"{words} {year}")[-MAX_NAME:].strip("-")
    return "drama-" + slug if slug.startswith(TMDB_PREFIX) else slug


def slugify(text: str) -> str:
    """``"Soundtrack #1"`` -> ``"soundtrack-1"``; letters of any script are kept."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return re.sub(r"[^\w]+", "-", text).strip("-_") or "drama"


# -- reading files -------------------------------------------------------------------------------


def parse_drama(document: Mapping[str, Any], source: str) -> Drama:
    """Validate one parsed TOML document into a :class:`Drama`."""
    try:
        file = DramaFile.model_validate(document)
    except ValidationError as error:
        first, *others = error.errors(include_url=False)[:MAX_PROBLEMS]
        more = [(_field(e), _problem(e)) for e in others]
        raise CatalogError(source, _field(first), _problem(first), more) from None
    return file.to_drama(source)


def _field(error: ErrorDetails) -> str:
    """``("cast", 0, "actor")`` -> ``"cast[0].actor"``."""
    given = error.get("ctx", {}).get("field")
    if given is not None:
        return str(given)
    path = ""
    for part in error["loc"]:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def _problem(error: ErrorDetails) -> str:
    """The problem in the catalog's words; pydantic's own for anything not listed here."""
    kind, value, ctx = error["type"], error.get("input"), error.get("ctx", {})
    in_list = bool(error["loc"]) and isinstance(error["loc"][-1], int)
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        return "is not a known field (check its spelling in the README's format)"
    if kind == "int_type":
        return f"must be a whole number, not {_kind(value)}"
    if kind == "string_type":
        return f"must be text, not {_kind(value)}"
    if kind == "string_too_short":
        return "must be non-empty text" if in_list else "must not be empty"
    if kind == "string_too_long":
        return f"is {len(str(value).strip())} characters long; the limit is {ctx['max_length']}"
    if kind == "too_long":
        return f"has {len(value)} entries; the limit is {ctx['max_length']}"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return f"must be a table, not {_kind(value)}"
    if kind in ("tuple_type", "list_type"):
        name = str(error["loc"][-1]) if error["loc"] else ""
        if name in TABLE_LISTS:
            return f"must be a list of tables ([[{_field(error)}]]), not {_kind(value)}"
        return f"must be a list of text, not {_kind(value)}"
    return error["msg"][0].lower() + error["msg"][1:]


def _kind(value: object) -> str:
    """What a member wrote, in words: ``"text"``, ``"2.5"``, ``"a date and time (…)"``."""
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, float):
        return f"the decimal number {value:g}"
    if isinstance(value, int):
        return f"the number {value}"
    if isinstance(value, str):
        return f"{value.strip()!r}" if len(value) <= 40 else "text"
    if isinstance(value, datetime):
        return f"a date and time ({value.isoformat(sep=' ')})"
    if isinstance(value, date):
        return f"a date ({value.isoformat()})"
    if isinstance(value, time):
        return f"a time of day ({value.isoformat()})"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return type(value).__name__


def parse_drama_text(text: str, source: str) -> Drama:
    """Parse TOML text (a file's or an upload's) into a validated :class:`Drama`.

    rtoml reads it (a catalog of a thousand dramas in a tenth of the time); a file it refuses is
    read again by :mod:`tomllib`, whose message says what is wrong and where."""
    try:
        return parse_drama(rtoml.loads(text), source)
    except rtoml.TomlParsingError:
        pass
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        problem = str(error).replace(" (at ", " at ").removesuffix(")") if str(error).endswith(")") else str(error)
        raise CatalogError(source, "", f"is not valid TOML ({problem})") from None
    except RecursionError:
        raise CatalogError(source, "", "is not a drama file: its arrays or tables are nested too deeply") from None
    return parse_drama(document, source)


def parse_drama_bytes(data: bytes, source: str) -> Drama:
    if len(data) > MAX_FILE_BYTES:
        raise CatalogError(source, "", f"is {len(data):,} bytes; a drama file may be at most {MAX_FILE_BYTES:,} bytes")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise CatalogError(source, "", "is not UTF-8 text; save it as a UTF-8 .toml file") from None
    return parse_drama_text(text, source)


def load_drama_file(path: Path) -> Drama:
    """Read and validate one drama file; the error names the file."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise CatalogError(path.name, "", f"cannot be read ({error.strerror})") from None
    return parse_drama_bytes(data, path.name)


def catalog_files(directory: Path) -> list[Path]:
    """The drama files (``*.toml``) of a catalog folder, in name order.

    Hidden files (a leading dot) are not drama files: editors keep backups and locks such as
    Emacs's ``.#soundtrack-1.toml`` there, a link to nowhere while the file is being edited.
    """
    if not directory.is_dir():
        raise CatalogError(str(directory), "", "is not a folder of drama files (check CATALOG_DIR)")
    return sorted(path for path in directory.glob("*.toml") if not path.name.startswith("."))


def load_catalog_dir(directory: Path) -> list[Drama]:
    """Load every drama file in ``directory``; the first invalid file raises :class:`CatalogError`."""
    dramas = [load_drama_file(path) for path in catalog_files(directory)]
    check_unique(dramas)
    return dramas


def check_unique(dramas: Iterable[Drama]) -> None:
    """Two dramas may share a title only if their years differ; ids and TMDB ids must be unique."""
    seen_slugs: dict[str, Drama] = {}
    seen_titles: dict[tuple[str, int], Drama] = {}
    seen_tmdb: dict[int, Drama] = {}
    for drama in dramas:
        if drama.tmdb_id is not None and drama.tmdb_id in seen_tmdb:
            raise CatalogError(
                drama.origin, "drama.tmdb_id", f"{drama.tmdb_id} is already used by {seen_tmdb[drama.tmdb_id].origin}"
            )
        if drama.tmdb_id is not None:
            seen_tmdb[drama.tmdb_id] = drama
        if drama.slug in seen_slugs:
            raise CatalogError(
                drama.origin, "drama.id", f"{drama.slug!r} is already used by {seen_slugs[drama.slug].origin}"
            )
        key = (fold_title(drama.title), drama.year)
        if key in seen_titles:
            raise CatalogError(
                drama.origin,
                "drama.title",
                f"{drama.display_title} is already described by {seen_titles[key].origin}",
            )
        seen_slugs[drama.slug] = drama
        seen_titles[key] = drama
