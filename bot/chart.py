"""A results chart as a PNG, sized for a phone: one bar per question.

Choice questions show the share right (green) and wrong (red); debate questions the split
of stances; short questions how many of the participants answered. Drawn with Pillow, the
text with the fonts of ``bot.chart_fonts`` (a bundled one, and the server's for other
scripts).
"""

from __future__ import annotations

import io
import threading

from PIL import Image, ImageDraw

from bot.chart_fonts import ChartFont, warn_if_missing
from bot.lessons import ChoiceQuestion, DebateQuestion
from bot.results import QuestionResult, SessionResults

WIDTH = 1080
MARGIN = 40
BAR_HEIGHT = 44
ROW_GAP = 34
BACKGROUND = (255, 255, 255)
INK = (33, 37, 41)
MUTED = (108, 117, 125)
RIGHT = (46, 160, 67)
WRONG = (218, 54, 51)
EMPTY = (233, 236, 239)
ANSWERED = (13, 110, 253)
STANCE_COLOURS = (
    (13, 110, 253),
    (253, 126, 20),
    (111, 66, 193),
    (32, 201, 151),
    (214, 51, 132),
    (255, 193, 7),
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
        return [(1.0, EMPTY, "no answers yet")]
    if isinstance(question, ChoiceQuestion):
        right = result.right / result.answered
        return [
            (right, RIGHT, f"{result.share_right}% right"),
            (1 - right, WRONG, ""),
        ]
    if isinstance(question, DebateQuestion):
        return [
            (count / result.answered, STANCE_COLOURS[i % len(STANCE_COLOURS)], f"{stance} {count}")
            for i, (stance, count) in enumerate(result.stances)
            if count
        ]
    share = result.answered / participants if participants else 0
    return [(share, ANSWERED, f"{result.answered} of {participants}"), (1 - share, EMPTY, "")]


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
    row = 30 + BAR_HEIGHT + 34 + ROW_GAP
    height = MARGIN * 2 + 52 * len(title_lines) + 50 + row * max(len(results.questions), 1)
    image = Image.new("RGB", (WIDTH, height), BACKGROUND)
    draw = ImageDraw.Draw(image)
    y = MARGIN
    for line in title_lines:
        title_font.draw(draw, (MARGIN, y), line, INK)
        y += 52
    caption_font.draw(draw, (MARGIN, y), f"Participants: {len(results.participants)}", MUTED)
    y += 50
    for result in results.questions:
        label = f"Q{result.number}. {result.question.prompt}"
        label_font.draw(draw, (MARGIN, y), _fit(draw, label, label_font, span), INK)
        y += 34
        x = float(MARGIN)
        captions = []
        for share, colour, caption in _segments(result, len(results.participants)):
            width = span * share
            if width >= 1:
                draw.rectangle((round(x), y, round(x + width), y + BAR_HEIGHT), fill=colour)
            if caption:
                captions.append((caption, colour))
            x += width
        y += BAR_HEIGHT + 6
        kind = f"{result.question.type}, {result.answered} answered"
        caption_font.draw(draw, (MARGIN, y), kind, MUTED)
        cx = MARGIN + int(caption_font.length(draw, kind)) + 28
        for caption, colour in captions:
            room = WIDTH - MARGIN - cx
            if room < caption_font.length(draw, "…"):
                break  # the stances that do not fit are in the text report
            shown = _fit(draw, caption, caption_font, room)
            caption_font.draw(draw, (cx, y), shown, colour if colour != EMPTY else MUTED)
            cx += int(caption_font.length(draw, shown)) + 28
        y += 30 + ROW_GAP
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
