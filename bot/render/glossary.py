"""The glossary as readers see it: 📖 Words under a part, a part's entries (term,
definition, the reader's translation, the example with the term in bold), /words, and the
report's most looked-up words."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import texts
from bot.callbacks import ShowWords
from bot.lessons import GlossaryEntry, Lesson, LessonCatalog
from bot.lessons.glossary import entry_for, find, section_entries, unique
from bot.render.fit import MESSAGE_LIMIT, pack
from bot.render.markup import Reply, button, esc
from bot.storage import LookedUp, TopWord
from bot.walk import SectionStep, step_at


def words_row(lesson: Lesson, part: int) -> list[InlineKeyboardButton]:
    """📖 Words (n) for part ``part`` (1-based); no button where no term occurs in it."""
    count = len(section_entries(lesson, part - 1))
    if count == 0:
        return []
    return [button(texts.WORDS_BUTTON.format(count=count), ShowWords(lesson.id, part))]


def with_words(
    keyboard: InlineKeyboardMarkup | None, lesson: Lesson, part: int
) -> InlineKeyboardMarkup | None:
    """A part's keyboard with 📖 Words as its first row (when the part has words)."""
    row = words_row(lesson, part)
    if not row:
        return keyboard
    rows = [list(r) for r in keyboard.inline_keyboard] if keyboard is not None else []
    return InlineKeyboardMarkup([row, *rows])


def words_at(lesson: Lesson, position: int) -> InlineKeyboardMarkup | None:
    """The buttons a part's message keeps once Continue is gone: 📖 Words (None: no words,
    or the step at ``position`` is no part)."""
    step = step_at(lesson, position)
    return with_words(None, lesson, step.number) if isinstance(step, SectionStep) else None


def bold_term(entry: GlossaryEntry, sentence: str) -> str:
    """``sentence`` as HTML with each occurrence of the term (or a form) in bold."""
    out, at = [], 0
    for start, end in find(entry, sentence):
        out.append(esc(sentence[at:start]))
        out.append(f"<b>{esc(sentence[start:end])}</b>")
        at = end
    out.append(esc(sentence[at:]))
    return "".join(out)


def entry_block(entry: GlossaryEntry, language: str | None) -> str:
    lines = [texts.WORDS_ENTRY.format(term=esc(entry.term), definition=esc(entry.definition))]
    translation = entry.translation(language)
    if translation:
        lines.append(texts.WORDS_TRANSLATION.format(translation=esc(translation)))
    if entry.example:
        lines.append(texts.WORDS_EXAMPLE.format(example=bold_term(entry, entry.example)))
    return "\n".join(lines)


def _messages(blocks: Sequence[str]) -> list[Reply]:
    return [Reply(text) for text in pack(blocks, MESSAGE_LIMIT - 50)]


def part_words(lesson: Lesson, part: int, language: str | None) -> list[Reply]:
    """The entries of part ``part`` (1-based), in as few messages as fit."""
    header = texts.WORDS_HEADER.format(
        lesson=esc(lesson.title), part=part, title=esc(lesson.sections[part - 1].title)
    )
    entries = section_entries(lesson, part - 1)
    return _messages([header, *(entry_block(e, language) for e in entries)])


def words_review(
    lesson: Lesson | None,
    looked: Sequence[LookedUp],
    catalog: LessonCatalog,
    language: str | None,
) -> list[Reply]:
    """/words: the glossary of ``lesson`` (the one in progress), then the words the reader
    looked up, latest first, for review."""
    blocks: list[str] = []
    if lesson is not None:
        entries = unique(lesson.glossary)
        if entries:
            blocks.append(texts.WORDS_LESSON_HEADER.format(lesson=esc(lesson.title)))
            blocks.extend(entry_block(e, language) for e in entries)
        else:
            blocks.append(texts.WORDS_LESSON_NONE.format(lesson=esc(lesson.title)))
    if looked:
        lines = [texts.WORDS_REVIEW_HEADER]
        lines.extend(_review_line(item, catalog, language) for item in looked)
        blocks.append("\n".join(lines))
    if not blocks or (lesson is not None and not lesson.glossary and not looked):
        blocks.append(texts.WORDS_NOTHING)
    return _messages(blocks)


def _review_line(item: LookedUp, catalog: LessonCatalog, language: str | None) -> str:
    lesson = catalog.get(item.lesson_id)
    entry = entry_for(lesson, item.term) if lesson is not None else None
    if entry is None:
        return texts.WORDS_REVIEW_LINE.format(
            term=esc(item.term), translation="", definition=texts.WORDS_REVIEW_GONE
        )
    translation = entry.translation(language)
    return texts.WORDS_REVIEW_LINE.format(
        term=esc(entry.term),
        translation=texts.WORDS_REVIEW_TRANSLATION.format(translation=esc(translation))
        if translation
        else "",
        definition=esc(entry.definition),
    )


def _counted(count: int, forms: tuple[str, str]) -> str:
    one, other = forms
    return (one if count == 1 else other).format(n=count)


def report_words(top: Sequence[TopWord]) -> str | None:
    """The report's block of a group's most looked-up words (None: nobody looked any up)."""
    if not top:
        return None
    lines = [texts.REPORT_WORDS_HEADER]
    lines.extend(
        texts.REPORT_WORDS_LINE.format(
            term=esc(word.term),
            lookups=_counted(word.times, texts.REPORT_WORDS_LOOKUPS),
            people=_counted(word.people, texts.REPORT_WORDS_PEOPLE),
        )
        for word in top
    )
    return "\n".join(lines)
