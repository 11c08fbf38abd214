"""A whole season on simcord's clock: a drama airs 16 episodes over eight weeks (nine, with a
pre-emption), TMDB dates each episode only a week ahead, the bot restarts every day at another
hour, TMDB moves episodes, fails for six hours once and rejects the token for an hour once. The
server follows the drama and has a watch-party plan on it; everything lands once, on time."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import discord
import pytest

from bot.settings import Settings
from tests import tmdb_fake
from tests.conftest import SIMULATED_TODAY, Club
from tests.tmdb_fake import FakeTmdb

SEOUL = ZoneInfo("Asia/Seoul")
SHOW = 900_010
TITLE = "Fixture Whole Season"
FIRST_AIR = SIMULATED_TODAY + timedelta(days=5)  # a Tuesday: episodes air on Tuesdays and Wednesdays
PARTY_TIME = time(22, 0)  # the club watches at 22:00 Seoul, an hour after each episode airs at 21:00


@pytest.fixture
def settings(tmdb_settings: Settings) -> Settings:
    return tmdb_settings


def true_dates() -> dict[int, date]:
    """When each episode really airs, after TMDB's changes: two a week; the fourth week is pre-empted
    (episodes 7 to 16 air a week later), and episode 12 airs a day late (a Thursday)."""
    dates = {}
    for number in range(1, 17):
        week, second = divmod(number - 1, 2)
        dates[number] = FIRST_AIR + timedelta(weeks=week, days=second)
        if number >= 7:
            dates[number] += timedelta(weeks=1)
    dates[12] += timedelta(days=1)
    return dates


def tmdb_sees(now: datetime) -> dict[int, date | None]:
    """What TMDB lists at ``now``: dates only a week ahead, and the changes as they become known.
    Until two days before episode 7's first date, TMDB has it (and later ones) on the old plan."""
    today = now.astimezone(SEOUL).date()
    final = true_dates()
    planned = {n: FIRST_AIR + timedelta(weeks=(n - 1) // 2, days=(n - 1) % 2) for n in final}
    seen = final if today >= planned[7] - timedelta(days=2) else planned
    if today < final[12] - timedelta(days=2):
        seen = {**seen, 12: final[12] - timedelta(days=1) if seen is final else seen[12]}
    return {n: day if day <= today + timedelta(days=7) else None for n, day in seen.items()}


def update_tmdb(tmdb: FakeTmdb, now: datetime) -> None:
    episodes = tmdb.shows[SHOW]["_season_episodes"][1]
    for number, day in tmdb_sees(now).items():
        episodes[number - 1]["air_date"] = day.isoformat() if day else None
    episodes[-1]["episode_type"] = "finale"


def airs_at(number: int) -> datetime:
    return datetime.combine(true_dates()[number], time(21, 0), SEOUL).astimezone(UTC)


def near(moment: datetime, expected: datetime) -> bool:
    return abs((moment - expected).total_seconds()) <= 120


async def test_a_season_without_a_hitch(club: Club, tmdb: FakeTmdb) -> None:
    show = tmdb_fake._show(
        SHOW,
        TITLE,
        "한 시즌 픽스처",
        today=SIMULATED_TODAY,
        seasons={1: tmdb_fake._episodes(SHOW, 1, [None] * 16, 70)},
        status="Returning Series",
    )
    tmdb.shows[SHOW] = show
    update_tmdb(tmdb, club.env.now())
    follow = await club.admin.slash(club.channel, "follow add", title=f"tmdb-{SHOW}")
    assert "Following" in (follow.response or follow.followups[0]).content
    start = datetime.combine(FIRST_AIR, PARTY_TIME).strftime("%Y-%m-%d %H:%M")
    plan = await club.admin.slash(club.channel, "watchparty schedule", title=f"tmdb-{SHOW}", start=start)
    assert not plan.ephemeral
    await club.admin.click((plan.response or plan.followups[0]).message, label="Join")

    outage = datetime.combine(FIRST_AIR + timedelta(days=20), time(0), UTC)  # TMDB down for six hours
    rejected = datetime.combine(FIRST_AIR + timedelta(days=34), time(0), UTC)  # the token refused for an hour
    day = 0
    while club.env.now() < airs_at(16) + timedelta(days=2):
        restart_at = club.env.now() + timedelta(hours=24 + (day * 7) % 5 - 2)  # a different hour every day
        while club.env.now() < restart_at:
            now = club.env.now()
            tmdb.status = 503 if outage <= now < outage + timedelta(hours=6) else None
            tmdb.status = 401 if rejected <= now < rejected + timedelta(hours=1) else tmdb.status
            update_tmdb(tmdb, now)
            await club.env.advance_time(min(3 * 3600, (restart_at - now).total_seconds()))
        await club.restart()
        day += 1
    tmdb.status = None
    assert not club.take_errors()

    posted = [m for m in club.channel.history() if m.author.id == club.bot.user.id]
    for number in range(1, 17):  # every episode announced once, at its final air time
        announced = [m for m in posted if f"📺 **Episode {number}** of **{TITLE}** airs now" in m.content]
        assert len(announced) == 1, number
        assert near(announced[0].created_at, airs_at(number)), (number, announced[0].created_at, airs_at(number))
    assert "has ended" in next(m for m in posted if f"**Episode 16** of **{TITLE}**" in m.content).content
    assert await club.bot.storage.fetchall("SELECT * FROM follows") == []  # the follow ended after the finale
    assert await club.bot.storage.fetchall("SELECT * FROM announcements WHERE state = 'pending'") == []

    guild = club.bot.get_guild(club.guild.id)
    assert guild is not None
    rows = await club.bot.storage.fetchall(
        "SELECT first_episode, starts_at, event_id, reminder, cancelled_at FROM watch_parties ORDER BY number"
    )
    assert [row[0] for row in rows] == list(range(1, 17))  # the plan grew to every episode, once each
    assert all(row[4] is None for row in rows)
    events = [e for e in guild.scheduled_events if TITLE in e.name]
    assert len(events) == 16 and len({e.name for e in events}) == 16  # none duplicated
    by_id = {e.id: e for e in events}
    for number, starts_at, event_id, reminder, _ in rows:
        final = datetime.combine(true_dates()[number], PARTY_TIME, SEOUL).astimezone(UTC)
        assert datetime.fromisoformat(starts_at) == final, number  # each party on its episode's final day
        assert by_id[event_id].start_time == final
        assert reminder == "sent"
        reminded = [m for m in posted if f"⏰ **{TITLE} · Episode {number}** watch party starts" in m.content]
        assert len(reminded) == 1 and near(reminded[0].created_at, final - timedelta(minutes=15)), number
    moved = [m.content for m in posted if m.content.startswith(("📺 No episode on", "📅 TMDB moved"))]
    assert moved, "the club was told of the moves"
    assert all(isinstance(e.status, discord.EventStatus) for e in events)
