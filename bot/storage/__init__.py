"""Everything the bot stores, in SQLite: ``Storage`` (the one object handlers use), the
records it hands out, the schema and its migrations.

    records.py      the dataclasses and literals (no SQLite: render and results use them)
    schema.py       migrations, SCHEMA_VERSION, the connections' pragmas, migrating
    writer.py       the one writer: every write transaction, group commit
    checkpoints.py  the write-ahead log copied into the database beside the writer
    own_thread.py   a connection on a thread of its own (the writer's, the checkpointer's)
    base.py         the connections, the caches, open/close; facade.py composes Storage
    cache.py, lock.py, sql.py    in-memory posts and walks; the instance lock; shared SQL
    walks.py, answers.py, posts.py, chats.py, inbox.py, deliveries.py, private_prompts.py,
    ticks.py, privacy.py, discussion.py,
    paces.py      the queries, next to their noun, as mixins of Storage
    exports.py      the read-only export queries (synchronous sqlite3, for the CLI)

Every name that callers imported from the single ``bot/storage.py`` is still importable
from ``bot.storage``.
"""

from bot.storage.answers import MAX_ANSWER_VERSIONS
from bot.storage.base import UpdateMark
from bot.storage.cache import CACHE_LIMIT, Cache
from bot.storage.discussion import (
    GroupSwitch,
    GroupSwitches,
    OwnScore,
    PeerAnswer,
    Scope,
    ScopeKind,
    Score,
)
from bot.storage.facade import Storage
from bot.storage.lookups import LookedUp, TopWord
from bot.storage.records import (
    POST_KINDS,
    AnswerFact,
    AnswerVia,
    Audience,
    Clock,
    Delivery,
    Forgotten,
    NewAnswer,
    Post,
    PrivatePrompt,
    Recorded,
    Respondent,
    StorageError,
    StoredAnswer,
    Walk,
    WalkClosed,
    WalkStatus,
    iso_utc,
    utc_now,
)
from bot.storage.schema import MIGRATIONS, READER_PRAGMAS, SCHEMA_VERSION, WRITER_PRAGMAS
from bot.storage.writer import Writer

# The cache's name when it lived in the single module (tests import it so).
_Cache = Cache

__all__ = [
    "CACHE_LIMIT",
    "MAX_ANSWER_VERSIONS",
    "MIGRATIONS",
    "POST_KINDS",
    "READER_PRAGMAS",
    "SCHEMA_VERSION",
    "WRITER_PRAGMAS",
    "AnswerFact",
    "AnswerVia",
    "Audience",
    "Cache",
    "Clock",
    "Delivery",
    "Forgotten",
    "GroupSwitch",
    "GroupSwitches",
    "LookedUp",
    "NewAnswer",
    "OwnScore",
    "PeerAnswer",
    "Post",
    "PrivatePrompt",
    "Recorded",
    "Respondent",
    "Scope",
    "ScopeKind",
    "Score",
    "Storage",
    "StorageError",
    "StoredAnswer",
    "TopWord",
    "UpdateMark",
    "Walk",
    "WalkClosed",
    "WalkStatus",
    "Writer",
    "_Cache",
    "iso_utc",
    "utc_now",
]
