"""Following a drama while it airs: announcements with threads on the simulated clock, /airing,
/follow list and /unfollow, and plans that grow when TMDB dates more episodes."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import discord
import pytest

from bot.settings import Settings
from bot.times import instant
from tests.conftest import Club
from tests.tmdb_fake import FakeTmdb

AIRING = "tmdb-900003"  # Fixture Hearts on Air: episodes 5 to 12 are still to air, 13 to 16 have no date yet


@pytest.fixture
def settings(tmdb_settings: Settings) -> Settings:
    return tmdb_settings


def announcements(club: Club, channel: object = None) -> list[discord.Message]:
    channel = channel or club.channel
    return [
        m
        for m in channel.history()  # type: ignore[attr-defined]
        if m.author.id == club.bot.user.id and ("airs now" in m.content or "** aired <t:" in m.content)
    ]


async def follow_and_plan(club: Club) -> None:
    """The airing drama followed, and its parties planned from tomorrow at 20:00."""
    await club.admin.slash(club.channel, "follow add", title="Fixture Hearts on Air")
    start = (club.env.now() + timedelta(days=1)).strftime("%Y-%m-%d 20:00")
    await club.admin.slash(club.channel, "watchparty schedule", title="Fixture Hearts on Air", start=start)


async def pending(club: Club) -> list[tuple[int, datetime]]:
    rows = await club.bot.storage.fetchall(
        "SELECT episode, airs_at FROM announcements WHERE state = 'pending' ORDER BY airs_at"
    )
    return [(int(r[0]), instant(r[1])) for r in rows]


async def until(club: Club, moment: datetime) -> None:
    await club.env.advance_time(max(0.0, (moment - club.env.now()).total_seconds()))


async def test_each_episode_is_announced_at_its_air_time_with_a_thread_and_the_role_pinged(club: Club) -> None:
    fans = club.guild.create_role("Hearts fans", mentionable=True)
    result = await club.admin.slash(club.channel, "follow add", title="Fixture Hearts on Air", role=fans)
    assert not result.ephemeral
    text = result.response.content if result.response else result.followups[0].content
    assert "Following **Fixture Hearts on Air" in text and "21:00 (Asia/Seoul)" in text
    assert "Next: Episode 5" in text

    (first, airs_at), *_ = await pending(club)
    assert first == 5
    assert airs_at.astimezone(discord.utils.utcnow().tzinfo).hour == 12  # 21:00 in Seoul
    await until(club, airs_at - timedelta(minutes=1))
    assert announcements(club) == []
    await until(club, airs_at + timedelta(minutes=1))
    (posted,) = announcements(club)
    assert posted.content.startswith(f"<@&{fans.id}> 📺 **Episode 5** of **Fixture Hearts on Air** airs now: <t:")
    assert "Talk about it in this episode's thread" in posted.content
    (thread,) = club.channel.threads
    assert thread.name == "Fixture Hearts on Air · Episode 5"
    sent = [r for r in club.env.http_requests if r.method == "POST" and r.path.endswith("/messages")]
    mentions = sent[-1].json["allowed_mentions"]
    assert mentions["parse"] == [] and [int(r) for r in mentions["roles"]] == [fans.id]  # the role, nobody else
    assert "users" not in mentions or mentions["users"] == []


async def test_a_restart_between_two_episodes_posts_neither_twice_nor_loses_one(club: Club) -> None:
    await club.admin.slash(club.channel, "follow add", title="Fixture Hearts on Air")
    (_, fifth), (_, sixth), *_ = await pending(club)
    await until(club, fifth + timedelta(minutes=1))
    assert len(announcements(club)) == 1
    await club.restart()
    await until(club, sixth + timedelta(minutes=1))
    posted = announcements(club)
    assert [m.content.split("**")[1] for m in posted] == ["Episode 5", "Episode 6"]


async def test_an_announcement_missed_while_the_bot_was_down(club: Club) -> None:
    await club.admin.slash(club.channel, "follow add", title="Fixture Hearts on Air")
    cog = club.bot.get_cog("Airing")
    store = cog.store  # type: ignore[attr-defined]
    (fifth, sixth, *_) = await store.due(club.env.now() + timedelta(days=4))
    await cog.announce(fifth, fifth.airs_at + timedelta(hours=7))  # type: ignore[attr-defined]
    await cog.announce(sixth, sixth.airs_at + timedelta(hours=5))  # type: ignore[attr-defined]
    (late,) = announcements(club)
    assert late.content.startswith(f"📺 **Episode 6** of **Fixture Hearts on Air** aired <t:{ts(sixth.airs_at)}:R>")
    rows = await club.bot.storage.fetchall("SELECT episode, state FROM announcements WHERE episode <= 6")
    assert sorted(tuple(r) for r in rows) == [(5, "skipped"), (6, "sent")]


async def test_airing_lists_the_coming_episodes_in_air_order(club: Club) -> None:
    empty = await club.alice.slash(club.channel, "airing")
    assert empty.ephemeral and "`/follow add`" in empty.response.content
    await club.admin.slash(club.channel, "follow add", title="Fixture Hearts on Air")
    result = await club.alice.slash(club.channel, "airing", days=7)
    (embed,) = result.response.embeds
    lines = embed.description.splitlines()
    assert [line.split(" · ")[2] for line in lines] == ["Episode 5", "Episode 6"]
    assert all(line.startswith("<t:") and line.endswith(f"<#{club.channel.id}>") for line in lines)


async def test_follow_list_and_unfollow(club: Club) -> None:
    await club.admin.slash(
        club.channel, "follow add", title="Fixture Hearts on Air", time="20:30", timezone="Asia/Tokyo"
    )
    listed = await club.alice.slash(club.channel, "follow list")
    assert listed.ephemeral
    description = listed.response.embeds[0].description
    assert "**Fixture Hearts on Air (" in description and "at 20:30 (Asia/Tokyo)" in description
    assert "Next: Episode 5" in description
    refused = await club.alice.slash(club.channel, "unfollow", title="Fixture Hearts on Air")
    assert refused.ephemeral and "Manage Events" in refused.response.content
    done = await club.admin.slash(club.channel, "unfollow", title="Fixture Hearts on Air")
    assert "Stopped following **Fixture Hearts on Air" in done.response.content
    assert await club.bot.storage.fetchall("SELECT * FROM announcements") == []
    again = await club.admin.slash(club.channel, "unfollow", title="Fixture Hearts on Air")
    assert again.ephemeral and "doesn't follow" in again.response.content


@pytest.mark.parametrize(
    ("options", "words"),
    [
        ({"title": "Fixture Courtroom"}, "has ended"),
        ({"title": "Fixture Hearts on Air", "time": "9pm"}, "Write it as `HH:MM`"),
        ({"title": "Fixture Hearts on Air", "time": "24:00"}, "Write it as `HH:MM`"),
        ({"title": "Fixture Hearts on Air", "timezone": "Mars/Olympus"}, "time zone"),
        ({"title": "Zzyzx Qwerty Nothing"}, "I couldn't find a drama"),
    ],
)
async def test_bad_input_is_refused_privately_and_nothing_is_stored(
    club: Club, options: dict[str, str], words: str
) -> None:
    result = await club.admin.slash(club.channel, "follow add", **options)
    answer = result.response or result.followups[0]
    assert answer.ephemeral and words in answer.content
    assert await club.bot.storage.fetchall("SELECT * FROM follows") == []


async def test_the_ended_drama_suggests_watch_parties_and_a_second_follow_says_where(club: Club) -> None:
    result = await club.admin.slash(club.channel, "follow add", title="Fixture Courtroom")
    assert "`/watchparty schedule`" in result.followups[0].content
    await club.admin.slash(club.channel, "follow add", title="Fixture Hearts on Air")
    other = club.guild.create_text_channel("spoilers")
    again = await club.admin.slash(club.channel, "follow add", title="Fixture Hearts on Air", channel=other)
    assert again.ephemeral
    assert "already follows **Fixture Hearts on Air (" in again.response.content
    assert f"<#{club.channel.id}>" in again.response.content
    assert len(await club.bot.storage.fetchall("SELECT * FROM follows")) == 1


async def test_a_channel_the_bot_cannot_post_in_is_refused(club: Club) -> None:
    me = club.guild.me
    closed = club.guild.create_text_channel("closed", overwrites={me: discord.PermissionOverwrite(send_messages=False)})
    result = await club.admin.slash(club.channel, "follow add", title="Fixture Hearts on Air", channel=closed)
    answer = result.response or result.followups[0]
    assert answer.ephemeral and "I can't post in" in answer.content and "Send Messages" in answer.content
    assert await club.bot.storage.fetchall("SELECT * FROM follows") == []


async def test_without_create_public_threads_the_announcement_comes_alone_and_the_admin_is_told(club: Club) -> None:
    me = club.guild.me
    room = club.guild.create_text_channel(
        "episodes", overwrites={me: discord.PermissionOverwrite(create_public_threads=False)}
    )
    result = await club.admin.slash(club.channel, "follow add", title="Fixture Hearts on Air", channel=room)
    assert "Create Public Threads" in result.followups[-1].content and result.followups[-1].ephemeral
    (_, fifth), *_ = await pending(club)
    await until(club, fifth + timedelta(minutes=1))
    (posted,) = announcements(club, room)
    assert "thread" not in posted.content
    assert room.threads == []
    mine = await club.admin.slash(club.channel, "follow list")
    assert "⚠️ Episode 5 (" in mine.response.embeds[0].description
    assert "Create Public Threads" in mine.response.embeds[0].description
    theirs = await club.alice.slash(club.channel, "follow list")
    assert "⚠️" not in theirs.response.embeds[0].description


async def test_a_newly_dated_episode_extends_the_follow_and_the_watch_party_plan(club: Club, tmdb: FakeTmdb) -> None:
    await follow_and_plan(club)
    assert len(await club.bot.storage.fetchall("SELECT * FROM watch_parties")) == 12
    last_dated = max(when for _, when in await pending(club))
    tmdb.date_episode(900003, 13, (last_dated + timedelta(days=6)).date())

    await club.env.advance_time(86400 + 60)  # the daily look at TMDB
    assert 13 in [episode for episode, _ in await pending(club)]
    rows = await club.bot.storage.fetchall(
        "SELECT number, first_episode, event_id FROM watch_parties ORDER BY number DESC LIMIT 1"
    )
    assert (rows[0][0], rows[0][1]) == (13, 13) and rows[0][2] is not None  # with its Discord event
    plan = next(m for m in club.channel.history() if m.embeds and "Episode 13" in str(m.embeds[0].to_dict()))
    assert plan.author.id == club.bot.user.id


async def test_the_last_episode_says_the_drama_ended_and_the_follow_ends(club: Club, tmdb: FakeTmdb) -> None:
    for number in (13, 14, 15, 16):  # every episode dated: the 16th is the last
        tmdb.date_episode(900003, number, club.env.now().date() + timedelta(days=30 + number))
    await club.admin.slash(club.channel, "follow add", title="Fixture Hearts on Air")
    *_, (last, airs_at) = await pending(club)
    assert last == 16
    await until(club, airs_at + timedelta(minutes=1))
    final = announcements(club)[-1]
    assert "**Episode 16**" in final.content
    assert "has ended. Rate it with `/rate title:Fixture Hearts on Air`" in final.content
    assert await club.bot.storage.fetchall("SELECT * FROM follows") == []


async def test_an_announcement_discord_refuses_is_logged_and_shown_to_the_admin(
    club: Club, caplog: pytest.LogCaptureFixture
) -> None:
    await club.admin.slash(club.channel, "follow add", title="Fixture Hearts on Air")
    (_, fifth), (_, sixth), *_ = await pending(club)
    club.env.inject_error(
        "POST", "/channels/*/messages", status=403, code=50013, message="Missing Permissions", times=1
    )
    await until(club, fifth + timedelta(minutes=1))
    assert announcements(club) == []
    assert any("Could not announce Episode 5" in r.getMessage() for r in caplog.records)
    mine = await club.admin.slash(club.channel, "follow list")
    assert "⚠️ Episode 5 (" in mine.response.embeds[0].description
    assert "was not announced: Discord refused (403)" in mine.response.embeds[0].description
    await until(club, sixth + timedelta(minutes=1))  # the next one goes out, and the warning clears
    assert len(announcements(club)) == 1
    mine = await club.admin.slash(club.channel, "follow list")
    assert "⚠️" not in mine.response.embeds[0].description


def fetches(tmdb: FakeTmdb, tmdb_id: int = 900003) -> int:
    return tmdb.paths().count(f"/3/tv/{tmdb_id}")


async def test_a_bot_restarted_every_hour_still_looks_at_tmdb_daily(club: Club, tmdb: FakeTmdb) -> None:
    await club.admin.slash(club.channel, "follow add", title="Fixture Hearts on Air")
    first = fetches(tmdb)
    assert first >= 1
    for _ in range(23):  # restarted every hour, at the hour's end: the data is not a day old yet
        await club.env.advance_time(3600)
        await club.restart()
    assert fetches(tmdb) == first
    for _ in range(3):  # a day after the fetch, whichever run is up looks, once
        await club.env.advance_time(3600)
        await club.restart()
    assert fetches(tmdb) == first + 1


async def test_a_bot_down_for_two_days_looks_within_a_minute_of_starting(club: Club, tmdb: FakeTmdb) -> None:
    await club.admin.slash(club.channel, "follow add", title="Fixture Hearts on Air")
    before = fetches(tmdb)
    two_days_ago = (club.env.now() - timedelta(days=2)).isoformat()
    await club.bot.storage.execute("UPDATE tmdb_dramas SET fetched_at = ?", (two_days_ago,))  # as if away
    tmdb.date_episode(900003, 13, club.env.now().date() + timedelta(days=40))
    await club.restart()
    await club.env.advance_time(60)
    assert fetches(tmdb) == before + 1
    assert 13 in [episode for episode, _ in await pending(club)]  # the new date is already followed


async def test_a_member_looking_at_a_drama_carries_its_new_dates_into_the_follow_at_once(
    club: Club, tmdb: FakeTmdb
) -> None:
    """TMDB was down at the daily look (tried again in an hour); a member's card fetches it first."""
    await club.admin.slash(club.channel, "follow add", title="Fixture Hearts on Air")
    tmdb.status = 503
    await club.env.advance_time(86400 + 60)
    tmdb.status = None
    tmdb.date_episode(900003, 13, club.env.now().date() + timedelta(days=40))
    await club.alice.slash(club.channel, "drama", title=AIRING)  # stale: fetched again for her card
    await club.env.advance_time(1)
    assert 13 in [episode for episode, _ in await pending(club)]


