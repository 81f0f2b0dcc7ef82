"""Hypothesis strategies of updates for the live bot: plausible, mutated and random ones."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from typing import Any, NamedTuple

from hypothesis import strategies as st

from bot.callbacks import (
    AnswerPrivately,
    BeginLesson,
    ContinueReading,
    ExportFor,
    GroupBegin,
    GroupNext,
    GroupPick,
    PickStance,
    ReportFor,
    SubmitChoice,
    ToggleChoice,
    encode,
    encode_start,
)
from tests.property_strategies import (
    CHAT_IDS,
    DEEP_LINK_LIKE,
    JSON_VALUES,
    SMALL,
    VALID_ACTIONS,
    WALK_IDS,
    callback_like,
    mutate_tree,
)

JSONDict = dict[str, Any]
KNOWN_KINDS = ["message", "edited_message", "callback_query", "poll_answer", "my_chat_member"]
UNKNOWN_KINDS = [
    "channel_post",
    "edited_channel_post",
    "business_message",
    "poll",
    "chat_member",
    "chat_join_request",
    "message_reaction",
    "inline_query",
    "pre_checkout_query",
    "purchased_paid_media",
    "removed_chat_boost",
    "x_future_kind",
    "",
]
PRESS = "(press)"  # a real button press (a query the stand-in knows) with forged data


TRICKY_TEXTS = [
    "مرحبا بالعالم — שלום עולם",
    "\u202eevil\u202c text",
    "zero\u200bwidth\u200djoiner\ufeffbom",
    "😀👩🏽‍🏫🇰🇷 é",
    "x" * 4096,
    "😀" * 2048,
    "😀" * 2049,
    "a" * 10_000,
    "<b>not bold</b> & &amp; <script>",
    "*x* _y_ `z` [l](http://x) ||s||",
    "\x00\x01\x7f",
    " ",
    "",
]
COMMANDS = [
    "/start",
    "/help",
    "/lessons",
    "/progress",
    "/restart",
    "/myanswers",
    "/forget",
    "/report",
    "/export",
    "/begin",
    "/next",
    "/end",
    "/status",
    "/nosuch",
    "/start@editorial_test_bot",
    "/next@someone_else_bot",
    "/",
]


@dataclass
class World:
    """Who and what exists when the batches are drawn: the bot's users, chats and posts."""

    users: list[JSONDict]
    chats: list[JSONDict]
    pairs: list[tuple[JSONDict, JSONDict]]  # (user, chat) a real client could send as
    bot_messages: list[JSONDict]
    user_messages: list[JSONDict]
    polls: dict[str, list[str]]  # poll id: its options' persistent ids
    question_ids: list[str]
    lesson_ids: list[str]


def _texts(world: World) -> st.SearchStrategy[str]:
    arguments = st.one_of(
        st.just(""),
        st.sampled_from([*world.lesson_ids, "no-such-lesson", "csv", "jsonl", "all"]),
        st.builds(
            lambda walk, q: encode_start(AnswerPrivately(walk, q)),
            st.integers(1, 6),
            st.sampled_from(world.question_ids),
        ),
        DEEP_LINK_LIKE,
        st.text(max_size=20),
    )
    return st.one_of(
        st.text(max_size=60),
        st.sampled_from(TRICKY_TEXTS),
        st.builds(lambda c, a: f"{c} {a}".strip(), st.sampled_from(COMMANDS), arguments),
    )


def _callback_data(world: World) -> st.SearchStrategy[str | None]:
    walk_ids = st.integers(1, 6) | WALK_IDS
    real = st.one_of(
        st.builds(SubmitChoice, walk_ids, st.sampled_from(world.question_ids), SMALL),
        st.builds(ToggleChoice, walk_ids, st.sampled_from(world.question_ids), SMALL),
        st.builds(PickStance, walk_ids, st.sampled_from(world.question_ids), SMALL),
        st.builds(GroupPick, walk_ids, st.sampled_from(world.question_ids), SMALL),
        st.builds(ContinueReading, walk_ids, SMALL),
        st.builds(GroupNext, walk_ids, SMALL),
        st.builds(BeginLesson, st.sampled_from([*world.lesson_ids, "nope"])),
        st.builds(GroupBegin, st.sampled_from([*world.lesson_ids, "nope"])),
        st.builds(ReportFor, st.sampled_from([c["id"] for c in world.chats]) | CHAT_IDS),
        st.builds(
            ExportFor,
            st.sampled_from([c["id"] for c in world.chats]),
            st.sampled_from(["csv", "jsonl"]),
            st.integers(0, 1),
        ),
    )
    return st.one_of(
        real.map(encode), VALID_ACTIONS.map(encode), callback_like(), st.text(), st.none()
    )


