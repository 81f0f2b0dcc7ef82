"""An export asked for something the database does not have says so: ``python -m bot export``
with a ``--chat``, ``--session``, ``--lesson`` or ``--assignment`` naming nothing there (with
``--lookups`` too) writes nothing, not a header-only file, and says on stderr, in one line,
what was not found and where the right one is listed; exit status 2. An id that is there but
has no answers yet still exports its header, with exit status 0."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.export import COLUMNS
from bot.storage import NewAnswer, Respondent, Storage
from bot.storage.exports import LOOKUP_COLUMNS, SALT_KEY
from tests.actors import SMALL_LESSON, write_lesson

GROUP = -1001
ANA = Respondent(501, "Ana Kim", "ana")
HEADER = ("\ufeff" + ",".join(COLUMNS) + "\r\n").encode()
LOOKUPS_HEADER = ("\ufeff" + ",".join(LOOKUP_COLUMNS) + "\r\n").encode()
SESSIONS = "`python -m bot sessions` lists"
# Every test here runs without this machine's settings (tests/conftest.py).
pytestmark = pytest.mark.usefixtures("clean_env")


@pytest.fixture
async def db(tmp_path: Path) -> Path:
    """A group (-1001) with one session (1) of the lesson ``mini``, one answer in it, and a
    homework (1) nobody has started; the lesson file is in ``prompts``."""
    write_lesson(tmp_path, SMALL_LESSON)
    path = tmp_path / "bot.sqlite3"
    storage = await Storage.open(path)
    try:
        walk = await storage.start_walk(
            chat_id=GROUP,
            chat_type="supergroup",
            chat_title="Reading Circle",
            audience="group",
            user_id=None,
            lesson_id="mini",
            lesson_version="v1",
        )
        await storage.record_answer(
            NewAnswer(
                walk=walk,
                respondent=ANA,
                question_id="pick-one",
                question_type="choice",
                via="button",
                source_key="test:1",
                option_indexes=(0,),
                is_correct=True,
            )
        )
        await storage.create_assignment(
            chat_id=GROUP,
            chat_type="supergroup",
            chat_title="Reading Circle",
            lesson_id="mini",
            deadline="2030-01-01T00:00:00.000Z",
            late=False,
            created_by=ANA.user_id,
            created_by_name=ANA.display_name,
        )
    finally:
        await storage.close()
    return path


def export(capsys: pytest.CaptureFixture[str], db: Path, *args: str) -> tuple[int, bytes, str]:
    """Run ``python -m bot export`` in this process; (status, stdout's bytes, stderr)."""
    code = main(["export", "--db", str(db), "--prompts", str(db.parent / "prompts"), *args])
    out = capsys.readouterr()
    return code, out.out.encode("utf-8"), out.err


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (
            ["--assignment", "999"],
            f"no homework 999 in this database: {SESSIONS} every homework with its number "
            "(so does the group's /report)",
        ),
        (
            ["--chat", "-1009"],
            f"no chat -1009 in this database: {SESSIONS} the chats with their ids",
        ),
        (
            ["--session", "99"],
            f"no session 99 in this database: {SESSIONS} the sessions with their ids",
        ),
        (
            ["--lesson", "mimi"],
            "no lesson 'mimi' in this database or the lesson files at {prompts}: "
            f"{SESSIONS} the lessons of the sessions, and a lesson file names its own (`id:`)",
        ),
        # One unknown id among known ones is enough.
        (
            ["--chat", str(GROUP), "--assignment", "2"],
            f"no homework 2 in this database: {SESSIONS} every homework with its number "
            "(so does the group's /report)",
        ),
    ],
)
@pytest.mark.parametrize("fmt", ["csv", "jsonl", "xlsx"])
def test_an_id_naming_nothing_is_refused_and_nothing_is_written(
    capsys: pytest.CaptureFixture[str], db: Path, args: list[str], error: str, fmt: str
) -> None:
    prompts = db.parent / "prompts"
    if fmt != "xlsx":  # (a workbook is not sent to capsys's text stdout, even by mistake)
        code, out, err = export(capsys, db, *args, "--format", fmt)
        assert (code, out) == (2, b"")
        assert err == f"error: {error.format(prompts=prompts)}\n"
    target = db.parent / f"export.{fmt}"
    code, out, err = export(capsys, db, *args, "--format", fmt, "--out", str(target))
    assert (code, out) == (2, b"")
    assert err == f"error: {error.format(prompts=prompts)}\n"
    assert not target.exists()  # no file, not even a partial one
    assert not any(path.name.endswith(".part") for path in db.parent.iterdir())


@pytest.mark.parametrize(
    ("args", "missing"),
    [
        (["--assignment", "999"], "no homework 999 in this database"),
        (["--chat", "-1009"], "no chat -1009 in this database"),
        (["--lesson", "mimi"], "no lesson 'mimi' in this database or the lesson files at"),
    ],
)
def test_lookups_asked_of_an_id_naming_nothing_are_refused(
    capsys: pytest.CaptureFixture[str], db: Path, args: list[str], missing: str
) -> None:
    for fmt in ("csv", "jsonl"):
        code, out, err = export(capsys, db, "--lookups", *args, "--format", fmt)
        assert (code, out) == (2, b""), fmt
        assert err.startswith(f"error: {missing}") and err.count("\n") == 1, err
        assert f": {SESSIONS} " in err


def test_a_pseudonymised_export_of_nothing_stores_no_salt(
    capsys: pytest.CaptureFixture[str], db: Path
) -> None:
    """The refusal comes before the one write an export may make (the pseudonym salt)."""
    code, out, _ = export(capsys, db, "--assignment", "999", "--pseudonymize")
    assert (code, out) == (2, b"")
    assert salts(db) == []
    code, out, err = export(capsys, db, "--pseudonymize", "--assignment", "1")
    assert (code, out, err) == (0, HEADER, "")
    assert len(salts(db)) == 1  # a real export makes it


def salts(db: Path) -> list[tuple[str]]:
    with closing(sqlite3.connect(db)) as connection:
        return connection.execute("SELECT value FROM meta WHERE key = ?", (SALT_KEY,)).fetchall()


def test_an_id_that_is_there_without_answers_is_a_header_only_export(
    capsys: pytest.CaptureFixture[str], db: Path
) -> None:
    """Homework 1 nobody started, the lesson ``mini`` (in the lesson files) asked with a
    time window before any answer, the session and the group after it: each is there, so
    the export is its header and exit status 0, as before."""
    for args in (
        ["--assignment", "1"],
        ["--lesson", "mini", "--until", "2000-01-01"],
        ["--session", "1", "--since", "2100-01-01"],
        ["--chat", str(GROUP), "--since", "2100-01-01"],
    ):
        code, out, err = export(capsys, db, *args)
        assert (code, out, err) == (0, HEADER, ""), args
    code, out, err = export(capsys, db, "--lookups", "--chat", str(GROUP), "--assignment", "1")
    assert (code, out, err) == (0, LOOKUPS_HEADER, "")
    # And what is there with answers is exported as ever.
    code, out, err = export(capsys, db, "--session", "1")
    assert (code, err) == (0, "") and out.startswith(HEADER) and b"pick-one" in out


def test_a_lesson_only_in_the_lesson_files_is_there(
    capsys: pytest.CaptureFixture[str], db: Path
) -> None:
    """A lesson nobody has walked yet but whose file is in --prompts is no mistake."""
    write_lesson(db.parent, SMALL_LESSON.replace("id: mini", "id: unwalked"))
    code, out, err = export(capsys, db, "--lesson", "unwalked")
    assert (code, out, err) == (0, HEADER, "")
