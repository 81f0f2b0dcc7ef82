"""A results chart as a PNG, sized for a phone: one bar per question.

Choice questions show the share right (green) and wrong (red); debate questions the split
of stances; short questions how many of the participants answered. Drawn with Pillow and
its bundled scalable font, so no system fonts are needed.
"""

from __future__ import annotations

import io
import textwrap

from PIL import Image, ImageDraw, ImageFont

from bot.lessons import ChoiceQuestion, DebateQuestion
from bot.reports import QuestionResult, SessionResults

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


_Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


def _font(size: int) -> _Font:
    return ImageFont.load_default(size=size)


def _fit(draw: ImageDraw.ImageDraw, text: str, font: _Font, width: float) -> str:
    """The text, cut with an ellipsis where it would run past ``width`` pixels."""
    if draw.textlength(text, font=font) <= width:
        return text
    while text and draw.textlength(text + "…", font=font) > width:
        text = text[:-1]
    return text.rstrip() + "…"


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
    title_font, label_font, caption_font = _font(40), _font(26), _font(24)
    title_lines = textwrap.wrap(title, width=40)[:3]  # about 40 characters fit at this size
    row = 30 + BAR_HEIGHT + 34 + ROW_GAP
    height = MARGIN * 2 + 52 * len(title_lines) + 50 + row * max(len(results.questions), 1)
    image = Image.new("RGB", (WIDTH, height), BACKGROUND)
    draw = ImageDraw.Draw(image)
    y = MARGIN
    for line in title_lines:
        draw.text((MARGIN, y), line, font=title_font, fill=INK)
        y += 52
    draw.text(
        (MARGIN, y), f"Participants: {len(results.participants)}", font=caption_font, fill=MUTED
    )
    y += 50
    span = WIDTH - 2 * MARGIN
    for result in results.questions:
        label = f"Q{result.number}. {result.question.prompt}"
        draw.text((MARGIN, y), _fit(draw, label, label_font, span), font=label_font, fill=INK)
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
        draw.text((MARGIN, y), kind, font=caption_font, fill=MUTED)
        cx = MARGIN + int(draw.textlength(kind, font=caption_font)) + 28
        for caption, colour in captions:
            draw.text(
                (cx, y), caption, font=caption_font, fill=colour if colour != EMPTY else MUTED
            )
            cx += int(draw.textlength(caption, font=caption_font)) + 28
        y += 30 + ROW_GAP
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
