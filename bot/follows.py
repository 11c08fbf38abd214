"""Following a drama while it airs: each episode announced at its air time, in a server's channel.

TMDB gives an episode's air date, not its time, so a follow says at what local time (``21:00`` in
``Asia/Seoul`` by default) its episodes air. :func:`air_times` turns a drama's dated episodes into
instants; :class:`FollowStore` keeps each follow and one announcement per episode, claimed before
it is posted (at most once, across restarts). When TMDB dates more episodes or moves one,
:meth:`FollowStore.sync` adds or moves the pending announcements.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.drama import Drama
from bot.errors import UserError
from bot.storage import Row, Storage, Transaction
from bot.times import instant, iso, localize

DEFAULT_AIR_TIME = "21:00"
DEFAULT_AIR_ZONE = "Asia/Seoul"  # most dramas air in the Korean evening
LATE_LIMIT = timedelta(hours=6)  # an announcement missed while the bot was down is posted this late at most
_HH_MM = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*$")


def parse_air_time(text: str) -> time:
    """``"21:00"`` -> 21:00, or a :class:`UserError` that shows the format."""
    match = _HH_MM.match(text)
    if match is None or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise UserError(f"I couldn't read the time “{text[:20]}”. Write it as `HH:MM` in 24 hours, e.g. `21:00`.")
    return time(int(match.group(1)), int(match.group(2)))


def air_times(drama: Drama, at: time, tz: ZoneInfo) -> dict[int, datetime]:
    """Each dated episode's air instant (UTC): its air date at ``at`` in ``tz``."""
    return {e.number: localize(datetime.combine(e.air_date, at), tz) for e in drama.episodes if e.air_date is not None}


def still_airs(drama: Drama, now: datetime, at: time, tz: ZoneInfo) -> bool:
    """Whether an episode of ``drama`` is still to air (or TMDB says more are coming)."""
    return drama.airing or any(when > now for when in air_times(drama, at, tz).values())


@dataclass(frozen=True, slots=True)
class Follow:
    id: int
    guild_id: int
    drama_slug: str
    channel_id: int
    air_time: str
    timezone: str
    role_id: int | None
    created_by: int
    problem: str | None

    @property
    def at(self) -> time:
        return parse_air_time(self.air_time)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


@dataclass(frozen=True, slots=True)
class Synced:
    """What a follow's sync with new data changed."""

    pending: int  # announcements still to post
    moved: list[tuple[int, datetime, datetime]]  # (episode, was, now)
    dropped: list[int]  # episodes no longer dated: their announcements are gone


@dataclass(frozen=True, slots=True)
class Announcement:
    follow: Follow
    episode: int
    airs_at: datetime
    last: bool


_FOLLOW_COLUMNS = (
    "f.id, f.guild_id, f.drama_slug, f.channel_id, f.air_time, f.timezone, f.role_id, f.created_by, f.problem"
)


def _follow(row: Row) -> Follow:
    return Follow(*row[:9])


def _announcement(row: Row) -> Announcement:
    return Announcement(_follow(row), int(row[9]), instant(str(row[10])), bool(row[11]))


