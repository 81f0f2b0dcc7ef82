"""Property tests: any lesson file, however broken, loads or is explained; never crashes."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.lessons.load import load_lesson_file, load_lessons
from tests.conftest import PROMPTS
from tests.property_strategies import NASTY, YAML_VALUES, mutate_tree

SHIPPED = (PROMPTS / "biegun-seoul-2020.yaml").read_text(encoding="utf-8")
SHIPPED_LINES = SHIPPED.splitlines(keepends=True)
SCALARS = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=12),
    st.text(alphabet=st.sampled_from("ab: -#'\"[]{}\t\n|>&*!%@,?"), max_size=20),
)


def lesson_settings(examples: int) -> settings:
    return settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )


# --- lesson files: strategies --------------------------------------------------------------


@st.composite
def mutated_lesson_texts(draw: st.DrawFn) -> str:
    """The shipped lesson with one to four line edits, as a careless editor would make."""
    lines = list(SHIPPED_LINES)
    for _ in range(draw(st.integers(1, 4))):
        if not lines:
            break
        i = draw(st.integers(0, len(lines) - 1))
        line = lines[i]
        operation = draw(
            st.sampled_from(
                ["delete", "duplicate", "swap", "insert", "indent", "dedent", "tab", "value"]
            )
        )
        if operation == "delete":
            del lines[i]
        elif operation == "duplicate":
            lines.insert(i, line)
        elif operation == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif operation == "insert":
            column = draw(st.integers(0, len(line)))
            lines[i] = line[:column] + draw(SCALARS) + line[column:]
        elif operation == "indent":
            lines[i] = " " * draw(st.integers(1, 5)) + line
        elif operation == "dedent":
            lines[i] = line[min(len(line) - len(line.lstrip(" ")), draw(st.integers(1, 5))) :]
        elif operation == "tab":
            stripped = line.lstrip(" ")
            lines[i] = "\t" * draw(st.integers(1, 2)) + stripped
        elif ": " in line:
            key = line.split(": ", 1)[0]
            lines[i] = f"{key}: {draw(SCALARS)}\n"
    return "".join(lines)


@st.composite
def yaml_like_texts(draw: st.DrawFn) -> str:
    """Lines of keys, dashes, flow collections and odd scalars at random indentation."""
    pieces = st.one_of(
        st.sampled_from(
            ["id", "title", "source", "sections", "questions", "type", "options", "answer"]
        ),
        SCALARS,
    )
    lines = draw(
        st.lists(
            st.tuples(
                st.integers(0, 8),
                st.sampled_from(["{}: {}", "- {}", "{}:", "- {}: {}", "{}", "  {}: [{}, {}]"]),
                st.lists(pieces, min_size=3, max_size=3),
            ),
            max_size=25,
        )
    )
    return "".join(" " * indent + shape.format(*words) + "\n" for indent, shape, words in lines)


@st.composite
def structural_mutations(draw: st.DrawFn) -> str:
    """The shipped lesson as data, with values replaced, removed or added at any depth,
    dumped back to YAML: this reaches the checks after parsing."""
    data = yaml.safe_load(SHIPPED)  # a fresh copy
    for _ in range(draw(st.integers(1, 3))):
        mutate_tree(draw, data, YAML_VALUES)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


# --- lesson files: the properties ----------------------------------------------------------


@pytest.fixture(scope="module")
def lesson_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("lessons")


def check_lesson_file(folder: Path, content: str | bytes) -> None:
    """A lesson and no problems, or no lesson and located, explained problems; never raises."""
    path = folder / "lesson.yaml"
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    lesson, problems = load_lesson_file(path)
    if lesson is not None:
        assert problems == []
    else:
        assert problems, "no lesson, and no problem to say why"
    for problem in problems:
        assert problem.path == path
        assert problem.line >= 1 and problem.column >= 1, problem
        assert problem.message.strip(), problem
    catalog, listed = load_lessons([path])
    assert listed == sorted(problems)
    assert len(catalog) == (lesson is not None)


def test_the_shipped_lesson_is_valid(lesson_folder: Path) -> None:
    lesson, problems = load_lesson_file(PROMPTS / "biegun-seoul-2020.yaml")
    assert lesson is not None and problems == []
    check_lesson_file(lesson_folder, SHIPPED)


@lesson_settings(120)
@given(text=mutated_lesson_texts())
def test_edited_lessons_load_or_explain_every_problem(lesson_folder: Path, text: str) -> None:
    check_lesson_file(lesson_folder, text)


@lesson_settings(100)
@given(text=structural_mutations())
def test_lessons_with_wrong_values_load_or_explain_every_problem(
    lesson_folder: Path, text: str
) -> None:
    check_lesson_file(lesson_folder, text)


@lesson_settings(100)
@given(text=st.one_of(st.text(), yaml_like_texts()))
def test_random_text_loads_or_explains_every_problem(lesson_folder: Path, text: str) -> None:
    check_lesson_file(lesson_folder, text)


@lesson_settings(40)
@given(data=st.one_of(st.binary(), st.binary().map(lambda b: SHIPPED.encode()[:300] + b)))
def test_random_bytes_load_or_explain_every_problem(lesson_folder: Path, data: bytes) -> None:
    check_lesson_file(lesson_folder, data)
