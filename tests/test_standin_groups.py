"""The Bot API stand-in in groups: privacy mode, quiz polls, the flood limit, migration."""

from __future__ import annotations

import pytest
from telegram import Bot
from telegram.error import BadRequest, ChatMigrated, RetryAfter

from tests.standin import BotApiStandIn
from tests.standin_support import TOKEN, FakeClock, make_bot

# ---------------------------------------------------------------------- groups


async def test_privacy_mode_in_groups(api: BotApiStandIn, bot: Bot) -> None:
    alice, bob = api.user("Alice"), api.user("Bob")
    group = api.group("Study group", members=[alice, bob])
    api.send_text(alice, group, "just chatting")
    api.send_text(alice, group, "/start")
    api.send_text(alice, group, "/start@some_other_bot")
    api.send_text(bob, group, "hey @editorial_test_bot")
    posted = await bot.send_message(group.id, "Question?")
    api.reply(bob, api.message(group.id, posted.message_id), "an answer")
    api.reply(alice, api.messages(group.id)[0], "not for the bot")
    texts = [u.message.text for u in await bot.get_updates(timeout=0) if u.message]
    assert texts == ["/start", "hey @editorial_test_bot", "an answer"]
    assert len(api.messages(group.id)) == 7

    owner = await bot.get_chat_member(group.id, alice.id)
    member = await bot.get_chat_member(group.id, bob.id)
    assert (owner.status, member.status) == ("creator", "member")

    staffed = api.group("Staff room", members=[alice], bot_is_admin=True)
    api.send_text(alice, staffed, "admins see everything")
    (update,) = await bot.get_updates(offset=api.last_update_id, timeout=0)
    assert update.message is not None and update.message.text == "admins see everything"


async def test_quiz_poll_votes_and_stop(api: BotApiStandIn, bot: Bot) -> None:
    alice, bob = api.user("Alice"), api.user("Bob")
    group = api.group("Quiz", members=[alice, bob], supergroup=True)
    sent = await bot.send_poll(
        group.id,
        "2 + 2?",
        ["3", "4"],
        type="quiz",
        correct_option_ids=[1],
        is_anonymous=False,
        explanation="<b>four</b>",
        explanation_parse_mode="HTML",
    )
    assert sent.poll is not None and sent.poll.correct_option_ids == (1,)
    assert sent.poll.explanation == "four"
    stored = api.message(group.id, sent.message_id)
    answer = api.vote(bob, stored, [1])
    assert answer["option_ids"] == [1]
    with pytest.raises(ValueError, match="revoting"):
        api.vote(bob, stored, [0])
    updates = await bot.get_updates(timeout=0)
    poll_answer = next(u.poll_answer for u in updates if u.poll_answer)
    assert (poll_answer.user and poll_answer.user.id, poll_answer.option_ids) == (bob.id, (1,))
    assert poll_answer.poll_id == sent.poll.id
    stopped = await bot.stop_poll(group.id, sent.message_id)
    assert stopped.is_closed and stopped.total_voter_count == 1
    with pytest.raises(BadRequest):
        await bot.stop_poll(group.id, sent.message_id)
    assert api.rejected[-1].error == "Bad Request: poll has already been closed"
    with pytest.raises(ValueError, match="closed"):
        api.vote(alice, stored, [1])

    regular = await bot.send_poll(group.id, "Lunch?", ["Yes", "No"], is_anonymous=False)
    regular_stored = api.message(group.id, regular.message_id)
    api.vote(alice, regular_stored, [0])
    retracted = api.vote(alice, regular_stored, [])
    assert retracted["option_ids"] == []
    assert regular_stored.poll is not None and regular_stored.poll.total_voter_count == 0


# PTB itself reads the deprecated int form of retry_after while building RetryAfter.
@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_group_flood_limit_answers_429() -> None:
    clock = FakeClock()
    async with (
        BotApiStandIn(TOKEN, clock=clock, group_flood_limit=3) as api,
        make_bot(api) as bot,
    ):
        group = api.group("Busy", members=[api.user("Alice")])
        for number in range(3):
            await bot.send_message(group.id, f"m{number}")
        with pytest.raises(RetryAfter) as raised:
            await bot.send_message(group.id, "one too many")
        assert "Retry in 60 seconds" in str(raised.value)  # from parameters.retry_after
        assert (api.rejected[-1].error_code, api.rejected[-1].error) == (
            429,
            "Too Many Requests: retry after 60",
        )
        clock.now += 60
        await bot.send_message(group.id, "later")
        assert len(api.bot_messages(group.id)) == 4


async def test_group_migration(api: BotApiStandIn, bot: Bot) -> None:
    alice = api.user("Alice")
    group = api.group("Old", members=[alice])
    supergroup = api.migrate_to_supergroup(group)
    with pytest.raises(ChatMigrated) as raised:
        await bot.send_message(group.id, "hi")
    assert raised.value.new_chat_id == supergroup.id
    updates = await bot.get_updates(timeout=0)
    notes = [u.message for u in updates if u.message]
    assert [n.migrate_to_chat_id for n in notes] == [supergroup.id, None]
    assert [n.migrate_from_chat_id for n in notes] == [None, group.id]
    await bot.send_message(supergroup.id, "hi")
