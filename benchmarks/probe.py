"""A bot started in its own process for the start-up and memory figures (run by the benchmarks).

``python -m benchmarks.probe startup|memory DATABASE CATALOG_DIR``: prints ``READY`` when the bot
is ready to answer (discord.py's ``on_ready``: the catalog is loaded, the commands are registered
and the gateway is connected), then ``LOOKED`` when the reminder loop has had its first look at the
pending parties, then (memory) runs a few commands, then ``maxrss_kib=...``.
"""

from __future__ import annotations

import asyncio
import resource
import sys
from pathlib import Path

import simcord

from benchmarks.__main__ import fine_grained_settling
from benchmarks.world import GUILD_ID
from bot.client import DramaClub, create_bot
from bot.parties import PartyStore
from bot.settings import Settings
from bot.storage import Storage


def report_ready(bot: DramaClub) -> None:
    """Print ``READY`` when the bot can answer, and ``LOOKED`` when the reminder loop has looked
    at every pending party and knows when the next notice is due (the loop asks that just before
    it goes to sleep), from inside the bot, as they happen: simcord's start returns only once all
    the bot's work is done."""

    async def on_ready() -> None:
        print("READY", flush=True)

    bot.add_listener(on_ready)
    asked = PartyStore.next_notice_at

    async def next_notice_at(self: PartyStore) -> object:
        at = await asked(self)
        PartyStore.next_notice_at = asked  # type: ignore[method-assign]
        print("LOOKED", flush=True)
        return at

    PartyStore.next_notice_at = next_notice_at  # type: ignore[method-assign]


async def main(kind: str, database: Path, catalog: Path) -> None:
    fine_grained_settling()
    async with Storage.open(database) as storage:
        bot = create_bot(Settings(database_path=database, catalog_dir=catalog), storage)
        report_ready(bot)
        env = simcord.Env(bot, settle_timeout=300)
        await env.start()
        try:
            if kind == "memory":
                await run_commands(env)
        finally:
            await env.shutdown()
            await bot.close()
    print(f"maxrss_kib={peak_rss_kib()}", flush=True)


async def run_commands(env: simcord.Env) -> None:
    """What a club does first: its leaderboard, a drama's ratings and card, a title typed."""
    guild = env.create_guild(name="Bench club", id=GUILD_ID)
    channel = guild.create_text_channel("general")
    member = guild.add_member(env.create_user("member"))
    await member.slash(channel, "ratings top")
    await member.slash(channel, "ratings show", title="Soundtrack #1")
    await member.slash(channel, "drama", title="Soundtrack #1")
    await member.autocomplete(channel, "drama", "title", "moon")


def peak_rss_kib() -> int:
    """This process's peak resident memory. On Linux VmHWM, which starts afresh at exec;
    ru_maxrss would still count the pages of the benchmark process this one was forked from."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])))
