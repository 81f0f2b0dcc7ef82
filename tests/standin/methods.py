"""The Bot API methods the stand-in answers (all but getUpdates, which waits and lives in the
server). Each takes the state and the request's parameters and returns the ``result`` value,
or raises ``ApiError`` with Telegram's code and wording."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from tests.standin.entities import FormattedText, utf16_len
from tests.standin.model import CallbackAnswer, FakeChat, JSONDict, StoredMessage
from tests.standin.params import ApiError, Params, bad_request
from tests.standin.state import StandInState

Method = Callable[[StandInState, Params], Any]

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_ANSWER = 200
QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the "
    "same as a current content and reply markup of the message"
)
_COMMAND = re.compile(r"^[a-z0-9_]{1,32}$")

METHODS: dict[str, Method] = {}


def method(name: str) -> Callable[[Method], Method]:
    def register(function: Method) -> Method:
        METHODS[name.lower()] = function
        return function

    return register


# ---------------------------------------------------------------------- the bot itself


@method("getMe")
def get_me(s: StandInState, p: Params) -> JSONDict:
    return {
        **s.bot_user.to_api(),
        "can_join_groups": True,
        "can_read_all_group_messages": not s.privacy_mode,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


@method("deleteWebhook")
def delete_webhook(s: StandInState, p: Params) -> bool:
    s.webhook_url = ""
    s.webhook_info = {}
    if p.get_bool("drop_pending_updates"):
        s.drop_pending_updates()
    return True


_SECRET_TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


@method("setWebhook")
def set_webhook(s: StandInState, p: Params) -> bool:
    url = p.get_str("url") or ""
    if url and not url.startswith("https://"):
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    secret = p.get_str("secret_token")
    if secret is not None and not _SECRET_TOKEN.match(secret):
        raise bad_request("secret token contains unallowed characters")
    connections = p.get_int("max_connections", 40) or 40
    if not 1 <= connections <= 100:
        raise bad_request("bad webhook: max_connections must be between 1 and 100")
    allowed = p.get_list("allowed_updates")
    if allowed is not None:
        s.allowed_updates = [str(kind) for kind in allowed]
    s.webhook_url = url
    s.webhook_info = {"max_connections": connections}
    if secret is not None:
        s.webhook_info["secret_token"] = secret  # kept for the tests' pushes; never shown
    if p.get_bool("drop_pending_updates"):
        s.drop_pending_updates()
    return True


@method("getWebhookInfo")
def get_webhook_info(s: StandInState, p: Params) -> JSONDict:
    info: JSONDict = {
        "url": s.webhook_url,
        "has_custom_certificate": False,
        "pending_update_count": len(s.pending_updates),
    }
    if s.webhook_url:
        for key in ("last_error_date", "last_error_message", "max_connections"):
            if key in s.webhook_info:
                info[key] = s.webhook_info[key]
        if s.allowed_updates:
            info["allowed_updates"] = list(s.allowed_updates)
    return info


@method("setMyCommands")
def set_my_commands(s: StandInState, p: Params) -> bool:
    commands = p.get_list("commands")
    if commands is None:
        raise bad_request('parameter "commands" is required')
    if len(commands) > 100:
        raise bad_request("too many commands specified")
    checked: list[JSONDict] = []
    for command in commands:
        if not isinstance(command, dict):
            raise bad_request("can't parse BotCommand: BotCommand must be an Object")
        name = command.get("command")
        description = command.get("description")
        if not isinstance(name, str) or not _COMMAND.match(name.lower()):
            raise bad_request("BOT_COMMAND_INVALID")
        if not isinstance(description, str) or not 1 <= len(description.strip()) <= 256:
            raise bad_request("command description must be non-empty")
        checked.append({"command": name.lower(), "description": description})
    s.record_commands(p.get_dict("scope"), _language_code(p), checked)
    return True


def _language_code(p: Params) -> str:
    """A two-letter ISO 639-1 code, or "" for every user without a dedicated one."""
    code = p.get_str("language_code") or ""
    if code and not re.fullmatch(r"[a-z]{2}", code):
        raise bad_request("LANGUAGE_CODE_INVALID")
    return code


@method("setMyDescription")
def set_my_description(s: StandInState, p: Params) -> bool:
    return _set_description(s, p, "description", 512)


@method("setMyShortDescription")
def set_my_short_description(s: StandInState, p: Params) -> bool:
    return _set_description(s, p, "short_description", 120)


def _set_description(s: StandInState, p: Params, kind: str, limit: int) -> bool:
    text = p.get_str(kind) or ""
    if len(text.encode("utf-16-le")) // 2 > limit:
        raise bad_request(f"{kind.replace('_', ' ')} is too long")
    s.descriptions[(kind, _language_code(p))] = text
    return True


# ---------------------------------------------------------------------- sending


def _send_options(p: Params) -> JSONDict:
    preview = p.get_dict("link_preview_options")
    if preview is None and p.get_bool("disable_web_page_preview"):
        preview = {"is_disabled": True}
    return {
        "link_preview_options": preview,
        "disable_notification": p.get_bool("disable_notification"),
        "protect_content": p.get_bool("protect_content"),
    }


def _thread_of(p: Params, chat: FakeChat, reply_to: StoredMessage | None) -> int | None:
    """The forum topic a send goes to: message_thread_id, else the topic of the message it
    replies to; None is the General topic (or a chat without topics)."""
    thread = p.get_int("message_thread_id")
    if thread is not None and not chat.is_forum:
        raise bad_request("message thread not found")
    return thread if thread is not None or reply_to is None else reply_to.thread_id


def _text_param(p: Params) -> str:
    text = p.get_str("text")
    if not text:
        raise bad_request("message text is empty")
    return text


def _format_message_text(s: StandInState, p: Params, text: str) -> FormattedText:
    formatted = s.format_text(text, p.get_str("parse_mode"), p.raw("entities"))
    if not formatted.text:
        raise bad_request("message must be non-empty")
    if formatted.length > MAX_TEXT:
        raise bad_request("message is too long")
    return formatted


def _format_caption(s: StandInState, p: Params) -> FormattedText | None:
    caption = p.get_str("caption")
    if not caption:
        return None
    formatted = s.format_text(caption, p.get_str("parse_mode"), p.raw("caption_entities"))
    if formatted.length > MAX_CAPTION:
        raise bad_request("message caption is too long")
    return formatted if formatted.text else None


@method("sendMessage")
def send_message(s: StandInState, p: Params) -> JSONDict:
    chat = s.chat_for_bot(p)
    text = _text_param(p)
    formatted = _format_message_text(s, p, text)
    inline = s.parse_reply_markup(p.raw("reply_markup"))
    reply_to = s.reply_target(p, chat)
    thread = _thread_of(p, chat, reply_to)
    s.check_flood(chat)
    message = s.bot_send(
        chat,
        thread_id=thread,
        kind="text",
        text=formatted.text,
        entities=formatted.entities,
        html=text,
        parse_mode=p.get_str("parse_mode"),
        reply_markup=inline,
        reply_to=reply_to,
        **_send_options(p),
    )
    return message.to_api()


def _send_media(s: StandInState, p: Params, kind: str) -> JSONDict:
    chat = s.chat_for_bot(p)
    stored = s.input_file(p, kind, photo=kind == "photo")
    caption = _format_caption(s, p)
    inline = s.parse_reply_markup(p.raw("reply_markup"))
    reply_to = s.reply_target(p, chat)
    thread = _thread_of(p, chat, reply_to)
    s.check_flood(chat)
    options = _send_options(p)
    options.pop("link_preview_options")
    message = s.bot_send(
        chat,
        thread_id=thread,
        kind=kind,
        caption=caption.text if caption else None,
        entities=caption.entities if caption else (),
        html=p.get_str("caption"),
        parse_mode=p.get_str("parse_mode"),
        reply_markup=inline,
        reply_to=reply_to,
        **options,
    )
    if kind == "photo":
        message.photo = stored
    else:
        message.document = stored
    return message.to_api()


@method("sendPhoto")
def send_photo(s: StandInState, p: Params) -> JSONDict:
    return _send_media(s, p, "photo")


@method("sendDocument")
def send_document(s: StandInState, p: Params) -> JSONDict:
    return _send_media(s, p, "document")


# ---------------------------------------------------------------------- editing


def _message_to_edit(s: StandInState, p: Params) -> StoredMessage:
    if p.has("inline_message_id"):
        raise bad_request("MESSAGE_ID_INVALID (the stand-in has no inline messages)")
    chat = s.chat_for_bot(p)
    message_id = p.require_int("message_id", "message identifier is not specified")
    message = s.find_message(chat, message_id)
    if message is None:
        raise bad_request("message to edit not found")
    if message.from_user is not s.bot_user:
        raise bad_request("message can't be edited")
    return message


def _apply_edit(s: StandInState, message: StoredMessage, **changes: Any) -> JSONDict:
    message.versions.append(message.snapshot())
    for name, value in changes.items():
        setattr(message, name, value)
    message.edit_count += 1
    message.edit_date = s.now()
    return message.to_api()


@method("editMessageText")
def edit_message_text(s: StandInState, p: Params) -> JSONDict:
    message = _message_to_edit(s, p)
    if message.text is None:
        raise bad_request("there is no text in the message to edit")
    text = _text_param(p)
    formatted = _format_message_text(s, p, text)
    inline = s.parse_reply_markup(p.raw("reply_markup"))
    if (formatted.text, formatted.entities, inline) == (
        message.text,
        message.entities,
        message.reply_markup,
    ):
        raise bad_request(NOT_MODIFIED)
    changes: JSONDict = {
        "text": formatted.text,
        "entities": formatted.entities,
        "html": text,
        "parse_mode": p.get_str("parse_mode"),
        "reply_markup": inline,
    }
    if p.has("link_preview_options"):
        changes["link_preview_options"] = p.get_dict("link_preview_options")
    return _apply_edit(s, message, **changes)


@method("editMessageReplyMarkup")
def edit_message_reply_markup(s: StandInState, p: Params) -> JSONDict:
    message = _message_to_edit(s, p)
    inline = s.parse_reply_markup(p.raw("reply_markup"))
    if inline == message.reply_markup:
        raise bad_request(NOT_MODIFIED)
    return _apply_edit(s, message, reply_markup=inline)


# ---------------------------------------------------------------------- reactions, deletion

# The emoji a bot may react with (the Bot API's ReactionTypeEmoji list), and the three
# joined ones, with and without the variation selector the clients may add.
_EMOJI = (
    "👍 👎 ❤ 🔥 🥰 👏 😁 🤔 🤯 😱 🤬 😢 🎉 🤩 🤮 💩 🙏 👌 🕊 🤡 "
    "🥱 🥴 😍 🐳 🌚 🌭 💯 🤣 ⚡ 🍌 🏆 💔 🤨 😐 🍓 🍾 💋 🖕 😈 😴 "
    "😭 🤓 👻 👀 🎃 🙈 😇 😨 🤝 ✍ 🤗 🫡 🎅 🎄 ☃ 💅 🤪 🗿 🆒 💘 "
    "🙉 🦄 😘 💊 🙊 😎 👾 🤷 😡 "
    "\u2764\u200d\U0001f525 \U0001f468\u200d\U0001f4bb "
    "\U0001f937\u200d\u2642 \U0001f937\u200d\u2640 \u2764\ufe0f\u200d\U0001f525 "
    "\U0001f937\u200d\u2642\ufe0f \U0001f937\u200d\u2640\ufe0f"
)
REACTION_EMOJI = frozenset(_EMOJI.split())
# Telegram lets a bot delete a message for 48 hours after it was sent.
DELETE_WINDOW = 48 * 3600


@method("setMessageReaction")
def set_message_reaction(s: StandInState, p: Params) -> bool:
    """The bot's reactions on a message (a bot may set at most one; an empty list clears)."""
    chat = s.chat_for_bot(p, sending=False)
    message_id = p.require_int("message_id", "message identifier is not specified")
    message = s.find_message(chat, message_id)
    if message is None or message.kind == "service":
        raise bad_request("message to react not found")
    reactions = p.get_list("reaction") or []
    if len(reactions) > 1:
        raise bad_request("REACTIONS_TOO_MANY")
    for reaction in reactions:
        if not isinstance(reaction, dict) or reaction.get("type") not in ("emoji", "custom_emoji"):
            raise bad_request("REACTION_INVALID")
        if reaction["type"] == "emoji" and reaction.get("emoji") not in REACTION_EMOJI:
            raise bad_request("REACTION_INVALID")
        if reaction["type"] == "custom_emoji":
            raise bad_request("REACTION_INVALID")  # bots may not use custom emoji
    p.get_bool("is_big")  # accepted; only an animation in the clients
    return True


