"""The Mini App inside Telegram's web client, over HTTP: a cross-site frame keeps no
SameSite=Lax cookie, so a framed sign-in gets its session in the answer's body and the pages
are asked for by POSTs carrying it. The session works only in a POST's body (never in an
address, never as anyone else's), rights are checked as ever, a wrong or ended session gets
the sign-in page, and nothing of it is logged. The real browser's side:
tests/test_dashboard_browser.py::test_mini_app_in_telegrams_web_client_frame."""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path

import aiohttp
import pytest

from bot.web.dashboard.auth import sign_init_data
from tests.actors import Group
from tests.conftest import TOKEN
from tests.dashboard_support import dashboard_bot, run_session, signed_in, signin_link
from tests.standin import BotApiStandIn


def _jar() -> aiohttp.ClientSession:
    return aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))


async def _post(browser: aiohttp.ClientSession, url: str, session: str | None) -> tuple[int, str]:
    data = {"session": session} if session is not None else {}
    async with browser.post(url, data=data, allow_redirects=False) as response:
        return response.status, await response.text()


async def test_a_framed_mini_app_reads_pages_by_posting_its_session(
    standin: BotApiStandIn, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="bot")
    async with dashboard_bot(standin, tmp_path) as dash:
        await run_session(dash.group)
        admin = dash.group.admin
        user = json.dumps({"id": admin.id, "first_name": admin.first_name})
        fields = {"auth_date": str(int(time.time())), "query_id": "AAE1", "user": user}
        group = f"{dash.base}/dashboard/g/{dash.group.chat.id}"
        unit = f"{group}/s/{dash.walk_id}"
        other = Group(standin, "Other room", admin="Bea", members=1)
        other.says(other.admin, "/begin")
        await other.reads()
        async with _jar() as browser:
            async with browser.post(
                dash.base + "/dashboard/signin/webapp",
                data={"init_data": sign_init_data(fields, TOKEN), "frame": "1"},
                allow_redirects=False,
            ) as response:
                assert response.status == 200
                assert "Set-Cookie" not in response.headers
                assert response.headers["Cache-Control"] == "no-store"
                session = (await response.json())["session"]
            assert len(session) >= 40
            assert len(browser.cookie_jar) == 0  # nothing kept

            status, page = await _post(browser, group, session)
            assert status == 200 and "Dash &lt;lesson&gt; &amp; co" in page
            assert f'data-session="{session}"' in page and "data-posted" in page
            status, page = await _post(browser, unit, session)  # running: live
            assert status == 200 and 'data-refresh="10"' in page
            assert 'http-equiv="refresh"' not in page, "frame.js reloads it with the session"
            status, page = await _post(browser, unit + "/students?sort=score", session)
            assert status == 200 and page.index(">M0<") < page.index(">M2<")
            async with browser.post(unit + "/answers.csv", data={"session": session}) as response:
                assert (
                    response.status == 200
                    and "attachment" in response.headers["Content-Disposition"]
                )
            # Rights as ever: Bea's group is not Ada's.
            status, page = await _post(browser, f"{dash.base}/dashboard/g/{other.chat.id}", session)
            assert status == 403 and "do not moderate" in page
            # Only in a POST's body: in an address it signs nobody in.
            async with browser.get(f"{group}?session={session}") as response:
                assert response.status == 401
            # A wrong session: the sign-in page, marked as answering a POST (frame.js then
            # forgets what it kept), holding no session.
            status, page = await _post(browser, group, "x" * 43)
            assert status == 401 and "data-signin" in page and "data-posted" in page
            assert "data-session" not in page
            status, page = await _post(browser, group, None)
            assert status == 401
            # Signing out with it ends it.
            async with browser.post(
                dash.base + "/dashboard/signout", data={"session": session}, allow_redirects=False
            ) as response:
                assert response.status == 303
            status, _ = await _post(browser, group, session)
            assert status == 401
        async with _jar() as browser:  # a cookie's pages never carry a session in them
            await signed_in(browser, await signin_link(standin, dash.group))
            async with browser.get(group) as response:
                page = await response.text()
            assert response.status == 200 and "data-session" not in page
        assert session not in caplog.text and "signed in (telegram, framed)" in caplog.text
