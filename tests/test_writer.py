"""The one writer: concurrent writes share a transaction, each caller resumes only after
its write has committed, a failing write is undone alone, and a failed COMMIT fails all.
Also the in-memory posts and walks, and answers that keep a stance or reason."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import pytest

from bot.storage import NewAnswer, Post, Respondent, Storage, Walk, _Cache
from tests.actors import group_session, rows

FIRST, SECOND = Respondent(601, "Ana Kim", "ana"), Respondent(602, "Minsu", None)


def reply(walk: Walk, who: Respondent, key: str, text: str | None = "a reply") -> NewAnswer:
    return NewAnswer(
        walk=walk,
        respondent=who,
        question_id="q-debate",
        question_type="debate",
        via="reply",
        source_key=key,
        answer_text=text,
    )


def stance(walk: Walk, who: Respondent, key: str, picked: str) -> NewAnswer:
    return NewAnswer(
        walk=walk,
        respondent=who,
        question_id="q-debate",
        question_type="debate",
        via="button",
        source_key=key,
        stance=picked,
    )


async def test_concurrent_answers_share_a_few_transactions(
    storage: Storage, tmp_path: Path
) -> None:
    walk = await group_session(storage)
    statements: list[str] = []
    await storage._writer.run(lambda db: db.set_trace_callback(statements.append))
    members = [Respondent(700 + i, f"Member {i}", None) for i in range(100)]
    recorded = await asyncio.gather(
        *(storage.record_answer(reply(walk, m, f"msg:{m.user_id}")) for m in members)
    )
    assert all(r.created for r in recorded)
    commits = statements.count("COMMIT")
    assert 1 <= commits <= 3, f"100 concurrent answers took {commits} commits"
    assert rows(tmp_path / "bot.sqlite3", "SELECT COUNT(*) FROM answers") == [(100,)]


async def test_a_caller_resumes_only_after_its_write_is_committed(
    storage: Storage, tmp_path: Path
) -> None:
    walk = await group_session(storage)
    seen: list[list[tuple[object, ...]]] = []

    async def answer_then_look(who: Respondent) -> None:
        await storage.record_answer(reply(walk, who, f"msg:{who.user_id}"))
        # Another connection sees it: it is committed, not just written.
        seen.append(
            rows(tmp_path / "bot.sqlite3", "SELECT 1 FROM answers WHERE user_id = ?", who.user_id)
        )

    await asyncio.gather(answer_then_look(FIRST), answer_then_look(SECOND))
    assert seen == [[(1,)], [(1,)]]


async def test_a_failing_write_is_undone_alone(storage: Storage, tmp_path: Path) -> None:
    walk = await group_session(storage)

    def half_then_fail(db: sqlite3.Connection) -> None:
        db.execute("INSERT INTO meta (key, value) VALUES ('half', 'written')")
        raise ValueError("this job fails after writing")

    failing = asyncio.ensure_future(storage._writer.run(half_then_fail))
    good = asyncio.ensure_future(storage.record_answer(reply(walk, FIRST, "msg:1")))
    with pytest.raises(ValueError, match="fails after writing"):
        await failing
    assert (await good).created
    path = tmp_path / "bot.sqlite3"
    assert rows(path, "SELECT COUNT(*) FROM meta WHERE key = 'half'") == [(0,)]
    assert rows(path, "SELECT COUNT(*) FROM answers") == [(1,)]


async def test_a_failed_commit_fails_every_write_in_it(storage: Storage, tmp_path: Path) -> None:
    walk = await group_session(storage)

    def break_the_commit(db: sqlite3.Connection) -> None:
        # A deferred foreign key is only checked at COMMIT, which then fails.
        db.execute("PRAGMA defer_foreign_keys = ON")
        db.execute(
            "INSERT INTO posts (chat_id, message_id, walk_id, position) VALUES (1, 1, 999, 0)"
        )

    writes = [
        asyncio.ensure_future(storage._writer.run(break_the_commit)),
        asyncio.ensure_future(storage.record_answer(reply(walk, FIRST, "msg:1"))),
        asyncio.ensure_future(storage.record_answer(reply(walk, SECOND, "msg:2"))),
    ]
    outcomes = await asyncio.gather(*writes, return_exceptions=True)
    assert all(isinstance(o, sqlite3.IntegrityError) for o in outcomes), outcomes
    assert len({id(o) for o in outcomes}) == 3  # each caller has its own exception
    assert rows(tmp_path / "bot.sqlite3", "SELECT COUNT(*) FROM answers") == [(0,)]
    # The writer goes on: the same answer written again is stored.
    assert (await storage.record_answer(reply(walk, FIRST, "msg:1"))).created


async def test_a_cancelled_caller_does_not_take_its_write_back(
    storage: Storage, tmp_path: Path
) -> None:
    walk = await group_session(storage)
    write = asyncio.ensure_future(storage.record_answer(reply(walk, FIRST, "msg:1")))
    await asyncio.sleep(0)  # queued
    write.cancel()
    with pytest.raises(asyncio.CancelledError):
        await write
    await storage.record_answer(reply(walk, SECOND, "msg:2"))  # after the first batch
    assert rows(tmp_path / "bot.sqlite3", "SELECT COUNT(*) FROM answers") == [(2,)]


async def test_a_new_stance_keeps_the_reason_and_a_reason_keeps_the_stance(
    storage: Storage,
) -> None:
    walk = await group_session(storage)
    await storage.record_answer(stance(walk, FIRST, "press:1", "Agree"))
    kept = await storage.record_answer(reply(walk, FIRST, "msg:1", "because"), keep="stance")
    assert (kept.answer.stance, kept.answer.answer_text) == ("Agree", "because")
    changed = await storage.record_answer(stance(walk, FIRST, "press:2", "Disagree"), keep="reason")
    assert (changed.answer.stance, changed.answer.answer_text) == ("Disagree", "because")
    # Nothing earlier: nothing to keep.
    alone = await storage.record_answer(reply(walk, SECOND, "msg:2", "first"), keep="stance")
    assert (alone.answer.stance, alone.answer.answer_text) == (None, "first")


async def test_a_stance_and_a_reason_sent_at_once_are_both_kept(storage: Storage) -> None:
    """Each reads the other's write in its own transaction: neither loses the other."""
    walk = await group_session(storage)
    await asyncio.gather(
        storage.record_answer(stance(walk, FIRST, "press:1", "Agree"), keep="reason"),
        storage.record_answer(reply(walk, FIRST, "msg:1", "because"), keep="stance"),
    )
    current = await storage.current_answer(walk.id, FIRST.user_id, "q-debate")
    assert current is not None
    assert (current.stance, current.answer_text, current.version) == ("Agree", "because", 2)


