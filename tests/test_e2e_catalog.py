"""Admins grow the catalog with /catalog add and /catalog remove; members see it at once."""

from __future__ import annotations

import pytest

from tests.conftest import Club
from tests.factories import drama_toml

NEW_DRAMA = drama_toml(
    "Moonlit Bakery",
    2023,
    episodes=12,
    cast=(("Kim Ha-Neul", "Yoon Bom", "lead"), ("Choi Jin-Woo", "Baek Ian", "lead")),
)


async def stored_dramas(club: Club) -> list[tuple[int, str]]:
    rows = await club.bot.storage.fetchall("SELECT guild_id, slug FROM guild_dramas ORDER BY slug")
    return [(row["guild_id"], row["slug"]) for row in rows]


async def test_an_admin_adds_a_drama_and_members_find_it_at_once(club: Club) -> None:
    result = await club.admin.slash(club.channel, "catalog add", file=("moonlit.toml", NEW_DRAMA.encode()))
    assert result.ephemeral
    message = result.followups[0] if result.followups else result.response
    assert "Added **Moonlit Bakery (2023)**" in message.content
    assert await stored_dramas(club) == [(club.guild.id, "moonlit-bakery-2023")]

    card = await club.alice.slash(club.channel, "drama", title="moonlit bakery")
    assert card.response.embeds[0].title == "Moonlit Bakery (2023)"
    choices = await club.alice.autocomplete(club.channel, "drama", "title", "moon")
    assert choices[0]["value"] == "moonlit-bakery-2023"
    actor = await club.alice.slash(club.channel, "actor", name="Yoon Bom")
    assert actor.response.embeds[0].title == "Kim Ha-Neul"

    # it survives a restart
    await club.restart()
    again = await club.bob.slash(club.channel, "drama", title="Moonlit Bakery")
    assert again.response.embeds[0].title == "Moonlit Bakery (2023)"


async def test_another_server_does_not_see_the_addition(club: Club) -> None:
    await club.admin.slash(club.channel, "catalog add", file=("moonlit.toml", NEW_DRAMA.encode()))
    other = club.env.create_guild(name="Other club")
    channel = other.create_text_channel("lobby")
    stranger = other.add_member(club.env.create_user("stranger"))
    result = await stranger.slash(channel, "drama", title="Moonlit Bakery")
    assert result.ephemeral and "couldn't find" in result.response.content
    shipped = await stranger.slash(channel, "drama", title="Soundtrack #1")
    assert shipped.response.embeds[0].title == "Soundtrack #1 (2022)"


async def test_an_existing_title_is_updated_only_with_replace(club: Club) -> None:
    await club.admin.slash(club.channel, "catalog add", file=("moonlit.toml", NEW_DRAMA.encode()))
    changed = NEW_DRAMA.replace("A test plot.", "A changed plot.")

    refused = await club.admin.slash(club.channel, "catalog add", file=("moonlit.toml", changed.encode()))
    message = refused.followups[0] if refused.followups else refused.response
    assert refused.ephemeral and "already in the catalog" in message.content and "replace:True" in message.content
    card = await club.alice.slash(club.channel, "drama", title="Moonlit Bakery")
    assert "A test plot." in (card.response.embeds[0].description or "")

    updated = await club.admin.slash(club.channel, "catalog add", file=("moonlit.toml", changed.encode()), replace=True)
    message = updated.followups[0] if updated.followups else updated.response
    assert "Updated **Moonlit Bakery (2023)**" in message.content
    card = await club.alice.slash(club.channel, "drama", title="Moonlit Bakery")
    assert "A changed plot." in (card.response.embeds[0].description or "")
    assert len(await stored_dramas(club)) == 1


async def test_replacing_a_shipped_drama_changes_it_in_this_server_only(club: Club) -> None:
    from bot.settings import DEFAULT_CATALOG_DIR

    text = (DEFAULT_CATALOG_DIR / "soundtrack-1.toml").read_text()
    text = text.replace(
        'verdict = "A tender, well-paced friends-to-lovers romance: add it to your watchlist."',
        'verdict = "Our club says: perfect for a rainy weekend."',
    )
    await club.admin.slash(club.channel, "catalog add", file=("st.toml", text.encode()), replace=True)
    review = await club.alice.slash(club.channel, "review", title="Soundtrack #1")
    assert {f.name: f.value for f in review.response.embeds[0].fields}["Verdict"].startswith("Our club says")

    removed = await club.admin.slash(club.channel, "catalog remove", title="Soundtrack #1")
    assert "shown again" in removed.response.content
    review = await club.alice.slash(club.channel, "review", title="Soundtrack #1")
    assert {f.name: f.value for f in review.response.embeds[0].fields}["Verdict"].startswith("A tender")


