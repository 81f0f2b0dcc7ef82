"""A results chart as a PNG, sized for a phone: one bar per question.

Choice questions show the share right (blue) and wrong (vermillion); debate questions the
split of stances; short questions how many of the participants answered. The colours are the
Okabe–Ito palette's, told apart by readers with any common colour-vision deficiency (red and
green are not), one colour per meaning; every coloured caption is written out too. Drawn with
Pillow, the text with the fonts of ``bot.chart_fonts`` (bundled ones, and the server's for
other scripts).
"""

from __future__ import annotations

import io
import threading

from PIL import Image, ImageDraw

from bot import texts
from bot.chart_fonts import ChartFont, warn_if_missing
from bot.lessons import ChoiceQuestion, DebateQuestion
from bot.results import QuestionResult, SessionResults, ShiftResult

WIDTH = 1080
MARGIN = 40
# A question's row, top to bottom: its label, the bar, a gap, the captions, the gap to the
# next row. The image's height and the drawing both use these (the height was once 6 px a
# row short, and the last row was cut).
LABEL_HEIGHT = 34
BAR_HEIGHT = 44
BAR_GAP = 6
CAPTION_HEIGHT = 30
ROW_GAP = 34
ROW_HEIGHT = LABEL_HEIGHT + BAR_HEIGHT + BAR_GAP + CAPTION_HEIGHT + ROW_GAP
TITLE_LINE = 52
PANEL_HEADING = 56  # the before/after panel's heading (issue 14)
PARTICIPANTS_HEIGHT = 50
SWATCH = 18  # the square of colour before a caption
BACKGROUND = (255, 255, 255)
INK = (33, 37, 41)
MUTED = (108, 117, 125)
# Okabe & Ito's colours: blue and vermillion differ for protan, deutan and tritan readers.
RIGHT = (0, 114, 178)
WRONG = (213, 94, 0)
EMPTY = (233, 236, 239)
ANSWERED = (0, 158, 115)
STANCE_COLOURS = (
    (230, 159, 0),
    (86, 180, 233),
    (204, 121, 167),
    (240, 228, 66),
    (0, 73, 73),
    (73, 0, 146),
)


# Charts are drawn in worker threads, and the fonts are shared: a FreeType face must not be
# used by two threads at once.
_DRAWING = threading.Lock()


def _fit(draw: ImageDraw.ImageDraw, text: str, font: ChartFont, width: float) -> str:
    """The text, cut with an ellipsis where it would run past ``width`` pixels."""
    if font.length(draw, text) <= width:
        return text
    while text and font.length(draw, text + "…") > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _wrap(
    draw: ImageDraw.ImageDraw, text: str, font: ChartFont, width: float, lines: int
) -> list[str]:
    """The words of ``text`` in lines that fit ``width`` pixels, at most ``lines`` of them (the
    last cut with an ellipsis if more would be needed)."""
    wrapped: list[str] = []
    for word in text.split():
        if wrapped and font.length(draw, f"{wrapped[-1]} {word}") <= width:
            wrapped[-1] = f"{wrapped[-1]} {word}"
        else:
            wrapped.append(word)
    if len(wrapped) > lines:
        wrapped[lines - 1 :] = [" ".join(wrapped[lines - 1 :])]
    return [_fit(draw, line, font, width) for line in wrapped] or [""]


def _segments(
    result: QuestionResult, participants: int
) -> list[tuple[float, tuple[int, ...], str]]:
    """(share of the bar, colour, caption) for one question."""
    question = result.question
    if result.answered == 0:
        return [(1.0, EMPTY, texts.CHART_NO_ANSWERS)]
    if isinstance(question, ChoiceQuestion):
        right = result.right / result.answered
        return [
            (right, RIGHT, texts.CHART_RIGHT.format(share=result.share_right)),
            (1 - right, WRONG, texts.CHART_WRONG.format(share=100 - result.share_right)),
        ]
    if isinstance(question, DebateQuestion):
        return [
            (count / result.answered, STANCE_COLOURS[i % len(STANCE_COLOURS)], f"{stance} {count}")
            for i, (stance, count) in enumerate(result.stances)
            if count
        ]
    share = result.answered / participants if participants else 0
    return [(share, ANSWERED, f"{result.answered} of {participants}"), (1 - share, EMPTY, "")]


