"""What each dashboard page shows, read through the storage's read-only connection: a
group's sessions and homework, one session or assignment ("a unit") with its answers, and
the digests a session posted in its group. No HTTP here (``pages``) and no words (the
templates and ``bot.texts``)."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field
from typing import Literal

from bot import texts, timezones
from bot.analysis import Column, columns
from bot.discussion import Digest, digest_of, split_id
from bot.lessons import ChoiceQuestion, DebateQuestion, Lesson, LessonCatalog
from bot.results import Member, asked_in, question_labels, shown_names
from bot.storage import Storage, StoredAnswer
from bot.storage.dashboard import AssignmentRow, SessionRow

UnitKind = Literal["s", "a"]  # a session, an assignment (homework)


@dataclass(frozen=True, slots=True)
class Unit:
    """A session or an assignment of a group, with its current answers."""

    kind: UnitKind
    id: int
    chat_id: int
    lesson_id: str
    lesson: Lesson | None
    status: str
    started_at: str
    ended_at: str | None
    current: tuple[StoredAnswer, ...]
    columns: tuple[Column, ...]
    deadline: str | None = None  # an assignment's, UTC
    late_taken: bool = False
    late_count: int = 0
    began: int = 0  # an assignment's members who began it
    finished: int = 0  # ... and who finished it

    @property
    def live(self) -> bool:
        """A session running now: its page refreshes itself."""
        return self.kind == "s" and self.status == "active"

    @property
    def title(self) -> str:
        return self.lesson.title if self.lesson is not None else self.lesson_id


@dataclass(frozen=True, slots=True)
class Listing:
    """A row of the group page: a session or an assignment."""

    kind: UnitKind
    id: int
    title: str
    known: bool  # the lesson is in the catalog
    status: str
    started_at: str
    people: int
    finished: int = 0
    deadline: str | None = None
    late: bool = False


@dataclass(frozen=True, slots=True)
class Version:
    """One version of a member's answer, as the member's page lists it."""

    label: str
    prompt: str
    version: int
    answered_at: str
    retracted: bool
    options: str  # a choice's chosen options' text ("" if not known for this version)
    correct: bool | None
    stance: str | None
    text: str | None
    self_check: int | None
    late: bool = False


@dataclass(frozen=True, slots=True)
class Shared:
    """A debate's digest as the group read it (issue 14): what ``digest_of`` made of the
    answers as they stood when it was posted (the digest's text is not stored; its
    moment is, and answers are kept with every version and its time), and the members'
    names as the digest showed them."""

    posted_at: str
    digest: Digest
    names: dict[int, str]


@dataclass(slots=True)
class MemberAnswers:
    name: str
    questions: list[tuple[str, str, list[Version]]] = field(default_factory=list)


def zone_of(name: str | None, default: str) -> zoneinfo.ZoneInfo:
    for candidate in (name, default, timezones.DEFAULT):
        if candidate:
            try:
                return timezones.zone(candidate)
            except (timezones.UnknownZone, zoneinfo.ZoneInfoNotFoundError):
                continue
    return zoneinfo.ZoneInfo("UTC")


def local(stored: str | None, zone: zoneinfo.ZoneInfo) -> str:
    """A stored ISO 8601 UTC time as the group reads it: "2026-12-02 14:05"."""
    if not stored:
        return ""
    moment = dt.datetime.fromisoformat(stored.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return f"{moment.astimezone(zone):%Y-%m-%d %H:%M}"


async def listings(
    storage: Storage, catalog: LessonCatalog, chat_id: int
) -> tuple[list[Listing], list[Listing]]:
    """A group's sessions and assignments, newest first."""
    sessions = [_session_listing(row, catalog) for row in await storage.group_sessions(chat_id)]
    homework = [_assignment_listing(r, catalog) for r in await storage.group_assignments(chat_id)]
    return sessions, homework


def _session_listing(row: SessionRow, catalog: LessonCatalog) -> Listing:
    lesson = catalog.get(row.lesson_id)
    return Listing(
        "s",
        row.id,
        lesson.title if lesson else row.lesson_id,
        lesson is not None,
        row.status,
        row.started_at,
        row.participants,
    )


def _assignment_listing(row: AssignmentRow, catalog: LessonCatalog) -> Listing:
    found = row.assignment
    lesson = catalog.get(found.lesson_id)
    return Listing(
        "a",
        found.id,
        lesson.title if lesson else found.lesson_id,
        lesson is not None,
        found.status,
        found.created_at,
        row.participants,
        row.finished,
        found.deadline,
        found.late,
    )


