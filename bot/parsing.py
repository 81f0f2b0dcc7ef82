"""Updates from Telegram's JSON, with the bot's group messages they carry parsed once.

In a group every member's press on a question's buttons carries that question's message,
and every reply to the question carries it again. PTB's parse of such a message (its text,
entities and keyboard: several hundred attribute writes) costs several times the rest of
the update: about 400 of a press's 500 µs on the machine of docs/scaling.md (session 10).
So the parsed message is kept, keyed by its JSON, for the next update that carries the very
same message; a message edited since (its text, its keyboard, its edit date) has other JSON
and is parsed afresh. PTB's objects are frozen once made, so one can be shared.

Only the bot's own messages in groups are kept: in a private chat a message is carried by
one person's updates, and keeping it would only push out the messages a group shares. And
only while they are answered: a message no update has carried for IDLE_SECONDS is let go,
so a bot that ran a thousand sessions last week does not keep their questions.
"""

from __future__ import annotations

import json
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from telegram import Bot, CallbackQuery, Message, Update

# 2-5 KB each (a question without and with four answer buttons, its key included): at most
# about 40 MiB, and only with thousands of questions answered at once. As many as the posts
# kept (bot/storage/cache.py): 1,000 groups replying to four questions each kept 2,048 busy
# evicting (bench/capacity.py --replies, 60 s: misses rose from 100 to 500 a second, each a
# full parse, 0.4 ms); with 8,192 each question was parsed once (docs/scaling.md, session 12).
MESSAGES_KEPT = 8192
# A question nobody has answered for this long is let go (parsed again if someone does).
IDLE_SECONDS = 600.0

_GROUP_CHATS = frozenset({"group", "supergroup"})
_KEY = json.JSONEncoder(check_circular=False, separators=(",", ":"))


class UpdateParser:
    """``Update.de_json`` with the bot's group messages an update carries parsed once."""

    def __init__(
        self,
        bot: Bot,
        kept: int = MESSAGES_KEPT,
        idle: float = IDLE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._bot = bot
        self._kept, self._idle, self._clock = kept, idle, clock
        # By JSON: the message, and when an update last carried it; the least recent first.
        self._messages: OrderedDict[str, tuple[Message, float]] = OrderedDict()

    def parse(self, data: dict[str, Any]) -> Update:
        """The update, equal to ``Update.de_json(data, bot)``; ``data`` is not changed."""
        query = data.get("callback_query")
        if isinstance(query, dict) and bots_group_message(query.get("message")):
            rest = {key: value for key, value in query.items() if key != "message"}
            update = Update.de_json({**data, "callback_query": rest}, self._bot)
            _carry(update.callback_query, "message", self._message(query["message"]))
            return update
        for kind in ("message", "edited_message"):
            carrier = data.get(kind)
            if isinstance(carrier, dict) and bots_group_message(carrier.get("reply_to_message")):
                rest = {key: value for key, value in carrier.items() if key != "reply_to_message"}
                update = Update.de_json({**data, kind: rest}, self._bot)
                replied = self._message(carrier["reply_to_message"])
                _carry(getattr(update, kind), "reply_to_message", replied)
                return update
        return Update.de_json(data, self._bot)

    def _message(self, data: dict[str, Any]) -> Message:
        key, now = _KEY.encode(data), self._clock()
        kept = self._messages.pop(key, None)
        message = Message.de_json(data, self._bot) if kept is None else kept[0]
        self._messages[key] = (message, now)  # the most recent, last
        messages = self._messages
        while len(messages) > self._kept or messages[next(iter(messages))][1] < now - self._idle:
            messages.popitem(last=False)
        return message


def bots_group_message(message: object) -> bool:
    """Whether this carried message (a press's, or the one a message replies to) is the bot's
    in a group: one that many members' updates carry."""
    if not isinstance(message, dict):
        return False
    sender, chat = message.get("from"), message.get("chat")
    return (
        isinstance(sender, dict)
        and sender.get("is_bot") is True
        and isinstance(chat, dict)
        and chat.get("type") in _GROUP_CHATS
    )


def _carry(carrier: CallbackQuery | Message | None, field: str, message: Message) -> None:
    """Put the shared message where PTB's own parse would have put it. PTB objects are
    frozen after ``__init__``; ``_unfrozen`` is how PTB itself sets a field afterwards
    (tests/test_update_parsing.py checks the result equals PTB's own parse)."""
    assert carrier is not None  # its JSON was a dict, so PTB made it
    with carrier._unfrozen():
        setattr(carrier, field, message)
