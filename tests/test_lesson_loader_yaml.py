"""The lesson loader on YAML mistakes: syntax errors, plain values read as something else."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.lessons import ChoiceQuestion
from bot.lessons.load import load_lesson_file
from tests.lesson_loader_support import VALID, assert_problem, only_problem, problems_in, write

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
