"""Long options as letters: when an option of a choice question is longer than fits where
it is shown, the message lists the options in full as A, B, C… and the buttons (or the
quiz poll's options) are the letters.

The letters follow the shown order (``bot.render.order``): letter k is the k-th option on
the message, so a letter pressed, voted or typed maps back to the lesson's option exactly
as a full-text button does (through the options the post stores).
"""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton

from bot import texts
from bot.render.fit import POLL_OPTION_LIMIT, utf16_length
from bot.render.markup import esc

# A button's text on a phone shows about this many characters before Telegram cuts it with
# "…" (13 of the seed lesson's 36 options are longer); a quiz poll's option wraps, so a poll
# takes letters only for an option over Telegram's own limit (POLL_OPTION_LIMIT, in UTF-16
# code units: an emoji counts two).
BUTTON_FIT = 40
# At most 12 options to a question (the lesson's checks): A to L.
LETTERS = "ABCDEFGHIJKL"
# Letter buttons side by side, this many to a row.
LETTERS_PER_ROW = 4


def on_buttons(options: Sequence[str]) -> bool:
    """Whether buttons show these options as letters (one of them does not fit)."""
    return any(utf16_length(option) > BUTTON_FIT for option in options)


def in_poll(options: Sequence[str]) -> bool:
    """Whether a quiz poll shows these options as letters (one is over Telegram's limit)."""
    return any(utf16_length(option) > POLL_OPTION_LIMIT for option in options)


def letter(place: int) -> str:
    """The letter of the option at ``place`` (0-based) on the message."""
    return LETTERS[place]


def listed(options: Sequence[str]) -> str:
    """The options in full, one a line: "A. …" (HTML)."""
    return "\n".join(
        texts.LETTERED_OPTION.format(letter=letter(place), option=esc(option))
        for place, option in enumerate(options)
    )


def in_rows(buttons: Sequence[InlineKeyboardButton]) -> list[list[InlineKeyboardButton]]:
    """Letter buttons side by side, LETTERS_PER_ROW to a row."""
    return [
        list(buttons[start : start + LETTERS_PER_ROW])
        for start in range(0, len(buttons), LETTERS_PER_ROW)
    ]
