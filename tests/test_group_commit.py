"""A crowd answering at once, through the real bot: the poller handles one fetched batch
concurrently, the writer commits their answers together, and every pop-up still comes
after its own answer's commit; a moderator's /status sent after them counts them all."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.actors import FLOOD_WINDOW, SMALL_LESSON, Group, rows, settings_for
from tests.conftest import running_bot
from tests.standin import BotApiStandIn

pytestmark = pytest.mark.standin(flood_window=FLOOD_WINDOW)
CROWD = 40


async def test_a_crowd_of_presses_shares_commits_and_each_popup_follows_its_commit(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    room = Group(standin, members=CROWD)
    settings = settings_for(standin, tmp_path, SMALL_LESSON)
    async with running_bot(settings, group_window=FLOOD_WINDOW) as app:
        _, (buttons_question, _, _) = await room.posts_first_questions()
        storage = app.bot_data.storage
        assert storage is not None
        statements: list[str] = []
        await storage._writer.run(lambda db: db.set_trace_callback(statements.append))
        committed: set[str] = set()
        original = storage.record_answer

        async def noting_commits(answer, **kwargs):  # type: ignore[no-untyped-def]
            recorded = await original(answer, **kwargs)
            committed.add(answer.respondent.username)
            return recorded

        storage.record_answer = noting_commits  # type: ignore[method-assign]
        popups_after_commit: list[bool] = []
        # Every press is queued before the bot's next getUpdates: one batch of 40.
        queries = {
            standin.press(member, buttons_question, "Right"): member for member in room.members
        }
        for query, member in queries.items():
            await standin.wait_for_callback_answer(query, timeout=10)
            popups_after_commit.append(member.username in committed)
        assert "answered so far: 40" in await room.barrier()
    assert popups_after_commit == [True] * CROWD
    assert rows(tmp_path, "SELECT COUNT(*) FROM answers WHERE question_id = 'pick-one'") == [
        (CROWD,)
    ]
    commits = statements.count("COMMIT")
    # One by one would be 40 commits (and 40 more to mark the updates handled).
    assert commits <= CROWD // 2, f"{CROWD} answers in one batch took {commits} commits"
    assert rows(tmp_path, "SELECT COUNT(*) FROM inbox") == [(0,)]
