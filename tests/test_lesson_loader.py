"""The lesson loader (bot.lessons): valid lessons, folders of files, all problems at once."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from bot.lessons import ChoiceQuestion, DebateQuestion, Lesson, LessonCatalog
from bot.lessons.catalog import LessonsInvalid, summarize
from bot.lessons.load import load_catalog, load_lesson_file, load_lessons
from tests.lesson_loader_support import REPO_ROOT, VALID, assert_problem, problems_in, write

# --------------------------------------------------------------------------- valid lessons


def test_valid_minimal_lesson_loads_with_version(tmp_path: Path) -> None:
    path = write(tmp_path, VALID)
    lesson, problems = load_lesson_file(path)
    assert problems == []
    assert isinstance(lesson, Lesson)
    assert lesson.id == "test-lesson"
    assert lesson.version == hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    assert len(lesson.version) == 16
    question = lesson.question("q1")
    assert isinstance(question, ChoiceQuestion)
    assert question.options == ("Alpha", "Beta")
    assert question.is_correct(0)
    assert lesson.source.date.isoformat() == "2020-07-08"

    catalog = load_catalog([path])
    assert (
        summarize(catalog) == "1 lesson valid: 1 section, 1 question (1 choice, 0 short, 0 debate)"
    )


def test_full_lesson_with_all_question_kinds(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
        id: biegun-seoul-2020            # unique slug across all lessons
        title: "S. Korean government prioritizes N. Korea over U.S."
        source:
          publisher: The Dong-A Ilbo
          kind: editorial
          date: 2020-07-08
          url: https://www.donga.com/en/
        sections:
          - title: A visit and a nominee
            text: |
              Stephen Biegun, the U.S. Deputy Secretary of State ...
            questions:
              - id: state-dept-emphasis
                type: choice
                prompt: What did the State Department emphasize about the visit?
                options:
                  - Coordination between the allies toward FFVD
                  - Lifting sanctions on North Korea
                  - "yes"
                answer: [Coordination between the allies toward FFVD, "yes"]
                explanation: The first paragraph says ...
              - id: distinguish
                type: short
                prompt: In one sentence, what does Lee In-young want to distinguish?
                model_answer: What the allies' working group handles and what Seoul can do alone.
          - title: Second part
            text: More text.
        discussion:
          - id: on-our-own
            type: debate
            prompt: Should Seoul pursue inter-Korean projects outside the working group?
            stances: [Agree, Disagree, Not sure]
          - id: default-stances
            type: debate
            prompt: Is that wise?
        """,
    )
    lesson, problems = load_lesson_file(path)
    assert problems == []
    assert lesson is not None
    choice = lesson.question("state-dept-emphasis")
    assert isinstance(choice, ChoiceQuestion)
    assert choice.correct_options == ("Coordination between the allies toward FFVD", "yes")
    debate = lesson.question("default-stances")
    assert isinstance(debate, DebateQuestion)
    assert debate.stances == ("Agree", "Disagree", "Not sure")
    assert summarize(LessonCatalog([lesson])) == (
        "1 lesson valid: 2 sections, 4 questions (1 choice, 1 short, 2 debate)"
    )


def test_very_long_section_text_is_fine(tmp_path: Path) -> None:
    long_text = "A sentence of the editorial. " * 2000  # far beyond a Telegram message
    path = write(tmp_path, VALID.replace("text: Some text.", f"text: {long_text}"))
    lesson, problems = load_lesson_file(path)
    assert problems == []
    assert lesson is not None
    assert len(lesson.sections[0].text) > 50_000


def test_crlf_line_endings_and_bom_are_fine(tmp_path: Path) -> None:
    path = tmp_path / "windows.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + VALID.replace("\n", "\r\n").encode())
    lesson, problems = load_lesson_file(path)
    assert problems == []
    assert lesson is not None


# --------------------------------------------------------------------------- many problems at once


