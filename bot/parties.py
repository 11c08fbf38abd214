"""Watch parties in SQLite: series, parties, RSVPs and the state of each reminder.

Every reminder is claimed with one conditional UPDATE before it is sent, so it goes out at most
once, however often the bot restarts; a pending one is found again by :meth:`PartyStore.due`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from bot.schedule import PlannedParty, episodes_label
from bot.storage import Storage
from bot.times import instant, iso


@dataclass(frozen=True, slots=True)
class SeriesSpec:
    """What a host asked for with ``/watchparty schedule``."""

    guild_id: int
    drama_slug: str
    timezone: str
    host_id: int
    text_channel_id: int
    voice_channel_id: int | None
    location: str | None
    episodes_per_party: int
    remind_minutes: int


def changed_options(stored: Party, spec: SeriesSpec) -> list[str]:
    """The options of a repeated ``/watchparty schedule`` that differ from the stored plan, in words."""

    def place(voice_channel_id: int | None, location: str | None) -> str:
        return f"channel <#{voice_channel_id}>" if voice_channel_id is not None else f"location {location or 'Online'}"

    asked = [
        ("remind", stored.remind_minutes, spec.remind_minutes),
        ("episodes_per_party", stored.episodes_per_party, spec.episodes_per_party),
    ]
    changed = [f"`{name}` {was} (you asked for {now})" for name, was, now in asked if was != now]
    planned_place = place(stored.voice_channel_id, stored.location)
    asked_place = place(spec.voice_channel_id, spec.location)
    if planned_place != asked_place:
        changed.append(f"{planned_place} (you asked for {asked_place})")
    return changed


@dataclass(frozen=True, slots=True)
class Party:
    id: int
    series_id: int
    guild_id: int
    drama_slug: str
    number: int
    first_episode: int
    last_episode: int
    starts_at: datetime
    ends_at: datetime
    remind_at: datetime
    event_id: int | None
    cancelled: bool
    cancelled_by: int | None  # the host who cancelled it, where known
    reminder: str
    start_notice: str
    rating_prompt: str
    timezone: str
    host_id: int
    text_channel_id: int
    voice_channel_id: int | None
    location: str | None
    remind_minutes: int
    episodes_per_party: int
    announcement_id: int | None

    @property
    def episodes_label(self) -> str:
        return episodes_label(self.first_episode, self.last_episode)

    @property
    def episodes(self) -> range:
        return range(self.first_episode, self.last_episode + 1)


class Notice(StrEnum):
    """What the bot posts about a party, named after the column that records it."""

    REMINDER = "reminder"  # at remind_at
    START = "start_notice"  # at starts_at
    RATING = "rating_prompt"  # at ends_at: "rate the episodes"


@dataclass(frozen=True, slots=True)
class DueNotice:
    party: Party
    kind: Notice


_PARTY_COLUMNS = """
    p.id, p.series_id, p.guild_id, p.drama_slug, p.number, p.first_episode, p.last_episode,
    p.starts_at, p.ends_at, p.remind_at, p.event_id, p.cancelled_at, p.cancelled_by, p.reminder, p.start_notice,
    p.rating_prompt,
    s.timezone, s.host_id, s.text_channel_id, s.voice_channel_id, s.location, s.remind_minutes,
    s.episodes_per_party, s.announcement_id
"""
_FROM = "FROM watch_parties AS p JOIN watch_series AS s ON s.id = p.series_id"
_SERIES_PARTIES = f"SELECT {_PARTY_COLUMNS} {_FROM} WHERE p.series_id = ? ORDER BY p.number"


def _values(rows: int, width: int) -> str:
    """Placeholders for ``rows`` rows of ``width`` values each, for one multi-row statement."""
    row = "(" + ", ".join(["?"] * width) + ")"
    return ", ".join([row] * rows)


def _party(row: Any) -> Party:
    return Party(
        id=row["id"],
        series_id=row["series_id"],
        guild_id=row["guild_id"],
        drama_slug=row["drama_slug"],
        number=row["number"],
        first_episode=row["first_episode"],
        last_episode=row["last_episode"],
        starts_at=instant(row["starts_at"]),
        ends_at=instant(row["ends_at"]),
        remind_at=instant(row["remind_at"]),
        event_id=row["event_id"],
        cancelled=row["cancelled_at"] is not None,
        cancelled_by=row["cancelled_by"],
        reminder=row["reminder"],
        start_notice=row["start_notice"],
        rating_prompt=row["rating_prompt"],
        timezone=row["timezone"],
        host_id=row["host_id"],
        text_channel_id=row["text_channel_id"],
        voice_channel_id=row["voice_channel_id"],
        location=row["location"],
        remind_minutes=row["remind_minutes"],
        episodes_per_party=row["episodes_per_party"],
        announcement_id=row["announcement_id"],
    )


def _by_series(rows: Iterable[Any]) -> list[list[Party]]:
    """Parties read in series order, grouped: each series' parties in order."""
    by_series: dict[int, list[Party]] = {}
    for row in rows:
        party = _party(row)
        by_series.setdefault(party.series_id, []).append(party)
    return list(by_series.values())


