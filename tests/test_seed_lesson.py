"""The seed lesson carries the Dong-A Ilbo editorial verbatim and enough questions."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import yaml

from bot.lessons import ChoiceQuestion, Lesson

HERE = Path(__file__).parent
LESSON_PATH = HERE.parent / "prompts" / "biegun-seoul-2020.yaml"
EDITORIAL_PATH = HERE / "fixtures" / "editorial-2020-07-08.txt"


def load_lesson() -> Lesson:
    with LESSON_PATH.open(encoding="utf-8") as f:
        return Lesson.model_validate(yaml.safe_load(f))


def editorial_paragraphs() -> list[str]:
    """The editorial's paragraphs: the non-empty lines after the page's metadata.

    The first line is web navigation, then come the title and the "Posted"/"Updated" lines.
    """
    lines = EDITORIAL_PATH.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "Go to contents"
    updated = next(i for i, line in enumerate(lines) if line.startswith("Updated "))
    assert lines[updated - 2].startswith("Posted ")
    return [line for line in lines[updated + 1 :] if line.strip()]


def section_paragraphs(lesson: Lesson) -> list[str]:
    return [
        paragraph.rstrip("\n")
        for section in lesson.sections
        for paragraph in section.text.split("\n\n")
    ]


def test_lesson_validates() -> None:
    lesson = load_lesson()
    assert lesson.id == "biegun-seoul-2020"
    assert lesson.title == "S. Korean government prioritizes N. Korea over U.S."
    assert lesson.source.publisher == "The Dong-A Ilbo"
    assert lesson.source.kind == "editorial"
    assert lesson.source.date.isoformat() == "2020-07-08"


def test_title_matches_the_editorial() -> None:
    lines = EDITORIAL_PATH.read_text(encoding="utf-8").splitlines()
    assert load_lesson().title in lines[:4]


def test_text_is_the_editorial_verbatim() -> None:
    expected = editorial_paragraphs()
    assert len(expected) == 5
    assert section_paragraphs(load_lesson()) == expected


def test_sections_and_question_counts() -> None:
    lesson = load_lesson()
    assert 3 <= len(lesson.sections) <= 6
    counts = Counter(q.type for q in lesson.questions())
    assert counts["choice"] >= 6
    assert counts["short"] >= 2
    assert counts["debate"] >= 3
    # Choice questions are spread over the sections, not all in one place.
    assert all(
        any(isinstance(q, ChoiceQuestion) for q in section.questions) for section in lesson.sections
    )


def test_choice_questions_have_one_right_option_and_an_explanation() -> None:
    for question in load_lesson().questions():
        if isinstance(question, ChoiceQuestion):
            assert isinstance(question.answer, str), question.id
            assert question.options.count(question.answer) == 1, question.id
            assert len(set(question.options)) == len(question.options), question.id
            assert question.explanation, question.id


def test_short_questions_have_model_answers() -> None:
    for question in load_lesson().questions():
        if question.type == "short":
            assert question.model_answer, question.id


def test_question_ids_are_unique() -> None:
    ids = [q.id for q in load_lesson().questions()]
    duplicates = [i for i, n in Counter(ids).items() if n > 1]
    assert not duplicates
