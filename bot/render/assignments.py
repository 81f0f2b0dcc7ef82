"""Homework's words and buttons: the assignment's post, its deadline in the group's time
zone with a hint of how far off it is, refusals, and the closing results (in the shape of a
session's closing summary)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import callbacks, i18n, texts, timezones
from bot.deadlines import DeadlineError, Problem, until
from bot.lessons import Lesson, LessonCatalog
from bot.render.fit import MESSAGE_LIMIT, clip, pack
from bot.render.group import result_lines
from bot.render.markup import Reply, button, column, esc
from bot.results import SessionResults
from bot.storage.assignments import Assignment, PastDeadline, Progress


def from_iso(stamp: str) -> dt.datetime:
    """A stored UTC time (``2026-12-04T09:00:00.000Z``) as an aware datetime."""
    return dt.datetime.fromisoformat(stamp.removesuffix("Z")).replace(tzinfo=dt.UTC)


def local_when(moment: dt.datetime, zone: ZoneInfo, now: dt.datetime | None = None) -> str:
    """ "Friday 4 December, 18:00" in ``zone`` (with the year when it is not this year's)."""
    local = moment.astimezone(zone)
    fields = {
        "weekday": texts.WEEKDAY_NAMES[local.weekday()],
        "day": local.day,
        "month": texts.MONTH_NAMES[local.month - 1],
        "year": local.year,
        "time": local.strftime("%H:%M"),
    }
    same_year = now is None or now.astimezone(zone).year == local.year
    return (texts.WHEN if same_year else texts.WHEN_OTHER_YEAR).format(**fields)


def relative(moment: dt.datetime, now: dt.datetime) -> str:
    """ "in 3 days", "in 45 seconds"; "passed" once it has."""
    left = until(moment, now)
    if left.count <= 0:
        return texts.UNTIL_PASSED
    return i18n.plural(left.count, texts.UNTIL_UNITS[left.unit])


def deadline_with_hint(moment: dt.datetime, zone: ZoneInfo, now: dt.datetime) -> str:
    """ "Friday 4 December, 18:00 (in 3 days)"."""
    return texts.WHEN_WITH_HINT.format(
        when=local_when(moment, zone, now), hint=relative(moment, now)
    )


def deadline_problem(error: DeadlineError, zone: ZoneInfo) -> Reply:
    """One line on why that is no deadline, with two that are."""
    typed = esc(error.typed.strip())
    if error.problem is Problem.SKIPPED and error.local is not None:
        day = error.local.date()
        when = texts.DAY.format(
            weekday=texts.WEEKDAY_NAMES[day.weekday()],
            day=day.day,
            month=texts.MONTH_NAMES[day.month - 1],
        )
        return Reply(
            texts.DEADLINE_SKIPPED.format(
                time=error.local.strftime("%H:%M"), day=when, zone=esc(zone.key)
            )
        )
    template = {
        Problem.UNKNOWN: texts.DEADLINE_UNKNOWN,
        Problem.NO_SUCH_DATE: texts.DEADLINE_NO_SUCH_DATE,
        Problem.PAST: texts.DEADLINE_PAST,
        Problem.TOO_FAR: texts.DEADLINE_TOO_FAR,
        Problem.SKIPPED: texts.DEADLINE_UNKNOWN,  # (never without its local time)
    }[error.problem]
    return Reply(template.format(typed=typed, zone=esc(zone.key)))


def usage() -> Reply:
    return Reply(texts.ASSIGN_USAGE)


def which_lesson(catalog: LessonCatalog) -> Reply:
    lessons = list(catalog)
    ids = "\n".join(
        texts.ASSIGN_LESSON_LINE.format(id=esc(lesson.id), title=esc(lesson.title))
        for lesson in lessons
    )
    example = esc(lessons[0].id) if lessons else "lesson-id"
    return Reply(texts.ASSIGN_WHICH_LESSON.format(example=example, ids=ids))


def assignment_post(
    lesson: Lesson,
    assignment: Assignment,
    zone: ZoneInfo,
    now: dt.datetime,
    bot_username: str,
    progress: Progress | None = None,
) -> Reply:
    """The group's one message for an assignment: Start (a link into the private chat), and
    for moderators Extend 1 day and Close now while it is open; ``progress``: "Done 7 ·
    started 3" once anyone has started. Closed, it says so, and keeps Start only while it
    takes late answers."""
    payload = callbacks.encode_homework_start(callbacks.StartHomework(assignment.id))
    start = InlineKeyboardButton(
        texts.ASSIGNMENT_START_BUTTON, url=f"https://t.me/{bot_username}?start={payload}"
    )
    counts = ""
    if progress is not None and progress.done + progress.started > 0:
        counts = texts.ASSIGNMENT_COUNTS.format(done=progress.done, started=progress.started)
    deadline = from_iso(assignment.deadline)
    if assignment.status == "closed":
        late = texts.ASSIGNMENT_POST_CLOSED_LATE if assignment.late else ""
        return Reply(
            texts.ASSIGNMENT_POST_CLOSED.format(
                lesson=esc(lesson.title),
                when=local_when(from_iso(assignment.ended), zone, now),
                counts=counts,
                late=late,
            ),
            InlineKeyboardMarkup([[start]]) if assignment.late else None,
        )
    manage = [
        button(
            texts.ASSIGNMENT_EXTEND_BUTTON,
            callbacks.HomeworkExtend(assignment.id, int(deadline.timestamp())),
        ),
        button(texts.ASSIGNMENT_CLOSE_BUTTON, callbacks.HomeworkClose(assignment.id)),
    ]
    return Reply(
        texts.ASSIGNMENT_POST.format(
            lesson=esc(lesson.title),
            when=deadline_with_hint(deadline, zone, now),
            late=texts.ASSIGNMENT_POST_LATE if assignment.late else "",
            counts=counts,
        ),
        InlineKeyboardMarkup([[start], manage]),
    )


def extended(assignment: Assignment, zone: ZoneInfo, now: dt.datetime) -> str:
    """The pop-up after Extend 1 day (plain text)."""
    return texts.ASSIGNMENT_EXTENDED.format(
        when=local_when(from_iso(assignment.deadline), zone, now)
    )


def already_extended(assignment: Assignment, zone: ZoneInfo, now: dt.datetime) -> str:
    return texts.ASSIGNMENT_ALREADY_EXTENDED.format(
        when=local_when(from_iso(assignment.deadline), zone, now)
    )


def close_question(
    title: str, assignment: Assignment, progress: Progress, zone: ZoneInfo, now: dt.datetime
) -> Reply:
    """Close now's question, under the assignment message: how many members are in the
    middle of the homework, what the close changes, and [Yes, close] [Cancel] (each press
    checked again: moderators only)."""
    after = texts.HOMEWORK_LATE_NOTE if assignment.late else texts.ASSIGNMENT_CLOSE_STOPS
    text = texts.ASSIGNMENT_CLOSE_ASK.format(
        lesson=esc(title),
        unfinished=i18n.plural(progress.started, texts.ASSIGNMENT_CLOSE_UNFINISHED),
        after=after,
        when=deadline_with_hint(from_iso(assignment.deadline), zone, now),
    )
    answers = [
        button(texts.ASSIGNMENT_CLOSE_YES, callbacks.HomeworkCloseAnswer(assignment.id, 1)),
        button(texts.ASSIGNMENT_CLOSE_CANCEL, callbacks.HomeworkCloseAnswer(assignment.id, 0)),
    ]
    return Reply(text, InlineKeyboardMarkup([answers]))


def close_kept(title: str, assignment: Assignment, zone: ZoneInfo, now: dt.datetime) -> Reply:
    """The question, once Cancel was pressed: nothing changed."""
    when = local_when(from_iso(assignment.deadline), zone, now)
    return Reply(texts.ASSIGNMENT_CLOSE_KEPT.format(lesson=esc(title), when=when))


def close_confirmed() -> Reply:
    """The question, once Yes was pressed: the results come next."""
    return Reply(texts.ASSIGNMENT_CLOSE_DONE)


def close_overtaken(title: str) -> Reply:
    """The question, once the homework closed without it (its deadline came first): no
    buttons, nothing left to answer."""
    return Reply(texts.ASSIGNMENT_CLOSE_OVERTAKEN.format(lesson=esc(title)))


def pick_lesson(
    catalog: LessonCatalog, draft_id: int, deadline: dt.datetime, zone: ZoneInfo, name: str
) -> Reply:
    """/assign without a lesson id, several lessons: one button each (the deadline waits
    in the draft, on the server)."""
    keyboard = column(
        button(clip(lesson.title, 60), callbacks.AssignPick(draft_id, lesson.id))
        for lesson in catalog
    )
    return Reply(
        texts.ASSIGN_PICK_LESSON.format(
            when=deadline_with_hint(deadline, zone, dt.datetime.now(dt.UTC)), name=esc(name)
        ),
        keyboard,
    )


def pick_past() -> Reply:
    return Reply(texts.ASSIGN_PICK_PAST)


def picked(lesson: Lesson) -> Reply:
    return Reply(texts.ASSIGN_PICKED.format(lesson=esc(lesson.title)))


def pick_not_yours(name: str) -> str:
    """A pop-up (plain text): the name without markup characters."""
    return texts.ASSIGN_PICK_NOT_YOURS.format(name=_plain(name))[:200]


def _plain(name: str) -> str:
    return name.translate({ord("<"): "‹", ord(">"): "›", ord("&"): "+"})


def report_waiting(name: str, assignment_id: int, bot_username: str, payload: str) -> Reply:
    """The group's reply when the full report cannot reach its moderator privately."""
    url = f"https://t.me/{bot_username}?start={payload}"
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton(texts.OPEN_PRIVATE_BUTTON, url=url)]])
    return Reply(texts.HOMEWORK_REPORT_WAITING.format(name=esc(name), id=assignment_id), keyboard)


