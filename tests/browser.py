"""A real browser for the dashboard's tests: Debian's Chromium (``/usr/bin/chromium``),
driven by Playwright's Python package; Playwright's own browser downloads are never used.

Without Chromium the browser tests are skipped on a developer's machine, saying how to
install it, and FAIL under CI (CI=true): there ``.ci/run`` installs it first, so a missing
browser is a broken run, not a quiet one.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from playwright.async_api import (
    BrowserContext,
    Locator,
    Page,
    ViewportSize,
    async_playwright,
    expect,
)
from playwright.async_api import TimeoutError as PlaywrightTimeoutError

CHROMIUM = os.environ.get("DASHBOARD_CHROMIUM", "/usr/bin/chromium")
INSTALL = "sudo apt-get install -y chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE: ViewportSize = {"width": 360, "height": 740}


def chromium_or_skip() -> str:
    found = CHROMIUM if Path(CHROMIUM).is_file() else shutil.which("chromium")
    if found:
        return found
    message = f"no Chromium at {CHROMIUM}: install Debian's package ({INSTALL})"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{message}; .ci/run installs it, so under CI this is a failure")
    pytest.skip(message)


@asynccontextmanager
async def browser_context(
    profile: Path, *, dark: bool = False, init_script: str | None = None
) -> AsyncIterator[BrowserContext]:
    """A fresh headless Chromium profile at phone width: Playwright's BrowserContext."""
    executable = chromium_or_skip()
    async with async_playwright() as playwright:
        context = await playwright.chromium.launch_persistent_context(
            str(profile),
            executable_path=executable,
            headless=True,
            args=ARGS,
            viewport=PHONE,
            color_scheme="dark" if dark else "light",
            accept_downloads=True,
        )
        try:
            if init_script is not None:
                await context.add_init_script(init_script)
            yield context
        finally:
            await context.close()


async def shows(where: Locator, *texts: str) -> None:
    """Each of ``texts`` is in ``where``'s innerText, as ``text in inner_text()`` would say,
    but retried (expect()) until the page it is about is there. A pattern, not a string:
    Playwright collapses whitespace before matching a string, never before a pattern."""
    for text in texts:
        await expect(where).to_contain_text(re.compile(re.escape(text)), use_inner_text=True)


async def lacks(where: Locator, text: str) -> None:
    """``where`` is there and ``text`` is not in its innerText, likewise (a negative passes
    at its first read: make sure of the page first). Without the first check a missing
    ``where`` would pass, where ``inner_text()`` waited for it."""
    await expect(where).to_be_attached()
    await expect(where).not_to_contain_text(re.compile(re.escape(text)), use_inner_text=True)


def exactly(text: str) -> re.Pattern[str]:
    """For expect()'s to_have_text: the innerText ``text``, no more (whitespace too)."""
    return re.compile(f"^{re.escape(text)}$")


async def overflows(page: Page) -> int:
    """How many pixels the page is wider than the screen (0: no horizontal scrolling)."""
    width = await page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    return int(width)


async def fits_the_screen(page: Page, why: str = "") -> None:
    """Fail unless the page, loaded (styled), is no wider than the screen. Retried as
    Playwright's expect() is, and for as long (5 s): a live session's page reloads itself
    every 10 s, and a page reached by a click may still be loading, where a one-off
    evaluate would have its context destroyed or measure an unstyled page."""
    try:
        await page.wait_for_function(
            "() => document.readyState === 'complete'"
            " && document.documentElement.scrollWidth <= window.innerWidth",
            timeout=5_000,
        )
    except PlaywrightTimeoutError:
        pytest.fail(f"the page is {await overflows(page)} px wider than the screen {why}")
