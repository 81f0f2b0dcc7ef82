"""Property-based tests: whatever comes in (lesson files, button data, deep links, updates),
the bot answers with clear errors or not at all, and never crashes."""

from __future__ import annotations

import asyncio
import contextlib
import copy
import json
import logging
import sqlite3
import threading
from collections.abc import Coroutine, Iterator
from contextlib import AsyncExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.callbacks import (
    Action,
    AnswerPrivately,
    BeginLesson,
    ContinueReading,
    ExportFor,
    Forget,
    GroupBegin,
    GroupNext,
    GroupPick,
    ListLessons,
    PickStance,
    ReportFor,
    SubmitChoice,
    SwitchLesson,
    ToggleChoice,
    decode,
    decode_start,
    encode,
    encode_start,
)
from bot.lessons import SLUG_MAX
from bot.lessons.load import load_lesson_file, load_lessons
from tests.conftest import PROMPTS, TOKEN, make_settings, running_bot
from tests.standin import BotApiStandIn

T = TypeVar("T")
# The bot polls in the background for the whole module; this filter of bot.poller's own is
# reset between tests by pytest.
pytestmark = pytest.mark.filterwarnings(
    "ignore:Please use 'Bot.getUpdates':telegram.warnings.PTBUserWarning"
)

SHIPPED = (PROMPTS / "biegun-seoul-2020.yaml").read_text(encoding="utf-8")
SHIPPED_LINES = SHIPPED.splitlines(keepends=True)

# Characters and snippets that mean something to YAML, to editors or to Unicode.
NASTY = [
    "\t", ":", ": ", "- ", "-", "#", "'", '"', "{", "}", "[", "]", ",", "?", "? ", "|", ">",
    "&anchor ", "*anchor", "<<: *anchor", "!!python/object/apply:os.system ['true']", "!!binary",
    "!custom ", "---", "...", "%YAML 1.1", "@", "`", "\\", "\r", "\r\n", "\x00", "\x07", "\x85",
    "\u2028", "\u200b", "\u200d", "\u202e", "\ufeff", "\ufffe", "🙂", "👩‍👩‍👧", "مرحبا", "שלום",
    "~", "null", "yes", "no", "on", "1e3", "0x1F", "0o17", ".nan", "-.inf", "2020-13-45",
    "2020-07-08T25:00:00", "12:30:00", "=", "[]", "{}", "''", '""',
]  # fmt: skip
SCALARS = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=12),
    st.text(alphabet=st.sampled_from("ab: -#'\"[]{}\t\n|>&*!%@,?"), max_size=20),
)


def lesson_settings(examples: int) -> settings:
    return settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )


# --- lesson files: strategies --------------------------------------------------------------


@st.composite
def mutated_lesson_texts(draw: st.DrawFn) -> str:
    """The shipped lesson with one to four line edits, as a careless editor would make."""
    lines = list(SHIPPED_LINES)
    for _ in range(draw(st.integers(1, 4))):
        if not lines:
            break
        i = draw(st.integers(0, len(lines) - 1))
        line = lines[i]
        operation = draw(
            st.sampled_from(
                ["delete", "duplicate", "swap", "insert", "indent", "dedent", "tab", "value"]
            )
        )
        if operation == "delete":
            del lines[i]
        elif operation == "duplicate":
            lines.insert(i, line)
        elif operation == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif operation == "insert":
            column = draw(st.integers(0, len(line)))
            lines[i] = line[:column] + draw(SCALARS) + line[column:]
        elif operation == "indent":
            lines[i] = " " * draw(st.integers(1, 5)) + line
        elif operation == "dedent":
            lines[i] = line[min(len(line) - len(line.lstrip(" ")), draw(st.integers(1, 5))) :]
        elif operation == "tab":
            stripped = line.lstrip(" ")
            lines[i] = "\t" * draw(st.integers(1, 2)) + stripped
        elif ": " in line:
            key = line.split(": ", 1)[0]
            lines[i] = f"{key}: {draw(SCALARS)}\n"
    return "".join(lines)