def open_list(
    items: Sequence[tuple[Assignment, Lesson | None, Progress]], zone: ZoneInfo, now: dt.datetime
) -> Reply:
    """/assignments: the group's open ones, soonest first."""
    if not items:
        return Reply(texts.ASSIGNMENTS_NONE)
    lines = [texts.ASSIGNMENTS_HEADER.format(zone=esc(zone.key))]
    for assignment, lesson, progress in items:
        lines.append(
            texts.ASSIGNMENTS_LINE.format(
                lesson=esc(lesson.title if lesson else assignment.lesson_id),
                when=deadline_with_hint(from_iso(assignment.deadline), zone, now),
                done=progress.done,
                started=progress.started,
            )
        )
    return Reply("\n".join(lines))


def unknown() -> Reply:
    return Reply(texts.HOMEWORK_UNKNOWN)


def not_member(group: str) -> Reply:
    return Reply(texts.HOMEWORK_NOT_MEMBER.format(group=esc(group)))


def closed(assignment: Assignment, zone: ZoneInfo) -> Reply:
    when = local_when(from_iso(assignment.ended), zone)
    return Reply(texts.HOMEWORK_CLOSED.format(when=when, asked=esc(assignment.created_by_name)))


def begins(group: str, assignment: Assignment, zone: ZoneInfo, now: dt.datetime) -> Reply:
    when = deadline_with_hint(from_iso(assignment.deadline), zone, now)
    return Reply(texts.HOMEWORK_BEGINS.format(group=esc(group), when=when))


