"""The one owner of the SQLite connection.

One aiosqlite connection in autocommit mode, WAL, foreign keys on and a busy timeout. Every
trip to the database's thread runs under one asyncio lock. A multi-statement
:meth:`Storage.transaction` is a plain function that runs whole in that thread, in one trip, so
it is never interleaved with another coroutine's statements on the shared connection, and the
lock is never held while the event loop runs something else. Schema migrations are
the numbered files in :mod:`bot.migrations`, applied in order on open, each in its own
transaction, with ``PRAGMA user_version`` recording the last one applied. The storage also
owns a :class:`Checkpointer`, a thread that copies the write-ahead log into the database from a
short-lived connection of its own and never writes a row.
"""

from __future__ import annotations

import asyncio
import logging
import re
import sqlite3
import threading
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

log = logging.getLogger(__name__)
T = TypeVar("T")

_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
BUSY_TIMEOUT_MS = 5000
CHECKPOINT_EVERY_S = 30.0
LOG_BACKSTOP_PAGES = 10_000  # SQLite checkpoints inside a commit only if the log grows past this


class StorageError(Exception):
    """The database cannot be used as it is; the message says why and what to do."""


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str

    def statements(self) -> list[str]:
        """Split the file into complete statements (triggers with BEGIN...END stay whole)."""
        statements: list[str] = []
        buffer = ""
        for line in self.sql.splitlines(keepends=True):
            buffer += line
            if sqlite3.complete_statement(buffer):
                statement = buffer.strip()
                if statement.strip(";").strip():
                    statements.append(statement)
                buffer = ""
        if buffer.strip() and not all(
            part.strip().startswith("--") or not part.strip() for part in buffer.splitlines()
        ):
            raise StorageError(f"migration {self.name} ends with an incomplete statement")
        return statements


def _apply(migration: Migration, connection: sqlite3.Connection) -> None:
    for statement in migration.statements():
        connection.execute(statement)
    # PRAGMA takes no parameters; the version is an int we parsed from the file name.
    connection.execute(f"PRAGMA user_version = {int(migration.version)}")


