"""Callback data: short, versioned strings, built and parsed strictly.

A Telegram client can send any callback data, so parsing accepts only the exact shapes
built here (and callers still check what the data names against the database). Every
shape stays under Telegram's 64-byte limit: ids are slugs of at most 32 characters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from functools import lru_cache
from typing import ClassVar, TypeVar

from bot.lessons import SLUG_MAX

VERSION = "v1"
MAX_BYTES = 64
_SLUG = rf"[a-z0-9](?:[a-z0-9-]{{0,{SLUG_MAX - 1}}})"
_ID = r"[1-9][0-9]{0,11}"
_SMALL = r"0|[1-9][0-9]{0,3}"
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class BeginLesson:
    lesson_id: str


@dataclass(frozen=True, slots=True)
class SwitchLesson:
    """Begin a lesson although another is in progress (asked first: that one closes)."""

    lesson_id: str


@dataclass(frozen=True, slots=True)
class ListLessons:
    pass


@dataclass(frozen=True, slots=True)
class ContinueReading:
    walk_id: int
    position: int


@dataclass(frozen=True, slots=True)
class SubmitChoice:
    """Options picked, as a bit mask (bit i: option i); one bit for a single pick."""

    walk_id: int
    question_id: str
    mask: int


@dataclass(frozen=True, slots=True)
class ToggleChoice:
    """A tick or untick of one option of a question with several right options (the ticks
    are kept on the server: a tap on a keyboard not yet redrawn keeps the tick before it).
    Keyboards from before carried the whole mask (tag "tg"): those no longer parse."""

    walk_id: int
    question_id: str
    index: int


@dataclass(frozen=True, slots=True)
class PickStance:
    walk_id: int
    question_id: str
    index: int


@dataclass(frozen=True, slots=True)
class GroupBegin:
    """A moderator picks the lesson for a group session."""

    lesson_id: str


@dataclass(frozen=True, slots=True)
class GroupBeginPaced:
    """A moderator picks the lesson for a session that runs by itself (/begin pace 3m
    with several lessons): a part every ``seconds``."""

    lesson_id: str
    seconds: int


@dataclass(frozen=True, slots=True)
class GroupNext:
    """A moderator posts the next part of a group session (the part after ``position``)."""

    walk_id: int
    position: int


@dataclass(frozen=True, slots=True)
class GroupEnd:
    """A moderator confirms closing a group session (asked after its last part)."""

    walk_id: int


@dataclass(frozen=True, slots=True)
class AgainLesson:
    """ "Start again" under a finished lesson's summary: asks before it begins anew."""

    lesson_id: str


@dataclass(frozen=True, slots=True)
class SelfCheck:
    """A student's own verdict on a typed answer beside its model answer: 2 got it,
    1 partly, 0 missed it."""

    walk_id: int
    question_id: str
    grade: int


@dataclass(frozen=True, slots=True)
class ShowNext:
    """Continue under a model answer: show the step the walk stands at (``position``)."""

    walk_id: int
    position: int


@dataclass(frozen=True, slots=True)
class GroupPick:
    """A member ticks or unticks one option of a several-right-answers question in a group."""

    walk_id: int
    question_id: str
    index: int


@dataclass(frozen=True, slots=True)
class ReportFor:
    """A moderator, in a private chat, picks the group to report on."""

    chat_id: int


@dataclass(frozen=True, slots=True)
class ExportFor:
    """A moderator, in a private chat, picks the group to export (format, scope)."""

    chat_id: int
    fmt: str
    # Bits: ALL_SESSIONS (else the latest session), HISTORY (else current answers), LOOKUPS
    # (the glossary lookups instead of the answers). Buttons from before history was offered
    # carried 0 or 1 here: they mean the same.
    scope: int

    ALL_SESSIONS: ClassVar[int] = 1
    HISTORY: ClassVar[int] = 2
    LOOKUPS: ClassVar[int] = 4


@dataclass(frozen=True, slots=True)
class Forget:
    """The answer to "delete everything about me?": 1 yes, 0 no."""

    confirm: int


@dataclass(frozen=True, slots=True)
class SwitchHomework:
    """Begin an assignment's lesson although another lesson is in progress (asked first)."""

    assignment_id: int


@dataclass(frozen=True, slots=True)
class RemindContinue:
    """Continue (or Start) under a homework reminder: that assignment's attempt, as its
    Start link opens it."""

    assignment_id: int


@dataclass(frozen=True, slots=True)
class HomeworkExtend:
    """A moderator's Extend 1 day on an assignment message; ``deadline``: the deadline it
    was shown with (Unix seconds), so a double tap on the same keyboard extends once."""

    assignment_id: int
    deadline: int


