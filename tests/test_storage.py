"""Storage on real temporary SQLite files: migrations, walks, answers, idempotency."""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from bot.storage import (
    MIGRATIONS,
    SCHEMA_VERSION,
    NewAnswer,
    Respondent,
    Storage,
    StorageError,
    Walk,
    WalkClosed,
)

STUDENT = Respondent(user_id=501, display_name="Ana Kim", username="ana")
FIXED = dt.datetime(2026, 11, 28, 4, 5, 6, 789000, tzinfo=dt.UTC)


async def open_storage(tmp_path: Path) -> Storage:
    return await Storage.open(tmp_path / "nested" / "bot.sqlite3", clock=lambda: FIXED)


async def start(storage: Storage, lesson_id: str = "lesson-a") -> Walk:
    return await storage.start_walk(
        chat_id=501,
        chat_type="private",
        chat_title="Ana Kim",
        audience="private",
        user_id=501,
        lesson_id=lesson_id,
        lesson_version="v1hash",
    )


def short_answer(walk: Walk, key: str, text: str) -> NewAnswer:
    return NewAnswer(
        walk=walk,
        respondent=STUDENT,
        question_id="q-short",
        question_type="short",
        via="text",
        source_key=key,
        answer_text=text,
    )


async def test_open_creates_folder_and_migrates(tmp_path: Path) -> None:
    storage = await open_storage(tmp_path)
    try:
        assert await storage.schema_version() == SCHEMA_VERSION
    finally:
        await storage.close()
    raw = sqlite3.connect(tmp_path / "nested" / "bot.sqlite3")
    try:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        tables = {r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert {"chats", "walks", "answers"} <= tables
    finally:
        raw.close()


async def test_reopening_keeps_data_and_does_not_remigrate(tmp_path: Path) -> None:
    storage = await open_storage(tmp_path)
    walk = await start(storage)
    await storage.close()
    storage = await open_storage(tmp_path)
    try:
        assert await storage.active_walk(501) == walk
    finally:
        await storage.close()


async def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    raw = sqlite3.connect(path)
    raw.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    raw.close()
    with pytest.raises(StorageError, match="newer than this bot"):
        await Storage.open(path)


async def test_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StorageError, match="cannot use the database"):
        await Storage.open(path)


async def test_new_walk_abandons_the_old_and_counts_attempts(tmp_path: Path) -> None:
    storage = await open_storage(tmp_path)
    try:
        first = await start(storage)
        second = await start(storage)
        assert (first.attempt, second.attempt) == (1, 2)
        old = await storage.walk(first.id)
        assert old is not None and old.status == "abandoned"
        assert await storage.active_walk(501) == second
        other = await start(storage, "lesson-b")
        assert other.attempt == 1
        assert await storage.latest_walk(501) == other
    finally:
        await storage.close()


async def test_move_walk_is_checked_against_the_expected_position(tmp_path: Path) -> None:
    storage = await open_storage(tmp_path)
    try:
        walk = await start(storage)
        moved = await storage.move_walk(walk, to_position=1)
        assert moved is not None and moved.position == 1
        assert await storage.move_walk(walk, to_position=1) is None  # stale: it is at 1 now
        done = await storage.move_walk(moved, to_position=2, finished=True)
        assert done is not None and done.status == "finished"
        assert done.ended_at == "2026-11-28T04:05:06.789Z"
    finally:
        await storage.close()


async def test_answers_are_versioned_idempotent_and_advance_the_walk(tmp_path: Path) -> None:
    storage = await open_storage(tmp_path)
    try:
        walk = await start(storage)
        first = await storage.record_answer(short_answer(walk, "msg:501:10", "one"), advance_to=1)
        assert first.created and first.answer.version == 1
        assert first.answer.answered_at == "2026-11-28T04:05:06.789Z"
        again = await storage.record_answer(short_answer(walk, "msg:501:10", "one"), advance_to=1)
        assert not again.created and again.answer == first.answer
        second = await storage.record_answer(short_answer(walk, "msg:501:11", "two"))
        assert second.created and second.answer.version == 2
        current = await storage.current_answers(walk.id)
        assert [a.answer_text for a in current] == ["two"]
        assert [a.answer_text for a in await storage.answer_history(walk.id)] == ["one", "two"]
        moved = await storage.walk(walk.id)
        assert moved is not None and moved.position == 1
        assert await storage.answer_count(walk.id, STUDENT.user_id) == 1
    finally:
        await storage.close()


async def test_answer_keeps_every_field(tmp_path: Path) -> None:
    storage = await open_storage(tmp_path)
    try:
        walk = await start(storage)
        recorded = await storage.record_answer(
            NewAnswer(
                walk=walk,
                respondent=STUDENT,
                question_id="q-choice",
                question_type="choice",
                via="button",
                source_key="choice:1:q-choice",
                option_indexes=(0, 2),
                answer_text="A | C",
                is_correct=True,
            )
        )
        answer = recorded.answer
        assert (answer.user_id, answer.display_name, answer.username) == (501, "Ana Kim", "ana")
        assert (answer.chat_id, answer.lesson_id, answer.lesson_version) == (
            501,
            "lesson-a",
            "v1hash",
        )
        assert (answer.option_indexes, answer.is_correct, answer.attempt) == ((0, 2), True, 1)
        assert await storage.current_answer(walk.id, 501, "q-choice") == answer
        assert list(await storage.answers_of_user(501)) == [answer]
    finally:
        await storage.close()


