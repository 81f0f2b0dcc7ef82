"""The seed lesson rewritten to a teacher's standard (issue 16): answers recorded before stay
tied to the questions kept, rewritten questions have new ids, and the quiz cannot be passed
by picking the longest option."""

from __future__ import annotations

from bot.lessons import ChoiceQuestion, DebateQuestion, Lesson
from bot.lessons.load import load_catalog
from tests.conftest import PROMPTS

# Unchanged questions keep their ids: answers already recorded stay tied to them.
KEPT = {
    "biegun-role",
    "ffvd-meaning",
    "seoul-new-team",
    "dissolution-grounds",
    "mediation-reply",
    "may-try-meaning",
    "denuclearization-talk",
    "seoul-on-its-own",
    "sanctions-for-talks",
    "editorial-fairness",
}
# Rewritten questions are new questions; their old ids are not used again.
RETIRED = {
    "state-dept-emphasis",
    "lee-on-sanctions",
    "on-our-own-reading",
    "working-group-purpose",
    "fast-track-projects",
    "north-true-aim",
    "wrong-message",
    "first-priority",
}


def seed() -> Lesson:
    lesson = load_catalog([PROMPTS]).get("biegun-seoul-2020")
    assert lesson is not None
    return lesson


def test_kept_and_retired_ids() -> None:
    ids = {q.id for q in seed().questions()}
    assert ids >= KEPT
    assert not ids & RETIRED
    # The questions the editorial asked for: the writer's purpose, what a phrase implies,
    # the main claim and the closing warning.
    assert {"fast-track-purpose", "on-our-own-implies", "main-claim", "closing-warning"} <= ids


def test_the_longest_option_is_seldom_the_right_one() -> None:
    choices = [q for q in seed().questions() if isinstance(q, ChoiceQuestion)]
    longest = [
        q.id
        for q in choices
        if len(q.correct_options[0]) > max(len(o) for o in q.options if o not in q.correct_options)
    ]
    assert len(longest) * 3 <= len(choices), longest
    # The right answer is not always in the same place in the file either.
    places = {q.options.index(q.correct_options[0]) for q in choices}
    assert places == {0, 1, 2, 3}


def test_titles_are_neutral_and_a_debate_has_a_middle_stance() -> None:
    lesson = seed()
    assert not any("risk" in section.title.lower() for section in lesson.sections)
    middle = [
        stance
        for q in lesson.discussion
        if isinstance(q, DebateQuestion)
        for stance in q.stances
        if "need not conflict" in stance
    ]
    assert middle == ["Both: they need not conflict"]
