"""The response-log export: golden CSV and JSON Lines bytes, every CLI option and error.

The database is a real SQLite file made by ``Storage.open`` and filled through
``Storage.start_walk``/``record_answer`` with a stepping clock, so every value (ids, times,
versions) is fixed. Regenerate the golden files after an intended change with
``UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_export.py`` and read the diff.
"""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import hashlib
import io
import json
import os
import sqlite3
import sys
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.export import (
    COLUMNS,
    ExportRow,
    LessonIndex,
    Pseudonymizer,
    csv_cells,
    csv_field,
    csv_lines,
    export_rows,
    write_answers,
    write_export,
)
from bot.export_cli import UsageError, _moment, sessions_table, time_window
from bot.lessons import Lesson
from bot.lessons.load import load_lessons
from bot.storage import NewAnswer, Respondent, Storage, Walk
from bot.storage.exports import (
    SALT_KEY,
    AnswerFilter,
    ExportSourceError,
    iter_answers,
    list_sessions,
    open_readonly,
)
from tests.conftest import PROMPTS, REPO

GOLDEN = Path(__file__).resolve().parent / "golden"

LESSON_YAML = """\
id: golden-lesson
title: A lesson for the export tests
source:
  publisher: The Test Times
  date: 2026-11-01
sections:
  - title: One
    text: The first part.
    questions:
      - id: pick-one
        type: choice
        prompt: "Which one, if any?"
        options: ["Alpha, first", "Beta \\"quoted\\"", "Gamma"]
        answer: "Alpha, first"
      - id: pick-many
        type: choice
        prompt: "Which are right?"
        options: ["A", "B", "C"]
        answer: ["A", "C"]
  - title: Two
    text: The second part.
    questions:
      - id: explain
        type: short
        prompt: "Explain it in one line."
discussion:
  - id: agree
    type: debate
    prompt: "Do you agree?"
"""

ANA = Respondent(501, "Ana Kim", "ana")
MINSU = Respondent(502, "김민수", None)
FATIMA = Respondent(503, "فاطمة الزهراء", "fatima")
ZOE = Respondent(504, "Zoë 🦊", "zoe_fox")
FORMULA = Respondent(505, "=1+2", None)  # a display name a spreadsheet would run
NAMES = (ANA, MINSU, FATIMA, ZOE, FORMULA)


class SteppingClock:
    """Each call is one second after the last; ``jump`` moves to another day."""

    def __init__(self, start: dt.datetime) -> None:
        self.moment = start

    def __call__(self) -> dt.datetime:
        current = self.moment
        self.moment += dt.timedelta(seconds=1, milliseconds=1)
        return current

    def jump(self, moment: dt.datetime) -> None:
        self.moment = moment


@dataclass(frozen=True)
class Golden:
    db: Path
    prompts: Path
    lesson: Lesson