async def unit(
    storage: Storage, catalog: LessonCatalog, chat_id: int, kind: UnitKind, unit_id: int
) -> Unit | None:
    """The session or assignment ``unit_id`` of the group ``chat_id``; None if there is no
    such thing in this group (another group's id in the address is no different)."""
    if kind == "s":
        walk = await storage.walk(unit_id)
        if walk is None or walk.audience != "group" or walk.chat_id != chat_id:
            return None
        lesson = catalog.get(walk.lesson_id)
        asked = asked_in(await storage.posts_of_walk(walk.id))
        current = tuple(await storage.current_answers(walk.id))
        return Unit(
            "s",
            walk.id,
            chat_id,
            walk.lesson_id,
            lesson,
            walk.status,
            walk.started_at,
            walk.ended_at,
            current,
            columns(lesson, asked) if lesson else (),
        )
    found = await storage.assignment(unit_id)
    if found is None or found.chat_id != chat_id:
        return None
    lesson = catalog.get(found.lesson_id)
    answers = tuple(await storage.assignment_current_answers(found.id))
    rows = {r.assignment.id: r for r in await storage.group_assignments(chat_id)}
    row = rows.get(found.id)
    return Unit(
        "a",
        found.id,
        chat_id,
        found.lesson_id,
        lesson,
        found.status,
        found.created_at,
        found.closed_at,
        answers,
        columns(lesson) if lesson else (),
        deadline=found.deadline,
        late_taken=found.late,
        late_count=await storage.late_answers(found.id),
        began=row.participants if row else 0,
        finished=row.finished if row else 0,
    )


async def member_answers(storage: Storage, found: Unit, user_id: int) -> MemberAnswers | None:
    """Every version of every answer one member gave in the unit, by question in the
    lesson's order; None if they gave none."""
    if found.kind == "s":
        history = await storage.member_answer_history(user_id, walk_id=found.id)
    else:
        history = await storage.member_answer_history(user_id, assignment_id=found.id)
    if not history:
        return None
    lesson = found.lesson
    labels = question_labels(lesson) if lesson else {}
    questions = {q.id: q for q in lesson.questions()} if lesson else {}
    order = list(questions)
    by_question: dict[str, list[Version]] = {}
    for answer in history:
        # A debate's stance before the reading or its counter argument (issue 14) is shown
        # under its question, named as such.
        base = split_id(answer.question_id)[0]
        version = _version(answer, questions.get(base), lesson, labels, found.deadline)
        by_question.setdefault(answer.question_id, []).append(version)
    result = MemberAnswers(history[-1].display_name)

    def place(stored: str) -> tuple[int, str, int]:
        """In the lesson's order; a debate's stance before the reading, then its answer,
        then the other side's argument."""
        base, phase, counter = split_id(stored)
        step = 0 if phase else 2 if counter else 1
        return (order.index(base) if base in order else len(order), base, step)

    for question_id in sorted(by_question, key=place):
        versions = by_question[question_id]
        result.questions.append((versions[0].label, versions[0].prompt, versions))
    return result


async def shared(storage: Storage, found: Unit) -> dict[str, Shared]:
    """The digests posted in the group for a session's debate questions, by question id
    (none for homework, whose answers are given privately: digests are a session's)."""
    if found.kind != "s" or found.lesson is None:
        return {}
    posted = dict(await storage.posted_digests(found.id))
    debates = {
        q.id: q
        for q in found.lesson.questions()
        if isinstance(q, DebateQuestion) and q.id in posted
    }
    if not debates:
        return {}
    history = await storage.answers_until(found.id, list(debates), max(posted.values()))
    result: dict[str, Shared] = {}
    for question_id, question in debates.items():
        moment = posted[question_id]
        digest = digest_of(question, [a for a in history if a.answered_at <= moment])
        if digest is None:
            continue  # every answer to it was deleted since (/forget)
        names = shown_names(
            Member(a.user_id, a.display_name, a.username)
            for _, answers in digest.public
            for a in answers
        )
        result[question_id] = Shared(moment, digest, names)
    return result


def _part_prompt(stored: str, prompt: str) -> str:
    """A question's prompt, or for a debate's extra part, named as that part."""
    _, phase, counter = split_id(stored)
    if phase:
        return texts.MY_ANSWERS_BEFORE.format(prompt=prompt)
    return texts.MY_ANSWERS_COUNTER.format(prompt=prompt) if counter else prompt


def _version(
    answer: StoredAnswer,
    question: object,
    lesson: Lesson | None,
    labels: dict[str, str],
    deadline: str | None,
) -> Version:
    options = ""
    if (
        isinstance(question, ChoiceQuestion)
        and lesson is not None
        and answer.lesson_version == lesson.version
        and all(0 <= i < len(question.options) for i in answer.option_indexes)
    ):
        options = ", ".join(question.options[i] for i in answer.option_indexes)
    base = split_id(answer.question_id)[0]
    return Version(
        label=labels.get(base, base),
        prompt=_part_prompt(answer.question_id, getattr(question, "prompt", base)),
        version=answer.version,
        answered_at=answer.answered_at,
        retracted=answer.retracted,
        options=options,
        correct=answer.is_correct,
        stance=answer.stance,
        text=answer.answer_text,
        self_check=answer.self_check,
        late=deadline is not None and answer.answered_at > deadline,
    )
