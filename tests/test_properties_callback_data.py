"""Property tests: callback data and deep links decode to nothing or to exactly themselves."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.callbacks import Action, AnswerPrivately, decode, decode_start, encode, encode_start
from tests.property_strategies import DEEP_LINK_LIKE, SLUGS, VALID_ACTIONS, WALK_IDS, callback_like


@st.composite
def mutated_callbacks(draw: st.DrawFn) -> str:
    """A valid encoding with one character inserted, removed or replaced."""
    data = encode(draw(VALID_ACTIONS))
    i = draw(st.integers(0, len(data)))
    extra = draw(st.one_of(st.sampled_from(list(":-0123456789az\n \x00")), st.characters()))
    operation = draw(st.sampled_from(["insert", "delete", "replace"]))
    if operation == "insert":
        return data[:i] + extra + data[i:]
    if operation == "delete":
        return data[:i] + data[i + 1 :]
    return data[:i] + extra + data[i + 1 :]


@settings(max_examples=400, deadline=None)
@given(data=st.one_of(st.none(), st.text(), callback_like(), mutated_callbacks()))
def test_any_callback_data_decodes_to_nothing_or_to_exactly_itself(data: str | None) -> None:
    action = decode(data)
    if action is not None:
        assert data is not None
        assert encode(action) == data
        assert len(data.encode()) <= 64


@settings(max_examples=200, deadline=None)
@given(action=VALID_ACTIONS)
def test_every_action_round_trips_within_telegrams_limit(action: Action) -> None:
    data = encode(action)
    assert len(data.encode()) <= 64
    assert decode(data) == action


@settings(max_examples=300, deadline=None)
@given(payload=st.one_of(st.none(), st.text(), DEEP_LINK_LIKE))
def test_any_deep_link_payload_decodes_to_nothing_or_to_exactly_itself(
    payload: str | None,
) -> None:
    link = decode_start(payload)
    if link is not None:
        assert payload is not None
        assert encode_start(link) == payload
        assert 1 <= len(payload) <= 64
        assert all(c.isascii() and (c.isalnum() or c in "_-") for c in payload)


@settings(max_examples=100, deadline=None)
@given(link=st.builds(AnswerPrivately, WALK_IDS, SLUGS))
def test_every_deep_link_round_trips(link: AnswerPrivately) -> None:
    assert decode_start(encode_start(link)) == link
