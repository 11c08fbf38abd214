"""Ratings without Discord: validation, statistics, the weighted leaderboard, concurrency, CSV."""

from __future__ import annotations

import asyncio
import csv
import io
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.catalog import load_catalog_dir
from bot.errors import UserError
from bot.ratings import (
    LEADERBOARD,
    RANK,
    EpisodeMean,
    Stats,
    VoteStore,
    bayesian,
    check_comment,
    check_episode,
    check_score,
    summarize_counts,
    votes_csv,
)
from bot.settings import DEFAULT_CATALOG_DIR
from bot.storage import Storage

NOW = datetime(2026, 2, 1, 12, tzinfo=UTC)
SOUNDTRACK = next(d for d in load_catalog_dir(DEFAULT_CATALOG_DIR) if d.slug == "soundtrack-1")


@pytest.mark.parametrize(("score", "half_points"), [(1, 2), (8.5, 17), (10, 20), (7.0, 14)])
def test_scores_from_1_to_10_in_halves(score: float, half_points: int) -> None:
    assert check_score(score) == half_points


@pytest.mark.parametrize("score", [0.5, 10.5, 7.3, 11, -1, float("nan"), float("inf")])
def test_other_scores_are_refused(score: float) -> None:
    with pytest.raises(UserError, match=r"from 1 to 10 in steps of 0\.5"):
        check_score(score)


def test_episodes_and_comments_are_checked() -> None:
    assert check_episode(SOUNDTRACK, None) == 0
    assert check_episode(SOUNDTRACK, 4) == 4
    with pytest.raises(UserError, match="episodes 1 to 4; there is no episode 5"):
        check_episode(SOUNDTRACK, 5)
    assert check_comment("  loved it ") == "loved it"
    assert check_comment("   ") is None
    with pytest.raises(UserError, match="up to 300 characters; yours has 301"):
        check_comment("x" * 301)


def test_statistics_of_a_known_set() -> None:
    stats = summarize([20, 18, 18, 17, 14, 2])  # 10, 9, 9, 8.5, 7, 1
    assert stats is not None
    assert stats.count == 6
    assert round(stats.mean, 4) == 7.4167
    assert f"{stats.mean:.1f}" == "7.4"
    assert stats.median == 8.75
    # rows 1..10: the 1, the 7, the 8.5 (in the 8 row), the two 9s, the 10
    assert stats.histogram == (1, 0, 0, 0, 0, 0, 1, 1, 2, 1)
    assert summarize([]) is None


def test_one_perfect_vote_does_not_beat_forty_nines() -> None:
    forty_nines = bayesian(9.0, 40)
    ten_eights = bayesian(8.0, 10)
    one_ten = bayesian(10.0, 1)
    assert forty_nines > ten_eights > one_ten
    assert round(forty_nines, 2) == 8.61 and round(one_ten, 2) == 6.25


def summarize(half_points: list[int]) -> Stats | None:
    return summarize_counts(Counter(half_points))


async def scores_of(votes: VoteStore, drama: str, episode: int = 0) -> list[int]:
    """Every stored score of a drama (or an episode) in server 1, as the CSV export reads them."""
    return [v.half_points for v in await votes.all_votes(1) if v.drama_slug == drama and v.episode == episode]


@pytest.fixture
async def votes(tmp_path: Path):  # type: ignore[no-untyped-def]
    async with Storage.open(tmp_path / "votes.sqlite3") as storage:
        yield VoteStore(storage)


async def cast(
    store: VoteStore,
    user: int,
    half_points: int,
    *,
    guild: int = 1,
    drama: str = "soundtrack-1",
    episode: int = 0,
    at: datetime = NOW,
    private: bool = False,
) -> int | None:
    return await store.cast(
        guild_id=guild,
        drama_slug=drama,
        episode=episode,
        user_id=user,
        half_points=half_points,
        comment=None,
        now=at,
        private=private,
    )


async def test_a_second_vote_replaces_the_first_and_reports_it(votes: VoteStore) -> None:
    assert await cast(votes, 7, 14) is None
    assert await cast(votes, 7, 17) == 14
    assert await scores_of(votes, "soundtrack-1") == [17]
    assert await votes.withdraw(guild_id=1, drama_slug="soundtrack-1", episode=0, user_id=7) == 17
    assert await votes.withdraw(guild_id=1, drama_slug="soundtrack-1", episode=0, user_id=7) is None


async def test_500_members_voting_at_once_are_all_stored_exactly_once(votes: VoteStore) -> None:
    results = await asyncio.gather(*(cast(votes, user, 2 + user % 19) for user in range(500)))
    assert results == [None] * 500
    assert len(await scores_of(votes, "soundtrack-1")) == 500
    # and 500 re-votes at once replace, never duplicate
    await asyncio.gather(*(cast(votes, user, 20) for user in range(500)))
    assert await scores_of(votes, "soundtrack-1") == [20] * 500


