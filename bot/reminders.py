"""Homework reminders (issue 12): before an assignment's deadline (``BOT_REMINDERS``, by
default 24 hours and 1 hour before), a private reminder to each member who started but has
not finished, and to each member the bot knows in the group (who answered there) who has a
private chat with it and has not started; and one reply in the group to the assignment
message naming those it knows have not finished, with how many members it has not heard
from.

**Re-planning is one call:** ``plan(context, assignment)`` (re)plans an assignment's
reminder jobs from its current deadline. Call it when an assignment is made and whenever
its deadline changes (Extend): the times of an earlier deadline turn stale and their jobs
go; at start, ``schedule_all`` calls it for every open assignment.

Durable: each reminder time is a row in ``reminder_times``, planned once; each person's
reminder is claimed in ``reminder_sends`` (committed) before it is sent, and the group's
reply in ``reminder_times.group_claimed_at``, so a crash or restart never sends anything
twice (one whose send was cut short by a crash is not sent again either). A time that
passed while the bot was stopped goes out at start if the deadline is still ahead.

Quiet hours: nothing goes out between 22:00 and 08:00 in the group's time zone; a time
that falls there is moved to 08:00, or dropped if the deadline comes first. The group's
reply keeps the same hours as the private reminders (its mentions notify people too).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

from telegram import ReplyParameters
from telegram.error import Forbidden, TelegramError
from telegram.ext import JobQueue

from bot import homework, i18n
from bot.config import Settings
from bot.context import BotApplication, BotContext
from bot.lessons import Lesson
from bot.membership import member_check
from bot.render import reminders as render
from bot.render.assignments import from_iso
from bot.send_budget import NotSent
from bot.storage import Storage
from bot.storage.assignments import Assignment
from bot.storage.records import iso_utc
from bot.storage.reminders import Known, PlannedTime, ReminderTime

log = logging.getLogger(__name__)

QUIET_FROM = dt.time(22, 0)
QUIET_UNTIL = dt.time(8, 0)


# --- planning (pure: the clock is passed in) -----------------------------------------------


def out_of_quiet_hours(moment: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    """``moment``, or the 08:00 after it when it falls between 22:00 and 08:00 in ``zone``."""
    local = moment.astimezone(zone)
    if QUIET_UNTIL <= local.time() < QUIET_FROM:
        return moment
    day = local.date() if local.time() < QUIET_UNTIL else local.date() + dt.timedelta(days=1)
    return dt.datetime.combine(day, QUIET_UNTIL, tzinfo=zone).astimezone(dt.UTC)


def plan_times(
    deadline: dt.datetime, befores: Sequence[int], zone: ZoneInfo, now: dt.datetime
) -> list[PlannedTime]:
    """When each reminder goes out (``befores``: seconds before the deadline). Skipped
    (``due_at`` None): a moment already past at planning, one that quiet hours move to or
    past the deadline, and one that quiet hours move onto another's moment."""
    times: list[PlannedTime] = []
    taken: set[dt.datetime] = set()
    for before in sorted(befores, reverse=True):
        moment = deadline - dt.timedelta(seconds=before)
        due = out_of_quiet_hours(moment, zone)
        if moment <= now or due >= deadline or due in taken:
            times.append(PlannedTime(before, None))
            continue
        taken.add(due)
        times.append(PlannedTime(before, iso_utc(due)))
    return times


# --- timers -------------------------------------------------------------------------------


def _job_prefix(assignment_id: int) -> str:
    return f"homework-remind-{assignment_id}-"


async def plan(context: BotContext, assignment: Assignment, now: dt.datetime | None = None) -> None:
    """(Re)plan the assignment's reminder jobs from its current deadline (``assignment``
    as stored now): the one call after it is made and after its deadline changes (Extend).
    Planning again for the same deadline changes nothing; the times of another deadline
    (or no longer in BOT_REMINDERS) turn stale and lose their jobs; a closed assignment
    loses them all. ``now``: the clock, for tests."""
    await _plan(context.job_queue, context.storage, context.bot_data.settings, assignment, now)


