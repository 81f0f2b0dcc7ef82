"""The assignment message, kept up to date: "Done 7 · started 3" as members start and finish,
the new deadline after Extend, "Closed" at the close. Edited in place, never re-posted.

Edits are throttled: at most one per assignment every ``EDIT_INTERVAL`` seconds. A change
(a member starts or finishes) schedules one edit if none is waiting (a JobQueue job, so a
crowd finishing at once coalesces into it), no sooner than ``EDIT_INTERVAL`` after the last
edit; the edit reads the counts from SQLite when it runs, so it shows every change made
until then. What the message shows and when it was edited are stored with the assignment,
so after a restart ``refresh_stale`` edits only messages whose counts moved meanwhile, and
the throttle holds across it. An edit is a group message as far as Telegram's flood limits
go: it goes through the rate limiter's budget for that group like any other.

Kept apart from ``bot.homework`` so that ``bot.attempts`` (which ``homework`` uses) can
report a finished attempt here without an import cycle.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any
from zoneinfo import ZoneInfo

from telegram import Bot
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import JobQueue

from bot import i18n, outbox, timezones
from bot.config import Settings
from bot.context import BotApplication, BotContext
from bot.lessons import LessonCatalog
from bot.render import assignments as render
from bot.send_budget import NotSent
from bot.storage import Storage
from bot.storage.assignments import Assignment

log = logging.getLogger(__name__)

# Seconds between two edits of one assignment message, at least: 4 a minute, well inside
# Telegram's 20 messages a minute per group, however many members finish at once.
EDIT_INTERVAL = 15.0


def now_utc() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


async def group_zone(storage: Storage, settings: Settings | None, chat_id: int) -> ZoneInfo:
    """The group's time zone: its own, else BOT_TIMEZONE (else UTC)."""
    name = await storage.chat_timezone(chat_id)
    default = settings.timezone if settings is not None else timezones.DEFAULT
    try:
        return timezones.zone(name or default)
    except timezones.UnknownZone:  # a zone a newer tzdata dropped: the default
        return timezones.zone(default)


def _job_name(assignment_id: int) -> str:
    return f"homework-counts-{assignment_id}"


async def counts_changed(
    storage: Storage, job_queue: JobQueue[Any] | None, assignment_id: int
) -> None:
    """A member started or finished the assignment: its message will show it, within
    ``EDIT_INTERVAL`` of the last edit (one edit for every change until then)."""
    if job_queue is None or job_queue.get_jobs_by_name(_job_name(assignment_id)):
        return
    assignment = await storage.assignment(assignment_id)
    if assignment is None:
        return
    delay = 0.0
    if assignment.message_id is None:  # still being posted: its id is stored in a moment
        delay = EDIT_INTERVAL
    elif assignment.shown_at is not None:
        since = (now_utc() - render.from_iso(assignment.shown_at)).total_seconds()
        delay = max(0.0, EDIT_INTERVAL - since)
    if job_queue.get_jobs_by_name(_job_name(assignment_id)):  # planned while we read
        return
    job_queue.run_once(_counts_job, when=delay, data=assignment_id, name=_job_name(assignment_id))


async def _counts_job(context: BotContext) -> None:
    assert context.job is not None and isinstance(context.job.data, int)
    assignment = await context.storage.assignment(context.job.data)
    if assignment is not None:
        await show(
            context.bot,
            context.storage,
            context.catalog,
            context.bot_data.settings,
            assignment,
            only_if_changed=True,
        )


async def refresh_stale(application: BotApplication) -> None:
    """At start: an edit for each open assignment whose message shows counts that moved
    while the bot was stopped (or whose edit was still waiting when it stopped)."""
    storage = application.bot_data.storage
    assert storage is not None, "called once the database is open"
    for assignment in await storage.open_assignments():
        progress = await storage.assignment_progress(assignment.id)
        if (progress.done, progress.started) != (assignment.shown_done, assignment.shown_started):
            await counts_changed(storage, application.job_queue, assignment.id)


async def show(
    bot: Bot,
    storage: Storage,
    catalog: LessonCatalog,
    settings: Settings | None,
    assignment: Assignment,
    *,
    only_if_changed: bool = False,
) -> bool:
    """Edit the assignment message to show the assignment as it is now (its counts read
    now); ``only_if_changed``: not if it shows these counts already. False: a stop refused
    the edit of a closed one (``NotSent``), noted: the next start shows it closed
    (``bot.homework.make_good``)."""
    lesson = catalog.get(assignment.lesson_id)
    if assignment.message_id is None or lesson is None:
        return True
    progress = await storage.assignment_progress(assignment.id)
    if only_if_changed and (progress.done, progress.started) == (
        assignment.shown_done,
        assignment.shown_started,
    ):
        return True
    zone = await group_zone(storage, settings, assignment.chat_id)
    # Often a job's: the group's language is said, not taken from around it (bot/i18n.py).
    with i18n.speaking(await i18n.language_of_chat(storage, assignment.chat_id)):
        reply = render.assignment_post(lesson, assignment, zone, now_utc(), bot.username, progress)
    try:
        await outbox.edit_by_id(bot, assignment.posted_in, assignment.message_id, reply)
    except BadRequest as error:
        # Deleted by an admin, or too old to edit: the counts stay in /assignments.
        log.info("could not edit assignment %s's message: %s", assignment.id, error)
    except Forbidden:
        await storage.set_chat_active(assignment.chat_id, active=False)
    except TelegramError as error:  # Telegram unreachable: the next change or start retries
        if isinstance(error, NotSent) and assignment.status == "closed":
            # No change or start would retry a closed one's: the stop's cut is noted.
            await storage.owe_closed_shown(assignment.id)
            return False
        log.warning("could not edit assignment %s's message: %s", assignment.id, error)
        return True
    # Recorded also when Telegram refused for good: a message that cannot be edited is not
    # tried again and again.
    await storage.set_assignment_shown(assignment.id, progress)
    return True
