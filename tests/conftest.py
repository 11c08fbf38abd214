"""Shared fixtures: settings on a temporary database, and the real bot inside simcord."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import discord
import pytest
import pytest_asyncio
import simcord
from pydantic import SecretStr

from bot.client import ClubTree, DramaClub, create_bot
from bot.settings import DEFAULT_CATALOG_DIR, Settings
from bot.storage import Storage
from bot.tmdb import SessionTransport
from tests import discord_spec, tmdb_spec
from tests.browser import NO_BROWSER
from tests.tmdb_fake import TOKEN, FakeTmdb

SIMULATED_TODAY = date(2026, 1, 1)  # simcord's clock starts on this day


@pytest.fixture
def catalog_dir() -> Path:
    """The shipped catalog; a test module overrides this fixture to run on other dramas."""
    return DEFAULT_CATALOG_DIR


@pytest.fixture
def settings(tmp_path: Path, catalog_dir: Path) -> Settings:
    return Settings(token=None, database_path=tmp_path / "club.sqlite3", catalog_dir=catalog_dir)


@pytest_asyncio.fixture
async def storage(settings: Settings) -> AsyncIterator[Storage]:
    """The settings' database, open for the whole test, as the entry point opens it for the bot."""
    async with Storage.open(settings.database_path) as opened:
        yield opened


@pytest_asyncio.fixture
async def tmdb() -> AsyncIterator[FakeTmdb]:
    """The TMDB test server, with one drama airing around simcord's first day."""
    async with tmdb_spec.checked_server(SIMULATED_TODAY) as fake:
        yield fake


@pytest.fixture
def tmdb_settings(tmp_path: Path, catalog_dir: Path, tmdb: FakeTmdb) -> Settings:
    """Settings with TMDB look-ups on, against the test server; a module uses them as its ``settings``."""
    return Settings(
        database_path=tmp_path / "club.sqlite3",
        catalog_dir=catalog_dir,
        tmdb_token=SecretStr(TOKEN),
        tmdb_api_url=tmdb.url,
    )


@dataclass
class Club:
    """A simulated server with the real bot in it, and the members the tests act as."""

    env: simcord.Env
    guild: simcord.GuildHandle
    channel: simcord.ChannelHandle
    alice: simcord.MemberActor
    bob: simcord.MemberActor
    admin: simcord.MemberActor
    settings: Settings
    connections: AsyncExitStack
    errors_seen: int = 0

    def take_errors(self) -> list[BaseException]:
        """The errors the bot raised since the last call; the test has now inspected them."""
        errors = list(self.env.errors_since(self.errors_seen))
        self.errors_seen += len(errors)
        return errors

    @property
    def bot(self) -> DramaClub:
        bot = self.env.bot
        assert isinstance(bot, DramaClub)
        return bot

    async def restart(self) -> DramaClub:
        """A new bot object on a new connection to the same database, as after a process restart."""
        old = self.bot
        storage = await self.connections.enter_async_context(Storage.open(self.settings.database_path))
        fresh = create_bot(self.settings, storage, tmdb_transport=SessionTransport(keep_alive=False))
        await self.env.restart_bot(fresh)
        await old.close()
        return fresh


@pytest_asyncio.fixture
async def club(settings: Settings) -> AsyncIterator[Club]:
    async with AsyncExitStack() as connections:
        storage = await connections.enter_async_context(Storage.open(settings.database_path))
        bot = create_bot(settings, storage, tmdb_transport=SessionTransport(keep_alive=False))
        env = simcord.Env(bot, settle_timeout=30)
        try:
            await env.start()
        except BaseException:
            await bot.close()
            raise
        club = None
        try:
            guild = env.create_guild(name="K-Drama Club")
            channel = guild.create_text_channel("general")
            admins = guild.create_role(
                "Club admin", permissions=discord.Permissions(manage_guild=True, manage_events=True)
            )
            club = Club(
                env=env,
                guild=guild,
                channel=channel,
                alice=guild.add_member(env.create_user("alice")),
                bob=guild.add_member(env.create_user("bob")),
                admin=guild.add_member(env.create_user("hana"), roles=[admins]),
                settings=settings,
                connections=connections,
            )
            yield club
        finally:
            bot = env.bot
            await env.shutdown()
            await bot.close()
            # simcord records every error a command raised, even those the bot answered on purpose
            # (bad input, refused checks). Those are behaviour; anything else is a bug.
            errors = club.take_errors() if club is not None else list(env.errors)
            unexpected = [error for error in errors if ClubTree.describe(error) is None]
            if unexpected:
                raise unexpected[0]
            assert_requests_valid(env)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say loudly when the request bodies could not be checked against Discord's API description,
    and when the page tests found no browser to run in."""
    unbrowsed = [
        report
        for report in terminalreporter.stats.get("skipped", [])
        if NO_BROWSER in str(getattr(report, "longrepr", ""))
    ]
    if unbrowsed:
        terminalreporter.section("The browser tests did not run", sep="!", red=True, bold=True)
        reason = str(unbrowsed[0].longrepr[-1]) if isinstance(unbrowsed[0].longrepr, tuple) else ""
        terminalreporter.line(
            f"{len(unbrowsed)} test(s) of the try --web page were skipped. {reason.removeprefix('Skipped: ')}",
            red=True,
            bold=True,
        )
    if discord_spec.spec_available():
        return
    terminalreporter.section("Discord API checks did not run", sep="!", red=True, bold=True)
    terminalreporter.line(
        f"{discord_spec.SPEC_PATH} is missing, so no request body the bot sent was checked against "
        "Discord's API description. Put the shared folder beside this checkout (CI does) and run the tests again.",
        red=True,
        bold=True,
    )


def assert_requests_valid(env: simcord.Env) -> None:
    """Every request body the bot sent fits Discord's API description and limits."""
    if not discord_spec.spec_available():
        return
    problems: list[str] = []
    for request in env.http_requests:
        problems += discord_spec.schema_problems(request.method, request.path, request.json)
        problems += [f"{request.method} {request.path}: {p}" for p in discord_spec.limit_problems(request.json)]
    assert problems == [], "\n".join(problems)
