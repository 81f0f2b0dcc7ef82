"""SQLite storage: the schema, its migrations, and every query the bot makes.

Every write goes through one writer (``bot.writer``): a method returns only after the
transaction holding its write has committed, so a handler can acknowledge an answer knowing
it is on disk, and the writes of concurrent handlers share one transaction. Reads use their
own connection. Handlers never see SQL; they call the named methods below.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import sqlite3
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, Generic, Literal, TypeVar

import aiosqlite

from bot.writer import BUSY_TIMEOUT_MS, Writer

Clock = Callable[[], dt.datetime]
Audience = Literal["private", "group"]
WalkStatus = Literal["active", "paused", "finished", "abandoned"]
AnswerVia = Literal["button", "text", "poll", "reply", "private"]
T = TypeVar("T")
K = TypeVar("K")
V = TypeVar("V")

# WAL lets the reader connection, exports and backups run beside the writer; NORMAL keeps
# every committed transaction across a process crash (a power loss may cost the last ones).
# Small page caches: the bot touches recent rows only, and memory stays flat
# (bench/memory.py); exports and backups use their own connections.
WRITER_PRAGMAS = (
    f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS:d}",
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = NORMAL",
    "PRAGMA cache_size = -256",
    "PRAGMA foreign_keys = ON",
    # Deleted rows are overwritten, not left in free pages (/forget); some builds default off.
    "PRAGMA secure_delete = ON",
)
READER_PRAGMAS = (
    f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS:d}",
    "PRAGMA cache_size = -128",
    "PRAGMA query_only = ON",  # every write goes through the writer
)
# Posts and walks kept in memory for the answers that look them up (a few hundred bytes each).
CACHE_LIMIT = 2048


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def iso_utc(moment: dt.datetime) -> str:
    """ISO 8601 in UTC with milliseconds and a Z, e.g. 2026-11-28T04:05:06.789Z."""
    return moment.astimezone(dt.UTC).replace(tzinfo=None).isoformat(timespec="milliseconds") + "Z"


# Each migration is a list of statements, applied in one transaction; PRAGMA user_version
# records how many have run. Never edit a released migration: append a new one.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """
        CREATE TABLE inbox (
            -- Updates fetched from Telegram and not yet handled. A row is written before
            -- Telegram is told the update arrived, and deleted once it has been handled, so
            -- a crash in between loses nothing: the next start handles what is left here.
            update_id INTEGER PRIMARY KEY,
            payload TEXT NOT NULL,
            received_at TEXT NOT NULL
        )
        """,
        """
        CREATE TABLE meta (
            -- Facts about this database, e.g. the salt for pseudonymised exports.
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        )
        """,
        """
        CREATE TABLE chats (
            id INTEGER PRIMARY KEY,
            type TEXT NOT NULL,
            title TEXT,
            -- 0 once the bot may no longer post there (kicked, blocked, left)
            active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
            updated_at TEXT NOT NULL
        )
        """,
        """
        CREATE TABLE walks (
            id INTEGER PRIMARY KEY,
            chat_id INTEGER NOT NULL REFERENCES chats(id) ON UPDATE CASCADE,
            audience TEXT NOT NULL CHECK (audience IN ('private', 'group')),
            user_id INTEGER,
            lesson_id TEXT NOT NULL,
            lesson_version TEXT NOT NULL,
            attempt INTEGER NOT NULL CHECK (attempt >= 1),
            position INTEGER NOT NULL DEFAULT 0 CHECK (position >= 0),
            status TEXT NOT NULL CHECK (status IN ('active', 'paused', 'finished', 'abandoned')),
            started_at TEXT NOT NULL,
            ended_at TEXT
        )
        """,
        # One running (or paused) walk per chat: a student's attempt, or a group's session.
        "CREATE UNIQUE INDEX walks_one_open_per_chat ON walks(chat_id) "
        "WHERE status IN ('active', 'paused')",
        "CREATE INDEX walks_by_chat_lesson ON walks(chat_id, lesson_id)",
        """
        CREATE TABLE answers (
            id INTEGER PRIMARY KEY,
            walk_id INTEGER NOT NULL REFERENCES walks(id),
            chat_id INTEGER NOT NULL,
            user_id INTEGER NOT NULL,
            display_name TEXT NOT NULL,
            username TEXT,
            lesson_id TEXT NOT NULL,
            lesson_version TEXT NOT NULL,
            attempt INTEGER NOT NULL,
            question_id TEXT NOT NULL,
            question_type TEXT NOT NULL CHECK (question_type IN ('choice', 'short', 'debate')),
            option_indexes TEXT,
            answer_text TEXT,
            is_correct INTEGER CHECK (is_correct IN (0, 1)),
            stance TEXT,
            -- a withdrawn poll vote: a version with no option, kept as a fact
            retracted INTEGER NOT NULL DEFAULT 0 CHECK (retracted IN (0, 1)),
            via TEXT NOT NULL CHECK (via IN ('button', 'text', 'poll', 'reply', 'private')),
            version INTEGER NOT NULL CHECK (version >= 1),
            answered_at TEXT NOT NULL,
            source_key TEXT NOT NULL UNIQUE,
            UNIQUE (walk_id, user_id, question_id, version)
        )
        """,
        "CREATE INDEX answers_by_chat ON answers(chat_id, walk_id)",
        "CREATE INDEX answers_by_user ON answers(user_id)",
        """
        CREATE TABLE posts (
            -- Which bot message (or poll) in a group stands for which step of a session:
            -- replies and poll answers are matched to their question through it.
            chat_id INTEGER NOT NULL,
            message_id INTEGER NOT NULL,
            walk_id INTEGER NOT NULL REFERENCES walks(id),
            position INTEGER NOT NULL,
            question_id TEXT,
            poll_id TEXT UNIQUE,
            carries_next INTEGER NOT NULL DEFAULT 0 CHECK (carries_next IN (0, 1)),
            section INTEGER,  -- the section's number, for a section's message
            PRIMARY KEY (chat_id, message_id)
        )
        """,
        "CREATE INDEX posts_by_walk ON posts(walk_id)",
        """
        CREATE TABLE deliveries (
            -- A report or export a moderator asked for before ever starting a private chat
            -- with the bot: sent as soon as they press Start.
            id INTEGER PRIMARY KEY,
            user_id INTEGER NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('report', 'export')),
            chat_id INTEGER NOT NULL,
            format TEXT NOT NULL DEFAULT 'csv' CHECK (format IN ('csv', 'jsonl')),
            all_sessions INTEGER NOT NULL DEFAULT 0 CHECK (all_sessions IN (0, 1)),
            created_at TEXT NOT NULL
        )
        """,
        "CREATE INDEX deliveries_by_user ON deliveries(user_id)",
        """
        CREATE TABLE private_prompts (
            -- A member who opened a group question's deep link: their next typed message
            -- in the private chat answers that question for the group session.
            chat_id INTEGER PRIMARY KEY,
            walk_id INTEGER NOT NULL REFERENCES walks(id),
            question_id TEXT NOT NULL,
            created_at TEXT NOT NULL
        )
        """,
    ),
    (
        # 2: the forum topic a group session runs in (None: the General topic, or a group
        # without topics).
        "ALTER TABLE walks ADD COLUMN thread_id INTEGER",
    ),
    (
        # 3: a choice question's options as posted (a JSON list), so that a vote on a
        # message posted before the lesson was edited is matched to the options by text.
        "ALTER TABLE posts ADD COLUMN options TEXT",
    ),
    (
        # 4: the message that asks a student's current typed question: a message sent
        # before it is not that question's answer.
        "ALTER TABLE walks ADD COLUMN asked_message_id INTEGER",
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)


@dataclass(slots=True)
class UpdateMark:
    """The update being handled, and whether a write has already marked it done."""

    update_id: int
    done: bool = False


_HANDLING: ContextVar[UpdateMark | None] = ContextVar("handling", default=None)


class WalkClosed(Exception):
    """An answer for a walk that ended (or paused) after its handler looked: not recorded."""


class StorageError(Exception):
    """The database could not be opened or is not one this bot can use."""


class _InstanceLock:
    """An advisory lock on ``<database>.lock``, held while a bot instance runs."""

    def __init__(self, handle: IO[str]) -> None:
        self._handle = handle

    @classmethod
    def take(cls, path: Path) -> _InstanceLock:
        handle = Path(f"{path}.lock").open("a")  # noqa: SIM115 - held until release()
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            raise StorageError(
                f"another bot instance is already using {path}: stop it first "
                "(two instances on one database would answer every update twice)"
            ) from None
        return cls(handle)

    def release(self) -> None:
        fcntl.flock(self._handle, fcntl.LOCK_UN)
        self._handle.close()


@dataclass(frozen=True, slots=True)
class Walk:
    """A cursor through one lesson: a student's attempt in a private chat (or a group session)."""

    id: int
    chat_id: int
    audience: Audience
    user_id: int | None
    lesson_id: str
    lesson_version: str
    attempt: int
    position: int
    status: WalkStatus
    started_at: str
    ended_at: str | None
    thread_id: int | None = None  # a group session's forum topic
    asked_message_id: int | None = None  # the message asking the current typed question


