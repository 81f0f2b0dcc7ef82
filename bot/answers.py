"""Building answers from what a member did: the one place that says what a choice stores."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from telegram import Message, User

from bot.lessons import ChoiceQuestion, DebateQuestion, Lesson, ShortQuestion
from bot.storage import AnswerVia, NewAnswer, Respondent, Walk
from bot.walk import choice_is_correct


def typed_answer_key(message: Message) -> str:
    """The key a typed answer is recorded under: its message, or one edit of it. Telegram
    stamps edits in whole seconds, so the edited text is part of the key: two edits within a
    second are two versions, and the same edit delivered twice is one."""
    if message.edit_date is None:
        return f"msg:{message.chat_id}:{message.message_id}"
    digest = hashlib.sha256((message.text or "").encode("utf-8", "surrogatepass")).hexdigest()
    stamp = message.edit_date.timestamp()
    return f"edit:{message.chat_id}:{message.message_id}:{stamp:.0f}:{digest[:16]}"


def as_posted(
    question: ChoiceQuestion, posted: tuple[str, ...] | None, picked: Iterable[int]
) -> tuple[int, ...] | None:
    """Options picked on a message (indexes into the options it showed, ``posted``) as
    indexes into the question's options now, matched by text: the lesson may have been
    edited since it was posted. None if one of them is not an option any more."""
    if posted is None or posted == question.options:
        return tuple(i for i in picked if 0 <= i < len(question.options))
    found = []
    for index in picked:
        if not 0 <= index < len(posted) or posted[index] not in question.options:
            return None
        found.append(question.options.index(posted[index]))
    return tuple(sorted(found))


def respondent(user: User) -> Respondent:
    return Respondent(user.id, user.full_name, user.username)


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
    """A typed answer, or a debate's reason (with the stance it goes with)."""
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


def stance_answer(
    walk: Walk,
    lesson: Lesson,
    question: DebateQuestion,
    user: User,
    stance: str,
    *,
    via: AnswerVia,
    source_key: str,
) -> NewAnswer:
    """A stance picked (or changed); a reason given before is kept by
    ``Storage.record_answer(..., keep="reason")``."""
    return written_answer(
        walk, lesson, question, user, None, via=via, source_key=source_key, stance=stance
    )
