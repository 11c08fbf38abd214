"""Choosing the next drama together: suggestions, the watchlist, a native poll and its result."""

from __future__ import annotations

from datetime import timedelta

import discord
import pytest

from bot.client import ClubTree
from bot.settings import Settings
from tests.conftest import Club


@pytest.fixture
def settings(tmdb_settings: Settings) -> Settings:
    return tmdb_settings


def said(result: object) -> object:
    response = result.response  # type: ignore[attr-defined]
    if response is not None and (response.content or response.embeds):
        return response
    return result.followups[0]  # type: ignore[attr-defined]


def bot_posts(club: Club) -> list[discord.Message]:
    return [m for m in club.channel.history() if m.author.id == club.bot.user.id and not m.flags.ephemeral]


async def fill(club: Club) -> None:
    """Three suggestions: Soundtrack #1 (3 supporters), Courtroom (2), Lanterns 2024 (1)."""
    await club.alice.slash(club.channel, "suggest", title="Soundtrack #1", reason="Music!")
    await club.bob.slash(club.channel, "suggest", title="Soundtrack #1")
    await club.admin.slash(club.channel, "suggest", title="Soundtrack #1")
    await club.bob.slash(club.channel, "suggest", title="Fixture Courtroom")
    await club.alice.slash(club.channel, "suggest", title="Fixture Courtroom")
    await club.admin.slash(club.channel, "suggest", title="Lanterns of Fixture Street 2024")


async def poll_of(club: Club) -> discord.Message:
    return next(m for m in bot_posts(club) if m.poll is not None)


async def test_suggestions_and_support_make_the_watchlist(club: Club) -> None:
    first = await club.alice.slash(club.channel, "suggest", title="Soundtrack #1", reason="**Loud** @everyone music")
    assert not first.ephemeral
    assert said(first).content == (
        "💡 alice suggested **Soundtrack #1 (2022)** for the watchlist: “\\*\\*Loud\\*\\* @\u200beveryone music”"
    )
    support = await club.bob.slash(club.channel, "suggest", title="soundtrack 1")
    assert said(support).content == "👍 bob supports **Soundtrack #1 (2022)**: 2 supporters now"
    again = await club.bob.slash(club.channel, "suggest", title="Soundtrack #1")
    assert again.ephemeral and "already support" in again.response.content
    await club.bob.slash(club.channel, "suggest", title="Fixture Courtroom", reason="Twisty")
    shown = await club.alice.slash(club.channel, "watchlist show")
    lines = shown.response.embeds[0].description.split("\n\n")
    assert lines[0].startswith("**1. Soundtrack #1 (2022)** · 2 supporters · since today")
    assert lines[1].startswith("**2. Fixture Courtroom (2023)** · 1 supporter")
    assert "by **bob**: “Twisty”" in lines[1]  # by name, also once bob has left the server


async def test_a_rated_drama_is_marked_a_rewatch(club: Club) -> None:
    await club.bob.slash(club.channel, "rate", title="Soundtrack #1", score=9)
    result = await club.alice.slash(club.channel, "suggest", title="Soundtrack #1")
    assert "(a rewatch 🔁)" in said(result).content
    shown = await club.alice.slash(club.channel, "watchlist show")
    assert "🔁 rewatch" in shown.response.embeds[0].description


async def test_bad_suggestions_and_removal_rights(club: Club) -> None:
    long = await club.alice.slash(club.channel, "suggest", title="Soundtrack #1", reason="x" * 201)
    assert long.ephemeral and "at most 200 characters" in long.response.content
    empty = await club.alice.slash(club.channel, "watchlist show")
    assert empty.ephemeral and "`/suggest`" in empty.response.content
    await club.alice.slash(club.channel, "suggest", title="Soundtrack #1")
    refused = await club.bob.slash(club.channel, "watchlist remove", title="Soundtrack #1")
    assert refused.ephemeral and "Only the member who suggested it" in refused.response.content
    done = await club.admin.slash(club.channel, "watchlist remove", title="Soundtrack #1")
    assert done.ephemeral and "Removed **Soundtrack #1 (2022)**" in done.response.content
    assert await club.bot.storage.fetchall("SELECT * FROM suggestions") == []


