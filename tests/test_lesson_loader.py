"""Tests of the lesson loader (bot.lessons): every authoring mistake found, located, explained."""

from __future__ import annotations

import hashlib
import textwrap
import time
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.lessons import ChoiceQuestion, DebateQuestion, Lesson, LessonCatalog, compose
from bot.lessons.catalog import LessonProblem, LessonsInvalid, summarize
from bot.lessons.load import load_catalog, load_lesson_file, load_lessons

REPO_ROOT = Path(__file__).resolve().parent.parent

# Line numbers of this lesson are used by the tests below: keep them in place.
VALID = """\
id: test-lesson
title: A test lesson
source:
  publisher: The Paper
  date: 2020-07-08
sections:
  - title: Part one
    text: Some text.
    questions:
      - id: q1
        type: choice
        prompt: Which one?
        options: [Alpha, Beta]
        answer: Alpha
"""


def write(tmp_path: Path, text: str, name: str = "lesson.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def problems_in(path: Path) -> list[LessonProblem]:
    lesson, problems = load_lesson_file(path)
    assert lesson is None, "a file with problems must not give a lesson"
    assert problems == sorted(problems)
    return problems


def assert_problem(problems: list[LessonProblem], where: str, fragment: str) -> LessonProblem:
    """There is a problem at ``where`` ("line:column") whose message contains ``fragment``."""
    found = [p for p in problems if f"{p.line}:{p.column}" == where and fragment in p.message]
    listing = "\n".join(str(p) for p in problems)
    assert found, f"no problem at {where} containing {fragment!r}; got:\n{listing}"
    return found[0]


def only_problem(path: Path, where: str, fragment: str) -> LessonProblem:
    problems = problems_in(path)
    assert len(problems) == 1, "\n".join(str(p) for p in problems)
    return assert_problem(problems, where, fragment)


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


# --------------------------------------------------------------------------- YAML itself


def test_yaml_syntax_error_colon_in_text(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.replace("prompt: Which one?", "prompt: Why: the reason?"))
    problem = only_problem(path, "12:20", "unexpected ':'")
    assert "put the whole text in quotes" in problem.message


def test_yaml_syntax_error_unclosed_quote(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.replace("title: A test lesson", "title: 'A test lesson"))
    only_problem(path, "15:1", "the quote opened on line 2 is never closed")


def test_yaml_syntax_error_bad_indentation(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.replace("  date: 2020-07-08", " date: 2020-07-08"))
    only_problem(path, "5:2", "this line is not indented like the lines around it")


@pytest.mark.parametrize(
    ("title", "where", "fragment"),
    [
        ("@home", "2:8", "a text cannot start with '@' unless it is in quotes"),
        ("`code`", "2:8", "a text cannot start with '`' unless it is in quotes"),
        ("*bold* news", "2:13", "a text starting with '*' or '&' must be put in quotes"),
        ("[draft] news", "2:16", "the text goes on after a closing quote or bracket"),
        ('"Biegun" visits', "2:17", "the text goes on after a closing quote or bracket"),
        ("[draft, news", "3:7", "a list in [ ] or a group in { } is not written properly"),
        ("[a, b]]", "2:14", "unexpected ']' here"),
    ],
)
def test_yaml_syntax_errors_explained(
    tmp_path: Path, title: str, where: str, fragment: str
) -> None:
    path = write(tmp_path, VALID.replace("title: A test lesson", f"title: {title}"))
    only_problem(path, where, fragment)


def test_yaml_syntax_error_missing_colon(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.replace("title: A test lesson", "title: A test\nlesson"))
    only_problem(path, "3:1", "a ':' is missing")  # the line without it (PyYAML: the next)


def test_a_key_glued_to_its_value_is_pointed_at(tmp_path: Path, parser: str) -> None:
    path = write(tmp_path, VALID.replace("type: choice", "type:choice"))
    only_problem(path, "11:9", "a space is missing after 'type:': write 'type: choice'")


def test_tab_indentation(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.replace("  publisher: The Paper", "\tpublisher: The Paper"))
    only_problem(path, "4:1", "a tab character is used for indentation here")


def test_tab_inside_a_block_text_is_fine(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.replace("text: Some text.", "text: |\n      a\n      \tb"))
    lesson, problems = load_lesson_file(path)
    assert problems == []
    assert lesson is not None
    assert lesson.sections[0].text == "a\n\tb\n"


@pytest.mark.parametrize("content", ["", "\n\n", "# only a comment\n", "---\n"])
def test_empty_file(tmp_path: Path, content: str) -> None:
    path = tmp_path / "empty.yaml"
    path.write_text(content, encoding="utf-8")
    only_problem(path, "1:1", "the file is empty")


def test_top_level_not_a_mapping(tmp_path: Path) -> None:
    path = write(tmp_path, "# a list instead of a lesson\n- id: x\n- title: y\n")
    only_problem(path, "2:1", "must be made of 'key: value' lines")
    only_problem(write(tmp_path, "just some text\n", "text.yaml"), "1:1", "the text 'just some")


def test_two_documents_in_one_file(tmp_path: Path) -> None:
    path = write(tmp_path, VALID + "---\nid: second\n")
    only_problem(path, "15:1", "put one lesson in each file")


def test_non_utf8_bytes(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(VALID.replace("title: A test lesson", "title: Café").encode("latin-1"))
    only_problem(path, "2:11", "not saved as UTF-8")


def test_invisible_control_character(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.replace("text: Some text.", "text: Some\x07text."))
    only_problem(path, "8:15", "special (invisible) character #x0007")


# --------------------------------------------------------------------------- keys and fields


def test_unknown_key_with_suggestion(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.replace("options: [Alpha", "optoins: [Alpha"))
    problems = problems_in(path)
    problem = assert_problem(problems, "13:9", "unknown key 'optoins' (did you mean 'options'?)")
    assert "sections[0].questions[0]" in problem.message
    assert_problem(problems, "10:9", "missing required field 'options'")


def test_unknown_key_without_close_match_lists_allowed_keys(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.replace("  date: 2020-07-08", "  date: 2020-07-08\n  zzz: 1"))
    problem = only_problem(path, "6:3", "unknown key 'zzz'")
    assert "date, kind, publisher, url" in problem.message


def test_key_of_another_question_type(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.replace("type: choice", "type: short"))
    problems = problems_in(path)
    assert_problem(problems, "13:9", "unknown key 'options'")
    assert_problem(problems, "14:9", "unknown key 'answer'")


def test_missing_required_field(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.replace("        prompt: Which one?\n", ""))
    problem = only_problem(path, "10:9", "missing required field 'prompt'")
    assert "sections[0].questions[0]" in problem.message


def test_missing_top_level_fields(tmp_path: Path) -> None:
    path = write(tmp_path, "# header\nid: lonely\n")
    problems = problems_in(path)
    for name in ("title", "source", "sections"):
        assert_problem(problems, "2:1", f"missing required field '{name}'")
    assert len(problems) == 3


def test_duplicate_key(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.replace("answer: Alpha", "answer: Alpha\n        answer: Beta"))
    only_problem(path, "15:9", "duplicate key 'answer': it is already given on line 14")


def test_version_is_not_written_by_authors(tmp_path: Path) -> None:
    path = write(tmp_path, VALID + "version: 2\n")
    only_problem(path, "15:1", "'version' is filled in by the bot")


# --------------------------------------------------------------------------- questions


def test_duplicate_question_ids(tmp_path: Path) -> None:
    discussion = """\
        discussion:
          - id: q1
            type: debate
            prompt: Agree?
        """
    path = write(tmp_path, VALID + textwrap.dedent(discussion))
    problem = only_problem(path, "16:9", "question id 'q1' is already used on line 10")
    assert "discussion[0]" in problem.message


def test_duplicate_options(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        VALID.replace("options: [Alpha, Beta]", "options:\n          - Alpha\n          - Alpha"),
    )
    only_problem(path, "15:13", "option 'Alpha' is listed twice (first on line 14)")


def test_duplicate_stances(tmp_path: Path) -> None:
    discussion = """\
        discussion:
          - id: vote
            type: debate
            prompt: Agree?
            stances: [Agree, Disagree, Agree]
        """
    path = write(tmp_path, VALID + textwrap.dedent(discussion))
    only_problem(path, "19:32", "stance 'Agree' is listed twice")


def test_answer_not_among_options(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.replace("answer: Alpha", "answer: Alpah"))
    problem = only_problem(path, "14:17", "the answer 'Alpah' is not one of the options")
    assert "(did you mean 'Alpha'?)" in problem.message
    assert "'Alpha', 'Beta'" in problem.message


def test_answer_list_each_checked(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.replace("answer: Alpha", "answer: [Alpha, Gamma, Delta]"))
    problems = problems_in(path)
    assert len(problems) == 2
    assert_problem(problems, "14:25", "the answer 'Gamma' is not one of the options")
    assert_problem(problems, "14:32", "the answer 'Delta' is not one of the options")


def test_answer_empty_list(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.replace("answer: Alpha", "answer: []"))
    only_problem(path, "14:17", "'answer' is an empty list")


def test_unknown_question_type(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.replace("type: choice", "type: multiple"))
    only_problem(path, "11:15", "unknown question type 'multiple': use choice, short or debate")


def test_missing_question_type(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.replace("        type: choice\n", ""))
    only_problem(path, "10:9", "missing required field 'type' (choice, short or debate)")


def test_question_that_is_not_a_mapping(tmp_path: Path) -> None:
    path = write(tmp_path, VALID + "discussion:\n  - Do you agree?\n")
    only_problem(path, "16:5", "should be a group of 'key: value' lines, not the text")


# --------------------------------------------------------------------------- ids


@pytest.mark.parametrize(
    ("bad_id", "column"),
    [("Test Lesson", 5), ("test_lesson", 5), ("-test", 5), ("a" * 33, 5), ("x--y", 5)],
)
def test_lesson_id_not_a_slug(tmp_path: Path, bad_id: str, column: int) -> None:
    path = write(tmp_path, VALID.replace("id: test-lesson", f"id: {bad_id}"))
    problem = only_problem(path, f"1:{column}", "is not a valid id")
    assert "lowercase letters" in problem.message
    assert "at most 32 characters" in problem.message


def test_question_id_not_a_slug(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.replace("id: q1", "id: Question1"))
    problem = only_problem(path, "10:13", "'Question1' is not a valid id")
    assert "sections[0].questions[0]" in problem.message


# --------------------------------------------------------------------------- YAML changing values


@pytest.mark.parametrize(
    ("written", "read_as"),
    [
        ("yes", "`yes` would be read as true/false, not text"),
        ("No", "`No` would be read as true/false, not text"),
        ("012", "`012` would be read as the number 10, not text"),
        ("1.10", "`1.10` would be read as the number 1.1, not text"),
        ("20", "`20` would be read as the number 20, not text"),
        ("null", "`null` would be read as nothing"),
        ("~", "`~` would be read as nothing"),
        ("2021-01-02", "`2021-01-02` would be read as a date, not text"),
    ],
)
def test_plain_value_read_as_something_else(tmp_path: Path, written: str, read_as: str) -> None:
    path = write(tmp_path, VALID.replace("options: [Alpha, Beta]", f"options: [Alpha, {written}]"))
    problem = only_problem(path, "13:26", read_as)
    assert f'put it in quotes, like "{written}"' in problem.message


def test_plain_number_as_title(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.replace("title: A test lesson", "title: 1984"))
    only_problem(
        path,
        "2:8",
        '`1984` would be read as the number 1984, not text: put it in quotes, like "1984"',
    )


def test_quoted_values_are_text(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        VALID.replace(
            "options: [Alpha, Beta]", "options: ['yes', \"012\", '1.10', 'null']"
        ).replace("answer: Alpha", "answer: '012'"),
    )
    lesson, problems = load_lesson_file(path)
    assert problems == []
    assert lesson is not None
    question = lesson.question("q1")
    assert isinstance(question, ChoiceQuestion)
    assert question.options == ("yes", "012", "1.10", "null")


def test_plain_answer_matching_plain_option_is_one_problem_each(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        VALID.replace("options: [Alpha, Beta]", "options: [yes, no]").replace(
            "answer: Alpha", "answer: yes"
        ),
    )
    problems = problems_in(path)
    assert [f"{p.line}:{p.column}" for p in problems] == ["13:19", "13:24", "14:17"]
    assert all("would be read as true/false" in p.message for p in problems)


def test_empty_value(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.replace("prompt: Which one?", "prompt:"))
    only_problem(path, "12:9", "'prompt' has no value: write text after 'prompt:'")


def test_empty_list_item(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        VALID.replace("options: [Alpha, Beta]", "options:\n          - Alpha\n          -"),
    )
    only_problem(path, "15:12", "this option is empty")


def test_empty_quoted_text(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.replace("title: A test lesson", 'title: ""'))
    only_problem(path, "2:8", "'title' is empty: write some text")


def test_bad_date(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.replace("date: 2020-07-08", "date: 2020-13-45"))
    only_problem(path, "5:9", "`2020-13-45` looks like a date but is not a valid one")
    path = write(tmp_path, VALID.replace("date: 2020-07-08", "date: July 8, 2020"), "b.yaml")
    only_problem(path, "5:9", "'date' should be a date written like 2020-07-08")


def test_list_expected(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.replace("options: [Alpha, Beta]", "options: Alpha, Beta"))
    problems = problems_in(path)
    assert_problem(problems, "13:18", "'options' should be a list, not the text 'Alpha, Beta'")


# --------------------------------------------------------------------------- Telegram's limits


def test_choice_prompt_too_long(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.replace("prompt: Which one?", "prompt: " + "w" * 301))
    only_problem(
        path, "12:17", "'prompt' is too long: 301 characters, but a Telegram quiz question can"
    )


def test_long_prompt_of_short_question_is_fine(tmp_path: Path) -> None:
    discussion = """\
        discussion:
          - id: long
            type: short
            prompt: PROMPT
        """
    text = VALID + textwrap.dedent(discussion).replace("PROMPT", "w" * 400)
    lesson, problems = load_lesson_file(write(tmp_path, text))
    assert problems == []
    assert lesson is not None


def test_option_too_long(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.replace("Beta]", "B" * 101 + "]"))
    only_problem(
        path, "13:26", "this option is too long: 101 characters, but a Telegram poll option"
    )


def test_explanation_too_long(tmp_path: Path) -> None:
    path = write(tmp_path, VALID + "        explanation: " + "e" * 201 + "\n")
    only_problem(
        path, "15:22", "'explanation' is too long: 201 characters, but a Telegram quiz explanation"
    )


def test_too_many_options(tmp_path: Path) -> None:
    options = ", ".join(f"O{i}" for i in range(13))
    path = write(
        tmp_path,
        VALID.replace("options: [Alpha, Beta]", f"options: [{options}]").replace(
            "answer: Alpha", "answer: O1"
        ),
    )
    only_problem(path, "13:9", "'options' has 13 options, but a Telegram poll can have at most 12")


def test_too_few_options(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.replace("options: [Alpha, Beta]", "options: [Alpha]"))
    only_problem(path, "13:9", "'options' needs at least 2 options, but has 1")


def test_too_few_stances(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        VALID + "discussion:\n  - id: d\n    type: debate\n    prompt: p\n    stances: [Yes!]\n",
    )
    only_problem(path, "19:5", "'stances' needs at least 2 stances, but has 1")


def test_no_sections(tmp_path: Path) -> None:
    text = VALID.split("sections:")[0] + "sections: []\n"
    only_problem(write(tmp_path, text), "6:1", "'sections' needs at least 1 section, but has 0")


# --------------------------------------------------------------------------- safety


def test_python_object_tag_is_refused_not_executed(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    path = write(
        tmp_path,
        VALID.replace(
            "title: A test lesson",
            f'title: !!python/object/apply:os.system ["touch {marker}"]',
        ),
    )
    problem = only_problem(path, "2:8", "the tag '!!python/object/apply:os.system' is not allowed")
    assert not marker.exists()
    assert "remove the tag" in problem.message


def test_other_tags_are_refused(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.replace("title: A test lesson", "title: !!binary aGVsbG8="))
    only_problem(path, "2:8", "the tag '!!binary' is not allowed")


def test_file_too_big_is_not_parsed(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(b"id: [" + b"x" * (2 * 1024 * 1024))  # would be a syntax error if parsed
    only_problem(path, "1:1", "the file is too big (over 2 MiB)")


def test_file_of_exactly_the_limit_is_read(tmp_path: Path) -> None:
    path = tmp_path / "padded.yaml"
    padding = 2 * 1024 * 1024 - len(VALID.encode())
    path.write_bytes(VALID.encode() + b"#" * (padding - 1) + b"\n")
    assert path.stat().st_size == 2 * 1024 * 1024
    lesson, problems = load_lesson_file(path)
    assert problems == []
    assert lesson is not None


def test_deep_nesting_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.replace("title: A test lesson", "title: " + "[" * 30 + "]" * 30))
    # The root mapping is level 1, the value of title level 2: the 21st level is the 20th '['.
    only_problem(path, "2:27", "nested too deeply (more than 20 levels)")


def test_deep_block_nesting_is_refused(tmp_path: Path) -> None:
    lines = [f"{'  ' * level}k{level}:" for level in range(25)]
    path = write(tmp_path, "\n".join(lines) + " x\n")
    only_problem(path, "20:39", "nested too deeply")


def test_billion_laughs_is_refused(tmp_path: Path) -> None:
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    path = write(tmp_path, "\n".join(lines) + "\n")
    problem = only_problem(path, "1:55", "the file expands to too many values (over 100,000)")
    assert "anchors and aliases" in problem.message


def test_recursive_alias_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "id: &loop [x, *loop]\n")
    only_problem(path, "1:12", "nested too deeply")


def test_recursion_error_is_caught(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(compose, "MAX_DEPTH", 1_000_000)
    path = tmp_path / "deep.yaml"
    path.write_text("title: " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    only_problem(path, "1:1", "nested too deeply")


def test_merge_keys_are_refused(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        VALID.replace("  publisher: The Paper", "  <<: {publisher: The Paper}"),
    )
    problems = problems_in(path)
    assert_problem(problems, "4:3", "'<<' (merging in other fields) is not supported")


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


# --------------------------------------------------------------------------- libyaml or PyYAML


@pytest.fixture(params=["libyaml", "PyYAML"])
def parser(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Runs a test with libyaml's loader (when PyYAML has it) and with PyYAML's own only."""
    if request.param == "libyaml" and not yaml.__with_libyaml__:
        pytest.skip("this PyYAML is built without libyaml")
    if request.param == "PyYAML":
        monkeypatch.setattr(compose, "_FAST_LOADER", None)
    return str(request.param)


@pytest.fixture
def composed_by(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Which composer composed each file loaded in the test, 'libyaml' or 'PyYAML'."""
    if not yaml.__with_libyaml__:
        pytest.skip("this PyYAML is built without libyaml")
    composers: list[str] = []

    class LibyamlSpy(yaml.CSafeLoader):
        def get_single_node(self) -> Any:
            composers.append("libyaml")
            return super().get_single_node()

    pure_compose = compose._LessonLoader.get_single_node

    def pyyaml_spy(self: compose._LessonLoader) -> Any:
        composers.append("PyYAML")
        return pure_compose(self)

    monkeypatch.setattr(compose, "_FAST_LOADER", LibyamlSpy)
    monkeypatch.setattr(compose._LessonLoader, "get_single_node", pyyaml_spy)
    return composers


def test_libyaml_is_used_when_pyyaml_has_it() -> None:
    expected = yaml.CSafeLoader if yaml.__with_libyaml__ else None
    assert compose._FAST_LOADER is expected


def test_libyaml_composes_valid_and_invalid_lessons(tmp_path: Path, composed_by: list[str]) -> None:
    lesson, problems = load_lesson_file(write(tmp_path, VALID))
    assert lesson is not None and problems == []
    lesson, problems = load_lesson_file(REPO_ROOT / "prompts" / "biegun-seoul-2020.yaml")
    assert lesson is not None and problems == []
    path = write(tmp_path, VALID.replace("options: [Alpha", "optoins: [Alpha"), "typo.yaml")
    assert_problem(problems_in(path), "13:9", "unknown key 'optoins'")
    assert composed_by == ["libyaml"] * 3


def test_pyyaml_reads_what_libyaml_finds_wrong(tmp_path: Path, composed_by: list[str]) -> None:
    path = write(tmp_path, VALID.replace("prompt: Which one?", "prompt: Why: the reason?"))
    only_problem(path, "12:20", "unexpected ':' here")
    path = write(tmp_path, VALID + "---\nid: second\n", "two.yaml")
    only_problem(path, "15:1", "put one lesson in each file")
    # libyaml's parser finds the first mistake, its composer the second document.
    assert composed_by == ["PyYAML", "libyaml", "PyYAML"]


@pytest.mark.parametrize(
    ("old", "new", "where", "fragment"),
    [
        ("prompt: Which one?", "prompt: Why: the reason?", "12:20", "unexpected ':' here"),
        ("title: A test lesson", "title: 'A test lesson", "15:1", "the quote opened on line 2"),
        ("  date: 2020-07-08", " date: 2020-07-08", "5:2", "not indented like the lines"),
        ("title: A test lesson", "title: [draft] news", "2:16", "the text goes on after a"),
        ("title: A test lesson", "title: *bold* news", "2:13", "must be put in quotes"),
        ("title: A test lesson", "title: @home", "2:8", "a text cannot start with '@'"),
        ("text: Some text.", "text: Some\x07text.", "8:15", "special (invisible) character"),
        ("id: test-lesson", "id: [a, b]]", "1:11", "unexpected ']' here"),
        ("answer: Alpha", "answer: Alpha\n        answer: Beta", "15:9", "duplicate key 'answer'"),
        ("title: A test lesson", "title: !!binary aGVsbG8=", "2:8", "the tag '!!binary' is not"),
        # Where libyaml on its own would say something else:
        ("title: A test lesson", "title:\tA test lesson", "2:7", "a tab character inside the line"),
        ("options: [Alpha, Beta]", "options: [Why?, Beta]", "13:22", "a list in [ ] or a group"),
        ("text: Some text.", "text: |# a comment\n      Some text.", "8:12", "a block scalar"),
        ("title: A test lesson", "title: !", "2:1", "'title' has no value"),
        ("Alpha, Beta]", "Al\ufeffpha, yes]", "13:26", "`yes` would be read as true/false"),
    ],
)
def test_the_same_mistakes_and_marks_with_both_parsers(
    tmp_path: Path, parser: str, old: str, new: str, where: str, fragment: str
) -> None:
    assert old in VALID
    problems = problems_in(write(tmp_path, VALID.replace(old, new)))
    assert_problem(problems, where, fragment)


@pytest.mark.parametrize("tag", ["!!int", "!!float", "!!bool", "!!timestamp"])
def test_a_tag_with_no_value(tmp_path: Path, parser: str, tag: str) -> None:
    # '!!int' and '!!float' with nothing after them used to crash PyYAML's constructor.
    path = write(tmp_path, VALID.replace("id: test-lesson", f"id: {tag}"))
    problem = only_problem(path, "1:5", f"the tag '{tag}' has no value after it")
    assert "remove the tag (in id)" in problem.message


@pytest.mark.parametrize(
    ("title", "where", "code"),
    [
        # Beyond U+10FFFF: PyYAML's scanner used to raise ValueError or OverflowError.
        ('"\\U0a001F642"', "2:9", "found escape code \\U0a001F64 beyond the last character"),
        ('"Hi \\UFFFFFFFF"', "2:12", "found escape code \\UFFFFFFFF beyond the last character"),
        # Used to be reported as a quote that is never closed.
        ('"a\\qb"', "2:11", "found unknown escape character 'q'"),
        ('"\\x4"', "2:11", "expected escape sequence of 2 hexadecimal numbers"),
    ],
)
def test_invalid_escape_code_in_double_quotes(
    tmp_path: Path, parser: str, title: str, where: str, code: str
) -> None:
    path = write(tmp_path, VALID.replace("title: A test lesson", f"title: {title}"))
    problem = only_problem(path, where, "this escape code in a text in double quotes is not valid")
    assert code in problem.message
    assert "put the text in single quotes" in problem.message


def test_an_escaped_pair_is_the_one_character_it_stands_for(tmp_path: Path, parser: str) -> None:
    # JSON writes an emoji as two escapes; PyYAML keeps the two halves apart, libyaml refuses.
    text = VALID.replace("title: A test lesson", 'title: "Smile \\uD83D\\uDE42 please"')
    text = text.replace("prompt: Which one?", 'prompt: "Which \\ud83d\\ude42?"')
    lesson, problems = load_lesson_file(write(tmp_path, text))
    assert problems == []
    assert lesson is not None
    assert lesson.title == "Smile \U0001f642 please"
    assert lesson.sections[0].questions[0].prompt == "Which \U0001f642?"


@pytest.mark.parametrize(
    ("title", "half"),
    [('"Lone \\uD800 half"', "\\uD800"), ('"\\uDE42 second half first \\uD83D"', "\\uDE42")],
)
def test_half_of_a_pair_alone_is_explained(
    tmp_path: Path, parser: str, title: str, half: str
) -> None:
    # Used to be pydantic's "unable to parse raw data as a unicode string".
    path = write(tmp_path, VALID.replace("title: A test lesson", f"title: {title}"))
    problem = only_problem(path, "2:8", f"'title' has the escape {half}, one half of a pair")
    assert "write the character itself, or its 8-digit escape" in problem.message
    assert "unicode string" not in problem.message


def test_a_key_with_half_a_pair_is_explained(tmp_path: Path, parser: str) -> None:
    path = write(tmp_path, VALID.replace("title: A test lesson", '"ti\\uD800tle": A test lesson'))
    problems = problems_in(path)
    assert_problem(problems, "2:1", "the key 'ti\\ud800tle' is not one a lesson uses")
    assert_problem(problems, "1:1", "missing required field 'title'")
    "\n".join(map(str, problems)).encode("utf-8")  # printable: no half of a pair in it


@pytest.mark.parametrize(
    "text",
    [
        VALID,
        VALID.replace("\n", "\r\n"),
        "\ufeff" + VALID,
        VALID.replace(
            "source:\n  publisher: The Paper\n  date: 2020-07-08",
            "source: {publisher: , date: 2020-07-08}",
        ),
        VALID.replace("options: [Alpha, Beta]", "options: [Alpha, {x: }]"),
        VALID.rstrip("\n") + "\n? extra",
        VALID.replace("title: A test lesson", "title: ! 12"),
        VALID.replace("title: A test lesson", "title: &t A\nx: &t B"),
        VALID.replace("title: A test lesson", "title: *nothing"),
        VALID.replace("text: Some text.", "text: |\n      a\n      \tb"),
        VALID.replace("text: Some text.", "text: >-\n      a\u2028b\x85c\n\n      d"),
        "%YAML 1.3\n---\n" + VALID,
        "---",
        "- [a, b?c]\n- {d: e?}\n",
    ],
)
def test_both_parsers_give_the_same_result(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str
) -> None:
    path = tmp_path / "lesson.yaml"
    path.write_bytes(text.encode())
    lesson, problems = load_lesson_file(path)
    monkeypatch.setattr(compose, "_FAST_LOADER", None)
    pure_lesson, pure_problems = load_lesson_file(path)
    assert problems == pure_problems
    assert lesson == pure_lesson


@pytest.mark.parametrize(
    ("opening", "closing", "where"),
    [("[", "]", "1:27"), ("{a: ", "}", "1:81"), ("[{a: ", "}]", "1:54")],
)
def test_a_nesting_bomb_is_refused_at_once(
    tmp_path: Path, parser: str, opening: str, closing: str, where: str
) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text("title: " + opening * 10_000 + "x" + closing * 10_000 + "\n", "utf-8")
    start = time.perf_counter()
    only_problem(path, where, "nested too deeply (more than 20 levels)")
    assert time.perf_counter() - start < 2.0  # about 0.1 s


def test_libyaml_never_composes_a_nesting_bomb(tmp_path: Path, composed_by: list[str]) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text("title: " + "[" * 1_000_000 + "]" * 1_000_000 + "\n", "utf-8")
    only_problem(path, "1:27", "nested too deeply (more than 20 levels)")
    # The root is level 1 and the value of title level 2: x is at level 21, then at 20.
    too_deep = write(tmp_path, "title: " + "[" * 19 + "x" + "]" * 19 + "\n", "deep.yaml")
    only_problem(too_deep, "1:27", "nested too deeply")
    fits = write(tmp_path, "title: " + "[" * 18 + "x" + "]" * 18 + "\n", "fits.yaml")
    assert_problem(problems_in(fits), "1:8", "'title' should be text, not a list")
    assert composed_by == ["PyYAML", "PyYAML", "libyaml"]


_FRAGMENTS = [
    *("id", "title", "text", "yes", "12", "x"),
    *(": ", ":", "- ", "-", "? ", "?", ", ", ",", "[", "]", "{", "}", "#", " #", "'", '"'),
    *("|", "|-", ">", "!", "!!str ", "&a ", "*a", "\\", "%", "@", "---", "..."),
    *(" ", "  ", "\n", "\n  ", "\n    ", "\r\n", "\r", "\t", "\x85", "\u2028", "\ufeff"),
    *("é", "🙂", "\x07"),
]


@st.composite
def _edited_lessons(draw: st.DrawFn) -> str:
    """VALID with a few YAML fragments put in anywhere, or fragments only."""
    fragments = st.lists(st.sampled_from(_FRAGMENTS), max_size=6).map("".join)
    if draw(st.booleans()):
        return "".join(draw(st.lists(fragments, max_size=8)))
    text = VALID
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(fragments) + text[at:]
    return text


@pytest.mark.skipif(not yaml.__with_libyaml__, reason="this PyYAML is built without libyaml")
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_edited_lessons())
def test_libyaml_and_pyyaml_agree_on_edited_lessons(
    tmp_path_factory: pytest.TempPathFactory, text: str
) -> None:
    path = tmp_path_factory.mktemp("edited") / "lesson.yaml"
    path.write_bytes(text.encode())
    results = []
    for fast_loader in (yaml.CSafeLoader, None):
        with mock.patch.object(compose, "_FAST_LOADER", fast_loader):
            results.append(load_lesson_file(path))
    assert results[0] == results[1]


def test_prompt_of_a_typed_question_too_long_for_one_message(tmp_path: Path) -> None:
    discussion = """\
        discussion:
          - id: long
            type: debate
            prompt: PROMPT
        """
    text = VALID + textwrap.dedent(discussion).replace("PROMPT", "w" * 1001)
    problems = problems_in(write(tmp_path, text))
    assert len(problems) == 1
    assert "'prompt' is too long: 1001 characters, but a question is posted as one" in (
        problems[0].message
    )
    assert "longer reading belongs in the section's text" in problems[0].message


@pytest.mark.parametrize(
    ("old", "new", "mark"),
    [
        ("title: A test lesson", "title: " + "T" * 201, "2:8"),
        ("  - title: Part one", "  - title: " + "P" * 201, "7:12"),
    ],
)
def test_title_too_long(tmp_path: Path, old: str, new: str, mark: str) -> None:
    path = write(tmp_path, VALID.replace(old, new))
    only_problem(
        path,
        mark,
        "'title' is too long: 201 characters, but a title heads the bot's messages, so it can"
        " have at most 200",
    )


def test_a_hash_in_unquoted_text_is_explained_not_silently_cut(tmp_path: Path, parser: str) -> None:
    # 'question #3' unquoted is 'question': YAML reads ' #' as a comment. It used to validate.
    path = write(tmp_path, VALID.replace("prompt: Which one?", "prompt: Which is claim #3?"))
    problem = only_problem(path, "12:32", "'prompt' stops before '#3?': in YAML a ' #' starts")
    assert 'put the whole text in quotes, like "Which is claim #3?"' in problem.message
    listed = "options:\n          - Alpha #1\n          - Beta"
    option = VALID.replace("options: [Alpha, Beta]", listed)
    only_problem(write(tmp_path, option), "14:19", "this option stops before '#1'")
    # A comment written as comments are ('# ' with a space) is taken as meant.
    commented = VALID.replace("prompt: Which one?", "prompt: Which one?   # ask it plainly")
    assert load_lesson_file(write(tmp_path, commented))[1] == []


def test_an_answer_named_twice_is_reported(tmp_path: Path, parser: str) -> None:
    # Counted twice, it made the question 'several answers are right' in Telegram.
    path = write(tmp_path, VALID.replace("answer: Alpha", "answer: [Alpha, Alpha]"))
    only_problem(path, "14:25", "the answer 'Alpha' is listed twice: name each right option once")


def test_a_style_typo_names_the_styles(tmp_path: Path, parser: str) -> None:
    # Was pydantic's "Input should be 'poll' or 'buttons'".
    path = write(
        tmp_path, VALID.replace("title: A test lesson", "title: A test lesson\nstyle: Button")
    )
    only_problem(
        path, "3:8", "'style' must be poll or buttons, not 'Button' (did you mean 'buttons'?)"
    )


@pytest.mark.parametrize("number", ["0", "86400"])
def test_a_number_is_not_a_date(tmp_path: Path, parser: str, number: str) -> None:
    # pydantic took a number for a Unix timestamp: 'date: 0' was 1 January 1970.
    path = write(tmp_path, VALID.replace("date: 2020-07-08", f"date: {number}"))
    only_problem(path, "5:9", "'date' should be a date written like 2020-07-08")


def test_an_answer_given_as_the_options_number_is_told_to_use_its_text(
    tmp_path: Path, parser: str
) -> None:
    # Was "`2` would be read as the number 2 … put it in quotes", which only led to the next
    # error ('2' is not one of the options).
    path = write(tmp_path, VALID.replace("answer: Alpha", "answer: 2"))
    only_problem(path, "14:17", "'answer' is the right option's text, not its number")
    assert 'for option 2 write answer: "Beta"' in problems_in(path)[0].message
    path = write(tmp_path, VALID.replace("answer: Alpha", "answer: 7"))  # no option 7
    only_problem(path, "14:17", "`7` would be read as the number 7, not text")


@pytest.mark.parametrize("spaced", ['"Alpha "', '"Alpha\\u00a0"', "'Al  pha'"])
def test_an_answer_off_only_by_spaces_says_so(tmp_path: Path, parser: str, spaced: str) -> None:
    # Was "'Alpha' is not one of the options (did you mean 'Alpha'?)": the same text twice.
    options = VALID.replace("options: [Alpha, Beta]", "options: [Alpha, Beta, Al pha]")
    path = write(tmp_path, options.replace("answer: Alpha", f"answer: {spaced}"))
    only_problem(path, "14:17", "differs from the option")


def test_a_tab_inside_a_sentence_is_not_called_indentation(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.replace("prompt: Which one?", "prompt: Which\tone?"))
    problem = only_problem(path, "12:22", "a tab character inside the line")
    assert "replace it with a space, or put the text in quotes" in problem.message


def test_a_question_without_its_dash_is_one_clear_problem(tmp_path: Path, parser: str) -> None:
    # Its keys ran into the question before: four messages about duplicate and unknown keys.
    second = (
        "        answer: Alpha\n"
        "        id: q2\n"
        "        type: short\n"
        "        prompt: Why?\n"
        "        model_answer: Because.\n"
    )
    path = write(tmp_path, VALID.replace("        answer: Alpha\n", second))
    only_problem(path, "15:9", "a new question starts here without its '- ': write '- id: …'")
