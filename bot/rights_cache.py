"""A short-lived memory of who moderates which chat (rights change rarely; asking costs)."""

from __future__ import annotations

import time

RIGHTS_TTL_SECONDS = 60.0


class RightsCache:
    """(chat id, user id) → whether that user moderates that chat, for a short while."""

    def __init__(self, ttl: float = RIGHTS_TTL_SECONDS) -> None:
        self._ttl = ttl
        self._entries: dict[tuple[int, int], tuple[bool, float]] = {}

    def get(self, chat_id: int, user_id: int) -> bool | None:
        entry = self._entries.get((chat_id, user_id))
        if entry is None or entry[1] < time.monotonic():
            self._entries.pop((chat_id, user_id), None)
            return None
        return entry[0]

    def put(self, chat_id: int, user_id: int, allowed: bool) -> None:
        if len(self._entries) > 10_000:  # bounded: drop what has expired
            now = time.monotonic()
            self._entries = {k: v for k, v in self._entries.items() if v[1] >= now}
        self._entries[(chat_id, user_id)] = (allowed, time.monotonic() + self._ttl)
