"""The entry point: ``kdrama-bot`` or ``python -m bot``. It owns every lifetime.

``kdrama-bot``                       run the bot (the default; same as ``kdrama-bot run``)
``kdrama-bot sync``                  register the slash commands with Discord now, then exit
``kdrama-bot catalog validate P...`` check drama data files; exit 1 if any is invalid
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

import discord

from bot.catalog import CatalogError, check_unique, load_drama_file
from bot.client import create_bot
from bot.settings import Settings, SettingsError
from bot.storage import StorageError

log = logging.getLogger("bot")

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_CONFIG = 2


def fail(message: str) -> None:
    print(f"kdrama-bot: {message}", file=sys.stderr)


async def run_bot(settings: Settings, *, sync_only: bool = False) -> int:
    """Run until closed by SIGINT/SIGTERM (or, with ``sync_only``, until the commands are synced)."""
    assert settings.token is not None
    bot = create_bot(settings, force_sync=sync_only)
    loop = asyncio.get_running_loop()
    stopping: list[asyncio.Task[None]] = []

    def request_stop(sig: signal.Signals) -> None:
        log.info("Received %s: closing the gateway, background tasks and the database", sig.name)
        if not stopping:
            stopping.append(loop.create_task(bot.close()))

    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, request_stop, sig)
    try:
        async with bot:
            if sync_only:
                await bot.login(settings.token.reveal())  # setup_hook syncs, then we leave
            else:
                await bot.start(settings.token.reveal())
    except discord.LoginFailure:
        fail("Discord rejected DISCORD_TOKEN; copy a fresh token from the Developer Portal into .env")
        return EXIT_CONFIG
    except discord.PrivilegedIntentsRequired:
        fail("Discord refused an intent this bot asked for; see the README's setup section")
        return EXIT_CONFIG
    except (StorageError, CatalogError) as error:
        fail(str(error))
        return EXIT_CONFIG
    finally:
        if stopping:
            await stopping[0]
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
    return EXIT_OK


def validate_catalog(paths: Sequence[Path]) -> int:
    """Check data files from the shell: one line per file, exit 1 if any is invalid."""
    dramas = []
    failed = False
    files: list[Path] = []
    for path in paths:
        files.extend(sorted(path.glob("*.toml")) if path.is_dir() else [path])
    if not files:
        fail("no .toml files found in " + ", ".join(str(p) for p in paths))
        return EXIT_FAILED
    for path in files:
        try:
            drama = load_drama_file(path)
        except CatalogError as error:
            print(f"invalid  {error}")
            failed = True
        except OSError as error:
            print(f"invalid  {path}: cannot be read ({error.strerror})")
            failed = True
        else:
            dramas.append(drama)
            print(f"ok       {path}: {drama.display_title}, {drama.episode_count} episodes")
    try:
        check_unique(dramas)
    except CatalogError as error:
        print(f"invalid  {error}")
        failed = True
    return EXIT_FAILED if failed else EXIT_OK


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="kdrama-bot", description="Drama Club, a Discord bot for K-drama clubs")
    commands = root.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser("run", help="run the bot (the default)")
    commands.add_parser("sync", help="register the slash commands with Discord now, then exit")
    catalog = commands.add_parser("catalog", help="work with drama data files")
    catalog_commands = catalog.add_subparsers(dest="catalog_command", metavar="ACTION", required=True)
    validate = catalog_commands.add_parser("validate", help="check drama .toml files (or folders of them)")
    validate.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    return root


def main(argv: Sequence[str] | None = None) -> None:
    args = parser().parse_args(argv)
    if args.command == "catalog":
        sys.exit(validate_catalog(args.paths))
    try:
        settings = Settings.from_env()
    except SettingsError as error:
        fail(str(error))
        sys.exit(EXIT_CONFIG)
    discord.utils.setup_logging(level=settings.log_level_number, root=True)
    sys.exit(asyncio.run(run_bot(settings, sync_only=args.command == "sync")))


if __name__ == "__main__":
    main()
