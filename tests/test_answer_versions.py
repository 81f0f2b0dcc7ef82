"""A member's versions of one answer are capped (issue 19, item 7): past MAX_ANSWER_VERSIONS
an edit replaces the newest version instead of adding a row; real SQLite files."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from bot.storage import MAX_ANSWER_VERSIONS, NewAnswer, Respondent, Storage, Walk
from tests.actors import group_session, rows

ANA, MINSU = Respondent(501, "Ana Kim", "ana"), Respondent(502, "Minsu", None)


def reply(walk: Walk, who: Respondent, n: int, question: str = "q-short") -> NewAnswer:
    return NewAnswer(
        walk=walk,
        respondent=who,
        question_id=question,
        question_type="short",
        via="reply",
        source_key=f"edit:{who.user_id}:{question}:{n}",
        answer_text=f"edit number {n}",
    )


async def test_25_edits_keep_20_versions_the_newest_being_the_25th(
    storage: Storage, tmp_path: Path
) -> None:
    assert MAX_ANSWER_VERSIONS == 20
    walk = await group_session(storage)
    recorded = [await storage.record_answer(reply(walk, ANA, n)) for n in range(1, 26)]
    assert all(r.created for r in recorded)
    assert [n for n, r in enumerate(recorded, 1) if r.reached_cap] == [20]  # said once
    assert [n for n, r in enumerate(recorded, 1) if r.replaced] == [21, 22, 23, 24, 25]
    assert [r.answer.version for r in recorded[19:]] == [20] * 6
    history = await storage.answer_history(walk.id)
    assert [a.version for a in history] == list(range(1, 21))
    assert [a.answer_text for a in history[:19]] == [f"edit number {n}" for n in range(1, 20)]
    current = await storage.current_answer(walk.id, ANA.user_id, "q-short")
    assert current is not None and current == recorded[-1].answer
    assert (current.answer_text, current.version) == ("edit number 25", 20)
    # The same update again changes nothing, at the cap as below it.
    again = await storage.record_answer(reply(walk, ANA, 25))
    assert (again.created, again.replaced, again.answer) == (False, False, current)
    assert (await storage.record_answer(reply(walk, ANA, 3))).created is False
    assert rows(tmp_path, "SELECT COUNT(*) FROM answers") == [(20,)]
    # The cap is per member and per question.
    other = await storage.record_answer(reply(walk, MINSU, 1))
    assert (other.created, other.answer.version, other.reached_cap) == (True, 1, False)
    second = await storage.record_answer(reply(walk, ANA, 1, question="q-other"))
    assert (second.answer.version, second.replaced) == (1, False)


async def test_a_replacement_takes_every_field_of_the_new_answer_and_keeps_a_stance(
    storage: Storage,
) -> None:
    walk = await group_session(storage)
    stance = NewAnswer(
        walk=walk,
        respondent=ANA,
        question_id="q-debate",
        question_type="debate",
        via="button",
        source_key="press:0",
        stance="Agree",
    )
    await storage.record_answer(stance)
    reason = replace(stance, via="reply", stance=None)
    for n in range(1, MAX_ANSWER_VERSIONS + 3):
        last = await storage.record_answer(
            replace(reason, source_key=f"msg:{n}", answer_text=f"because {n}"), keep="stance"
        )
    assert last.replaced and last.answer.version == MAX_ANSWER_VERSIONS
    assert (last.answer.stance, last.answer.answer_text) == ("Agree", "because 22")
    # A new stance at the cap keeps the reason, and replaces the newest version again.
    renamed = replace(ANA, display_name="Ana K.", username="ana_k")
    changed = await storage.record_answer(
        replace(stance, respondent=renamed, source_key="press:9", stance="Disagree"),
        keep="reason",
    )
    assert changed.replaced and not changed.reached_cap
    answer = changed.answer
    assert (answer.stance, answer.answer_text, answer.via) == ("Disagree", "because 22", "button")
    assert (answer.display_name, answer.username, answer.version) == ("Ana K.", "ana_k", 20)
    assert answer.id == last.answer.id  # the same row, in its place
    assert answer.answered_at >= last.answer.answered_at
    current = await storage.current_answers(walk.id, ANA.user_id)
    assert current == [answer]


async def test_a_replacement_advances_the_walk_like_an_answer(storage: Storage) -> None:
    walk = await storage.start_walk(
        chat_id=ANA.user_id,
        chat_type="private",
        chat_title="Ana",
        audience="private",
        user_id=ANA.user_id,
        lesson_id="lesson-a",
        lesson_version="v1",
    )
    for n in range(1, MAX_ANSWER_VERSIONS + 1):
        await storage.record_answer(reply(walk, ANA, n))
    replaced = await storage.record_answer(reply(walk, ANA, 99), advance_to=3)
    assert replaced.replaced
    moved = await storage.walk(walk.id)
    assert moved is not None and moved.position == 3