@method("deleteMessage")
def delete_message(s: StandInState, p: Params) -> bool:
    """A bot deletes its own messages, any message in a private chat, and others' messages
    in a group where it is an admin; within 48 hours of sending (Telegram's rule)."""
    chat = s.chat_for_bot(p, sending=False)
    message_id = p.require_int("message_id", "message identifier is not specified")
    message = s.find_message(chat, message_id)
    if message is None:
        raise bad_request("message to delete not found")
    me = chat.member(s.bot_user.id)
    own = message.from_user is s.bot_user
    may = own or chat.type == "private" or (me is not None and me.is_admin)
    if not may or s.now() - message.date > DELETE_WINDOW:
        raise bad_request("message can't be deleted")
    message.deleted = True
    return True


# ---------------------------------------------------------------------- callback queries


@method("answerCallbackQuery")
def answer_callback_query(s: StandInState, p: Params) -> bool:
    query_id = p.get_str("callback_query_id") or ""
    query = s.callback_queries.get(query_id)
    if query is None or query.answered or s.clock() - query.created > s.callback_query_timeout:
        raise bad_request(QUERY_TOO_OLD)
    text = p.get_str("text")
    if text is not None and utf16_len(text) > MAX_CALLBACK_ANSWER:
        raise bad_request("MESSAGE_TOO_LONG")
    query.answered = True
    s.callback_answers[query_id] = _answer(query_id, p, text)
    return True


