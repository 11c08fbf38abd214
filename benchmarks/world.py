"""Synthetic clubs for the benchmarks: catalogs, votes and pending reminders of any size."""

from __future__ import annotations

import json
import random
import sqlite3
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.tmdb_answers import title_keys
from bot.tmdb_dramas import APPENDED
from tests.factories import drama_toml, with_soundtrack
from tests.tmdb_fake import FakeTmdb, invented

GUILD_ID = 900_000_000_000_000_001
WORDS = (
    "moon",
    "river",
    "star",
    "love",
    "secret",
    "king",
    "queen",
    "hotel",
    "doctor",
    "school",
    "spring",
    "summer",
    "winter",
    "autumn",
    "night",
    "city",
    "garden",
    "sea",
    "sky",
    "red",
    "blue",
    "crown",
    "palace",
    "memory",
    "letter",
    "rain",
    "snow",
    "flower",
    "song",
    "dream",
)
SURNAMES = ("Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Cho", "Yoon", "Jang", "Lim", "Han", "Seo")
SYLLABLES = ("min", "ji", "seo", "hyun", "woo", "soo", "eun", "jun", "ha", "yeon", "bin", "na", "hee", "sik")


def write_catalog(folder: Path, size: int, *, seed: int = 7) -> list[str]:
    """``size`` drama files (the shipped Soundtrack #1 first); returns their slugs."""
    with_soundtrack(folder)
    slugs = ["soundtrack-1"]
    rng = random.Random(seed)
    for index in range(1, size):
        title = " ".join(rng.sample(WORDS, 3)).title() + f" {index}"
        cast = [
            (
                f"{rng.choice(SURNAMES)} {rng.choice(SYLLABLES).title()}-{rng.choice(SYLLABLES)} {index}",
                f"{rng.choice(SURNAMES)} {rng.choice(SYLLABLES).title()}-{rng.choice(SYLLABLES)}",
                "lead" if n < 2 else "supporting",
            )
            for n in range(6)
        ]
        slug = f"d{index}"
        text = drama_toml(
            title, 1990 + index % 35, slug=slug, episodes=16, first_air=datetime(2020, 1, 6).date(), cast=cast
        )
        (folder / f"{slug}.toml").write_text(text)
        slugs.append(slug)
    return slugs


def catalog(folder: Path, size: int) -> list[str]:
    """The catalog of ``size`` dramas in ``folder`` (an empty folder for 0), written on first use;
    returns the slugs."""
    if size == 0:
        folder.mkdir(parents=True, exist_ok=True)
        return []
    if folder.exists():
        return ["soundtrack-1", *(f"d{i}" for i in range(1, size))]
    return write_catalog(folder, size)


def add_votes(database: Path, slugs: list[str], count: int, *, seed: int = 11) -> None:
    """``count`` whole-drama votes from distinct (member, drama) pairs, straight into SQLite."""
    if count == 0:
        return
    rng = random.Random(seed)
    now = datetime(2026, 1, 1, tzinfo=UTC).isoformat(timespec="seconds")
    rows = []
    per_drama = max(1, count // len(slugs))
    member = 10_000
    for index in range(count):
        slug = slugs[index // per_drama % len(slugs)]
        member += 1
        rows.append((GUILD_ID, slug, 0, member, rng.randint(2, 20), None, now, now))
    with closing(sqlite3.connect(database)) as connection, connection:
        connection.executemany(
            "INSERT INTO votes (guild_id, drama_slug, episode, user_id, half_points, comment, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )


def add_tmdb_dramas(database: Path, count: int, fetched_at: datetime, *, first_id: int = 700_000) -> list[int]:
    """``count`` TMDB dramas as the bot stores them after a look-up (invented ones, answered by the
    TMDB test server), fetched at ``fetched_at``; returns their TMDB ids."""
    fake = FakeTmdb()
    ids = list(range(first_id, first_id + count))
    with closing(sqlite3.connect(database)) as connection, connection:
        for tmdb_id in ids:
            data = fake.details(invented(tmdb_id), list(APPENDED))
            connection.execute(
                "INSERT INTO tmdb_dramas (tmdb_id, data, fetched_at) VALUES (?, ?, ?)",
                (tmdb_id, json.dumps(data, ensure_ascii=False), fetched_at.isoformat()),
            )
            connection.executemany(
                "INSERT INTO tmdb_titles (key, tmdb_id) VALUES (?, ?)", [(k, tmdb_id) for k in title_keys(data)]
            )
    return ids


SNOWFLAKE = 1_100_000_000_000_000_000  # the first id of the announcements and events the parties were made with


def add_pending_reminders(database: Path, slug: str, count: int) -> None:
    """``count`` future parties (one series each of one party), all with notices pending. Each
    was made whole (its announcement and Discord event recorded), as a plan is once made."""
    start = datetime(2026, 6, 1, 11, tzinfo=UTC)
    with closing(sqlite3.connect(database)) as connection, connection:
        for index in range(count):
            at = start + timedelta(hours=index)
            cursor = connection.execute(
                "INSERT INTO watch_series (guild_id, drama_slug, starts_at, timezone, host_id, text_channel_id,"
                " episodes_per_party, remind_minutes, created_at, announcement_id) VALUES (?, ?, ?, 'UTC', 1, 1, 1, 15,"
                " ?, ?)",
                (
                    GUILD_ID,
                    slug,
                    at.isoformat(timespec="seconds"),
                    start.isoformat(timespec="seconds"),
                    SNOWFLAKE + index,
                ),
            )
            connection.execute(
                "INSERT INTO watch_parties (series_id, guild_id, drama_slug, number, first_episode, last_episode,"
                " starts_at, ends_at, remind_at, event_id) VALUES (?, ?, ?, 1, 1, 1, ?, ?, ?, ?)",
                (
                    cursor.lastrowid,
                    GUILD_ID,
                    slug,
                    at.isoformat(timespec="seconds"),
                    (at + timedelta(hours=1)).isoformat(timespec="seconds"),
                    (at - timedelta(minutes=15)).isoformat(timespec="seconds"),
                    SNOWFLAKE + index,
                ),
            )
