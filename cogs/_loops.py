"""A background loop that sleeps until its next piece of work is due, and can be woken sooner."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

import discord

from bot.client import DramaClub

log = logging.getLogger(__name__)

RETRY_AFTER = 60.0  # seconds before a failed pass is tried again


class DueLoop:
    """Runs ``work`` (which does what is due and returns when it is next needed, or None), then
    sleeps until then, ``idle`` seconds at most.

    :meth:`wake` makes it look again when new work is due before its next look. A sleeping loop is
    restarted, never one at work, so a piece of work it claimed is never abandoned half-done;
    plain ``asyncio.sleep`` keeps it on simcord's simulated clock in tests.
    """

    def __init__(
        self, bot: DramaClub, name: str, work: Callable[[], Awaitable[datetime | None]], *, idle: float
    ) -> None:
        self.bot = bot
        self.name = name
        self.work = work
        self.idle = idle
        self._task: asyncio.Task[None] | None = None
        self._wakes_at: datetime | None = None  # while it sleeps: when it looks again
        self._rerun = False

    def start(self) -> None:
        self._task = self.bot.spawn(self._run(), name=self.name)

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()

    async def _run(self) -> None:
        await self.bot.wait_until_ready()
        while True:
            try:
                next_at = await self.work()
            except Exception:
                log.exception("%s failed; trying again in a minute", self.name)
                delay = RETRY_AFTER
            else:
                delay = self.idle
                if next_at is not None:
                    delay = min(self.idle, max(0.0, (next_at - discord.utils.utcnow()).total_seconds()))
            if self._rerun:
                self._rerun = False
                continue
            self._wakes_at = discord.utils.utcnow() + timedelta(seconds=delay)
            try:
                await asyncio.sleep(delay)
            finally:
                self._wakes_at = None

    def wake(self, due: datetime) -> None:
        """New work is due at ``due``: look again now, unless the sleeping loop looks by then anyway."""
        if self._task is not None and self._wakes_at is not None:
            if due >= self._wakes_at:
                return
            self._task.cancel()
            self._wakes_at = None
            self.start()
        else:
            self._rerun = True
