"""``python -m benchmarks [--quick]``: how fast and lean the bot is, as ratios to a floor.

Every command runs through the real bot inside simcord, exactly as in the end-to-end tests, in
turn with a bare no-op slash command: the framework's floor, measured in the same seconds.
Start-up and memory are compared with an empty bot (no catalog, no reminders, no votes) started
the same way. Ratios to a floor hold on a noisy machine where milliseconds do not. Prints
Markdown tables, then the targets it missed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import platform
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import discord
import simcord
from pydantic import SecretStr

from benchmarks import servers as servers_module
from benchmarks.world import GUILD_ID, add_pending_reminders, add_tmdb_dramas, add_votes, catalog
from bot.client import DramaClub, create_bot
from bot.settings import Settings
from bot.storage import Storage
from bot.tmdb import SessionTransport
from tests import tmdb_fake


def fine_grained_settling() -> None:
    """simcord waits in 50 ms real-time steps while only loop callbacks are pending (a finished
    task's done-callbacks, for one), which would bury sub-millisecond commands under its own
    polling, and it has no public setting for the step. The benchmarks wrap its private
    ``Env._settle_internal`` to poll every 0.2 ms instead; nothing about the bot changes."""
    settle = simcord.Env._settle_internal
    if getattr(settle, "_fine_grained", False):
        return

    async def fine(self: simcord.Env, *args: object, idle: float = 0.0002, **kwargs: object) -> object:
        return await settle(self, *args, idle=idle, **kwargs)  # type: ignore[arg-type]

    fine._fine_grained = True  # type: ignore[attr-defined]
    simcord.Env._settle_internal = fine  # type: ignore[method-assign]


@dataclass(frozen=True)
class Plan:
    catalog_sizes: tuple[int, ...]
    vote_sizes: tuple[int, ...]  # at the largest catalog
    runs: int
    startup_dramas: int
    startup_reminders: int
    startup_probes: int  # starts of each kind, each on a new database
    memory_dramas: int
    memory_votes: int
    tmdb_sizes: tuple[int, ...]  # TMDB dramas already stored, at the largest catalog, TMDB on
    server_counts: tuple[int, ...]  # servers the bot serves at once, each with its club
    burst: int  # commands spread over the servers, at each count


FULL = Plan(
    catalog_sizes=(1, 100, 1_000),
    vote_sizes=(0, 100_000, 1_000_000),
    runs=1_000,
    startup_dramas=1_000,
    startup_reminders=10_000,
    startup_probes=7,
    memory_dramas=1_000,
    memory_votes=1_000_000,
    tmdb_sizes=(0, 10_000),
    server_counts=(1, 100, 1_000),
    burst=400,
)
QUICK = Plan((1, 20), (0, 1_000), 5, 20, 50, 2, 20, 1_000, (0, 50), (1, 10), 20)
TARGET_MEMORY_PER_SERVER_GROWTH = 1.25  # memory per added server, at the most servers against the middle count
COLD = "/drama (TMDB, cold look-up)"  # not held to the targets: it includes TMDB's own answer
COLD_SERVER = f"{COLD}: the TMDB test server's part"
COLD_OWN = f"{COLD}: the bot's own"  # the look-up less the server's part
TARGET_COLD_OWN_MS = 10.0
COLD_IDS = 800_000  # the TMDB ids of the dramas looked up for the first time (800000 and on)
ROOT = Path(__file__).resolve().parents[1]
TARGET_MEDIAN_RATIO = 1.5
TARGET_P99_RATIO = 3.0
TARGET_STARTUP_RATIO = 1.5
TARGET_MEMORY_RATIO = 1.5


@dataclass(frozen=True)
class Timing:
    median_ms: float
    p99_ms: float
    floor: Timing | None = None  # the no-op, run in turn with this command: what its ratios are to
    requests: float = 1.0  # Discord requests the command sends per run; the no-op sends one

    def flat(self) -> list[float]:
        return [self.median_ms, self.p99_ms, self.requests, *(self.floor.flat() if self.floor else [])]

    @classmethod
    def unflat(cls, values: list[float]) -> Timing:
        floor = cls(values[3], values[4], None, values[5]) if len(values) == 6 else None
        return cls(values[0], values[1], floor, values[2])

    def ratios(self) -> tuple[float, float]:
        floor = self.floor or self
        return self.median_ms / floor.median_ms, self.p99_ms / floor.p99_ms

    def allowance(self) -> float:
        """What the targets are multiplied by: a command that must send several requests may
        take the no-op's time for each."""
        return max(1.0, self.requests)


def timing(samples: list[float], floor: Timing | None = None, requests: float = 1.0) -> Timing:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, max(0, round(0.99 * len(ordered)) - 1))]
    return Timing(statistics.median(ordered) * 1000, p99 * 1000, floor, requests)


