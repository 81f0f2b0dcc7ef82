"""Benchmark of ``python -m bot export`` against the sqlite3 shell, on 1,000,000 answers.

Run from the repository root (needs the ``sqlite3`` command-line shell)::

    .venv/bin/python bench/export_bench.py [--answers N] [--runs R] [--keep DIR]

It builds a database with the bot's own schema (``Storage.open``) in a temporary folder and
fills it with realistic answers in bulk (``executemany``): group sessions and private
attempts at the shipped lesson plus a lesson that no longer exists; choice, short and debate
answers, several versions, retracted poll votes, multi-line and formula-like texts, names in
many scripts. Then it times, R times each, alternating (medians reported)::

    python -m bot export --db DB --prompts prompts --format csv --history --out FILE
    sqlite3 -readonly -csv -header DB "<the same rows, in the same order>" > FILE

The shell gets the export's own SQL strategy (the lesson's question order in a TEMP table,
joined by primary key, the same ORDER BY) and the same columns, section and question text
included, so the ratio measures what Python adds: turning rows into values, CSV quoting,
formula neutralising and UTF-8 encoding. It measures the export process's peak RSS
(``os.wait4``), checks that both files hold the same number of records, and prints PASS or
MISS against the targets: time ratio <= 2.5 and peak RSS < 100 MiB.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import datetime as dt
import json
import os
import platform
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from itertools import zip_longest
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bot.lessons import ChoiceQuestion, DebateQuestion, Lesson  # noqa: E402
from bot.lessons.load import load_lessons  # noqa: E402
from bot.storage import Storage, iso_utc  # noqa: E402

RATIO_TARGET = 2.5
RSS_TARGET_MIB = 100.0
GONE_LESSON = "retired-lesson-2019"  # answers to a lesson no longer in prompts/
GONE_QUESTIONS = [("gone-q1", "choice"), ("gone-q2", "short"), ("gone-q3", "debate")]

FIRST = ["Ana", "Ben", "Chloé", "Dmitri", "Emeka", "Fatima", "Giulia", "Hiro", "Ingrid", "José"]
LAST = ["Kim", "Lee", "Park", "Nguyen", "Smith", "García", "Müller", "Rossi", "Öztürk", "Singh"]
OTHER_NAMES = [
    "김민수",
    "이서연",
    "박지훈",
    "فاطمة الزهراء",
    "محمد",
    "Ольга",
    "王芳",
    "Zoë 🌸",
    "🦊 fox",
    "=cmd|' /C calc'!A0",
]
WORDS = [
    "the",
    "working",
    "group",
    "alliance",
    "sanctions",
    "denuclearization",
    "Seoul",
    "Washington",
    "talks",
    "editorial",
    "minister",
    "coordination",
    "North",
    "policy",
    "leaflets",
    "cooperation",
    "provocation",
    "because",
    "however",
    "I",
    "think",
    "the",
    "government",
    "should",
    "not",
    "could",
    "verify",
    "trust",
]
SPECIAL_TEXTS = [
    "=SUM(A1:A9)",
    "+1 agree",
    "-2 points",
    "@everyone read this",
    "\tindented",
    'He said "fast track", twice.',
    "Line one\nLine two\nLine three",
    "첫째, 협력이 중요합니다.",
    "رأيي أن الحوار مهم",
    "Agree 👍🏽",
]
SHELL_SQL = """
CREATE TEMP TABLE q (
    lesson_id TEXT NOT NULL, question_id TEXT NOT NULL, position INTEGER NOT NULL,
    section, question_text, PRIMARY KEY (lesson_id, question_id)
) WITHOUT ROWID;
INSERT INTO q
    SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]'),
           json_extract(value, '$[3]'), json_extract(value, '$[4]')
    FROM json_each(:questions);
SELECT a.walk_id AS session_id, a.chat_id, c.title AS chat_title, a.lesson_id,
       a.lesson_version, q.section, a.question_id, a.question_type, q.question_text,
       a.user_id, a.username, a.display_name, a.answer_text AS answer, a.option_indexes,
       CASE a.is_correct WHEN 1 THEN 'true' WHEN 0 THEN 'false' END AS correct, a.stance,
       CASE a.retracted WHEN 1 THEN 'true' ELSE 'false' END AS retracted, a.via,
       a.answered_at, a.version
