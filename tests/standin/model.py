"""The stand-in's world: users, chats, messages, polls and files, each able to show itself as
the Bot API JSON object Telegram would send."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

JSONDict = dict[str, Any]

ChatType = Literal["private", "group", "supergroup", "channel"]
MemberStatus = Literal["creator", "administrator", "member", "restricted", "left", "kicked"]


def _drop_none(data: JSONDict) -> JSONDict:
    return {key: value for key, value in data.items() if value is not None}


@dataclass(eq=False)
class FakeUser:
    """A Telegram user (or the bot itself, with ``is_bot``)."""

    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = "en"
    is_bot: bool = False
    blocked_bot: bool = False  # the user blocked the bot: sends to them answer 403

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}" if self.last_name else self.first_name

    def to_api(self) -> JSONDict:
        return _drop_none(
            {
                "id": self.id,
                "is_bot": self.is_bot,
                "first_name": self.first_name,
                "last_name": self.last_name,
                "username": self.username,
                "language_code": None if self.is_bot else self.language_code,
            }
        )

    def __repr__(self) -> str:
        return f"FakeUser({self.id}, {self.full_name!r})"


@dataclass(eq=False)
class ChatMember:
    user: FakeUser
    status: MemberStatus = "member"
    custom_title: str | None = None
    is_member: bool = True  # a restricted user: still in the chat, or not

    @property
    def is_admin(self) -> bool:
        return self.status in ("creator", "administrator")

    @property
    def is_present(self) -> bool:
        return self.status in ("creator", "administrator", "member") or (
            self.status == "restricted" and self.is_member
        )

    def to_api(self) -> JSONDict:
        data: JSONDict = {"status": self.status, "user": self.user.to_api()}
        if self.status == "creator":
            data.update(is_anonymous=False)
            if self.custom_title:
                data["custom_title"] = self.custom_title
        elif self.status == "administrator":
            rights = (
                "can_manage_chat",
                "can_delete_messages",
                "can_manage_video_chats",
                "can_restrict_members",
                "can_promote_members",
                "can_change_info",
                "can_invite_users",
                "can_post_stories",
                "can_edit_stories",
                "can_delete_stories",
                "can_pin_messages",
            )
            data.update(can_be_edited=False, is_anonymous=False)
            data.update(dict.fromkeys(rights, True))
            if self.custom_title:
                data["custom_title"] = self.custom_title
        elif self.status == "restricted":
            # a member who may read but not post (the fields PTB 22.8 requires)
            muted = (
                "can_change_info",
                "can_invite_users",
                "can_pin_messages",
                "can_send_messages",
                "can_send_polls",
                "can_send_other_messages",
                "can_add_web_page_previews",
                "can_manage_topics",
                "can_send_audios",
                "can_send_documents",
                "can_send_photos",
                "can_send_videos",
                "can_send_video_notes",
                "can_send_voice_notes",
                "can_edit_tag",
                "can_react_to_messages",
            )
            data.update(dict.fromkeys(muted, False), is_member=self.is_member, until_date=0)
        elif self.status == "kicked":
            data["until_date"] = 0
        return data


@dataclass(eq=False)
class FakeChat:
    """A chat. Private chats have the user's id; groups negative ids and members."""

    id: int
    type: ChatType
    title: str | None = None
    username: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    user: FakeUser | None = None  # the other side of a private chat
    members: dict[int, ChatMember] = field(default_factory=dict)
    migrated_to: int | None = None  # a group upgraded to this supergroup
    migrated_from: int | None = None
    is_forum: bool = False  # a supergroup with topics

    @property
    def is_group(self) -> bool:
        return self.type in ("group", "supergroup")

    def member(self, user_id: int) -> ChatMember | None:
        return self.members.get(user_id)

    def to_api(self) -> JSONDict:
        data: JSONDict = {"id": self.id, "type": self.type}
        if self.type == "private":
            data.update(first_name=self.first_name, last_name=self.last_name)
            data["username"] = self.username
        else:
            data["title"] = self.title
            data["username"] = self.username
            if self.is_forum:
                data["is_forum"] = True
        return _drop_none(data)

    def __repr__(self) -> str:
        name = self.title or self.first_name
        return f"FakeChat({self.id}, {self.type}, {name!r})"