Case = Callable[[int], Awaitable[object]]


async def prepare(workdir: Path, name: str, dramas: int) -> tuple[Path, list[str], Path]:
    """A catalog of ``dramas`` (shared between runs of that size; none for 0) and a new migrated database."""
    folder = workdir / f"catalog-{dramas}"
    slugs = await asyncio.to_thread(catalog, folder, dramas)
    database = workdir / f"{name}.sqlite3"
    async with Storage.open(database):
        pass
    return folder, slugs, database


async def command_timings(
    catalog_size: int, votes: int, runs: int, workdir: Path, tmdb: int | None = None
) -> tuple[dict[str, Timing], float | None]:
    """Median and p99 of each command on a club with this catalog and this many votes; with
    ``tmdb`` (that many TMDB dramas stored), TMDB look-ups are on, against the TMDB test server
    with no added latency, and the second figure is the requests TMDB got per new drama."""
    name = f"club-{catalog_size}-{votes}-{tmdb}"
    folder, slugs, database = await prepare(workdir, name, catalog_size)
    add_votes(database, slugs, votes)
    settings = Settings(database_path=database, catalog_dir=folder)
    fake = tmdb_fake.FakeTmdb(invent=True)
    runner = None
    if tmdb is not None:
        add_tmdb_dramas(database, tmdb, datetime.now().astimezone(), first_id=1_000_000)
        runner = await tmdb_fake.start(fake)
        settings = Settings(
            database_path=database, catalog_dir=folder, tmdb_token=SecretStr(tmdb_fake.TOKEN), tmdb_api_url=fake.url
        )
    try:
        async with Storage.open(database) as storage:
            bot = create_bot(settings, storage, tmdb_transport=SessionTransport(keep_alive=False))

            @bot.tree.command(name="noop", description="Does nothing: the framework's floor")
            async def noop(interaction: discord.Interaction) -> None:
                await interaction.response.send_message("ok")

            env = simcord.Env(bot, settle_timeout=300)
            await env.start()
            try:
                served = (lambda: sum(r.seconds for r in fake.requests)) if tmdb is not None else None
                results = await _time_commands(env, runs, served=served)
            finally:
                await env.shutdown()
                await bot.close()
    finally:
        if runner is not None:
            await runner.cleanup()
    if tmdb is None:
        return results, None
    shows = [int(r.path.split("/")[3]) for r in fake.requests if r.path.startswith("/3/tv/")]
    cold = [tmdb_id for tmdb_id in shows if tmdb_id >= COLD_IDS]
    return results, len(cold) / len(set(cold))


