"""Catalog files: the shipped drama holds the seed's facts; every bad file names field and problem."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.catalog import (
    CatalogError,
    Episode,
    check_unique,
    load_catalog_dir,
    parse_drama_bytes,
    parse_drama_text,
)
from bot.settings import DEFAULT_CATALOG_DIR
from tests.factories import drama_toml

MINIMAL = """
[drama]
title = "Test Drama"
year = 2020
episode_count = 2
episode_minutes = 60
sources = ["Made up for a test"]
"""
REVIEW = MINIMAL + "[review]\nsource = 'X'\nheadline = 'H'\nsummary = 'S'\nverdict = 'V'\n"


def test_soundtrack_1_has_every_fact_of_the_seed() -> None:
    (drama,) = [d for d in load_catalog_dir(DEFAULT_CATALOG_DIR) if d.slug == "soundtrack-1"]
    assert drama.title == "Soundtrack #1"
    assert drama.year == 2022
    assert drama.episode_count == 4 and drama.episode_minutes == 45
    assert [e.air_date for e in drama.episodes] == [
        date(2022, 3, 23),
        date(2022, 3, 30),
        date(2022, 4, 6),
        date(2022, 4, 13),
    ]
    assert all(e.minutes == 45 for e in drama.episodes)
    assert drama.cadence() == "weekly on Wednesdays"
    assert [(m.actor, m.character) for m in drama.cast] == [
        ("Park Hyung-Sik", "Han Seon-Woo"),
        ("Han So-Hee", "Lee Eun-Su"),
        ("Seo In-Guk", "Jay Jun"),
        ("Kim Jo-Hoon", "Kang Ul-Il"),
        ("Yoon Seo-Ah", "Kim Seo-Yeon"),
    ]
    assert [m.actor for m in drama.leads] == ["Park Hyung-Sik", "Han So-Hee"]
    assert "Sun-Woo" in drama.cast[0].character_aliases
    assert "Eun-Soo" in drama.cast[1].character_aliases
    assert {"Friends to lovers", "Living together"} <= set(drama.tropes)
    assert "twenty years" in drama.plot
    assert drama.review is not None and drama.review.source == "The Movie Culture"
    assert any("The Movie Culture" in s for s in drama.sources)
    topics = {p.topic for p in drama.review.points}
    assert {"Chemistry", "Pacing", "Cinematography", "Music"} <= topics
    ending = next(p for p in drama.review.points if p.topic == "Ending")
    assert ending.is_spoiler and ending.spoiler_from_episode == 4


def test_no_sentence_of_the_seed_article_is_copied() -> None:
    seed = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "soundtrack-1-review.txt"
    if not seed.exists():
        pytest.skip("../shared is not beside this checkout")
    ours = (DEFAULT_CATALOG_DIR / "soundtrack-1.toml").read_text().replace("\\\n", "").casefold()
    ours = " ".join(ours.split())
    import re

    sentences = [s.strip() for s in re.split(r"(?<=[.!?])\s+", seed.read_text()) if len(s.split()) >= 6]
    copied = [s for s in sentences if " ".join(s.casefold().split()).rstrip(".!?") in ours]
    assert copied == []


def test_a_minimal_file_gets_defaults() -> None:
    drama = parse_drama_text(MINIMAL, "test.toml")
    assert drama.slug == "test-drama-2020"
    assert [e.number for e in drama.episodes] == [1, 2]
    assert drama.episodes[0].minutes == 60 and drama.episodes[0].air_date is None
    assert drama.cast == () and drama.review is None and drama.cadence() is None


@pytest.mark.parametrize(
    ("text", "field", "problem"),
    [
        ("[drama\ntitle='x'", "", "is not valid TOML"),
        (MINIMAL.replace('title = "Test Drama"\n', ""), "drama.title", "is required"),
        (MINIMAL.replace("episode_count = 2", "episode_count = -3"), "drama.episode_count", "between 1 and"),
        (
            MINIMAL.replace("episode_count = 2", 'episode_count = "two"'),
            "drama.episode_count",
            "whole number",
        ),
        (MINIMAL.replace("year = 2020", "year = 1800"), "drama.year", "between 1950 and 2100"),
        (MINIMAL.replace('sources = ["Made up for a test"]', ""), "drama.sources", "at least one source"),
        ("titel = 'typo'\n" + MINIMAL, "titel", "not a known field"),
        (MINIMAL.replace("year = 2020", "year = 2020\nyaer = 2020"), "drama.yaer", "not a known field"),
        (MINIMAL.replace('"Test Drama"', '"' + "x" * 91 + '"'), "drama.title", "limit is 90"),
        (MINIMAL + "[[episodes]]\nnumber = 3\n", "episodes[0].number", "between 1 and 2"),
        (MINIMAL + "[[episodes]]\nnumber = 1\nair_date = 'soon'\n", "episodes[0].air_date", "a date like"),
        (
            MINIMAL + "[[episodes]]\nnumber = 1\n[[episodes]]\nnumber = 1\n",
            "episodes[1].number",
            "listed twice",
        ),
        (
            MINIMAL
            + "[[episodes]]\nnumber = 1\nair_date = 2020-02-01\n"
            + "[[episodes]]\nnumber = 2\nair_date = 2020-01-01\n",
            "episodes",
            "airs before",
        ),
        (MINIMAL + "[[cast]]\nactor = 'A'\n", "cast[0].character", "is required"),
        (MINIMAL + "[[cast]]\nactor = '???'\ncharacter = 'B'\n", "cast[0].actor", "must contain a letter or a digit"),
        (MINIMAL + "[[cast]]\nactor = ' -- '\ncharacter = 'B'\n", "cast[0].actor", "not '--' (leave out"),
        (MINIMAL + "[[cast]]\nactor = '？？'\ncharacter = 'B'\n", "cast[0].actor", "must contain a letter"),
        (MINIMAL + "[[cast]]\nactor = 'A'\ncharacter = 'B'\nrole = 'star'\n", "cast[0].role", "one of lead"),
        (MINIMAL + "[[cast]]\nactor = 'A'\ncharacter = 'B'\nrole = ['lead']\n", "cast[0].role", "must be text"),
        (MINIMAL + "[[cast]]\nactor = 'A'\ncharacter = 'B'\nnick = 'C'\n", "cast[0].nick", "not a known field"),
        (
            MINIMAL + "[[cast]]\nactor = 'A'\ncharacter = 'B'\nactor_aliases = [' ']\n",
            "cast[0].actor_aliases[0]",
            "non-empty text",
        ),
        (MINIMAL + "[[episodes]]\nnumber = true\n", "episodes[0].number", "whole number"),
        (MINIMAL + "[[episodes]]\nnumber = 1\ntitel = 'Typo'\n", "episodes[0].titel", "not a known field"),
        (MINIMAL + "[[episodes]]\nnumber = 1\nminutes = 0\n", "episodes[0].minutes", "between 1 and 600"),
        (MINIMAL + "[review]\nsource = 'X'\n", "review.headline", "is required"),
        (REVIEW + "rating = 9\n", "review.rating", "not a known field"),
        (REVIEW + "url = 5\n", "review.url", "must be text"),
        (REVIEW + "[[review.points]]\ntopic = 'T'\n", "review.points[0].text", "is required"),
        (
            REVIEW + "[[review.points]]\ntopic = 'T'\ntext = 'x'\nspoiler_from_episode = 3\n",
            "review.points[0].spoiler_from_episode",
            "between 1 and 2",
        ),
        (REVIEW + "points = 'all good'\n", "review.points", "list of tables"),
        (MINIMAL + "cast = 'everyone'\n", "drama.cast", "not a known field"),
        ("cast = 'everyone'\n" + MINIMAL, "cast", "list of tables"),
        ("title = 'Loose'\n", "drama", "is required"),
    ],
)
def test_each_kind_of_bad_file_names_the_field_and_the_problem(text: str, field: str, problem: str) -> None:
    with pytest.raises(CatalogError) as caught:
        parse_drama_text(text, "bad.toml")
    assert caught.value.source == "bad.toml"
    assert caught.value.field == field
    assert problem in caught.value.problem
    assert str(caught.value).startswith("bad.toml")


def test_files_that_are_too_big_or_not_text_are_refused() -> None:
    with pytest.raises(CatalogError, match="at most 1,000,000 bytes"):
        parse_drama_bytes(b"#" * 5_000_000, "huge.toml")
    with pytest.raises(CatalogError, match="not UTF-8 text"):
        parse_drama_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe", "picture.toml")


def test_a_toml_error_is_one_line_that_says_what_and_where() -> None:
    """tomllib's problem and its place, on one line, however long the broken line is."""
    long_line = 'plot = "' + "x" * 3000 + "\n"
    with pytest.raises(CatalogError) as caught:
        parse_drama_text(MINIMAL + long_line, "bad.toml")
    line = MINIMAL.count("\n") + 1
    assert caught.value.problem == f"is not valid TOML (Illegal character '\\n' at line {line}, column 3009)"
    with pytest.raises(CatalogError) as caught:
        parse_drama_text(MINIMAL + "year = 2021\n", "twice.toml")
    assert caught.value.problem.startswith("is not valid TOML (Cannot overwrite a value at line")
    assert "\n" not in caught.value.problem


