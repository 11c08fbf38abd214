"""Storage: one connection, WAL, foreign keys, numbered migrations applied once and in order."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.parties import PartyStore, SeriesSpec
from bot.schedule import PlannedParty
from bot.storage import LOG_BACKSTOP_PAGES, Migration, Storage, StorageError, bundled_migrations

TWO = [
    Migration(1, "0001_a.sql", "CREATE TABLE parent (id INTEGER PRIMARY KEY);"),
    Migration(
        2,
        "0002_b.sql",
        """
        -- a comment line
        CREATE TABLE child (id INTEGER PRIMARY KEY, parent INTEGER NOT NULL REFERENCES parent (id));
        CREATE TABLE audit (note TEXT);
        CREATE TRIGGER child_added AFTER INSERT ON child BEGIN
            INSERT INTO audit (note) VALUES ('child ' || new.id);
        END;
        """,
    ),
]


async def test_bundled_migrations_bring_a_new_database_to_the_latest_version(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "club.sqlite3"
    storage = await Storage.open(path)
    try:
        assert path.exists()
        assert await storage.schema_version() == bundled_migrations()[-1].version
        journal = await storage.fetchone("PRAGMA journal_mode")
        assert journal is not None and journal[0] == "wal"
        foreign_keys = await storage.fetchone("PRAGMA foreign_keys")
        assert foreign_keys is not None and foreign_keys[0] == 1
        busy = await storage.fetchone("PRAGMA busy_timeout")
        assert busy is not None and busy[0] >= 1000
    finally:
        await storage.close()


async def test_migrations_apply_in_order_once_and_survive_reopening(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    storage = await Storage.open(path, migrations=TWO[:1])
    await storage.execute("INSERT INTO parent (id) VALUES (?)", (1,))
    assert await storage.migrate(TWO) == [2]
    assert await storage.migrate(TWO) == []
    await storage.close()

    storage = await Storage.open(path, migrations=TWO)
    try:
        assert await storage.schema_version() == 2
        await storage.execute("INSERT INTO child (id, parent) VALUES (?, ?)", (10, 1))
        rows = await storage.fetchall("SELECT note FROM audit")
        assert [r["note"] for r in rows] == ["child 10"]
        with pytest.raises(Exception, match="FOREIGN KEY"):
            await storage.execute("INSERT INTO child (id, parent) VALUES (?, ?)", (11, 999))
    finally:
        await storage.close()


async def test_a_failing_migration_leaves_the_database_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    broken = [*TWO[:1], Migration(2, "0002_bad.sql", "CREATE TABLE ok (x);\nCREATE TABLE broken (;")]
    storage = await Storage.open(path, migrations=TWO[:1])
    try:
        with pytest.raises(Exception, match="syntax error"):
            await storage.migrate(broken)
        assert await storage.schema_version() == 1
        tables = await storage.fetchall("SELECT name FROM sqlite_master WHERE type = 'table'")
        assert "ok" not in {t["name"] for t in tables}
    finally:
        await storage.close()


async def test_a_database_from_a_newer_bot_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    storage = await Storage.open(path, migrations=TWO)
    await storage.close()

    with pytest.raises(StorageError, match=r"schema version 2.*knows only up to 1.*DATABASE_PATH"):
        await Storage.open(path, migrations=TWO[:1])

    storage = await Storage.open(path, migrations=TWO)
    try:
        assert await storage.schema_version() == 2
    finally:
        await storage.close()


async def test_a_transaction_rolls_back_when_its_work_fails(tmp_path: Path) -> None:
    storage = await Storage.open(tmp_path / "db.sqlite3", migrations=TWO)

    def half_way(db: sqlite3.Connection) -> None:
        db.execute("INSERT INTO parent (id) VALUES (?)", (5,))
        raise RuntimeError("half-way")

    try:
        with pytest.raises(RuntimeError, match="half-way"):
            await storage.transaction(half_way)
        assert await storage.fetchall("SELECT id FROM parent") == []
        # No transaction was left open: BEGIN inside one would fail.
        await storage.transaction(lambda db: db.execute("INSERT INTO parent (id) VALUES (6)"))
        assert [tuple(r) for r in await storage.fetchall("SELECT id FROM parent")] == [(6,)]
    finally:
        await storage.close()


def _in_the_file_alone(path: Path) -> bool:
    """Whether the database file itself, its write-ahead log ignored, holds parent 7.

    ``immutable`` reads the file without locks, so a read while a checkpointer thread is copying
    pages into it can see half a copy ("malformed"): that is "not yet" too, like a missing table.
    """
    with closing(sqlite3.connect(f"file:{path}?immutable=1", uri=True)) as connection:
        try:
            return connection.execute("SELECT 1 FROM parent WHERE id = 7").fetchone() is not None
        except sqlite3.DatabaseError:  # not even the table has been copied yet, or a copy is under way
            return False


async def test_the_log_is_copied_into_the_database_by_the_checkpointer_not_by_a_commit(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    storage = await Storage.open(path, migrations=TWO, checkpoint_every=3600)
    try:
        row = await storage.fetchone("PRAGMA wal_autocheckpoint")
        assert row is not None and row[0] == LOG_BACKSTOP_PAGES
        await storage.execute("INSERT INTO parent (id) VALUES (7)")
        assert not _in_the_file_alone(path)  # the commit did not copy it
        assert storage.checkpoints is not None
        storage.checkpoints.checkpoint()
        assert _in_the_file_alone(path)
    finally:
        await storage.close()
    assert not storage.checkpoints.running


async def test_the_checkpointer_runs_on_its_own_every_few_seconds(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    storage = await Storage.open(path, migrations=TWO, checkpoint_every=0.02)
    try:
        await storage.execute("INSERT INTO parent (id) VALUES (7)")
        for _ in range(1000):  # ten seconds at most: a thread of its own, on the real clock
            if _in_the_file_alone(path):
                break
            await asyncio.sleep(0.01)
        assert _in_the_file_alone(path)
    finally:
        await storage.close()
    assert storage.checkpoints is not None and not storage.checkpoints.running


async def test_a_database_in_memory_has_no_checkpointer() -> None:
    storage = await Storage.open(":memory:", migrations=TWO)
    assert storage.checkpoints is None
    await storage.close()


async def test_a_transaction_runs_whole_in_the_database_thread_in_one_trip(tmp_path: Path) -> None:
    storage = await Storage.open(tmp_path / "db.sqlite3", migrations=TWO)
    loop_thread = threading.get_ident()
    workers: set[int] = set()
    trips = 0
    hand_off = storage._db._execute

    async def counted(*args: object) -> object:
        nonlocal trips
        trips += 1
        return await hand_off(*args)

    def parents(count: int, fail_at: int | None = None) -> Iterator[tuple[int]]:
        for number in range(1, count + 1):
            workers.add(threading.get_ident())
            if number == fail_at:
                raise ValueError("a row cannot be made")
            yield (number,)

    def replace_parents(count: int, fail_at: int | None = None) -> Callable[[sqlite3.Connection], int]:
        def work(db: sqlite3.Connection) -> int:
            workers.add(threading.get_ident())
            db.execute("DELETE FROM parent")
            db.executemany("INSERT INTO parent (id) VALUES (?)", parents(count, fail_at))
            return int(db.execute("SELECT count(*) FROM parent").fetchone()[0])

        return work

    storage._db._execute = counted  # type: ignore[method-assign]
    try:
        assert await storage.transaction(replace_parents(300)) == 300
        assert trips == 1
        assert [row["id"] for row in await storage.fetchall("SELECT id FROM parent")] == list(range(1, 301))
        assert workers and loop_thread not in workers  # the event loop ran none of it

        with pytest.raises(ValueError, match="cannot be made"):
            await storage.transaction(replace_parents(10, fail_at=7))
        assert len(await storage.fetchall("SELECT id FROM parent")) == 300  # nothing half-written
    finally:
        await storage.close()


async def test_command_tree_hash_is_remembered_per_scope(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    storage = await Storage.open(tmp_path / "db.sqlite3")
    try:
        assert await storage.command_tree_hash("global:1") is None
        now = datetime(2026, 1, 1, tzinfo=UTC)
        await storage.record_command_tree_hash("global:1", "aaa", now)
        await storage.record_command_tree_hash("global:1", "bbb", now)
        await storage.record_command_tree_hash("guild:1:2", "ccc", now)
        assert await storage.command_tree_hash("global:1") == "bbb"
        assert await storage.command_tree_hash("guild:1:2") == "ccc"
    finally:
        await storage.close()


def test_migration_files_are_numbered_without_gaps() -> None:
    versions = [m.version for m in bundled_migrations()]
    assert versions == list(range(1, len(versions) + 1))


def test_an_incomplete_statement_is_reported() -> None:
    with pytest.raises(StorageError, match="incomplete statement"):
        Migration(1, "0001_x.sql", "CREATE TABLE x (a").statements()


def series_spec(**changes: object) -> SeriesSpec:
    """A series of Soundtrack #1 in server 1, online, one episode a party; ``changes`` replace fields."""
    spec = SeriesSpec(
        guild_id=1,
        drama_slug="soundtrack-1",
        timezone="Asia/Seoul",
        host_id=7,
        text_channel_id=9,
        voice_channel_id=None,
        location="Online",
        episodes_per_party=1,
        remind_minutes=15,
    )
    return replace(spec, **changes)  # type: ignore[arg-type]