def _answer(query_id: str, p: Params, text: str | None) -> CallbackAnswer:
    return CallbackAnswer(
        query_id=query_id,
        text=text,
        show_alert=p.get_bool("show_alert"),
        url=p.get_str("url"),
        cache_time=p.get_int("cache_time"),
    )


# ---------------------------------------------------------------------- chats and members


@method("getChatMember")
def get_chat_member(s: StandInState, p: Params) -> JSONDict:
    chat = s.chat_for_bot(p, sending=False)
    user_id = p.require_int("user_id", "user not found")
    user = s.users.get(user_id)
    if user is None:
        raise bad_request("user not found")
    member = chat.member(user_id)
    if member is None:
        if chat.type == "private":
            raise bad_request("user not found")
        return {"status": "left", "user": user.to_api()}
    return member.to_api()


@method("getChatMemberCount")
def get_chat_member_count(s: StandInState, p: Params) -> int:
    """How many are in the chat now, the bot included (as Telegram counts them)."""
    chat = s.chat_for_bot(p, sending=False)
    return sum(1 for member in chat.members.values() if member.is_present)


# ---------------------------------------------------------------------- polls


def _poll_options(s: StandInState, raw: list[Any] | None) -> list[str]:
    if raw is None:
        raise bad_request('parameter "options" is required')
    texts: list[str] = []
    for option in raw:
        text = option.get("text") if isinstance(option, dict) else option
        if not isinstance(text, str):
            raise bad_request("poll options must be non-empty")
        if isinstance(option, dict):
            text = s.format_text(
                text,
                option.get("text_parse_mode"),
                option.get("text_entities"),
                auto_entities=False,
            ).text
        if not text.strip():
            raise bad_request("poll options must be non-empty")
        if utf16_len(text) > 100:
            raise bad_request("poll options length must not exceed 100")
        texts.append(text.strip())
    if not 1 <= len(texts) <= 12:
        raise bad_request("poll must have 1-12 options")
    if len(set(texts)) != len(texts):
        raise bad_request("poll options must be unique")
    return texts