def _party_rows(
    guild_id: int, drama_slug: str, planned: Sequence[PlannedParty], remind: timedelta
) -> list[tuple[object, ...]]:
    """Planned parties as ``watch_parties`` rows, without their series."""
    return [
        (
            guild_id,
            drama_slug,
            p.number,
            p.first_episode,
            p.last_episode,
            iso(p.starts_at),
            iso(p.ends_at),
            iso(p.starts_at - remind),
        )
        for p in planned
    ]


class PartyStore:
    def __init__(self, storage: Storage) -> None:
        self._storage = storage

    async def create_series(
        self, spec: SeriesSpec, planned: Sequence[PlannedParty], now: datetime
    ) -> tuple[int, bool, list[Party]]:
        """Store a series and its parties in one transaction: ``(series id, newly created, its
        parties in order)``.

        The same server, drama and first start is the same series: asking twice creates nothing
        and gives the stored series and parties, unless every party of the stored one was
        cancelled: then it is planned anew.
        """
        remind = timedelta(minutes=spec.remind_minutes)
        key = (spec.guild_id, spec.drama_slug, iso(planned[0].starts_at))
        series = (
            *key,
            spec.timezone,
            spec.host_id,
            spec.text_channel_id,
            spec.voice_channel_id,
            spec.location,
            spec.episodes_per_party,
            spec.remind_minutes,
            iso(now),
        )
        parties = _party_rows(spec.guild_id, spec.drama_slug, planned, remind)

        insert = (
            "INSERT INTO watch_series (guild_id, drama_slug, starts_at, timezone, host_id, text_channel_id,"
            " voice_channel_id, location, episodes_per_party, remind_minutes, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (guild_id, drama_slug, starts_at) DO NOTHING RETURNING id"
        )
        async with self._storage.transaction() as db:
            inserted = await db.fetchone(insert, series)
            if inserted is None:
                await db.execute(
                    "DELETE FROM watch_series WHERE guild_id = ? AND drama_slug = ? AND starts_at = ? AND NOT EXISTS"
                    " (SELECT 1 FROM watch_parties AS p WHERE p.series_id = watch_series.id"
                    " AND p.cancelled_at IS NULL)",
                    key,
                )
                inserted = await db.fetchone(insert, series)
            created = inserted is not None
            if inserted is None:
                inserted = await db.fetchone(
                    "SELECT id FROM watch_series WHERE guild_id = ? AND drama_slug = ? AND starts_at = ?", key
                )
                assert inserted is not None
            series_id = int(inserted[0])
            if created:
                await db.executemany(
                    "INSERT INTO watch_parties (series_id, guild_id, drama_slug, number, first_episode,"
                    " last_episode, starts_at, ends_at, remind_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [(series_id, *party) for party in parties],
                )
            return series_id, created, [_party(r) for r in await db.fetchall(_SERIES_PARTIES, (series_id,))]

    async def growing(self, drama_slug: str) -> list[list[Party]]:
        """The series of a drama that may grow: each one's parties, for series whose last party
        is not cancelled (a series cancelled from some party on stays as it is)."""
        return [parties for parties in await self.series_of(drama_slug) if not parties[-1].cancelled]

    async def extend(self, last: Party, planned: Sequence[PlannedParty]) -> list[Party]:
        """Add ``planned`` parties after ``last``, the series' last party, unless another pass
        added them first; returns the series' parties as stored now."""
        remind = timedelta(minutes=last.remind_minutes)
        rows = [(last.series_id, *row) for row in _party_rows(last.guild_id, last.drama_slug, planned, remind)]
        async with self._storage.transaction() as db:
            newest = await db.fetchone("SELECT max(number) FROM watch_parties WHERE series_id = ?", (last.series_id,))
            if newest is not None and newest[0] == last.number:
                await db.executemany(
                    "INSERT INTO watch_parties (series_id, guild_id, drama_slug, number, first_episode,"
                    " last_episode, starts_at, ends_at, remind_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    rows,
                )
            return [_party(r) for r in await db.fetchall(_SERIES_PARTIES, (last.series_id,))]

    async def series_of(self, drama_slug: str) -> list[list[Party]]:
        """Every series of a drama, in every server: each one's parties in order."""
        rows = await self._storage.fetchall(
            f"SELECT {_PARTY_COLUMNS} {_FROM} WHERE s.drama_slug = ? ORDER BY p.series_id, p.number", (drama_slug,)
        )
        return _by_series(rows)

    async def move(self, party: Party, starts_at: datetime, ends_at: datetime, now: datetime) -> Party | None:
        """Move a party that has not started; its reminder is due again if its new time is ahead.
        None if it started (or was cancelled) meanwhile."""
        remind_at = starts_at - timedelta(minutes=party.remind_minutes)
        row = await self._storage.fetchone(
            "UPDATE watch_parties SET starts_at = ?, ends_at = ?, remind_at = ?, stuck = NULL,"
            " reminder = CASE WHEN ? > ? THEN 'pending' ELSE reminder END"
            " WHERE id = ? AND cancelled_at IS NULL AND starts_at > ? RETURNING id",
            (iso(starts_at), iso(ends_at), iso(remind_at), iso(remind_at), iso(now), party.id, iso(now)),
        )
        return None if row is None else await self.party(party.id)

    async def tell_stuck(self, party_id: int, reason: str) -> bool:
        """Record what hosts are told about a party that cannot move: True the first time it is so."""
        row = await self._storage.fetchone(
            "UPDATE watch_parties SET stuck = ? WHERE id = ? AND stuck IS NOT ? RETURNING id",
            (reason, party_id, reason),
        )
        return row is not None

    async def planned_dramas(self, slug_prefix: str) -> list[str]:
        """The dramas whose ids start with ``slug_prefix`` that any server has planned parties of."""
        rows = await self._storage.fetchall(
            "SELECT DISTINCT drama_slug FROM watch_series WHERE drama_slug LIKE ? || '%'", (slug_prefix,)
        )
        return [str(row[0]) for row in rows]

    async def planned_at(self, guild_id: int, drama_slug: str, starts_at: datetime) -> list[Party]:
        """The parties of the series of this drama whose first party starts then, if there is one."""
        rows = await self._storage.fetchall(
            f"SELECT {_PARTY_COLUMNS} {_FROM} WHERE s.guild_id = ? AND s.drama_slug = ? AND s.starts_at = ?"
            " ORDER BY p.number",
            (guild_id, drama_slug, iso(starts_at)),
        )
        return [_party(r) for r in rows]

    async def parties_of(self, series_id: int) -> list[Party]:
        return [_party(r) for r in await self._storage.fetchall(_SERIES_PARTIES, (series_id,))]

    async def party(self, party_id: int) -> Party | None:
        row = await self._storage.fetchone(f"SELECT {_PARTY_COLUMNS} {_FROM} WHERE p.id = ?", (party_id,))
        return None if row is None else _party(row)

    async def record_events(self, series_id: int, message_id: int | None, event_ids: Mapping[int, int]) -> list[int]:
        """Record the message that announces a series and the Discord events made for its
        parties (``{party id: event id}``). Gives back the events no party took, for the caller
        to delete.

        A party takes an event only while it has none and is not cancelled (one statement). So a
        party that was cancelled while its event was being made, or that another run of the same
        plan gave an event first, refuses this one, and no event is left behind for it. An event
        some party holds is never given back (two runs may both have found it on Discord).
        """
        await self._storage.execute(
            "UPDATE watch_series SET announcement_id = coalesce(?, announcement_id) WHERE id = ?",
            (message_id, series_id),
        )
        if not event_ids:
            return []
        await self._storage.execute(
            f"UPDATE watch_parties SET event_id = v.column2 FROM (VALUES {_values(len(event_ids), 2)}) AS v"
            " WHERE watch_parties.id = v.column1 AND watch_parties.event_id IS NULL"
            " AND watch_parties.cancelled_at IS NULL",
            [value for pair in event_ids.items() for value in pair],
        )
        ids = list(event_ids.values())
        held = await self._storage.fetchall(
            f"SELECT event_id FROM watch_parties WHERE event_id IN ({', '.join('?' for _ in ids)})", ids
        )
        kept = {row[0] for row in held}
        return [event_id for event_id in ids if event_id not in kept]

    async def incomplete(self, now: datetime) -> list[list[Party]]:
        """The series a stopped run may have left half-made: an upcoming party without its
        Discord event, or no announcement recorded. Each series' parties, in order."""
        rows = await self._storage.fetchall(
            f"SELECT {_PARTY_COLUMNS} {_FROM} WHERE p.series_id IN (SELECT q.series_id FROM watch_parties AS q"
            " JOIN watch_series AS t ON t.id = q.series_id WHERE q.cancelled_at IS NULL AND q.ends_at > ?"
            " AND (q.event_id IS NULL OR t.announcement_id IS NULL)) ORDER BY p.series_id, p.number",
            (iso(now),),
        )
        return _by_series(rows)

    async def upcoming(
        self, guild_id: int, now: datetime, *, drama_slug: str | None = None, limit: int = 100
    ) -> list[Party]:
        """Parties not cancelled and not yet over, soonest first."""
        sql = f"SELECT {_PARTY_COLUMNS} {_FROM} WHERE p.guild_id = ? AND p.cancelled_at IS NULL AND p.ends_at > ?"
        parameters: list[Any] = [guild_id, iso(now)]
        if drama_slug is not None:
            sql += " AND p.drama_slug = ?"
            parameters.append(drama_slug)
        sql += " ORDER BY p.starts_at, p.id LIMIT ?"
        parameters.append(limit)
        return [_party(r) for r in await self._storage.fetchall(sql, parameters)]

    async def cancel(self, party_ids: Iterable[int], now: datetime, *, by: int | None = None) -> dict[int, int | None]:
        """Cancel parties (``by`` a host); gives the ones that were not cancelled before, each with
        its Discord event as stored at that moment (``{party id: event id or None}``), for the
        caller to delete."""
        ids = list(party_ids)
        if not ids:
            return {}
        marks = ", ".join("?" for _ in ids)
        rows = await self._storage.fetchall(
            f"UPDATE watch_parties SET cancelled_at = ?, cancelled_by = ? WHERE id IN ({marks})"
            " AND cancelled_at IS NULL RETURNING id, event_id",
            [iso(now), by, *ids],
        )
        return {int(r["id"]): r["event_id"] for r in sorted(rows, key=lambda r: r["id"])}

    async def party_dramas(self, guild_id: int, among: Iterable[str], now: datetime) -> tuple[set[str], set[str]]:
        """Of these dramas, ``(watched, planned)``: those with a watch party that has ended, and
        those whose parties are all still to come (cancelled parties count for neither)."""
        wanted = sorted(set(among))
        if not wanted:
            return set(), set()
        marks = ", ".join("?" for _ in wanted)
        rows = await self._storage.fetchall(
            f"SELECT drama_slug, min(ends_at) <= ? FROM watch_parties WHERE guild_id = ? AND cancelled_at IS NULL"
            f" AND drama_slug IN ({marks}) GROUP BY drama_slug",
            (iso(now), guild_id, *wanted),
        )
        return {str(r[0]) for r in rows if r[1]}, {str(r[0]) for r in rows if not r[1]}

    # -- RSVPs -----------------------------------------------------------------------------

    async def join(self, series_id: int, user_id: int, now: datetime) -> bool:
        rows = await self._storage.fetchall(
            "INSERT INTO series_members (series_id, user_id, joined_at) VALUES (?, ?, ?)"
            " ON CONFLICT DO NOTHING RETURNING user_id",
            (series_id, user_id, iso(now)),
        )
        return bool(rows)

    async def leave(self, series_id: int, user_id: int) -> bool:
        rows = await self._storage.fetchall(
            "DELETE FROM series_members WHERE series_id = ? AND user_id = ? RETURNING user_id", (series_id, user_id)
        )
        return bool(rows)

    async def set_interest(self, party_id: int, user_ids: Iterable[int]) -> None:
        """Replace what Discord says about who marked the party's event "Interested"."""
        rows = [(party_id, user_id) for user_id in sorted(set(user_ids))]
        async with self._storage.transaction() as db:
            await db.execute("DELETE FROM party_interest WHERE party_id = ?", (party_id,))
            await db.executemany("INSERT INTO party_interest (party_id, user_id) VALUES (?, ?)", rows)

    async def attendees(self, party: Party) -> list[int]:
        """Everyone going: joined the series with the button, or interested in the event."""
        rows = await self._storage.fetchall(
            "SELECT user_id FROM series_members WHERE series_id = ?"
            " UNION SELECT user_id FROM party_interest WHERE party_id = ? ORDER BY 1",
            (party.series_id, party.id),
        )
        return [int(r["user_id"]) for r in rows]

    async def series_members(self, series_id: int) -> list[int]:
        """Who joined the series with its button, first come first."""
        rows = await self._storage.fetchall(
            "SELECT user_id FROM series_members WHERE series_id = ? ORDER BY joined_at, user_id", (series_id,)
        )
        return [int(row[0]) for row in rows]

    async def series_member_count(self, series_id: int) -> int:
        row = await self._storage.fetchone("SELECT count(*) FROM series_members WHERE series_id = ?", (series_id,))
        return 0 if row is None else int(row[0])

    # -- reminders -------------------------------------------------------------------------

    async def due(self, now: datetime) -> list[DueNotice]:
        """Notices whose time has come and that were never sent or skipped, oldest first."""
        at = iso(now)
        rows = await self._storage.fetchall(
            f"SELECT {_PARTY_COLUMNS} {_FROM} WHERE p.cancelled_at IS NULL AND ("
            " (p.reminder = 'pending' AND p.remind_at <= ?) OR (p.start_notice = 'pending' AND p.starts_at <= ?)"
            " OR (p.rating_prompt = 'pending' AND p.ends_at <= ?)) ORDER BY p.starts_at, p.id",
            (at, at, at),
        )
        notices: list[DueNotice] = []
        for party in map(_party, rows):
            if party.reminder == "pending" and party.remind_at <= now:
                notices.append(DueNotice(party, Notice.REMINDER))
            if party.start_notice == "pending" and party.starts_at <= now:
                notices.append(DueNotice(party, Notice.START))
            if party.rating_prompt == "pending" and party.ends_at <= now:
                notices.append(DueNotice(party, Notice.RATING))
        return notices

    async def next_notice_at(self) -> datetime | None:
        row = await self._storage.fetchone(
            "SELECT min(CASE WHEN reminder = 'pending' THEN remind_at"
            " WHEN start_notice = 'pending' THEN starts_at ELSE ends_at END)"
            " FROM watch_parties WHERE cancelled_at IS NULL AND (start_notice = 'pending' OR rating_prompt = 'pending')"
        )
        return None if row is None or row[0] is None else instant(row[0])

    async def posted(self, party_id: int, kind: Notice, message_id: int) -> None:
        """The claimed notice is out, as this message."""
        column = f"{kind.value}_message_id"  # one of two fixed column names, never input
        await self._storage.execute(f"UPDATE watch_parties SET {column} = ? WHERE id = ?", (message_id, party_id))

    async def unposted(self, now: datetime) -> list[DueNotice]:
        """Reminders and start notices a stopped run claimed and may not have posted, while they matter."""
        found = []
        for kind, until in ((Notice.REMINDER, "p.starts_at"), (Notice.START, "p.ends_at")):
            rows = await self._storage.fetchall(
                f"SELECT {_PARTY_COLUMNS} {_FROM} WHERE p.{kind.value} = 'sent' AND p.{kind.value}_message_id IS NULL"
                f" AND p.cancelled_at IS NULL AND {until} > ?",
                (iso(now),),
            )
            found += [DueNotice(_party(r), kind) for r in rows]
        return found

    async def claim(self, party_id: int, kind: Notice, outcome: str) -> bool:
        """Mark a pending notice ``sent`` or ``skipped``; only the first caller gets ``True``."""
        if outcome not in ("sent", "skipped"):
            raise ValueError(outcome)
        column = kind.value  # one of two fixed column names, never input
        rows = await self._storage.fetchall(
            f"UPDATE watch_parties SET {column} = ? WHERE id = ? AND {column} = 'pending' AND cancelled_at IS NULL"
            " RETURNING id",
            (outcome, party_id),
        )
        return len(rows) == 1
