"""Telegram's faults and the database's, each met with a clear message or a quiet retry."""

from __future__ import annotations

import asyncio
import signal
import sqlite3
import time
from pathlib import Path

import httpx
import pytest

from bot.context import BotApplication
from bot.storage import NewAnswer, Storage, StorageError, WalkClosed
from tests.actors import Student, settings_for, text, value
from tests.bot_process import bot_env, finish, start_bot
from tests.conftest import TOKEN, running_bot
from tests.standin import BotApiStandIn


# Every button answer arrives too late: Telegram refuses it with "query is too old".
@pytest.mark.standin(callback_query_timeout=0.0)
async def test_an_answer_pressed_too_late_is_still_recorded(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    student = Student(standin)
    async with running_bot(settings_for(standin, tmp_path)):
        question = await student.begins_lesson()
        standin.press(student.user, question, question.button_texts[0])
        following = await student.reads()
        assert "Question 2 of 3" in text(following)
    assert {c.method for c in standin.rejected} == {"answerCallbackQuery"}
    assert value(tmp_path, "SELECT COUNT(*) FROM answers WHERE question_id NOT LIKE '%~%'") == 1


async def test_an_edit_of_a_deleted_message_is_sent_anew(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    student = Student(standin)
    async with running_bot(settings_for(standin, tmp_path)):
        question = await student.begins_lesson()
        data = question.buttons[0][0].callback_data
        assert data is not None
        question.deleted = True  # the student deleted it in their client
        standin.press_data(student.user, question, data)
        anew = await student.reads()
        assert "Your answer:" in text(anew)
        assert "Question 2 of 3" in text(await student.reads())


async def test_a_student_who_blocked_the_bot_is_marked_and_their_answer_kept(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    student = Student(standin)
    db_path = tmp_path / "bot.sqlite3"
    async with running_bot(settings_for(standin, tmp_path)):
        question = await student.begins_lesson()
        data = question.buttons[0][0].callback_data
        assert data is not None
        standin.block_bot(student.user)
        query = standin.press_data(student.user, question, data)
        await standin.wait_for_callback_answer(query)
        await standin.wait_for(
            lambda: value(db_path, "SELECT active FROM chats WHERE id = ?", student.chat.id) == 0
        )
        standin.unblock_bot(student.user)
        student.says("/start")  # back: the chat can be written to again
        assert "Welcome back" in text(await student.reads())
    assert value(db_path, "SELECT active FROM chats WHERE id = ?", student.chat.id) == 1


async def test_a_malformed_update_is_skipped_and_the_next_one_handled(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    student = Student(standin)
    async with running_bot(settings_for(standin, tmp_path)):
        standin.enqueue("poll_answer", {"poll_id": "1", "user": {"id": "not a number"}})
        standin.enqueue("message", {"message_id": "x"})
        standin.enqueue("some_future_update_kind", {"whatever": [1, 2, 3]})
        student.says("/help")
        assert "/restart" in text(await student.reads())
    assert value(tmp_path, "SELECT COUNT(*) FROM inbox") == 0


async def test_a_locked_database_delays_updates_and_loses_none(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    student = Student(standin)
    db_path = tmp_path / "bot.sqlite3"
    async with running_bot(settings_for(standin, tmp_path)) as application:
        question = await student.begins_lesson()
        storage = application.bot_data.storage
        assert storage is not None
        await storage._writer.run(
            lambda db: db.execute("PRAGMA busy_timeout = 50")
        )  # don't wait 5 s in a test
        # Another program holds the write lock. Taken in a thread: the bot shares this
        # event loop and must stay free to finish what it is writing.
        blocker = sqlite3.connect(db_path, isolation_level=None, check_same_thread=False)
        await asyncio.to_thread(blocker.execute, "BEGIN IMMEDIATE")
        try:
            query = standin.press(student.user, question, question.button_texts[0])
            # The bot cannot store the update, so it does not confirm it to Telegram.
            await standin.wait_for(lambda: len(standin.calls_to("getUpdates")) >= 7)
            assert standin.confirmed_update_id < standin.last_update_id
        finally:
            await asyncio.to_thread(blocker.execute, "ROLLBACK")
            blocker.close()
        await standin.wait_for_callback_answer(query, timeout=10)
        assert "Question 2 of 3" in text(await student.reads())
    assert value(db_path, "SELECT COUNT(*) FROM answers WHERE question_id NOT LIKE '%~%'") == 1


async def test_a_busy_database_while_recording_asks_to_try_again(
    standin: BotApiStandIn, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    student = Student(standin)
    db_path = tmp_path / "bot.sqlite3"
    async with running_bot(settings_for(standin, tmp_path)) as application:
        question = await student.begins_lesson()
        storage = application.bot_data.storage
        assert storage is not None

        async def locked(*args: object, **kwargs: object) -> None:
            raise sqlite3.OperationalError("database is locked")

        with monkeypatch.context() as patch:
            patch.setattr(storage, "record_answer", locked)
            query = standin.press(student.user, question, question.button_texts[0])
            answer = await standin.wait_for_callback_answer(query)
            assert "database was busy" in (answer.text or "")
        query = standin.press(student.user, question, question.button_texts[0])
        await standin.wait_for_callback_answer(query)
        assert "Question 2 of 3" in text(await student.reads())
    assert value(db_path, "SELECT COUNT(*) FROM answers WHERE question_id NOT LIKE '%~%'") == 1
    assert value(db_path, "SELECT position FROM walks") == 2  # past the section and Q1
    assert standin.rejected == []


async def test_a_full_disk_tells_the_student_and_alerts_the_moderators_once(
    standin: BotApiStandIn, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    student = Student(standin)
    owner = standin.user("Owner", username="owner")
    owner_chat = standin.private_chat(owner)
    settings = settings_for(standin, tmp_path).model_copy(
        update={"moderator_ids": frozenset({owner.id})}
    )
    async with running_bot(settings) as application:
        question = await student.begins_lesson()
        fill_the_disk(application, monkeypatch)
        for _ in range(2):
            query = standin.press(student.user, question, question.button_texts[0])
            answer = await standin.wait_for_callback_answer(query)
            assert "what you just sent was NOT saved" in (answer.text or "")
            assert "have been told" in (answer.text or "")  # the moderators are
        alert = await standin.next_bot_message(owner_chat.id)
        assert "writing to the database failed" in text(alert)
        student.says("/help")  # the bot keeps running
        assert "/restart" in text(await student.reads())
        assert len(standin.bot_messages(owner_chat.id)) == 1  # rate-limited: one alert


async def test_a_full_disk_with_no_moderators_promises_no_one_was_told(
    standin: BotApiStandIn, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    student = Student(standin)
    async with running_bot(settings_for(standin, tmp_path)) as application:
        question = await student.begins_lesson()
        fill_the_disk(application, monkeypatch)
        query = standin.press(student.user, question, question.button_texts[0])
        said = (await standin.wait_for_callback_answer(query)).text or ""
        assert "NOT saved" in said
        assert "told" not in said  # BOT_MODERATOR_IDS is empty: nobody is


async def test_an_answer_racing_the_end_of_its_walk_is_told_too_late(
    standin: BotApiStandIn, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    student = Student(standin)
    async with running_bot(settings_for(standin, tmp_path)) as application:
        question = await student.begins_lesson()
        storage = application.bot_data.storage
        assert storage is not None

        async def closed_meanwhile(answer: NewAnswer, **kwargs: object) -> None:
            raise WalkClosed(answer.walk.id)  # as the write finds it, in its transaction

        monkeypatch.setattr(storage, "record_answer", closed_meanwhile)
        query = standin.press(student.user, question, question.button_texts[0])
        said = (await standin.wait_for_callback_answer(query)).text or ""
        assert said == "Too late: that question closed just now, so this answer was not recorded."


def fill_the_disk(application: BotApplication, monkeypatch: pytest.MonkeyPatch) -> None:
    """From now on answers fail with SQLite's own error, from the storage layer's write."""
    storage = application.bot_data.storage
    assert storage is not None

    async def disk_full(*args: object, **kwargs: object) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(storage, "record_answer", disk_full)


async def test_two_instances_refuse_to_share_a_database(tmp_path: Path) -> None:
    first = await Storage.open(tmp_path / "bot.sqlite3", exclusive=True)
    try:
        with pytest.raises(StorageError, match="another bot instance"):
            await Storage.open(tmp_path / "bot.sqlite3", exclusive=True)
        reader = await Storage.open(tmp_path / "bot.sqlite3")  # exports and backups may read
        await reader.close()
    finally:
        await first.close()
    again = await Storage.open(tmp_path / "bot.sqlite3", exclusive=True)
    await again.close()


async def test_a_wrong_token_and_a_second_poller_stop_the_bot_with_one_line(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    env = bot_env(standin.base_url, tmp_path / "bot.sqlite3", BOT_POLL_TIMEOUT="1")
    wrong = {**env, "TELEGRAM_BOT_TOKEN": "123456789:AAHsomeOtherTokenThatIsNotValid12345"}
    code, output = await finish(await start_bot(wrong))
    assert code == 1 and "rejected the bot token" in output
    assert "Traceback" not in output and "AAHsomeOther" not in output

    process = await start_bot(env)
    await standin.wait_for(lambda: standin.polling, timeout=30)
    async with httpx.AsyncClient() as client:  # someone sets a webhook for the same bot
        await client.post(
            f"{standin.base_url}/bot{TOKEN}/setWebhook", json={"url": "https://example.org/hook"}
        )
    code, output = await finish(process)
    assert code == 1 and "another program is polling" in output
    assert "Traceback" not in output


async def test_sigterm_stops_within_ten_seconds_with_status_0(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    process = await start_bot(bot_env(standin.base_url, tmp_path / "bot.sqlite3"))
    await standin.wait_for(lambda: standin.polling, timeout=30)  # a long poll is in flight
    began = time.monotonic()
    process.send_signal(signal.SIGTERM)
    code, output = await finish(process, seconds=10)
    assert code == 0, output
    assert time.monotonic() - began < 10


async def test_a_network_failure_while_polling_is_retried(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    student = Student(standin)
    async with running_bot(settings_for(standin, tmp_path)):
        standin.fail_next("getUpdates")  # the next long poll fails with 502
        await standin.wait_for(
            lambda: any(c.error_code == 502 for c in standin.calls_to("getUpdates"))
        )
        student.says("/help")  # reaches the bot only if it polls again after the failure
        assert "/restart" in text(await student.reads())
    failed = [c for c in standin.calls_to("getUpdates") if c.error_code == 502]
    assert len(failed) == 1
    assert standin.rejected == failed