@dataclass(frozen=True, slots=True)
class Post:
    """A bot message in a group that stands for a step of a session (or a poll of it)."""

    chat_id: int
    message_id: int
    walk_id: int
    position: int
    question_id: str | None = None
    poll_id: str | None = None
    carries_next: bool = False
    section: int | None = None  # a section's message: its 1-based number
    options: tuple[str, ...] | None = None  # a choice question's options, as posted


@dataclass(frozen=True, slots=True)
class PrivatePrompt:
    """A member answering a group question in their private chat (via a deep link)."""

    chat_id: int
    walk_id: int
    question_id: str


@dataclass(frozen=True, slots=True)
class Delivery:
    """A report or export waiting for its moderator to open a private chat."""

    id: int
    user_id: int
    kind: Literal["report", "export"]
    chat_id: int
    format: Literal["csv", "jsonl"]
    all_sessions: bool


@dataclass(frozen=True, slots=True)
class Forgotten:
    """What ``forget_user`` deleted."""

    answers: int
    walks: int
    other: int


@dataclass(frozen=True, slots=True)
class Respondent:
    """Who answered, as Telegram showed them at the time."""

    user_id: int
    display_name: str
    username: str | None


@dataclass(frozen=True, slots=True)
class NewAnswer:
    walk: Walk
    respondent: Respondent
    question_id: str
    question_type: Literal["choice", "short", "debate"]
    via: AnswerVia
    # Telegram's ids make a write idempotent: the same update handled twice hits this key.
    source_key: str
    option_indexes: tuple[int, ...] = ()
    answer_text: str | None = None
    is_correct: bool | None = None
    stance: str | None = None
    retracted: bool = False
    # The lesson file's version the question was answered against; it may have been edited
    # since the walk began. None: the walk's own version.
    lesson_version: str | None = None


