"""`kdrama-bot try`: the real bot on a simulated server, printed in the terminal."""

from __future__ import annotations

import argparse
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bot import __main__ as entry
from bot.settings import Settings
from trial.slash_syntax import CommandSpec, OptionSpec, SyntaxProblem, parse

ROOT = Path(__file__).resolve().parents[1]

SCHEDULE = CommandSpec(
    "watchparty schedule",
    "Plan",
    (
        OptionSpec("title", "string", True),
        OptionSpec("start", "string", True),
        OptionSpec("remind", "integer", False),
        OptionSpec("private", "boolean", False),
    ),
)
COMMANDS = {
    "watchparty schedule": SCHEDULE,
    "drama": CommandSpec("drama", "Card", (OptionSpec("title", "string", True),)),
}


def test_values_run_until_the_next_option_and_quotes_are_optional() -> None:
    spec, values = parse('/watchparty schedule title:Soundtrack #1 start:"2026-12-05 20:00" remind:30', COMMANDS)
    assert spec is SCHEDULE
    assert values == {"title": "Soundtrack #1", "start": "2026-12-05 20:00", "remind": 30}
    _, values = parse("drama title:Soundtrack #1 (2022)", COMMANDS)
    assert values == {"title": "Soundtrack #1 (2022)"}
    _, values = parse("/watchparty schedule start:2026-12-05 20:00 title:x private:yes", COMMANDS)
    assert values == {"start": "2026-12-05 20:00", "title": "x", "private": True}


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("/dramas title:x", "There is no /dramas command"),
        ("/watchparty", "/watchparty needs one of: /watchparty schedule"),
        ("/drama name:x", "unknown option 'name'"),
        ("/drama Soundtrack", "'Soundtrack' is not an option:value pair"),
        ("/watchparty schedule title:x", "needs start"),
        ("/watchparty schedule title:x start:y remind:soon", "remind must be a whole number, not 'soon'"),
        ("/drama title:a title:b", "title is given twice"),
        ("", "Type a command"),
    ],
)
def test_bad_syntax_explains_itself_with_the_usage(line: str, message: str) -> None:
    with pytest.raises(SyntaxProblem) as caught:
        parse(line, COMMANDS)
    assert message in str(caught.value)
    if "option" in message or "needs start" in message or "twice" in message:
        assert "Usage: /" in str(caught.value)


def try_args(*line: str, **options: object) -> argparse.Namespace:
    defaults = {
        "line": list(line),
        "member": "you",
        "admin": False,
        "file": None,
        "database": None,
        "upgrade": False,
        "web": False,
    }
    defaults.update(options)
    return argparse.Namespace(**defaults)


async def run_try(capsys: pytest.CaptureFixture[str], *line: str, **options: object) -> tuple[int, str]:
    status = await entry.try_bot(Settings(), try_args(*line, **options))
    return status, capsys.readouterr().out


async def test_drama_prints_the_card(capsys: pytest.CaptureFixture[str]) -> None:
    status, out = await run_try(capsys, "/drama title:Soundtrack #1")
    assert status == 0
    assert "╭─ Soundtrack #1 (2022)" in out
    assert "▸ Episodes: 4 × 45 min" in out
    assert "▸ Leads: Park Hyung-Sik as Han Seon-Woo" in out
    assert "Traceback" not in out


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("/cast title:soundtrack 1", ["Seo In-Guk as Jay Jun", "Yoon Seo-Ah as Kim Seo-Yeon"]),
        ("/actor name:Sun-Woo", ["╭─ Park Hyung-Sik", "Soundtrack #1 (2022): Han Seon-Woo (lead)"]),
        ("/review title:Soundtrak #1", ["Ending (spoiler, episode 4+): [spoiler: The series ends happily"]),
        ("/rate title:Soundtrack #1 score:8.5 comment:lovely", ["⭐ you rated Soundtrack #1: 8.5/10 — “lovely”"]),
        ("/drama title:Nope", ["(only you can see this)", "couldn't find a drama called “Nope”"]),
    ],
)
async def test_each_command_prints_what_a_member_sees(
    capsys: pytest.CaptureFixture[str], line: str, expected: list[str]
) -> None:
    status, out = await run_try(capsys, line)
    for text in expected:
        assert text in out
    assert status == (1 if "Nope" in line else 0)


