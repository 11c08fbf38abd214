"""The entry point: ``kdrama-bot`` or ``python -m bot``. It owns every lifetime.

``kdrama-bot``                       run the bot (the default; same as ``kdrama-bot run``)
``kdrama-bot sync``                  register the slash commands with Discord now, then exit
``kdrama-bot catalog validate P...`` check drama data files; exit 1 if any is invalid
``kdrama-bot try ["/command ..."]``  try the real commands against a simulated server, no token
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import signal
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import aiohttp
import discord

from bot.catalog import CatalogError, catalog_files, check_unique, load_drama_file
from bot.client import create_bot
from bot.settings import Settings, SettingsError
from bot.storage import Storage, StorageError

if TYPE_CHECKING:
    from trial.sandbox import Sandbox

log = logging.getLogger("bot")

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_CONFIG = 2


def try_logging() -> Path | None:
    """The terminal is for the answers: the errors ``try``'s bot logs, with their tracebacks, go to
    a new file of this run's own, readable by its user alone (``mkstemp``), in the temporary
    folder. Returns the file, or None where none can be written."""
    try:
        descriptor, name = tempfile.mkstemp(prefix="drama-club-try-", suffix=".log")
    except OSError:
        discord.utils.setup_logging(handler=logging.NullHandler(), level=logging.ERROR, root=True)
        return None
    os.close(descriptor)
    handler = logging.FileHandler(name, encoding="utf-8")
    formatter = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    discord.utils.setup_logging(handler=handler, formatter=formatter, level=logging.ERROR, root=True)
    return Path(name)


def drop_if_empty(log_file: Path | None) -> None:
    """A run that logged nothing leaves no file behind."""
    for handler in logging.getLogger().handlers:
        if isinstance(handler, logging.FileHandler) and log_file is not None and handler.baseFilename == str(log_file):
            handler.close()
    if log_file is not None and log_file.exists() and log_file.stat().st_size == 0:
        log_file.unlink()


def fail(message: str) -> None:
    print(f"kdrama-bot: {message}", file=sys.stderr)


async def run_bot(settings: Settings, *, sync_only: bool = False) -> int:
    """Run until closed by SIGINT/SIGTERM (or, with ``sync_only``, until the commands are synced).

    This function owns every lifetime: the database is opened before the bot and closed after it.
    """
    assert settings.token is not None
    loop = asyncio.get_running_loop()
    stopping: list[asyncio.Task[None]] = []
    try:
        async with Storage.open(settings.database_path) as storage:
            bot = create_bot(settings, storage, force_sync=sync_only)

            def request_stop(sig: signal.Signals) -> None:
                log.info("Received %s: closing the gateway, background tasks and the database", sig.name)
                if not stopping:
                    stopping.append(loop.create_task(bot.close()))

            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(sig, request_stop, sig)
            try:
                async with bot:
                    if sync_only:
                        await bot.login(settings.token.get_secret_value())  # setup_hook syncs, then we leave
                    else:
                        await bot.start(settings.token.get_secret_value())
            finally:
                if stopping:
                    await stopping[0]
                for sig in (signal.SIGINT, signal.SIGTERM):
                    loop.remove_signal_handler(sig)
    except discord.LoginFailure:
        fail("Discord rejected DISCORD_TOKEN; copy a fresh token from the Developer Portal into .env")
        return EXIT_CONFIG
    except discord.PrivilegedIntentsRequired:
        fail("Discord refused an intent this bot asked for; see the README's setup section")
        return EXIT_CONFIG
    except (StorageError, CatalogError) as error:
        fail(str(error))
        return EXIT_CONFIG
    except (aiohttp.ClientConnectionError, discord.GatewayNotFound) as error:
        fail(f"cannot reach Discord ({error}); check this machine's network connection")
        return EXIT_FAILED
    return EXIT_OK


def validate_catalog(paths: Sequence[Path]) -> int:
    """Check data files from the shell: one line per file, exit 1 if any is invalid."""
    dramas = []
    failed = False
    files: list[Path] = []
    try:
        for path in paths:
            files.extend(catalog_files(path) if path.is_dir() else [path])
    except CatalogError as error:
        fail(str(error))
        return EXIT_FAILED
    if not files:
        fail("no .toml files found in " + ", ".join(str(p) for p in paths))
        return EXIT_FAILED
    for path in files:
        try:
            drama = load_drama_file(path)
        except CatalogError as error:
            print(f"invalid  {error}")
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


async def try_bot(settings: Settings, args: argparse.Namespace) -> int:
    """``kdrama-bot try``: one command, a script (``--file``), an interactive prompt or a web page."""
    from trial.sandbox import Sandbox, TryError, check_database, sandbox_settings
    from trial.web import WebTrial

    try:
        note = check_database(args.database, upgrade=args.upgrade) if args.database else None
    except (TryError, StorageError) as error:
        fail(str(error))
        return EXIT_CONFIG
    if note:
        print(note)
    script = None
    if args.file is not None:
        try:
            script = args.file.read_text(encoding="utf-8").splitlines()
        except OSError as error:
            fail(f"cannot read {args.file}: {error.strerror}")
            return EXIT_CONFIG
    settings, folder = sandbox_settings(settings, args.database)
    try:
        async with Storage.open(settings.database_path) as storage:
            sandbox = Sandbox(settings, storage, sys.stdout)
            sandbox.log_file = getattr(args, "log_file", None)
            page = WebTrial(sandbox, sys.stdout) if args.web else None
            try:
                if page is not None:
                    await page.start(member=args.member)
                else:
                    await sandbox.start(member=args.member, admin=args.admin)
            except (TryError, CatalogError) as error:
                fail(str(error))
                return EXIT_CONFIG
            try:
                if page is not None:
                    await page.serve(port=args.port, open_browser=args.browser)
                    return EXIT_OK
                if script is not None:
                    return await run_script(sandbox, script)
                if args.line:
                    return EXIT_OK if await sandbox.run_line(" ".join(args.line)) else EXIT_FAILED
                await prompt(sandbox)
                return EXIT_OK
            finally:
                await sandbox.close()
    except StorageError as error:
        fail(str(error))
        return EXIT_CONFIG
    finally:
        if folder is not None:
            folder.cleanup()


async def run_script(sandbox: Sandbox, lines: list[str]) -> int:
    ran = failed = 0
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        print(f"\n{sandbox.current} › {line.strip()}")
        ran += 1
        if not await sandbox.run_line(line):
            failed += 1
            print(f"  (line {number} failed)")
    print(f"\n{ran} commands run, {failed} failed")
    return EXIT_FAILED if failed else EXIT_OK


async def prompt(sandbox: Sandbox) -> None:
    with contextlib.suppress(ImportError):
        import readline  # noqa: F401  (arrow-key history for input(), where the platform has it)
    print("Drama Club, on a simulated Discord server. Type help for the commands, exit to leave.")
    while True:
        try:
            line = input(f"{sandbox.current} › ")  # noqa: ASYNC250 - nothing else may run while we wait
        except EOFError:
            print()
            return
        if line.strip().casefold() in {"exit", "quit"}:
            return
        await sandbox.run_line(line)


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="kdrama-bot", description="Drama Club, a Discord bot for K-drama clubs")
    commands = root.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser("run", help="run the bot (the default)")
    commands.add_parser("sync", help="register the slash commands with Discord now, then exit")
    catalog = commands.add_parser("catalog", help="work with drama data files")
    catalog_commands = catalog.add_subparsers(dest="catalog_command", metavar="ACTION", required=True)
    validate = catalog_commands.add_parser("validate", help="check drama .toml files (or folders of them)")
    validate.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    trial = commands.add_parser(
        "try",
        help="run the real commands against a simulated Discord server (no token needed)",
        description='Run one command (kdrama-bot try "/drama title:Soundtrack #1"), a script (--file), '
        "or, with neither, an interactive prompt.",
    )
    trial.add_argument("line", nargs="*", metavar="COMMAND", help='a slash command, e.g. "/drama title:Soundtrack #1"')
    trial.add_argument("--as", dest="member", default="you", metavar="NAME", help="the simulated member's name")
    trial.add_argument("--admin", action="store_true", help="give the member Manage Server and Manage Events")
    trial.add_argument("--file", type=Path, metavar="FILE", help="run the commands in FILE, one a line")
    trial.add_argument("--database", type=Path, metavar="PATH", help="use this database instead of a throwaway one")
    trial.add_argument("--upgrade", action="store_true", help="allow --database to be upgraded to this schema")
    trial.add_argument("--web", action="store_true", help="show the simulated server as a web page instead")
    trial.add_argument("--port", type=int, default=0, help="with --web: the page's port (default: any free one)")
    trial.add_argument(
        "--no-browser", dest="browser", action="store_false", help="with --web: print the address, open no browser"
    )
    return root


def main(argv: Sequence[str] | None = None) -> None:
    args = parser().parse_args(argv)
    if args.command == "catalog":
        sys.exit(validate_catalog(args.paths))
    try:
        settings = Settings.from_env(require_token=args.command != "try")
    except SettingsError as error:
        fail(str(error))
        sys.exit(EXIT_CONFIG)
    if args.command == "try":
        args.log_file = try_logging()
        try:
            sys.exit(asyncio.run(try_bot(settings, args)))
        except BrokenPipeError:  # piped into head or less, which stopped reading: not an error of ours
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(EXIT_FAILED)
        except KeyboardInterrupt:  # Ctrl+C is how the page and the prompt are left; all was closed on the way
            print("\nStopped.")
            sys.exit(EXIT_OK)
        finally:
            drop_if_empty(args.log_file)
    discord.utils.setup_logging(level=settings.log_level_number, root=True)
    sys.exit(asyncio.run(run_bot(settings, sync_only=args.command == "sync")))


if __name__ == "__main__":
    main()
