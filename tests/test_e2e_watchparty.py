"""Watch parties end to end: the host plans a series, members RSVP, the bot reminds them.

simcord's clock starts at 2026-01-01 00:00 UTC; ``advance_time`` moves it (and the bot's timers).
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import discord
import icalendar
import pytest

from bot.client import ClubTree
from bot.drama import Drama
from bot.parties import Party
from tests.conftest import Club

START = "2026-01-10 20:00"  # Asia/Seoul, the default zone: 11:00 UTC
FIRST = datetime(2026, 1, 10, 11, tzinfo=UTC)


def ts(moment: datetime) -> int:
    return int(moment.timestamp())


async def schedule(club: Club, **options: object) -> discord.Message:
    result = await club.admin.slash(club.channel, "watchparty schedule", title="Soundtrack #1", start=START, **options)
    assert not result.ephemeral, result.response.content if result.response else result
    assert result.response is not None and not result.followups  # the plan is the answer itself
    return result.response.message


def events(club: Club) -> list[discord.ScheduledEvent]:
    guild = club.bot.get_guild(club.guild.id)
    assert guild is not None
    return sorted(guild.scheduled_events, key=lambda e: e.start_time)


def bot_messages(club: Club) -> list[discord.Message]:
    """What the bot posted for everyone in the channel, oldest first."""
    assert club.bot.user is not None
    return [m for m in club.channel.history() if m.author.id == club.bot.user.id and not m.flags.ephemeral]


async def advance_to(club: Club, moment: datetime) -> None:
    await club.env.advance_time((moment - club.env.now()).total_seconds())


async def test_soundtrack_1_becomes_four_weekly_discord_events(club: Club) -> None:
    message = await schedule(club)

    found = events(club)
    assert [e.name for e in found] == [f"Soundtrack #1 - Episode {n} watch party" for n in range(1, 5)]
    assert [e.start_time for e in found] == [FIRST + timedelta(weeks=n) for n in range(4)]
    assert [e.end_time for e in found] == [FIRST + timedelta(weeks=n, minutes=60) for n in range(4)]
    assert all(e.entity_type is discord.EntityType.external and e.location == "Online" for e in found)

    bodies = [r.json for r in club.env.http_requests if r.method == "POST" and r.path.endswith("/scheduled-events")]
    assert len(bodies) == 4
    assert all(b["entity_type"] == 3 and b["privacy_level"] == 2 for b in bodies)

    (embed,) = message.embeds
    assert embed.title == "Watch party: Soundtrack #1 (2022)"
    for n in range(4):
        assert (
            f"**Episode {n + 1}** · <t:{ts(FIRST + timedelta(weeks=n))}:F> (<t:{ts(FIRST + timedelta(weeks=n))}:R>)"
            in (embed.description or "")
        )
    assert "20:00 Asia/Seoul" in (embed.footer.text or "")
    rows = await club.bot.storage.fetchall("SELECT count(*) AS n, count(event_id) AS with_event FROM watch_parties")
    assert (rows[0]["n"], rows[0]["with_event"]) == (4, 4)
    # The plan itself is the answer, before Discord is asked for any event; its message is remembered.
    posts = [r for r in club.env.http_requests if r.method == "POST"]
    first_event = next(n for n, r in enumerate(posts) if r.path.endswith("/scheduled-events"))
    (answer,) = [r.json for r in posts[:first_event] if r.path.endswith("/callback")]
    assert answer["type"] == 4 and answer["data"]["embeds"][0]["title"] == embed.title
    assert [tuple(r) for r in await club.bot.storage.fetchall("SELECT announcement_id FROM watch_series")] == [
        (message.id,)
    ]


async def test_a_voice_channel_party_is_a_voice_event(club: Club) -> None:
    lounge = club.guild.create_voice_channel("Drama lounge")
    await schedule(club, channel=lounge, episodes_per_party=2, timezone="Europe/Berlin")
    found = events(club)
    assert len(found) == 2
    assert all(e.entity_type is discord.EntityType.voice and e.channel_id == lounge.id for e in found)
    assert found[0].start_time == datetime(2026, 1, 10, 19, tzinfo=UTC)
    assert found[0].end_time == datetime(2026, 1, 10, 20, 45, tzinfo=UTC)


async def test_scheduling_twice_creates_nothing_twice(club: Club) -> None:
    await schedule(club)
    result = await club.admin.slash(club.channel, "watchparty schedule", title="soundtrack 1", start=START)
    assert "already planned" in result.response.content
    assert len(events(club)) == 4
    rows = await club.bot.storage.fetchall("SELECT count(*) FROM watch_parties")
    assert rows[0][0] == 4


async def test_members_without_manage_events_are_refused_and_nothing_is_made(club: Club) -> None:
    result = await club.alice.slash(club.channel, "watchparty schedule", title="Soundtrack #1", start=START)
    assert result.ephemeral
    assert result.response.content == "You need the **Manage Events** permission to do that."
    assert events(club) == []
    assert (await club.bot.storage.fetchall("SELECT count(*) FROM watch_series"))[0][0] == 0


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"start": "2025-12-24 20:00"}, "has already passed"),
        ({"start": "next friday at eight"}, "Write it as `YYYY-MM-DD HH:MM`"),
        ({"start": START, "timezone": "Mars/Olympus"}, "not a time zone I know"),
        ({"start": START, "title": "Crash Landing on Mars"}, "couldn't find a drama"),
        ({"start": START, "episodes_per_party": 5}, "`episodes_per_party` must be between 1 and 4"),
    ],
)
async def test_bad_input_is_refused_and_nothing_is_stored(
    club: Club, options: dict[str, object], expected: str
) -> None:
    arguments = {"title": "Soundtrack #1", **options}
    result = await club.admin.slash(club.channel, "watchparty schedule", **arguments)
    assert result.ephemeral
    assert expected in result.response.content
    assert events(club) == []
    assert (await club.bot.storage.fetchall("SELECT count(*) FROM watch_parties"))[0][0] == 0


async def test_without_manage_events_for_the_bot_parties_are_kept_and_the_host_is_told(club: Club) -> None:
    # Without the permission Discord refuses every one of the four events.
    club.env.inject_error(
        "POST", "/guilds/*/scheduled-events", status=403, code=50013, message="Missing Permissions", times=4
    )
    result = await club.admin.slash(club.channel, "watchparty schedule", title="Soundtrack #1", start=START)
    assert not result.response.ephemeral  # the plan is announced all the same
    warning = result.followups[0]
    assert warning.ephemeral and "**Manage Events**" in warning.content and "run the same" in warning.content
    assert events(club) == []
    rows = await club.bot.storage.fetchall("SELECT count(*), count(event_id) FROM watch_parties")
    assert tuple(rows[0]) == (4, 0)

    # Reminders still work without events.
    await club.alice.click(bot_messages(club)[-1], label="Join")
    await advance_to(club, FIRST - timedelta(minutes=15))
    assert "Episode 1** watch party starts" in bot_messages(club)[-1].content

    # Once the permission is granted, the same command fills in the events, once.
    await club.admin.slash(club.channel, "watchparty schedule", title="Soundtrack #1", start=START)
    assert len(events(club)) == 4


async def test_when_discord_fails_one_event_the_others_are_kept_and_a_rerun_adds_only_the_missing_one(
    club: Club, caplog: pytest.LogCaptureFixture
) -> None:
    club.env.inject_error(
        "POST", "/guilds/*/scheduled-events", status=400, code=50035, message="Invalid Form Body", times=1
    )
    result = await club.admin.slash(club.channel, "watchparty schedule", title="Soundtrack #1", start=START)
    # The plan is the answer, at once; the failure reaches the host alone, with an error id.
    assert "watch parties for **Soundtrack #1 (2022)**" in result.response.content
    assert not result.response.ephemeral
    (failure,) = result.followups
    assert failure.ephemeral and "error id `" in failure.content
    error_id = failure.content.split("`")[1]
    assert any(error_id in r.getMessage() and r.exc_info for r in caplog.records)  # logged with its traceback
    (raised,) = club.take_errors()
    assert "Invalid Form Body" in str(raised)
    assert len(events(club)) == 3  # the events Discord did create are all stored
    rows = await club.bot.storage.fetchall("SELECT count(*), count(event_id) FROM watch_parties")
    assert tuple(rows[0]) == (4, 3)
    assert sorted(e.id for e in events(club)) == sorted(
        r[0] for r in await club.bot.storage.fetchall("SELECT event_id FROM watch_parties WHERE event_id IS NOT NULL")
    )

    await schedule(club)  # the same command again creates the one that is missing, and nothing twice
    assert len(events(club)) == 4
    rows = await club.bot.storage.fetchall("SELECT count(event_id), count(DISTINCT event_id) FROM watch_parties")
    assert tuple(rows[0]) == (4, 4)


async def test_join_button_and_event_interest_both_count_and_reminders_fire_once(club: Club) -> None:
    announcement = await schedule(club)
    joined = await club.alice.click(announcement, label="Join")
    assert joined.ephemeral and "You're going!" in joined.response.content
    again = await club.alice.click(announcement, label="Join")
    assert "already joined" in again.response.content
    second_event = events(club)[1]
    await club.bob.subscribe_event(second_event.id)

    listing = await club.bob.slash(club.channel, "watchparty list")
    text = listing.followups[0].embeds[0].description if listing.followups else listing.response.embeds[0].description
    lines = (text or "").splitlines()
    assert "Episode 1" in lines[0] and "1 going" in lines[0]
    assert "Episode 2" in lines[1] and "2 going" in lines[1]

    before = len(bot_messages(club))
    await advance_to(club, FIRST - timedelta(minutes=16))
    assert len(bot_messages(club)) == before, "nothing before the reminder time"

    await club.env.advance_time(60)  # 15 minutes before episode 1
    reminder = bot_messages(club)[-1]
    assert reminder.content.startswith("⏰ **Soundtrack #1 · Episode 1** watch party starts")
    assert reminder.content.splitlines()[0].endswith(f"<t:{ts(FIRST)}:F> (<t:{ts(FIRST)}:R>) online.")
    assert club.alice.mention in reminder.content and club.bob.mention not in reminder.content
    sent = [
        r.json
        for r in club.env.http_requests
        if r.method == "POST" and r.path == f"/channels/{club.channel.id}/messages"
    ]
    assert sent[-1]["allowed_mentions"] == {"parse": [], "users": [club.alice.id]}

    await club.env.advance_time(15 * 60)
    start = bot_messages(club)[-1]
    assert start.content == "▶️ **Soundtrack #1 · Episode 1** watch party is starting now online. Enjoy!"
    count_after_start = len(bot_messages(club))
    await club.env.advance_time(30 * 60)
    assert len(bot_messages(club)) == count_after_start, "each notice is sent once"

    await advance_to(club, FIRST + timedelta(weeks=1, minutes=-15))
    second = bot_messages(club)[-1]
    assert "Episode 2** watch party starts" in second.content
    assert club.alice.mention in second.content and club.bob.mention in second.content

    left = await club.alice.click(announcement, label="Leave")
    assert "left this series" in left.response.content


async def test_a_plan_after_the_reminder_loops_next_look_leaves_it_asleep_and_both_are_reminded(club: Club) -> None:
    cog = club.bot.get_cog("WatchParty")
    assert cog is not None
    await schedule(club)  # the loop slept a month with nothing planned: this wakes it
    loop = cog._notices._task  # type: ignore[attr-defined]
    later = datetime(2026, 1, 10, 13, tzinfo=UTC)
    await club.admin.slash(
        club.channel, "watchparty schedule", title="Soundtrack #1", start="2026-01-10 22:00", existing="keep"
    )
    assert cog._notices._task is loop, "a plan days ahead does not restart the loop"  # type: ignore[attr-defined]

    await advance_to(club, later - timedelta(minutes=15))
    reminders = [m.content for m in bot_messages(club) if m.content.startswith("⏰")]
    assert len(reminders) == 2
    assert f"<t:{ts(FIRST)}:F>" in reminders[0] and f"<t:{ts(later)}:F>" in reminders[1]


async def test_a_plan_before_the_reminder_loops_next_look_wakes_it(club: Club) -> None:
    await schedule(club)  # the loop now sleeps until the first reminder, nine days ahead
    soon = datetime(2026, 1, 1, 2, tzinfo=UTC)  # 11:00 in Seoul, two hours from simcord's start
    await club.admin.slash(
        club.channel, "watchparty schedule", title="Soundtrack #1", start="2026-01-01 11:00", existing="keep"
    )

    await advance_to(club, soon - timedelta(minutes=15))
    reminders = [m.content for m in bot_messages(club) if m.content.startswith("⏰")]
    assert len(reminders) == 1 and f"<t:{ts(soon)}:F>" in reminders[0]


async def test_a_restart_between_planning_and_reminding_still_reminds_exactly_once(club: Club) -> None:
    announcement = await schedule(club)
    await club.alice.click(announcement, label="Join")
    await club.restart()

    await advance_to(club, FIRST - timedelta(minutes=15))
    reminders = [m for m in bot_messages(club) if m.content.startswith("⏰")]
    assert len(reminders) == 1 and club.alice.mention in reminders[0].content

    await club.restart()
    await club.env.advance_time(60)
    assert len([m for m in bot_messages(club) if m.content.startswith("⏰")]) == 1

    # the Join button on the old announcement still works after restarts
    result = await club.bob.click(announcement, label="Join")
    assert "You're going!" in result.response.content


async def test_a_reminder_missed_while_the_bot_was_away_is_skipped_once_the_party_started(club: Club) -> None:
    await schedule(club)
    cog = club.bot.get_cog("WatchParty")
    assert cog is not None
    # As if the bot came back five minutes into episode 1's party:
    await cog.deliver_due(FIRST + timedelta(minutes=5))  # type: ignore[attr-defined]
    rows = await club.bot.storage.fetchall("SELECT reminder, start_notice FROM watch_parties WHERE number = 1")
    assert tuple(rows[0]) == ("skipped", "sent")
    assert bot_messages(club)[-1].content.startswith("▶️ **Soundtrack #1 · Episode 1**")
    # ...and a reminder whose time passed before the party started is sent late:
    await cog.deliver_due(FIRST + timedelta(weeks=1, minutes=-5))  # type: ignore[attr-defined]
    rows = await club.bot.storage.fetchall("SELECT reminder, start_notice FROM watch_parties WHERE number = 2")
    assert tuple(rows[0]) == ("sent", "pending")


def plan_lines(club: Club, announcement: discord.Message) -> list[str]:
    """The party lines of the announcement as members see it now."""
    (message,) = [m for m in bot_messages(club) if m.id == announcement.id]
    (embed,) = message.embeds
    return (embed.description or "").splitlines()


async def test_cancel_one_party_or_the_rest_of_the_series(club: Club) -> None:
    announcement = await schedule(club)
    choices = await club.admin.autocomplete(club.channel, "watchparty cancel", "party", "")
    assert len(choices) == 4 and choices[1]["name"].startswith("Soundtrack #1 · Episode 2 · 17 Jan 20:00 Asia/Seoul")

    result = await club.admin.slash(club.channel, "watchparty cancel", party=choices[1]["value"])
    assert "Cancelled 1 watch party of **Soundtrack #1** (Episode 2)" in result.response.content
    assert [e.name for e in events(club)] == [f"Soundtrack #1 - Episode {n} watch party" for n in (1, 3, 4)]
    # The announcement shows the cancelled party struck through, and the others as they were.
    second = ts(FIRST + timedelta(weeks=1))
    cancelled = f"~~ cancelled by <@{club.admin.id}>"  # the announcement says who cancelled
    assert plan_lines(club, announcement)[1] == f"~~**Episode 2** · <t:{second}:F>{cancelled}"
    assert plan_lines(club, announcement)[0].startswith("**Episode 1** · ")

    result = await club.admin.slash(club.channel, "watchparty cancel", party=choices[2]["value"], series=True)
    assert "Cancelled 2 watch parties of **Soundtrack #1** (Episode 3, Episode 4)" in result.response.content
    assert [e.name for e in events(club)] == ["Soundtrack #1 - Episode 1 watch party"]
    assert [line.endswith(cancelled) for line in plan_lines(club, announcement)] == [False, True, True, True]
    # A Join click re-draws the plan from what is stored: the cancellations stay struck through.
    await club.alice.click(announcement, label="Join")
    assert [line.endswith(cancelled) for line in plan_lines(club, announcement)] == [False, True, True, True]

    again = await club.admin.slash(club.channel, "watchparty cancel", party=choices[2]["value"])
    assert again.ephemeral and "already cancelled" in again.response.content
    refused = await club.alice.slash(club.channel, "watchparty cancel", party=choices[0]["value"])
    assert refused.ephemeral and "Manage Events" in refused.response.content

    await advance_to(club, FIRST + timedelta(weeks=1, minutes=-15))
    assert not any("Episode 2" in m.content for m in bot_messages(club))


async def test_cancelling_a_series_deletes_its_events_together(club: Club, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each deletion is a request to Discord; a long series does not wait for them one by one."""
    await schedule(club)
    choices = await club.admin.autocomplete(club.channel, "watchparty cancel", "party", "")
    delete = discord.ScheduledEvent.delete
    in_flight: list[int] = []
    most = 0

    async def counted(event: discord.ScheduledEvent) -> None:
        nonlocal most
        in_flight.append(event.id)
        most = max(most, len(in_flight))
        try:
            await asyncio.sleep(0)  # Discord takes a while to answer: the other deletions may start meanwhile
            await delete(event)
        finally:
            in_flight.remove(event.id)

    monkeypatch.setattr(discord.ScheduledEvent, "delete", counted)
    result = await club.admin.slash(club.channel, "watchparty cancel", party=choices[0]["value"], series=True)
    assert "Cancelled 4 watch parties" in result.response.content
    assert events(club) == [] and most == 4


