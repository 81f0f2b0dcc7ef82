"""Render the moderator's report, a member's own answers, and the export's caption."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import i18n, texts
from bot.callbacks import Action
from bot.lessons import ChoiceQuestion, DebateQuestion, Lesson
from bot.render.fit import MESSAGE_LIMIT, pack
from bot.render.markup import Reply, button, column, esc
from bot.results import QuestionResult, SessionResults, ShiftResult, StudentResult, shown_names
from bot.storage import Walk
from bot.storage.assignments import Assignment, Doing


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


def report(
    group: str,
    lesson: Lesson,
    walk: Walk,
    results: SessionResults,
    students: Sequence[StudentResult] = (),
    zone: zoneinfo.ZoneInfo | None = None,
) -> list[Reply]:
    """The moderator's report: the session, each question's results, then a block per
    student for grading (their typed answers in full). Times in ``zone`` (else UTC), whose
    name is said once, in the header."""
    people = [*results.participants, *(s.member for s in students)]
    names = shown_names(people)
    started = _moment(walk.started_at, zone)
    blocks = [
        texts.REPORT_HEADER.format(
            group=esc(group),
            lesson=esc(lesson.title),
            session=walk.id,
            started=f"{started:%Y-%m-%d %H:%M} {esc(_zone_name(zone))}",
            status=texts.REPORT_STATUS[walk.status],
            count=len(results.participants),
            participants=", ".join(esc(names[m.user_id]) for m in results.participants) or "—",
        )
    ]
    shifts = {shift.question.id: shift for shift in results.shifts}
    blocks.extend(
        _question_block(result, names, shifts.get(result.question.id))
        for result in results.questions
    )
    if students:
        blocks.append(texts.REPORT_STUDENTS_HEADER)
        blocks.extend(_student(s, names[s.member.user_id], started, zone) for s in students)
        if walk.audience == "group" and not any(
            t.self_check is not None for s in students for t in s.typed
        ):
            blocks.append(texts.REPORT_SELF_CHECK_WHERE)
    return chunked(blocks)


@dataclass(frozen=True, slots=True)
class HomeworkCounts:
    """An assignment's numbers for /report: who finished and started, and its current
    answers given by the deadline and after it."""

    done: int
    started: int
    on_time: int
    late: int


def assignment_report(
    group: str,
    lesson: Lesson,
    assignment: Assignment,
    counts: HomeworkCounts,
    results: SessionResults,
    students: Sequence[StudentResult],
    doings: Sequence[Doing],
    late_by_member: Mapping[int, int],
    zone: zoneinfo.ZoneInfo | None,
) -> list[Reply]:
    """An assignment's full report (what its moderator gets at the close): the homework and
    its deadline, each question's results, then a block per student with when they started
    and finished and how many of their answers came after the deadline."""
    people = [*results.participants, *(s.member for s in students)]
    names = shown_names(people)
    deadline = _moment(assignment.deadline, zone)
    blocks = [
        texts.REPORT_HOMEWORK_HEADER.format(
            group=esc(group),
            id=assignment.id,
            lesson=esc(lesson.title),
            deadline=f"{deadline:%Y-%m-%d %H:%M} {esc(_zone_name(zone))}",
            status=texts.REPORT_HOMEWORK_STATUS.get(assignment.status, assignment.status),
            done=counts.done,
            started=counts.started,
            count=len(results.participants),
            participants=", ".join(esc(names[m.user_id]) for m in results.participants) or "—",
            late=counts.late,
        )
    ]
    blocks.extend(_question_block(result, names) for result in results.questions)
    if students:
        times = {d.user_id: d for d in doings}
        blocks.append(texts.REPORT_STUDENTS_HEADER)
        for student in students:
            block = _student(student, names[student.member.user_id], deadline, zone)
            head, _, rest = block.partition("\n")
            when = _times(times.get(student.member.user_id), deadline, zone)
            late = late_by_member.get(student.member.user_id, 0)
            if late:
                when += texts.REPORT_HOMEWORK_LATE.format(late=late)
            blocks.append("\n".join(part for part in (head, when, rest) if part))
    return chunked(blocks)


def _times(doing: Doing | None, deadline: dt.datetime, zone: zoneinfo.ZoneInfo | None) -> str:
    if doing is None:
        return ""

    def at(stamp: str) -> str:
        moment = _moment(stamp, zone)
        return f"{moment:%H:%M}" if moment.date() == deadline.date() else f"{moment:%Y-%m-%d %H:%M}"

    finished = at(doing.finished_at) if doing.finished_at else texts.REPORT_HOMEWORK_NOT_FINISHED
    return texts.REPORT_HOMEWORK_TIMES.format(started=at(doing.started_at), finished=finished)


def homework_list(
    group: str,
    items: Sequence[tuple[Assignment, str, HomeworkCounts]],
    zone: zoneinfo.ZoneInfo | None,
) -> list[Reply]:
    """/report's list of the group's homework (newest first): each with its deadline, its
    counts, and its answers on time and late apart."""
    blocks = [texts.REPORT_HOMEWORK_LIST.format(group=esc(group))]
    for assignment, title, counts in items:
        deadline = _moment(assignment.deadline, zone)
        blocks.append(
            texts.REPORT_HOMEWORK_LINE.format(
                id=assignment.id,
                lesson=esc(title),
                deadline=f"{deadline:%Y-%m-%d %H:%M} {esc(_zone_name(zone))}",
                status=texts.REPORT_HOMEWORK_STATUS.get(assignment.status, assignment.status),
                done=counts.done,
                started=counts.started,
                on_time=counts.on_time,
                late=counts.late,
            )
        )
    return chunked(blocks, "\n")


def homework_unknown(typed: str) -> Reply:
    return Reply(texts.REPORT_HOMEWORK_UNKNOWN.format(id=esc(typed[:20])))


def report_usage() -> Reply:
    """/report followed by anything but one homework number."""
    return Reply(texts.REPORT_USAGE)


def homework_not_yours(typed: str) -> Reply:
    """A private /report <n> naming no homework of a group this moderator runs."""
    return Reply(texts.REPORT_HOMEWORK_NOT_YOURS.format(id=esc(typed[:20])))


def export_usage(homework: str | None = None) -> Reply:
    """/export's usage; after a homework's number (``homework``), first where its results
    are: /report <n>."""
    if homework is None:
        return Reply(texts.EXPORT_USAGE)
    hint = texts.EXPORT_HOMEWORK_HINT.format(id=esc(homework[:20]))
    return Reply(f"{hint}\n\n{texts.EXPORT_USAGE}")


def _question_block(
    result: QuestionResult, names: Mapping[int, str], shift: ShiftResult | None = None
) -> str:
    block = texts.REPORT_QUESTION_LABELLED.format(
        label=esc(result.label or f"Q{result.number}"),
        prompt=esc(result.question.prompt),
        stats=_stats(result),
    )
    if shift is not None:
        block += "\n" + shift_line(shift)
    if result.missing:
        missing = ", ".join(esc(names[m.user_id]) for m in result.missing)
        block += "\n" + texts.REPORT_MISSING.format(members=missing)
    return block


def _student(
    student: StudentResult, name: str, started: dt.datetime, zone: zoneinfo.ZoneInfo | None
) -> str:
    """One student's block: score, typed answers counted, missed questions, then each typed
    answer in full (``chunked`` cuts a block too long for a message at its line breaks)."""
    lines = [
        texts.REPORT_STUDENT.format(
            name=esc(name),
            right=student.right,
            of=student.choices,
            typed=i18n.plural(len(student.typed), texts.COUNT_TYPED_ANSWERS),
        )
    ]
    if student.missed:
        lines.append(texts.REPORT_STUDENT_MISSED.format(labels=esc(", ".join(student.missed))))
    for answer in student.typed:
        moment = _moment(answer.answered_at, zone)
        when = f"{moment:%H:%M}" if moment.date() == started.date() else f"{moment:%Y-%m-%d %H:%M}"
        check = (
            ""
            if answer.self_check is None
            else texts.REPORT_SELF_CHECK.format(label=texts.SELF_CHECK_LABELS[answer.self_check])
        )
        lines.append(
            texts.REPORT_TYPED_ANSWER.format(
                label=esc(answer.label), prompt=esc(answer.prompt), when=when, check=check
            )
        )
        if answer.stance:
            lines.append(texts.REPORT_TYPED_STANCE.format(stance=esc(answer.stance)))
        lines.append(esc(answer.text))
        if answer.counter:
            lines.append(texts.REPORT_COUNTER.format(counter=esc(answer.counter)))
    return "\n".join(lines)


def shift_line(shift: ShiftResult) -> str:
    """A debate's opinion shift in the report: "Agree→Disagree 2, unchanged 9"."""
    parts = [
        texts.REPORT_SHIFT_MOVE.format(before=esc(b), after=esc(a), count=n)
        for b, a, n in shift.moves
    ]
    parts.append(texts.REPORT_SHIFT_UNCHANGED.format(count=shift.unchanged))
    return texts.REPORT_SHIFT.format(moves=", ".join(parts))


