"""Session results cover what the session asked, and answers to questions the lesson has."""

from __future__ import annotations

from bot.lessons.load import load_catalog
from bot.results import session_results
from bot.storage import AnswerFact
from tests.conftest import PROMPTS


def test_only_the_questions_asked_and_answers_to_questions_the_lesson_has() -> None:
    lesson = load_catalog([PROMPTS]).get("biegun-seoul-2020")
    assert lesson is not None
    first, second, third = lesson.questions()[:3]
    facts = [
        AnswerFact(1, "Ann", "ann", first.id, True, None),
        AnswerFact(2, "Bob", None, "a-question-since-removed", None, None),
    ]
    results = session_results(lesson, facts, asked={first.id, third.id})
    assert [(r.number, r.question.id) for r in results.questions] == [(1, first.id), (3, third.id)]
    assert [m.display_name for m in results.participants] == ["Ann"]  # not Bob
    assert [r.answered for r in results.questions] == [1, 0]
    assert [m.display_name for m in results.questions[1].missing] == ["Ann"]
    # A private lesson (nothing posted) is the whole lesson.
    assert len(session_results(lesson, facts).questions) == len(lesson.questions())
    assert second.id not in {r.question.id for r in results.questions}
