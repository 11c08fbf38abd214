"""The command line: clear one-line errors, catalog validation, and a clean shutdown on signals."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import discord
import pytest
from pydantic import SecretStr

from bot import __main__ as entry
from bot.client import DramaClub
from bot.settings import DEFAULT_CATALOG_DIR, Settings

ROOT = Path(__file__).resolve().parents[1]


def run_cli(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {"PATH": os.environ["PATH"], "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("env", "setting"),
    [
        ({}, "DISCORD_TOKEN"),
        ({"DISCORD_TOKEN": "x", "DEV_GUILD_ID": "abc"}, "DEV_GUILD_ID"),
        ({"DISCORD_TOKEN": "x", "DEFAULT_TIMEZONE": "Nowhere/Land"}, "DEFAULT_TIMEZONE"),
    ],
)
def test_a_bad_setting_stops_with_one_line_and_status_2(tmp_path: Path, env: dict[str, str], setting: str) -> None:
    result = run_cli(cwd=tmp_path, env=env)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert setting in lines[0] and ".env.example" in lines[0]
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "data").exists(), "nothing is created before the settings are good"


def test_catalog_validate_accepts_the_shipped_catalog(tmp_path: Path) -> None:
    result = run_cli("catalog", "validate", str(DEFAULT_CATALOG_DIR), cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ok" in result.stdout and "Soundtrack #1 (2022), 4 episodes" in result.stdout


def test_catalog_validate_names_the_bad_file_and_fails(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[drama]\ntitle = "X"\nyear = 2020\nepisode_count = -1\nepisode_minutes = 60\nsources = ["s"]\n')
    result = run_cli("catalog", "validate", str(DEFAULT_CATALOG_DIR / "soundtrack-1.toml"), str(bad), cwd=tmp_path)
    assert result.returncode == 1
    assert "invalid  bad.toml: drama.episode_count: must be between 1 and 500, not -1" in result.stdout
    assert "ok       " in result.stdout


def offline(monkeypatch: pytest.MonkeyPatch, *, login_error: Exception | None = None) -> dict[str, object]:
    """Replace the network half of discord.py: login runs setup_hook, connect idles until closed."""
    connected = asyncio.Event()
    seen: dict[str, object] = {"connected": connected}

    async def login(self: DramaClub, token: str) -> None:
        if login_error is not None:
            raise login_error
        seen["token_ok"] = token == "test-token"
        await self.setup_hook()
        seen["bot"] = self

    async def connect(self: DramaClub, *, reconnect: bool = True) -> None:
        seen["task"] = self.spawn(asyncio.sleep(3600), name="idle-work")
        connected.set()
        while not self.is_closed():  # noqa: ASYNC110 - discord.py offers nothing to await for this
            await asyncio.sleep(0.01)

    async def no_sync(self: DramaClub, *, force: bool = False) -> bool:
        return False

    monkeypatch.setattr(DramaClub, "login", login)
    monkeypatch.setattr(DramaClub, "connect", connect)
    monkeypatch.setattr(DramaClub, "sync_commands", no_sync)
    return seen


async def signal_when_connected(seen: dict[str, object], sig: signal.Signals) -> None:
    """Send ``sig`` to this process once the (offline) bot is connected, as an operator would."""
    event = seen["connected"]
    assert isinstance(event, asyncio.Event)
    await event.wait()
    os.kill(os.getpid(), sig)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
async def test_a_signal_closes_everything_and_exits_0(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sig: signal.Signals
) -> None:
    seen = offline(monkeypatch)
    settings = Settings(token=SecretStr("test-token"), database_path=tmp_path / "db.sqlite3")

    sender = asyncio.create_task(signal_when_connected(seen, sig))
    status = await asyncio.wait_for(entry.run_bot(settings), timeout=10)
    await sender

    assert status == 0
    assert seen["token_ok"] is True
    bot = seen["bot"]
    assert isinstance(bot, DramaClub)
    assert bot.is_closed()
    with pytest.raises(ValueError):  # the database is closed
        await bot.storage.fetchone("SELECT 1")
    task = seen["task"]
    assert isinstance(task, asyncio.Task) and task.cancelled()
    assert (tmp_path / "db.sqlite3").exists()


DEEP = '[drama]\ntitle = "Deep"\nyear = 2020\nepisode_count = 1\nepisode_minutes = 60\nsources = ["s"]\n' + (
    "plot = " + "[" * 10_000 + "]" * 10_000 + "\n"
)
DEEP_PROBLEM = "deep.toml: is not a drama file: its arrays or tables are nested too deeply"


def test_a_file_of_ten_thousand_nested_arrays_is_refused_by_validate(tmp_path: Path) -> None:
    (tmp_path / "deep.toml").write_text(DEEP)
    result = run_cli("catalog", "validate", str(tmp_path / "deep.toml"), cwd=tmp_path)
    assert result.returncode == 1 and result.stdout.strip() == f"invalid  {DEEP_PROBLEM}"


def test_a_start_with_a_file_of_ten_thousand_nested_arrays_stops_with_one_line(tmp_path: Path) -> None:
    catalog = tmp_path / "dramas"
    catalog.mkdir()
    (catalog / "deep.toml").write_text(DEEP)
    env = {"DISCORD_TOKEN": "x", "CATALOG_DIR": str(catalog), "DATABASE_PATH": str(tmp_path / "club.sqlite3")}
    result = run_cli("try", "/drama title:Deep", cwd=tmp_path, env=env)
    assert result.returncode == 2
    assert result.stderr.strip() == f"kdrama-bot: {DEEP_PROBLEM}"


async def test_the_bot_refuses_to_start_on_a_file_of_ten_thousand_nested_arrays(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    offline(monkeypatch)
    (tmp_path / "deep.toml").write_text(DEEP)
    settings = Settings(token=SecretStr("t"), database_path=tmp_path / "db.sqlite3", catalog_dir=tmp_path)
    assert await entry.run_bot(settings) == 2
    assert capsys.readouterr().err.strip() == f"kdrama-bot: {DEEP_PROBLEM}"


@pytest.mark.parametrize(
    ("where", "problem"),
    [
        ("folder", "is a folder; name a database file inside it"),
        ("/proc/version", "cannot be used as the club's database: "),
        ("/dev/null/club/club.sqlite3", "cannot be created: Not a directory"),
        ("/proc/nowhere/club.sqlite3", "cannot be created: No such file or directory"),
        ("/sys/kernel/club.sqlite3", "cannot be opened: unable to open database file"),  # a folder no one may write
    ],
)
async def test_a_database_path_that_cannot_hold_a_database_stops_with_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], where: str, problem: str
) -> None:
    seen = offline(monkeypatch)
    path = tmp_path / where if where == "folder" else Path(where)
    if where == "folder":
        path.mkdir()
    status = await entry.run_bot(Settings(token=SecretStr("t"), database_path=path))
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert status == 2
    assert line.startswith(f"kdrama-bot: DATABASE_PATH {path} ") and problem in line
    assert "token_ok" not in seen  # it stopped before connecting


async def test_no_network_ends_with_one_line_and_status_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import aiohttp

    down = aiohttp.ClientConnectionError(
        "Cannot connect to host discord.com:443 ssl:default [Name or service not known]"
    )
    offline(monkeypatch, login_error=down)
    status = await entry.run_bot(Settings(token=SecretStr("t"), database_path=tmp_path / "db.sqlite3"))
    assert status == 1
    assert capsys.readouterr().err.strip().splitlines() == [
        "kdrama-bot: cannot reach Discord (Cannot connect to host discord.com:443 ssl:default [Name or service not "
        "known]); check this machine's network connection"
    ]


async def test_a_start_does_not_warn_about_voice_libraries_the_bot_never_uses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import discord as dpy

    monkeypatch.setattr(dpy.VoiceClient, "warn_nacl", True)
    monkeypatch.setattr(dpy.VoiceClient, "warn_dave", True)
    seen = offline(monkeypatch)
    caplog.set_level("WARNING")
    stopper = asyncio.create_task(signal_when_connected(seen, signal.SIGTERM))
    assert await entry.run_bot(Settings(token=SecretStr("t"), database_path=tmp_path / "db.sqlite3")) == 0
    await stopper
    assert [r.getMessage() for r in caplog.records if "not installed" in r.getMessage()] == []


async def test_a_rejected_token_ends_with_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    offline(monkeypatch, login_error=discord.LoginFailure("Improper token has been passed."))
    settings = Settings(token=SecretStr("rejected-secret"), database_path=tmp_path / "db.sqlite3")
    status = await entry.run_bot(settings)
    captured = capsys.readouterr()
    assert status == 2
    assert captured.err.strip().splitlines() == [
        "kdrama-bot: Discord rejected DISCORD_TOKEN; copy a fresh token from the Developer Portal into .env"
    ]
    assert "rejected-secret" not in captured.err + captured.out


async def test_the_token_is_never_logged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    seen = offline(monkeypatch)
    settings = Settings(token=SecretStr("test-token"), database_path=tmp_path / "db.sqlite3")

    caplog.set_level("DEBUG")
    stopper = asyncio.create_task(signal_when_connected(seen, signal.SIGTERM))
    assert await entry.run_bot(settings) == 0
    await stopper
    assert caplog.records, "something was logged"
    assert all("test-token" not in record.getMessage() for record in caplog.records)


def unusable_database(kind: str, folder: Path) -> Path:
    path = folder / "club.sqlite3"
    if kind == "empty":
        path.touch()
    elif kind == "damaged":
        path.write_bytes(b"this is not a database, just some bytes " * 100)
    elif kind == "foreign":
        with contextlib.closing(sqlite3.connect(path)) as db:
            db.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
            db.commit()
    return path


@pytest.mark.parametrize(
    ("kind", "problem"),
    [
        ("empty", "is an empty file, not the club's database"),
        ("damaged", "is damaged or not a database"),
        ("foreign", "holds another program's tables (invoices), not the club's"),
    ],
)
async def test_an_unusable_database_file_stops_the_bot_before_it_connects(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], kind: str, problem: str
) -> None:
    offline(monkeypatch, login_error=AssertionError("the bot went on to log in"))
    path = unusable_database(kind, tmp_path)
    before = path.read_bytes()
    status = await entry.run_bot(Settings(token=SecretStr("t"), database_path=path))
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert status == 2
    assert line.startswith(f"kdrama-bot: DATABASE_PATH {path} ") and problem in line
    assert path.read_bytes() == before  # nothing was written to it


@pytest.mark.parametrize(
    ("kind", "problem"),
    [
        ("empty", "is an empty file, not the club's database"),
        ("damaged", "is damaged or not a database"),
        ("foreign", "holds another program's tables (invoices), not the club's"),
    ],
)
def test_an_unusable_database_file_stops_try_with_one_line(tmp_path: Path, kind: str, problem: str) -> None:
    path = unusable_database(kind, tmp_path)
    before = path.read_bytes()
    result = run_cli("try", "--database", str(path), "/about", cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"kdrama-bot: --database {path} ") and problem in line
    assert path.read_bytes() == before


def test_a_read_only_database_stops_try_before_it_starts(tmp_path: Path) -> None:
    """Run as a user who may read the file but not write it (root may write anything); the bot's
    own start goes through the same check (the tests above)."""
    with tempfile.TemporaryDirectory() as name:  # in /tmp, which the other user may enter
        folder = Path(name)
        folder.chmod(0o755)
        read_only_start(folder / "club.sqlite3")


def read_only_start(path: Path) -> None:
    folder = path.parent
    with contextlib.closing(sqlite3.connect(path)) as db:
        db.execute("PRAGMA user_version = 1")
    path.chmod(0o444)
    command = [sys.executable, "-m", "bot", "try", "--database", str(path), "/about"]
    if os.geteuid() == 0:
        command = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", *command]
    env = {"PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT)}
    result = subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 2, result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"kdrama-bot: --database {path} is read-only")


def test_tries_log_is_its_own_private_file_kept_only_when_an_error_was_logged() -> None:
    import logging
    import stat

    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        quiet = entry.try_logging()
        assert quiet is not None and stat.S_IMODE(quiet.stat().st_mode) == 0o600
        logging.getLogger("discord.client").warning("PyNaCl is not installed")  # not an error: not kept
        entry.drop_if_empty(quiet)
        assert not quiet.exists()

        failed = entry.try_logging()
        assert failed is not None and failed != quiet
        try:
            raise RuntimeError("a bug")
        except RuntimeError:
            logging.getLogger("bot.client").exception("Command /drama failed (error id abc123)")
        entry.drop_if_empty(failed)
        kept = failed.read_text()
        assert "Command /drama failed (error id abc123)" in kept and "RuntimeError: a bug" in kept
        failed.unlink()
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
