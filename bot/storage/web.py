"""What the web server asks of the database: the webhook's secret, the inbox as the webhook
fills it, and the health check's questions. Read-only but for the secret (written once),
the inbox (which only the webhook and the poller fill) and the health probe's one row."""

from __future__ import annotations

import secrets

from bot.storage.base import StorageBase
from bot.storage.sql import Db, one

_SECRET_KEY = "webhook_secret"  # noqa: S105 - the name of the row, not a secret
_PROBE_KEY = "health_probe"


class WebQueries(StorageBase):
    async def webhook_secret(self) -> str:
        """The webhook's secret token, made once and kept (a restart must not invalidate
        the webhook Telegram knows): 48 characters of ``A-Za-z0-9_-``."""
        fresh = secrets.token_urlsafe(36)

        def keep(db: Db) -> str:
            db.execute(
                "INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)", (_SECRET_KEY, fresh)
            )
            row = one(db, "SELECT value FROM meta WHERE key = ?", (_SECRET_KEY,))
            assert row is not None, "just inserted"
            return str(row[0])

        return await self._write(keep)

    async def inbox_store(self, update_id: int, payload: str) -> bool:
        """Store one update pushed by Telegram; False if it was stored already (a retry)."""
        now = self._now()

        def store(db: Db) -> bool:
            cursor = db.execute(
                "INSERT OR IGNORE INTO inbox (update_id, payload, received_at) VALUES (?, ?, ?)",
                (update_id, payload, now),
            )
            return cursor.rowcount > 0

        return await self._write(store)

    async def inbox_depth(self) -> tuple[int, str | None]:
        """Updates stored and not handled, and when the oldest of them arrived."""
        row = await self._read_one("SELECT COUNT(*), MIN(received_at) FROM inbox")
        if row is None:
            return 0, None
        return int(row[0]), (str(row[1]) if row[1] is not None else None)

    async def probe_write(self) -> None:
        """One small write, committed: raises if the database cannot be written."""
        now = self._now()
        await self._write(
            lambda db: db.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (_PROBE_KEY, now),
            )
        )