@dataclass(frozen=True, slots=True)
class StoredAnswer:
    id: int
    walk_id: int
    chat_id: int
    user_id: int
    display_name: str
    username: str | None
    lesson_id: str
    lesson_version: str
    attempt: int
    question_id: str
    question_type: str
    option_indexes: tuple[int, ...]
    answer_text: str | None
    is_correct: bool | None
    stance: str | None
    retracted: bool
    via: str
    version: int
    answered_at: str


@dataclass(frozen=True, slots=True)
class AnswerFact:
    """What a session's results need of a standing (not withdrawn) current answer."""

    user_id: int
    display_name: str
    username: str | None
    question_id: str
    is_correct: bool | None
    stance: str | None


@dataclass(frozen=True, slots=True)
class Recorded:
    """What became of an answer: ``created`` is False when this exact update was seen before."""

    created: bool
    answer: StoredAnswer


_WALK_COLUMNS = (
    "id, chat_id, audience, user_id, lesson_id, lesson_version, attempt, position, status, "
    "started_at, ended_at, thread_id, asked_message_id"
)
_POST_COLUMNS = (
    "chat_id, message_id, walk_id, position, question_id, poll_id, carries_next, section, options"
)
_ANSWER_COLUMNS = (
    "id, walk_id, chat_id, user_id, display_name, username, lesson_id, lesson_version, attempt, "
    "question_id, question_type, option_indexes, answer_text, is_correct, stance, retracted, via, "
    "version, answered_at"
)


# Of ``answers AS a``: only each member's newest version of each answer.
_NEWEST_VERSION = (
    "a.version = (SELECT MAX(version) FROM answers AS b WHERE b.walk_id = a.walk_id "
    "AND b.user_id = a.user_id AND b.question_id = a.question_id)"
)


def _walk(row: sqlite3.Row) -> Walk:
    return Walk(*row)


def _post(row: sqlite3.Row) -> Post:
    chat_id, message_id, walk_id, position, question_id, poll_id, carries_next, section = row[:8]
    options = tuple(json.loads(row[8])) if row[8] is not None else None
    return Post(
        chat_id,
        message_id,
        walk_id,
        position,
        question_id,
        poll_id,
        bool(carries_next),
        section,
        options,
    )


def _answer(row: sqlite3.Row) -> StoredAnswer:
    values = list(row)
    values[11] = tuple(int(i) for i in values[11].split(",")) if values[11] else ()
    values[13] = None if values[13] is None else bool(values[13])
    values[15] = bool(values[15])
    return StoredAnswer(*values)


class _Cache(Generic[K, V]):
    """Rows that answers look up again and again (a session's posts, its walk), kept
    in memory. Bounded, and dropped whenever a write changes walks or posts.

    A read that began before such a write must not put its stale row back afterwards:
    ``generation`` tells whether a drop happened while the row was being read."""

    def __init__(self, limit: int) -> None:
        self._rows: dict[K, V] = {}
        self._limit = limit
        self.generation = 0

    def get(self, key: K) -> V | None:
        return self._rows.get(key)

    async def get_or_load(self, key: K, load: Callable[[], Awaitable[V | None]]) -> V | None:
        """The cached row, or the one ``load`` reads (kept unless a change came meanwhile)."""
        found = self._rows.get(key)
        if found is not None:
            return found
        generation = self.generation
        found = await load()
        if found is not None:
            self.put(key, found, generation)
        return found

    def put(self, key: K, row: V, read_in_generation: int) -> None:
        if read_in_generation != self.generation:
            return
        if len(self._rows) >= self._limit:
            del self._rows[next(iter(self._rows))]  # the oldest entry
        self._rows[key] = row

    def drop_all(self) -> None:
        self._rows.clear()
        self.generation += 1


Db = sqlite3.Connection


def _one(db: Db, sql: str, params: Sequence[object] = ()) -> sqlite3.Row | None:
    row: sqlite3.Row | None = db.execute(sql, params).fetchone()
    return row


def _rowcount(db: Db, sql: str, params: Sequence[object] = ()) -> int:
    return db.execute(sql, params).rowcount


