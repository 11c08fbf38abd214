"""A bot started in its own process for the start-up and memory figures (run by the benchmarks).

``python -m benchmarks.probe startup|memory DATABASE CATALOG_DIR``: prints ``READY`` once the
catalog is loaded and the pending reminders are scheduled, then (memory) runs a few commands,
then ``maxrss_kib=...``.
"""

from __future__ import annotations

import asyncio
import resource
import sys
from pathlib import Path

import simcord

from benchmarks.__main__ import fine_grained_settling
from benchmarks.world import GUILD_ID
from bot.client import create_bot
from bot.settings import Settings


async def main(kind: str, database: Path, catalog: Path) -> None:
    fine_grained_settling()
    bot = create_bot(Settings(database_path=database, catalog_dir=catalog))
    # A restart does not sync unchanged commands (Discord remembers them); a new simulated
    # server does not, so it registers them itself.
    env = simcord.Env(bot, settle_timeout=300, strict_sync=False)
    await env.start()
    try:
        await env.settle()  # the reminder loop has looked at every pending party and gone to sleep
        print("READY", flush=True)
        if kind == "memory":
            guild = env.create_guild(name="Bench club", id=GUILD_ID)
            channel = guild.create_text_channel("general")
            member = guild.add_member(env.create_user("member"))
            await member.slash(channel, "ratings top")
            await member.slash(channel, "ratings show", title="Soundtrack #1")
            await member.slash(channel, "drama", title="Soundtrack #1")
            await member.autocomplete(channel, "drama", "title", "moon")
    finally:
        await env.shutdown()
        await bot.close()
    print(f"maxrss_kib={peak_rss_kib()}", flush=True)


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
