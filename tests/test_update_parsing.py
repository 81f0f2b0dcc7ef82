"""bot/parsing.py: the bot's group messages that presses and replies carry are parsed once and
shared; everything else is PTB's own parse. Each update must read exactly as PTB's would."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from telegram import Bot, Message, Update

from bot.parsing import UpdateParser

BOT = Bot("7000001:stand-in-token")
GROUP = {"id": -1001000000001, "type": "supergroup", "title": "Current Affairs B"}
MEMBER = {"id": 501, "is_bot": False, "first_name": "Jiwoo", "language_code": "ko"}


def question(
    *, chat: dict[str, Any] = GROUP, text: str = "Discussion 2 of 4", **more: Any
) -> dict[str, Any]:
    """The bot's question message as a press or a reply carries it."""
    return {
        "message_id": 46,
        "from": {"id": 7000001, "is_bot": True, "first_name": "Editorial Bot"},
        "chat": chat,
        "date": 1796231462,
        "text": text,
        "entities": [{"type": "bold", "offset": 0, "length": 10}],
        "reply_markup": {
            "inline_keyboard": [
                [{"text": "Agree", "callback_data": "v1:st:2:q:0"}],
                [{"text": "🔒 Answer privately", "url": "https://t.me/b?start=a2_q"}],
            ]
        },
        **more,
    }


def press(update_id: int, message: dict[str, Any], **more: Any) -> dict[str, Any]:
    query = {"id": str(update_id), "from": MEMBER, "message": message, "chat_instance": "1"}
    return {"update_id": update_id, "callback_query": {**query, "data": "v1:st:2:q:0", **more}}


def reply(update_id: int, replied: dict[str, Any], kind: str = "message") -> dict[str, Any]:
    chat = replied["chat"]
    message = {"message_id": 900 + update_id, "from": MEMBER, "chat": chat, "date": 1796231500}
    message.update(text="Talks first.", reply_to_message=replied)
    if kind == "edited_message":
        message["edit_date"] = 1796231600
    return {"update_id": update_id, kind: message}


def parsed_alike(parser: UpdateParser, data: dict[str, Any]) -> Update:
    before = copy.deepcopy(data)
    update = parser.parse(data)
    assert update.to_dict() == Update.de_json(data, BOT).to_dict()
    assert update.api_kwargs == Update.de_json(data, BOT).api_kwargs
    assert data == before  # the caller's JSON is not changed
    return update


def test_members_presses_and_replies_share_one_parse_of_the_question() -> None:
    parser = UpdateParser(BOT)
    first = parsed_alike(parser, press(1, question()))
    second = parsed_alike(parser, press(2, question()))
    answered = parsed_alike(parser, reply(3, question()))
    edited = parsed_alike(parser, reply(4, question(), kind="edited_message"))
    assert first.callback_query and second.callback_query
    assert first.callback_query.id == "1" and second.callback_query.id == "2"
    shared = first.callback_query.message
    assert second.callback_query.message is shared
    assert answered.message and answered.message.reply_to_message is shared
    assert edited.edited_message and edited.edited_message.reply_to_message is shared
    assert answered.message.text == "Talks first."  # the reply itself is its own


def test_a_question_edited_since_is_parsed_afresh() -> None:
    parser = UpdateParser(BOT)
    before = parsed_alike(parser, press(1, question())).callback_query
    reworded = parsed_alike(parser, press(2, question(text="Discussion 2 of 4 (closed)")))
    keyboard = question(edit_date=1796231999)
    keyboard["reply_markup"] = {"inline_keyboard": [[{"text": "Next", "callback_data": "v1:gn"}]]}
    rekeyed = parsed_alike(parser, press(3, keyboard)).callback_query
    assert before and reworded.callback_query and rekeyed
    assert reworded.callback_query.message is not before.message
    assert rekeyed.message is not before.message
    assert isinstance(rekeyed.message, Message) and rekeyed.message.reply_markup
    assert rekeyed.message.reply_markup.inline_keyboard[0][0].text == "Next"


