"""The parts of a debate answer beyond stance and reason (issue 14): the stance asked
before the reading (``ask_before``) and the strongest argument for the other side
(``counter``), in a student's lesson and in a group. Stored as answers of their own under
derived question ids (``bot.discussion``); the usual answer is untouched.

A before-stance counts only on the message that asked it (a stored post of the walk,
under the derived id), from the walk's own student (private) or a member (group), while
the question itself has not been reached: once the group has been shown the question, or
the student has begun reading, it is too late. One before-stance per person and attempt.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from telegram import Message, User

from bot import i18n, texts
from bot.answering.core import (
    Outcome,
    Refused,
    TypedGiven,
    Why,
    reached_cap,
    respondent,
    typed_answer_key,
)
from bot.callbacks import PickBefore
from bot.discussion import before_id, counter_id, has_words
from bot.lessons import DebateQuestion, Lesson, LessonCatalog
from bot.storage import AnswerVia, NewAnswer, Storage, Walk


@dataclass(frozen=True, slots=True)
class BeforeGiven:
    """A stance before the reading, recorded (``created`` False: given already, kept)."""

    question: DebateQuestion
    stance: str
    created: bool
    walk: Walk


def asked_before(lesson: Lesson) -> list[DebateQuestion]:
    """The lesson's debate questions whose stance is asked before the reading too."""
    return [q for q in lesson.questions() if isinstance(q, DebateQuestion) and q.ask_before]


async def pending_before(storage: Storage, lesson: Lesson, walk: Walk) -> DebateQuestion | None:
    """In a student's lesson, right after Begin (the walk at its first step): the next
    question whose stance before the reading is still to be asked."""
    if walk.audience != "private" or walk.position != 0 or walk.user_id is None:
        return None
    for question in asked_before(lesson):
        if await storage.current_answer(walk.id, walk.user_id, before_id(question.id)) is None:
            return question
    return None


def key_of_before(walk_id: int, question_id: str, user_id: int) -> str:
    """One stance before the reading per person and attempt (a second press finds it)."""
    return f"before:{walk_id}:{question_id}:{user_id}"


async def before_stance(
    storage: Storage,
    catalog: LessonCatalog,
    user: User,
    chat_id: int,
    message_id: int,
    action: PickBefore,
) -> BeforeGiven | Refused:
    """A stance pressed under the before-the-reading question (private or group)."""
    walk = await storage.walk(action.walk_id)
    post = await storage.post_for_message(chat_id, message_id)
    if (
        walk is None
        or post is None
        or post.walk_id != walk.id
        or post.question_id != before_id(action.question_id)
    ):
        return Refused(Why.UNKNOWN)
    if walk.audience == "private" and (walk.user_id != user.id or walk.chat_id != chat_id):
        return Refused(Why.UNKNOWN)
    if walk.status == "paused":
        return Refused(Why.PAUSED)
    lesson = catalog.get(walk.lesson_id)
    question = lesson.question(action.question_id) if lesson is not None else None
    if walk.status != "active" or lesson is None or not isinstance(question, DebateQuestion):
        return Refused(Why.CLOSED)
    if action.index >= len(question.stances):
        return Refused(Why.UNKNOWN)
    too_late = (
        walk.position != 0
        if walk.audience == "private"
        else await storage.post_of_question(walk.id, question.id) is not None
    )
    if too_late:
        return Refused(Why.STALE)
    stance = question.stances[action.index]
    recorded = await storage.record_answer(
        NewAnswer(
            walk=walk,
            lesson_version=lesson.version,
            respondent=respondent(user),
            question_id=before_id(question.id),
            question_type="debate",
            via="button",
            source_key=key_of_before(walk.id, question.id, user.id),
            stance=stance,
        )
    )
    kept = recorded.answer.stance or stance
    return BeforeGiven(question, kept, recorded.created, walk)


async def counter(
    storage: Storage,
    walk: Walk,
    lesson: Lesson,
    question: DebateQuestion,
    user: User,
    message: Message,
    text: str,
    *,
    via: AnswerVia,
    advance_to: int | None = None,
    finished: bool = False,
) -> Outcome:
    """The strongest argument for the other side, as the counter part of the answer (a
    student's own lesson moves on with it: ``advance_to``)."""
    recorded = await storage.record_answer(
        NewAnswer(
            walk=walk,
            lesson_version=lesson.version,
            respondent=respondent(user),
            question_id=counter_id(question.id),
            question_type="debate",
            via=via,
            source_key=typed_answer_key(message),
            answer_text=text,
        ),
        advance_to=advance_to,
        finished=finished,
    )
    return TypedGiven(question, recorded.created, reached_cap(recorded), walk)


async def counter_pending(
    storage: Storage, walk: Walk, question: DebateQuestion, user_id: int
) -> bool:
    """Whether a debate's reason is in and its counter argument still to come."""
    if not question.asks_counter:
        return False
    answer = await storage.current_answer(walk.id, user_id, question.id)
    if answer is None or not answer.answer_text:
        return False
    return await storage.current_answer(walk.id, user_id, counter_id(question.id)) is None


async def asked_for_words(
    storage: Storage, walk: Walk, question: DebateQuestion, user_id: int, text: str
) -> bool:
    """Whether a reason with no words in it (only emoji, a sticker's emoji, "ok") is to be
    asked for words: the first time per attempt and question only, so that the second
    one is taken as it is (nothing a student sends is refused twice)."""
    if has_words(text):
        return False
    return await storage.claim_word_ask(walk.id, user_id, question.id)


def other_side(text: str) -> str | None:
    """A group reply that starts with the group's language's "Other side:" prefix
    (``texts.OTHER_SIDE_PREFIX``; the English one too, in every language), in any case,
    with any spaces between its words and before its colon (or a full-width "："): the
    argument after it."""
    with i18n.speaking(i18n.SOURCE):
        english = texts.OTHER_SIDE_PREFIX
    for prefix in dict.fromkeys((texts.OTHER_SIDE_PREFIX, english)):
        found = _prefix_pattern(prefix).match(text)
        if found:
            return text[found.end() :].strip() or None
    return None


@functools.cache
def _prefix_pattern(prefix: str) -> re.Pattern[str]:
    words = prefix.rstrip().rstrip(":：").split()
    return re.compile(
        r"\s*" + r"\s*".join(re.escape(word) for word in words) + r"\s*[:：]", re.IGNORECASE
    )