def test_all_problems_in_a_file_are_reported_at_once(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
        id: Bad Id
        title: A lesson
        source:
          publisher: The Paper
          date: 2020-07-08
          kidn: editorial
        sections:
          - title: One
            text: Text.
            questions:
              - id: q1
                type: choice
                prompt: Which?
                options: [Alpha, yes, Alpha]
                answer: Gamma
              - id: q1
                type: multiple
                prompt: x
              - id: q3
                type: short
        discussion:
          - id: d1
            type: debate
            prompt: Agree?
            stances: [Agree, Agree]
            stances: [Agree, Disagree]
        """,
    )
    problems = problems_in(path)
    expected = [
        ("1:5", "'Bad Id' is not a valid id"),
        ("6:3", "unknown key 'kidn' (did you mean 'kind'?)"),
        ("14:26", "`yes` would be read as true/false"),
        ("14:31", "option 'Alpha' is listed twice"),
        ("15:17", "the answer 'Gamma' is not one of the options"),
        ("16:13", "question id 'q1' is already used on line 11"),
        ("17:15", "unknown question type 'multiple'"),
        ("19:9", "missing required field 'prompt'"),
        ("25:22", "stance 'Agree' is listed twice"),
        ("26:5", "duplicate key 'stances': it is already given on line 25"),
    ]
    for where, fragment in expected:
        assert_problem(problems, where, fragment)
    assert len(problems) == len(expected), "\n".join(str(p) for p in problems)
    assert [(p.line, p.column) for p in problems] == sorted((p.line, p.column) for p in problems)


# --------------------------------------------------------------------------- several files


def test_duplicate_lesson_ids_across_files(tmp_path: Path) -> None:
    write(tmp_path, VALID, "a-first.yaml")
    second = write(tmp_path, "# the same lesson again\n" + VALID, "b-second.yml")
    catalog, problems = load_lessons([tmp_path])
    assert len(problems) == 1
    problem = problems[0]
    assert problem.path == second
    assert (problem.line, problem.column) == (2, 5)
    assert "lesson id 'test-lesson' is already used by" in problem.message
    assert str(tmp_path / "a-first.yaml") in problem.message
    assert [lesson.id for lesson in catalog] == ["test-lesson"]

    with pytest.raises(LessonsInvalid) as caught:
        load_catalog([tmp_path])
    assert caught.value.problems == problems
    assert str(caught.value) == str(problem)


def test_load_lessons_from_folders_and_files(tmp_path: Path) -> None:
    folder = tmp_path / "lessons"
    folder.mkdir()
    write(folder, VALID.replace("test-lesson", "lesson-b"), "b.yml")
    write(folder, VALID.replace("test-lesson", "lesson-a"), "a.yaml")
    write(folder, "not: a lesson\n", "notes.txt")  # ignored: not a lesson file name
    (folder / "nested").mkdir()
    write(folder / "nested", "broken: [\n", "c.yaml")  # ignored: folders are not recursive
    single = write(tmp_path, VALID.replace("test-lesson", "lesson-c"), "c.yaml")

    catalog = load_catalog([folder, single])
    assert [lesson.id for lesson in catalog.lessons] == ["lesson-a", "lesson-b", "lesson-c"]
    assert len(catalog) == 3
    assert "lesson-b" in catalog
    assert "nope" not in catalog
    assert 42 not in catalog
    lesson_b = catalog.get("lesson-b")
    assert lesson_b is not None
    assert lesson_b.id == "lesson-b"
    assert catalog.get("nope") is None
    assert summarize(catalog) == (
        "3 lessons valid: 3 sections, 3 questions (3 choice, 0 short, 0 debate)"
    )


def test_missing_path_and_empty_folder(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    missing = tmp_path / "missing.yaml"
    catalog, problems = load_lessons([missing, empty])
    assert len(catalog) == 0
    assert sorted(problems) == problems
    assert [(p.path, p.line, p.column) for p in problems] == [(empty, 1, 1), (missing, 1, 1)]
    assert "no lesson files" in problems[0].message
    assert "no such file or folder" in problems[1].message
    assert str(problems[1]) == f"{missing}:1:1: no such file or folder"


def test_problems_of_several_files_are_all_reported(tmp_path: Path) -> None:
    write(tmp_path, VALID.replace("answer: Alpha", "answer: Gamma"), "a.yaml")
    write(
        tmp_path, VALID.replace("test-lesson", "other").replace("type: choice", "type: x"), "b.yaml"
    )
    write(tmp_path, VALID.replace("test-lesson", "fine"), "c.yaml")
    catalog, problems = load_lessons([tmp_path])
    assert [lesson.id for lesson in catalog] == ["fine"]
    assert [(p.path.name, p.line, p.column) for p in problems] == [
        ("a.yaml", 14, 17),
        ("b.yaml", 11, 15),
    ]


def test_catalog_rejects_duplicate_ids(tmp_path: Path) -> None:
    lesson, _ = load_lesson_file(write(tmp_path, VALID))
    assert lesson is not None
    with pytest.raises(ValueError, match="duplicate lesson id"):
        LessonCatalog([lesson, lesson])
    assert summarize(LessonCatalog([])) == (
        "0 lessons valid: 0 sections, 0 questions (0 choice, 0 short, 0 debate)"
    )


# --------------------------------------------------------------------------- the real lessons


def test_repository_lessons_are_valid() -> None:
    prompts = REPO_ROOT / "prompts"
    catalog, problems = load_lessons([prompts])
    assert problems == [], "\n".join(str(problem) for problem in problems)
    assert len(catalog) >= 1
    assert all(len(lesson.version) == 16 for lesson in catalog)
    assert load_catalog([prompts]).lessons == catalog.lessons
