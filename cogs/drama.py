"""Drama knowledge: `/drama` cards, `/review` summaries, `/cast` lists and `/actor` look-ups."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import DramaClub, Interaction
from bot.errors import UserError
from bot.parties import PartyStore
from bot.ratings import VoteStore
from cogs import _options as options
from cogs import _render as render
from cogs._options import DramaOption
from cogs._paging import send_pages


class DramaCog(commands.Cog, name="Drama"):
    def __init__(self, bot: DramaClub) -> None:
        self.bot = bot
        self.votes = VoteStore(bot.storage)
        self.parties = PartyStore(bot.storage)

    @app_commands.command(name="drama", description="Show a drama's card: facts, air dates, cast and review")
    @app_commands.rename(drama="title")
    @app_commands.describe(drama="The drama's title; small typos are fine")
    async def drama(self, interaction: Interaction, drama: DramaOption) -> None:
        club = None
        if interaction.guild_id is not None:
            club = await self.votes.stats(interaction.guild_id, drama.slug)
        card = render.drama_card(drama, club, in_server=interaction.guild_id is not None)
        await interaction.response.send_message(embed=card)

    @app_commands.command(name="review", description="Read the review summary; late-story points are hidden")
    @app_commands.rename(drama="title")
    @app_commands.describe(drama="The drama's title; small typos are fine")
    async def review(self, interaction: Interaction, drama: DramaOption) -> None:
        if drama.review is None:
            raise UserError(f"There is no review summary for **{drama.display_title}** yet.")
        await interaction.response.send_message(embed=render.review_embed(drama))

    @app_commands.command(name="cast", description="Who plays whom in a drama")
    @app_commands.rename(drama="title")
    @app_commands.describe(drama="The drama's title; small typos are fine")
    async def cast(self, interaction: Interaction, drama: DramaOption) -> None:
        await send_pages(interaction, render.cast_pages(drama))

    @app_commands.command(
        name="actor", description="An actor's roles across the catalog (a character's name works too)"
    )
    @app_commands.describe(name="An actor's or a character's name, in any romanization")
    @app_commands.autocomplete(name=options.people)
    async def actor(self, interaction: Interaction, name: app_commands.Range[str, 1, 200]) -> None:
        person = self.bot.catalog.find_person(name, interaction.guild_id)
        rated: set[str] = set()
        watched: set[str] = set()
        planned: set[str] = set()
        if interaction.guild_id is not None:
            slugs = [role.drama.slug for role in person.roles]
            rated = await self.votes.rated_dramas(interaction.guild_id, slugs)
            watched, planned = await self.parties.party_dramas(interaction.guild_id, slugs, discord.utils.utcnow())
        embed = render.person_embed(person, rated=rated, watched=watched, planned=planned)
        await interaction.response.send_message(embed=embed)


async def setup(bot: DramaClub) -> None:
    await bot.add_cog(DramaCog(bot))
