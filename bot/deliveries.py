"""Reports and exports handed to a moderator in their private chat, never into a group:
sent at once, or kept until they open a private chat with the bot (``/start``).

Rights are asked of Telegram again for every delivery (never taken from the cache): the
data leaving is where a demoted admin must be stopped at once.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import zoneinfo
from collections import Counter
from dataclasses import replace
from typing import Literal

from telegram import InputFile, Message, Update

from bot import i18n, outbox, texts, timezones
from bot.chart import results_chart
from bot.context import BotContext
from bot.moderation import is_moderator
from bot.render import dashboard as dashboard_render
from bot.render import reports as render
from bot.render.glossary import report_words
from bot.render.markup import Reply
from bot.results import (
    asked_in,
    counted,
    facts,
    opinion_shifts,
    session_results,
    student_results,
)
from bot.send_budget import NotSent
from bot.storage.assignments import Assignment
from bot.telegram_export import export_chat, export_file_name, export_lookups
from bot.web.dashboard.auth import issue_link_token

Format = Literal["csv", "jsonl", "xlsx"]

# Telegram takes files of up to 50 MB from a bot.
EXPORT_FILE_LIMIT = 50_000_000


def _zone(name: str | None) -> zoneinfo.ZoneInfo | None:
    """The group's time zone (``/timezone``); None (UTC) if it has none, or one this
    system no longer knows."""
    if name is None:
        return None
    try:
        return timezones.zone(name)
    except (timezones.UnknownZone, zoneinfo.ZoneInfoNotFoundError):
        return None


async def _send_private(context: BotContext, user_id: int, reply: Reply) -> Message:
    return await outbox.send(context.bot, user_id, reply)


async def deliver_report(context: BotContext, user_id: int, chat_id: int) -> bool:
    """Send the report of the group's latest session to the moderator, then the list of the
    group's homework, in their language; False if the group has neither."""
    with i18n.speaking(await i18n.language_of_user(context.storage, user_id)):
        return await _deliver_report(context, user_id, chat_id)


async def _deliver_report(context: BotContext, user_id: int, chat_id: int) -> bool:
    walk = await context.storage.latest_group_walk(chat_id)
    lesson = context.catalog.get(walk.lesson_id) if walk else None
    if walk is None or lesson is None:
        if await deliver_homework_list(context, user_id, chat_id):
            return True
        await _send_private(context, user_id, render.no_session())
        return False
    title = await context.storage.chat_title(chat_id) or str(chat_id)
    asked = asked_in(await context.storage.posts_of_walk(walk.id))
    current = await context.storage.current_answers(walk.id)
    results = session_results(lesson, facts(current), asked)
    results = replace(results, shifts=opinion_shifts(lesson, current, asked))  # issue 14
    students = student_results(lesson, current, asked)
    zone = _zone(await context.storage.chat_timezone(chat_id))
    for message in render.report(title, lesson, walk, results, students, zone):
        await _send_private(context, user_id, message)
    # The group's most looked-up words of this lesson (📖 Words), when anyone looked.
    words = report_words(await context.storage.top_lookups(chat_id, lesson.id))
    if words is not None:
        await _send_private(context, user_id, Reply(words))
    chart = await asyncio.to_thread(results_chart, f"{title}: {lesson.title}", results)
    await context.bot.send_photo(
        user_id,
        InputFile(io.BytesIO(chart), filename=f"report-{walk.id}.png"),
        caption=render.chart_caption(walk.id, title),
    )
    await deliver_homework_list(context, user_id, chat_id)
    await _offer_dashboard(context, user_id, chat_id)
    return True


# /start payload of the link that brings a moderator to collect a report or export.
DELIVER_PAYLOAD = "deliver"


async def homework_counts(context: BotContext, assignment: Assignment) -> render.HomeworkCounts:
    """Done, started, and its current counted answers by the deadline and after it (an
    answer is late when its answered_at is after the assignment's deadline)."""
    progress = await context.storage.assignment_progress(assignment.id)
    given = counted(await context.storage.assignment_current_answers(assignment.id))
    late = sum(1 for a in given if a.answered_at > assignment.deadline)
    return render.HomeworkCounts(progress.done, progress.started, len(given) - late, late)


