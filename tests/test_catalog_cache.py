"""The catalog cache: a restart reads only the files that changed, and never serves a stale drama."""

from __future__ import annotations

import asyncio
import gc
import os
import shutil
import sqlite3
from collections.abc import AsyncIterator
from contextlib import closing
from datetime import date
from pathlib import Path

import pytest
import pytest_asyncio

from bot import catalog_cache
from bot.catalog import CatalogError, drama_from_record, drama_record, load_catalog_dir
from bot.catalog_cache import CacheWrite, load_catalog, load_indexes
from bot.client import DramaClub, create_bot
from bot.club_catalog import ClubCatalog
from bot.search import Indexes
from bot.settings import DEFAULT_CATALOG_DIR, Settings
from bot.storage import Storage
from tests.factories import drama_toml


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """The shipped drama and two synthetic ones."""
    folder = tmp_path / "dramas"
    folder.mkdir()
    shutil.copy(DEFAULT_CATALOG_DIR / "soundtrack-1.toml", folder)
    (folder / "moon.toml").write_text(drama_toml("Moon River", 2021, first_air=date(2021, 5, 1)))
    (folder / "star.toml").write_text(drama_toml("Star Garden", 2019, episodes=2))
    return folder


@pytest_asyncio.fixture
async def storage(tmp_path: Path) -> AsyncIterator[Storage]:
    storage = await Storage.open(tmp_path / "club.sqlite3")
    yield storage
    await storage.close()


async def cached_paths(storage: Storage) -> list[str]:
    return [Path(row["path"]).name for row in await storage.fetchall("SELECT path FROM catalog_cache ORDER BY path")]


def touch(path: Path, text: str) -> None:
    """Rewrite a file and move its modification time on, as an editor saving it later would."""
    before = path.stat().st_mtime_ns
    path.write_text(text)
    os.utime(path, ns=(before + 1_000_000_000, before + 1_000_000_000))


def test_a_record_gives_back_the_same_drama() -> None:
    (shipped,) = load_catalog_dir(DEFAULT_CATALOG_DIR)
    copy = drama_from_record(drama_record(shipped), shipped.origin)
    assert copy == shipped  # every field: episodes with dates, cast with aliases, review points
    assert copy.origin == shipped.origin
    assert copy.review is not None and copy.review.points[-1].spoiler_from_episode == 4


async def test_the_first_start_reads_every_file_and_a_restart_none(storage: Storage, folder: Path) -> None:
    first = await load_catalog(storage, folder)
    assert (first.read, first.cached) == (3, 0)
    assert await cached_paths(storage) == ["moon.toml", "soundtrack-1.toml", "star.toml"]

    again = await load_catalog(storage, folder)
    assert (again.read, again.cached) == (0, 3)
    assert again.dramas == first.dramas == load_catalog_dir(folder)  # same dramas, same order
    assert [d.origin for d in again.dramas] == ["moon.toml", "soundtrack-1.toml", "star.toml"]


async def test_loading_the_catalog_makes_no_reference_cycles(storage: Storage, folder: Path) -> None:
    """The bot exempts what start-up built from the cycle collector (``gc.freeze``), so a cycle
    made while loading, first from the files and then from the cache, would be kept for good."""
    gc.collect()
    gc.disable()
    try:
        for _ in range(2):
            loaded = await load_catalog(storage, folder)
            catalog = await ClubCatalog.load(storage, await load_indexes(storage, loaded))
            assert catalog.get("soundtrack-1", None) is not None
            del loaded, catalog
            assert gc.collect() == 0
    finally:
        gc.enable()


async def test_an_edited_file_is_read_again(storage: Storage, folder: Path) -> None:
    await load_catalog(storage, folder)
    touch(folder / "star.toml", drama_toml("Star Garden", 2019, episodes=3))
    loaded = await load_catalog(storage, folder)
    assert (loaded.read, loaded.cached) == (1, 2)
    assert next(d for d in loaded.dramas if d.title == "Star Garden").episode_count == 3
    assert (await load_catalog(storage, folder)).read == 0  # and cached again


async def test_an_invalid_file_stops_every_start_and_is_never_cached(storage: Storage, folder: Path) -> None:
    await load_catalog(storage, folder)
    touch(folder / "star.toml", drama_toml("Star Garden", 2019).replace("year = 2019", "year = 1800"))
    for _ in range(2):
        with pytest.raises(CatalogError, match=r"star\.toml: drama\.year: must be between 1950 and 2100"):
            await load_catalog(storage, folder)
    touch(folder / "star.toml", drama_toml("Star Garden", 2019, episodes=5))
    fixed = await load_catalog(storage, folder)
    assert next(d for d in fixed.dramas if d.title == "Star Garden").episode_count == 5


