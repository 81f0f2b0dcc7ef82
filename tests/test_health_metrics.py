"""/healthz and /metrics (issue 18): health in good and bad states, metrics that move, the
metrics token, and JSON log lines without the token."""

from __future__ import annotations

import asyncio
import json
import re
import sqlite3
import sys
from pathlib import Path

import aiohttp
import pytest

from bot.logs import configure_logging
from bot.web import health
from tests.conftest import TOKEN, make_settings
from tests.standin import BotApiStandIn
from tests.webhook_support import HOOK_URL, Telegram, free_port, serving


async def _get(url: str, **headers: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as http, http.get(url, headers=headers) as response:
        return response.status, await response.text()


def _sample(text: str, name: str, **labels: str) -> float:
    """One sample's value from Prometheus' text format (0 when absent)."""
    wanted = ",".join(f'{k}="{v}"' for k, v in labels.items())
    pattern = rf"^{re.escape(name)}(?:\{{{re.escape(wanted)}\}})? (\S+)$" if wanted else None
    for line in text.splitlines():
        if pattern is not None:
            found = re.match(pattern, line)
        else:
            found = re.match(rf"^{re.escape(name)} (\S+)$", line)
        if found:
            return float(found.group(1))
    return 0.0


async def test_health_in_polling_mode(standin: BotApiStandIn, tmp_path: Path) -> None:
    port = free_port()
    settings = make_settings(standin, tmp_path / "bot.sqlite3", BOT_LISTEN=f"127.0.0.1:{port}")
    async with serving(settings):
        status, body = await _get(f"http://127.0.0.1:{port}/healthz")
        assert status == 200, body
        report = json.loads(body)
        assert report["status"] == "ok"
        assert report["checks"]["database"] == "writable"
        assert report["checks"]["inbox"]["depth"] == 0
        assert report["checks"]["telegram"]["reachable"] is True
        assert report["checks"]["mode"] == "polling"
        assert TOKEN not in body


async def test_health_names_telegram_unreachable(standin: BotApiStandIn, tmp_path: Path) -> None:
    port = free_port()
    settings = make_settings(standin, tmp_path / "bot.sqlite3", BOT_LISTEN=f"127.0.0.1:{port}")
    async with serving(settings):
        standin.fail_next("getMe", times=5, code=502)
        status, body = await _get(f"http://127.0.0.1:{port}/healthz")
        assert status == 503
        assert "Telegram unreachable" in json.loads(body)["problems"][0]


async def test_health_names_a_database_that_cannot_be_written(
    standin: BotApiStandIn, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(health, "DB_TIMEOUT", 0.5)
    port = free_port()
    db_path = tmp_path / "bot.sqlite3"
    settings = make_settings(standin, db_path, BOT_LISTEN=f"127.0.0.1:{port}")
    async with serving(settings):
        other = sqlite3.connect(db_path, isolation_level=None)
        other.execute("BEGIN EXCLUSIVE")  # another program holds the database
        try:
            status, body = await _get(f"http://127.0.0.1:{port}/healthz")
        finally:
            other.execute("ROLLBACK")
            other.close()
        assert status == 503
        report = json.loads(body)
        assert report["checks"]["database"] == "not writable"
        assert report["problems"][0].startswith("database not writable")
        await asyncio.sleep(0.1)


async def test_health_names_a_webhook_telegram_does_not_hold(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    port = free_port()
    settings = make_settings(
        standin, tmp_path / "bot.sqlite3", BOT_WEBHOOK_URL=HOOK_URL, BOT_LISTEN=f"127.0.0.1:{port}"
    )
    async with serving(settings):
        secret = str(standin.calls_to("setWebhook")[0].params["secret_token"])
        standin.webhook_url = ""  # removed behind the bot's back
        status, body = await _get(f"http://127.0.0.1:{port}/healthz")
        assert status == 503
        assert json.loads(body)["problems"] == ["webhook not set to BOT_WEBHOOK_URL"]
        assert secret not in body


async def _until_counted(url: str, before: str, within: float = 60.0) -> str:
    """/metrics once /start's message and Begin's press are counted in full (the deadline
    only turns a hang into a failure)."""
    wanted = [
        ("bot_handler_seconds_count", {}, 2),
        ("bot_updates_handled_total", {"kind": "message"}, 1),
        ("bot_updates_handled_total", {"kind": "callback_query"}, 1),
        ("bot_api_calls_total", {"method": "sendMessage", "outcome": "ok"}, 2),
        # Begin's pop-up, sent in the answer to its push (bot/push_reply.py).
        ("bot_api_calls_total", {"method": "answerCallbackQuery", "outcome": "in_push"}, 1),
    ]
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while True:
        _, after = await _get(url)
        short = [
            name
            for name, labels, more in wanted
            if _sample(after, name, **labels) - _sample(before, name, **labels) < more
        ]
        if not short and _sample(after, "bot_inbox_depth") == 0:
            return after
        if loop.time() > deadline:
            raise AssertionError(f"not counted within {within:.0f} s: {short}")
        await asyncio.sleep(0.05)


async def test_metrics_move(standin: BotApiStandIn, tmp_path: Path) -> None:
    port = free_port()
    settings = make_settings(
        standin, tmp_path / "bot.sqlite3", BOT_WEBHOOK_URL=HOOK_URL, BOT_LISTEN=f"127.0.0.1:{port}"
    )
    url = f"http://127.0.0.1:{port}/metrics"
    async with serving(settings), Telegram(standin, port):
        status, before = await _get(url)
        assert status == 200
        assert "bot_handler_seconds_bucket" in before
        ada = standin.user("Ada")
        chat = standin.private_chat(ada)
        standin.send_text(ada, chat, "/start")
        start = await standin.next_bot_message(chat.id, timeout=10)
        start = await standin.next_bot_message(chat.id, timeout=10)
        query = standin.press(ada, start, "▶️ Begin")
        await standin.wait_for_callback_answer(query, timeout=10)
        # What is counted after the stand-in answered (a handler's time when it returns, a
        # call once its response is read, the inbox once the update is done) may come a
        # moment later, longer on a loaded machine: read until all of it is there. The
        # assertions below then say it is counted exactly once.
        after = await _until_counted(url, before)
        secret = str(standin.calls_to("setWebhook")[0].params["secret_token"])
    assert secret not in after and TOKEN not in after

    def moved(name: str, **labels: str) -> float:
        return _sample(after, name, **labels) - _sample(before, name, **labels)

    assert moved("bot_updates_received_total", kind="message") == 1
    assert moved("bot_updates_received_total", kind="callback_query") == 1
    assert moved("bot_updates_handled_total", kind="message") == 1
    assert moved("bot_updates_handled_total", kind="callback_query") == 1
    assert moved("bot_handler_seconds_count") == 2
    assert moved("bot_api_calls_total", method="sendMessage", outcome="ok") >= 2
    assert moved("bot_api_calls_total", method="answerCallbackQuery", outcome="in_push") == 1
    assert moved("bot_api_calls_total", method="answerCallbackQuery", outcome="ok") == 0
    assert _sample(after, "bot_inbox_depth") == 0


async def test_answers_are_counted(standin: BotApiStandIn, tmp_path: Path) -> None:
    from bot.metrics import metrics

    before = metrics().answers.labels("private", "choice")._value.get()
    port = free_port()
    settings = make_settings(standin, tmp_path / "bot.sqlite3", BOT_LISTEN=f"127.0.0.1:{port}")
    async with serving(settings):
        ada = standin.user("Ada")
        chat = standin.private_chat(ada)
        standin.send_text(ada, chat, "/start")
        await standin.next_bot_message(chat.id, timeout=10)
        start = await standin.next_bot_message(chat.id, timeout=10)
        await standin.wait_for_callback_answer(standin.press(ada, start, "▶️ Begin"), timeout=10)
        before_reading = await standin.next_bot_message(chat.id, timeout=10)  # issue 14
        press = standin.press(ada, before_reading, before_reading.button_texts[0])
        await standin.wait_for_callback_answer(press, timeout=10)
        section = await standin.next_bot_message(chat.id, timeout=10)
        await standin.wait_for_callback_answer(
            standin.press(ada, section, "Continue ▸"), timeout=10
        )
        question = await standin.next_bot_message(chat.id, timeout=10)
        option = question.buttons[0][0].text
        await standin.wait_for_callback_answer(standin.press(ada, question, option), timeout=10)
        _, text = await _get(f"http://127.0.0.1:{port}/metrics")
    assert metrics().answers.labels("private", "choice")._value.get() == before + 1
    assert f'bot_answers_recorded_total{{audience="private",kind="choice"}} {before + 1}' in text


async def test_metrics_token(standin: BotApiStandIn, tmp_path: Path) -> None:
    port = free_port()
    settings = make_settings(
        standin,
        tmp_path / "bot.sqlite3",
        BOT_LISTEN=f"127.0.0.1:{port}",
        BOT_METRICS_TOKEN="scrape-me",
    )
    url = f"http://127.0.0.1:{port}/metrics"
    async with serving(settings):
        assert (await _get(url))[0] == 401
        assert (await _get(url, Authorization="Bearer wrong"))[0] == 401
        assert (await _get(url, Authorization="Bearer scrape-me"))[0] == 200
        assert (await _get(f"http://127.0.0.1:{port}/healthz"))[0] == 200  # not guarded


def test_json_log_lines_hold_no_token(capsys: pytest.CaptureFixture[str]) -> None:
    import logging

    configure_logging("DEBUG", TOKEN, fmt="json")
    try:
        log = logging.getLogger("bot.test")
        log.warning("calling https://api.telegram.org/bot%s/getMe", TOKEN)
        try:
            raise RuntimeError(f"failed with {TOKEN}")
        except RuntimeError:
            log.exception("it broke")
    finally:
        root = logging.getLogger()
        for handler in list(root.handlers):
            root.removeHandler(handler)
        root.setLevel(logging.WARNING)
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    assert [line["level"] for line in lines] == ["WARNING", "ERROR"]
    assert lines[0]["logger"] == "bot.test"
    assert "<redacted-token>" in lines[0]["message"]
    assert "RuntimeError" in lines[1]["traceback"]
    assert TOKEN not in json.dumps(lines)
    assert TOKEN.split(":")[1] not in json.dumps(lines)
    assert sys.stderr is not None