async def test_a_party_cancelled_or_given_an_event_while_its_event_is_made_keeps_no_second_event(
    club: Club, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While the events are being made, a host cancels episode 2's party and another run of the
    same plan gives episode 1's party an event first: the events made for those two are deleted."""
    calendar = club.bot.planner.calendar
    store = club.bot.planner.store
    make = calendar.create_event
    other: list[int] = []

    async def meanwhile(drama: Drama, party: Party) -> int:
        if party.number == 1:
            other.append(await make(drama, party))  # the other run's event, stored first
            await store.record_events(party.series_id, None, {party.id: other[0]})
        if party.number == 2:
            assert await store.cancel([party.id], discord.utils.utcnow()) == {party.id: None}
        return await make(drama, party)

    monkeypatch.setattr(calendar, "create_event", meanwhile)
    await schedule(club)

    deleted = [r.path for r in club.env.http_requests if r.method == "DELETE" and "/scheduled-events/" in r.path]
    assert len(deleted) == 2
    assert [e.name for e in events(club)] == [f"Soundtrack #1 - Episode {n} watch party" for n in (1, 3, 4)]
    stored = await club.bot.storage.fetchall("SELECT number, event_id, cancelled_at IS NOT NULL FROM watch_parties")
    by_number = {row[0]: (row[1], bool(row[2])) for row in stored}
    assert by_number[1] == (other[0], False)
    assert by_number[2] == (None, True)
    assert sorted(e.id for e in events(club)) == sorted(event for event, _ in by_number.values() if event)


async def test_cancel_deletes_the_event_stored_after_the_party_was_read(
    club: Club, monkeypatch: pytest.MonkeyPatch
) -> None:
    """/watchparty cancel deletes the event the party has when it is cancelled, not the one it had
    when the command read it (here: none yet)."""
    await schedule(club)
    choices = await club.admin.autocomplete(club.channel, "watchparty cancel", "party", "")
    await club.bot.storage.execute("UPDATE watch_parties SET event_id = NULL")  # as read: no events yet
    from bot.parties import PartyStore

    read = PartyStore.party
    ids = sorted(e.id for e in events(club))

    async def then_the_events_land(self: PartyStore, party_id: int):  # type: ignore[no-untyped-def]
        party = await read(self, party_id)
        await club.bot.storage.execute(
            "UPDATE watch_parties SET event_id = ? WHERE number = ?", (ids[party.number - 1], party.number)
        )
        return party

    monkeypatch.setattr(PartyStore, "party", then_the_events_land)
    result = await club.admin.slash(club.channel, "watchparty cancel", party=choices[1]["value"])
    assert "Cancelled 1 watch party" in result.response.content
    assert [e.name for e in events(club)] == [f"Soundtrack #1 - Episode {n} watch party" for n in (1, 3, 4)]


async def test_export_gives_a_calendar_of_the_upcoming_parties(club: Club) -> None:
    await schedule(club)
    result = await club.bob.slash(club.channel, "watchparty export")
    assert result.ephemeral
    (attachment,) = result.response.attachments
    assert attachment.filename == "watch-parties.ics"
    calendar = icalendar.Calendar.from_ical(await attachment.read())
    found = list(calendar.walk("VEVENT"))
    assert [str(c["SUMMARY"]) for c in found] == [f"Soundtrack #1 - Episode {n} watch party" for n in range(1, 5)]
    assert [c.decoded("DTSTART") for c in found] == [FIRST + timedelta(weeks=n) for n in range(4)]

    one = await club.bob.slash(club.channel, "watchparty export", title="Soundtrack #1")
    assert one.response.attachments[0].filename == "watch-parties-soundtrack-1.ics"


async def test_export_with_nothing_planned_says_so(club: Club) -> None:
    result = await club.bob.slash(club.channel, "watchparty export")
    assert result.ephemeral and result.response.content == "There are no upcoming watch parties to export."


async def test_a_drama_with_parties_cannot_be_removed_from_the_catalog(club: Club) -> None:
    from tests.factories import drama_toml

    text = drama_toml("Moonlit Bakery", 2023, episodes=2)
    await club.admin.slash(club.channel, "catalog add", file=("m.toml", text.encode()))
    await club.admin.slash(club.channel, "watchparty schedule", title="Moonlit Bakery", start=START)
    result = await club.admin.slash(club.channel, "catalog remove", title="Moonlit Bakery")
    assert result.ephemeral
    assert "this server still has 2 watch parties, 1 watch series for it" in result.response.content


async def test_a_bug_behind_a_button_shows_an_error_id(club: Club, monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.parties import PartyStore

    announcement = await schedule(club)

    async def broken(self: PartyStore, *args: object, **kwargs: object) -> None:
        raise RuntimeError("rsvp exploded")

    monkeypatch.setattr(PartyStore, "join", broken)
    result = await club.alice.click(announcement, label="Join")
    assert result.ephemeral and "error id `" in result.response.content
    assert "exploded" not in result.response.content


async def test_a_series_across_the_us_dst_switch_keeps_8pm_in_new_york(club: Club) -> None:
    # US clocks go forward on 8 March 2026: 20:00 in New York is 01:00 UTC before, 00:00 UTC after.
    await club.admin.slash(
        club.channel,
        "watchparty schedule",
        title="Soundtrack #1",
        start="2026-03-04 20:00",
        timezone="America/New_York",
    )
    starts = [e.start_time for e in events(club)]
    assert starts == [
        datetime(2026, 3, 5, 1, tzinfo=UTC),
        datetime(2026, 3, 12, 0, tzinfo=UTC),
        datetime(2026, 3, 19, 0, tzinfo=UTC),
        datetime(2026, 3, 26, 0, tzinfo=UTC),
    ]


async def test_a_series_with_nothing_left_to_watch_cannot_be_joined(club: Club) -> None:
    announcement = await schedule(club)
    choices = await club.admin.autocomplete(club.channel, "watchparty cancel", "party", "")
    await club.admin.slash(club.channel, "watchparty cancel", party=choices[0]["value"], series=True)
    result = await club.alice.click(announcement, label="Join")
    assert result.ephemeral and "over or cancelled, so there is nothing to join" in result.response.content
    assert (await club.bot.storage.fetchall("SELECT count(*) FROM series_members"))[0][0] == 0
    assert all(line.endswith(f"~~ cancelled by <@{club.admin.id}>") for line in plan_lines(club, announcement))


async def test_cancel_still_works_when_the_announcement_cannot_be_edited(club: Club) -> None:
    announcement = await schedule(club)
    choices = await club.admin.autocomplete(club.channel, "watchparty cancel", "party", "")
    club.env.inject_error("PATCH", "/channels/*/messages/*", status=404, code=10008, message="Unknown Message", times=1)
    result = await club.admin.slash(club.channel, "watchparty cancel", party=choices[1]["value"])
    assert "Cancelled 1 watch party of **Soundtrack #1** (Episode 2)" in result.response.content
    assert len(events(club)) == 3
    assert not any("cancelled" in line for line in plan_lines(club, announcement))  # left as it was
    assert club.take_errors() == []


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"start": "9999-12-20 20:00"}, "9999-12-20 20:00 is too far ahead: pick a start within the next 5 years."),
        (
            {"start": "0001-01-01 20:00"},
            "0001-01-01 20:00 in Asia/Seoul has already passed. Pick a start in the future.",
        ),
        (
            {"start": "2026-03-08 02:30", "timezone": "America/New_York"},
            "2026-03-08 02:30 does not exist in America/New_York: the clocks skip it that night (daylight saving "
            "time). The nearest times are 01:59 and 03:00.",
        ),
        (
            {"start": "2026-11-01 01:30", "timezone": "America/New_York"},
            "2026-11-01 01:30 happens twice in America/New_York: the clocks go back that night (daylight saving "
            "time). Pick a time before 01:00 or from 02:00 on.",
        ),
    ],
)
async def test_a_start_the_bot_cannot_plan_is_refused_with_what_to_do(
    club: Club, options: dict[str, object], expected: str
) -> None:
    result = await club.admin.slash(club.channel, "watchparty schedule", title="Soundtrack #1", **options)
    assert result.ephemeral and result.response.content == expected
    assert events(club) == []
    assert (await club.bot.storage.fetchall("SELECT count(*) FROM watch_series"))[0][0] == 0