@dataclass(frozen=True, slots=True)
class HomeworkClose:
    """A moderator's Close now on an assignment message: asks first (``HomeworkCloseAnswer``)."""

    assignment_id: int


@dataclass(frozen=True, slots=True)
class HomeworkCloseAnswer:
    """The answer to Close now's question: ``confirm`` 1 closes the homework, 0 keeps it."""

    assignment_id: int
    confirm: int


@dataclass(frozen=True, slots=True)
class MuteReminders:
    """ "No reminders from this group", under a reminder from the group ``chat_id``."""

    chat_id: int


@dataclass(frozen=True, slots=True)
class UnmuteReminders:
    """/reminders: the group ``chat_id``'s reminders on again."""

    chat_id: int


@dataclass(frozen=True, slots=True)
class ChooseLanguage:
    """/language's buttons: the language's code (checked against the catalogs on a press)."""

    language: str


@dataclass(frozen=True, slots=True)
class SettingChoice:
    """A moderator sets one of the group's settings (``bot.group_settings``) to its choice
    at ``index`` (an entry without choices: how to change it)."""

    setting: str
    index: int


@dataclass(frozen=True, slots=True)
class ShowWords:
    """📖 Words under a part of a lesson: that part's glossary entries, sent privately.
    ``section`` is the 1-based part number."""

    lesson_id: str
    section: int


@dataclass(frozen=True, slots=True)
class ShowReasons:
    """/settings in a private chat: the presser's own reasons shown to others (1) or not
    (0) after they answer. It sets the presser's setting only, whoever sent the message."""

    on: int


@dataclass(frozen=True, slots=True)
class PickBefore:
    """A stance asked before the reading (a debate's ``ask_before``): in a student's
    lesson under Begin's first message, in a group under the session's opening message."""

    walk_id: int
    question_id: str
    index: int


@dataclass(frozen=True, slots=True)
class AssignPick:
    """The lesson picked for an /assign given without one (its deadline waits in the
    draft, on the server)."""

    draft_id: int
    lesson_id: str


Action = (
    BeginLesson
    | SwitchLesson
    | ListLessons
    | ContinueReading
    | SubmitChoice
    | ToggleChoice
    | PickStance
    | GroupBegin
    | GroupNext
    | GroupEnd
    | AgainLesson
    | SelfCheck
    | ShowNext
    | GroupPick
    | ReportFor
    | ExportFor
    | Forget
    | SwitchHomework
    | RemindContinue
    | MuteReminders
    | UnmuteReminders
    | SettingChoice
    | ShowWords
    | ShowReasons
    | PickBefore
    | ChooseLanguage
    | GroupBeginPaced
    | HomeworkExtend
    | HomeworkClose
    | HomeworkCloseAnswer
    | AssignPick
)

# Each action's tag and the pattern of each of its fields, in order.
_FIELD_PATTERNS = {
    "lesson_id": _SLUG,
    "question_id": _SLUG,
    "walk_id": _ID,
    "position": _SMALL,
    "mask": _SMALL,
    "index": _SMALL,
    "chat_id": r"-?[1-9][0-9]{0,15}",
    "fmt": r"csv|jsonl|xlsx",
    "scope": r"[0-7]",
    "confirm": r"[01]",
    "grade": r"[012]",
    "assignment_id": _ID,
    "setting": _SLUG,
    "section": r"[1-9][0-9]{0,3}",
    "on": r"[01]",
    "language": r"[a-z]{2,3}",
    "seconds": r"[1-9][0-9]{0,5}",
    "deadline": r"[1-9][0-9]{0,11}",
    "draft_id": _ID,
}
_TAGS: dict[type[Action], str] = {
    BeginLesson: "go",
    SwitchLesson: "sw",
    ListLessons: "ls",
    ContinueReading: "nx",
    SubmitChoice: "ch",
    ToggleChoice: "tk",
    PickStance: "st",
    GroupBegin: "gb",
    GroupNext: "gn",
    GroupEnd: "ge",
    AgainLesson: "ag",
    SelfCheck: "sc",
    ShowNext: "sn",
    GroupPick: "gp",
    ReportFor: "rp",
    ExportFor: "ex",
    Forget: "fg",
    SwitchHomework: "hw",
    RemindContinue: "rc",
    MuteReminders: "rm",
    UnmuteReminders: "ru",
    SettingChoice: "gs",
    ShowWords: "wd",
    ShowReasons: "rs",
    PickBefore: "pb",
    ChooseLanguage: "lg",
    GroupBeginPaced: "gq",
    HomeworkExtend: "hx",
    HomeworkClose: "hc",
    HomeworkCloseAnswer: "hy",
    AssignPick: "ap",
}


_SHAPES: dict[type, tuple[tuple[str, bool], ...]] = {}


