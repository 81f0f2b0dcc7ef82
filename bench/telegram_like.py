"""A Bot API stand-in that behaves like Telegram under load: a round-trip delay, the send
limits (429 past them), and, in webhook mode, updates pushed to the bot."""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import sys
import time
from collections import defaultdict, deque
from pathlib import Path
from typing import Any

import benchlib as b

from tests.standin import FakeChat, FakeUser, StoredMessage
from tests.standin.model import PendingUpdate
from tests.standin.params import ApiError


def load_options(doc: str, *, seconds: float, rate: int, seed: int) -> argparse.ArgumentParser:
    """The options every benchmark against this stand-in shares: how long the load lasts,
    the round trip, the overall send rate, the seed (and the bot child's hidden flag)."""
    parser = argparse.ArgumentParser(description=doc.split("\n", 1)[0])
    parser.add_argument("--seconds", type=float, default=seconds, help="how long the load lasts")
    parser.add_argument("--latency", type=float, default=0.05, help="Bot API round trip, s")
    parser.add_argument("--rate", type=int, default=rate, help="messages a second, all chats")
    parser.add_argument("--seed", type=int, default=seed)
    parser.add_argument("--bot-child", action="store_true", help=argparse.SUPPRESS)
    return parser


PRIVATE_WINDOW, PRIVATE_LIMIT = 3.0, 3  # about one a second, a short burst allowed


class TelegramLike(b.BotApiStandIn):
    """The stand-in with a round-trip delay, Telegram's send limits for all chats, and
    each chat's new bot messages handed to whoever waits on that chat. With ``push``
    (webhook mode), updates are POSTed to the bot as Telegram does once a webhook is set:
    at most ``connections`` at once, each way taking half the round trip, retried until
    a 2xx."""

    def __init__(
        self, *, latency: float, rate: int, push: bool = False, connections: int = 100
    ) -> None:
        super().__init__(b.TOKEN, callback_query_timeout=1e9)
        self.latency = latency
        self.rate = rate
        self.push = push
        self.connections = connections
        self._pusher: asyncio.subprocess.Process | None = None
        self._pushed_reader: asyncio.Future[None] | None = None
        self._pushes_out: set[int] = set()  # sent to the pusher, not yet answered by the bot
        # Per push: queued -> a connection took it, and the POST itself (the bot's answer).
        self.push_queued: list[float] = []
        self.push_answered: list[float] = []
        self._sent_overall: deque[float] = deque()
        self._sent_private: dict[int, deque[float]] = defaultdict(deque)
        self.refused = 0
        self.slow_served: list[float] = []
        self.polls_served: list[float] = []  # getUpdates, the stand-in's own time
        self.inboxes: dict[int, asyncio.Queue[StoredMessage]] = {}
        self.popups: dict[str, asyncio.Future[None]] = {}  # a student's press → its pop-up

    async def _handle(self, request: Any) -> Any:
        began = time.monotonic()
        await asyncio.sleep(self.latency / 2)  # there
        served = time.monotonic()
        response = await super()._handle(request)
        if "getUpdates" in request.path:
            self.polls_served.append(time.monotonic() - served)
        await asyncio.sleep(self.latency / 2)  # and back
        took = time.monotonic() - began
        if took > 0.3 and "getUpdates" not in request.path:
            self.slow_served.append(took)
        return response

    def check_flood(self, chat: FakeChat) -> None:
        now = self.clock()
        try:
            if len(self._sent_overall) >= self.rate:
                while self._sent_overall and self._sent_overall[0] <= now - 1.0:
                    self._sent_overall.popleft()
                if len(self._sent_overall) >= self.rate:
                    raise ApiError(429, "Too Many Requests: retry after 1", {"retry_after": 1})
            if not chat.is_group:
                sent = self._sent_private[chat.id]
                while sent and sent[0] <= now - PRIVATE_WINDOW:
                    sent.popleft()
                if len(sent) >= PRIVATE_LIMIT:
                    wait = max(1, math.ceil(sent[0] + PRIVATE_WINDOW - now))
                    raise ApiError(
                        429, f"Too Many Requests: retry after {wait}", {"retry_after": wait}
                    )
            super().check_flood(chat)
        except ApiError:
            self.refused += 1
            raise
        self._sent_overall.append(now)
        if not chat.is_group:
            self._sent_private[chat.id].append(now)

    def _finish(self, call: Any, error: ApiError | None) -> Any:
        if call.method == "answerCallbackQuery":
            waiting = self.popups.pop(str(call.params.get("callback_query_id")), None)
            if waiting is not None and not waiting.done():
                waiting.set_result(None)
        return super()._finish(call, error)

    def _new_message(self, chat: FakeChat, sender: FakeUser, **fields: Any) -> StoredMessage:
        message = super()._new_message(chat, sender, **fields)
        inbox = self.inboxes.get(chat.id)
        if inbox is not None and sender.id == self.bot_user.id:
            inbox.put_nowait(message)
        return message

    # --- webhook mode -------------------------------------------------------------------

    @property
    def idle(self) -> bool:
        return super().idle and not self._pushes_out

    def _enqueue(self, kind: str, payload: Any) -> PendingUpdate:
        if not (self.push and self.webhook_url):
            return super()._enqueue(kind, payload)
        update = PendingUpdate(next(self._update_ids), kind, payload)
        self.last_update_id = update.update_id
        if self._update_allowed(kind):
            assert self._pusher is not None and self._pusher.stdin is not None, "start_pushing"
            body = json.dumps(update.to_api(), separators=(",", ":"))
            line = f"{update.update_id}\t{time.monotonic():.6f}\t{body}\n"
            self._pusher.stdin.write(line.encode())
            self._pushes_out.add(update.update_id)
        self._changed()
        return update

    async def start_pushing(self, target: str) -> None:
        """POST each update to ``target`` (the bot's webhook, on 127.0.0.1) from a process
        of its own (bench/pusher.py), as Telegram does from its servers."""
        self._pusher = await asyncio.create_subprocess_exec(
            sys.executable,
            str(Path(__file__).with_name("pusher.py")),
            f"--target={target}",
            f"--secret={self.webhook_info.get('secret_token', '')}",
            f"--connections={self.connections}",
            f"--latency={self.latency}",
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        self._pushed_reader = asyncio.ensure_future(self._read_pushed(self._pusher))

    async def _read_pushed(self, process: asyncio.subprocess.Process) -> None:
        assert process.stdout is not None
        while line := await process.stdout.readline():
            update_id, queued, answered, *reply = line.rstrip(b"\n").split(b"\t", 3)
            if reply:
                self.push_answer("application/json", reply[0])
            self._pushes_out.discard(int(update_id))
            self.push_queued.append(float(queued))
            self.push_answered.append(float(answered))
            self._changed()

    async def stop_pushing(self) -> None:
        if self._pusher is None:
            return
        assert self._pusher.stdin is not None
        self._pusher.stdin.close()
        await self._pusher.wait()
        if self._pushed_reader is not None:
            await self._pushed_reader
