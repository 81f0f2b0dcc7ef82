"""A real browser for the dashboard's tests: Debian's Chromium (``/usr/bin/chromium``),
driven by Playwright's Python package; Playwright's own browser downloads are never used.

Without Chromium the browser tests are skipped on a developer's machine, saying how to
install it, and FAIL under CI (CI=true): there ``.ci/run`` installs it first, so a missing
browser is a broken run, not a quiet one.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from playwright.async_api import BrowserContext, Page, ViewportSize, async_playwright

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


async def overflows(page: Page) -> int:
    """How many pixels the page is wider than the screen (0: no horizontal scrolling)."""
    width = await page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    return int(width)