@st.composite
def yaml_like_texts(draw: st.DrawFn) -> str:
    """Lines of keys, dashes, flow collections and odd scalars at random indentation."""
    pieces = st.one_of(
        st.sampled_from(
            ["id", "title", "source", "sections", "questions", "type", "options", "answer"]
        ),
        SCALARS,
    )
    lines = draw(
        st.lists(
            st.tuples(
                st.integers(0, 8),
                st.sampled_from(["{}: {}", "- {}", "{}:", "- {}: {}", "{}", "  {}: [{}, {}]"]),
                st.lists(pieces, min_size=3, max_size=3),
            ),
            max_size=25,
        )
    )
    return "".join(" " * indent + shape.format(*words) + "\n" for indent, shape, words in lines)


def _nested(leaves: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.recursive(
        leaves,
        lambda children: (
            st.lists(children, max_size=4)
            | st.dictionaries(st.text(max_size=10), children, max_size=4)
        ),
        max_leaves=10,
    )


_JSON_LEAVES = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
    | st.sampled_from(NASTY)
)
JSON_VALUES = _nested(_JSON_LEAVES)  # what a JSON update can hold
YAML_VALUES = _nested(_JSON_LEAVES | st.floats() | st.dates())  # ... and a YAML file


# Complex by nature: one branch per kind of mutation a careless author makes.
def mutate_tree(draw: st.DrawFn, data: Any, values: st.SearchStrategy[Any]) -> None:  # noqa: C901
    """Change ``data`` (nested dicts and lists) in place at a random depth: a value replaced
    by another of any type, removed, added, made very long, repeated, negated or wrapped."""
    parent: Any = data
    key: Any = None
    while parent:  # walk down to a random value
        if isinstance(parent, dict):
            key = draw(st.sampled_from(sorted(parent, key=str)))
        else:
            key = draw(st.integers(0, len(parent) - 1))
        child = parent[key]
        if not (isinstance(child, dict | list) and child) or draw(st.integers(0, 3)) == 0:
            break
        parent = child
    if key is None:
        return
    value = parent[key]
    operation = draw(
        st.sampled_from(["replace", "delete", "add", "long", "copy", "negate", "wrap"])
    )
    if operation == "replace":
        parent[key] = draw(values)
    elif operation == "delete":
        del parent[key]
    elif operation == "add" and isinstance(parent, dict):
        parent[draw(st.text(min_size=1, max_size=12))] = draw(values)
    elif operation == "add":
        parent.insert(key, draw(values))
    elif operation == "long":
        parent[key] = draw(st.sampled_from(["x", "é", "🙂", "a ", "\u202e", "\u200b"])) * draw(
            st.sampled_from([33, 65, 101, 201, 301, 4096, 4097, 20_000])
        )
    elif operation == "copy" and isinstance(parent, list):
        parent.append(value)
    elif operation == "copy":
        parent[f"{key}_copy"] = value
    elif operation == "negate" and isinstance(value, int) and not isinstance(value, bool):
        parent[key] = draw(st.sampled_from([-value, -1, 0, 2**31, 2**53 + 1, 2**63, -(2**64)]))
    else:
        parent[key] = draw(st.sampled_from([[value], {"value": value}, str(value)]))


@st.composite
def structural_mutations(draw: st.DrawFn) -> str:
    """The shipped lesson as data, with values replaced, removed or added at any depth,
    dumped back to YAML: this reaches the checks after parsing."""
    data = yaml.safe_load(SHIPPED)  # a fresh copy
    for _ in range(draw(st.integers(1, 3))):
        mutate_tree(draw, data, YAML_VALUES)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


# --- lesson files: the properties ----------------------------------------------------------


@pytest.fixture(scope="module")
def lesson_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("lessons")


def check_lesson_file(folder: Path, content: str | bytes) -> None:
    """A lesson and no problems, or no lesson and located, explained problems; never raises."""
    path = folder / "lesson.yaml"
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    lesson, problems = load_lesson_file(path)
    if lesson is not None:
        assert problems == []
    else:
        assert problems, "no lesson, and no problem to say why"
    for problem in problems:
        assert problem.path == path
        assert problem.line >= 1 and problem.column >= 1, problem
        assert problem.message.strip(), problem
    catalog, listed = load_lessons([path])
    assert listed == sorted(problems)
    assert len(catalog) == (lesson is not None)