def ts(moment: datetime) -> int:
    return int(moment.timestamp())


def party_times(rows: list[object]) -> dict[int, tuple[str, int | None, bool]]:
    return {r[0]: (r[1], r[2], bool(r[3])) for r in rows}  # type: ignore[index]


async def test_when_tmdb_moves_an_episode_the_follow_and_the_watch_party_follow_and_the_club_is_told(
    club: Club, tmdb: FakeTmdb
) -> None:
    await follow_and_plan(club)
    read = "SELECT number, starts_at, event_id, cancelled_at IS NOT NULL FROM watch_parties ORDER BY number"
    before = party_times(await club.bot.storage.fetchall(read))
    aired = dict(await pending(club))
    eighth = tmdb.shows[900003]["_season_episodes"][1][7]["air_date"]
    tmdb.date_episode(900003, 8, datetime.fromisoformat(eighth).date() + timedelta(days=1))  # a news special

    await club.env.advance_time(86400 + 60)  # the daily look
    moved = dict(await pending(club))
    assert moved[8] == aired[8] + timedelta(days=1)
    after = party_times(await club.bot.storage.fetchall(read))
    assert instant(after[8][0]) == instant(before[8][0]) + timedelta(days=1)
    assert after[8][1] == before[8][1]  # the same Discord event, edited: RSVPs stay
    event = club.bot.get_guild(club.guild.id).get_scheduled_event(after[8][1])  # type: ignore[union-attr]
    assert event is not None and event.start_time == instant(after[8][0])
    assert all(after[n][0] == before[n][0] for n in before if n != 8)  # the others stay
    edits = [r for r in club.env.http_requests if r.method == "PATCH" and "/scheduled-events/" in r.path]
    assert len(edits) == 1
    told = [m.content for m in club.channel.history() if "moves" in m.content and m.author.id == club.bot.user.id]
    assert len(told) == 2  # one for the follow, one for the plan
    day = aired[8].astimezone(ZoneInfo("Asia/Seoul")).strftime("%A")
    assert f"📺 No episode on {day}: Episode 8 of **Fixture Hearts on Air** moves to <t:{ts(moved[8])}:F>" in told[0]
    party_day = instant(before[8][0]).astimezone(ZoneInfo("Asia/Seoul")).strftime("%A")
    assert told[1] == (
        f"📅 TMDB moved Episode 8 of **Fixture Hearts on Air**: its watch party moves from {party_day} "
        f"to <t:{ts(instant(after[8][0]))}:F>."
    )

    await club.env.advance_time(86400 + 60)  # the next look finds nothing new: nobody is told twice
    assert len([m for m in club.channel.history() if "moves" in m.content and m.author.id == club.bot.user.id]) == 2


