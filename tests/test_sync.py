"""Commands are registered only when the command tree changed, or when asked to."""

from __future__ import annotations

import discord
import simcord

from bot.client import DramaClub, create_bot
from bot.settings import Settings
from bot.storage import Storage


def command_puts(env: simcord.Env) -> list[str]:
    return [r.path for r in env.http_requests if r.method == "PUT" and r.path.endswith("/commands")]


async def test_first_start_syncs_and_an_unchanged_restart_does_not(settings: Settings, storage: Storage) -> None:
    bot = create_bot(settings, storage)
    async with simcord.run(bot) as env:
        assert len(command_puts(env)) == 1
        fresh = create_bot(settings, storage)
        await env.restart_bot(fresh)
        await bot.close()
        assert len(command_puts(env)) == 1, "an unchanged tree must not be synced again"

        guild = env.create_guild()
        channel = guild.create_text_channel("general")
        member = guild.add_member(env.create_user("alice"))
        result = await member.slash(channel, "drama", title="Soundtrack #1")
        assert result.response.embeds[0].title == "Soundtrack #1 (2022)"
    await fresh.close()


def with_extra_command(bot: DramaClub) -> DramaClub:
    """The bot as a later release might build it: one command more."""

    @bot.tree.command(name="extra", description="A command added by an upgrade")
    async def extra(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("new")

    return bot


async def test_a_changed_tree_or_force_syncs_again(settings: Settings, storage: Storage) -> None:
    bot = create_bot(settings, storage)
    async with simcord.run(bot) as env:
        changed = with_extra_command(create_bot(settings, storage))
        await env.restart_bot(changed)
        await bot.close()
        assert len(command_puts(env)) == 2

        forced = with_extra_command(create_bot(settings, storage, force_sync=True))
        await env.restart_bot(forced)
        await changed.close()
        assert len(command_puts(env)) == 3
    await forced.close()


async def test_dev_guild_gets_the_commands_at_once(settings: Settings, storage: Storage) -> None:
    guild_settings = settings.model_copy(update={"dev_guild_id": 4242})
    bot = create_bot(guild_settings, storage)
    async with simcord.run(bot, strict_sync=False) as env:
        (path,) = command_puts(env)
        assert path.endswith("/guilds/4242/commands")
    await bot.close()