def test_fields_newer_than_ptb_are_kept_where_ptb_keeps_them() -> None:
    parser = UpdateParser(BOT)
    update = parsed_alike(parser, press(1, question(future_field=1), future_query_field="x"))
    assert update.callback_query and update.callback_query.message
    assert update.callback_query.api_kwargs == {"future_query_field": "x"}
    assert update.callback_query.message.api_kwargs == {"future_field": 1}


def test_private_messages_and_members_messages_are_not_kept() -> None:
    parser = UpdateParser(BOT)
    private = {"id": 501, "type": "private", "first_name": "Jiwoo"}
    one = parsed_alike(parser, press(1, question(chat=private))).callback_query
    two = parsed_alike(parser, press(2, question(chat=private))).callback_query
    assert one and two and one.message is not two.message
    members = {**question(), "from": MEMBER}
    first = parsed_alike(parser, reply(3, members)).message
    again = parsed_alike(parser, reply(4, members)).message
    assert first and again and first.reply_to_message is not again.reply_to_message
    inaccessible = {"chat": GROUP, "message_id": 46, "date": 0}
    parsed_alike(parser, press(5, inaccessible))
    parsed_alike(
        parser,
        {
            "update_id": 6,
            "poll_answer": {
                "poll_id": "9",
                "option_ids": [1],
                "option_persistent_ids": ["b"],
                "user": MEMBER,
            },
        },
    )


def test_only_so_many_messages_are_kept_the_least_recently_carried_going_first() -> None:
    parser = UpdateParser(BOT, kept=2)

    def carried(update_id: int, text: str) -> object:
        query = parser.parse(press(update_id, question(text=text))).callback_query
        assert query is not None
        return query.message

    one, two = carried(1, "one"), carried(2, "two")
    assert carried(3, "one") is one  # "one" is now the most recent: "two" goes first
    carried(4, "three")
    assert carried(5, "one") is one
    assert carried(6, "two") is not two
    assert len(parser._messages) == 2


def test_a_message_no_update_carried_for_a_while_is_let_go() -> None:
    """Kept while answered: a question idle for ten minutes is dropped at the next update
    (a bot that ran many sessions last week does not keep their questions)."""
    now = 0.0
    parser = UpdateParser(BOT, idle=600.0, clock=lambda: now)

    def carried(update_id: int, text: str) -> object:
        query = parser.parse(press(update_id, question(text=text))).callback_query
        assert query is not None
        return query.message

    one = carried(1, "one")
    now = 599.0
    assert carried(2, "one") is one  # carried again: idle from 599 now
    now = 1198.0
    carried(3, "two")
    assert len(parser._messages) == 2  # "one" idle 599 s: still kept
    now = 1199.5
    carried(4, "two")
    assert len(parser._messages) == 1  # "one" idle 600.5 s: let go
    assert carried(5, "one") is not one  # parsed afresh


@given(
    text=st.text(min_size=1, max_size=40),
    edit_date=st.none() | st.integers(min_value=1_700_000_000, max_value=1_900_000_000),
    kind=st.sampled_from(["press", "message", "edited_message"]),
    labels=st.lists(st.text(min_size=1, max_size=8), min_size=1, max_size=4),
)
def test_any_question_reads_as_ptb_parses_it(
    text: str, edit_date: int | None, kind: str, labels: list[str]
) -> None:
    carried = question(text=text)
    if edit_date is not None:
        carried["edit_date"] = edit_date
    carried["reply_markup"] = {
        "inline_keyboard": [
            [{"text": label, "callback_data": f"v1:x:{i}"}] for i, label in enumerate(labels)
        ]
    }
    parser = UpdateParser(BOT)
    for update_id in (1, 2):  # the second is served from what the first kept
        data = press(update_id, carried) if kind == "press" else reply(update_id, carried, kind)
        parsed_alike(parser, data)
