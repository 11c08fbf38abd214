"""Loading the catalog folder quickly: validated files are kept in SQLite between starts.

Reading and validating a TOML file costs about half a millisecond, so 10,000 of them took over
four seconds at every start. A file that validated is stored as a compact record
(:func:`bot.catalog.drama_record`) keyed by its path, size and modification time, the way Python
keeps its bytecode cache; the next start reads the record instead of the file. A record is used
only while the file's size and modification time are unchanged and the validation code is the
same (``code``, a fingerprint of :mod:`bot.catalog`), so a new rule is applied to every file at the
first start after an upgrade. Files that fail validation are never stored: they fail every start,
with the same message, until they are fixed.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path

from bot import catalog as catalog_module
from bot.catalog import Drama, catalog_files, check_unique, drama_from_record, drama_record, load_drama_file
from bot.storage import Storage

log = logging.getLogger(__name__)


@functools.cache
def code_fingerprint() -> str:
    """Changes whenever the catalog's validation code or record format changes."""
    return hashlib.blake2b(Path(catalog_module.__file__).read_bytes(), digest_size=12).hexdigest()


@dataclass(frozen=True, slots=True)
class FileStamp:
    size: int
    mtime_ns: int


@dataclass(frozen=True, slots=True)
class LoadReport:
    """What a load did: how many files came from the cache and how many were read."""

    dramas: list[Drama]
    cached: int
    read: int


def _list_folder(directory: Path) -> dict[str, FileStamp]:
    """Every drama file of the folder by absolute path, in name order, with its size and mtime."""
    stamps: dict[str, FileStamp] = {}
    for path in catalog_files(directory.resolve()):
        status = path.stat()
        stamps[str(path)] = FileStamp(status.st_size, status.st_mtime_ns)
    return stamps


def _decode(rows: list[tuple[str, str]]) -> dict[str, Drama]:
    return {path: drama_from_record(record, Path(path).name) for path, record in rows}


def _read(paths: list[str]) -> dict[str, Drama]:
    """Validate files that are not cached (the first invalid one raises :class:`CatalogError`)."""
    return {path: load_drama_file(Path(path)) for path in paths}


async def load_catalog(storage: Storage, directory: Path) -> LoadReport:
    """The catalog folder's dramas, in file-name order, reading only files changed since last time.

    Raises :class:`CatalogError` for an invalid file or two files describing the same drama,
    exactly as :func:`bot.catalog.load_catalog_dir` does; the cache changes only after every
    file has validated, and a start with nothing changed writes nothing.
    """
    stamps = await asyncio.to_thread(_list_folder, directory)
    code = code_fingerprint()
    found: dict[str, Drama] = {}
    gone: list[str] = []  # rows of files no longer in the folder, or written by other code
    async for rows in storage.stream("SELECT path, size, mtime_ns, code, record FROM catalog_cache", chunk=200):
        usable = []
        for row in rows:
            stamp = stamps.get(row["path"])
            if stamp is None or row["code"] != code:
                gone.append(row["path"])
            elif stamp == FileStamp(row["size"], row["mtime_ns"]):
                usable.append((row["path"], row["record"]))
        found.update(await asyncio.to_thread(_decode, usable))
    read = await asyncio.to_thread(_read, [path for path in stamps if path not in found])
    dramas = [found[path] if path in found else read[path] for path in stamps]
    check_unique(dramas)
    if read or gone:
        await _store(storage, stamps, read, gone, code)
        log.info("Catalog: %d files validated, %d unchanged ones read from the cache", len(read), len(found))
    return LoadReport(dramas, cached=len(found), read=len(read))


async def _store(
    storage: Storage, stamps: dict[str, FileStamp], read: dict[str, Drama], gone: list[str], code: str
) -> None:
    """Record the newly validated files and forget the rows that can no longer be used."""
    records = await asyncio.to_thread(lambda: [(path, drama_record(drama)) for path, drama in read.items()])
    async with storage.transaction() as db:
        await db.executemany("DELETE FROM catalog_cache WHERE path = ?", [(path,) for path in gone])
        await db.executemany(
            "INSERT INTO catalog_cache (path, size, mtime_ns, code, record) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (path) DO UPDATE SET size = excluded.size, mtime_ns = excluded.mtime_ns,"
            " code = excluded.code, record = excluded.record",
            [(path, stamps[path].size, stamps[path].mtime_ns, code, record) for path, record in records],
        )
    if len(records) > 1000:  # a large one-off write: fold it into the database and shrink the log
        await storage.execute("PRAGMA wal_checkpoint(TRUNCATE)")