@method("sendPoll")
def send_poll(s: StandInState, p: Params) -> JSONDict:
    chat = s.chat_for_bot(p)
    question_raw = p.get_str("question") or ""
    question = s.format_text(
        question_raw,
        p.get_str("question_parse_mode"),
        p.raw("question_entities"),
        auto_entities=False,
    )
    if not question.text:
        raise bad_request("poll question must be non-empty")
    if question.length > 300:
        raise bad_request("poll question length must not exceed 300")
    options = _poll_options(s, p.get_list("options"))
    kind = p.get_str("type") or "regular"
    if kind not in ("regular", "quiz"):
        raise bad_request("wrong poll type specified")
    is_anonymous = p.get_bool("is_anonymous", True)
    if chat.type == "channel" and not is_anonymous:
        raise bad_request("non-anonymous polls can't be sent to channel chats")
    multiple = p.get_bool("allows_multiple_answers")
    correct: list[int] | None = None
    if kind == "quiz":
        raw_ids = p.get_list("correct_option_ids")
        if raw_ids is None and p.has("correct_option_id"):
            raw_ids = [p.get_int("correct_option_id")]
        if not raw_ids:
            raise bad_request("quiz poll must have a correct option (correct_option_ids)")
        if any(not isinstance(i, int) or not 0 <= i < len(options) for i in raw_ids):
            raise bad_request("wrong correct option ID specified")
        if len(raw_ids) > 1 and not multiple:
            raise bad_request("a quiz with one answer must have exactly one correct option")
        correct = sorted(int(i) for i in raw_ids)
    explanation: FormattedText | None = None
    if p.get_str("explanation"):
        if kind != "quiz":
            raise bad_request("explanation can be specified only for quizzes")
        explanation = s.format_text(
            p.get_str("explanation") or "",
            p.get_str("explanation_parse_mode"),
            p.raw("explanation_entities"),
        )
        if explanation.length > 200 or explanation.text.count("\n") > 2:
            raise bad_request("explanation is too long (at most 200 characters and 2 line feeds)")
    open_period = p.get_int("open_period")
    close_date = p.get_int("close_date")
    if open_period is not None and not 5 <= open_period <= 2628000:
        raise bad_request("open_period must be 5-2628000 seconds")
    inline = s.parse_reply_markup(p.raw("reply_markup"))
    reply_to = s.reply_target(p, chat)
    thread = _thread_of(p, chat, reply_to)
    s.check_flood(chat)
    poll = s.new_poll(
        question=question.text,
        question_entities=question.entities,
        option_texts=options,
        type=kind,
        is_anonymous=is_anonymous,
        allows_multiple_answers=multiple,
        allows_revoting=p.get_bool("allows_revoting", kind == "regular"),
        correct_option_ids=correct,
        explanation=explanation.text if explanation else None,
        explanation_entities=explanation.entities if explanation else (),
        open_period=open_period,
        close_date=close_date if open_period is None else s.now() + open_period,
        is_closed=p.get_bool("is_closed"),
    )
    options_kw = _send_options(p)
    options_kw.pop("link_preview_options")
    message = s.bot_send(
        chat,
        thread_id=thread,
        kind="poll",
        reply_markup=inline,
        reply_to=reply_to,
        **options_kw,
    )
    message.poll = poll
    poll.chat_id, poll.message_id = chat.id, message.message_id
    return message.to_api()


@method("stopPoll")
def stop_poll(s: StandInState, p: Params) -> JSONDict:
    chat = s.chat_for_bot(p)
    message_id = p.require_int("message_id", "message identifier is not specified")
    message = s.find_message(chat, message_id)
    if message is None or message.poll is None:
        raise bad_request("message with poll to stop not found")
    if message.from_user is not s.bot_user:
        raise bad_request("poll can't be stopped")
    poll = message.poll
    s.close_expired_polls()  # one whose open_period ran out is closed already
    if poll.is_closed:
        raise bad_request("poll has already been closed")
    inline = s.parse_reply_markup(p.raw("reply_markup"))
    poll.is_closed = True
    message.reply_markup = inline
    s.enqueue("poll", poll.to_api())
    return poll.to_api()


def call_method(s: StandInState, name: str, p: Params) -> Any:
    function = METHODS.get(name.lower())
    if function is None:
        raise ApiError(404, "Not Found")
    return function(s, p)
