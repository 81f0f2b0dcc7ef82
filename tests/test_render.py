"""Rendering: escaping, splitting long sections, keyboards."""

from __future__ import annotations

import datetime as dt

from bot import callbacks
from bot.callbacks import SubmitChoice, ToggleChoice
from bot.lessons import ChoiceQuestion, Lesson, Section, Source
from bot.render import fit, markup
from bot.render import private as render
from bot.storage import Walk
from bot.walk import SectionStep, steps_of

WALK = Walk(7, 501, "private", 501, "lesson", "hash", 1, 0, "active", "t", None)


def lesson_with(text: str, title: str = "A <b>bold</b> & *odd* title") -> Lesson:
    return Lesson(
        id="lesson",
        title=title,
        source=Source(publisher="P & Q", date=dt.date(2020, 7, 8)),
        sections=(Section(title="One <two>", text=text),),
    )


def test_visible_length_counts_utf16_after_entities() -> None:
    assert fit.visible_length("<b>a&amp;b</b>") == 3
    assert fit.visible_length("😀") == 2


def test_lesson_and_user_text_is_escaped() -> None:
    lesson = lesson_with("x < y && z > 1 * 2")
    step = steps_of(lesson)[0]
    assert isinstance(step, SectionStep)
    (reply,) = render.section_messages(lesson, step, render.continue_keyboard(WALK, 0))
    assert "x &lt; y &amp;&amp; z &gt; 1 * 2" in reply.text
    assert "A &lt;b&gt;bold&lt;/b&gt; &amp; *odd* title" in reply.text
    assert "One &lt;two&gt;" in reply.text
    assert "Part 1 of 1" in reply.text


def test_long_section_splits_at_paragraphs_within_the_limit() -> None:
    paragraphs = [f"Paragraph {i} " + "word & " * 150 for i in range(12)]
    lesson = lesson_with("\n\n".join(paragraphs))
    step = steps_of(lesson)[0]
    assert isinstance(step, SectionStep)
    replies = render.section_messages(lesson, step, render.continue_keyboard(WALK, 0))
    assert len(replies) > 1
    for reply in replies:
        assert fit.visible_length(reply.text) <= fit.MESSAGE_LIMIT
    assert all(r.keyboard is None for r in replies[:-1]) and replies[-1].keyboard is not None
    # "(continued)" goes with the part's title; the source line is on the first message only.
    source = render.source_line(lesson)
    assert source in replies[0].text and all(source not in r.text for r in replies[1:])
    assert replies[1].text.split("\n\n", 1)[0].endswith(" (continued)")
    joined = "\n\n".join(r.text.split("\n\n", 1)[1] for r in replies)
    for paragraph in paragraphs:  # each paragraph whole, in one message, in order
        assert markup.esc(paragraph.strip()) in joined


def test_one_huge_paragraph_is_cut_at_sentences_then_words() -> None:
    sentence = "Emoji 😀 and <tags> in a sentence. "
    text = sentence * 400
    chunks = render.split_text(text, 1000)
    assert len(chunks) > 1
    assert all(fit.visible_length(c) <= 1000 for c in chunks)
    assert " ".join(fit.visible_text(c) for c in chunks).split() == text.split()


def test_single_and_multiple_choice_keyboards() -> None:
    single = ChoiceQuestion(
        id="q", type="choice", prompt="?", options=("A", "B"), answer="B", shuffle=False
    )  # in the written order: the shuffled order is tests/test_shuffled_options.py's
    rows = render.choice_keyboard(single, WALK).inline_keyboard
    assert [callbacks.decode(r[0].callback_data) for r in rows] == [  # type: ignore[arg-type]
        SubmitChoice(7, "q", 1),
        SubmitChoice(7, "q", 2),
    ]
    several = ChoiceQuestion(
        id="q", type="choice", prompt="?", options=("A", "B", "C"), answer=("A", "C"), shuffle=False
    )
    rows = render.choice_keyboard(several, WALK, ticked=(0,)).inline_keyboard
    assert rows[0][0].text.startswith("☑️") and rows[1][0].text.startswith("⬜")
    # Each option's button toggles that option alone (the ticks are kept on the server).
    assert callbacks.decode(rows[0][0].callback_data) == ToggleChoice(7, "q", 0)  # type: ignore[arg-type]
    assert callbacks.decode(rows[1][0].callback_data) == ToggleChoice(7, "q", 1)  # type: ignore[arg-type]
    assert callbacks.decode(rows[3][0].callback_data) == SubmitChoice(7, "q", 0b001)  # type: ignore[arg-type]
