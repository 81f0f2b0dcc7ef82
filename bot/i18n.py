"""The interface in the reader's language: gettext catalogs, one per language, read with Babel.

How to add a text (the rule for everyone)
-----------------------------------------
1. Write it in English in the submodule of ``bot/texts/`` for its room (its ``__init__`` lists
   them; a name must be new in every one of them): a CAPITALS constant (a string, a tuple
   of strings, a command menu ``((command, description), ...)``, a dict of strings, or a
   ``Plural("{n} answer", "{n} answers")`` for a counted word, worded with
   ``i18n.plural(count, texts.NAME)``). Code keeps reading it as ``texts.NAME``: that gives
   the text in the language of the reader being answered.
2. Give it its Korean in ``bot/locales/ko.po``: ``python -m bot.i18n_update`` adds an empty
   entry for every new or changed text (``msgctxt`` is the constant's name, ``msgid`` its
   English), then write the ``msgstr``. Polite 해요체, for teenagers and their teachers; keep
   every ``{placeholder}`` and HTML tag of the English. Where a Korean particle follows an
   inserted name or title, write both forms after the placeholder, ``{lesson}을/를``,
   ``<b>{group}</b>은/는``, ``{name}이/가``, ``{title}과/와``, ``{lesson}으로/로``: the one
   that fits the inserted word's last sound is kept. ``tests/test_i18n_catalog.py`` fails
   for a text with no translation, a placeholder that is not the English one's, or HTML
   Telegram would refuse; the bot refuses such a catalog at start.
3. Lesson content (the editorial, prompts, options) is never translated: it stays in the
   lesson's language.

Which language: set once per update, for everything handled in it
------------------------------------------------------------------
``bot.handlers.language.speak_to_reader`` (the first handler of every update) sets it: in a
private chat (or for an update without a chat) the user's own choice (``/language``), else
Telegram's ``language_code`` ("ko-KR" → ko), else ``BOT_DEFAULT_LANGUAGE``; in a group, the
group's choice (``/language`` there, moderators), else ``BOT_DEFAULT_LANGUAGE``. A language
with no catalog is English, silently.

Speaking to another reader (a job, a reminder, a report sent privately from a group)
-------------------------------------------------------------------------------------
Anything sent to a chat other than the update's own, and everything a job sends, is
rendered inside ``speaking``::

    with i18n.speaking(await i18n.language_of_user(storage, user_id)):
        reply = render.reports.report(...)      # texts.* now in that user's language
    await outbox.send(bot, user_id, reply)

``language_of_user`` (a person: their choice, else the ``language_code`` Telegram last
showed, else the default) and ``language_of_chat`` (a group: its choice, else the default)
read the database. A job never relies on the language around it: it says ``speaking``.

A pop-up (the answer to a button press) is shown only to whoever pressed: it is worded in
their language (their choice, else their app's ``language_code``, else the default), also
under a group's message, inside ``to_presser()``; what the press posts or edits in the group
stays in the group's language::

    with i18n.to_presser():
        await outbox.popup(query, texts.ALREADY_ANSWERED, show_alert=True)

Dates and numbers: ``i18n.plural`` (the language's plural rules), ``texts.WEEKDAY_NAMES``
and ``texts.MONTH_NAMES`` come from Babel's locale data, not from the catalog.
"""

from __future__ import annotations

import gettext
import html
import io
import logging
import re
import string
import sys
import types
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from bot.storage import Storage

log = logging.getLogger(__name__)

SOURCE = "en"  # the language of bot/texts/
LOCALES = Path(__file__).with_name("locales")
DOMAIN = "bot"

_current: ContextVar[str | None] = ContextVar("language", default=None)
# The language of the person whose button press is being handled (None: not a press, or
# one in a private chat, where it is the language around it already).
_presser: ContextVar[str | None] = ContextVar("presser", default=None)
_default = SOURCE


class Plural(NamedTuple):
    """A counted text in English: ``Plural("{n} answer", "{n} answers")``.

    ``context`` is set on its translations (the catalog's message id)."""

    one: str
    other: str
    context: str = ""