async def test_a_poll_picks_the_winner_and_announces_it_once(club: Club) -> None:
    await fill(club)
    result = await club.admin.slash(club.channel, "pick", hours=24, choices=3)
    assert not result.ephemeral
    poll = await poll_of(club)
    assert poll.poll.question == "What do we watch next?"
    assert [a.text for a in poll.poll.answers] == [
        "Soundtrack #1 (2022)",
        "Fixture Courtroom (2023)",
        "Lanterns of Fixture Street (2024)",
    ]
    await club.alice.vote(poll, answer=2)
    await club.bob.vote(poll, answer=2)
    await club.admin.vote(poll, answer=1)
    second = await club.admin.slash(club.channel, "pick")
    assert second.ephemeral and "A poll is already open" in second.response.content
    assert f"/{poll.id}" in second.response.content  # a link to the open one

    await club.restart()  # while the poll is open: the new bot reads its result when it ends
    await club.env.advance_time(24 * 3600 + 60)
    winners = [m for m in bot_posts(club) if m.content.startswith("🏆")]
    (winner,) = winners
    assert winner.content.startswith("🏆 The club picked **Fixture Courtroom (2023)** (2 votes)!")
    assert winner.embeds[0].title == "Fixture Courtroom (2023)"
    shown = await club.alice.slash(club.channel, "watchlist show")
    text = shown.response.embeds[0].description
    assert "**2. Fixture Courtroom (2023)** · ⭐ next up" in text
    assert "lost 1 poll (1 vote)" in text
    await club.restart()
    await club.env.advance_time(3600)
    assert len([m for m in bot_posts(club) if m.content.startswith("🏆")]) == 1  # never twice


async def test_a_host_can_plan_the_winners_watch_parties(club: Club) -> None:
    await fill(club)
    await club.admin.slash(club.channel, "pick", hours=1, choices=2)
    await club.alice.vote(await poll_of(club), answer=1)
    await club.env.advance_time(3600 + 60)
    winner = next(m for m in bot_posts(club) if m.content.startswith("🏆"))
    refused = await club.alice.click(winner, label="Plan watch parties")
    assert refused.ephemeral and "Only a host" in refused.response.content
    shown = await club.admin.click(winner, label="Plan watch parties")
    assert shown.modal is not None
    start = (club.env.now() + timedelta(days=2)).strftime("%Y-%m-%d 20:00")
    planned = await club.admin.submit_modal(shown, {"start": start, "timezone": "Asia/Seoul"})
    assert "watch parties for **Soundtrack #1 (2022)**" in planned.response.content
    rows = await club.bot.storage.fetchall("SELECT drama_slug FROM watch_parties")
    assert {r[0] for r in rows} == {"soundtrack-1"} and len(rows) == 4


async def test_a_tie_is_decided_by_a_host(club: Club) -> None:
    await fill(club)
    await club.admin.slash(club.channel, "pick", hours=2, choices=3)
    poll = await poll_of(club)
    await club.alice.vote(poll, answer=1)
    await club.bob.vote(poll, answer=2)
    await club.env.advance_time(2 * 3600 + 60)
    tie = next(m for m in bot_posts(club) if m.content.startswith("🤝"))
    assert "**Soundtrack #1 (2022)** and **Fixture Courtroom (2023)** (1 vote each)" in tie.content
    refused = await club.alice.click(tie, label="Fixture Courtroom (2023)")
    assert refused.ephemeral and "Only a host" in refused.response.content
    await club.admin.click(tie, label="Fixture Courtroom (2023)")
    winner = next(m for m in bot_posts(club) if m.content.startswith("🏆"))
    assert "**Fixture Courtroom (2023)**" in winner.content
    rows = await club.bot.storage.fetchall("SELECT drama_slug, losses, next_up_at IS NOT NULL FROM suggestions")
    state = {r[0]: (r[1], r[2]) for r in rows}
    assert state["tmdb-900004"] == (0, 1) and state["soundtrack-1"] == (1, 0) and state["tmdb-900001"] == (1, 0)


