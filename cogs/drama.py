"""Drama knowledge: `/drama` cards."""

from __future__ import annotations

from discord import app_commands
from discord.ext import commands

from bot.client import DramaClub, Interaction
from cogs import _render as render


class DramaCog(commands.Cog, name="Drama"):
    def __init__(self, bot: DramaClub) -> None:
        self.bot = bot

    @app_commands.command(name="drama", description="Show a drama's card: facts, air dates, cast and review")
    @app_commands.describe(title="The drama's title; small typos are fine")
    async def drama(self, interaction: Interaction, title: app_commands.Range[str, 1, 200]) -> None:
        drama = self.bot.catalog.find(title)
        await interaction.response.send_message(embed=render.drama_card(drama))

    @drama.autocomplete("title")
    async def drama_title_autocomplete(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [
            app_commands.Choice(name=render.choice_name(d.display_title), value=d.slug)
            for d in self.bot.catalog.suggest(current, limit=render.CHOICE_COUNT_LIMIT)
        ]


async def setup(bot: DramaClub) -> None:
    await bot.add_cog(DramaCog(bot))
