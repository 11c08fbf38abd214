"""The one owner of the SQLite connection.

One aiosqlite connection in autocommit mode, WAL, foreign keys on and a busy timeout, opened and
closed by whoever starts the bot (``async with Storage.open(path) as storage``). Every statement
runs under one asyncio lock; :meth:`Storage.transaction` holds that lock from ``BEGIN IMMEDIATE``
to ``COMMIT``, so no other command's statement lands inside it. Schema migrations are the
numbered files in :mod:`bot.migrations`, applied in order on open, each in its own transaction,
with ``PRAGMA user_version`` recording the last one applied.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import re
import sqlite3
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any

import aiosqlite

log = logging.getLogger(__name__)

# Every table whose rows are a server's records of a drama (its ``drama_slug``), with what one
# row and several are called. A drama with such records is kept; the migrations define them.
DRAMA_RECORDS = {
    "votes": ("vote", "votes"),
    "watch_parties": ("watch party", "watch parties"),
    "watch_series": ("watch series", "watch series"),
    "follows": ("follow", "follows"),
    "suggestions": ("suggestion on the watchlist", "suggestions on the watchlist"),
}
_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
BUSY_TIMEOUT_MS = 5000
Row = aiosqlite.Row


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


def check_file(path: Path, setting: str = "DATABASE_PATH") -> None:
    """Refuse, in one line, a database file the bot cannot keep the club in: a folder, a path
    that cannot be created, an empty, read-only, damaged or another program's file. A path with
    nothing there yet is a new club: its folder is created. ``setting`` is how the user named it."""
    if path.is_dir():
        raise StorageError(f"{setting} {path} is a folder; name a database file inside it")
    if not path.exists():
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StorageError(f"{setting} {path} cannot be created: {error.strerror or error}") from None
        return
    with path.open("rb") as file:
        empty = not file.read(1)  # /proc's files say size 0 and are not empty
    if empty:
        raise StorageError(
            f"{setting} {path} is an empty file, not the club's database: delete it to start a new club, "
            "or name another file"
        )
    if not os.access(path, os.R_OK | os.W_OK) or not os.access(path.parent, os.W_OK | os.X_OK):
        raise StorageError(
            f"{setting} {path} is read-only: the bot writes the club's votes and plans there, so it needs "
            "write access to the file and its folder"
        )
    try:
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
            version = int(db.execute("PRAGMA user_version").fetchone()[0])
            tables = sorted(str(row[0]) for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'"))
    except sqlite3.DatabaseError as error:
        raise StorageError(
            f"{setting} {path} cannot be used as the club's database: it is damaged or not a database "
            f"({error}); restore it from a backup, or name another file"
        ) from None
    if version == 0 and tables:
        shown = ", ".join(tables[:3]) + (", ..." if len(tables) > 3 else "")
        raise StorageError(
            f"{setting} {path} holds another program's tables ({shown}), not the club's: name another file"
        )


async def _fetchall(db: aiosqlite.Connection, sql: str, parameters: Iterable[Any] = ()) -> list[aiosqlite.Row]:
    """Execute and fetch in one call to the connection."""
    return list(await db.execute_fetchall(sql, tuple(parameters)))


class Transaction:
    """The statements of one :meth:`Storage.transaction`; the storage's lock is already held."""

    def __init__(self, db: aiosqlite.Connection) -> None:
        self._db = db

    async def execute(self, sql: str, parameters: Iterable[Any] = ()) -> None:
        await _fetchall(self._db, sql, parameters)

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        await self._db.executemany(sql, rows)

    async def fetchone(self, sql: str, parameters: Iterable[Any] = ()) -> aiosqlite.Row | None:
        rows = await _fetchall(self._db, sql, parameters)
        return rows[0] if rows else None

    async def fetchall(self, sql: str, parameters: Iterable[Any] = ()) -> list[aiosqlite.Row]:
        return await _fetchall(self._db, sql, parameters)


class Storage:
    """Owns the connection. Open it with ``async with Storage.open(path) as storage``."""

    def __init__(self, connection: aiosqlite.Connection, path: Path | str) -> None:
        self._db = connection
        self.path = path
        self._lock = asyncio.Lock()

    @classmethod
    @asynccontextmanager
    async def open(cls, path: Path | str, *, migrations: Sequence[Migration] | None = None) -> AsyncIterator[Storage]:
        """Open (creating its folder) and migrate the database at ``path``; ``":memory:"`` works too.
        It is closed when the ``async with`` block ends."""
        in_memory = str(path) == ":memory:"
        try:
            if not in_memory:
                await asyncio.to_thread(check_file, Path(path))
            connection = await aiosqlite.connect(str(path), isolation_level=None)
        except sqlite3.Error as error:
            raise StorageError(f"DATABASE_PATH {path} cannot be opened: {error}") from None
        storage = cls(connection, path)
        try:
            try:
                connection.row_factory = aiosqlite.Row
                await storage.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
                await storage.execute("PRAGMA foreign_keys = ON")
                if not in_memory:
                    await storage.execute("PRAGMA journal_mode = WAL")
                await storage.execute("PRAGMA synchronous = NORMAL")
                await storage.migrate(bundled_migrations() if migrations is None else migrations)
            except sqlite3.Error as error:
                raise StorageError(f"DATABASE_PATH {path} cannot be used as the club's database: {error}") from None
            yield storage
        finally:
            async with storage._lock:
                await connection.close()

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
            async with self.transaction() as transaction:
                for statement in migration.statements():
                    await transaction.execute(statement)
                # PRAGMA takes no parameters; the version is an int parsed from the file's name.
                await transaction.execute(f"PRAGMA user_version = {int(migration.version)}")
            log.info("Applied database migration %s", migration.name)
            applied.append(migration.version)
        return applied

    async def schema_version(self) -> int:
        row = await self.fetchone("PRAGMA user_version")
        assert row is not None
        return int(row[0])

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Transaction]:
        """Several statements as one: ``BEGIN IMMEDIATE`` ... ``COMMIT``, under the storage's lock.

        If the block raises (or is cancelled), ``ROLLBACK``: nothing it wrote is kept. Inside the
        block, use the :class:`Transaction` it gives, never the storage itself (its lock is held).
        """
        async with self._lock:
            await _fetchall(self._db, "BEGIN IMMEDIATE")
            try:
                yield Transaction(self._db)
                await _fetchall(self._db, "COMMIT")
            except BaseException:
                if self._db.in_transaction:
                    await _fetchall(self._db, "ROLLBACK")
                raise

    async def execute(self, sql: str, parameters: Iterable[Any] = ()) -> None:
        """Run one statement in its own implicit transaction (``RETURNING`` and :meth:`fetchall`
        tell what it changed)."""
        async with self._lock:
            await _fetchall(self._db, sql, parameters)

    async def fetchone(self, sql: str, parameters: Iterable[Any] = ()) -> aiosqlite.Row | None:
        rows = await self.fetchall(sql, parameters)
        return rows[0] if rows else None

    async def fetchall(self, sql: str, parameters: Iterable[Any] = ()) -> list[aiosqlite.Row]:
        async with self._lock:
            return await _fetchall(self._db, sql, parameters)

    async def recorded_dramas(self, slug_prefix: str) -> set[str]:
        """The dramas whose ids start with ``slug_prefix`` that any server has records of."""
        found: set[str] = set()
        for table in DRAMA_RECORDS:  # table names are this module's constants, never input
            rows = await self.fetchall(
                f"SELECT DISTINCT drama_slug FROM {table} WHERE drama_slug LIKE ? || '%'", (slug_prefix,)
            )
            found.update(str(row[0]) for row in rows)
        return found

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
