"""What storage hands out and takes in: plain records, with no SQLite in sight, so that
render and results code can use them without the queries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

Clock = Callable[[], dt.datetime]
Audience = Literal["private", "group"]
WalkStatus = Literal["active", "paused", "finished", "abandoned"]
AnswerVia = Literal["button", "text", "poll", "reply", "private"]
# What a posted message is: the session's start, a section, a quiz poll, single-choice
# buttons, several-answer buttons (ticks), a debate's stance buttons, or a short or debate
# question answered by typing (or replying).
POST_KINDS = ("start", "section", "poll", "buttons", "ticks", "stances", "typed")


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def iso_utc(moment: dt.datetime) -> str:
    """ISO 8601 in UTC with milliseconds and a Z, e.g. 2026-11-28T04:05:06.789Z."""
    if moment.tzinfo is not dt.UTC:  # the clock's own moments are UTC already: most calls
        moment = moment.astimezone(dt.UTC)
    return moment.isoformat(timespec="milliseconds")[:-6] + "Z"  # "+00:00" off


class WalkClosed(Exception):
    """An answer for a walk that ended (or paused) after its handler looked: not recorded."""


class StorageError(Exception):
    """The database could not be opened or is not one this bot can use."""


@dataclass(frozen=True, slots=True)
class Walk:
    """A cursor through one lesson: a student's attempt in a private chat (or a group session)."""

    id: int
    chat_id: int
    audience: Audience
    user_id: int | None
    lesson_id: str
    lesson_version: str
    attempt: int
    position: int
    status: WalkStatus
    started_at: str
    ended_at: str | None
    thread_id: int | None = None  # a group session's forum topic
    asked_message_id: int | None = None  # the message asking the current typed question


@dataclass(frozen=True, slots=True)
class Post:
    """A bot message in a group that stands for a step of a session (or a poll of it)."""

    chat_id: int
    message_id: int
    walk_id: int
    position: int
    question_id: str | None = None
    poll_id: str | None = None
    carries_next: bool = False
    section: int | None = None  # a section's message: its 1-based number
    options: tuple[str, ...] | None = None  # a choice question's options, as posted
    # What the message is (one of POST_KINDS); None for a post recorded before schema 5.
    kind: str | None = None
    # A question of a paced session: when it closes (UTC, as iso_utc writes it); None: open
    # for as long as its session runs.
    closes_at: str | None = None


@dataclass(frozen=True, slots=True)
class PrivatePrompt:
    """A member answering a group question in their private chat (via a deep link)."""

    chat_id: int
    walk_id: int
    question_id: str


@dataclass(frozen=True, slots=True)
class Delivery:
    """A report or export waiting for its moderator to open a private chat."""

    id: int
    user_id: int
    kind: Literal["report", "export"]
    chat_id: int
    format: Literal["csv", "jsonl", "xlsx"]
    all_sessions: bool
    history: bool = False  # every version of every answer
    assignment_id: int | None = None  # a report of this homework (else the latest session)
    lookups: bool = False  # an export of the glossary lookups (else of the answers)


@dataclass(frozen=True, slots=True)
class Forgotten:
    """What ``forget_user`` deleted; ``log_cleared``: the database's log (WAL), which keeps
    the deleted rows' old pages for a while, was emptied too (else it will be shortly)."""

    answers: int
    walks: int
    other: int
    log_cleared: bool


@dataclass(frozen=True, slots=True)
class Respondent:
    """Who answered, as Telegram showed them at the time."""

    user_id: int
    display_name: str
    username: str | None


@dataclass(frozen=True, slots=True)
class NewAnswer:
    walk: Walk
    respondent: Respondent
    question_id: str
    question_type: Literal["choice", "short", "debate"]
    via: AnswerVia
    # Telegram's ids make a write idempotent: the same update handled twice hits this key.
    source_key: str
    option_indexes: tuple[int, ...] = ()
    answer_text: str | None = None
    is_correct: bool | None = None
    stance: str | None = None
    retracted: bool = False
    # The lesson file's version the question was answered against; it may have been edited
    # since the walk began. None: the walk's own version.
    lesson_version: str | None = None


@dataclass(frozen=True, slots=True)
class StoredAnswer:
    id: int
    walk_id: int
    chat_id: int
    user_id: int
    display_name: str
    username: str | None
    lesson_id: str
    lesson_version: str
    attempt: int
    question_id: str
    question_type: str
    option_indexes: tuple[int, ...]
    answer_text: str | None
    is_correct: bool | None
    stance: str | None
    retracted: bool
    via: str
    version: int
    answered_at: str
    self_check: int | None = None  # a student's own verdict: 2 got it, 1 partly, 0 missed it


@dataclass(frozen=True, slots=True)
class AnswerFact:
    """What a session's results need of a standing (not withdrawn) current answer."""

    user_id: int
    display_name: str
    username: str | None
    question_id: str
    is_correct: bool | None
    stance: str | None


@dataclass(frozen=True, slots=True)
class Recorded:
    """What became of an answer: ``created`` is False when this exact update was seen before.

    ``reached_cap``: this write made the member's last allowed version of the answer
    (``MAX_ANSWER_VERSIONS``); ``replaced``: the member had them all, so this answer took the
    newest version's place (it is recorded all the same: ``created`` is True)."""

    created: bool
    answer: StoredAnswer
    reached_cap: bool = False
    replaced: bool = False
