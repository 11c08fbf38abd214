"""Who may do what: the rules shared by every feature's commands, buttons and menus."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import discord
from discord import app_commands

from bot.client import Interaction

T = TypeVar("T")


def is_host(interaction: discord.Interaction[Any]) -> bool:
    """A host plans and runs the club's activities: Manage Events, Manage Server, or the server's owner."""
    permissions = interaction.permissions
    owner = interaction.guild is not None and interaction.guild.owner_id == interaction.user.id
    return permissions.manage_events or permissions.manage_guild or owner


def host() -> Callable[[T], T]:
    """A command only hosts may use; others are told they need Manage Events."""

    async def predicate(interaction: Interaction) -> bool:
        if is_host(interaction):
            return True
        raise app_commands.MissingPermissions(["manage_events"])

    return app_commands.check(predicate)


def catalog_admin() -> Callable[[T], T]:
    """Members with Manage Server, or the bot's owner."""

    async def predicate(interaction: Interaction) -> bool:
        if interaction.permissions.manage_guild:
            return True
        if await interaction.client.is_owner(interaction.user):
            return True
        raise app_commands.MissingPermissions(["manage_guild"])

    return app_commands.check(predicate)