async def schedule_all(application: BotApplication) -> None:
    """At start: every open assignment's reminders planned again (the same, unless the
    settings changed), their jobs rebuilt from the database."""
    storage = application.bot_data.storage
    assert storage is not None, "called once the database is open"
    for assignment in await storage.open_assignments():
        await _plan(application.job_queue, storage, application.bot_data.settings, assignment, None)


async def _plan(
    job_queue: JobQueue[Any] | None,
    storage: Storage,
    settings: Settings | None,
    assignment: Assignment,
    now: dt.datetime | None,
) -> None:
    if assignment.status != "open":  # closed: no time of it is sent any more
        await storage.plan_reminder_times(assignment.id, assignment.deadline, [])
        _unschedule(job_queue, assignment.id, keep=set())
        return
    befores = settings.reminders if settings is not None else ()
    zone = await homework.group_zone(storage, settings, assignment.chat_id)
    deadline = from_iso(assignment.deadline)
    times = plan_times(deadline, befores, zone, now or homework.now_utc())
    kept = await storage.plan_reminder_times(assignment.id, assignment.deadline, times)
    _unschedule(job_queue, assignment.id, keep={r.id for r in kept})
    for reminder in kept:
        _schedule(job_queue, reminder)


def _schedule(job_queue: JobQueue[Any] | None, reminder: ReminderTime) -> None:
    if job_queue is None:
        log.error(
            "no job queue: reminders of assignment %s will not go out", reminder.assignment_id
        )
        return
    name = f"{_job_prefix(reminder.assignment_id)}{reminder.id}"
    if job_queue.get_jobs_by_name(name):
        return
    delay = (from_iso(reminder.due_at) - homework.now_utc()).total_seconds()
    job_queue.run_once(
        _remind_job,
        when=max(0.0, delay),
        data=reminder.id,
        name=name,
        job_kwargs={"misfire_grace_time": None},  # however late, it runs (and checks)
    )


def _unschedule(job_queue: JobQueue[Any] | None, assignment_id: int, keep: set[int]) -> None:
    if job_queue is None:
        return
    for job in job_queue.jobs():
        if (job.name or "").startswith(_job_prefix(assignment_id)) and job.data not in keep:
            job.schedule_removal()


async def _remind_job(context: BotContext) -> None:
    assert context.job is not None
    reminder_id = context.job.data
    assert isinstance(reminder_id, int)
    await remind(context, reminder_id)


# --- a reminder time ---------------------------------------------------------------------


