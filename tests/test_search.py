"""Search without Discord: folding, romanizations, fuzzy picks."""

from __future__ import annotations

import marshal
import random
import string
import sys
import unicodedata
from collections.abc import Callable, Iterable

import pytest
from rapidfuzz import fuzz

from bot.catalog import parse_drama_text
from bot.folding import fold, fold_name, fold_names, has_key
from bot.search import (
    EXACT,
    SUGGEST_CUTOFF,
    Indexes,
    PeopleIndex,
    TitleIndex,
    _KeyIndex,
    _lengths_that_can_match,
    pick,
    title_entry,
)
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


def test_has_key_says_whether_a_name_folds_to_anything_without_folding_ascii() -> None:
    """Validation checks actors' names with it: it must agree with folding on every character."""
    samples = [*map(chr, range(128)), "???", " -- ", "Han So-Hee", "？？", "한소희", "½", "—", "_"]
    for text in samples:
        assert has_key(text) == bool(fold_name(text)), repr(text)


def test_folding_many_names_together_folds_each_as_alone() -> None:
    """The people index folds every name at once, joined by line breaks; no fold may cross one."""
    names = [
        "Han Seon-Woo",
        "",
        "\u0301Eun-Soo",  # a combining accent first: it must not join the name before it
        "Lee Jun-Ho\u0300",
        "한소희",
        "\u1100",  # a leading Hangul consonant: composes with a following vowel, never across names
        "\u1161ga",
        "ＦＵＬＬ Ｗｉｄｔｈ",
        "Straße",
        "snake_case",
        "???",
        "Ahn Hyo-Seop",
    ]
    assert fold_names(names) == [fold_name(name) for name in names]
    ascii_only = [name for name in names if name.isascii()]
    assert fold_names(ascii_only) == [fold_name(name) for name in ascii_only]
    with_a_break = [*names, "Kim\nSoo"]  # a name with a line break of its own
    assert fold_names(with_a_break) == [fold_name(name) for name in with_a_break]
    assert fold_names([]) == []


def test_no_character_folds_to_a_line_break() -> None:
    """What :func:`bot.folding.fold_names` relies on, checked for every character there is."""
    folding = [chr(c) for c in range(sys.maxunicode + 1) if c != 10 and not 0xD800 <= c <= 0xDFFF]
    changed = [text for text in folding if "\n" in unicodedata.normalize("NFKC", text).casefold()]
    assert changed == []


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


def test_indexes_read_back_from_their_state_answer_every_query_as_built() -> None:
    """What a restart reads from the catalog cache finds the same dramas and people, in the same
    order, as the indexes built from the files: exact, prefix and fuzzy, titles and names."""
    names = ["Kim Min-Jun", "Lee Ji-Eun", "Park Min-Jun", "Han So-Hee", "Choi Woo-Shik", "Kim Min-Ji"]
    dramas = [
        parse_drama_text(
            drama_toml(
                f"Moon River {n}" if n % 2 else f"Star Garden {n}",
                2000 + n,
                aliases=[f"Song of the Sea {n}"] if n % 3 == 0 else [],
                cast=[(names[n % 6], f"Hero {n}", "lead"), (names[(n + 1) % 6], "Friend", "supporting")],
            ),
            f"{n}.toml",
        )
        for n in range(12)
    ]
    dramas.append(parse_drama_text((DEFAULT_CATALOG_DIR / "soundtrack-1.toml").read_text(), "s.toml"))
    built = Indexes.build(dramas)
    thawed = Indexes.thaw(dramas, [marshal.loads(marshal.dumps(part)) for part in built.state()])

    assert thawed.titles.ordered == built.titles.ordered and thawed.titles.dramas == built.titles.dramas
    assert thawed.people.ordered_keys == built.people.ordered_keys
    for query in ["moon", "moon river 3", "mon rivr 5", "star", "garden 4", "sea", "song of the sea 6", "soundtrack"]:
        for prefix in (False, True):
            assert thawed.titles.scores(query, limit=8, prefix=prefix) == built.titles.scores(
                query, limit=8, prefix=prefix
            ), query
    for query in ["min", "Min-Jun", "kim minjun", "Hero 7", "friend", "So-Hee", "Sun-Woo", "parc min jun"]:
        for prefix in (False, True):
            assert thawed.people.scores(query, limit=8, prefix=prefix) == built.people.scores(
                query, limit=8, prefix=prefix
            ), query
    for key in built.people.ordered_keys:
        assert thawed.people.person(key) == built.people.person(key)


def test_a_state_that_does_not_fit_the_dramas_is_refused() -> None:
    dramas = [parse_drama_text(drama_toml(f"Show {n}", 2010 + n), f"{n}.toml") for n in range(3)]
    state = list(Indexes.build(dramas).state())
    with pytest.raises(ValueError, match="describes 3 dramas, not 2"):
        Indexes.thaw(dramas[:2], state)
    with pytest.raises(ValueError, match="ends too early"):
        Indexes.thaw(dramas, state[:-1])
    with pytest.raises(ValueError, match="more parts than the indexes"):
        Indexes.thaw(dramas, [*state, None])


