"""Session results, computed from the current answers: plain Python, no Telegram, no SQL.

Shared by the moderator's /report (text and chart) and the group's closing summary.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from bot.lessons import ChoiceQuestion, DebateQuestion, Lesson, Question
from bot.storage import AnswerFact, Post


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

    @property
    def share_right(self) -> int:
        """Percentage of answers that are right, rounded."""
        return round(100 * self.right / self.answered) if self.answered else 0


@dataclass(frozen=True, slots=True)
class SessionResults:
    participants: tuple[Member, ...]
    questions: tuple[QuestionResult, ...]


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
            )
        )
    return SessionResults(participants, tuple(results))