async def test_a_drama_that_ends_early_cancels_its_unplayed_parties_and_its_finale_ends_the_follow(
    club: Club, tmdb: FakeTmdb
) -> None:
    await follow_and_plan(club)
    tmdb.end_at(900003, 10)  # episode 10 is the finale: 11 and 12 will not air
    await club.env.advance_time(86400 + 60)
    rows = await club.bot.storage.fetchall(
        "SELECT number, event_id, cancelled_at IS NOT NULL FROM watch_parties ORDER BY number"
    )
    assert [(r[0], bool(r[2])) for r in rows if r[0] >= 10] == [(10, False), (11, True), (12, True)]
    names = [e.name for e in club.bot.get_guild(club.guild.id).scheduled_events]  # type: ignore[union-attr]
    assert not any("Episode 11" in n or "Episode 12" in n for n in names)
    told = [m.content for m in club.channel.history() if "TMDB no longer lists" in m.content]
    assert told and "Episode 11, Episode 12" in told[0] and "cancelled" in told[0]
    episodes = [episode for episode, _ in await pending(club)]
    assert max(episodes) == 10
    last = await club.bot.storage.fetchall("SELECT episode FROM announcements WHERE last = 1")
    assert [r[0] for r in last] == [10]


async def test_a_party_that_cannot_follow_a_move_keeps_its_time_and_hosts_are_told_once(
    club: Club, tmdb: FakeTmdb
) -> None:
    soon = (club.env.now() + timedelta(hours=2)).astimezone(ZoneInfo("Asia/Seoul"))
    await club.admin.slash(
        club.channel, "watchparty schedule", title="Fixture Hearts on Air", start=soon.strftime("%Y-%m-%d %H:%M")
    )
    read = "SELECT number, starts_at FROM watch_parties ORDER BY number"
    before = {r[0]: r[1] for r in await club.bot.storage.fetchall(read)}
    await club.env.advance_time(3 * 86400)  # parties 1 and 2 are over; party 3 is days ahead
    second = tmdb.shows[900003]["_season_episodes"][1][1]["air_date"]
    tmdb.date_episode(900003, 3, datetime.fromisoformat(second).date())  # episode 3 now airs with episode 2
    await club.env.advance_time(86400 + 60)
    after = {r[0]: r[1] for r in await club.bot.storage.fetchall(read)}
    assert after == before  # nothing moved into the past
    told = [m.content for m in club.channel.history() if "keeps its time" in m.content]
    assert told == [
        "⚠️ The watch party for Episode 3 of **Fixture Hearts on Air** keeps its time: TMDB's new date puts it "
        "in the past. A host can cancel it with `/watchparty cancel`, or plan again."
    ]
    await club.env.advance_time(86400 + 60)
    assert len([m for m in club.channel.history() if "keeps its time" in m.content]) == 1  # told once


