"""What `validate` and `run` say about the files in prompts/, as a teacher or operator runs
them: links that lead nowhere, names that are not quite a lesson's, and a file that holds
the bot's token (issue 19, items 12 and 9)."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import sys
from pathlib import Path

from bot.lessons.load import load_lessons
from bot.logs import FRAGMENT, REDACTED, RedactTokens
from tests.bot_process import bot_env, finish, start_bot
from tests.conftest import PROMPTS, REPO, TOKEN
from tests.standin import BotApiStandIn

SHIPPED = "biegun-seoul-2020.yaml"
# Where a link points: the folder's own way of saying 'is a link to'.
DANGLING = "which does not exist: point the link at the lesson file, or delete it"
LOOP = (
    "this link goes round in a circle (it leads back to itself, through one or more links)"
    " and never reaches a file: point it at the lesson file, or delete it"
)


def env_without_settings(**settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "BOT_"))}
    return {**env, "PYTHONPATH": str(REPO), **settings}


async def bot_cli(*args: str, cwd: Path, **settings: str) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        cwd=cwd,
        env=env_without_settings(**settings),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


def prompts_with_the_lesson(tmp_path: Path) -> Path:
    prompts = tmp_path / "prompts"
    prompts.mkdir()
    shutil.copy(PROMPTS / SHIPPED, prompts / SHIPPED)
    return prompts


def pieces_of_the_secret(text: str) -> list[str]:
    """Every run of FRAGMENT characters of the token's secret (after 'id:') found in text."""
    secret = TOKEN.partition(":")[2]
    pieces = (secret[i : i + FRAGMENT] for i in range(len(secret) - FRAGMENT + 1))
    return [piece for piece in pieces if piece in text]


# --------------------------------------------------------------------------- item 12: links


async def test_a_link_to_nothing_is_a_problem_that_says_where_it_points(tmp_path: Path) -> None:
    prompts = prompts_with_the_lesson(tmp_path)
    moved = tmp_path / "moved" / "lesson.yaml"
    (prompts / "gone.yaml").symlink_to(moved)
    (prompts / "via.yaml").symlink_to("gone.yaml")  # a link to that link
    code, out, err = await bot_cli("validate", str(prompts), cwd=tmp_path)
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        f"{prompts / 'gone.yaml'}:1:1: this is a link to {moved}, {DANGLING}",
        f"{prompts / 'via.yaml'}:1:1: this is a link to gone.yaml, which is itself a link that"
        " leads to no file: point the link at the lesson file, or delete it",
        "2 problems found.",
    ]


async def test_link_loops_are_problems(tmp_path: Path) -> None:
    prompts = prompts_with_the_lesson(tmp_path)
    (prompts / "self.yaml").symlink_to("self.yaml")
    (prompts / "ping.yaml").symlink_to("pong.yml")
    (prompts / "pong.yml").symlink_to("ping.yaml")
    code, out, err = await bot_cli("validate", cwd=tmp_path)  # BOT_PROMPTS_DIR: prompts
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        f"prompts/{name}:1:1: {LOOP}" for name in ("ping.yaml", "pong.yml", "self.yaml")
    ] + ["3 problems found."]


def test_a_link_given_by_name_says_what_is_wrong_with_it(tmp_path: Path) -> None:
    link = tmp_path / "lesson.yaml"
    link.symlink_to(tmp_path / "nowhere.yaml")
    loop = tmp_path / "loop.yaml"
    loop.symlink_to("loop.yaml")
    _, problems = load_lessons([link, loop, tmp_path / "missing.yaml"])
    assert [(p.path.name, p.message) for p in problems] == [
        ("lesson.yaml", f"this is a link to {tmp_path / 'nowhere.yaml'}, {DANGLING}"),
        ("loop.yaml", LOOP),
        ("missing.yaml", "no such file or folder"),
    ]


# --------------------------------------------------------------------------- item 12: names