def chart_height(title_lines: int, questions: int, shifts: int = 0) -> int:
    """The image's height: the title's lines, the participants line and every row; with
    ``shifts``, the before/after panel: its heading and two rows per question."""
    rows = ROW_HEIGHT * max(questions, 1)
    panel = PANEL_HEADING + 2 * ROW_HEIGHT * shifts if shifts else 0
    return MARGIN * 2 + TITLE_LINE * title_lines + PARTICIPANTS_HEIGHT + rows + panel


def _shift_rows(shift: ShiftResult) -> list[tuple[str, QuestionResult]]:
    """The before/after panel's two rows of one question: its stances among those who gave
    both, before the reading and after (issue 14)."""
    both = sum(n for _, n in shift.before)
    rows = []
    for word, split in ((texts.CHART_BEFORE, shift.before), (texts.CHART_AFTER, shift.after)):
        result = QuestionResult(shift.number, shift.question, both, 0, split, ())
        rows.append((f"Q{shift.number} · {word}: {shift.question.prompt}", result))
    return rows


def results_chart(title: str, results: SessionResults) -> bytes:
    """The chart as PNG bytes."""
    with _DRAWING:
        return _draw_chart(title, results)


def _draw_chart(title: str, results: SessionResults) -> bytes:
    title_font, label_font, caption_font = (ChartFont.of_size(n) for n in (40, 26, 24))
    warn_if_missing(
        [
            title,
            *(result.question.prompt for result in results.questions),
            *(stance for result in results.questions for stance, _ in result.stances),
        ],
        label_font,
    )
    span = WIDTH - 2 * MARGIN
    title_lines = _wrap(ImageDraw.Draw(Image.new("RGB", (1, 1))), title, title_font, span, 3)
    height = chart_height(len(title_lines), len(results.questions), len(results.shifts))
    image = Image.new("RGB", (WIDTH, height), BACKGROUND)
    draw = ImageDraw.Draw(image)
    y = MARGIN
    for line in title_lines:
        title_font.draw(draw, (MARGIN, y), line, INK)
        y += TITLE_LINE
    participants = texts.CHART_PARTICIPANTS.format(count=len(results.participants))
    caption_font.draw(draw, (MARGIN, y), participants, MUTED)
    y += PARTICIPANTS_HEIGHT
    rows = [
        (texts.CHART_QUESTION.format(number=r.number, prompt=r.question.prompt), r)
        for r in results.questions
    ]
    panel_at = len(rows)
    for shift in results.shifts:
        rows.extend(_shift_rows(shift))
    for index, (label, result) in enumerate(rows):
        if index == panel_at:  # the before/after panel begins
            y += PANEL_HEADING - LABEL_HEIGHT
            label_font.draw(draw, (MARGIN, y), texts.CHART_SHIFT_PANEL, MUTED)
            y += LABEL_HEIGHT
        label_font.draw(draw, (MARGIN, y), _fit(draw, label, label_font, span), INK)
        y += LABEL_HEIGHT
        x = float(MARGIN)
        captions = []
        for share, colour, caption in _segments(result, len(results.participants)):
            width = span * share
            if width >= 1:
                draw.rectangle((round(x), y, round(x + width), y + BAR_HEIGHT), fill=colour)
            if caption:
                captions.append((caption, colour))
            x += width
        y += BAR_HEIGHT + BAR_GAP
        kind = f"{result.question.type}, {result.answered} answered"
        caption_font.draw(draw, (MARGIN, y), kind, MUTED)
        cx = MARGIN + int(caption_font.length(draw, kind)) + 28
        for caption, colour in captions:
            # In ink after a swatch of its colour: a pale colour is no colour for text.
            swatch = 0 if colour == EMPTY else SWATCH + 8
            room = WIDTH - MARGIN - cx - swatch
            if room < caption_font.length(draw, "…"):
                break  # the stances that do not fit are in the text report
            if swatch:
                top = y + (CAPTION_HEIGHT - SWATCH) // 2
                draw.rectangle((cx, top, cx + SWATCH, top + SWATCH), fill=colour)
            shown = _fit(draw, caption, caption_font, room)
            caption_font.draw(draw, (cx + swatch, y), shown, MUTED if colour == EMPTY else INK)
            cx += swatch + int(caption_font.length(draw, shown)) + 28
        y += CAPTION_HEIGHT + ROW_GAP
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
