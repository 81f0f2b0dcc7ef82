"""Property tests: the running bot survives random and malformed updates."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
import threading
from collections.abc import Coroutine, Iterator
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any, TypeVar

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.lessons.load import load_lessons
from tests.conftest import PROMPTS, TOKEN, make_settings, running_bot
from tests.random_updates import PRESS, Item, World, update_items
from tests.standin import BotApiStandIn

T = TypeVar("T")
# The bot polls in the background for the whole module; this filter of bot.poller's own is
# reset between tests by pytest.
pytestmark = pytest.mark.filterwarnings(
    "ignore:Please use 'Bot.getUpdates':telegram.warnings.PTBUserWarning"
)


# --- the running bot under random and malformed updates ------------------------------------
#
# Starting the bot takes a while, so one bot (and its stand-in) runs on an event loop in a
# background thread for the whole module, and each hypothesis example feeds it a batch of
# updates through that loop. If an example stops or wedges the bot, the next one starts a
# fresh bot, so that hypothesis can shrink the failing batch to a minimal one.

HELP_FIRST_LINE = "How this works"
HELP_TIMEOUT = 10.0
# How long a batch may take to be handled before the bot counts as hung: Alice's updates wait
# for her earlier ones (past her budget one at a time), so on a loaded machine a batch of 30
# can take many seconds; a bot that hangs takes for ever.
DRAIN_TIMEOUT = 120.0
STRANGER = {"id": 990_000_001, "is_bot": False, "first_name": "Eve", "language_code": "fa"}


def _inbox_depth(db_path: Path) -> int:
    """Updates stored in the bot's inbox and not yet handled."""
    db = sqlite3.connect(db_path)
    try:
        return int(db.execute("SELECT COUNT(*) FROM inbox").fetchone()[0])
    finally:
        db.close()


