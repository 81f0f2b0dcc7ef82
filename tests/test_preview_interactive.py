"""`python -m bot preview LESSON.yaml --interactive`: a teacher takes the lesson at the
terminal as a student would (issue 16), through the real command line."""

from __future__ import annotations

import subprocess
import sys

from bot.lessons import ChoiceQuestion
from bot.lessons.load import load_lesson_file
from bot.render.order import private_seed, shown_order
from tests.bot_process import clean_env
from tests.conftest import REPO

LESSON = REPO / "tests" / "fixtures" / "preview-lesson.yaml"


def take(typed: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own command line, fixed arguments
        [sys.executable, "-m", "bot", "preview", str(LESSON), "--interactive"],
        input=typed,
        capture_output=True,
        text=True,
        cwd=REPO,
        env=clean_env(PYTHONPATH=str(REPO)),
        timeout=60,
        check=False,
    )


def number_shown(option: str) -> str:
    """The number a student sees before ``option`` of the first question (shuffled)."""
    lesson, _ = load_lesson_file(LESSON)
    assert lesson is not None
    question = lesson.question("market-days")
    assert isinstance(question, ChoiceQuestion)
    order = shown_order(question, private_seed(1))
    return str(order.index(question.options.index(option)) + 1)


def test_the_lesson_is_taken_at_the_terminal_with_feedback_and_a_score() -> None:
    right = number_shown("Three days")
    typed = "\n".join(["", "9", "two", right, "the dam", "", "1", "3", "everyone uses it"])
    done = take(typed + "\n")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "═══ Part 1 · The night of the flood" in out
    assert "The river rose over the old stone bridge" in out
    assert out.count("Type its number, from 1 to 4.") == 2  # "9" and "two" are refused
    assert "✅ Right!" in out
    assert "A model answer: The dam upstream" in out
    assert "❌ The right answer: After the flood" in out  # 1 is "Before the flood"
    assert "  3. Both should share it" in out
    assert out.rstrip().endswith("Done: 1 of 2 choice questions right.")


def test_stopping_half_way_says_so_and_exits_cleanly() -> None:
    done = take("\n")  # past the first part, then the end of input
    assert done.returncode == 0, done.stderr
    assert done.stdout.rstrip().endswith("Stopped.")
    assert "Traceback" not in done.stderr
