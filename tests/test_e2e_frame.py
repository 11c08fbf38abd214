"""The frame end to end: the real bot inside simcord, driven as members would."""

from __future__ import annotations

import logging

import pytest

from bot.client import ClubTree
from bot.club_catalog import ClubCatalog
from tests.conftest import Club


async def test_commands_are_registered(club: Club) -> None:
    assert "drama" in club.alice.available_commands(club.channel)


async def test_drama_card_for_soundtrack_1(club: Club) -> None:
    result = await club.alice.slash(club.channel, "drama", title="Soundtrack #1")

    assert not result.ephemeral
    (card,) = result.response.embeds
    assert card.title == "Soundtrack #1 (2022)"
    fields = {field.name: field.value for field in card.fields}
    assert fields["Episodes"] == "4 × 45 min"
    assert "23 March 2022 – 13 April 2022" in fields["Aired"]
    assert "Weekly on Wednesdays" in fields["Aired"]
    assert "**Park Hyung-Sik** as Han Seon-Woo" in fields["Leads"]
    assert "**Han So-Hee** as Lee Eun-Su" in fields["Leads"]
    assert "The Movie Culture" in fields["Review verdict"]
    assert "The Movie Culture" in card.footer.text


async def test_unknown_title_answers_ephemerally(club: Club) -> None:
    result = await club.alice.slash(club.channel, "drama", title="Crash Landing on Mars")

    assert result.ephemeral
    assert "couldn't find a drama called “Crash Landing on Mars”" in result.response.content
    assert "/catalog add" in result.response.content
    assert club.channel.last_message is None  # nothing was posted for everyone


async def test_a_bug_shows_an_error_id_and_the_bot_keeps_answering(
    club: Club, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken_find(self: ClubCatalog, query: str, guild_id: int | None) -> None:
        raise RuntimeError("catalog exploded")

    monkeypatch.setattr(ClubCatalog, "find", broken_find)
    with caplog.at_level(logging.ERROR, logger="bot.client"):
        result = await club.alice.slash(club.channel, "drama", title="Soundtrack #1")

    assert result.ephemeral
    assert "error id `" in result.response.content
    error_id = result.response.content.split("`")[1]
    (record,) = [r for r in caplog.records if error_id in r.getMessage()]
    assert record.exc_info is not None and "catalog exploded" in str(record.exc_info[1])
    assert "catalog exploded" not in result.response.content
    (raised,) = club.take_errors()
    assert "catalog exploded" in str(ClubTree.unwrap(raised))

    monkeypatch.undo()
    again = await club.bob.slash(club.channel, "drama", title="Soundtrack #1")
    assert again.response.embeds[0].title == "Soundtrack #1 (2022)"
