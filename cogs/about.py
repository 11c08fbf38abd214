"""`/about`: what the bot is, its version and where its data comes from; and TMDB's upkeep.

TMDB's terms: nothing fetched from TMDB is kept more than six months without being fetched again.
When the oldest stored TMDB drama is five months old, the upkeep fetches it again if this bot's
records point at it (votes, watch parties), and deletes it otherwise.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from importlib import metadata

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import DramaClub, Interaction
from bot.drama import TMDB_PREFIX
from bot.tmdb_answers import tmdb_id_of
from bot.tmdb_dramas import REFRESH_AFTER
from cogs import _render as common
from cogs._loops import DueLoop

log = logging.getLogger(__name__)

UPKEEP_IDLE = 30 * 86400.0  # the longest the upkeep sleeps: it wakes when the oldest stored drama needs it


def version() -> str:
    try:
        return metadata.version("drama-club-bot")
    except metadata.PackageNotFoundError:
        return "unknown"


def about_embed(version: str, *, shipped: int, tmdb: str) -> discord.Embed:
    """`/about`: the bot, its version, its data sources and TMDB's notice."""
    embed = discord.Embed(
        title="Drama Club",
        description=(
            "A Discord bot for K-drama fan clubs: drama cards, cast look-ups, following dramas while they air, "
            "choosing the next one with a poll, watch parties that follow air dates, and the club's ratings. "
            "Open source (MIT)."
        ),
        colour=common.DRAMA_COLOUR,
    )
    embed.add_field(name="Version", value=version, inline=True)
    embed.add_field(
        name="Curated catalog",
        value=(
            f"{common.counted(shipped, 'drama')} with hand-checked facts and review summaries; "
            "every file names its sources"
        ),
        inline=False,
    )
    lookups = {
        "on": "On: any TV drama TMDB knows can be looked up.",
        "off": "Off: the bot's owner can turn them on with `TMDB_TOKEN`.",
        "token rejected": "Unavailable: TMDB rejects the bot's token (`TMDB_TOKEN`).",
    }[tmdb]
    embed.add_field(name="TMDB look-ups", value=lookups, inline=False)
    embed.add_field(
        name="TMDB", value=f"[themoviedb.org](https://www.themoviedb.org) · {common.TMDB_NOTICE}", inline=False
    )
    embed.add_field(
        name="JustWatch",
        value="Where dramas stream (`/where`) is [JustWatch](https://www.justwatch.com)'s data, through TMDB.",
        inline=False,
    )
    return common.fit(embed)


class AboutCog(commands.Cog, name="About"):
    def __init__(self, bot: DramaClub) -> None:
        self.bot = bot
        self._upkeep = DueLoop(bot, "tmdb-upkeep", self._keep_terms, idle=UPKEEP_IDLE)

    async def cog_load(self) -> None:
        if self.bot.dramas.tmdb is not None:
            self._upkeep.start()

    async def cog_unload(self) -> None:
        self._upkeep.stop()

    @app_commands.command(name="about", description="What this bot is and where its data comes from")
    async def about(self, interaction: Interaction) -> None:
        tmdb = self.bot.dramas.tmdb
        embed = about_embed(
            version(),
            shipped=len(self.bot.catalog.visible(None)),
            tmdb="off" if tmdb is None else ("token rejected" if tmdb.client.token_rejected else "on"),
        )
        await interaction.response.send_message(embed=embed, ephemeral=True)

    async def _keep_terms(self) -> datetime | None:
        """Keep TMDB's terms now; returns when the oldest stored drama next needs it."""
        tmdb = self.bot.dramas.tmdb
        assert tmdb is not None
        now = discord.utils.utcnow()
        recorded = await self.bot.storage.recorded_dramas(TMDB_PREFIX)
        fetched, deleted = await tmdb.keep_terms(now, {i for i in map(tmdb_id_of, recorded) if i is not None})
        if fetched or deleted:
            log.info("TMDB upkeep: fetched %d dramas again, deleted %d old ones", fetched, deleted)
        oldest = await tmdb.oldest_fetch()
        return None if oldest is None else max(oldest + REFRESH_AFTER, now + timedelta(hours=1))


async def setup(bot: DramaClub) -> None:
    await bot.add_cog(AboutCog(bot))
