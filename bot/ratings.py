"""Members' scores: validation, storage and the club's statistics.

Scores run from 1 to 10 in half points and are stored as whole half points (8.5 -> 17), so
sums and comparisons are exact. The leaderboard ranks by a Bayesian average: each drama's mean
is pulled toward the middle of the scale as if it had :data:`PRIOR_VOTES` extra votes of
:data:`PRIOR_MEAN`, so one 10/10 cannot outrank forty 9s; the pull fades as real votes come in.
"""

from __future__ import annotations

import csv
import io
import math
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from bot.drama import Drama
from bot.errors import UserError
from bot.storage import Row, Storage
from bot.times import instant, iso

MAX_COMMENT = 300
PRIOR_MEAN = 5.5
PRIOR_VOTES = 5
# The weighted score of a drama_tally row, spelled as the index drama_tally_rank (migration 0010)
# spells it: SQLite uses an index on an expression only for the same expression, with its
# numbers written in (a bound value would not match). Tested to equal bayesian().
RANK = "((5.5 * 5 + half_points / 2.0) / (5 + votes))"
WHOLE_DRAMA = 0
# A number resting on these votes would give a private one away: it rests on private votes alone,
# or on exactly one private vote beside public ones, whose scores the channel has seen.
REVEALS_PRIVATE = "(private_votes > 0 AND (private_votes = votes OR private_votes = 1))"
LEADERBOARD = (
    "SELECT drama, half_points / 2.0 / votes, votes FROM drama_tally WHERE guild_id = ? AND episode = 0"
    f" AND NOT {REVEALS_PRIVATE} ORDER BY {RANK} DESC, votes DESC, drama LIMIT ?"
)


def check_score(score: float) -> int:
    """A score as half points, or a :class:`UserError`: 1 to 10 in steps of 0.5."""
    if not math.isfinite(score) or not 1 <= score <= 10 or (score * 2) != int(score * 2):
        raise UserError(f"Scores go from 1 to 10 in steps of 0.5 (like 7 or 8.5); {score:g} isn't one.")
    return int(score * 2)


def check_episode(drama: Drama, episode: int | None) -> int:
    if episode is None:
        return WHOLE_DRAMA
    if not 1 <= episode <= drama.episode_count:
        raise UserError(
            f"{drama.display_title} has episodes 1 to {drama.episode_count}; there is no episode {episode}."
        )
    return episode


def check_aired(drama: Drama, episode: int, today: date) -> None:
    """An episode is rated once it has aired: not one dated later, nor an undated one of a drama that airs."""
    if episode == WHOLE_DRAMA:
        return
    aired = drama.episode(episode).air_date
    if aired is not None and aired > today:
        raise UserError(
            f"Episode {episode} of {drama.display_title} airs on {aired.day} {aired:%B %Y}; rate it once it has aired."
        )
    if aired is None and drama.airing:
        raise UserError(f"Episode {episode} of {drama.display_title} has no air date yet; rate it once it has aired.")


_INVISIBLE = {"Cf", "Cc", "Zl", "Zp"}  # zero-width, bidirectional and other control characters


def check_comment(comment: str | None) -> str | None:
    """The comment as shown: without invisible characters; ``None`` if nothing visible is left."""
    if comment is None:
        return None
    comment = "".join(c for c in comment if unicodedata.category(c) not in _INVISIBLE or c == "\n").strip()
    if not comment:
        return None
    if len(comment) > MAX_COMMENT:
        raise UserError(f"Comments can be up to {MAX_COMMENT} characters; yours has {len(comment)}.")
    return comment


def points(half_points: int) -> str:
    """``17`` -> ``"8.5"``, ``16`` -> ``"8"``."""
    return f"{half_points / 2:g}"


