"""Issue 19, item 6: a demoted admin gets no report or export, not even within the minute
the rights cache would remember them.

Every way the group's data leaves (/export and /report in the group, the group buttons of
/export and /report in a private chat, a delivery waiting for /start) asks Telegram afresh.
"""

from __future__ import annotations

from pathlib import Path

from bot.config import Settings
from tests.conftest import make_settings, running_bot
from tests.standin import BotApiStandIn, FakeChat, FakeUser, StoredMessage

LESSON = """\
id: tiny
title: Tiny
source: {publisher: Test Press, date: 2024-01-02}
sections:
  - title: Only part
    text: Short text.
    questions:
      - id: say
        type: short
        prompt: Say something.
"""
REFUSED = "only the group's admins"


def text(message: StoredMessage) -> str:
    return message.text or message.caption or ""


class Group:
    """A group with its owner, an admin (Bea, the one demoted) and a member."""

    def __init__(self, standin: BotApiStandIn) -> None:
        self.standin = standin
        self.owner = standin.user("Olga", username="olga")
        self.bea = standin.user("Bea", username="bea")
        self.member = standin.user("Max", username="max")
        self.chat: FakeChat = standin.group(
            "Room", members=[self.member], admins=[self.owner, self.bea], owner=self.owner
        )

    def says(self, user: FakeUser, words: str) -> None:
        self.standin.send_text(user, self.chat, words)

    async def reads(self) -> str:
        return text(await self.standin.next_bot_message(self.chat.id, timeout=10))

    def demote(self, user: FakeUser) -> None:
        self.standin.add_member(self.chat, user, admin=False)


def settings(standin: BotApiStandIn, tmp_path: Path) -> Settings:
    prompts = tmp_path / "prompts"
    prompts.mkdir()
    (prompts / "tiny.yaml").write_text(LESSON)
    return make_settings(standin, tmp_path / "bot.sqlite3", prompts)


async def private_chat(standin: BotApiStandIn, user: FakeUser) -> FakeChat:
    chat = standin.private_chat(user)
    standin.send_text(user, chat, "/help")
    await standin.next_bot_message(chat.id)
    return chat


async def test_a_demoted_admin_is_refused_export_and_report_in_the_group_at_once(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    group = Group(standin)
    async with running_bot(settings(standin, tmp_path)):
        bea_chat = await private_chat(standin, group.bea)
        group.says(group.bea, "/begin")  # her rights are asked and remembered
        assert "Discussion session" in await group.reads()
        group.says(group.bea, "/export")
        assert "Sent to you in a private chat" in await group.reads()
        assert "no answers to export yet" in text(await standin.next_bot_message(bea_chat.id))

        group.demote(group.bea)  # and at once, well within the cache's minute:
        group.says(group.bea, "/export all")
        assert REFUSED in await group.reads()
        group.says(group.bea, "/report")
        assert REFUSED in await group.reads()
        await standin.wait_until_idle()
    assert len(standin.bot_messages(bea_chat.id)) == 2  # /help's answer and the first export


async def test_a_demoted_admin_is_refused_by_the_private_group_buttons(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    group = Group(standin)
    async with running_bot(settings(standin, tmp_path)):
        bea_chat = await private_chat(standin, group.bea)
        group.says(group.bea, "/begin")
        await group.reads()
        standin.send_text(group.bea, bea_chat, "/export csv all")
        choose_export = await standin.next_bot_message(bea_chat.id)
        standin.send_text(group.bea, bea_chat, "/report")
        choose_report = await standin.next_bot_message(bea_chat.id)
        assert choose_export.button_texts == choose_report.button_texts == ["Room"]

        group.demote(group.bea)
        for choose in (choose_export, choose_report):
            query = standin.press(group.bea, choose, "Room")
            assert REFUSED in ((await standin.wait_for_callback_answer(query)).text or "")
        await standin.wait_until_idle()
    sent = standin.bot_messages(bea_chat.id)
    assert [m.message_id for m in sent[-2:]] == [choose_export.message_id, choose_report.message_id]
    assert all(m.document is None and m.photo is None for m in sent)


async def test_a_delivery_waiting_for_start_is_not_handed_to_a_demoted_admin(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    group = Group(standin)
    async with running_bot(settings(standin, tmp_path)):
        group.says(group.bea, "/begin")
        await group.reads()
        group.says(group.bea, "/export")  # no private chat yet: kept until she starts one
        assert "have not started a chat with me" in await group.reads()

        group.demote(group.bea)
        bea_chat = standin.private_chat(group.bea)
        standin.send_text(group.bea, bea_chat, "/start deliver")
        welcome = await standin.next_bot_message(bea_chat.id)
        assert "Welcome" in text(welcome)  # the plain welcome: nothing was handed over
        await standin.wait_until_idle()
    sent = standin.bot_messages(bea_chat.id)
    assert not any("export" in text(m).lower() or m.document is not None for m in sent)