async def _time_commands(
    env: simcord.Env, runs: int, *, served: Callable[[], float] | None = None
) -> dict[str, Timing]:
    """Each command's timings; with ``served`` (the TMDB test server's seconds so far), the TMDB
    commands too, and the cold look-up split into the server's part and the bot's own."""
    guild = env.create_guild(name="Bench club", id=GUILD_ID)
    channel = guild.create_text_channel("general")
    hosts = guild.create_role("hosts", permissions=discord.Permissions(manage_events=True, manage_guild=True))
    host = guild.add_member(env.create_user("host"), roles=[hosts])
    members = [guild.add_member(env.create_user(f"member{i}")) for i in range(25)]
    first = datetime(2027, 1, 2, 20, 0)
    bot_guild = env.bot.get_guild(GUILD_ID)
    assert bot_guild is not None and isinstance(env.bot, DramaClub)
    storage = env.bot.storage

    async def plan(i: int) -> None:
        start = (first + timedelta(hours=i)).strftime("%Y-%m-%d %H:%M")
        result = await host.slash(channel, "watchparty schedule", title="Soundtrack #1", start=start)
        assert not result.ephemeral, result.response.content  # planned, not refused

    async def clear_events() -> None:
        """A server holds 100 events, and a drama one plan at a time: each plan and its events are
        deleted again, untimed, so every run plans anew."""
        for event in list(bot_guild.scheduled_events):
            await event.delete()
        await storage.execute("DELETE FROM watch_series")

    cases: dict[str, Case] = {
        "no-op (floor)": lambda i: members[0].slash(channel, "noop"),
        "/drama": lambda i: members[0].slash(channel, "drama", title="Soundtrack #1"),
        "/cast": lambda i: members[0].slash(channel, "cast", title="soundtrack 1"),
        "/actor": lambda i: members[0].slash(channel, "actor", name="Han So-Hee"),
        "/review": lambda i: members[0].slash(channel, "review", title="Soundtrack #1"),
        "/rate": lambda i: members[i % 25].slash(channel, "rate", title="Soundtrack #1", score=8.5),
        "/ratings show": lambda i: members[0].slash(channel, "ratings show", title="Soundtrack #1"),
        "/ratings top": lambda i: members[0].slash(channel, "ratings top"),
        "/watchparty schedule": plan,
        "title autocomplete": lambda i: members[0].autocomplete(channel, "drama", "title", "moon riv"),
        # "han sohee" half typed: no name starts with "hansohe", so the choices come from the fuzzy pass
        "name autocomplete": lambda i: members[0].autocomplete(channel, "actor", "name", "han sohe"),
    }
    if served is not None:  # a TMDB drama once looked up (the warm-up's first run fetches it), then new ones
        stored = "tmdb-700000"
        # the server's country is set: cards show where the drama streams, from the stored data
        await storage.execute("INSERT INTO server_settings (guild_id, region) VALUES (?, 'KR')", (GUILD_ID,))
        cases |= {
            "/drama (TMDB)": lambda i: members[0].slash(channel, "drama", title=stored),
            "/cast (TMDB)": lambda i: members[0].slash(channel, "cast", title=stored),
            "/where (TMDB)": lambda i: members[0].slash(channel, "where", title=stored),
            "/rate (TMDB)": lambda i: members[i % 25].slash(channel, "rate", title=stored, score=8),
            "/ratings show (TMDB)": lambda i: members[0].slash(channel, "ratings show", title=stored),
            "title autocomplete (TMDB)": lambda i: members[0].autocomplete(channel, "drama", "title", "fixture ben"),
            COLD: lambda i: members[0].slash(channel, "drama", title=f"tmdb-{COLD_IDS + i}"),
        }
    untimed_after = {"/watchparty schedule": clear_events}
    # Each command's runs take turns with the no-op's, so each ratio compares runs made in the same seconds.
    floor = cases["no-op (floor)"]
    results: dict[str, Timing] = {}
    for name, case in cases.items():
        reset = untimed_after.get(name)
        for i in range(min(5, runs)):  # warm-up
            await case(10_000 + i)
            if reset is not None:
                await reset()
        samples: list[float] = []
        paired: list[float] = []
        server: list[float] = []
        sent = 0
        for i in range(runs):
            if case is not floor:
                started = time.perf_counter()
                await floor(i)
                paired.append(time.perf_counter() - started)
            before = len(env.http_requests)
            served_before = served() if served is not None else 0.0
            started = time.perf_counter()
            await case(i)
            samples.append(time.perf_counter() - started)
            server.append((served() if served is not None else 0.0) - served_before)
            sent += len(env.http_requests) - before
            if reset is not None:
                await reset()
        results[name] = timing(samples, timing(paired) if paired else None, sent / runs)
        if name == COLD:
            results[COLD_SERVER] = timing(server)
            results[COLD_OWN] = timing([total - part for total, part in zip(samples, server, strict=True)])
    return results