async def test_no_votes_keeps_the_list_and_a_third_loss_drops_a_suggestion(club: Club) -> None:
    await fill(club)
    await club.admin.slash(club.channel, "pick", hours=1, choices=3)
    await club.env.advance_time(3600 + 60)
    assert any(m.content.startswith("🗳️ Nobody voted") for m in bot_posts(club))
    for _ in range(3):
        await club.admin.slash(club.channel, "pick", hours=1, choices=3)
        await club.alice.vote(await poll_of_latest(club), answer=1)
        await club.env.advance_time(3600 + 60)
    last = [m for m in bot_posts(club) if m.content.startswith("🏆")][-1]
    assert "lost its third poll and leaves the watchlist" in last.content
    remaining = await club.bot.storage.fetchall("SELECT drama_slug FROM suggestions ORDER BY id")
    assert [r[0] for r in remaining] == ["soundtrack-1"]


async def poll_of_latest(club: Club) -> discord.Message:
    return [m for m in bot_posts(club) if m.poll is not None][-1]


async def test_a_poll_ended_early_by_a_host_is_announced_at_once(club: Club) -> None:
    """Only a poll's author can end it, and the bot is the author: a host asks it with `/pick end:True`."""
    await fill(club)
    await club.admin.slash(club.channel, "pick", hours=48, choices=2)
    poll = await poll_of(club)
    await club.bob.vote(poll, answer=2)
    refused = await club.alice.slash(club.channel, "pick", end=True)
    assert refused.ephemeral and "Only a host" in refused.response.content
    ended = await club.admin.slash(club.channel, "pick", end=True)
    assert "Ended the poll" in said(ended).content  # type: ignore[attr-defined]
    await club.env.advance_time(1)
    winner = next(m for m in bot_posts(club) if m.content.startswith("🏆"))
    assert "**Fixture Courtroom (2023)**" in winner.content
    ends = [r for r in club.env.http_requests if r.method == "POST" and r.path.endswith("/expire")]
    assert len(ends) == 1  # Discord's "end poll" request
    none = await club.admin.slash(club.channel, "pick", end=True)
    assert "No poll is open" in said(none).content  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("who", "options", "words"),
    [
        ("alice", {}, "Only a host"),
        ("admin", {}, "The watchlist is empty"),
    ],
)
async def test_bad_picks(club: Club, who: str, options: dict[str, int], words: str) -> None:
    result = await getattr(club, who).slash(club.channel, "pick", **options)
    assert result.ephemeral and words in result.response.content
    assert await club.bot.storage.fetchall("SELECT * FROM picks") == []


async def test_more_choices_than_suggestions_and_no_send_polls(club: Club) -> None:
    await fill(club)
    result = await club.admin.slash(club.channel, "pick", choices=5)
    assert (
        result.ephemeral and "The watchlist has 3 suggestions; ask for `choices:3` or fewer" in result.response.content
    )
    me = club.guild.me
    quiet = club.guild.create_text_channel("quiet", overwrites={me: discord.PermissionOverwrite(send_polls=False)})
    result = await club.admin.slash(quiet, "pick", choices=2)
    assert result.ephemeral and "**Send Polls**" in result.response.content
    blind = club.guild.create_text_channel(
        "blind", overwrites={me: discord.PermissionOverwrite(read_message_history=False)}
    )
    result = await club.admin.slash(blind, "pick", choices=2)
    assert result.ephemeral and "I need **Read Message History** in this channel" in result.response.content
    assert await club.bot.storage.fetchall("SELECT * FROM picks") == []


