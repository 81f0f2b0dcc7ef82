"""Privacy: /forget deletes everything stored about a person, in every chat."""

from __future__ import annotations

from bot.storage.base import StorageBase
from bot.storage.records import Forgotten
from bot.storage.sql import Db, rowcount


class PrivacyQueries(StorageBase):
    async def forget_user(self, user_id: int) -> Forgotten:
        """Delete everything stored about a person, in every chat, and nothing else."""

        def forget(db: Db) -> Forgotten:
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
            return Forgotten(answers=answers, walks=walks, other=other)

        gone = await self._write(forget, changes_walks=True)
        # The log (WAL) still holds the deleted rows' old pages until a checkpoint empties it.
        await self._writer.checkpoint()
        return gone
