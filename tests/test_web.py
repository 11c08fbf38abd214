"""``kdrama-bot try --web`` in a real headless browser: Debian's chromium, driven by playwright."""

from __future__ import annotations

import asyncio
import importlib.util
import os
import signal
import struct
import subprocess
import sys
from pathlib import Path

import aiohttp
import pytest

from tests.browser import browser_missing, launch, message, slash, view_as, web_trial
from tests.factories import drama_toml, with_soundtrack

ROOT = Path(__file__).resolve().parents[1]


def two_dramas(folder: Path) -> Path:
    return with_soundtrack(folder, {"moon": drama_toml("Moonlit Test Drama", 2021)})


async def test_a_member_and_an_admin_use_the_page_in_a_real_browser(tmp_path: Path) -> None:
    missing = browser_missing()
    if missing is not None:
        pytest.skip(missing)
    from playwright.async_api import async_playwright, expect

    database = tmp_path / "club.sqlite3"
    async with web_trial(two_dramas(tmp_path / "dramas"), database) as trial, async_playwright() as playwright:
        browser = await launch(playwright)
        page = await browser.new_page(viewport={"width": 1100, "height": 900})
        await page.goto(trial.preview.url)

        # A member runs /drama from the composer, its title chosen from autocomplete, and sees the card.
        await slash(page, "drama", title="Sound…")
        card = message(page, "Soundtrack #1 (2022)")
        await expect(card.locator(".embed-title")).to_have_text("Soundtrack #1 (2022)")
        await expect(card.locator(".embed-field", has_text="Episodes")).to_contain_text("4 × 45 min")

        # Two suggestions; the admin starts a poll; the member votes in it.
        await slash(page, "suggest", title="Sound…")
        await expect(message(page, "suggested Soundtrack #1")).to_be_visible()
        await slash(page, "suggest", title="Moonlit…")
        await expect(message(page, "suggested Moonlit Test Drama")).to_be_visible()
        await view_as(page, "admin")
        await slash(page, "pick")
        poll = message(page, "What do we watch next?")
        await expect(poll).to_be_visible()
        await view_as(page, "you")
        poll = message(page, "What do we watch next?")
        await poll.get_by_text("Moonlit Test Drama (2021)").click()
        await poll.get_by_role("button", name="Vote").click()
        await expect(poll).to_contain_text("1 vote")

        # The page's clock runs to the poll's end, and the club's pick is announced.
        await slash(page, "clock", ahead="next…")
        result = message(page, "The club picked Moonlit Test Drama (2021)")
        await expect(result).to_be_visible(timeout=15_000)

        # A member may not plan; the admin fills in the Plan form.
        await view_as(page, "admin")
        result = message(page, "The club picked Moonlit Test Drama (2021)")
        await result.get_by_role("button", name="Plan watch parties").click()
        dialog = page.get_by_role("dialog")
        await dialog.get_by_label("First party").fill("2027-01-09 20:00")
        await dialog.get_by_role("button", name="Submit").click()
        await expect(message(page, "16 watch parties for Moonlit Test Drama (2021)")).to_be_visible()

        # The member presses Join on the plan: the RSVP is answered and stored.
        await view_as(page, "you")
        await message(page, "16 watch parties for Moonlit Test Drama").get_by_role("button", name="Join").click()
        await expect(message(page, "You're going!")).to_contain_text("16 upcoming parties")
        await browser.close()

        rows = await trial.sandbox.storage.fetchall("SELECT user_id FROM series_members")
        assert [row[0] for row in rows] == [trial.sandbox.members["you"].id]


async def test_try_web_prints_its_address_serves_the_page_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "try",
        "--web",
        "--no-browser",
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None
    lines = []
    while not any("http://127.0.0.1:" in line for line in lines):
        line = (await asyncio.wait_for(process.stdout.readline(), 60)).decode()
        assert line, "try --web ended before printing its address"
        lines.append(line)
    url = next(word for line in lines for word in line.split() if word.startswith("http://127.0.0.1:"))
    assert "#" in url  # the page's key: anyone with the address can act on the page
    async with aiohttp.ClientSession() as session, session.get(url.split("#")[0]) as answer:
        assert answer.status == 200
        assert "<html" in await answer.text()
    process.send_signal(signal.SIGINT)
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 0, err.decode()
    assert "Stopped." in out.decode()
    assert "Traceback" not in err.decode() + out.decode()


async def test_the_readme_pictures_are_made_by_the_documented_script(tmp_path: Path) -> None:
    missing = browser_missing()
    if missing is not None:
        pytest.skip(missing)
    spec = importlib.util.spec_from_file_location("screenshots", ROOT / "docs" / "screenshots.py")
    assert spec is not None and spec.loader is not None
    screenshots = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(screenshots)

    made = await screenshots.make(tmp_path)

    readme = (ROOT / "README.md").read_text()
    for path in made:
        data = path.read_bytes()
        assert data.startswith(b"\x89PNG\r\n\x1a\n"), path.name
        width, height = struct.unpack(">II", data[16:24])
        assert 200 <= width <= 1000 and 100 <= height <= 2400, (path.name, width, height)
        assert len(data) < 200_000, (path.name, len(data))
        assert f"docs/images/{path.name}" in readme, f"the README does not show {path.name}"
        assert (ROOT / "docs" / "images" / path.name).is_file(), f"docs/images/{path.name} is not committed"