class CatalogInvalid(Exception):
    """A catalog the bot refuses to start with; each problem names its language and id."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


# --- which language --------------------------------------------------------------------


def current() -> str:
    """The language texts are in now: the reader's, the group's, or the default."""
    return _current.get() or _default


@contextmanager
def speaking(language: str) -> Iterator[None]:
    """``texts.*`` in ``language`` inside the block (one without a catalog: English)."""
    token = _current.set(supported(language) or SOURCE)
    try:
        yield
    finally:
        _current.reset(token)


def speak(language: str) -> None:
    """Set the language for the rest of the update being handled (its first handler)."""
    _current.set(supported(language) or SOURCE)


def pressed_by(language: str | None) -> None:
    """Set for the rest of the update being handled (its first handler): the language of
    whoever pressed the button it answers, or None (no press, or it is the current one)."""
    _presser.set(None if language is None else supported(language) or SOURCE)


@contextmanager
def to_presser() -> Iterator[None]:
    """``texts.*`` inside the block in the language of whoever pressed the button being
    answered: a pop-up only they see. Outside a press, the current language."""
    with speaking(_presser.get() or current()):
        yield


def set_default(language: str) -> None:
    """``BOT_DEFAULT_LANGUAGE``, at start: the language of readers we know nothing of."""
    global _default
    _default = supported(language) or SOURCE


def default() -> str:
    return _default


_available: dict[Path, tuple[str, ...]] = {}


def available() -> tuple[str, ...]:
    """English and every language with a catalog in bot/locales (``ko.po`` → ko).

    Read from the folder once: every update asks (its reader's language), and a directory
    listing per update was a twentieth of the bot's CPU under load (bench/capacity.py)."""
    known = _available.get(LOCALES)
    if known is None:
        found = sorted(path.stem for path in LOCALES.glob("*.po")) if LOCALES.is_dir() else []
        known = _available[LOCALES] = (SOURCE, *(code for code in found if code != SOURCE))
    return known


def supported(code: str | None) -> str | None:
    """ "ko-KR", "ko_kr", "KO" → "ko" when there is a catalog for it; else None."""
    if not code:
        return None
    first = re.split(r"[-_]", code.strip(), maxsplit=1)[0].lower()
    return first if first in available() else None


def name_of(language: str) -> str:
    """A language's name in itself: "English", "한국어" (Babel's locale data)."""
    from babel import Locale

    name = Locale.parse(language).get_display_name(language) or language
    return name[:1].upper() + name[1:]


def choose(chosen: str | None, telegram_code: str | None) -> str:
    """A reader's language: their choice, else Telegram's language_code, else the default."""
    return supported(chosen) or supported(telegram_code) or _default


async def language_of_user(storage: Storage, user_id: int, telegram_code: str | None = None) -> str:
    """The language to write to a person in (privately): see the module's doc."""
    chosen, seen = await storage.language_settings(user_id)
    return choose(chosen, telegram_code or seen)


async def language_of_chat(storage: Storage, chat_id: int) -> str:
    """The language of everything posted in a group (or to a private chat: its user's)."""
    if chat_id > 0:  # a private chat's id is its user's
        return await language_of_user(storage, chat_id)
    chosen, _ = await storage.language_settings(chat_id)
    return supported(chosen) or _default


# --- the catalogs ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Catalog:
    translations: gettext.GNUTranslations
    # Each message id translated (msgctxt), with the English it was translated from (msgid).
    sources: dict[str, str]


_catalogs: dict[str, _Catalog] = {}
_missing_logged: set[tuple[str, str]] = set()


def load(languages: tuple[str, ...] | None = None) -> None:
    """Read, check and compile the catalogs (at start): CatalogInvalid names what is wrong."""
    problems: list[str] = []
    for language in languages or available():
        if language == SOURCE:
            continue
        catalog, found = _read(language)
        problems += found
        if not found:
            _catalogs[language] = catalog
    if problems:
        raise CatalogInvalid(problems)


def _read(language: str) -> tuple[_Catalog, list[str]]:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    path = LOCALES / f"{language}.po"
    with path.open("rb") as file:
        po = read_po(file, locale=language, domain=DOMAIN)
    problems = []
    sources = {}
    for message in po:
        key = str(message.context or "")
        sources_of = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not message.id or not all(strings) or message.fuzzy:
            continue
        for text in strings:
            for problem in check_translation(str(sources_of[-1]), str(text)):
                problems.append(f"{path.name}: {key or sources_of[0]!r} ({language}): {problem}")
        sources[key] = str(sources_of[0])
    buffer = io.BytesIO()
    write_mo(buffer, po)
    buffer.seek(0)
    return _Catalog(gettext.GNUTranslations(buffer), sources), problems


def _catalog(language: str) -> _Catalog | None:
    if language not in _catalogs:
        load((language,))
    return _catalogs.get(language)


# --- translating texts.NAME ------------------------------------------------------------

_translated: dict[tuple[str, str], Any] = {}


def translate(language: str, name: str, value: Any) -> Any:
    """``texts.NAME`` (whose English is ``value``) in ``language``."""
    cached = _translated.get((language, name))
    if cached is None:
        cached = _translated[(language, name)] = _translate(language, name, value)
    return cached


def _translate(language: str, key: str, value: Any) -> Any:
    if key in _FROM_LOCALE_DATA:
        return _FROM_LOCALE_DATA[key](language)
    if isinstance(value, Plural):
        return Plural(value.one, value.other, key)
    if isinstance(value, str):
        return _text(language, key, value)
    if isinstance(value, Mapping):
        return {k: _translate(language, f"{key}[{k}]", v) for k, v in value.items()}
    if isinstance(value, tuple) and value and all(_is_menu_entry(item) for item in value):
        return tuple((command, _text(language, f"{key}:{command}", d)) for command, d in value)
    if isinstance(value, tuple):
        return tuple(_translate(language, f"{key}[{i}]", item) for i, item in enumerate(value))
    return value


def _is_menu_entry(item: object) -> bool:
    return (
        isinstance(item, tuple)
        and len(item) == 2
        and all(isinstance(part, str) for part in item)
        and re.fullmatch(r"[a-z0-9_]{1,32}", item[0]) is not None
    )


def _text(language: str, key: str, source: str) -> str:
    catalog = _catalog(language)
    if catalog is None or catalog.sources.get(key) != source:
        _log_missing(language, key)  # untranslated, or translated from an older English
        return source
    return Template(catalog.translations.pgettext(key, source))


def _log_missing(language: str, key: str) -> None:
    if (language, key) not in _missing_logged:
        _missing_logged.add((language, key))
        log.warning("no %s translation of %s: English is used", language, key)


def plural(count: int, forms: Plural, **values: object) -> str:
    """A counted text for ``count`` by the current language's plural rules, filled in with
    ``n`` (the count) and ``values``."""
    language = current()
    catalog = None if language == SOURCE or not forms.context else _catalog(language)
    if catalog is not None and catalog.sources.get(forms.context) == forms.one:
        text = catalog.translations.npgettext(forms.context, forms.one, forms.other, count)
    else:
        if forms.context and language != SOURCE:
            _log_missing(language, forms.context)
        text = forms.one if count == 1 else forms.other
    return text.format(n=number(count), **values)


def number(value: float) -> str:
    """A number written the way the current language writes it (1,234 · 1.234 …)."""
    from babel.numbers import format_decimal

    return str(format_decimal(value, locale=current()))


def _weekday_names(language: str) -> tuple[str, ...]:
    from babel.dates import get_day_names

    names = get_day_names("wide", locale=language)
    return tuple(str(names[day]) for day in range(7))  # Monday first, as in texts


def _month_names(language: str) -> tuple[str, ...]:
    from babel.dates import get_month_names

    names = get_month_names("wide", locale=language)
    return tuple(str(names[month]) for month in range(1, 13))


# Texts that Babel's locale data gives in every language (so no catalog holds them).
_FROM_LOCALE_DATA = {"WEEKDAY_NAMES": _weekday_names, "MONTH_NAMES": _month_names}


class _TranslatingModule(types.ModuleType):
    """The class of the module bot/texts/__init__.py: ``texts.NAME`` is translated into the
    current language."""

    def __getattribute__(self, name: str) -> Any:
        value = types.ModuleType.__getattribute__(self, name)
        language = _current.get() or _default  # current(), inlined: read for every text
        if language == SOURCE or not name[:1].isupper():
            return value
        cached = _translated.get((language, name))
        return cached if cached is not None else translate(language, name, value)


def translate_module(name: str) -> None:
    """Make ``texts.NAME`` speak the current language (bot/texts/__init__.py calls it, last)."""
    sys.modules[name].__class__ = _TranslatingModule


def entries(module: types.ModuleType) -> dict[str, str | Plural]:
    """Every message id of the texts module with its English: what a catalog translates."""
    found: dict[str, str | Plural] = {}

    def walk(key: str, value: object) -> None:
        if key in _FROM_LOCALE_DATA:
            return
        if isinstance(value, (Plural, str)):
            found[key] = value
        elif isinstance(value, Mapping):
            for k, v in value.items():
                walk(f"{key}[{k}]", v)
        elif isinstance(value, tuple) and value and all(_is_menu_entry(i) for i in value):
            for command, description in value:
                found[f"{key}:{command}"] = description
        elif isinstance(value, tuple):
            for i, item in enumerate(value):
                walk(f"{key}[{i}]", item)

    with speaking(SOURCE):
        for name in dir(module):
            if name[:1].isupper() and not isinstance(getattr(module, name), type):
                walk(name, getattr(module, name))
    return found


# --- Korean particles ------------------------------------------------------------------

# A placeholder, the closing tags after it, and a particle's two forms: {lesson}</b>을/를.
_PARTICLE = re.compile(
    r"\{(\w+)\}((?:</[a-z-]+>)*)(은/는|이/가|을/를|과/와|으로/로|이에요/예요|아/야)"
)
_HANGUL_FIRST, _HANGUL_LAST = 0xAC00, 0xD7A3
# How a Latin letter or a digit is read aloud ends: with a consonant (True), with ㄹ ("l").
_LETTER_NAMES_END: dict[str, bool | str] = {"l": "l", "m": True, "n": True, "r": "l"}
_DIGITS_END: dict[str, bool | str] = {"0": True, "1": "l", "3": True, "6": True, "7": "l", "8": "l"}
_WORD_ENDS: tuple[tuple[str, bool | str], ...] = (
    ("ng", True),
    ("l", "l"),
    ("m", True),
    ("n", True),
    ("k", True),
    ("p", True),
)


def _final_sound(word: str) -> bool | str:
    """Whether ``word`` (as inserted, maybe HTML) ends in a consonant when read in Korean:
    False (a vowel), True (a consonant), "l" (ㄹ, which takes 로 rather than 으로)."""
    plain = html.unescape(re.sub(r"<[^>]*>", "", word))
    plain = re.sub(r"[\s\W_]+$", "", plain)  # a title's closing quote or full stop
    if not plain:
        return False
    last = plain[-1]
    code = ord(last)
    if _HANGUL_FIRST <= code <= _HANGUL_LAST:
        final = (code - _HANGUL_FIRST) % 28
        return "l" if final == 8 else final != 0
    if last.isdigit():
        return _DIGITS_END.get(last, False)
    if last.isascii() and last.isalpha():
        tail = re.search(r"[A-Za-z]+$", plain)
        letters = tail.group(0) if tail else last
        if letters.isupper():  # an acronym, read letter by letter: FFVD → 디
            return _LETTER_NAMES_END.get(last.lower(), False)
        lowered = letters.lower()
        return next((end for tail_, end in _WORD_ENDS if lowered.endswith(tail_)), False)
    return False


def particle(word: str, forms: str) -> str:
    """The form of a particle ("을/를") that follows ``word``: 을 after a consonant."""
    after_consonant, after_vowel = forms.split("/")
    final = _final_sound(word)
    if after_consonant == "으로":
        return "로" if final in (False, "l") else "으로"
    return after_consonant if final else after_vowel


class Template(str):
    """A Korean text: ``format`` picks each particle's form for the word put before it."""

    __slots__ = ()

    def format(self, *args: object, **kwargs: object) -> str:
        def fit(match: re.Match[str]) -> str:
            name, tags, forms = match.groups()
            if name not in kwargs:
                return match.group(0)
            return "{" + name + "}" + tags + particle(str(kwargs[name]), forms)

        return str.format(_PARTICLE.sub(fit, self), *args, **kwargs)


# --- checking a translation ------------------------------------------------------------


def placeholders(text: str) -> set[str]:
    """The ``{names}`` a template is filled with (ValueError: a broken brace)."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.opened: list[str] = []
        self.seen: list[str] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.opened.append(tag)
        self.seen.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.opened or self.opened[-1] != tag:
            self.problems.append(f"</{tag}> closes nothing open")
        else:
            self.opened.pop()

    def handle_entityref(self, name: str) -> None:
        if name not in ("lt", "gt", "amp", "quot"):
            self.problems.append(f"&{name}; is no entity Telegram knows")


_TELEGRAM_TAGS = frozenset(
    {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre"}
    | {"span", "tg-spoiler", "tg-emoji", "blockquote"}
)


def check_translation(source: str, text: str) -> list[str]:
    """What is wrong with ``text`` as the translation of ``source``: its placeholders, its
    HTML (tags Telegram knows, balanced, the same as the English), its particles."""
    problems: list[str] = []
    try:
        if placeholders(text) != placeholders(source):
            problems.append(
                f"placeholders {sorted(placeholders(text))} differ from the English "
                f"{sorted(placeholders(source))}"
            )
    except ValueError as error:
        problems.append(f"broken placeholder: {error}")
    parsed, english = _Tags(), _Tags()
    parsed.feed(text)
    parsed.close()
    english.feed(source)
    english.close()
    problems += parsed.problems
    if parsed.opened:
        problems.append(f"<{parsed.opened[-1]}> is never closed")
    unknown = sorted(set(parsed.seen) - _TELEGRAM_TAGS)
    if unknown:
        problems.append(f"tags Telegram does not know: {unknown}")
    if sorted(parsed.seen) != sorted(english.seen):
        problems.append(f"tags {sorted(parsed.seen)} differ from the English's")
    return problems
