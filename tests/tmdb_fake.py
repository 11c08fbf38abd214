"""A TMDB stand-in on loopback: hand-written answers in TMDB's shapes about invented dramas.

Every drama, person and title here is made up for the tests ("Fixture" is in every English title,
so nobody mistakes one for a real drama) and none of it ships in ``data/``. The server records
each request, and a test can make it fail the way TMDB does (status codes, ``Retry-After``, a
slow or malformed answer) or date new episodes between two days.
"""

from __future__ import annotations

import asyncio
import copy
import json
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from aiohttp import web

from bot.folding import fold

TOKEN = "fixture-read-access-token"


def _episodes(show_id: int, season: int, dates: list[str | None], runtime: int | None) -> list[dict[str, Any]]:
    return [
        {
            "id": show_id * 1000 + season * 100 + number,
            "show_id": show_id,
            "season_number": season,
            "episode_number": number,
            "name": f"Episode {number}",
            "air_date": day,
            "runtime": runtime,
            "overview": "",
            "episode_type": "standard",
        }
        for number, day in enumerate(dates, start=1)
    ]


def _weekly(first: date, count: int, days: tuple[int, ...] = (0, 1)) -> list[str | None]:
    """``count`` air dates from ``first``: on ``first`` and the day after, every week."""
    out: list[str | None] = []
    week = first
    while len(out) < count:
        for offset in days:
            if len(out) < count:
                out.append((week + timedelta(days=offset)).isoformat())
        week += timedelta(days=7)
    return out


def _service(provider_id: int, name: str, priority: int) -> dict[str, Any]:
    return {"provider_id": provider_id, "provider_name": name, "display_priority": priority, "logo_path": "/fx.jpg"}


def _cast(*people: tuple[int, str, str, int]) -> list[dict[str, Any]]:
    return [
        {
            "id": person_id,
            "name": name,
            "original_name": name,
            "known_for_department": "Acting",
            "roles": [{"credit_id": f"c{person_id}", "character": character, "episode_count": episodes}],
            "total_episode_count": episodes,
            "order": order,
        }
        for order, (person_id, name, character, episodes) in enumerate(people)
    ]


def _show(
    show_id: int,
    name: str,
    original: str,
    *,
    language: str = "ko",
    country: str = "KR",
    seasons: dict[int, list[dict[str, Any]]],
    status: str = "Ended",
    cast: list[dict[str, Any]] | None = None,
    alternative: tuple[str, ...] = (),
    providers: dict[str, Any] | None = None,
    poster: str | None = None,
    run_time: list[int] | None = None,
    network: str = "Fixture Broadcasting",
    today: date,
) -> dict[str, Any]:
    regular = [e for n, eps in seasons.items() if n > 0 for e in eps]
    dated = [e["air_date"] for e in regular if e["air_date"]]
    upcoming = next((e for e in regular if e["air_date"] and e["air_date"] >= today.isoformat()), None)
    return {
        "id": show_id,
        "name": name,
        "original_name": original,
        "original_language": language,
        "origin_country": [country],
        "overview": f"{name} is an invented drama that exists only in the bot's tests.",
        "first_air_date": dated[0] if dated else "",
        "last_air_date": dated[-1] if dated else "",
        "status": status,
        "in_production": status != "Ended",
        "poster_path": poster,
        "episode_run_time": run_time or [],
        "number_of_episodes": len(regular),
        "number_of_seasons": len([n for n in seasons if n > 0]),
        "networks": [{"id": 1, "name": network, "logo_path": None, "origin_country": country}],
        "genres": [{"id": 18, "name": "Drama"}, {"id": 10749, "name": "Romance"}],
        "popularity": 10.0,
        "next_episode_to_air": upcoming,
        "seasons": [
            {
                "id": show_id * 10 + n,
                "season_number": n,
                "name": "Specials" if n == 0 else f"Season {n}",
                "episode_count": len(eps),
                "air_date": eps[0]["air_date"] if eps else None,
            }
            for n, eps in seasons.items()
        ],
        "_season_episodes": seasons,
        "_cast": cast or [],
        "_alternative": alternative,
        "_providers": providers or {},
    }


def invented(show_id: int) -> dict[str, Any]:
    """One more invented drama, numbered: the benchmarks' stored and newly looked-up dramas."""
    show = copy.deepcopy(dramas()[900001])
    show["id"] = show_id
    show["name"] = f"Fixture Bench Drama {show_id}"
    show["original_name"] = f"픽스처 벤치 {show_id}"
    show["_alternative"] = ()
    return show