def nested_arrays(depth: int) -> str:
    """A drama file whose plot is ``depth`` arrays inside each other (20 KB for 10,000)."""
    return MINIMAL + f"plot = {'[' * depth}{']' * depth}\n"


def test_arrays_nested_ten_thousand_deep_are_refused_with_the_files_name() -> None:
    with pytest.raises(CatalogError) as caught:
        parse_drama_text(nested_arrays(10_000), "deep.toml")
    assert str(caught.value) == "deep.toml: is not a drama file: its arrays or tables are nested too deeply"
    with pytest.raises(CatalogError, match=r"^shallow\.toml: drama\.plot: must be text, not a list$"):
        parse_drama_text(nested_arrays(50), "shallow.toml")


def test_a_folder_lists_its_visible_toml_files_in_name_order(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("Notes about the catalog")
    (tmp_path / "moon.toml.bak").write_text("an editor's backup, not a drama")
    (tmp_path / ".#moon.toml").symlink_to("editor@host.4242")  # Emacs's lock while moon.toml is edited
    (tmp_path / ".moon.toml.swp.toml").write_text("hidden, not a drama")
    (tmp_path / "moon.toml").write_text(drama_toml("Moon River", 2021))
    (tmp_path / "a-later-drama.toml").write_text(drama_toml("Autumn Letter", 2020))
    assert [d.title for d in load_catalog_dir(tmp_path)] == ["Autumn Letter", "Moon River"]

    (tmp_path / "moved.toml").symlink_to(tmp_path / "somewhere-else.toml")
    with pytest.raises(CatalogError, match=r"^moved\.toml: cannot be read \(No such file or directory\)$"):
        load_catalog_dir(tmp_path)
    with pytest.raises(CatalogError, match=r"is not a folder of drama files \(check CATALOG_DIR\)"):
        load_catalog_dir(tmp_path / "nowhere")


def test_two_dramas_with_one_title_need_different_years() -> None:
    first = parse_drama_text(MINIMAL, "a.toml")
    remake = parse_drama_text(MINIMAL.replace("2020", "2024"), "b.toml")
    check_unique([first, remake])
    twin = parse_drama_text(MINIMAL.replace('title = "Test Drama"', 'title = "Test Drama"\nid = "other"'), "c.toml")
    with pytest.raises(CatalogError, match=r"already described by a\.toml"):
        check_unique([first, twin])


def test_episodes_the_file_leaves_out_get_the_usual_runtime() -> None:
    text = MINIMAL.replace("episode_count = 2", "episode_count = 3") + (
        '[[episodes]]\nnumber = 2\nair_date = 2020-05-06\nminutes = 70\ntitle = "The Letter"\n'
    )
    drama = parse_drama_text(text, "test.toml")
    assert drama.episodes == (Episode(1, 60), Episode(2, 70, date(2020, 5, 6), "The Letter"), Episode(3, 60))
    assert drama.episode(2).title == "The Letter" and drama.first_air_date == date(2020, 5, 6)


def test_a_date_and_time_is_not_a_date() -> None:
    with pytest.raises(CatalogError) as caught:
        parse_drama_text(MINIMAL + "[[episodes]]\nnumber = 1\nair_date = 2020-05-06T21:00:00\n", "bad.toml")
    assert caught.value.field == "episodes[0].air_date"
    assert caught.value.problem == "must be a date like 2022-03-23, not a date and time (2020-05-06 21:00:00)"
    with pytest.raises(CatalogError, match=r"must be a whole number, not the decimal number 2\.5$"):
        parse_drama_text(MINIMAL.replace("episode_count = 2", "episode_count = 2.5"), "bad.toml")


def test_text_to_trim_and_dates_as_text_are_read_as_the_field_checks_read_them() -> None:
    """Surrounding spaces are trimmed, blank optional text is absent, and a date may be written as text."""
    loose = MINIMAL + (
        '[[episodes]]\nnumber = 2\ntitle = "  The Letter "\nair_date = "2020-05-06"\n'
        '[[episodes]]\nnumber = 1\ntitle = "   "\n'
        '[[cast]]\nactor = " Han So-Hee "\ncharacter = "Eun-Soo"\nrole = " lead "\nactor_aliases = [" Hanna "]\n'
        '[[cast]]\nactor = "Park Hyung-Sik"\ncharacter = "Seon-Woo"\nrole = ""\nnote = " a cameo, really "\n'
        '[review]\nsource = " A Magazine "\nheadline = "Sweet"\nsummary = "Short."\nverdict = "Yes "\nurl = "  "\n'
        '[[review.points]]\ntopic = "Ending"\ntext = " It ends. "\nspoiler_from_episode = 2\n'
    )
    plain = MINIMAL + (
        '[[episodes]]\nnumber = 2\ntitle = "The Letter"\nair_date = 2020-05-06\n'
        "[[episodes]]\nnumber = 1\n"
        '[[cast]]\nactor = "Han So-Hee"\ncharacter = "Eun-Soo"\nrole = "lead"\nactor_aliases = ["Hanna"]\n'
        '[[cast]]\nactor = "Park Hyung-Sik"\ncharacter = "Seon-Woo"\nnote = "a cameo, really"\n'
        '[review]\nsource = "A Magazine"\nheadline = "Sweet"\nsummary = "Short."\nverdict = "Yes"\n'
        '[[review.points]]\ntopic = "Ending"\ntext = "It ends."\nspoiler_from_episode = 2\n'
    )
    read = parse_drama_text(loose, "loose.toml")
    assert read == parse_drama_text(plain, "plain.toml")
    assert read.review is not None and read.review.url is None
    assert [(p.topic, p.text, p.spoiler_from_episode) for p in read.review.points] == [("Ending", "It ends.", 2)]
    assert [(e.number, e.title, e.air_date) for e in read.episodes] == [
        (1, None, None),
        (2, "The Letter", date(2020, 5, 6)),
    ]
    assert [(m.actor, m.role, m.actor_aliases, m.note) for m in read.cast] == [
        ("Han So-Hee", "lead", ("Hanna",), None),
        ("Park Hyung-Sik", "supporting", (), "a cameo, really"),
    ]
