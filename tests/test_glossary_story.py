"""📖 Words and /words on the real Application over the stand-in (issue 15, the glossary):
a student's private lesson, a group session (nothing posted in the group; the entries go to
the presser's private chat, or a link opens it first), lookups in the report and the
export, and /forget removing them."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from bot import texts
from bot.__main__ import main
from bot.render.fit import MESSAGE_LIMIT, utf16_length
from tests.actors import (
    DB_NAME,
    FLOOD_WINDOW,
    Group,
    Moderator,
    Student,
    edited,
    html,
    link_payload,
    rows,
    settings_for,
    text,
    value,
)
from tests.conftest import running_bot
from tests.standin import BotApiStandIn, StoredMessage

SEED_ID = "biegun-seoul-2020"

WORDS_LESSON = """\
id: words
title: Words & more
source: {publisher: Test Press, date: 2024-01-02}
sections:
  - title: Only part
    text: The Nominee spoke about sanctions on the North.
    questions:
      - id: why
        type: short
        prompt: Why did the nominee speak?
glossary:
  - term: nominee
    definition: A person chosen for a job <not yet> approved.
    translations: {ko: 후보자}
    example: The Nominee spoke about sanctions.
  - term: sanctions
    definition: Limits on trade with a country.
    translations: {ko: 제재}