def test_the_shipped_lesson_is_valid(lesson_folder: Path) -> None:
    lesson, problems = load_lesson_file(PROMPTS / "biegun-seoul-2020.yaml")
    assert lesson is not None and problems == []
    check_lesson_file(lesson_folder, SHIPPED)


@lesson_settings(120)
@given(text=mutated_lesson_texts())
def test_edited_lessons_load_or_explain_every_problem(lesson_folder: Path, text: str) -> None:
    check_lesson_file(lesson_folder, text)


@lesson_settings(100)
@given(text=structural_mutations())
def test_lessons_with_wrong_values_load_or_explain_every_problem(
    lesson_folder: Path, text: str
) -> None:
    check_lesson_file(lesson_folder, text)


@lesson_settings(100)
@given(text=st.one_of(st.text(), yaml_like_texts()))
def test_random_text_loads_or_explains_every_problem(lesson_folder: Path, text: str) -> None:
    check_lesson_file(lesson_folder, text)


@lesson_settings(40)
@given(data=st.one_of(st.binary(), st.binary().map(lambda b: SHIPPED.encode()[:300] + b)))
def test_random_bytes_load_or_explain_every_problem(lesson_folder: Path, data: bytes) -> None:
    check_lesson_file(lesson_folder, data)


# --- callback data and deep links ----------------------------------------------------------

SLUGS = st.from_regex(rf"[a-z0-9][a-z0-9-]{{0,{SLUG_MAX - 1}}}", fullmatch=True)
WALK_IDS = st.integers(1, 10**12 - 1)
SMALL = st.integers(0, 9999)
CHAT_IDS = st.integers(1, 10**16 - 1) | st.integers(-(10**16) + 1, -1)

VALID_ACTIONS: st.SearchStrategy[Action] = st.one_of(
    st.builds(BeginLesson, SLUGS),
    st.builds(SwitchLesson, SLUGS),
    st.builds(ListLessons),
    st.builds(ContinueReading, WALK_IDS, SMALL),
    st.builds(SubmitChoice, WALK_IDS, SLUGS, SMALL),
    st.builds(ToggleChoice, WALK_IDS, SLUGS, SMALL),
    st.builds(PickStance, WALK_IDS, SLUGS, SMALL),
    st.builds(GroupBegin, SLUGS),
    st.builds(GroupNext, WALK_IDS, SMALL),
    st.builds(GroupPick, WALK_IDS, SLUGS, SMALL),
    st.builds(ReportFor, CHAT_IDS),
    st.builds(ExportFor, CHAT_IDS, st.sampled_from(["csv", "jsonl"]), st.integers(0, 1)),
    st.builds(Forget, st.integers(0, 1)),
)
TAGS = ["go", "ls", "nx", "ch", "tg", "st", "gb", "gn", "gp", "rp", "ex", "fg", "", "GO", "xx"]
FIELDS = st.one_of(
    st.from_regex(r"-?[0-9]{0,18}", fullmatch=True),
    st.from_regex(r"[a-z0-9-]{0,40}", fullmatch=True),
    st.sampled_from(["csv", "jsonl", "0", "1", "00", "-0", "+1", " 1", "1 ", "١", "１", "1\n"]),
    st.text(max_size=6),
)


@st.composite
def callback_like(draw: st.DrawFn) -> str:
    """Data shaped like ours: a version, a tag and fields, each possibly a little wrong."""
    version = draw(st.sampled_from(["v1", "v1", "v1", "v2", "V1", "v", ""]))
    tag = draw(st.sampled_from(TAGS))
    fields = draw(st.lists(FIELDS, max_size=4))
    separator = draw(st.sampled_from([":", ":", ":", "::", ";"]))
    return separator.join([version, tag, *fields])


