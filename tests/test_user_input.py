"""Whatever a student types is stored verbatim and never breaks a message the bot sends."""

from __future__ import annotations

from pathlib import Path

from tests.actors import Student, rows, settings_for, text
from tests.conftest import running_bot
from tests.standin import BotApiStandIn

TRICKY = [
    "<b>not bold</b> & <script>alert(1)</script> &amp; &lt;",
    "*not bold* _nor italic_ `code` [link](http://x) ~~strike~~ ||spoiler||",
    "مرحبا بالعالم — שלום עולם",  # right-to-left
    "zero\u200bwidth\u200djoiner\ufeffbom",
    "emoji 😀👩🏽‍🏫🇰🇷 and combining é",
]


async def test_tricky_and_maximal_answers_are_stored_verbatim_and_edits_are_versions(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    student = Student(standin)
    longest = "Long answer 😀 " * 273 + "x"  # exactly 4096 UTF-16 units: 😀 counts as two
    assert len(longest.encode("utf-16-le")) // 2 == 4096
    async with running_bot(settings_for(standin, tmp_path)):
        question = await student.begins_lesson()
        for _ in range(2):  # the two choice questions of part 1
            standin.press(student.user, question, question.button_texts[0])
            question = await student.reads()
        assert "Type your answer" in text(question)
        answer = student.says(longest)
        ack = await student.reads()
        assert "Saved your answer" in text(ack)
        standin.press(student.user, ack, "Continue ▸")  # under the model answer
        part_two = await student.reads()
        standin.edit_text(student.user, answer, TRICKY[0])  # edited after moving on
        assert "Updated your answer" in text(await student.reads())
        standin.press(student.user, part_two, "Continue ▸")
        # The rest of the lesson: press the first button, type a tricky text when asked.
        tricky = iter(TRICKY[1:] * 3)
        while "🏁" not in text(message := await student.reads()):
            if "Type your answer" in text(message) or "Why?" in text(message):
                student.says(next(tricky))
            elif "Continue ▸" in message.button_texts:  # a part, or under a model answer
                standin.press(student.user, message, "Continue ▸")
            elif message.buttons:
                standin.press(student.user, message, message.button_texts[0])
        summary = message
        assert "<b>not bold</b>" in text(summary)  # shown as text, not as markup
    assert standin.rejected == []
    versions = rows(
        tmp_path,
        "SELECT answer_text, version FROM answers WHERE question_id = 'ffvd-meaning' "
        "ORDER BY version",
    )
    typed = {row[0] for row in rows(tmp_path, "SELECT answer_text FROM answers")}
    assert versions == [(longest, 1), (TRICKY[0], 2)]
    assert set(TRICKY[1:]) <= typed
