"""``kdrama-bot try --web``: the simulated server as a Discord-like page in a browser.

The page is simcord's Preview: a loopback web page where the real bot's callbacks run. It shows
#general to a member or an admin (the "Viewing as" menu switches), with a composer for the slash
commands. The page has no clock of its own, so the simulated server gets one more command,
``/clock``, which only exists here: it moves the simulated time on, so that reminders,
announcements and a poll's end can be seen.
"""

from __future__ import annotations

import asyncio
import contextvars
import webbrowser
from datetime import timedelta
from typing import Any, TextIO

import discord
from discord import app_commands

from trial.sandbox import Sandbox, TryError, relative

MEMBER = "you"
ADMIN = "admin"
STEPS = {"hour": timedelta(hours=1), "day": timedelta(days=1), "week": timedelta(weeks=1)}
# The page follows an action with requests of its own (its new layout), and a request that comes
# while the clock moves is refused and leaves the page unsure of its state: the clock waits for them.
PAGE_SETTLES = 1.0  # seconds
OVERLAP_RETRY = 0.05  # seconds between tries to move the clock while the page's action finishes
OVERLAP_TRIES = 600  # 30 seconds of them


class WebTrial:
    """The Preview of one sandbox, and the clock its page asks to move."""

    def __init__(self, sandbox: Sandbox, out: TextIO) -> None:
        self.sandbox = sandbox
        self.out = out
        self.preview: Any = None
        self.ready = asyncio.Event()  # set once the page is served
        self._moves: asyncio.Queue[timedelta] = asyncio.Queue()

    async def start(self, *, member: str = MEMBER) -> None:
        """Start the sandbox with the page's two viewers, a member and an admin, and /clock."""
        if member != MEMBER:
            raise TryError(f"--as does not apply to --web: the page's viewers are {MEMBER!r} and {ADMIN!r}.")
        await self.sandbox.start(member=MEMBER, also_admin=ADMIN, commands=[self.clock_command()])

    def clock_command(self) -> app_commands.Command[Any, Any, Any]:
        @app_commands.command(name="clock", description="Simulated server only: move the clock on")
        @app_commands.describe(ahead="How far to move the simulated clock")
        @app_commands.choices(
            ahead=[
                app_commands.Choice(name="an hour", value="hour"),
                app_commands.Choice(name="a day", value="day"),
                app_commands.Choice(name="a week", value="week"),
                app_commands.Choice(name="to the next reminder, announcement or poll end", value="next"),
            ]
        )
        async def clock(interaction: discord.Interaction[Any], ahead: app_commands.Choice[str]) -> None:
            now = discord.utils.utcnow()
            if ahead.value == "next":
                found = await self.sandbox.next_due()
                if found is None:
                    await interaction.response.send_message(
                        "Nothing is due: no reminder, announcement or poll is waiting. Move the clock a day instead.",
                        ephemeral=True,
                    )
                    return
                at, what = found
                step = max(timedelta(seconds=1), at - now + timedelta(minutes=1))
                told = f"to {what}, {relative(at - now)}"
            else:
                step, told = STEPS[ahead.value], ahead.name
            await interaction.response.send_message(
                f"⏩ The simulated clock moves on {told}: it will be {discord.utils.format_dt(now + step, 'F')}. "
                "New posts appear in the channel.",
                ephemeral=True,
            )
            self._moves.put_nowait(step)

        return clock

    async def serve(self, *, port: int = 0, open_browser: bool = True) -> None:
        """Show the page until it is closed (its "End preview session") or the task is cancelled."""
        sandbox = self.sandbox
        viewers = [sandbox.members[MEMBER], sandbox.members[ADMIN]]
        self.preview = sandbox.env.preview(
            sandbox.channel,
            viewers=viewers,
            layout="channel",
            timezone=sandbox.settings.default_timezone,
            port=port,
        )
        async with self.preview:
            self.say(f"Drama Club on a simulated server, as a web page: {self.preview.url}")
            self.say(
                f"You are {MEMBER!r}, a member; switch to {ADMIN!r}, an admin, in the page's “Viewing as” menu. "
                "Move the simulated clock with /clock. Press Ctrl+C here to stop."
            )
            self.ready.set()
            if open_browser:
                open_page(self.preview.url)
            mover = asyncio.create_task(self._move_clock())
            try:
                await self.preview.wait_closed()
            finally:
                mover.cancel()

    async def _move_clock(self) -> None:
        while True:
            step = await self._moves.get()
            await self.advance(step)

    async def advance(self, step: timedelta) -> None:
        """Move the simulated clock once the page's action that asked for it has finished."""
        import simcord

        await asyncio.sleep(PAGE_SETTLES)
        for _ in range(OVERLAP_TRIES):
            try:
                await self.sandbox.env.advance_time(step.total_seconds())
                break
            except simcord.SetupError as overlapping:  # the /clock action is still being settled
                refused = overlapping
                await asyncio.sleep(OVERLAP_RETRY)
        else:
            self.say(f"The simulated clock could not move: {refused}")
        await self.preview.refresh()

    def say(self, text: str) -> None:
        print(text, file=self.out, flush=True)


def open_page(url: str) -> None:
    """Open the page where this machine has a browser; elsewhere, the printed address is enough."""
    try:
        browser = webbrowser.get()
    except webbrowser.Error:
        return
    # From an empty context: the browser is no work of the simulated bot's.
    contextvars.Context().run(browser.open, url)