async def test_a_plan_needing_more_events_than_the_server_has_room_for_is_refused(club: Club) -> None:
    from tests.factories import drama_toml

    text = drama_toml("Long Road", 2020, episodes=120)
    await club.admin.slash(club.channel, "catalog add", file=("long.toml", text.encode()))
    await schedule(club)  # four events of Soundtrack #1: room for 96
    result = await club.admin.slash(club.channel, "watchparty schedule", title="Long Road", start=START)
    assert result.ephemeral
    assert result.response.content == (
        "This plan needs 120 Discord events, but a server holds at most 100 scheduled events and this one has "
        "room for 96. With `episodes_per_party:2` it needs 60."
    )
    assert len(events(club)) == 4
    assert (await club.bot.storage.fetchall("SELECT count(*) FROM watch_series"))[0][0] == 1


async def test_scheduling_again_with_other_options_says_which_differ(club: Club) -> None:
    await schedule(club)
    result = await club.admin.slash(
        club.channel, "watchparty schedule", title="Soundtrack #1", start=START, remind=30, location="Hana's flat"
    )
    assert result.ephemeral
    assert result.response.content == (
        "This series of **Soundtrack #1 (2022)** is already planned with other options: `remind` 15 (you asked "
        "for 30), location Online (you asked for location Hana's flat). To change them, cancel the series "
        "(`/watchparty cancel` its first party with `series:True`) and schedule it again."
    )
    rows = await club.bot.storage.fetchall("SELECT remind_minutes, location FROM watch_series")
    assert [tuple(r) for r in rows] == [(15, "Online")]


