"""Members look dramas and people up: /drama, /review, /cast, /actor and their autocomplete."""

from __future__ import annotations

import pytest

from tests.conftest import Club


async def test_alice_reads_the_soundtrack_1_card(club: Club) -> None:
    result = await club.alice.slash(club.channel, "drama", title="Soundtrack #1")
    (card,) = result.response.embeds
    fields = {f.name: f.value for f in card.fields}
    assert card.description is not None
    assert "사운드트랙 #1" in card.description
    assert "twenty years" in card.description
    assert fields["Watch on"] == "Disney+"
    assert fields["Genres"] == "Romance, Music"
    assert "Friends to lovers" in fields["Tropes"]
    assert "T" not in fields["Aired"].split("\n")[0].replace("–", "")[:3]  # no raw ISO dates
    assert "2022-03-23" not in str(card.to_dict())


@pytest.mark.parametrize(
    "typed",
    ["soundtrack 1", "SOUNDTRACK#1", "Soundtrak #1", "Soundtrack No. 1", "사운드트랙 #1", "soundtrack-1"],
)
async def test_titles_are_found_however_they_are_typed(club: Club, typed: str) -> None:
    result = await club.alice.slash(club.channel, "drama", title=typed)
    assert not result.ephemeral
    assert result.response.embeds[0].title == "Soundtrack #1 (2022)"


async def test_an_unknown_title_suggests_close_ones(club: Club) -> None:
    result = await club.alice.slash(club.channel, "drama", title="Soundtrack 2 Reloaded")
    assert result.ephemeral
    assert "Did you mean **Soundtrack #1 (2022)**?" in result.response.content
    assert "/catalog add" in result.response.content


async def test_title_autocomplete_offers_the_drama_by_slug(club: Club) -> None:
    choices = await club.alice.autocomplete(club.channel, "drama", "title", "sound")
    assert choices == [{"name": "Soundtrack #1 (2022)", "value": "soundtrack-1"}]
    assert await club.alice.autocomplete(club.channel, "drama", "title", "zzzzzz") == []
    result = await club.alice.slash(club.channel, "drama", title=choices[0]["value"])
    assert result.response.embeds[0].title == "Soundtrack #1 (2022)"


async def test_review_hides_late_story_points_behind_spoiler_marks(club: Club) -> None:
    result = await club.bob.slash(club.channel, "review", title="soundtrack 1")
    (embed,) = result.response.embeds
    assert embed.title == "Review: Soundtrack #1 (2022)"
    highlights = "\n".join(f.value for f in embed.fields if "ighlights" in f.name)
    assert "**Chemistry**: Park Hyung-Sik and Han So-Hee carry the show" in highlights
    assert "**Pacing**:" in highlights and "**Cinematography**:" in highlights and "**Music**:" in highlights
    assert "**Ending** (spoiler, episode 4+): ||The series ends happily" in highlights
    assert "**Missed chances** (spoiler, episode 2+): ||" in highlights
    for line in highlights.splitlines():
        if "spoiler" in line:
            assert line.endswith("||")
    fields = {f.name: f.value for f in embed.fields}
    assert fields["Verdict"].startswith("A tender, well-paced friends-to-lovers romance")
    assert "The Movie Culture" in embed.footer.text


async def test_cast_lists_everyone_with_their_roles(club: Club) -> None:
    result = await club.alice.slash(club.channel, "cast", title="Soundtrack #1")
    (embed,) = result.response.embeds
    text = embed.description
    assert text is not None
    leads, supporting = text.split("__Supporting cast__")
    assert "**Park Hyung-Sik** as Han Seon-Woo" in leads and "**Han So-Hee** as Lee Eun-Su" in leads
    for line in (
        "**Seo In-Guk** as Jay Jun",
        "**Kim Jo-Hoon** as Kang Ul-Il",
        "**Yoon Seo-Ah** as Kim Seo-Yeon",
    ):
        assert line in supporting
    assert embed.footer.text == "5 cast members"
    assert result.response.components == []  # one page: no buttons


@pytest.mark.parametrize("typed", ["Han So-Hee", "han sohee", "Hansohee", "Eun-Soo", "Lee Eun-Su", "eunsu"])
async def test_actor_finds_han_so_hee_by_any_spelling_or_her_character(club: Club, typed: str) -> None:
    result = await club.alice.slash(club.channel, "actor", name=typed)
    (embed,) = result.response.embeds
    assert embed.title == "Han So-Hee"
    assert "**Soundtrack #1 (2022)**: Lee Eun-Su (lead)" in (embed.description or "")


async def test_the_reviews_sun_woo_finds_park_hyung_sik(club: Club) -> None:
    result = await club.alice.slash(club.channel, "actor", name="Sun-Woo")
    assert result.response.embeds[0].title == "Park Hyung-Sik"


