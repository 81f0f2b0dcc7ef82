"""The storage package on real SQLite files: schema 5 (what a post is, private chats' posts,
ticks kept on the server), a version 4 database migrated to it, and the one definition of
"the current answer" that every query shares."""

from __future__ import annotations

import asyncio
import sqlite3
from dataclasses import replace
from pathlib import Path

from bot.storage import MIGRATIONS, SCHEMA_VERSION, NewAnswer, Post, Respondent, Storage, Walk
from bot.storage.exports import AnswerFilter, iter_answers, list_sessions, open_readonly
from tests.actors import group_session

ANA, MINSU, JO = (
    Respondent(501, "Ana Kim", "ana"),
    Respondent(502, "Minsu", None),
    Respondent(503, "Jo", "jo"),
)


async def private_walk(storage: Storage, who: Respondent = ANA) -> Walk:
    return await storage.start_walk(
        chat_id=who.user_id,
        chat_type="private",
        chat_title=who.display_name,
        audience="private",
        user_id=who.user_id,
        lesson_id="lesson-a",
        lesson_version="v1",
    )


async def test_a_version_4_database_is_migrated_to_5_and_keeps_its_posts(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    raw = sqlite3.connect(path)
    for statements in MIGRATIONS[:4]:
        for statement in statements:
            raw.execute(statement)
    raw.execute("INSERT INTO chats (id, type, updated_at) VALUES (-100, 'group', 'x')")
    raw.execute(
        "INSERT INTO walks (id, chat_id, audience, lesson_id, lesson_version, attempt, "
        "position, status, started_at) VALUES (7, -100, 'group', 'l', 'v', 1, 2, 'active', 'x')"
    )
    raw.execute(
        "INSERT INTO posts (chat_id, message_id, walk_id, position, question_id, poll_id, "
        "options) VALUES (-100, 40, 7, 1, 'q-choice', 'poll-1', '[\"Yes\", \"No\"]')"
    )
    raw.execute("PRAGMA user_version = 4")
    raw.commit()
    raw.close()
    storage = await Storage.open(path)
    try:
        assert await storage.schema_version() == SCHEMA_VERSION >= 5
        old = Post(-100, 40, 7, 1, "q-choice", "poll-1", options=("Yes", "No"))
        assert await storage.post_for_poll("poll-1") == old  # kind None: posted before 5
        walk = await storage.open_walk(-100)
        assert walk is not None and walk.position == 2
        assert await storage.toggle_tick(-100, 41, 501, 1) == (1,)  # the new table is there
    finally:
        await storage.close()


async def test_a_post_keeps_its_kind_in_every_lookup(storage: Storage) -> None:
    walk = await group_session(storage)
    posts = [
        Post(-100, 10, walk.id, 1, section=1, kind="section"),
        Post(-100, 11, walk.id, 2, "q-poll", "poll-9", options=("A", "B"), kind="poll"),
        Post(-100, 12, walk.id, 3, "q-ticks", options=("A", "B", "C"), kind="ticks"),
        Post(-100, 13, walk.id, 4, "q-debate", carries_next=True, kind="stances"),
    ]
    await storage.record_part(walk, 4, posts)
    assert await storage.posts_of_walk(walk.id) == posts
    assert await storage.post_for_poll("poll-9") == posts[1]
    assert await storage.post_for_message(-100, 12) == posts[2]
    assert await storage.post_of_question(walk.id, "q-debate") == posts[3]
    assert await storage.post_of_question(walk.id, "q-never-posted") is None


async def test_posts_recorded_alone_move_no_walk_and_the_newest_post_counts(
    storage: Storage,
) -> None:
    walk = await private_walk(storage)
    asked = Post(ANA.user_id, 20, walk.id, 3, "q-choice", options=("Yes", "No"), kind="buttons")
    await storage.record_posts([asked])
    assert await storage.walk(walk.id) == walk  # not moved
    assert await storage.post_of_question(walk.id, "q-choice") == asked  # now cached
    # Asked again (after /restart's renewal, say): the newer message is the question's post.
    again = replace(asked, message_id=25, options=("Yes", "No", "Maybe"))
    await storage.record_posts([again])
    assert await storage.post_of_question(walk.id, "q-choice") == again
    assert await storage.post_for_message(ANA.user_id, 20) == asked
    await storage.record_posts([])  # nothing to write
    # A later write under the same message id replaces the post, also in the cache.
    assert await storage.post_for_message(ANA.user_id, 25) == again
    typed = replace(again, options=None, kind="typed")
    await storage.record_posts([typed])
    assert await storage.post_for_message(ANA.user_id, 25) == typed
    assert await storage.walk(walk.id) == walk


async def test_ticks_toggle_one_option_each_even_when_pressed_at_once(storage: Storage) -> None:
    assert await storage.ticks_of(-100, 30, ANA.user_id) == ()
    # Five presses handled at once (a stale keyboard each): every toggle is kept.
    await asyncio.gather(*(storage.toggle_tick(-100, 30, ANA.user_id, i) for i in (4, 0, 2, 1, 3)))
    assert await storage.ticks_of(-100, 30, ANA.user_id) == (0, 1, 2, 3, 4)
    assert await storage.toggle_tick(-100, 30, ANA.user_id, 2) == (0, 1, 3, 4)  # unticked
    assert await storage.toggle_tick(-100, 30, MINSU.user_id, 2) == (2,)  # someone else's
    assert await storage.toggle_tick(-100, 31, ANA.user_id, 0) == (0,)  # another message's
    assert await storage.toggle_tick(-100, 31, ANA.user_id, 0) == ()
    await storage.clear_ticks(-100, 30, ANA.user_id)
    assert await storage.ticks_of(-100, 30, ANA.user_id) == ()
    assert await storage.ticks_of(-100, 30, MINSU.user_id) == (2,)


async def test_forget_deletes_the_persons_ticks_and_counts_them(storage: Storage) -> None:
    await storage.toggle_tick(-100, 30, ANA.user_id, 1)
    await storage.toggle_tick(-100, 31, ANA.user_id, 0)
    await storage.toggle_tick(-100, 30, MINSU.user_id, 2)
    gone = await storage.forget_user(ANA.user_id)
    assert (gone.answers, gone.walks, gone.other) == (0, 0, 2)
    assert await storage.ticks_of(-100, 30, ANA.user_id) == ()
    assert await storage.ticks_of(-100, 30, MINSU.user_id) == (2,)


async def test_every_query_of_current_answers_finds_the_same_newest_versions(
    storage: Storage, tmp_path: Path
) -> None:
    """The current answer is defined once (``bot.storage.sql.newest_version``): a member's
    answer, a walk's answers, its results, its member count and the export agree."""
    walk = await group_session(storage)

    def vote(who: Respondent, key: str, option: int | None) -> NewAnswer:
        return NewAnswer(
            walk=walk,
            respondent=who,
            question_id="q-poll",
            question_type="choice",
            via="poll",
            source_key=key,
            option_indexes=() if option is None else (option,),
            is_correct=None if option is None else option == 0,
            retracted=option is None,
        )

    for key, who, option in [
        ("u1", ANA, 1),
        ("u2", ANA, 0),  # Ana's current: right
        ("u3", MINSU, 0),
        ("u4", MINSU, None),  # Minsu withdrew: no standing answer
        ("u5", JO, 1),
        ("u6", JO, 1),
        ("u7", JO, 0),  # Jo's current: right, version 3
    ]:
        await storage.record_answer(vote(who, key, option))
    current = await storage.current_answers(walk.id)
    assert [(a.user_id, a.version, a.option_indexes) for a in current] == [
        (ANA.user_id, 2, (0,)),
        (MINSU.user_id, 2, ()),
        (JO.user_id, 3, (0,)),
    ]
    for answer in current:
        assert await storage.current_answer(walk.id, answer.user_id, "q-poll") == answer
    standing = await storage.standing_answers(walk.id)
    assert [(f.user_id, f.is_correct) for f in standing] == [
        (ANA.user_id, True),
        (JO.user_id, True),
    ]
    assert await storage.member_count(walk.id) == 2
    connection = open_readonly(tmp_path / "bot.sqlite3")
    try:
        exported = list(iter_answers(connection, AnswerFilter(session_id=walk.id)))
        assert [(row[8], row[18]) for row in exported] == [
            (ANA.user_id, 2),
            (MINSU.user_id, 2),
            (JO.user_id, 3),
        ]
        (session,) = [s for s in list_sessions(connection) if s.walk_id == walk.id]
        assert (session.answers, session.members) == (2, 2)
    finally:
        connection.close()


async def test_a_stance_before_the_reading_alone_is_no_standing_answer(storage: Storage) -> None:
    """/status counts members with a standing answer: one who only gave a debate's stance
    before the reading (or only its other side) has answered nothing yet."""
    walk = await group_session(storage)

    def stance(who: Respondent, question_id: str, key: str) -> NewAnswer:
        return NewAnswer(
            walk=walk,
            respondent=who,
            question_id=question_id,
            question_type="debate",
            via="button",
            source_key=key,
            option_indexes=(0,),
        )

    await storage.record_answer(stance(ANA, "d1~before", "b1"))
    await storage.record_answer(stance(MINSU, "d1~counter", "c1"))
    assert await storage.member_count(walk.id) == 0
    await storage.record_answer(stance(JO, "d1", "s1"))
    assert await storage.member_count(walk.id) == 1


async def test_a_stance_before_the_reading_is_no_late_answer(storage: Storage) -> None:
    """Homework's late answers count answers, not a debate's parts (ids with a ~)."""
    homework = await storage.create_assignment(
        chat_id=-100500,
        chat_type="supergroup",
        chat_title="Class 2-3",
        lesson_id="lesson-a",
        deadline="2000-01-01T00:00:00.000Z",  # long past: every answer is late
        late=True,
        created_by=ANA.user_id,
        created_by_name=ANA.display_name,
    )
    walk = await storage.start_walk(
        chat_id=JO.user_id,
        chat_type="private",
        chat_title=JO.display_name,
        audience="private",
        user_id=JO.user_id,
        lesson_id="lesson-a",
        lesson_version="v1",
        assignment_id=homework.id,
    )
    for question_id, key in [("d1~before", "b1"), ("d1~counter", "c1"), ("d1", "s1")]:
        await storage.record_answer(
            NewAnswer(
                walk=walk,
                respondent=JO,
                question_id=question_id,
                question_type="debate",
                via="button",
                source_key=key,
                option_indexes=(0,),
            )
        )
    assert await storage.late_answers(homework.id) == 1