async def test_an_admin_plans_a_watch_party(capsys: pytest.CaptureFixture[str]) -> None:
    line = '/watchparty schedule title:Soundtrack #1 start:"2030-01-05 20:00" timezone:Europe/Berlin'
    status, out = await run_try(capsys, line, member="hana", admin=True)
    assert status == 0
    # shown in the reader's zone (DEFAULT_TIMEZONE, Asia/Seoul): 20:00 in Berlin is 04:00 there
    assert "Episode 1 · Sun 06 Jan 2030 04:00 KST" in out and "[button] Join" in out
    status, out = await run_try(capsys, line, member="alice")
    assert status == 1 and "You need the Manage Events permission" in out


async def test_a_script_runs_line_by_line_and_its_exit_code_says_if_all_passed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "good.txt"
    good.write_text(
        "# members vote, then look\n/rate title:Soundtrack #1 score:9\nas bob\n/rate title:Soundtrack #1 score:7\n"
        "/ratings show title:Soundtrack #1\n/ratings top\n"
    )
    status, out = await run_try(capsys, file=good)
    assert status == 0
    assert "bob › /rate title:Soundtrack #1 score:7" in out
    assert "8.0/10 from 2 votes · median 8.0" in out
    assert out.rstrip().endswith("5 commands run, 0 failed")

    bad = tmp_path / "bad.txt"
    bad.write_text("/drama title:Soundtrack #1\n/dramaa title:x\n/rate title:Soundtrack #1 score:11.5\n")
    status, out = await run_try(capsys, file=bad)
    assert status == 1
    assert "There is no /dramaa command" in out and "(line 2 failed)" in out
    assert out.rstrip().endswith("3 commands run, 2 failed")


async def test_a_missing_script_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status = await entry.try_bot(Settings(), try_args(file=tmp_path / "nope.txt"))
    assert status == 2
    assert "cannot read" in capsys.readouterr().err


async def test_a_real_database_is_used_and_never_upgraded_silently(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    database = tmp_path / "club.sqlite3"
    status, out = await run_try(capsys, "/rate title:Soundtrack #1 score:9", database=database)
    assert status == 0 and "will be created" in out
    with sqlite3.connect(database) as connection:
        assert connection.execute("SELECT half_points FROM votes").fetchall() == [(18,)]
        connection.execute("PRAGMA user_version = 1")
    status = await entry.try_bot(Settings(), try_args("/ratings top", database=database))
    err = capsys.readouterr().err
    assert status == 2 and "Pass --upgrade" in err


def run_cli(*args: str, stdin: str = "", env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {"PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT), "HOME": os.environ.get("HOME", "/tmp")}
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, *args], input=stdin, capture_output=True, text=True, timeout=120, check=False, env=environment
    )


def test_the_interactive_prompt_keeps_one_server(tmp_path: Path) -> None:
    session = "\n".join(
        [
            "help",
            "/rate title:Soundtrack #1 score:9",
            "as bob",
            "/rate title:Soundtrack #1 score:8",
            "/ratings show title:Soundtrack #1",
            "/bogus",
            "exit",
        ]
    )
    result = run_cli("-m", "bot", "try", stdin=session)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "/watchparty schedule title:<string> start:<string> [timezone:<string>]" in out
    assert "as NAME [admin]" in out
    assert "8.5/10 from 2 votes" in out
    assert "There is no /bogus command" in out
    assert "Traceback" not in out + result.stderr


def test_without_simcord_try_says_how_to_install_it() -> None:
    code = "import sys; sys.modules['simcord'] = None; from bot.__main__ import main; main(['try', '/drama title:x'])"
    result = run_cli("-c", code)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "kdrama-bot: kdrama-bot try needs simcord, the simulated Discord it runs the bot in. "
        'Install it with: pip install -e ".[try]"'
    )


def test_an_option_the_command_does_not_have_is_refused_not_glued_on() -> None:
    with pytest.raises(SyntaxProblem) as caught:
        parse("/watchparty schedule title:Soundtrack #1 start:2027-01-09 20:00 bogus:1", COMMANDS)
    assert str(caught.value).startswith("/watchparty schedule: unknown option 'bogus'.\nUsage: /watchparty schedule")
    _, values = parse("/drama title:Re: Life", COMMANDS)  # a colon and a space is part of a title
    assert values == {"title": "Re: Life"}
    _, values = parse('/drama title:"love:target"', COMMANDS)  # quotes keep a value as it is
    assert values == {"title": "love:target"}