async def test_history_shows_what_the_club_watched_and_rated(club: Club) -> None:
    empty = await club.alice.slash(club.channel, "watchlist history")
    assert empty.ephemeral and "no history yet" in empty.response.content
    await club.alice.slash(club.channel, "rate", title="Soundtrack #1", score=8)
    await club.env.advance_time(3600)
    await club.bob.slash(club.channel, "rate", title="Fixture Courtroom", score=6)
    shown = await club.alice.slash(club.channel, "watchlist history")
    lines = shown.response.embeds[0].description.splitlines()
    assert lines[0].startswith("**Fixture Courtroom (2023)** · <t:") and "**6.0**/10 · 1 vote" in lines[0]
    assert lines[1].startswith("**Soundtrack #1 (2022)**")


async def test_history_counts_who_went_to_the_watch_parties(club: Club) -> None:
    start = (club.env.now() + timedelta(days=1)).strftime("%Y-%m-%d 20:00")
    await club.admin.slash(club.channel, "watchparty schedule", title="Soundtrack #1", start=start, remind=0)
    plan = next(m for m in bot_posts(club) if m.components)
    await club.alice.click(plan, label="Join")
    await club.bob.click(plan, label="Join")
    await club.env.advance_time(40 * 86400)
    shown = await club.alice.slash(club.channel, "watchlist history")
    (line,) = shown.response.embeds[0].description.splitlines()
    assert line.startswith("**Soundtrack #1 (2022)** · <t:")
    assert "watched together, 2 members went" in line and "No votes yet" in line


async def test_a_poll_needs_two_suggestions(club: Club) -> None:
    await club.alice.slash(club.channel, "suggest", title="Soundtrack #1")
    result = await club.admin.slash(club.channel, "pick", choices=2)
    assert result.ephemeral
    assert result.response.content == (
        "The watchlist has 1 suggestion; a poll needs at least 2. Suggest more with `/suggest`."
    )


class Crash(Exception):
    """A fault hook: the bot stops here, as a killed process would."""


async def crash_after(club: Club, monkeypatch: pytest.MonkeyPatch, method: str, *, before: bool = False) -> None:
    """Make ``Watchlist.<method>`` the last step the bot takes (or the step it never takes)."""
    from bot.watchlist import Watchlist

    original = getattr(Watchlist, method)

    async def step(self: Watchlist, *args: object, **kwargs: object) -> object:
        if not before:
            await original(self, *args, **kwargs)
        raise Crash(method)

    monkeypatch.setattr(Watchlist, method, step)


async def test_a_poll_stored_but_never_posted_frees_pick_at_the_next_start(
    club: Club, monkeypatch: pytest.MonkeyPatch
) -> None:
    await fill(club)
    await crash_after(club, monkeypatch, "start_pick")  # stored; killed before posting
    await club.admin.slash(club.channel, "pick", hours=1, choices=2)
    assert [type(ClubTree.unwrap(e)) for e in club.take_errors()] == [Crash]
    assert not any(m.poll for m in bot_posts(club))
    monkeypatch.undo()
    await club.restart()
    result = await club.admin.slash(club.channel, "pick", hours=1, choices=2)
    assert not result.ephemeral, said(result).content  # type: ignore[attr-defined]
    assert len([m for m in bot_posts(club) if m.poll]) == 1
    assert len(await club.bot.storage.fetchall("SELECT id FROM picks")) == 1


async def test_a_poll_stored_but_never_posted_frees_pick_after_five_minutes(
    club: Club, monkeypatch: pytest.MonkeyPatch
) -> None:
    await fill(club)
    await crash_after(club, monkeypatch, "start_pick")
    await club.admin.slash(club.channel, "pick", hours=1, choices=2)
    club.take_errors()
    monkeypatch.undo()
    soon = await club.admin.slash(club.channel, "pick", hours=1, choices=2)
    assert soon.ephemeral and "A poll was opened a moment ago" in said(soon).content  # type: ignore[attr-defined]
    await club.env.advance_time(5 * 60 + 1)
    later = await club.admin.slash(club.channel, "pick", hours=1, choices=2)
    assert not later.ephemeral, said(later).content  # type: ignore[attr-defined]


