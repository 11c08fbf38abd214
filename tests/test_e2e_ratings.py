"""Members rate in chat; the club sees averages, distributions and a fair leaderboard."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import discord
import pytest

from tests.conftest import Club
from tests.factories import drama_toml


def sent_bodies(club: Club) -> list[dict]:
    return [
        r.json
        for r in club.env.http_requests
        if r.method == "POST" and r.path.endswith("/callback") and isinstance(r.json, dict)
    ]


async def vote_rows(club: Club) -> list[tuple]:
    rows = await club.bot.storage.fetchall(
        "SELECT drama_slug, episode, user_id, half_points, comment FROM votes ORDER BY user_id, episode"
    )
    return [tuple(r) for r in rows]


async def test_alice_rates_in_chat_then_changes_her_mind(club: Club) -> None:
    first = await club.alice.slash(club.channel, "rate", title="Soundtrack #1", score=9.0)
    assert not first.ephemeral
    assert first.response.content == "⭐ alice rated **Soundtrack #1**: 9/10"

    again = await club.alice.slash(club.channel, "rate", title="soundtrack 1", score=8.5, comment="Such warm colours")
    assert again.response.content == "⭐ alice rated **Soundtrack #1**: 9/10 → 8.5/10 — “Such warm colours”"
    assert await vote_rows(club) == [("soundtrack-1", 0, club.alice.id, 17, "Such warm colours")]


async def test_a_private_vote_is_confirmed_only_to_the_member(club: Club) -> None:
    result = await club.bob.slash(club.channel, "rate", title="Soundtrack #1", score=7.5, private=True)
    assert result.ephemeral
    assert result.response.content == "Saved your 7.5/10 for Soundtrack #1 (2022). Only you can see this."
    assert [m for m in club.channel.history() if not m.flags.ephemeral] == []
    assert await vote_rows(club) == [("soundtrack-1", 0, club.bob.id, 15, None)]


async def test_episode_votes_and_the_club_view(club: Club) -> None:
    await club.alice.slash(club.channel, "rate", title="Soundtrack #1", score=9.0, comment="Loved the leads")
    await club.bob.slash(club.channel, "rate", title="Soundtrack #1", score=8.5)
    await club.admin.slash(club.channel, "rate", title="Soundtrack #1", score=6.0, comment="Too short!")
    await club.alice.slash(club.channel, "rate", title="Soundtrack #1", score=10.0, episode=4)
    await club.bob.slash(club.channel, "rate", title="Soundtrack #1", score=7.0, episode=4)
    await club.bob.slash(club.channel, "rate", title="Soundtrack #1", score=8.0, episode=1)

    result = await club.alice.slash(club.channel, "ratings show", title="Soundtrack #1")
    (embed,) = result.response.embeds
    assert embed.description == "**7.8**/10 from 3 votes · median 8.5"
    fields = {f.name: f.value for f in embed.fields}
    bars = fields["Distribution"].splitlines()
    assert bars[0] == "```" and bars[-1] == "```"
    rows = {line.split()[0]: line for line in bars[1:-1]}
    assert rows["10"].endswith(" 0")
    assert rows["9–9.5"].endswith(" 1") and "█" in rows["9–9.5"]
    assert rows["8–8.5"].endswith(" 1") and rows["6–6.5"].endswith(" 1") and rows["1–1.5"].endswith(" 0")
    assert fields["Episodes"] == "Episode 1: **8.0** (1 vote)\nEpisode 4: **8.5** (2 votes)"
    assert "Your score" not in fields  # the channel sees the club's numbers; alice alone sees hers
    (own,) = result.followups
    assert own.ephemeral and own.content == "Your score: 9/10"
    comments = fields["Recent comments"].splitlines()
    assert comments == ["**hana** (6): Too short!", "**alice** (9): Loved the leads"]  # names, also once they leave

    card = await club.bob.slash(club.channel, "drama", title="Soundtrack #1")
    club_score = {f.name: f.value for f in card.response.embeds[0].fields}["Club score"]
    assert club_score == "**7.8**/10 · 3 votes"


async def test_the_drama_card_invites_the_first_vote(club: Club) -> None:
    card = await club.bob.slash(club.channel, "drama", title="Soundtrack #1")
    assert {f.name: f.value for f in card.response.embeds[0].fields}["Club score"] == "No votes yet: `/rate` it!"


async def test_mine_remove_and_a_fair_leaderboard(club: Club) -> None:
    for title, year in (("Quiet Harbour", 2021), ("Loud Harbour", 2022)):
        text = drama_toml(title, year)
        await club.admin.slash(club.channel, "catalog add", file=(f"{year}.toml", text.encode()))
    # One 10 for Quiet Harbour; three 9s for Soundtrack #1; three 8s for Loud Harbour.
    await club.alice.slash(club.channel, "rate", title="Quiet Harbour", score=10.0)
    for member in (club.alice, club.bob, club.admin):
        await member.slash(club.channel, "rate", title="Soundtrack #1", score=9.0)
    for member in (club.alice, club.bob, club.admin):
        await member.slash(club.channel, "rate", title="Loud Harbour", score=8.0)

    top = await club.bob.slash(club.channel, "ratings top")
    lines = (top.response.embeds[0].description or "").splitlines()
    assert lines[0].startswith("🥇 **Soundtrack #1 (2022)** · 6.8 (mean 9.0, 3 votes)")  # one decimal everywhere
    assert lines[1].startswith("🥈 **Loud Harbour (2022)** · 6.4 (mean 8.0, 3 votes)")
    assert lines[2].startswith("🥉 **Quiet Harbour (2021)** · 6.3 (mean 10.0, 1 vote)")

    mine = await club.alice.slash(club.channel, "ratings mine")
    assert mine.ephemeral
    mine_lines = (mine.response.embeds[0].description or "").splitlines()
    assert [line.split(":")[0] for line in mine_lines] == ["**Loud Harbour**", "**Soundtrack #1**", "**Quiet Harbour**"]

    removed = await club.alice.slash(club.channel, "ratings remove", title="Quiet Harbour")
    assert removed.ephemeral and removed.response.content == "Withdrew your 10/10 for Quiet Harbour (2021)."
    nothing = await club.alice.slash(club.channel, "ratings remove", title="Quiet Harbour")
    assert nothing.ephemeral and "You have no score for Quiet Harbour (2021)" in nothing.response.content
    top = await club.bob.slash(club.channel, "ratings top")
    assert "Quiet Harbour" not in (top.response.embeds[0].description or "")


async def test_votes_belong_to_their_server(club: Club) -> None:
    await club.alice.slash(club.channel, "rate", title="Soundtrack #1", score=9.0)
    other = club.env.create_guild(name="Other club")
    lobby = other.create_text_channel("lobby")
    stranger = other.add_member(club.env.create_user("stranger"))
    show = await stranger.slash(lobby, "ratings show", title="Soundtrack #1")
    assert show.response.embeds[0].description == "No one has rated the whole drama yet. Be the first with `/rate`."
    top = await stranger.slash(lobby, "ratings top")
    assert top.response.embeds[0].description == "No dramas have votes yet. Rate one with `/rate`."


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"score": 7.3}, "from 1 to 10 in steps of 0.5"),
        ({"score": 8.0, "episode": 5}, "there is no episode 5"),
        ({"score": 8.0, "comment": "x" * 301}, "up to 300 characters; yours has 301"),
        ({"score": 8.0, "title": "Crash Landing on Mars"}, "couldn't find a drama"),
    ],
)
async def test_bad_votes_are_refused_privately_and_not_stored(
    club: Club, options: dict[str, object], expected: str
) -> None:
    result = await club.alice.slash(club.channel, "rate", **{"title": "Soundtrack #1", **options})
    assert result.ephemeral and expected in result.response.content
    assert await vote_rows(club) == []


async def test_a_comment_with_everyone_pings_nobody(club: Club) -> None:
    result = await club.alice.slash(
        club.channel, "rate", title="Soundtrack #1", score=9.0, comment="@everyone **watch** it"
    )
    content = result.response.content
    assert "@\u200beveryone" in content and "\\*\\*watch\\*\\*" in content
    body = sent_bodies(club)[-1]
    assert body["data"]["allowed_mentions"] == {"parse": []}


async def test_export_is_for_admins(club: Club) -> None:
    await club.alice.slash(club.channel, "rate", title="Soundtrack #1", score=9.0, comment="=1+1")
    refused = await club.alice.slash(club.channel, "ratings export")
    assert refused.ephemeral and refused.response.content == "You need the **Manage Server** permission to do that."
    result = await club.admin.slash(club.channel, "ratings export")
    (attachment,) = result.response.attachments
    assert attachment.filename == "votes.csv"
    text = (await attachment.read()).decode("utf-8-sig")
    assert text.splitlines()[0] == "drama,drama_id,episode,member_id,member,score,comment,updated_at"
    assert text.splitlines()[1].startswith(f"Soundtrack #1,soundtrack-1,,{club.alice.id},alice,9,'=1+1,")


async def test_after_a_party_the_episode_menu_records_votes_even_after_a_restart(club: Club) -> None:
    result = await club.admin.slash(
        club.channel, "watchparty schedule", title="Soundtrack #1", start="2026-01-10 20:00"
    )
    assert not result.ephemeral
    party_end = datetime(2026, 1, 10, 12, tzinfo=UTC)
    await club.env.advance_time((party_end - club.env.now()).total_seconds() + 1)
    prompt = club.channel.history()[-1]
    assert prompt.content.startswith("🎬 That's a wrap on **Soundtrack #1 · Episode 1**")
    (row,) = prompt.components
    (menu,) = row.children
    assert isinstance(menu, discord.SelectMenu)
    assert [o.value for o in menu.options][:3] == ["10", "9.5", "9"] and len(menu.options) == 19

    await club.restart()
    choice = await club.bob.select(prompt, ["8.5"])
    assert choice.ephemeral and choice.response.content == "Saved: 8.5/10 for Soundtrack #1, episode 1."
    assert await vote_rows(club) == [("soundtrack-1", 1, club.bob.id, 17, None)]
    again = await club.bob.select(prompt, ["9"])
    assert again.response.content == "Saved: 9/10 for Soundtrack #1, episode 1 (was 8.5)."

    # the prompt is posted once
    await club.env.advance_time(timedelta(days=2).total_seconds())
    prompts = [m for m in club.channel.history() if m.content.startswith("🎬 That's a wrap")]
    assert len(prompts) == 1


async def test_a_new_vote_without_a_comment_keeps_the_earlier_comment(club: Club) -> None:
    await club.alice.slash(club.channel, "rate", title="Soundtrack #1", score=9.0, comment="Loved the leads")
    again = await club.alice.slash(club.channel, "rate", title="Soundtrack #1", score=8.0)
    assert again.response.content == "⭐ alice rated **Soundtrack #1**: 9/10 → 8/10"
    assert await vote_rows(club) == [("soundtrack-1", 0, club.alice.id, 16, "Loved the leads")]


async def test_the_same_score_again_says_it_is_unchanged(club: Club) -> None:
    await club.alice.slash(club.channel, "rate", title="Soundtrack #1", score=8.0)
    again = await club.alice.slash(club.channel, "rate", title="Soundtrack #1", score=8.0)
    assert again.response.content == "⭐ alice rated **Soundtrack #1**: 8/10 (unchanged)"
    private = await club.alice.slash(club.channel, "rate", title="Soundtrack #1", score=8.0, private=True)
    assert private.response.content == "Saved your 8/10 for Soundtrack #1 (2022) (unchanged). Only you can see this."


async def test_every_average_is_rounded_one_way(club: Club) -> None:
    """9.25 is 9.3 as a mean and as a median: half up, one decimal, everywhere."""
    for member, score in ((club.alice, 9.0), (club.bob, 9.5)):
        await member.slash(club.channel, "rate", title="Soundtrack #1", score=score)
        await member.slash(club.channel, "rate", title="Soundtrack #1", score=score, episode=1)
    shown = await club.admin.slash(club.channel, "ratings show", title="Soundtrack #1")
    embed = shown.response.embeds[0]
    assert embed.description == "**9.3**/10 from 2 votes · median 9.3"
    assert {f.name: f.value for f in embed.fields}["Episodes"] == "Episode 1: **9.3** (2 votes)"
    card = await club.admin.slash(club.channel, "drama", title="Soundtrack #1")
    assert {f.name: f.value for f in card.response.embeds[0].fields}["Club score"] == "**9.3**/10 · 2 votes"


async def test_recent_comments_name_the_episode_and_invisible_characters_are_no_comment(club: Club) -> None:
    await club.alice.slash(club.channel, "rate", title="Soundtrack #1", score=9.0, episode=3, comment="That ending!")
    await club.bob.slash(club.channel, "rate", title="Soundtrack #1", score=8.0, comment="\u200b\u202e\u2066")
    shown = await club.admin.slash(club.channel, "ratings show", title="Soundtrack #1")
    comments = {f.name: f.value for f in shown.response.embeds[0].fields}["Recent comments"]
    assert comments == "**alice** (9, episode 3): That ending!"
    rows = await vote_rows(club)
    assert (
        "soundtrack-1",
        0,
        club.bob.id,
        16,
        None,
    ) in rows


async def test_ratings_remove_offers_what_the_member_rated(club: Club) -> None:
    assert await club.alice.autocomplete(club.channel, "ratings remove", "title", "") == []
    await club.alice.slash(club.channel, "rate", title="Soundtrack #1", score=9.0)
    choices = await club.alice.autocomplete(club.channel, "ratings remove", "title", "")
    assert choices == [{"name": "Soundtrack #1 (2022)", "value": "soundtrack-1"}]
    assert await club.bob.autocomplete(club.channel, "ratings remove", "title", "") == []