async def test_a_database_keeps_the_club_between_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    database = tmp_path / "club.sqlite3"
    plan = "/watchparty schedule title:Soundtrack #1 start:2030-01-05 20:00"
    status, _ = await run_try(capsys, "/rate title:Soundtrack #1 score:9", database=database)
    assert status == 0
    status, _ = await run_try(capsys, plan, database=database, member="hana", admin=True)
    assert status == 0

    status, out = await run_try(capsys, "/ratings show title:Soundtrack #1", database=database)
    assert status == 0, out
    assert "9.0/10 from 1 vote" in out and "Your score: 9/10" in out  # the same server and the same member
    status, out = await run_try(capsys, "/watchparty list", database=database)
    assert status == 0 and "Soundtrack #1 · Episode 1 · Sun 06 Jan 2030 04:00 KST" not in out
    assert "Soundtrack #1 · Episode 1 · Sat 05 Jan 2030 20:00 KST" in out


async def test_buttons_menus_autocomplete_and_exports_can_be_tried(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    script = tmp_path / "club.txt"
    script.write_text(
        "choices /drama title:soun\n"
        "/watchparty schedule title:Soundtrack #1 start:2030-01-05 20:00\n"
        "click Join\n"
        "click Nope\n"
        "/watchparty export\n"
        "wait 1300d\n"
        "pick Rate episode 1 8.5\n"
        "/ratings export\n"
    )
    status, out = await run_try(capsys, file=script, member="hana", admin=True)
    assert "   1. Soundtrack #1 (2022)" in out
    assert "You're going! I'll remind you before each of the 4 upcoming parties." in out
    assert "✗ Nothing shown so far has a 'Nope' button; run a command that shows it first." in out
    assert "  │ BEGIN:VCALENDAR" in out and "more lines" in out
    assert "[menu] Rate episode 1: 10, 9.5" in out
    assert "Saved: 8.5/10 for Soundtrack #1, episode 1." in out
    assert "  │ drama,drama_id,episode,member_id,member,score,comment,updated_at" in out
    assert status == 1 and out.rstrip().endswith("8 commands run, 1 failed")


async def test_try_says_plainly_that_tmdb_is_off(capsys: pytest.CaptureFixture[str]) -> None:
    status, out = await run_try(capsys, "/drama title:Soundtrack #1")
    assert status == 0
    assert "TMDB look-ups are off (TMDB_TOKEN is not set)" in out


async def test_try_looks_titles_up_on_tmdb_when_a_token_is_set(capsys: pytest.CaptureFixture[str]) -> None:
    from pydantic import SecretStr

    from tests.tmdb_fake import TOKEN, FakeTmdb, start

    fake = FakeTmdb()
    runner = await start(fake)
    try:
        settings = Settings(tmdb_token=SecretStr(TOKEN), tmdb_api_url=fake.url)
        status = await entry.try_bot(settings, try_args("/drama title:Fixture Courtroom"))
        out = capsys.readouterr().out
    finally:
        await runner.cleanup()
    assert status == 0
    assert f"TMDB look-ups are on: titles the catalog lacks are looked up live at {fake.url}" in out
    assert "╭─ Fixture Courtroom (2023)" in out
    assert TOKEN not in out


async def test_try_shows_a_poll_and_its_result(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    settings = two_dramas(tmp_path)
    script = tmp_path / "pick.txt"
    script.write_text(
        "/suggest title:Soundtrack #1\n/suggest title:Moonlit Test Drama\n/pick choices:2 hours:1\nwait 2h\n"
    )
    status = await entry.try_bot(settings, try_args(file=script, member="hana", admin=True))
    out = capsys.readouterr().out
    assert status == 0
    assert "[poll] What do we watch next?, ends in 60 minutes" in out
    assert "    1. Soundtrack #1 (2022)\n    2. Moonlit Test Drama (2021)" in out
    assert "🗳️ Nobody voted in the poll" in out


def two_dramas(tmp_path: Path, *, airing: bool = False) -> Settings:
    """A catalog of Soundtrack #1 and an invented drama, which airs from tomorrow if ``airing``."""
    from datetime import date, timedelta

    from tests.factories import drama_toml, with_soundtrack

    first_air = date.today() + timedelta(days=1) if airing else None
    moon = drama_toml("Moonlit Test Drama", 2021, first_air=first_air)
    return Settings(catalog_dir=with_soundtrack(tmp_path, {"moon": moon}))


async def run_script(tmp_path: Path, capsys: pytest.CaptureFixture[str], lines: str, settings: Settings) -> str:
    script = tmp_path / "script.txt"
    script.write_text(lines)
    await entry.try_bot(settings, try_args(file=script, member="hana", admin=True))
    return capsys.readouterr().out


async def test_members_vote_in_the_poll_and_see_the_club_pick(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = await run_script(
        tmp_path,
        capsys,
        "/suggest title:Soundtrack #1\n/suggest title:Moonlit Test Drama\n/pick hours:1\n"
        "vote 1\nvote 5\nas jun\nvote moonlit\nas min\nvote 2\nwait next\nvote 1\n",
        two_dramas(tmp_path),
    )
    assert "    (vote with: vote NUMBER)" in out
    assert "hana voted for Soundtrack #1 (2022)." in out
    assert "✗ The poll offers 1. Soundtrack #1 (2022); 2. Moonlit Test Drama (2021); vote with a number." in out
    assert "jun voted for Moonlit Test Drama (2021)." in out
    assert "later, to the poll's end" in out
    assert "🏆 The club picked Moonlit Test Drama (2021) (2 votes)!" in out
    assert "✗ The newest poll has ended; its results are above." in out
    assert "Traceback" not in out


async def test_the_plan_form_is_filled_in_and_a_changed_button_is_answered_in_words(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = await run_script(
        tmp_path,
        capsys,
        "/suggest title:Soundtrack #1\n/suggest title:Moonlit Test Drama\n/pick hours:1\nvote 1\nwait next\n"
        "fill Time zone=Asia/Seoul\nclick Plan watch parties\nfill Start=2027-01-09 20:00\n"
        "fill First party=2027-01-09 20:00; first=2027-01-10 20:00\n"
        "fill First party=2027-01-09 20:00; Time zone=Europe/Paris\n"
        "click Plan watch parties\nclick Planned\n",
        two_dramas(tmp_path),
    )
    assert "✗ No form is open; a button such as Plan watch parties opens one." in out
    assert "Drama Club opens a form: Plan watch parties" in out
    assert "  [field] First party (YYYY-MM-DD HH:MM): (e.g. 2027-01-09 20:00)" in out
    assert "  [field] Time zone: Asia/Seoul" in out
    assert "✗ The form has no field 'Start'; its fields are First party (YYYY-MM-DD HH:MM), Time zone." in out
    assert "✗ First party (YYYY-MM-DD HH:MM) is given twice; give each field once." in out
    assert "🎬 4 watch parties for Soundtrack #1 (2022):" in out
    assert "the host planned 20:00 Europe/Paris" in out
    assert (
        "✗ The bot has changed that message since: it no longer has a 'Plan watch parties' button; "
        "it has Planned (greyed out) now." in out
    )
    assert "✗ The 'Planned' button is greyed out: Discord does not let anyone press it." in out
    assert "Traceback" not in out


async def test_roles_and_channels_are_named_and_every_channels_posts_are_shown(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = await run_script(
        tmp_path,
        capsys,
        "wait 9999w\n/follow add title:Moonlit Test Drama role:Nobody\n"
        "/follow add title:Moonlit Test Drama channel:#announcements role:@drama fans time:21:00\n"
        "wait next\n",
        two_dramas(tmp_path, airing=True),
    )
    assert "✗ Wait at most ten years at a time (wait 520w), and again after it if you like." in out
    assert "✗ There is no role 'Nobody' here; the server has @Club admin, @Drama fans." in out
    assert "Drama Club in #announcements:" in out
    assert "@Drama fans" in out
    assert "Episode 1" in out
    assert "Traceback" not in out


async def test_tmdbs_time_limit_holds_while_the_simulated_clock_stands_still(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from pydantic import SecretStr

    from bot import tmdb
    from tests.tmdb_fake import TOKEN, FakeTmdb, start

    monkeypatch.setattr(tmdb, "TIMEOUT", 0.5)
    fake = FakeTmdb(delay=3.0)  # real seconds, far past the limit: answering would show the card
    runner = await start(fake)
    try:
        settings = Settings(tmdb_token=SecretStr(TOKEN), tmdb_api_url=fake.url)
        status = await entry.try_bot(settings, try_args("/drama title:Fixture Courtroom"))
        out = capsys.readouterr().out
    finally:
        await runner.cleanup()
    assert status == 1  # the look-up failed
    assert "TMDB is too slow to answer right now; try again in a minute." in out
    assert "Fixture Courtroom (2023)" not in out


async def test_waiting_stops_at_the_end_of_the_simulated_calendar(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from datetime import date

    from trial import sandbox

    monkeypatch.setattr(sandbox, "LAST_YEAR", date.today().year + 1)
    status, out = await run_try(capsys, "wait 520w")
    assert status == 1
    assert f"✗ The simulated calendar stops at the year {date.today().year + 1}; the club will not get further." in out
    assert "Traceback" not in out
