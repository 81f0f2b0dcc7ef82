"""The dashboard in a real browser (headless Chromium, Debian's, at a phone's 360 px): a
moderator signs in with the link from /dashboard, opens the group and its session, reads
the item analysis and a long typed answer in full, sorts the grid, opens a member,
downloads the CSV (the same bytes as /export's), and no page scrolls sideways; dark mode;
the link works once; the Mini App signs in with initData as Telegram's client hands it over
(and refuses a forged or stale one); a demoted moderator loses the group."""

from __future__ import annotations

import asyncio
import json
import os
import re
import time
from pathlib import Path

import pytest
from playwright.async_api import Page, expect

from bot.rights_cache import RightsCache
from bot.web.dashboard.auth import sign_init_data
from tests.actors import Moderator, value
from tests.browser import browser_context, exactly, fits_the_screen, lacks, shows
from tests.conftest import TOKEN
from tests.dashboard_support import LONG_ANSWER, dashboard_bot, run_session, signin_link
from tests.standin import BotApiStandIn, ChatMember

pytestmark = pytest.mark.slow  # a browser starts in each: a few seconds apiece

# Where to keep the phone-width screenshots (docs/ for the README's): DASHBOARD_SHOTS=docs.
SHOTS = os.environ.get("DASHBOARD_SHOTS")


async def _shot(page: Page, folder: Path, name: str) -> None:
    await page.screenshot(path=str(Path(SHOTS or folder) / name), full_page=True)


