"""The building blocks of every reply: HTML escaping, the reply itself, buttons.

All lesson and user text is HTML-escaped (``esc``) before it goes into a message, so a
``<``, ``&`` or ``*`` can never break one.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import callbacks


@dataclass(frozen=True, slots=True)
class Reply:
    text: str  # HTML
    keyboard: InlineKeyboardMarkup | None = None


def esc(value: object) -> str:
    return html.escape(str(value), quote=False)


def button(text: str, action: callbacks.Action) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=callbacks.encode(action))


def column(buttons: Iterable[InlineKeyboardButton]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[b] for b in buttons])
