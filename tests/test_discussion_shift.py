"""Opinion shift and the other side's best argument (issue 14), on the real Application over
the stand-in: a debate's stance asked before the reading (``ask_before``) privately right
after Begin and in a group under the session's opening message; the strongest argument
for the other side (``counter``) asked after the reason privately, through a group's
private link, and given in the group as a reply starting with "Other side:"."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from PIL import Image

from bot import i18n
from bot.__main__ import main
from bot.answering.discussion import other_side
from bot.chart import chart_height
from tests.actors import (
    FLOOD_WINDOW,
    Group,
    Moderator,
    Student,
    edited,
    link_payload,
    records,
    settings_for,
    text,
)
from tests.conftest import running_bot
from tests.standin import BotApiStandIn

pytestmark = pytest.mark.standin(flood_window=FLOOD_WINDOW)

LESSON = """\
id: shift
title: Shift
source: {publisher: Test Press, date: 2024-01-02}
sections:
  - title: Only part
    text: Short text.
discussion:
  - id: stand
    type: debate
    prompt: Should we do it?
    ask_before: true
    counter: true
  - id: how
    type: debate
    prompt: How fast?
    stances: [Fast, Slow]
    counter: What would someone who wants it slow say?
"""


def stored(db: Path, user_id: int) -> dict[str, tuple[object, object]]:
    """Each current answer of a member: question id → (stance, text)."""
    found = records(
        db, "SELECT * FROM answers WHERE user_id = ? ORDER BY question_id, version", user_id
    )
    return {r["question_id"]: (r["stance"], r["answer_text"]) for r in found}


async def test_a_student_is_asked_before_reading_and_for_the_other_side(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    settings = settings_for(standin, tmp_path, LESSON)
    ana = Student(standin, "Ana", "ana")
    async with running_bot(settings):
        ana.says("/start")
        await ana.reads()  # welcome
        await ana.presses(await ana.reads(), "▶️ Begin")
        before = await ana.reads()
        assert "Before you read" in text(before) and "Should we do it?" in text(before)
        assert before.button_texts == ["Agree", "Disagree", "Not sure"]
        assert "ask again after the reading" in await ana.presses(before, "Agree")
        part = await ana.reads()
        shown = await standin.wait_for(
            lambda: (
                m
                if "Before reading" in text(m := standin.message(before.chat_id, before.message_id))
                else None
            )
        )
        assert "Before reading: Agree" in text(shown) and not shown.buttons
        assert "Part 1 of 1" in text(part)
        # A second press on the old message changes nothing.
        await ana.presses(part, "Continue ▸")
        debate = await ana.reads()
        assert "Should we do it?" in text(debate)
        await ana.presses(debate, "Disagree")
        await ana.reads()  # why?
        ana.says("Too costly for now")
        ask = await ana.reads()
        assert "Saved your stance" in text(ask) and "strongest argument for the other side" in text(
            ask
        )
        assert "What others said" not in text(ask) and "first to answer" not in text(ask)
        ana.says("It would help people sooner")
        thanks = await ana.reads()
        assert "the other side's best argument" in text(thanks)
        assert "first to answer" in text(thanks)  # the reveal, after the whole answer
        second = await ana.reads()
        assert "How fast?" in text(second)
        await ana.presses(second, "Fast")
        await ana.reads()
        ana.says("Because waiting costs lives")
        ask = await ana.reads()
        assert "What would someone who wants it slow say?" in text(ask)
        ana.says("Slow is safer")
        await ana.reads()  # thanks
        summary = text(await ana.reads())
        assert "You moved from Agree to Disagree" in summary
        assert "Other side: It would help people sooner" in summary
        assert "Other side: Slow is safer" in summary

    answers = stored(tmp_path, ana.user.id)
    assert answers["stand~before"] == ("Agree", None)
    assert answers["stand"] == ("Disagree", "Too costly for now")
    assert answers["stand~counter"] == (None, "It would help people sooner")
    assert answers["how~counter"] == (None, "Slow is safer")


async def test_a_student_who_holds_their_view_is_told_so(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    settings = settings_for(standin, tmp_path, LESSON.replace("    counter: true\n", ""))
    ana = Student(standin, "Ana", "ana")
    async with running_bot(settings):
        ana.says("/start")
        await ana.reads()
        await ana.presses(await ana.reads(), "▶️ Begin")
        await ana.presses(await ana.reads(), "Not sure")
        await ana.presses(await ana.reads(), "Continue ▸")
        await ana.presses(await ana.reads(), "Not sure")
        await ana.reads()
        ana.says("Still unsure")
        await ana.reads()
        second = await ana.reads()
        await ana.presses(second, "Slow")
        await ana.reads()
        ana.says("Slowly")
        await ana.reads()
        ana.says("Fast is riskier")
        await ana.reads()
        summary = text(await ana.reads())
        assert "You held your view: Not sure" in summary


async def test_a_group_is_asked_before_the_reading_and_replies_with_the_other_side(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    settings = settings_for(standin, tmp_path, LESSON)
    group = Group(standin, members=["Bo", "Cy"])
    bo, cy = group.members
    async with running_bot(settings, group_window=FLOOD_WINDOW):
        group.says(group.admin, "/begin")
        await group.reads()  # the opening message
        before = await group.reads()
        assert "Before we read" in text(before) and "Should we do it?" in text(before)
        assert "ask again" in await group.presses(bo, before, "Agree")
        assert "that stays" in await group.presses(bo, before, "Disagree")
        await group.presses(cy, before, "Disagree")
        group.says(group.admin, "/next")
        await group.reads()  # the part
        group.says(group.admin, "/next")
        debate = await group.reads()  # the discussion comes one question per /next
        assert "Other side:" in text(debate)
        # Too late for a stance before the reading once the question is posted.
        assert await group.presses(cy, before, "Agree") != ""
        await group.presses(bo, debate, "Disagree")
        standin.reply(bo, debate, "It is too costly")
        standin.reply(bo, debate, "Other side: it would help people sooner")
        await group.presses(cy, debate, "Disagree")
        # Cy answers privately: the other side is asked as a reply to his reason.
        cy_chat = Student(standin, user=cy)
        cy_chat.says(f"/start {link_payload(debate)}")
        await cy_chat.reads()
        asked = await cy_chat.reads()
        await cy_chat.presses(asked, "Disagree")
        await cy_chat.reads()
        reason = cy_chat.says("Not now")
        ask = await cy_chat.reads()
        assert "strongest argument for the other side" in text(ask)
        assert ask.reply_to is not None and ask.reply_to.message_id == reason.message_id
        cy_chat.says("People wait too long")
        thanks = await cy_chat.reads()
        assert "Saved" in text(thanks) and "It is too costly" in text(thanks)
        await group.barrier()

        # The moderator's report: the shift per question, the other side per student, and
        # the chart's before/after panel.
        admin = Moderator(standin, group)
        await admin.opens_chat()
        group.says(group.admin, "/report")
        await group.reads()
        body = text(await admin.reads())
        assert "Before → after reading: Agree→Disagree 1, unchanged 1" in body
        assert "Other side: it would help people sooner" in body
        assert "Other side: People wait too long" in body
        chart = await admin.reads()
        assert chart.photo is not None
        image = Image.open(io.BytesIO(chart.photo.data))
        # One debate asked so far, with a before/after panel of two rows.
        assert image.height == chart_height(1, 1, 1)

    bo_answers = stored(tmp_path, bo.id)
    assert bo_answers["stand~before"] == ("Agree", None)
    assert bo_answers["stand"] == ("Disagree", "It is too costly")
    assert bo_answers["stand~counter"] == (None, "it would help people sooner")
    cy_answers = stored(tmp_path, cy.id)
    assert cy_answers["stand~before"] == ("Disagree", None)
    assert cy_answers["stand~counter"] == (None, "People wait too long")
    # The export: the question by its own id, with the phase and the part.
    out = tmp_path / "answers.csv"
    assert (
        main(
            [
                "export",
                "--db",
                str(tmp_path / "bot.sqlite3"),
                "--prompts",
                str(tmp_path / "prompts"),
                "--out",
                str(out),
            ]
        )
        == 0
    )
    exported = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    bo_rows = {
        (r["question_id"], r["phase"], r["part"]) for r in exported if r["user_id"] == str(bo.id)
    }
    assert bo_rows == {
        ("stand", "before", "stance"),
        ("stand", "", "reason"),
        ("stand", "", "counter"),
    }


COUNTER_ONLY = """\
id: counter
title: Counter
source: {publisher: Test Press, date: 2024-01-02}
sections:
  - title: Only part
    text: Short text.