class Storage:
    """The only place that talks to SQLite.

    Writes go through one ``Writer`` (its own thread and connection; concurrent writes share
    a transaction). Reads use an aiosqlite connection of their own, which WAL lets run beside
    the writer and which sees every committed write."""

    def __init__(
        self, reader: aiosqlite.Connection, writer: Writer, clock: Clock = utc_now
    ) -> None:
        self._reader = reader
        self._writer = writer
        self._clock = clock
        self._lock: _InstanceLock | None = None
        # Looked up by every answer; changed only by the writes that pass ``changes_walks``.
        self._walks: _Cache[int, Walk] = _Cache(CACHE_LIMIT)
        self._posts: _Cache[tuple[int, int] | str, Post] = _Cache(CACHE_LIMIT)

    @classmethod
    async def open(cls, path: Path, clock: Clock = utc_now, *, exclusive: bool = False) -> Storage:
        """Open (creating the folder and file if needed), check and migrate the database.

        ``exclusive``: the running bot holds a lock file beside the database, so that a
        second instance on the same database refuses to start (exports and backups don't
        take it: they only read).
        """
        path.parent.mkdir(parents=True, exist_ok=True)
        lock = _InstanceLock.take(path) if exclusive else None
        try:
            writer = await Writer.open(path)
        except sqlite3.Error as error:
            if lock is not None:
                lock.release()
            raise StorageError(f"cannot open the database {path}: {error}") from None
        try:
            reader = await aiosqlite.connect(path, isolation_level=None)
        except sqlite3.Error as error:
            await writer.close()
            if lock is not None:
                lock.release()
            raise StorageError(f"cannot open the database {path}: {error}") from None
        writer.mark_handled_with(_forget_updates)
        storage = cls(reader, writer, clock)
        storage._lock = lock
        try:
            await writer.configure(WRITER_PRAGMAS)
            for pragma in READER_PRAGMAS:
                await reader.execute(pragma)
            await storage._check()
            await storage._migrate()
        except (StorageError, sqlite3.DatabaseError) as error:
            await storage.close()
            if isinstance(error, StorageError):
                raise
            raise StorageError(f"cannot use the database {path}: {error}") from None
        return storage

    async def close(self) -> None:
        await self._writer.close()
        await self._reader.close()
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    async def _check(self) -> None:
        """Refuse a damaged database at start rather than fail on a student's answer."""
        rows = await self._read_all("PRAGMA quick_check")
        problems = [str(row[0]) for row in rows if row[0] != "ok"]
        if problems:
            found = "; ".join(" ".join(p.split()) for p in problems[:3])  # one line
            raise StorageError(f"the database failed its integrity check: {found}")

    async def _migrate(self) -> None:
        def migrate(db: Db) -> None:
            row = _one(db, "PRAGMA user_version")
            current = int(row[0]) if row else 0
            if current > SCHEMA_VERSION:
                raise StorageError(
                    f"the database has schema version {current}, newer than this bot "
                    f"({SCHEMA_VERSION}): upgrade the bot"
                )
            for statements in MIGRATIONS[current:]:
                for statement in statements:
                    db.execute(statement)
            # PRAGMA takes no bound parameters; SCHEMA_VERSION is our own integer.
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION:d}")

        await self._write(migrate)

    async def schema_version(self) -> int:
        found = await self._reader.execute_fetchall("PRAGMA user_version")
        row = next(iter(found), None)
        return int(row[0]) if row else 0

    async def _write(self, work: Callable[[Db], T], *, changes_walks: bool = False) -> T:
        """Run ``work`` in a write transaction; return once that transaction has committed.

        The first write made while handling an update (see ``handling``) also marks that
        update handled, in the same transaction: an answer and "this update is done" are
        committed together, and the update costs no extra commit. ``changes_walks``: the
        work changes walks or posts, so the cached ones are dropped.
        """
        mark = _HANDLING.get()
        marking = mark if mark is not None and not mark.done else None

        def committed() -> None:
            if marking is not None:
                marking.done = True
            if changes_walks:
                self._walks.drop_all()
                self._posts.drop_all()

        return await self._writer.run(
            work, committed, None if marking is None else marking.update_id
        )

    async def _read_one(self, sql: str, params: Sequence[object] = ()) -> sqlite3.Row | None:
        found = await self._reader.execute_fetchall(sql, params)
        return next(iter(found), None)

    async def _read_all(self, sql: str, params: Sequence[object] = ()) -> list[sqlite3.Row]:
        """Every row of a query that may return many (a session's answers, say).

        Not ``execute_fetchall``: aiosqlite's thread keeps the last call's result until its
        next call, and since answers hardly read any more, a session summary's rows (1.7 MiB
        for 100 members) would stay in memory for minutes. Here the last call is the
        cursor's close."""
        async with self._reader.execute(sql, params) as cursor:
            return list(await cursor.fetchall())

    def _now(self) -> str:
        return iso_utc(self._clock())

    # --- chats -------------------------------------------------------------------------

    async def remember_chat(self, chat_id: int, chat_type: str, title: str | None) -> None:
        now = self._now()
        await self._write(lambda db: _upsert_chat(db, chat_id, chat_type, title, now))

    async def chat_title(self, chat_id: int) -> str | None:
        row = await self._read_one("SELECT title FROM chats WHERE id = ?", (chat_id,))
        return str(row[0]) if row and row[0] is not None else None

    # --- walks -------------------------------------------------------------------------

    async def start_walk(
        self,
        *,
        chat_id: int,
        chat_type: str,
        chat_title: str | None,
        audience: Audience,
        user_id: int | None,
        lesson_id: str,
        lesson_version: str,
        thread_id: int | None = None,
    ) -> Walk:
        """Begin a new attempt at a lesson; the chat's unfinished walk, if any, is abandoned.
        ``thread_id``: the forum topic a group session runs in."""
        now = self._now()

        def start(db: Db) -> Walk:
            _upsert_chat(db, chat_id, chat_type, chat_title, now)
            db.execute(
                "UPDATE walks SET status = 'abandoned', ended_at = ? "
                "WHERE chat_id = ? AND status IN ('active', 'paused')",
                (now, chat_id),
            )
            row = _one(
                db,
                "SELECT COUNT(*) FROM walks WHERE chat_id = ? AND lesson_id = ?",
                (chat_id, lesson_id),
            )
            attempt = (int(row[0]) if row else 0) + 1
            created = _one(
                db,
                f"INSERT INTO walks (chat_id, audience, user_id, lesson_id, lesson_version, "  # noqa: S608
                f"attempt, position, status, started_at, thread_id) "
                f"VALUES (?, ?, ?, ?, ?, ?, 0, 'active', ?, ?) RETURNING {_WALK_COLUMNS}",
                (chat_id, audience, user_id, lesson_id, lesson_version, attempt, now, thread_id),
            )
            assert created is not None
            return _walk(created)

        return await self._write(start, changes_walks=True)

    async def walk(self, walk_id: int) -> Walk | None:
        async def load() -> Walk | None:
            row = await self._read_one(
                f"SELECT {_WALK_COLUMNS} FROM walks WHERE id = ?",  # noqa: S608
                (walk_id,),
            )
            return _walk(row) if row else None

        return await self._walks.get_or_load(walk_id, load)

    async def active_walk(self, chat_id: int) -> Walk | None:
        row = await self._read_one(
            f"SELECT {_WALK_COLUMNS} FROM walks WHERE chat_id = ? AND status = 'active'",  # noqa: S608
            (chat_id,),
        )
        return _walk(row) if row else None

    async def latest_walk(self, chat_id: int) -> Walk | None:
        row = await self._read_one(
            f"SELECT {_WALK_COLUMNS} FROM walks WHERE chat_id = ? ORDER BY id DESC LIMIT 1",  # noqa: S608
            (chat_id,),
        )
        return _walk(row) if row else None

    async def move_walk(
        self, walk: Walk, *, to_position: int, finished: bool = False
    ) -> Walk | None:
        """Move an active walk from where ``walk`` says it is; None if it moved meanwhile."""
        ended = self._now() if finished else None
        return await self._write(lambda db: _move(db, walk, to_position, ended), changes_walks=True)

    # --- answers -----------------------------------------------------------------------

    async def record_answer(
        self,
        answer: NewAnswer,
        *,
        advance_to: int | None = None,
        finished: bool = False,
        keep: Literal["stance", "reason"] | None = None,
    ) -> Recorded:
        """Append an answer (a new version of the member's answer to that question).

        With ``advance_to``, the walk moves on in the same transaction, so an answer and the
        progress it earns are committed together. ``keep``: a debate answer that carries
        over the member's current stance (to a new reason) or reason (to a new stance), read
        in the same transaction, so that nothing written meanwhile is lost. An answer whose
        ``source_key`` was already recorded changes nothing and returns the earlier answer
        with ``created=False``. ``WalkClosed`` if the walk is no longer active, read in the
        same transaction: a session closed between a handler's look and this write (a
        private answer and the group's /end, handled at once) gets no answer after its end.
        """
        now = self._now()
        ended = self._now() if finished else None

        def record(db: Db) -> Recorded:
            if _one(db, _WALK_IS_ACTIVE, (answer.walk.id,)) is None:
                earlier = _answer_by_key(db, answer.source_key)
                if earlier is not None:  # recorded before it closed: the same answer again
                    return Recorded(created=False, answer=earlier)
                raise WalkClosed(answer.walk.id)
            stored = answer
            if keep is not None:
                earlier = _current_answer(
                    db, answer.walk.id, answer.respondent.user_id, answer.question_id
                )
                if keep == "stance":
                    stored = replace(answer, stance=earlier.stance if earlier else None)
                else:
                    stored = replace(answer, answer_text=earlier.answer_text if earlier else None)
            row = _one(db, _INSERT_ANSWER, _answer_params(stored, now))
            if row is None:
                earlier = _answer_by_key(db, answer.source_key)
                assert earlier is not None, "the key conflicted, so its answer exists"
                return Recorded(created=False, answer=earlier)
            if advance_to is not None:
                _move(db, answer.walk, advance_to, ended)
            return Recorded(created=True, answer=_answer(row))

        return await self._write(record, changes_walks=advance_to is not None)

    async def current_answers(self, walk_id: int, user_id: int | None = None) -> list[StoredAnswer]:
        """The newest version of each member's answer to each question of a walk."""
        query = (
            f"SELECT {_ANSWER_COLUMNS} FROM answers AS a WHERE walk_id = ? "  # noqa: S608
            f"AND {_NEWEST_VERSION}"
        )
        params: tuple[int, ...] = (walk_id,)
        if user_id is not None:
            query += " AND user_id = ?"
            params = (walk_id, user_id)
        rows = await self._read_all(query + " ORDER BY id", params)
        return [_answer(row) for row in rows]

    async def standing_answers(self, walk_id: int) -> list[AnswerFact]:
        """Each member's current answer to each question of a walk, withdrawn votes left
        out, with only what results need: a session summary for a big group reads a few
        small rows instead of every answer whole (bench/memory.py)."""
        rows = await self._read_all(
            "SELECT user_id, display_name, username, question_id, is_correct, stance "  # noqa: S608
            f"FROM answers AS a WHERE walk_id = ? AND retracted = 0 AND {_NEWEST_VERSION} "
            "ORDER BY id",
            (walk_id,),
        )
        return [
            AnswerFact(r[0], r[1], r[2], r[3], None if r[4] is None else bool(r[4]), r[5])
            for r in rows
        ]

    async def member_count(self, walk_id: int) -> int:
        """How many members have a standing answer in a walk."""
        row = await self._read_one(
            "SELECT COUNT(DISTINCT user_id) FROM answers AS a WHERE walk_id = ? "  # noqa: S608
            f"AND retracted = 0 AND {_NEWEST_VERSION}",
            (walk_id,),
        )
        return int(row[0]) if row else 0

    async def answer_history(self, walk_id: int) -> list[StoredAnswer]:
        rows = await self._read_all(
            f"SELECT {_ANSWER_COLUMNS} FROM answers WHERE walk_id = ? ORDER BY id",  # noqa: S608
            (walk_id,),
        )
        return [_answer(row) for row in rows]

    async def answers_of_user(self, user_id: int) -> Sequence[StoredAnswer]:
        rows = await self._read_all(
            f"SELECT {_ANSWER_COLUMNS} FROM answers WHERE user_id = ? ORDER BY id",  # noqa: S608
            (user_id,),
        )
        return [_answer(row) for row in rows]

    async def current_answer(
        self, walk_id: int, user_id: int, question_id: str
    ) -> StoredAnswer | None:
        """A member's newest answer to one question of a walk, if any."""
        row = await self._read_one(_CURRENT_ANSWER, (walk_id, user_id, question_id))
        return _answer(row) if row else None

    async def answer_count(self, walk_id: int, user_id: int) -> int:
        """How many questions of a walk a member has answered (a debate once its reason is
        given, not at its stance)."""
        row = await self._read_one(
            "SELECT COUNT(DISTINCT question_id) FROM answers WHERE walk_id = ? AND user_id = ? "
            "AND (question_type != 'debate' OR answer_text IS NOT NULL)",
            (walk_id, user_id),
        )
        return int(row[0]) if row else 0

    # --- group sessions ----------------------------------------------------------------

    async def open_walk(self, chat_id: int) -> Walk | None:
        """The chat's running or paused walk (a group session), if any."""
        row = await self._read_one(
            f"SELECT {_WALK_COLUMNS} FROM walks "  # noqa: S608
            "WHERE chat_id = ? AND status IN ('active', 'paused')",
            (chat_id,),
        )
        return _walk(row) if row else None

    async def set_walk_status(self, walk_id: int, status: WalkStatus) -> Walk | None:
        """Pause, resume or end a walk; ending stamps ``ended_at``."""
        ended = self._now() if status in ("finished", "abandoned") else None

        def set_status(db: Db) -> Walk | None:
            row = _one(
                db,
                f"UPDATE walks SET status = ?, ended_at = ? WHERE id = ? "  # noqa: S608
                f"RETURNING {_WALK_COLUMNS}",
                (status, ended, walk_id),
            )
            return _walk(row) if row else None

        return await self._write(set_status, changes_walks=True)

    async def record_part(self, walk: Walk, to_position: int, posts: Sequence[Post]) -> Walk | None:
        """Remember the messages of a part just posted and move the session past it.

        Only the newest part carries the "Next" button, so older posts lose the flag.
        None if the session moved meanwhile (another moderator was quicker).
        """

        def record(db: Db) -> Walk | None:
            moved = _move(db, walk, to_position, None)
            if moved is None:
                return None
            db.execute(
                "UPDATE posts SET carries_next = 0 WHERE walk_id = ? AND carries_next = 1",
                (walk.id,),
            )
            db.executemany(
                f"INSERT OR REPLACE INTO posts ({_POST_COLUMNS}) "  # noqa: S608
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        p.chat_id,
                        p.message_id,
                        p.walk_id,
                        p.position,
                        p.question_id,
                        p.poll_id,
                        int(p.carries_next),
                        p.section,
                        None if p.options is None else json.dumps(p.options, ensure_ascii=False),
                    )
                    for p in posts
                ],
            )
            return moved

        return await self._write(record, changes_walks=True)

    async def post_for_message(self, chat_id: int, message_id: int) -> Post | None:
        return await self._post(
            (chat_id, message_id),
            f"SELECT {_POST_COLUMNS} FROM posts WHERE chat_id = ? AND message_id = ?",  # noqa: S608
            (chat_id, message_id),
        )

    async def post_for_poll(self, poll_id: str) -> Post | None:
        return await self._post(
            poll_id,
            f"SELECT {_POST_COLUMNS} FROM posts WHERE poll_id = ?",  # noqa: S608
            (poll_id,),
        )

    async def _post(
        self, key: tuple[int, int] | str, sql: str, params: Sequence[object]
    ) -> Post | None:
        async def load() -> Post | None:
            row = await self._read_one(sql, params)
            return _post(row) if row else None

        return await self._posts.get_or_load(key, load)

    async def posts_of_walk(self, walk_id: int) -> list[Post]:
        rows = await self._read_all(
            f"SELECT {_POST_COLUMNS} FROM posts WHERE walk_id = ? ORDER BY message_id",  # noqa: S608
            (walk_id,),
        )
        return [_post(row) for row in rows]

    async def set_chat_active(self, chat_id: int, active: bool) -> None:
        now = self._now()
        await self._write(
            lambda db: db.execute(
                "UPDATE chats SET active = ?, updated_at = ? WHERE id = ?",
                (int(active), now, chat_id),
            )
        )

    async def migrate_chat(self, old_id: int, new_id: int) -> bool:
        """A group became a supergroup: move its sessions, posts and answers to the new id.

        Idempotent (Telegram announces the move in both chats); False if nothing moved.
        """
        now = self._now()

        def migrate(db: Db) -> bool:
            if _one(db, "SELECT 1 FROM chats WHERE id = ?", (old_id,)) is None:
                return False
            db.execute(
                "INSERT OR IGNORE INTO chats (id, type, title, active, updated_at) "
                "SELECT ?, 'supergroup', title, 1, ? FROM chats WHERE id = ?",
                (new_id, now, old_id),
            )
            # Posts keep the old id: those messages stay in the old chat, where polls still
            # count (a poll answer names its poll, not its chat).
            for statement in (
                "UPDATE walks SET chat_id = ? WHERE chat_id = ?",
                "UPDATE answers SET chat_id = ? WHERE chat_id = ?",
                # A report or export asked for before the move is the new chat's.
                "UPDATE deliveries SET chat_id = ? WHERE chat_id = ?",
            ):
                db.execute(statement, (new_id, old_id))
            db.execute("DELETE FROM chats WHERE id = ?", (old_id,))
            return True

        return await self._write(migrate, changes_walks=True)

    async def mark_asked(self, walk: Walk, message_id: int) -> None:
        """The message that asks the walk's current (typed) question, if it is still there."""
        await self._write(
            lambda db: db.execute(
                "UPDATE walks SET asked_message_id = ? WHERE id = ? AND position = ?",
                (message_id, walk.id, walk.position),
            ),
            changes_walks=True,
        )

    async def set_private_prompt(self, chat_id: int, walk_id: int, question_id: str) -> None:
        now = self._now()
        await self._write(
            lambda db: db.execute(
                "INSERT INTO private_prompts (chat_id, walk_id, question_id, created_at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (chat_id) DO UPDATE SET "
                "walk_id = excluded.walk_id, question_id = excluded.question_id, "
                "created_at = excluded.created_at",
                (chat_id, walk_id, question_id, now),
            )
        )

    async def private_prompt(self, chat_id: int) -> PrivatePrompt | None:
        row = await self._read_one(
            "SELECT chat_id, walk_id, question_id FROM private_prompts WHERE chat_id = ?",
            (chat_id,),
        )
        return PrivatePrompt(*row) if row else None

    async def clear_private_prompt(self, chat_id: int) -> None:
        await self._write(
            lambda db: db.execute("DELETE FROM private_prompts WHERE chat_id = ?", (chat_id,))
        )

    async def latest_group_walk(self, chat_id: int) -> Walk | None:
        """The group's newest session, whatever its state."""
        row = await self._read_one(
            f"SELECT {_WALK_COLUMNS} FROM walks WHERE chat_id = ? AND audience = 'group' "  # noqa: S608
            "ORDER BY id DESC LIMIT 1",
            (chat_id,),
        )
        return _walk(row) if row else None

    async def groups_with_sessions(self) -> list[tuple[int, str]]:
        """(chat id, title) of every group that has had a session, by title."""
        rows = await self._read_all(
            "SELECT DISTINCT c.id, COALESCE(c.title, '') FROM chats AS c "
            "JOIN walks AS w ON w.chat_id = c.id WHERE w.audience = 'group' ORDER BY 2, 1"
        )
        return [(int(row[0]), str(row[1])) for row in rows]

    async def add_delivery(
        self,
        user_id: int,
        kind: Literal["report", "export"],
        chat_id: int,
        fmt: Literal["csv", "jsonl"] = "csv",
        all_sessions: bool = False,
    ) -> None:
        now = self._now()
        await self._write(
            lambda db: db.execute(
                "INSERT INTO deliveries (user_id, kind, chat_id, format, all_sessions, "
                "created_at) VALUES (?, ?, ?, ?, ?, ?)",
                (user_id, kind, chat_id, fmt, int(all_sessions), now),
            )
        )

    async def take_deliveries(self, user_id: int) -> list[Delivery]:
        """A moderator's waiting reports and exports, removed as they are handed over."""
        rows = await self._write(
            lambda db: db.execute(
                "DELETE FROM deliveries WHERE user_id = ? "
                "RETURNING id, user_id, kind, chat_id, format, all_sessions",
                (user_id,),
            ).fetchall()
        )
        found = [Delivery(r[0], r[1], r[2], r[3], r[4], bool(r[5])) for r in rows]
        return sorted(found, key=lambda d: d.id)

    async def forget_user(self, user_id: int) -> Forgotten:
        """Delete everything stored about a person, in every chat, and nothing else."""

        def forget(db: Db) -> Forgotten:
            own_walks = "SELECT id FROM walks WHERE audience = 'private' AND user_id = ?"
            answers = _rowcount(
                db,
                f"DELETE FROM answers WHERE user_id = ? OR walk_id IN ({own_walks})",  # noqa: S608
                (user_id, user_id),
            )
            other = _rowcount(
                db,
                f"DELETE FROM posts WHERE walk_id IN ({own_walks})",  # noqa: S608
                (user_id,),
            )
            other += _rowcount(
                db,
                f"DELETE FROM private_prompts WHERE chat_id = ? OR walk_id IN ({own_walks})",  # noqa: S608
                (user_id, user_id),
            )
            walks = _rowcount(
                db, "DELETE FROM walks WHERE audience = 'private' AND user_id = ?", (user_id,)
            )
            other += _rowcount(db, "DELETE FROM deliveries WHERE user_id = ?", (user_id,))
            # A group session they started stays the group's; it no longer names them.
            other += _rowcount(
                db,
                "UPDATE walks SET user_id = NULL WHERE audience = 'group' AND user_id = ?",
                (user_id,),
            )
            other += _rowcount(
                db,
                "DELETE FROM chats WHERE id = ? AND type = 'private' "
                "AND NOT EXISTS (SELECT 1 FROM walks WHERE chat_id = chats.id)",
                (user_id,),
            )
            return Forgotten(answers=answers, walks=walks, other=other)

        gone = await self._write(forget, changes_walks=True)
        # The log (WAL) still holds the deleted rows' old pages until a checkpoint empties it.
        await self._writer.checkpoint()
        return gone

    # --- the inbox: updates stored before Telegram is told they arrived --------------------

    async def inbox_add(self, updates: Sequence[tuple[int, str]]) -> None:
        """Store fetched updates (id, raw JSON); one already stored is left as it was."""
        if not updates:
            return
        now = self._now()
        rows = [(update_id, payload, now) for update_id, payload in updates]
        await self._write(
            lambda db: db.executemany(
                "INSERT OR IGNORE INTO inbox (update_id, payload, received_at) VALUES (?, ?, ?)",
                rows,
            )
        )

    async def inbox_pending(self) -> list[tuple[int, str]]:
        """Stored updates not yet handled, oldest first."""
        rows = await self._read_all("SELECT update_id, payload FROM inbox ORDER BY update_id")
        return [(int(row[0]), str(row[1])) for row in rows]

    @contextmanager
    def handling(self, update_id: int) -> Iterator[UpdateMark]:
        """While an update is handled: its first write also marks it handled."""
        mark = UpdateMark(update_id)
        token = _HANDLING.set(mark)
        try:
            yield mark
        finally:
            _HANDLING.reset(token)

    async def inbox_done(self, update_id: int) -> None:
        """Mark a handled update done (when its handling wrote nothing)."""
        await self._write(lambda db: _forget_updates(db, [update_id]))

    async def last_handled_update(self) -> int:
        row = await self._read_one("SELECT value FROM meta WHERE key = 'last_update_id'")
        return int(row[0]) if row else 0

    async def answer_with_key(self, source_key: str) -> StoredAnswer | None:
        """The answer recorded from one Telegram message or press, if any."""
        row = await self._read_one(_ANSWER_BY_KEY, (source_key,))
        return _answer(row) if row else None

    async def rebase_walk(self, walk: Walk, position: int, lesson_version: str) -> Walk | None:
        """Move a walk onto an edited lesson: its new position and the lesson's new version."""

        def rebase(db: Db) -> Walk | None:
            row = _one(
                db,
                f"UPDATE walks SET position = ?, lesson_version = ? "  # noqa: S608
                f"WHERE id = ? AND lesson_version = ? AND status = 'active' "
                f"RETURNING {_WALK_COLUMNS}",
                (position, lesson_version, walk.id, walk.lesson_version),
            )
            return _walk(row) if row else None

        return await self._write(rebase, changes_walks=True)


