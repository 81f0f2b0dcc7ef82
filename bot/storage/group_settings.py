"""A group's settings (the /settings panel, ``bot.group_settings``): one row per group and
setting, its value a short word from the setting's choices. A setting never set has no row
(it is at its default), so a setting added later needs no migration.

Kept in memory once read (``Kept``): every reply to a group's question asks whether the
group takes typed answers there, and a read through the reader's thread at each one held
replies up (bench/capacity.py --replies, docs/scaling.md, session 12)."""

from __future__ import annotations

from bot.storage.base import StorageBase


class GroupSettingQueries(StorageBase):
    async def group_settings(self, chat_id: int) -> dict[str, str]:
        """The group's settings that have been set: {name: value}."""
        known = await self._group_settings.get(self._read_group_settings)
        return dict(known.get(chat_id, {}))  # a copy: the kept one changes only by writes

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
        known = await self._group_settings.settled()
        if known is not None:
            known.setdefault(chat_id, {})[name] = value

    async def _read_group_settings(self) -> dict[int, dict[str, str]]:
        rows = await self._read_all("SELECT chat_id, name, value FROM group_settings")
        known: dict[int, dict[str, str]] = {}
        for chat_id, name, value in rows:
            known.setdefault(int(chat_id), {})[str(name)] = str(value)
        return known