class Crash(Exception):
    """A fault hook: the bot stops here, as a killed process would."""


async def stop_after(monkeypatch: pytest.MonkeyPatch, owner: object, method: str, *, run_it: bool) -> None:
    original = getattr(owner, method)

    async def stopped(*args: object, **kwargs: object) -> object:
        if run_it:
            await original(*args, **kwargs)
        raise Crash(method)

    monkeypatch.setattr(owner, method, stopped)


@pytest.mark.parametrize(
    ("step", "run_it"),
    [
        ("send", False),  # claimed, then stopped before posting
        ("create_thread", False),  # posted, stopped before its thread
        ("create_thread", True),  # posted with its thread, stopped before writing it down
    ],
)
async def test_an_announcement_a_stop_interrupted_is_completed_at_the_next_start_and_never_twice(
    club: Club, monkeypatch: pytest.MonkeyPatch, step: str, run_it: bool
) -> None:
    await club.admin.slash(club.channel, "follow add", title="Fixture Hearts on Air")
    (_, fifth), *_ = await pending(club)
    owner = discord.TextChannel if step == "send" else discord.Message
    await stop_after(monkeypatch, owner, step, run_it=run_it)
    await until(club, fifth + timedelta(seconds=30))
    monkeypatch.undo()
    await club.restart()
    await club.env.advance_time(5)
    (posted,) = announcements(club)
    assert "**Episode 5** of **Fixture Hearts on Air**" in posted.content
    assert [t.name for t in club.channel.threads] == ["Fixture Hearts on Air · Episode 5"]
    rows = await club.bot.storage.fetchall("SELECT state, message_id FROM announcements WHERE episode = 5")
    assert [(r[0], r[1]) for r in rows] == [("sent", posted.id)]