async def test_a_cancelled_series_can_be_planned_again_at_the_same_start(club: Club) -> None:
    await schedule(club)
    choices = await club.admin.autocomplete(club.channel, "watchparty cancel", "party", "")
    await club.admin.slash(club.channel, "watchparty cancel", party=choices[0]["value"], series=True)
    assert events(club) == []
    result = await club.admin.slash(club.channel, "watchparty schedule", title="Soundtrack #1", start=START, remind=30)
    assert not result.ephemeral and result.response.content.startswith("🎬 4 watch parties")
    assert len(events(club)) == 4
    rows = await club.bot.storage.fetchall("SELECT remind_minutes FROM watch_series")
    assert [tuple(r) for r in rows] == [(30,)]


async def test_one_plan_of_a_drama_at_a_time_unless_a_host_says_replace_or_keep(club: Club) -> None:
    first = await schedule(club)
    old_events = sorted(e.id for e in events(club))
    again = await club.admin.slash(club.channel, "watchparty schedule", title="Soundtrack #1", start="2026-01-11 21:00")
    assert again.ephemeral
    text = again.response.content
    assert text.startswith("**Soundtrack #1 (2022)** already has 4 upcoming watch parties, the next <t:")
    assert "`existing:replace`" in text and "`existing:keep`" in text
    assert len(await club.bot.storage.fetchall("SELECT id FROM watch_series")) == 1  # nothing stored

    replaced = await club.admin.slash(
        club.channel, "watchparty schedule", title="Soundtrack #1", start="2026-01-11 21:00", existing="replace"
    )
    assert not replaced.ephemeral
    assert len(events(club)) == 4 and not set(old_events) & {e.id for e in events(club)}  # the old ones are gone
    rows = await club.bot.storage.fetchall(
        "SELECT s.starts_at, count(*) FILTER (WHERE p.cancelled_at IS NULL) FROM watch_parties AS p"
        " JOIN watch_series AS s ON s.id = p.series_id GROUP BY s.id ORDER BY s.id"
    )
    assert [row[1] for row in rows] == [0, 4]
    redrawn = next(m for m in club.channel.history() if m.id == first.id)
    assert redrawn.embeds[0].description.count("~~") == 8  # the old plan, every party struck through

    kept = await club.admin.slash(
        club.channel, "watchparty schedule", title="Soundtrack #1", start="2026-01-12 20:00", existing="keep"
    )
    assert not kept.ephemeral
    assert len(events(club)) == 8