def bundled_migrations() -> list[Migration]:
    """The migrations shipped in :mod:`bot.migrations`, checked to be numbered 1, 2, 3, ..."""
    found: list[Migration] = []
    for entry in resources.files("bot.migrations").iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append(Migration(int(match.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    found.sort(key=lambda m: m.version)
    for expected, migration in enumerate(found, start=1):
        if migration.version != expected:
            raise StorageError(f"migration numbers must run 1, 2, 3, ...; {migration.name} breaks the run")
    return found


async def _run(db: aiosqlite.Connection, sql: str, parameters: Iterable[Any] = ()) -> None:
    """Execute in one trip to the database thread (``execute`` plus closing its cursor take two).

    No row count: a statement whose callers need to know what it changed says so with
    ``RETURNING`` and is run with :meth:`Storage.fetchall`.
    """
    await _fetchall(db, sql, parameters)


async def _fetchone(db: aiosqlite.Connection, sql: str, parameters: Iterable[Any] = ()) -> aiosqlite.Row | None:
    rows = await _fetchall(db, sql, parameters)
    return rows[0] if rows else None


async def _fetchall(db: aiosqlite.Connection, sql: str, parameters: Iterable[Any] = ()) -> list[aiosqlite.Row]:
    """Execute and fetch in one trip to the database thread."""
    return list(await db.execute_fetchall(sql, tuple(parameters)))


def _in_transaction(connection: sqlite3.Connection, work: Callable[[sqlite3.Connection], T]) -> T:
    """``work`` between ``BEGIN IMMEDIATE`` and ``COMMIT``, or ``ROLLBACK`` if it (or the commit) fails."""
    connection.execute("BEGIN IMMEDIATE")
    try:
        result = work(connection)
        connection.execute("COMMIT")
    except BaseException:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise
    return result


class Checkpointer:
    """Copies the database's write-ahead log into the database every ``every`` seconds (half a
    minute for the bot), from a thread and a connection of its own, so that no command waits for it.

    SQLite otherwise does it inside the commit of whichever write fills the log to 1,000 pages,
    and that member's command waits for the copy and two flushes to disk (about 5 ms on the
    project's machine, once in every 65 ``/watchparty schedule`` runs). A passive checkpoint
    never blocks the bot's connection, nor waits for it. The bot's connection keeps SQLite's
    own checkpoint for a log that grows past :data:`LOG_BACKSTOP_PAGES` between two of these.
    """

    def __init__(self, path: str, every: float) -> None:
        self._path = path
        self._every = every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sqlite-checkpoints", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self._every):
            try:
                self.checkpoint()
            except sqlite3.Error:
                log.warning("Could not copy the database's write-ahead log into it; trying again later", exc_info=True)

    def checkpoint(self) -> None:
        with closing(sqlite3.connect(self._path, isolation_level=None)) as connection:
            connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    async def stop(self) -> None:
        self._stop.set()
        await asyncio.to_thread(self._thread.join)  # at most the length of one checkpoint


class Storage:
    """Owns the connection. Open with :meth:`open`, close with :meth:`close`."""

    def __init__(self, connection: aiosqlite.Connection, path: Path | str) -> None:
        self._db = connection
        self.path = path
        self._lock = asyncio.Lock()
        self.checkpoints: Checkpointer | None = None  # a file database's (not ":memory:")

    @classmethod
    async def open(
        cls,
        path: Path | str,
        *,
        migrations: Sequence[Migration] | None = None,
        checkpoint_every: float = CHECKPOINT_EVERY_S,
    ) -> Storage:
        """Open (creating its folder) and migrate the database at ``path``; ``":memory:"`` works too.

        A file database's write-ahead log is copied into it every ``checkpoint_every`` seconds
        (:class:`Checkpointer`)."""
        in_memory = str(path) == ":memory:"
        if not in_memory:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        connection = await aiosqlite.connect(str(path), isolation_level=None)
        storage = cls(connection, path)
        try:
            connection.row_factory = aiosqlite.Row
            await _run(connection, f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            await _run(connection, "PRAGMA foreign_keys = ON")
            if not in_memory:
                await _run(connection, "PRAGMA journal_mode = WAL")
                await _run(connection, f"PRAGMA wal_autocheckpoint = {LOG_BACKSTOP_PAGES}")
            await _run(connection, "PRAGMA synchronous = NORMAL")
            await storage.migrate(bundled_migrations() if migrations is None else migrations)
        except BaseException:
            await connection.close()
            raise
        if not in_memory:
            storage.checkpoints = Checkpointer(str(path), checkpoint_every)
        return storage

    async def close(self) -> None:
        if self.checkpoints is not None:
            await self.checkpoints.stop()
        async with self._lock:
            await self._db.close()

    async def migrate(self, migrations: Sequence[Migration]) -> list[int]:
        """Apply every migration newer than the database; return the versions applied."""
        latest = migrations[-1].version if migrations else 0
        current = await self.schema_version()
        if current > latest:
            raise StorageError(
                f"the database {self.path} has schema version {current}, but this version of the bot "
                f"knows only up to {latest}: upgrade the bot, or set DATABASE_PATH to another file"
            )
        applied: list[int] = []
        for migration in migrations:
            if migration.version <= current:
                continue
            await self.transaction(partial(_apply, migration))
            log.info("Applied database migration %s", migration.name)
            applied.append(migration.version)
        return applied

    async def schema_version(self) -> int:
        row = await self.fetchone("PRAGMA user_version")
        assert row is not None
        return int(row[0])

    async def transaction(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """Run ``work(connection)`` in the database's thread between ``BEGIN IMMEDIATE`` and
        ``COMMIT``, and return what it returns; if it raises, nothing it wrote is kept and the
        error is raised here.

        The whole transaction is one trip to the database's thread, where a statement awaited at
        a time costs a trip each, and holds the lock all the while: other commands' statements
        wait only while SQLite works. ``work`` is plain synchronous code with parameterised SQL;
        it runs off the event loop, so it must read only what nothing changes meanwhile.
        """
        async with self._lock:
            # aiosqlite runs each call in its connection's thread but has no public way to run a
            # function of ours there: this is the one use of its private ``_execute`` and
            # ``_conn`` (pinned in pyproject.toml; tests/test_storage.py covers both).
            return await self._db._execute(_in_transaction, self._db._conn, work)

    async def execute(self, sql: str, parameters: Iterable[Any] = ()) -> None:
        """Run one statement in its own implicit transaction (``RETURNING`` and :meth:`fetchall`
        tell what it changed)."""
        async with self._lock:
            await _run(self._db, sql, parameters)

    async def fetchone(self, sql: str, parameters: Iterable[Any] = ()) -> aiosqlite.Row | None:
        async with self._lock:
            return await _fetchone(self._db, sql, parameters)

    async def fetchall(self, sql: str, parameters: Iterable[Any] = ()) -> list[aiosqlite.Row]:
        async with self._lock:
            return await _fetchall(self._db, sql, parameters)

    async def stream(self, sql: str, parameters: Iterable[Any] = (), *, chunk: int = 500) -> AsyncIterator[list[Any]]:
        """The rows of a large result, ``chunk`` at a time, so they are never all in memory at once.

        Holds the connection until the caller has taken the last chunk (or left the loop), so the
        loop's body must not use the storage itself.
        """
        async with self._lock, self._db.execute(sql, tuple(parameters)) as cursor:
            while rows := list(await cursor.fetchmany(chunk)):
                yield rows

    # -- command registration ------------------------------------------------------------

    async def command_tree_hash(self, scope: str) -> str | None:
        row = await self.fetchone("SELECT tree_hash FROM command_sync WHERE scope = ?", (scope,))
        return None if row is None else str(row["tree_hash"])

    async def record_command_tree_hash(self, scope: str, tree_hash: str, synced_at: datetime) -> None:
        await self.execute(
            "INSERT INTO command_sync (scope, tree_hash, synced_at) VALUES (?, ?, ?)"
            " ON CONFLICT (scope) DO UPDATE SET tree_hash = excluded.tree_hash,"
            " synced_at = excluded.synced_at",
            (scope, tree_hash, synced_at.isoformat()),
        )