def average(value: float, places: int = 1) -> str:
    """Every average the club sees, rounded one way: half up (``9.25`` -> ``"9.3"``)."""
    exact = Decimal(repr(round(value, 9)))
    return str(exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def reveals_private(votes: int, private_votes: int) -> bool:
    """Whether a number resting on these votes would give a private vote away (see :data:`REVEALS_PRIVATE`)."""
    return private_votes > 0 and (private_votes == votes or private_votes == 1)


@dataclass(frozen=True, slots=True)
class Vote:
    guild_id: int
    drama_slug: str
    episode: int
    user_id: int
    half_points: int
    comment: str | None
    updated_at: datetime
    private: bool = False
    member_name: str | None = None  # as shown when they voted

    @property
    def score(self) -> float:
        return self.half_points / 2


@dataclass(frozen=True, slots=True)
class Stats:
    count: int
    mean: float
    median: float
    histogram: tuple[int, ...]  # votes per whole point, index 0 is "1 to 1.5", index 9 is "10"
    private_votes: int = 0

    @property
    def weighted(self) -> float:
        return bayesian(self.mean, self.count)

    @property
    def shareable(self) -> bool:
        """Whether the mean, median and distribution may be shown without giving a private vote away."""
        return not reveals_private(self.count, self.private_votes)


@dataclass(frozen=True, slots=True)
class EpisodeMean:
    episode: int
    mean: float | None  # None while it would give a private vote away
    count: int


def summarize_counts(counts: Mapping[int, int], private_votes: int = 0) -> Stats | None:
    """Statistics from how many votes gave each score (half points -> votes), ``private_votes`` of them private."""
    total = sum(counts.values())
    if total == 0:
        return None
    mean = sum(h * n for h, n in counts.items()) / 2 / total
    ordered = sorted(counts.items())

    def nth(position: int) -> float:  # the score of the position-th vote, 0-based, ascending
        for half_points, n in ordered:
            if position < n:
                return half_points / 2
            position -= n
        raise IndexError(position)

    median = nth(total // 2) if total % 2 else (nth(total // 2 - 1) + nth(total // 2)) / 2
    histogram = [0] * 10
    for half_points, n in ordered:
        histogram[half_points // 2 - 1] += n
    return Stats(total, mean, median, tuple(histogram), private_votes)


def bayesian(mean: float, count: int, *, prior_mean: float = PRIOR_MEAN, prior_votes: int = PRIOR_VOTES) -> float:
    return (prior_mean * prior_votes + mean * count) / (prior_votes + count)


@dataclass(frozen=True, slots=True)
class Ranked:
    drama_slug: str
    mean: float
    count: int

    @property
    def weighted(self) -> float:
        return bayesian(self.mean, self.count)


def _vote(row: Row) -> Vote:
    return Vote(
        guild_id=row["guild_id"],
        drama_slug=row["drama_slug"],
        episode=row["episode"],
        user_id=row["user_id"],
        half_points=row["half_points"],
        comment=row["comment"],
        updated_at=instant(row["updated_at"]),
        private=bool(row["private"]),
        member_name=row["member_name"],
    )


_VOTE_COLUMNS = "guild_id, drama_slug, episode, user_id, half_points, comment, updated_at, private, member_name"


class VoteStore:
    def __init__(self, storage: Storage) -> None:
        self._storage = storage

    async def cast(
        self,
        *,
        guild_id: int,
        drama_slug: str,
        episode: int,
        user_id: int,
        half_points: int,
        comment: str | None,
        now: datetime,
        private: bool = False,
        member_name: str | None = None,
    ) -> int | None:
        """Store a vote, replacing the member's earlier one (a vote without a comment keeps the
        earlier comment, unless that was private and this vote is not); returns the earlier score
        (half points), unless it was private and this vote is not.

        One statement: in the upsert's SET clause a bare column is the row as it was.
        """
        row = await self._storage.fetchone(
            "INSERT INTO votes (guild_id, drama_slug, episode, user_id, half_points, comment, created_at,"
            " updated_at, private, member_name) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (guild_id, drama_slug, episode, user_id) DO UPDATE SET"
            # a private score or comment never goes public with the public vote that replaces it
            " replaced_half_points = CASE WHEN private AND NOT excluded.private THEN NULL ELSE half_points END,"
            " half_points = excluded.half_points,"
            " comment = coalesce(excluded.comment, CASE WHEN private AND NOT excluded.private THEN NULL"
            " ELSE comment END), updated_at = excluded.updated_at,"
            " private = excluded.private, member_name = coalesce(excluded.member_name, member_name)"
            " RETURNING replaced_half_points",
            (guild_id, drama_slug, episode, user_id, half_points, comment, iso(now), iso(now), private, member_name),
        )
        return None if row is None or row[0] is None else int(row[0])

    async def withdraw(self, *, guild_id: int, drama_slug: str, episode: int, user_id: int) -> int | None:
        """Remove a member's vote; returns the score it had, or ``None`` if there was none."""
        row = await self._storage.fetchone(
            "DELETE FROM votes WHERE guild_id = ? AND drama_slug = ? AND episode = ? AND user_id = ?"
            " RETURNING half_points",
            (guild_id, drama_slug, episode, user_id),
        )
        return None if row is None else int(row["half_points"])

    async def stats(self, guild_id: int, drama_slug: str, episode: int = WHOLE_DRAMA) -> Stats | None:
        """The club's statistics for a drama (or an episode), from the running tallies."""
        rows = await self._storage.fetchall(
            "SELECT v.half_points, v.votes, d.private_votes FROM vote_tally AS v JOIN drama_tally AS d"
            " ON d.guild_id = v.guild_id AND d.drama = v.drama AND d.episode = v.episode"
            " WHERE v.guild_id = ? AND v.drama = ? AND v.episode = ?",
            (guild_id, drama_slug, episode),
        )
        return summarize_counts({int(r[0]): int(r[1]) for r in rows}, int(rows[0][2]) if rows else 0)

    async def episode_means(self, guild_id: int, drama_slug: str) -> list[EpisodeMean]:
        """Every episode that has votes, with its mean unless that would give a private vote away."""
        rows = await self._storage.fetchall(
            f"SELECT episode, half_points / 2.0 / votes, votes, {REVEALS_PRIVATE} FROM drama_tally"
            " WHERE guild_id = ? AND drama = ? AND episode > 0 ORDER BY episode",
            (guild_id, drama_slug),
        )
        return [EpisodeMean(int(r[0]), None if r[3] else float(r[1]), int(r[2])) for r in rows]

    async def vote_of(self, guild_id: int, drama_slug: str, user_id: int, episode: int = WHOLE_DRAMA) -> Vote | None:
        row = await self._storage.fetchone(
            f"SELECT {_VOTE_COLUMNS} FROM votes WHERE guild_id = ? AND drama_slug = ? AND episode = ? AND user_id = ?",
            (guild_id, drama_slug, episode, user_id),
        )
        return None if row is None else _vote(row)

    async def recent_comments(self, guild_id: int, drama_slug: str, *, limit: int = 5) -> list[Vote]:
        rows = await self._storage.fetchall(
            f"SELECT {_VOTE_COLUMNS} FROM votes WHERE guild_id = ? AND drama_slug = ? AND comment IS NOT NULL"
            " AND private = 0 ORDER BY updated_at DESC, id DESC LIMIT ?",
            (guild_id, drama_slug, limit),
        )
        return [_vote(r) for r in rows]

    async def of_member(self, guild_id: int, user_id: int, *, limit: int = 100) -> list[Vote]:
        rows = await self._storage.fetchall(
            f"SELECT {_VOTE_COLUMNS} FROM votes WHERE guild_id = ? AND user_id = ?"
            " ORDER BY updated_at DESC, id DESC LIMIT ?",
            (guild_id, user_id, limit),
        )
        return [_vote(r) for r in rows]

    async def leaderboard(self, guild_id: int, *, limit: int = 10) -> list[Ranked]:
        """Dramas with votes, best Bayesian average first (ties: more votes, then id)."""
        rows = await self._storage.fetchall(LEADERBOARD, (guild_id, limit))
        return [Ranked(str(r[0]), float(r[1]), int(r[2])) for r in rows]

    async def held_back(self, guild_id: int) -> int:
        """Dramas left off the leaderboard because their numbers would give a private vote away."""
        row = await self._storage.fetchone(
            f"SELECT count(*) FROM drama_tally WHERE guild_id = ? AND episode = 0 AND {REVEALS_PRIVATE}", (guild_id,)
        )
        return int(row[0]) if row is not None else 0

    async def all_votes(self, guild_id: int) -> list[Vote]:
        rows = await self._storage.fetchall(
            f"SELECT {_VOTE_COLUMNS} FROM votes WHERE guild_id = ? ORDER BY drama_slug, episode, updated_at",
            (guild_id,),
        )
        return [_vote(r) for r in rows]

    async def rated_dramas(self, guild_id: int, among: Iterable[str]) -> set[str]:
        """Which of these dramas this server has votes for."""
        wanted = sorted(set(among))
        if not wanted:
            return set()
        marks = ", ".join("?" for _ in wanted)
        rows = await self._storage.fetchall(
            f"SELECT DISTINCT drama FROM drama_tally WHERE guild_id = ? AND drama IN ({marks})", (guild_id, *wanted)
        )
        return {str(r[0]) for r in rows}


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> str:
    """A CSV cell a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def votes_csv(votes: Sequence[Vote], title_of: dict[str, str]) -> bytes:
    """Every vote as CSV (UTF-8 with a byte-order mark, so spreadsheets read Hangul correctly).

    A private vote counts, but without its member or comment.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["drama", "drama_id", "episode", "member_id", "member", "score", "comment", "updated_at"])
    for vote in votes:
        writer.writerow(
            [
                csv_cell(title_of.get(vote.drama_slug, vote.drama_slug)),
                csv_cell(vote.drama_slug),
                vote.episode or "",
                "" if vote.private else str(vote.user_id),
                "(private vote)" if vote.private else csv_cell(vote.member_name),
                points(vote.half_points),
                "" if vote.private else csv_cell(vote.comment),
                iso(vote.updated_at),
            ]
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
