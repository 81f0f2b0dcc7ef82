"""Authoring warnings (issue 16): each on a small lesson that triggers it and one that does not;
the seed lesson runs clean; `validate` prints `FILE:LINE:COL: warning: …` and exits 0 unless
`--strict`."""

from __future__ import annotations

from pathlib import Path

from bot.lessons.catalog import LessonProblem
from bot.lessons.load import load_lessons
from tests.bot_process import bot_cli, clean_env
from tests.conftest import PROMPTS

TEXT = (
    "The river rose over the old stone bridge in the night. The mayor closed the market"
    " for three days. Farmers said the new dam upstream had failed to hold the rain."
)
LATER_TEXT = "Engineers later found a crack in the dam wall that nobody had reported."
LATER_QUESTION = "      - id: later\n        type: short\n        prompt: What next?\n"


def lesson_text(*questions: str, second: str = "", shuffle: str = "") -> str:
    """A lesson of two sections; ``questions`` are YAML items for the first one."""
    body = "".join(questions) or ("      - id: filler\n        type: short\n        prompt: Why?\n")
    return (
        "id: small\n"
        "title: Small\n"
        "source: {publisher: P, date: 2020-07-08}\n"
        f"{shuffle}"
        "sections:\n"
        "  - title: One\n"
        f"    text: {TEXT}\n"
        "    questions:\n"
        f"{body}"
        "  - title: Two\n"
        f"    text: {LATER_TEXT}\n"
        "    questions:\n"
        f"{second or LATER_QUESTION}"
    )


def choice(qid: str, right: str, *wrong: str, extra: str = "") -> str:
    options = [right, *wrong]
    listed = "".join(f'          - "{option}"\n' for option in options)
    return (
        f"      - id: {qid}\n        type: choice\n        prompt: Which?\n"
        f'        options:\n{listed}        answer: "{right}"\n{extra}'
    )


def warnings_of(tmp_path: Path, text: str, name: str = "small.yaml") -> list[LessonProblem]:
    folder = tmp_path / "prompts"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    catalog, problems = load_lessons([folder])
    assert problems == [], problems
    assert all(w.warning for w in catalog.warnings)
    return list(catalog.warnings)


def messages(warnings: list[LessonProblem]) -> list[str]:
    return [w.message for w in warnings]


def test_the_seed_lesson_runs_clean() -> None:
    catalog, problems = load_lessons([PROMPTS])
    assert problems == [] and catalog.warnings == ()


def test_the_right_option_longest_in_more_than_half_is_listed(tmp_path: Path) -> None:
    long_right = [
        choice("q1", "The mayor closed the market for days", "A flood", "A fire"),
        choice("q2", "Farmers blamed the dam upstream", "The rain", "The mayor"),
        choice("q3", "Short", "A longer wrong one", "Wrong"),
    ]
    (warning,) = warnings_of(tmp_path, lesson_text(*long_right))
    assert warning.message.startswith(
        "the right option is the longest in 2 of 3 choice questions (q1, q2): a student who"
        " always picks the longest option scores 2 of 3"
    )
    assert (warning.line, warning.column) == (15, 17)  # q1's answer
    half = [long_right[0], long_right[2], choice("q4", "No", "Not at all", "Never ever")]
    assert warnings_of(tmp_path, lesson_text(*half)) == []


def test_a_copied_right_option_with_invented_wrong_ones(tmp_path: Path) -> None:
    copied = choice("q1", "closed the market for three days", "Opened a new school today")
    (warning,) = warnings_of(tmp_path, lesson_text(copied, choice("q2", "A", "Bb")))
    assert "copies the text word for word and no wrong option uses the text's words" in (
        warning.message
    )
    # A wrong option made of the text's words (used wrongly) is fair: no warning.
    fair = choice("q1", "closed the market for three days", "rose over the old stone bridge")
    assert warnings_of(tmp_path, lesson_text(fair, choice("q2", "A", "Bb"))) == []


def test_a_wrong_option_nobody_would_pick(tmp_path: Path) -> None:
    lazy = choice("q1", "The dam", "None", "The bridge")
    (warning,) = warnings_of(tmp_path, lesson_text(lazy, choice("q2", "A", "Bb")))
    assert warning.message.startswith("no reader of the text would pick the option 'None'")
    assert (warning.line, warning.column) == (13, 13)
    # 'None' as the right answer is a real answer.
    assert warnings_of(tmp_path, lesson_text(choice("q1", "None", "The dam"))) == []