async def test_names_that_are_not_read_are_warnings_and_the_lessons_still_pass(
    tmp_path: Path,
) -> None:
    prompts = prompts_with_the_lesson(tmp_path)
    (prompts / "old.yaml").mkdir()  # a folder named like a lesson
    (prompts / "draft.yaml.txt").write_text("id: draft\n")  # saved by Notepad
    archive = prompts / "archive"  # lessons put away in a sub-folder
    archive.mkdir()
    for name in ("a.yaml", "b.yml", "c.yaml", "d.yaml", "notes.md"):
        (archive / name).write_text("id: x\n")
    two = prompts / "two"
    two.mkdir()
    (two / "e.yaml").write_text("id: e\n")
    (two / "f.YAML").write_text("id: f\n")
    # Left alone, without a word: hidden names (an editor's lock file is a link to nothing),
    # other files, and folders holding no lesson.
    (prompts / ".#biegun-seoul-2020.yaml").symlink_to("ada@host.1234")
    (prompts / ".git").mkdir()
    (prompts / ".git" / "x.yaml").write_text("")
    (prompts / "README.md").write_text("notes\n")
    (prompts / "images").mkdir()

    code, out, err = await bot_cli("validate", str(prompts), cwd=tmp_path)

    assert code == 0 and out.startswith("1 lesson valid") and out.count("\n") == 1
    assert err.splitlines() == [
        f"{archive}:1:1: warning: not read: lessons in a sub-folder are not read (a.yaml,"
        f" b.yml, c.yaml and 1 more); only the files directly in {prompts} are: move the"
        " lessons you want there",
        f"{prompts / 'draft.yaml.txt'}:1:1: warning: not read: only files ending in .yaml or"
        " .yml are lessons, and this name ends in '.txt' (an editor may add it when saving):"
        " rename the file to 'draft.yaml'",
        f"{prompts / 'old.yaml'}:1:1: warning: not read: this is a folder, not a lesson file:"
        f" each lesson is one file ending in .yaml or .yml, directly in {prompts}",
        f"{two}:1:1: warning: not read: lessons in a sub-folder are not read (e.yaml and"
        f" f.YAML); only the files directly in {prompts} are: move the lessons you want there",
    ]


async def test_a_folder_whose_only_lesson_is_a_txt_says_both(tmp_path: Path) -> None:
    prompts = tmp_path / "prompts"
    prompts.mkdir()
    (prompts / "lesson.yml.txt").write_text("id: x\n")
    code, _, err = await bot_cli("validate", str(prompts), cwd=tmp_path)
    assert code == 1
    assert err.splitlines() == [
        f"{prompts}:1:1: no lesson files (*.yaml or *.yml) in this folder",
        f"{prompts / 'lesson.yml.txt'}:1:1: warning: not read: only files ending in .yaml or"
        " .yml are lessons, and this name ends in '.txt' (an editor may add it when saving):"
        " rename the file to 'lesson.yml'",
        "1 problem found.",
    ]


def test_the_catalog_carries_the_warnings(tmp_path: Path) -> None:
    prompts = prompts_with_the_lesson(tmp_path)
    (prompts / "old.yml").mkdir()
    catalog, problems = load_lessons([prompts])
    assert problems == [] and len(catalog) == 1
    assert [(w.path.name, w.warning) for w in catalog.warnings] == [("old.yml", True)]
    assert str(catalog.warnings[0]).startswith(f"{prompts / 'old.yml'}:1:1: warning: not read:")


# --------------------------------------------------------------------------- item 12: run


async def test_run_logs_the_warnings_and_starts(standin: BotApiStandIn, tmp_path: Path) -> None:
    prompts = prompts_with_the_lesson(tmp_path)
    (prompts / "old.yaml").mkdir()
    (prompts / "draft.yaml.txt").write_text("id: draft\n")
    env = bot_env(standin.base_url, tmp_path / "bot.sqlite3", BOT_PROMPTS_DIR=str(prompts))
    process = await start_bot(env, cwd=tmp_path)
    try:
        await standin.wait_for(lambda: standin.polling, timeout=30, what="the first getUpdates")
    finally:
        process.send_signal(signal.SIGTERM)
    code, output = await finish(process)
    assert code == 0, output
    logged = [line for line in output.splitlines() if "not read:" in line]
    assert len(logged) == 2 and all(" WARNING bot.lessons: " in line for line in logged)
    assert f"{prompts / 'draft.yaml.txt'}:1:1: warning: not read: only files" in logged[0]
    assert f"{prompts / 'old.yaml'}:1:1: warning: not read: this is a folder" in logged[1]