async def command_timings_alone(
    catalog_size: int, votes: int, runs: int, workdir: Path, tmdb: int | None = None
) -> tuple[dict[str, Timing], float | None]:
    """:func:`command_timings` in a process of its own, as a real bot runs one club per process
    (simcord keeps a timer on the loop after ``Env.shutdown()`` that holds the previous bot)."""
    process = await asyncio.create_subprocess_exec(
        *(sys.executable, "-m", "benchmarks", "--one", str(catalog_size), str(votes), str(runs), str(workdir)),
        *(["--tmdb", str(tmdb)] if tmdb is not None else []),
        stdout=asyncio.subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    out, _ = await process.communicate()
    if process.returncode != 0:
        raise RuntimeError(f"measuring {catalog_size} dramas and {votes} votes failed")
    answer = json.loads(out)
    return {name: Timing.unflat(values) for name, values in answer["timings"].items()}, answer["requests_per_drama"]


@dataclass(frozen=True)
class Probe:
    ready_s: float
    peak_kib: int


async def launch(module: str, *args: str) -> tuple[float, list[str]]:
    """Run ``python -m module args`` in a fresh process: seconds from its start until it printed
    ``READY``, and every other line it printed."""
    started = time.perf_counter()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        module,
        *args,
        stdout=asyncio.subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert process.stdout is not None
    ready = 0.0
    lines: list[str] = []
    async for raw in process.stdout:
        line = raw.decode().strip()
        if line == "READY":
            ready = time.perf_counter() - started
        else:
            lines.append(line)
    if await process.wait() != 0:
        raise RuntimeError(f"{module} {' '.join(args)} failed")
    return ready, lines


async def probe(kind: str, dramas: int, extra: int, workdir: Path, attempt: int) -> Probe:
    """Start the bot in a fresh process on a new database: seconds from process start to ready, and peak RSS.

    ``startup`` adds ``extra`` pending reminders, ``memory`` ``extra`` votes.
    """
    folder, slugs, database = await prepare(workdir, f"{kind}-{dramas}-{extra}-{attempt}", dramas)
    if kind == "startup":
        add_pending_reminders(database, "soundtrack-1", extra)
    else:
        add_votes(database, slugs, extra)
    ready, lines = await launch("benchmarks.probe", kind, str(database), str(folder))
    fields = dict(line.split("=", 1) for line in lines if "=" in line)
    return Probe(ready, int(fields["maxrss_kib"]))


async def start_ups(plan: Plan, workdir: Path) -> tuple[list[float], list[float]]:
    """Seconds to ready of an empty bot and of the club, taken in turn ``startup_probes`` times."""
    empty: list[float] = []
    club: list[float] = []
    for attempt in range(plan.startup_probes):
        empty.append((await probe("startup", 0, 0, workdir, attempt)).ready_s)
        club.append((await probe("startup", plan.startup_dramas, plan.startup_reminders, workdir, attempt)).ready_s)
    return empty, club


@dataclass(frozen=True)
class Servers:
    ready_s: float
    peak_kib: int
    commands: list[float]  # first-reply seconds of the burst's commands...
    noops: list[float]  # ...and of the no-op run before each, in the same server


async def serving(servers: int, burst: int, workdir: Path) -> Servers:
    """The bot started in a fresh process serving ``servers`` servers (:mod:`benchmarks.servers`)."""
    folder = workdir / "catalog-servers"
    if not folder.exists():
        await asyncio.to_thread(servers_module.write_catalog, folder)
    database = workdir / f"servers-{servers}.sqlite3"
    async with Storage.open(database):
        pass
    await asyncio.to_thread(servers_module.add_servers, database, servers)
    ready, lines = await launch("benchmarks.servers", str(servers), str(burst), str(database), str(folder))
    found: dict[str, Any] = json.loads(next(line for line in lines if line.startswith("{")))
    return Servers(ready, int(found["peak_kib"]), found["commands"], found["noops"])


def servers_rows(empty: Servers, by_count: dict[int, Servers]) -> tuple[list[list[str]], list[str]]:
    """The servers table's rows, and the targets it missed."""
    rows: list[list[str]] = []
    missed: list[str] = []
    single = by_count[min(by_count)]
    per_server: dict[int, float] = {}
    for count, found in by_count.items():
        added = (found.peak_kib - single.peak_kib) / (count - 1) if count > 1 else None
        if added is not None:
            per_server[count] = added
        burst = timing(found.commands, timing(found.noops))
        median, p99 = burst.ratios()
        rows.append(
            [
                f"{count:,}",
                f"{found.ready_s:.2f} s ({found.ready_s / empty.ready_s:.2f}x)",
                f"{mb(found.peak_kib)} ({found.peak_kib / empty.peak_kib:.2f}x)",
                f"{added:.0f} KB" if added is not None else "-",
                f"{burst.median_ms:.2f} / {burst.p99_ms:.2f}",
                f"{burst.floor.median_ms:.2f} / {burst.floor.p99_ms:.2f}" if burst.floor else "-",
                f"{median:.2f}x / {p99:.2f}x",
            ]
        )
        if p99 > TARGET_P99_RATIO:
            missed.append(f"burst over {count:,} servers: p99 {p99:.2f}x the no-op's > {TARGET_P99_RATIO}x")
    if len(per_server) >= 2:
        middle, most = sorted(per_server)[-2:]
        growth = per_server[most] / per_server[middle]
        if growth > TARGET_MEMORY_PER_SERVER_GROWTH:
            missed.append(
                f"memory per server: {per_server[most]:.0f} KB at {most:,} servers, "
                f"{growth:.2f}x the {per_server[middle]:.0f} KB at {middle:,} > {TARGET_MEMORY_PER_SERVER_GROWTH}x"
            )
    return rows, missed


def table(headers: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join(" --- " for _ in headers) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def timing_rows(results: dict[str, Timing]) -> list[list[str]]:
    rows = []
    for name, timed in results.items():
        if timed.floor is None:  # a figure alone (the cold look-up's parts): no floor to compare with
            rows.append([name, f"{timed.median_ms:.2f}", f"{timed.p99_ms:.2f}", "-", "-", "-", "-", "-", "-"])
            continue
        floor = timed.floor
        median, p99 = timed.ratios()
        rows.append(
            [
                name,
                f"{timed.median_ms:.2f}",
                f"{timed.p99_ms:.2f}",
                f"{floor.median_ms:.2f}",
                f"{floor.p99_ms:.2f}",
                f"{timed.requests:.1f}",
                f"{median:.2f}x",
                f"{p99:.2f}x",
                f"{median / timed.allowance():.2f}x",
            ]
        )
    return rows


def club_size(dramas: int, votes: int, tmdb: int | None = None) -> str:
    size = f"{dramas:,} drama{'s' if dramas != 1 else ''}, {votes:,} votes"
    return size if tmdb is None else f"{size}, TMDB on with {tmdb:,} TMDB dramas stored"


def missed_command_targets(by_size: dict[tuple[int, int, int | None], dict[str, Timing]]) -> list[str]:
    """Every command's (and the autocompletes') ratios, held to the targets at every size."""
    missed = []
    for (dramas, votes, tmdb), results in by_size.items():
        for name, timed in results.items():
            if name == COLD_OWN and timed.median_ms > TARGET_COLD_OWN_MS:
                missed.append(f"{name}: median {timed.median_ms:.2f} ms > {TARGET_COLD_OWN_MS:g} ms")
            if timed.floor is None or name == COLD:
                continue
            median, p99 = timed.ratios()
            allowed = timed.allowance()
            where = f"{name} at {club_size(dramas, votes, tmdb)}"
            per = f" ({timed.requests:.1f} requests)" if allowed > 1 else ""
            if median > TARGET_MEDIAN_RATIO * allowed:
                missed.append(f"{where}: median {median:.2f}x > {TARGET_MEDIAN_RATIO * allowed:.2f}x{per}")
            if p99 > TARGET_P99_RATIO * allowed:
                missed.append(f"{where}: p99 {p99:.2f}x > {TARGET_P99_RATIO * allowed:.2f}x{per}")
    return missed


def seconds(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} s (median of {len(values)}; {min(values):.2f} to {max(values):.2f})"


def mb(kib: int) -> str:
    return f"{kib * 1024 / 10**6:.0f} MB"


async def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="tiny sizes, a few runs: a smoke test in seconds")
    parser.add_argument("--one", nargs=4, metavar=("DRAMAS", "VOTES", "RUNS", "WORKDIR"), help=argparse.SUPPRESS)
    parser.add_argument("--tmdb", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    fine_grained_settling()
    logging.getLogger("discord").setLevel(logging.ERROR)
    if args.one:  # one configuration, in this process: run by command_timings_alone
        dramas, votes, runs, workdir = args.one
        results, per_drama = await command_timings(int(dramas), int(votes), int(runs), Path(workdir), args.tmdb)
        print(json.dumps({"timings": {name: t.flat() for name, t in results.items()}, "requests_per_drama": per_drama}))
        return 0
    plan = QUICK if args.quick else FULL
    print(f"# Drama Club benchmarks{' (quick)' if args.quick else ''}\n")
    print(
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"discord.py {discord.__version__}, simcord {simcord.__version__}, SQLite {sqlite3.sqlite_version}. "
        f"{plan.runs} runs per figure.\n"
    )
    failures: list[str] = []
    with tempfile.TemporaryDirectory(prefix="drama-bench-") as folder:
        workdir = Path(folder)
        headers = [
            "command",
            "median ms",
            "p99 ms",
            "floor median ms",
            "floor p99 ms",
            "requests",
            "median / floor",
            "p99 / floor",
            "median / floor per request",
        ]
        largest = plan.catalog_sizes[-1]
        configs: list[tuple[int, int, int | None]] = [(size, 0, None) for size in plan.catalog_sizes]
        configs += [(largest, v, None) for v in plan.vote_sizes[1:]] + [(largest, 0, t) for t in plan.tmdb_sizes]
        by_size: dict[tuple[int, int, int | None], dict[str, Timing]] = {}
        for dramas, votes, tmdb in configs:
            results, per_drama = await command_timings_alone(dramas, votes, plan.runs, workdir, tmdb)
            by_size[(dramas, votes, tmdb)] = results
            print(f"## {club_size(dramas, votes, tmdb)}\n\n{table(headers, timing_rows(results))}\n")
            if per_drama is not None:
                print(f"Requests TMDB got per new drama: {per_drama:.2f} (at most 2).\n")
                if per_drama > 2:
                    failures.append(f"TMDB requests per new drama: {per_drama:.2f} > 2")
        failures += missed_command_targets(by_size)

        empty, club = await start_ups(plan, workdir)
        empty_memory = await probe("memory", 0, 0, workdir, 0)
        club_memory = await probe("memory", plan.memory_dramas, plan.memory_votes, workdir, 0)
        no_servers = await serving(0, 0, workdir)
        by_count = {count: await serving(count, plan.burst, workdir) for count in plan.server_counts}
    startup_label = f"{plan.startup_dramas:,} dramas, {plan.startup_reminders:,} pending reminders"
    memory_label = f"{plan.memory_dramas:,} dramas, {plan.memory_votes:,} votes"
    extra = statistics.median(club) - statistics.median(empty)
    startup_ratio = statistics.median(club) / statistics.median(empty)
    ratio = club_memory.peak_kib / empty_memory.peak_kib
    memory = [mb(empty_memory.peak_kib), mb(club_memory.peak_kib), f"{ratio:.2f}x"]
    print("## Start-up and memory (each start on a new database)\n")
    print(
        table(
            ["figure", "empty bot", "club", "club against empty"],
            [
                [
                    f"process start to ready ({startup_label})",
                    seconds(empty),
                    seconds(club),
                    f"{startup_ratio:.2f}x (+{extra:.2f} s)",
                ],
                [f"peak resident memory ({memory_label})", *memory],
            ],
        )
        + "\n"
    )
    if startup_ratio > TARGET_STARTUP_RATIO:
        failures.append(f"start-up: {startup_ratio:.2f}x the empty bot's > {TARGET_STARTUP_RATIO}x")
    if ratio > TARGET_MEMORY_RATIO:
        failures.append(f"peak memory: {ratio:.2f}x the empty bot's > {TARGET_MEMORY_RATIO}x")

    rows, missed = servers_rows(no_servers, by_count)
    failures += missed
    print(f"## Servers (each with its channels, {servers_module.MEMBERS} members, a follow and a plan)\n")
    print(
        f"Against the empty bot (no server: {no_servers.ready_s:.2f} s to ready, {mb(no_servers.peak_kib)}). "
        f"A burst of {plan.burst} commands (/drama, /ratings top) spread over the servers, each after a no-op "
        "in the same server; first-reply times in ms, median / p99.\n"
    )
    print(
        table(
            [
                "servers",
                "start to ready",
                "peak memory",
                "per added server",
                "burst ms",
                "no-op ms",
                "burst / no-op",
            ],
            rows,
        )
        + "\n"
    )

    print("## Targets\n")
    if args.quick:
        print("Quick mode checks that the benchmarks run; targets apply to the full sizes only.")
    else:
        print("All targets met." if not failures else "Missed:\n" + "\n".join(f"- {f}" for f in failures))
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
