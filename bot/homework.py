"""Homework: an assignment opened from its Start link in a member's private chat, and
closed at its deadline by a timer.

Timers run on PTB's JobQueue and are rebuilt from SQLite at every start (``schedule_all``),
so a restart loses none; a deadline that passed while the bot was stopped is carried out at
once. Closing is a guarded status change (``Storage.close_assignment``): whichever run gets
it posts the results, so they are posted once across restarts and repeated jobs.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any
from zoneinfo import ZoneInfo

from telegram import Chat, ReplyParameters, User
from telegram.error import Forbidden, TelegramError
from telegram.ext import JobQueue

from bot import attempts, digests, i18n, outbox, timezones
from bot.answering import private as own
from bot.config import Settings
from bot.context import BotApplication, BotContext
from bot.membership import member_check
from bot.render import assignments as render
from bot.render.markup import Reply
from bot.results import session_results
from bot.storage import Storage
from bot.storage.assignments import Assignment

log = logging.getLogger(__name__)


def now_utc() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


async def zone_of(context: BotContext, chat_id: int) -> ZoneInfo:
    """The group's time zone: its own, else BOT_TIMEZONE (else UTC)."""
    return await group_zone(context.storage, context.bot_data.settings, chat_id)


async def group_zone(storage: Storage, settings: Settings | None, chat_id: int) -> ZoneInfo:
    name = await storage.chat_timezone(chat_id)
    default = settings.timezone if settings is not None else timezones.DEFAULT
    try:
        return timezones.zone(name or default)
    except timezones.UnknownZone:  # a zone a newer tzdata dropped: the default
        return timezones.zone(default)


def takes_answers(assignment: Assignment, now: dt.datetime) -> bool:
    """Whether members may still start and answer: before the deadline, or ever after it
    for an assignment made with ``late``."""
    if assignment.late:
        return True
    return assignment.status == "open" and render.from_iso(assignment.deadline) > now


# --- the deadline's timer ------------------------------------------------------------------


def _job_name(assignment_id: int) -> str:
    return f"homework-close-{assignment_id}"


# JobQueue[Any]: a handler's context names it with a type variable PTB leaves open.
def schedule_close(job_queue: JobQueue[Any] | None, assignment: Assignment) -> None:
    """Close the assignment at its deadline (at once if that has passed)."""
    if job_queue is None:  # built without the job-queue extra: nothing would ever close
        log.error("no job queue: assignment %s will not close by itself", assignment.id)
        return
    if job_queue.get_jobs_by_name(_job_name(assignment.id)):
        return
    delay = (render.from_iso(assignment.deadline) - now_utc()).total_seconds()
    job_queue.run_once(
        _close_job,
        when=max(0.0, delay),
        data=assignment.id,
        name=_job_name(assignment.id),
        # However late the job gets to run (a slow start, a busy loop), it runs.
        job_kwargs={"misfire_grace_time": None},
    )


async def schedule_all(application: BotApplication) -> None:
    """At start: a timer for every open assignment, from the database."""
    storage = application.bot_data.storage
    assert storage is not None, "called once the database is open"
    for assignment in await storage.open_assignments():
        schedule_close(application.job_queue, assignment)


async def _close_job(context: BotContext) -> None:
    assert context.job is not None
    assignment_id = context.job.data
    assert isinstance(assignment_id, int)
    await close(context, assignment_id)


async def close(context: BotContext, assignment_id: int) -> None:
    """Close an assignment and reply to its message with the results (once: a second call
    finds it closed and does nothing)."""
    closed = await context.storage.close_assignment(assignment_id)
    if closed is None:
        return
    lesson = context.catalog.get(closed.lesson_id)
    if lesson is None:
        log.warning("assignment %s closed; its lesson %s is gone", closed.id, closed.lesson_id)
        return
    answers = await context.storage.assignment_answers(closed.id)
    progress = await context.storage.assignment_progress(closed.id)
    results = session_results(lesson, answers)
    reply_to = ReplyParameters(closed.message_id) if closed.message_id is not None else None
    # A job: the group's language is said, not taken from around it (bot/i18n.py).
    with i18n.speaking(await i18n.language_of_chat(context.storage, closed.chat_id)):
        messages = list(render.closing_results(lesson, results, progress, late=closed.late))
        board = await digests.top_five(context.storage, closed.chat_id, "assignment", closed.id)
    if board is not None:  # issue 14: the top five, where the group has it on
        messages.append(board)
    try:
        for message in messages:
            await context.bot.send_message(
                closed.chat_id,
                message.text,
                reply_markup=message.keyboard,
                reply_parameters=reply_to,
            )
    except Forbidden:
        await context.storage.set_chat_active(closed.chat_id, active=False)
    except TelegramError as error:  # closed all the same: the results stay in /report
        log.warning("could not post the results of assignment %s: %s", closed.id, error)


# --- Start, in a member's private chat -----------------------------------------------------


async def start_from_link(
    context: BotContext, chat: Chat, user: User, assignment_id: int, asked_at: int
) -> None:
    """/start h<id>: the assignment's lesson as an attempt that belongs to it; refused to a
    non-member and once closed; a lesson in progress is never closed without asking."""
    refusal = await _refusal(context, user, assignment_id)
    if refusal is not None:
        await outbox.send(context.bot, chat.id, refusal)
        return
    assignment = await context.storage.assignment(assignment_id)
    lesson = context.catalog.get(assignment.lesson_id) if assignment else None
    assert assignment is not None and lesson is not None  # _refusal looked
    current = await own.current_attempt(context.storage, context.catalog, chat.id)
    if current is not None:
        walk, active = current
        if walk.id == await context.storage.assignment_walk(assignment.id, user.id):
            await attempts.resume(context, active, walk, asked_at)
        else:
            await outbox.send(context.bot, chat.id, render.switch(active, lesson, assignment))
        return
    await begin(context, chat, user, assignment, now_utc())


async def begin(
    context: BotContext, chat: Chat, user: User, assignment: Assignment, now: dt.datetime
) -> None:
    """The assignment's lesson from its start, for the assignment."""
    lesson = context.catalog.get(assignment.lesson_id)
    if lesson is None:
        await outbox.send(context.bot, chat.id, render.unknown())
        return
    group = await context.storage.chat_title(assignment.chat_id) or ""
    zone = await zone_of(context, assignment.chat_id)
    await outbox.send(context.bot, chat.id, render.begins(group, assignment, zone, now))
    await attempts.begin(context, chat, user, lesson, assignment.id)


async def switch_confirmed(context: BotContext, chat: Chat, user: User, assignment_id: int) -> None:
    """The student chose the homework over the lesson in progress: begin it, checked
    again as at Start (the group may have closed it, or they may have left)."""
    refusal = await _refusal(context, user, assignment_id)
    if refusal is not None:
        await outbox.send(context.bot, chat.id, refusal)
        return
    assignment = await context.storage.assignment(assignment_id)
    assert assignment is not None
    await begin(context, chat, user, assignment, now_utc())


async def _refusal(context: BotContext, user: User, assignment_id: int) -> Reply | None:
    """Why this person may not start the assignment now, worded; None: they may."""
    assignment = await context.storage.assignment(assignment_id)
    if assignment is None or context.catalog.get(assignment.lesson_id) is None:
        return render.unknown()
    if not await member_check(context)(assignment.chat_id, user.id):
        return render.not_member(await context.storage.chat_title(assignment.chat_id) or "")
    if not takes_answers(assignment, now_utc()):
        return render.closed(assignment, await zone_of(context, assignment.chat_id))
    return None