async def test_a_new_follow_starts_with_the_next_episode_and_says_so(club: Club, tmdb: FakeTmdb) -> None:
    """Episode 5 aired an hour ago: following now does not announce it as airing now."""
    tmdb.date_episode(900003, 5, club.env.now().date())  # 21:00 in Seoul: 12:00 UTC
    await club.env.advance_time(13 * 3600)
    result = await club.admin.slash(club.channel, "follow add", title="Fixture Hearts on Air")
    text = (result.response or result.followups[0]).content
    (first, _), *_ = await pending(club)
    assert first == 6 and "Next: Episode 6," in text
    await club.env.advance_time(60)
    assert [m.content for m in announcements(club)] == []  # nothing "airs now" that aired before the follow


async def test_airing_lists_follows_with_no_dated_episode_in_the_coming_days(club: Club, tmdb: FakeTmdb) -> None:
    for number in range(5, 17):  # TMDB takes back every later date: nothing is dated ahead
        tmdb.shows[900003]["_season_episodes"][1][number - 1]["air_date"] = None
    await club.admin.slash(club.channel, "follow add", title="Fixture Hearts on Air")
    result = await club.alice.slash(club.channel, "airing")
    assert not result.ephemeral
    lines = result.response.embeds[0].description.splitlines()
    assert lines == ["No followed episode airs in the next 7 days.", "**Fixture Hearts on Air** · no dated episode yet"]


