"""The stand-in's state and everything that changes it, without HTTP.

``StandInState`` holds the world (users, chats, messages, polls, files), the update queue the
bot polls, and the record of the bot's calls. Tests act as users through its actor methods
(``send_text``, ``press``, ``vote``...), each of which enqueues the update Telegram would send;
the Bot API methods in ``tests.standin.methods`` change it on the bot's behalf.

It is built in layers, one module each: the world and its update queue (``tests.standin.world``),
who exists (``tests.standin.chats``), what users do (``tests.standin.user_actions``), and here
what the Bot API methods need: the chat or message a call names, text and keyboards as Telegram
stores them, the flood limit, uploaded files, polls and commands.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterable
from typing import Any

from tests.standin.entities import (
    EntityParseError,
    FormattedText,
    check_entities,
    find_auto_entities,
    parse_html,
    trim,
)
from tests.standin.images import image_size
from tests.standin.images import png_bytes as png_bytes  # re-exported: tests import it from here
from tests.standin.keyboards import check_inline_keyboard
from tests.standin.model import (
    FakeChat,
    JSONDict,
    PollOptionState,
    StoredFile,
    StoredMessage,
    StoredPoll,
    UploadedFile,
)
from tests.standin.params import ApiError, Params, bad_request
from tests.standin.user_actions import UserActions


class StandInState(UserActions):
    """All state of the stand-in; see ``BotApiStandIn`` for the public, HTTP-serving class."""

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
        return check_inline_keyboard(raw)

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