async def test_run_refuses_to_start_on_a_link_to_nothing(tmp_path: Path) -> None:
    prompts = prompts_with_the_lesson(tmp_path)
    (prompts / "gone.yaml").symlink_to("moved.yaml")
    # An address where nothing answers: the bot must stop before it ever calls Telegram.
    env = bot_env("http://127.0.0.1:9", tmp_path / "bot.sqlite3", BOT_PROMPTS_DIR=str(prompts))
    code, output = await finish(await start_bot(env, cwd=tmp_path))
    assert code == 1
    assert f"{prompts / 'gone.yaml'}:1:1: this is a link to moved.yaml, {DANGLING}" in output
    assert "did not start" in output and "Traceback" not in output


# --------------------------------------------------------------------------- item 9: the token


def token_files(tmp_path: Path) -> Path:
    """A prompts folder with the lesson and three files that quote the token: the token alone,
    a link to the .env that holds it, and a text cut at ' #' before it."""
    prompts = prompts_with_the_lesson(tmp_path)
    (prompts / "token.yaml").write_text(TOKEN + "\n")
    (tmp_path / ".env").write_text(f'TELEGRAM_BOT_TOKEN="{TOKEN}"\n')
    (prompts / "settings.yaml").symlink_to(tmp_path / ".env")
    (prompts / "cut.yaml").write_text(f"title: see #{TOKEN}\n")
    return prompts


async def test_validate_never_prints_the_token_a_lesson_file_holds(tmp_path: Path) -> None:
    prompts = token_files(tmp_path)
    # The token is known from the .env in the folder validate runs in.
    code, out, err = await bot_cli("validate", str(prompts), cwd=tmp_path)
    assert (code, out) == (1, "")
    assert TOKEN not in err and pieces_of_the_secret(err) == []
    # Each file is still reported where it is, the token shown as the logs show it.
    assert f"{prompts / 'token.yaml'}:1:1: a lesson file must be made of" in err
    assert f"but this file is the text '{REDACTED}'" in err
    assert f"{prompts / 'settings.yaml'}:1:1: a lesson file must be made of" in err
    assert f"this file is the text 'TELEGRAM_BOT_TOKEN=\"{REDACTED}" in err  # cut short
    assert f"{prompts / 'cut.yaml'}:1:12: 'title' stops before '#{REDACTED}" in err


async def test_validate_without_a_token_set_still_hides_one(tmp_path: Path) -> None:
    prompts = token_files(tmp_path)
    elsewhere = tmp_path / "elsewhere"  # no .env here, no TELEGRAM_BOT_TOKEN in the env
    elsewhere.mkdir()
    code, _, err = await bot_cli("validate", str(prompts / "token.yaml"), cwd=elsewhere)
    assert code == 1 and TOKEN not in err and REDACTED in err


async def test_run_never_prints_the_token_a_lesson_file_holds(tmp_path: Path) -> None:
    prompts = token_files(tmp_path)
    env = bot_env("http://127.0.0.1:9", tmp_path / "bot.sqlite3", BOT_PROMPTS_DIR=str(prompts))
    code, output = await finish(await start_bot(env, cwd=tmp_path))
    assert code == 1 and "did not start" in output
    assert f"{prompts / 'token.yaml'}:1:1: " in output and REDACTED in output
    assert TOKEN not in output and pieces_of_the_secret(output) == []


def test_the_redaction_hides_a_token_cut_short_and_keeps_the_rest() -> None:
    redactor = RedactTokens(TOKEN)
    cut = TOKEN[:30] + "…"  # as a message quotes a long text
    assert redactor.redact(f"the text '{cut}'") == f"the text '{REDACTED}…'"
    # The bot id is public (the bot's user id), and a few letters of the secret are no secret.
    kept = f"chat {TOKEN.partition(':')[0]} wrote {TOKEN.partition(':')[2][: FRAGMENT - 1]}"
    assert redactor.redact(kept) == kept
