"""Every catalog in bot/locales against bot/texts.py: each message id translated, with the
English's placeholders, HTML that Telegram's own parser accepts, and within Telegram's
limits (buttons, pop-ups, menus) — in every language."""

from __future__ import annotations

import pytest
from babel.messages.pofile import read_po

from bot import i18n, texts
from tests.standin.entities import parse_html

LANGUAGES = [code for code in i18n.available() if code != i18n.SOURCE]


def _messages(language: str) -> dict[str, tuple[tuple[str, ...], tuple[str, ...], bool]]:
    with (i18n.LOCALES / f"{language}.po").open("rb") as file:
        catalog = read_po(file, locale=language)
    found = {}
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        found[str(message.context)] = (
            tuple(str(i) for i in ids),
            tuple(str(s or "") for s in strings),
            message.fuzzy,
        )
    return found


def test_korean_is_a_catalog() -> None:
    assert "ko" in LANGUAGES


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_text_has_a_translation_of_its_current_english(language: str) -> None:
    """A text added to bot/texts.py needs its translation: python -m bot.i18n_update adds
    its entry to each catalog, to fill in."""
    messages = _messages(language)
    untranslated, stale = [], []
    for key, source in i18n.entries(texts).items():
        english = (source.one, source.other) if isinstance(source, i18n.Plural) else (source,)
        ids, strings, fuzzy = messages.get(key, (english, ("",), False))
        if ids != english or fuzzy:
            stale.append(key)
        elif not all(strings):
            untranslated.append(key)
    assert not untranslated, f"{language} lacks (python -m bot.i18n_update): {untranslated}"
    assert not stale, f"{language}: the English changed, check and unmark (fuzzy): {stale}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_translation_keeps_placeholders_and_parses_as_telegram_parses_it(
    language: str,
) -> None:
    i18n.load((language,))  # refuses what check_translation finds
    entries = i18n.entries(texts)
    for key, (ids, strings, _) in _messages(language).items():
        if key not in entries or not all(strings):
            continue
        for english, translation in zip(ids * len(strings), strings, strict=False):
            assert not i18n.check_translation(english, translation), key
            fill = dict.fromkeys(i18n.placeholders(english), "x")
            english_text = parse_html(english.format(**fill))
            mine = parse_html(translation.format(**fill))  # raises as Telegram would refuse it
            assert sorted(e["type"] for e in mine.entities) == sorted(
                e["type"] for e in english_text.entities
            ), key
