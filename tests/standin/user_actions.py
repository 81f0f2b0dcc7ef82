"""What users do in the stand-in: send, reply, edit, press, vote; each enqueues an update."""

from __future__ import annotations

from collections.abc import Sequence

from tests.standin.chats import ChatsState
from tests.standin.entities import FormattedText, find_auto_entities, trim, utf16_len
from tests.standin.images import png_bytes
from tests.standin.model import CallbackQueryState, FakeChat, FakeUser, JSONDict, StoredMessage


class UserActions(ChatsState):
    """Actors: what users do, each enqueueing the update Telegram would send."""

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
