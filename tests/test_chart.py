"""The results chart: its text fits the picture and is drawn in fonts that have it."""

from __future__ import annotations

import io
import logging
import textwrap
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from bot import chart_fonts
from bot.chart import MARGIN, WIDTH, _wrap, results_chart
from bot.chart_fonts import ChartFont
from bot.lessons import Lesson
from bot.lessons.load import load_lesson_file
from bot.results import SessionResults, session_results
from bot.storage import AnswerFact

STANCES = [
    "Strongly agree with the government's decision",
    "Agree, but only with conditions attached",
    "Neither agree nor disagree with it",
    "Disagree, and say so to the ministry",
    "Strongly disagree with all of it",
]


@pytest.fixture(autouse=True)
def no_server_fonts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(chart_fonts, "installed_fallbacks", lambda: ())


def lesson_in(tmp_path: Path, title: str) -> Lesson:
    stances = "\n".join(f"          - {stance}" for stance in STANCES)
    text = textwrap.dedent(
        """\
        id: chart-lesson
        title: "{title}"
        source:
          publisher: The Paper
          date: 2020-07-08
        sections:
          - title: Part one
            text: Some text.
            questions:
              - id: q1
                type: choice
                prompt: Which café — the first or the second?
                options: [First, Second]
                answer: First
              - id: q2
                type: debate
                prompt: Should the ministry act now?
                stances:
        """
    ).format(title=title)
    path = tmp_path / "chart-lesson.yaml"
    path.write_text(text + stances + "\n", encoding="utf-8")
    lesson, problems = load_lesson_file(path)
    assert lesson is not None, problems
    return lesson


def results_of(lesson: Lesson) -> SessionResults:
    facts = [
        AnswerFact(user, f"Zoë {user}", None, "q2", None, STANCES[user % len(STANCES)])
        for user in range(10)
    ]
    facts += [
        AnswerFact(user, f"Zoë {user}", None, "q1", user % 2 == 0, None) for user in range(10)
    ]
    return session_results(lesson, facts)


def chart_of(tmp_path: Path, title: str) -> Image.Image:
    lesson = lesson_in(tmp_path, title)
    return Image.open(io.BytesIO(results_chart(lesson.title, results_of(lesson))))


def test_nothing_is_drawn_past_the_right_margin(tmp_path: Path) -> None:
    # Five long stances once ran their captions off the picture.
    image = chart_of(tmp_path, "A short title").convert("RGB")
    margin = image.crop((WIDTH - MARGIN + 1, 0, WIDTH, image.height))
    assert margin.getextrema() == ((255, 255), (255, 255), (255, 255))


def test_a_long_title_fills_the_width_in_at_most_three_lines() -> None:
    font = ChartFont.of_size(40)
    draw = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    title = "Session report: " + " ".join(["Straße café Жук naïve résumé"] * 8)
    lines = _wrap(draw, title, font, WIDTH - 2 * MARGIN, 3)
    assert len(lines) == 3
    assert all(font.length(draw, line) <= WIDTH - 2 * MARGIN for line in lines)
    # Full lines, not about 40 characters each as when wrapped by counting characters.
    assert all(font.length(draw, line) > 0.85 * (WIDTH - 2 * MARGIN) for line in lines)
    assert lines[-1].endswith("…")
    assert " ".join(lines).startswith("Session report: Straße café Жук naïve résumé Straße")
    assert _wrap(draw, "Short", font, 500, 3) == ["Short"]


def test_accented_and_cyrillic_texts_need_no_other_font(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="bot.chart_fonts"):
        chart_of(tmp_path, "Café — Жук “quoted”")
    assert caplog.text == ""


def test_characters_no_font_has_are_logged(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="bot.chart_fonts"):
        chart_of(tmp_path, "Smile 🙂")
    assert "no font here can draw, shown as boxes: 🙂" in caplog.text
