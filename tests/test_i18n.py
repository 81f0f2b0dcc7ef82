"""The interface in the reader's language (bot/i18n.py): the catalog mechanism, the Korean
particles, and a Korean and an English student served side by side by the real Application."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import i18n, texts
from bot.storage import Storage
from tests.actors import Student, edited, popup, rows, settings_for, text
from tests.conftest import running_bot
from tests.standin import BotApiStandIn


def test_texts_speak_the_current_language_and_english_outside() -> None:
    i18n.load()
    assert texts.BEGIN_BUTTON == "▶️ Begin"
    with i18n.speaking("ko-KR"):  # Telegram's "ko-KR" is Korean
        assert texts.BEGIN_BUTTON == "▶️ 시작하기"
        assert texts.ONE_LESSON.format(lesson="X") == "📚 오늘의 수업: <b>X</b>"
        assert texts.WEEKDAY_NAMES[4] == "금요일"  # Babel's locale data
        assert texts.MONTH_NAMES[11] == "12월"
        with i18n.speaking("en"):
            assert texts.BEGIN_BUTTON == "▶️ Begin"
        assert i18n.current() == "ko"
    assert texts.BEGIN_BUTTON == "▶️ Begin"
    with i18n.speaking("xx"):  # no catalog: English, silently
        assert i18n.current() == "en" and texts.BEGIN_BUTTON == "▶️ Begin"


def test_counted_words_follow_each_languages_plural_rules() -> None:
    days = texts.UNTIL_UNITS["days"]
    assert i18n.plural(1, days) == "in 1 day"
    assert i18n.plural(1234, days) == "in 1,234 days"


@pytest.mark.parametrize(
    ("word", "object_", "direction"),
    [
        ("수업", "을", "으로"),  # ends in ㅂ
        ("서울", "을", "로"),  # ㄹ takes 로
        ("학교", "를", "로"),  # a vowel
        ("FFVD", "를", "로"),  # an acronym, read letter by letter: 디
        ("URL", "을", "로"),  # 엘
        ("Biegun", "을", "으로"),
        ("2020", "을", "으로"),  # 영
        ("2", "를", "로"),  # 이
        ("<b>북한 &amp; 미국</b>", "을", "으로"),  # HTML as inserted
        ("“통일”.", "을", "로"),  # closing punctuation is not read
    ],
)
def test_korean_particles_fit_the_word_before_them(word: str, object_: str, direction: str) -> None:
    assert i18n.particle(word, "을/를") == object_
    assert i18n.particle(word, "으로/로") == direction


def test_a_template_picks_the_particle_across_closing_tags() -> None:
    template = i18n.Template("<b>{lesson}</b>을/를 끝냈어요. {group}은/는 {n}개")
    filled = template.format(lesson="비핵화", group="3반", n=2)
    assert filled == "<b>비핵화</b>를 끝냈어요. 3반은 2개"


@pytest.mark.parametrize(
    ("translation", "problem"),
    [
        ("<b>{lessen}</b>", "placeholders"),
        ("<b>{lesson</b>", "broken placeholder"),
        ("<b>{lesson}", "never closed"),
        ("<b>{lesson}</i>", "closes nothing"),
        ("<blink>{lesson}</blink>", "Telegram does not know"),
        ("{lesson}", "differ from the English"),
        ("<b>{lesson}</b> &nbsp;", "no entity"),
    ],
)
def test_a_broken_translation_is_named(translation: str, problem: str) -> None:
    found = i18n.check_translation("📚 <b>{lesson}</b>", translation)
    assert any(problem in line for line in found), found


def test_a_catalog_with_a_broken_translation_is_refused_with_its_id_and_language(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "ko.po").write_text(
        'msgid ""\nmsgstr "Language: ko\\n"\n\n'
        'msgctxt "ONE_LESSON"\nmsgid "📚 Today\'s lesson: <b>{lesson}</b>"\n'
        'msgstr "📚 오늘의 수업: <b>{수업}</b>"\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(i18n, "LOCALES", tmp_path)
    with pytest.raises(i18n.CatalogInvalid) as refused:
        i18n.load(("ko",))
    assert "ONE_LESSON" in str(refused.value) and "(ko)" in str(refused.value)


async def test_each_reader_gets_their_own_language_at_the_same_time(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    korean = Student(standin, user=standin.user("Minji", language_code="ko-KR"))
    english = Student(standin, user=standin.user("Ada", language_code="en"))
    nothing = Student(standin, user=standin.user("Zed", language_code="xx"))
    async with running_bot(settings_for(standin, tmp_path)):
        korean.says("/start")
        english.says("/start")
        nothing.says("/start")
        await korean.reads()  # the welcome
        await english.reads()
        await nothing.reads()
        menu_ko, menu_en = await korean.reads(), await english.reads()
        menu_xx = await nothing.reads()
    assert "오늘의 수업" in text(menu_ko) and menu_ko.button_texts == ["▶️ 시작하기"]
    assert "Today's lesson" in text(menu_en) and menu_en.button_texts == ["▶️ Begin"]
    assert "Today's lesson" in text(menu_xx)  # a language without a catalog: English


async def test_a_forged_language_button_changes_nothing_and_forget_removes_the_choice(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    student = Student(standin, user=standin.user("Bo", language_code="en-US"))
    async with running_bot(settings_for(standin, tmp_path)):
        student.says("/language")
        asked = await student.reads()
        assert asked.button_texts == ["✔️ English", "한국어"]
        for forged in ("v1:lg:xx", "v1:lg:KO", "v1:lg:ko:1", "v1:lg:"):
            query = standin.press_data(student.user, asked, forged)
            assert await popup(standin, query) == texts.UNKNOWN_BUTTON
        await student.presses(asked, "한국어")
        student.says("/help")
        assert "이렇게 진행돼요" in text(await student.reads())
        # A plural in Korean: one form (Babel's plural rules for ko).
        with i18n.speaking("ko"):
            assert i18n.plural(3, texts.UNTIL_UNITS["days"]) == "3일 후"
        student.says("/forget")
        confirm = await student.reads()
        await student.presses(confirm, "네, 전부 지워 주세요")
        await standin.wait_for(lambda: "다 됐어요" in text(edited(standin, confirm) or confirm))
        student.says("/help")  # the choice is gone with the rest: the app's English again
        assert "How this works" in text(await student.reads())
    chosen = rows(tmp_path, "SELECT chosen FROM languages WHERE chat_id = ?", student.user.id)
    assert chosen == [(None,)]  # their app's language_code only, from their last message


async def test_a_groups_language_moves_with_it_to_a_supergroup(storage: Storage) -> None:
    await storage.remember_chat(-100, "group", "Room")
    await storage.choose_language(-100, "ko")
    assert await i18n.language_of_chat(storage, -100) == "ko"
    assert await storage.migrate_chat(-100, -1_000_000_100)
    assert await i18n.language_of_chat(storage, -1_000_000_100) == "ko"
    assert await i18n.language_of_chat(storage, -100) == i18n.default()


def test_a_missing_translation_falls_back_to_english_logged_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "ko.po").write_text(
        'msgid ""\nmsgstr "Language: ko\\n"\n\n'
        'msgctxt "BEGIN_BUTTON"\nmsgid "▶️ Begin"\nmsgstr "▶️ 시작하기"\n\n'
        # Translated from an English that has changed since: not used.
        'msgctxt "CONTINUE_BUTTON"\nmsgid "Go on ▸"\nmsgstr "계속 ▸"\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(i18n, "LOCALES", tmp_path)
    monkeypatch.setattr(i18n, "_catalogs", {})
    monkeypatch.setattr(i18n, "_translated", {})
    monkeypatch.setattr(i18n, "_missing_logged", set())
    with caplog.at_level("WARNING", logger="bot.i18n"), i18n.speaking("ko"):
        assert texts.BEGIN_BUTTON == "▶️ 시작하기"
        for _ in range(3):
            assert texts.AGAIN_BUTTON == "🔁 Start again"
            assert texts.CONTINUE_BUTTON == "Continue ▸"
    assert caplog.text.count("no ko translation of AGAIN_BUTTON") == 1
    assert caplog.text.count("no ko translation of CONTINUE_BUTTON") == 1


def test_the_group_settings_panel_speaks_the_readers_language() -> None:
    """Its registry names texts (read when shown), so each name must be a text."""
    from bot.group_settings import SETTINGS

    with i18n.speaking("ko"):
        for entry in SETTINGS:
            shown = [entry.label, entry.about, entry.how]
            shown += [entry.label_of(word) for word, _ in entry.choices]
            assert all(text is None or isinstance(text, str) for text in shown)
        quiz = next(entry for entry in SETTINGS if entry.name == "quiz")
        assert quiz.label == "퀴즈" and quiz.label_of("buttons") == "버튼"
