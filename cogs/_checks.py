"""Who may do what: checks shared by the cogs."""

from __future__ import annotations

from discord import app_commands

from bot.client import Interaction


def catalog_admin() -> app_commands.Check:  # type: ignore[type-arg]
    """Members with Manage Server, or the bot's owner."""

    async def predicate(interaction: Interaction) -> bool:
        if interaction.permissions.manage_guild:
            return True
        if await interaction.client.is_owner(interaction.user):
            return True
        raise app_commands.MissingPermissions(["manage_guild"])

    return app_commands.check(predicate)


def host() -> app_commands.Check:  # type: ignore[type-arg]
    """Members with Manage Server or Manage Events."""

    async def predicate(interaction: Interaction) -> bool:
        if interaction.permissions.manage_guild or interaction.permissions.manage_events:
            return True
        raise app_commands.MissingPermissions(["manage_events"])

    return app_commands.check(predicate)