async def test_a_failed_write_leaves_nothing_half_written(tmp_path: Path) -> None:
    storage = await open_storage(tmp_path)
    try:
        walk = await start(storage)
        bad = NewAnswer(
            walk=walk,
            respondent=STUDENT,
            question_id="q",
            question_type="essay",  # type: ignore[arg-type]  # refused by the CHECK constraint
            via="text",
            source_key="msg:501:1",
        )
        with pytest.raises(sqlite3.IntegrityError):
            await storage.record_answer(bad, advance_to=5)
        unmoved = await storage.walk(walk.id)
        assert unmoved is not None and unmoved.position == 0
        assert await storage.answer_history(walk.id) == []
    finally:
        await storage.close()


async def test_a_report_asked_for_before_a_supergroup_upgrade_follows_the_group(
    tmp_path: Path,
) -> None:
    storage = await open_storage(tmp_path)
    try:
        await storage.remember_chat(-100, "group", "Room")
        await storage.add_delivery(7, "report", -100)
        assert await storage.migrate_chat(-100, -1000000000100)
        (delivery,) = await storage.take_deliveries(7)
        assert delivery.chat_id == -1000000000100  # the old id is gone with the old chat
    finally:
        await storage.close()


async def test_forget_leaves_nothing_of_the_person_in_the_files(tmp_path: Path) -> None:
    # Not in the database's free pages, and not in the log (WAL), while the bot runs on.
    storage = await open_storage(tmp_path)
    path = tmp_path / "nested" / "bot.sqlite3"
    try:
        walk = await start(storage)
        for n in range(50):
            await storage.record_answer(short_answer(walk, f"msg:501:{n}", f"Zebulon says {n}"))
        await storage.forget_user(STUDENT.user_id)
        for file in (path, path.with_name("bot.sqlite3-wal")):
            data = file.read_bytes() if file.exists() else b""
            assert b"Zebulon" not in data and b"Ana Kim" not in data, file.name
    finally:
        await storage.close()


async def test_an_answer_for_a_walk_closed_meanwhile_is_refused_in_its_transaction(
    tmp_path: Path,
) -> None:
    storage = await open_storage(tmp_path)
    try:
        walk = await start(storage)
        await storage.record_answer(short_answer(walk, "msg:501:1", "in time"))
        await storage.set_walk_status(walk.id, "finished")
        # The handler looked before the close; the write comes after it.
        with pytest.raises(WalkClosed):
            await storage.record_answer(short_answer(walk, "msg:501:2", "too late"))
        again = await storage.record_answer(short_answer(walk, "msg:501:1", "in time"))
        assert not again.created and again.answer.answer_text == "in time"  # idempotent
        assert [a.answer_text for a in await storage.answer_history(walk.id)] == ["in time"]
    finally:
        await storage.close()


async def test_a_version_1_database_is_migrated_and_keeps_its_walks(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "bot.sqlite3"
    path.parent.mkdir()
    raw = sqlite3.connect(path)
    for statement in MIGRATIONS[0]:
        raw.execute(statement)
    raw.execute(
        "INSERT INTO walks (chat_id, audience, user_id, lesson_id, lesson_version, attempt, "
        "position, status, started_at) VALUES (-100, 'group', 1, 'l', 'v', 1, 2, 'active', 'x')"
    )
    raw.execute("PRAGMA user_version = 1")
    raw.commit()
    raw.close()
    storage = await open_storage(tmp_path)
    try:
        assert await storage.schema_version() == SCHEMA_VERSION == len(MIGRATIONS)
        walk = await storage.open_walk(-100)
        assert walk is not None and walk.position == 2 and walk.thread_id is None
    finally:
        await storage.close()


async def test_a_debate_counts_as_answered_once_its_reason_is_given(tmp_path: Path) -> None:
    storage = await open_storage(tmp_path)
    try:
        walk = await start(storage)
        debate = NewAnswer(
            walk=walk,
            respondent=STUDENT,
            question_id="q-debate",
            question_type="debate",
            via="button",
            source_key="stance:1",
            stance="Agree",
        )
        await storage.record_answer(debate)
        assert await storage.answer_count(walk.id, STUDENT.user_id) == 0  # a reason is owed
        await storage.record_answer(
            replace(debate, via="text", source_key="msg:501:9", answer_text="because"),
            keep="stance",
        )
        assert await storage.answer_count(walk.id, STUDENT.user_id) == 1
    finally:
        await storage.close()


async def test_a_digest_is_claimed_once_and_an_owed_one_taken_once(tmp_path: Path) -> None:
    """A digest is claimed once; one a stop refused is owed from its first message not
    posted, taken once (the note cleared as it is taken), and only shown as posted on the
    dashboard once something of it was: when it went out whole anew, it says when."""
    clock = [FIXED]
    storage = await Storage.open(tmp_path / "bot.sqlite3", clock=lambda: clock[0])
    walk = await start(storage)
    try:
        assert [await storage.claim_digest(walk.id, q) for q in ("a", "a", "b")] == [0, None, 0]
        await storage.owe_digests(walk.id, [("a", 1), ("b", 0)])  # a's first message went out
        assert await storage.posted_digests(walk.id) == [("a", "2026-11-28T04:05:06.789Z")]
        assert await storage.owed_digests() == (0, 2)  # mid-session: at its next move
        await storage.set_walk_status(walk.id, "finished")
        assert await storage.owed_digests() == (2, 0)  # at a close: at the next start
        clock[0] = FIXED + dt.timedelta(minutes=5)
        assert [await storage.claim_digest(walk.id, q) for q in "abab"] == [1, 0, None, None]
        assert await storage.posted_digests(walk.id) == [
            ("a", "2026-11-28T04:05:06.789Z"),
            ("b", "2026-11-28T04:10:06.789Z"),
        ]
        assert await storage.owed_digests() == (0, 0)
    finally:
        await storage.close()
