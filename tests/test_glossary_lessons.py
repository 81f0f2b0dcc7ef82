"""A lesson's glossary: how its words are found in the text, and what `validate` says about
it (FILE:LINE:COL like every other lesson mistake; a term defined twice is a warning)."""

from __future__ import annotations

from pathlib import Path

from bot.callbacks import (
    MAX_BYTES,
    ShowWords,
    WordsLink,
    decode,
    decode_words_start,
    encode,
    encode_words_start,
)
from bot.lessons import GlossaryEntry
from bot.lessons.glossary import find, language_code_problem, section_entries
from bot.lessons.load import load_lesson_file, load_lessons
from bot.render.glossary import bold_term
from tests.conftest import PROMPTS

HEAD = """\
id: words
title: T
source: {publisher: P, date: 2024-01-02}
sections:
  - title: One
    text: "The nominees’ leaders met; FFVD, and North Korea sanctions."
    questions:
      - id: q
        type: short
        prompt: Why?
  - title: Two
    text: Nothing to see.
"""


def write(tmp_path: Path, glossary: str) -> Path:
    path = tmp_path / "words.yaml"
    path.write_text(HEAD + glossary)
    return path


def test_terms_match_whole_words_in_any_case_with_their_forms() -> None:
    entry = GlossaryEntry(term="nominee", definition="d", forms=("nominees’",))
    text = "A Nominee, two nominees' leaders; nomineeship is not one."
    assert [text[a:b] for a, b in find(entry, text)] == ["Nominee", "nominees'"]
    phrase = GlossaryEntry(term="working group", definition="d")
    assert [s for s in find(phrase, "the working\n group’s role")] == [(4, 18)]
    assert find(GlossaryEntry(term="FFVD", definition="d"), "(FFVD)") == [(1, 5)]
    assert bold_term(entry, "<A> nominee & co") == "&lt;A&gt; <b>nominee</b> &amp; co"


def test_a_valid_glossary_loads_and_each_part_lists_its_own_words(tmp_path: Path) -> None:
    lesson, problems = load_lesson_file(
        write(
            tmp_path,
            """\
glossary:
  - term: nominee
    forms: ["nominees’"]
    definition: A person chosen for a job.
    translations: {ko: 후보자, pt: indicado}
    example: "The nominees’ leaders met."
  - term: sanctions
    definition: Limits on trade.
""",
        )
    )
    assert problems == [] and lesson is not None
    assert [e.term for e in section_entries(lesson, 0)] == ["nominee", "sanctions"]
    assert section_entries(lesson, 1) == ()
    assert lesson.glossary[0].translation("ko") == "후보자"
    assert lesson.glossary[0].translation(None) is None
    hash(lesson)  # a lesson is hashed (its steps are cached): so is its glossary


def test_validate_reports_glossary_mistakes_with_their_lines(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
glossary:
  - term: nominee
    definition: A person chosen for a job.
  - term: sanctions
    definiton: Limits on trade.
    translations: {KO: 제재, korean: 제재, pt-BR: sanções, kr: 제재}
  - term: leaflets
    forms: [leaflet]
    definition: Papers.
""",
    )
    _, problems = load_lessons([path])
    said = [(p.line, p.column, p.message) for p in problems]
    assert said == [
        (
            14,
            11,
            "the glossary term 'nominee' is not in the lesson's text (looked for 'nominee' as"
            " whole words, in any case): add the form the text uses under 'forms:', or remove"
            " the entry (in glossary[0])",
        ),
        (16, 5, "missing required field 'definition' (in glossary[1])"),
        (17, 5, "unknown key 'definiton' (did you mean 'definition'?) (in glossary[1])"),
        (18, 20, "'KO' is not a language code: write it in lowercase: 'ko' (in glossary[1])"),
        (18, 28, "'korean' is not a language code: did you mean 'ko'? (in glossary[1])"),
        (
            18,
            40,
            "'pt-BR' is not a language code: write just the language, 'pt': readers are"
            " matched by their language, not their country (in glossary[1])",
        ),
        (18, 56, "'kr' is not a language code: did you mean 'ko'? (in glossary[1])"),
        (
            19,
            11,
            "the glossary term 'leaflets' is not in the lesson's text (looked for 'leaflets',"
            " 'leaflet' as whole words, in any case): add the form the text uses under"
            " 'forms:', or remove the entry (in glossary[2])",
        ),
    ]
    assert all(str(p).startswith(f"{path}:") for p in problems)


def test_a_term_defined_twice_is_a_warning(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
glossary:
  - term: sanctions
    definition: Limits on trade.
  - term: Sanctions
    definition: Again.
    example: No such word here.
""",
    )
    catalog, problems = load_lessons([path])
    assert problems == [] and len(catalog) == 1
    assert [(w.line, w.column, w.message) for w in catalog.warnings if w.line > 12] == [
        (
            16,
            11,
            "the term 'Sanctions' is defined twice (first on line 14): readers see only the"
            " first entry; join the two, or remove one (in glossary[1])",
        )
    ]


def test_language_codes() -> None:
    assert language_code_problem("ko") is None and language_code_problem("en") is None
    assert "two-letter code" in (language_code_problem("xx") or "")


def test_the_seed_lesson_has_a_glossary_for_every_part() -> None:
    catalog, problems = load_lessons([PROMPTS])
    assert problems == [] and not catalog.warnings
    lesson = catalog.lessons[0]
    assert len(lesson.glossary) >= 15
    assert all(e.translation("ko") and e.example for e in lesson.glossary)
    for entry in lesson.glossary:  # each example is a piece of the text, with its term
        assert find(entry, entry.example or "")
        quoted = (entry.example or "").strip("… ").rstrip(" …")
        assert any(quoted in section.text for section in lesson.sections), entry.term
    assert all(section_entries(lesson, i) for i in range(len(lesson.sections)))


def test_callback_data_and_links_are_short_and_strict() -> None:
    longest = encode(ShowWords("a" * 32, 9999))
    assert len(longest.encode()) <= MAX_BYTES
    assert decode(longest) == ShowWords("a" * 32, 9999)
    for forged in ("v1:wd:Words:1", "v1:wd:words:0", "v1:wd:words:1:2", "v1:wd:words:-1"):
        assert decode(forged) is None
    link = WordsLink("biegun-seoul-2020", 3)
    assert decode_words_start(encode_words_start(link)) == link
    assert decode_words_start("w0_words") is None and decode_words_start("w1_Words") is None
