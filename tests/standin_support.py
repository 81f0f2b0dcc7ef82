"""Shared by the stand-in's own tests: its token, Telegram's error texts, a clock, a client."""

from __future__ import annotations

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup

from tests.standin import BotApiStandIn

TOKEN = "4242424242:AAStandInSelfTestTokenOnly_abcdefghij"
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)
QUERY_TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_750_000_000.0

    def __call__(self) -> float:
        return self.now


def make_bot(standin: BotApiStandIn, token: str = TOKEN) -> Bot:
    return Bot(token, base_url=f"{standin.base_url}/bot")


def keyboard(*buttons: tuple[str, str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(text, callback_data=data) for text, data in buttons]]
    )