def dramas(today: date | None = None) -> dict[int, dict[str, Any]]:
    """The invented dramas, by TMDB id; one airs now: it began 12 days before ``today``."""
    today = today or datetime.now(UTC).date()
    lanterns = _show(
        900001,
        "Lanterns of Fixture Street",
        "픽스처 거리의 등불",
        today=today,
        seasons={1: _episodes(900001, 1, _weekly(date(2024, 3, 6), 16), 70)},
        cast=_cast(
            (800001, "Fixture Actor Han", "Seo Ji-an", 16),
            (800002, "Fixture Actress Yoon", "Baek Mi-rae", 16),
            (800003, "Fixture Actor Choi", "Detective Moon", 8),
        ),
        alternative=("Pikseucheo Georiui Deungbul", "Fixture Street Lanterns"),
        poster="/fixture-lanterns.jpg",
        run_time=[70],
    )
    remake = _show(
        900002,
        "Lanterns of Fixture Street",
        "定格街灯笼",
        today=today,
        language="zh",
        country="CN",
        seasons={1: _episodes(900002, 1, _weekly(date(2026, 1, 5), 30, (0, 1, 2)), 45)},
        cast=_cast((800004, "Fixture Actor Lin", "Lin Shu", 30)),
        poster="/fixture-remake.jpg",
    )
    airing_dates = [*_weekly(today - timedelta(days=12), 12), None, None, None, None]
    airing = _show(
        900003,
        "Fixture Hearts on Air",
        "방송 중인 픽스처",
        today=today,
        seasons={1: _episodes(900003, 1, airing_dates, None)},
        status="Returning Series",
        cast=_cast((800001, "Fixture Actor Han", "Kang Do-yun", 16), (800005, "Fixture Actress Seo", "Lee Ha-na", 16)),
        poster="/fixture-airing.jpg",
    )
    seasons = _show(
        900004,
        "Fixture Courtroom",
        "픽스처 법정",
        today=today,
        seasons={
            0: _episodes(900004, 0, ["2023-12-25"], 60),
            1: _episodes(900004, 1, _weekly(date(2023, 1, 2), 4), 60),
            2: _episodes(900004, 2, _weekly(date(2025, 1, 6), 4), 60),
        },
        cast=_cast((800006, "Fixture Actor Jang", "Judge Park", 8)),
        providers={
            "KR": {
                "link": "https://www.themoviedb.org/tv/900004/watch?locale=KR",
                "flatrate": [_service(9001, "Fixture Stream", 2), _service(9002, "Fixture Plus", 1)],
                "buy": [_service(9003, "Fixture Store", 5), _service(9001, "Fixture Stream", 2)],
            },
            "US": {
                "link": "https://www.themoviedb.org/tv/900004/watch?locale=US",
                "ads": [_service(9004, "Fixture Free TV", 3)],
                "rent": [_service(9003, "Fixture Store", 5)],
            },
            "JP": {
                "link": "https://www.themoviedb.org/tv/900004/watch?locale=JP",
                "rent": [_service(9003, "Fixture Store", 5)],
            },
        },
        run_time=[60],
    )
    partial = _show(
        900005,
        "Fixture Without Dates",
        "날짜 없는 픽스처",
        today=today,
        seasons={1: _episodes(900005, 1, [None] * 10, None)},
        status="In Production",
    )
    return {show["id"]: show for show in (lanterns, remake, airing, seasons, partial)}


PEOPLE = {
    800001: "Fixture Actor Han",
    800002: "Fixture Actress Yoon",
    800003: "Fixture Actor Choi",
    800004: "Fixture Actor Lin",
    800005: "Fixture Actress Seo",
    800006: "Fixture Actor Jang",
}


@dataclass
class Request:
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    url: str
    seconds: float = 0.0  # the server's own time on it: from the request read to the answer made


