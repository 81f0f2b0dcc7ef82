"""Render the moderator's report, a member's own answers, and the export's caption."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import texts
from bot.callbacks import Action
from bot.lessons import ChoiceQuestion, DebateQuestion, Lesson
from bot.render.fit import MESSAGE_LIMIT, pack
from bot.render.markup import Reply, button, column, esc
from bot.render.words import plural
from bot.results import QuestionResult, SessionResults
from bot.storage import Walk


def chunked(blocks: Sequence[str], separator: str = "\n\n") -> list[Reply]:
    """Blocks of HTML joined into as few messages as Telegram's limit allows (``fit.pack``:
    a block too long for one message is cut, at its line breaks first)."""
    # A little under the limit, so that a long block's first piece leaves room to join a
    # short block before it (a header with the first lines under it).
    return [Reply(text) for text in pack(blocks, MESSAGE_LIMIT - 50, separator)]


def _stats(result: QuestionResult) -> str:
    if isinstance(result.question, ChoiceQuestion):
        return texts.REPORT_CHOICE_STATS.format(answered=result.answered, right=result.share_right)
    if isinstance(result.question, DebateQuestion):
        split = ", ".join(f"{esc(stance)} {n}" for stance, n in result.stances)
        return texts.REPORT_DEBATE_STATS.format(answered=result.answered, split=split)
    return texts.REPORT_SHORT_STATS.format(answered=result.answered)


def report(group: str, lesson: Lesson, walk: Walk, results: SessionResults) -> list[Reply]:
    names = ", ".join(esc(m.label) for m in results.participants) or "—"
    blocks = [
        texts.REPORT_HEADER.format(
            group=esc(group),
            lesson=esc(lesson.title),
            session=walk.id,
            started=walk.started_at[:16].replace("T", " ") + " UTC",
            status=texts.REPORT_STATUS[walk.status],
            count=len(results.participants),
            participants=names,
        )
    ]
    for result in results.questions:
        block = texts.REPORT_QUESTION.format(
            number=result.number, prompt=esc(result.question.prompt), stats=_stats(result)
        )
        if result.missing:
            missing = ", ".join(esc(m.label) for m in result.missing)
            block += "\n" + texts.REPORT_MISSING.format(members=missing)
        blocks.append(block)
    return chunked(blocks)


# --- deliveries and the moderator's choices -------------------------------------------------


def no_session() -> Reply:
    return Reply(texts.REPORT_NO_SESSION)


def chart_caption(session: int, group: str) -> str:
    return texts.REPORT_CHART_CAPTION.format(session=session, group=esc(group))


def export_empty(group: str) -> Reply:
    return Reply(texts.EXPORT_EMPTY.format(group=esc(group)))


def export_too_big(size_bytes: int) -> Reply:
    return Reply(texts.EXPORT_TOO_BIG.format(size=f"{size_bytes / 1_000_000:.0f}"))


def export_caption(group: str, *, every: bool, rows: int, fmt: str, history: bool = False) -> str:
    scope = texts.EXPORT_SCOPE_ALL if every else texts.EXPORT_SCOPE_LATEST
    if history:
        scope += texts.EXPORT_SCOPE_HISTORY
    return texts.EXPORT_CAPTION.format(
        group=esc(group), scope=scope, rows=plural(rows, "row"), fmt=fmt
    )


def open_private_chat(bot_username: str, payload: str) -> Reply:
    """Asked of a moderator who never started a private chat: the link that starts it."""
    url = f"https://t.me/{bot_username}?start={payload}"
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton(texts.OPEN_PRIVATE_BUTTON, url=url)]])
    return Reply(texts.NEED_PRIVATE_CHAT, keyboard)


def choose_group(groups: Sequence[tuple[int, str]], action: Callable[[int], Action]) -> Reply:
    """The groups a moderator runs, one button each (what the button does: ``action``)."""
    if not groups:
        return Reply(texts.NO_GROUPS)
    keyboard = column(button(title or str(chat_id), action(chat_id)) for chat_id, title in groups)
    return Reply(texts.CHOOSE_GROUP, keyboard)
