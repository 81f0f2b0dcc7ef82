"""``python -m bot backup``: consistent online copies, taken while the bot writes, and
refusals (missing source, the source itself as target, a damaged database)."""

from __future__ import annotations

import asyncio
import datetime as dt
import shutil
import sqlite3
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from bot.__main__ import main
from bot.backup import BackupError, BackupRefused, BackupResult, backup_database
from bot.storage import NewAnswer, Post, Respondent, Storage, StorageError, Walk
from bot.storage.schema import migrate
from tests.bot_process import bot_cli, clean_env

REPO = Path(__file__).resolve().parent.parent
FIXED = dt.datetime(2026, 11, 28, 4, 5, 6, 789000, tzinfo=dt.UTC)
STUDENT = Respondent(user_id=501, display_name="Ana Kim", username="ana")


def _schema_tables() -> int:
    """How many tables the bot's schema has (inbox, meta, chats, walks, answers, ...): all of
    them are in a backup. Counted on a fresh database, so a migration adding one needs no
    edit here."""
    with closing(sqlite3.connect(":memory:")) as db:
        migrate(db)
        (count,) = db.execute("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'").fetchone()
        return int(count)


TABLES = _schema_tables()
Rows = list[tuple[Any, ...]]


# --- helpers -------------------------------------------------------------------------------


async def start(storage: Storage) -> Walk:
    return await storage.start_walk(
        chat_id=501,
        chat_type="private",
        chat_title="Ana Kim",
        audience="private",
        user_id=501,
        lesson_id="lesson-a",
        lesson_version="v1hash",
    )


def short_answer(walk: Walk, key: str) -> NewAnswer:
    return NewAnswer(
        walk=walk,
        respondent=STUDENT,
        question_id=f"q-{key}",
        question_type="short",
        via="text",
        source_key=key,
        answer_text=f"answer «{key}» 🙂",
    )


async def fill(storage: Storage, answers: int, *, padding: int = 0) -> Walk:
    """Rows in every table: a private walk with answers, a group session with a post, an
    inbox, a delivery and a private prompt; ``padding`` inbox rows of 2 KB grow the file."""
    walk = await start(storage)
    for index in range(answers):
        await storage.record_answer(short_answer(walk, f"a{index}"))
    group = await storage.start_walk(
        chat_id=-100,
        chat_type="group",
        chat_title="Room",
        audience="group",
        user_id=7,
        lesson_id="lesson-a",
        lesson_version="v1hash",
    )
    await storage.record_part(group, 1, [Post(-100, 11, group.id, 1, "q1", "poll-1", True)])
    await storage.add_delivery(7, "export", -100, "jsonl", all_sessions=True)
    await storage.set_private_prompt(7, group.id, "q1")
    await storage.inbox_add([(9000 + i, "x" * 2000) for i in range(padding)])
    return walk


async def make_database(path: Path, answers: int = 25, *, padding: int = 0) -> Walk:
    storage = await Storage.open(path, clock=lambda: FIXED)
    try:
        return await fill(storage, answers, padding=padding)
    finally:
        await storage.close()


def connect_ro(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


def dump(path: Path) -> dict[str, Rows]:
    """Every row of every table (by rowid), the schema and the user version."""
    with closing(connect_ro(path)) as db:
        names = [
            str(row[0]) for row in db.execute("SELECT name FROM sqlite_schema WHERE type = 'table'")
        ]
        found = {
            name: db.execute(f'SELECT * FROM "{name}" ORDER BY rowid').fetchall()  # noqa: S608
            for name in names
        }
        found["(schema)"] = db.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY name"
        ).fetchall()
        found["(user_version)"] = db.execute("PRAGMA user_version").fetchall()
    return found


def answer_keys(path: Path) -> list[str]:
    with closing(connect_ro(path)) as db:
        return [str(row[0]) for row in db.execute("SELECT source_key FROM answers ORDER BY id")]


def integrity(path: Path) -> Rows:
    with closing(connect_ro(path)) as db:
        return db.execute("PRAGMA integrity_check").fetchall()