def _entities(text: str) -> list[JSONDict]:
    """A command's entity, as Telegram marks it (mutations make others that do not fit)."""
    if not text.startswith("/") or text == "/":
        return []
    length = len(text.split(" ", 1)[0].encode("utf-16-le")) // 2
    return [{"type": "bot_command", "offset": 0, "length": length}]


def _contents(world: World, user: JSONDict) -> st.SearchStrategy[JSONDict]:
    """What a message can carry besides text: media, service notes, forwards, senders."""
    photo = [{"file_id": "ph", "file_unique_id": "phu", "width": 90, "height": 90}]
    sticker = {
        "file_id": "st",
        "file_unique_id": "stu",
        "type": "regular",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
        "emoji": "👍",
    }
    supergroup = {"id": -1009000000001, "type": "supergroup", "title": "Room"}
    channel = {"id": -1001234, "type": "channel", "title": "News"}
    return st.sampled_from(
        [
            {"sticker": sticker},
            {"photo": photo},
            {"photo": photo, "caption": "/next"},
            {"dice": {"emoji": "🎲", "value": 3}},
            {"location": {"latitude": 37.5, "longitude": 127.0}},
            {"contact": {"phone_number": "+100", "first_name": "C"}},
            {"new_chat_members": [user]},
            {"left_chat_member": user},
            {"new_chat_title": "Renamed"},
            {"group_chat_created": True},
            {"migrate_to_chat_id": supergroup["id"]},
            {"migrate_from_chat_id": -4000000001},
            {"pinned_message": world.bot_messages[0]} if world.bot_messages else {},
            {"text": "fwd", "forward_origin": {"type": "user", "date": 1, "sender_user": user}},
            {"text": "/next", "sender_chat": channel, "entities": _entities("/next")},
            {"text": "x", "is_automatic_forward": True, "sender_chat": channel},
            {"text": "/begin", "message_thread_id": 7, "entities": _entities("/begin")},
            {"text": "via", "via_bot": {"id": 5, "is_bot": True, "first_name": "B"}},
        ]
    )


@st.composite
def _message(draw: st.DrawFn, world: World) -> JSONDict:
    if draw(st.integers(0, 5)):
        user, chat = draw(st.sampled_from(world.pairs))
    else:
        user, chat = draw(st.sampled_from(world.users)), draw(st.sampled_from(world.chats))
    payload: JSONDict = {
        "message_id": draw(st.integers(1, 2**31 - 1)),
        "date": draw(st.integers(1_600_000_000, 2**31 - 1)),
        "chat": dict(chat),
        "from": dict(user),
    }
    if draw(st.integers(0, 3)):
        text = draw(_texts(world))
        payload["text"] = text
        entities = _entities(text)
        if entities:
            payload["entities"] = entities
    else:
        payload.update(draw(_contents(world, user)))
    if world.bot_messages and draw(st.integers(0, 2)) == 0:
        payload["reply_to_message"] = draw(st.sampled_from(world.bot_messages))
    return payload


@st.composite
def _edited(draw: st.DrawFn, world: World) -> JSONDict:
    payload = draw(_message(world))
    if draw(st.booleans()) and world.user_messages:  # an edit of something really sent
        earlier = draw(st.sampled_from(world.user_messages))
        payload.update(chat=earlier["chat"], message_id=earlier["message_id"])
        payload["from"] = earlier["from"]
    payload["edit_date"] = payload["date"] + draw(st.integers(0, 3600))
    return payload


@st.composite
def _callback_query(draw: st.DrawFn, world: World) -> JSONDict:
    payload: JSONDict = {
        "id": str(draw(st.integers(1, 2**63))),
        "from": draw(st.sampled_from(world.users)),
        "chat_instance": str(draw(st.integers(-(2**63), 2**63))),
    }
    data = draw(_callback_data(world))
    if data is not None:
        payload["data"] = data
    shape = draw(st.sampled_from(["message", "message", "message", "inaccessible", "inline"]))
    if shape == "message" and world.bot_messages:
        payload["message"] = draw(st.sampled_from(world.bot_messages))
    elif shape == "inaccessible" and world.bot_messages:  # deleted or too old: date 0
        message = draw(st.sampled_from(world.bot_messages))
        payload["message"] = {"chat": message["chat"], "message_id": message["message_id"]}
        payload["message"]["date"] = 0
    else:  # a button under an inline-mode message (this bot has no inline mode)
        payload["inline_message_id"] = draw(st.text(max_size=10))
    return payload


