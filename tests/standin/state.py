"""The stand-in's state and everything that changes it, without HTTP.

``StandInState`` holds the world (users, chats, messages, polls, files), the update queue the
bot polls, and the record of the bot's calls. Tests act as users through its actor methods
(``send_text``, ``press``, ``vote``...), each of which enqueues the update Telegram would send;
the Bot API methods in ``tests.standin.methods`` change it on the bot's behalf.
"""

from __future__ import annotations

import bisect
import itertools
import math
import struct
import time
import zlib
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from tests.standin.entities import (
    EntityParseError,
    FormattedText,
    check_entities,
    find_auto_entities,
    parse_html,
    trim,
    utf16_len,
)
from tests.standin.model import (
    ApiCall,
    CallbackAnswer,
    CallbackQueryState,
    ChatMember,
    ChatType,
    FakeChat,
    FakeUser,
    JSONDict,
    PendingUpdate,
    PollOptionState,
    StoredFile,
    StoredMessage,
    StoredPoll,
    UploadedFile,
)
from tests.standin.params import ApiError, Params, bad_request

USER_ID_BASE = 100_000_001
GROUP_ID_BASE = -4_000_000_001
SUPERGROUP_ID_BASE = -1_001_000_000_001
UPDATE_ID_BASE = 10_001

# Update types Telegram sends when allowed_updates is empty or was never set.
_DEFAULT_EXCLUDED_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})

_INLINE_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)


def utf16_slice(text: str, offset: int, length: int) -> str:
    data = text.encode("utf-16-le", "surrogatepass")
    return data[2 * offset : 2 * (offset + length)].decode("utf-16-le", "surrogatepass")


