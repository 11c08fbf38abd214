"""The shape of the code: every extension loads, no command name clashes, the domain is discord-free."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import discord
from discord import app_commands

from bot.client import extension_names
from tests.conftest import Club

ROOT = Path(__file__).resolve().parents[1]
FRAME_MODULES = {"client.py", "__main__.py"}  # the only modules in bot/ that import discord


def test_domain_modules_do_not_import_discord() -> None:
    offenders = []
    for path in sorted((ROOT / "bot").rglob("*.py")):
        if path.name in FRAME_MODULES:
            continue
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            if any(name == "discord" or name.startswith("discord.") for name in names):
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_every_cog_module_is_an_extension() -> None:
    names = extension_names()
    assert "cogs.drama" in names
    assert not any(name.split(".")[-1].startswith("_") for name in names)


async def test_every_extension_loads_and_no_command_name_clashes(club: Club) -> None:
    assert sorted(club.bot.extensions) == extension_names()
    seen: dict[str, str] = {}
    for command in club.bot.tree.walk_commands():
        name = command.qualified_name
        assert name not in seen, f"/{name} is defined twice"
        seen[name] = name
        assert 1 <= len(command.description) <= 100
        if isinstance(command, app_commands.Command):
            for parameter in command.parameters:
                assert 1 <= len(parameter.description) <= 100, f"/{name} {parameter.name}"
    assert "drama" in seen


def test_the_bot_asks_for_no_privileged_intent() -> None:
    from bot.client import bot_intents

    intents = bot_intents()
    assert not intents.members and not intents.presences and not intents.message_content
    assert intents.guilds and intents.guild_scheduled_events
    assert not intents.guild_messages  # no message events: nothing the bot does needs them


async def test_mentions_are_off_by_default(club: Club) -> None:
    mentions = club.bot.allowed_mentions
    assert isinstance(mentions, discord.AllowedMentions)
    assert mentions.everyone is False and mentions.users is False and mentions.roles is False


def test_storage_uses_only_aiosqlites_public_api() -> None:
    """No private attribute of a library: only the storage's own (``self._db``, ``storage._lock``)."""
    tree = ast.parse((ROOT / "bot" / "storage.py").read_text())
    private = sorted(
        node.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and node.attr.startswith("_")
        and not (isinstance(node.value, ast.Name) and node.value.id in {"self", "cls", "storage"})
    )
    assert private == []


def test_features_reach_each_other_through_typed_services_not_names() -> None:
    """No cog is looked up by its name and no feature talks through a string event."""
    offenders = []
    for path in sorted((ROOT / "cogs").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Attribute) and node.attr in {"get_cog", "dispatch"}:
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.attr}")
    assert offenders == []


def test_every_persistent_button_and_menu_shares_one_base_and_every_feature_renders_beside_its_cog() -> None:
    from cogs._items import ClubItem

    found = set()
    for path in sorted((ROOT / "cogs").rglob("*.py")):
        module = importlib.import_module(".".join(path.relative_to(ROOT).with_suffix("").parts))
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, discord.ui.DynamicItem) and value is not ClubItem:
                assert issubclass(value, ClubItem), value
                found.add(value.__name__)
    assert {"RsvpButton", "PlanButton", "DecideButton", "EpisodeVoteSelect"} <= found
    for package in (ROOT / "cogs").iterdir():
        if (package / "__init__.py").is_file():
            assert (package / "_cog.py").is_file() and (package / "_render.py").is_file(), package.name


def test_text_is_clipped_by_one_helper() -> None:
    definitions = [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for folder in ("bot", "cogs", "trial")
        for path in sorted((ROOT / folder).rglob("*.py"))
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.FunctionDef) and "clip" in node.name and node.name != "clip_lines"
    ]
    assert definitions == ["bot/text.py:6"]