@dataclass(frozen=True)
class Button:
    """One inline keyboard button as the bot sent it."""

    text: str
    callback_data: str | None = None
    url: str | None = None
    raw: JSONDict = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class StoredFile:
    file_id: str
    file_unique_id: str
    data: bytes
    file_name: str | None = None
    mime_type: str | None = None
    width: int | None = None
    height: int | None = None

    @property
    def size(self) -> int:
        return len(self.data)


@dataclass(frozen=True)
class MessageVersion:
    """A message's content before an edit (``StoredMessage.versions``)."""

    text: str | None
    html: str | None
    entities: tuple[JSONDict, ...]
    caption: str | None
    reply_markup: JSONDict | None
    edit_date: int | None


@dataclass(eq=False)
class PollOptionState:
    text: str
    persistent_id: str
    voters: set[int] = field(default_factory=set)


@dataclass(eq=False)
class StoredPoll:
    id: str
    question: str
    question_entities: tuple[JSONDict, ...]
    options: list[PollOptionState]
    type: Literal["regular", "quiz"]
    is_anonymous: bool
    allows_multiple_answers: bool
    allows_revoting: bool
    correct_option_ids: list[int] | None = None
    explanation: str | None = None
    explanation_entities: tuple[JSONDict, ...] = ()
    open_period: int | None = None
    close_date: int | None = None
    is_closed: bool = False
    votes: dict[int, list[int]] = field(default_factory=dict)  # user id -> option indices
    chat_id: int = 0
    message_id: int = 0

    @property
    def total_voter_count(self) -> int:
        return sum(1 for chosen in self.votes.values() if chosen)

    def to_api(self) -> JSONDict:
        data: JSONDict = {
            "id": self.id,
            "question": self.question,
            "options": [
                {
                    "text": option.text,
                    "voter_count": len(option.voters),
                    "persistent_id": option.persistent_id,
                }
                for option in self.options
            ],
            "total_voter_count": self.total_voter_count,
            "is_closed": self.is_closed,
            "is_anonymous": self.is_anonymous,
            "type": self.type,
            "allows_multiple_answers": self.allows_multiple_answers,
            "allows_revoting": self.allows_revoting,
            "members_only": False,
        }
        if self.question_entities:
            data["question_entities"] = list(self.question_entities)
        if self.correct_option_ids is not None:
            data["correct_option_ids"] = list(self.correct_option_ids)
        if self.explanation is not None:
            data["explanation"] = self.explanation
            if self.explanation_entities:
                data["explanation_entities"] = list(self.explanation_entities)
        if self.open_period is not None:
            data["open_period"] = self.open_period
        if self.close_date is not None:
            data["close_date"] = self.close_date
        return data