class ErrorLog(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


class LiveBot:
    """The real bot polling a stand-in, on an event loop in a background thread."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.log = ErrorLog()
        self.starts = 0
        self.broken: str | None = None  # why the current bot must be replaced
        self.fed = 0
        self.sent: dict[int, Item] = {}  # by update id, for diagnosis
        self.history: list[tuple[dict[int, Item], list[logging.LogRecord]]] = []
        self._stack: AsyncExitStack | None = None
        self._serving: asyncio.Task[Any] | None = None
        self.standin: BotApiStandIn | None = None
        self.world: World | None = None
        self.db_path: Path | None = None

    def call(self, coroutine: Coroutine[Any, Any, T], timeout: float = 60) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    async def start(self) -> None:
        self.starts += 1
        self.broken = None
        if self.sent or self.log.records:  # a new stand-in numbers its updates afresh
            self.history.append((self.sent, self.log.records))
            self.sent, self.log.records = {}, []
        stack = AsyncExitStack()
        standin = await stack.enter_async_context(BotApiStandIn(TOKEN, group_flood_limit=None))
        # Deliver every kind of update, even those the bot did not ask for.
        setattr(standin, "_update_allowed", lambda kind: True)  # noqa: B010
        self.db_path = self.folder / f"bot-{self.starts}.sqlite3"
        settings = make_settings(standin, self.db_path)
        before = asyncio.all_tasks()
        await stack.enter_async_context(running_bot(settings))
        self._serving = next(
            task
            for task in asyncio.all_tasks() - before
            if getattr(task.get_coro(), "__qualname__", "") == "serve"
        )
        self._stack, self.standin = stack, standin
        self.world = await self._populate(standin)

    async def _populate(self, standin: BotApiStandIn) -> World:
        """A student halfway into a lesson, and a group session with questions posted."""
        alice = standin.user("Alice", username="alice")
        bob = standin.user("Bob", last_name="Ross")
        own = standin.private_chat(alice)
        room = standin.group("Room", admins=[alice], members=[bob])
        standin.send_text(alice, own, "/start")
        await standin.next_bot_message(own.id)
        begin = await standin.next_bot_message(own.id)
        standin.press(alice, begin, "▶️ Begin")
        standin.send_text(alice, room, "/begin")
        await standin.next_bot_message(room.id)
        for _ in range(2):
            standin.send_text(alice, room, "/next")
            await standin.next_bot_message(room.id)
        await standin.wait_until_idle()
        messages = [m for chat in (own, room) for m in standin.bot_messages(chat.id)]
        catalog = load_lessons([PROMPTS])[0]
        channel = {"id": -1001234, "type": "channel", "title": "News"}
        unknown_group = {"id": -4999, "type": "group", "title": "Gone"}
        users = [alice.to_api(), bob.to_api(), STRANGER, standin.bot_user.to_api()]
        return World(
            users=users,
            chats=[own.to_api(), room.to_api(), channel, unknown_group],
            pairs=[
                (alice.to_api(), own.to_api()),
                (alice.to_api(), room.to_api()),
                (bob.to_api(), room.to_api()),
            ],
            bot_messages=[m.to_api() for m in messages],
            user_messages=[
                m.to_api()
                for chat in (own, room)
                for m in standin.messages(chat.id)
                if not m.is_bot
            ],
            polls={
                m.poll.id: [option.persistent_id for option in m.poll.options]
                for m in messages
                if m.poll is not None
            },
            question_ids=[q.id for lesson in catalog for q in lesson.questions()],
            lesson_ids=[lesson.id for lesson in catalog],
        )

    async def stop(self) -> None:
        stack, self._stack = self._stack, None
        if stack is None:
            return
        try:
            await asyncio.wait_for(stack.aclose(), 15)
        except Exception as error:  # noqa: BLE001 - a broken bot is replaced, not fatal here
            self.broken = self.broken or f"stopping the bot failed: {error!r}"

    async def feed(self, items: list[Item]) -> None:
        standin, world = self.standin, self.world
        assert standin is not None and world is not None
        alice = standin.users[int(world.users[0]["id"])]
        for item in items:
            if item.kind == PRESS:
                user = standin.users[int(world.pairs[item.payload["pair"]][0]["id"])]
                if not world.bot_messages:
                    continue
                target = world.bot_messages[item.payload["message"]]
                stored = standin.message(target["chat"]["id"], target["message_id"])
                with contextlib.suppress(ValueError, LookupError):  # e.g. Bob has no own chat
                    standin.press_data(user, stored, item.payload["data"])
                    self.sent[standin.last_update_id] = item
            else:
                self.sent[standin.enqueue(item.kind, item.payload).update_id] = item
            self.fed += 1
        # First the batch handled to its end (every update confirmed and gone from the
        # inbox), then /help: answered at once by a bot that still works.
        await self._unless_stopped(self._until_worked_through(), "the bot hung on the batch")
        own = standin.private_chat(alice)
        asked = standin.send_text(alice, own, "/help")

        def answered() -> bool:
            return any(
                m.message_id > asked.message_id and (m.text or "").startswith(HELP_FIRST_LINE)
                for m in standin.bot_messages(own.id)
            )

        await self._unless_stopped(
            standin.wait_for(answered, timeout=HELP_TIMEOUT, what="the answer to /help"),
            "the bot did not answer /help after the batch",
        )

    async def _until_worked_through(self) -> None:
        standin, db_path = self.standin, self.db_path
        assert standin is not None and db_path is not None
        loop = asyncio.get_running_loop()
        deadline = loop.time() + DRAIN_TIMEOUT
        while standin.pending_updates or _inbox_depth(db_path):
            if loop.time() > deadline:
                raise TimeoutError(f"the batch was not handled within {DRAIN_TIMEOUT:.0f} s")
            await asyncio.sleep(0.02)

    async def _unless_stopped(self, waiting: Coroutine[Any, Any, Any], broken: str) -> None:
        """Wait, but stop at once if the bot stops: a crash is then found (and shrunk)
        quickly. ``broken``: why the bot must be replaced if the wait times out."""
        serving = self._serving
        assert serving is not None
        task = asyncio.ensure_future(waiting)
        await asyncio.wait({task, serving}, return_when=asyncio.FIRST_COMPLETED)
        if serving.done():
            task.cancel()
            self.broken = "the bot stopped"
            error = None if serving.cancelled() else serving.exception()
            raise AssertionError(f"the bot stopped: {error!r}") from error
        try:
            task.result()
        except TimeoutError:
            self.broken = broken
            raise

    def problems(self) -> list[str]:
        """What must never happen: the bot stopped, a stand-in bug, an error not handled."""
        found: list[str] = []
        if self._serving is not None and self._serving.done():
            error = None if self._serving.cancelled() else self._serving.exception()
            found.append(f"the bot stopped: {error!r}")
        if self.standin is not None and self.standin.internal_errors:
            found.append("stand-in errors:\n" + "\n".join(self.standin.internal_errors))
        for record in self.log.records:
            if record.levelno >= logging.ERROR and record.name != "bot.handlers.common":
                found.append(f"{record.name}: {record.getMessage()}")
        return found

    def close(self) -> None:
        self.call(self.stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()


@pytest.fixture(scope="module")
def live_bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveBot]:
    bot = LiveBot(tmp_path_factory.mktemp("live"))
    root = logging.getLogger()
    root.addHandler(bot.log)
    poller_log = logging.getLogger("bot.poller")
    level = poller_log.level
    poller_log.setLevel(logging.DEBUG)  # counts the updates skipped as unparseable
    try:
        bot.call(bot.start())
        yield bot
    finally:
        poller_log.setLevel(level)
        root.removeHandler(bot.log)
        bot.close()


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_the_bot_survives_random_and_malformed_updates(
    live_bot: LiveBot, data: st.DataObject
) -> None:
    if live_bot.broken is not None:  # the previous example broke it: start a fresh one
        live_bot.call(live_bot.stop())
        live_bot.call(live_bot.start())
    assert live_bot.world is not None
    items = data.draw(st.lists(update_items(live_bot.world), min_size=1, max_size=30))
    live_bot.call(live_bot.feed(items), timeout=DRAIN_TIMEOUT + HELP_TIMEOUT + 30)
    assert live_bot.problems() == []


async def test_a_chat_id_that_is_a_json_array_does_not_stop_the_bot(
    standin: BotApiStandIn, tmp_path: Path
) -> None:
    alice = standin.user("Alice")
    own = standin.private_chat(alice)
    bot = standin.bot_user.to_api()
    async with running_bot(make_settings(standin, tmp_path / "bot.sqlite3")):
        standin.enqueue(
            "my_chat_member",
            {
                "chat": {"id": [], "type": "group", "title": "Room"},
                "from": alice.to_api(),
                "date": 1_700_000_000,
                "old_chat_member": {"status": "member", "user": bot},
                "new_chat_member": {"status": "member", "user": bot},
            },
        )
        standin.send_text(alice, own, "/help")
        reply = await standin.next_bot_message(own.id, timeout=2)
        assert (reply.text or "").startswith(HELP_FIRST_LINE)
