"""Issue 15 on the real Application over the stand-in: a Korean student does the whole
private lesson in Korean (no English interface text left: every message, button and pop-up
is checked against the English catalog), then switches to English with /language; a group
runs a session in Korean and its moderator gets /report in their own language."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

from bot import i18n, texts
from bot.lessons import Lesson
from bot.lessons.load import load_catalog
from bot.walk import EndStep, steps_of
from tests.actors import (
    FLOOD_WINDOW,
    SMALL_LESSON,
    Group,
    Moderator,
    Student,
    edited,
    html,
    settings_for,
    text,
)
from tests.conftest import PROMPTS, running_bot
from tests.standin import BotApiStandIn, FakeUser
from tests.stories import KOREAN, Typing, answer_before_reading, play_step


def seed() -> Lesson:
    lesson = load_catalog([PROMPTS]).get("biegun-seoul-2020")
    assert lesson is not None
    return lesson


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def english_phrases(lesson: Lesson, language: str) -> set[str]:
    """Every phrase of the English interface (two words or more, between placeholders and
    tags) that is neither lesson content nor also in the translation: none may be shown."""
    content = " ".join(_strings(lesson.model_dump()))
    translations = []
    with i18n.speaking(language):
        for key, source in i18n.entries(texts).items():
            if isinstance(source, str):
                translations.append(str(i18n.translate(language, key, source)))
    translated = " ".join(translations)
    phrases = set()
    for source in i18n.entries(texts).values():
        for english in (source.one, source.other) if isinstance(source, i18n.Plural) else (source,):
            plain = re.sub(r"<[^>]+>", "\n", english)
            for chunk in re.split(r"\{[^}]*\}|\n|[:;—()“”]", plain):
                phrase = re.sub(r"^[^A-Za-z]+|[^A-Za-z]+$", "", chunk)
                if len(re.findall(r"[A-Za-z]{2,}", phrase)) < 2:
                    continue
                if phrase in content or phrase in translated:
                    continue
                phrases.add(phrase)
    return phrases


def everything_shown(
    standin: BotApiStandIn, chat_id: int, user: FakeUser, since: int = 0
) -> list[str]:
    """Each text the bot showed in a chat (every version of every message from message id
    ``since`` on, its buttons) and in the pop-ups it answered this user's presses with."""
    shown = []
    for message in standin.bot_messages(chat_id, include_deleted=True):
        if message.message_id < since:
            continue
        for version in [*message.versions, message.snapshot()]:
            shown += [version.text or "", version.caption or ""]
            rows = (version.reply_markup or {}).get("inline_keyboard") or []
            shown += [str(button.get("text", "")) for row in rows for button in row]
    for query_id, answer in standin.callback_answers.items():
        query = standin.callback_queries.get(query_id)
        if query is not None and query.user.id == user.id and answer.text:
            shown.append(answer.text)
    return shown


def assert_no_english(shown: list[str], phrases: set[str]) -> None:
    left = sorted({p for p in phrases for line in shown if p in line})
    assert not left, f"English interface text shown: {left}"


TYPING = Typing(
    answer="{id}에 대한 내 답",
    reason="그렇게 생각하는 이유가 있어요",
    counter="반대쪽도 일리가 있어요",
    self_check="💡 맞았어요",
    self_check_noted="기록했어요: 💡 맞았어요.",
)


