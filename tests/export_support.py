"""The export tests' shared database and helpers.

The database is a real SQLite file made by ``Storage.open`` and filled through
``Storage.start_walk``/``record_answer`` with a stepping clock, so every value (ids, times,
versions) is fixed. Regenerate the golden files after an intended change with
``UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_export_golden.py`` and read the diff.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.lessons import Lesson
from bot.storage import NewAnswer, Respondent, Storage, Walk

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
