"""What a member sees of their own data: /myanswers, and /forget's question and outcome."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardMarkup

from bot import i18n, texts
from bot.callbacks import Forget
from bot.discussion import split_id
from bot.lessons import LessonCatalog
from bot.render.fit import clip
from bot.render.markup import Reply, button, esc
from bot.render.reports import chunked
from bot.storage import Forgotten, StoredAnswer, Walk


def my_answers(
    catalog: LessonCatalog,
    answers: Sequence[StoredAnswer],
    walks: dict[int, Walk],
    titles: dict[int, str],
) -> list[Reply]:
    """A member's current answers, per lesson attempt or group session."""
    if not answers:
        return [Reply(texts.MY_ANSWERS_NONE)]
    newest: dict[tuple[int, str], StoredAnswer] = {}
    for answer in answers:  # in id order: later versions replace earlier ones
        newest[(answer.walk_id, answer.question_id)] = answer
    blocks = [texts.MY_ANSWERS_HEADER]
    for walk_id in sorted({walk for walk, _ in newest}):
        walk = walks.get(walk_id)
        given = [a for (w, _), a in newest.items() if w == walk_id]
        lesson = catalog.get(given[0].lesson_id)
        title = lesson.title if lesson else given[0].lesson_id
        if walk is not None and walk.audience == "group":
            where = texts.MY_ANSWERS_GROUP.format(group=esc(titles.get(walk.chat_id, "")))
        else:
            where = texts.MY_ANSWERS_PRIVATE.format(attempt=given[0].attempt)
        lines = [texts.MY_ANSWERS_LESSON.format(lesson=esc(title), where=where)]
        for answer in given:
            question_id, phase, counter = split_id(answer.question_id)  # issue 14's parts
            question = lesson.question(question_id) if lesson else None
            prompt = esc(question.prompt if question else question_id)
            if phase:
                prompt = texts.MY_ANSWERS_BEFORE.format(prompt=prompt)
            elif counter:
                prompt = texts.MY_ANSWERS_COUNTER.format(prompt=prompt)
            lines.append(texts.MY_ANSWERS_LINE.format(prompt=prompt, answer=_given(answer)))
        blocks.append("\n".join(lines))
    return chunked(blocks)


def _given(answer: StoredAnswer) -> str:
    if answer.retracted:
        return texts.MY_ANSWERS_WITHDRAWN
    parts = []
    if answer.stance:
        parts.append(f"<b>{esc(answer.stance)}</b>")
    if answer.answer_text:
        parts.append(esc(clip(answer.answer_text)))
    if answer.is_correct is not None:
        parts.append("✅" if answer.is_correct else "❌")
    if answer.self_check is not None:
        label = texts.SELF_CHECK_LABELS[answer.self_check]
        parts.append(texts.MY_ANSWERS_SELF_CHECK.format(label=label))
    return " — ".join(parts) or "—"


def forget_confirm() -> Reply:
    keyboard = InlineKeyboardMarkup(
        [[button(texts.FORGET_YES, Forget(1))], [button(texts.FORGET_NO, Forget(0))]]
    )
    return Reply(texts.FORGET_CONFIRM, keyboard)


def forget_kept() -> Reply:
    return Reply(texts.FORGET_KEPT)


def forget_done(gone: Forgotten) -> Reply:
    # "Done" only once the database's log (WAL) no longer holds the deleted rows either.
    done = texts.FORGET_DONE if gone.log_cleared else texts.FORGET_DONE_LOG_LATER
    return Reply(
        done.format(
            answers=i18n.plural(gone.answers, texts.COUNT_ANSWERS),
            walks=i18n.plural(gone.walks, texts.COUNT_LESSON_ATTEMPTS),
            other=i18n.plural(gone.other, texts.COUNT_OTHER_RECORDS),
        )
    )
