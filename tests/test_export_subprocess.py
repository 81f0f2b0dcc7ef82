"""The export command run as a person runs it: a subprocess, its output and its errors."""

from __future__ import annotations

import asyncio
import os
import sys
import unicodedata
from pathlib import Path

from tests.conftest import REPO
from tests.export_support import GOLDEN, Golden


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
