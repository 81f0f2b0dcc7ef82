"""Chats the bot has heard from: their kind and title, whether it may still post there, a
group's move to a supergroup."""

from __future__ import annotations

from bot.storage.base import StorageBase
from bot.storage.sql import Db, one


def upsert_chat(db: Db, chat_id: int, chat_type: str, title: str | None, now: str) -> None:
    db.execute(
        # A chat we hear from can be written to again.
        "INSERT INTO chats (id, type, title, updated_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (id) DO UPDATE SET type = excluded.type, title = excluded.title, "
        "active = 1, updated_at = excluded.updated_at",
        (chat_id, chat_type, title, now),
    )


class ChatQueries(StorageBase):
    async def remember_chat(self, chat_id: int, chat_type: str, title: str | None) -> None:
        now = self._now()
        await self._write(lambda db: upsert_chat(db, chat_id, chat_type, title, now))

    async def chat_title(self, chat_id: int) -> str | None:
        row = await self._read_one("SELECT title FROM chats WHERE id = ?", (chat_id,))
        return str(row[0]) if row and row[0] is not None else None

    async def set_chat_active(self, chat_id: int, active: bool) -> None:
        now = self._now()
        await self._write(
            lambda db: db.execute(
                "UPDATE chats SET active = ?, updated_at = ? WHERE id = ?",
                (int(active), now, chat_id),
            )
        )

    async def groups_with_sessions(self) -> list[tuple[int, str]]:
        """(chat id, title) of every group that has had a session or homework, by title."""
        rows = await self._read_all(
            "SELECT c.id, COALESCE(c.title, '') FROM chats AS c "
            "WHERE c.id IN (SELECT chat_id FROM walks WHERE audience = 'group') "
            "OR c.id IN (SELECT chat_id FROM assignments) ORDER BY 2, 1"
        )
        return [(int(row[0]), str(row[1])) for row in rows]

    async def migrate_chat(self, old_id: int, new_id: int) -> bool:
        """A group became a supergroup: move its sessions, posts and answers to the new id.

        Idempotent (Telegram announces the move in both chats); False if nothing moved.
        """
        now = self._now()

        def migrate(db: Db) -> bool:
            if one(db, "SELECT 1 FROM chats WHERE id = ?", (old_id,)) is None:
                return False
            db.execute(
                "INSERT OR IGNORE INTO chats (id, type, title, active, updated_at) "
                "SELECT ?, 'supergroup', title, 1, ? FROM chats WHERE id = ?",
                (new_id, now, old_id),
            )
            # Posts keep the old id: those messages stay in the old chat, where polls still
            # count (a poll answer names its poll, not its chat).
            for statement in (
                "UPDATE walks SET chat_id = ? WHERE chat_id = ?",
                "UPDATE answers SET chat_id = ? WHERE chat_id = ?",
                # A report or export asked for before the move is the new chat's.
                "UPDATE deliveries SET chat_id = ? WHERE chat_id = ?",
                # Members who muted its homework reminders still have them muted.
                "UPDATE OR IGNORE reminder_mutes SET chat_id = ? WHERE chat_id = ?",
                # The group's settings go with it (the new chat has none of its own yet).
                "UPDATE OR IGNORE group_settings SET chat_id = ? WHERE chat_id = ?",
                # The group's glossary lookups, for its report.
                "UPDATE lookups SET chat_id = ? WHERE chat_id = ?",
                # Its digest and leaderboard switches (issue 14).
                "UPDATE OR REPLACE discussion_groups SET chat_id = ? WHERE chat_id = ?",
                # The group's /language.
                "UPDATE OR IGNORE languages SET chat_id = ? WHERE chat_id = ?",
                # Its homework, open or closed, and an /assign waiting for its lesson; an
                # assignment's message stays where it was posted, as posts do.
                "UPDATE assignments SET message_chat_id = COALESCE(message_chat_id, chat_id), "
                "chat_id = ? WHERE chat_id = ?",
                "UPDATE assignment_drafts SET chat_id = ? WHERE chat_id = ?",
            ):
                db.execute(statement, (new_id, old_id))
            # Its time zone (a new id Telegram told us of first has none yet).
            db.execute(
                "UPDATE chats SET timezone = (SELECT timezone FROM chats WHERE id = ?) "
                "WHERE id = ? AND timezone IS NULL",
                (old_id, new_id),
            )
            db.execute("DELETE FROM chats WHERE id = ?", (old_id,))
            return True

        moved = await self._write(migrate, changes_walks=True)
        if moved:  # the kept copies as the UPDATE OR IGNOREs left the rows
            languages = await self._languages.settled()
            if languages is not None and old_id in languages and new_id not in languages:
                languages[new_id] = languages.pop(old_id)
            settings = await self._group_settings.settled()
            if settings is not None and old_id in settings:
                new, old = settings.setdefault(new_id, {}), settings[old_id]
                for name in [name for name in old if name not in new]:
                    new[name] = old.pop(name)
                if not old:
                    del settings[old_id]
        return moved