class Crash(Exception):
    """A fault hook: the bot stops here, as a killed process would."""


def stop_at(monkeypatch: pytest.MonkeyPatch, owner: object, method: str) -> None:
    """The run stops when it reaches ``owner.method``: that step and every later one never happen."""

    async def stopped(*args: object, **kwargs: object) -> object:
        raise Crash(method)

    monkeypatch.setattr(owner, method, stopped)


async def stopped_plan(club: Club, monkeypatch: pytest.MonkeyPatch, owner: object, method: str) -> None:
    stop_at(monkeypatch, owner, method)
    await club.admin.slash(club.channel, "watchparty schedule", title="Soundtrack #1", start=START)
    assert [type(ClubTree.unwrap(e)) for e in club.take_errors()] == [Crash]
    monkeypatch.undo()
    await club.restart()
    await club.env.advance_time(1)


async def assert_whole_plan(club: Club) -> None:
    """One series of four parties, each with its own event, one announcement, nothing twice."""
    assert [e.name for e in events(club)] == [f"Soundtrack #1 - Episode {n} watch party" for n in (1, 2, 3, 4)]
    rows = await club.bot.storage.fetchall("SELECT event_id FROM watch_parties ORDER BY number")
    assert sorted(row[0] for row in rows) == sorted(e.id for e in events(club))
    (series,) = await club.bot.storage.fetchall("SELECT announcement_id FROM watch_series")
    plans = [m for m in bot_messages(club) if m.embeds and m.embeds[0].title == "Watch party: Soundtrack #1 (2022)"]
    assert [m.id for m in plans] == [series[0]]
    assert "4 watch parties for **Soundtrack #1 (2022)**" in plans[0].content


