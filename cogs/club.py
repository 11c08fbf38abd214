"""`/club settings`: a server's own settings, for its admins: its country (where dramas stream)
and the default time zone of its watch-party plans."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import DramaClub, Interaction
from bot.servers import ServerSettings, ServerStore, country, country_name
from cogs import _options as options
from cogs import _render as common
from cogs._checks import catalog_admin
from cogs._options import TimezoneOption


def settings_embed(settings: ServerSettings, default_timezone: str) -> discord.Embed:
    embed = discord.Embed(title="This server's settings", colour=common.DRAMA_COLOUR)
    region = f"{country_name(settings.region)} (`{settings.region}`)" if settings.region else "Not set"
    embed.add_field(name="Country (region)", value=region, inline=False)
    zone = settings.timezone or f"{default_timezone} (the bot's default)"
    embed.add_field(name="Time zone of plans", value=zone, inline=False)
    embed.set_footer(text="Change them with /club settings region:<country> timezone:<zone>.")
    return common.fit(embed)


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class ClubCog(commands.GroupCog, group_name="club", group_description="This server's settings (admins)"):
    def __init__(self, bot: DramaClub) -> None:
        self.bot = bot
        super().__init__()

    @app_commands.command(name="settings", description="Show or change this server's country and time zone")
    @app_commands.describe(
        region="The country whose streaming services members use (a code like KR, or its name)",
        timezone="The default time zone of watch-party plans",
    )
    @app_commands.autocomplete(region=options.countries)
    @catalog_admin()
    async def settings(
        self,
        interaction: Interaction,
        region: app_commands.Range[str, 1, 60] | None = None,
        timezone: TimezoneOption | None = None,
    ) -> None:
        assert interaction.guild_id is not None
        store = ServerStore(self.bot.storage)
        code = country(region) if region is not None else None  # refused before anything is stored
        if code is not None or timezone is not None:
            stored = await store.change(interaction.guild_id, region=code, timezone=timezone.key if timezone else None)
        else:
            stored = await store.of(interaction.guild_id)
        embed = settings_embed(stored, self.bot.settings.default_timezone)
        await interaction.response.send_message(embed=embed, ephemeral=True)


async def setup(bot: DramaClub) -> None:
    await bot.add_cog(ClubCog(bot))