"""


async def read_until(student: Student, needle: str) -> list[StoredMessage]:
    """The bot's next messages in the student's chat, up to the one holding ``needle``."""
    read = [await student.reads()]
    while needle not in text(read[-1]):
        read.append(await student.reads())
    return read


async def test_words_in_a_private_lesson_with_korean_translations_and_words_for_review(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    settings = settings_for(standin, tmp_path)
    student = Student(standin, user=standin.user("Min", username="min", language_code="ko-KR"))
    async with running_bot(settings):
        # Telegram says Korean: the interface is Korean too (bot/i18n.py), the lesson English.
        student.says("/start")
        await student.reads()  # the welcome
        standin.press(student.user, await student.reads(), "▶️ 시작하기")
        before = await student.reads()  # the seed lesson's stance before the reading (issue 14)
        assert "읽기 전에" in text(before)
        await student.presses(before, "Agree")
        part = await student.reads()
        assert part.button_texts == ["📖 단어 (5)", "계속하기 ▸"]

        assert await student.presses(part, "📖 단어 (5)") == ""
        words = await student.reads()
        shown = html(words)
        assert shown.startswith("📖 <b>단어</b> · S. Korean government prioritizes N. Korea")
        assert "파트 1: <i>A visit and a nominee</i>" in shown
        for term in ("FFVD", "denuclearization", "nominee", "Unification Minister"):
            assert f"<b>{term}</b>: " in shown
        assert "🌐 최종적이고 완전히 검증된 비핵화" in shown  # the reader's language: ko
        assert "🌐 후보자, 지명자" in shown
        # The example, with the term (and its forms) in bold.
        assert "the <b>final, fully verified denuclearization</b> (<b>FFVD</b>)" in shown
        assert part.edit_count == 0  # the part is untouched: Words is not Continue

        await student.presses(part, "계속하기 ▸")
        after = await standin.wait_for(lambda: edited(standin, part))
        assert after.button_texts == ["📖 단어 (5)"]  # Continue goes, Words stays
        assert "질문 1/3" in text(await student.reads())

        student.says("/words")
        review = await read_until(student, "내가 찾아본 단어")
        assert all(utf16_length(text(m)) <= MESSAGE_LIMIT for m in review)
        whole = "\n".join(html(m) for m in review)
        assert whole.startswith("📖 <b>S. Korean government prioritizes N. Korea")
        assert whole.count("🌐 ") >= 21  # the lesson's whole glossary, with its Korean
        looked = html(review[-1]).split("🔁 <b>내가 찾아본 단어</b> (최근 것부터)\n", 1)[1]
        assert "• <b>FFVD</b> (최종적이고 완전히 검증된 비핵화): Final, fully verified" in looked
        assert looked.count("• ") == 5

    found = rows(
        tmp_path, "SELECT user_id, chat_id, lesson_id, section, term FROM lookups ORDER BY id"
    )
    assert [r[4] for r in found] == [
        "FFVD",
        "denuclearization",
        "nominee",
        "Unification Minister",
        "working group",
    ]
    assert {r[:4] for r in found} == {(student.user.id, student.chat.id, SEED_ID, 1)}


async def test_words_in_a_group_go_privately_and_count_in_the_report_and_the_export(
    standin: BotApiStandIn, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    room = Group(standin)
    reader = Student(standin, user=room.members[0])  # has started the bot
    newcomer = room.members[1]  # never has
    newcomer.language_code = "ko"
    settings = settings_for(standin, tmp_path, WORDS_LESSON)
    async with running_bot(settings, group_window=FLOOD_WINDOW):
        await reader.opens_chat()
        admin = Moderator(standin, room)
        await admin.opens_chat()
        room.says(room.admin, "/begin")
        await room.reads()
        room.says(room.admin, "/next")
        part = await room.reads()
        assert part.button_texts == ["📖 Words (2)", "Next ▸ (admins)"]

        said = await room.presses(reader.user, part, "📖 Words (2)")
        assert said == texts.WORDS_SENT_PRIVATELY
        entries = html(await reader.reads())
        assert "<b>nominee</b>: A person chosen for a job &lt;not yet&gt; approved." in entries
        assert "💬 <i>The <b>Nominee</b> spoke about sanctions.</i>" in entries
        assert "<b>sanctions</b>: Limits on trade" in entries
        assert "🌐" not in entries  # an English reader: no translation line

        # Someone the bot may not write to yet: the press opens the private chat by link.
        query = standin.press(newcomer, part, "📖 Words (2)")
        answer = await standin.wait_for_callback_answer(query, timeout=10)
        assert answer.url == "https://t.me/editorial_test_bot?start=w1_words"
        assert answer.text is None
        late = Student(standin, user=newcomer)
        late.says("/start w1_words")
        welcomed = html(await late.reads())
        assert "<b>nominee</b>: A person" in welcomed and "🌐 후보자" in welcomed

        # Forged or stale presses: a part or lesson that does not exist.
        for forged in ("v1:wd:words:2", "v1:wd:nope:1", "v1:wd:words:0"):
            popup = await standin.wait_for_callback_answer(
                standin.press_data(reader.user, part, forged), timeout=10
            )
            # Part 0 is no callback data the bot builds: the unknown button's pop-up.
            unknown = forged.endswith(":0")
            assert (popup.text == texts.WORDS_UNAVAILABLE) is not unknown
            assert popup.text and popup.text != texts.WORDS_SENT_PRIVATELY

        await room.barrier()  # every press above handled
        # Nothing of the glossary was posted in the group.
        posted = [text(m) for m in standin.bot_messages(room.chat.id)]
        assert not any("A person chosen" in t or "Words ·" in t for t in posted)

        room.says(room.admin, "/next")  # the question: the part's Next moves, Words stays
        await room.reads()
        kept = await standin.wait_for(lambda: edited(standin, part))
        assert kept.button_texts == ["📖 Words (2)"]

        room.says(room.admin, "/report")
        assert "Sent to you in a private chat" in text(await room.reads())
        report = await read_until(admin, "Most looked-up words")
        assert (
            "📖 Most looked-up words\n• nominee: 2 lookups by 2 people\n"
            "• sanctions: 2 lookups by 2 people" in text(report[-1])
        )

        # /forget takes this reader's lookups, and only theirs.
        reader.says("/forget")
        confirm = await reader.reads()
        await reader.presses(confirm, texts.FORGET_YES)
        done = await standin.wait_for(lambda: edited(standin, confirm))
        assert "and 2 other records about you" in text(done)

    assert value(tmp_path, "SELECT COUNT(*) FROM lookups WHERE user_id = ?", reader.user.id) == 0
    assert rows(tmp_path, "SELECT DISTINCT user_id, chat_id, section FROM lookups") == [
        (newcomer.id, room.chat.id, 1)
    ]

    db, prompts = str(tmp_path / DB_NAME), str(tmp_path / "prompts")
    assert main(["export", "--db", db, "--prompts", prompts, "--lookups"]) == 0
    exported = list(csv.DictReader(io.StringIO(capsys.readouterr().out.lstrip("\ufeff"))))
    assert [(r["term"], r["user_id"], r["chat_id"], r["section"]) for r in exported] == [
        ("nominee", str(newcomer.id), str(room.chat.id), "1"),
        ("sanctions", str(newcomer.id), str(room.chat.id), "1"),
    ]
    assert exported[0]["chat_title"] == "Room" and exported[0]["lesson_id"] == "words"
    assert main(["export", "--db", db, "--lookups", "--format", "xlsx"]) == 2


async def test_export_lookups_in_telegram_sends_the_clis_file(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    """/export lookups: the glossary lookups made in the group, as the moderator's private
    file, the very bytes ``python -m bot export --lookups --chat`` writes; csv or jsonl, from
    the group, from the private chat's group buttons, and waiting for a first Start."""
    room = Group(standin)
    reader = Student(standin, user=room.members[0])
    settings = settings_for(standin, tmp_path, WORDS_LESSON)
    async with running_bot(settings, group_window=FLOOD_WINDOW):
        await reader.opens_chat()
        # No private chat with the admin yet: the request waits for their Start.
        room.says(room.admin, "/export lookups")
        assert "you have not started a chat with me yet" in text(await room.reads())
        admin = Moderator(standin, room)  # opens the chat with the bot only now
        admin.says("/start deliver")
        assert "Nobody has looked up a word in Room yet" in text(await admin.reads())
        room.says(room.admin, "/begin")
        await room.reads()
        room.says(room.admin, "/next")
        part = await room.reads()
        assert await room.presses(reader.user, part, "📖 Words (2)") == texts.WORDS_SENT_PRIVATELY
        await reader.reads()
        for typed in ("/export lookups xlsx", "/export lookups history", "/export lookup"):
            room.says(room.admin, typed)
            usage = text(await room.reads())
            assert "lookups exports the words members looked up" in usage, usage
        room.says(room.admin, "/export lookups")
        assert "Sent to you in a private chat" in text(await room.reads())
        as_csv = await admin.reads()
        assert as_csv.document is not None and as_csv.document.file_name is not None
        assert as_csv.document.file_name.startswith("Room_looked-up words_")
        assert as_csv.document.file_name.endswith(".csv")
        assert text(as_csv) == "Words looked up in Room (📖 Words): 2 rows (csv)."
        # In the private chat: the group is picked with a button.
        admin.says("/export jsonl lookups")
        choose = await admin.reads()
        await admin.presses(choose, "Room")
        as_jsonl = await admin.reads()
        assert as_jsonl.document is not None and text(as_jsonl).endswith("2 rows (jsonl).")
    db, prompts = str(tmp_path / DB_NAME), str(tmp_path / "prompts")
    for delivered, fmt in ((as_csv, "csv"), (as_jsonl, "jsonl")):
        out = tmp_path / f"lookups.{fmt}"
        chat = str(room.chat.id)
        command = ["export", "--db", db, "--prompts", prompts, "--lookups", "--chat", chat]
        assert main([*command, "--format", fmt, "--out", str(out)]) == 0
        assert delivered.document is not None and delivered.document.data == out.read_bytes()
    table = list(csv.DictReader(io.StringIO(as_csv.document.data.decode("utf-8-sig"))))
    assert [(r["term"], r["user_id"]) for r in table] == [
        ("nominee", str(reader.user.id)),
        ("sanctions", str(reader.user.id)),
    ]