async def test_unfollow_offers_the_dramas_this_server_follows(club: Club) -> None:
    assert await club.admin.autocomplete(club.channel, "unfollow", "title", "") == []
    await club.admin.slash(club.channel, "follow add", title="Fixture Hearts on Air")
    choices = await club.admin.autocomplete(club.channel, "unfollow", "title", "")
    assert choices == [{"name": "Fixture Hearts on Air (2025)", "value": AIRING}]
    assert await club.admin.autocomplete(club.channel, "unfollow", "title", "soundtrack") == []


async def test_a_party_of_two_episodes_whose_second_moves_past_it_keeps_its_time_and_hosts_are_told(
    club: Club, tmdb: FakeTmdb
) -> None:
    """Episodes 7 and 8 are watched together; TMDB moves 8 three weeks, past the party's day."""
    eighth = datetime.fromisoformat(tmdb.shows[900003]["_season_episodes"][1][7]["air_date"]).date()
    start = (club.env.now() + timedelta(days=1)).strftime("%Y-%m-%d 22:00")
    await club.admin.slash(
        club.channel, "watchparty schedule", title="Fixture Hearts on Air", start=start, episodes_per_party=2
    )
    before = {r[0]: r[1] for r in await club.bot.storage.fetchall("SELECT first_episode, starts_at FROM watch_parties")}
    tmdb.date_episode(900003, 8, eighth + timedelta(weeks=3))
    await club.env.advance_time(86400 + 60)
    after = {r[0]: r[1] for r in await club.bot.storage.fetchall("SELECT first_episode, starts_at FROM watch_parties")}
    assert after[7] == before[7]  # not moved, not split
    told = [m.content for m in club.channel.history() if "keeps its time" in m.content]
    assert told == [
        "⚠️ The watch party for Episodes 7–8 of **Fixture Hearts on Air** keeps its time: Episode 8 now airs after "
        "it. A host can cancel it with `/watchparty cancel`, or plan again."
    ]
