"""Discord's limits hold for any catalog content: huge casts, long texts, long names, many titles.

Every request body is also checked against Discord's API description and limits at teardown
(see ``tests/conftest.py``), so each command here proves Discord would accept what was sent.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.conftest import Club
from tests.factories import big_cast, drama_toml

LONG_TITLE = "The Extraordinarily Long Chronicle of a Seaside Town Where Every Neighbour Sings 2"[:90]


@pytest.fixture
def catalog_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "dramas"
    folder.mkdir()
    (folder / "huge.toml").write_text(
        drama_toml(
            LONG_TITLE,
            2024,
            slug="huge",
            episodes=24,
            first_air=date(2024, 1, 6),
            cast=big_cast(200, 100),
            text_length=4000,
        )
    )
    for number in range(60):
        (folder / f"moon-{number}.toml").write_text(drama_toml(f"Moon River Story {number:02d}", 2000 + number % 25))
    (folder / "twin-2015.toml").write_text(drama_toml("Twin Flames", 2015, slug="twin-flames-2015"))
    (folder / "twin-2022.toml").write_text(drama_toml("Twin Flames", 2022, slug="twin-flames-2022"))
    return folder


async def test_the_card_of_a_huge_drama_fits(club: Club) -> None:
    result = await club.alice.slash(club.channel, "drama", title="huge")
    (card,) = result.response.embeds
    assert len(card) <= 6000
    assert card.title == f"{LONG_TITLE} (2024)"
    leads = {f.name: f.value for f in card.fields}["Leads"]
    assert leads.count(" as ") == 2


async def test_a_cast_of_200_is_paged_with_buttons(club: Club) -> None:
    result = await club.alice.slash(club.channel, "cast", title="huge")
    first = result.response.embeds[0]
    assert first.footer.text is not None and first.footer.text.startswith("200 cast members · page 1 of ")
    pages = int(first.footer.text.rsplit(" ", 1)[1])
    assert pages >= 10
    seen = set()
    message = result.response.message
    for page in range(1, pages + 1):
        embed = message.embeds[0]
        assert embed.footer.text is not None and f"page {page} of {pages}" in embed.footer.text
        assert len(embed) <= 6000 and len(embed.description or "") <= 4096
        seen.update(line for line in (embed.description or "").splitlines() if " as " in line)
        if page < pages:
            await club.bob.click(message, label="Next")
            message = club.channel.history()[-1]
    assert len(seen) == 200, "every cast member appears on exactly one page"
    await club.bob.click(message, label="Previous")
    assert f"page {pages - 1} of {pages}" in (club.channel.history()[-1].embeds[0].footer.text or "")


async def test_long_review_texts_and_spoilers_fit(club: Club) -> None:
    result = await club.alice.slash(club.channel, "review", title="huge")
    (embed,) = result.response.embeds
    assert len(embed) <= 6000
    assert all(len(f.value) <= 1024 for f in embed.fields)
    ending = [f.value for f in embed.fields if "Ending" in f.value]
    assert ending and "||They |\u200b| marry.||" in ending[0], "a || inside a spoiler cannot end it early"


async def test_an_actor_with_a_100_character_name(club: Club) -> None:
    choices = await club.alice.autocomplete(club.channel, "actor", "name", "Actor 007")
    assert choices and all(len(c["name"]) <= 100 and len(c["value"]) <= 100 for c in choices)
    result = await club.alice.slash(club.channel, "actor", name=choices[0]["value"])
    assert result.response.embeds[0].title == choices[0]["value"]


async def test_autocomplete_gives_at_most_25_choices_best_first(club: Club) -> None:
    choices = await club.alice.autocomplete(club.channel, "drama", "title", "moon river")
    assert len(choices) == 25
    assert all(len(c["name"]) <= 100 for c in choices)
    exact = await club.alice.autocomplete(club.channel, "drama", "title", "Moon River Story 42")
    assert exact[0]["name"].startswith("Moon River Story 42 (")
    everything = await club.alice.autocomplete(club.channel, "drama", "title", "")
    assert len(everything) == 25


async def test_two_dramas_with_one_title_are_told_apart_by_year(club: Club) -> None:
    ambiguous = await club.alice.slash(club.channel, "drama", title="Twin Flames")
    assert ambiguous.ephemeral
    assert "**Twin Flames (2015)**, **Twin Flames (2022)**" in ambiguous.response.content
    chosen = await club.alice.slash(club.channel, "drama", title="Twin Flames (2022)")
    assert chosen.response.embeds[0].title == "Twin Flames (2022)"
    choices = await club.alice.autocomplete(club.channel, "drama", "title", "twin fl")
    assert {c["name"] for c in choices[:2]} == {"Twin Flames (2015)", "Twin Flames (2022)"}


async def test_autocomplete_finds_a_typo_in_any_word_of_a_title(club: Club) -> None:
    choices = await club.alice.autocomplete(club.channel, "drama", "title", "stroy 42")
    assert choices[0]["name"].startswith("Moon River Story 42 (")