async def test_two_files_of_one_drama_are_refused_from_the_cache_too(storage: Storage, folder: Path) -> None:
    await load_catalog(storage, folder)
    shutil.copy(folder / "moon.toml", folder / "moon-copy.toml")
    with pytest.raises(CatalogError, match=r"moon(-copy)?\.toml: drama\.id: 'moon-river-2021' is already used"):
        await load_catalog(storage, folder)


async def test_a_removed_file_is_forgotten(storage: Storage, folder: Path) -> None:
    await load_catalog(storage, folder)
    (folder / "moon.toml").unlink()
    loaded = await load_catalog(storage, folder)
    assert [d.title for d in loaded.dramas] == ["Soundtrack #1", "Star Garden"]
    assert await cached_paths(storage) == ["soundtrack-1.toml", "star.toml"]


async def test_only_visible_toml_files_count_and_in_file_name_order(storage: Storage, folder: Path) -> None:
    (folder / "README.md").write_text("Notes about the catalog")
    (folder / "moon.toml.bak").write_text("an editor's backup, not a drama")
    (folder / ".#moon.toml").symlink_to("editor@host.4242")  # Emacs's lock while moon.toml is edited
    (folder / ".moon.toml.swp.toml").write_text("hidden, not a drama")
    (folder / "a-later-drama.toml").write_text(drama_toml("Autumn Letter", 2020))
    loaded = await load_catalog(storage, folder)
    assert [d.title for d in loaded.dramas] == ["Autumn Letter", "Moon River", "Soundtrack #1", "Star Garden"]
    rows = await storage.fetchall("SELECT path FROM catalog_cache ORDER BY path")
    names = ["a-later-drama.toml", "moon.toml", "soundtrack-1.toml", "star.toml"]
    root = await asyncio.to_thread(folder.resolve)
    assert [row["path"] for row in rows] == [str(root / name) for name in names]
    assert load_catalog_dir(folder) == loaded.dramas  # the command-line check lists the same files


async def test_a_file_that_cannot_be_read_is_named_like_an_invalid_one(storage: Storage, folder: Path) -> None:
    (folder / "moved.toml").symlink_to(folder / "somewhere-else.toml")
    with pytest.raises(CatalogError, match=r"^moved\.toml: cannot be read \(No such file or directory\)$"):
        await load_catalog(storage, folder)
    assert await cached_paths(storage) == []


