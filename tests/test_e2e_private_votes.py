"""A private vote counts in the club's numbers and is never shown with its member, its comment, or
through a number that would give it away; a member's own score shows only in answers they alone see."""

from __future__ import annotations

from tests.conftest import Club

SOUNDTRACK = "Soundtrack #1"


def public_text(club: Club) -> str:
    """Everything the bot posted that the whole channel can read: contents and embeds."""
    assert club.bot.user is not None
    parts = []
    for message in club.channel.history():
        if message.author.id != club.bot.user.id or message.flags.ephemeral:
            continue
        parts.append(message.content or "")
        for embed in message.embeds:
            parts += [embed.title or "", embed.description or ""]
            parts += [f"{field.name}: {field.value}" for field in embed.fields]
    return "\n".join(parts)


async def test_a_private_vote_and_its_comment_never_reach_the_channel(club: Club) -> None:
    await club.alice.slash(club.channel, "rate", title=SOUNDTRACK, score=2.0, comment="secretly hated it", private=True)
    shown = await club.bob.slash(club.channel, "ratings show", title=SOUNDTRACK)
    await club.bob.slash(club.channel, "drama", title=SOUNDTRACK)
    await club.bob.slash(club.channel, "ratings top")
    own = await club.alice.slash(club.channel, "ratings show", title=SOUNDTRACK)

    text = public_text(club)
    assert "secretly hated it" not in text and f"<@{club.alice.id}>" not in text
    assert "2/10" not in text and "**2.0**" not in text
    assert shown.response.embeds[0].description == (
        "1 vote; the average is held back so that no private vote can be worked out."
    )
    assert "Recent comments" not in {f.name for f in shown.response.embeds[0].fields}
    assert "Soundtrack" not in (shown.response.embeds[0].description or "").split(";")[1]
    (note,) = own.followups
    assert note.ephemeral and note.content == "Your score: 2/10"


async def test_one_private_vote_beside_public_ones_is_held_back_and_two_are_not(club: Club) -> None:
    await club.bob.slash(club.channel, "rate", title=SOUNDTRACK, score=8.0)  # announced: the channel knows it
    await club.alice.slash(club.channel, "rate", title=SOUNDTRACK, score=3.0, private=True)
    held = await club.bob.slash(club.channel, "ratings show", title=SOUNDTRACK)
    assert held.response.embeds[0].description == (
        "2 votes; the average is held back so that no private vote can be worked out."
    )
    top = await club.bob.slash(club.channel, "ratings top")
    assert "Soundtrack" not in (top.response.embeds[0].description or "")
    assert top.response.embeds[0].description == (
        "1 drama has only private votes (or one beside public ones), held back so that no private vote can be "
        "worked out."
    )

    await club.admin.slash(club.channel, "rate", title=SOUNDTRACK, score=6.0, private=True)
    shown = await club.bob.slash(club.channel, "ratings show", title=SOUNDTRACK)
    assert shown.response.embeds[0].description == "**5.7**/10 from 3 votes · median 6.0"
    top = await club.bob.slash(club.channel, "ratings top")
    assert "Soundtrack #1 (2022)" in (top.response.embeds[0].description or "")


async def test_a_one_vote_episode_does_not_show_a_private_score(club: Club) -> None:
    await club.alice.slash(club.channel, "rate", title=SOUNDTRACK, score=4.0, episode=2, private=True)
    await club.bob.slash(club.channel, "rate", title=SOUNDTRACK, score=9.0, episode=3)
    shown = await club.bob.slash(club.channel, "ratings show", title=SOUNDTRACK)
    episodes = {f.name: f.value for f in shown.response.embeds[0].fields}["Episodes"]
    assert episodes == "Episode 2: 1 vote\nEpisode 3: **9.0** (1 vote)"


async def test_the_export_counts_a_private_vote_without_its_member_or_comment(club: Club) -> None:
    await club.alice.slash(club.channel, "rate", title=SOUNDTRACK, score=2.0, comment="secretly hated it", private=True)
    result = await club.admin.slash(club.channel, "ratings export")
    text = (await result.response.attachments[0].read()).decode("utf-8-sig")
    (row,) = text.splitlines()[1:]
    assert row.startswith("Soundtrack #1,soundtrack-1,,,(private vote),2,,")
    assert str(club.alice.id) not in text and "secretly" not in text


async def test_voting_again_publicly_makes_the_vote_public_again(club: Club) -> None:
    await club.alice.slash(club.channel, "rate", title=SOUNDTRACK, score=7.0, private=True)
    await club.alice.slash(club.channel, "rate", title=SOUNDTRACK, score=7.5)
    shown = await club.bob.slash(club.channel, "ratings show", title=SOUNDTRACK)
    assert shown.response.embeds[0].description == "**7.5**/10 from 1 vote · median 7.5"
    private = await club.bot.storage.fetchall("SELECT private FROM votes")
    assert [row[0] for row in private] == [0]
    tally = await club.bot.storage.fetchall("SELECT votes, private_votes FROM drama_tally")
    assert [tuple(row) for row in tally] == [(1, 0)]


async def test_a_public_vote_does_not_announce_the_private_score_it_replaces(club: Club) -> None:
    await club.alice.slash(club.channel, "rate", title=SOUNDTRACK, score=2.0, private=True)
    public = await club.alice.slash(club.channel, "rate", title=SOUNDTRACK, score=8.0)
    assert public.response.content == "⭐ alice rated **Soundtrack #1**: 8/10"
    again = await club.alice.slash(club.channel, "rate", title=SOUNDTRACK, score=3.0, private=True)
    assert again.response.content == (
        "Saved your 3/10 for Soundtrack #1 (2022) (it replaces your earlier 8). Only you can see this."
    )


async def test_a_public_vote_does_not_publish_the_comment_of_the_private_vote_it_replaces(club: Club) -> None:
    await club.alice.slash(club.channel, "rate", title=SOUNDTRACK, score=2.0, comment="secretly hated it", private=True)
    public = await club.alice.slash(club.channel, "rate", title=SOUNDTRACK, score=8.0)
    assert public.response.content == "⭐ alice rated **Soundtrack #1**: 8/10"
    await club.bob.slash(club.channel, "ratings show", title=SOUNDTRACK)
    assert "secretly hated it" not in public_text(club)
    comments = await club.bot.storage.fetchall("SELECT comment FROM votes")
    assert [row[0] for row in comments] == [None]