@dataclass
class FakeTmdb:
    """The server's state: its dramas, the requests it got, and how it should fail."""

    shows: dict[int, dict[str, Any]] = field(default_factory=dramas)
    requests: list[Request] = field(default_factory=list)
    status: int | None = None  # answer every request with this status instead...
    fail_times: int | None = None  # ...this many times (None: every time)
    retry_after: str | None = None
    fail_on: str | None = None  # answer 503 to requests whose URL holds this
    delay: float = 0.0  # seconds before answering
    malformed: bool = False
    port: int = 0
    invent: bool = False  # serve an invented drama at any id TMDB's test data lacks
    in_flight: int = 0
    most_in_flight: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def paths(self) -> list[str]:
        return [r.path for r in self.requests]

    # -- TMDB's answers ----------------------------------------------------------------------

    def _public(self, show: dict[str, Any]) -> dict[str, Any]:
        return {k: copy.deepcopy(v) for k, v in show.items() if not k.startswith("_")}

    def _summary(self, show: dict[str, Any]) -> dict[str, Any]:
        keys = ("id", "name", "original_name", "original_language", "origin_country", "first_air_date")
        return {**{k: show[k] for k in keys}, "overview": show["overview"], "poster_path": show["poster_path"]}

    def _matches(self, query: str, show: dict[str, Any]) -> bool:
        wanted = fold(query)
        names = [show["name"], show["original_name"], *show["_alternative"]]
        return bool(wanted) and any(wanted in fold(name) for name in names)

    def season(self, show: dict[str, Any], number: int) -> dict[str, Any] | None:
        episodes = show["_season_episodes"].get(number)
        if episodes is None:
            return None
        return {
            "_id": f"s{show['id']}-{number}",
            "id": show["id"] * 10 + number,
            "season_number": number,
            "name": f"Season {number}",
            "air_date": episodes[0]["air_date"] if episodes else None,
            "episodes": copy.deepcopy(episodes),
        }

    def details(self, show: dict[str, Any], append: list[str]) -> dict[str, Any]:
        answer = self._public(show)
        for name in append:
            if name == "aggregate_credits":
                answer[name] = {"id": show["id"], "cast": copy.deepcopy(show["_cast"]), "crew": []}
            elif name == "alternative_titles":
                titles = [{"iso_3166_1": "KR", "title": t, "type": ""} for t in show["_alternative"]]
                answer[name] = {"id": show["id"], "results": titles}
            elif name == "watch/providers":
                answer[name] = {"id": show["id"], "results": copy.deepcopy(show["_providers"])}
            elif name.startswith("season/"):
                season = self.season(show, int(name.split("/")[1]))
                if season is not None:
                    answer[name] = season
        return answer

    def credits(self, person_id: int) -> dict[str, Any]:
        cast = []
        for show in self.shows.values():
            for person in show["_cast"]:
                if person["id"] == person_id:
                    character = person["roles"][0]["character"]
                    entry = {**self._summary(show), "character": character, "credit_id": f"x{show['id']}"}
                    cast.append({**entry, "episode_count": person["total_episode_count"]})
        return {"id": person_id, "cast": cast, "crew": []}

    def date_episode(self, show_id: int, number: int, day: date) -> None:
        """TMDB learns an air date (of season 1's episode ``number``)."""
        show = self.shows[show_id]
        show["_season_episodes"][1][number - 1]["air_date"] = day.isoformat()

    def end_at(self, show_id: int, number: int) -> None:
        """TMDB marks season 1's episode ``number`` the finale and lists no episode after it."""
        show = self.shows[show_id]
        episodes = show["_season_episodes"][1][:number]
        episodes[-1]["episode_type"] = "finale"
        show["_season_episodes"][1] = episodes

    # -- the server --------------------------------------------------------------------------

    async def handle(self, request: web.Request) -> web.Response:
        started = time.perf_counter()
        record = Request(request.path, dict(request.query), dict(request.headers), str(request.url))
        self.requests.append(record)
        answer = await self._answer(request)
        record.seconds = time.perf_counter() - started
        return answer

    async def _answer(self, request: web.Request) -> web.Response:
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            if self.delay:  # in real seconds: simcord's clock is the bot's, not the network's
                await asyncio.get_running_loop().run_in_executor(None, time.sleep, self.delay)
        finally:
            self.in_flight -= 1
        if request.headers.get("Authorization") != f"Bearer {TOKEN}":
            return self._error(401, 7, "Invalid API key: You must be granted a valid key.")
        if self.status is not None and self.fail_times != 0:
            if self.fail_times is not None:
                self.fail_times -= 1
            headers = {"Retry-After": self.retry_after} if self.retry_after is not None else {}
            return self._error(self.status, 25, "Your request count is over the allowed limit.", headers)
        if self.fail_on is not None and self.fail_on in str(request.url):
            return self._error(503, 9, "Service unavailable.")
        if self.malformed:
            return web.Response(text="<html>upstream error</html>", content_type="text/html")
        answer = self.route(request.path, request.query)
        if answer is None:
            return self._error(404, 34, "The resource you requested could not be found.")
        return web.json_response(answer)

    def route(self, path: str, query: Any) -> dict[str, Any] | None:
        parts = path.strip("/").split("/")
        if parts[:2] == ["3", "search"] and len(parts) == 3:
            if parts[2] == "tv":
                year = query.get("first_air_date_year", "")
                found = [
                    self._summary(s)
                    for s in self.shows.values()
                    if self._matches(query["query"], s) and s["first_air_date"].startswith(year)
                ]
                return {"page": 1, "results": found, "total_pages": 1, "total_results": len(found)}
            if parts[2] == "person":
                found = [
                    {"id": i, "name": n, "known_for_department": "Acting", "original_name": n}
                    for i, n in PEOPLE.items()
                    if fold(query["query"]) in fold(n)
                ]
                return {"page": 1, "results": found, "total_pages": 1, "total_results": len(found)}
        if parts[:2] == ["3", "tv"] and len(parts) == 3 and parts[2].isdigit():
            show = self.shows.get(int(parts[2]))
            if show is None and self.invent:
                show = invented(int(parts[2]))
            append = [a for a in query.get("append_to_response", "").split(",") if a]
            return None if show is None else self.details(show, append)
        if parts[:2] == ["3", "person"] and len(parts) == 4 and parts[3] == "tv_credits":
            return self.credits(int(parts[2])) if int(parts[2]) in PEOPLE else None
        return None

    @staticmethod
    def _error(status: int, code: int, message: str, headers: dict[str, str] | None = None) -> web.Response:
        body = json.dumps({"status_code": code, "status_message": message, "success": False})
        return web.Response(status=status, text=body, content_type="application/json", headers=headers)


async def start(fake: FakeTmdb) -> web.AppRunner:
    app = web.Application()
    app.router.add_get("/{tail:.*}", fake.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    fake.port = runner.addresses[0][1]
    return runner