async def test_a_moderator_reads_a_session_on_a_phone(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    async with dashboard_bot(standin, tmp_path) as dash:
        await run_session(dash.group)
        link = await signin_link(standin, dash.group)
        async with browser_context(tmp_path / "profile") as browser:
            page = await browser.new_page()
            await page.goto(link)
            # The link signs in, then lands home.
            await expect(page).to_have_url(re.compile(r"/dashboard/$"))
            await fits_the_screen(page)
            await page.get_by_role("link", name="Room <A>").click()
            await page.get_by_role("link", name="Dash <lesson> & co").click()
            # The session runs: its pages reload themselves (every 10 s), and a click
            # waits for its navigation to begin, not to finish. So each read is expect(),
            # retried until the page it is about shows it.
            main = page.locator("main")
            await shows(main, "Participants")
            await fits_the_screen(page)
            await page.get_by_role("link", name="Questions").click()
            # A typed answer is shown whole.
            await shows(main, "Facility: 75% right", "Facility: 33% right", LONG_ANSWER)
            await expect(page.locator("svg.bar").nth(4)).to_be_attached()  # 5 bars or more
            await fits_the_screen(page)
            await _shot(page, tmp_path, "dashboard-questions.png")
            await page.get_by_role("link", name="Students").click()
            await page.locator("#sort-score").click()
            names = page.locator("table.grid tbody th")
            await expect(page.locator("#sort-score")).to_have_attribute("aria-current", "true")
            await expect(names).to_have_text(rows_of("M0", "M1", "M3", "M2"), use_inner_text=True)
            await page.locator("#sort-name").click()
            await expect(page.locator("#sort-name")).to_have_attribute("aria-current", "true")
            await expect(names).to_have_text(rows_of("M0", "M1", "M2", "M3"), use_inner_text=True)
            first_row = page.locator("table.grid tbody tr").first
            await shows(first_row, "✓", "A")  # M0: right, and Agree's initial
            await fits_the_screen(page, "(only the grid's own box scrolls)")
            await _shot(page, tmp_path, "dashboard-students.png")
            await page.get_by_role("link", name="M0").click()
            await shows(main, "word119")
            await page.get_by_role("link", name="Overview").click()
            async with page.expect_download() as waiting:
                await page.get_by_role("link", name="Answers (CSV)").click()
            download = await waiting.value
            downloaded = await asyncio.to_thread(Path(await download.path()).read_bytes)
        # /export of the same session, delivered in Telegram: the same file.
        dash.group.says(dash.group.admin, "/export csv")
        await dash.group.reads()  # "sent to you privately"
        exported = await Moderator(standin, dash.group).reads()
        assert exported.document is not None
        assert downloaded == exported.document.data


async def test_dark_mode_and_a_link_used_twice(standin: BotApiStandIn, tmp_path: Path) -> None:
    async with dashboard_bot(standin, tmp_path) as dash:
        await run_session(dash.group)
        link = await signin_link(standin, dash.group)
        async with browser_context(tmp_path / "dark", dark=True) as browser:
            page = await browser.new_page()
            await page.goto(link)
            await expect(page.locator("body")).to_have_css("background-color", "rgb(18, 18, 18)")
        async with browser_context(tmp_path / "light") as browser:
            page = await browser.new_page()
            await page.goto(link)  # the same link in another browser
            main = page.locator("main")
            await shows(main, "has been used already")
            await expect(page.locator("body")).to_have_css("background-color", "rgb(255, 255, 255)")
            await page.goto(f"{dash.base}/dashboard/g/{dash.group.chat.id}")
            await shows(main, "Send /dashboard to the bot")


def rows_of(*names: str) -> list[re.Pattern[str]]:
    """The grid's rows' names, each exactly (all_inner_texts() == names, retried)."""
    return [exactly(name) for name in names]


def _telegram_script(init_data: str) -> str:
    """What Telegram's own script leaves for the page: window.Telegram.WebApp.initData."""
    return f"window.Telegram = {{WebApp: {{initData: {json.dumps(init_data)}}}}};"


async def test_mini_app_signs_in_with_init_data(standin: BotApiStandIn, tmp_path: Path) -> None:
    async with dashboard_bot(standin, tmp_path) as dash:
        await run_session(dash.group)
        admin = dash.group.admin
        user = json.dumps({"id": admin.id, "first_name": admin.first_name})
        fields = {"auth_date": str(int(time.time())), "query_id": "AAE1", "user": user}
        group_page = f"{dash.base}/dashboard/g/{dash.group.chat.id}"
        script = _telegram_script(sign_init_data(fields, TOKEN))
        async with browser_context(tmp_path / "app", init_script=script) as browser:
            page = await browser.new_page()
            await page.goto(group_page)
            await page.wait_for_selector("text=Dash <lesson> & co")
            await shows(page.locator("header"), "Signed in as Ada")
        forged = sign_init_data(fields, "987654321:AAHanotherBotsTokenXXXXXXXXXXXXXXXX")
        stale = sign_init_data({**fields, "auth_date": str(int(time.time()) - 3601 - 60)}, TOKEN)
        for name, init_data in (("forged", forged), ("stale", stale)):
            async with browser_context(
                tmp_path / name, init_script=_telegram_script(init_data)
            ) as browser:
                page = await browser.new_page()
                await page.goto(group_page)
                await page.wait_for_selector("#signin-refused", state="visible")
                await lacks(page.locator("main"), "Dash <lesson>")
        # Telegram's clients hand initData in the address's fragment (tgWebAppData).
        from urllib.parse import quote

        fragment = "#tgWebAppData=" + quote(sign_init_data(fields, TOKEN)) + "&tgWebAppVersion=8.0"
        async with browser_context(tmp_path / "fragment") as browser:
            page = await browser.new_page()
            await page.goto(group_page + fragment)
            await page.wait_for_selector("text=Dash <lesson> & co")
            # The signed data leaves the address.
            await expect(page).not_to_have_url(re.compile("tgWebAppData"))


async def test_a_demoted_moderator_loses_the_group(standin: BotApiStandIn, tmp_path: Path) -> None:
    async with dashboard_bot(standin, tmp_path) as dash:
        await run_session(dash.group)
        dash.application.bot_data.rights = RightsCache(ttl=0.05)  # a minute, made short
        link = await signin_link(standin, dash.group)
        async with browser_context(tmp_path / "profile") as browser:
            page = await browser.new_page()
            await page.goto(link)
            await page.get_by_role("link", name="Room <A>").click()
            main = page.locator("main")
            await shows(main, "Dash <lesson> & co")
            admin = dash.group.admin
            dash.group.chat.members[admin.id] = ChatMember(admin, "member")
            await asyncio.sleep(0.1)
            await page.reload()
            await shows(main, "You do not moderate this group")
            await page.goto(f"{dash.base}/dashboard/")
            await shows(main, "You moderate no group")
            await lacks(main, "Room <A>")


async def test_mini_app_in_telegrams_web_client_frame(
    standin: BotApiStandIn, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Telegram's web client shows the Mini App in a frame of another site, where Chromium
    neither keeps nor sends the SameSite=Lax cookie: the framed page signs in with initData,
    keeps its session in the frame and reads page after page (links, then the grid's sort)
    by POSTs carrying it; no cookie is kept. The stand-in for web.telegram.org is a page on
    another site (localhost against 127.0.0.1), allowed to frame the dashboard here."""
    from urllib.parse import quote

    from aiohttp import web

    from bot.web.dashboard import pages
    from tests.webhook_support import free_port

    async with dashboard_bot(standin, tmp_path) as dash:
        await run_session(dash.group)
        port = free_port()
        monkeypatch.setattr(pages, "CSP", pages.CSP + f" http://localhost:{port}")
        admin = dash.group.admin
        user = json.dumps({"id": admin.id, "first_name": admin.first_name})
        fields = {"auth_date": str(int(time.time())), "query_id": "AAE1", "user": user}
        fragment = "#tgWebAppData=" + quote(sign_init_data(fields, TOKEN)) + "&tgWebAppVersion=8.0"
        app_url = f"{dash.base}/dashboard/g/{dash.group.chat.id}{fragment}"

        async def client(_: web.Request) -> web.Response:
            return web.Response(
                text=f'<!doctype html><iframe src="{app_url}" width="360" height="700"></iframe>',
                content_type="text/html",
            )

        telegram = web.Application()
        telegram.router.add_get("/", client)
        runner = web.AppRunner(telegram)
        await runner.setup()
        await web.TCPSite(runner, "localhost", port).start()
        try:
            async with browser_context(tmp_path / "web") as browser:
                page = await browser.new_page()
                await page.goto(f"http://localhost:{port}/")
                frame = page.frame_locator("iframe")
                await frame.get_by_role("link", name="Dash <lesson> & co").click()
                await frame.get_by_role("link", name="Questions").click()
                await frame.locator("text=Facility: 75% right").wait_for()
                await frame.get_by_role("link", name="Students").click()
                await frame.locator("#sort-score").click()
                # A click waits for the top frame's navigations only: this frame's POST
                # may not even have begun, and the grid sorted by name is still there.
                # Wait for what only the page sorted by score shows (retried, as a page
                # may be left or reloaded meanwhile), never for what both show.
                await expect(frame.locator("#sort-score")).to_have_attribute("aria-current", "true")
                rows = frame.locator("table.grid tbody th")
                await expect(rows).to_have_text(["M0", "M1", "M3", "M2"])
                await expect(frame.locator("header")).to_contain_text("Signed in as Ada")
                cookies = await browser.cookies()
                assert not [c for c in cookies if c["name"] == "dashboard_session"]
                await frame.get_by_role("button", name="Sign out").click()
                await frame.locator("text=Send /dashboard to the bot").wait_for()
        finally:
            await runner.cleanup()
        assert int(value(tmp_path, "SELECT COUNT(*) FROM dashboard_sessions")) == 0


async def test_a_debate_before_and_after_on_a_phone(standin: BotApiStandIn, tmp_path: Path) -> None:
    """Issue 14's results at a phone's width: the split before → after with its bars, who
    moved, the other side apart, the digest the group was shown; nothing scrolls sideways."""
    from tests.test_dashboard_discussion import LESSON, MEMBERS, run_debate

    async with dashboard_bot(standin, tmp_path, lesson=LESSON, members=MEMBERS) as dash:
        await run_debate(dash.group)
        link = await signin_link(standin, dash.group)
        async with browser_context(tmp_path / "debate") as browser:
            page = await browser.new_page()
            await page.goto(link)
            await page.get_by_role("link", name="Room <A>").click()
            await page.get_by_role("link", name="Shift <talk>").click()
            await page.get_by_role("link", name="Questions").click()
            # The session runs: its pages reload themselves (every 10 s), and a click
            # waits for its navigation to begin, not to finish: each read is expect().
            stand = page.locator("#q-stand")
            await shows(stand, "2 moved from Disagree to Agree")
            await shows(stand, "Argued by those who chose Agree", "it costs too much")
            await shows(stand, "Shared with the group", "Disagree: 1")
            await expect(page.locator("#q-stand svg.bar.shift")).to_have_count(3)
            await fits_the_screen(page)
            await _shot(page, tmp_path, "dashboard-debate.png")
            await page.get_by_role("link", name="Students").click()
            await page.get_by_role("link", name="Bo", exact=True).click()
            await shows(page.locator("main"), "Before reading: Should we do it?")
            await fits_the_screen(page)
