"""Search without Discord: folding, romanizations, fuzzy picks."""

from __future__ import annotations

import pytest

from bot.catalog import parse_drama_text
from bot.search import EXACT, PeopleIndex, TitleIndex, fold, fold_name, pick
from bot.settings import DEFAULT_CATALOG_DIR
from tests.factories import drama_toml


@pytest.mark.parametrize(
    "text", ["Soundtrack #1", "soundtrack 1", "SOUNDTRACK#1", "  Sound-track 1 ", "ＳＯＵＮＤＴＲＡＣＫ１"]
)
def test_titles_fold_to_one_key(text: str) -> None:
    assert fold(text) == "soundtrack1"


def test_hangul_survives_folding() -> None:
    assert fold("사운드트랙 #1") == "사운드트랙1"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Han So-Hee", "han sohee"),
        ("Han So-Hee", "Hansohee"),
        ("Sun-Woo", "Seon-Woo"),
        ("Eun-Soo", "Eun-Su"),
        ("Park Hyung-Sik", "Park Hyeong-Sik"),
    ],
)
def test_romanizations_meet(a: str, b: str) -> None:
    assert fold_name(a) == fold_name(b)


def test_pick_takes_a_clear_winner_and_otherwise_suggests() -> None:
    assert pick({"a": EXACT, "b": 90.0}) == (["a"], [])
    assert pick({"a": 92.0, "b": 60.0}) == (["a"], [])
    assert pick({"a": 90.0, "b": 88.0}) == ([], ["a", "b"])
    assert pick({"a": 70.0}) == ([], ["a"])
    assert pick({}) == ([], [])


def test_people_index_finds_actors_by_character_and_given_name() -> None:
    text = (DEFAULT_CATALOG_DIR / "soundtrack-1.toml").read_text()
    index = PeopleIndex.build([parse_drama_text(text, "s.toml")])
    for query, actor in [
        ("Sun-Woo", "Park Hyung-Sik"),
        ("Eun-Soo", "Han So-Hee"),
        ("hansohee", "Han So-Hee"),
    ]:
        meant, _ = pick(index.scores(query, limit=5))
        assert [index.people[k].name for k in meant] == [actor], query


def test_title_index_prefix_and_fuzzy() -> None:
    dramas = [parse_drama_text(drama_toml(f"Moon Story {n}", 2000 + n), f"{n}.toml") for n in range(10)]
    index = TitleIndex.build(dramas)
    scores = index.scores("moon story 3", limit=5)
    assert max(scores, key=lambda k: scores[k]) == "moon-story-3-2003"
    prefixed = index.scores("moon", limit=25, prefix=True)
    assert len(prefixed) == 10
