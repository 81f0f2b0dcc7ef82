"""Every catalog in bot/locales against bot/texts/: each message id translated, with the
English's placeholders, HTML that Telegram's own parser accepts, and within Telegram's
limits (buttons, pop-ups, menus) — in every language."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

import bot
from bot import i18n, i18n_update, texts
from tests.standin.entities import parse_html

LANGUAGES = [code for code in i18n.available() if code != i18n.SOURCE]
POPUP_LIMIT = 200  # an answerCallbackQuery's text
BUTTON_LIMIT = 64  # what a phone shows of a button before it cuts it


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
    """A text added to bot/texts/ needs its translation: python -m bot.i18n_update adds
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


def _filled(template: str) -> str:
    """The text as a reader sees it, with each placeholder a 20-character value."""
    values = dict.fromkeys(i18n.placeholders(template), "x" * 20)
    return re.sub(r"<[^>]+>", "", i18n.Template(template).format(**values))


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_translation_fits_telegrams_limits(language: str) -> None:
    """A plain text whose English fits a pop-up (200) still fits; buttons stay short (64),
    menu descriptions 3-256, the bot's descriptions 512 and 120."""
    entries = i18n.entries(texts)
    with i18n.speaking(language):
        translated = {
            key: i18n.translate(language, key, source) if isinstance(source, str) else source
            for key, source in entries.items()
        }
    for key, source in entries.items():
        mine = translated[key]
        if not isinstance(source, str) or not isinstance(mine, str):
            continue
        if "<" not in source and len(_filled(source)) <= POPUP_LIMIT:
            assert len(_filled(mine)) <= POPUP_LIMIT, key
        if "BUTTON" in key or "LABELS" in key:
            assert len(_filled(mine)) <= BUTTON_LIMIT, key
        if "COMMANDS:" in key:
            assert 3 <= len(mine) <= 256, key
    with i18n.speaking(language):
        assert len(texts.DESCRIPTION) <= 512 and len(texts.SHORT_DESCRIPTION) <= 120
        for key in ("SELF_CHECK_LABELS", "WEEKDAY_NAMES", "MONTH_NAMES"):
            assert all(len(label) <= BUTTON_LIMIT for label in getattr(texts, key)), key


def _reads_texts(node: ast.AST) -> list[str]:
    return [
        f"texts.{found.attr}"
        for found in ast.walk(node)
        if isinstance(found, ast.Attribute)
        and isinstance(found.value, ast.Name)
        and found.value.id == "texts"
    ]


def test_no_module_reads_a_text_before_a_reader_is_known() -> None:
    """``texts.NAME`` read at import (a module's constant, a default argument) would be the
    English for ever: every text is read when a message is worded."""
    found = []
    for path in sorted(Path(bot.__file__).parent.rglob("*.py")):
        if path.parent.name == "texts":  # the texts themselves
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for statement in tree.body:
            if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef):
                defaults = [*statement.args.defaults, *statement.args.kw_defaults]
                found += [f"{path.name}: {t}" for d in defaults if d for t in _reads_texts(d)]
            elif not isinstance(statement, ast.ClassDef):
                found += [f"{path.name}:{statement.lineno}: {t}" for t in _reads_texts(statement)]
    assert not found


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_catalog_is_as_i18n_update_writes_it(
    language: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A text added by hand in another place (or another order) than the tool's would move
    at the next ``python -m bot.i18n_update``, in someone else's commit: run it, commit its
    result. Checked on a copy, so the test writes nothing under bot/."""
    shipped = (i18n.LOCALES / f"{language}.po").read_bytes()
    (tmp_path / f"{language}.po").write_bytes(shipped)
    monkeypatch.setattr(i18n, "LOCALES", tmp_path)
    i18n_update.update(language)
    assert (tmp_path / f"{language}.po").read_bytes() == shipped, (
        f"run python -m bot.i18n_update {language} and commit bot/locales/{language}.po"
    )
