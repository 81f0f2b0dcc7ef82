"""What answering is made of: the outcomes render words, the refusals, the idempotency
keys (Telegram's ids, built here only), and the answer records built from what a person did.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from enum import Enum
from typing import Literal

from telegram import Message, User

from bot.callbacks import GroupPick, PickStance, SubmitChoice
from bot.lessons import ChoiceQuestion, DebateQuestion, Lesson, Question, ShortQuestion
from bot.storage import AnswerVia, NewAnswer, Recorded, Respondent, Storage, Walk
from bot.walk import QuestionStep, choice_is_correct

# What a posted message is (``Post.kind``), by the question it carries.
PostKind = Literal["start", "section", "poll", "buttons", "ticks", "stances", "typed"]
# Who may ask whether a user is in a chat (Telegram's getChatMember, behind a function so
# this module stays free of Telegram calls).
MembershipCheck = Callable[[int, int], Awaitable[bool]]


class Why(Enum):
    """Why an action was refused; render words each one."""

    UNKNOWN = "unknown"  # forged, foreign or not ours: reveals nothing
    PAUSED = "paused"  # the group's session is paused
    CLOSED = "closed"  # the session ended, or the question is no longer in the lesson
    STALE = "stale"  # a button of an earlier step of the student's own lesson
    EARLIER_ATTEMPT = "earlier_attempt"  # a button of an attempt the student left
    ALREADY_ANSWERED = "already_answered"
    CHANGED = "changed"  # the lesson was edited: the option pressed is gone
    PICK_AT_LEAST_ONE = "pick_at_least_one"
    STANCE_FIRST = "stance_first"  # a reason typed before a stance was picked
    NOT_MEMBER = "not_member"  # left the group since opening its question privately
    # A student's typed message that is not an answer, and why:
    IDLE = "idle"  # no lesson in progress
    NOT_WAITING = "not_waiting"  # the current step is not a typed question
    SENT_BEFORE_QUESTION = "sent_before_question"  # the rest of the last answer, most likely
    REPLY_TO_EARLIER = "reply_to_earlier"  # a reply to another question's message
    # A group member's reply that cannot count, and why:
    NOT_A_QUESTION = "not_a_question"  # to a session message that asks for no typed answer
    TEXT_ONLY = "text_only"  # a photo with a caption, a sticker…: only text counts
    COMMAND_LIKE = "command_like"  # starts with "/": read as a command, not an answer
    PRIVATE_ONLY = "private_only"  # the group takes typed answers privately (its setting)
    PRESS_CONTINUE = "press_continue"  # the step waits for Continue (under a model answer)
    NOT_AN_OPTION = "not_an_option"  # typed at a choice question, but no option's letter
    # Issue 14: a reason of only emoji or a few characters, asked once for words.
    NEEDS_WORDS = "needs_words"
    TIME_UP = "time_up"  # a paced session's question whose time had run out (issue 12)


@dataclass(frozen=True, slots=True)
class Refused:
    why: Why
    # CHANGED: the choice question as it is now; REPLY_TO_EARLIER: the current question;
    # NOT_AN_OPTION: the choice question asked.
    question: Question | None = None


@dataclass(frozen=True, slots=True)
class ChoiceGiven:
    """A choice recorded (``created`` False: this member had already answered)."""

    question: ChoiceQuestion
    step: QuestionStep | None
    picked: tuple[int, ...]
    correct: bool
    created: bool
    walk: Walk | None = None  # a student's: the walk as it was, to show what comes next


@dataclass(frozen=True, slots=True)
class TicksNow:
    """The options ticked now on a several-answers question (a group's are recorded)."""

    question: ChoiceQuestion
    picked: tuple[int, ...]
    reached_cap: bool = False


@dataclass(frozen=True, slots=True)
class StanceGiven:
    """A stance recorded; ``created`` False: the attempt already had ``stance``."""

    question: DebateQuestion
    step: QuestionStep | None
    stance: str
    created: bool


@dataclass(frozen=True, slots=True)
class TypedGiven:
    """A typed answer (or a debate's reason) recorded; None for the question of an edit
    whose question an edited lesson no longer has."""

    question: ShortQuestion | DebateQuestion | None
    created: bool
    reached_cap: bool = False
    walk: Walk | None = None  # the walk as it was: what comes next, or the group's chat
    added: bool = False  # a further message added to the answer just typed (two halves)
    replaced: bool = False  # past the cap: it took the newest version's place
    # Issue 14: a debate's reason is in and the other side's best argument is asked next;
    # or this was that argument (the counter part).
    asks_counter: bool = False
    countered: bool = False


@dataclass(frozen=True, slots=True)
class Moved:
    """A student's walk moved on (Continue): show its step now."""

    walk: Walk


@dataclass(frozen=True, slots=True)
class LinkOpened:
    """A group's question opened in a member's private chat: ask it there."""

    walk: Walk
    step: QuestionStep


Outcome = Refused | ChoiceGiven | TicksNow | StanceGiven | TypedGiven | Moved | LinkOpened


def reached_cap(recorded: Recorded) -> bool:
    """Whether this write made the member's last allowed version of the answer."""
    return recorded.reached_cap


# --- idempotency keys: Telegram's ids, so the same update handled twice changes nothing ---


def key_of_message(chat_id: int, message_id: int) -> str:
    """A typed answer's key: its message."""
    return f"msg:{chat_id}:{message_id}"


def typed_answer_key(message: Message) -> str:
    """A typed answer, or one edit of it. Telegram stamps edits in whole seconds, so the
    edited text is part of the key: two edits within a second are two versions, and the
    same edit delivered twice is one."""
    if message.edit_date is None:
        return key_of_message(message.chat_id, message.message_id)
    digest = hashlib.sha256((message.text or "").encode("utf-8", "surrogatepass")).hexdigest()
    stamp = message.edit_date.timestamp()
    return f"edit:{message.chat_id}:{message.message_id}:{stamp:.0f}:{digest[:16]}"


def key_of_press(query_id: str) -> str:
    """A tick or a group stance: each press is its own version."""
    return f"press:{query_id}"


def key_of_vote(update_id: int) -> str:
    return f"update:{update_id}"


def key_of_group_choice(walk_id: int, question_id: str, user_id: int) -> str:
    """One choice per member per question: a second tap finds this key taken."""
    return f"choice:{walk_id}:{question_id}:{user_id}"


def key_of_private_choice(walk_id: int, question_id: str) -> str:
    return f"choice:{walk_id}:{question_id}"


def key_of_private_stance(walk_id: int, question_id: str) -> str:
    """One stance per attempt (the private policy)."""
    return f"stance:{walk_id}:{question_id}"


# --- building answers ---------------------------------------------------------------------


def respondent(user: User) -> Respondent:
    return Respondent(user.id, user.full_name, user.username)


def as_posted(
    question: ChoiceQuestion, posted: tuple[str, ...] | None, picked: Iterable[int]
) -> tuple[int, ...] | None:
    """Options picked on a message (indexes into the options it showed, ``posted``) as
    indexes into the question's options now, matched by text: the lesson may have been
    edited since it was posted. None if one of them is not an option any more."""
    if posted is None or posted == question.options:
        return tuple(sorted({i for i in picked if 0 <= i < len(question.options)}))
    found = set()
    for index in picked:
        if not 0 <= index < len(posted) or posted[index] not in question.options:
            return None
        found.add(question.options.index(posted[index]))
    return tuple(sorted(found))


def choice_answer(
    walk: Walk,
    lesson: Lesson,
    question: ChoiceQuestion,
    user: User,
    picked: tuple[int, ...],
    *,
    via: AnswerVia,
    source_key: str,
) -> NewAnswer:
    """The options picked (none: a withdrawn vote), their text, and whether they are right."""
    return NewAnswer(
        walk=walk,
        lesson_version=lesson.version,
        respondent=respondent(user),
        question_id=question.id,
        question_type="choice",
        via=via,
        source_key=source_key,
        option_indexes=picked,
        answer_text=" | ".join(question.options[i] for i in picked) or None,
        is_correct=choice_is_correct(question, picked) if picked else None,
        retracted=not picked,
    )


def written_answer(
    walk: Walk,
    lesson: Lesson,
    question: ShortQuestion | DebateQuestion,
    user: User,
    text: str | None,
    *,
    via: AnswerVia,
    source_key: str,
    stance: str | None = None,
) -> NewAnswer:
    """A typed answer, or a debate's stance (``text`` None) or reason."""
    return NewAnswer(
        walk=walk,
        lesson_version=lesson.version,
        respondent=respondent(user),
        question_id=question.id,
        question_type=question.type,
        via=via,
        source_key=source_key,
        answer_text=text,
        stance=stance,
    )


async def typed_answer(
    storage: Storage,
    walk: Walk,
    lesson: Lesson,
    question: ShortQuestion | DebateQuestion,
    user: User,
    message: Message,
    *,
    via: AnswerVia,
) -> NewAnswer | Refused:
    """A typed message as the answer to a short question, or as a debate's reason: a reason
    needs a stance first, and goes with the stance given."""
    stance: str | None = None
    if isinstance(question, DebateQuestion):
        earlier = await storage.current_answer(walk.id, user.id, question.id)
        if earlier is None or not earlier.stance:
            return Refused(Why.STANCE_FIRST)
        stance = earlier.stance
    return written_answer(
        walk,
        lesson,
        question,
        user,
        message.text,
        via=via,
        source_key=key_of_message(message.chat_id, message.message_id),
        stance=stance,
    )


def kind_of(lesson: Lesson, question: object, *, quiz_buttons: bool = False) -> PostKind:
    """How a question is posted in a group (and so which buttons its message may carry);
    ``quiz_buttons``: the group's setting asks choice questions with buttons."""
    if isinstance(question, ChoiceQuestion):
        if not (quiz_buttons or lesson.asks_with_buttons(question)):
            return "poll"
        return "ticks" if len(question.correct_options) > 1 else "buttons"
    if isinstance(question, DebateQuestion):
        return "stances"
    return "typed"


def private_kind(question: object) -> PostKind:
    """How a question is asked in a private chat (always buttons for a choice)."""
    if isinstance(question, ChoiceQuestion):
        return "ticks" if len(question.correct_options) > 1 else "buttons"
    return "stances" if isinstance(question, DebateQuestion) else "typed"


KIND_OF_ACTION: dict[type, PostKind] = {
    SubmitChoice: "buttons",
    GroupPick: "ticks",
    PickStance: "stances",
}
