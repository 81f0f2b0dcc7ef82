"""One push from Telegram: its secret checked, its update stored, then 200.

The secret token Telegram sends in ``X-Telegram-Bot-Api-Secret-Token`` is compared in
constant time; a mismatch is a 401 with nothing stored, logged at most once a minute and
never with what was sent (a wrong secret may be a right one mistyped). The update is written
to the inbox before the answer, so a crash after the 200 loses nothing: the inbox is handled
at the next start. A body that is not one update is a 400: Telegram would retry anything
else forever.
"""

from __future__ import annotations

import contextlib
import hmac
import json
import logging
import re
import sqlite3
import time

from aiohttp import web

from bot.intake import STORED_BEGINNING, WebhookFeed
from bot.metrics import count_error
from bot.poller import _INBOX_JSON
from bot.storage import Storage

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header's name
REFUSAL_LOG_EVERY = 60.0  # seconds between log lines about refused pushes
# A body that begins as the inbox's JSON does (what reads the inbox needs no more than that
# and valid JSON) is kept as sent.
_STORABLE_AS_SENT = re.compile(STORED_BEGINNING.encode())
_REPLY_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


class WebhookEndpoint:
    def __init__(self, feed: WebhookFeed, storage: Storage) -> None:
        self._feed = feed
        self._storage = storage
        self._secret = feed.secret.encode()
        self._refused = 0
        self._logged_at: float | None = None

    async def handle(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode("utf-8", "replace")
        if not hmac.compare_digest(given, self._secret):
            self._log_refusal(request)
            return web.Response(status=401, text="unauthorized")
        body = await request.read()
        try:
            data = json.loads(body)
        except ValueError:
            return web.Response(status=400, text="not JSON")
        update_id = data.get("update_id") if isinstance(data, dict) else None
        if not isinstance(update_id, int) or isinstance(update_id, bool):
            return web.Response(status=400, text="not an update")
        if self._feed.seen(update_id):
            return web.Response(text="ok")  # a retry of what is stored or handled
        stored = _as_stored(body, data)
        try:
            new = await self._storage.inbox_store(update_id, stored)
        except sqlite3.Error as error:
            # Not stored, so not acknowledged: Telegram pushes it again later.
            count_error("inbox_write")
            log.warning("could not store update %d (%s); Telegram will retry", update_id, error)
            return web.Response(status=503, text="try again")
        reply = self._feed.expect_reply(update_id, data)
        try:
            in_turn = await self._feed.accept(update_id, data, stored, new=new)
            if reply is None:
                made = None
            elif in_turn:
                made = await reply.wait()
            else:  # held back (its sender floods): not waited for, it would keep a
                # connection others' pushes need; but it may have been handled already.
                made = reply.settle()
        finally:
            self._feed.forget_reply(update_id)
        if made is not None:  # a pop-up or a ✍, for Telegram to make (bot.push_reply)
            return web.json_response(made, dumps=_REPLY_JSON.encode)
        return web.Response(text="ok")

    def _log_refusal(self, request: web.Request) -> None:
        self._refused += 1
        now = time.monotonic()
        if self._logged_at is not None and now - self._logged_at < REFUSAL_LOG_EVERY:
            return
        log.warning(
            "refused %d webhook request(s) with a wrong or missing secret token (last from %s)",
            self._refused,
            request.remote,
        )
        self._logged_at, self._refused = now, 0


def _as_stored(body: bytes, data: dict[str, object]) -> str:
    """The update as the inbox keeps it: JSON beginning with its id and kind. Telegram
    sends just that, so its body, already parsed as JSON, is kept as it came (no second
    encoding of every push); anything else is encoded again."""
    if _STORABLE_AS_SENT.match(body):
        with contextlib.suppress(UnicodeDecodeError):
            return body.decode("utf-8")
    return _INBOX_JSON.encode(data)