def _shape(kind: type) -> tuple[tuple[str, bool], ...]:
    """An action's or a link's fields in order, each with whether it is a number."""
    shape = _SHAPES.get(kind)
    if shape is None:
        shape = _SHAPES[kind] = tuple((f.name, f.type in ("int", int)) for f in fields(kind))
    return shape


def _names(kind: type) -> tuple[str, ...]:
    return tuple(name for name, _ in _shape(kind))


def _pattern(names: tuple[str, ...], separator: str) -> str:
    """The fields' patterns, each a named group, in that order."""
    return separator.join(f"(?P<{name}>{_FIELD_PATTERNS[name]})" for name in names)


def _built(kind: type[T], match: re.Match[str]) -> T:
    """An action or a link from its fields as matched: ints read, texts kept."""
    return kind(
        **{name: int(match[name]) if number else match[name] for name, number in _shape(kind)}
    )


_PATTERNS: tuple[tuple[re.Pattern[str], type[Action]], ...] = tuple(
    (re.compile(":".join([tag, _pattern(_names(kind), ":")] if _names(kind) else [tag])), kind)
    for kind, tag in _TAGS.items()
)


def encode(action: Action) -> str:
    values = (str(getattr(action, name)) for name, _ in _shape(type(action)))
    data = ":".join([VERSION, _TAGS[type(action)], *values])
    if len(data.encode()) > MAX_BYTES:
        raise ValueError(f"callback data over {MAX_BYTES} bytes: {data!r}")
    return data


def decode(data: str | None) -> Action | None:
    """The action a button stands for, or None for anything not built by ``encode``."""
    return _decode(data)


@lru_cache(maxsize=256)  # a crowd presses the same few buttons; actions are immutable
def _decode(data: str | None) -> Action | None:
    if (
        not data
        or len(data.encode("utf-8", "surrogatepass")) > MAX_BYTES
        or not data.startswith(VERSION + ":")
    ):
        return None
    body = data[len(VERSION) + 1 :]
    for pattern, kind in _PATTERNS:
        match = pattern.fullmatch(body)
        if match:
            return _built(kind, match)
    return None


# --- deep links -------------------------------------------------------------------------
# "Answer privately" opens https://t.me/<bot>?start=<payload>; Telegram allows 1-64 chars
# of A-Z, a-z, 0-9, _ and - in the payload, and sends it to the bot as "/start <payload>".


@dataclass(frozen=True, slots=True)
class AnswerPrivately:
    walk_id: int
    question_id: str


@dataclass(frozen=True, slots=True)
class StartHomework:
    """An assignment's Start button: its lesson, as an attempt for the assignment."""

    assignment_id: int


@dataclass(frozen=True, slots=True)
class WordsLink:
    """📖 Words pressed in a group by someone the bot may not write to yet: the part's
    words, sent when they open the private chat with this link."""

    lesson_id: str
    section: int


Link = AnswerPrivately | StartHomework | WordsLink
L = TypeVar("L", AnswerPrivately, StartHomework, WordsLink)

# Each link's first letter and its fields in the payload's order, "_" between them:
# a12_q1, h7, w3_lesson-id.
_LINKS: dict[type[Link], tuple[str, tuple[str, ...]]] = {
    AnswerPrivately: ("a", ("walk_id", "question_id")),
    StartHomework: ("h", ("assignment_id",)),
    WordsLink: ("w", ("section", "lesson_id")),
}
_LINK_PATTERNS = {
    kind: re.compile(letter + _pattern(names, "_")) for kind, (letter, names) in _LINKS.items()
}


def _encode_link(link: Link) -> str:
    letter, names = _LINKS[type(link)]
    return letter + "_".join([str(getattr(link, name)) for name in names])


def _decode_link(kind: type[L], payload: str | None) -> L | None:
    match = _LINK_PATTERNS[kind].fullmatch(payload or "")
    return _built(kind, match) if match else None


def encode_start(link: AnswerPrivately) -> str:
    return _encode_link(link)


def decode_start(payload: str | None) -> AnswerPrivately | None:
    return _decode_link(AnswerPrivately, payload)


def encode_homework_start(link: StartHomework) -> str:
    return _encode_link(link)


def decode_homework_start(payload: str | None) -> StartHomework | None:
    return _decode_link(StartHomework, payload)


def encode_words_start(link: WordsLink) -> str:
    return _encode_link(link)


def decode_words_start(payload: str | None) -> WordsLink | None:
    return _decode_link(WordsLink, payload)


def command_of(text: str | None) -> str:
    """The command a message starts with, without its slash and @botname: "lessons"."""
    first = (text or "").split(maxsplit=1)[0] if (text or "").strip() else ""
    return first.lstrip("/").split("@", 1)[0]