async def test_remove_deletes_an_added_drama_and_refuses_shipped_ones(club: Club) -> None:
    await club.admin.slash(club.channel, "catalog add", file=("moonlit.toml", NEW_DRAMA.encode()))
    result = await club.admin.slash(club.channel, "catalog remove", title="moonlit-bakery-2023")
    assert result.ephemeral and "Removed **Moonlit Bakery (2023)**" in result.response.content
    assert await stored_dramas(club) == []
    gone = await club.alice.slash(club.channel, "drama", title="Moonlit Bakery")
    assert gone.ephemeral

    shipped = await club.admin.slash(club.channel, "catalog remove", title="Soundtrack #1")
    assert shipped.ephemeral and "ships with the bot" in shipped.response.content


async def test_remove_refuses_while_club_records_point_at_the_drama(club: Club) -> None:
    await club.admin.slash(club.channel, "catalog add", file=("moonlit.toml", NEW_DRAMA.encode()))
    await club.alice.slash(club.channel, "rate", title="Moonlit Bakery", score=8)
    await club.bob.slash(club.channel, "rate", title="Moonlit Bakery", score=9, episode=2)
    result = await club.admin.slash(club.channel, "catalog remove", title="Moonlit Bakery")
    assert result.ephemeral
    assert "can't be removed: this server still has 2 votes for it" in result.response.content
    assert len(await stored_dramas(club)) == 1

    await club.alice.slash(club.channel, "ratings remove", title="Moonlit Bakery")
    await club.bob.slash(club.channel, "ratings remove", title="Moonlit Bakery", episode=2)
    result = await club.admin.slash(club.channel, "catalog remove", title="Moonlit Bakery")
    assert "Removed **Moonlit Bakery (2023)**" in result.response.content
    assert await stored_dramas(club) == []


async def test_a_file_matching_two_dramas_is_refused_in_words(club: Club) -> None:
    """Its title and year are a drama the server added, its id a shipped drama's: which to replace?"""
    await club.admin.slash(club.channel, "catalog add", file=("moonlit.toml", NEW_DRAMA.encode()))
    both = NEW_DRAMA.replace("[drama]\n", '[drama]\nid = "soundtrack-1"\n')
    result = await club.admin.slash(club.channel, "catalog add", file=("both.toml", both.encode()), replace=True)
    assert result.ephemeral
    message = result.followups[0] if result.followups else result.response
    assert message.content == (
        "Nothing was added: this file's id is that of **Soundtrack #1 (2022)** (`soundtrack-1`), but its title "
        "and year are those of **Moonlit Bakery (2023)** (`moonlit-bakery-2023`). "
        "Set `id` in the file to the drama it should replace."
    )
    assert await stored_dramas(club) == [(club.guild.id, "moonlit-bakery-2023")]
    card = await club.alice.slash(club.channel, "drama", title="Soundtrack #1")
    assert card.response.embeds[0].title == "Soundtrack #1 (2022)"


@pytest.mark.parametrize(
    ("filename", "data", "expected"),
    [
        ("broken.toml", b"[drama\ntitle = 'x'", "broken.toml: is not valid TOML"),
        (
            "untitled.toml",
            NEW_DRAMA.replace('title = "Moonlit Bakery"\n', "").encode(),
            "drama.title: is required",
        ),
        (
            "negative.toml",
            NEW_DRAMA.replace("episode_count = 12", "episode_count = -4").encode(),
            "drama.episode_count: must be between 1 and 500, not -4",
        ),
        (
            "huge.toml",
            b"# padding\n" * 500_000,
            "is 5,000,000 bytes; a drama file may be at most 1,000,000 bytes",
        ),
        ("poster.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xd8", "is not UTF-8 text"),
        ("notes.txt", b"Just some notes about dramas we like.", "is not valid TOML"),
        (
            "deep.toml",
            NEW_DRAMA.replace('plot = "A test plot."', "plot = " + "[" * 10_000 + "]" * 10_000).encode(),
            "deep.toml: is not a drama file: its arrays or tables are nested too deeply",
        ),
        (
            "uncredited.toml",
            NEW_DRAMA.replace('actor = "Choi Jin-Woo"', 'actor = "?"').encode(),
            "cast[1].actor: must contain a letter or a digit, not '?'",
        ),
    ],
)
async def test_bad_files_are_refused_with_the_field_and_the_problem(
    club: Club, filename: str, data: bytes, expected: str
) -> None:
    result = await club.admin.slash(club.channel, "catalog add", file=(filename, data))
    assert result.ephemeral
    message = result.followups[0] if result.followups else result.response
    assert expected in message.content
    assert await stored_dramas(club) == []


