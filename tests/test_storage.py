"""Storage: one connection, WAL, foreign keys, numbered migrations applied once and in order."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.parties import PartyStore, SeriesSpec
from bot.schedule import PlannedParty
from bot.storage import Migration, Storage, StorageError, bundled_migrations

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
    async with Storage.open(path) as storage:
        assert path.exists()
        assert await storage.schema_version() == bundled_migrations()[-1].version
        journal = await storage.fetchone("PRAGMA journal_mode")
        assert journal is not None and journal[0] == "wal"
        foreign_keys = await storage.fetchone("PRAGMA foreign_keys")
        assert foreign_keys is not None and foreign_keys[0] == 1
        busy = await storage.fetchone("PRAGMA busy_timeout")
        assert busy is not None and busy[0] >= 1000


async def test_migrations_apply_in_order_once_and_survive_reopening(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    async with Storage.open(path, migrations=TWO[:1]) as storage:
        await storage.execute("INSERT INTO parent (id) VALUES (?)", (1,))
        assert await storage.migrate(TWO) == [2]
        assert await storage.migrate(TWO) == []

    async with Storage.open(path, migrations=TWO) as storage:
        assert await storage.schema_version() == 2
        await storage.execute("INSERT INTO child (id, parent) VALUES (?, ?)", (10, 1))
        rows = await storage.fetchall("SELECT note FROM audit")
        assert [r["note"] for r in rows] == ["child 10"]
        with pytest.raises(Exception, match="FOREIGN KEY"):
            await storage.execute("INSERT INTO child (id, parent) VALUES (?, ?)", (11, 999))


async def test_a_failing_migration_leaves_the_database_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    broken = [*TWO[:1], Migration(2, "0002_bad.sql", "CREATE TABLE ok (x);\nCREATE TABLE broken (;")]
    async with Storage.open(path, migrations=TWO[:1]) as storage:
        with pytest.raises(Exception, match="syntax error"):
            await storage.migrate(broken)
        assert await storage.schema_version() == 1
        tables = await storage.fetchall("SELECT name FROM sqlite_master WHERE type = 'table'")
        assert "ok" not in {t["name"] for t in tables}


async def test_a_database_from_a_newer_bot_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    async with Storage.open(path, migrations=TWO):
        pass

    with pytest.raises(StorageError, match=r"schema version 2.*knows only up to 1.*DATABASE_PATH"):
        async with Storage.open(path, migrations=TWO[:1]):
            pass

    async with Storage.open(path, migrations=TWO) as storage:
        assert await storage.schema_version() == 2


async def test_a_database_with_the_old_catalog_cache_upgrades_and_keeps_the_clubs_data(tmp_path: Path) -> None:
    """Version 11 kept parsed catalog files and search indexes in the database; 12 drops them."""
    path = tmp_path / "club.sqlite3"
    async with Storage.open(path, migrations=bundled_migrations()[:11]) as storage:
        await storage.execute(
            "INSERT INTO catalog_cache (path, size, mtime_ns, code, record) VALUES ('/a.toml', 1, 2, 'c', x'00')"
        )
        await storage.execute("INSERT INTO catalog_index (part, piece, catalog, state) VALUES (0, 0, 'f', x'00')")
        await storage.execute(
            "INSERT INTO votes (guild_id, drama_slug, episode, user_id, half_points, created_at, updated_at)"
            " VALUES (1, 'soundtrack-1', 0, 7, 17, '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00')"
        )

    async with Storage.open(path) as storage:
        assert await storage.schema_version() == bundled_migrations()[-1].version
        tables = {row["name"] for row in await storage.fetchall("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert not tables & {"catalog_cache", "catalog_index"}
        assert {"votes", "watch_parties", "guild_dramas"} <= tables
        votes = await storage.fetchall("SELECT drama_slug, user_id, half_points FROM votes")
        assert [tuple(row) for row in votes] == [("soundtrack-1", 7, 17)]
        await storage.execute(
            "INSERT INTO votes (guild_id, drama_slug, episode, user_id, half_points, created_at, updated_at, private)"
            " VALUES (1, 'soundtrack-1', 0, 8, 20, '2026-01-02T00:00:00+00:00', '2026-01-02T00:00:00+00:00', 1)"
        )
        tally = await storage.fetchall("SELECT votes, half_points, private_votes FROM drama_tally")
        assert [tuple(row) for row in tally] == [(2, 37, 1)]


async def test_a_transaction_keeps_nothing_when_its_block_fails(tmp_path: Path) -> None:
    async with Storage.open(tmp_path / "db.sqlite3", migrations=TWO) as storage:
        with pytest.raises(RuntimeError, match="half-way"):
            async with storage.transaction() as db:
                await db.execute("INSERT INTO parent (id) VALUES (?)", (5,))
                await db.executemany("INSERT INTO child (id, parent) VALUES (?, ?)", [(1, 5), (2, 5)])
                raise RuntimeError("half-way")
        assert await storage.fetchall("SELECT id FROM parent") == []
        assert await storage.fetchall("SELECT note FROM audit") == []
        # No transaction was left open: BEGIN inside one would fail.
        async with storage.transaction() as db:
            await db.execute("INSERT INTO parent (id) VALUES (6)")
        assert [tuple(r) for r in await storage.fetchall("SELECT id FROM parent")] == [(6,)]


async def test_no_other_statement_runs_inside_a_transaction(tmp_path: Path) -> None:
    """The connection is shared: a statement from another command while a transaction waits would
    run inside it, see its uncommitted rows and be rolled back with it. The lock keeps it out."""
    async with Storage.open(tmp_path / "db.sqlite3", migrations=TWO) as storage:
        inside = asyncio.Event()
        reader: asyncio.Task[list[object]] | None = None

        async def read_parents() -> list[object]:
            return [row["id"] for row in await storage.fetchall("SELECT id FROM parent")]

        async def write_then_fail() -> None:
            nonlocal reader
            async with storage.transaction() as db:
                await db.execute("INSERT INTO parent (id) VALUES (5)")
                reader = asyncio.create_task(read_parents())
                await asyncio.sleep(0.05)  # the reader has every chance to run now
                inside.set()
                raise RuntimeError("changed my mind")

        with pytest.raises(RuntimeError, match="changed my mind"):
            await write_then_fail()
        assert inside.is_set() and reader is not None
        assert await reader == []  # it waited for the rollback, and never saw parent 5
        await storage.execute("INSERT INTO parent (id) VALUES (6)")  # a single statement commits alone
        assert await read_parents() == [6]


async def test_command_tree_hash_is_remembered_per_scope(tmp_path: Path) -> None:
    async with Storage.open(tmp_path / "db.sqlite3") as storage:
        assert await storage.command_tree_hash("global:1") is None
        now = datetime(2026, 1, 1, tzinfo=UTC)
        await storage.record_command_tree_hash("global:1", "aaa", now)
        await storage.record_command_tree_hash("global:1", "bbb", now)
        await storage.record_command_tree_hash("guild:1:2", "ccc", now)
        assert await storage.command_tree_hash("global:1") == "bbb"
        assert await storage.command_tree_hash("guild:1:2") == "ccc"


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
    async with Storage.open(tmp_path / "club.sqlite3") as storage:
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


async def test_a_party_takes_one_event_and_none_once_cancelled(tmp_path: Path) -> None:
    """``record_events`` stores an event only for a party that has none and is not cancelled, and
    gives back the others for deleting; ``cancel`` gives each party's event as stored when it
    cancelled it."""
    async with Storage.open(tmp_path / "club.sqlite3") as storage:
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