def switch(current: Lesson, lesson: Lesson, assignment: Assignment) -> Reply:
    """Asked before the homework begins while another lesson is in progress (as the lessons
    menu asks): start the homework, or go on with the lesson in progress."""
    return Reply(
        texts.HOMEWORK_SWITCH.format(current=esc(current.title), lesson=esc(lesson.title)),
        column(
            [
                button(
                    texts.HOMEWORK_SWITCH_BUTTON.format(lesson=clip(lesson.title, 40)),
                    callbacks.SwitchHomework(assignment.id),
                ),
                button(
                    texts.RESUME_BUTTON.format(lesson=clip(current.title, 50)),
                    callbacks.BeginLesson(current.id),
                ),
            ]
        ),
    )


def past_deadline(error: PastDeadline, default_zone: str) -> str:
    """The refusal of an answer after the deadline (a pop-up or a message: plain text), its
    time in the group's zone (``default_zone``: BOT_TIMEZONE, when the group set none)."""
    try:
        zone = timezones.zone(error.timezone or default_zone)
    except timezones.UnknownZone:
        zone = timezones.zone(timezones.DEFAULT)
    # Shown as a pop-up (plain text) or a message (HTML): a name without markup characters.
    asked = _plain(error.asked)
    return texts.HOMEWORK_PAST_DEADLINE.format(
        when=local_when(from_iso(error.deadline), zone), asked=asked
    )


def closing_results(
    lesson: Lesson, results: SessionResults, progress: Progress, *, late: bool
) -> list[Reply]:
    """The results at the deadline, in the shape of a session's closing summary: who took
    part, then per question how many answered, the share right, the stances."""
    lines = [
        texts.HOMEWORK_CLOSED_HEADER.format(
            lesson=esc(lesson.title),
            done=progress.done,
            started=progress.started,
            participants=len(results.participants),
        )
    ]
    lines.extend(result_lines(results))
    if late:
        lines.append(texts.HOMEWORK_LATE_NOTE)
    return [Reply(text) for text in pack(lines, MESSAGE_LIMIT)]


def results_delayed() -> Reply:
    """Before results a stop kept from being posted at the close (posted at the next
    start): why they come late."""
    return Reply(texts.HOMEWORK_RESULTS_DELAYED)


def timezone_shown(zone: ZoneInfo, now: dt.datetime, *, changed: bool) -> Reply:
    template = texts.TIMEZONE_SET if changed else texts.TIMEZONE_SHOW
    return Reply(template.format(zone=esc(zone.key), now=now.astimezone(zone).strftime("%H:%M")))


def timezone_unknown(name: str, matches: Sequence[str]) -> Reply:
    if not matches:
        return Reply(texts.TIMEZONE_UNKNOWN_NO_MATCH.format(name=esc(name)))
    said = texts.TIMEZONE_OR.join(f"<b>{esc(m)}</b>" for m in matches)
    return Reply(texts.TIMEZONE_UNKNOWN.format(name=esc(name), matches=said))