class ReportCut(NotSent):
    """A stop refused the report's message ``first`` (its chart the last): those before it
    were sent."""

    def __init__(self, first: int) -> None:
        super().__init__()
        self.first = first


async def deliver_assignment_report(
    context: BotContext, user_id: int, assignment: Assignment, *, owed: int | None = None
) -> None:
    """Send an assignment's full report to the moderator, in their language: its results, a
    block per student with their start, finish and late answers, and the chart. ``owed``:
    what a stop cut short (``ReportCut``), sent at the next start from that message on,
    after a line saying why it comes late."""
    with i18n.speaking(await i18n.language_of_user(context.storage, user_id)):
        await _deliver_assignment_report(context, user_id, assignment, owed)


async def _deliver_assignment_report(
    context: BotContext, user_id: int, assignment: Assignment, owed: int | None
) -> None:
    first = owed or 0
    if owed is not None:
        try:
            await _send_private(context, user_id, render.report_delayed())
        except NotSent:
            raise ReportCut(first) from None
    lesson = context.catalog.get(assignment.lesson_id)
    if lesson is None:
        await _send_private(context, user_id, render.no_session())
        return
    title = await context.storage.chat_title(assignment.chat_id) or str(assignment.chat_id)
    current = await context.storage.assignment_current_answers(assignment.id)
    results = session_results(lesson, facts(current))
    students = student_results(lesson, current)
    late_by_member = Counter(
        a.user_id for a in counted(current) if a.answered_at > assignment.deadline
    )
    counts = await homework_counts(context, assignment)
    doings = await context.storage.assignment_doings(assignment.id)
    zone = _zone(await context.storage.chat_timezone(assignment.chat_id))
    messages = render.assignment_report(
        title, lesson, assignment, counts, results, students, doings, late_by_member, zone
    )
    at = first  # the report's message being sent; its chart comes after the last
    try:
        for message in messages[first:]:
            await _send_private(context, user_id, message)
            at += 1
        chart = await asyncio.to_thread(results_chart, f"{title}: {lesson.title}", results)
        await context.bot.send_photo(
            user_id,
            InputFile(io.BytesIO(chart), filename=f"homework-{assignment.id}.png"),
            caption=render.homework_chart_caption(assignment.id, title),
        )
    except NotSent:
        raise ReportCut(at) from None


async def deliver_homework_list(context: BotContext, user_id: int, chat_id: int) -> bool:
    """The group's homework, newest first, with late answers counted apart; False if it
    has none."""
    assignments = await context.storage.chat_assignments(chat_id)
    if not assignments:
        return False
    title = await context.storage.chat_title(chat_id) or str(chat_id)
    items = []
    for assignment in assignments:
        lesson = context.catalog.get(assignment.lesson_id)
        name = lesson.title if lesson else assignment.lesson_id
        items.append((assignment, name, await homework_counts(context, assignment)))
    zone = _zone(await context.storage.chat_timezone(chat_id))
    for message in render.homework_list(title, items, zone):
        await _send_private(context, user_id, message)
    return True


async def _offer_dashboard(context: BotContext, user_id: int, chat_id: int) -> None:
    """Under the report, when the dashboard is served: its buttons (issue 17), opening this
    group's page. Sent in the moderator's private chat, where Mini App buttons work."""
    settings = context.bot_data.settings
    page = settings.dashboard_page() if settings is not None else None
    if page is None:
        return
    token = await issue_link_token(context.storage, user_id, "")
    await _send_private(context, user_id, dashboard_render.under_report(page, token, chat_id))