FROM answers AS a
LEFT JOIN chats AS c ON c.id = a.chat_id
LEFT JOIN q ON q.lesson_id = a.lesson_id AND q.question_id = a.question_id
ORDER BY a.walk_id, q.position IS NULL, q.position, a.question_id, a.user_id, a.version;
"""


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--answers", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="build the database here and keep it")
    parser.add_argument("--seed", type=int, default=20261128)
    args = parser.parse_args(argv)
    shell = shutil.which("sqlite3")
    if shell is None:
        print("the sqlite3 shell is missing: apt-get install -y sqlite3", file=sys.stderr)
        return 2
    catalog, problems = load_lessons([REPO / "prompts"])
    if problems or not catalog.lessons:
        print("the shipped lessons do not load: run `python -m bot validate`", file=sys.stderr)
        return 2
    lesson = catalog.lessons[0]

    with tempfile.TemporaryDirectory(prefix="export-bench-") as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        db = folder / "bench.sqlite3"
        db.unlink(missing_ok=True)
        started = time.perf_counter()
        count = build_database(db, lesson, args.answers, random.Random(args.seed))
        build_seconds = time.perf_counter() - started
        size_mib = db.stat().st_size / 2**20
        print(f"database: {count:,} answers, {size_mib:.0f} MiB, built in {build_seconds:.1f} s")

        export_out, shell_out = folder / "export.csv", folder / "shell.csv"
        export_cmd = [
            sys.executable,
            "-m",
            "bot",
            "export",
            "--db",
            str(db),
            "--prompts",
            str(REPO / "prompts"),
            "--format",
            "csv",
            "--history",
            "--out",
            str(export_out),
        ]
        questions = json.dumps(shell_questions(lesson), ensure_ascii=False)
        literal = "'" + questions.replace("'", "''") + "'"
        shell_cmd = [
            shell,
            "-readonly",
            "-csv",
            "-header",
            str(db),
            SHELL_SQL.replace(":questions", literal),
        ]
        export_times, rss_values = [], []
        shell_times = []
        for _ in range(args.runs):
            seconds, rss = timed(export_cmd, None)
            export_times.append(seconds)
            rss_values.append(rss)
            seconds, _ = timed(shell_cmd, shell_out)
            shell_times.append(seconds)
        export_rows, shell_rows, same_order = compare(export_out, shell_out)

    export_time = statistics.median(export_times)
    shell_time = statistics.median(shell_times)
    ratio = export_time / shell_time
    peak_mib = max(rss_values) / 1024
    report = [
        f"machine: {os.cpu_count()} CPUs ({platform.machine()}), Python "
        f"{platform.python_version()}, SQLite {sqlite3.sqlite_version} (module), "
        f"{sqlite_shell_version(shell)} (shell)",
        f"rows: export {export_rows:,}, sqlite3 shell {shell_rows:,}; the same sessions, "
        f"questions, members and versions in the same order: {'yes' if same_order else 'NO'}",
        f"export:        median {export_time:.2f} s  (runs: {fmt_runs(export_times)})",
        f"sqlite3 shell: median {shell_time:.2f} s  (runs: {fmt_runs(shell_times)})",
        f"ratio:    {ratio:.2f}  (target <= {RATIO_TARGET})  "
        f"{'PASS' if ratio <= RATIO_TARGET else 'MISS'}",
        f"peak RSS: {peak_mib:.1f} MiB  (target < {RSS_TARGET_MIB:.0f} MiB)  "
        f"{'PASS' if peak_mib < RSS_TARGET_MIB else 'MISS'}",
    ]
    print("\n".join(report))
    return 0 if export_rows == shell_rows and same_order else 1


def timed(command: list[str], stdout_path: Path | None) -> tuple[float, int]:
    """Wall time and peak RSS (KiB) of one child process."""
    with open(os.devnull, "wb") if stdout_path is None else stdout_path.open("wb") as out:  # noqa: PTH123
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.PIPE, cwd=REPO)  # noqa: S603
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        assert process.stderr is not None
        errors = process.stderr.read().decode()
        process.stderr.close()
    if process.returncode != 0:
        raise SystemExit(f"{command[0]} failed ({process.returncode}): {errors}")
    return seconds, usage.ru_maxrss


def compare(export_csv: Path, shell_csv: Path) -> tuple[int, int, bool]:
    """Record counts of both files, and whether their rows name the same answer versions
    (session, question, member, version) in the same order. Other cells differ on purpose:
    the export neutralises formulas and names a poll vote's option."""
    with (
        export_csv.open(encoding="utf-8-sig", newline="") as ours,
        shell_csv.open(encoding="utf-8", newline="") as theirs,
    ):
        counts = [0, 0]
        same = True
        for mine, other in zip_longest(csv.reader(ours), csv.reader(theirs)):
            if mine is not None:
                counts[0] += 1
            if other is not None:
                counts[1] += 1
            if mine is None or other is None or any(mine[i] != other[i] for i in (0, 6, 9, 19)):
                same = False
    return counts[0] - 1, counts[1] - 1, same


