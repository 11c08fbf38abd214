"""TMDB's requests in ``try``, on a thread with its own event loop and the real clock.

simcord holds the simulated server's clock still while a command runs and moves it only when asked,
so a request's time limit kept on that clock would never expire. The network is not simulated:
its time limits are kept on a real clock, where a slow TMDB makes them expire.
"""

from __future__ import annotations

import asyncio
import contextvars
import threading
from collections.abc import Coroutine, Mapping
from typing import Any, TypeVar

from bot.tmdb import Answer, SessionTransport

T = TypeVar("T")


class RealClockTransport:
    """A :class:`bot.tmdb.SessionTransport` running on a thread of its own."""

    def __init__(self) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="tmdb-network", daemon=True)
        self._thread.start()
        self._inner = SessionTransport(keep_alive=False)

    async def _on_thread(self, coroutine: Coroutine[Any, Any, T]) -> T:
        # Handed over from an empty context, so that nothing of simcord's follows it to the thread.
        future = contextvars.Context().run(asyncio.run_coroutine_threadsafe, coroutine, self._loop)
        return await asyncio.wrap_future(future)

    async def get(self, url: str, query: Mapping[str, str], headers: Mapping[str, str]) -> Answer:
        return await self._on_thread(self._inner.get(url, query, headers))

    async def close(self) -> None:
        if self._loop.is_closed():
            return
        await self._on_thread(self._inner.close())
        self._loop.call_soon_threadsafe(self._loop.stop)
        await asyncio.to_thread(self._thread.join)
        self._loop.close()
