"""The response-log export's golden CSV and JSON Lines bytes, and the rows' shape and order."""

from __future__ import annotations

import sqlite3

import pytest

from bot.export import COLUMNS
from bot.storage.exports import SALT_KEY
from tests.export_support import Golden, check_golden, export, parse_csv, parse_jsonl


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