async def test_a_poll_posted_but_not_recorded_is_adopted_at_the_next_start(
    club: Club, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Killed after Discord took the poll and before its message was recorded: the new run finds
    the message and counts its votes; no second poll is posted."""
    await fill(club)
    await crash_after(club, monkeypatch, "posted", before=True)
    await club.admin.slash(club.channel, "pick", hours=1, choices=2)
    assert [type(ClubTree.unwrap(e)) for e in club.take_errors()] == [Crash]
    monkeypatch.undo()
    poll = await poll_of(club)
    await club.alice.vote(poll, answer=2)
    await club.restart()
    await club.env.advance_time(3600 + 60)
    (winner,) = [m for m in bot_posts(club) if m.content.startswith("🏆")]
    assert "**Fixture Courtroom (2023)** (1 vote)" in winner.content
    assert len([m for m in bot_posts(club) if m.poll]) == 1


async def test_a_suggestion_in_the_open_poll_cannot_be_removed(club: Club) -> None:
    await fill(club)
    await club.admin.slash(club.channel, "pick", hours=1, choices=2)
    poll = await poll_of(club)
    await club.alice.vote(poll, answer=2)
    await club.bob.vote(poll, answer=2)
    refused = await club.bob.slash(club.channel, "watchlist remove", title="Fixture Courtroom")
    assert refused.ephemeral
    assert "**Fixture Courtroom (2023)** is in the poll that is open now" in said(refused).content  # type: ignore[attr-defined]
    await club.env.advance_time(3600 + 60)
    (winner,) = [m for m in bot_posts(club) if m.content.startswith("🏆")]
    assert "**Fixture Courtroom (2023)** (2 votes)" in winner.content
    after = await club.bob.slash(club.channel, "watchlist remove", title="Fixture Courtroom")
    assert "Removed **Fixture Courtroom (2023)**" in said(after).content  # type: ignore[attr-defined]


async def test_the_plan_button_turns_into_planned_once_used(club: Club) -> None:
    await fill(club)
    await club.admin.slash(club.channel, "pick", hours=1, choices=2)
    await club.alice.vote(await poll_of(club), answer=1)
    await club.env.advance_time(3600 + 60)
    winner = next(m for m in bot_posts(club) if m.content.startswith("🏆"))
    shown = await club.admin.click(winner, label="Plan watch parties")
    start = (club.env.now() + timedelta(days=2)).strftime("%Y-%m-%d 20:00")
    await club.admin.submit_modal(shown, {"start": start, "timezone": "Asia/Seoul"})
    winner = next(m for m in bot_posts(club) if m.id == winner.id)
    (button,) = [c for row in winner.components for c in row.children]  # type: ignore[attr-defined]
    assert button.label == "Planned" and button.disabled
    assert len(await club.bot.storage.fetchall("SELECT id FROM watch_series")) == 1


async def test_pick_without_choices_polls_every_suggestion_when_there_are_fewer_than_five(club: Club) -> None:
    await fill(club)  # three suggestions
    result = await club.admin.slash(club.channel, "pick", hours=1)
    assert not result.ephemeral
    assert len((await poll_of(club)).poll.answers) == 3


async def test_watchlist_remove_offers_what_is_on_the_watchlist(club: Club) -> None:
    await fill(club)
    choices = await club.bob.autocomplete(club.channel, "watchlist remove", "title", "")
    assert [c["name"] for c in choices] == [
        "Soundtrack #1 (2022)",
        "Fixture Courtroom (2023)",
        "Lanterns of Fixture Street (2024)",
    ]
    court = await club.bob.autocomplete(club.channel, "watchlist remove", "title", "court")
    assert [c["name"] for c in court] == ["Fixture Courtroom (2023)"]