def test_only_keys_of_a_length_that_can_reach_the_suggestion_cutoff_are_left_out() -> None:
    """The fuzzy scan skips keys by length alone: none of them could have scored."""
    for query in range(1, 41):
        shortest, longest = _lengths_that_can_match(query)
        for key in range(1, 121):
            best_possible = 200 * min(query, key) / (query + key)  # every character in common
            if best_possible >= SUGGEST_CUTOFF:
                assert shortest <= key <= longest, (query, key)


def _best(
    scored: list[tuple[float, str]], owners_of: Callable[[str], Iterable[str]], limit: int
) -> list[tuple[str, float]]:
    """What a member is shown of keys scored best first: their owners, each at its best score,
    the best ``limit`` (of equal scores, the one found first)."""
    best: dict[str, float] = {}
    for score, key in scored:
        for owner in owners_of(key):
            best.setdefault(owner, score)
    return sorted(best.items(), key=lambda item: -item[1])[:limit]


def _shown(scores: dict[str, float], limit: int) -> list[tuple[str, float]]:
    return sorted(scores.items(), key=lambda item: -item[1])[:limit]


_WORDS = ["moon", "river", "hotel", "del", "luna", "사랑", "별", "crash", "landing", "on", "you", "Ünï", "1"]


def _title_entries(rng: random.Random) -> list[tuple[str, str, tuple[str, ...]]]:
    names = sorted({" ".join(rng.choices(_WORDS, k=rng.randint(1, 6))) for _ in range(600)})
    # a few owners with many titles, so that one owner is found through several keys
    return [title_entry(f"d{number % 450}", name) for number, name in enumerate(names)]


def _queries(rng: random.Random, keys: list[str]) -> list[str]:
    queries = [fold(" ".join(rng.choices(_WORDS, k=rng.randint(1, 5)))) for _ in range(300)]
    return queries + [
        key[:cut] + "x" + key[cut + 1 :] for key in rng.sample(keys, 100) for cut in [rng.randrange(len(key))]
    ]


def test_the_fuzzy_scan_finds_what_scoring_every_key_finds() -> None:
    """Against scoring every whole key in the order they were given: the same best owners with
    the same scores, in the same order (of equal scores, the shorter key's first)."""
    rng = random.Random(5)
    entries = _title_entries(rng)
    index = _KeyIndex(entries)
    keys = list(dict.fromkeys(whole for _, whole, _ in entries if whole))
    for query in _queries(rng, keys):
        scored = [(fuzz.ratio(query, key), len(key), place, key) for place, key in enumerate(keys)]
        kept = sorted((s for s in scored if s[0] >= SUGGEST_CUTOFF), key=lambda s: (-s[0], s[1], s[2]))
        expected = _best([(score, key) for score, _, _, key in kept[: 5 * 3]], index.exact, 5)
        assert _shown(index.fuzzy(query, 5), 5) == expected, query


def test_autocomplete_scores_the_word_starts_that_begin_with_the_querys_first_letter() -> None:
    """Autocomplete's fuzzy pass, against scoring every word start of every title that begins
    as the query does: the same best owners with the same scores, in the same order."""
    rng = random.Random(6)
    entries = _title_entries(rng)
    index = _KeyIndex(entries)
    owners: dict[str, dict[str, None]] = {}
    for owner, _, starts in entries:
        for start in starts:
            owners.setdefault(start, {})[owner] = None
    keys = sorted(owners)
    for query in _queries(rng, keys):
        scored = [(fuzz.ratio(query, key), key) for key in keys if key[0] == query[0]]
        kept = sorted((s for s in scored if s[0] >= SUGGEST_CUTOFF), key=lambda s: -s[0])
        expected = _best(kept[: 5 * 3], lambda key: owners[key], 5)
        assert _shown(index.fuzzy_same_start(query, 5), 5) == expected, query


def test_a_name_many_people_share_is_scored_without_naming_them_all() -> None:
    """A given name with a hundred owners: the best owners are the ones scoring every name
    finds, and the scan names no more than it shows."""
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
    keys = people._keys
    for query in ["susu", "susi", "minji", "jisa", "hna", "kimsusu4"]:
        every = sorted(
            ((fuzz.ratio(query, key), key) for key in keys._prefix_keys if key[0] == query[0]),
            key=lambda s: -s[0],
        )
        kept = [s for s in every if s[0] >= SUGGEST_CUTOFF][: 25 * 3]
        found = keys.fuzzy_same_start(query, 25)
        expected = _best(kept, keys.exact, 25)
        assert _shown(found, 25) == expected, query
        assert len(found) == len(expected), query  # "susu" alone is the given name of 102