class FollowStore:
    def __init__(self, storage: Storage) -> None:
        self._storage = storage

    async def add(self, follow: Follow, drama: Drama, now: datetime) -> Follow | None:
        """Store a follow and its announcements; None if the server follows the drama already."""
        async with self._storage.transaction() as db:
            row = await db.fetchone(
                "INSERT INTO follows (guild_id, drama_slug, channel_id, air_time, timezone, role_id, created_by,"
                " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (guild_id, drama_slug) DO NOTHING"
                " RETURNING id",
                (
                    follow.guild_id,
                    follow.drama_slug,
                    follow.channel_id,
                    follow.air_time,
                    follow.timezone,
                    follow.role_id,
                    follow.created_by,
                    iso(now),
                ),
            )
            if row is None:
                return None
            stored = dataclasses.replace(follow, id=int(row[0]))
            await self._sync(db, stored, drama, now)
            return stored

    async def sync(self, follow: Follow, drama: Drama, now: datetime) -> Synced:
        """Add the announcements of newly dated episodes, move those TMDB moved and drop those it
        no longer dates; says what changed, once (the next sync finds nothing to change)."""
        async with self._storage.transaction() as db:
            before = {
                int(row[0]): instant(str(row[1]))
                for row in await db.fetchall(
                    "SELECT episode, airs_at FROM announcements WHERE follow_id = ? AND state = 'pending'", (follow.id,)
                )
            }
            pending, times = await self._sync(db, follow, drama, now)
            dropped = sorted(number for number in before if number not in times)
            await db.executemany(
                "DELETE FROM announcements WHERE follow_id = ? AND episode = ? AND state = 'pending'",
                [(follow.id, number) for number in dropped],
            )
            moved = [(n, before[n], times[n]) for n in sorted(before) if n in times and times[n] != before[n]]
            return Synced(pending - len(dropped), moved, dropped)

    async def _sync(
        self, db: Transaction, follow: Follow, drama: Drama, now: datetime
    ) -> tuple[int, dict[int, datetime]]:
        """Store the announcements of episodes that air after the follow began, or missed up to
        :data:`LATE_LIMIT` ago, whichever is later: a new follow starts with the next episode.
        Returns how many are pending, and each dated episode's air time."""
        times = air_times(drama, follow.at, follow.zone)
        final = drama.last_episode
        after = now - LATE_LIMIT
        started = await db.fetchone("SELECT created_at FROM follows WHERE id = ?", (follow.id,))
        if started is not None:  # never an episode that aired before the server followed the drama
            after = max(after, instant(str(started[0])))
        rows = [(follow.id, number, iso(when), int(number == final)) for number, when in times.items() if when > after]
        await db.executemany(
            "INSERT INTO announcements (follow_id, episode, airs_at, last) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (follow_id, episode) DO UPDATE SET airs_at = excluded.airs_at, last = excluded.last"
            " WHERE state = 'pending'",
            rows,
        )
        row = await db.fetchone(
            "SELECT count(*) FROM announcements WHERE follow_id = ? AND state = 'pending'", (follow.id,)
        )
        assert row is not None  # count(*) always answers
        return int(row[0]), times

    async def of(self, guild_id: int, drama_slug: str) -> Follow | None:
        row = await self._storage.fetchone(
            f"SELECT {_FOLLOW_COLUMNS} FROM follows AS f WHERE f.guild_id = ? AND f.drama_slug = ?",
            (guild_id, drama_slug),
        )
        return None if row is None else _follow(row)

    async def of_server(self, guild_id: int) -> list[Follow]:
        rows = await self._storage.fetchall(
            f"SELECT {_FOLLOW_COLUMNS} FROM follows AS f WHERE f.guild_id = ? ORDER BY f.id", (guild_id,)
        )
        return [_follow(r) for r in rows]

    async def every(self) -> list[Follow]:
        rows = await self._storage.fetchall(f"SELECT {_FOLLOW_COLUMNS} FROM follows AS f ORDER BY f.id")
        return [_follow(r) for r in rows]

    async def remove(self, follow_id: int) -> bool:
        row = await self._storage.fetchone("DELETE FROM follows WHERE id = ? RETURNING id", (follow_id,))
        return row is not None

    async def note_problem(self, follow_id: int, problem: str | None) -> None:
        await self._storage.execute("UPDATE follows SET problem = ? WHERE id = ?", (problem, follow_id))

    _ANNOUNCEMENT = (
        f"SELECT {_FOLLOW_COLUMNS}, a.episode, a.airs_at, a.last FROM announcements AS a"
        " JOIN follows AS f ON f.id = a.follow_id WHERE a.state = 'pending'"
    )

    async def due(self, now: datetime) -> list[Announcement]:
        rows = await self._storage.fetchall(self._ANNOUNCEMENT + " AND a.airs_at <= ? ORDER BY a.airs_at", (iso(now),))
        return [_announcement(r) for r in rows]

    async def upcoming(self, guild_id: int, now: datetime, until: datetime) -> list[Announcement]:
        rows = await self._storage.fetchall(
            self._ANNOUNCEMENT + " AND f.guild_id = ? AND a.airs_at > ? AND a.airs_at <= ? ORDER BY a.airs_at",
            (guild_id, iso(now), iso(until)),
        )
        return [_announcement(r) for r in rows]

    async def next_of(self, follow_id: int, now: datetime) -> Announcement | None:
        row = await self._storage.fetchone(
            self._ANNOUNCEMENT + " AND f.id = ? AND a.airs_at > ? ORDER BY a.airs_at LIMIT 1", (follow_id, iso(now))
        )
        return None if row is None else _announcement(row)

    async def next_due_at(self) -> datetime | None:
        row = await self._storage.fetchone("SELECT min(airs_at) FROM announcements WHERE state = 'pending'")
        return instant(row[0]) if row is not None and row[0] is not None else None

    async def posted(self, announcement: Announcement, message_id: int) -> None:
        """The claimed announcement is out, as this message."""
        await self._storage.execute(
            "UPDATE announcements SET message_id = ? WHERE follow_id = ? AND episode = ?",
            (message_id, announcement.follow.id, announcement.episode),
        )

    async def unposted(self, now: datetime) -> list[Announcement]:
        """Announcements a stopped run claimed and may not have posted, still recent enough to post."""
        rows = await self._storage.fetchall(
            f"SELECT {_FOLLOW_COLUMNS}, a.episode, a.airs_at, a.last FROM announcements AS a"
            " JOIN follows AS f ON f.id = a.follow_id WHERE a.state = 'sent' AND a.message_id IS NULL"
            " AND a.airs_at > ? ORDER BY a.airs_at",
            (iso(now - LATE_LIMIT),),
        )
        return [_announcement(r) for r in rows]

    async def claim(self, announcement: Announcement, state: str) -> bool:
        """Mark a pending announcement sent or skipped; False if another pass got it first."""
        row = await self._storage.fetchone(
            "UPDATE announcements SET state = ? WHERE follow_id = ? AND episode = ? AND state = 'pending'"
            " RETURNING episode",
            (state, announcement.follow.id, announcement.episode),
        )
        return row is not None
