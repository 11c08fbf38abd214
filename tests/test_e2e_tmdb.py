"""Any drama TMDB knows, through the real bot in simcord, against a TMDB test server on loopback.

The test server (:mod:`tests.tmdb_fake`) serves invented dramas; every request the bot sends it is
checked against TMDB's API description when the test ends.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.settings import Settings
from tests.conftest import Club
from tests.factories import drama_toml
from tests.tmdb_fake import TOKEN, FakeTmdb


@pytest.fixture
def settings(tmdb_settings: Settings) -> Settings:
    return tmdb_settings


def fields(embed: object) -> dict[str, str]:
    return {f.name: f.value for f in embed.fields}  # type: ignore[attr-defined]


async def test_a_typed_title_finds_a_tmdb_drama_and_shows_its_card(club: Club, tmdb: FakeTmdb) -> None:
    result = await club.alice.slash(club.channel, "drama", title="Fixture Courtroom")
    assert not result.ephemeral
    (card,) = result.response.embeds
    assert card.title == "Fixture Courtroom (2023)"
    assert card.url == "https://www.themoviedb.org/tv/900004"
    shown = fields(card)
    assert shown["Episodes"].startswith("8 × 60 min")
    assert "Season 1: episodes 1–4" in shown["Episodes"] and "Season 2: episodes 5–8" in shown["Episodes"]
    assert shown["Watch on"] == "Fixture Broadcasting"
    assert "**Fixture Actor Jang** as Judge Park" in shown["Leads"]
    assert card.footer.text.startswith("Data: TMDB.")
    assert "not endorsed or certified by TMDB" in card.footer.text
    assert tmdb.paths() == ["/3/search/tv", "/3/tv/900004", "/3/tv/900004"]  # search, then two for the seasons


def shown(result: object) -> object:
    """The message a member sees: the answer, or the follow-up that replaced a deferred one."""
    response = result.response  # type: ignore[attr-defined]
    if response is not None and (response.content or response.embeds):
        return response
    followups = result.followups  # type: ignore[attr-defined]
    assert followups, f"no answer: {result!r}"
    return followups[0]


def callback_types(club: Club) -> list[int]:
    """The interaction callbacks the bot sent so far: 4 answers at once, 5 defers ("thinking")."""
    return [
        r.json["type"]
        for r in club.env.http_requests
        if r.method == "POST" and r.path.endswith("/callback") and isinstance(r.json, dict)
    ]


async def test_autocomplete_offers_tmdb_dramas_korean_first_and_a_choice_is_never_searched_again(
    club: Club, tmdb: FakeTmdb
) -> None:
    choices = await club.alice.autocomplete(club.channel, "drama", "title", "lanterns")
    assert choices == [
        {"name": "Lanterns of Fixture Street (2024) · 픽스처 거리의 등불", "value": "tmdb-900001"},
        {"name": "Lanterns of Fixture Street (2026) · 定格街灯笼", "value": "tmdb-900002"},
    ]
    assert tmdb.paths() == ["/3/search/tv"]
    # the same query again is answered from the search cache
    assert await club.bob.autocomplete(club.channel, "drama", "title", "Lanterns ") == choices
    assert tmdb.paths() == ["/3/search/tv"]

    result = await club.alice.slash(club.channel, "drama", title="tmdb-900002")
    (card,) = shown(result).embeds
    assert card.title == "Lanterns of Fixture Street (2026)"
    assert tmdb.paths() == ["/3/search/tv", "/3/tv/900002"]  # the choice is fetched, not searched
    assert callback_types(club)[-1] == 5  # deferred before asking TMDB


async def test_curated_dramas_come_first_in_autocomplete(club: Club, tmdb: FakeTmdb) -> None:
    choices = await club.alice.autocomplete(club.channel, "drama", "title", "sound")
    assert choices[0] == {"name": "Soundtrack #1 (2022)", "value": "soundtrack-1"}
    choices = await club.alice.autocomplete(club.channel, "drama", "title", "fixture")
    assert len(choices) == 5 and all(c["value"].startswith("tmdb-") for c in choices)


@pytest.mark.parametrize(
    "typed", ["픽스처 거리의 등불", "Pikseucheo Georiui Deungbul", "lanterns of fixture street 2024"]
)
async def test_hangul_romanized_and_year_queries_find_the_korean_drama(club: Club, typed: str) -> None:
    result = await club.alice.slash(club.channel, "drama", title=typed)
    (card,) = shown(result).embeds
    assert card.title == "Lanterns of Fixture Street (2024)"
    assert card.description.startswith("*픽스처 거리의 등불*")
    assert card.thumbnail.url == "https://image.tmdb.org/t/p/w342/fixture-lanterns.jpg"
    assert fields(card)["Aired"] == "6 March 2024 – 25 April 2024\nWednesdays and Thursdays"


async def test_two_dramas_with_one_title_get_a_private_did_you_mean_with_years(club: Club) -> None:
    result = await club.alice.slash(club.channel, "drama", title="Lanterns of Fixture Street")
    assert result.response is None  # the public "thinking" answer is gone
    (answer,) = result.followups
    assert answer.ephemeral
    assert answer.content == (
        "More than one drama has that title: **Lanterns of Fixture Street (2024)**, "
        "**Lanterns of Fixture Street (2026)**. Pick one from the list, or add the year."
    )


async def test_a_title_nobody_knows_says_so_privately(club: Club) -> None:
    result = await club.alice.slash(club.channel, "drama", title="Zzyzx Qwerty Nothing")
    (answer,) = result.followups
    assert answer.ephemeral
    assert answer.content.startswith("I couldn't find a drama called “Zzyzx Qwerty Nothing”.")
    assert "Check the spelling" in answer.content


async def test_rating_and_scheduling_a_tmdb_drama(club: Club, tmdb: FakeTmdb) -> None:
    result = await club.alice.slash(club.channel, "rate", title="Fixture Hearts on Air", score=8.5, episode=2)
    assert shown(result).content == "⭐ alice rated **Fixture Hearts on Air** · Episode 2: 8.5/10"
    rows = await club.bot.storage.fetchall("SELECT drama_slug, episode, half_points FROM votes")
    assert [tuple(r) for r in rows] == [("tmdb-900003", 2, 17)]
    # from now on it is answered from the database, at once
    requests = len(tmdb.requests)
    result = await club.bob.slash(club.channel, "ratings show", title="Fixture Hearts on Air")
    assert result.response.embeds[0].title.startswith("Club ratings: Fixture Hearts on Air (")
    assert len(tmdb.requests) == requests
    mine = await club.alice.slash(club.channel, "ratings mine")
    assert "Fixture Hearts on Air" in str(mine.response.embeds[0].to_dict())

    start = (club.env.now() + timedelta(days=2)).strftime("%Y-%m-%d 21:00")
    result = await club.admin.slash(club.channel, "watchparty schedule", title="tmdb-900003", start=start)
    plan = shown(result)
    assert plan.content.startswith("🎬 12 watch parties for **Fixture Hearts on Air (")
    assert plan.content.endswith("\nEpisodes 13–16 are left out until TMDB dates them; the plan grows as it does.")
    parties = await club.bot.storage.fetchall("SELECT drama_slug, event_id FROM watch_parties")
    assert len(parties) == 12 and {r[0] for r in parties} == {"tmdb-900003"}
    assert all(r[1] is not None for r in parties)  # each with its Discord event


async def test_a_drama_without_air_dates_runtime_or_poster(club: Club) -> None:
    result = await club.alice.slash(club.channel, "drama", title="Fixture Without Dates")
    (card,) = shown(result).embeds
    assert card.thumbnail.url is None
    assert fields(card)["Episodes"] == "10 (runtime unknown)"
    assert "Aired" not in fields(card) and "Airing" not in fields(card)
    result = await club.admin.slash(club.channel, "watchparty schedule", title="tmdb-900005", start="2030-01-01 20:00")
    assert result.ephemeral
    assert "TMDB has no air dates for **Fixture Without Dates** yet" in result.response.content
    assert await club.bot.storage.fetchall("SELECT * FROM watch_series") == []


async def test_an_airing_drama_shows_its_next_episode(club: Club) -> None:
    result = await club.alice.slash(club.channel, "drama", title="Fixture Hearts on Air")
    (card,) = shown(result).embeds
    assert fields(card)["Airing"].startswith("Since ")  # not a range that reads as ended
    assert " · 12 of 16 episodes dated" in fields(card)["Airing"]
    assert fields(card)["Next episode"].startswith("Episode ")


async def test_cast_lists_characters_and_episode_counts(club: Club) -> None:
    result = await club.alice.slash(club.channel, "cast", title="Lanterns of Fixture Street 2024")
    (page,) = shown(result).embeds
    assert "**Fixture Actor Han** as Seo Ji-an" in page.description
    assert "**Fixture Actor Choi** as Detective Moon (8 of 16 episodes)" in page.description
    assert page.description.index("__Leads__") < page.description.index("Fixture Actor Choi")


async def test_actor_finds_people_on_tmdb_with_the_clubs_marks(club: Club, tmdb: FakeTmdb) -> None:
    await club.alice.slash(club.channel, "rate", title="Fixture Hearts on Air", score=9)
    result = await club.alice.slash(club.channel, "actor", name="Fixture Actor Han")
    (embed,) = shown(result).embeds
    assert embed.title == "Fixture Actor Han"
    lines = embed.description.splitlines()
    assert lines[0].startswith("**Fixture Hearts on Air (")  # newest first
    assert "Kang Do-yun" in lines[0] and "⭐ rated by the club" in lines[0]
    assert lines[1].startswith("**Lanterns of Fixture Street (2024)**: Seo Ji-an, 16 episodes")
    assert "/3/search/person" in tmdb.paths() and "/3/person/800001/tv_credits" in tmdb.paths()
    # the curated catalog's people still come first, with no request
    requests = len(tmdb.requests)
    result = await club.alice.slash(club.channel, "actor", name="Park Hyung-sik")
    assert "Soundtrack #1" in str(result.response.embeds[0].to_dict())
    assert len(tmdb.requests) == requests


async def test_about_names_the_data_sources_and_tmdbs_notice(club: Club) -> None:
    result = await club.alice.slash(club.channel, "about")
    assert result.ephemeral
    text = str(result.response.embeds[0].to_dict())
    assert "This product uses the TMDB API but is not endorsed or certified by TMDB." in text
    assert "On: any TV drama TMDB knows" in text


async def test_a_restart_answers_from_the_database_without_a_request(club: Club, tmdb: FakeTmdb) -> None:
    await club.alice.slash(club.channel, "drama", title="Fixture Courtroom")
    requests = len(tmdb.requests)
    await club.restart()
    for typed in ("Fixture Courtroom", "tmdb-900004"):
        result = await club.bob.slash(club.channel, "drama", title=typed)
        assert result.response.embeds[0].title == "Fixture Courtroom (2023)"
        assert callback_types(club)[-1] == 4  # answered at once, no defer
    assert len(tmdb.requests) == requests


async def test_stale_data_is_fetched_again_and_shown_with_its_age_when_tmdb_fails(club: Club, tmdb: FakeTmdb) -> None:
    await club.alice.slash(club.channel, "drama", title="Fixture Courtroom")  # ended: fresh for 30 days
    await club.env.advance_time(29 * 86400)
    requests = len(tmdb.requests)
    await club.alice.slash(club.channel, "drama", title="tmdb-900004")
    assert len(tmdb.requests) == requests
    await club.env.advance_time(2 * 86400)
    tmdb.shows[900004]["name"] = "Fixture Courtroom Renamed"
    result = await club.alice.slash(club.channel, "drama", title="tmdb-900004")
    assert shown(result).embeds[0].title == "Fixture Courtroom Renamed (2023)"
    assert tmdb.paths()[requests:] == ["/3/tv/900004", "/3/tv/900004"]

    await club.env.advance_time(31 * 86400)
    tmdb.status = 503
    result = await club.alice.slash(club.channel, "drama", title="tmdb-900004")
    (card,) = shown(result).embeds
    assert card.title == "Fixture Courtroom Renamed (2023)"
    assert "TMDB isn't answering, so it may be out of date" in card.footer.text
    assert "fetched " in card.footer.text


async def test_an_airing_drama_is_fresh_for_a_day(club: Club, tmdb: FakeTmdb) -> None:
    await club.alice.slash(club.channel, "drama", title="Fixture Hearts on Air")
    requests = len(tmdb.requests)
    await club.env.advance_time(3600)
    await club.alice.slash(club.channel, "drama", title="tmdb-900003")
    assert len(tmdb.requests) == requests
    await club.env.advance_time(86400)
    await club.alice.slash(club.channel, "drama", title="tmdb-900003")
    assert tmdb.paths()[requests:] == ["/3/tv/900003"]


@pytest.mark.parametrize(
    ("status", "retry_after", "words"),
    [
        (500, None, "TMDB isn't answering right now"),
        (503, None, "TMDB isn't answering right now"),
        (429, "120", "TMDB asked the bot to slow down"),
        (401, None, "TMDB rejects the bot's token"),
    ],
)
async def test_tmdb_failures_are_told_in_plain_words_and_nothing_is_stored(
    club: Club, tmdb: FakeTmdb, status: int, retry_after: str | None, words: str, caplog: pytest.LogCaptureFixture
) -> None:
    tmdb.status, tmdb.retry_after = status, retry_after
    result = await club.alice.slash(club.channel, "drama", title="Fixture Courtroom")
    (answer,) = result.followups
    assert answer.ephemeral
    assert words in answer.content
    assert "catalog still work" in answer.content
    assert "error id" not in answer.content
    assert await club.bot.storage.fetchall("SELECT * FROM tmdb_dramas") == []
    if status == 401:
        assert any("TMDB_TOKEN" in r.getMessage() for r in caplog.records if r.levelname == "ERROR")
        assert TOKEN not in caplog.text
    # the curated catalog still answers
    result = await club.alice.slash(club.channel, "drama", title="Soundtrack #1")
    assert result.response.embeds[0].title == "Soundtrack #1 (2022)"


async def test_a_token_rejected_once_is_not_sent_again(club: Club, tmdb: FakeTmdb) -> None:
    tmdb.status = 401
    await club.alice.slash(club.channel, "drama", title="Fixture Courtroom")
    requests = len(tmdb.requests)
    result = await club.alice.slash(club.channel, "drama", title="Fixture Courtroom")
    assert "TMDB rejects the bot's token" in result.followups[0].content
    assert len(tmdb.requests) == requests


async def test_a_short_retry_after_is_waited_out_once(club: Club, tmdb: FakeTmdb) -> None:
    tmdb.status, tmdb.retry_after, tmdb.fail_times = 429, "1", 1
    result = await club.alice.slash(club.channel, "drama", title="Fixture Courtroom")
    assert shown(result).embeds[0].title == "Fixture Courtroom (2023)"
    assert tmdb.paths()[:2] == ["/3/search/tv", "/3/search/tv"]


async def test_a_malformed_answer_is_told_in_words(club: Club, tmdb: FakeTmdb) -> None:
    tmdb.malformed = True
    result = await club.alice.slash(club.channel, "drama", title="Fixture Courtroom")
    assert "TMDB sent an answer I can't read" in result.followups[0].content


async def test_a_drama_tmdb_no_longer_has(club: Club, tmdb: FakeTmdb) -> None:
    result = await club.alice.slash(club.channel, "drama", title="tmdb-123456")
    assert "TMDB no longer has that drama" in result.followups[0].content


async def test_without_tmdb_tokens_tmdb_choices_are_explained(club: Club) -> None:
    club.bot.dramas.tmdb = None
    result = await club.alice.slash(club.channel, "drama", title="tmdb-900001")
    assert result.ephemeral
    assert "TMDB look-ups are off" in result.response.content


async def test_a_curated_file_naming_a_tmdb_id_is_the_same_drama(club: Club, tmdb: FakeTmdb) -> None:
    own = drama_toml("Lanterns of Fixture Street", 2024, slug="our-lanterns", tmdb_id=900001)
    result = await club.admin.slash(club.channel, "catalog add", file=("lanterns.toml", own.encode()))
    assert "Added **Lanterns of Fixture Street (2024)**" in shown(result).content
    choices = await club.alice.autocomplete(club.channel, "drama", "title", "lanterns")
    assert choices == [
        {"name": "Lanterns of Fixture Street (2024)", "value": "our-lanterns"},  # once, curated first
        {"name": "Lanterns of Fixture Street (2026) · 定格街灯笼", "value": "tmdb-900002"},
    ]
    for typed in ("tmdb-900001", "픽스처 거리의 등불"):  # TMDB's id or a title only TMDB knows
        result = await club.alice.slash(club.channel, "drama", title=typed)
        (card,) = shown(result).embeds
        assert card.footer.text == "Sources: Synthetic test data"  # its own facts win
        assert card.url == "https://www.themoviedb.org/tv/900001"
    assert "/3/tv/900001" not in tmdb.paths()
    await club.alice.slash(club.channel, "rate", title="tmdb-900001", score=7)
    rows = await club.bot.storage.fetchall("SELECT drama_slug FROM votes")
    assert [r[0] for r in rows] == ["our-lanterns"]


async def test_every_title_command_takes_a_tmdb_drama(club: Club, tmdb: FakeTmdb) -> None:
    await club.alice.slash(club.channel, "rate", title="Fixture Courtroom", score=9)
    top = await club.bob.slash(club.channel, "ratings top")
    assert "**Fixture Courtroom (2023)**" in top.response.embeds[0].description

    review = await club.alice.slash(club.channel, "review", title="Fixture Courtroom")
    assert review.ephemeral
    assert "There is no review summary for **Fixture Courtroom (2023)** yet." in review.response.content

    removed = await club.alice.slash(club.channel, "ratings remove", title="Fixture Courtroom")
    assert removed.ephemeral and removed.response.content == "Withdrew your 9/10 for Fixture Courtroom (2023)."

    start = (club.env.now() + timedelta(days=1)).strftime("%Y-%m-%d 20:00")
    await club.admin.slash(club.channel, "watchparty schedule", title="Fixture Courtroom", start=start)
    export = await club.alice.slash(club.channel, "watchparty export", title="Fixture Courtroom")
    assert export.ephemeral and export.response.content.startswith("8 watch parties coming up")

    refused = await club.admin.slash(club.channel, "catalog remove", title="Fixture Courtroom")
    assert refused.ephemeral
    assert "comes from TMDB, not from this server's catalog" in refused.response.content


async def test_a_new_look_up_defers_privately_for_a_private_answer(club: Club, tmdb: FakeTmdb) -> None:
    result = await club.alice.slash(club.channel, "rate", title="Fixture Courtroom", score=8, private=True)
    assert callback_types(club)[-1] == 5
    answer = shown(result)
    assert answer.ephemeral
    assert answer.content.startswith("Saved your 8/10 for Fixture Courtroom (2023).")


async def test_a_name_several_people_share_gets_the_list_from_the_catalog_and_from_tmdb(
    club: Club, tmdb: FakeTmdb
) -> None:
    text = drama_toml(
        "Harbour Lights", 2024, cast=[("Park Bo-Young", "Seo Ha-Eun", "lead"), ("Park Seo-Joon", "Do Jae", "lead")]
    )
    await club.admin.slash(club.channel, "catalog add", file=("harbour.toml", text.encode()))
    curated = shown(await club.alice.slash(club.channel, "actor", name="Park"))
    assert curated.content.startswith("“Park” could be ")  # type: ignore[attr-defined]
    assert "**Park Bo-Young**" in curated.content and "**Park Seo-Joon**" in curated.content  # type: ignore[attr-defined]
    assert not any(path.startswith("/3/search/person") for path in tmdb.paths())  # the catalog answered

    on_tmdb = shown(await club.alice.slash(club.channel, "actor", name="Fixture Actor"))
    assert on_tmdb.content.startswith("“Fixture Actor” could be ")  # type: ignore[attr-defined]
    for name in ("**Fixture Actor Han**", "**Fixture Actor Choi**", "**Fixture Actor Lin**"):
        assert name in on_tmdb.content  # type: ignore[attr-defined]
    assert not any("/tv_credits" in path for path in tmdb.paths())  # nobody's roles were fetched


async def test_an_episode_that_has_not_aired_cannot_be_rated(club: Club, tmdb: FakeTmdb) -> None:
    """Fixture Hearts on Air: episodes 5 to 12 air in the coming weeks, 13 to 16 have no date yet."""
    later = shown(await club.alice.slash(club.channel, "rate", title="tmdb-900003", score=8, episode=8))
    assert "Episode 8 of Fixture Hearts on Air" in later.content  # type: ignore[attr-defined]
    assert "rate it once it has aired" in later.content  # type: ignore[attr-defined]
    undated = shown(await club.alice.slash(club.channel, "rate", title="tmdb-900003", score=8, episode=14))
    assert "Episode 14 of Fixture Hearts on Air" in undated.content  # type: ignore[attr-defined]
    assert "has no air date yet" in undated.content  # type: ignore[attr-defined]
    aired = shown(await club.alice.slash(club.channel, "rate", title="tmdb-900003", score=8, episode=2))
    assert "rated **Fixture Hearts on Air** · Episode 2: 8/10" in aired.content  # type: ignore[attr-defined]
    assert [tuple(row) for row in await club.bot.storage.fetchall("SELECT episode FROM votes")] == [(2,)]


async def test_a_rejected_token_pauses_tmdb_for_an_hour_then_one_request_asks_again(
    club: Club, tmdb: FakeTmdb, caplog: pytest.LogCaptureFixture
) -> None:
    tmdb.status = 401
    await club.alice.slash(club.channel, "drama", title="Fixture Courtroom")
    requests = len(tmdb.requests)
    await club.env.advance_time(59 * 60)
    paused = await club.alice.slash(club.channel, "drama", title="Fixture Courtroom")
    assert "TMDB rejects the bot's token" in shown(paused).content  # type: ignore[attr-defined]
    assert len(tmdb.requests) == requests  # nothing sent within the hour

    await club.env.advance_time(2 * 60)
    still = await club.alice.slash(club.channel, "drama", title="Fixture Courtroom")
    assert "TMDB rejects the bot's token" in shown(still).content  # type: ignore[attr-defined]
    assert len(tmdb.requests) == requests + 1  # one request asked, and was refused again

    tmdb.status = None  # the token works again (TMDB's side was mended)
    await club.env.advance_time(61 * 60)
    back = await club.alice.slash(club.channel, "drama", title="Fixture Courtroom")
    assert shown(back).embeds, (back.response, back.followups)  # type: ignore[attr-defined]
    assert shown(back).embeds[0].title == "Fixture Courtroom (2023)"  # type: ignore[attr-defined]
    assert "look-ups resume" in caplog.text
    about = await club.alice.slash(club.channel, "about")
    assert "any TV drama TMDB knows can be looked up" in fields(about.response.embeds[0])["TMDB look-ups"]


async def test_club_settings_take_a_country_and_a_time_zone_for_admins_only(club: Club) -> None:
    empty = await club.admin.slash(club.channel, "club settings")
    assert empty.ephemeral and fields(empty.response.embeds[0])["Country (region)"] == "Not set"
    result = await club.admin.slash(club.channel, "club settings", region="south korea", timezone="KST")
    shown_fields = fields(result.response.embeds[0])
    assert shown_fields["Country (region)"] == "South Korea (`KR`)"
    assert shown_fields["Time zone of plans"] == "Asia/Seoul"
    choices = await club.admin.autocomplete(club.channel, "club settings", "region", "united")
    assert {"name": "United States (US)", "value": "US"} in choices
    bad = await club.admin.slash(club.channel, "club settings", region="Atlantis")
    assert bad.ephemeral and bad.response.content.startswith("“Atlantis” is not a country I know.")
    invisible = await club.admin.slash(club.channel, "club settings", region="\u200b🙂")
    assert invisible.response.content == "Type a country: its two-letter code, such as `KR` or `US`, or its name."
    assert "club settings" not in club.alice.available_commands(club.channel)  # for admins only
    rows = await club.bot.storage.fetchall("SELECT region, timezone FROM server_settings")
    assert [tuple(r) for r in rows] == [("KR", "Asia/Seoul")]


async def test_where_lists_each_service_once_in_tmdbs_order_with_the_link_and_the_credit(
    club: Club, tmdb: FakeTmdb
) -> None:
    nowhere = await club.alice.slash(club.channel, "where", title="Fixture Courtroom")
    assert "Which country?" in shown(nowhere).content  # type: ignore[attr-defined]
    await club.admin.slash(club.channel, "club settings", region="KR")
    kr = shown(await club.alice.slash(club.channel, "where", title="Fixture Courtroom")).embeds[0]  # type: ignore[attr-defined]
    assert kr.title == "Where to watch Fixture Courtroom (2023) in South Korea"
    assert kr.url == "https://www.themoviedb.org/tv/900004/watch?locale=KR"
    assert fields(kr) == {"Subscription": "Fixture Plus\nFixture Stream", "Buy": "Fixture Store"}
    assert kr.footer.text == "Streaming data: JustWatch"
    us = shown(await club.alice.slash(club.channel, "where", title="Fixture Courtroom", region="US")).embeds[0]  # type: ignore[attr-defined]
    assert fields(us) == {"With ads": "Fixture Free TV", "Rent": "Fixture Store"}
    fr = shown(await club.alice.slash(club.channel, "where", title="Fixture Courtroom", region="France")).embeds[0]  # type: ignore[attr-defined]
    assert fr.description == (
        "No service in France offers it, as far as JustWatch knows. It streams in South Korea, United States."
    )
    curated = await club.alice.slash(club.channel, "where", title="Soundtrack #1")
    assert "its file names no `tmdb_id`" in shown(curated).content  # type: ignore[attr-defined]
    details = [r for r in tmdb.requests if r.path == "/3/tv/900004"]
    assert "watch/providers" in details[0].query["append_to_response"]  # fetched with the drama
    assert len(details) == 2  # still at most two requests for a new drama


async def test_the_card_the_plan_and_the_poll_say_where_to_watch_in_the_servers_country(
    club: Club, tmdb: FakeTmdb
) -> None:
    await club.admin.slash(club.channel, "club settings", region="KR")
    card = shown(await club.alice.slash(club.channel, "drama", title="Fixture Courtroom")).embeds[0]  # type: ignore[attr-defined]
    where = fields(card)["Where to watch (South Korea)"]
    assert where == "Subscription: Fixture Plus, Fixture Stream; Buy: Fixture Store\n*Streaming data: JustWatch*"
    start = (club.env.now() + timedelta(days=2)).strftime("%Y-%m-%d 20:00")
    plan = await club.admin.slash(club.channel, "watchparty schedule", title="tmdb-900004", start=start)
    text = shown(plan).content  # type: ignore[attr-defined]
    assert "📺 Where to watch (South Korea): Subscription: Fixture Plus, Fixture Stream" in text
    assert "*Streaming data: JustWatch*" in text
    await club.alice.slash(club.channel, "suggest", title="Fixture Courtroom")
    await club.alice.slash(club.channel, "suggest", title="Soundtrack #1")
    await club.admin.slash(club.channel, "pick", hours=1)
    poll = next(m for m in club.channel.history() if m.poll is not None)
    assert "**Fixture Courtroom (2023)**: Subscription: Fixture Plus, Fixture Stream" in poll.content
    assert "**Soundtrack #1 (2022)**: Unknown: the drama is not linked to TMDB." in poll.content
    about = await club.alice.slash(club.channel, "about")
    assert "JustWatch" in fields(about.response.embeds[0])


async def test_a_servers_time_zone_is_the_default_of_its_plans(club: Club) -> None:
    await club.admin.slash(club.channel, "club settings", timezone="New York")
    start = (club.env.now() + timedelta(days=2)).strftime("%Y-%m-%d 20:00")
    await club.admin.slash(club.channel, "watchparty schedule", title="Soundtrack #1", start=start)
    (row,) = await club.bot.storage.fetchall("SELECT timezone FROM watch_series")
    assert row[0] == "America/New_York"