async def test_cached_walks_and_posts_follow_every_change(storage: Storage) -> None:
    walk = await group_session(storage)
    assert await storage.walk(walk.id) == walk  # now cached
    paused = await storage.set_walk_status(walk.id, "paused")
    assert await storage.walk(walk.id) == paused
    resumed = await storage.set_walk_status(walk.id, "active")
    assert resumed is not None
    post = Post(-100, 10, walk.id, 1, question_id="q-debate", carries_next=True)
    moved = await storage.record_part(resumed, 2, [post])
    assert await storage.walk(walk.id) == moved
    assert await storage.post_for_message(-100, 10) == post
    newer = Post(-100, 11, walk.id, 2, question_id="q-2", carries_next=True)
    assert moved is not None
    await storage.record_part(moved, 3, [newer])
    older = await storage.post_for_message(-100, 10)
    assert older is not None and not older.carries_next  # the flag moved to the newer part
    await storage.migrate_chat(-100, -200)
    migrated = await storage.walk(walk.id)
    assert migrated is not None and migrated.chat_id == -200


def test_a_read_begun_before_a_change_does_not_put_its_stale_row_back() -> None:
    cache: _Cache[int, tuple[int, str]] = _Cache(limit=2, walk_of=lambda row: row[0])
    before_the_change = cache.generation
    cache.drop_all()  # a write changed the row while it was being read
    cache.put(1, (7, "stale"), before_the_change)
    assert cache.get(1) is None
    cache.put(1, (7, "fresh"), cache.generation)
    cache.put(2, (7, "two"), cache.generation)
    cache.put(3, (8, "three"), cache.generation)  # over the limit: the oldest goes
    assert (cache.get(1), cache.get(2), cache.get(3)) == (None, (7, "two"), (8, "three"))
    # Another walk's change does not stop a read of this one; its own does.
    reading = cache.generation
    cache.drop([8])
    cache.put(4, (7, "four"), reading)
    cache.put(5, (8, "old eight"), reading)
    assert (cache.get(2), cache.get(3), cache.get(4), cache.get(5)) == (
        (7, "two"),
        None,  # dropped with walk 8
        (7, "four"),
        None,  # read before walk 8 changed
    )