@st.composite
def mutated_callbacks(draw: st.DrawFn) -> str:
    """A valid encoding with one character inserted, removed or replaced."""
    data = encode(draw(VALID_ACTIONS))
    i = draw(st.integers(0, len(data)))
    extra = draw(st.one_of(st.sampled_from(list(":-0123456789az\n \x00")), st.characters()))
    operation = draw(st.sampled_from(["insert", "delete", "replace"]))
    if operation == "insert":
        return data[:i] + extra + data[i:]
    if operation == "delete":
        return data[:i] + data[i + 1 :]
    return data[:i] + extra + data[i + 1 :]


@settings(max_examples=400, deadline=None)
@given(data=st.one_of(st.none(), st.text(), callback_like(), mutated_callbacks()))
def test_any_callback_data_decodes_to_nothing_or_to_exactly_itself(data: str | None) -> None:
    action = decode(data)
    if action is not None:
        assert data is not None
        assert encode(action) == data
        assert len(data.encode()) <= 64


@settings(max_examples=200, deadline=None)
@given(action=VALID_ACTIONS)
def test_every_action_round_trips_within_telegrams_limit(action: Action) -> None:
    data = encode(action)
    assert len(data.encode()) <= 64
    assert decode(data) == action


DEEP_LINK_LIKE = st.one_of(
    st.from_regex(r"a-?[0-9]{0,14}_[a-z0-9_-]{0,40}", fullmatch=True),
    st.from_regex(r"[aA][0-9]{1,3}[_ -][a-z]{1,5}\n?", fullmatch=True),
)


@settings(max_examples=300, deadline=None)
@given(payload=st.one_of(st.none(), st.text(), DEEP_LINK_LIKE))
def test_any_deep_link_payload_decodes_to_nothing_or_to_exactly_itself(
    payload: str | None,
) -> None:
    link = decode_start(payload)
    if link is not None:
        assert payload is not None
        assert encode_start(link) == payload
        assert 1 <= len(payload) <= 64
        assert all(c.isascii() and (c.isalnum() or c in "_-") for c in payload)


@settings(max_examples=100, deadline=None)
@given(link=st.builds(AnswerPrivately, WALK_IDS, SLUGS))
def test_every_deep_link_round_trips(link: AnswerPrivately) -> None:
    assert decode_start(encode_start(link)) == link


# --- the running bot under random and malformed updates ------------------------------------
#
# Starting the bot takes a while, so one bot (and its stand-in) runs on an event loop in a
# background thread for the whole module, and each hypothesis example feeds it a batch of
# updates through that loop. If an example stops or wedges the bot, the next one starts a
# fresh bot, so that hypothesis can shrink the failing batch to a minimal one.

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
HELP_FIRST_LINE = "How this works"
HELP_TIMEOUT = 10.0
# How long a batch may take to be handled before the bot counts as hung: Alice's updates wait
# for her earlier ones (past her budget one at a time), so on a loaded machine a batch of 30
# can take many seconds; a bot that hangs takes for ever.
DRAIN_TIMEOUT = 120.0
STRANGER = {"id": 990_000_001, "is_bot": False, "first_name": "Eve", "language_code": "fa"}
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


def _inbox_depth(db_path: Path) -> int:
    """Updates stored in the bot's inbox and not yet handled."""
    db = sqlite3.connect(db_path)
    try:
        return int(db.execute("SELECT COUNT(*) FROM inbox").fetchone()[0])
    finally:
        db.close()


