"""Glossary lookups in storage: a press handled twice is one lookup; a reader's words come
latest first; a group's most looked-up words count lookups and people; /forget and a
group's move to a supergroup take them along; a group's lookups include its homework done
in private chats (its report and its export), lookups from before the upgrade too."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from bot.storage import LookedUp, Storage, TopWord
from bot.storage.exports import AnswerFilter, iter_lookups, open_readonly
from bot.storage.schema import MIGRATIONS
from tests.actors import open_homework


async def look(
    storage: Storage,
    user: int,
    chat: int,
    terms: list[str],
    source: str,
    *,
    walk_id: int | None = None,
) -> None:
    await storage.record_lookups(
        user_id=user,
        chat_id=chat,
        lesson_id="words",
        section=1,
        terms=terms,
        source=source,
        walk_id=walk_id,
    )


async def test_lookups_are_counted_once_per_press_and_listed(storage: Storage) -> None:
    await look(storage, 1, -100, ["nominee", "sanctions"], "q1")
    await look(storage, 1, -100, ["nominee", "sanctions"], "q1")  # the same press again
    await look(storage, 2, -100, ["nominee"], "q2")
    await look(storage, 1, 1, ["sanctions"], "q3")  # privately, later
    assert await storage.top_lookups(-100, "words") == [
        TopWord("nominee", 2, 2),
        TopWord("sanctions", 1, 1),
    ]
    assert await storage.top_lookups(-100, "other") == []
    mine = await storage.looked_up_by(1)
    assert [(w.term, w.times) for w in mine] == [("sanctions", 2), ("nominee", 1)]
    assert all(isinstance(w, LookedUp) and w.lesson_id == "words" for w in mine)


async def test_forget_and_a_supergroup_move_take_the_lookups(storage: Storage) -> None:
    await look(storage, 1, -100, ["nominee"], "q1")
    await look(storage, 2, -100, ["nominee"], "q2")
    await storage.remember_chat(-100, "group", "Room")
    assert await storage.migrate_chat(-100, -1001)
    assert await storage.top_lookups(-1001, "words") == [TopWord("nominee", 2, 2)]
    gone = await storage.forget_user(1)
    assert gone.other >= 1
    assert await storage.looked_up_by(1) == []
    assert await storage.top_lookups(-1001, "words") == [TopWord("nominee", 1, 1)]


async def test_a_groups_lookups_include_its_homework_done_privately(
    storage: Storage, tmp_path: Path
) -> None:
    """Its report's words and its export (by group and by assignment): the words looked
    up under its messages and in its homework's attempts in private chats, not in a
    member's own lesson; after the group moved to a supergroup too."""
    await storage.remember_chat(-100, "group", "Room")
    homework = await open_homework(storage, created_by=9)
    attempt = await storage.start_walk(
        chat_id=1,
        chat_type="private",
        chat_title="Ann",
        audience="private",
        user_id=1,
        lesson_id="words",
        lesson_version="v",
        assignment_id=homework.id,
    )
    own = await storage.start_walk(
        chat_id=2,
        chat_type="private",
        chat_title="Bo",
        audience="private",
        user_id=2,
        lesson_id="words",
        lesson_version="v",
    )
    await look(storage, 3, -100, ["sanctions"], "q1")  # under the group's message
    await look(storage, 1, 1, ["nominee", "sanctions"], "q2", walk_id=attempt.id)
    await look(storage, 2, 2, ["nominee"], "q3", walk_id=own.id)  # their own lesson
    assert await storage.top_lookups(-100, "words") == [
        TopWord("sanctions", 2, 2),
        TopWord("nominee", 1, 1),
    ]

    def exported(**chosen: int) -> list[tuple[int, str, int]]:
        with closing(open_readonly(tmp_path / "bot.sqlite3")) as connection:
            found = iter_lookups(connection, AnswerFilter(**chosen))  # type: ignore[arg-type]
            return [(chat, term, user) for _, chat, _, _, _, _, term, user in found]

    assert exported(chat_id=-100) == [
        (-100, "sanctions", 3),
        (1, "nominee", 1),
        (1, "sanctions", 1),
    ]
    assert exported(assignment_id=homework.id) == [(1, "nominee", 1), (1, "sanctions", 1)]
    assert exported(chat_id=2) == [(2, "nominee", 2)]
    before = await storage.top_lookups(-100, "words")
    assert await storage.migrate_chat(-100, -1001)
    assert exported(chat_id=-1001) == [
        (-1001, "sanctions", 3),
        (1, "nominee", 1),
        (1, "sanctions", 1),
    ]
    assert await storage.top_lookups(-1001, "words") == before
    assert await storage.top_lookups(-100, "words") == []