async def remind(context: BotContext, reminder_id: int) -> None:
    """Send one reminder time's reminders: each person's once, the group's reply once."""
    storage = context.storage
    reminder = await storage.reminder_time(reminder_id)
    if reminder is None or reminder.status != "planned":
        return
    assignment = await storage.assignment(reminder.assignment_id)
    if (
        assignment is None
        or assignment.status != "open"
        or assignment.deadline != reminder.deadline
    ):
        await storage.finish_reminder_time(reminder.id, "stale")
        return
    now = homework.now_utc()
    lesson = context.catalog.get(assignment.lesson_id)
    if from_iso(assignment.deadline) <= now or lesson is None:
        await storage.finish_reminder_time(reminder.id, "skipped")
        return
    chat_id = assignment.chat_id
    zone = await homework.zone_of(context, chat_id)
    people = await storage.known_in_group(chat_id, assignment.id)
    is_member = member_check(context)
    waiting = [
        person
        for person in people
        if not person.finished
        and not person.muted
        and person.user_id != assignment.created_by
        and await is_member(chat_id, person.user_id)
    ]
    group = await storage.chat_title(chat_id) or ""
    cut = 0  # refused by a stop: released, for the next start
    for person in waiting:
        if person.reachable and await storage.claim_private_reminder(reminder.id, person.user_id):
            outcome = await _send_private(context, lesson, group, assignment, zone, now, person)
            if outcome is None:
                await storage.release_private_reminder(reminder.id, person.user_id)
                cut += 1
            else:
                await storage.private_reminder_outcome(reminder.id, person.user_id, outcome)
    if await storage.claim_group_reminder(reminder.id):
        # Known, present in the group: all but those found gone (they are not counted by
        # Telegram either); the moderator who gave it is one of them.
        maybe = [p for p in people if not p.finished and not p.muted]
        gone = sum(1 for p in maybe if p.user_id != assignment.created_by) - len(waiting)
        heard = len(people) - gone + (0 if _among(people, assignment.created_by) else 1)
        unheard = await _unheard(context, chat_id, heard)
        named = [(p.user_id, p.name) for p in waiting]
        if not await _post_in_group(context, assignment, lesson, zone, now, named, unheard):
            await storage.release_group_reminder(reminder.id)
            cut += 1
    if cut:  # still planned: at the next start, if the deadline is still ahead
        log.info("reminder time %s: %s reminders refused by the stop, kept", reminder.id, cut)
        return
    await storage.finish_reminder_time(reminder.id, "done")


def _among(people: Sequence[Known], user_id: int) -> bool:
    return any(p.user_id == user_id for p in people)


async def _send_private(
    context: BotContext,
    lesson: Lesson,
    group: str,
    assignment: Assignment,
    zone: ZoneInfo,
    now: dt.datetime,
    person: Known,
) -> str | None:
    """Send one member's reminder; its outcome: 'sent', 'blocked' (403) or 'failed'; None:
    refused by a stop, not sent."""
    # A job: the member's own language is said, not taken from around it (bot/i18n.py).
    with i18n.speaking(await i18n.language_of_user(context.storage, person.user_id)):
        reply = render.private_reminder(
            lesson, group, assignment, zone, now, started=person.started
        )
    try:
        await context.bot.send_message(person.user_id, reply.text, reply_markup=reply.keyboard)
    except NotSent:
        return None
    except Forbidden:
        return "blocked"
    except TelegramError as error:
        log.warning(
            "reminder of assignment %s not sent to user %s: %s",
            assignment.id,
            person.user_id,
            error,
        )
        return "failed"
    return "sent"


async def _unheard(context: BotContext, chat_id: int, heard: int) -> int:
    """Members the bot has not heard from: Telegram's count, less the bot and those known."""
    try:
        count = await context.bot.get_chat_member_count(chat_id)
    except TelegramError as error:
        log.info("no member count for chat %s: %s", chat_id, error)
        return 0
    return max(0, count - 1 - heard)


async def _post_in_group(
    context: BotContext,
    assignment: Assignment,
    lesson: Lesson,
    zone: ZoneInfo,
    now: dt.datetime,
    named: Sequence[tuple[int, str]],
    unheard: int,
) -> bool:
    """The group's reply to the assignment message; False: a stop refused it before any of
    it was posted (once part of it is, the rest is lost rather than the part posted twice)."""
    reply_to = ReplyParameters(assignment.message_id) if assignment.message_id is not None else None
    with i18n.speaking(await i18n.language_of_chat(context.storage, assignment.chat_id)):
        messages = list(render.group_reminder(lesson, assignment, zone, now, named, unheard))
    posted = 0
    try:
        for message in messages:
            await context.bot.send_message(
                assignment.chat_id, message.text, reply_parameters=reply_to
            )
            posted += 1
    except NotSent:
        if not posted:
            return False
        log.info("group reminder of assignment %s cut short by the stop", assignment.id)
    except Forbidden:
        await context.storage.set_chat_active(assignment.chat_id, active=False)
    except TelegramError as error:
        log.warning("group reminder of assignment %s not posted: %s", assignment.id, error)
    return True
