"""Reports and /myanswers too long for one Telegram message are split, each part valid HTML."""

from __future__ import annotations

import re
from collections.abc import Callable
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot import texts
from bot.lessons import ChoiceQuestion, DebateQuestion, Lesson, LessonCatalog
from bot.lessons.load import load_lesson_file
from bot.render import privacy as render_privacy
from bot.render import reports as render_reports
from bot.render.fit import MESSAGE_LIMIT, split_html, visible_length, visible_text
from bot.render.markup import Reply, esc
from bot.results import session_results
from bot.storage import AnswerFact, StoredAnswer, Walk
from tests.conftest import PROMPTS

ENTITY = re.compile(r"&(?:amp|lt|gt|quot|#[0-9]+|#x[0-9a-fA-F]+);")
TAG = re.compile(r"</?[a-z][a-z0-9-]*(?:\s[^<>]*)?>")


class _Balance(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.open and self.open[-1] == tag, f"</{tag}> closes {self.open}"
        self.open.pop()


def check_message(reply: Reply) -> None:
    """At most the limit, tags balanced, no cut tag or entity, no empty message."""
    html = reply.text
    assert visible_length(html) <= MESSAGE_LIMIT
    assert visible_text(html).strip()
    parser = _Balance()
    parser.feed(html)
    parser.close()
    assert parser.open == [], f"left open: {parser.open}"
    text = TAG.sub("", html)
    assert "<" not in text and ">" not in text, "a cut tag or a bare < or >"
    assert "&" not in ENTITY.sub("", text), "a cut entity or a bare &"


def words(replies: list[Reply]) -> list[str]:
    """The visible text, without the spaces and line breaks a split may drop."""
    return " ".join(visible_text(r.text) for r in replies).split()


def unsplit(
    monkeypatch: pytest.MonkeyPatch, render: Callable[..., list[Reply]], *args: object
) -> list[Reply]:
    """What the renderer gives with no limit at all: the whole text in one message."""
    with monkeypatch.context() as patch:
        patch.setattr(render_reports, "MESSAGE_LIMIT", 10**9)
        return render(*args)


@pytest.fixture(scope="module")
def lesson() -> Lesson:
    loaded, problems = load_lesson_file(PROMPTS / "biegun-seoul-2020.yaml")
    assert loaded is not None, problems
    return loaded


def typed(n: int, length: int) -> str:
    """A typed answer of exactly ``length`` characters, with markup-like characters."""
    text = f"Answer {n}: Seoul & Washington <allies> — 한국어 😀 " * (length // 20 + 1)
    return text[:length].strip().ljust(length, ".")


def stored(lesson: Lesson, walk: Walk, length: int) -> list[StoredAnswer]:
    answers = []
    for i, question in enumerate(lesson.questions(), start=1):
        stance = question.stances[0] if isinstance(question, DebateQuestion) else None
        correct = True if isinstance(question, ChoiceQuestion) else None
        answers.append(
            StoredAnswer(
                id=i,
                walk_id=walk.id,
                chat_id=walk.chat_id,
                user_id=501,
                display_name="Ann",
                username="ann",
                lesson_id=lesson.id,
                lesson_version=lesson.version,
                attempt=walk.attempt,
                question_id=question.id,
                question_type=question.type,
                option_indexes=(0,) if correct else (),
                answer_text=typed(i, length),
                is_correct=correct,
                stance=stance,
                retracted=False,
                via="text",
                version=1,
                answered_at="2026-01-01T00:00:00.000Z",
            )
        )
    return answers


def test_my_answers_with_long_typed_answers_are_split_at_lines(
    lesson: Lesson, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert len(lesson.questions()) == 18
    walk = Walk(7, 501, "private", 501, lesson.id, lesson.version, 1, 0, "finished", "t", None)
    titles: dict[int, str] = {}
    args = (LessonCatalog([lesson]), stored(lesson, walk, 250), {walk.id: walk}, titles)
    (whole,) = unsplit(monkeypatch, render_privacy.my_answers, *args)
    assert visible_length(whole.text) > MESSAGE_LIMIT  # the case that used to fail
    replies = render_privacy.my_answers(*args)
    assert len(replies) == 2
    for reply in replies:
        check_message(reply)
    assert words(replies) == words([whole])
    # Cut at a line break only, never inside a line, and not between a prompt and its answer.
    lines = whole.text.split("\n")
    assert sum(len(r.text.split("\n")) for r in replies) == len(lines)
    assert replies[1].text.startswith("• ")
    assert "\n".join(r.text for r in replies) == whole.text


@pytest.mark.parametrize("spaced", [True, False], ids=["words", "no-spaces"])
def test_one_huge_answer_line_is_cut_without_breaking_tags_or_entities(spaced: bool) -> None:
    unit = "x & y < z > w " if spaced else "x&y<z>w"
    huge = (unit * (4000 // len(unit) + 1))[:4000]
    longest = (unit * (4096 // len(unit) + 1))[:4096]  # as long as a typed answer can be
    lines = [
        texts.MY_ANSWERS_LESSON.format(lesson="Seoul &amp; Washington", where="in <i>Room</i>"),
        texts.MY_ANSWERS_LINE.format(prompt="A short one?", answer="Yes &lt;really&gt;"),
        texts.MY_ANSWERS_LINE.format(prompt="The long one?", answer=f"<b>Agree</b> — {esc(huge)}"),
        texts.MY_ANSWERS_LINE.format(prompt="Bold?", answer=f"<b>{esc(longest)}</b> ✅"),
        texts.MY_ANSWERS_LINE.format(prompt="Last?", answer="No"),
    ]
    block = "\n".join(lines)
    replies = render_reports.chunked([texts.MY_ANSWERS_HEADER, block])
    for reply in replies:
        check_message(reply)
    whole = texts.MY_ANSWERS_HEADER + "\n\n" + block
    if spaced:  # cut at spaces and line breaks only
        assert words(replies) == visible_text(whole).split()
    else:  # somewhere between two characters, but nothing is lost
        assert "".join(words(replies)) == "".join(visible_text(whole).split())
    first, second, third, fourth = (r.text for r in replies)
    # The short lines stay together; the 4,000-character answer fits a message of its own,
    # with its prompt, so it is not cut.
    assert first == f"{texts.MY_ANSWERS_HEADER}\n\n{lines[0]}\n{lines[1]}"
    assert second == lines[2]
    # The longest is cut inside its <b>: closed before the cut and opened again after it.
    assert third.startswith("• Bold?\n  → <b>x") and third.endswith("</b>")
    assert fourth.startswith("<b>") and fourth.endswith("</b> ✅\n• Last?\n  → No")
    assert visible_length(third) > MESSAGE_LIMIT - 100  # filled before cutting


def test_report_for_300_participants_with_long_names(
    lesson: Lesson, monkeypatch: pytest.MonkeyPatch
) -> None:
    names = [f"Participant {i:03d} & <Family> Long-Name".ljust(40, "x") for i in range(300)]
    assert all(len(name) == 40 for name in names)
    first = lesson.questions()[0]
    facts = [AnswerFact(1000 + i, name, None, first.id, True, None) for i, name in enumerate(names)]
    results = session_results(lesson, facts)
    assert all(len(result.missing) == 300 for result in results.questions[1:])
    walk = Walk(
        9, -100, "group", None, lesson.id, lesson.version, 1, 5, "active", "2026-01-01", None
    )
    args = ("Room & <Co>", lesson, walk, results)
    whole = unsplit(monkeypatch, render_reports.report, *args)
    assert any(visible_length(r.text) > MESSAGE_LIMIT for r in whole)
    replies = render_reports.report(*args)
    for reply in replies:
        check_message(reply)
    assert words(replies) == words(whole)
    head = "📊 <b>Report: Room &amp; &lt;Co&gt;</b>\nLesson: <b>"
    assert replies[0].text.startswith(head)
    assert "\nParticipants (300): Participant 000 &amp; &lt;Family&gt; Long-Name" in replies[0].text
    # Each question with its long list of who has not answered begins a message.
    for result in results.questions[1:]:
        assert any(r.text.startswith(f"<b>{result.label}.</b>") for r in replies)
    # The lists are cut between two names, never inside one.
    for name in names:
        assert sum(esc(name) in r.text for r in replies) == len(results.questions)


def test_normal_sized_report_is_unchanged(lesson: Lesson) -> None:
    facts = [AnswerFact(1, "Ann", "ann", lesson.questions()[0].id, True, None)]
    results = session_results(lesson, facts)
    walk = Walk(
        9, -100, "group", None, lesson.id, lesson.version, 1, 5, "active", "2026-01-01", None
    )
    replies = render_reports.report("Room", lesson, walk, results)
    assert len(replies) == 1
    assert "Participants (1): Ann" in replies[0].text
    assert replies[0].text.count("Not yet: Ann") == len(lesson.questions()) - 1


# --- any HTML of ours, any budget ------------------------------------------------------------

_WORD = st.text(alphabet=st.sampled_from(list("ab&<>é한🙂")), min_size=1, max_size=12)


@st.composite
def _html_lines(draw: st.DrawFn) -> str:
    """Lines as the bot writes them: escaped text, some of it in <b> or <i>, some indented."""
    lines = []
    for _ in range(draw(st.integers(1, 12))):
        parts = []
        for _ in range(draw(st.integers(1, 8))):
            piece = esc(" ".join(draw(st.lists(_WORD, min_size=1, max_size=6))))
            tag = draw(st.sampled_from(["", "b", "i"]))
            parts.append(f"<{tag}>{piece}</{tag}>" if tag else piece)
        lines.append(draw(st.sampled_from(["", "  "])) + " ".join(parts))
    return "\n".join(lines)


@settings(max_examples=300, deadline=None)
@given(html=_html_lines(), budget=st.integers(8, 120))
def test_any_html_of_ours_splits_into_valid_pieces(html: str, budget: int) -> None:
    pieces = split_html(html, budget)
    for piece in pieces:
        assert visible_length(piece) <= budget
        check_message(Reply(piece))
    # Only the spaces and line breaks cut at are dropped: every word is there, in order.
    assert "".join("".join(visible_text(p).split()) for p in pieces) == "".join(
        visible_text(html).split()
    )
