"""A hard kill loses nothing: answers stream in while the bot is killed with SIGKILL at
random moments, several times, and started again; at the end every answer the stand-in
delivered is in the database exactly once."""

from __future__ import annotations

import asyncio
import functools
import random
import sqlite3
from pathlib import Path

from tests.bot_process import bot_env, finish, start_bot
from tests.standin import BotApiStandIn, StoredMessage

KILLS = 4
REPLIES_PER_ROUND = 60


async def test_answers_survive_sigkill_exactly_once(standin: BotApiStandIn, tmp_path: Path) -> None:
    rng = random.Random(20200708)  # fixed seed: the same "random" moments on every run
    db_path = tmp_path / "bot.sqlite3"
    env = bot_env(standin.base_url, db_path, BOT_POLL_TIMEOUT="1")
    admin = standin.user("Ada", username="ada")
    # 24 members: none replies more than MAX_ANSWER_VERSIONS (20) times, so that every reply
    # is a version of its own (later ones would replace the newest).
    members = [standin.user(f"Member {i}", username=f"member{i}") for i in range(24)]
    group = standin.group("Crash Course", members=members, admins=[admin])

    process = await start_bot(env)
    standin.send_text(admin, group, "/begin")
    await standin.next_bot_message(group.id, timeout=30)
    await standin.next_bot_message(group.id, timeout=30)  # a stance before the reading
    for _ in range(2):  # part 1, then its questions (the third is a short question)
        standin.send_text(admin, group, "/next")
        await standin.next_bot_message(group.id, timeout=30)
    short: StoredMessage = await _last_question(standin, group.id)
    # The part is recorded (and /next handled) only after its last message is sent: a kill
    # before that would post the part again at start, as it should, and shift the reads.
    await _inbox_empty(db_path)

    sent: list[StoredMessage] = []
    for round_number in range(KILLS):
        await standin.wait_for(lambda: standin.polling, timeout=30)  # up and waiting
        first = standin.last_update_id + 1
        for i in range(REPLIES_PER_ROUND):
            member = rng.choice(members)
            sent.append(standin.reply(member, short, f"round {round_number} reply {i}"))
        # Kill while the batch is being handled: after the bot fetched it, at a random moment.
        await standin.wait_for(functools.partial(fetched, standin, first), timeout=30)
        await asyncio.sleep(rng.random() * 0.08)
        process.kill()
        await finish(process)
        process = await start_bot(env)

    standin.send_text(admin, group, "/status")  # handled after every earlier update
    status = await standin.next_bot_message(group.id, timeout=60)
    assert status.text is not None and "answered so far" in status.text
    process.terminate()
    code, output = await finish(process)
    assert code == 0, output

    db = sqlite3.connect(db_path)
    try:
        stored = db.execute(
            "SELECT source_key, answer_text FROM answers WHERE question_id = 'ffvd-meaning'"
        ).fetchall()
        pending = db.execute("SELECT COUNT(*) FROM inbox").fetchone()[0]
    finally:
        db.close()
    expected = {(f"msg:{group.id}:{m.message_id}", m.text) for m in sent}
    assert len(stored) == len(sent)  # none twice
    assert set(stored) == expected  # none lost
    assert pending == 0


def fetched(standin: BotApiStandIn, update_id: int) -> bool:
    """Whether the stand-in has handed that update to the bot."""
    newest = max(
        (u["update_id"] for c in standin.calls_to("getUpdates") if c.ok for u in c.result or ()),
        default=0,
    )
    return newest >= update_id


async def _last_question(standin: BotApiStandIn, chat_id: int) -> StoredMessage:
    """The part's messages arrive one by one; the short question is the last of three."""
    await standin.next_bot_message(chat_id, timeout=30)
    return await standin.next_bot_message(chat_id, timeout=30)


async def _inbox_empty(db_path: Path) -> None:
    """Wait until every update fetched so far has been handled (its inbox row gone)."""
    for _ in range(300):
        db = sqlite3.connect(db_path)
        try:
            (pending,) = db.execute("SELECT COUNT(*) FROM inbox").fetchone()
        finally:
            db.close()
        if pending == 0:
            return
        await asyncio.sleep(0.1)
    raise AssertionError("updates still unhandled after 30 s")
