"""Time for the club: instants as stored, starts as hosts type them, IANA time zones.

Every instant the bot stores is aware and in UTC (:func:`iso`, :func:`instant`); a host's start
is a wall-clock time in a named zone (:func:`parse_start`, :func:`zone`, :func:`localize`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from bot.errors import UserError
from bot.folding import fold

_START = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})[ T]+(\d{1,2}):(\d{2})\s*$")


def iso(moment: datetime) -> str:
    """The stored form of an instant: ISO 8601 in UTC, to the second; sorts as text."""
    if moment.tzinfo is None:
        raise ValueError("naive datetimes are not stored")
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def instant(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def parse_start(text: str) -> datetime:
    """``"2026-12-05 20:00"`` -> a naive wall-clock datetime, or a :class:`UserError`."""
    match = _START.match(text)
    if match is None and not fold(text):  # nothing visible to quote back
        raise UserError("Type the start as `YYYY-MM-DD HH:MM`, e.g. `2026-12-05 20:00`.")
    if match is None:
        raise UserError(
            f"I couldn't read the start “{text[:40]}”. Write it as `YYYY-MM-DD HH:MM`, e.g. `2026-12-05 20:00`."
        )
    year, month, day, hour, minute = (int(part) for part in match.groups())
    try:
        return datetime(year, month, day, hour, minute)
    except ValueError:
        raise UserError(
            f"“{text[:40]}” is not a real date and time. Write it as `YYYY-MM-DD HH:MM`, e.g. `2026-12-05 20:00`."
        ) from None


# Abbreviations people type where one zone is meant; the ambiguous ones are asked about.
ABBREVIATIONS = {
    "KST": "Asia/Seoul",
    "JST": "Asia/Tokyo",
    "HKT": "Asia/Hong_Kong",
    "SGT": "Asia/Singapore",
    "PHT": "Asia/Manila",
    "WIB": "Asia/Jakarta",
    "ICT": "Asia/Bangkok",
    "AEST": "Australia/Sydney",
    "AEDT": "Australia/Sydney",
    "NZST": "Pacific/Auckland",
    "PST": "America/Los_Angeles",
    "PDT": "America/Los_Angeles",
    "MST": "America/Denver",
    "MDT": "America/Denver",
    "EST": "America/New_York",
    "EDT": "America/New_York",
    "CET": "Europe/Paris",
    "CEST": "Europe/Paris",
    "MSK": "Europe/Moscow",
    "GMT": "UTC",
    "UTC": "UTC",
}
AMBIGUOUS = {
    "IST": ("Asia/Kolkata", "Asia/Jerusalem", "Europe/Dublin"),
    "CST": ("America/Chicago", "Asia/Shanghai", "America/Havana"),
    "BST": ("Europe/London", "Asia/Dhaka"),
    "AST": ("America/Halifax", "Asia/Riyadh"),
}


def zone(name: str) -> ZoneInfo:
    """A time zone as people type it: an IANA name in any letter case (``asia/seoul``), a city
    (``Seoul``, ``New York``) or an abbreviation that means one zone (``KST``); a
    :class:`UserError` that asks about an ambiguous one (``IST``) or suggests real ones."""
    text = " ".join(name.split())
    found = ABBREVIATIONS.get(text.upper()) or _zone_names().get(text.casefold().replace(" ", "_"))
    if found is not None:
        return ZoneInfo(found)
    if text.upper() in AMBIGUOUS:
        choices = ", ".join(f"`{z}`" for z in AMBIGUOUS[text.upper()])
        raise UserError(f"“{text}” means different zones in different places: which one? {choices}, or another.")
    if not fold(text):  # nothing visible to quote back, or symbols alone
        raise UserError(
            "Type a time zone: an IANA name such as `Asia/Seoul` or `America/New_York`, a city such as "
            "`Seoul`, or `KST` (the option autocompletes)."
        )
    close = suggest_timezones(name, limit=3)
    hint = f" Did you mean {', '.join(f'`{z}`' for z in close)}?" if close else ""
    raise UserError(
        f"“{name[:60]}” is not a time zone I know. Use an IANA name such as `Asia/Seoul` or "
        f"`America/New_York` (the option autocompletes).{hint}"
    )


@cache
def timezone_names() -> tuple[str, ...]:
    return tuple(sorted(available_timezones()))


@cache
def _zone_names() -> dict[str, str]:
    """Every IANA name and every city, folded: ``asia/seoul`` and ``new_york`` to the zone. A city
    several zones share (rare) goes to the shortest name, the canonical one."""
    names: dict[str, str] = {}
    for zone_name in sorted(timezone_names(), key=lambda n: (len(n), n)):
        names.setdefault(zone_name.casefold(), zone_name)
        names.setdefault(zone_name.rsplit("/", 1)[-1].casefold(), zone_name)
    return names


def suggest_timezones(query: str, *, limit: int = 25) -> list[str]:
    """Zones whose name contains what was typed (``seoul``, ``new york``), shortest first; an
    abbreviation offers its zone, an ambiguous one each zone it may mean."""
    wanted = fold(query)
    if not wanted:
        popular = ("Asia/Seoul", "Asia/Tokyo", "Europe/London", "Europe/Berlin", "America/New_York", "UTC")
        return list(popular[:limit])
    typed = query.strip().upper()
    known = [ABBREVIATIONS[typed]] if typed in ABBREVIATIONS else list(AMBIGUOUS.get(typed, ()))
    found = [name for name in timezone_names() if wanted in fold(name) and name not in known]
    ranked = sorted(found, key=lambda n: (not fold(n.rsplit("/", 1)[-1]).startswith(wanted), len(n), n))
    return [*known, *ranked][:limit]


def localize(wall: datetime, tz: ZoneInfo) -> datetime:
    """A wall-clock time in ``tz`` as an aware UTC instant (the earlier one if it occurs twice)."""
    return wall.replace(tzinfo=tz).astimezone(UTC)


MAX_YEARS_AHEAD = 5


def check_start(wall: datetime, tz: ZoneInfo, now: datetime) -> datetime:
    """A host's start (wall-clock time in ``tz``) as an instant, or a :class:`UserError` that says
    what to pick instead: for a start in the past, too far ahead, or that the clocks skip or repeat."""
    shown = f"{wall.year:04d}{wall:-%m-%d %H:%M}"
    today = now.astimezone(tz).replace(tzinfo=None)
    if wall <= today:
        raise UserError(f"{shown} in {tz.key} has already passed. Pick a start in the future.")
    if wall > today + timedelta(days=365 * MAX_YEARS_AHEAD):
        raise UserError(f"{shown} is too far ahead: pick a start within the next {MAX_YEARS_AHEAD} years.")
    if not _exists(wall, tz):
        before, after = _nearest(wall, tz, -1, _exists), _nearest(wall, tz, 1, _exists)
        raise UserError(
            f"{shown} does not exist in {tz.key}: the clocks skip it that night (daylight saving time). "
            f"The nearest times are {before:%H:%M} and {after:%H:%M}."
        )
    if _repeats(wall, tz):
        before, after = _nearest(wall, tz, -1, _once), _nearest(wall, tz, 1, _once)
        raise UserError(
            f"{shown} happens twice in {tz.key}: the clocks go back that night (daylight saving time). "
            f"Pick a time before {before + timedelta(minutes=1):%H:%M} or from {after:%H:%M} on."
        )
    return localize(wall, tz)


def _exists(wall: datetime, tz: ZoneInfo) -> bool:
    return wall.replace(tzinfo=tz).astimezone(UTC).astimezone(tz).replace(tzinfo=None) == wall


def _repeats(wall: datetime, tz: ZoneInfo) -> bool:
    return wall.replace(tzinfo=tz, fold=0).utcoffset() != wall.replace(tzinfo=tz, fold=1).utcoffset()


def _once(wall: datetime, tz: ZoneInfo) -> bool:
    return _exists(wall, tz) and not _repeats(wall, tz)


def _nearest(wall: datetime, tz: ZoneInfo, step: int, fits: Callable[[datetime, ZoneInfo], bool]) -> datetime:
    """The nearest minute before (``step`` -1) or after (1) ``wall`` that ``fits``; a clock change moves
    the clocks by hours at most, so a day's search always finds one."""
    moment = wall.replace(second=0, microsecond=0)
    for _ in range(24 * 60):
        moment += timedelta(minutes=step)
        if fits(moment, tz):
            return moment
    return moment
