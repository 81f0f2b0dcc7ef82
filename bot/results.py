"""Session results, computed from the current answers: plain Python, no Telegram, no SQL.

Shared by the moderator's /report (text and chart) and the group's closing summary.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from bot.discussion import before_id, split_id
from bot.export import LessonIndex
from bot.lessons import ChoiceQuestion, DebateQuestion, Lesson, Question
from bot.storage import AnswerFact, Post, StoredAnswer


@dataclass(frozen=True, slots=True)
class Member:
    user_id: int
    display_name: str
    username: str | None

    @property
    def label(self) -> str:
        return f"@{self.username}" if self.username else self.display_name


@dataclass(frozen=True, slots=True)
class QuestionResult:
    number: int  # 1-based across the lesson
    question: Question
    answered: int
    right: int  # choice questions only
    stances: tuple[tuple[str, int], ...]  # debate questions only, in the lesson's order
    missing: tuple[Member, ...]  # members who took part but have not answered this one
    label: str = ""  # as students saw it: "Part 1 · Q3"

    @property
    def share_right(self) -> int:
        """Percentage of answers that are right, rounded."""
        return round(100 * self.right / self.answered) if self.answered else 0


@dataclass(frozen=True, slots=True)
class ShiftResult:
    """A debate asked before and after the reading (issue 14): among those who gave both
    stances, the split before and after, each change (from, to, how many; most first) and
    how many held their view."""

    number: int
    question: DebateQuestion
    before: tuple[tuple[str, int], ...]
    after: tuple[tuple[str, int], ...]
    moves: tuple[tuple[str, str, int], ...]
    unchanged: int
    label: str = ""


@dataclass(frozen=True, slots=True)
class SessionResults:
    participants: tuple[Member, ...]
    questions: tuple[QuestionResult, ...]
    shifts: tuple[ShiftResult, ...] = ()  # issue 14: opinion shift, where it was asked


def opinion_shifts(
    lesson: Lesson, current: Sequence[StoredAnswer], asked: Collection[str] | None = None
) -> tuple[ShiftResult, ...]:
    """The opinion shift of each debate whose stance was asked before the reading: answers
    given stay counted even if the lesson no longer says ``ask_before``."""
    labels = question_labels(lesson)
    stances: dict[str, dict[int, str]] = {}
    for answer in current:
        if answer.stance and not answer.retracted:
            stances.setdefault(answer.question_id, {})[answer.user_id] = answer.stance
    shifts = []
    for number, question in enumerate(lesson.questions(), start=1):
        if not isinstance(question, DebateQuestion) or (
            asked is not None and question.id not in asked
        ):
            continue
        before = stances.get(before_id(question.id), {})
        after = stances.get(question.id, {})
        both = [(before[u], after[u]) for u in before if u in after]
        if not both:
            continue
        moved = Counter((b, a) for b, a in both if b != a)
        order = {stance: i for i, stance in enumerate(question.stances)}
        shifts.append(
            ShiftResult(
                number=number,
                question=question,
                before=_split(question, [b for b, _ in both]),
                after=_split(question, [a for _, a in both]),
                moves=tuple(
                    (b, a, n)
                    for (b, a), n in sorted(
                        moved.items(),
                        key=lambda item: (
                            -item[1],
                            order.get(item[0][0], 99),
                            order.get(item[0][1], 99),
                        ),
                    )
                ),
                unchanged=sum(1 for b, a in both if b == a),
                label=labels.get(question.id, ""),
            )
        )
    return tuple(shifts)


def _split(question: DebateQuestion, given: Sequence[str]) -> tuple[tuple[str, int], ...]:
    counts = Counter(given)
    return tuple((stance, counts[stance]) for stance in question.stances)


def asked_in(posts: Iterable[Post]) -> set[str]:
    """The questions a group session has posted (its messages and polls)."""
    return {post.question_id for post in posts if post.question_id is not None}


def session_results(
    lesson: Lesson, live: Sequence[AnswerFact], asked: Collection[str] | None = None
) -> SessionResults:
    """Participants (anyone with a standing answer) and per-question results.

    ``asked``: the ids of the questions a group session has posted so far; the others (not
    reached yet, or added to parts already past by an edit of the lesson) are left out, and
    so are answers to questions the lesson no longer has. Numbers stay the lesson's.
    """
    labels = question_labels(lesson)
    numbered = [
        (number, question)
        for number, question in enumerate(lesson.questions(), start=1)
        if asked is None or question.id in asked
    ]
    shown = {question.id for _, question in numbered}
    live = [answer for answer in live if answer.question_id in shown]
    members: dict[int, Member] = {}
    for answer in live:  # the newest name seen wins
        members[answer.user_id] = Member(answer.user_id, answer.display_name, answer.username)
    participants = tuple(sorted(members.values(), key=lambda m: m.display_name.casefold()))
    results = []
    for number, question in numbered:
        given = [a for a in live if a.question_id == question.id]
        who = {a.user_id for a in given}
        stances: tuple[tuple[str, int], ...] = ()
        if isinstance(question, DebateQuestion):
            counts = Counter(a.stance for a in given if a.stance)
            stances = tuple((stance, counts[stance]) for stance in question.stances)
        right = sum(1 for a in given if a.is_correct) if isinstance(question, ChoiceQuestion) else 0
        results.append(
            QuestionResult(
                number=number,
                question=question,
                answered=len(given),
                right=right,
                stances=stances,
                missing=tuple(m for m in participants if m.user_id not in who),
                label=labels.get(question.id, ""),
            )
        )
    return SessionResults(participants, tuple(results))


# --- the report for grading: one block per student ------------------------------------------


@dataclass(frozen=True, slots=True)
class TypedAnswer:
    """A typed answer (a short answer, a debate's reason) as the report shows it."""

    label: str
    prompt: str
    text: str
    stance: str | None
    answered_at: str  # ISO 8601 UTC, as stored
    self_check: int | None  # 2 got it, 1 partly, 0 missed it; None: not given
    counter: str | None = None  # issue 14: the other side's best argument, if given


@dataclass(frozen=True, slots=True)
class StudentResult:
    member: Member
    right: int  # choice questions answered right
    choices: int  # choice questions the session asked
    typed: tuple[TypedAnswer, ...]  # in the lesson's order
    missed: tuple[str, ...]  # labels of the asked questions without a counted answer


def question_labels(lesson: Lesson) -> dict[str, str]:
    """Each question's label as students saw it ("Part 1 · Q3", "Discussion · Q1"): the
    export's, so the report and the grade book name questions alike."""
    index = LessonIndex([lesson])
    return {q.id: info.label for q in lesson.questions() if (info := index.get(lesson.id, q.id))}


def counted(current: Sequence[StoredAnswer]) -> list[StoredAnswer]:
    """The current answers that count: not withdrawn, and a debate only with its reason (a
    stance alone is half an answer)."""
    return [
        a
        for a in current
        if not a.retracted and (a.question_type != "debate" or bool(a.answer_text))
    ]


def facts(current: Sequence[StoredAnswer]) -> list[AnswerFact]:
    """``counted`` answers in the shape ``session_results`` takes."""
    return [
        AnswerFact(a.user_id, a.display_name, a.username, a.question_id, a.is_correct, a.stance)
        for a in counted(current)
    ]


def student_results(
    lesson: Lesson, current: Sequence[StoredAnswer], asked: Collection[str] | None = None
) -> tuple[StudentResult, ...]:
    """Per student (anyone with a counted answer, by name): score on the choice questions
    asked, typed answers in full, and the asked questions they have no counted answer to."""
    labels = question_labels(lesson)
    questions = [q for q in lesson.questions() if asked is None or q.id in asked]
    given = counted([a for a in current if a.question_id in {q.id for q in questions}])
    members: dict[int, Member] = {}
    for answer in given:  # the newest name seen wins
        members[answer.user_id] = Member(answer.user_id, answer.display_name, answer.username)
    choices = sum(1 for q in questions if isinstance(q, ChoiceQuestion))
    students = []
    countered = {
        (a.user_id, split_id(a.question_id)[0]): a.answer_text
        for a in current
        if split_id(a.question_id)[2] and a.answer_text
    }
    for member in sorted(members.values(), key=lambda m: m.display_name.casefold()):
        own = {a.question_id: a for a in given if a.user_id == member.user_id}
        typed = tuple(
            TypedAnswer(
                labels.get(q.id, q.id),
                q.prompt,
                a.answer_text,
                a.stance,
                a.answered_at,
                a.self_check,
                countered.get((member.user_id, q.id)),
            )
            for q in questions
            if (a := own.get(q.id)) is not None
            and a.answer_text
            and not isinstance(q, ChoiceQuestion)
        )
        students.append(
            StudentResult(
                member=member,
                right=sum(1 for a in own.values() if a.is_correct),
                choices=choices,
                typed=typed,
                missed=tuple(labels.get(q.id, q.id) for q in questions if q.id not in own),
            )
        )
    return tuple(students)


def shown_names(members: Iterable[Member]) -> dict[int, str]:
    """Each member's display name; the @username added only where two share a name."""
    people = list({m.user_id: m for m in members}.values())
    seen = Counter(m.display_name.casefold() for m in people)
    return {
        m.user_id: (
            f"{m.display_name} (@{m.username})"
            if seen[m.display_name.casefold()] > 1 and m.username
            else m.display_name
        )
        for m in people
    }
