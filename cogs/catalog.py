"""Catalog management for server admins: `/catalog add` and `/catalog remove`."""

from __future__ import annotations

import asyncio
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.catalog import MAX_FILE_BYTES, CatalogError, parse_drama_bytes
from bot.client import ClubTree, DramaClub, Interaction
from bot.club_catalog import DramaInUse
from bot.drama import Drama
from bot.errors import UserError
from cogs import _render as common
from cogs._checks import catalog_admin
from cogs._options import PrivateDramaOption, answer


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class CatalogCog(commands.GroupCog, group_name="catalog", group_description="Add or remove dramas (admins)"):
    def __init__(self, bot: DramaClub) -> None:
        self.bot = bot
        super().__init__()

    @app_commands.command(name="add", description="Add a drama from a .toml file (the README shows the format)")
    @app_commands.describe(
        file="A drama file in the same TOML format as data/dramas/",
        replace="Update a drama that is already in the catalog",
    )
    @catalog_admin()
    async def add(self, interaction: Interaction, file: discord.Attachment, replace: bool = False) -> None:
        assert interaction.guild_id is not None
        if file.size > MAX_FILE_BYTES:
            raise UserError(
                f"`{file.filename}` is {file.size:,} bytes; a drama file may be at most {MAX_FILE_BYTES:,} bytes."
            )
        await interaction.response.defer(ephemeral=True, thinking=True)
        data = await file.read()
        try:
            drama = await asyncio.to_thread(parse_drama_bytes, data, file.filename)
        except CatalogError as error:
            joiner = "\n" if error.more else ". "
            raise UserError(
                f"Nothing was added: {error}{joiner}The README's “The catalog” section shows the format."
            ) from None
        added = await self.bot.catalog.add(
            interaction.guild_id,
            drama,
            data.decode("utf-8"),
            added_by=interaction.user.id,
            now=discord.utils.utcnow(),
            replace=replace,
        )
        verb = "Updated" if added.replaced is not None else "Added"
        await interaction.followup.send(
            f"{verb} **{added.drama.display_title}**. Members can find it with `/drama` now.",
            embed=common.drama_card(added.drama),
            ephemeral=True,
        )

    @app_commands.command(name="remove", description="Remove a drama this server added")
    @app_commands.rename(drama="title")
    @app_commands.describe(drama="The drama to remove")
    @catalog_admin()
    async def remove(self, interaction: Interaction, drama: PrivateDramaOption) -> None:
        assert interaction.guild_id is not None
        try:
            restored = await self.bot.catalog.remove(interaction.guild_id, drama)
        except DramaInUse as in_use:
            await answer(interaction, in_use.message, view=RemoveAnyway(drama, in_use.records), ephemeral=True)
            return
        await answer(interaction, removed_text(drama, restored), ephemeral=True)


def removed_text(drama: Drama, restored: Drama | None, records: str | None = None) -> str:
    message = f"Removed **{drama.display_title}** from this server's catalog"
    message += f", with its {records}." if records else "."
    if restored is not None:
        message += " The version that ships with the bot is shown again."
    return message


class RemoveAnyway(discord.ui.View):
    """The confirmation under a refused `/catalog remove`: removes the drama with its records.
    Only the admin who asked sees it; it lapses after ten minutes."""

    def __init__(self, drama: Drama, records: str) -> None:
        super().__init__(timeout=600)
        self.drama = drama
        self.records = records
        self.confirm.label = common.clip(f"Remove it with its {records}", 80)

    @discord.ui.button(style=discord.ButtonStyle.danger, label="Remove")
    async def confirm(self, interaction: Interaction, button: discord.ui.Button[RemoveAnyway]) -> None:
        assert interaction.guild_id is not None
        bot = interaction.client
        now = discord.utils.utcnow()
        # the drama's Discord events go with its parties; then records and drama in one transaction
        upcoming = await bot.planner.store.upcoming(interaction.guild_id, now, drama_slug=self.drama.slug, limit=500)
        self.stop()  # once: the button leaves the message as it is pressed
        await interaction.response.edit_message(view=None)
        await bot.planner.cancel(upcoming, now, by=interaction.user.id)
        restored = await bot.catalog.remove(interaction.guild_id, self.drama, with_records=True)
        await interaction.followup.send(removed_text(self.drama, restored, self.records), ephemeral=True)

    async def on_error(
        self, interaction: discord.Interaction[Any], error: Exception, item: discord.ui.Item[Any], /
    ) -> None:
        await ClubTree.report(interaction, error, where="the confirmed removal of a drama")


async def setup(bot: DramaClub) -> None:
    await bot.add_cog(CatalogCog(bot))
