"""Search without Discord: folding, romanizations, fuzzy picks."""

from __future__ import annotations

import random
import string

import pytest

from bot.catalog import parse_drama_text
from bot.folding import fold, fold_name
from bot.search import EXACT, PeopleIndex, TitleIndex, pick
from bot.settings import DEFAULT_CATALOG_DIR
from tests.factories import drama_toml


@pytest.mark.parametrize(
    "text", ["Soundtrack #1", "soundtrack 1", "SOUNDTRACK#1", "  Sound-track 1 ", "ＳＯＵＮＤＴＲＡＣＫ１"]
)
def test_titles_fold_to_one_key(text: str) -> None:
    assert fold(text) == "soundtrack1"


def test_hangul_survives_folding() -> None:
    assert fold("사운드트랙 #1") == "사운드트랙1"


def test_folding_keeps_exactly_letters_and_digits_of_every_script() -> None:
    """The quick path for ASCII text and the pattern for the rest drop the same characters."""
    every_ascii = "".join(map(chr, range(128)))
    assert fold(every_ascii) == "0123456789" + string.ascii_lowercase * 2  # capitals, then small letters
    assert fold("Ünïcode_ß—ﬁ Straße ½") == "ünïcodessfistrasse12"
    assert fold("Crème brûlée") == fold("Cre\u0300me bru\u0302le\u0301e") == "crèmebrûlée"


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
        assert [index.person(k).name for k in meant] == [actor], query  # type: ignore[union-attr]


def test_title_index_prefix_and_fuzzy() -> None:
    dramas = [parse_drama_text(drama_toml(f"Moon Story {n}", 2000 + n), f"{n}.toml") for n in range(10)]
    index = TitleIndex.build(dramas)
    scores = index.scores("moon story 3", limit=5)
    assert max(scores, key=lambda k: scores[k]) == "moon-story-3-2003"
    prefixed = index.scores("moon", limit=25, prefix=True)
    assert len(prefixed) == 10


def test_an_actor_in_several_dramas_has_every_role_newest_first() -> None:
    dramas = [
        parse_drama_text(
            drama_toml(
                f"Show {n}",
                2010 + n,
                cast=[("Lee Ji-Eun", "Friend", "supporting"), ("Kim Min-Jun", f"Hero {n}", "lead")],
            ),
            f"{n}.toml",
        )
        for n in range(3)
    ]
    index = PeopleIndex.build(dramas)
    person = index.person(fold_name("kim minjun"))
    assert person is not None and person.name == "Kim Min-Jun"
    assert [(r.drama.title, r.member.character, r.member.role) for r in person.roles] == [
        ("Show 2", "Hero 2", "lead"),
        ("Show 1", "Hero 1", "lead"),
        ("Show 0", "Hero 0", "lead"),
    ]
    meant, _ = pick(index.scores("Hero 1", limit=5))  # a character finds the actor who plays it
    assert meant == [fold_name("Kim Min-Jun")]
    assert "nobody" not in index and index.person("nobody") is None


def test_autocomplete_forgives_a_typo_in_any_word_but_the_first_letter() -> None:
    dramas = [
        parse_drama_text(drama_toml(title, 2020), f"{n}.toml")
        for n, title in enumerate(["Moon River", "Hotel del Luna", "Crash Landing on You"])
    ]
    index = TitleIndex.build(dramas)
    assert "moon-river-2020" in index.scores("rivr", limit=25, prefix=True)  # a later word, mistyped
    assert "moon-river-2020" not in index.scores("noon river", limit=25, prefix=True)  # the first letter
    meant, _ = pick(index.scores("noon river", limit=8))  # the command itself still finds it
    assert meant == ["moon-river-2020"]


def test_a_given_name_many_people_share_offers_the_best_twenty_five() -> None:
    rng = random.Random(7)
    given = ["Su-Su", "Min-Ji", "Ji-Su", "Ha-Na", "Seo-Yeon"]
    surnames = [a + b + c for a in "BDGKMNPRST" for b in "aeiou" for c in "mnk"]
    names = list(dict.fromkeys(f"{rng.choice(surnames)} {rng.choice(given)}" for _ in range(900)))
    people = PeopleIndex.build(
        [
            parse_drama_text(drama_toml(f"Show {n}", 2000 + n % 25, cast=[(name, f"Role {n}", "lead")]), f"{n}.toml")
            for n, name in enumerate(names)
        ]
    )
    sharing = {fold_name(name) for name in names if name.endswith(" Su-Su")}
    assert len(sharing) > 25
    offered = people.scores("susu", limit=25, prefix=True)
    best = sorted(offered, key=lambda key: -offered[key])[:25]
    assert set(best) <= sharing and {offered[key] for key in best} == {EXACT}  # the given name, exactly
    assert sharing <= set(offered)


def test_names_folded_together_fold_as_each_alone() -> None:
    from bot.folding import fold_name, fold_names

    names = ["Han Seon-Woo", "박형식", "Ｆｕｌｌ　Ｗｉｄｔｈ", "e\u0301tienne", "\u0301mark first", ""]
    names += ["two\nlines", "_x_", "Choi Woo-shik"]
    assert fold_names(names) == [fold_name(name.replace("\n", " ")) for name in names]
    assert fold_names([]) == []


def test_the_people_index_is_built_once_at_its_first_use() -> None:
    from bot.search import Indexes

    dramas = [parse_drama_text(drama_toml("Moon River", 2021), "moon.toml")]
    indexes = Indexes.build(dramas)
    assert list(indexes.titles.dramas) == ["moon-river-2021"]
    first = indexes.people
    assert first is indexes.people
    assert first.person(fold_name("Kim Min-Jun")) is not None