# --- statements run on the writer's thread ---------------------------------------------------

# One statement: the next version number, the row, and nothing at all when this update's
# key is already stored (then the earlier answer is read back).
_INSERT_ANSWER = (
    f"INSERT INTO answers (walk_id, chat_id, user_id, display_name, username, "  # noqa: S608
    f"lesson_id, lesson_version, attempt, question_id, question_type, "
    f"option_indexes, answer_text, is_correct, stance, retracted, via, version, "
    f"answered_at, source_key) "
    f"SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
    f"COALESCE(MAX(version), 0) + 1, ?, ? FROM answers "
    f"WHERE walk_id = ? AND user_id = ? AND question_id = ? "
    f"ON CONFLICT (source_key) DO NOTHING "
    f"RETURNING {_ANSWER_COLUMNS}"
)
_WALK_IS_ACTIVE = "SELECT 1 FROM walks WHERE id = ? AND status = 'active'"
_ANSWER_BY_KEY = f"SELECT {_ANSWER_COLUMNS} FROM answers WHERE source_key = ?"  # noqa: S608
_CURRENT_ANSWER = (
    f"SELECT {_ANSWER_COLUMNS} FROM answers "  # noqa: S608
    "WHERE walk_id = ? AND user_id = ? AND question_id = ? ORDER BY version DESC LIMIT 1"
)


