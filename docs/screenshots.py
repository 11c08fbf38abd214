"""Make the README's pictures of the real bot, from ``kdrama-bot try --web`` in a real browser.

    .venv/bin/python docs/screenshots.py [FOLDER]     (default: docs/images)

It needs the test install (``pip install -r requirements/test.txt -e .``, for playwright) and
Debian's ``chromium``; ``fonts-noto-cjk`` draws the Korean titles. Each picture is one PNG under
200 KB. The poll needs two dramas and the catalog holds one, so the second is invented for the
picture and says so; it is never added to ``data/``.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.browser import browser_missing, launch, message, slash, view_as, web_trial  # noqa: E402
from tests.factories import drama_toml, with_soundtrack  # noqa: E402

PICTURES = ("drama-card.png", "watch-party-plan.png", "poll.png", "poll-result.png")
MAX_BYTES = 200_000
EXAMPLE = "An Example Drama"  # the invented second choice of the poll


def picture_catalog(work: Path, folder: Path) -> Path:
    """The pictures' folder, and a catalog of Soundtrack #1 and the invented example."""
    folder.mkdir(parents=True, exist_ok=True)
    plot = "Invented for this picture: the catalog needs a second drama for a poll."
    return with_soundtrack(work / "dramas", {"example": drama_toml(EXAMPLE, 2025, plot=plot)})


async def make(folder: Path) -> list[Path]:
    """Run the scenario in a browser and write :data:`PICTURES` into ``folder``."""
    from playwright.async_api import Locator, Page, async_playwright, expect

    async def picture(page: Page, name: str, *parts: Locator) -> None:
        """One PNG of the page's area that holds ``parts``, with a margin."""
        boxes = [box for part in parts if (box := await part.bounding_box()) is not None]
        left, top = min(b["x"] for b in boxes) - 8, min(b["y"] for b in boxes) - 8
        right = max(b["x"] + b["width"] for b in boxes) + 8
        bottom = max(b["y"] + b["height"] for b in boxes) + 8
        clip = {"x": left, "y": top, "width": right - left, "height": bottom - top}
        await page.mouse.move(0, 0)  # no hover controls in the picture
        await page.screenshot(path=folder / name, clip=clip, animations="disabled")

    with tempfile.TemporaryDirectory(prefix="drama-club-pictures-") as work:
        catalog = picture_catalog(Path(work), folder)
        async with web_trial(catalog, Path(work) / "club.sqlite3") as trial, async_playwright() as playwright:
            browser = await launch(playwright)
            page = await browser.new_page(viewport={"width": 1000, "height": 2400})
            await page.goto(trial.preview.url)

            await slash(page, "drama", title="Soundtrack…")
            card = message(page, "Soundtrack #1 (2022)")
            await expect(card.locator(".embed-title")).to_be_visible()
            await picture(page, "drama-card.png", card)

            await slash(page, "suggest", title="Soundtrack…")
            await slash(page, "suggest", title="Example…")
            await expect(message(page, f"suggested {EXAMPLE}")).to_be_visible()
            await view_as(page, "admin")
            await slash(page, "pick")
            poll = message(page, "What do we watch next?")
            await poll.get_by_text("Soundtrack #1 (2022)").click()
            await poll.get_by_role("button", name="Vote").click()
            await expect(poll).to_contain_text("1 vote")
            await view_as(page, "you")
            poll = message(page, "What do we watch next?")
            await poll.get_by_text("Soundtrack #1 (2022)").click()
            await poll.get_by_role("button", name="Vote").click()
            await expect(poll).to_contain_text("2 votes")
            await picture(page, "poll.png", poll)

            await slash(page, "clock", ahead="next…")
            result = message(page, "The club picked Soundtrack #1 (2022)")
            await expect(result).to_be_visible(timeout=15_000)
            await picture(page, "poll-result.png", message(page, "What do we watch next?"), result)

            await view_as(page, "admin")
            await message(page, "The club picked").get_by_role("button", name="Plan watch parties").click()
            dialog = page.get_by_role("dialog")
            await dialog.get_by_label("First party").fill("2027-01-09 20:00")
            await dialog.get_by_role("button", name="Submit").click()
            plan = message(page, "4 watch parties for Soundtrack #1 (2022)")
            await expect(plan).to_be_visible()
            await view_as(page, "you")
            plan = message(page, "4 watch parties for Soundtrack #1 (2022)")
            await plan.get_by_role("button", name="Join").click()
            going = message(page, "You're going!")
            await expect(going).to_be_visible()
            await picture(page, "watch-party-plan.png", plan, going)
            await browser.close()
    made = [folder / name for name in PICTURES]
    too_big = [f"{path.name}: {path.stat().st_size:,} bytes" for path in made if path.stat().st_size > MAX_BYTES]
    if too_big:
        raise SystemExit(f"pictures over {MAX_BYTES:,} bytes: " + "; ".join(too_big))
    return made


def main() -> None:
    missing = browser_missing()
    if missing is not None:
        raise SystemExit(missing)
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "images"
    for path in asyncio.run(make(folder)):
        print(f"{path}: {path.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