async def test_the_leaderboard_ranks_by_weighted_score(votes: VoteStore) -> None:
    await cast(votes, 1, 20, drama="one-perfect")
    for user in range(40):
        await cast(votes, user, 18, drama="forty-nines")
    for user in range(10):
        await cast(votes, user, 16, drama="ten-eights")
    await cast(votes, 99, 20, drama="elsewhere", guild=2)
    ranked = await votes.leaderboard(1)
    assert [r.drama_slug for r in ranked] == ["forty-nines", "ten-eights", "one-perfect"]
    assert (ranked[0].mean, ranked[0].count) == (9.0, 40)


async def test_the_leaderboard_reads_its_order_from_an_index(tmp_path: Path) -> None:
    """Its query spells the weighted score as the index drama_tally_rank does, so it reads the
    first rows in order instead of sorting every rated drama of the server."""
    async with Storage.open(tmp_path / "rank.sqlite3") as storage:
        for count, half_points in [(1, 20), (40, 720), (10, 160), (3, 7)]:
            row = await storage.fetchone(
                f"SELECT {RANK} FROM (SELECT ? AS votes, ? AS half_points)", (count, half_points)
            )
            assert row is not None and row[0] == pytest.approx(bayesian(half_points / 2 / count, count))
        plan = " | ".join(row["detail"] for row in await storage.fetchall("EXPLAIN QUERY PLAN " + LEADERBOARD, (1, 10)))
        assert "USING INDEX drama_tally_rank" in plan and "TEMP B-TREE" not in plan, plan


async def test_episode_means_and_newest_first(votes: VoteStore) -> None:
    await cast(votes, 1, 16, episode=1, at=NOW)
    await cast(votes, 2, 18, episode=1, at=NOW + timedelta(minutes=1))
    await cast(votes, 1, 20, episode=2, at=NOW + timedelta(minutes=2))
    assert await votes.episode_means(1, "soundtrack-1") == [EpisodeMean(1, 8.5, 2), EpisodeMean(2, 10.0, 1)]
    mine = await votes.of_member(1, 1)
    assert [(v.episode, v.score) for v in mine] == [(2, 10.0), (1, 8.0)]


def test_csv_export_cannot_smuggle_formulas() -> None:
    from bot.ratings import Vote

    vote = Vote(1, "soundtrack-1", 2, 42, 17, '=HYPERLINK("http://x","click")', NOW, member_name="@admin")
    rows = list(csv.reader(io.StringIO(votes_csv([vote], {"soundtrack-1": "Soundtrack #1"}).decode("utf-8-sig"))))
    assert rows[0] == ["drama", "drama_id", "episode", "member_id", "member", "score", "comment", "updated_at"]
    assert rows[1] == [
        "Soundtrack #1",
        "soundtrack-1",
        "2",
        "42",
        "'@admin",
        "8.5",
        '\'=HYPERLINK("http://x","click")',
        "2026-02-01T12:00:00+00:00",
    ]


async def test_the_running_tallies_always_match_the_votes(votes: VoteStore) -> None:
    import random

    rng = random.Random(5)
    for _ in range(400):
        user, drama, episode = rng.randint(1, 30), rng.choice(["a", "b"]), rng.choice([0, 0, 1, 2])
        if rng.random() < 0.2:
            await votes.withdraw(guild_id=1, drama_slug=drama, episode=episode, user_id=user)
        else:
            await cast(votes, user, rng.randint(2, 20), drama=drama, episode=episode, private=rng.random() < 0.3)
    every = await votes.all_votes(1)
    for drama in ("a", "b"):
        for episode in (0, 1, 2):
            stats = await votes.stats(1, drama, episode)
            expected = summarize(await scores_of(votes, drama, episode))
            assert stats is not None and expected is not None
            private = sum(v.private for v in every if v.drama_slug == drama and v.episode == episode)
            assert stats == replace(expected, private_votes=private)
    ranked = await votes.leaderboard(1)
    for entry in ranked:
        stats = summarize(await scores_of(votes, entry.drama_slug))
        assert stats is not None and (entry.count, round(entry.mean, 9)) == (stats.count, round(stats.mean, 9))
    assert await votes.rated_dramas(1, ["a", "zzz"]) == {"a"}


async def test_tallies_are_built_from_votes_cast_before_the_upgrade(tmp_path: Path) -> None:
    from bot.storage import bundled_migrations

    migrations = bundled_migrations()
    before_tallies = [m for m in migrations if m.version < 5]
    async with Storage.open(tmp_path / "old.sqlite3", migrations=before_tallies) as storage:
        for user, half_points in [(1, 20), (2, 18), (3, 18)]:
            await storage.execute(
                "INSERT INTO votes (guild_id, drama_slug, episode, user_id, half_points, created_at, updated_at)"
                " VALUES (1, 'a', 0, ?, ?, 'x', 'x')",
                (user, half_points),
            )
        await storage.migrate(migrations)
        store = VoteStore(storage)
        stats = await store.stats(1, "a")
        assert stats is not None and (stats.count, stats.median) == (3, 9.0)
        assert [(r.drama_slug, r.count) for r in await store.leaderboard(1)] == [("a", 3)]
