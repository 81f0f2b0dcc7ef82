"""A press's pop-up sent in the answer to the push that brought the press (webhook mode).

Telegram lets a bot answer a webhook's POST with one Bot API request of its own ("making
requests when getting updates" in the Bot API's docs): the request is made, and its result
never told. A pop-up needs no result, and answering one by a request of the bot's own costs
about half a millisecond of CPU a press (an HTTP call out and its answer read: docs/
scaling.md, session 10), a third of all a press costs. So while a pushed press is handled,
its POST waits a short while: the pop-up, once its answer is committed, goes back in the
POST's answer; if the handling takes longer (a busy moment, a flood held back), the POST is
answered "ok" and the pop-up is sent later as a request of its own, as in polling mode.

The handling of an update runs in a task of its own: the push's reply is found through a
context variable set for that task, so ``bot.outbox`` needs no argument for it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

# How long a pushed press's POST waits for its pop-up: most are ready within milliseconds,
# but with the bot at its busiest (bench/capacity.py --pop-ups, 1,000 presses/s offered) a
# wait of 25 ms caught 4% of them and one of 250 ms all. Telegram keeps at most
# max_connections pushes in flight, so a POST that waits keeps Telegram's next push back:
# the bot's own pace, as when its scheduler has no room. A press held back because its
# sender floods is not waited for (bot.web.webhook).
WAIT_SECONDS = 0.25

_current: ContextVar[PushReply | None] = ContextVar("push_reply", default=None)


class PushReply:
    """The POST of one pushed press, waiting for that press's pop-up."""

    def __init__(self, query_id: str) -> None:
        self.query_id = query_id
        self._request: asyncio.Future[dict[str, Any] | None] = (
            asyncio.get_running_loop().create_future()
        )

    def take(self, query_id: str, request: dict[str, Any]) -> bool:
        """Put ``request`` (the pop-up's) in the POST's answer, if the POST still waits and
        the press is this one's. False: send it as a request of its own."""
        if query_id != self.query_id or self._request.done():
            return False
        self._request.set_result(request)
        return True

    def close(self) -> None:
        """Nothing more will come for this POST (its handling ended, or it stopped waiting)."""
        if not self._request.done():
            self._request.set_result(None)

    async def wait(self) -> dict[str, Any] | None:
        """The request to answer the POST with, or None when none came in time."""
        try:
            return await asyncio.wait_for(asyncio.shield(self._request), WAIT_SECONDS)
        except TimeoutError:
            self.close()  # a pop-up offered from now on is sent as a request of its own
            return self._request.result()


@contextmanager
def handling(reply: PushReply | None) -> Iterator[None]:
    """Inside the block an update is handled: ``reply``, its push's POST, waits for it; once
    the handling ends the POST waits no more."""
    token = _current.set(reply)
    try:
        yield
    finally:
        _current.reset(token)
        if reply is not None:
            reply.close()


def answer_in_push(query_id: str, **fields: object) -> bool:
    """Answer the press ``query_id`` in its push's POST if that POST still waits: True if
    so (the request is then made by Telegram, its result never known)."""
    reply = _current.get()
    if reply is None:
        return False
    request: dict[str, Any] = {"method": "answerCallbackQuery", "callback_query_id": query_id}
    request.update((name, value) for name, value in fields.items() if value is not None)
    return reply.take(query_id, request)