def _answer_params(answer: NewAnswer, now: str) -> tuple[object, ...]:
    return (
        answer.walk.id,
        answer.walk.chat_id,
        answer.respondent.user_id,
        answer.respondent.display_name,
        answer.respondent.username,
        answer.walk.lesson_id,
        answer.lesson_version or answer.walk.lesson_version,
        answer.walk.attempt,
        answer.question_id,
        answer.question_type,
        ",".join(str(i) for i in answer.option_indexes) or None,
        answer.answer_text,
        None if answer.is_correct is None else int(answer.is_correct),
        answer.stance,
        int(answer.retracted),
        answer.via,
        now,
        answer.source_key,
        answer.walk.id,
        answer.respondent.user_id,
        answer.question_id,
    )


def _answer_by_key(db: Db, source_key: str) -> StoredAnswer | None:
    row = _one(db, _ANSWER_BY_KEY, (source_key,))
    return _answer(row) if row else None


def _current_answer(db: Db, walk_id: int, user_id: int, question_id: str) -> StoredAnswer | None:
    row = _one(db, _CURRENT_ANSWER, (walk_id, user_id, question_id))
    return _answer(row) if row else None


def _upsert_chat(db: Db, chat_id: int, chat_type: str, title: str | None, now: str) -> None:
    db.execute(
        # A chat we hear from can be written to again.
        "INSERT INTO chats (id, type, title, updated_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (id) DO UPDATE SET type = excluded.type, title = excluded.title, "
        "active = 1, updated_at = excluded.updated_at",
        (chat_id, chat_type, title, now),
    )


def _move(db: Db, walk: Walk, to_position: int, ended_at: str | None) -> Walk | None:
    """Move an active walk on; ``ended_at`` given: it is finished."""
    row = _one(
        db,
        f"UPDATE walks SET position = ?, status = ?, ended_at = ? "  # noqa: S608
        f"WHERE id = ? AND position = ? AND status = 'active' RETURNING {_WALK_COLUMNS}",
        (
            to_position,
            "active" if ended_at is None else "finished",
            ended_at,
            walk.id,
            walk.position,
        ),
    )
    return _walk(row) if row else None


def _forget_updates(db: Db, update_ids: list[int]) -> None:
    """Forget handled updates, remembering the newest id handled: Telegram re-delivers
    what it was not told about, and those must not be answered twice."""
    db.executemany("DELETE FROM inbox WHERE update_id = ?", [(i,) for i in update_ids])
    db.execute(
        "INSERT INTO meta (key, value) VALUES ('last_update_id', ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value "
        "WHERE CAST(excluded.value AS INTEGER) > CAST(meta.value AS INTEGER)",
        (str(max(update_ids)),),
    )
