"""`/about`: what the bot is, its version and where its data comes from; and TMDB's upkeep.

TMDB's terms: nothing fetched from TMDB is kept more than six months without being fetched again.
Once a day the upkeep fetches again the stored TMDB dramas this bot's records point at (votes,
watch parties) when they are getting old, and deletes the rest once they are old.
"""

from __future__ import annotations

import asyncio
import logging
from importlib import metadata

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import DramaClub, Interaction
from bot.tmdb_dramas import TMDB_PREFIX, tmdb_id_of
from cogs import _render as render

log = logging.getLogger(__name__)

UPKEEP_EVERY = 86400.0  # seconds between two passes of TMDB's upkeep
REFERENCING_TABLES = ("votes", "watch_parties", "watch_series")


def version() -> str:
    try:
        return metadata.version("drama-club-bot")
    except metadata.PackageNotFoundError:
        return "unknown"


class AboutCog(commands.Cog, name="About"):
    def __init__(self, bot: DramaClub) -> None:
        self.bot = bot
        self._upkeep: asyncio.Task[None] | None = None

    async def cog_load(self) -> None:
        if self.bot.dramas.tmdb is not None:
            self._upkeep = self.bot.spawn(self._keep_terms(), name="tmdb-upkeep")

    async def cog_unload(self) -> None:
        if self._upkeep is not None:
            self._upkeep.cancel()

    @app_commands.command(name="about", description="What this bot is and where its data comes from")
    async def about(self, interaction: Interaction) -> None:
        tmdb = self.bot.dramas.tmdb
        embed = render.about_embed(
            version(),
            shipped=len(self.bot.catalog.visible(None)),
            tmdb="off" if tmdb is None else ("token rejected" if tmdb.client.token_rejected else "on"),
        )
        await interaction.response.send_message(embed=embed, ephemeral=True)

    async def referenced(self) -> set[int]:
        """The TMDB dramas any server's votes or watch parties point at."""
        found: set[int] = set()
        for table in REFERENCING_TABLES:
            rows = await self.bot.storage.fetchall(
                f"SELECT DISTINCT drama_slug FROM {table} WHERE drama_slug LIKE ?", (TMDB_PREFIX + "%",)
            )
            found.update(i for i in (tmdb_id_of(row[0]) for row in rows) if i is not None)
        return found

    async def _keep_terms(self) -> None:
        tmdb = self.bot.dramas.tmdb
        assert tmdb is not None
        while True:
            try:
                fetched, deleted = await tmdb.keep_terms(discord.utils.utcnow(), await self.referenced())
                if fetched or deleted:
                    log.info("TMDB upkeep: fetched %d dramas again, deleted %d old ones", fetched, deleted)
            except Exception:
                log.exception("TMDB upkeep failed; trying again tomorrow")
            await asyncio.sleep(UPKEEP_EVERY)


async def setup(bot: DramaClub) -> None:
    await bot.add_cog(AboutCog(bot))
