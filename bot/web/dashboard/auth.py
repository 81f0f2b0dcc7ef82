"""Signing in to the dashboard: one-time links, Telegram Mini App ``initData``, sessions.

- A **sign-in link** carries a random token (32 bytes, URL-safe); only its SHA-256 is
  stored, it works once, for ``LINK_TTL`` seconds.
- **initData** (what Telegram hands a Mini App) is checked as Telegram's Mini App
  documentation specifies: the data-check-string is every field but ``hash``, as
  ``key=value`` sorted by key and joined by newlines; the secret key is
  HMAC-SHA256(key="WebAppData", message=bot token); the hash must equal
  hex(HMAC-SHA256(key=secret key, message=data-check-string)). ``auth_date`` may be at most
  ``INIT_DATA_MAX_AGE`` old (Telegram Desktop may hand over one hours old).
- Either gives a **session**: a random id in an HttpOnly cookie, stored hashed, for
  ``SESSION_TTL`` seconds.
- Sign-in attempts are limited per IP (``SignInLimiter``).

Nothing here logs a token, a cookie or initData.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from collections import deque
from dataclasses import dataclass
from enum import Enum
from urllib.parse import parse_qsl, urlencode

from bot.storage import Storage
from bot.storage.dashboard import DashboardUser, Scope

LINK_TTL = 600.0  # seconds a sign-in link works
SESSION_TTL = 12 * 3600.0  # seconds a session lasts
INIT_DATA_MAX_AGE = 3600  # seconds: the oldest auth_date taken
CLOCK_SKEW = 60  # seconds an auth_date may lie in the future
MAX_INIT_DATA = 4096  # characters: Telegram's initData is well under this


def digest(value: str) -> str:
    """What is stored of a token or a session id."""
    return hashlib.sha256(value.encode("utf-8", "replace")).hexdigest()


def new_secret() -> str:
    return secrets.token_urlsafe(32)


async def issue_link_token(
    storage: Storage,
    user_id: int,
    display_name: str,
    scope: Scope = "telegram",
    language: str | None = None,
) -> str:
    """A new one-time sign-in token for this user (stored hashed); the token itself."""
    token = new_secret()
    await storage.add_signin_token(
        digest(token), user_id, display_name, scope, LINK_TTL, language[:16] if language else None
    )
    return token


async def redeem_link_token(storage: Storage, token: str) -> DashboardUser | None:
    if not token or len(token) > 200:
        return None
    return await storage.redeem_signin_token(digest(token))


async def open_session(storage: Storage, user: DashboardUser) -> str:
    """A new session for ``user``: the cookie's value."""
    session = new_secret()
    await storage.add_dashboard_session(digest(session), user, SESSION_TTL)
    return session


async def session_user(storage: Storage, cookie: str | None) -> DashboardUser | None:
    if not cookie or len(cookie) > 200:
        return None
    return await storage.dashboard_session(digest(cookie))


# --- Telegram Mini App initData ----------------------------------------------------------


class InitDataProblem(Enum):
    MALFORMED = "malformed"
    FORGED = "forged"  # the hash does not match: not signed with this bot's token
    STALE = "stale"  # auth_date older than INIT_DATA_MAX_AGE, or in the future
    NO_USER = "no user"


@dataclass(frozen=True, slots=True)
class InitDataCheck:
    user: DashboardUser | None
    problem: InitDataProblem | None


def _secret_key(bot_token: str) -> bytes:
    return hmac.new(b"WebAppData", bot_token.encode(), hashlib.sha256).digest()


def sign_init_data(fields: dict[str, str], bot_token: str) -> str:
    """initData as Telegram would hand it over for ``fields``, signed with ``bot_token``
    (for tests and for checking what ``check_init_data`` takes)."""
    check = "\n".join(f"{k}={v}" for k, v in sorted(fields.items()))
    signature = hmac.new(_secret_key(bot_token), check.encode(), hashlib.sha256).hexdigest()
    return urlencode({**fields, "hash": signature})


def check_init_data(init_data: str, bot_token: str, *, now: float | None = None) -> InitDataCheck:
    """The user ``init_data`` signs in, or why it signs in nobody."""
    if not init_data or len(init_data) > MAX_INIT_DATA:
        return InitDataCheck(None, InitDataProblem.MALFORMED)
    try:
        pairs = parse_qsl(init_data, keep_blank_values=True, strict_parsing=True)
    except ValueError:
        return InitDataCheck(None, InitDataProblem.MALFORMED)
    fields = dict(pairs)
    if len(fields) != len(pairs):  # a field given twice
        return InitDataCheck(None, InitDataProblem.MALFORMED)
    given = fields.pop("hash", "")
    check = "\n".join(f"{k}={v}" for k, v in sorted(fields.items()))
    expected = hmac.new(_secret_key(bot_token), check.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(given.encode("utf-8", "replace"), expected.encode()):
        return InitDataCheck(None, InitDataProblem.FORGED)
    try:
        auth_date = int(fields.get("auth_date", ""))
    except ValueError:
        return InitDataCheck(None, InitDataProblem.MALFORMED)
    moment = time.time() if now is None else now
    if moment - auth_date > INIT_DATA_MAX_AGE or auth_date - moment > CLOCK_SKEW:
        return InitDataCheck(None, InitDataProblem.STALE)
    try:
        user = json.loads(fields.get("user", ""))
    except ValueError:
        return InitDataCheck(None, InitDataProblem.NO_USER)
    user_id = user.get("id") if isinstance(user, dict) else None
    if not isinstance(user_id, int) or isinstance(user_id, bool) or user_id <= 0:
        return InitDataCheck(None, InitDataProblem.NO_USER)
    name = " ".join(
        str(user.get(part)) for part in ("first_name", "last_name") if user.get(part)
    ).strip()
    language = user.get("language_code")
    found = DashboardUser(
        user_id,
        name[:128] or str(user_id),
        "telegram",
        language=language[:16] if isinstance(language, str) and language else None,
    )
    return InitDataCheck(found, None)


# --- sign-in attempts per IP -------------------------------------------------------------


class SignInLimiter:
    """At most ``limit`` sign-in attempts per ``window`` seconds from one address; memory
    bounded (the oldest addresses are forgotten beyond ``most`` of them)."""

    def __init__(self, limit: int = 10, window: float = 60.0, most: int = 10_000) -> None:
        self._limit = limit
        self._window = window
        self._most = most
        self._attempts: dict[str, deque[float]] = {}

    def allow(self, address: str) -> bool:
        now = time.monotonic()
        attempts = self._attempts.pop(address, None) or deque()
        while attempts and now - attempts[0] > self._window:
            attempts.popleft()
        allowed = len(attempts) < self._limit
        if allowed:
            attempts.append(now)
        self._attempts[address] = attempts  # the newest last: the oldest are dropped first
        while len(self._attempts) > self._most:
            del self._attempts[next(iter(self._attempts))]
        return allowed