def test_all_of_the_above_needs_shuffle_false(tmp_path: Path) -> None:
    above = choice("q1", "All of the above", "The dam", "The rain")
    (warning,) = warnings_of(tmp_path, lesson_text(above, choice("q2", "A", "Bb")))
    assert "points at the other options' places" in warning.message
    assert "'shuffle: false'" in warning.message
    kept = choice("q1", "All of the above", "The dam", "The rain", extra="        shuffle: false\n")
    assert warnings_of(tmp_path, lesson_text(kept, choice("q2", "A", "Bb"))) == []
    # Said once for the whole lesson, too.
    whole = lesson_text(above, choice("q2", "A", "Bb"), shuffle="shuffle: false\n")
    assert warnings_of(tmp_path, whole) == []


def test_a_section_without_questions(tmp_path: Path) -> None:
    text = lesson_text().replace(
        "  - title: Two\n", "  - title: Between\n    text: Nothing is asked here.\n  - title: Two\n"
    )
    (warning,) = warnings_of(tmp_path, text)
    assert warning.message.startswith("this section has no questions")
    assert (warning.line, warning.column) == (11, 12)
    assert warnings_of(tmp_path, lesson_text()) == []


def test_an_answer_found_only_in_a_later_section(tmp_path: Path) -> None:
    early = choice("q1", "A crack in the dam wall", "The old stone bridge", "Rain")
    (warning,) = warnings_of(tmp_path, lesson_text(early, choice("q2", "A", "Bb")))
    assert warning.message.startswith("the answer is in a later section (section 2, 'Two')")
    # Asked after the section that holds it: fine.
    late = choice("later", "A crack in the dam wall", "The old stone bridge", "Rain")
    assert warnings_of(tmp_path, lesson_text(second=late)) == []


def test_a_key_in_the_wrong_case_is_named_and_read_in_lowercase(tmp_path: Path) -> None:
    text = lesson_text().replace("        type: short\n", "        Type: short\n", 1)
    (warning,) = warnings_of(tmp_path, text)
    assert warning.message == (
        "the key 'Type' is read as 'type': keys are written in lowercase, so write 'type:'"
        " (in sections[0].questions[0])"
    )
    assert (warning.line, warning.column) == (9, 9)


def test_an_unquoted_option_holding_a_colon_gets_quoting_advice(tmp_path: Path) -> None:
    folder = tmp_path / "prompts"
    folder.mkdir()
    text = lesson_text(choice("q1", "The dam", "The rain")).replace(
        '          - "The rain"\n', "          - Rain: all night\n"
    )
    (folder / "small.yaml").write_text(text, encoding="utf-8")
    catalog, problems = load_lessons([folder])
    assert len(catalog) == 0
    assert [(p.line, p.column, p.message) for p in problems] == [
        (
            13,
            13,
            "this option has ': ' in it, so YAML reads it as 'key: value': put the whole text in"
            ' double quotes, like "Rain: all night" (in sections[0].questions[0].options)',
        )
    ]


def test_files_that_look_like_lessons_under_another_ending(tmp_path: Path) -> None:
    folder = tmp_path / "prompts"
    folder.mkdir()
    (folder / "small.yaml").write_text(lesson_text(), encoding="utf-8")
    (folder / "old.yaml.bak").write_text(lesson_text(), encoding="utf-8")
    (folder / "draft.txt").write_text(lesson_text(), encoding="utf-8")
    (folder / "notes.txt").write_text("id: remember the sections: order\n", encoding="utf-8")
    catalog, problems = load_lessons([folder])
    assert problems == [] and len(catalog) == 1
    assert [(w.path.name, w.message) for w in catalog.warnings] == [
        (
            "draft.txt",
            "not read: this file looks like a lesson, but only files ending in .yaml or .yml"
            " are read: rename it to 'draft.yaml' if it is one",
        ),
        (
            "old.yaml.bak",
            "not read: this file looks like a lesson, but only files ending in .yaml or .yml"
            " are read: rename it to 'old.yaml' if it is one",
        ),
    ]


async def test_validate_prints_warnings_and_exits_0_unless_strict(tmp_path: Path) -> None:
    lesson = tmp_path / "small.yaml"
    lesson.write_text(lesson_text(choice("q1", "The dam", "None", "The bridge")), encoding="utf-8")
    code, out, err = await bot_cli("validate", str(lesson), cwd=tmp_path, env=clean_env())
    assert code == 0 and out.startswith("1 lesson valid")
    assert err.splitlines() == [
        f"{lesson}:13:13: warning: no reader of the text would pick the option 'None': a wrong"
        " option teaches more when it is a phrase of the text used wrongly"
    ]
    code, out, err = await bot_cli(
        "validate", "--strict", str(lesson), cwd=tmp_path, env=clean_env()
    )
    assert code == 1 and err.splitlines()[-1] == "1 warning (--strict)."
    # The seed lesson passes --strict.
    code, out, err = await bot_cli("validate", "--strict", str(PROMPTS), cwd=tmp_path)
    assert (code, err) == (0, "")
