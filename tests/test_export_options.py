"""The export command's options: filters, time windows, --out, defaults, pseudonyms."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.export import Pseudonymizer
from bot.storage.exports import SALT_KEY
from tests.export_support import GOLDEN, NAMES, Golden, export, parse_csv, parse_jsonl


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