async def test_words_looked_up_in_homework_done_privately_are_the_groups(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    """A member does the group's homework in their private chat and presses 📖 Words there:
    the group's /export lookups has those words (rows of the private chat where they were
    pressed, as the answers' export has homework's answers), the very bytes of
    ``python -m bot export --lookups --chat``, and ``--assignment`` picks them out."""
    room = Group(standin)
    reader = Student(standin, user=room.members[0])
    settings = settings_for(standin, tmp_path, WORDS_LESSON)
    async with running_bot(settings, group_window=FLOOD_WINDOW):
        admin = Moderator(standin, room)
        await admin.opens_chat()
        room.says(room.admin, "/assign 1h")
        post = await room.reads()
        assert "Homework: Words &amp; more" in html(post), html(post)
        reader.says(f"/start {link_payload(post)}")
        assert "Homework for Room" in text(await reader.reads())
        part = await reader.reads()
        assert part.button_texts == ["📖 Words (2)", "Continue ▸"], part.button_texts
        assert await reader.presses(part, "📖 Words (2)") == ""
        assert "<b>nominee</b>: A person" in html(await reader.reads())
        room.says(room.admin, "/export lookups")
        assert "Sent to you in a private chat" in text(await room.reads())
        as_csv = await admin.reads()
        assert text(as_csv) == "Words looked up in Room (📖 Words): 2 rows (csv).", text(as_csv)
    assert as_csv.document is not None
    table = list(csv.DictReader(io.StringIO(as_csv.document.data.decode("utf-8-sig"))))
    assert [(r["term"], r["user_id"], r["chat_id"], r["chat_type"]) for r in table] == [
        ("nominee", str(reader.user.id), str(reader.user.id), "private"),
        ("sanctions", str(reader.user.id), str(reader.user.id), "private"),
    ]
    db, prompts = str(tmp_path / DB_NAME), str(tmp_path / "prompts")
    command = ["export", "--db", db, "--prompts", prompts, "--lookups"]
    out = tmp_path / "lookups.csv"
    assert main([*command, "--chat", str(room.chat.id), "--out", str(out)]) == 0
    assert as_csv.document.data == out.read_bytes()
    assert main([*command, "--assignment", "1", "--out", str(out)]) == 0
    assert as_csv.document.data == out.read_bytes()
    out.unlink()
    assert main([*command, "--assignment", "2", "--out", str(out)]) == 2  # no homework 2
    assert not out.exists()


async def test_translations_follow_the_language_chosen_with_slash_language(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    """Telegram says English but the reader chose 한국어 with /language: 📖 Words (pressed in
    a group) and /words bring the Korean translations; a reader whose Telegram is Korean
    but who chose English gets none."""
    room = Group(standin)
    chose_korean = Student(standin, user=room.members[0])
    chose_korean.user.language_code = "en"
    chose_english = Student(standin, user=room.members[1])
    chose_english.user.language_code = "ko-KR"
    settings = settings_for(standin, tmp_path, WORDS_LESSON)
    async with running_bot(settings, group_window=FLOOD_WINDOW):
        for reader, choice in ((chose_korean, "한국어"), (chose_english, "English")):
            await reader.opens_chat()
            reader.says("/language")
            asked = await reader.reads()
            await reader.presses(asked, choice)
            chosen = await standin.wait_for(lambda: edited(standin, asked))  # noqa: B023
            assert choice in text(chosen)
        room.says(room.admin, "/begin")
        await room.reads()
        room.says(room.admin, "/next")
        part = await room.reads()

        assert await room.presses(chose_korean.user, part, "📖 Words (2)")
        korean = html(await chose_korean.reads())
        assert "📖 <b>단어</b>" in korean  # their interface's language, as chosen
        assert "🌐 후보자" in korean and "🌐 제재" in korean
        chose_korean.says("/words")
        review = "\n".join(html(m) for m in await read_until(chose_korean, "내가 찾아본 단어"))
        assert "• <b>nominee</b> (후보자)" in review

        assert await room.presses(chose_english.user, part, "📖 Words (2)")
        english = html(await chose_english.reads())
        assert "<b>nominee</b>: A person" in english and "🌐" not in english
