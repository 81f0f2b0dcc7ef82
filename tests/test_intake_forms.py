"""The small forms on the hot path of every update: the inbox's copy of a pushed update and
the storage's timestamps. Each was made cheaper (docs/scaling.md, session 9); these say the
cheaper form is the same as the general one."""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from bot.poller import _INBOX_JSON
from bot.storage import iso_utc
from bot.web.webhook import _as_stored


def _general_iso_utc(moment: dt.datetime) -> str:
    """iso_utc as it was: every moment converted, then formatted."""
    naive = moment.astimezone(dt.UTC).replace(tzinfo=None)
    return naive.isoformat(timespec="milliseconds") + "Z"


@given(
    st.datetimes(
        min_value=dt.datetime(1970, 1, 2),
        max_value=dt.datetime(2200, 1, 1),
        timezones=st.sampled_from(
            [dt.UTC, ZoneInfo("UTC"), ZoneInfo("Asia/Seoul"), dt.timezone(dt.timedelta(hours=-3))]
        ),
    )
)
def test_iso_utc_is_the_general_form_for_any_zone(moment: dt.datetime) -> None:
    assert iso_utc(moment) == _general_iso_utc(moment)
    assert iso_utc(moment).endswith("Z") and len(iso_utc(moment)) == 24


def test_telegrams_body_is_kept_as_sent() -> None:
    """Telegram's compact JSON, its text not escaped: stored byte for byte, and reads back
    as the update that was parsed."""
    body = (
        '{"update_id":7,"message":{"message_id":3,"from":{"id":5,"is_bot":false,'
        '"first_name":"지민"},"chat":{"id":5,"type":"private"},"date":1,"text":"안녕 \\"hi\\""}}'
    ).encode()
    data = json.loads(body)
    stored = _as_stored(body, data)
    assert stored == body.decode()
    assert json.loads(stored) == data


def test_any_other_body_is_encoded_again() -> None:
    """Spaces where Telegram puts none, keys in another order, or bytes that are JSON but not
    UTF-8 as they stand: the inbox gets its own compact encoding, as before."""
    for body in (
        b'{ "update_id": 7, "poll_answer": {"poll_id": "p", "option_ids": [1]} }',
        b'{"poll_answer":{"poll_id":"p","option_ids":[1]},"update_id":7}',
        b'{"update_id":7,"message":{"text":"\xed\xa0\x80"}}',  # a lone surrogate, CESU-8
    ):
        data = json.loads(body)
        stored = _as_stored(body, data)
        assert stored == _INBOX_JSON.encode(data)
        assert json.loads(stored) == data
