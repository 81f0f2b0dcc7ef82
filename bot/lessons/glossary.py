"""A lesson's glossary: where its words occur, and what ``validate`` says about it.

A term (or one of its ``forms``) occurs in a text where it stands as a whole word or phrase,
in any case: "FFVD" in "(FFVD)", "sanctions" in "North Korea sanctions", not "nominee" in
"nominees" (write that as a form). A curly apostrophe matches a straight one, and the
words of a phrase may be split by any run of spaces or a line break.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import cache
from typing import Any

from bot.lessons.models import GlossaryEntry, Lesson
from bot.lessons.wording import Loc, clip

# ISO 639-1: the two-letter language codes, the first part of Telegram's language_code.
_ISO_639_1 = """
    aa ab ae af ak am an ar as av ay az ba be bg bi bm bn bo br bs ca ce ch co cr cs cu cv cy
    da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht
    hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky
    la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny
    oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss
    st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo
    za zh zu
"""
# Less 'kr' (Kanuri): it is Korea's country code, written by mistake for Korean (ko) far more
# often than a lesson is translated into Kanuri.
LANGUAGE_CODES = frozenset(_ISO_639_1.split()) - {"kr"}
# What authors write instead of a code, and the code they mean.
_LANGUAGE_NAMES = {
    "korean": "ko",
    "kor": "ko",
    "kr": "ko",  # the country's code
    "english": "en",
    "eng": "en",
    "japanese": "ja",
    "jp": "ja",
    "chinese": "zh",
    "cn": "zh",
    "spanish": "es",
    "french": "fr",
    "german": "de",
    "vietnamese": "vi",
    "vn": "vi",
}
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'"})


@cache
def _pattern(spelling: str) -> re.Pattern[str]:
    words = spelling.translate(_APOSTROPHES).split()
    body = r"\s+".join(re.escape(word) for word in words)
    return re.compile(rf"(?<!\w){body}(?!\w)", re.IGNORECASE)


def find(entry: GlossaryEntry, text: str) -> list[tuple[int, int]]:
    """Where the entry's term or forms stand in ``text``: (start, end) spans, in order,
    none overlapping (a longer spelling wins where two start together)."""
    plain = text.translate(_APOSTROPHES)  # the same length: spans fit the text as given
    spans = sorted(
        (
            (m.start(), m.end())
            for s in entry.spellings
            if s.split()
            for m in _pattern(s).finditer(plain)
        ),
        key=lambda span: (span[0], -span[1]),
    )
    kept: list[tuple[int, int]] = []
    for start, end in spans:
        if not kept or start >= kept[-1][1]:
            kept.append((start, end))
    return kept


def occurs(entry: GlossaryEntry, text: str) -> bool:
    return bool(find(entry, text))


def section_entries(lesson: Lesson, section_index: int) -> tuple[GlossaryEntry, ...]:
    """The glossary entries whose words occur in a section's text, in the glossary's order
    (each term once: a term defined twice is warned of, and its first entry is used)."""
    return _section_entries(lesson)[section_index]


@cache
def _section_entries(lesson: Lesson) -> tuple[tuple[GlossaryEntry, ...], ...]:
    entries = unique(lesson.glossary)
    return tuple(
        tuple(entry for entry in entries if occurs(entry, section.text))
        for section in lesson.sections
    )


def unique(entries: Sequence[GlossaryEntry]) -> list[GlossaryEntry]:
    """Each term once, by its first entry (terms compared without case)."""
    seen: set[str] = set()
    kept = []
    for entry in entries:
        key = entry.term.casefold()
        if key not in seen:
            seen.add(key)
            kept.append(entry)
    return kept


def entry_for(lesson: Lesson, term: str) -> GlossaryEntry | None:
    key = term.casefold()
    return next((e for e in lesson.glossary if e.term.casefold() == key), None)


# --- validate --------------------------------------------------------------------------

Report = Callable[[Loc, str], None]


def check(data: dict[str, Any], report: Report) -> None:
    """Report each term found nowhere in the lesson's text, and each translation key that
    is not a language code, at the place it is written. Reads the file's plain values
    (before the models), so that these are said along with any other mistake."""
    sections = data.get("sections")
    texts = [
        s["text"]
        for s in (sections if isinstance(sections, list) else [])
        if isinstance(s, dict) and isinstance(s.get("text"), str)
    ]
    entries = data.get("glossary")
    for index, item in enumerate(entries if isinstance(entries, list) else []):
        if not isinstance(item, dict):
            continue  # the models say what it should be
        loc: Loc = ("glossary", index)
        spellings = [item.get("term"), *_listed(item.get("forms"))]
        found = [s for s in spellings if isinstance(s, str) and s.split()]
        if isinstance(item.get("term"), str) and not any(
            _pattern(s).search(text.translate(_APOSTROPHES)) for s in found for text in texts
        ):
            names = ", ".join(f"'{clip(s, 40)}'" for s in found)
            report(
                (*loc, "term"),
                f"the glossary term '{clip(item['term'], 40)}' is not in the lesson's text"
                f" (looked for {names} as whole words, in any case): add the form the text"
                f" uses under 'forms:', or remove the entry (in glossary[{index}])",
            )
        translations = item.get("translations")
        for code in translations if isinstance(translations, dict) else {}:
            problem = language_code_problem(str(code))
            if problem is not None:
                report((*loc, "translations", code), f"{problem} (in glossary[{index}])")


def _listed(value: object) -> list[object]:
    return value if isinstance(value, list) else []


def language_code_problem(code: str) -> str | None:
    """Why ``code`` is not a language code of a translation (None: it is one)."""
    if code in LANGUAGE_CODES:
        return None
    lowered = code.strip().lower()
    base = re.split(r"[-_]", lowered, maxsplit=1)[0]
    if lowered in LANGUAGE_CODES:
        hint = f"write it in lowercase: '{lowered}'"
    elif base in LANGUAGE_CODES and base != lowered:
        hint = (
            f"write just the language, '{base}': readers are matched by their language,"
            " not their country"
        )
    elif lowered in _LANGUAGE_NAMES:
        hint = f"did you mean '{_LANGUAGE_NAMES[lowered]}'?"
    else:
        hint = "use the language's two-letter code (ISO 639-1), like ko for Korean"
    return f"'{clip(code, 30)}' is not a language code: {hint}"


def advise(
    lesson: Lesson, warn: Callable[[Loc, str], None], where: Callable[[Loc], tuple[int, int]]
) -> None:
    """Warnings: a term defined twice (readers see the first entry), an example that does
    not hold its term (nothing in it can be shown in bold)."""
    first: dict[str, int] = {}
    for index, entry in enumerate(lesson.glossary):
        key = entry.term.casefold()
        if key in first:
            line, _ = where(("glossary", first[key], "term"))
            warn(
                ("glossary", index, "term"),
                f"the term '{clip(entry.term, 40)}' is defined twice (first on line {line}):"
                " readers see only the first entry; join the two, or remove one"
                f" (in glossary[{index}])",
            )
            continue
        first[key] = index
        if entry.example is not None and not occurs(entry, entry.example):
            warn(
                ("glossary", index, "example"),
                f"the example does not use the term '{clip(entry.term, 40)}' or its forms, so"
                " nothing in it is shown in bold: quote the sentence of the text where it"
                f" occurs (in glossary[{index}])",
            )