async def test_an_unknown_person_is_answered_privately(club: Club) -> None:
    result = await club.alice.slash(club.channel, "actor", name="Hyun Bin-Nope Xyz")
    assert result.ephemeral
    assert "Nobody called “Hyun Bin-Nope Xyz” appears in the catalog" in result.response.content


async def test_actor_autocomplete_names_the_character(club: Club) -> None:
    choices = await club.alice.autocomplete(club.channel, "actor", "name", "han so")
    assert choices[0] == {"name": "Han So-Hee (Lee Eun-Su, Soundtrack #1)", "value": "Han So-Hee"}


async def test_autocomplete_forgives_a_typo_after_the_first_letter(club: Club) -> None:
    """Autocomplete reads the keys that begin as the query does; the command reads them all."""
    titles = await club.alice.autocomplete(club.channel, "drama", "title", "soudntrak")
    assert titles == [{"name": "Soundtrack #1 (2022)", "value": "soundtrack-1"}]
    names = await club.alice.autocomplete(club.channel, "actor", "name", "han sohi")
    assert names[0] == {"name": "Han So-Hee (Lee Eun-Su, Soundtrack #1)", "value": "Han So-Hee"}

    assert await club.alice.autocomplete(club.channel, "actor", "name", "jan so-hee") == []
    result = await club.alice.slash(club.channel, "actor", name="jan so-hee")
    assert result.response.embeds[0].title == "Han So-Hee"


async def test_a_surname_several_actors_share_answers_with_the_people_it_could_mean(club: Club) -> None:
    from tests.factories import drama_toml

    text = drama_toml(
        "Harbour Lights", 2024, cast=[("Park Bo-Young", "Seo Ha-Eun", "lead"), ("Park Seo-Joon", "Do Jae", "lead")]
    )
    await club.admin.slash(club.channel, "catalog add", file=("harbour.toml", text.encode()))
    result = await club.alice.slash(club.channel, "actor", name="Park")
    assert result.ephemeral
    assert result.response.content.startswith("“Park” could be ")
    for name in ("**Park Hyung-Sik** (Han Seon-Woo, Soundtrack #1)", "**Park Bo-Young**", "**Park Seo-Joon**"):
        assert name in result.response.content
    assert result.response.content.endswith("Pick one from the list, or type more of the name.")

    other = club.env.create_guild(name="Other club")  # only the shipped catalog there: one Park
    lobby = other.create_text_channel("lobby")
    stranger = other.add_member(club.env.create_user("stranger"))
    only = await stranger.slash(lobby, "actor", name="Park")
    assert only.response.embeds[0].title == "Park Hyung-Sik"


async def test_actor_tells_dramas_the_club_watched_rated_or_planned_apart(club: Club) -> None:
    from datetime import UTC, datetime, timedelta

    from tests.factories import drama_toml

    for title, year in (("Second Take", 2023), ("Third Act", 2024)):
        text = drama_toml(title, year, episodes=2, cast=[("Han So-Hee", f"Lead of {title}", "lead")])
        await club.admin.slash(club.channel, "catalog add", file=(f"{year}.toml", text.encode()))
    await club.alice.slash(club.channel, "rate", title="Second Take", score=8.0)
    now = club.env.now()
    soon = (now + timedelta(days=1)).astimezone(UTC).strftime("%Y-%m-%d %H:%M")
    later = (now + timedelta(days=30)).astimezone(UTC).strftime("%Y-%m-%d %H:%M")
    await club.admin.slash(club.channel, "watchparty schedule", title="Soundtrack #1", start=soon, timezone="UTC")
    await club.admin.slash(club.channel, "watchparty schedule", title="Third Act", start=later, timezone="UTC")
    await club.env.advance_time((datetime.fromisoformat(soon + "+00:00") - now).total_seconds() + 2 * 3600)

    result = await club.bob.slash(club.channel, "actor", name="Han So-Hee")
    lines = (result.response.embeds[0].description or "").splitlines()
    assert lines == [
        "**Third Act (2024)**: Lead of Third Act (lead) · 📅 watch party planned",
        "**Second Take (2023)**: Lead of Second Take (lead) · ⭐ rated by the club",
        "**Soundtrack #1 (2022)**: Lee Eun-Su (lead) · 🍿 watched together",
    ]


@pytest.mark.parametrize(
    ("command", "option", "expected"),
    [
        ("actor", "name", "Type an actor's or a character's name (its letters or digits), or pick one from the list."),
        ("drama", "title", "Type a drama's title (its letters, digits or emoji), or pick one from the list."),
    ],
)
async def test_a_name_or_title_with_nothing_visible_asks_for_one(
    club: Club, command: str, option: str, expected: str
) -> None:
    result = await club.alice.slash(club.channel, command, **{option: "\u200b\u2066"})
    assert result.ephemeral and result.response.content == expected
