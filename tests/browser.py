"""Driving ``kdrama-bot try --web`` in a real browser: Debian's chromium through playwright.

Used by ``tests/test_web.py`` and by ``docs/screenshots.py``, which makes the README's pictures.
"""

from __future__ import annotations

import asyncio
import io
import os
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from bot.settings import Settings
from bot.storage import Storage
from trial.sandbox import Sandbox
from trial.web import WebTrial

if TYPE_CHECKING:
    from playwright.async_api import Browser, Locator, Page, Playwright

# The flags a browser needs on a machine with no network and no screen (and, as root, no sandbox).
CHROMIUM_FLAGS = [
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
NO_BROWSER = "NO BROWSER"  # starts the reason of every browser test skipped for want of one


def chromium_path() -> str | None:
    """Where Chromium is: ``CHROMIUM_PATH``, else the first of Debian's and others' names on PATH."""
    if os.environ.get("CHROMIUM_PATH"):
        return os.environ["CHROMIUM_PATH"] if Path(os.environ["CHROMIUM_PATH"]).is_file() else None
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def browser_missing() -> str | None:
    """Why no browser test can run here, or None when one can."""
    try:
        import playwright  # noqa: F401
    except ImportError:
        return f"{NO_BROWSER}: playwright is not installed (pip install -r requirements/test.txt)"
    if chromium_path() is None:
        return f"{NO_BROWSER}: no Chromium found (Debian: apt-get install chromium; or set CHROMIUM_PATH to one)"
    return None


async def launch(playwright: Playwright) -> Browser:
    flags = [*CHROMIUM_FLAGS, *(["--no-sandbox"] if hasattr(os, "geteuid") and os.geteuid() == 0 else [])]
    return await playwright.chromium.launch(executable_path=chromium_path(), args=flags)


@asynccontextmanager
async def web_trial(catalog_dir: Path, database: Path) -> AsyncIterator[WebTrial]:
    """``kdrama-bot try --web`` in this process, its page served until the block ends."""
    settings = Settings(catalog_dir=catalog_dir, database_path=database)
    async with Storage.open(database) as storage:
        sandbox = Sandbox(settings, storage, io.StringIO())
        trial = WebTrial(sandbox, io.StringIO())
        await trial.start()
        serving = asyncio.create_task(trial.serve(open_browser=False))
        try:
            await trial.ready.wait()
            yield trial
        finally:
            await trial.preview.close()
            await serving
            await sandbox.close()


async def slash(page: Page, command: str, **options: str) -> None:
    """Run a slash command from the page's composer. An option's value ending in ``…`` is typed
    and its first autocomplete suggestion chosen; any other is typed as it is."""
    box = page.locator("#channel-composer-input")
    await box.click()
    await box.type("/" + command)
    await page.locator(".command-entry", has_text="/" + command).first.click()
    for name, value in options.items():
        field = page.locator(f'input.command-option-input[data-option="{name}"]')
        await field.click()
        await field.type(value.removesuffix("…"))
        if value.endswith("…"):
            await page.locator(".command-suggestion").first.click()
    await page.locator("#send-message").click()


async def view_as(page: Page, viewer: str) -> None:
    """Switch the page's "Viewing as" to another of the sandbox's members."""
    await page.select_option("#viewer-picker", label=viewer)
    await page.wait_for_function(
        "name => document.querySelector('#viewer-picker').selectedOptions[0]?.textContent === name", arg=viewer
    )


def message(page: Page, text: str) -> Locator:
    """The newest message on the page that shows ``text``."""
    return page.locator(".channel-message", has_text=text).last
