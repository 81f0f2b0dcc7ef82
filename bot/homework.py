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

from telegram import Chat, Message, ReplyParameters, User
from telegram.error import BadRequest, ChatMigrated, Forbidden, TelegramError
from telegram.ext import JobQueue

from bot import attempts, deliveries, digests, homework_post, i18n, outbox, texts
from bot.answering import private as own
from bot.context import BotApplication, BotContext
from bot.homework_post import group_zone as group_zone  # re-exported: the message keeps it
from bot.membership import member_check
from bot.moderation import may_moderate
from bot.render import assignments as render
from bot.render.markup import Reply
from bot.results import session_results
from bot.send_budget import NotSent
from bot.storage.assignments import REPORT_LINE_OWED, Assignment, CloseAsking
from bot.storage.records import iso_utc

log = logging.getLogger(__name__)

# Seconds: a press that began asking Close now's question and recorded no message by then
# failed half-way (the bot stopped, Telegram refused): the next press asks again.
CLOSE_ASK_PATIENCE = 30.0


def now_utc() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


async def zone_of(context: BotContext, chat_id: int) -> ZoneInfo:
    """The group's time zone: its own, else BOT_TIMEZONE (else UTC)."""
    return await group_zone(context.storage, context.bot_data.settings, chat_id)


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
def schedule_close(
    job_queue: JobQueue[Any] | None, assignment: Assignment, *, replace: bool = False
) -> None:
    """Close the assignment at its deadline (at once if that has passed); ``replace``: a
    timer planned before for it goes (its deadline moved)."""
    if job_queue is None:  # built without the job-queue extra: nothing would ever close
        log.error("no job queue: assignment %s will not close by itself", assignment.id)
        return
    planned = job_queue.get_jobs_by_name(_job_name(assignment.id))
    if planned and not replace:
        return
    for job in planned:
        job.schedule_removal()
    delay = (render.from_iso(assignment.deadline) - now_utc()).total_seconds()
    job_queue.run_once(
        _close_job,
        when=max(0.0, delay),
        data=assignment.id,
        name=_job_name(assignment.id),
        # However late the job gets to run (a slow start, a busy loop), it runs.
        job_kwargs={"misfire_grace_time": None},
    )


def replan(job_queue: JobQueue[Any] | None, assignment: Assignment) -> None:
    """The close of an assignment planned anew from its deadline, which has moved (Extend
    1 day). Its reminders are re-planned by ``bot.reminders.plan`` (which builds on this
    module, so the caller asks for it: ``handlers.assignments``)."""
    schedule_close(job_queue, assignment, replace=True)


async def schedule_all(application: BotApplication) -> None:
    """At start: a timer for every open assignment, from the database, and an edit for
    each assignment message whose counts moved while the bot was stopped."""
    storage = application.bot_data.storage
    assert storage is not None, "called once the database is open"
    for assignment in await storage.open_assignments():
        schedule_close(application.job_queue, assignment)
    await homework_post.refresh_stale(application)


async def _close_job(context: BotContext) -> None:
    assert context.job is not None
    assignment_id = context.job.data
    assert isinstance(assignment_id, int)
    await close(context, assignment_id, at_deadline=True)


async def close(
    context: BotContext,
    assignment_id: int,
    *,
    at_deadline: bool = False,
    answered: int | None = None,
) -> bool:
    """Close an assignment: reply to its message with the results, show it closed, and send
    the moderator who gave it the full report privately (once: a second call finds it
    closed and does nothing; False). ``at_deadline``: the timer's close, which closes only
    an assignment whose deadline has come (not one extended meanwhile). ``answered``: the
    message of Close now's question whose Yes closes it (its reply is the caller's); any
    other question left open loses its buttons and says the homework closed."""
    due_by = iso_utc(now_utc()) if at_deadline else None
    closed = await context.storage.close_assignment(assignment_id, due_by=due_by)
    if closed is None:
        return False
    if closed.question is not None and closed.question != answered:
        await _question_overtaken(context, closed.assignment, closed.question)
    await _announce_close(context, closed.assignment)
    return True


