"""``Storage``: the one object handlers use for everything stored. Each noun's queries are
a mixin of their own module; all of them stand on ``StorageBase`` (the connections)."""

from __future__ import annotations

from bot.storage.answers import AnswerQueries
from bot.storage.assignments import AssignmentQueries
from bot.storage.chats import ChatQueries
from bot.storage.dashboard import DashboardQueries
from bot.storage.deliveries import DeliveryQueries
from bot.storage.discussion import DiscussionQueries
from bot.storage.group_settings import GroupSettingQueries
from bot.storage.inbox import InboxQueries
from bot.storage.languages import LanguageQueries
from bot.storage.lookups import LookupQueries
from bot.storage.paces import PaceQueries
from bot.storage.posts import PostQueries
from bot.storage.privacy import PrivacyQueries
from bot.storage.private_prompts import PrivatePromptQueries
from bot.storage.reminders import ReminderQueries
from bot.storage.ticks import TickQueries
from bot.storage.walks import WalkQueries
from bot.storage.web import WebQueries


class Storage(
    AnswerQueries,
    PostQueries,
    WalkQueries,
    ChatQueries,
    InboxQueries,
    PrivatePromptQueries,
    TickQueries,
    DeliveryQueries,
    PrivacyQueries,
    WebQueries,
    AssignmentQueries,
    DashboardQueries,
    ReminderQueries,
    GroupSettingQueries,
    LookupQueries,
    DiscussionQueries,
    LanguageQueries,
    PaceQueries,
):
    """The only place that talks to SQLite.

    Every write goes through one writer (``bot.storage.writer``): a method returns only
    after the transaction holding its write has committed, so a handler can acknowledge an
    answer knowing it is on disk, and the writes of concurrent handlers share one
    transaction. Reads use their own connection. Handlers never see SQL; they call the
    named methods."""
