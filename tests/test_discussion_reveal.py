"""What others said, shown after answering (issue 14): three students take a lesson alone,
one after the other, on the real Application over the stand-in.

The second and the third see the earlier students' reasons only once their own answer is
in, never a name; a student who keeps their reasons private (/settings) is counted but
never quoted; /forget takes a quoted reason away at once.
"""

from __future__ import annotations

from pathlib import Path

from tests.actors import Student, edited, settings_for, text, value
from tests.conftest import running_bot
from tests.standin import BotApiStandIn, StoredMessage

LESSON = """\
id: talk
title: Talk
source: {publisher: Test Press, date: 2024-01-02}
sections:
  - title: Only part
    text: Short text.
    questions:
      - id: gist
        type: short
        prompt: Say the gist.
discussion:
  - id: stand
    type: debate
    prompt: Should we do it?
"""

LONG_REASON = "Because it helps the students who need it the most, every single day."


async def take_lesson(
    student: Student, gist: str, stance: str, reason: str
) -> tuple[StoredMessage, StoredMessage, StoredMessage]:
    """The whole lesson: the short question's thanks, the debate question (as first
    shown, before answering) and the reason's thanks."""
    question = await student.begins_lesson()
    assert "Say the gist" in text(question)
    student.says(gist)
    short_thanks = await student.reads()
    debate = await student.reads()
    assert "Should we do it?" in text(debate)
    await student.presses(debate, stance)
    await student.reads()  # why?
    student.says(reason)
    reason_thanks = await student.reads()
    await student.reads()  # the summary
    return short_thanks, debate, reason_thanks


async def test_later_students_see_earlier_reasons_only_after_answering_without_names(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    settings = settings_for(standin, tmp_path, LESSON)
    ana = Student(standin, "Ana", "ana")
    ben = Student(standin, "Ben", "ben")
    cho = Student(standin, "Cho", "cho")
    async with running_bot(settings):
        short, _, first = await take_lesson(ana, "Ana's gist of it", "Agree", LONG_REASON)
        assert "first to answer" in text(short)
        assert "first to answer" in text(first)
        # The thanks for the first typed answer (which others may see) explains, once, that
        # it may be shown and how to stop it.
        assert "never your name" in text(short) and "/settings" in text(short)
        assert "never your name" not in text(first)

        short, debate, thanks = await take_lesson(
            ben, "Ben's gist", "Disagree", "No way, too costly"
        )
        # Before answering, nothing of Ana's shows.
        assert LONG_REASON not in text(debate) and "Agree 1" not in text(debate)
        assert "Ana's gist of it" in text(short) and "a classmate" in text(short)
        assert "Agree 1 · Disagree 1 · Not sure 0" in text(thanks)
        assert LONG_REASON in text(thanks) and "a classmate" in text(thanks)
        assert "Ana" not in text(thanks) and "ana" not in text(thanks).split()
        assert "never your name" in text(short)  # Ben is told too, once
        assert "never your name" not in text(thanks)

        _, _, thanks = await take_lesson(cho, "Cho's gist", "Not sure", "Hard to say really")
        assert "Agree 1 · Disagree 1 · Not sure 1" in text(thanks)
        assert LONG_REASON in text(thanks) and "No way, too costly" in text(thanks)
        assert "Ana" not in text(thanks) and "Ben" not in text(thanks)


async def test_private_reasons_are_counted_not_quoted_and_forget_removes_them_at_once(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    settings = settings_for(standin, tmp_path, LESSON)
    ana = Student(standin, "Ana", "ana")
    ben = Student(standin, "Ben", "ben")
    cho = Student(standin, "Cho", "cho")
    dan = Student(standin, "Dan", "dan")
    async with running_bot(settings):
        # Ben keeps his reasons private before he answers.
        ben.says("/settings")
        panel = await ben.reads()
        assert "Show <b>your</b> reasons too: <b>yes</b>" in (panel.html or "")
        assert "Done" in await ben.presses(panel, "🙈 Keep my reasons private")
        ben.says("/settings")
        assert "no, they stay private" in text(await ben.reads())
        await take_lesson(ben, "Ben's hidden gist", "Disagree", "Ben's hidden reason, long enough")
        await take_lesson(ana, "Ana's gist of it", "Agree", LONG_REASON)

        _, _, thanks = await take_lesson(cho, "Cho's gist", "Agree", "Cho thinks so")
        assert "Agree 2 · Disagree 1" in text(thanks)  # Ben's stance counts
        assert "Ben's hidden" not in text(thanks)  # his reason is never quoted
        assert LONG_REASON in text(thanks)

        # Ana forgets everything: her quoted reason is gone for the next student at once.
        ana.says("/forget")
        confirm = await ana.reads()
        await ana.presses(confirm, "Yes, delete everything")
        done = await standin.wait_for(lambda: edited(standin, confirm))
        assert "Done" in text(done)
        assert (
            value(tmp_path, "SELECT COUNT(*) FROM discussion_people WHERE user_id = ?", ana.user.id)
            == 0
        )
        _, _, thanks = await take_lesson(dan, "Dan's gist", "Agree", "Dan agrees")
        assert LONG_REASON not in text(thanks)
        assert "Agree 2 · Disagree 1" in text(thanks)  # Cho and Dan; Ben
        assert "Cho thinks so" in text(thanks)


async def test_a_reason_without_words_is_asked_for_words_once(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    settings = settings_for(standin, tmp_path, LESSON)
    ana = Student(standin, "Ana", "ana")
    async with running_bot(settings):
        await ana.begins_lesson()
        ana.says("The gist")
        await ana.reads()
        debate = await ana.reads()
        await ana.presses(debate, "Agree")
        await ana.reads()  # why?
        ana.says("👍👍")
        assert "say that in words" in text(await ana.reads())
        ana.says("👍")  # asked once only: now it is her reason
        assert "Saved your stance" in text(await ana.reads())
    assert (
        value(
            tmp_path,
            "SELECT answer_text FROM answers WHERE question_id = 'stand' "
            "ORDER BY version DESC LIMIT 1",
        )
        == "👍"
    )