async def test_a_plan_stopped_before_its_announcement_is_completed_at_the_next_start(
    club: Club, monkeypatch: pytest.MonkeyPatch
) -> None:
    await stopped_plan(club, monkeypatch, club.bot.planner.calendar, "announce")
    await assert_whole_plan(club)


async def test_a_plan_stopped_before_its_events_is_completed_at_the_next_start(
    club: Club, monkeypatch: pytest.MonkeyPatch
) -> None:
    await stopped_plan(club, monkeypatch, club.bot.planner, "add_events")
    await assert_whole_plan(club)


async def test_a_plan_stopped_before_recording_its_events_adopts_them_at_the_next_start(
    club: Club, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Discord made the four events, the run stopped before writing them down: none is made twice."""
    await stopped_plan(club, monkeypatch, club.bot.planner.store, "record_events")
    await assert_whole_plan(club)
    creations = [r for r in club.env.http_requests if r.method == "POST" and r.path.endswith("/scheduled-events")]
    assert len(creations) == 4


@pytest.mark.parametrize("posted", [False, True])
async def test_a_reminder_a_stop_interrupted_is_posted_at_the_next_start_and_never_twice(
    club: Club, monkeypatch: pytest.MonkeyPatch, posted: bool
) -> None:
    """Claimed, then stopped before posting (or after posting, before writing it down)."""
    await schedule(club)
    from bot.parties import PartyStore

    owner, name = (PartyStore, "posted") if posted else (discord.TextChannel, "send")
    stop_at(monkeypatch, owner, name)
    await advance_to(club, FIRST - timedelta(minutes=14))
    monkeypatch.undo()
    await club.restart()
    await club.env.advance_time(5)
    reminders = [m for m in bot_messages(club) if m.content.startswith("⏰ **Soundtrack #1 · Episode 1**")]
    assert len(reminders) == 1
    rows = await club.bot.storage.fetchall("SELECT reminder, reminder_message_id FROM watch_parties WHERE number = 1")
    assert [(r[0], r[1]) for r in rows] == [("sent", reminders[0].id)]


async def test_a_voice_channel_and_a_location_at_once_are_refused_in_words(club: Club) -> None:
    lounge = club.guild.create_voice_channel("lounge")
    result = await club.admin.slash(
        club.channel, "watchparty schedule", title="Soundtrack #1", start=START, channel=lounge, location="Hana's flat"
    )
    assert result.ephemeral
    assert result.response.content.startswith("Pick one place: a voice or stage channel (`channel`)")
    assert await club.bot.storage.fetchall("SELECT * FROM watch_series") == []


async def test_cancelling_tells_the_members_who_joined_once_in_a_reply_to_the_plan(club: Club) -> None:
    announcement = await schedule(club)
    await club.alice.click(announcement, label="Join")
    await club.bob.click(announcement, label="Join")
    choices = await club.admin.autocomplete(club.channel, "watchparty cancel", "party", "")
    await club.admin.slash(club.channel, "watchparty cancel", party=choices[1]["value"])
    replies = [m for m in bot_messages(club) if m.reference is not None]
    (told,) = replies
    assert told.reference.message_id == announcement.id
    assert told.content.startswith(
        f"❌ <@{club.admin.id}> cancelled the watch party of **Soundtrack #1** for Episode 2."
    )
    assert f"<@{club.alice.id}>" in told.content and f"<@{club.bob.id}>" in told.content
    sent = [r.json for r in club.env.http_requests if r.method == "POST" and r.path.endswith("/messages")][-1]
    assert sorted(map(int, sent["allowed_mentions"]["users"])) == sorted([club.alice.id, club.bob.id])
    assert "everyone" not in sent["allowed_mentions"].get("parse", [])
    again = await club.admin.slash(club.channel, "watchparty cancel", party=choices[1]["value"])
    assert again.ephemeral and len([m for m in bot_messages(club) if m.reference is not None]) == 1
