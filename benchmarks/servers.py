"""The bot serving many servers, in its own process (run by the benchmarks).

``python -m benchmarks.servers SERVERS BURST DATABASE CATALOG_DIR``: the database holds SERVERS
servers' clubs (:func:`add_servers`) and simcord has those servers, each with its channels and
members, before the bot connects. Prints ``READY`` when the bot can answer, then runs a burst of
BURST commands spread over the servers, each paired with a no-op in the same server, and prints
one JSON line: the commands' and the no-ops' first-reply times, and the peak resident memory.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import sys
import time
from contextlib import closing
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import discord
import simcord

from bot.client import create_bot
from bot.settings import Settings
from bot.storage import Storage
from tests.factories import drama_toml, with_soundtrack

FIRST_GUILD = 1_200_000_000_000_000_000
FIRST_EVENT = 1_300_000_000_000_000_000  # the plans' Discord events (ten ids a server)
MEMBERS = 5  # in each server, each with a vote
AIRING = "bench-airing"  # the drama every server follows: it airs weekly through 2026


def guild_id(index: int) -> int:
    return FIRST_GUILD + index


def write_catalog(folder: Path) -> None:
    """The servers' catalog: the shipped Soundtrack #1 (their plans) and the airing drama (their follows)."""
    text = drama_toml("Bench Airing Drama", 2026, slug=AIRING, episodes=16, first_air=date(2026, 1, 5))
    with_soundtrack(folder, {AIRING: text})


def add_servers(database: Path, servers: int) -> None:
    """Each server's club: a follow of the airing drama (its 16 announcements pending), a plan of
    four parties of Soundtrack #1 (made whole: announcement and events recorded) and a vote from
    each of its members."""
    made = datetime(2026, 1, 1, tzinfo=UTC)
    first_party = datetime(2026, 2, 7, 11, tzinfo=UTC)
    with closing(sqlite3.connect(database)) as connection, connection:
        for index in range(servers):
            guild = guild_id(index)
            follow = connection.execute(
                "INSERT INTO follows (guild_id, drama_slug, channel_id, air_time, timezone, created_by, created_at)"
                " VALUES (?, ?, ?, '21:00', 'Asia/Seoul', 1, ?)",
                (guild, AIRING, guild, made.isoformat(timespec="seconds")),
            ).lastrowid
            connection.executemany(
                "INSERT INTO announcements (follow_id, episode, airs_at, last) VALUES (?, ?, ?, ?)",
                [
                    (follow, n, (datetime(2026, 1, 5, 12, tzinfo=UTC) + timedelta(weeks=n - 1)).isoformat(), n == 16)
                    for n in range(1, 17)
                ],
            )
            series = connection.execute(
                "INSERT INTO watch_series (guild_id, drama_slug, starts_at, timezone, host_id, text_channel_id,"
                " episodes_per_party, remind_minutes, created_at, announcement_id) VALUES (?, 'soundtrack-1', ?,"
                " 'UTC', 1, ?, 1, 15, ?, ?)",
                (guild, first_party.isoformat(), guild, made.isoformat(), guild),
            ).lastrowid
            for number in range(1, 5):
                at = first_party + timedelta(weeks=number - 1)
                connection.execute(
                    "INSERT INTO watch_parties (series_id, guild_id, drama_slug, number, first_episode, last_episode,"
                    " starts_at, ends_at, remind_at, event_id) VALUES (?, ?, 'soundtrack-1', ?, ?, ?, ?, ?, ?, ?)",
                    (
                        series,
                        guild,
                        number,
                        number,
                        number,
                        at.isoformat(),
                        (at + timedelta(hours=1)).isoformat(),
                        (at - timedelta(minutes=15)).isoformat(),
                        FIRST_EVENT + index * 10 + number,
                    ),
                )
            connection.executemany(
                "INSERT INTO votes (guild_id, drama_slug, episode, user_id, half_points, comment, created_at,"
                " updated_at) VALUES (?, 'soundtrack-1', 0, ?, ?, NULL, ?, ?)",
                [(guild, 100 + m, 10 + m, made.isoformat(), made.isoformat()) for m in range(MEMBERS)],
            )


async def main(servers: int, burst: int, database: Path, catalog: Path) -> None:
    from benchmarks.__main__ import fine_grained_settling  # here: that module runs this one
    from benchmarks.probe import peak_rss_kib

    fine_grained_settling()
    async with Storage.open(database) as storage:
        bot = create_bot(Settings(database_path=database, catalog_dir=catalog), storage)

        @bot.tree.command(name="noop", description="Does nothing: the framework's floor")
        async def noop(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("ok")

        async def on_ready() -> None:
            print("READY", flush=True)

        bot.add_listener(on_ready)
        env = simcord.Env(bot, settle_timeout=600)
        places = []
        for index in range(servers):
            guild = env.create_guild(name=f"Club {index}", id=guild_id(index))
            channel = guild.create_text_channel("general")
            guild.create_text_channel("announcements")
            members = [guild.add_member(env.create_user(f"m{index}-{m}")) for m in range(MEMBERS)]
            places.append((channel, members))
        await env.start()
        commands: list[float] = []
        noops: list[float] = []
        try:
            for i in range(burst if servers else 0):
                channel, members = places[i * 7919 % servers]  # spread over the servers, not in turn
                member = members[i % MEMBERS]
                started = time.perf_counter()
                await member.slash(channel, "noop")
                noops.append(time.perf_counter() - started)
                started = time.perf_counter()
                if i % 2:
                    await member.slash(channel, "ratings top")
                else:
                    await member.slash(channel, "drama", title="Soundtrack #1")
                commands.append(time.perf_counter() - started)
        finally:
            await env.shutdown()
            await bot.close()
    print(json.dumps({"commands": commands, "noops": noops, "peak_kib": peak_rss_kib()}), flush=True)


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3]), Path(sys.argv[4])))
