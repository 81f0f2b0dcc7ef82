"""What others said, shown to a student once their own answer is in (issue 14): the reveal
of a debate's stances and reasons, or of a short question's answers, in the scope the
walk gives (its assignment's group, its group's session, or everyone who did the lesson).

Called by the answer handlers after an answer was recorded, never before: what is read
here is what the student's own answer made visible to them.
"""

from __future__ import annotations

from bot import discussion
from bot.lessons import DebateQuestion, ShortQuestion
from bot.storage import Storage, Walk


async def after_answer(
    storage: Storage, walk: Walk, question: DebateQuestion | ShortQuestion, user_id: int
) -> tuple[discussion.Reveal, bool]:
    """The reveal for ``user_id``, who has just answered ``question`` in ``walk``, and
    whether this is the first time they are to be told their reasons may be shown."""
    scope = await storage.reveal_scope(walk)
    peers = await storage.peer_answers(scope, question.id)
    told = await storage.tell_about_reveal(user_id) and await storage.shows_reasons(user_id)
    return discussion.reveal(question, peers, user_id), told