def listing(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


def damage(source: Path, copy: Path, *, page: int, data: bytes) -> None:
    """A copy of ``source`` with ``data`` written over the start of ``page`` (1-based)."""
    shutil.copyfile(source, copy)
    with copy.open("r+b") as stream:
        stream.seek((page - 1) * 4096)
        stream.write(data)


def assert_one_error_line(err: str, *fragments: str) -> None:
    assert err.count("\n") == 1 and err.startswith("error: "), err
    assert "Traceback" not in err
    for fragment in fragments:
        assert fragment in err


# --- copies --------------------------------------------------------------------------------


async def test_a_backup_equals_its_source_row_for_row_and_restores(tmp_path: Path) -> None:
    source = tmp_path / "bot.sqlite3"
    storage = await Storage.open(source, clock=lambda: FIXED)
    try:
        walk = await fill(storage, answers=25, padding=20)
        history = await storage.answer_history(walk.id)
        # Taken while the database is open, with its latest transactions still in the WAL.
        out = tmp_path / "backups" / "copy.sqlite3"
        out.parent.mkdir()
        result = await asyncio.to_thread(backup_database, source, out)
    finally:
        await storage.close()

    assert result == BackupResult(out, out.stat().st_size, TABLES, 25)
    assert dump(out) == dump(source)
    assert len(dump(out)["answers"]) == 25 and len(dump(out)["inbox"]) == 20
    assert integrity(out) == [("ok",)]
    # One self-contained private file: no journal mode that needs side files, nothing else.
    with closing(connect_ro(out)) as db:
        assert db.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    assert listing(out.parent) == ["copy.sqlite3"]
    assert out.stat().st_mode & 0o777 == 0o600
    assert "bot.sqlite3.lock" not in listing(tmp_path)  # a backup never takes the bot's lock
    assert "25 answers" in result.summary() and str(out) in result.summary()

    restored = await Storage.open(out, clock=lambda: FIXED)
    try:
        assert await restored.answer_history(walk.id) == history
    finally:
        await restored.close()


async def test_a_backup_replaces_an_older_backup_at_path(tmp_path: Path) -> None:
    source, out = tmp_path / "bot.sqlite3", tmp_path / "copy.sqlite3"
    await make_database(source, answers=3)
    out.write_bytes(b"last week's backup")
    assert backup_database(source, out).answers == 3
    assert dump(out) == dump(source)


def test_a_backup_does_not_wait_for_an_open_write_transaction(tmp_path: Path) -> None:
    source = tmp_path / "bot.sqlite3"
    walk = asyncio.run(make_database(source, answers=4))
    with closing(sqlite3.connect(source, isolation_level=None)) as writer:
        writer.execute("BEGIN IMMEDIATE")
        for index in range(5):
            insert_answer(writer, walk.id, f"pending-{index}")
        began = time.monotonic()
        during = backup_database(source, tmp_path / "during.sqlite3")
        took = time.monotonic() - began
        writer.execute("COMMIT")
    assert took < 2.0  # far below the 5 s busy timeout: a reader does not wait for a writer
    assert during.answers == 4 and integrity(tmp_path / "during.sqlite3") == [("ok",)]
    assert not any(key.startswith("pending") for key in answer_keys(tmp_path / "during.sqlite3"))
    after = backup_database(source, tmp_path / "after.sqlite3")
    assert after.answers == 9
    assert dump(tmp_path / "after.sqlite3") == dump(source)


def insert_answer(db: sqlite3.Connection, walk_id: int, key: str) -> None:
    db.execute(
        "INSERT INTO answers (walk_id, chat_id, user_id, display_name, lesson_id, "
        "lesson_version, attempt, question_id, question_type, answer_text, via, version, "
        "answered_at, source_key) VALUES (?, 501, 501, 'Ana', 'lesson-a', 'v1hash', 1, ?, "
        "'short', ?, 'text', 1, '2026-11-28T04:05:06.789Z', ?)",
        (walk_id, f"q-{key}", key * 20, key),
    )


class Writer(threading.Thread):
    """Commits transactions of ``PER_COMMIT`` answers each, as fast as it can, until stopped."""

    PER_COMMIT = 3

    def __init__(self, path: Path, walk_id: int) -> None:
        super().__init__(daemon=True)
        self.path = path
        self.walk_id = walk_id
        self.committed = 0  # transactions committed so far
        self.committing = 0  # ... and the one being committed right now
        self.stop = threading.Event()
        self.error: BaseException | None = None

    @classmethod
    def keys(cls, transactions: int) -> list[str]:
        return [f"t{t}-{i}" for t in range(transactions) for i in range(cls.PER_COMMIT)]

    def run(self) -> None:
        try:
            with closing(sqlite3.connect(self.path, isolation_level=None, timeout=5)) as db:
                while not self.stop.is_set():
                    db.execute("BEGIN IMMEDIATE")
                    for key in self.keys(self.committed + 1)[-self.PER_COMMIT :]:
                        insert_answer(db, self.walk_id, key)
                        time.sleep(0.0005)  # a transaction that takes a while to write
                    self.committing = self.committed + 1
                    db.execute("COMMIT")
                    self.committed += 1
        except BaseException as error:  # noqa: BLE001 - reported by the test
            self.error = error


def test_backups_during_continuous_writes_are_consistent_prefixes(tmp_path: Path) -> None:
    source = tmp_path / "bot.sqlite3"
    walk = asyncio.run(make_database(source, answers=0, padding=1500))  # about 3 MB
    writer = Writer(source, walk.id)
    writer.start()
    overlapped = 0
    try:
        while writer.committed < 3:
            time.sleep(0.005)
        for round_ in range(4):
            out = tmp_path / f"copy-{round_}.sqlite3"
            before = writer.committed
            # Small steps with pauses: the copy takes many steps while the writer commits.
            # (A copy that restarted whenever the source changed would never finish here.)
            with ThreadPoolExecutor(1) as pool:
                copying = pool.submit(backup_database, source, out, pages=16, pause=0.002)
                try:
                    result = copying.result(timeout=20)
                except TimeoutError:
                    writer.stop.set()  # lets the stuck copy end, so that the test fails
                    raise
            after = writer.committing
            overlapped += after > before
            keys = answer_keys(out)
            assert result.answers == len(keys)
            assert len(keys) % Writer.PER_COMMIT == 0  # no half-written transaction
            transactions = len(keys) // Writer.PER_COMMIT
            assert keys == Writer.keys(transactions)  # exactly a prefix of what was written
            assert before <= transactions <= after
            assert integrity(out) == [("ok",)]
    finally:
        writer.stop.set()
        writer.join(10)
    assert writer.error is None
    assert overlapped >= 1, "the writer never committed while a backup ran"


async def test_a_backup_while_the_bot_holds_its_database_and_writes(tmp_path: Path) -> None:
    source = tmp_path / "data" / "bot.sqlite3"
    storage = await Storage.open(source, clock=lambda: FIXED, exclusive=True)
    try:
        walk = await fill(storage, answers=10, padding=200)

        async def keep_answering() -> int:
            for index in range(30):
                await storage.record_answer(short_answer(walk, f"live-{index}"))
                await asyncio.sleep(0.001)
            return 30

        written, result = await asyncio.gather(
            keep_answering(),
            asyncio.to_thread(backup_database, source, tmp_path / "copy.sqlite3", pages=8),
        )
        assert written == 30 and result.answers is not None and 10 <= result.answers <= 40
        assert integrity(tmp_path / "copy.sqlite3") == [("ok",)]

        # The command line, as an operator runs it beside the bot (no Telegram settings).
        code, out, err = await bot_cli(
            "backup", "--db", str(source), "nightly.sqlite3", cwd=tmp_path
        )
        assert (code, err) == (0, "")
        assert out.count("\n") == 1
        assert "nightly.sqlite3" in out and f"{TABLES} tables" in out and "40 answers" in out

        # The bot still holds its lock and goes on writing.
        with pytest.raises(StorageError, match="another bot instance"):
            await Storage.open(source, exclusive=True)
        await storage.record_answer(short_answer(walk, "after-backup"))
    finally:
        await storage.close()
    assert len(dump(tmp_path / "nightly.sqlite3")["answers"]) == 40
    assert len(dump(source)["answers"]) == 41


# --- refusals and the command line ---------------------------------------------------------


async def test_a_missing_source_is_an_error_and_is_never_created(tmp_path: Path) -> None:
    missing = tmp_path / "data" / "bot.sqlite3"
    code, out, err = await bot_cli("backup", "--db", str(missing), "copy.sqlite3", cwd=tmp_path)
    assert (code, out) == (1, "")
    assert_one_error_line(err, "no database at", str(missing))
    assert listing(tmp_path) == []  # no folder, no database, no temporary file
    with pytest.raises(BackupError, match="no database at"):
        backup_database(tmp_path / "nothing.sqlite3", tmp_path / "copy.sqlite3")


async def test_the_source_itself_is_refused_as_the_target(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    source = folder / "bot.sqlite3"
    await make_database(source, answers=2)
    before = source.read_bytes()
    (tmp_path / "link.sqlite3").symlink_to(source)
    (tmp_path / "hard.sqlite3").hardlink_to(source)
    for target in (
        source,
        folder / ".." / "data" / "bot.sqlite3",
        tmp_path / "link.sqlite3",
        tmp_path / "hard.sqlite3",
        Path(f"{source}-wal"),
        Path(f"{source}.lock"),
    ):
        with pytest.raises(BackupRefused, match="onto itself"):
            backup_database(source, target)
    code, out, err = await bot_cli("backup", "--db", "data/bot.sqlite3", str(source), cwd=tmp_path)
    assert (code, out) == (2, "")
    assert_one_error_line(err, "refusing to back up")
    assert source.read_bytes() == before
    assert listing(folder) == ["bot.sqlite3"]


async def test_the_command_line_defaults_to_bot_db_path_and_reports_mistakes(
    tmp_path: Path,
) -> None:
    source = tmp_path / "bot.sqlite3"
    await make_database(source, answers=7)
    env = clean_env(PYTHONPATH=str(REPO), BOT_DB_PATH=str(source))
    (tmp_path / "a-folder").mkdir()
    runs = await asyncio.gather(
        bot_cli("backup", "copy.sqlite3", cwd=tmp_path, env=env),
        bot_cli("backup", "no/such/folder/copy.sqlite3", cwd=tmp_path, env=env),
        bot_cli("backup", "a-folder", cwd=tmp_path, env=env),
        bot_cli("backup", cwd=tmp_path, env=env),
    )
    (ok, ok_out, ok_err), (no_dir, _, no_dir_err), (is_dir, _, is_dir_err), usage = runs
    assert (ok, ok_err) == (0, "")
    assert ok_out == (
        f"backed up to copy.sqlite3: {(tmp_path / 'copy.sqlite3').stat().st_size} bytes, "
        f"{TABLES} tables, 7 answers; integrity check ok\n"
    )
    assert no_dir == 1
    assert_one_error_line(no_dir_err, "cannot write the backup", "is missing")
    assert is_dir == 1
    assert_one_error_line(is_dir_err, "it is a folder")
    assert usage[0] == 2 and "PATH" in usage[2] and "Traceback" not in usage[2]
    assert [name for name in listing(tmp_path) if not name.startswith("bot.")] == [
        "a-folder",
        "copy.sqlite3",
    ]
    assert listing(tmp_path / "a-folder") == []


# --- damaged databases ---------------------------------------------------------------------


DAMAGES = {
    # where: (the page, counted from 1, or None for a page in the middle of the answers
    # table; what is written over it)
    "middle page": (None, b"\xa5" * 4096),
    "page 4 header": (4, b"\x07" * 200),
    "page 3 start": (3, bytes(64)),
}


async def damaged_copy(tmp_path: Path, where: str) -> Path:
    """A copy of a closed bot database with some bytes of one page overwritten."""
    source = tmp_path / "good.sqlite3"
    await make_database(source, answers=60, padding=60)
    pages = source.stat().st_size // 4096
    assert pages > 20
    page, data = DAMAGES[where]
    copy = tmp_path / "damaged.sqlite3"
    damage(source, copy, page=page or _middle_answers_page(source), data=data)
    return copy


def _middle_answers_page(path: Path) -> int:
    """A leaf page of the answers in the middle of them (the middle of the file may hold the
    schema's second page, whose damage makes the file unreadable rather than a failed check,
    as it did once the dashboard's tables were added)."""
    connection = sqlite3.connect(path)
    try:
        found = connection.execute(
            "SELECT pageno FROM dbstat WHERE name = 'answers' AND pagetype = 'leaf' ORDER BY pageno"
        ).fetchall()
    finally:
        connection.close()
    return int(found[len(found) // 2][0])


@pytest.mark.parametrize("where", list(DAMAGES))
async def test_a_damaged_database_is_not_backed_up(
    tmp_path: Path, where: str, capsys: pytest.CaptureFixture[str]
) -> None:
    damaged = await damaged_copy(tmp_path, where)
    out = tmp_path / "copy.sqlite3"
    out.write_bytes(b"the previous good backup")
    with pytest.raises(BackupError, match="integrity check"):
        backup_database(damaged, out)
    assert out.read_bytes() == b"the previous good backup"
    assert not [name for name in listing(tmp_path) if name.endswith(".part")]
    assert main(["backup", "--db", str(damaged), str(out)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert_one_error_line(captured.err, "failed its integrity check", str(damaged))


@pytest.mark.parametrize("where", list(DAMAGES))
async def test_storage_refuses_to_open_a_database_with_damaged_pages(
    tmp_path: Path, where: str
) -> None:
    damaged = await damaged_copy(tmp_path, where)
    for _ in range(2):  # refused each time: a refusal releases the instance lock
        with pytest.raises(StorageError, match=r"integrity check|malformed") as refused:
            await Storage.open(damaged, exclusive=True)
        assert "another bot instance" not in str(refused.value)
