"""The base of every button and menu that outlives a restart (a discord.py ``DynamicItem``)."""

from __future__ import annotations

from typing import Any, ClassVar, TypeVar

import discord

from bot.client import ClubTree, Interaction
from cogs._checks import is_host

ItemT = TypeVar("ItemT", bound=discord.ui.Item[Any], covariant=True)


class ClubItem(discord.ui.DynamicItem[ItemT], template=r"(?!)"):
    """A persistent button or menu: who may use it is its :meth:`interaction_check`, and an error
    in :meth:`act` reaches the member through the tree's one error path, as a command's would.

    This base is never registered (its template matches nothing); each subclass names its own.
    """

    hosts_only: ClassVar[str | None] = None  # set: only hosts may use it, and others are told this

    async def interaction_check(self, interaction: discord.Interaction[Any], /) -> bool:
        if self.hosts_only is not None and not is_host(interaction):
            await ClubTree.reply(interaction, self.hosts_only)
            return False
        return True

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        try:
            await self.act(interaction)
        except Exception as error:
            await ClubTree.report(interaction, error, where=f"the component {self.custom_id}")

    async def act(self, interaction: Interaction) -> None:
        """What a press (or a choice) does."""
        raise NotImplementedError