async def test_new_validation_code_reads_every_file_again(
    storage: Storage, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    await load_catalog(storage, folder)
    monkeypatch.setattr(catalog_cache, "code_fingerprint", lambda: "a newer bot/catalog.py")
    loaded = await load_catalog(storage, folder)
    assert (loaded.read, loaded.cached) == (3, 0)
    codes = await storage.fetchall("SELECT DISTINCT code FROM catalog_cache")
    assert [row["code"] for row in codes] == ["a newer bot/catalog.py"]


async def test_a_missing_folder_names_the_setting(storage: Storage, tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match="is not a folder of drama files \\(check CATALOG_DIR\\)"):
        await load_catalog(storage, tmp_path / "nowhere")


async def test_a_restart_reads_the_indexes_and_a_changed_file_rebuilds_them(
    storage: Storage, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    built = await load_indexes(storage, await load_catalog(storage, folder))
    stored = await storage.fetchone("SELECT count(DISTINCT part) AS parts, min(catalog) AS catalog FROM catalog_index")
    assert stored is not None and stored["parts"] == len(list(built.state()))

    def no_building(dramas: object) -> Indexes:
        raise AssertionError("the indexes were built again")

    with monkeypatch.context() as patch:  # a restart with nothing changed does not build them
        patch.setattr(Indexes, "build", no_building)
        again = await load_indexes(storage, await load_catalog(storage, folder))
    assert again.titles.scores("moon", limit=5, prefix=True) == built.titles.scores("moon", limit=5, prefix=True)
    assert again.people.ordered_keys == built.people.ordered_keys

    touch(folder / "star.toml", drama_toml("Star Garden", 2019, cast=[("Yoon Se-Ri", "Pilot", "lead")]))
    changed = await load_catalog(storage, folder)
    assert changed.fingerprint != stored["catalog"]
    indexes = await load_indexes(storage, changed)
    assert "yunseri" in indexes.people  # the new cast member is found
    rows = await storage.fetchall("SELECT DISTINCT catalog FROM catalog_index")
    assert [row["catalog"] for row in rows] == [changed.fingerprint]  # the old parts are gone


async def test_unreadable_stored_indexes_are_built_again(
    storage: Storage, folder: Path, caplog: pytest.LogCaptureFixture
) -> None:
    loaded = await load_catalog(storage, folder)
    await load_indexes(storage, loaded)
    await storage.execute("UPDATE catalog_index SET state = ? WHERE part = 3", (b"not marshal data",))
    indexes = await load_indexes(storage, loaded)
    assert "do not fit the catalog" in caplog.text
    assert [d.title for d in indexes.titles.ordered] == ["Moon River", "Soundtrack #1", "Star Garden"]
    again = await storage.fetchone("SELECT state FROM catalog_index WHERE part = 3")
    assert again is not None and again["state"] != b"not marshal data"  # stored anew


async def test_stored_indexes_with_a_part_missing_are_built_again(
    storage: Storage, folder: Path, caplog: pytest.LogCaptureFixture
) -> None:
    loaded = await load_catalog(storage, folder)
    await load_indexes(storage, loaded)
    await storage.execute("DELETE FROM catalog_index WHERE part = 2")
    indexes = await load_indexes(storage, loaded)
    assert "part 2 is missing" in caplog.text
    assert [d.title for d in indexes.titles.ordered] == ["Moon River", "Soundtrack #1", "Star Garden"]
    parts = await storage.fetchall("SELECT DISTINCT part FROM catalog_index ORDER BY part")
    assert [row["part"] for row in parts] == list(range(len(list(indexes.state()))))


async def test_stored_indexes_are_split_in_pieces_and_read_back_whole(
    storage: Storage, folder: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(catalog_cache, "INDEX_PIECE_BYTES", 16)
    loaded = await load_catalog(storage, folder)
    built = await load_indexes(storage, loaded)
    pieces = await storage.fetchall(
        "SELECT part, max(piece) AS last, max(length(state)) AS size FROM catalog_index GROUP BY part"
    )
    assert max(row["last"] for row in pieces) > 1 and all(row["size"] <= 16 for row in pieces)

    with monkeypatch.context() as patch:  # read back from its pieces, not built again
        patch.setattr(Indexes, "build", lambda dramas: pytest.fail("the indexes were built again"))
        again = await load_indexes(storage, loaded)
    assert again.people.ordered_keys == built.people.ordered_keys
    assert again.titles.scores("star gar", limit=5, prefix=True) == built.titles.scores(
        "star gar", limit=5, prefix=True
    )

    await storage.execute("DELETE FROM catalog_index WHERE part = 2 AND piece = 1")
    rebuilt = await load_indexes(storage, loaded)
    assert "a piece of part 2 is missing" in caplog.text
    assert rebuilt.people.ordered_keys == built.people.ordered_keys


async def test_the_cache_can_be_written_later_a_thousand_files_at_a_time(
    storage: Storage, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bot writes the cache after it is ready, and the records in several transactions, so a
    command that needs the database meanwhile waits for one of them, not for all."""
    monkeypatch.setattr(catalog_cache, "RECORDS_PER_WRITE", 2)
    transactions = 0
    transaction = storage.transaction

    async def counted(work: object) -> object:
        nonlocal transactions
        transactions += 1
        return await transaction(work)  # type: ignore[arg-type]

    monkeypatch.setattr(storage, "transaction", counted)
    later: list[CacheWrite] = []
    loaded = await load_catalog(storage, folder, later=later)
    built = await load_indexes(storage, loaded, later=later)
    assert (loaded.read, len(later), transactions) == (3, 2, 0)
    assert await cached_paths(storage) == []
    assert await storage.fetchall("SELECT part FROM catalog_index") == []

    for write in later:
        await write()
    assert transactions == 3  # the records of 2 files, of 1 file, then the indexes
    assert await cached_paths(storage) == ["moon.toml", "soundtrack-1.toml", "star.toml"]
    again = await load_catalog(storage, folder)
    assert (again.read, again.cached) == (0, 3)
    with monkeypatch.context() as patch:
        patch.setattr(Indexes, "build", lambda dramas: pytest.fail("the indexes were built again"))
        thawed = await load_indexes(storage, again)
    assert thawed.people.ordered_keys == built.people.ordered_keys


def stored_rows(database: Path) -> tuple[int, int]:
    """Cached records and index pieces in the database file, read beside the bot's connection."""
    with closing(sqlite3.connect(database)) as connection:
        records = connection.execute("SELECT count(*) FROM catalog_cache").fetchone()[0]
        pieces = connection.execute("SELECT count(*) FROM catalog_index").fetchone()[0]
    return records, pieces


async def test_the_bot_writes_the_cache_once_it_is_up_and_closing_waits_for_it(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def no_sync(self: DramaClub, *, force: bool = False) -> bool:
        return False  # not logged in: nothing to register the commands with

    monkeypatch.setattr(DramaClub, "sync_commands", no_sync)
    bot = create_bot(settings)
    try:
        await bot.setup_hook()
        assert bot.catalog.get("soundtrack-1", None) is not None  # it can answer...
        assert stored_rows(settings.database_path) == (0, 0)  # ...and has not written the cache yet
    finally:
        await bot.close()  # at once: the write has not begun, and is not cancelled
    records, pieces = stored_rows(settings.database_path)
    assert records == 1 and pieces > 0
