"""Time for the club: instants as stored, starts as hosts type them, IANA time zones.

Every instant the bot stores is aware and in UTC (:func:`iso`, :func:`instant`); a host's start
is a wall-clock time in a named zone (:func:`parse_start`, :func:`zone`, :func:`localize`).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

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


def zone(name: str) -> ZoneInfo:
    """An IANA time zone, or a :class:`UserError` that suggests real ones."""
    if name in timezone_names():
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    close = suggest_timezones(name, limit=3)
    hint = f" Did you mean {', '.join(f'`{z}`' for z in close)}?" if close else ""
    raise UserError(
        f"“{name[:60]}” is not a time zone I know. Use an IANA name such as `Asia/Seoul` or "
        f"`America/New_York` (the option autocompletes).{hint}"
    )


@cache
def timezone_names() -> tuple[str, ...]:
    return tuple(sorted(available_timezones()))


def suggest_timezones(query: str, *, limit: int = 25) -> list[str]:
    """Zones whose name contains what was typed (``seoul``, ``new york``), shortest first."""
    wanted = fold(query)
    if not wanted:
        popular = ("Asia/Seoul", "Asia/Tokyo", "Europe/London", "Europe/Berlin", "America/New_York", "UTC")
        return list(popular[:limit])
    found = [name for name in timezone_names() if wanted in fold(name)]
    return sorted(found, key=lambda n: (not fold(n.rsplit("/", 1)[-1]).startswith(wanted), len(n), n))[:limit]


def localize(wall: datetime, tz: ZoneInfo) -> datetime:
    """A wall-clock time in ``tz`` as an aware UTC instant (the earlier one if it occurs twice)."""
    return wall.replace(tzinfo=tz).astimezone(UTC)
