"""Issue 13, defects 1 and 2: the chart holds every row it draws, draws Korean, Japanese and
Chinese with a real font on a fresh install, and its colours stay apart for colour-blind
readers."""

from __future__ import annotations

import io
import logging
import math
import textwrap
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from bot import chart, chart_fonts
from bot.chart import BAR_HEIGHT, MARGIN, ROW_GAP, results_chart
from bot.chart_fonts import ChartFont, bundled_font
from bot.lessons import Lesson
from bot.lessons.load import load_lesson_file
from bot.results import SessionResults, session_results
from bot.storage import AnswerFact

GROUP = "2-3 English Reading (영어 독해반)"


@pytest.fixture(autouse=True)
def no_server_fonts(monkeypatch: pytest.MonkeyPatch) -> None:
    """A fresh install: none of the server's own fonts, only the bundled ones."""
    monkeypatch.setattr(chart_fonts, "installed_fallbacks", lambda: ())


def lesson_of(tmp_path: Path, questions: int) -> Lesson:
    body = "".join(
        textwrap.indent(
            textwrap.dedent(
                f"""\
                - id: q{n}
                  type: choice
                  prompt: Question number {n}, about the editorial?
                  options: ["Yes", "No"]
                  answer: "Yes"
                """
            ),
            "      ",
        )
        for n in range(1, questions + 1)
    )
    text = textwrap.dedent(
        """\
        id: rows
        title: Rows
        source:
          publisher: The Paper
          date: 2020-07-08
        sections:
          - title: Part one
            text: Some text.
            questions:
        """
    )
    path = tmp_path / "rows.yaml"
    path.write_text(text + body, encoding="utf-8")
    lesson, problems = load_lesson_file(path)
    assert lesson is not None, problems
    return lesson


def results_of(lesson: Lesson) -> SessionResults:
    facts = [
        AnswerFact(user, f"민준 {user}", None, question.id, (user + number) % 3 == 0, None)
        for number, question in enumerate(lesson.questions())
        for user in range(4)
    ]
    return session_results(lesson, facts)


def bars_at(image: Image.Image, x: int) -> int:
    """How many whole bars (runs of bar colour BAR_HEIGHT tall) cross column ``x``."""
    colours = {chart.RIGHT, chart.WRONG, chart.EMPTY}
    bars, run = 0, 0
    for y in range(image.height):
        pixel = image.getpixel((x, y))
        if pixel in colours:
            run += 1
        else:
            bars += run >= BAR_HEIGHT
            run = 0
    return bars + (run >= BAR_HEIGHT)


@pytest.mark.parametrize("questions", [5, 18, 40])
def test_the_image_holds_every_row(tmp_path: Path, questions: int) -> None:
    # Each row was sized 6 px smaller than drawn: at 18 questions 108 px short, the last
    # caption cut; at 40 the last bars gone.
    lesson = lesson_of(tmp_path, questions)
    image = Image.open(io.BytesIO(results_chart(GROUP, results_of(lesson)))).convert("RGB")
    assert bars_at(image, MARGIN + 2) == questions
    ink = Image.eval(image.convert("L"), lambda v: 255 if v < 250 else 0).getbbox()
    assert ink is not None
    # Below the last row's caption: the gap after a row and the margin, as at the top.
    assert image.height - ink[3] >= ROW_GAP + MARGIN


def tofu(size: int, character: str) -> bytes:
    """What the chart drew for ``character`` before: the Latin font's missing-glyph box."""
    return bytes(ImageFont.truetype(str(bundled_font()), size).getmask(character))


def drawn(font: ChartFont, text: str) -> Image.Image:
    image = Image.new("L", (font.size * 2 * len(text) + 20, font.size * 2), 0)
    font.draw(ImageDraw.Draw(image), (10, 10), text, 255)
    return image