async def test_members_without_manage_server_are_refused(club: Club) -> None:
    assert "catalog add" not in club.alice.available_commands(club.channel)
    assert "catalog add" in club.admin.available_commands(club.channel)

    # Even if a server lets everyone see the command, the bot still checks the permission.
    (catalog,) = [c for c in await club.bot.tree.fetch_commands() if c.name == "catalog"]
    club.guild.set_command_permissions(catalog, {club.guild.default_role: True})
    result = await club.alice.slash(club.channel, "catalog add", file=("m.toml", NEW_DRAMA.encode()))
    assert result.ephemeral
    assert result.response.content == "You need the **Manage Server** permission to do that."
    assert await stored_dramas(club) == []


async def test_a_shorter_version_is_refused_while_votes_or_parties_point_at_the_episodes_it_drops(club: Club) -> None:
    await club.admin.slash(club.channel, "catalog add", file=("moonlit.toml", NEW_DRAMA.encode()))
    await club.alice.slash(club.channel, "rate", title="Moonlit Bakery", score=8.0, episode=11)
    await club.bob.slash(club.channel, "rate", title="Moonlit Bakery", score=7.0, episode=12)
    await club.bob.slash(club.channel, "rate", title="Moonlit Bakery", score=9.0, episode=3)
    shorter = NEW_DRAMA.replace("episode_count = 12", "episode_count = 10").replace(
        "spoiler_from_episode = 12", "spoiler_from_episode = 10"
    )
    result = await club.admin.slash(club.channel, "catalog add", file=("moonlit.toml", shorter.encode()), replace=True)
    message = result.followups[0] if result.followups else result.response
    assert message.content == (
        "Nothing was added: this file gives **Moonlit Bakery (2023)** 10 episodes, but this server still has "
        "2 votes for episodes 11 and 12. Withdraw or cancel those first, or keep the episodes."
    )
    card = await club.alice.slash(club.channel, "drama", title="Moonlit Bakery")
    assert {f.name: f.value for f in card.response.embeds[0].fields}["Episodes"].startswith("12 × ")

    await club.alice.slash(club.channel, "ratings remove", title="Moonlit Bakery", episode=11)
    await club.bob.slash(club.channel, "ratings remove", title="Moonlit Bakery", episode=12)
    result = await club.admin.slash(club.channel, "catalog add", file=("moonlit.toml", shorter.encode()), replace=True)
    message = result.followups[0] if result.followups else result.response
    assert message.content.startswith("Updated **Moonlit Bakery (2023)**")


async def test_a_shorter_version_is_refused_while_watch_parties_show_the_episodes_it_drops(club: Club) -> None:
    await club.admin.slash(club.channel, "catalog add", file=("moonlit.toml", NEW_DRAMA.encode()))
    await club.admin.slash(
        club.channel, "watchparty schedule", title="Moonlit Bakery", start="2026-01-10 20:00", episodes_per_party=5
    )  # episodes 1-5, 6-10 and 11-12
    shorter = NEW_DRAMA.replace("episode_count = 12", "episode_count = 8").replace(
        "spoiler_from_episode = 12", "spoiler_from_episode = 8"
    )
    result = await club.admin.slash(club.channel, "catalog add", file=("moonlit.toml", shorter.encode()), replace=True)
    message = result.followups[0] if result.followups else result.response
    assert message.content == (
        "Nothing was added: this file gives **Moonlit Bakery (2023)** 8 episodes, but this server still has "
        "2 watch parties for episodes 9, 10, 11 and 12. Withdraw or cancel those first, or keep the episodes."
    )


