"""Planning a watch-party series along a drama's original air dates. Pure: no I/O, no clock.

The first party starts at the host's local wall time. Each next party keeps the gap, in days,
between the original air dates of the episodes it shows, at the same local wall time, so a
weekly drama stays at 20:00 in the host's zone across daylight-saving changes. Episodes that
first aired on the same day are watched back to back. Without air dates, parties are weekly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from bot.catalog import Drama
from bot.errors import UserError
from bot.folding import fold

BUFFER = timedelta(minutes=15)  # added to a party's runtime: intros, snacks, a little chat
DEFAULT_GAP_DAYS = 7
MAX_REMIND_MINUTES = 1440
_START = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})[ T]+(\d{1,2}):(\d{2})\s*$")


@dataclass(frozen=True, slots=True)
class PlannedParty:
    number: int
    first_episode: int
    last_episode: int
    starts_at: datetime  # aware, UTC
    ends_at: datetime  # aware, UTC

    @property
    def episodes_label(self) -> str:
        if self.first_episode == self.last_episode:
            return f"Episode {self.first_episode}"
        return f"Episodes {self.first_episode}–{self.last_episode}"


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


def plan_series(drama: Drama, start: datetime, tz: ZoneInfo, *, episodes_per_party: int) -> list[PlannedParty]:
    """Lay out the parties for every episode of ``drama``, the first at wall time ``start`` in ``tz``."""
    if not 1 <= episodes_per_party <= drama.episode_count:
        raise UserError(
            f"`episodes_per_party` must be between 1 and {drama.episode_count} "
            f"for {drama.display_title}, which has {drama.episode_count} episodes."
        )
    groups = [
        list(range(first, min(first + episodes_per_party, drama.episode_count + 1)))
        for first in range(1, drama.episode_count + 1, episodes_per_party)
    ]
    parties: list[PlannedParty] = []
    wall = start
    for number, group in enumerate(groups, start=1):
        if parties:
            gap = _gap_days(drama, groups[number - 2][0], group[0])
            if gap == 0:
                starts_at = parties[-1].ends_at  # back to back; the day's wall time stays the anchor
            else:
                wall = wall + timedelta(days=gap)
                starts_at = localize(wall, tz)
        else:
            starts_at = localize(wall, tz)
        runtime = timedelta(minutes=sum(drama.episode(n).minutes for n in group))
        parties.append(PlannedParty(number, group[0], group[-1], starts_at, starts_at + runtime + BUFFER))
    return parties


def _gap_days(drama: Drama, previous_episode: int, episode: int) -> int:
    before: date | None = drama.episode(previous_episode).air_date
    after: date | None = drama.episode(episode).air_date
    if before is None or after is None:
        return DEFAULT_GAP_DAYS
    return max(0, (after - before).days)


def check_remind(minutes: int) -> int:
    if not 0 <= minutes <= MAX_REMIND_MINUTES:
        raise UserError(f"`remind` is minutes before each party, from 0 to {MAX_REMIND_MINUTES} (a day).")
    return minutes
