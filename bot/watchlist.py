"""The club's watchlist: suggestions with their supporters, the polls that choose the next drama
from it, and the club's history of what it watched together or rated.

A member suggests a drama once; others support it. ``/pick`` takes the most supported into a
native Discord poll; when the poll ends its result is recorded once (:meth:`Watchlist.close`
claims the poll first). The winner is marked "next up"; each loser notes the votes it got, and
one that has lost :data:`DROP_AFTER` polls leaves the list.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.errors import UserError
from bot.storage import Row, Storage, Transaction
from bot.times import instant, iso

MAX_REASON = 200
MIN_CHOICES = 2
MAX_CHOICES = 10  # Discord's limit on a poll's answers
DEFAULT_CHOICES = 5
MAX_HOURS = 768  # Discord's limit on a poll's duration: 32 days
ANSWER_LIMIT = 55  # Discord's limit on a poll answer's text
DROP_AFTER = 3  # polls lost before a suggestion leaves the watchlist
QUESTION = "What do we watch next?"
UNPOSTED_GRACE = timedelta(minutes=5)


def check_reason(text: str | None) -> str | None:
    """A suggestion's reason: at most :data:`MAX_REASON` characters, one line, no control characters."""
    if text is None:
        return None
    cleaned = " ".join("".join(c for c in text if unicodedata.category(c)[0] != "C").split())
    if len(cleaned) > MAX_REASON:
        raise UserError(
            f"A reason may be at most {MAX_REASON} characters; yours has {len(cleaned)}. Nothing was added."
        )
    return cleaned or None


def answer_text(title: str, year: int) -> str:
    """A poll answer: ``Title (2024)`` in Discord's 55 characters. A long title loses its middle,
    so two titles that differ at either end stay apart, and the year stays."""
    suffix = f" ({year})" if year else ""
    if len(title) + len(suffix) <= ANSWER_LIMIT:
        return title + suffix
    room = ANSWER_LIMIT - len(suffix) - 1
    head = room - room // 3
    return title[:head].rstrip() + "…" + title[len(title) - (room - head) :].lstrip() + suffix


@dataclass(frozen=True, slots=True)
class Suggestion:
    id: int
    guild_id: int
    drama_slug: str
    suggested_by: int
    reason: str | None
    created_at: datetime
    losses: int
    lost_votes: int
    next_up: bool
    supporters: int
    suggested_by_name: str | None = None  # as they were called when they suggested it