async def test_a_new_series_gives_back_its_parties_exactly_as_they_are_stored(tmp_path: Path) -> None:
    """``create_series`` gives the parties as stored, read in its own transaction: they must equal
    what :meth:`PartyStore.parties_of` reads, for either kind of place."""
    storage = await Storage.open(tmp_path / "club.sqlite3")
    try:
        store = PartyStore(storage)
        now = datetime(2026, 1, 1, tzinfo=UTC)
        planned = [
            PlannedParty(n, 2 * n - 1, 2 * n, now + timedelta(days=7 * n), now + timedelta(days=7 * n, hours=2))
            for n in (1, 2, 3)
        ]
        for voice_channel_id, location in ((None, "Online"), (555, None)):
            spec = series_spec(
                voice_channel_id=voice_channel_id, location=location, episodes_per_party=2, remind_minutes=30
            )
            series_id, created, parties = await store.create_series(spec, planned, now)
            assert created
            assert parties == await store.parties_of(series_id)
            assert [p.number for p in parties] == [1, 2, 3]
            assert parties[0].remind_at == planned[0].starts_at - timedelta(minutes=30)
            assert parties[0].location == location and parties[0].voice_channel_id == voice_channel_id

            assert await store.create_series(spec, planned, now) == (series_id, False, parties)
            assert await store.record_events(series_id, 4242, {}) == []
            assert await store.parties_of(series_id) == [replace(p, announcement_id=4242) for p in parties]
            planned = [replace(p, starts_at=p.starts_at + timedelta(hours=1)) for p in planned]
    finally:
        await storage.close()