def day(number: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(2026, 11, number, hour, 0, 0, 123000, tzinfo=dt.UTC)


class Recorder:
    def __init__(self, storage: Storage) -> None:
        self.storage = storage
        self.keys = 0

    async def __call__(
        self,
        walk: Walk,
        who: Respondent,
        question_id: str,
        question_type: str,
        via: str,
        **fields: object,
    ) -> None:
        self.keys += 1
        await self.storage.record_answer(
            NewAnswer(
                walk=walk,
                respondent=who,
                question_id=question_id,
                question_type=question_type,  # type: ignore[arg-type]
                via=via,  # type: ignore[arg-type]
                source_key=f"test:{self.keys}",
                **fields,  # type: ignore[arg-type]
            )
        )


async def build_database(path: Path, lesson: Lesson) -> None:
    """Four sessions: a group session, a private attempt, a group session on a lesson that no
    longer exists, and one on an edited version of the lesson."""
    clock = SteppingClock(day(1))
    storage = await Storage.open(path, clock=clock)
    record = Recorder(storage)
    try:
        group = await storage.start_walk(
            chat_id=-1001,
            chat_type="supergroup",
            chat_title="Reading Circle 読書会, Tue",
            audience="group",
            user_id=None,
            lesson_id=lesson.id,
            lesson_version=lesson.version,
        )
        await record(group, ANA, "pick-one", "choice", "poll", option_indexes=(0,), is_correct=True)
        await record(
            group,
            MINSU,
            "pick-one",
            "choice",
            "button",
            option_indexes=(1,),
            answer_text='Beta "quoted"',
            is_correct=False,
        )
        await record(group, ANA, "explain", "short", "reply", answer_text="=SUM(A1)")
        await record(group, ANA, "explain", "short", "reply", answer_text="+1")
        await record(group, MINSU, "explain", "short", "reply", answer_text="-2")
        await record(group, FATIMA, "explain", "short", "reply", answer_text="@x")
        await record(group, ZOE, "explain", "short", "reply", answer_text="\tleading tab")
        await record(
            group,
            FORMULA,
            "explain",
            "short",
            "text",
            answer_text='Line one\nLine two, with "quotes"',
        )
        await record(
            group,
            ZOE,
            "pick-many",
            "choice",
            "button",
            option_indexes=(0, 2),
            answer_text="A | C",
            is_correct=True,
        )
        await record(group, ANA, "pick-one", "choice", "poll", retracted=True)
        await record(group, ANA, "agree", "debate", "button", stance="Agree")
        await record(
            group, ANA, "agree", "debate", "reply", stance="Agree", answer_text="Because 👍, yes"
        )
        await record(group, FATIMA, "agree", "debate", "button", stance="Not sure")

        clock.jump(day(2))
        private = await storage.start_walk(
            chat_id=ANA.user_id,
            chat_type="private",
            chat_title=ANA.display_name,
            audience="private",
            user_id=ANA.user_id,
            lesson_id=lesson.id,
            lesson_version=lesson.version,
        )
        await record(
            private,
            ANA,
            "pick-one",
            "choice",
            "button",
            option_indexes=(2,),
            answer_text="Gamma",
            is_correct=False,
        )
        await record(private, ANA, "explain", "short", "private", answer_text="مرحبا، 안녕 👋")

        clock.jump(day(3))
        gone = await storage.start_walk(
            chat_id=-1002,
            chat_type="group",
            chat_title="Old class",
            audience="group",
            user_id=None,
            lesson_id="gone-lesson",
            lesson_version="abc123",
        )
        await record(gone, MINSU, "old-short", "short", "reply", answer_text="still here")
        await record(gone, MINSU, "old-choice", "choice", "poll", option_indexes=(1,))

        edited = await storage.start_walk(
            chat_id=-1001,
            chat_type="supergroup",
            chat_title="Reading Circle 読書会, Tue",
            audience="group",
            user_id=None,
            lesson_id=lesson.id,
            lesson_version="0ld-version",
        )
        await record(edited, ZOE, "removed-q", "short", "reply", answer_text="orphan answer")
        await record(
            edited, ZOE, "pick-one", "choice", "poll", option_indexes=(2,), is_correct=False
        )
    finally:
        await storage.close()


@pytest.fixture
async def golden(tmp_path: Path) -> Golden:
    prompts = tmp_path / "prompts"
    prompts.mkdir()
    (prompts / "golden-lesson.yaml").write_text(LESSON_YAML, encoding="utf-8")
    catalog, problems = load_lessons([prompts])
    assert problems == []
    lesson = catalog.get("golden-lesson")
    assert lesson is not None
    db = tmp_path / "data" / "bot.sqlite3"
    await build_database(db, lesson)
    return Golden(db, prompts, lesson)


def export(
    capsys: pytest.CaptureFixture[str], golden: Golden, *args: str
) -> tuple[int, bytes, str]:
    """Run ``python -m bot export`` in this process; returns (status, stdout bytes, stderr)."""
    code = main(["export", "--db", str(golden.db), "--prompts", str(golden.prompts), *args])
    out = capsys.readouterr()
    # The export writes to sys.stdout.buffer; capsys's stream keeps those bytes.
    return code, out.out.encode("utf-8"), out.err


def check_golden(name: str, data: bytes) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(data)
    assert data == path.read_bytes(), f"{name} differs from the golden file"


def parse_csv(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def parse_jsonl(data: bytes) -> list[dict[str, object]]:
    return [json.loads(line) for line in data.decode("utf-8").splitlines()]


# --- golden files ------------------------------------------------------------------------


@pytest.mark.usefixtures("clean_env")
@pytest.mark.parametrize(
    ("fmt", "history", "name"),
    [
        ("csv", False, "current.csv"),
        ("jsonl", False, "current.jsonl"),
        ("csv", True, "history.csv"),
        ("jsonl", True, "history.jsonl"),
    ],
)
async def test_golden_exports(
    golden: Golden, capsys: pytest.CaptureFixture[str], fmt: str, history: bool, name: str
) -> None:
    args = ["--format", fmt] + (["--history"] if history else [])
    code, out, err = export(capsys, golden, *args)
    assert (code, err) == (0, "")
    check_golden(name, out)


@pytest.mark.usefixtures("clean_env")
async def test_golden_pseudonymized(golden: Golden, capsys: pytest.CaptureFixture[str]) -> None:
    with sqlite3.connect(golden.db) as raw:
        raw.execute("INSERT INTO meta (key, value) VALUES (?, 'golden-salt')", (SALT_KEY,))
    raw.close()
    code, out, err = export(capsys, golden, "--pseudonymize", "--history")
    assert (code, err) == (0, "")
    check_golden("pseudonymized.csv", out)


@pytest.mark.usefixtures("clean_env")
async def test_csv_shape_for_spreadsheets(
    golden: Golden, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out, _ = export(capsys, golden, "--history")
    assert out.startswith(b"\xef\xbb\xbf" + ",".join(COLUMNS).encode() + b"\r\n")
    # Every record ends in CRLF; the only bare LF is inside the quoted multi-line answer.
    assert out.endswith(b"\r\n")
    assert out.replace(b"\r\n", b"").count(b"\n") == 1
    rows = parse_csv(out)
    assert len(rows) == 19
    by_answer = {row["answer"]: row for row in rows}
    for formula in ("=SUM(A1)", "+1", "-2", "@x", "\tleading tab"):
        assert f"'{formula}" in by_answer, formula
    assert 'Line one\nLine two, with "quotes"' in by_answer
    assert {row["display_name"] for row in rows} >= {"김민수", "فاطمة الزهراء", "Zoë 🦊", "'=1+2"}
    many = by_answer["A | C"]
    assert (many["option_indexes"], many["correct"], many["section"]) == ("0,2", "true", "1")
    retracted = [row for row in rows if row["retracted"] == "true"]
    assert len(retracted) == 1
    assert retracted[0]["answer"] == retracted[0]["option_indexes"] == retracted[0]["correct"] == ""
    # A poll vote stored without text gets its option's text from the same lesson version...
    assert rows[0]["answer"] == "Alpha, first" and rows[0]["correct"] == "true"
    # ...but not from an edited lesson, whose options may have moved.
    edited = [row for row in rows if row["lesson_version"] == "0ld-version"]
    assert [(r["question_id"], r["section"], r["answer"]) for r in edited] == [
        ("pick-one", "1", ""),
        ("removed-q", "", "orphan answer"),
    ]
    assert edited[0]["question_text"] == "Which one, if any?"
    assert edited[1]["question_text"] == ""


@pytest.mark.usefixtures("clean_env")
async def test_jsonl_is_lossless(golden: Golden, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = export(capsys, golden, "--format", "jsonl", "--history")
    assert "김민수".encode() in out  # not \\u escapes
    rows = parse_jsonl(out)
    assert all(list(row) == list(COLUMNS) for row in rows)
    first = rows[0]
    assert first["session_id"] == 1 and first["chat_id"] == -1001
    assert first["user_id"] == 501 and first["version"] == 1
    assert first["option_indexes"] == [0] and first["correct"] is True
    assert first["retracted"] is False and first["section"] == 1
    retracted = rows[1]
    assert retracted["retracted"] is True and retracted["option_indexes"] == []
    assert retracted["answer"] is None and retracted["correct"] is None
    assert {row["section"] for row in rows} == {1, 2, "discussion", None}
    many = next(row for row in rows if row["question_id"] == "pick-many")
    assert many["option_indexes"] == [0, 2]
    assert next(row["answer"] for row in rows if row["user_id"] == 505) == (
        'Line one\nLine two, with "quotes"'
    )


@pytest.mark.usefixtures("clean_env")
async def test_rows_follow_session_lesson_order_member_version(
    golden: Golden, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out, _ = export(capsys, golden, "--format", "jsonl", "--history")
    keys = [
        (row["session_id"], row["question_id"], row["user_id"], row["version"])
        for row in parse_jsonl(out)
    ]
    assert keys == [
        (1, "pick-one", 501, 1),
        (1, "pick-one", 501, 2),
        (1, "pick-one", 502, 1),
        (1, "pick-many", 504, 1),
        (1, "explain", 501, 1),
        (1, "explain", 501, 2),
        (1, "explain", 502, 1),
        (1, "explain", 503, 1),
        (1, "explain", 504, 1),
        (1, "explain", 505, 1),
        (1, "agree", 501, 1),
        (1, "agree", 501, 2),
        (1, "agree", 503, 1),
        (2, "pick-one", 501, 1),
        (2, "explain", 501, 1),
        # a lesson that is gone: its questions by id
        (3, "old-choice", 502, 1),
        (3, "old-short", 502, 1),
        # an edited lesson: the known question first, the removed one after it
        (4, "pick-one", 504, 1),
        (4, "removed-q", 504, 1),
    ]


@pytest.mark.usefixtures("clean_env")
async def test_current_is_the_newest_version(
    golden: Golden, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out, _ = export(capsys, golden, "--format", "jsonl")
    rows = parse_jsonl(out)
    assert len(rows) == 16
    assert len({(r["session_id"], r["user_id"], r["question_id"]) for r in rows}) == 16
    ana = {r["question_id"]: r for r in rows if r["session_id"] == 1 and r["user_id"] == 501}
    assert ana["explain"]["answer"] == "+1" and ana["explain"]["version"] == 2
    assert ana["pick-one"]["retracted"] is True
    assert ana["agree"]["answer"] == "Because 👍, yes" and ana["agree"]["stance"] == "Agree"


# --- options -----------------------------------------------------------------------------


def sessions_of(data: bytes) -> list[object]:
    return [row["session_id"] for row in parse_jsonl(data)]


@pytest.mark.usefixtures("clean_env")
async def test_filters(golden: Golden, capsys: pytest.CaptureFixture[str]) -> None:
    def ids(*args: str) -> list[object]:
        code, out, err = export(capsys, golden, "--format", "jsonl", *args)
        assert (code, err) == (0, "")
        return sorted(set(sessions_of(out)), key=str)

    assert ids() == [1, 2, 3, 4]
    assert ids("--chat", "-1001") == [1, 4]
    assert ids("--chat=501") == [2]
    assert ids("--session", "3") == [3]
    assert ids("--lesson", "gone-lesson") == [3]
    assert ids("--lesson", "golden-lesson", "--chat", "-1001") == [1, 4]
    assert ids("--since", "2026-11-02") == [2, 3, 4]
    assert ids("--until", "2026-11-02") == [1, 2]
    assert ids("--since", "2026-11-02", "--until", "2026-11-02") == [2]
    assert ids("--since", "2026-11-01T09:00:05", "--until", "2026-11-01T09:00:07.130Z") == [1]


@pytest.mark.usefixtures("clean_env")
async def test_time_window_without_history_is_the_state_at_until(
    golden: Golden, capsys: pytest.CaptureFixture[str]
) -> None:
    # Ana's explain v1 (=SUM(A1)) is at 09:00:03.126Z, v2 (+1) at 09:00:04.127Z.
    _, out, _ = export(capsys, golden, "--format", "jsonl", "--until", "2026-11-01T09:00:03.126Z")
    explain = [r for r in parse_jsonl(out) if r["question_id"] == "explain"]
    assert [(r["user_id"], r["answer"], r["version"]) for r in explain] == [(501, "=SUM(A1)", 1)]
    _, out, _ = export(capsys, golden, "--format", "jsonl", "--since", "2026-11-01T09:00:04")
    explain = [r for r in parse_jsonl(out) if r["question_id"] == "explain" and r["user_id"] == 501]
    assert [(r["session_id"], r["version"]) for r in explain] == [(1, 2), (2, 1)]


def partial_files(folder: Path) -> list[Path]:
    return [path for path in folder.iterdir() if path.name.endswith(".part")]


@pytest.mark.usefixtures("clean_env")
async def test_out_writes_a_file_and_nothing_to_stdout(
    golden: Golden, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "export.csv"
    code, out, err = export(capsys, golden, "--out", str(target))
    assert (code, out) == (0, b"")
    assert err == f"wrote 16 rows to {target}\n"
    assert target.read_bytes() == (GOLDEN / "current.csv").read_bytes()
    assert partial_files(tmp_path) == []
    # Overwrites an existing file.
    code, _, err = export(capsys, golden, "--out", str(target), "--session", "2")
    assert code == 0 and err == f"wrote 2 rows to {target}\n"
    assert len(parse_csv(target.read_bytes())) == 2


@pytest.mark.usefixtures("clean_env")
async def test_defaults_come_from_the_settings(
    golden: Golden, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BOT_DB_PATH", str(golden.db))
    monkeypatch.setenv("BOT_PROMPTS_DIR", str(golden.prompts))
    assert main(["export"]) == 0
    out = capsys.readouterr()
    assert (out.out.encode(), out.err) == ((GOLDEN / "current.csv").read_bytes(), "")


@pytest.mark.usefixtures("clean_env")
async def test_missing_lessons_leave_text_empty_with_a_warning(
    golden: Golden, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code = main(["export", "--db", str(golden.db), "--prompts", str(tmp_path / "none")])
    out = capsys.readouterr()
    assert code == 0
    assert out.err.startswith("warning: 1 problem(s) in the lessons at ")
    rows = parse_csv(out.out.encode())
    assert len(rows) == 16
    assert {(row["section"], row["question_text"]) for row in rows} == {("", "")}
    # With no lesson, questions come by id: agree, explain, pick-many, pick-one.
    assert [row["question_id"] for row in rows if row["session_id"] == "1"][:2] == [
        "agree",
        "agree",
    ]


@pytest.mark.usefixtures("clean_env")
async def test_pseudonyms_are_stable_and_distinct(
    golden: Golden, capsys: pytest.CaptureFixture[str]
) -> None:
    with sqlite3.connect(golden.db) as raw:
        assert raw.execute("SELECT COUNT(*) FROM meta").fetchone() == (0,)
    raw.close()
    _, first, err = export(capsys, golden, "--pseudonymize", "--format", "jsonl", "--history")
    assert err == ""
    _, second, _ = export(capsys, golden, "--pseudonymize", "--format", "jsonl", "--history")
    assert first == second
    with sqlite3.connect(golden.db) as raw:
        salts = raw.execute("SELECT value FROM meta WHERE key = ?", (SALT_KEY,)).fetchall()
    raw.close()
    assert len(salts) == 1 and len(salts[0][0]) == 64

    rows = parse_jsonl(first)
    text = first.decode()
    for person in NAMES:
        assert f'"user_id":{person.user_id}' not in text
        assert person.display_name not in text
        if person.username:
            assert f'"{person.username}"' not in text
    real_ids = {person.user_id for person in NAMES}
    assert not any(row["chat_id"] in real_ids for row in rows)  # Ana's private chat id
    by_user: dict[object, set[tuple[object, object]]] = {}
    for row in rows:
        assert isinstance(row["user_id"], str) and row["username"] is None
        by_user.setdefault(row["user_id"], set()).add((row["display_name"], row["answer"]))
        assert str(row["user_id"]).startswith("u-") and len(str(row["user_id"])) == 12
    assert len(by_user) == 5  # five people, five pseudonyms
    ana = Pseudonymizer(salts[0][0]).member(501)
    private = [row for row in rows if row["session_id"] == 2]
    assert {(row["chat_id"], row["chat_title"], row["user_id"]) for row in private} == {
        (ana[0], ana[1], ana[0])
    }
    group = [row for row in rows if row["session_id"] == 1]
    assert {row["chat_id"] for row in group} == {-1001}  # groups keep their id and title
    assert {row["chat_title"] for row in group} == {"Reading Circle 読書会, Tue"}


def test_pseudonyms_depend_on_the_salt() -> None:
    one, other = Pseudonymizer("salt-one"), Pseudonymizer("salt-two")
    assert one.member(7) == one.member(7)
    assert one.member(7) != one.member(8)
    assert one.member(7) != other.member(7)
    user_id, name = one.member(7)
    assert user_id[:2] == "u-" and name == f"Member {user_id[2:8]}"
    # Not a plain hash of the id: guessing small ids does not reverse it.
    assert all(hashlib.sha256(str(n).encode()).hexdigest()[:10] != user_id[2:] for n in range(9))


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.usefixtures("clean_env")
async def test_a_plain_export_leaves_the_database_unchanged(
    golden: Golden, capsys: pytest.CaptureFixture[str]
) -> None:
    before = digest(golden.db)
    for args in ([], ["--history", "--format", "jsonl"], ["--since", "2026-11-02"]):
        code, _, _ = export(capsys, golden, *args)
        assert code == 0
    assert main(["sessions", "--db", str(golden.db)]) == 0
    assert digest(golden.db) == before
    wal = golden.db.with_name(golden.db.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0


# --- errors ------------------------------------------------------------------------------


@pytest.mark.usefixtures("clean_env")
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "xml"], "error: unknown format 'xml': use csv, jsonl or xlsx"),
        (["--since", "2026-02-30"], "error: --since '2026-02-30' is not a valid date"),
        (
            ["--until", "yesterday"],
            "error: --until 'yesterday' is not a date (YYYY-MM-DD) or an ISO 8601 date and time",
        ),
        (
            ["--since", "2026-11-02", "--until", "2026-11-01"],
            "error: --since 2026-11-02 is after --until 2026-11-01",
        ),
        (["--chat", "abc"], "error: --chat must be a number, not 'abc'"),
        (["--session", "1.5"], "error: --session must be a number, not '1.5'"),
    ],
)
async def test_bad_arguments_are_one_line_and_exit_2(
    golden: Golden, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, out, err = export(capsys, golden, *args)
    assert (code, out, err) == (2, b"", message + "\n")


@pytest.mark.usefixtures("clean_env")
async def test_a_missing_database_is_an_error_and_is_not_created(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    missing = tmp_path / "nowhere" / "bot.sqlite3"
    for command in (["export"], ["export", "--pseudonymize"], ["sessions"]):
        assert main([*command, "--db", str(missing)]) == 2
        out = capsys.readouterr()
        assert (out.out, out.err) == ("", f"error: no database at {missing}\n")
    assert not missing.parent.exists()


@pytest.mark.usefixtures("clean_env")
async def test_a_file_that_is_not_a_bot_database(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    empty = tmp_path / "empty.sqlite3"
    empty.write_bytes(b"")
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"this is not sqlite at all" * 100)
    for path in (empty, junk):
        assert main(["export", "--db", str(path)]) == 2
        err = capsys.readouterr().err
        assert err.startswith("error: ") and err.count("\n") == 1 and str(path) in err
    assert empty.read_bytes() == b""


@pytest.mark.usefixtures("clean_env")
async def test_out_into_a_missing_folder(
    golden: Golden, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "no" / "such" / "x.csv"
    code, out, err = export(capsys, golden, "--out", str(target))
    assert (code, out) == (2, b"")
    assert err == f"error: cannot write {target}: not a file in an existing folder\n"


def test_time_window_bounds() -> None:
    assert time_window("2026-11-01", "2026-11-01") == (
        "2026-11-01T00:00:00.000Z",
        "2026-11-02T00:00:00.000Z",
    )
    assert time_window(None, "2026-11-30") == (None, "2026-12-01T00:00:00.000Z")
    assert time_window("2026-11-01T10:00:00+09:00", None) == ("2026-11-01T01:00:00.000Z", None)
    # A moment's --until is inclusive to the millisecond.
    assert time_window(None, "2026-11-01T04:05:06.789999Z") == (None, "2026-11-01T04:05:06.790Z")
    assert time_window("2026-11-01T04:05:06.789", "2026-11-01T04:05:06.789") == (
        "2026-11-01T04:05:06.789Z",
        "2026-11-01T04:05:06.790Z",
    )
    with pytest.raises(UsageError):
        time_window("2026-11-01T00:00:01", "2026-11-01T00:00:00")


# --- the command as a person runs it -------------------------------------------------------


async def run_cli(
    *args: str, cwd: Path, stdin: int | None = None, env: dict[str, str] | None = None
) -> tuple[int, bytes, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "TELEGRAM_"))}
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        cwd=cwd,
        env={**base, "PYTHONPATH": str(REPO), **(env or {})},
        stdin=stdin,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode is not None
    return process.returncode, out, err.decode()


async def test_subprocess_export_leaves_stdin_untouched(golden: Golden, tmp_path: Path) -> None:
    given = tmp_path / "stdin.txt"
    given.write_text("do not read me\n" * 100)
    with given.open("rb") as stdin:
        code, out, err = await run_cli(
            "export",
            "--db",
            str(golden.db),
            "--prompts",
            str(golden.prompts),
            "--history",
            cwd=tmp_path,
            stdin=stdin.fileno(),
        )
        assert os.lseek(stdin.fileno(), 0, os.SEEK_CUR) == 0
    assert (code, err) == (0, "")
    assert out == (GOLDEN / "history.csv").read_bytes()


async def test_subprocess_errors_have_no_traceback(tmp_path: Path) -> None:
    code, out, err = await run_cli(
        "export", "--db", str(tmp_path / "missing.sqlite3"), "--format", "jsonl", cwd=tmp_path
    )
    assert (code, out) == (2, b"")
    assert err == f"error: no database at {tmp_path / 'missing.sqlite3'}\n"
    code, _, err = await run_cli("export", "--format", "xml", cwd=tmp_path)
    assert code == 2 and err == "error: unknown format 'xml': use csv, jsonl or xlsx\n"
    assert not (tmp_path / "missing.sqlite3").exists()
    assert not (tmp_path / "data").exists()  # the default BOT_DB_PATH was not created


async def test_subprocess_sessions_table(golden: Golden, tmp_path: Path) -> None:
    code, out, err = await run_cli("sessions", cwd=tmp_path, env={"BOT_DB_PATH": str(golden.db)})
    assert (code, err) == (0, "")
    lines = out.decode().splitlines()
    assert lines[0].split("  ")[:3] == ["id", "chat id", "chat title"]
    assert lines[0].split()[-2:] == ["answers", "members"]
    assert set(lines[1]) == {"-", " "}
    body = [line.split() for line in lines[2:]]
    assert [(row[0], row[1]) for row in body] == [
        ("3", "-1002"),
        ("1", "-1001"),
        ("4", "-1001"),
        ("2", "501"),
    ]
    # session 1: nine standing answers by five members (a withdrawn vote is not an answer)
    assert body[1][-2:] == ["9", "5"]
    assert body[0][-2:] == ["2", "1"]
    assert "abandoned" in lines[3] and "finished" not in out.decode()

    # The columns line up on screen: the Japanese title's characters are two columns wide.
    def column(line: str, text: str) -> int:
        before = line[: line.index(text)]
        return sum(2 if unicodedata.east_asian_width(c) == "W" else 1 for c in before)

    assert len({column(line, "2026-11-0") for line in lines[2:]}) == 1
    assert len({column(line + "$", "$") for line in lines}) == 1  # right-aligned counts


# --- the pieces the bot can reuse ----------------------------------------------------------


BASE_ROW = ExportRow(
    session_id=1,
    chat_id=-5,
    chat_title="t",
    lesson_id="l",
    lesson_version="v",
    section=1,
    question_id="q",
    question_type="short",
    question_text="t",
    user_id=7,
    username="t",
    display_name="t",
    answer="t",
    option_indexes=(0, 2),
    correct=None,
    stance="t",
    retracted=False,
    via="text",
    answered_at="2026-11-01T00:00:00.000Z",
    version=1,
)


def test_csv_lines_match_the_csv_module() -> None:
    texts = ["", "plain", "a,b", 'say "hi"', "two\nlines", "cr\rhere", "=x", "-1", "@", "\t", " "]
    rows = [
        BASE_ROW._replace(
            chat_title=t, question_text=t, username=t, display_name=t, answer=t, stance=t
        )
        for t in texts
    ]
    rows.append(
        BASE_ROW._replace(
            chat_id="u-abc",
            chat_title=None,
            section=None,
            question_text=None,
            user_id="u-abc",
            username=None,
            answer=None,
            option_indexes=(),
            correct=True,
            stance=None,
            retracted=True,
        )
    )
    expected = io.StringIO(newline="")
    csv.writer(expected).writerows(csv_cells(row) for row in rows)
    assert "".join(csv_lines(rows)) == expected.getvalue()
    assert csv_field("=x") == "'=x" and csv_field(True) == "true" and csv_field(None) == ""
    assert csv_field((0, 2)) == '"0,2"' and csv_field(-3) == "-3"


async def test_write_answers_for_one_chat_with_the_shipped_lesson(tmp_path: Path) -> None:
    """The bot's future /export: one chat, from an open read-only connection, to bytes."""
    catalog, problems = load_lessons([PROMPTS])
    assert problems == []
    lesson = catalog.get("biegun-seoul-2020")
    assert lesson is not None
    db = tmp_path / "bot.sqlite3"
    storage = await Storage.open(db, clock=SteppingClock(day(5)))
    record = Recorder(storage)
    try:
        walk = await storage.start_walk(
            chat_id=-42,
            chat_type="group",
            chat_title="Seoul readers",
            audience="group",
            user_id=None,
            lesson_id=lesson.id,
            lesson_version=lesson.version,
        )
        await record(walk, ZOE, "seoul-on-its-own", "debate", "button", stance="Disagree")
        await record(walk, ZOE, "ffvd-meaning", "short", "reply", answer_text="Final, fully…")
        await record(
            walk, ZOE, "biegun-role", "choice", "poll", option_indexes=(0,), is_correct=True
        )
        other = await storage.start_walk(
            chat_id=-43,
            chat_type="group",
            chat_title="Other",
            audience="group",
            user_id=None,
            lesson_id=lesson.id,
            lesson_version=lesson.version,
        )
        await record(other, ANA, "ffvd-meaning", "short", "reply", answer_text="not this chat")
    finally:
        await storage.close()

    stream = io.BytesIO()
    connection = open_readonly(db)
    try:
        count = write_answers(
            connection,
            AnswerFilter(chat_id=-42),
            LessonIndex.from_catalog(catalog),
            "jsonl",
            stream,
        )
    finally:
        connection.close()
    rows = parse_jsonl(stream.getvalue())
    assert count == len(rows) == 3
    assert [(r["question_id"], r["section"]) for r in rows] == [
        ("biegun-role", 1),
        ("ffvd-meaning", 1),
        ("seoul-on-its-own", "discussion"),
    ]
    assert rows[0]["question_text"] == "Who is Stephen Biegun, according to the editorial?"
    assert rows[0]["answer"] == (
        "The U.S. Deputy Secretary of State and Special Representative for North Korea"
    )
    assert rows[2]["stance"] == "Disagree" and rows[2]["answer"] is None


async def test_rows_stream_in_batches(golden: Golden) -> None:
    connection = open_readonly(golden.db)
    try:
        lessons = LessonIndex([golden.lesson])
        records = iter_answers(
            connection, AnswerFilter(history=True), lessons.order(), batch_size=3
        )
        assert isinstance(records, Iterator)
        first = next(records)
        assert first[0] == 1 and first[6] == "pick-one"
        rest = list(records)
        assert len(rest) == 18
        rows = list(export_rows(iter_answers(connection, AnswerFilter(), lessons.order()), lessons))
        assert all(isinstance(row, ExportRow) for row in rows) and len(rows) == 16
        out = io.BytesIO()
        assert write_export(rows, "csv", out) == 16
        with pytest.raises(ValueError, match="unknown export format"):
            write_export(rows, "xml", io.BytesIO())  # type: ignore[arg-type]
        summaries = list_sessions(connection)
    finally:
        connection.close()
    assert [(s.walk_id, s.answers, s.members) for s in summaries] == [
        (3, 2, 1),
        (1, 9, 5),  # the withdrawn vote is not counted
        (4, 2, 1),
        (2, 2, 1),
    ]
    assert "(no chats yet)" in sessions_table([])


def test_open_readonly_refuses_what_is_not_there(tmp_path: Path) -> None:
    with pytest.raises(ExportSourceError, match="no database"):
        open_readonly(tmp_path / "x.sqlite3")
    assert not (tmp_path / "x.sqlite3").exists()


@pytest.mark.parametrize("day", ["2026-11-30", "20261130"])
def test_a_day_in_either_iso_form_is_the_whole_day(day: str) -> None:
    # ISO 8601's basic form used to be read as the day's first millisecond.
    assert _moment("--until", day) == (dt.datetime(2026, 11, 30, tzinfo=dt.UTC), True)