def fmt_runs(values: list[float]) -> str:
    return ", ".join(f"{v:.2f}" for v in values)


def sqlite_shell_version(shell: str) -> str:
    version = subprocess.run(  # noqa: S603
        [shell, "-version"], capture_output=True, text=True, check=False
    ).stdout.split()
    return f"sqlite3 {version[0]}" if version else "sqlite3"


def shell_questions(lesson: Lesson) -> list[list[object]]:
    found: list[list[object]] = []
    for number, section in enumerate(lesson.sections, 1):
        for question in section.questions:
            found.append([lesson.id, question.id, len(found), number, question.prompt])
    for question in lesson.discussion:
        found.append([lesson.id, question.id, len(found), "discussion", question.prompt])
    return found


# --- the data ----------------------------------------------------------------------------


def build_database(path: Path, lesson: Lesson, target: int, rng: random.Random) -> int:
    async def create() -> None:
        storage = await Storage.open(path)
        await storage.close()

    asyncio.run(create())
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("PRAGMA journal_mode = DELETE")
        connection.execute("PRAGMA synchronous = OFF")
        connection.execute("BEGIN")
        chats, walks, answers = generate(lesson, target, rng)
        connection.executemany(
            "INSERT INTO chats (id, type, title, active, updated_at) VALUES (?, ?, ?, 1, ?)",
            chats,
        )
        connection.executemany(
            "INSERT INTO walks (id, chat_id, audience, user_id, lesson_id, lesson_version, "
            "attempt, position, status, started_at, ended_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            walks,
        )
        connection.executemany(
            "INSERT INTO answers (walk_id, chat_id, user_id, display_name, username, lesson_id, "
            "lesson_version, attempt, question_id, question_type, option_indexes, answer_text, "
            "is_correct, stance, retracted, via, version, answered_at, source_key) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            answers,
        )
        connection.execute("COMMIT")
        connection.execute("ANALYZE")
        connection.execute("PRAGMA journal_mode = WAL")  # as the bot leaves it
        (count,) = connection.execute("SELECT COUNT(*) FROM answers").fetchone()
    finally:
        connection.close()
    return int(count)


