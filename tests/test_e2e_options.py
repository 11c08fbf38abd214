"""Options that name a drama, a party or a time zone: one transformer each, with its autocomplete.

Every command that takes a title finds the same dramas the same way, offers the same choices, and
refuses an unknown one in the same words; a party or a zone that is not there is refused in words.
"""

from __future__ import annotations

import discord
import pytest

from tests.conftest import Club

START = "2026-01-10 20:00"
# Each command that takes a title, with the other options it needs, run by the admin.
TITLE_COMMANDS = [
    ("drama", {}),
    ("review", {}),
    ("cast", {}),
    ("rate", {"score": 8.0}),
    ("ratings show", {}),
    ("ratings remove", {}),
    ("watchparty schedule", {"start": START}),
    ("watchparty export", {}),
    ("catalog remove", {}),
]


@pytest.mark.parametrize(("command", "options"), TITLE_COMMANDS)
async def test_every_title_option_refuses_an_unknown_drama_in_the_same_words(
    club: Club, command: str, options: dict[str, object]
) -> None:
    result = await club.admin.slash(club.channel, command, title="Soundtrak One Thousand", **options)
    assert result.ephemeral
    assert result.response.content.startswith("I couldn't find a drama called “Soundtrak One Thousand”.")
    assert "A server admin can add a drama with `/catalog add`" in result.response.content
    assert "setting `TMDB_TOKEN`" in result.response.content  # TMDB look-ups are off: say how to turn them on


# /ratings remove offers only what the member rated (tests/test_e2e_ratings.py)
@pytest.mark.parametrize(("command", "options"), [c for c in TITLE_COMMANDS if c[0] != "ratings remove"])
async def test_every_title_option_autocompletes_and_takes_the_choice(
    club: Club, command: str, options: dict[str, object]
) -> None:
    choices = await club.admin.autocomplete(club.channel, command, "title", "soundtrak")
    assert choices[0] == {"name": "Soundtrack #1 (2022)", "value": "soundtrack-1"}
    result = await club.admin.slash(club.channel, command, title=choices[0]["value"], **options)
    content = result.response.content or ""
    assert "couldn't find" not in content and "error id" not in content


@pytest.mark.parametrize("value", ["99999999999999999999999", "²", "١", "-1", "12abc", " "])
async def test_a_party_that_is_not_one_of_this_servers_is_refused(club: Club, value: str) -> None:
    await club.admin.slash(club.channel, "watchparty schedule", title="Soundtrack #1", start=START)
    result = await club.admin.slash(club.channel, "watchparty cancel", party=value)
    assert result.ephemeral
    assert result.response.content == "I couldn't find that party. Pick one from the list the option offers."
    stored = await club.bot.storage.fetchall("SELECT count(*) FROM watch_parties WHERE cancelled_at IS NOT NULL")
    assert stored[0][0] == 0


async def test_another_servers_party_is_refused(club: Club) -> None:
    await club.admin.slash(club.channel, "watchparty schedule", title="Soundtrack #1", start=START)
    (party_id,) = (await club.bot.storage.fetchall("SELECT min(id) FROM watch_parties"))[0]
    other = club.env.create_guild(name="Other club")
    channel = other.create_text_channel("lobby")
    hosts = other.create_role("hosts", permissions=discord.Permissions(manage_events=True))
    owner = other.add_member(club.env.create_user("host"), roles=[hosts])
    assert await owner.autocomplete(channel, "watchparty cancel", "party", "") == []
    result = await owner.slash(channel, "watchparty cancel", party=str(party_id))
    assert result.response.content == "I couldn't find that party. Pick one from the list the option offers."


async def test_a_time_zone_option_autocompletes_and_refuses_an_unknown_zone_in_words(club: Club) -> None:
    choices = await club.admin.autocomplete(club.channel, "watchparty schedule", "timezone", "new york")
    assert choices[0] == {"name": "America/New_York", "value": "America/New_York"}
    result = await club.admin.slash(
        club.channel, "watchparty schedule", title="Soundtrack #1", start=START, timezone="Mars/Olympus"
    )
    assert result.ephemeral
    assert result.response.content.startswith("“Mars/Olympus” is not a time zone I know.")


@pytest.mark.parametrize("typed", ["asia/seoul", "Seoul", "KST", "  seoul  "])
async def test_time_zones_are_understood_as_people_type_them(club: Club, typed: str) -> None:
    result = await club.admin.slash(
        club.channel, "watchparty schedule", title="Soundtrack #1", start=START, timezone=typed
    )
    assert not result.ephemeral, result.response.content
    (row,) = await club.bot.storage.fetchall("SELECT timezone FROM watch_series")
    assert row[0] == "Asia/Seoul"


async def test_an_ambiguous_abbreviation_is_asked_about_and_autocomplete_offers_its_zones(club: Club) -> None:
    result = await club.admin.slash(
        club.channel, "watchparty schedule", title="Soundtrack #1", start=START, timezone="IST"
    )
    assert result.ephemeral
    assert result.response.content.startswith("“IST” means different zones in different places: which one?")
    assert "`Asia/Kolkata`" in result.response.content and "`Europe/Dublin`" in result.response.content
    choices = await club.admin.autocomplete(club.channel, "watchparty schedule", "timezone", "IST")
    assert [c["value"] for c in choices[:3]] == ["Asia/Kolkata", "Asia/Jerusalem", "Europe/Dublin"]
    kst = await club.admin.autocomplete(club.channel, "follow add", "timezone", "KST")
    assert kst[0]["value"] == "Asia/Seoul"
    assert await club.bot.storage.fetchall("SELECT * FROM watch_series") == []


async def test_a_party_can_be_named_by_the_label_autocomplete_shows(club: Club) -> None:
    await club.admin.slash(club.channel, "watchparty schedule", title="Soundtrack #1", start=START)
    choices = await club.admin.autocomplete(club.channel, "watchparty cancel", "party", "episode 2")
    (second,) = choices
    assert second["name"] == "Soundtrack #1 · Episode 2 · 17 Jan 20:00 Asia/Seoul"
    result = await club.admin.slash(club.channel, "watchparty cancel", party=" " + second["name"].upper())
    assert result.response.content.startswith("Cancelled 1 watch party of **Soundtrack #1** (Episode 2)")
