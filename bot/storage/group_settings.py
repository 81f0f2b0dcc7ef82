"""A group's settings (the /settings panel, ``bot.group_settings``): one row per group and
setting, its value a short word from the setting's choices. A setting never set has no row
(it is at its default), so a setting added later needs no migration."""

from __future__ import annotations

from bot.storage.base import StorageBase


class GroupSettingQueries(StorageBase):
    async def group_settings(self, chat_id: int) -> dict[str, str]:
        """The group's settings that have been set: {name: value}."""
        rows = await self._read_all(
            "SELECT name, value FROM group_settings WHERE chat_id = ?", (chat_id,)
        )
        return {str(row[0]): str(row[1]) for row in rows}

    async def set_group_setting(self, chat_id: int, name: str, value: str) -> None:
        """Set one of a group's settings (who changed it is not kept: nothing for /forget)."""
        now = self._now()
        await self._write(
            lambda db: db.execute(
                "INSERT INTO group_settings (chat_id, name, value, changed_at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (chat_id, name) DO UPDATE SET "
                "value = excluded.value, changed_at = excluded.changed_at",
                (chat_id, name, value, now),
            )
        )
