"""The dashboard from Telegram's side: /dashboard's buttons (a Mini App button only for an
https URL, always the one-time link), a word when it is not switched on, /dashboard in a
group, the buttons under a report; and `python -m bot dashboard` alone against a database."""

from __future__ import annotations

import asyncio
import re
import sys
from pathlib import Path

import aiohttp

from tests.actors import Group, Moderator, settings_for, text
from tests.bot_process import clean_env
from tests.conftest import REPO, running_bot
from tests.dashboard_support import (
    DASH_LESSON,
    dashboard_bot,
    local_path,
    run_session,
    signed_in,
)
from tests.standin import BotApiStandIn
from tests.webhook_support import free_port


async def test_dashboard_buttons_with_an_https_url(standin: BotApiStandIn, tmp_path: Path) -> None:
    async with dashboard_bot(standin, tmp_path, url="https://dash.example.org") as dash:
        moderator = Moderator(standin, dash.group)
        moderator.says("/dashboard")
        reply = await moderator.reads()
        assert "Your dashboard" in text(reply) and "works once, for 10 minutes" in text(reply)
        (app,), (link,) = reply.buttons
        assert app.text == "📊 Open dashboard"
        assert app.raw["web_app"] == {"url": "https://dash.example.org/dashboard/"}
        assert link.url is not None
        assert link.url.startswith("https://dash.example.org/dashboard/signin?t=")
        async with aiohttp.ClientSession() as browser:
            response = await signed_in(browser, local_path(link.url, dash.base))
            assert response.status == 303
            assert "Secure" in response.headers["Set-Cookie"]  # an https dashboard
        # In a group: it works privately, and the group is told so.
        dash.group.says(dash.group.admin, "/dashboard")
        assert "/dashboard" in text(await dash.group.reads())
        # Under a report: the same buttons, the Mini App opening the group's page.
        await run_session(dash.group)
        dash.group.says(dash.group.admin, "/report")
        await dash.group.reads()  # "sent to you privately"
        messages = [await moderator.reads() for _ in range(3)]
        while not messages[-1].buttons:
            messages.append(await moderator.reads())
        under = messages[-1]
        assert "on the dashboard" in text(under)
        assert under.buttons[0][0].raw["web_app"] == {
            "url": f"https://dash.example.org/dashboard/g/{dash.group.chat.id}"
        }


async def test_http_dashboard_offers_only_the_link(standin: BotApiStandIn, tmp_path: Path) -> None:
    async with dashboard_bot(standin, tmp_path) as dash:
        moderator = Moderator(standin, dash.group)
        moderator.says("/dashboard")
        reply = await moderator.reads()
        assert [[b.text for b in row] for row in reply.buttons] == [["🔗 Sign in with a link"]]


async def test_dashboard_not_switched_on(standin: BotApiStandIn, tmp_path: Path) -> None:
    room = Group(standin)
    async with running_bot(settings_for(standin, tmp_path, DASH_LESSON)):
        moderator = Moderator(standin, room)
        moderator.says("/dashboard")
        reply = await moderator.reads()
        assert "not switched on" in text(reply) and "BOT_DASHBOARD_URL" in text(reply)
        assert not reply.buttons


async def test_the_dashboard_alone_against_a_database(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    async with dashboard_bot(standin, tmp_path) as dash:
        await run_session(dash.group)
        other = Group(standin, "Other room", admin="Bea", members=1)
        other.says(other.admin, "/begin")
        await other.reads()
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "dashboard",
        "--db",
        str(tmp_path / "bot.sqlite3"),
        "--listen",
        f"127.0.0.1:{port}",
        "--prompts",
        str(tmp_path / "prompts"),
        cwd=REPO,
        env=clean_env(),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        assert process.stdout is not None
        line = (await asyncio.wait_for(process.stdout.readline(), 30)).decode()
        found = re.search(r"open (http://\S+)", line)
        assert found is not None, line
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as browser:
            assert (await signed_in(browser, found.group(1))).status == 303
            async with browser.get(f"http://127.0.0.1:{port}/dashboard/") as response:
                home = await response.text()
            assert "Room &lt;A&gt;" in home and "Other room" in home  # the file's holder
            unit = f"http://127.0.0.1:{port}/dashboard/g/{dash.group.chat.id}/s/1/questions"
            async with browser.get(unit) as response:
                assert response.status == 200
                assert "because it helps" in await response.text()
            async with browser.get(f"http://127.0.0.1:{port}/healthz") as response:
                assert response.status == 404  # alone: no bot to check
            assert (await signed_in(browser, found.group(1))).status == 403  # used
    finally:
        process.terminate()
        code = await asyncio.wait_for(process.wait(), 30)
    assert code == 0
