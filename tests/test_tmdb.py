"""The TMDB client and TMDB's dramas, on a real event loop against the TMDB test server.

These need real time (timeouts, Retry-After, autocomplete's deadline), which simcord's clock does
not run; what members see of the same failures is in ``test_e2e_tmdb.py``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import pytest_asyncio

from bot import dramas as dramas_module
from bot import tmdb as tmdb_module
from bot.catalog import load_catalog_dir
from bot.club_catalog import ClubCatalog
from bot.dramas import Dramas
from bot.search import Indexes
from bot.settings import DEFAULT_CATALOG_DIR
from bot.storage import Storage
from bot.tmdb import SessionTransport, TmdbClient, TmdbNotFound, TmdbUnavailable
from bot.tmdb_answers import to_drama
from bot.tmdb_dramas import KEEP_AT_MOST, REFRESH_AFTER, TmdbDramas
from tests import tmdb_spec
from tests.tmdb_fake import TOKEN, FakeTmdb

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)


@pytest_asyncio.fixture
async def fake() -> AsyncIterator[FakeTmdb]:
    async with tmdb_spec.checked_server() as server:
        yield server


@pytest_asyncio.fixture
async def client(fake: FakeTmdb) -> AsyncIterator[TmdbClient]:
    transport = SessionTransport()
    yield TmdbClient(transport, TOKEN, fake.url, "en-US")
    await transport.close()


@pytest_asyncio.fixture
async def shelf(tmp_path: Path, client: TmdbClient) -> AsyncIterator[TmdbDramas]:
    async with Storage.open(tmp_path / "club.sqlite3") as storage:
        yield TmdbDramas(storage, client)


async def test_a_slow_answer_times_out_in_words(
    client: TmdbClient, fake: FakeTmdb, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tmdb_module, "TIMEOUT", 0.2)
    fake.delay = 1.0
    with pytest.raises(TmdbUnavailable) as failure:
        await client.search_tv("Fixture")
    assert failure.value.reason == "slow"
    assert "TMDB is too slow to answer right now" in failure.value.message


async def test_a_short_retry_after_is_waited_out_and_a_long_one_fails_fast(client: TmdbClient, fake: FakeTmdb) -> None:
    fake.status, fake.retry_after, fake.fail_times = 429, "0.2", 1
    assert [r["id"] for r in await client.search_tv("Courtroom")] == [900004]
    assert fake.paths() == ["/3/search/tv", "/3/search/tv"]

    fake.status, fake.retry_after, fake.fail_times = 429, "60", None
    with pytest.raises(TmdbUnavailable) as failure:
        await client.search_tv("Lanterns")
    assert failure.value.reason == "busy"
    with pytest.raises(TmdbUnavailable):  # TMDB asked for a minute: the next look-up is not sent
        await client.search_tv("Hearts")
    assert len(fake.requests) == 3


async def test_a_rejected_token_is_logged_once_and_not_sent_again(
    client: TmdbClient, fake: FakeTmdb, caplog: pytest.LogCaptureFixture
) -> None:
    fake.status = 401
    for _ in range(3):
        with pytest.raises(TmdbUnavailable) as failure:
            await client.tv(900001, ())
        assert failure.value.reason == "token"
    assert len(fake.requests) == 1
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == ["TMDB rejected TMDB_TOKEN (401): look-ups pause, and the bot asks again once an hour"]
    assert TOKEN not in caplog.text


async def test_unknown_ids_down_servers_and_malformed_answers(client: TmdbClient, fake: FakeTmdb) -> None:
    with pytest.raises(TmdbNotFound):
        await client.tv(123, ())
    fake.status = 502
    with pytest.raises(TmdbUnavailable) as failure:
        await client.tv(900001, ())
    assert failure.value.reason == "down"
    fake.status, fake.malformed = None, True
    with pytest.raises(TmdbUnavailable) as failure:
        await client.tv(900001, ())
    assert failure.value.reason == "answer"


async def test_a_closed_port_is_tmdb_being_down(tmp_path: Path) -> None:
    transport = SessionTransport()
    client = TmdbClient(transport, TOKEN, "http://127.0.0.1:9", "en-US")
    with pytest.raises(TmdbUnavailable) as failure:
        await client.search_tv("Fixture")
    await transport.close()
    assert failure.value.reason == "down"


async def test_fifty_members_asking_at_once_cause_one_fetch(shelf: TmdbDramas, fake: FakeTmdb) -> None:
    found = await asyncio.gather(*(shelf.fetch(900001, NOW) for _ in range(50)))
    assert {d.title for d in found} == {"Lanterns of Fixture Street"}
    assert fake.paths() == ["/3/tv/900001"]
    found = await asyncio.gather(*(shelf.fetch(900004, NOW) for _ in range(50)))
    assert fake.paths()[1:] == ["/3/tv/900004", "/3/tv/900004"]  # at most two requests a drama


async def test_at_most_four_requests_are_in_flight(client: TmdbClient, fake: FakeTmdb) -> None:
    fake.delay = 0.1
    await asyncio.gather(*(client.search_tv(f"fixture {n}") for n in range(10)))
    assert len(fake.requests) == 10
    assert fake.most_in_flight == tmdb_module.IN_FLIGHT == 4


async def test_a_failed_fetch_stores_nothing(shelf: TmdbDramas, fake: FakeTmdb) -> None:
    fake.fail_on = "season/2"  # the second of the two requests fails
    with pytest.raises(TmdbUnavailable):
        await shelf.fetch(900004, NOW)
    assert fake.paths() == ["/3/tv/900004", "/3/tv/900004"]
    assert await shelf.stored(900004) is None
    assert await shelf.by_title("Fixture Courtroom") == []


async def test_the_stored_drama_as_the_bot_reads_it(shelf: TmdbDramas) -> None:
    drama = await shelf.fetch(900004, NOW)
    assert drama.slug == "tmdb-900004"
    assert drama.episode_count == 8  # specials (season 0) left out
    assert drama.seasons == ((1, 1, 4), (2, 5, 8))
    assert drama.season_label(5) == "S2 E1"
    assert [e.air_date.isoformat() for e in drama.episodes[:2]] == ["2023-01-02", "2023-01-03"]
    assert drama.native_title == "픽스처 법정"
    assert drama.leads[0].actor == "Fixture Actor Jang"
    assert drama.sources == ("TMDB",)
    assert not drama.airing
    assert await shelf.by_title("fixture COURTROOM") == [900004]
    assert await shelf.by_title("픽스처 법정") == [900004]


def test_partial_data_reads_without_errors() -> None:
    drama = to_drama({"id": 5, "seasons": [{"season_number": 1, "episode_count": 3}], "poster_path": None}, NOW)
    assert drama.title == "TMDB drama 5"
    assert drama.year == 0 and drama.display_title == "TMDB drama 5"
    assert drama.episode_count == 3 and all(e.air_date is None for e in drama.episodes)
    assert not drama.runtime_known and drama.poster_url is None and drama.cast == ()
    assert to_drama({"id": 6, "name": 7, "seasons": "odd", "genres": [None]}, NOW).episode_count == 0


async def test_autocomplete_gives_tmdb_a_second_and_keeps_a_late_answer(
    shelf: TmdbDramas, fake: FakeTmdb, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dramas_module, "AUTOCOMPLETE_WAIT", 0.2)
    catalog = ClubCatalog(shelf._storage, Indexes.build(load_catalog_dir(DEFAULT_CATALOG_DIR)), {})
    dramas = Dramas(catalog, shelf)
    fake.delay = 0.6
    assert await dramas.suggest("courtroom", 1, NOW, limit=25) == []
    await asyncio.sleep(0.8)
    fake.delay = 0
    assert await dramas.suggest("courtroom", 1, NOW, limit=25) == [
        ("Fixture Courtroom (2023) · 픽스처 법정", "tmdb-900004")
    ]
    # two members typing the same query at once: one request
    await asyncio.gather(dramas.suggest("hearts", 1, NOW, limit=25), dramas.suggest("Hearts", 2, NOW, limit=25))
    assert fake.paths() == ["/3/search/tv", "/3/search/tv"]


async def test_tmdbs_terms_nothing_is_kept_six_months_without_a_fetch(shelf: TmdbDramas, fake: FakeTmdb) -> None:
    old = NOW - REFRESH_AFTER - timedelta(days=1)
    for tmdb_id in (900001, 900002, 900004):
        await shelf.fetch(tmdb_id, old)
    await shelf.fetch(900003, NOW)
    fake.requests.clear()
    fetched, deleted = await shelf.keep_terms(NOW, referenced={900001, 900003})
    assert (fetched, deleted) == (1, 2)
    assert fake.paths() == ["/3/tv/900001"]
    rows = await shelf._storage.fetchall("SELECT tmdb_id, fetched_at FROM tmdb_dramas ORDER BY tmdb_id")
    assert [(r[0], r[1]) for r in rows] == [(900001, NOW.isoformat()), (900003, NOW.isoformat())]
    assert await shelf._storage.fetchall("SELECT * FROM tmdb_titles WHERE tmdb_id = 900002") == []

    # a referenced drama TMDB will not give again is deleted once it is too old to keep
    fake.status = 503
    fetched, deleted = await shelf.keep_terms(NOW + KEEP_AT_MOST, referenced={900001, 900003})
    assert (fetched, deleted) == (0, 2)


def test_the_test_servers_answers_use_tmdbs_field_names() -> None:
    if not tmdb_spec.spec_available():
        pytest.skip("TMDB's API description is not beside this checkout")
    fake = FakeTmdb()
    show = fake.shows[900004]
    answers = {
        "/3/tv/{series_id}": fake.details(show, ["aggregate_credits", "alternative_titles", "season/1", "season/2"]),
        "/3/tv/{series_id}/watch/providers": fake.details(show, ["watch/providers"])["watch/providers"],
        "/3/search/tv": fake.route("/3/search/tv", {"query": "fixture"}),
        "/3/search/person": fake.route("/3/search/person", {"query": "fixture"}),
        "/3/person/{person_id}/tv_credits": fake.credits(800001),
    }
    problems = [p for template, answer in answers.items() for p in tmdb_spec.answer_problems(template, answer)]
    assert problems == []


def test_every_field_the_bot_reads_is_in_tmdbs_schemas() -> None:
    if not tmdb_spec.spec_available():
        pytest.skip("TMDB's API description is not beside this checkout")
    templates = [
        "/3/search/tv",
        "/3/tv/{series_id}",
        "/3/tv/{series_id}/season/{season_number}",
        "/3/tv/{series_id}/aggregate_credits",
        "/3/tv/{series_id}/alternative_titles",
        "/3/search/person",
        "/3/person/{person_id}/tv_credits",
        "/3/tv/{series_id}/watch/providers",
    ]
    known = tmdb_spec.all_response_names(templates) | {"aggregate_credits", "alternative_titles", "watch/providers"}
    database_columns = {"data", "fetched_at"}
    root = Path(__file__).resolve().parents[1] / "bot"
    read = tmdb_spec.fields_read(root / "tmdb_answers.py") | tmdb_spec.fields_read(root / "tmdb_dramas.py")
    assert "original_name" in read and "total_episode_count" in read  # the parser is seen
    assert read - known - database_columns == set()
    assert "results" in known  # what bot/tmdb.py reads of a search's answer
