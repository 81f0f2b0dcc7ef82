"""A group's digest of a debate question (issue 14), posted once when its session moves
past it: by /next, /end, or a timer. ``bot.sessions`` calls ``due`` from the one place a
session moves on (posting the next part, or ending) and sends what it returns.

Digests are on unless a moderator said ``/digest off``; each is claimed in the database
before it is sent, so a repeated /end, a restart or a second timer never posts it again.
One a stop refused (bot/send_budget.py's ``NotSent``) is noted as owed from its first
message not posted, and posted from there the next time it is due, once.
A member who changes their stance later changes /report, not the digest. Also the top
five under closing results, where a group has its leaderboard on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.discussion import digest_of, top
from bot.lessons import DebateQuestion, Question
from bot.render import discussion as render
from bot.render.markup import Reply
from bot.storage import Storage, Walk


@dataclass(frozen=True)
class Due:
    """A debate question's digest to post now: its messages from ``first`` on (those before
    it went out before a stop refused the rest)."""

    question_id: str
    replies: list[Reply]
    first: int = 0

    def posting(self) -> list[tuple[int, Reply]]:
        """Each message still to post, with its index in the digest."""
        return list(enumerate(self.replies))[self.first :]


async def due(storage: Storage, walk: Walk, questions: list[Question]) -> list[Due]:
    """The digests to post now that ``walk`` moved past ``questions`` (the part posted
    last): one per debate question with answers, at most two messages each; a digest a
    stop refused (``owe``) from its first message not posted."""
    debates = [q for q in questions if isinstance(q, DebateQuestion)]
    if not debates or not (await storage.group_switches(walk.chat_id)).digest:
        return []
    history = await storage.answer_history(walk.id, [q.id for q in debates])
    ready: list[Due] = []
    for question in debates:
        found = digest_of(question, history)
        if found is None:
            continue
        first = await storage.claim_digest(walk.id, question.id)
        if first is not None:
            replies = render.digest(found, render.digest_names(found))
            ready.append(Due(question.id, replies, first))
    return ready


async def owe(storage: Storage, walk: Walk, refused: Due, message: int, after: list[Due]) -> None:
    """A stop refused ``refused``'s message number ``message``, and the digests ``after``
    it were never tried: each is owed from its first message not posted, posted when the
    session next moves past its question (or, at a close, at the next start:
    ``bot.sessions``)."""
    owed = [(refused.question_id, message), *((d.question_id, d.first) for d in after)]
    await storage.owe_digests(walk.id, owed)


async def top_five(
    storage: Storage, chat_id: int, kind: Literal["walk", "assignment"], value: int
) -> Reply | None:
    """The top five on choice questions under a session's (``walk``) or an assignment's
    closing results, if the group has its leaderboard on (it is off by default)."""
    if not (await storage.group_switches(chat_id)).leaderboard:
        return None
    scores = top(await storage.choice_scores(kind, value))
    return render.top_five(scores) if scores else None