async def deliver_export(
    context: BotContext,
    user_id: int,
    chat_id: int,
    fmt: Format,
    every: bool,
    history: bool = False,
    lookups: bool = False,
) -> None:
    """Send the group's response log (the latest session, or all; its current answers, or
    every version) as a file named for what it holds, worded in the moderator's language;
    ``lookups``: the words looked up under its messages (📖 Words) instead, csv or jsonl."""
    with i18n.speaking(await i18n.language_of_user(context.storage, user_id)):
        if lookups:
            await _deliver_lookups(context, user_id, chat_id, fmt)
        else:
            await _deliver_export(context, user_id, chat_id, fmt, every, history)


async def _deliver_lookups(context: BotContext, user_id: int, chat_id: int, fmt: Format) -> None:
    """The glossary lookups made in the group, as ``python -m bot export --lookups`` writes
    them (the same code)."""
    title = await context.storage.chat_title(chat_id) or str(chat_id)
    settings = context.bot_data.settings
    assert settings is not None
    if fmt == "xlsx":  # refused when asked: a waiting request from a forged button
        fmt = "csv"
    data, rows = await asyncio.to_thread(export_lookups, settings.db_path, chat_id, fmt)
    if rows == 0:
        await _send_private(context, user_id, render.lookups_empty(title))
        return
    if len(data) > EXPORT_FILE_LIMIT:
        await _send_private(context, user_id, render.export_too_big(len(data)))
        return
    day = dt.datetime.now(dt.UTC).date().isoformat()
    name = export_file_name(title, texts.EXPORT_FILE_LOOKUPS, day, fmt, history=False)
    await context.bot.send_document(
        user_id,
        InputFile(io.BytesIO(data), filename=name),
        caption=render.lookups_caption(title, rows=rows, fmt=fmt),
    )


async def _deliver_export(
    context: BotContext, user_id: int, chat_id: int, fmt: Format, every: bool, history: bool
) -> None:
    title = await context.storage.chat_title(chat_id) or str(chat_id)
    walk = None if every else await context.storage.latest_group_walk(chat_id)
    settings = context.bot_data.settings
    assert settings is not None
    data, rows = await asyncio.to_thread(
        export_chat,
        settings.db_path,
        context.catalog,
        chat_id,
        None if walk is None else walk.id,
        fmt,
        history=history,
    )
    if rows == 0:
        await _send_private(context, user_id, render.export_empty(title))
        return
    if len(data) > EXPORT_FILE_LIMIT:
        await _send_private(context, user_id, render.export_too_big(len(data)))
        return
    if walk is None:
        lesson, day = texts.EXPORT_FILE_ALL_SESSIONS, dt.datetime.now(dt.UTC).date().isoformat()
    else:
        found = context.catalog.get(walk.lesson_id)
        lesson, day = (found.title if found else walk.lesson_id), walk.started_at[:10]
    name = export_file_name(title, lesson, day, fmt, history=history)
    await context.bot.send_document(
        user_id,
        InputFile(io.BytesIO(data), filename=name),
        caption=render.export_caption(title, every=every, rows=rows, fmt=fmt, history=history),
    )


async def deliver_pending(update: Update, context: BotContext) -> int:
    """On /start in a private chat: hand over what the moderator asked for in a group."""
    user = update.effective_user
    if user is None:
        return 0
    delivered = 0
    for delivery in await context.storage.take_deliveries(user.id):
        if not await is_moderator(update, context, delivery.chat_id, afresh=True):
            continue  # rights are asked again at delivery: they may have been removed
        if delivery.kind == "report" and delivery.assignment_id is not None:
            assignment = await context.storage.assignment(delivery.assignment_id)
            if assignment is None or assignment.chat_id != delivery.chat_id:
                continue
            await deliver_assignment_report(context, user.id, assignment)
        elif delivery.kind == "report":
            await deliver_report(context, user.id, delivery.chat_id)
        else:
            await deliver_export(
                context,
                user.id,
                delivery.chat_id,
                delivery.format,
                delivery.all_sessions,
                delivery.history,
                delivery.lookups,
            )
        delivered += 1
    return delivered