@pytest.mark.parametrize("character", ["영", "독", "민", "日", "か", "中"])
def test_korean_japanese_and_chinese_draw_with_a_real_font(character: str) -> None:
    font = ChartFont.of_size(40)
    assert font.missing(character) == set()
    [(_run, face)] = font.runs(character)
    assert face.getname()[0] == "Noto Sans CJK KR"
    glyph = bytes(face.getmask(character))
    box = tofu(40, character)
    # The Latin font alone draws the box every missing character gets ...
    assert box == bytes(ImageFont.truetype(str(bundled_font()), 40).getmask("\uffff"))
    # ... and the chart's font does not: its own glyph, unlike the box and unlike another
    # character's (boxes are all alike).
    assert glyph != box
    other = "가" if character != "가" else "나"
    assert glyph != bytes(face.getmask(other))


def test_a_hangul_title_is_drawn_not_boxed(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    lesson = lesson_of(tmp_path, 1)
    with caplog.at_level(logging.WARNING, logger="bot.chart_fonts"):
        png = results_chart(GROUP, results_of(lesson))
    assert caplog.text == ""  # no character left as a box
    title = Image.open(io.BytesIO(png)).convert("L").crop((0, MARGIN, 1080, MARGIN + 52))
    # The same chart with only the Latin font (as on a fresh install before) boxes the
    # Hangul: the title's pixels differ where the Hangul is.
    monkeypatch.setattr(chart_fonts, "bundled_cjk_font", lambda: bundled_font())
    boxed_png = results_chart(GROUP, results_of(lesson))
    boxed = Image.open(io.BytesIO(boxed_png)).convert("L").crop((0, MARGIN, 1080, MARGIN + 52))
    assert title.tobytes() != boxed.tobytes()
    latin = drawn(ChartFont.of_size(40), "2-3 English Reading (")
    latin_width = latin.getbbox()
    assert latin_width is not None
    # Left of the Hangul both are the same text in the same font.
    cut = MARGIN + latin_width[2] - 10
    assert title.crop((0, 0, cut, 52)).tobytes() == boxed.crop((0, 0, cut, 52)).tobytes()


# --- colours --------------------------------------------------------------------------------
# Machado, Oliveira and Fernandes (2009), severity 1: what protan, deutan and tritan readers
# see, applied in linear RGB.
SIMULATIONS = {
    "protan": (
        (0.152286, 1.052583, -0.204868),
        (0.114503, 0.786281, 0.099216),
        (-0.003882, -0.048116, 1.051998),
    ),
    "deutan": (
        (0.367322, 0.860646, -0.227968),
        (0.280085, 0.672501, 0.047413),
        (-0.011820, 0.042940, 0.968881),
    ),
    "tritan": (
        (1.255528, -0.076749, -0.178779),
        (-0.078411, 0.930809, 0.147602),
        (0.004733, 0.691367, 0.303900),
    ),
}
Colour = tuple[float, float, float]


def _linear(c: float) -> float:
    c /= 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def _lab(rgb: Colour) -> Colour:
    r, g, b = (_linear(c) for c in rgb)
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    return (116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z)))


def _seen(rgb: tuple[int, ...], how: str) -> Colour:
    r, g, b = (_linear(c) for c in rgb)
    out = [max(0.0, min(1.0, m[0] * r + m[1] * g + m[2] * b)) for m in SIMULATIONS[how]]

    def encode(c: float) -> float:
        return 255 * (12.92 * c if c <= 0.0031308 else 1.055 * c ** (1 / 2.4) - 0.055)

    return (encode(out[0]), encode(out[1]), encode(out[2]))


def difference(a: tuple[int, ...], b: tuple[int, ...], how: str) -> float:
    """CIE76 colour difference as a reader with that deficiency sees the two colours."""
    return math.dist(_lab(_seen(a, how)), _lab(_seen(b, how)))


@pytest.mark.parametrize("how", sorted(SIMULATIONS))
def test_right_and_wrong_differ_for_colour_blind_readers(how: str) -> None:
    # The old green and red were 12 apart for a deutan reader: one colour.
    assert difference(chart.RIGHT, chart.WRONG, how) > 40
    assert difference(chart.ANSWERED, chart.EMPTY, how) > 30


def test_one_colour_per_meaning() -> None:
    meanings = [chart.RIGHT, chart.WRONG, chart.EMPTY, chart.ANSWERED, *chart.STANCE_COLOURS]
    assert len(set(meanings)) == len(meanings)
    assert chart.INK not in meanings and chart.MUTED not in meanings
