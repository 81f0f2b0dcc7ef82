"""The dashboard over HTTP (aiohttp's client against the bot's own web server, the bot
polling the stand-in): every page, and every refusal — no cookie, a replayed or expired
link, forged and stale initData, another group's address, a demoted moderator, a person
who never moderated — and the headers each answer carries."""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
import time
from pathlib import Path

import aiohttp
import pytest
from markupsafe import escape

from bot.lessons import LessonCatalog
from bot.rights_cache import RightsCache
from bot.web.dashboard.auth import sign_init_data
from tests.actors import Group, Student, edited, rows, value
from tests.conftest import TOKEN
from tests.dashboard_support import (
    LONG_ANSWER,
    dashboard_bot,
    homework_answered,
    local_path,
    run_session,
    signed_in,
    signin_link,
)
from tests.standin import BotApiStandIn, ChatMember


def _jar() -> aiohttp.ClientSession:
    return aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))


async def _page(session: aiohttp.ClientSession, url: str) -> tuple[int, str]:
    async with session.get(url, allow_redirects=False) as response:
        return response.status, await response.text()


async def test_a_moderator_signs_in_by_link_and_reads_every_page(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    async with dashboard_bot(standin, tmp_path) as dash:
        await run_session(dash.group)
        link = await signin_link(standin, dash.group)
        chat_id = dash.group.chat.id
        async with _jar() as browser:
            response = await signed_in(browser, link)
            assert response.status == 303
            cookie = response.headers["Set-Cookie"]
            assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
            assert "Secure" not in cookie  # http://127.0.0.1: no https here
            assert "Path=/dashboard/" in cookie and "Max-Age=43200" in cookie
            status, home = await _page(browser, dash.base + "/dashboard/")
            assert status == 200
            assert "Room &lt;A&gt;" in home and f"/dashboard/g/{chat_id}" in home
            status, group = await _page(browser, f"{dash.base}/dashboard/g/{chat_id}")
            assert status == 200 and "Dash &lt;lesson&gt; &amp; co" in group
            unit = f"{dash.base}/dashboard/g/{chat_id}/s/{dash.walk_id}"
            status, overview = await _page(browser, unit)
            assert status == 200
            assert '<meta http-equiv="refresh" content="10">' in overview  # running: live
            assert "Participants" in overview and "4:" in overview
            assert "2 of 4 answered every question" in overview  # M0 and M1
            # M0 2, M1 1, M2 0, M3 1 of 2 choice questions right: 1.0 on average.
            assert "1.0 of 2 choice questions right" in overview
            status, questions = await _page(browser, unit + "/questions")
            assert status == 200
            assert "Facility: 75% right" in questions  # 3 of 4 right on the easy one
            assert "Facility: 33% right" in questions  # 1 of 3 on the hard one
            assert "Wrong answer chosen most: Nope" in questions
            assert str(escape(LONG_ANSWER)) in questions, "a typed answer in full, escaped"
            assert "because it helps" in questions and "because it costs" in questions
            status, students = await _page(browser, unit + "/students?sort=score")
            assert status == 200
            names = [n for n in ("M0", "M1", "M3", "M2") if n in students]
            assert names == ["M0", "M1", "M3", "M2"]
            order = [students.index(f">{n}<") for n in ("M0", "M1", "M3", "M2")]
            assert order == sorted(order), "by score, then by name"
            m0 = dash.group.members[0].id
            status, member = await _page(browser, f"{unit}/m/{m0}")
            assert status == 200 and "word119" in member and "version 1" in member
            async with browser.get(unit + "/answers.csv") as response:
                assert response.status == 200
                assert "attachment" in response.headers["Content-Disposition"]
                csv = await response.text()
            assert "because it helps" in csv
            dash.group.says(dash.group.admin, "/end")
            await dash.group.reads()
            await dash.group.barrier()
            status, overview = await _page(browser, unit)
            assert "closed" in overview and 'http-equiv="refresh"' not in overview


async def test_refusals(
    standin: BotApiStandIn, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # Our own lines at every level; the libraries' at INFO, as configure_logging keeps them
    # (their DEBUG dumps every request, the link's button included).
    caplog.set_level(logging.INFO)
    caplog.set_level(logging.DEBUG, logger="bot")
    async with dashboard_bot(standin, tmp_path) as dash:
        await run_session(dash.group)
        chat_id = dash.group.chat.id
        unit = f"{dash.base}/dashboard/g/{chat_id}/s/{dash.walk_id}"
        async with _jar() as browser:
            status, page = await _page(browser, unit)  # no cookie
            assert status == 401 and "Send /dashboard to the bot" in page
            link = await signin_link(standin, dash.group)
            response = await signed_in(browser, link)
            assert response.status == 303
            cookie = response.cookies["dashboard_session"].value
        async with _jar() as other:  # the same link again
            response = await signed_in(other, link)
            assert response.status == 403 and "Set-Cookie" not in response.headers
            status, page = await _page(other, unit)
            assert status == 401
        assert (
            value(tmp_path, "SELECT COUNT(*) FROM dashboard_tokens WHERE used_at IS NOT NULL") == 1
        )
        stored = rows(tmp_path, "SELECT token_hash FROM dashboard_tokens")
        token = link.rsplit("t=", 1)[1]
        assert token not in str(stored), "only the token's hash is kept"
        assert "signed in" in caplog.text and "refused a used" in caplog.text
        assert token not in caplog.text and cookie not in caplog.text, "never logged"


async def test_expired_link(standin: BotApiStandIn, tmp_path: Path) -> None:
    async with dashboard_bot(standin, tmp_path) as dash:
        await run_session(dash.group)
        link = await signin_link(standin, dash.group)
        # Ten minutes later: the token's expiry moved into the past.
        connection = sqlite3.connect(tmp_path / "bot.sqlite3")
        connection.execute("UPDATE dashboard_tokens SET expires_at = '2000-01-01T00:00:00.000Z'")
        connection.commit()
        connection.close()
        async with _jar() as browser:
            response = await signed_in(browser, link)
            assert response.status == 403


async def test_other_group_demoted_and_never_moderator(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    async with dashboard_bot(standin, tmp_path) as dash:
        await run_session(dash.group)
        walk_id = dash.walk_id
        other = Group(standin, "Other room", admin="Bea", members=1)
        other.says(other.admin, "/begin")
        await other.reads()
        chat_id = dash.group.chat.id
        async with _jar() as browser:
            await signed_in(browser, await signin_link(standin, other))
            status, home = await _page(browser, dash.base + "/dashboard/")
            assert "Other room" in home and "Room &lt;A&gt;" not in home
            status, page = await _page(browser, f"{dash.base}/dashboard/g/{chat_id}")
            assert status == 403 and "do not moderate this group" in page
            unit = f"{dash.base}/dashboard/g/{chat_id}/s/{walk_id}"
            for path in ("", "/questions", "/students", "/answers.csv"):
                status, page = await _page(browser, unit + path)
                assert status == 403, path
                assert "because it helps" not in page
            # Bea's own group's id with Ada's session id: nothing there.
            status, _ = await _page(browser, f"{dash.base}/dashboard/g/{other.chat.id}/s/{walk_id}")
            assert status == 404
        async with _jar() as browser:  # a member who never moderated anything
            member = dash.group.members[0]
            await signed_in(browser, await signin_link(standin, user=member))
            status, home = await _page(browser, dash.base + "/dashboard/")
            assert status == 200 and "You moderate no group" in home
            status, _ = await _page(browser, f"{dash.base}/dashboard/g/{chat_id}")
            assert status == 403
        dash.application.bot_data.rights = RightsCache(ttl=0.05)
        async with _jar() as browser:  # Ada, demoted while signed in
            await signed_in(browser, await signin_link(standin, dash.group))
            status, _ = await _page(browser, f"{dash.base}/dashboard/g/{chat_id}")
            assert status == 200
            admin = dash.group.admin
            owner = dash.group.chat.members[admin.id]
            dash.group.chat.members[admin.id] = ChatMember(admin, "member")
            await asyncio.sleep(0.1)
            status, page = await _page(browser, f"{dash.base}/dashboard/g/{chat_id}")
            assert status == 403 and "do not moderate" in page
            dash.group.chat.members[admin.id] = owner


async def test_mini_app_init_data(standin: BotApiStandIn, tmp_path: Path) -> None:
    async with dashboard_bot(standin, tmp_path) as dash:
        await run_session(dash.group)
        admin = dash.group.admin
        user = json.dumps({"id": admin.id, "first_name": admin.first_name})
        fresh = {"auth_date": str(int(time.time())), "query_id": "AAE1", "user": user}
        endpoint = dash.base + "/dashboard/signin/webapp"
        async with _jar() as browser:
            forged = sign_init_data(fresh, "123456789:AAHsomeOtherBotsTokenXXXXXXXXXXXXXX")
            async with browser.post(endpoint, data={"init_data": forged}) as response:
                assert response.status == 403
            stale = {**fresh, "auth_date": str(int(time.time()) - 3700)}
            async with browser.post(
                endpoint, data={"init_data": sign_init_data(stale, TOKEN)}
            ) as response:
                assert response.status == 403
            tampered = sign_init_data(fresh, TOKEN).replace(str(admin.id), "1", 1)
            async with browser.post(endpoint, data={"init_data": tampered}) as response:
                assert response.status == 403
            async with browser.post(
                endpoint, data={"init_data": sign_init_data(fresh, TOKEN)}, allow_redirects=False
            ) as response:
                assert response.status == 303
            status, page = await _page(browser, f"{dash.base}/dashboard/g/{dash.group.chat.id}")
            assert status == 200 and "Dash &lt;lesson&gt;" in page


async def test_headers(standin: BotApiStandIn, tmp_path: Path) -> None:
    async with (
        dashboard_bot(standin, tmp_path) as dash,
        _jar() as browser,
        browser.get(dash.base + "/dashboard/") as response,
    ):
        csp = response.headers["Content-Security-Policy"]
        assert "default-src 'none'" in csp and "frame-ancestors" in csp
        assert "https://web.telegram.org" in csp
        assert response.headers["Cache-Control"] == "no-store"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "no-referrer"
        for path in ("/dashboard/g/abc", "/dashboard/g/1/x/2", "/dashboard/static/x.js"):
            async with browser.get(dash.base + path) as missing:
                assert missing.status == 404, path
                assert "There is nothing at this address." in await missing.text()
                assert "Content-Security-Policy" in missing.headers


@pytest.mark.parametrize("count", [10])
async def test_signin_attempts_are_limited_per_ip(
    standin: BotApiStandIn, tmp_path: Path, count: int
) -> None:
    async with dashboard_bot(standin, tmp_path) as dash, _jar() as browser:
        for _ in range(count):
            status, _ = await _page(browser, dash.base + "/dashboard/signin?t=guess")
            assert status == 403
        status, page = await _page(browser, dash.base + "/dashboard/signin?t=guess")
        assert status == 429 and "Too many sign-in attempts" in page
        # A real link is refused too until the minute is over: nothing is guessed meanwhile.
        link = await signin_link(standin, dash.group)
        assert (await signed_in(browser, local_path(link, dash.base))).status == 429


async def test_homework_pages(standin: BotApiStandIn, tmp_path: Path) -> None:
    async with dashboard_bot(standin, tmp_path) as dash:
        room = dash.group
        student = await homework_answered(room, "4s late", "My homework answer")
        should = await student.reads()
        await room.reads()  # the results at the deadline
        await student.presses(should, "Agree")
        await student.reads()  # "why?"
        student.says("A late reason")
        await student.reads()
        async with _jar() as browser:
            await signed_in(browser, await signin_link(standin, room))
            status, group = await _page(browser, f"{dash.base}/dashboard/g/{room.chat.id}")
            assert status == 200 and "late answers taken" in group and "1 of 1 finished" in group
            unit = f"{dash.base}/dashboard/g/{room.chat.id}/a/1"
            status, overview = await _page(browser, unit)
            assert status == 200 and "Homework 1" in overview
            assert "1 after the deadline" in overview
            assert "1 of 1 finished" in overview and "1 of 1 answered every question" in overview
            assert "1.0 of 2 choice questions right" in overview
            assert "answers.csv" in overview  # its own downloads
            status, questions = await _page(browser, unit + "/questions")
            assert "My homework answer" in questions and "A late reason" in questions
            status, students = await _page(browser, unit + "/students")
            assert ">M0<" in students
            status, member = await _page(browser, f"{unit}/m/{room.members[0].id}")
            assert status == 200 and "A late reason" in member
            assert member.count(">late<") == 2, "the stance and its reason came late"
            status, _ = await _page(browser, f"{dash.base}/dashboard/g/{room.chat.id}/a/2")
            assert status == 404


async def test_a_session_whose_lesson_is_gone(standin: BotApiStandIn, tmp_path: Path) -> None:
    async with dashboard_bot(standin, tmp_path) as dash:
        await run_session(dash.group)
        dash.application.bot_data.catalog = LessonCatalog(())  # the file removed, reloaded
        unit = f"{dash.base}/dashboard/g/{dash.group.chat.id}/s/{dash.walk_id}"
        async with _jar() as browser:
            await signed_in(browser, await signin_link(standin, dash.group))
            for path in ("", "/questions", "/students"):
                status, page = await _page(browser, unit + path)
                assert status == 200, path
                assert "This lesson (dash) is no longer among the bot&#39;s lessons" in page
            async with browser.get(unit + "/answers.csv") as response:
                assert "because it helps" in await response.text()


async def test_pages_in_the_moderators_language(standin: BotApiStandIn, tmp_path: Path) -> None:
    """A moderator whose Telegram is in Korean reads the pages in Korean; once they choose
    English with /language (their app still Korean), the next page is in English."""
    async with dashboard_bot(standin, tmp_path) as dash:
        await run_session(dash.group)
        dash.group.admin.language_code = "ko-KR"
        link = await signin_link(standin, dash.group)
        chat_id = dash.group.chat.id
        unit = f"{dash.base}/dashboard/g/{chat_id}/s/{dash.walk_id}"
        async with _jar() as browser:
            status, before = await _page(browser, dash.base + "/dashboard/")
            assert status == 200 and "Sign in" in before  # nobody known yet: the default
            await signed_in(browser, link)
            status, home = await _page(browser, dash.base + "/dashboard/")
            assert status == 200 and '<html lang="ko">' in home
            assert "내가 관리하는 그룹" in home and "로그아웃" in home
            assert "Groups you moderate" not in home
            status, overview = await _page(browser, unit)
            assert "참여자" in overview and "Participants" not in overview
            status, questions = await _page(browser, unit + "/questions")
            assert status == 200 and "Facility" not in questions
            _, missing = await _page(browser, f"{dash.base}/dashboard/g/{chat_id}/s/999")
            assert "이 주소에는 아무것도 없어요" in missing
            chooser = Student(standin, user=dash.group.admin)
            chooser.says("/language")
            asked = await chooser.reads()
            await chooser.presses(asked, "English")
            await standin.wait_for(lambda: edited(standin, asked))
            status, home = await _page(browser, dash.base + "/dashboard/")
            assert '<html lang="en">' in home and "Groups you moderate" in home
