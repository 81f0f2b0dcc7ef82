"""Private prompts: a member who opened a group question's deep link; their next typed
message in the private chat answers that question for the group session."""

from __future__ import annotations

from bot.storage.base import StorageBase
from bot.storage.records import PrivatePrompt


class PrivatePromptQueries(StorageBase):
    async def set_private_prompt(self, chat_id: int, walk_id: int, question_id: str) -> None:
        now = self._now()
        await self._write(
            lambda db: db.execute(
                "INSERT INTO private_prompts (chat_id, walk_id, question_id, created_at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (chat_id) DO UPDATE SET "
                "walk_id = excluded.walk_id, question_id = excluded.question_id, "
                "created_at = excluded.created_at",
                (chat_id, walk_id, question_id, now),
            )
        )

    async def private_prompt(self, chat_id: int) -> PrivatePrompt | None:
        row = await self._read_one(
            "SELECT chat_id, walk_id, question_id FROM private_prompts WHERE chat_id = ?",
            (chat_id,),
        )
        return PrivatePrompt(*row) if row else None

    async def clear_private_prompt(self, chat_id: int) -> None:
        await self._write(
            lambda db: db.execute("DELETE FROM private_prompts WHERE chat_id = ?", (chat_id,))
        )