async def test_a_korean_student_does_the_whole_lesson_in_korean_then_switches_to_english(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    lesson = seed()
    steps = steps_of(lesson)
    student = Student(standin, user=standin.user("민지", language_code="ko-KR"))
    async with running_bot(settings_for(standin, tmp_path)):
        student.says("/start")
        welcome = await student.reads()
        assert "Editorial Discussion에 오신 걸 환영해요!" in text(welcome)
        menu = await student.reads()
        assert "오늘의 수업" in text(menu)
        await student.presses(menu, "▶️ 시작하기")
        await answer_before_reading(student, lesson, KOREAN)
        for index, step in enumerate(steps[:-1]):
            await play_step(student, lesson, step, index, KOREAN, TYPING)
        assert isinstance(steps[-1], EndStep)
        summary = await student.reads()
        # The title ends in "U.S.", read 유에스: 를, not 을.
        assert f"{lesson.title}를 끝냈어요!" in text(summary)
        assert "선택형 문제 점수" in text(summary)
        assert summary.button_texts == ["🔁 다시 시작하기", "📚 수업 목록"]
        for command in ("/progress", "/help", "/myanswers", "/lessons"):
            student.says(command)
            await student.reads()
        student.says("아무 말")  # not an answer now: a hint, in Korean
        assert "/lessons" in text(await student.reads())
        assert_no_english(
            everything_shown(standin, student.chat.id, student.user), english_phrases(lesson, "ko")
        )

        student.says("/language")
        asked = await student.reads()
        assert "어떤 언어로" in text(asked) and "한국어" in text(asked)
        assert asked.button_texts == ["English", "✔️ 한국어"]
        await student.presses(asked, "English")
        chosen = await student.standin.wait_for(lambda: edited(standin, asked))
        assert "From now on I write to you in English" in text(chosen)
        student.says("/help")
        assert "How this works" in text(await student.reads())
    # Their own menu follows their choice (their app's language is still Korean).
    own = standin.commands[(f"chat:chat_id={student.user.id}", "")]
    assert own[0]["description"] == texts.COMMANDS[0][1]
    assert standin.rejected == []

    # The choice is kept: after a restart, still English although the app says Korean.
    async with running_bot(settings_for(standin, tmp_path)):
        student.says("/progress")
        progress = text(await student.reads())
        assert "Finished." in progress or "You have no lesson in progress" in progress


async def test_the_menus_and_descriptions_are_registered_in_every_language(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    async with running_bot(settings_for(standin, tmp_path, BOT_DEFAULT_LANGUAGE="ko")):
        pass
    # Without a language: BOT_DEFAULT_LANGUAGE's (Korean); each other language its own.
    private_ko = standin.commands[("all_private_chats", "")]
    assert {"command": "lessons", "description": "수업 고르기"} in private_ko
    assert standin.commands[("all_private_chats", "en")][1]["description"] == "Choose a lesson"
    admins_ko = standin.commands[("all_chat_administrators", "")]
    assert {"command": "language", "description": "그룹의 언어: English 또는 한국어"} in admins_ko
    assert ("all_private_chats", "ko") not in standin.commands  # the default covers it
    assert standin.descriptions[("short_description", "")].startswith("신문 사설을")
    assert standin.descriptions[("description", "en")].startswith("I walk you through")
    assert standin.rejected == []


@pytest.mark.standin(flood_window=FLOOD_WINDOW)
async def test_a_group_runs_its_session_in_korean_and_the_report_comes_in_korean(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    room = Group(standin)
    room.admin.language_code = "ko"
    m0, m1, m2 = room.members
    # The group's messages are in the group's language, whatever a member's app says; a
    # pop-up, which only its presser sees, is in theirs: m0 and m2 read Korean, m1 English.
    m0.language_code = m2.language_code = "ko"
    settings = settings_for(standin, tmp_path, SMALL_LESSON)
    lesson = load_catalog([settings.prompts_dir]).get("mini")
    assert lesson is not None
    async with running_bot(settings, group_window=FLOOD_WINDOW):
        room.says(room.admin, "/language")
        asked = await room.reads()
        assert "for everyone in this group" in text(asked)  # the group's language: en so far
        room.says(m0, "/language")  # not a moderator
        assert "only the group's admins" in text(await room.reads())
        await room.presses(room.admin, asked, "한국어")
        chosen = await standin.wait_for(lambda: edited(standin, asked))
        assert "이제부터 이 그룹에서는 <b>한국어</b>로 쓸게요" in html(chosen)

        started, (one, two, quiz) = await room.posts_first_questions()
        assert "토론: A <mini> & lesson" in text(started)
        assert (await room.presses(m0, one, "Right")).startswith("✅ 정답이에요!\nBecause")
        assert (await room.presses(m1, one, "Wrong")).startswith("❌ Not quite. The right answer")
        assert "지금 고른 답: A" in await room.presses(m2, two, "A")
        standin.vote(m0, quiz, [0])
        room.says(room.admin, "/next")
        short = await room.reads()
        assert "이 메시지에 답장으로 답해 주세요" in text(short)
        standin.reply(m0, short, "Something, in English")
        room.says(m1, "/language")
        assert "그룹 관리자" in text(await room.reads())
        room.says(room.admin, "/end")
        closed = await room.reads()
        assert "토론 종료: A <mini> & lesson" in text(closed) and "참여자: 3명" in text(closed)

        admin = Moderator(standin, room)
        await admin.opens_chat()
        room.says(room.admin, "/report")
        assert "개인 채팅으로 보냈어요" in text(await room.reads())
        report = text(await admin.reads())
        assert "📊 보고서: Room" in report and "참여자(3명): M0, M1, M2" in report
        assert "파트 1 · Q1. Which is right?\n2명 답함 · 정답률 50%" in report
        chart = await admin.reads()
        assert chart.caption == "Room의 토론 #1 결과"

        # An English-speaking member's report (a moderator too) comes in English.
        room.admin.language_code = "en"
        room.says(room.admin, "/report")
        await room.reads()
        assert "Report: Room" in text(await admin.reads())
        await admin.reads()  # its chart
    phrases = english_phrases(lesson, "ko")
    # Everything since the group chose Korean (pop-ups included: all came after).
    since = started.message_id
    assert_no_english(everything_shown(standin, room.chat.id, m0, since), phrases)
    assert_no_english(everything_shown(standin, room.chat.id, m2, since), phrases)
    private = everything_shown(standin, admin.chat.id, room.admin)
    assert_no_english(
        private[: private.index(next(t for t in private if "Report: Room" in t))], phrases
    )
    assert standin.rejected == []


async def test_a_pop_up_speaks_its_pressers_language_and_the_group_keeps_its_own(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    room = Group(standin, members=["Ann", "Minji", "Jun"])
    ann, minji, jun = room.members
    minji.language_code = "ko-KR"  # a Korean phone, in an English group
    jun.language_code = "ko"  # a Korean phone too, but he chose English for himself
    settings = settings_for(standin, tmp_path, SMALL_LESSON)
    async with running_bot(settings, group_window=FLOOD_WINDOW):
        own = Student(standin, user=jun)
        own.says("/language")
        asked = await own.reads()
        await own.presses(asked, "English")
        await standin.wait_for(lambda: edited(standin, asked))

        started, (one, two, quiz) = await room.posts_first_questions()
        assert "A <mini> & lesson" in text(started)  # the group's messages: English
        assert (await room.presses(minji, one, "Right")).startswith("✅ 정답이에요!\nBecause")
        assert (await room.presses(ann, one, "Wrong")).startswith("❌ Not quite. The right")
        assert (await room.presses(jun, one, "Right")).startswith("✅ Right!")
        assert "지금 고른 답: A" in await room.presses(minji, two, "A")
        # A refusal is a pop-up too: Minji may not move the session on.
        refused = await room.presses(minji, quiz, "Next ▸ (admins)")
        assert refused == "죄송해요, 그룹 관리자(또는 봇 운영자)만 할 수 있어요.", refused
        assert "only the group's admins" in await room.presses(ann, quiz, "Next ▸ (admins)")
        # Nothing in the group turned Korean: every message and button as the group reads it.
        shown = [t for m in standin.bot_messages(room.chat.id) for t in [text(m), *m.button_texts]]
        assert not [t for t in shown if re.search("[\uac00-\ud7a3]", t)], shown
        assert "Which two?" in text(two) and "Next ▸ (admins)" in quiz.button_texts
    assert standin.rejected == []
