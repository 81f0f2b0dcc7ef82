"""/language's question and answer: each language named in itself (English, 한국어)."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup

from bot import i18n, texts
from bot.callbacks import ChooseLanguage
from bot.render.markup import Reply, button, esc


def ask(current: str, *, group: bool) -> Reply:
    """The question, with a button per language (in a row: there are few)."""
    template = texts.LANGUAGE_ASK_GROUP if group else texts.LANGUAGE_ASK
    buttons = [
        button(("✔️ " if code == current else "") + i18n.name_of(code), ChooseLanguage(code))
        for code in i18n.available()
    ]
    return Reply(
        template.format(language=esc(i18n.name_of(current))), InlineKeyboardMarkup([buttons])
    )


def chosen(language: str, *, group: bool) -> Reply:
    """The confirmation, in the language chosen."""
    with i18n.speaking(language):
        template = texts.LANGUAGE_SET_GROUP if group else texts.LANGUAGE_SET
        return Reply(template.format(language=esc(i18n.name_of(language))))
