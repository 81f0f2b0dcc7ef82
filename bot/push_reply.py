"""A press's pop-up, or a reply's ✍, sent in the answer to the push that brought it
(webhook mode).

Telegram lets a bot answer a webhook's POST with one Bot API request of its own ("making
requests when getting updates" in the Bot API's docs): the request is made, and its result
never told. A pop-up needs no result, and answering one by a request of the bot's own costs
about half a millisecond of CPU a press (an HTTP call out and its answer read: about a
quarter of all a press costs, docs/scaling.md, session 10). So while a pushed press is
handled, its POST waits a short while: the pop-up, once its answer is committed, goes back
in the POST's answer; if the handling takes longer (a busy moment, a flood held back), the
POST is answered "ok" and the pop-up is sent later as a request of its own, as in polling
mode. A member's reply to the bot's message in a group is waited for the same way: when
recorded it gets a ✍ reaction (``bot.outbox.Reactions``), which then goes in the answer too.

The handling of an update runs in a task of its own: the push's reply is found through a
context variable set for that task, so ``bot.outbox`` needs no argument for it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from bot.parsing import bots_group_message

# How long a pushed press's POST waits for its pop-up (a reply's, for its ✍): most are ready
# within milliseconds, but with the bot at its busiest (bench/capacity.py --pop-ups, 1,000
# presses/s offered) a wait of 25 ms caught 4% of them and one of 250 ms all. Telegram keeps at most
# max_connections pushes in flight, so a POST that waits keeps Telegram's next push back:
# the bot's own pace, as when its scheduler has no room. A press held back because its
# sender floods is not waited for (bot.web.webhook).
WAIT_SECONDS = 0.25

_current: ContextVar[PushReply | None] = ContextVar("push_reply", default=None)


# What a push's answer may carry for it: a press's pop-up, by the press's id; a reply's
# reaction, by the reply's chat and message ids.
Awaited = tuple[str, str] | tuple[str, int, int]


def awaited(raw: dict[str, Any]) -> Awaited | None:
    """What the answer to the push of ``raw`` waits for: a press's pop-up, or the reaction
    of a member's reply to the bot's message in a group (the group's answers); None for
    anything else, answered "ok" at once."""
    query = raw.get("callback_query")
    if isinstance(query, dict):
        query_id = query.get("id")
        return ("answerCallbackQuery", query_id) if isinstance(query_id, str) else None
    message = raw.get("message")
    if not isinstance(message, dict) or not bots_group_message(message.get("reply_to_message")):
        return None
    chat = message.get("chat")
    chat_id = chat.get("id") if isinstance(chat, dict) else None
    message_id = message.get("message_id")
    if not isinstance(chat_id, int) or not isinstance(message_id, int):
        return None
    return ("setMessageReaction", chat_id, message_id)


class PushReply:
    """The POST of one pushed update, waiting for the one request it may carry."""

    def __init__(self, awaits: Awaited) -> None:
        self.awaits = awaits
        self._request: asyncio.Future[dict[str, Any] | None] = (
            asyncio.get_running_loop().create_future()
        )

    def take(self, awaits: Awaited, request: dict[str, Any]) -> bool:
        """Put ``request`` in the POST's answer, if the POST still waits and the request is
        the one it waits for. False: send it as a request of its own."""
        if awaits != self.awaits or self._request.done():
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
            return self.settle()

    def settle(self) -> dict[str, Any] | None:
        """The request taken so far, if any; none is taken from now on (a pop-up offered
        later is sent as a request of its own)."""
        self.close()
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
    return reply.take(("answerCallbackQuery", query_id), request)


def react_in_push(chat_id: int, message_id: int, emoji: str) -> bool:
    """Put ``emoji`` on the reply ``message_id`` by its push's POST if that still waits."""
    reply = _current.get()
    if reply is None:
        return False
    request = {
        "method": "setMessageReaction",
        "chat_id": chat_id,
        "message_id": message_id,
        "reaction": [{"type": "emoji", "emoji": emoji}],
    }
    return reply.take(("setMessageReaction", chat_id, message_id), request)