@dataclass(frozen=True, slots=True)
class Pick:
    id: int
    guild_id: int
    channel_id: int
    message_id: int | None
    host_id: int
    ends_at: datetime
    closed: bool
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a finished poll did to the watchlist."""

    winners: list[Suggestion]  # one, or several tied (for a host to decide); none without votes
    counts: dict[int, int]  # votes per suggestion id
    dropped: list[Suggestion]  # lost their third poll and left the list


_SUGGESTION = (
    "SELECT s.id, s.guild_id, s.drama_slug, s.suggested_by, s.reason, s.created_at, s.losses, s.lost_votes,"
    " s.next_up_at IS NOT NULL, (SELECT count(*) FROM supports AS p WHERE p.suggestion_id = s.id),"
    " s.suggested_by_name FROM suggestions AS s"
)
_PICK = "SELECT id, guild_id, channel_id, message_id, host_id, ends_at, closed_at IS NOT NULL, created_at FROM picks"


def _suggestion(row: Row | tuple[Any, ...]) -> Suggestion:
    return Suggestion(
        int(row[0]),
        int(row[1]),
        str(row[2]),
        int(row[3]),
        row[4],
        instant(str(row[5])),
        int(row[6]),
        int(row[7]),
        bool(row[8]),
        int(row[9]),
        row[10],
    )


def _pick(row: Row) -> Pick:
    return Pick(
        int(row[0]),
        int(row[1]),
        int(row[2]),
        row[3],
        int(row[4]),
        instant(str(row[5])),
        bool(row[6]),
        instant(str(row[7])),
    )


class Watchlist:
    def __init__(self, storage: Storage) -> None:
        self._storage = storage

    async def suggest(
        self,
        guild_id: int,
        drama_slug: str,
        user_id: int,
        reason: str | None,
        now: datetime,
        *,
        member_name: str | None = None,
    ) -> tuple[Suggestion, str]:
        """Add a suggestion, or the member's support to an existing one: ``(suggestion, what
        happened)``, what happened being ``"suggested"``, ``"supported"`` or ``"already"``."""
        async with self._storage.transaction() as db:
            row = await db.fetchone(
                "INSERT INTO suggestions (guild_id, drama_slug, suggested_by, reason, created_at, suggested_by_name)"
                " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (guild_id, drama_slug) DO NOTHING RETURNING id",
                (guild_id, drama_slug, user_id, reason, iso(now), member_name),
            )
            happened = "suggested"
            if row is None:
                row = await db.fetchone(
                    "SELECT id FROM suggestions WHERE guild_id = ? AND drama_slug = ?", (guild_id, drama_slug)
                )
                assert row is not None
                happened = "supported"
            added = await db.fetchone(
                "INSERT INTO supports (suggestion_id, user_id, created_at) VALUES (?, ?, ?)"
                " ON CONFLICT DO NOTHING RETURNING user_id",
                (int(row[0]), user_id, iso(now)),
            )
            if added is None:
                happened = "already"
            stored = await db.fetchone(_SUGGESTION + " WHERE s.id = ?", (int(row[0]),))
            assert stored is not None
            return _suggestion(stored), happened

    async def listed(self, guild_id: int) -> list[Suggestion]:
        """The open suggestions: most supported first, then oldest."""
        rows = await self._storage.fetchall(
            _SUGGESTION + " WHERE s.guild_id = ? ORDER BY 10 DESC, s.created_at, s.id", (guild_id,)
        )
        return [_suggestion(r) for r in rows]

    async def of(self, guild_id: int, drama_slug: str) -> Suggestion | None:
        row = await self._storage.fetchone(
            _SUGGESTION + " WHERE s.guild_id = ? AND s.drama_slug = ?", (guild_id, drama_slug)
        )
        return None if row is None else _suggestion(row)

    async def by_id(self, suggestion_id: int) -> Suggestion | None:
        row = await self._storage.fetchone(_SUGGESTION + " WHERE s.id = ?", (suggestion_id,))
        return None if row is None else _suggestion(row)

    async def remove(self, suggestion_id: int) -> bool:
        row = await self._storage.fetchone("DELETE FROM suggestions WHERE id = ? RETURNING id", (suggestion_id,))
        return row is not None

    # -- polls -------------------------------------------------------------------------------

    async def start_pick(
        self,
        guild_id: int,
        channel_id: int,
        host_id: int,
        ends_at: datetime,
        choices: Sequence[Suggestion],
        now: datetime,
    ) -> Pick | None:
        """Store a poll about to be posted, with its choices as answers 1, 2, ...; None while
        another poll of this server is open."""
        async with self._storage.transaction() as db:
            # a poll that was never posted (the bot stopped in between) does not block the next
            await db.execute(
                "DELETE FROM picks WHERE guild_id = ? AND message_id IS NULL AND created_at < ?",
                (guild_id, iso(now - UNPOSTED_GRACE)),
            )
            open_one = await db.fetchone("SELECT id FROM picks WHERE guild_id = ? AND closed_at IS NULL", (guild_id,))
            if open_one is not None:
                return None
            row = await db.fetchone(
                "INSERT INTO picks (guild_id, channel_id, host_id, ends_at, created_at)"
                " VALUES (?, ?, ?, ?, ?) RETURNING id",
                (guild_id, channel_id, host_id, iso(ends_at), iso(now)),
            )
            assert row is not None
            await db.executemany(
                "INSERT INTO pick_choices (pick_id, answer_id, suggestion_id) VALUES (?, ?, ?)",
                [(int(row[0]), answer, s.id) for answer, s in enumerate(choices, start=1)],
            )
            stored = await db.fetchone(_PICK + " WHERE id = ?", (int(row[0]),))
            assert stored is not None
            return _pick(stored)

    async def posted(self, pick_id: int, message_id: int) -> None:
        await self._storage.execute("UPDATE picks SET message_id = ? WHERE id = ?", (message_id, pick_id))

    async def end_now(self, pick_id: int, now: datetime) -> None:
        """A poll a host ended early: its end is now."""
        await self._storage.execute(
            "UPDATE picks SET ends_at = ? WHERE id = ? AND ends_at > ?", (iso(now), pick_id, iso(now))
        )

    async def forget(self, pick_id: int) -> None:
        """A poll Discord refused to post: as if it never was."""
        await self._storage.execute("DELETE FROM picks WHERE id = ?", (pick_id,))

    async def open_pick(self, guild_id: int, now: datetime) -> Pick | None:
        """The server's open poll; one stored but never posted (the bot stopped in between) is
        forgotten after :data:`UNPOSTED_GRACE`, so it does not block the next."""
        await self._storage.execute(
            "DELETE FROM picks WHERE guild_id = ? AND message_id IS NULL AND created_at < ?",
            (guild_id, iso(now - UNPOSTED_GRACE)),
        )
        row = await self._storage.fetchone(_PICK + " WHERE guild_id = ? AND closed_at IS NULL", (guild_id,))
        return None if row is None else _pick(row)

    async def unposted(self) -> list[Pick]:
        """Polls stored but not known to be posted: at a start, the previous run stopped in between."""
        rows = await self._storage.fetchall(_PICK + " WHERE message_id IS NULL AND closed_at IS NULL")
        return [_pick(r) for r in rows]

    async def poll_holding(self, suggestion_id: int) -> Pick | None:
        """The open poll that offers this suggestion, if one does."""
        row = await self._storage.fetchone(
            _PICK + " WHERE closed_at IS NULL AND id IN (SELECT pick_id FROM pick_choices WHERE suggestion_id = ?)",
            (suggestion_id,),
        )
        return None if row is None else _pick(row)

    async def pick(self, pick_id: int) -> Pick | None:
        row = await self._storage.fetchone(_PICK + " WHERE id = ?", (pick_id,))
        return None if row is None else _pick(row)

    async def ending(self, now: datetime) -> list[Pick]:
        """Open polls whose end has come."""
        rows = await self._storage.fetchall(
            _PICK + " WHERE closed_at IS NULL AND message_id IS NOT NULL AND ends_at <= ? ORDER BY ends_at", (iso(now),)
        )
        return [_pick(r) for r in rows]

    async def next_end(self) -> datetime | None:
        row = await self._storage.fetchone(
            "SELECT min(ends_at) FROM picks WHERE closed_at IS NULL AND message_id IS NOT NULL"
        )
        return instant(row[0]) if row is not None and row[0] is not None else None

    async def choices(self, pick_id: int) -> dict[int, Suggestion]:
        """The poll's answers that are still on the list: ``{answer id: suggestion}``."""
        rows = await self._storage.fetchall(
            "SELECT c.answer_id, "
            + _SUGGESTION.removeprefix("SELECT ")
            + " JOIN pick_choices AS c ON c.suggestion_id = s.id WHERE c.pick_id = ? ORDER BY c.answer_id",
            (pick_id,),
        )
        return {int(r[0]): _suggestion(r[1:]) for r in rows}

    async def close(self, pick: Pick, counts: Mapping[int, int], now: datetime) -> Outcome | None:
        """Record a finished poll's result once (None if it was recorded already). ``counts`` are
        the final votes per answer id. A single winner is next up; tied winners wait for a host
        (:meth:`decide`); every other answer counts as a lost poll."""
        choices = await self.choices(pick.id)
        votes = {s.id: counts.get(answer, 0) for answer, s in choices.items()}
        best = max(votes.values(), default=0)
        winners = [s for s in choices.values() if best > 0 and votes[s.id] == best]
        winner_id = winners[0].id if len(winners) == 1 else None
        async with self._storage.transaction() as db:
            claimed = await db.fetchone(
                "UPDATE picks SET closed_at = ?, winner_id = ? WHERE id = ? AND closed_at IS NULL RETURNING id",
                (iso(now), winner_id, pick.id),
            )
            if claimed is None:
                return None
            await db.executemany(
                "UPDATE pick_choices SET votes = ? WHERE pick_id = ? AND answer_id = ?",
                [(counts.get(answer, 0), pick.id, answer) for answer in choices],
            )
            if not winners:
                return Outcome([], votes, [])
            if winner_id is not None:
                await db.execute("UPDATE suggestions SET next_up_at = ? WHERE id = ?", (iso(now), winner_id))
            dropped = await _lose(db, [s for s in choices.values() if s not in winners], votes)
        return Outcome(winners, votes, dropped)

    async def decide(self, pick: Pick, winner_id: int, now: datetime) -> tuple[Suggestion, list[Suggestion]] | None:
        """A host breaks a tie: the winner is next up, the other tied ones lose a poll. None if
        the tie was decided already, or that drama was not one of the tied."""
        async with self._storage.transaction() as db:
            rows = await db.fetchall(
                _SUGGESTION + ", pick_choices AS c WHERE c.suggestion_id = s.id AND c.pick_id = ?"
                " AND c.votes = (SELECT max(votes) FROM pick_choices WHERE pick_id = ?)",
                (pick.id, pick.id),
            )
            tied = [_suggestion(r) for r in rows]
            claimed = await db.fetchone(
                "UPDATE picks SET winner_id = ? WHERE id = ? AND winner_id IS NULL AND closed_at IS NOT NULL"
                " RETURNING id",
                (winner_id, pick.id),
            )
            winner = next((s for s in tied if s.id == winner_id), None)
            if claimed is None or winner is None:
                if claimed is not None:
                    raise UserError("That drama was not one of the tied ones.")
                return None
            await db.execute("UPDATE suggestions SET next_up_at = ? WHERE id = ?", (iso(now), winner_id))
            votes = {s.id: 0 for s in tied}
            dropped = await _lose(db, [s for s in tied if s.id != winner_id], votes)
        return winner, dropped