async def test_emoji_titles_get_ids_of_their_own_and_are_found_by_their_title(club: Club) -> None:
    hearts = drama_toml("💖💖💖", 2021, cast=[("Kim Ha-Neul", "Yoon Bom", "lead")])
    blossoms = drama_toml("🌸🌸", 2021, cast=[("Choi Jin-Woo", "Baek Ian", "lead")])
    await club.admin.slash(club.channel, "catalog add", file=("hearts.toml", hearts.encode()))
    second = await club.admin.slash(
        club.channel, "catalog add", file=("blossoms.toml", blossoms.encode()), replace=True
    )
    message = second.followups[0] if second.followups else second.response
    assert message.content.startswith("Added **🌸🌸 (2021)**")  # added, not a replacement of the hearts
    assert await stored_dramas(club) == [
        (club.guild.id, "cherry-blossom-cherry-blossom-2021"),
        (club.guild.id, "sparkling-heart-sparkling-heart-sparkling-heart-2021"),
    ]
    for typed, title in (("💖💖💖", "💖💖💖 (2021)"), ("🌸🌸", "🌸🌸 (2021)"), ("💖💖💖 (2021)", "💖💖💖 (2021)")):
        card = await club.alice.slash(club.channel, "drama", title=typed)
        assert card.response.embeds[0].title == title, typed
    choices = await club.alice.autocomplete(club.channel, "drama", "title", "🌸")
    assert choices[0] == {"name": "🌸🌸 (2021)", "value": "cherry-blossom-cherry-blossom-2021"}


@pytest.mark.parametrize("title", ["\u200b", "\u200b\u200d\u2060", "...", "\u202e"])
async def test_a_title_with_nothing_visible_is_refused(club: Club, title: str) -> None:
    text = drama_toml("Placeholder", 2021).replace('title = "Placeholder"', f'title = "{title}"')
    result = await club.admin.slash(club.channel, "catalog add", file=("blank.toml", text.encode()))
    message = result.followups[0] if result.followups else result.response
    assert "blank.toml: drama.title: must contain a letter, a digit or a symbol such as an emoji" in message.content
    assert await stored_dramas(club) == []


async def test_every_problem_in_a_file_is_reported_at_once(club: Club) -> None:
    broken = (
        NEW_DRAMA.replace("year = 2023", 'year = "soon"')
        .replace('actor = "Choi Jin-Woo"', 'actor = "?"')
        .replace("episode_count = 12", "episode_count = 0")
    )
    result = await club.admin.slash(club.channel, "catalog add", file=("broken.toml", broken.encode()))
    message = result.followups[0] if result.followups else result.response
    assert message.content.startswith("Nothing was added: broken.toml has 3 problems:\n- drama.year: ")
    assert "\n- drama.episode_count: must be between 1 and 500, not 0" in message.content
    assert "\n- cast[1].actor: must contain a letter or a digit, not '?'" in message.content
    assert await stored_dramas(club) == []


async def test_an_admin_can_remove_a_drama_with_its_records_after_confirming(club: Club) -> None:
    await club.admin.slash(club.channel, "catalog add", file=("moonlit.toml", NEW_DRAMA.encode()))
    await club.alice.slash(club.channel, "rate", title="Moonlit Bakery", score=8)
    await club.admin.slash(club.channel, "watchparty schedule", title="Moonlit Bakery", start="2026-01-10 20:00")
    guild = club.bot.get_guild(club.guild.id)
    assert guild is not None and len(guild.scheduled_events) == 12
    refused = await club.admin.slash(club.channel, "catalog remove", title="Moonlit Bakery")
    assert refused.ephemeral
    message = refused.followups[0] if refused.followups else refused.response
    assert "this server still has 1 vote, 12 watch parties, 1 watch series for it" in message.content
    assert len(await stored_dramas(club)) == 1  # nothing yet
    done = await club.admin.click(message.message, label="Remove it with its 1 vote, 12 watch parties, 1 watch series")
    said = done.followups[0] if done.followups else done.response
    assert "Removed **Moonlit Bakery (2023)** from this server's catalog, with its 1 vote" in said.content
    assert [c for row in done.response.message.components for c in row.children] == []  # pressed once only
    assert await stored_dramas(club) == []
    assert await club.bot.storage.fetchall("SELECT * FROM votes WHERE drama_slug LIKE 'moonlit%'") == []
    assert await club.bot.storage.fetchall("SELECT * FROM watch_parties") == []
    assert list(guild.scheduled_events) == []  # the events went with the parties