async def _question_overtaken(context: BotContext, closed: Assignment, question: int) -> None:
    """Close now's question, still open when the homework closed another way (its
    deadline): no buttons any more, and why. If the edit fails (the question was deleted),
    a press on it is told the homework is closed already (``handlers.assignments``)."""
    lesson = context.catalog.get(closed.lesson_id)
    title = lesson.title if lesson else closed.lesson_id
    with i18n.speaking(await i18n.language_of_chat(context.storage, closed.chat_id)):
        reply = render.close_overtaken(title)
    try:
        await outbox.edit_by_id(context.bot, closed.posted_in, question, reply)
    except TelegramError as error:
        log.info(
            "could not settle close question %s of assignment %s: %s", question, closed.id, error
        )


def _reply_to(closed: Assignment) -> ReplyParameters | None:
    """A reply to the assignment message, where it is in the group's chat still."""
    here = closed.message_id is not None and closed.posted_in == closed.chat_id
    return ReplyParameters(closed.message_id) if here and closed.message_id else None


async def _announce_close(context: BotContext, closed: Assignment, owed: int | None = None) -> bool:
    """The close told: the results in the group (a reply to the assignment message), the
    message shown closed, the full report to its moderator. ``owed``: made good at a start,
    the results from that message on (those before went out), after a line on why they
    come late. If the stop refuses the results (``NotSent``), the rest waits for the next
    start (``make_good``), which carries out the whole of it from the first not posted:
    False."""
    lesson = context.catalog.get(closed.lesson_id)
    if lesson is None:
        log.warning("assignment %s closed; its lesson %s is gone", closed.id, closed.lesson_id)
        return True
    answers = await context.storage.assignment_answers(closed.id)
    progress = await context.storage.assignment_progress(closed.id)
    results = session_results(lesson, answers)
    reply_to = _reply_to(closed)
    # A job: the group's language is said, not taken from around it (bot/i18n.py).
    with i18n.speaking(await i18n.language_of_chat(context.storage, closed.chat_id)):
        messages = list(render.closing_results(lesson, results, progress, late=closed.late))
        board = await digests.top_five(context.storage, closed.chat_id, "assignment", closed.id)
        delayed = render.results_delayed()
    if board is not None:  # issue 14: the top five, where the group has it on
        messages.append(board)
    first = owed or 0
    posting = [(first + n, message) for n, message in enumerate(messages[first:])]
    if owed is not None and posting:
        posting.insert(0, (first, delayed))
    sent = first
    try:
        for n, message in posting:
            sent = n  # the results' first message not posted, if this one is refused
            closed = await _send_to_group(context, closed, message, reply_to)
    except NotSent:  # the bot is stopping: the results (and the rest) at the next start
        await context.storage.owe_results(closed.id, sent)
        return False
    except Forbidden:
        await context.storage.set_chat_active(closed.chat_id, active=False)
        return True
    except TelegramError as error:  # closed all the same: the results stay in /report
        log.warning("could not post the results of assignment %s: %s", closed.id, error)
    settings = context.bot_data.settings
    await homework_post.show(context.bot, context.storage, context.catalog, settings, closed)
    await _report_privately(context, closed, reply_to)  # a stop's cut: noted, for the next start
    return True


async def make_good_at_start(application: BotApplication) -> None:
    """At start: if the last stop refused a close's results (``_announce_close``) or,
    after them, the edit that shows its message closed (``homework_post.show``) or its
    moderator's report (``_report_privately``), a job makes them as soon as the bot runs."""
    storage = application.bot_data.storage
    assert storage is not None, "called once the database is open"
    if any(await storage.owed_closes()) and application.job_queue is not None:
        application.job_queue.run_once(make_good, 0, name="post results a stop left owed")


async def make_good(context: BotContext) -> None:
    """The results a stop refused at a close, each posted now from its first message not
    posted, after a line saying why they come late; then the rest of the close (the message
    shown closed, the moderator's report). A message the stop kept from showing its
    homework closed (still showing Start): edited now. A report the stop cut after the
    results went out: sent now from its first message not sent, after a line saying why (or
    the group's line on how to get it). Once: the notes are taken before sending (a crash
    meanwhile loses them, never doubles them), and noted again if this start is stopped
    too."""
    owed = await context.storage.take_owed_results()
    if owed:
        posted = [await _announce_close(context, closed, owed=first) for closed, first in owed]
        log.info(
            "made good at start: the results of %s closed homework posted late (%s owed again)",
            sum(posted),
            len(posted) - sum(posted),
        )
    unshown = await context.storage.take_owed_closed_shown()
    if unshown:
        bot, storage, settings = context.bot, context.storage, context.bot_data.settings
        shown = [
            await homework_post.show(bot, storage, context.catalog, settings, closed)
            for closed in unshown
        ]
        log.info(
            "made good at start: the messages of %s closed homework shown closed (%s owed again)",
            sum(shown),
            len(shown) - sum(shown),
        )
    reports = await context.storage.take_owed_reports()
    if reports:
        sent = [
            await _report_privately(context, closed, _reply_to(closed), owed=first)
            for closed, first in reports
        ]
        log.info(
            "made good at start: the reports of %s closed homework sent late (%s owed again)",
            sum(sent),
            len(sent) - sum(sent),
        )


