"""The export command's errors: bad arguments, missing or foreign databases, bad folders."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.__main__ import main
from bot.export_cli import UsageError, time_window
from tests.export_support import Golden, export


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
