"""Privacy: /forget deletes everything stored about a person, in every chat, and then
empties the database's log (WAL), which still holds the deleted rows' old pages."""

from __future__ import annotations

import asyncio
import logging
import sqlite3

from bot.storage.base import StorageBase
from bot.storage.discussion import forget_discussion
from bot.storage.records import Forgotten
from bot.storage.sql import Db, rowcount

log = logging.getLogger(__name__)

# The log can be emptied only while nobody reads an older state of the database (a backup,
# an export, a long report). forget_user tries for this long, pausing between tries (doubling
# from the first pause up to the longest) so that a reader gets its time; then it answers,
# and a task goes on trying every few seconds until the log is cleared.
LOG_CLEAR_WITHIN_S = 5.0
LOG_CLEAR_FIRST_PAUSE_S = 0.05
LOG_CLEAR_LONGEST_PAUSE_S = 0.5
LOG_CLEAR_RETRY_EVERY_S = 3.0
_CLEARING = "clear-log-after-forget"


class PrivacyQueries(StorageBase):
    # Per instance, so a test can shorten them.
    log_clear_within_s = LOG_CLEAR_WITHIN_S
    log_clear_retry_every_s = LOG_CLEAR_RETRY_EVERY_S

    async def forget_user(self, user_id: int) -> Forgotten:
        """Delete everything stored about a person, in every chat, and nothing else; then
        empty the log. ``log_cleared`` False: it could not be emptied yet (a reader was
        active throughout), and it will be, in the background, once the reader is done."""

        def forget(db: Db) -> tuple[int, int, int]:
            own_walks = "SELECT id FROM walks WHERE audience = 'private' AND user_id = ?"
            answers = rowcount(
                db,
                f"DELETE FROM answers WHERE user_id = ? OR walk_id IN ({own_walks})",
                (user_id, user_id),
            )
            other = rowcount(db, f"DELETE FROM posts WHERE walk_id IN ({own_walks})", (user_id,))
            other += rowcount(
                db,
                f"DELETE FROM private_prompts WHERE chat_id = ? OR walk_id IN ({own_walks})",
                (user_id, user_id),
            )
            walks = rowcount(
                db, "DELETE FROM walks WHERE audience = 'private' AND user_id = ?", (user_id,)
            )
            other += rowcount(db, "DELETE FROM deliveries WHERE user_id = ?", (user_id,))
            other += rowcount(db, "DELETE FROM ticks WHERE user_id = ?", (user_id,))
            # The dashboard's sign-in links and sessions: they carry the name (issue 17).
            for table in ("dashboard_tokens", "dashboard_sessions"):
                other += rowcount(db, f"DELETE FROM {table} WHERE user_id = ?", (user_id,))
            # Homework reminders sent to them, and the groups they muted.
            other += rowcount(db, "DELETE FROM reminder_sends WHERE user_id = ?", (user_id,))
            other += rowcount(db, "DELETE FROM reminder_mutes WHERE user_id = ?", (user_id,))
            other += rowcount(db, "DELETE FROM lookups WHERE user_id = ?", (user_id,))  # Words
            other += forget_discussion(db, user_id)  # their reveal setting (issue 14)
            other += rowcount(db, "DELETE FROM assignment_drafts WHERE user_id = ?", (user_id,))
            # A group session they started stays the group's; it no longer names them.
            other += rowcount(
                db,
                "UPDATE walks SET user_id = NULL WHERE audience = 'group' AND user_id = ?",
                (user_id,),
            )
            other += rowcount(
                db,
                "DELETE FROM chats WHERE id = ? AND type = 'private' "
                "AND NOT EXISTS (SELECT 1 FROM walks WHERE chat_id = chats.id)",
                (user_id,),
            )
            # Their language: the one they chose is theirs (counted); the language_code
            # Telegram showed is only a setting, stored again with their next message.
            other += rowcount(
                db, "DELETE FROM languages WHERE chat_id = ? AND chosen IS NOT NULL", (user_id,)
            )
            db.execute("DELETE FROM languages WHERE chat_id = ?", (user_id,))
            db.execute("DELETE FROM owed_replies WHERE chat_id = ?", (user_id,))  # a chat id
            return answers, walks, other

        answers, walks, other = await self._write(forget, changes_walks=True)
        languages = await self._languages.settled()
        if languages is not None:
            languages.pop(user_id, None)
        cleared = await self._clear_log()
        if not cleared and not self._running(_CLEARING):
            # A task already running tries again after this delete: its success covers it.
            self._in_background(_CLEARING, self._clear_log_eventually())
        return Forgotten(answers=answers, walks=walks, other=other, log_cleared=cleared)

    async def _clear_log(self) -> bool:
        """Empty the log, trying again for ``log_clear_within_s``; False if it could not."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.log_clear_within_s
        pause = LOG_CLEAR_FIRST_PAUSE_S
        while True:
            if await self._checkpoint():
                return True
            if loop.time() + pause > deadline:
                return False
            await asyncio.sleep(pause)
            pause = min(pause * 2, LOG_CLEAR_LONGEST_PAUSE_S)

    async def _clear_log_eventually(self) -> None:
        cleared = False
        while not cleared:  # forget_user has just tried
            await asyncio.sleep(self.log_clear_retry_every_s)
            cleared = await self._checkpoint()
        log.info("the database log that still held data deleted by /forget is cleared")

    async def _checkpoint(self) -> bool:
        try:
            return await self._writer.checkpoint()
        except sqlite3.Error as error:  # tried again, as when a reader is in the way
            log.warning("emptying the database log failed: %s", type(error).__name__)
            return False