def generate(
    lesson: Lesson, target: int, rng: random.Random
) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]], Iterator[tuple[object, ...]]]:
    """Chats and walks (small, as lists) and the answers (a generator of ``target`` rows)."""
    people = [person(rng, user_id) for user_id in range(10_001, 10_001 + 20_000)]
    groups = [
        (
            -1_001_000_000_000 - n,
            "supergroup",
            f"{rng.choice(['Class', 'Reading circle', '스터디', 'نادي'])} {n}",
        )
        for n in range(1, 301)
    ]
    base = dt.datetime(2026, 9, 1, tzinfo=dt.UTC)
    chats: dict[int, tuple[object, ...]] = {
        chat_id: (chat_id, kind, title, iso_utc(base)) for chat_id, kind, title in groups
    }
    walks: list[tuple[object, ...]] = []
    plans: list[tuple[int, int, list[tuple[int, str, str | None]], str, str, dt.datetime]] = []
    expected = 0
    known = [(q.id, q.type, q) for q in lesson.questions()]
    walk_id = 0
    while expected < target:
        walk_id += 1
        started = base + dt.timedelta(minutes=walk_id * 7)
        gone = rng.random() < 0.05
        lesson_id, version = (GONE_LESSON, "0ldversi0n") if gone else (lesson.id, lesson.version)
        if rng.random() < 0.4:
            chat_id, kind, _title = rng.choice(groups)
            members = rng.sample(people, rng.randint(8, 60))
            audience, user = "group", None
        else:
            member = rng.choice(people)
            chat_id, kind = member[0], "private"
            chats[chat_id] = (chat_id, kind, member[1], iso_utc(base))
            members, audience, user = [member], "private", member[0]
        walks.append(
            (
                walk_id,
                chat_id,
                audience,
                user,
                lesson_id,
                version,
                1,
                0,
                "finished",
                iso_utc(started),
                iso_utc(started + dt.timedelta(hours=1)),
            )
        )
        plans.append((walk_id, chat_id, members, lesson_id, version, started))
        expected += int(len(members) * (len(GONE_QUESTIONS) if gone else len(known)) * 1.15)
    # The one open walk per chat rule: every walk above is finished, so nothing to fix.

    def answers() -> Iterator[tuple[object, ...]]:
        made = 0
        key = 0
        for walk, chat_id, members, lesson_id, version, started in plans:
            via_group = chat_id < 0
            questions = (
                [(qid, qtype, None) for qid, qtype in GONE_QUESTIONS]
                if lesson_id == GONE_LESSON
                else known
            )
            moment = started
            for question_id, qtype, question in questions:
                for user_id, name, username in members:
                    if via_group and rng.random() < 0.1:
                        continue  # not everyone answers everything
                    versions = 1 + (rng.random() < 0.12) + (rng.random() < 0.03)
                    if qtype == "debate":
                        versions = max(versions, 2)  # the stance, then the reason
                    for number in range(1, versions + 1):
                        moment += dt.timedelta(milliseconds=rng.randint(200, 9000))
                        key += 1
                        row = answer_row(rng, qtype, question, number, versions, via_group)
                        yield (
                            walk,
                            chat_id,
                            user_id,
                            name,
                            username,
                            lesson_id,
                            version,
                            1,
                            question_id,
                            qtype,
                            *row,
                            number,
                            iso_utc(moment),
                            f"bench:{key}",
                        )
                        made += 1
                        if made >= target:
                            return

    return list(chats.values()), walks, answers()


def person(rng: random.Random, user_id: int) -> tuple[int, str, str | None]:
    if rng.random() < 0.2:
        name = rng.choice(OTHER_NAMES)
    else:
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    username = f"{name.split()[0].lower()}_{user_id}" if rng.random() < 0.7 else None
    return user_id, name, username


def free_text(rng: random.Random) -> str:
    if rng.random() < 0.08:
        return rng.choice(SPECIAL_TEXTS)
    words = rng.choices(WORDS, k=rng.randint(3, 40))
    text = " ".join(words).capitalize() + "."
    if rng.random() < 0.1:
        text += "\n" + " ".join(rng.choices(WORDS, k=rng.randint(3, 12))) + ","
    return text


def answer_row(
    rng: random.Random,
    qtype: str,
    question: object,
    number: int,
    versions: int,
    via_group: bool,
) -> tuple[object, ...]:
    """option_indexes, answer_text, is_correct, stance, retracted, via."""
    if qtype == "choice":
        if via_group and number == versions and versions > 1 and rng.random() < 0.3:
            return (None, None, None, None, 1, "poll")  # a withdrawn vote
        options = question.options if isinstance(question, ChoiceQuestion) else ("A", "B", "C")
        picked = sorted(rng.sample(range(len(options)), 2 if rng.random() < 0.05 else 1))
        text = " | ".join(options[i] for i in picked)
        correct = (
            all(question.is_correct(i) for i in picked)
            if isinstance(question, ChoiceQuestion)
            else rng.random() < 0.5
        )
        if via_group and rng.random() < 0.5:
            return (",".join(map(str, picked)), None, int(correct), None, 0, "poll")
        return (",".join(map(str, picked)), text, int(correct), None, 0, "button")
    if qtype == "debate":
        stances = question.stances if isinstance(question, DebateQuestion) else ("Yes", "No")
        stance = rng.choice(stances)
        if number == 1:
            return (None, None, None, stance, 0, "button")
        return (None, free_text(rng), None, stance, 0, "reply" if via_group else "private")
    return (
        None,
        free_text(rng),
        None,
        None,
        0,
        rng.choice(["reply", "text"]) if via_group else "private",
    )


if __name__ == "__main__":
    sys.exit(main())