async def _send_to_group(
    context: BotContext, assignment: Assignment, reply: Reply, reply_to: ReplyParameters | None
) -> Assignment:
    """A message to the assignment's group; a group that became a supergroup before we
    heard of it is followed there (its assignments moved with it). The assignment, as
    stored after."""
    try:
        await context.bot.send_message(
            assignment.chat_id, reply.text, reply_markup=reply.keyboard, reply_parameters=reply_to
        )
        return assignment
    except ChatMigrated as moved:
        await context.storage.migrate_chat(assignment.chat_id, moved.new_chat_id)
        await context.bot.send_message(
            moved.new_chat_id, reply.text, reply_markup=reply.keyboard, reply_parameters=reply_to
        )
        return await context.storage.assignment(assignment.id) or assignment


async def _report_privately(
    context: BotContext,
    closed: Assignment,
    reply_to: ReplyParameters | None,
    owed: int | None = None,
) -> bool:
    """The full report to the moderator who gave the homework, if they still moderate the
    group (asked of Telegram now); without a private chat with them, the group is told how
    to get it, and it waits for their Start. ``owed``: made good at a start, what a stop
    cut (``owe_report``): the report from that message on, or the group's line. False: a
    stop refused it (again), noted for the next start."""
    if not await may_moderate(context, closed.chat_id, closed.created_by):
        log.info("assignment %s closed; its moderator no longer moderates: no report", closed.id)
        return True
    if owed == REPORT_LINE_OWED:  # the report waits for their Start already
        return await _tell_report_waiting(context, closed, reply_to)
    try:
        await deliveries.deliver_assignment_report(context, closed.created_by, closed, owed=owed)
    except deliveries.ReportCut as cut:  # the bot is stopping: the rest at the next start
        await context.storage.owe_report(closed.id, cut.first)
        return False
    except Forbidden:
        await context.storage.add_delivery(
            closed.created_by, "report", closed.chat_id, assignment_id=closed.id
        )
        return await _tell_report_waiting(context, closed, reply_to)
    except TelegramError as error:
        log.warning("could not send the report of assignment %s: %s", closed.id, error)
    return True


async def _tell_report_waiting(
    context: BotContext, closed: Assignment, reply_to: ReplyParameters | None
) -> bool:
    """The group's line telling the moderator how to get the report; False: a stop refused
    it, noted for the next start."""
    with i18n.speaking(await i18n.language_of_chat(context.storage, closed.chat_id)):
        waiting = render.report_waiting(
            closed.created_by_name, closed.id, context.bot.username, deliveries.DELIVER_PAYLOAD
        )
    try:
        await _send_to_group(context, closed, waiting, reply_to)
    except NotSent:
        await context.storage.owe_report(closed.id, REPORT_LINE_OWED)
        return False
    except TelegramError as error:
        log.warning("could not tell the group of assignment %s: %s", closed.id, error)
    return True


# --- a moderator's buttons on the assignment message ---------------------------------------


async def extend(
    context: BotContext, chat_id: int, assignment_id: int, shown_deadline: int
) -> tuple[str, bool]:
    """Extend 1 day (pressed in ``chat_id`` on a message showing ``shown_deadline``): the
    deadline a day later in the group's local time, its timers re-planned (``show_message``
    edits its message). The pop-up's words, and whether it moved."""
    assignment = await managed(context, chat_id, assignment_id)
    if assignment is None:
        return texts.ASSIGNMENT_NOT_HERE, False
    zone = await zone_of(context, assignment.chat_id)
    now = now_utc()
    if assignment.status != "open":
        return texts.ASSIGNMENT_ALREADY_CLOSED, False
    deadline = render.from_iso(assignment.deadline)
    if int(deadline.timestamp()) != shown_deadline:
        return render.already_extended(assignment, zone, now), False
    # A day later on the group's clock: Friday 18:00 becomes Saturday 18:00, across a
    # daylight-saving change too.
    local = deadline.astimezone(zone).replace(tzinfo=None) + dt.timedelta(days=1)
    later = local.replace(tzinfo=zone).astimezone(dt.UTC)
    moved = await context.storage.extend_assignment(
        assignment.id, was=assignment.deadline, deadline=iso_utc(later)
    )
    if moved is None:  # closed or extended meanwhile
        again = await context.storage.assignment(assignment.id)
        if again is None or again.status != "open":
            return texts.ASSIGNMENT_ALREADY_CLOSED, False
        return render.already_extended(again, zone, now), False
    replan(context.job_queue, moved)
    return render.extended(moved, zone, now), True


