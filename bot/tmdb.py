"""TMDB's API, as the bot uses it: a few GET requests with the API Read Access Token.

The token is sent only as ``Authorization: Bearer ...`` and never appears in a URL or a log line.
Each request gets at most :data:`TIMEOUT` seconds and at most :data:`IN_FLIGHT` run at once; the
same request asked for twice while it runs is sent once and both callers get its answer. TMDB's
429 is honoured: a short ``Retry-After`` is waited out once, a long one fails the look-up, and
requests wait until it has passed. Every failure a member can meet is a :class:`TmdbUnavailable`
with words for them: TMDB being slow, down, rate-limiting or rejecting the token is expected.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol, TypeVar
from urllib.parse import urlsplit

import aiohttp

from bot.errors import UserError

T = TypeVar("T")

log = logging.getLogger(__name__)

TIMEOUT = 5.0  # seconds a request may take
IN_FLIGHT = 4  # requests running at once
MAX_WAIT = 5.0  # the longest Retry-After waited out before a look-up fails
MAX_APPENDED = 20  # names append_to_response takes at once
TOKEN_RETRY = timedelta(hours=1)  # after a 401, how long until one request asks again

STILL_WORKS = "The dramas in the club's catalog still work."


class TmdbUnavailable(UserError):
    """TMDB cannot answer now: the message says so in plain words. Not a bug."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason  # "down", "slow", "busy", "token" or "answer"


def _down() -> TmdbUnavailable:
    return TmdbUnavailable("down", f"TMDB isn't answering right now, so I can't look that up. {STILL_WORKS}")


def _slow() -> TmdbUnavailable:
    return TmdbUnavailable("slow", f"TMDB is too slow to answer right now; try again in a minute. {STILL_WORKS}")


def _busy() -> TmdbUnavailable:
    return TmdbUnavailable("busy", f"TMDB asked the bot to slow down; try again in a minute. {STILL_WORKS}")


def _token() -> TmdbUnavailable:
    return TmdbUnavailable(
        "token",
        "TMDB look-ups are unavailable: TMDB rejects the bot's token (ask the bot's owner to check `TMDB_TOKEN`). "
        + STILL_WORKS,
    )


def _answer() -> TmdbUnavailable:
    return TmdbUnavailable("answer", f"TMDB sent an answer I can't read; try again later. {STILL_WORKS}")


async def shared(running: dict[Any, asyncio.Task[Any]], key: object, make: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """``make()``'s result, run once for every caller asking with ``key`` while it runs. A caller
    that gives up (autocomplete's deadline) leaves it running for the others."""
    task: asyncio.Task[T] | None = running.get(key)
    if task is None:
        task = asyncio.create_task(make())
        running[key] = task
        task.add_done_callback(lambda _: running.pop(key, None))
    return await asyncio.shield(task)


class TmdbNotFound(Exception):
    """TMDB has nothing at that id (404)."""


Answer = tuple[int, float, Any]  # HTTP status, Retry-After in seconds, the JSON body (None when not read)


class Transport(Protocol):
    """Where TMDB's HTTP requests run. A request that fails raises :class:`TmdbUnavailable`."""

    async def get(self, url: str, query: Mapping[str, str], headers: Mapping[str, str]) -> Answer: ...

    async def close(self) -> None: ...


class SessionTransport:
    """Requests on the running event loop through one aiohttp session, made at the first request.

    Keep-alive saves a TLS handshake per look-up; simcord waits out a kept connection's idle timer
    after each command, so tests turn it off.
    """

    def __init__(self, *, keep_alive: bool = True) -> None:
        self.keep_alive = keep_alive
        self._session: aiohttp.ClientSession | None = None

    async def get(self, url: str, query: Mapping[str, str], headers: Mapping[str, str]) -> Answer:
        if self._session is None:
            self._session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(force_close=not self.keep_alive))
        path = urlsplit(url).path
        try:
            async with self._session.get(
                url, params=query, headers=headers, timeout=aiohttp.ClientTimeout(total=TIMEOUT)
            ) as response:
                if response.status == 429:
                    return 429, _seconds(response.headers.get("Retry-After")), None
                if response.status != 200:
                    return response.status, 0.0, None
                try:
                    return 200, 0.0, await response.json(content_type=None)
                except ValueError:
                    return 200, 0.0, None  # not JSON: refused by TmdbClient
        except TimeoutError:
            log.warning("TMDB did not answer %s within %.0f seconds", path, TIMEOUT)
            raise _slow() from None
        except aiohttp.ClientError as error:
            log.warning("TMDB could not be reached for %s: %s", path, type(error).__name__)
            raise _down() from None

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()


