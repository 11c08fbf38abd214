"""The bot's frame: builds the discord.py bot, loads the catalog, routes every command error.

This module and :mod:`bot.__main__` are the only modules in ``bot/`` that import discord.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import pkgutil
import secrets
from collections.abc import Coroutine
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

import cogs
from bot.catalog import load_catalog_dir
from bot.club_catalog import ClubCatalog
from bot.dramas import Dramas
from bot.errors import UserError
from bot.parties import PartyStore
from bot.planning import Planner
from bot.search import Indexes
from bot.servers import ServerStore
from bot.settings import Settings
from bot.storage import Storage
from bot.tmdb import SessionTransport, TmdbClient, Transport
from bot.tmdb_dramas import TmdbDramas

log = logging.getLogger(__name__)

Interaction = discord.Interaction["DramaClub"]

_PERMISSION_NAMES = {
    "manage_guild": "Manage Server",
    "manage_events": "Manage Events",
    "administrator": "Administrator",
}


def bot_intents() -> discord.Intents:
    """Only what the features use: guilds (channels, roles) and scheduled events (RSVPs).

    No message events: a poll's result is read from Discord at its end (the bot, its author, is the
    only one who can end it early, with `/pick end:True`). No privileged intent: slash commands
    carry the member and message content is never read.
    """
    intents = discord.Intents.none()
    intents.guilds = True
    intents.guild_scheduled_events = True
    return intents


def extension_names() -> list[str]:
    """Every public module in ``cogs/``; ``_private`` modules are helpers, not extensions."""
    return sorted(
        f"{cogs.__name__}.{module.name}"
        for module in pkgutil.iter_modules(cogs.__path__)
        if not module.name.startswith("_")
    )


def permission_names(missing: list[str]) -> str:
    return ", ".join(_PERMISSION_NAMES.get(p, p.replace("_", " ").title()) for p in missing)


class ClubTree(app_commands.CommandTree["DramaClub"]):
    """One place that turns every app-command error into an ephemeral answer."""

    async def on_error(self, interaction: Interaction, error: app_commands.AppCommandError) -> None:
        command = interaction.command.qualified_name if interaction.command else "?"
        await self.report(interaction, self.unwrap(error), where=f"/{command}")

    @staticmethod
    def unwrap(error: BaseException) -> BaseException:
        """The error a command or one of its options raised, out of discord.py's wrapper."""
        if isinstance(error, app_commands.CommandInvokeError):
            return error.original
        if isinstance(error, app_commands.TransformerError) and error.__cause__ is not None:
            return error.__cause__
        return error

    @classmethod
    async def report(cls, interaction: Interaction, error: BaseException, *, where: str) -> None:
        """Answer an error ephemerally: its own words for an expected one, an error id for a bug.

        Commands reach this through :meth:`on_error`; buttons and menus call it themselves.
        """
        message = cls.describe(error)
        if message is None:
            error_id = secrets.token_hex(4)
            log.error(
                "Error %s in %s (guild %s, user %s)",
                error_id,
                where,
                interaction.guild_id,
                interaction.user.id,
                exc_info=error,
            )
            message = (
                f"Something went wrong on my side (error id `{error_id}`). "
                "Please try again; if it keeps happening, give this id to a server admin."
            )
        await cls.reply(interaction, message)

    @staticmethod
    def describe(error: BaseException) -> str | None:
        """The member-facing text for an expected error; ``None`` for a bug."""
        error = ClubTree.unwrap(error)
        if isinstance(error, UserError):
            return error.message
        if isinstance(error, app_commands.MissingPermissions):
            return f"You need the **{permission_names(error.missing_permissions)}** permission to do that."
        if isinstance(error, app_commands.BotMissingPermissions):
            return (
                f"I need the **{permission_names(error.missing_permissions)}** permission here; "
                "ask a server admin to grant it to my role."
            )
        if isinstance(error, app_commands.NoPrivateMessage):
            return "That command works only inside a server, not in direct messages."
        if isinstance(error, app_commands.CommandOnCooldown):
            return f"Slow down a little: try again in {error.retry_after:.0f} seconds."
        if isinstance(error, app_commands.TransformerError):
            return f"I couldn't understand “{error.value}” for that option; please check it and try again."
        if isinstance(error, app_commands.CheckFailure):
            return "You can't use that command here."
        return None

    @staticmethod
    async def reply(interaction: Interaction, message: str) -> None:
        """Answer ephemerally through whichever channel is still open.

        A public "thinking" answer (a command deferred before asking TMDB) would turn the first
        follow-up public, so it is completed and deleted first: the refusal stays private."""
        try:
            if interaction.extras.pop("thinking", None) == "public":
                await interaction.edit_original_response(content="…")
                await interaction.delete_original_response()
            if interaction.response.is_done():
                await interaction.followup.send(message, ephemeral=True)
            else:
                await interaction.response.send_message(message, ephemeral=True)
        except discord.HTTPException:
            log.warning("Could not deliver an error message for interaction %s", interaction.id)