def png_bytes(width: int, height: int) -> bytes:
    """A valid grey PNG of that size (for photos users send)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def image_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) of a PNG, GIF, JPEG or WebP image, or None if it is none of them."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return int(width), int(height)
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        width, height = struct.unpack("<HH", data[6:10])
        return int(width), int(height)
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return 1, 1
    if data.startswith(b"\xff\xd8"):
        index = 2
        while index + 9 < len(data):
            if data[index] != 0xFF:
                return None
            marker = data[index + 1]
            (size,) = struct.unpack(">H", data[index + 2 : index + 4])
            if marker in (0xC0, 0xC1, 0xC2):
                height, width = struct.unpack(">HH", data[index + 5 : index + 9])
                return int(width), int(height)
            index += 2 + int(size)
        return 1, 1
    return None


class StandInState:
    """All state of the stand-in; see ``BotApiStandIn`` for the public, HTTP-serving class."""

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

    # ------------------------------------------------------------------ actors: who exists

    def user(
        self,
        first_name: str,
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str = "en",
    ) -> FakeUser:
        user = FakeUser(next(self._user_ids), first_name, last_name, username, language_code)
        self.users[user.id] = user
        return user

    def private_chat(self, user: FakeUser) -> FakeChat:
        """The user's private chat with the bot (the same object on every call)."""
        chat = self.chats.get(user.id)
        if chat is None:
            chat = FakeChat(
                id=user.id,
                type="private",
                first_name=user.first_name,
                last_name=user.last_name,
                username=user.username,
                user=user,
            )
            chat.members[user.id] = ChatMember(user, "member")
            chat.members[self.bot_user.id] = ChatMember(self.bot_user, "member")
            self._add_chat(chat)
        return chat

    def group(
        self,
        title: str,
        *,
        members: Sequence[FakeUser] = (),
        admins: Sequence[FakeUser] = (),
        owner: FakeUser | None = None,
        supergroup: bool = False,
        bot_is_admin: bool = False,
        username: str | None = None,
        forum: bool = False,
    ) -> FakeChat:
        """A group (or supergroup) the bot is already in. The owner defaults to the first
        admin, else the first member; admins need not be listed among members. A ``forum``
        is a supergroup with topics."""
        supergroup = supergroup or forum
        kind: ChatType = "supergroup" if supergroup else "group"
        chat_id = -next(self._supergroup_ids if supergroup else self._group_ids)
        chat = FakeChat(id=chat_id, type=kind, title=title, username=username, is_forum=forum)
        people = [*admins, *members]
        owner = owner or (people[0] if people else None)
        if owner is not None:
            chat.members[owner.id] = ChatMember(owner, "creator")
        for admin in admins:
            chat.members.setdefault(admin.id, ChatMember(admin, "administrator"))
        for member in members:
            chat.members.setdefault(member.id, ChatMember(member, "member"))
        chat.members[self.bot_user.id] = ChatMember(
            self.bot_user, "administrator" if bot_is_admin else "member"
        )
        self._add_chat(chat)
        return chat

    def add_member(self, chat: FakeChat, user: FakeUser, *, admin: bool = False) -> None:
        chat.members[user.id] = ChatMember(user, "administrator" if admin else "member")
        self._changed()

    def migrate_to_supergroup(self, chat: FakeChat, *, by: FakeUser | None = None) -> FakeChat:
        """Upgrade a group: a new supergroup with the same members; the old id is dead (sending
        there answers 400 with migrate_to_chat_id), and both service messages are delivered."""
        if chat.type != "group":
            raise ValueError(f"only a basic group can be upgraded, not a {chat.type}")
        new = FakeChat(
            id=-next(self._supergroup_ids),
            type="supergroup",
            title=chat.title,
            members=dict(chat.members),
            migrated_from=chat.id,
        )
        self._add_chat(new)
        actor = by or next(
            (m.user for m in chat.members.values() if m.status == "creator"), self.bot_user
        )
        old_note = self._new_message(chat, actor, kind="service")
        old_note.service = {"migrate_to_chat_id": new.id}
        chat.migrated_to = new.id
        new_note = self._new_message(new, actor, kind="service")
        new_note.service = {"migrate_from_chat_id": chat.id}
        self._enqueue("message", old_note.to_api())
        self._enqueue("message", new_note.to_api())
        return new

    def block_bot(self, user: FakeUser) -> None:
        """The user blocks the bot: sending to their private chat answers 403."""
        user.blocked_bot = True
        self._changed()

    def unblock_bot(self, user: FakeUser) -> None:
        user.blocked_bot = False
        self._changed()

    def _add_chat(self, chat: FakeChat) -> None:
        self.chats[chat.id] = chat
        self._messages[chat.id] = []
        self._next_message_id[chat.id] = 1
        self._changed()

    # ------------------------------------------------------------------ actors: what users do

    def send_text(
        self,
        user: FakeUser,
        chat: FakeChat,
        text: str,
        *,
        reply_to: StoredMessage | None = None,
        topic: int | None = None,
    ) -> StoredMessage:
        """The user sends a text; commands, mentions, urls... get their entities. In a forum
        ``topic`` is the topic's thread id; a reply goes to the topic of what it replies to."""
        self._check_can_post(user, chat)
        if topic is not None and not chat.is_forum:
            raise ValueError(f"{chat!r} has no topics")
        if not text.strip():
            raise ValueError("Telegram clients do not send empty messages")
        if utf16_len(text) > 4096:
            raise ValueError("Telegram clients split texts longer than 4096 UTF-16 units")
        formatted = find_auto_entities(trim(FormattedText(text)))
        message = self._new_message(
            chat,
            user,
            kind="text",
            text=formatted.text,
            html=text,
            entities=formatted.entities,
            reply_to=reply_to,
            thread_id=topic if reply_to is None else reply_to.thread_id,
        )
        self._publish("message", message)
        return message

    def reply(self, user: FakeUser, message: StoredMessage, text: str) -> StoredMessage:
        """The user replies to a message (e.g. the bot's ForceReply prompt)."""
        return self.send_text(user, message.chat, text, reply_to=message)

    def send_sticker(self, user: FakeUser, chat: FakeChat, emoji: str = "👍") -> StoredMessage:
        self._check_can_post(user, chat)
        number = next(self._file_ids)
        sticker = {
            "file_id": f"CAACAgIAAxkBAAI{number:08d}",
            "file_unique_id": f"AgAD{number:08d}",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
            "set_name": "StandInStickers",
            "file_size": 4096,
        }
        message = self._new_message(chat, user, kind="sticker")
        message.sticker = sticker
        self._publish("message", message)
        return message

    def send_photo(
        self, user: FakeUser, chat: FakeChat, caption: str | None = None
    ) -> StoredMessage:
        self._check_can_post(user, chat)
        photo = self._new_file(png_bytes(8, 6), "photo.png", "image/png", prefix="AgAC")
        formatted = find_auto_entities(trim(FormattedText(caption))) if caption else None
        message = self._new_message(
            chat,
            user,
            kind="photo",
            caption=formatted.text if formatted else None,
            html=caption,
            entities=formatted.entities if formatted else (),
        )
        message.photo = photo
        self._publish("message", message)
        return message

    def edit_text(self, user: FakeUser, message: StoredMessage, new_text: str) -> StoredMessage:
        """The user edits their text message: an edited_message update."""
        if message.from_user is not user:
            raise ValueError(f"{user!r} cannot edit {message!r}: not their message")
        if message.text is None or message.deleted:
            raise ValueError(f"{message!r} has no text to edit")
        formatted = find_auto_entities(trim(FormattedText(new_text)))
        message.versions.append(message.snapshot())
        message.text = formatted.text
        message.html = new_text
        message.entities = formatted.entities
        message.edit_count += 1
        message.edit_date = self.now()
        self._publish("edited_message", message)
        return message

    def press(self, user: FakeUser, message: StoredMessage, button_text: str) -> str:
        """The user presses the inline button with that text in the message's current keyboard.
        Returns the callback query id; LookupError (listing the buttons) if there is none."""
        if message.deleted:
            raise LookupError(f"{message!r} was deleted; its buttons are gone")
        matches = [b for row in message.buttons for b in row if b.text == button_text]
        if not matches:
            raise LookupError(
                f"no button {button_text!r} in {message!r}; buttons: {message.button_texts}"
            )
        if len(matches) > 1:
            raise LookupError(f"{len(matches)} buttons {button_text!r} in {message!r}")
        button = matches[0]
        if button.callback_data is None:
            raise LookupError(
                f"button {button_text!r} has no callback_data (it is {button.raw}); "
                "pressing it sends the bot nothing"
            )
        return self.press_data(user, message, button.callback_data)

    def press_data(self, user: FakeUser, message: StoredMessage, data: str) -> str:
        """A callback query with arbitrary data, as a tampering client could send."""
        self._check_can_post(user, message.chat, action="press buttons in")
        query = CallbackQueryState(
            id=str(next(self._query_ids)),
            user=user,
            message=message,
            data=data,
            created=self.clock(),
        )
        self.callback_queries[query.id] = query
        payload = {
            "id": query.id,
            "from": user.to_api(),
            "message": message.to_api(),
            "chat_instance": str(abs(message.chat.id) * 7919 % 10**18 + 10**17),
            "data": data,
        }
        self._enqueue("callback_query", payload)
        return query.id

    def press_inline(
        self, user: FakeUser, data: str, inline_message_id: str = "BAAAAAEAAAA"
    ) -> str:
        """A press on a button of a message sent in inline mode (through the bot, in a chat
        the bot need not be in): Telegram sends no message and no chat, only the message's
        ``inline_message_id``. Returns the callback query id."""
        query = CallbackQueryState(
            id=str(next(self._query_ids)), user=user, message=None, data=data, created=self.clock()
        )
        self.callback_queries[query.id] = query
        payload = {
            "id": query.id,
            "from": user.to_api(),
            "inline_message_id": inline_message_id,
            "chat_instance": str(user.id * 7919 % 10**18 + 10**17),
            "data": data,
        }
        self._enqueue("callback_query", payload)
        return query.id

    def vote(
        self, user: FakeUser, poll_message: StoredMessage, option_ids: Sequence[int]
    ) -> JSONDict:
        """The user votes in the bot's poll (an empty list retracts the vote). Enqueues a
        poll_answer update (non-anonymous polls) and a poll update with the new counts.
        Returns the poll_answer payload."""
        poll = poll_message.poll
        if poll is None or poll_message.deleted:
            raise ValueError(f"{poll_message!r} is not a poll")
        self._check_can_post(user, poll_message.chat, action="vote in")
        self.close_expired_polls()
        if poll.is_closed:
            raise ValueError(f"the poll {poll.question!r} is closed")
        chosen = list(option_ids)
        if any(not 0 <= index < len(poll.options) for index in chosen):
            raise ValueError(f"options {chosen} out of range 0..{len(poll.options) - 1}")
        if len(set(chosen)) != len(chosen):
            raise ValueError(f"duplicate options in {chosen}")
        if len(chosen) > 1 and not poll.allows_multiple_answers:
            raise ValueError("the poll allows one answer only")
        previous = poll.votes.get(user.id, [])
        if previous and not poll.allows_revoting:
            raise ValueError(f"{user!r} already voted and the poll does not allow revoting")
        if not chosen and not previous:
            raise ValueError(f"{user!r} has no vote to retract")
        for index in previous:
            poll.options[index].voters.discard(user.id)
        for index in chosen:
            poll.options[index].voters.add(user.id)
        poll.votes[user.id] = sorted(chosen)
        answer = {
            "poll_id": poll.id,
            "user": user.to_api(),
            "option_ids": sorted(chosen),
            "option_persistent_ids": [poll.options[i].persistent_id for i in sorted(chosen)],
        }
        if not poll.is_anonymous:
            self._enqueue("poll_answer", answer)
        self._enqueue("poll", poll.to_api())
        return answer

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

    # ------------------------------------------------------------------ helpers for methods

    def chat_for_bot(self, p: Params, *, sending: bool = True, name: str = "chat_id") -> FakeChat:
        """The chat a method names, with Telegram's errors for unknown, dead or closed chats."""
        raw = p.raw(name)
        if raw is None or raw == "":
            raise bad_request("chat_id is empty")
        chat: FakeChat | None = None
        if isinstance(raw, int) and not isinstance(raw, bool):
            chat = self.chats.get(raw)
        elif isinstance(raw, str) and raw.startswith("@"):
            wanted = raw[1:].lower()
            chat = next(
                (c for c in self.chats.values() if (c.username or "").lower() == wanted), None
            )
        if chat is None:
            if sending and isinstance(raw, int) and raw in self.users:
                # A known user who never opened a private chat with the bot.
                raise ApiError(403, "Forbidden: bot can't initiate conversation with a user")
            raise bad_request("chat not found")
        if chat.migrated_to is not None:
            raise bad_request(
                "group chat was upgraded to a supergroup chat",
                {"migrate_to_chat_id": chat.migrated_to},
            )
        if not sending:
            return chat
        if chat.type == "private" and chat.user is not None and chat.user.blocked_bot:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        if chat.is_group:
            me = chat.member(self.bot_user.id)
            if me is not None and me.status == "kicked":
                raise ApiError(403, f"Forbidden: bot was kicked from the {chat.type} chat")
            if me is None or not me.is_present:
                raise ApiError(403, f"Forbidden: bot is not a member of the {chat.type} chat")
        return chat

    def find_message(self, chat: FakeChat, message_id: int | None) -> StoredMessage | None:
        if message_id is None:
            return None
        message = self._by_id.get((chat.id, message_id))
        if message is None or message.deleted:
            return None
        return message

    def format_text(
        self,
        text: str,
        parse_mode: str | None,
        entities: object = None,
        *,
        auto_entities: bool = True,
    ) -> FormattedText:
        """The text as Telegram stores it: markup parsed, trimmed, automatic entities (urls,
        mentions, commands...) added unless ``auto_entities`` is off (poll texts)."""

        def resolve(user_id: int) -> JSONDict | None:
            user = self.users.get(user_id)
            return user.to_api() if user else None

        mode = (parse_mode or "").strip().lower()
        if mode in ("markdown", "markdownv2"):
            # Telegram takes them; the bot sends HTML, so the stand-in has no parser for them.
            raise bad_request(f"the stand-in parses HTML only, not parse_mode {parse_mode}")
        try:
            if mode == "html":
                parsed = parse_html(
                    text, strict_ampersand=self.strict_ampersand, resolve_user=resolve
                )
            elif mode:
                raise bad_request("unsupported parse_mode")
            elif entities is not None:
                parsed = check_entities(text, entities)
            else:
                parsed = FormattedText(text)
        except EntityParseError as error:
            raise bad_request(f"can't parse entities: {error}") from error
        trimmed = trim(parsed)
        return find_auto_entities(trimmed) if auto_entities else trimmed

    def parse_reply_markup(self, raw: object) -> JSONDict | None:
        """The inline keyboard to show on the message, or None."""
        if raw is None or raw == "":
            return None
        if not isinstance(raw, dict):
            raise bad_request("can't parse reply keyboard markup JSON object")
        if "inline_keyboard" not in raw:
            # Telegram also takes reply keyboards and ForceReply; the bot sends neither.
            raise bad_request(f"the stand-in takes inline keyboards only, not {sorted(raw)}")
        return self._check_inline_keyboard(raw)

    def _check_inline_keyboard(self, raw: JSONDict) -> JSONDict | None:
        rows = raw["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
            raise bad_request(
                'Field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays'
            )
        count = 0
        for row in rows:
            for button in row:
                count += 1
                _check_inline_button(button)
        if count > 100:
            raise bad_request("reply markup is too long")
        if count == 0:
            return None
        return {"inline_keyboard": [[dict(b) for b in row] for row in rows if row]}

    def reply_target(self, p: Params, chat: FakeChat) -> StoredMessage | None:
        """The message a send replies to (reply_parameters or reply_to_message_id)."""
        params = p.get_dict("reply_parameters")
        message_id = p.get_int("reply_to_message_id")
        allow_missing = p.get_bool("allow_sending_without_reply")
        target_chat = chat
        if params is not None:
            message_id = params.get("message_id")
            allow_missing = bool(params.get("allow_sending_without_reply", False))
            if params.get("chat_id") is not None:
                other = (
                    self.chats.get(params["chat_id"])
                    if isinstance(params["chat_id"], int)
                    else None
                )
                if other is None:
                    raise bad_request("chat not found")
                target_chat = other
        if message_id is None:
            return None
        if not isinstance(message_id, int):
            raise bad_request("message to be replied not found")
        message = self.find_message(target_chat, message_id)
        if message is None and not allow_missing:
            raise bad_request("message to be replied not found")
        return message

    def check_flood(self, chat: FakeChat) -> None:
        """Telegram's limit of about 20 messages a minute in a group: 429 with retry_after."""
        if not chat.is_group or self.group_flood_limit is None:
            return
        now = self.clock()
        sent = self._flood.setdefault(chat.id, deque())
        while sent and sent[0] <= now - self.flood_window:
            sent.popleft()
        if len(sent) >= self.group_flood_limit:
            retry_after = max(1, math.ceil(sent[0] + self.flood_window - now))
            raise ApiError(
                429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after}
            )
        sent.append(now)

    def bot_send(self, chat: FakeChat, **fields: Any) -> StoredMessage:
        """Store a message the bot sent."""
        return self._new_message(chat, self.bot_user, **fields)

    def input_file(self, p: Params, name: str, *, photo: bool = False) -> StoredFile:
        """The file a send method names: uploaded, or an earlier file_id."""
        upload = p.files.get(name)
        value = p.raw(name)
        if upload is None and isinstance(value, str) and value.startswith("attach://"):
            upload = p.files.get(value[len("attach://") :])
        if upload is not None:
            return self._stored_upload(upload, photo=photo)
        if not isinstance(value, str) or not value:
            raise bad_request(f"there is no {name} in the request")
        if value in self.files:
            return self.files[value]
        raise bad_request("wrong file identifier/HTTP URL specified")

    def _stored_upload(self, upload: UploadedFile, *, photo: bool) -> StoredFile:
        if not upload.data:
            raise bad_request("file must be non-empty")
        if photo:
            if len(upload.data) > 10 * 1024 * 1024:
                raise bad_request("PHOTO_INVALID_DIMENSIONS")
            if image_size(upload.data) is None:
                raise bad_request("IMAGE_PROCESS_FAILED")
            return self._new_file(upload.data, upload.filename, upload.content_type, prefix="AgAC")
        if len(upload.data) > 50 * 1024 * 1024:
            raise ApiError(413, "Request Entity Too Large")
        return self._new_file(upload.data, upload.filename, upload.content_type, prefix="BQAC")

    def new_poll(self, **fields: Any) -> StoredPoll:
        poll_id = str(next(self._poll_ids))
        options = [
            PollOptionState(text, f"{poll_id[-6:]}-{index}")
            for index, text in enumerate(fields.pop("option_texts"))
        ]
        poll = StoredPoll(id=poll_id, options=options, **fields)
        self.polls[poll.id] = poll
        if poll.close_date is not None and not poll.is_closed:
            self._timed_polls.append(poll)
        return poll

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

    def record_commands(
        self, scope: JSONDict | None, language: str, commands: Iterable[JSONDict]
    ) -> None:
        key = (scope_key(scope), language)
        listed = list(commands)
        if listed:
            self.commands[key] = listed
        else:
            self.commands.pop(key, None)


