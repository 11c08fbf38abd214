"""Pages of embeds with Previous/Next buttons, for answers longer than one embed."""

from __future__ import annotations

import logging

import discord

from bot.client import Interaction

log = logging.getLogger(__name__)
PAGE_TIMEOUT = 600.0


class PageView(discord.ui.View):
    """Anyone in the channel may turn the pages; the buttons go away after ten quiet minutes."""

    def __init__(self, pages: list[discord.Embed], *, timeout: float = PAGE_TIMEOUT) -> None:
        super().__init__(timeout=timeout)
        self.pages = pages
        self.index = 0
        self.message: discord.InteractionMessage | discord.WebhookMessage | None = None
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.previous_page.disabled = self.index == 0
        self.next_page.disabled = self.index >= len(self.pages) - 1

    async def _show(self, interaction: Interaction, index: int) -> None:
        self.index = max(0, min(index, len(self.pages) - 1))
        self._update_buttons()
        await interaction.response.edit_message(embed=self.pages[self.index], view=self)

    @discord.ui.button(label="Previous", emoji="◀️", style=discord.ButtonStyle.secondary)
    async def previous_page(self, interaction: Interaction, button: discord.ui.Button[PageView]) -> None:
        await self._show(interaction, self.index - 1)

    @discord.ui.button(label="Next", emoji="▶️", style=discord.ButtonStyle.secondary)
    async def next_page(self, interaction: Interaction, button: discord.ui.Button[PageView]) -> None:
        await self._show(interaction, self.index + 1)

    async def on_timeout(self) -> None:
        if self.message is not None:
            try:
                await self.message.edit(view=None)
            except discord.HTTPException:
                log.debug("Could not remove page buttons from message %s", self.message.id)


async def send_pages(interaction: Interaction, pages: list[discord.Embed], *, ephemeral: bool = False) -> None:
    """Send one embed, or the first of several pages with buttons to turn them."""
    if interaction.response.is_done():  # deferred while TMDB was asked
        interaction.extras.pop("thinking", None)
        if len(pages) == 1:
            await interaction.followup.send(embed=pages[0], ephemeral=ephemeral)
            return
        view = PageView(pages)
        view.message = await interaction.followup.send(embed=pages[0], view=view, ephemeral=ephemeral, wait=True)
        return
    if len(pages) == 1:
        await interaction.response.send_message(embed=pages[0], ephemeral=ephemeral)
        return
    view = PageView(pages)
    await interaction.response.send_message(embed=pages[0], view=view, ephemeral=ephemeral)
    view.message = await interaction.original_response()