class DramaClub(commands.Bot):
    """The Drama Club bot. Build it with :func:`create_bot`."""

    catalog: ClubCatalog
    dramas: Dramas
    planner: Planner[Interaction]

    def __init__(
        self,
        settings: Settings,
        storage: Storage,
        *,
        force_sync: bool = False,
        tmdb_transport: Transport | None = None,
    ) -> None:
        # The bot never joins a voice channel, so the voice libraries' absence is nothing to warn about.
        discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = False
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=bot_intents(),
            allowed_mentions=discord.AllowedMentions.none(),
            tree_cls=ClubTree,
            help_command=None,
            max_messages=None,  # nothing reads cached messages
        )
        self.settings = settings
        self.storage = storage
        self.force_sync = force_sync
        self.tmdb_transport = tmdb_transport or SessionTransport()
        self._tasks: set[asyncio.Task[Any]] = set()

    async def setup_hook(self) -> None:
        dramas = await asyncio.to_thread(load_catalog_dir, self.settings.catalog_dir)
        indexes = await asyncio.to_thread(Indexes.build, dramas)
        self.catalog = await ClubCatalog.load(self.storage, indexes)
        self.spawn(self._index_people(indexes), name="people-index")
        log.info("Catalog loaded: %d dramas from %s", len(dramas), self.settings.catalog_dir)
        self.dramas = Dramas(self.catalog, self._tmdb())
        # Planning's Discord side belongs to the watch-party feature, whose modules import this one.
        from cogs.watchparty._calendar import DiscordCalendar

        self.planner = Planner(PartyStore(self.storage), DiscordCalendar(self), self.dramas.get)
        for name in extension_names():
            await self.load_extension(name)
        await self.sync_commands(force=self.force_sync)

    async def _index_people(self, indexes: Indexes) -> None:
        """Build the people index after the bot is ready to answer: only /actor needs it."""
        await self.wait_until_ready()
        await asyncio.to_thread(lambda: indexes.people)

    def _tmdb(self) -> TmdbDramas | None:
        """TMDB look-ups, when ``TMDB_TOKEN`` is set."""
        token = self.settings.tmdb_token
        if token is None:
            log.info("TMDB look-ups are off (TMDB_TOKEN is not set): the curated catalog answers alone")
            return None
        client = TmdbClient(
            self.tmdb_transport,
            token.get_secret_value(),
            self.settings.tmdb_api_url,
            self.settings.tmdb_language,
            clock=discord.utils.utcnow,  # simulated in tests and in try
        )
        log.info("TMDB look-ups are on (%s, %s)", self.settings.tmdb_api_url, self.settings.tmdb_language)
        return TmdbDramas(self.storage, client)

    def spawn(self, coroutine: Coroutine[Any, Any, Any], *, name: str) -> asyncio.Task[Any]:
        """Start a background task the bot owns: kept, logged if it fails, cancelled on close."""
        task = asyncio.create_task(coroutine, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)
        return task

    def _task_done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("Background task %s failed", task.get_name(), exc_info=task.exception())

    async def close(self) -> None:
        """Cancel the bot's background tasks and close the gateway; the storage's owner closes it."""
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.wait(self._tasks, timeout=5)
        await super().close()  # unloads the extensions first
        await self.tmdb_transport.close()

    async def default_timezone(self, guild_id: int) -> str:
        """The time zone a server's plans use when they name none: its own, else ``DEFAULT_TIMEZONE``."""
        return (await ServerStore(self.storage).of(guild_id)).timezone or self.settings.default_timezone

    # -- command registration ----------------------------------------------------------------

    def command_payloads(self, guild: discord.abc.Snowflake | None) -> list[dict[str, Any]]:
        commands_ = self.tree.get_commands(guild=guild)
        return sorted((c.to_dict(self.tree) for c in commands_), key=lambda p: (p["name"], p.get("type", 1)))

    async def sync_commands(self, *, force: bool = False) -> bool:
        """Register the commands with Discord if they changed since the last sync (or ``force``).

        With ``DEV_GUILD_ID`` the commands go to that server, where they appear at once; otherwise
        they are global. Returns whether a sync request was made.
        """
        guild = None
        scope = f"global:{self.application_id}"
        if self.settings.dev_guild_id is not None:
            guild = discord.Object(self.settings.dev_guild_id)
            self.tree.copy_global_to(guild=guild)
            scope = f"guild:{self.application_id}:{guild.id}"
        payload = json.dumps(self.command_payloads(guild), sort_keys=True, ensure_ascii=False)
        tree_hash = hashlib.sha256(payload.encode()).hexdigest()
        if not force and await self.storage.command_tree_hash(scope) == tree_hash:
            log.info("Slash commands unchanged since the last sync; not syncing")
            return False
        synced = await self.tree.sync(guild=guild)
        await self.storage.record_command_tree_hash(scope, tree_hash, discord.utils.utcnow())
        log.info("Synced %d slash commands (%s)", len(synced), scope)
        return True


def create_bot(
    settings: Settings, storage: Storage, *, force_sync: bool = False, tmdb_transport: Transport | None = None
) -> DramaClub:
    """Build the bot on an open storage. The catalog is read when discord.py calls ``setup_hook``."""
    return DramaClub(settings, storage, force_sync=force_sync, tmdb_transport=tmdb_transport)
