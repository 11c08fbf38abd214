"""Loading the catalog folder quickly: validated files are kept in SQLite between starts.

Reading and validating a TOML file costs about a quarter of a millisecond, so 10,000 of them
took over two seconds at every start. A file that validated is stored as a compact record
(:func:`bot.catalog.drama_record`) keyed by its path, size and modification time, the way Python
keeps its bytecode cache; the next start reads the record instead of the file. A record is used
only while the file's size and modification time are unchanged and the validation code is the
same (``code``, a fingerprint of :mod:`bot.catalog` and :mod:`bot.folding`), so a new rule is
applied to every file at the first start after an upgrade. Files that fail validation are never
stored: they fail every start, with the same message, until they are fixed.

The search indexes of the whole catalog (:class:`bot.search.Indexes`) take over half a second to
build for 10,000 dramas, so they are kept too: their compact state
(:meth:`bot.search.Indexes.state`), part by part as ``marshal`` writes it, in rows of 64 KiB (a
tenth of a second to read back), used while the catalog's :attr:`LoadReport.fingerprint` (every
file's stamp, the catalog, folding and search code, the Python version) is the one they were built for.

Both are only for the next start, so the bot writes them after it is ready (``later``): a first
start with 10,000 dramas has a fifth of a second less to do before it answers, and the
records go in transactions of :data:`RECORDS_PER_WRITE`, so a command that needs the database
meanwhile waits for one of them, not for all.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import itertools
import logging
import marshal
import sqlite3
import sys
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from bot import catalog as catalog_module
from bot import folding as folding_module
from bot import search as search_module
from bot.catalog import (
    CatalogError,
    Drama,
    catalog_entries,
    check_unique,
    drama_from_record,
    drama_record,
    load_drama_file,
)
from bot.search import Indexes
from bot.storage import Storage

log = logging.getLogger(__name__)

LARGE_WRITE_BYTES = 1_000_000
INDEX_PIECE_BYTES = 64 * 1024
RECORDS_PER_WRITE = 1_000  # about 10 ms of the database's time each

CacheWrite = Callable[[], Awaitable[None]]  # a write of the cache, for the caller to run later


@functools.cache
def code_fingerprint() -> str:
    """Changes whenever the catalog's validation code (with the folding it checks names by) or
    record format (with ``marshal``'s, which writes the records) changes."""
    digest = hashlib.blake2b(str(marshal.version).encode(), digest_size=12)
    for module in (catalog_module, folding_module):
        digest.update(Path(module.__file__).read_bytes())
    return digest.hexdigest()


@functools.cache
def _index_code() -> bytes:
    """What the indexes' state depends on besides the files: the code that validates and
    indexes them, and the Python that folds names (Unicode tables) and writes ``marshal``."""
    return b"|".join(
        [
            code_fingerprint().encode(),
            Path(search_module.__file__).read_bytes(),
            sys.version.encode(),
            str(marshal.version).encode(),
        ]
    )


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
    fingerprint: str  # changes when any file, or the code that reads and indexes them, changes


def _list_folder(directory: Path) -> dict[str, FileStamp]:
    """Every drama file of the folder by absolute path, in name order, with its size and mtime."""
    stamps: dict[str, FileStamp] = {}
    for entry in catalog_entries(directory.resolve()):
        try:
            status = entry.stat()
        except OSError as error:  # a link to nowhere, say
            raise _unreadable(entry.path, error) from None
        stamps[entry.path] = FileStamp(status.st_size, status.st_mtime_ns)
    return stamps


def _unreadable(path: str, error: OSError) -> CatalogError:
    return CatalogError(Path(path).name, "", f"cannot be read ({error.strerror})")


def _decode(rows: list[tuple[str, bytes]]) -> dict[str, Drama]:
    return {path: drama_from_record(record, Path(path).name) for path, record in rows}


def _read(paths: list[str]) -> dict[str, Drama]:
    """Validate files that are not cached (the first invalid or unreadable one raises
    :class:`CatalogError`)."""
    dramas = {}
    for path in paths:
        try:
            dramas[path] = load_drama_file(path)
        except OSError as error:  # removed since the folder was listed, or not readable by the bot
            raise _unreadable(path, error) from None
    return dramas


async def load_catalog(storage: Storage, directory: Path, *, later: list[CacheWrite] | None = None) -> LoadReport:
    """The catalog folder's dramas, in file-name order, reading only files changed since last time.

    Raises :class:`CatalogError` for an invalid file or two files describing the same drama,
    exactly as :func:`bot.catalog.load_catalog_dir` does; the cache changes only after every
    file has validated, and a start with nothing changed writes nothing. With ``later``, the
    cache's write is added to it for the caller to run, instead of being run before returning.
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
        await _run_or_defer(functools.partial(_store, storage, stamps, read, gone, code), later)
        log.info("Catalog: %d files validated, %d unchanged ones read from the cache", len(read), len(found))
    return LoadReport(dramas, cached=len(found), read=len(read), fingerprint=_fingerprint(stamps))


def _fingerprint(stamps: dict[str, FileStamp]) -> str:
    digest = hashlib.blake2b(_index_code(), digest_size=16)
    for path, stamp in stamps.items():
        digest.update(f"\0{path}\0{stamp.size}\0{stamp.mtime_ns}".encode())
    return digest.hexdigest()


async def _run_or_defer(write: CacheWrite, later: list[CacheWrite] | None) -> None:
    if later is None:
        await write()
    else:
        later.append(write)


async def load_indexes(storage: Storage, loaded: LoadReport, *, later: list[CacheWrite] | None = None) -> Indexes:
    """The search indexes of a loaded catalog: read back if they were built for the same files
    by the same code, otherwise built and stored for the next start (by the caller, with
    ``later``, as :func:`load_catalog`)."""
    rows = await storage.fetchall(
        "SELECT part, piece, state FROM catalog_index WHERE catalog = ? ORDER BY part, piece", (loaded.fingerprint,)
    )
    if rows:
        try:
            return await asyncio.to_thread(_thaw, loaded.dramas, [tuple(row) for row in rows])
        except (ValueError, TypeError, EOFError, IndexError) as error:  # written by other code despite the key
            log.warning("The stored catalog indexes do not fit the catalog (%s); building them again", error)
    del rows
    indexes = await asyncio.to_thread(Indexes.build, loaded.dramas)
    await _run_or_defer(functools.partial(_store_indexes, storage, indexes, loaded.fingerprint), later)
    return indexes


async def _store_indexes(storage: Storage, indexes: Indexes, fingerprint: str) -> None:
    """Replace the stored state with these indexes', a part at a time.

    Each part is made, written by ``marshal`` and stored before the next is made (in the
    database's thread, as SQLite takes the rows), in rows of :data:`INDEX_PIECE_BYTES`: SQLite
    copies every value it is given, and copies of that size reuse the memory the previous ones
    freed, where megabyte-long ones would each stay in the process (the C allocator keeps large
    freed blocks). So a first start holds little more than the indexes themselves.
    """

    def write(db: sqlite3.Connection) -> int:
        db.execute("DELETE FROM catalog_index")
        written = 0
        for number, part in enumerate(indexes.state()):
            data = marshal.dumps(part)
            db.executemany(
                "INSERT INTO catalog_index (part, piece, catalog, state) VALUES (?, ?, ?, ?)",
                _pieces(number, data, fingerprint),
            )
            written += len(data)
            del data
        return written

    await _shrink_log_after(storage, await storage.transaction(write))


def _pieces(part: int, data: bytes, fingerprint: str) -> Iterator[tuple[int, int, str, memoryview]]:
    """The rows of one part of an index state."""
    with memoryview(data) as view:
        for piece, start in enumerate(range(0, len(data), INDEX_PIECE_BYTES)):
            yield (part, piece, fingerprint, view[start : start + INDEX_PIECE_BYTES])


def _stored_parts(rows: list[tuple[int, int, bytes]]) -> Iterator[object]:
    """The parts that ``(part, piece, bytes)`` rows hold, in order, each read when it is wanted."""
    for expected, (part, pieces) in enumerate(itertools.groupby(rows, key=lambda row: row[0])):
        if part != expected:
            raise ValueError(f"part {expected} is missing")
        data = []
        for number, (_, piece, chunk) in enumerate(pieces):
            if piece != number:
                raise ValueError(f"a piece of part {part} is missing")
            data.append(chunk)
        yield marshal.loads(b"".join(data))


def _thaw(dramas: list[Drama], rows: list[tuple[int, int, bytes]]) -> Indexes:
    return Indexes.thaw(dramas, _stored_parts(rows))


async def _shrink_log_after(storage: Storage, written: int) -> None:
    """After a large one-off write (a first start's), fold it into the database and truncate
    the write-ahead log, so the log does not stay megabytes long and slow later writes."""
    if written > LARGE_WRITE_BYTES:
        await storage.execute("PRAGMA wal_checkpoint(TRUNCATE)")


async def _store(
    storage: Storage, stamps: dict[str, FileStamp], read: dict[str, Drama], gone: list[str], code: str
) -> None:
    """Record the newly validated files and forget the rows that can no longer be used.

    In transactions of :data:`RECORDS_PER_WRITE` files, each record made as SQLite writes it (in
    the database's thread), so a first start's 10,000 of them never sit in memory together. A
    stop half-way keeps the records already written: each is the record of its file's stamp.
    """

    def write(paths: list[str], forget: list[str], db: sqlite3.Connection) -> int:
        db.executemany("DELETE FROM catalog_cache WHERE path = ?", [(path,) for path in forget])
        written = 0

        def rows() -> Iterator[tuple[str, int, int, str, bytes]]:
            nonlocal written
            for path in paths:
                record = drama_record(read[path])
                written += len(record)
                yield (path, stamps[path].size, stamps[path].mtime_ns, code, record)

        db.executemany(
            "INSERT INTO catalog_cache (path, size, mtime_ns, code, record) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (path) DO UPDATE SET size = excluded.size, mtime_ns = excluded.mtime_ns,"
            " code = excluded.code, record = excluded.record",
            rows(),
        )
        return written

    paths = list(read)
    batches = [paths[start : start + RECORDS_PER_WRITE] for start in range(0, len(paths), RECORDS_PER_WRITE)] or [[]]
    written = 0
    for number, batch in enumerate(batches):
        written += await storage.transaction(functools.partial(write, batch, gone if number == 0 else []))
    await _shrink_log_after(storage, written)
