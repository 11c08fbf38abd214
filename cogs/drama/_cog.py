"""Drama knowledge: `/drama` cards, `/review` summaries, `/cast` lists and `/actor` look-ups."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import DramaClub, Interaction
from bot.drama import TMDB_PREFIX
from bot.errors import UserError
from bot.parties import PartyStore
from bot.ratings import VoteStore
from bot.servers import ServerStore, country, country_name
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
        where = None
        if interaction.guild_id is not None:
            club = await self.votes.stats(interaction.guild_id, drama.slug)
            region = (await ServerStore(self.bot.storage).of(interaction.guild_id)).region
            if region is not None:
                watch = await self.bot.dramas.watch(drama, discord.utils.utcnow(), self._thinking(interaction))
                where = (region, country_name(region), watch)
        card = common.drama_card(drama, club, in_server=interaction.guild_id is not None, where=where)
        await answer(interaction, embed=card)

    @staticmethod
    def _thinking(interaction: Interaction) -> Callable[[], Awaitable[None]]:
        async def defer() -> None:
            await options.think(interaction, private=False)

        return defer

    @app_commands.command(name="where", description="Where a drama streams in the club's country (or another)")
    @app_commands.rename(drama="title")
    @app_commands.describe(
        drama="The drama's title", region="A country (default: the server's, set with /club settings)"
    )
    @app_commands.autocomplete(region=options.countries)
    async def where(
        self, interaction: Interaction, drama: DramaOption, region: app_commands.Range[str, 1, 60] | None = None
    ) -> None:
        code = country(region) if region is not None else None
        if code is None and interaction.guild_id is not None:
            code = (await ServerStore(self.bot.storage).of(interaction.guild_id)).region
        if code is None:
            raise UserError(
                "Which country? Give `region` (such as `KR` or `United States`), or ask an admin to set the "
                "server's with `/club settings region`."
            )
        watch = await self.bot.dramas.watch(drama, discord.utils.utcnow(), self._thinking(interaction))
        if watch is None:
            raise UserError(
                f"Where **{drama.display_title}** streams is unknown: its file names no `tmdb_id`"
                + ("" if self.bot.dramas.tmdb is not None else ", and TMDB look-ups are off")
                + ", so JustWatch's data cannot be found for it."
            )
        await answer(interaction, embed=render.where_embed(drama, code, country_name(code), watch))

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