@st.composite
def _poll_answer(draw: st.DrawFn, world: World) -> JSONDict:
    payload: JSONDict = {
        "poll_id": draw(st.sampled_from(sorted(world.polls) or ["0"]) | st.text(max_size=8)),
        "option_ids": draw(st.lists(st.integers(0, 11), max_size=5)),
    }
    persistent = world.polls.get(payload["poll_id"], [])
    payload["option_persistent_ids"] = [
        persistent[i] if i < len(persistent) else f"x{i}" for i in payload["option_ids"]
    ]
    if draw(st.integers(0, 4)):
        payload["user"] = draw(st.sampled_from(world.users))
    else:
        payload["voter_chat"] = draw(st.sampled_from(world.chats))
    return payload


MEMBER_STATUSES = ["member", "left", "kicked"]


@st.composite
def _my_chat_member(draw: st.DrawFn, world: World) -> JSONDict:
    bot = {"id": 7000001, "is_bot": True, "first_name": "Editorial Test Bot"}

    def member() -> JSONDict:
        found: JSONDict = {"status": draw(st.sampled_from(MEMBER_STATUSES)), "user": bot}
        if found["status"] == "kicked" or draw(st.booleans()):
            found["until_date"] = draw(st.integers(0, 2**31 - 1))
        return found

    return {
        "chat": draw(st.sampled_from(world.chats)),
        "from": draw(st.sampled_from(world.users)),
        "date": draw(st.integers(1_600_000_000, 2**31 - 1)),
        "old_chat_member": member(),
        "new_chat_member": member(),
    }


RANDOM_PAYLOADS = (
    st.dictionaries(
        st.sampled_from(
            ["message_id", "date", "chat", "from", "text", "id", "type", "data", "message", "user"]
        )
        | st.text(max_size=8),
        JSON_VALUES,
        max_size=6,
    )
    | JSON_VALUES
)


class Item(NamedTuple):
    """One update to feed: its kind (or PRESS) and payload, and how it was made: "plausible"
    (what Telegram could send: any text, forged data, unknown or deleted ids), "mutated"
    (fields dropped, retyped, oversized) or "random"."""

    kind: str
    payload: Any
    shape: str


@st.composite
def update_items(draw: st.DrawFn, world: World) -> Item:
    kind = draw(st.sampled_from([*KNOWN_KINDS, *KNOWN_KINDS, PRESS, *UNKNOWN_KINDS]))
    if kind == PRESS:
        payload = {
            "pair": draw(st.integers(0, len(world.pairs) - 1)),
            "message": draw(st.integers(0, max(len(world.bot_messages) - 1, 0))),
            "data": draw(_callback_data(world).filter(lambda d: d is not None)),
        }
        return Item(kind, payload, "plausible")
    builders = {
        "message": _message,
        "edited_message": _edited,
        "callback_query": _callback_query,
        "poll_answer": _poll_answer,
        "my_chat_member": _my_chat_member,
        "channel_post": _message,
        "business_message": _message,
        "chat_member": _my_chat_member,
    }
    builder = builders.get(kind)
    shape = draw(st.sampled_from(["plausible", "plausible", "mutated", "random"]))
    if builder is None or shape == "random":
        return Item(kind, _without_object_ids(draw(RANDOM_PAYLOADS)), "random")
    payload = copy.deepcopy(draw(builder(world)))  # the world's dicts stay as they are
    if shape == "mutated":
        for _ in range(draw(st.integers(1, 3))):
            mutate_tree(draw, payload, JSON_VALUES)
    return Item(kind, _without_object_ids(payload), shape)


def _without_object_ids(payload: Any) -> Any:
    """The payload with every "id" that holds a JSON object or array turned into a string.

    Known bug, left to ``test_a_chat_id_that_is_a_json_array_does_not_stop_the_bot``: such an
    update stops the bot, so here it would hide every other finding.
    """
    if isinstance(payload, list):
        return [_without_object_ids(value) for value in payload]
    if not isinstance(payload, dict):
        return payload
    return {
        key: json.dumps(value)
        if key == "id" and isinstance(value, dict | list)
        else _without_object_ids(value)
        for key, value in payload.items()
    }
