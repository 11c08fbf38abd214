"""Planning a watch-party series along a drama's original air dates. Pure: no I/O, no clock.

The first party starts at the host's local wall time. Each next party keeps the gap, in days,
between the original air dates of the episodes it shows, at the same local wall time, so a
weekly drama stays at 20:00 in the host's zone across daylight-saving changes. Episodes that
first aired on the same day are watched back to back. Without air dates, parties are weekly.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.drama import Drama
from bot.errors import UserError
from bot.times import localize

BUFFER = timedelta(minutes=15)  # added to a party's runtime: intros, snacks, a little chat
DEFAULT_GAP_DAYS = 7
MAX_REMIND_MINUTES = 1440


@dataclass(frozen=True, slots=True)
class PlannedParty:
    number: int
    first_episode: int
    last_episode: int
    starts_at: datetime  # aware, UTC
    ends_at: datetime  # aware, UTC

    @property
    def episodes_label(self) -> str:
        return episodes_label(self.first_episode, self.last_episode)


def episodes_label(first: int, last: int) -> str:
    """``Episode 2`` or ``Episodes 3–4``: what a party watches."""
    return f"Episode {first}" if first == last else f"Episodes {first}–{last}"


def dated(drama: Drama) -> int:
    """How many episodes, from the first, have an air date."""
    return next((e.number - 1 for e in drama.episodes if e.air_date is None), drama.episode_count)


def plannable(drama: Drama, episodes_per_party: int = 1) -> int:
    """How many episodes a plan covers: all of a curated drama's (weekly where undated); of a TMDB
    drama, those up to its first episode without an air date (TMDB dates later ones as they near),
    in whole parties while more are to come, so the plan grows by whole parties."""
    if not drama.from_tmdb:
        return drama.episode_count
    count = dated(drama)
    if count < drama.episode_count:
        count -= count % episodes_per_party
    return count


def plan_series(drama: Drama, start: datetime, tz: ZoneInfo, *, episodes_per_party: int) -> list[PlannedParty]:
    """Lay out the parties for the :func:`plannable` episodes of ``drama``, the first at wall time
    ``start`` in ``tz``."""
    count = plannable(drama, episodes_per_party)
    if count == 0 and dated(drama) == 0:
        raise UserError(
            f"TMDB has no air dates for **{drama.display_title}** yet, so there is nothing to plan. "
            "Try again once its episodes are dated."
        )
    if count == 0:
        raise UserError(
            f"Only {dated(drama)} episodes of **{drama.display_title}** have air dates yet, fewer than "
            f"`episodes_per_party:{episodes_per_party}`. Plan fewer episodes a party, or wait for more dates."
        )
    if not 1 <= episodes_per_party <= count:
        so_far = " with air dates" if count < drama.episode_count else ""
        raise UserError(
            f"`episodes_per_party` must be between 1 and {count} "
            f"for {drama.display_title}, which has {count} episodes{so_far}."
        )
    groups = [
        list(range(first, min(first + episodes_per_party, count + 1)))
        for first in range(1, count + 1, episodes_per_party)
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


MAX_SERVER_EVENTS = 100  # scheduled or active events a Discord server may hold


def check_event_room(needed: int, taken: int, episode_count: int, episodes_per_party: int | None) -> None:
    """Refuse a plan that needs more Discord events than the server has room for (``taken`` of
    :data:`MAX_SERVER_EVENTS`), naming the ``episodes_per_party`` that would fit, for a new plan."""
    room = MAX_SERVER_EVENTS - taken
    if needed <= room:
        return
    message = (
        f"This plan needs {needed} Discord events, but a server holds at most {MAX_SERVER_EVENTS} scheduled events "
        f"and this one has room for {max(room, 0)}."
    )
    parties = {k: -(-episode_count // k) for k in range((episodes_per_party or episode_count) + 1, episode_count + 1)}
    fitting = next((k for k, count in parties.items() if 0 < count <= room), None)
    if fitting is not None:
        message += f" With `episodes_per_party:{fitting}` it needs {parties[fitting]}."
    else:
        message += " Cancel or finish some events first."
    raise UserError(message)