@dataclass(eq=False)
class StoredMessage:
    """A message in a chat, in its current state (edits applied, ``deleted`` flagged).

    ``text`` is the plain text (entities parsed out, HTML unescaped); ``html`` the text or
    caption exactly as sent; ``reply_markup`` the current inline keyboard (None if none).
    """

    message_id: int
    chat: FakeChat
    from_user: FakeUser
    date: int
    kind: str = "text"  # text | photo | document | sticker | poll | service
    text: str | None = None
    html: str | None = None
    parse_mode: str | None = None
    entities: tuple[JSONDict, ...] = ()
    caption: str | None = None
    reply_markup: JSONDict | None = None
    reply_to: StoredMessage | None = None
    edit_count: int = 0
    edit_date: int | None = None
    deleted: bool = False
    versions: list[MessageVersion] = field(default_factory=list)
    photo: StoredFile | None = None
    document: StoredFile | None = None
    sticker: JSONDict | None = None
    poll: StoredPoll | None = None
    service: JSONDict = field(default_factory=dict)  # e.g. migrate_to_chat_id
    link_preview_options: JSONDict | None = None
    disable_notification: bool = False
    protect_content: bool = False
    thread_id: int | None = None  # its forum topic (None: General, or no topics)

    @property
    def chat_id(self) -> int:
        return self.chat.id

    @property
    def is_bot(self) -> bool:
        return self.from_user.is_bot

    @property
    def content(self) -> str | None:
        """The visible text: ``text`` for text messages, the caption otherwise."""
        return self.text if self.text is not None else self.caption

    @property
    def buttons(self) -> list[list[Button]]:
        rows = (self.reply_markup or {}).get("inline_keyboard") or []
        return [
            [
                Button(
                    text=str(button.get("text", "")),
                    callback_data=button.get("callback_data"),
                    url=button.get("url"),
                    raw=dict(button),
                )
                for button in row
            ]
            for row in rows
        ]

    @property
    def button_texts(self) -> list[str]:
        return [button.text for row in self.buttons for button in row]

    def snapshot(self) -> MessageVersion:
        return MessageVersion(
            text=self.text,
            html=self.html,
            entities=self.entities,
            caption=self.caption,
            reply_markup=self.reply_markup,
            edit_date=self.edit_date,
        )

    def to_api(self, *, nested: bool = False) -> JSONDict:
        data: JSONDict = {
            "message_id": self.message_id,
            "from": self.from_user.to_api(),
            "chat": self.chat.to_api(),
            "date": self.date,
        }
        if self.edit_date is not None:
            data["edit_date"] = self.edit_date
        if self.thread_id is not None:
            data.update(message_thread_id=self.thread_id, is_topic_message=True)
        if self.reply_to is not None and not nested:
            data["reply_to_message"] = self.reply_to.to_api(nested=True)
        if self.text is not None:
            data["text"] = self.text
            if self.entities:
                data["entities"] = list(self.entities)
            if self.link_preview_options:
                data["link_preview_options"] = self.link_preview_options
        if self.caption is not None:
            data["caption"] = self.caption
            if self.entities:
                data["caption_entities"] = list(self.entities)
        if self.photo is not None:
            data["photo"] = [photo_size(self.photo)]
        if self.document is not None:
            data["document"] = _drop_none(
                {
                    "file_id": self.document.file_id,
                    "file_unique_id": self.document.file_unique_id,
                    "file_name": self.document.file_name,
                    "mime_type": self.document.mime_type,
                    "file_size": self.document.size,
                }
            )
        if self.sticker is not None:
            data["sticker"] = self.sticker
        if self.poll is not None:
            data["poll"] = self.poll.to_api()
        if self.protect_content:
            data["has_protected_content"] = True
        data.update(self.service)
        if self.reply_markup:
            data["reply_markup"] = self.reply_markup
        return data

    def __repr__(self) -> str:
        who = "bot" if self.is_bot else self.from_user.first_name
        body = self.content if self.content is not None else f"<{self.kind}>"
        flags = " deleted" if self.deleted else ""
        keys = f" buttons={self.button_texts}" if self.reply_markup else ""
        return (
            f"StoredMessage(#{self.message_id} in {self.chat.id} by {who}: {body!r}{keys}{flags})"
        )


def photo_size(photo: StoredFile) -> JSONDict:
    return {
        "file_id": photo.file_id,
        "file_unique_id": photo.file_unique_id,
        "width": photo.width or 1,
        "height": photo.height or 1,
        "file_size": photo.size,
    }


@dataclass(frozen=True)
class UploadedFile:
    """A file part of a multipart request."""

    field: str
    filename: str | None
    content_type: str | None
    data: bytes


@dataclass
class ApiCall:
    """One request the bot made: the method, its decoded parameters and the outcome."""

    method: str
    params: JSONDict
    ok: bool
    result: Any = None
    error_code: int | None = None
    error: str | None = None  # Telegram's description, e.g. "Bad Request: chat not found"
    files: dict[str, UploadedFile] = field(default_factory=dict)
    started: float = 0.0
    finished: float = 0.0
    in_push: bool = False  # made by Telegram from the bot's answer to a webhook push

    def __repr__(self) -> str:
        outcome = "ok" if self.ok else f"{self.error_code} {self.error}"
        shown = {k: v for k, v in self.params.items() if k != "reply_markup"}
        text = repr(shown)
        if len(text) > 160:
            text = text[:157] + "..."
        return f"ApiCall({self.method} {text} -> {outcome})"


@dataclass(frozen=True)
class CallbackAnswer:
    query_id: str
    text: str | None = None
    show_alert: bool = False
    url: str | None = None
    cache_time: int | None = None


@dataclass(eq=False)
class CallbackQueryState:
    id: str
    user: FakeUser
    message: StoredMessage | None  # None: a button of a message sent in inline mode
    data: str
    created: float
    answered: bool = False


@dataclass(frozen=True)
class PendingUpdate:
    update_id: int
    kind: str  # message, edited_message, callback_query, poll, poll_answer, ...
    payload: JSONDict

    def to_api(self) -> JSONDict:
        return {"update_id": self.update_id, self.kind: self.payload}