async def test_a_party_takes_one_event_and_none_once_cancelled(tmp_path: Path) -> None:
    """``record_events`` stores an event only for a party that has none and is not cancelled, and
    gives back the others for deleting; ``cancel`` gives each party's event as stored when it
    cancelled it."""
    storage = await Storage.open(tmp_path / "club.sqlite3")
    try:
        store = PartyStore(storage)
        now = datetime(2026, 1, 1, tzinfo=UTC)
        planned = [
            PlannedParty(n, n, n, now + timedelta(days=7 * n), now + timedelta(days=7 * n, hours=1)) for n in (1, 2, 3)
        ]
        series_id, _, (first, second, third) = await store.create_series(series_spec(), planned, now)
        assert await store.record_events(series_id, 500, {first.id: 101}) == []  # another run got there first
        assert await store.cancel([second.id], now) == {second.id: None}  # cancelled while its event is made

        unwanted = await store.record_events(series_id, 501, {first.id: 201, second.id: 202, third.id: 203})

        assert unwanted == [201, 202]
        stored = await store.parties_of(series_id)
        assert [(p.event_id, p.cancelled, p.announcement_id) for p in stored] == [
            (101, False, 501),
            (None, True, 501),
            (203, False, 501),
        ]
        assert await store.cancel([first.id, second.id, third.id], now) == {first.id: 101, third.id: 203}
        assert await store.cancel([first.id], now) == {}
    finally:
        await storage.close()
