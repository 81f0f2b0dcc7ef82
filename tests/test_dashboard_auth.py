"""The dashboard's sign-in rules without a server: initData checked as Telegram's Mini App
documentation specifies (a known vector computed by hand below), its age, tokens stored
hashed and used once, sessions that end, and the per-IP limiter."""

from __future__ import annotations

import hashlib
import hmac
import json
from urllib.parse import quote

from bot.storage import Storage
from bot.storage.dashboard import DashboardUser
from bot.web.dashboard import auth
from bot.web.dashboard.auth import InitDataProblem, check_init_data, sign_init_data
from tests.conftest import TOKEN

NOW = 1_800_000_000.0


def _by_hand(fields: dict[str, str], token: str) -> str:
    """initData signed step by step as Telegram's documentation words it."""
    data_check_string = "\n".join(f"{key}={fields[key]}" for key in sorted(fields))
    secret_key = hmac.new(b"WebAppData", token.encode(), hashlib.sha256).digest()
    signature = hmac.new(secret_key, data_check_string.encode(), hashlib.sha256).hexdigest()
    return "&".join(f"{k}={quote(v, safe='')}" for k, v in fields.items()) + f"&hash={signature}"


def _fields(**extra: str) -> dict[str, str]:
    user = {"id": 42, "first_name": "Ada", "last_name": "K", "language_code": "ko"}
    return {"query_id": "AAE", "user": json.dumps(user), "auth_date": str(int(NOW)), **extra}


def test_init_data_signed_as_telegram_documents_it_signs_in() -> None:
    checked = check_init_data(_by_hand(_fields(), TOKEN), TOKEN, now=NOW + 10)
    assert checked.problem is None
    assert checked.user == DashboardUser(42, "Ada K", "telegram", language="ko")
    assert sign_init_data(_fields(), TOKEN).endswith(_by_hand(_fields(), TOKEN).split("&")[-1])


def test_forged_tampered_stale_and_malformed_init_data() -> None:
    other = "987654321:AAHanotherBotsTokenXXXXXXXXXXXXXXXX"
    assert check_init_data(_by_hand(_fields(), other), TOKEN, now=NOW).problem is (
        InitDataProblem.FORGED
    )
    tampered = _by_hand(_fields(), TOKEN).replace("%22id%22%3A%2042", "%22id%22%3A%201")
    assert tampered != _by_hand(_fields(), TOKEN)
    assert check_init_data(tampered, TOKEN, now=NOW).problem is InitDataProblem.FORGED
    signed = _by_hand(_fields(), TOKEN)
    assert check_init_data(signed, TOKEN, now=NOW + 3600).problem is None  # an hour: taken
    assert check_init_data(signed, TOKEN, now=NOW + 3601).problem is InitDataProblem.STALE
    assert check_init_data(signed, TOKEN, now=NOW - 120).problem is InitDataProblem.STALE
    unsigned = signed.rsplit("&hash=", 1)[0]
    assert check_init_data(unsigned, TOKEN, now=NOW).problem is InitDataProblem.FORGED
    twice = signed + "&auth_date=1"
    assert check_init_data(twice, TOKEN, now=NOW).problem is InitDataProblem.MALFORMED
    for junk in ("", "a", "=&=", "x" * 5000):
        assert check_init_data(junk, TOKEN, now=NOW).user is None, junk
    no_user = {"query_id": "AAE", "auth_date": str(int(NOW))}
    assert check_init_data(_by_hand(no_user, TOKEN), TOKEN, now=NOW).problem is (
        InitDataProblem.NO_USER
    )
    bot_id = _fields(user=json.dumps({"id": True}))
    assert check_init_data(_by_hand(bot_id, TOKEN), TOKEN, now=NOW).user is None


async def test_a_link_token_is_stored_hashed_and_works_once(storage: Storage) -> None:
    token = await auth.issue_link_token(storage, 7, "Ada")
    assert len(token) >= 40
    user = await auth.redeem_link_token(storage, token)
    assert user == DashboardUser(7, "Ada", "telegram")
    assert await auth.redeem_link_token(storage, token) is None  # replayed
    assert await auth.redeem_link_token(storage, token + "x") is None
    assert await auth.redeem_link_token(storage, "") is None


async def test_sessions_last_and_end(storage: Storage) -> None:
    user = DashboardUser(7, "Ada", "telegram")
    cookie = await auth.open_session(storage, user)
    found = await auth.session_user(storage, cookie)
    assert found is not None and found.user_id == 7 and found.expires_at > "2026"
    assert await auth.session_user(storage, None) is None
    assert await auth.session_user(storage, cookie[:-1]) is None
    await storage.end_dashboard_session(auth.digest(cookie))
    assert await auth.session_user(storage, cookie) is None


def test_the_limiter_counts_attempts_per_address() -> None:
    limiter = auth.SignInLimiter(limit=3, window=60.0, most=2)
    assert [limiter.allow("1.1.1.1") for _ in range(4)] == [True, True, True, False]
    assert limiter.allow("2.2.2.2")
    assert limiter.allow("3.3.3.3")  # the oldest address is forgotten beyond `most`
    assert limiter.allow("1.1.1.1")