async def _lose(db: Transaction, losers: Sequence[Suggestion], votes: Mapping[int, int]) -> list[Suggestion]:
    """Each loser notes a lost poll and its votes; one that lost :data:`DROP_AFTER` leaves the list."""
    dropped = []
    for loser in losers:
        await db.execute(
            "UPDATE suggestions SET losses = losses + 1, lost_votes = lost_votes + ? WHERE id = ?",
            (votes.get(loser.id, 0), loser.id),
        )
        if loser.losses + 1 >= DROP_AFTER:
            await db.execute("DELETE FROM suggestions WHERE id = ?", (loser.id,))
            dropped.append(loser)
    return dropped


@dataclass(frozen=True, slots=True)
class Watched:
    """A drama in the club's history: when it last watched it together or rated it."""

    drama_slug: str
    when: datetime
    went: int | None  # members who joined its watch parties; None if it never watched it together


async def history(storage: Storage, guild_id: int, now: datetime) -> list[Watched]:
    """The dramas this club watched together (a party that has ended) or rated, newest first."""
    parties = await storage.fetchall(
        "SELECT s.drama_slug, max(p.ends_at),"
        " (SELECT count(DISTINCT m.user_id) FROM series_members AS m JOIN watch_series AS w ON w.id = m.series_id"
        "  WHERE w.guild_id = s.guild_id AND w.drama_slug = s.drama_slug)"
        " FROM watch_parties AS p JOIN watch_series AS s ON s.id = p.series_id"
        " WHERE p.guild_id = ? AND p.cancelled_at IS NULL AND p.ends_at <= ? GROUP BY s.drama_slug",
        (guild_id, iso(now)),
    )
    votes = await storage.fetchall(
        "SELECT drama_slug, max(updated_at) FROM votes WHERE guild_id = ? GROUP BY drama_slug", (guild_id,)
    )
    seen: dict[str, Watched] = {}
    for slug, when in votes:
        seen[slug] = Watched(slug, instant(when), None)
    for slug, when, went in parties:
        rated = seen.get(slug)
        seen[slug] = Watched(slug, max(instant(when), rated.when) if rated else instant(when), int(went))
    return sorted(seen.values(), key=lambda w: w.when, reverse=True)