class TmdbClient:
    """GET requests to TMDB's API v3 through a :class:`Transport`, which the caller owns."""

    def __init__(
        self,
        transport: Transport,
        token: str,
        base_url: str,
        language: str,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._transport = transport
        self._clock = clock
        self._headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        self._base_url = base_url.rstrip("/")
        self.language = language
        self._slots = asyncio.Semaphore(IN_FLIGHT)
        self._running: dict[Any, asyncio.Task[Any]] = {}
        self._resume_at = 0.0  # loop time before which TMDB asked not to be called
        self._rejected_until: datetime | None = None  # after a 401: when one request may ask again
        self.requests_sent = 0

    @property
    def token_rejected(self) -> bool:
        return self._rejected_until is not None

    # -- the requests the bot makes ---------------------------------------------------------

    async def search_tv(self, query: str, year: int | None = None) -> list[dict[str, Any]]:
        params = {"query": query, "include_adult": "false", "page": "1"}
        if year is not None:
            params["first_air_date_year"] = str(year)
        answer = await self.get("/3/search/tv", params)
        return objects(answer.get("results"))

    async def tv(self, tv_id: int, append: Sequence[str]) -> dict[str, Any]:
        """A show's details, with each name in ``append`` (``aggregate_credits``, ``season/1``) added."""
        params = {"append_to_response": ",".join(append[:MAX_APPENDED])} if append else {}
        return await self.get(f"/3/tv/{int(tv_id)}", params)

    async def search_person(self, query: str) -> list[dict[str, Any]]:
        answer = await self.get("/3/search/person", {"query": query, "include_adult": "false", "page": "1"})
        return objects(answer.get("results"))

    async def person_tv_credits(self, person_id: int) -> dict[str, Any]:
        return await self.get(f"/3/person/{int(person_id)}/tv_credits", {})

    # -- the machinery ----------------------------------------------------------------------

    async def get(self, path: str, params: Mapping[str, str]) -> dict[str, Any]:
        """One GET, shared with any caller asking the same thing at the same time."""
        query = {**params, "language": self.language}
        return await shared(self._running, (path, tuple(sorted(query.items()))), lambda: self._send(path, query))

    async def _send(self, path: str, query: dict[str, str]) -> dict[str, Any]:
        for attempt in range(2):
            if self._rejected_until is not None:
                if self._clock() < self._rejected_until:
                    raise _token()
                self._rejected_until = self._clock() + TOKEN_RETRY  # this request asks; the others wait
            wait = self._resume_at - asyncio.get_running_loop().time()
            if wait > MAX_WAIT:
                raise _busy()
            if wait > 0:
                await asyncio.sleep(wait)
            async with self._slots:
                status, retry_after, body = await self._fetch(path, query)
            if status == 429:
                self._resume_at = asyncio.get_running_loop().time() + retry_after
                if attempt == 0 and retry_after <= MAX_WAIT:
                    continue
                raise _busy()
            return self._read(path, status, body)
        raise _busy()

    async def _fetch(self, path: str, query: dict[str, str]) -> Answer:
        self.requests_sent += 1
        return await self._transport.get(self._base_url + path, query, self._headers)

    def _read(self, path: str, status: int, body: Any) -> dict[str, Any]:
        if status == 401:
            if self._rejected_until is None:
                log.error("TMDB rejected TMDB_TOKEN (401): look-ups pause, and the bot asks again once an hour")
            self._rejected_until = self._clock() + TOKEN_RETRY
            raise _token()
        if self._rejected_until is not None:
            log.warning("TMDB accepts TMDB_TOKEN again: look-ups resume")
            self._rejected_until = None
        if status == 404:
            raise TmdbNotFound(path)
        if status != 200:
            log.warning("TMDB answered %s with status %s", path, status)
            raise _down()
        if not isinstance(body, dict):
            log.warning("TMDB's answer to %s is not a JSON object", path)
            raise _answer()
        return body


def _seconds(value: str | None) -> float:
    """``Retry-After`` in seconds (TMDB sends a number); one second when it is missing or odd."""
    try:
        return max(0.0, float(value)) if value is not None else 1.0
    except ValueError:
        return 1.0


def objects(value: object) -> list[dict[str, Any]]:
    """The JSON objects in a list TMDB sent; anything else (null, a missing key, odd items) is left out."""
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []
