"""The stand-in's world: users, chats, messages, files, polls, the update queue the bot polls
and the record of the bot's calls; reading it, storing messages, and enqueueing updates.

``ChatsState`` (tests.standin.chats) adds who exists, ``UserActions`` (tests.standin.user_actions)
what users do, and ``StandInState`` (tests.standin.state) what the Bot API methods need.
"""

from __future__ import annotations

import bisect
import itertools
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from tests.standin.images import image_size
from tests.standin.model import (
    ApiCall,
    CallbackAnswer,
    CallbackQueryState,
    FakeChat,
    FakeUser,
    JSONDict,
    PendingUpdate,
    StoredFile,
    StoredMessage,
    StoredPoll,
)

USER_ID_BASE = 100_000_001
GROUP_ID_BASE = -4_000_000_001
SUPERGROUP_ID_BASE = -1_001_000_000_001
UPDATE_ID_BASE = 10_001

# Update types Telegram sends when allowed_updates is empty or was never set.
_DEFAULT_EXCLUDED_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


def utf16_slice(text: str, offset: int, length: int) -> str:
    data = text.encode("utf-16-le", "surrogatepass")
    return data[2 * offset : 2 * (offset + length)].decode("utf-16-le", "surrogatepass")


class WorldState:
    """The stand-in's data and update queue; see ``StandInState`` for all of its state."""

    def __init__(
        self,
        token: str,
        *,
        bot_username: str = "editorial_test_bot",
        bot_id: int = 7000001,
        bot_first_name: str = "Editorial Test Bot",
        privacy_mode: bool = True,
        callback_query_timeout: float = 15.0,
        group_flood_limit: int | None = 20,
        flood_window: float = 60.0,
        strict_ampersand: bool = True,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.token = token
        self.bot_user = FakeUser(
            bot_id, bot_first_name, username=bot_username, language_code=None, is_bot=True
        )
        # Privacy mode (BotFather's /setprivacy): in groups where the bot is not an admin it
        # only receives commands, replies to its messages and messages mentioning it.
        self.privacy_mode = privacy_mode
        self.callback_query_timeout = callback_query_timeout
        self.group_flood_limit = group_flood_limit
        self.flood_window = flood_window
        self.strict_ampersand = strict_ampersand
        self.clock = clock

        self.users: dict[int, FakeUser] = {bot_id: self.bot_user}
        self.chats: dict[int, FakeChat] = {}
        self.files: dict[str, StoredFile] = {}
        self.polls: dict[str, StoredPoll] = {}
        self.calls: list[ApiCall] = []
        self.callback_answers: dict[str, CallbackAnswer] = {}
        self.callback_queries: dict[str, CallbackQueryState] = {}
        self.commands: dict[tuple[str, str], list[JSONDict]] = {}
        # setMyDescription, setMyShortDescription: by (kind, language code or "").
        self.descriptions: dict[tuple[str, str], str] = {}
        self.webhook_url = ""
        # setWebhook's other parameters and the delivery's errors, as getWebhookInfo shows.
        self.webhook_info: JSONDict = {}
        self.allowed_updates: list[str] | None = None
        self.confirmed_update_id = 0  # the highest update id the bot confirmed via an offset
        self.last_update_id = 0  # the highest update id enqueued
        self.dropped_updates: list[PendingUpdate] = []  # filtered by allowed_updates

        self._updates: list[PendingUpdate] = []
        self._messages: dict[int, list[StoredMessage]] = {}
        self._by_id: dict[tuple[int, int], StoredMessage] = {}
        self._next_message_id: dict[int, int] = {}
        self._flood: dict[int, deque[float]] = {}
        self._user_ids = itertools.count(USER_ID_BASE)
        self._group_ids = itertools.count(-GROUP_ID_BASE)
        self._supergroup_ids = itertools.count(-SUPERGROUP_ID_BASE)
        self._update_ids = itertools.count(UPDATE_ID_BASE)
        self._query_ids = itertools.count(4_382_000_000_000_000_001)
        self._file_ids = itertools.count(1)
        self._poll_ids = itertools.count(5_270_000_000_000_000_001)
        self._timed_polls: list[StoredPoll] = []  # open, with an open_period or close_date

    # ------------------------------------------------------------------ change notification

    def _changed(self) -> None:
        """Called after every change; the server wakes its waiters here."""

    # ------------------------------------------------------------------ reading state

    @property
    def rejected(self) -> list[ApiCall]:
        """Calls answered with an error (on the happy path tests expect none)."""
        return [call for call in self.calls if not call.ok]

    @property
    def pending_updates(self) -> list[PendingUpdate]:
        """Updates enqueued and not yet confirmed by the bot."""
        return list(self._updates)

    def messages(self, chat_id: int, *, include_deleted: bool = False) -> list[StoredMessage]:
        """All messages of the chat in order, in their current state."""
        return [m for m in self._messages.get(chat_id, []) if include_deleted or not m.deleted]

    def bot_messages(self, chat_id: int, *, include_deleted: bool = False) -> list[StoredMessage]:
        return [m for m in self.messages(chat_id, include_deleted=include_deleted) if m.is_bot]

    def message(self, chat_id: int, message_id: int) -> StoredMessage:
        return self._by_id[(chat_id, message_id)]

    def calls_to(self, method: str) -> list[ApiCall]:
        return [call for call in self.calls if call.method.lower() == method.lower()]

    def describe(self, last: int = 12) -> str:
        """A dump for failure messages: the last calls and the update queue."""
        calls = [c for c in self.calls if c.method != "getUpdates"][-last:]
        lines = [f"last {len(calls)} calls (getUpdates omitted):"]
        lines += [f"  {call!r}" for call in calls] or ["  (none)"]
        polls = len(self.calls_to("getUpdates"))
        lines.append(
            f"getUpdates calls: {polls}; updates enqueued up to {self.last_update_id}, "
            f"confirmed up to {self.confirmed_update_id}, pending: "
            f"{[u.kind + '#' + str(u.update_id) for u in self._updates]}"
        )
        return "\n".join(lines)

    # ------------------------------------------------------------------ internals: messages

    def now(self) -> int:
        """The current date as Telegram stamps messages (Unix seconds, from ``clock``)."""
        return int(self.clock())

    def _check_can_post(self, user: FakeUser, chat: FakeChat, action: str = "post in") -> None:
        if chat.id not in self.chats:
            raise ValueError(f"{chat!r} is unknown to the stand-in")
        if chat.migrated_to is not None:
            raise ValueError(f"{chat!r} was upgraded to the supergroup {chat.migrated_to}")
        member = chat.member(user.id)
        if member is None or not member.is_present:
            raise ValueError(f"{user!r} is not a member of {chat!r} and cannot {action} it")

    def _new_message(self, chat: FakeChat, sender: FakeUser, **fields: Any) -> StoredMessage:
        message_id = self._next_message_id[chat.id]
        self._next_message_id[chat.id] = message_id + 1
        message = StoredMessage(
            message_id=message_id, chat=chat, from_user=sender, date=self.now(), **fields
        )
        self._messages[chat.id].append(message)
        self._by_id[(chat.id, message_id)] = message
        self._changed()
        return message

    def _new_file(
        self, data: bytes, file_name: str | None, mime_type: str | None, *, prefix: str
    ) -> StoredFile:
        number = next(self._file_ids)
        size = image_size(data) if prefix == "AgAC" else None
        stored = StoredFile(
            file_id=f"{prefix}AgADstandin{number:08d}",
            file_unique_id=f"AQAD{number:08d}",
            data=data,
            file_name=file_name,
            mime_type=mime_type,
            width=size[0] if size else None,
            height=size[1] if size else None,
        )
        self.files[stored.file_id] = stored
        return stored

    def bot_sees(self, message: StoredMessage) -> bool:
        """Whether the bot receives an update for this message (privacy mode in groups)."""
        chat = message.chat
        if not chat.is_group:
            return True
        me = chat.member(self.bot_user.id)
        if me is None or not me.is_present:
            return False
        if not self.privacy_mode or me.is_admin or message.kind == "service":
            return True
        if message.reply_to is not None and message.reply_to.from_user is self.bot_user:
            return True
        text = message.content or ""
        name = (self.bot_user.username or "").lower()
        for entity in message.entities:
            segment = utf16_slice(text, entity["offset"], entity["length"])
            if entity["type"] == "bot_command" and entity["offset"] == 0:
                _, _, addressee = segment.partition("@")
                return not addressee or addressee.lower() == name
            if entity["type"] == "mention" and segment[1:].lower() == name:
                return True
            if entity["type"] == "text_mention" and entity["user"]["id"] == self.bot_user.id:
                return True
        return False

    def _publish(self, kind: str, message: StoredMessage) -> None:
        if self.bot_sees(message):
            self._enqueue(kind, message.to_api())
        else:
            self._changed()

    def _enqueue(self, kind: str, payload: JSONDict) -> PendingUpdate:
        update = PendingUpdate(next(self._update_ids), kind, payload)
        self._updates.append(update)
        self.last_update_id = update.update_id
        self._changed()
        return update

    # ------------------------------------------------------------------ the update queue

    def _update_allowed(self, kind: str) -> bool:
        if not self.allowed_updates:
            return kind not in _DEFAULT_EXCLUDED_UPDATES
        return kind in self.allowed_updates

    def confirm_updates(self, offset: int) -> None:
        """getUpdates' offset: confirm (drop) every update below it; negative keeps the last."""
        if offset < 0:
            keep = self._updates[offset:]
            dropped = self._updates[: len(self._updates) - len(keep)]
            self._updates = keep
            if dropped:
                self.confirmed_update_id = max(self.confirmed_update_id, dropped[-1].update_id)
        elif offset > 0:
            # Ids only grow: what is confirmed is a prefix (found by bisection, since a
            # benchmark's backlog can hold tens of thousands of updates).
            first = bisect.bisect_left(self._updates, offset, key=lambda u: u.update_id)
            if first:
                del self._updates[:first]
            self.confirmed_update_id = max(self.confirmed_update_id, offset - 1)
        self._changed()

    def deliverable_updates(self, limit: int) -> list[PendingUpdate]:
        """Pending updates the bot asked for, oldest first; others are dropped as Telegram
        would never have created them."""
        self.close_expired_polls()
        # Only as far as ``limit`` allowed ones: a benchmark's backlog can be long.
        allowed: list[PendingUpdate] = []
        dropped: list[int] = []
        for index, update in enumerate(self._updates):
            if len(allowed) == limit:
                break
            if self._update_allowed(update.kind):
                allowed.append(update)
            else:
                dropped.append(index)
        self.dropped_updates += [self._updates[index] for index in dropped]
        for index in reversed(dropped):
            del self._updates[index]
        return allowed

    def drop_pending_updates(self) -> None:
        if self._updates:
            self.confirmed_update_id = max(self.confirmed_update_id, self._updates[-1].update_id)
        self._updates = []
        self._changed()

    def close_expired_polls(self) -> None:
        """Close every poll whose open_period or close_date has run out, as Telegram does
        by itself; the bot gets a ``poll`` update with the final state of each of its own
        (Telegram sends bots updates about the polls they sent). Called before anything
        that reads a poll's state: a vote, stopPoll, getUpdates."""
        now = self.clock()
        for poll in list(self._timed_polls):
            if poll.is_closed:
                self._timed_polls.remove(poll)  # stopped by the bot: no update of this kind
            elif poll.close_date is not None and now >= poll.close_date:
                poll.is_closed = True
                self._timed_polls.remove(poll)
                self._enqueue("poll", poll.to_api())

    def enqueue(self, kind: str, payload: JSONDict) -> PendingUpdate:
        """Enqueue any update (for update types without an actor yet)."""
        return self._enqueue(kind, payload)
