"""A paced session's clock (issue 12): the timer that moves a group session to its next
part by itself, a pace after the last (``bot.pacing`` says what a pace is).

The pace, whether its clock runs, and its next tick (with the position it moves on from)
live in SQLite (``Storage.pace``); the timer is a JobQueue job, rebuilt at start
(``rebuild_all``). A tick moves the session on only from the position it was planned for,
through the one advance ``/next`` uses too (``bot.sessions.post_next_part``, reached
through the context: ``BotData.advance_session``), so a tick run twice (or late, after a
restart, or beside a moderator's /next) posts nothing twice.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from telegram.ext import JobQueue

from bot import homework, i18n, pacing
from bot.context import BotApplication, BotContext
from bot.render import pace as render_pace
from bot.render.group import Countdown
from bot.storage import Walk, iso_utc
from bot.storage.paces import Pace

log = logging.getLogger(__name__)


def _job_name(walk_id: int) -> str:
    return f"pace-{walk_id}"


async def next_tick(
    context: BotContext, walk: Walk, pace: Pace | None
) -> tuple[datetime | None, Countdown | None]:
    """A part posted now: when the next tick is due (None: no clock runs), and the
    countdown its questions show (None: they stay open, or no clock runs)."""
    if pace is None or pace.paused:
        return None, None
    tick_at = datetime.now(UTC) + timedelta(seconds=pace.seconds)
    if not pacing.counts_down(pace.seconds):
        return tick_at, None
    zone = await homework.zone_of(context, walk.chat_id)
    return tick_at, Countdown(pace.seconds, render_pace.clock_time(tick_at, zone), zone.key)


# JobQueue[Any]: a handler's context names it with a type variable PTB leaves open.
def arm(job_queue: JobQueue[Any] | None, walk_id: int, from_position: int, at: datetime) -> None:
    """The session's next tick, replacing any planned before (/next restarts the clock)."""
    if job_queue is None:  # built without the job-queue extra
        log.error("no job queue: session %s will not move on by itself", walk_id)
        return
    disarm(job_queue, walk_id)
    job_queue.run_once(
        _tick,
        when=max(0.0, (at - datetime.now(UTC)).total_seconds()),
        data=(walk_id, from_position),
        name=_job_name(walk_id),
        # However late the job gets to run (a slow start, a busy loop), it runs.
        job_kwargs={"misfire_grace_time": None},
    )


def disarm(job_queue: JobQueue[Any] | None, walk_id: int) -> None:
    """No tick planned for the session any more (its clock stopped, or it ended)."""
    if job_queue is not None:
        for job in job_queue.get_jobs_by_name(_job_name(walk_id)):
            job.schedule_removal()


async def _tick(context: BotContext) -> None:
    """The clock's tick: the next part, if the session still stands where the tick was
    planned from and its clock still runs."""
    assert context.job is not None
    data = context.job.data
    assert isinstance(data, tuple)  # set by arm
    walk_id, from_position = int(data[0]), int(data[1])
    pace = await context.storage.pace(walk_id)
    walk = await context.storage.walk(walk_id)
    if (
        pace is None
        or pace.paused
        or pace.from_position != from_position
        or walk is None
        or walk.status != "active"
        or walk.position != from_position
    ):
        return
    advance = context.bot_data.advance_session
    assert advance is not None, "build_application sets it"
    log.info("session %s moves on by its clock", walk_id)
    # A job: no update sets the language, so the group's is spoken here.
    with i18n.speaking(await i18n.language_of_chat(context.storage, walk.chat_id)):
        await advance(context, walk)


async def rebuild_all(application: BotApplication) -> None:
    """At start: a timer for every running clock, from the database; a tick that came
    while the bot was stopped runs at once."""
    storage = application.bot_data.storage
    assert storage is not None, "called once the database is open"
    for pace in await storage.planned_ticks():
        assert pace.next_tick_at is not None and pace.from_position is not None
        at = datetime.fromisoformat(pace.next_tick_at)
        arm(application.job_queue, pace.walk_id, pace.from_position, at)


async def stop(context: BotContext, walk: Walk) -> Pace | None:
    """/pause: no part comes by itself until the clock runs again; None if it was stopped
    already (or the session has no pace)."""
    stopped = await context.storage.stop_clock(walk.id)
    disarm(context.job_queue, walk.id)
    return stopped


async def start(context: BotContext, walk: Walk) -> tuple[Pace, datetime] | None:
    """/resume (or the session resumed): the next part one pace from now; None if the
    session has no pace."""
    pace = await context.storage.pace(walk.id)
    if pace is None:
        return None
    at = datetime.now(UTC) + timedelta(seconds=pace.seconds)
    started = await context.storage.start_clock(walk.id, walk.position, iso_utc(at))
    if started is None:
        return None
    arm(context.job_queue, walk.id, walk.position, at)
    return started, at
