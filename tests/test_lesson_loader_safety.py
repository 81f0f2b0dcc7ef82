"""The lesson loader's safety: tags refused, size capped, nesting and alias bombs refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.lessons import compose
from bot.lessons.load import load_lesson_file
from tests.lesson_loader_support import VALID, assert_problem, only_problem, problems_in, write

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