def scope_key(scope: JSONDict | None) -> str:
    if not scope or scope.get("type") == "default":
        return "default"
    details = ",".join(f"{k}={scope[k]}" for k in sorted(scope) if k != "type")
    return f"{scope.get('type')}:{details}" if details else str(scope.get("type"))


def _check_inline_button(button: object) -> None:
    prefix = "can't parse InlineKeyboardButton: "
    if not isinstance(button, dict):
        raise bad_request(prefix + "InlineKeyboardButton must be an Object")
    if "text" not in button:
        raise bad_request(prefix + 'Can\'t find field "text"')
    if not isinstance(button["text"], str):
        raise bad_request(prefix + 'Field "text" must be of type String')
    if not button["text"].strip():
        raise bad_request(prefix + "Text must be non-empty")
    # Telegram treats an empty callback_data or url as absent (an empty switch_inline_query
    # is a valid action).
    actions = [
        action
        for action in _INLINE_ACTIONS
        if button.get(action) is not None
        and not (action in ("callback_data", "url") and button[action] == "")
    ]
    if not actions:
        raise bad_request(prefix + "Text buttons are not allowed in the inline keyboard")
    if len(actions) > 1:
        # Telegram silently uses one of them; the stand-in insists on exactly one.
        raise bad_request(
            prefix + f"exactly one of the optional fields must be used, got {actions}"
        )
    data = button.get("callback_data")
    if data is not None and (not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= 64):
        raise bad_request("BUTTON_DATA_INVALID")
    url = button.get("url")
    if url is not None and (
        not isinstance(url, str) or not url.startswith(("http://", "https://", "tg://"))
    ):
        raise bad_request("BUTTON_URL_INVALID")