def _database_before_walked_lookups(path: Path) -> None:
    """A database as the bot left it before lookups named their walk: a homework attempt
    (walk 2, chat 1) whose words were looked up, during it and after it ended; a lookup
    before it began, in the member's own lesson (walk 1); another lesson's (none)."""
    before = next(
        i
        for i, statements in enumerate(MIGRATIONS)
        if any("lookups ADD COLUMN walk_id" in statement for statement in statements)
    )
    connection = sqlite3.connect(path)
    for statements in MIGRATIONS[:before]:
        for statement in statements:
            connection.execute(statement)
    connection.execute(f"PRAGMA user_version = {before:d}")
    connection.executescript(
        """
        INSERT INTO chats (id, type, title, updated_at) VALUES
            (-100, 'group', 'Room', '2026-11-01T08:00:00.000000Z'),
            (1, 'private', 'Ann', '2026-11-01T08:00:00.000000Z');
        INSERT INTO assignments (id, chat_id, lesson_id, deadline, late, created_by,
            created_by_name, created_at) VALUES
            (5, -100, 'words', '2026-11-02T08:00:00.000000Z', 0, 9, 'Ada',
             '2026-11-01T08:00:00.000000Z');
        INSERT INTO walks (id, chat_id, audience, user_id, lesson_id, lesson_version, attempt,
            status, started_at, ended_at, assignment_id) VALUES
            (1, 1, 'private', 1, 'words', 'v', 1, 'abandoned', '2026-11-01T09:00:00.000000Z',
             '2026-11-01T10:00:00.000000Z', NULL),
            (2, 1, 'private', 1, 'words', 'v', 2, 'finished', '2026-11-01T10:00:00.000000Z',
             '2026-11-01T10:30:00.000000Z', 5);
        INSERT INTO lookups (user_id, chat_id, lesson_id, section, term, source, looked_at)
        VALUES
            (1, 1, 'words', 1, 'early', 'q1', '2026-11-01T09:30:00.000000Z'),
            (1, 1, 'words', 1, 'during', 'q2', '2026-11-01T10:10:00.000000Z'),
            (1, 1, 'words', 1, 'after', 'q3', '2026-11-01T11:00:00.000000Z'),
            (1, 1, 'other', 1, 'elsewhere', 'q4', '2026-11-01T10:20:00.000000Z'),
            (1, -100, 'words', 1, 'grouped', 'q5', '2026-11-01T10:20:00.000000Z');
        """
    )
    connection.commit()
    connection.close()


async def test_lookups_recorded_before_the_upgrade_find_their_homework(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    _database_before_walked_lookups(path)
    storage = await Storage.open(path)
    try:
        assert await storage.top_lookups(-100, "words") == [
            TopWord("after", 1, 1),
            TopWord("during", 1, 1),
            TopWord("grouped", 1, 1),
        ]
    finally:
        await storage.close()
    with closing(sqlite3.connect(path)) as connection:
        walked = connection.execute("SELECT term, walk_id FROM lookups ORDER BY id").fetchall()
    assert walked == [
        ("early", 1),
        ("during", 2),
        ("after", 2),
        ("elsewhere", None),
        ("grouped", None),
    ]