discussion:
  - id: how
    type: debate
    prompt: How fast?
    stances: [Fast, Slow]
    counter: true
"""


def test_the_other_side_prefix_of_each_language() -> None:
    """The group's language's prefix and the English one, in any case and spacing."""
    with i18n.speaking("ko"):
        assert other_side("반대 입장: 느리면 더 안전해요") == "느리면 더 안전해요"
        assert other_side("  반대입장 ： 천천히") == "천천히"
        assert other_side("OTHER SIDE : it saves money") == "it saves money"
        assert other_side("반대 입장:") is None  # nothing after it: a reason, as typed
        assert other_side("반대 입장은 잘 모르겠어요") is None
    with i18n.speaking("en"):
        assert other_side("other side:  sooner") == "sooner"
        assert other_side("반대 입장: 천천히") is None
        assert other_side("Other sides: no") is None
        assert other_side("The other side: no") is None


async def test_a_korean_group_gives_the_other_side_with_its_own_prefix(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    settings = settings_for(standin, tmp_path, COUNTER_ONLY)
    group = Group(standin, members=["Bo", "Cy", "Di"])
    bo, cy, di = group.members
    async with running_bot(settings, group_window=FLOOD_WINDOW):
        group.says(group.admin, "/language")
        asked = await group.reads()
        await group.presses(group.admin, asked, "한국어")
        await standin.wait_for(lambda: edited(standin, asked))
        group.says(group.admin, "/begin")
        await group.reads()  # the opening message
        group.says(group.admin, "/next")
        await group.reads()  # the part
        group.says(group.admin, "/next")
        debate = await group.reads()
        assert "답장 맨 앞에 “반대 입장:”라고 쓰고" in text(debate)
        for member, stance, reason, argument in (
            (bo, "Fast", "빨라서요", "반대 입장: 느리면 더 안전해요"),
            (cy, "Slow", "안전해서요", "Other side: it is done sooner"),
            (di, "Fast", "좋아서요", "반대입장 ： 돈이 덜 들어요"),
        ):
            await group.presses(member, debate, stance)
            standin.reply(member, debate, reason)
            standin.reply(member, debate, argument)
        await group.barrier()

    assert stored(tmp_path, bo.id)["how~counter"] == (None, "느리면 더 안전해요")
    assert stored(tmp_path, cy.id)["how~counter"] == (None, "it is done sooner")
    assert stored(tmp_path, di.id)["how~counter"] == (None, "돈이 덜 들어요")
    assert stored(tmp_path, bo.id)["how"] == ("Fast", "빨라서요")
