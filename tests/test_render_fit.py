"""Fitting text into Telegram's limits, the one way (bot.render.fit): counted in UTF-16 code
units as Telegram counts, never cutting inside a character a reader sees as one."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.lessons import ChoiceQuestion, Lesson, Section, Source
from bot.render import fit, group, private
from bot.render.group import QuizPoll
from bot.render.markup import Reply, esc
from bot.render.words import plural
from bot.storage import Walk
from bot.walk import QuestionStep, SectionStep, steps_of

# What a reader sees as one character, some of it several code points (or UTF-16 units).
CLUSTERS = [
    "a",
    "Z",
    " ",
    ",",
    "é",  # one code point
    "e\u0301",  # e and a combining acute accent
    "한",  # a Hangul syllable
    "\u1112\u1161\u11ab",  # the same syllable as three jamo
    "🙂",  # two UTF-16 units
    "👍🏽",  # with a skin tone
    "❤️",  # with a variation selector
    "👩\u200d👩\u200d👧",  # a family: joined by zero-width joiners
    "🇰🇷",  # a flag: two regional indicators
    "1️⃣",  # a keycap
]

_clusters = st.lists(st.sampled_from(CLUSTERS), max_size=150)


def _whole_clusters(kept: str, clusters: list[str]) -> bool:
    """Whether ``kept`` is some first clusters of the text (without trailing spaces)."""
    return any("".join(clusters[:k]).rstrip() == kept for k in range(len(clusters) + 1))


@settings(max_examples=400, deadline=None)
@given(clusters=_clusters, limit=st.integers(1, 300))
def test_clip_fits_the_limit_and_keeps_whole_characters(clusters: list[str], limit: int) -> None:
    text = "".join(clusters)
    clipped = fit.clip(text, limit)
    assert fit.utf16_length(clipped) <= limit
    assert len(clipped.encode("utf-16-le")) // 2 == fit.utf16_length(clipped)
    if fit.utf16_length(text) <= limit:
        assert clipped == text
    else:
        assert clipped.endswith("…")
        assert _whole_clusters(clipped[:-1], clusters), clipped


@settings(max_examples=200, deadline=None)
@given(clusters=_clusters)
def test_a_popup_never_exceeds_200_units(clusters: list[str]) -> None:
    text = "".join(clusters) * 3
    popup = fit.popup(text)
    assert fit.utf16_length(popup) <= fit.POPUP_LIMIT
    assert popup == text or _whole_clusters(popup[:-1], clusters * 3)


def test_emoji_and_hangul_popups_fill_the_limit_in_utf16_units() -> None:
    assert fit.utf16_length("🙂") == 2 and fit.utf16_length("한") == 1
    emoji = fit.popup("🙂" * 150)  # 300 units: 99 emoji and the ellipsis
    assert emoji == "🙂" * 99 + "…" and fit.utf16_length(emoji) == 199
    hangul = fit.popup("한" * 300)
    assert hangul == "한" * 199 + "…" and fit.utf16_length(hangul) == 200
    flags = fit.popup("🇰🇷" * 60)  # 240 units; a flag is never cut in half
    assert flags == "🇰🇷" * 49 + "…"


def test_plural() -> None:
    assert [plural(n, "row") for n in (0, 1, 2)] == ["0 rows", "1 row", "2 rows"]


# --- the pop-ups and polls the bot builds ----------------------------------------------------

WALK = Walk(7, -100, "group", None, "lesson", "hash", 1, 0, "active", "t", None)
EMOJI_200 = "🙂" * 200  # as long as a lesson lets an explanation be: 400 UTF-16 units


def choice(**fields: object) -> ChoiceQuestion:
    values: dict[str, object] = {
        "id": "q",
        "type": "choice",
        "prompt": "Which?",
        "options": ("Yes", "No"),
        "answer": "Yes",
    }
    values.update(fields)
    return ChoiceQuestion.model_validate(values)


def test_a_group_members_popups_fit_with_emoji() -> None:
    wrong = "No " + "🙂" * 90
    question = choice(explanation=EMOJI_200, answer=wrong, options=("Yes", wrong))
    for text in (
        group.choice_feedback(question, correct=False),
        group.choice_feedback(question, correct=True),
        group.picks_feedback(question, [0, 1, 1, 1]),
        group.stance_feedback("한🙂" * 100),
        group.stance_feedback("한🙂" * 100, privately=True),
    ):
        assert fit.utf16_length(text) <= fit.POPUP_LIMIT
        assert text.endswith("…"), text


def test_a_quiz_poll_fits_telegrams_limits_with_emoji() -> None:
    question = choice(
        prompt="🙂" * 300, options=("🙂" * 100, "Plain"), answer="Plain", explanation=EMOJI_200
    )
    lesson = Lesson(
        id="lesson",
        title="Title",
        source=Source(publisher="P", date=dt.date(2020, 7, 8)),
        sections=(Section(title="One", text="Text.", questions=(question,)),),
    )
    step = next(s for s in steps_of(lesson) if isinstance(s, QuestionStep))
    # 100 emoji are 200 UTF-16 units, over a poll option's limit: the options are listed
    # in full in a message before the poll, whose options are their letters.
    listing, poll = group.question_messages(lesson, step, WALK, "bot", None)
    assert isinstance(poll, QuizPoll) and isinstance(listing, Reply)
    assert fit.utf16_length(poll.question) <= fit.POLL_QUESTION_LIMIT
    shown = [line.split(" ", 1)[1] for line in fit.visible_text(listing.text).splitlines()[4:6]]
    assert sorted(shown) == sorted(question.options)
    assert poll.options == ("A", "B")
    assert shown[poll.correct_option_id] == "Plain"
    assert poll.explanation is not None
    assert fit.utf16_length(poll.explanation) <= fit.POLL_EXPLANATION_LIMIT


# --- messages --------------------------------------------------------------------------------


def test_html_is_not_cut_between_a_letter_and_its_accent() -> None:
    text = "e\u0301" * 50  # no space to cut at: cut between two characters
    pieces = fit.split_html(text, 7)
    assert "".join(pieces) == text
    assert all(fit.visible_length(p) <= 7 and not p.startswith("\u0301") for p in pieces)


_BLOCK = st.lists(
    st.sampled_from(["word", "x&amp;y", "한🙂", "<b>bold</b>", "\n", " "]), max_size=40
)


@settings(max_examples=200, deadline=None)
@given(blocks=st.lists(_BLOCK.map("".join), max_size=12), budget=st.integers(20, 200))
def test_pack_fits_every_piece_and_keeps_fitting_blocks_whole(
    blocks: list[str], budget: int
) -> None:
    blocks = [b for b in blocks if fit.visible_text(b).strip()]
    pieces = fit.pack(blocks, budget)
    assert all(fit.visible_length(p) <= budget for p in pieces)
    joined = "\n\n".join(pieces)
    for block in blocks:
        if fit.visible_length(block) <= budget:
            assert any(block in piece for piece in pieces)
    assert "".join(fit.visible_text(joined).split()) == "".join(
        fit.visible_text("\n\n".join(blocks)).split()
    )


def test_a_long_section_paragraph_keeps_its_line_breaks() -> None:
    """A paragraph too long for one message is cut at a line break, and its other line
    breaks stay (a poem, a list: they were once all turned into spaces)."""
    lines = [f"Line {i}: " + "word " * 20 for i in range(80)]
    lesson = Lesson(
        id="lesson",
        title="Title",
        source=Source(publisher="P", date=dt.date(2020, 7, 8)),
        sections=(Section(title="One", text="\n".join(lines)),),
    )
    step = steps_of(lesson)[0]
    assert isinstance(step, SectionStep)
    replies = private.section_messages(lesson, step, None)
    assert len(replies) > 1
    bodies = [r.text.split("\n\n", 1)[1] for r in replies]
    assert all(fit.visible_length(r.text) <= fit.MESSAGE_LIMIT for r in replies)
    assert "\n".join(bodies) == esc("\n".join(lines))
