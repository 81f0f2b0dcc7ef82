"""A local stand-in for the Telegram Bot API, for tests that run the real bot.

The bot (python-telegram-bot, real httpx client, real polling) talks to ``BotApiStandIn`` over
HTTP on 127.0.0.1; tests act as users and read what the bot sent::

    async with BotApiStandIn(TOKEN) as standin:
        alice = standin.user("Alice")
        chat = standin.private_chat(alice)
        standin.send_text(alice, chat, "/start")
        reply = await standin.next_bot_message(chat.id)
        query_id = standin.press(alice, reply, "Begin")
        await standin.wait_for_callback_answer(query_id)
        assert standin.rejected == []
"""

from tests.standin.entities import EntityParseError, FormattedText, parse_html, utf16_len
from tests.standin.model import (
    ApiCall,
    Button,
    CallbackAnswer,
    ChatMember,
    FakeChat,
    FakeUser,
    MessageVersion,
    PendingUpdate,
    StoredFile,
    StoredMessage,
    StoredPoll,
)
from tests.standin.params import ApiError
from tests.standin.server import BotApiStandIn

__all__ = [
    "ApiCall",
    "ApiError",
    "BotApiStandIn",
    "Button",
    "CallbackAnswer",
    "ChatMember",
    "EntityParseError",
    "FakeChat",
    "FakeUser",
    "FormattedText",
    "MessageVersion",
    "PendingUpdate",
    "StoredFile",
    "StoredMessage",
    "StoredPoll",
    "parse_html",
    "utf16_len",
]
