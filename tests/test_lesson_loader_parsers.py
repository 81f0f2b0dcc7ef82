"""The lesson loader with libyaml and with PyYAML: the same problems and marks either way."""

from __future__ import annotations

import time
from pathlib import Path
from unittest import mock

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.lessons import compose
from bot.lessons.load import load_lesson_file
from tests.lesson_loader_support import (
    REPO_ROOT,
    VALID,
    assert_problem,
    only_problem,
    problems_in,
    write,
)


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
