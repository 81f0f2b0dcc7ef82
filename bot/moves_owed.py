"""A group session's move a stop cut short (bot/send_budget.py's ``NotSent``): the model
answers of the part just asked, a debate's digest, or the next part partway. The move is
noted owed (``walks.move_owed``, by ``bot.sessions.post_next_part``) and finished at the
next start, with nobody pressing Next: a line saying why it comes late, the model answers
not posted yet (counted by their posts), the digests owed, then the part (or its rest).

Once: the note is taken in the move's own lock before anything is posted (a crash
meanwhile loses it, never doubles it), by whichever move comes first (this start's job, a
moderator's Next, a paced session's clock); a close drops it (the close posts what is owed).
"""

from __future__ import annotations

import logging

from bot import i18n, sessions
from bot.context import BotApplication, BotContext

log = logging.getLogger(__name__)


async def make_good_at_start(application: BotApplication) -> None:
    """At start: if the last stop cut a session's move, a job finishes it as soon as the
    bot runs."""
    storage = application.bot_data.storage
    assert storage is not None, "called once the database is open"
    if await storage.owed_moves() and application.job_queue is not None:
        application.job_queue.run_once(make_good, 0, name="finish moves a stop cut short")


async def make_good(context: BotContext) -> None:
    """Each running session's move a stop cut short, finished now in the group's language
    (``sessions.post_next_part`` takes the note; nothing if another move took it first)."""
    finished = 0
    for walk_id in await context.storage.owed_moves():
        walk = await context.storage.walk(walk_id)
        if walk is None or walk.status != "active":
            continue
        # A job: the group's language is said, not taken from around it (bot/i18n.py).
        with i18n.speaking(await i18n.language_of_chat(context.storage, walk.chat_id)):
            await sessions.post_next_part(context, walk, owed=True)
        finished += 1
    log.info("made good at start: the moves of %s group sessions a stop cut short", finished)
