"""Each feature's renderer, tested directly for what members read: Discord's length limits, member
text escaped, late-story points behind spoiler marks."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import discord

from bot.drama import CastMember, Drama, Episode, Review, ReviewPoint
from bot.follows import Announcement, Follow
from bot.parties import Party
from bot.ratings import Vote
from bot.watchlist import Suggestion, answer_text
from cogs import _render as common
from cogs.airing import _render as airing
from cogs.drama import _render as drama_render
from cogs.ratings import _render as ratings
from cogs.watchlist import _render as watchlist
from cogs.watchparty import _render as watchparty

NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)
HOSTILE = "**bold** @everyone <@123> ||spoil|| `code` " * 40


def huge_drama() -> Drama:
    """A drama with every text at a length no embed can hold whole."""
    return Drama(
        slug="huge-2026",
        title="T" * 90,
        year=2026,
        episode_count=300,
        episode_minutes=60,
        sources=("S" * 300,) * 20,
        plot="P" * 4000,
        native_title="N" * 90,
        genres=tuple(f"genre {n} " + "g" * 80 for n in range(50)),
        tropes=tuple(f"trope {n} " + "t" * 80 for n in range(50)),
        episodes=tuple(Episode(n, 60, date(2026, 1, 1) + timedelta(days=n)) for n in range(1, 301)),
        cast=tuple(CastMember("A" * 100, "C" * 100, "lead") for _ in range(500)),
        review=Review(
            source="R" * 200,
            headline="H" * 200,
            summary="S" * 4000,
            verdict="V" * 300,
            points=tuple(ReviewPoint(f"topic {n} " + "o" * 90, "x" * 1000, 2 if n % 2 else None) for n in range(50)),
        ),
    )


def party(number: int, **changes: object) -> Party:
    starts = NOW + timedelta(days=7 * number)
    values: dict[str, object] = {
        "id": number,
        "series_id": 1,
        "guild_id": 10,
        "drama_slug": "huge-2026",
        "number": number,
        "first_episode": number,
        "last_episode": number,
        "starts_at": starts,
        "ends_at": starts + timedelta(hours=1),
        "remind_at": starts - timedelta(minutes=15),
        "event_id": None,
        "cancelled": False,
        "cancelled_by": None,
        "reminder": "pending",
        "start_notice": "pending",
        "rating_prompt": "pending",
        "timezone": "Asia/Seoul",
        "host_id": 7,
        "text_channel_id": 20,
        "voice_channel_id": None,
        "location": "Online",
        "remind_minutes": 15,
        "episodes_per_party": 1,
        "announcement_id": None,
    }
    values.update(changes)
    return Party(**values)  # type: ignore[arg-type]


def within_limits(embed: discord.Embed) -> None:
    assert len(embed.title or "") <= common.TITLE_LIMIT
    assert len(embed.description or "") <= common.DESCRIPTION_LIMIT
    assert len(embed.fields) <= common.FIELD_COUNT_LIMIT
    for field in embed.fields:
        assert len(field.name or "") <= common.FIELD_NAME_LIMIT
        assert len(field.value or "") <= common.FIELD_VALUE_LIMIT
    assert len(embed.footer.text or "") <= common.FOOTER_LIMIT
    assert len(embed) <= common.EMBED_TOTAL_LIMIT


def test_the_card_of_a_drama_too_big_for_an_embed_fits_and_says_where_it_was_cut() -> None:
    card = common.drama_card(huge_drama(), None, in_server=True, now=NOW)
    within_limits(card)
    assert card.description is not None and card.description.endswith("…")


def test_review_points_past_episode_one_are_spoilers_that_a_bar_inside_cannot_end() -> None:
    drama = huge_drama()
    assert drama.review is not None
    drama = replace(drama, review=replace(drama.review, summary="Short."))
    review = drama_render.review_embed(drama)
    within_limits(review)
    shown = [field.value or "" for field in review.fields if "ighlights" in (field.name or "")]
    assert shown[0].startswith("**topic 0 ")
    spoilers = [value for value in shown if "(spoiler, episode 2+): ||" in value]
    assert spoilers and all(value.endswith("||") for value in spoilers)  # cut inside the marks
    assert drama_render.spoiler("ends || early") == "||ends |\u200b| early||"


def test_a_cast_of_five_hundred_is_paged_and_every_page_fits() -> None:
    pages = drama_render.cast_pages(huge_drama())
    assert len(pages) > 1
    for number, page in enumerate(pages, start=1):
        within_limits(page)
        assert f"page {number} of {len(pages)}" in (page.footer.text or "")


def test_member_text_is_shown_as_written_and_pings_nobody() -> None:
    shown = common.escape("**bold** @everyone")
    assert shown.startswith("\\*\\*bold\\*\\*") and "@everyone" not in shown
    line = ratings.vote_line(HOSTILE, huge_drama(), 3, 17, None, HOSTILE)
    assert len(line) <= 2000 and "@everyone" not in line and "**bold**" not in line


def test_recent_comments_and_the_leaderboard_fit() -> None:
    votes = [Vote(10, "huge-2026", 0, n, 18, HOSTILE, NOW) for n in range(50)]
    within_limits(ratings.ratings_embed(huge_drama(), None, [], votes))
    assert len(ratings.my_votes_embed([(huge_drama(), v) for v in votes])) <= common.EMBED_TOTAL_LIMIT


def test_a_plan_of_three_hundred_parties_fits_and_a_cancelled_party_is_struck_through() -> None:
    parties = [party(n) for n in range(1, 301)]
    parties[1] = party(2, cancelled=True, cancelled_by=7)
    plan = watchparty.plan_embed(huge_drama(), parties, going=3)
    within_limits(plan)
    assert "~~**Episode 2** ·" in (plan.description or "") and "cancelled by <@7>" in (plan.description or "")
    assert len(watchparty.party_name(huge_drama(), "Episodes 1–2")) <= watchparty.EVENT_NAME_LIMIT
    assert len(watchparty.reminder_text(huge_drama(), parties[0], list(range(100)))) <= 2000


def test_announcements_and_their_threads_keep_to_discords_lengths() -> None:
    follow = Follow(1, 10, "huge-2026", 20, "21:00", "Asia/Seoul", 30, 7, None)
    announcement = Announcement(follow, 300, NOW, last=True)
    text = airing.episode_announcement(huge_drama(), announcement, 30, threads=True)
    assert len(text) <= 2000 and text.startswith("<@&30> ") and "has ended" in text
    assert len(airing.thread_name(huge_drama(), 300)) <= 100


def test_watchlist_pages_with_long_reasons_fit_and_quote_the_member() -> None:
    suggestions = [Suggestion(n, 10, "huge-2026", 7, HOSTILE[:200], NOW, 0, 0, False, 1) for n in range(40)]
    pages = watchlist.watchlist_pages(suggestions, {"huge-2026": huge_drama()}, set(), NOW)
    assert len(pages) == 4
    for page in pages:
        within_limits(page)
        assert "@everyone" not in (page.description or "")


def test_poll_answers_fit_in_55_characters_and_keep_what_tells_dramas_apart() -> None:
    first = "The Extraordinarily Long Chronicles of the Moonlit Bakery: Part One"
    second = "The Extraordinarily Long Chronicles of the Moonlit Bakery: Part Two"
    one, two = answer_text(first, 2024), answer_text(second, 2024)
    assert len(one) <= 55 and len(two) <= 55
    assert one != two and one.endswith("Part One (2024)") and two.endswith("Part Two (2024)")
    assert one.startswith("The Extraordinarily Long Chronic") and "…" in one
    assert answer_text("Soundtrack #1", 2022) == "Soundtrack #1 (2022)"


def test_a_tmdb_cards_footer_says_tmdb_is_not_answering_only_after_a_failed_fetch() -> None:
    old = Drama(
        slug="tmdb-900001",
        title="Fixture",
        year=2024,
        episode_count=1,
        episode_minutes=60,
        sources=("TMDB",),
        tmdb_id=900001,
        fetched_at=NOW - timedelta(days=40),  # older than TMDB data is kept fresh
    )
    assert common.sources_line(old).startswith("Data: TMDB. ")
    failed = replace(old, unrefreshed=True)
    assert "fetched 20 January 2026; TMDB isn't answering" in common.sources_line(failed)