def _moment(stored: str, zone: zoneinfo.ZoneInfo | None) -> dt.datetime:
    """A stored ISO 8601 UTC time in ``zone`` (UTC without one)."""
    moment = dt.datetime.fromisoformat(stored.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(zone or dt.UTC)


def _zone_name(zone: zoneinfo.ZoneInfo | None) -> str:
    return zone.key if zone is not None else "UTC"


# --- deliveries and the moderator's choices -------------------------------------------------


def no_session() -> Reply:
    return Reply(texts.REPORT_NO_SESSION)


def report_delayed() -> Reply:
    """Before a homework's report a stop cut short at the close, sent at the next start:
    why it comes late."""
    return Reply(texts.HOMEWORK_REPORT_DELAYED)


def chart_caption(session: int, group: str) -> str:
    return texts.REPORT_CHART_CAPTION.format(session=session, group=esc(group))


def homework_chart_caption(assignment_id: int, group: str) -> str:
    return texts.REPORT_HOMEWORK_CHART_CAPTION.format(id=assignment_id, group=esc(group))


def export_empty(group: str) -> Reply:
    return Reply(texts.EXPORT_EMPTY.format(group=esc(group)))


def export_too_big(size_bytes: int) -> Reply:
    return Reply(texts.EXPORT_TOO_BIG.format(size=f"{size_bytes / 1_000_000:.0f}"))


def export_caption(group: str, *, every: bool, rows: int, fmt: str, history: bool = False) -> str:
    scope = texts.EXPORT_SCOPE_ALL if every else texts.EXPORT_SCOPE_LATEST
    if history:
        scope += texts.EXPORT_SCOPE_HISTORY
    return texts.EXPORT_CAPTION.format(
        group=esc(group), scope=scope, rows=i18n.plural(rows, texts.COUNT_ROWS), fmt=fmt
    )


def lookups_empty(group: str) -> Reply:
    return Reply(texts.EXPORT_LOOKUPS_EMPTY.format(group=esc(group)))


def lookups_caption(group: str, *, rows: int, fmt: str) -> str:
    return texts.EXPORT_LOOKUPS_CAPTION.format(
        group=esc(group), rows=i18n.plural(rows, texts.COUNT_ROWS), fmt=fmt
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
