"""Which language a person or a group reads: their own choice (/language), and for a person
the language_code Telegram last showed (for what a job sends them). Kept in memory once read:
every update asks, and only /language and a changed language_code write."""

from __future__ import annotations

import asyncio
import logging

from bot.storage.base import StorageBase
from bot.storage.sql import Db

# (chosen, Telegram's language_code) by chat id: a person's id is their private chat's.
Settings = tuple[str | None, str | None]

log = logging.getLogger(__name__)


class LanguageQueries(StorageBase):
    async def language_settings(self, chat_id: int) -> Settings:
        """(the language chosen with /language, the language_code Telegram last showed)."""
        known = await self._languages_known()
        return known.get(chat_id, (None, None))

    async def choose_language(self, chat_id: int, language: str) -> None:
        """/language: a person's own choice (their id), or a group's (its chat id)."""
        now = self._now()
        await self._write(
            lambda db: db.execute(
                "INSERT INTO languages (chat_id, chosen, updated_at) VALUES (?, ?, ?) "
                "ON CONFLICT (chat_id) DO UPDATE SET chosen = excluded.chosen, "
                "updated_at = excluded.updated_at",
                (chat_id, language, now),
            )
        )
        known = await self._languages_known()
        known[chat_id] = (language, known.get(chat_id, (None, None))[1])

    async def saw_language_code(self, user_id: int, code: str) -> None:
        """Telegram showed this person's language_code: kept when it changed, for jobs.

        Not the update's own write: the update is marked handled by what its handler
        writes, as if this one were not there."""
        known = await self._languages_known()
        chosen, seen = known.get(user_id, (None, None))
        if seen == code:
            return
        known[user_id] = (chosen, code)
        now = self._now()
        # Queued, not waited for: it goes in the transaction of the update's own answer
        # (or an earlier one; writes commit in order), so a person's first update costs
        # one commit, not two.
        written = self._writer.queue(lambda db: _store_code(db, user_id, code, now))

        def unless_written(written: asyncio.Future[None]) -> None:
            if written.cancelled() or written.exception() is None:
                return
            log.warning("could not keep a language_code: %s", written.exception())
            if known.get(user_id, (None, None))[1] == code:
                known[user_id] = (known[user_id][0], seen)  # the next update tries again

        written.add_done_callback(unless_written)

    async def _languages_known(self) -> dict[int, Settings]:
        return await self._languages.get(self._read_languages)

    async def _read_languages(self) -> dict[int, Settings]:
        rows = await self._read_all("SELECT chat_id, chosen, telegram FROM languages")
        return {int(r[0]): (r[1], r[2]) for r in rows}


def _store_code(db: Db, user_id: int, code: str, now: str) -> None:
    db.execute(
        "INSERT INTO languages (chat_id, telegram, updated_at) VALUES (?, ?, ?) "
        "ON CONFLICT (chat_id) DO UPDATE SET telegram = excluded.telegram, "
        "updated_at = excluded.updated_at",
        (user_id, code, now),
    )
