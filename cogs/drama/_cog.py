"""Drama knowledge: `/drama` cards, `/review` summaries, `/cast` lists and `/actor` look-ups."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import DramaClub, Interaction
from bot.drama import TMDB_PREFIX
from bot.errors import UserError
from bot.parties import PartyStore
from bot.ratings import VoteStore
from bot.tmdb_answers import TmdbPerson
from cogs import _options as options
from cogs import _render as common
from cogs._options import DramaOption, answer
from cogs._paging import send_pages
from cogs.drama import _render as render


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
        card = common.drama_card(drama, club, in_server=interaction.guild_id is not None)
        await answer(interaction, embed=card)

    @app_commands.command(name="review", description="Read the review summary; late-story points are hidden")
    @app_commands.rename(drama="title")
    @app_commands.describe(drama="The drama's title; small typos are fine")
    async def review(self, interaction: Interaction, drama: DramaOption) -> None:
        if drama.review is None:
            hint = " A server admin can add one with `/catalog add`." if drama.from_tmdb else ""
            raise UserError(f"There is no review summary for **{drama.display_title}** yet.{hint}")
        await answer(interaction, embed=render.review_embed(drama))

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
        guild = interaction.guild_id

        async def defer() -> None:
            await options.think(interaction, private=False)

        person = await self.bot.dramas.find_person(name, guild, defer)
        if isinstance(person, TmdbPerson):
            # a drama of theirs the curated catalog has is the club's under its own id
            ids = {c.tmdb_id: self.bot.catalog.by_tmdb_id(c.tmdb_id, guild) for c in person.credits}
            by_id = {i: twin.slug if twin else f"{TMDB_PREFIX}{i}" for i, twin in ids.items()}
            rated, watched, planned = await self._seen(guild, list(by_id.values()))
            embed = render.tmdb_person_embed(person, by_id, rated=rated, watched=watched, planned=planned)
        else:
            rated, watched, planned = await self._seen(guild, [role.drama.slug for role in person.roles])
            embed = render.person_embed(person, rated=rated, watched=watched, planned=planned)
        await answer(interaction, embed=embed)

    async def _seen(self, guild_id: int | None, slugs: list[str]) -> tuple[set[str], set[str], set[str]]:
        """Which of these dramas the club rated, watched together, and has a party planned for."""
        if guild_id is None:
            return set(), set(), set()
        rated = await self.votes.rated_dramas(guild_id, slugs)
        watched, planned = await self.parties.party_dramas(guild_id, slugs, discord.utils.utcnow())
        return rated, watched, planned