async def show_message(context: BotContext, assignment_id: int) -> None:
    """The assignment message edited to show the assignment as it is now."""
    assignment = await context.storage.assignment(assignment_id)
    if assignment is not None:
        await homework_post.show(
            context.bot, context.storage, context.catalog, context.bot_data.settings, assignment
        )


async def close_refusal(context: BotContext, chat_id: int, assignment_id: int) -> str | None:
    """Before Close now (which is ``close``, as at the deadline): why it cannot be closed
    from this button, worded for a pop-up; None: it can."""
    assignment = await managed(context, chat_id, assignment_id)
    if assignment is None:
        return texts.ASSIGNMENT_NOT_HERE
    if assignment.status != "open":
        return texts.ASSIGNMENT_ALREADY_CLOSED
    return None


async def asking_to_close(context: BotContext, assignment_id: int) -> CloseAsking | None:
    """Close now pressed: whether this press asks its question (else which question is
    open already); None: the assignment is not open. ``ask_to_close`` carries it out."""
    stale = now_utc() - dt.timedelta(seconds=CLOSE_ASK_PATIENCE)
    return await context.storage.ask_to_close(assignment_id, stale_before=iso_utc(stale))


async def ask_to_close(
    context: BotContext, assignment: Assignment, pressed: Message, asking: CloseAsking
) -> None:
    """Close now's question under the assignment message (``pressed``), one open at a time:
    asked if this press asks it; else the open one is shown as things stand now (how many
    are in the middle of it), and asked anew only if its message is gone (deleted)."""
    question = await close_question(context, assignment)
    if asking.asked is not None:
        try:
            await outbox.edit_by_id(context.bot, pressed.chat_id, asking.asked, question)
            return
        except BadRequest as error:
            if "message to edit not found" not in str(error).lower():
                log.warning("could not show close question %s again: %s", asking.asked, error)
                return
        stale = now_utc() - dt.timedelta(seconds=CLOSE_ASK_PATIENCE)
        again = await context.storage.ask_to_close(
            assignment.id, stale_before=iso_utc(stale), gone=asking.asked
        )
        if again is None or not again.ask:
            return  # closed meanwhile, or another press is asking it
    elif not asking.ask:
        return  # a press a moment ago is asking it
    try:
        sent = await outbox.reply_to(pressed, question)
    except BaseException:
        await context.storage.close_question_answered(assignment.id, None)  # none open
        raise
    await context.storage.close_question_posted(assignment.id, sent.message_id)


async def close_question(context: BotContext, assignment: Assignment) -> Reply:
    """Close now's question for the assignment as it stands (how many are in the middle of
    it), worded in the language around it: the group's."""
    lesson = context.catalog.get(assignment.lesson_id)
    progress = await context.storage.assignment_progress(assignment.id)
    zone = await zone_of(context, assignment.chat_id)
    title = lesson.title if lesson else assignment.lesson_id
    return render.close_question(title, assignment, progress, zone, now_utc())


async def close_kept(context: BotContext, assignment: Assignment) -> Reply:
    """Close now's question answered with Cancel: the homework stays open, until when."""
    lesson = context.catalog.get(assignment.lesson_id)
    zone = await zone_of(context, assignment.chat_id)
    title = lesson.title if lesson else assignment.lesson_id
    return render.close_kept(title, assignment, zone, now_utc())


async def managed(context: BotContext, chat_id: int, assignment_id: int) -> Assignment | None:
    """The assignment a button names, if it is this chat's (where it was posted, or the
    group it moved to)."""
    assignment = await context.storage.assignment(assignment_id)
    if assignment is None or chat_id not in (assignment.chat_id, assignment.posted_in):
        return None
    return assignment


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
    await homework_post.counts_changed(context.storage, context.job_queue, assignment.id)


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
