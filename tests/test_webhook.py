"""Webhook mode (issue 18): Telegram pushes updates to the bot's web server.

A push is stored in the inbox before its 200 and handled through the same scheduler and
handlers as polled updates; a wrong secret is a 401 with nothing stored; Telegram's retry of
a stored or handled update changes nothing; wrong path or method is a 404 or 405."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from pathlib import Path

import aiohttp
import pytest

from tests.conftest import make_settings
from tests.standin import BotApiStandIn
from tests.webhook_support import HOOK_PATH, HOOK_URL, SECRET_HEADER, Telegram, free_port, serving


def _rows(db_path: Path, sql: str) -> list[tuple[object, ...]]:
    db = sqlite3.connect(db_path)
    try:
        return db.execute(sql).fetchall()
    finally:
        db.close()


async def test_a_student_is_answered_through_the_webhook(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    port = free_port()
    db_path = tmp_path / "bot.sqlite3"
    settings = make_settings(
        standin, db_path, BOT_WEBHOOK_URL=HOOK_URL, BOT_LISTEN=f"127.0.0.1:{port}"
    )
    async with serving(settings), Telegram(standin, port) as telegram:
        [call] = standin.calls_to("setWebhook")
        secret = str(call.params["secret_token"])
        assert call.params["url"] == HOOK_URL
        assert int(call.params["max_connections"]) == 100  # Telegram's 40 would cap presses
        assert len(secret) >= 32
        assert set(standin.allowed_updates or ()) >= {"message", "callback_query", "poll_answer"}
        ada = standin.user("Ada")
        chat = standin.private_chat(ada)
        standin.send_text(ada, chat, "/start")
        welcome = await standin.next_bot_message(chat.id, timeout=10)
        assert welcome.text is not None
        assert telegram.statuses == [200]
    # Made once and kept: the next start sets the same secret.
    assert _rows(db_path, "SELECT value FROM meta WHERE key = 'webhook_secret'") == [(secret,)]
    async with serving(settings):
        assert standin.calls_to("setWebhook")[-1].params["secret_token"] == secret
    assert _rows(db_path, "SELECT COUNT(*) FROM inbox") == [(0,)]


async def test_a_wrong_secret_is_refused_and_stores_nothing(
    standin: BotApiStandIn, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    port = free_port()
    db_path = tmp_path / "bot.sqlite3"
    settings = make_settings(
        standin,
        db_path,
        BOT_WEBHOOK_URL=HOOK_URL,
        BOT_LISTEN=f"127.0.0.1:{port}",
        BOT_WEBHOOK_SECRET="the-right-secret_123",
    )
    ada = standin.user("Ada")
    chat = standin.private_chat(ada)
    caplog.set_level(logging.DEBUG)
    async with serving(settings), Telegram(standin, port) as telegram:
        assert standin.calls_to("setWebhook")[0].params["secret_token"] == "the-right-secret_123"
        standin.webhook_url = ""  # the pushes are the test's own
        update = {"update_id": 900, "message": _text_message(ada.id, chat.id, "/start")}
        assert await telegram.push(update, secret="the-wrong-secret-456") == 401
        assert await telegram.push(update, secret="") == 401
        assert await telegram.push(update, secret="the-right-secret_12") == 401
        await asyncio.sleep(0.2)
        assert standin.bot_messages(chat.id) == []
        assert _rows(db_path, "SELECT COUNT(*) FROM inbox") == [(0,)]
    refusals = [r for r in caplog.records if "wrong or missing secret" in r.getMessage()]
    assert len(refusals) == 1  # at most one line a minute
    # Our own lines, at DEBUG (the libraries' are held at INFO by `run`, and the process
    # test checks the whole of its output).
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("bot"))
    assert "the-wrong-secret-456" not in logged
    assert "the-right-secret_123" not in logged


async def test_a_retry_of_a_stored_update_changes_nothing(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    port = free_port()
    db_path = tmp_path / "bot.sqlite3"
    settings = make_settings(
        standin, db_path, BOT_WEBHOOK_URL=HOOK_URL, BOT_LISTEN=f"127.0.0.1:{port}"
    )
    ada = standin.user("Ada")
    chat = standin.private_chat(ada)
    async with serving(settings), Telegram(standin, port) as telegram:
        standin.webhook_url = ""  # the pushes are the test's own
        update = {"update_id": 77, "message": _text_message(ada.id, chat.id, "/start")}
        # Telegram did not get the first answer in time: the same update, twice at once...
        assert list(await asyncio.gather(telegram.push(update), telegram.push(update))) == [
            200,
            200,
        ]
        await standin.next_bot_message(chat.id, timeout=10)
        await asyncio.sleep(0.3)
        await standin.wait_until_idle()
        answered = [m.text for m in standin.bot_messages(chat.id)]
        assert len(answered) == 2  # the welcome and today's lesson, once
        # ... and once more after it was handled.
        assert await telegram.push(update) == 200
        await asyncio.sleep(0.3)
        await standin.wait_until_idle()
        assert [m.text for m in standin.bot_messages(chat.id)] == answered
    assert _rows(db_path, "SELECT COUNT(*) FROM inbox") == [(0,)]


async def test_wrong_path_method_and_body(standin: BotApiStandIn, tmp_path: Path) -> None:
    port = free_port()
    settings = make_settings(
        standin,
        tmp_path / "bot.sqlite3",
        BOT_WEBHOOK_URL=HOOK_URL,
        BOT_LISTEN=f"127.0.0.1:{port}",
        BOT_WEBHOOK_SECRET="s3cret",
    )
    base = f"http://127.0.0.1:{port}"
    good = {SECRET_HEADER: "s3cret"}
    async with serving(settings), aiohttp.ClientSession() as http:
        async with http.post(f"{base}/elsewhere", json={"update_id": 1}, headers=good) as r:
            assert r.status == 404
        async with http.get(f"{base}{HOOK_PATH}", headers=good) as r:
            assert r.status == 405
        async with http.post(f"{base}{HOOK_PATH}", data=b"not json", headers=good) as r:
            assert r.status == 400
        async with http.post(f"{base}{HOOK_PATH}", json=[1, 2], headers=good) as r:
            assert r.status == 400
        big = b'{"update_id": 1, "x": "' + b"a" * (2 * 1024 * 1024) + b'"}'
        async with http.post(f"{base}{HOOK_PATH}", data=big, headers=good) as r:
            assert r.status == 413


async def test_polling_deletes_a_webhook_left_behind(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    port = free_port()
    db_path = tmp_path / "bot.sqlite3"
    webhook = make_settings(
        standin, db_path, BOT_WEBHOOK_URL=HOOK_URL, BOT_LISTEN=f"127.0.0.1:{port}"
    )
    async with serving(webhook):
        assert standin.webhook_url == HOOK_URL
    assert standin.webhook_url == HOOK_URL  # a stop keeps it: Telegram holds what comes
    async with serving(make_settings(standin, db_path)):
        await standin.wait_for(lambda: standin.polling, timeout=10)
        assert standin.webhook_url == ""
        assert standin.calls_to("deleteWebhook")


def _text_message(user_id: int, chat_id: int, text: str) -> dict[str, object]:
    entities = [{"type": "bot_command", "offset": 0, "length": len(text)}]
    return {
        "message_id": 1,
        "date": 1_700_000_000,
        "chat": {"id": chat_id, "type": "private", "first_name": "Ada"},
        "from": {"id": user_id, "is_bot": False, "first_name": "Ada"},
        "text": text,
        "entities": entities if text.startswith("/") else [],
    }