class ErrorLog(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


class LiveBot:
    """The real bot polling a stand-in, on an event loop in a background thread."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.log = ErrorLog()
        self.starts = 0
        self.broken: str | None = None  # why the current bot must be replaced
        self.fed = 0
        self.sent: dict[int, Item] = {}  # by update id, for diagnosis
        self.history: list[tuple[dict[int, Item], list[logging.LogRecord]]] = []
        self._stack: AsyncExitStack | None = None
        self._serving: asyncio.Task[Any] | None = None
        self.standin: BotApiStandIn | None = None
        self.world: World | None = None
        self.db_path: Path | None = None

    def call(self, coroutine: Coroutine[Any, Any, T], timeout: float = 60) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    async def start(self) -> None:
        self.starts += 1
        self.broken = None
        if self.sent or self.log.records:  # a new stand-in numbers its updates afresh
            self.history.append((self.sent, self.log.records))
            self.sent, self.log.records = {}, []
        stack = AsyncExitStack()
        standin = await stack.enter_async_context(BotApiStandIn(TOKEN, group_flood_limit=None))
        # Deliver every kind of update, even those the bot did not ask for.
        setattr(standin, "_update_allowed", lambda kind: True)  # noqa: B010
        self.db_path = self.folder / f"bot-{self.starts}.sqlite3"
        settings = make_settings(standin, self.db_path)
        before = asyncio.all_tasks()
        await stack.enter_async_context(running_bot(settings))
        self._serving = next(
            task
            for task in asyncio.all_tasks() - before
            if getattr(task.get_coro(), "__qualname__", "") == "serve"
        )
        self._stack, self.standin = stack, standin
        self.world = await self._populate(standin)

    async def _populate(self, standin: BotApiStandIn) -> World:
        """A student halfway into a lesson, and a group session with questions posted."""
        alice = standin.user("Alice", username="alice")
        bob = standin.user("Bob", last_name="Ross")
        own = standin.private_chat(alice)
        room = standin.group("Room", admins=[alice], members=[bob])
        standin.send_text(alice, own, "/start")
        await standin.next_bot_message(own.id)
        begin = await standin.next_bot_message(own.id)
        standin.press(alice, begin, "▶️ Begin")
        standin.send_text(alice, room, "/begin")
        await standin.next_bot_message(room.id)
        for _ in range(2):
            standin.send_text(alice, room, "/next")
            await standin.next_bot_message(room.id)
        await standin.wait_until_idle()
        messages = [m for chat in (own, room) for m in standin.bot_messages(chat.id)]
        catalog = load_lessons([PROMPTS])[0]
        channel = {"id": -1001234, "type": "channel", "title": "News"}
        unknown_group = {"id": -4999, "type": "group", "title": "Gone"}
        users = [alice.to_api(), bob.to_api(), STRANGER, standin.bot_user.to_api()]
        return World(
            users=users,
            chats=[own.to_api(), room.to_api(), channel, unknown_group],
            pairs=[
                (alice.to_api(), own.to_api()),
                (alice.to_api(), room.to_api()),
                (bob.to_api(), room.to_api()),
            ],
            bot_messages=[m.to_api() for m in messages],
            user_messages=[
                m.to_api()
                for chat in (own, room)
                for m in standin.messages(chat.id)
                if not m.is_bot
            ],
            polls={
                m.poll.id: [option.persistent_id for option in m.poll.options]
                for m in messages
                if m.poll is not None
            },
            question_ids=[q.id for lesson in catalog for q in lesson.questions()],
            lesson_ids=[lesson.id for lesson in catalog],
        )

    async def stop(self) -> None:
        stack, self._stack = self._stack, None
        if stack is None:
            return
        try:
            await asyncio.wait_for(stack.aclose(), 15)
        except Exception as error:  # noqa: BLE001 - a broken bot is replaced, not fatal here
            self.broken = self.broken or f"stopping the bot failed: {error!r}"

    async def feed(self, items: list[Item]) -> None:
        standin, world = self.standin, self.world
        assert standin is not None and world is not None
        alice = standin.users[int(world.users[0]["id"])]
        for item in items:
            if item.kind == PRESS:
                user = standin.users[int(world.pairs[item.payload["pair"]][0]["id"])]
                if not world.bot_messages:
                    continue
                target = world.bot_messages[item.payload["message"]]
                stored = standin.message(target["chat"]["id"], target["message_id"])
                with contextlib.suppress(ValueError, LookupError):  # e.g. Bob has no own chat
                    standin.press_data(user, stored, item.payload["data"])
                    self.sent[standin.last_update_id] = item
            else:
                self.sent[standin.enqueue(item.kind, item.payload).update_id] = item
            self.fed += 1
        # First the batch handled to its end (every update confirmed and gone from the
        # inbox), then /help: answered at once by a bot that still works.
        await self._unless_stopped(self._until_worked_through(), "the bot hung on the batch")
        own = standin.private_chat(alice)
        asked = standin.send_text(alice, own, "/help")

        def answered() -> bool:
            return any(
                m.message_id > asked.message_id and (m.text or "").startswith(HELP_FIRST_LINE)
                for m in standin.bot_messages(own.id)
            )

        await self._unless_stopped(
            standin.wait_for(answered, timeout=HELP_TIMEOUT, what="the answer to /help"),
            "the bot did not answer /help after the batch",
        )

    async def _until_worked_through(self) -> None:
        standin, db_path = self.standin, self.db_path
        assert standin is not None and db_path is not None
        loop = asyncio.get_running_loop()
        deadline = loop.time() + DRAIN_TIMEOUT
        while standin.pending_updates or _inbox_depth(db_path):
            if loop.time() > deadline:
                raise TimeoutError(f"the batch was not handled within {DRAIN_TIMEOUT:.0f} s")
            await asyncio.sleep(0.02)

    async def _unless_stopped(self, waiting: Coroutine[Any, Any, Any], broken: str) -> None:
        """Wait, but stop at once if the bot stops: a crash is then found (and shrunk)
        quickly. ``broken``: why the bot must be replaced if the wait times out."""
        serving = self._serving
        assert serving is not None
        task = asyncio.ensure_future(waiting)
        await asyncio.wait({task, serving}, return_when=asyncio.FIRST_COMPLETED)
        if serving.done():
            task.cancel()
            self.broken = "the bot stopped"
            error = None if serving.cancelled() else serving.exception()
            raise AssertionError(f"the bot stopped: {error!r}") from error
        try:
            task.result()
        except TimeoutError:
            self.broken = broken
            raise

    def problems(self) -> list[str]:
        """What must never happen: the bot stopped, a stand-in bug, an error not handled."""
        found: list[str] = []
        if self._serving is not None and self._serving.done():
            error = None if self._serving.cancelled() else self._serving.exception()
            found.append(f"the bot stopped: {error!r}")
        if self.standin is not None and self.standin.internal_errors:
            found.append("stand-in errors:\n" + "\n".join(self.standin.internal_errors))
        for record in self.log.records:
            if record.levelno >= logging.ERROR and record.name != "bot.handlers.common":
                found.append(f"{record.name}: {record.getMessage()}")
        return found

    def close(self) -> None:
        self.call(self.stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()


@pytest.fixture(scope="module")
def live_bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveBot]:
    bot = LiveBot(tmp_path_factory.mktemp("live"))
    root = logging.getLogger()
    root.addHandler(bot.log)
    poller_log = logging.getLogger("bot.poller")
    level = poller_log.level
    poller_log.setLevel(logging.DEBUG)  # counts the updates skipped as unparseable
    try:
        bot.call(bot.start())
        yield bot
    finally:
        poller_log.setLevel(level)
        root.removeHandler(bot.log)
        bot.close()


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_the_bot_survives_random_and_malformed_updates(
    live_bot: LiveBot, data: st.DataObject
) -> None:
    if live_bot.broken is not None:  # the previous example broke it: start a fresh one
        live_bot.call(live_bot.stop())
        live_bot.call(live_bot.start())
    assert live_bot.world is not None
    items = data.draw(st.lists(update_items(live_bot.world), min_size=1, max_size=30))
    live_bot.call(live_bot.feed(items), timeout=DRAIN_TIMEOUT + HELP_TIMEOUT + 30)
    assert live_bot.problems() == []


async def test_a_chat_id_that_is_a_json_array_does_not_stop_the_bot(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    alice = standin.user("Alice")
    own = standin.private_chat(alice)
    bot = standin.bot_user.to_api()
    async with running_bot(make_settings(standin, tmp_path / "bot.sqlite3")):
        standin.enqueue(
            "my_chat_member",
            {
                "chat": {"id": [], "type": "group", "title": "Room"},
                "from": alice.to_api(),
                "date": 1_700_000_000,
                "old_chat_member": {"status": "member", "user": bot},
                "new_chat_member": {"status": "member", "user": bot},
            },
        )
        standin.send_text(alice, own, "/help")
        reply = await standin.next_bot_message(own.id, timeout=2)
        assert (reply.text or "").startswith(HELP_FIRST_LINE)
