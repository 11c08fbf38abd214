"""Planning a series without Discord: gaps from air dates, time zones and daylight saving."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.catalog import load_catalog_dir, parse_drama_text
from bot.errors import UserError
from bot.schedule import check_remind, plan_series
from bot.settings import DEFAULT_CATALOG_DIR
from bot.times import parse_start, suggest_timezones, zone
from tests.factories import drama_toml

SOUNDTRACK = next(d for d in load_catalog_dir(DEFAULT_CATALOG_DIR) if d.slug == "soundtrack-1")


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def test_soundtrack_1_becomes_four_weekly_parties() -> None:
    parties = plan_series(SOUNDTRACK, datetime(2026, 1, 10, 20, 0), ZoneInfo("Asia/Seoul"), episodes_per_party=1)
    assert [p.starts_at for p in parties] == [
        utc(2026, 1, 10, 11),
        utc(2026, 1, 17, 11),
        utc(2026, 1, 24, 11),
        utc(2026, 1, 31, 11),
    ]
    assert [p.ends_at for p in parties] == [
        utc(2026, 1, 10, 12),
        utc(2026, 1, 17, 12),
        utc(2026, 1, 24, 12),
        utc(2026, 1, 31, 12),
    ]
    assert [p.episodes_label for p in parties] == ["Episode 1", "Episode 2", "Episode 3", "Episode 4"]


def test_two_episodes_a_party_keep_the_gap_between_their_first_episodes() -> None:
    parties = plan_series(SOUNDTRACK, datetime(2026, 1, 10, 20, 0), ZoneInfo("Asia/Seoul"), episodes_per_party=2)
    assert [p.starts_at for p in parties] == [utc(2026, 1, 10, 11), utc(2026, 1, 24, 11)]
    assert parties[0].ends_at == utc(2026, 1, 10, 12, 45)  # 2 x 45 minutes + 15
    assert [p.episodes_label for p in parties] == ["Episodes 1–2", "Episodes 3–4"]


def test_a_weekly_party_keeps_its_wall_time_across_the_us_dst_switch() -> None:
    # US clocks go forward on Sunday 8 March 2026.
    parties = plan_series(SOUNDTRACK, datetime(2026, 3, 4, 20, 0), ZoneInfo("America/New_York"), episodes_per_party=1)
    assert [p.starts_at for p in parties] == [
        utc(2026, 3, 5, 1),
        utc(2026, 3, 12, 0),
        utc(2026, 3, 19, 0),
        utc(2026, 3, 26, 0),
    ]
    local = [p.starts_at.astimezone(ZoneInfo("America/New_York")).strftime("%H:%M") for p in parties]
    assert local == ["20:00"] * 4


def test_a_weekly_party_keeps_its_wall_time_across_the_eu_dst_switch() -> None:
    # EU clocks go forward on Sunday 29 March 2026 and back on 25 October 2026.
    spring = plan_series(SOUNDTRACK, datetime(2026, 3, 25, 20, 0), ZoneInfo("Europe/Berlin"), episodes_per_party=1)
    assert [p.starts_at for p in spring][:2] == [utc(2026, 3, 25, 19), utc(2026, 4, 1, 18)]
    autumn = plan_series(SOUNDTRACK, datetime(2026, 10, 21, 20, 0), ZoneInfo("Europe/Berlin"), episodes_per_party=1)
    assert [p.starts_at for p in autumn][:2] == [utc(2026, 10, 21, 18), utc(2026, 10, 28, 19)]


def test_episodes_that_aired_the_same_day_are_watched_back_to_back() -> None:
    text = drama_toml("Double Bill", 2020, episodes=4, minutes=60)
    for number, day in [(1, "2020-01-06"), (2, "2020-01-06"), (3, "2020-01-13"), (4, "2020-01-13")]:
        text += f"[[episodes]]\nnumber = {number}\nair_date = {day}\n"
    drama = parse_drama_text(text, "double.toml")
    parties = plan_series(drama, datetime(2026, 2, 2, 19, 0), ZoneInfo("UTC"), episodes_per_party=1)
    assert [p.starts_at for p in parties] == [
        utc(2026, 2, 2, 19),
        utc(2026, 2, 2, 20, 15),
        utc(2026, 2, 9, 19),
        utc(2026, 2, 9, 20, 15),
    ]


def test_without_air_dates_parties_are_weekly() -> None:
    drama = parse_drama_text(drama_toml("No Dates", 2020, episodes=3), "n.toml")
    parties = plan_series(drama, datetime(2026, 2, 2, 19, 0), ZoneInfo("UTC"), episodes_per_party=1)
    assert [p.starts_at.day for p in parties] == [2, 9, 16]


@pytest.mark.parametrize("text", ["next friday", "2026-13-01 20:00", "2026-02-30 20:00", "2026-01-01", "20:00"])
def test_unreadable_starts_are_refused(text: str) -> None:
    with pytest.raises(UserError, match="YYYY-MM-DD HH:MM"):
        parse_start(text)


def test_starts_are_read_with_a_space_or_a_t() -> None:
    assert parse_start("2026-12-05 20:00") == parse_start("2026-12-05T20:00") == datetime(2026, 12, 5, 20, 0)
    with pytest.raises(UserError, match=r"^Type the start as `YYYY-MM-DD HH:MM`"):
        parse_start("\u200b")
    with pytest.raises(UserError, match="I couldn't read the start “tomorrow”"):
        parse_start("tomorrow")


def test_time_zones() -> None:
    assert zone("Asia/Seoul").key == "Asia/Seoul"
    assert zone("seoul").key == zone("asia/SEOUL").key == zone("KST").key == "Asia/Seoul"
    with pytest.raises(UserError, match="Did you mean `Asia/Seoul`"):
        zone("Asia/Seo")
    with pytest.raises(UserError, match="not a time zone I know"):
        zone("Mars/Olympus")
    for invisible in ("\u200b", "🎵", "  "):  # nothing to quote back: what to type instead
        with pytest.raises(UserError, match=r"^Type a time zone: an IANA name such as `Asia/Seoul`"):
            zone(invisible)
    assert suggest_timezones("new york")[0] == "America/New_York"
    assert len(suggest_timezones("a")) == 25


def test_out_of_range_values_are_refused() -> None:
    with pytest.raises(UserError, match="between 1 and 4"):
        plan_series(SOUNDTRACK, datetime(2026, 1, 10, 20), ZoneInfo("UTC"), episodes_per_party=5)
    with pytest.raises(UserError, match="from 0 to 1440"):
        check_remind(1441)
    assert check_remind(0) == 0


def test_event_room_names_the_episodes_per_party_that_fits_or_says_to_free_some() -> None:
    from bot.schedule import check_event_room

    check_event_room(needed=16, taken=84, episode_count=16, episodes_per_party=1)  # exactly fits
    with pytest.raises(UserError, match=r"room for 5\. With `episodes_per_party:4` it needs 4\.$"):
        check_event_room(needed=16, taken=95, episode_count=16, episodes_per_party=1)
    with pytest.raises(UserError, match=r"room for 0\. Cancel or finish some events first\.$"):
        check_event_room(needed=16, taken=100, episode_count=16, episodes_per_party=1)
    with pytest.raises(UserError, match=r"room for 1\. Cancel or finish some events first\.$"):
        check_event_room(needed=2, taken=99, episode_count=16, episodes_per_party=None)  # a repeated plan