async def test_one_sessions_change_leaves_the_others_cached(storage: Storage) -> None:
    """A group's next part, or a student's private answer that moves her lesson on, drops
    the cached rows of that walk only: at 1,000 groups and thousands of private lessons,
    dropping every row on every change left the cache empty most of the time."""
    ours = await group_session(storage)
    theirs = await storage.start_walk(
        chat_id=-300,
        chat_type="supergroup",
        chat_title="Another circle",
        audience="group",
        user_id=None,
        lesson_id="lesson-a",
        lesson_version="v1",
    )
    their_post = Post(-300, 5, theirs.id, 1, question_id="q-1", poll_id="poll-1")
    await storage.record_posts([their_post])
    assert await storage.walk(theirs.id) == theirs  # now cached
    assert await storage.post_for_poll("poll-1") == their_post
    assert storage._walks.get(theirs.id) is not None
    moved = await storage.record_part(ours, 2, [Post(-100, 10, ours.id, 1, carries_next=True)])
    assert moved is not None
    await storage.record_answer(reply(moved, FIRST, "msg:1"), advance_to=3)
    assert storage._walks.get(theirs.id) == theirs
    assert storage._posts.get("poll-1") == their_post
    assert storage._walks.get(ours.id) is None  # ours changed: read again when asked
    again = await storage.walk(ours.id)
    assert again is not None and again.position == 3


async def test_standing_answers_are_the_newest_versions_without_withdrawn_votes(
    storage: Storage,
) -> None:
    walk = await group_session(storage)
    await storage.record_answer(stance(walk, FIRST, "press:1", "Agree"))
    await storage.record_answer(reply(walk, FIRST, "msg:1", "because"), keep="stance")
    vote = NewAnswer(
        walk=walk,
        respondent=SECOND,
        question_id="q-choice",
        question_type="choice",
        via="poll",
        source_key="update:1",
        option_indexes=(0,),
        is_correct=True,
    )
    await storage.record_answer(vote)
    assert await storage.member_count(walk.id) == 2
    await storage.record_answer(
        replace(vote, source_key="update:2", option_indexes=(), is_correct=None, retracted=True)
    )
    facts = await storage.standing_answers(walk.id)
    assert [(f.user_id, f.question_id, f.stance, f.is_correct) for f in facts] == [
        (FIRST.user_id, "q-debate", "Agree", None)
    ]
    assert await storage.member_count(walk.id) == 1


async def test_a_write_after_close_fails_at_once(tmp_path: Path) -> None:
    storage = await Storage.open(tmp_path / "bot.sqlite3")
    walk = await group_session(storage)
    await storage.close()
    with pytest.raises(sqlite3.ProgrammingError, match="closed"):
        await asyncio.wait_for(storage.record_answer(reply(walk, FIRST, "msg:1")), timeout=5)


async def test_writes_queued_when_the_writer_stops_are_failed_not_left_waiting(
    storage: Storage,
) -> None:
    walk = await group_session(storage)
    # The database thread is gone (as when the process is being torn down).
    storage._writer._executor.shutdown(wait=True)
    writes = [storage.record_answer(reply(walk, m, f"msg:{m.user_id}")) for m in (FIRST, SECOND)]
    outcomes = await asyncio.wait_for(asyncio.gather(*writes, return_exceptions=True), timeout=5)
    assert all(isinstance(o, RuntimeError) for o in outcomes), outcomes


async def test_a_part_just_posted_is_found_without_reading_it_back(storage: Storage) -> None:
    """The answers that follow a part (a whole group's, at once) find its session and
    posts in memory: recording them keeps them, and a row being read is read once."""
    walk = await group_session(storage)
    reads: list[str] = []
    read_one = storage._read_one

    async def counted(sql: str, params: Sequence[object] = ()) -> sqlite3.Row | None:
        reads.append(sql)
        return await read_one(sql, params)

    storage._read_one = counted  # type: ignore[method-assign]
    poll = Post(-100, 20, walk.id, 1, question_id="q-1", poll_id="poll-20", options=("A", "B"))
    moved = await storage.record_part(walk, 1, [poll])
    assert moved is not None
    assert await storage.walk(walk.id) == moved
    assert await storage.post_for_poll("poll-20") == poll
    assert await storage.post_for_message(-100, 20) == poll
    assert reads == []
    storage._posts.drop_all()  # as after a restart: 30 members' votes find it cold
    found = await asyncio.gather(*(storage.post_for_poll("poll-20") for _ in range(30)))
    assert found == [poll] * 30
    assert len(reads) == 1
