"""A group's digest of a debate question (issue 14), posted once when its session moves
past it: by /next, /end, or a timer. ``bot.sessions`` calls ``due`` from the one place a
session moves on (posting the next part, or ending) and sends what it returns.

Digests are on unless a moderator said ``/digest off``; each is claimed in the database
before it is sent, so a repeated /end, a restart or a second timer never posts it again.
A member who changes their stance later changes /report, not the digest. Also the top
five under closing results, where a group has its leaderboard on.
"""

from __future__ import annotations

from typing import Literal

from bot.discussion import digest_of, top
from bot.lessons import DebateQuestion, Question
from bot.render import discussion as render
from bot.render.markup import Reply
from bot.storage import Storage, Walk


async def due(storage: Storage, walk: Walk, questions: list[Question]) -> list[Reply]:
    """The digests to post now that ``walk`` moved past ``questions`` (the part posted
    last): one per debate question with answers, at most two messages each."""
    debates = [q for q in questions if isinstance(q, DebateQuestion)]
    if not debates or not (await storage.group_switches(walk.chat_id)).digest:
        return []
    history = await storage.answer_history(walk.id)
    replies: list[Reply] = []
    for question in debates:
        found = digest_of(question, history)
        if found is None or not await storage.claim_digest(walk.id, question.id):
            continue
        replies.extend(render.digest(found, render.digest_names(found)))
    return replies


async def top_five(
    storage: Storage, chat_id: int, kind: Literal["walk", "assignment"], value: int
) -> Reply | None:
    """The top five on choice questions under a session's (``walk``) or an assignment's
    closing results, if the group has its leaderboard on (it is off by default)."""
    if not (await storage.group_switches(chat_id)).leaderboard:
        return None
    scores = top(await storage.choice_scores(kind, value))
    return render.top_five(scores) if scores else None
