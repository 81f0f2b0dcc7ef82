"""`python -m bot new` (a lesson drafted from an article) and `python -m bot preview` (a lesson
as its readers will see it), through the command line.

Regenerate the preview's golden files after an intended change with
``UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_lesson_tools.py`` and read the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.lesson_tools.draft import group_paragraphs
from bot.lesson_tools.readability import measure
from bot.lessons.load import load_lessons
from tests.bot_process import bot_cli, clean_env
from tests.conftest import REPO

FIXTURES = REPO / "tests" / "fixtures"
GOLDEN = REPO / "tests" / "golden"
SAMPLE = FIXTURES / "preview-lesson.yaml"
NO_QUESTIONS = "warning: this section has no questions"

HEADLINE = "Town votes to mend the old stone bridge"
PARAGRAPHS = [
    f"Paragraph {n}: the council met on a wet evening, and {'many ' * (n * 7)}people spoke"
    " about the bridge, the market and the road. Some wanted it mended; others said: wait!"
    for n in range(1, 10)
]
PARAGRAPHS[3] = "A line kept as written\nwith its own line break #3, and a tab\there."


async def new(tmp_path: Path, *args: str) -> tuple[int, str, str]:
    return await bot_cli("new", *args, cwd=tmp_path, env=clean_env(PYTHONPATH=str(REPO)))


async def test_new_drafts_a_lesson_that_validates_with_the_text_verbatim(tmp_path: Path) -> None:
    article = tmp_path / "bridge.txt"
    article.write_text("\n\n".join([HEADLINE, *PARAGRAPHS]) + "\n", encoding="utf-8")
    code, out, err = await new(
        tmp_path, str(article), "--publisher", "The Valley Times", "--date", "2026-03-14"
    )
    lesson_file = tmp_path / "prompts" / "town-votes-to-mend-the-old-stone.yaml"
    assert code == 0, err
    assert out.startswith(f"Wrote {Path('prompts') / lesson_file.name}: ")
    catalog, problems = load_lessons([lesson_file])
    assert problems == []
    (lesson,) = catalog.lessons
    assert lesson.title == HEADLINE
    assert (lesson.source.publisher, lesson.source.date.isoformat()) == (
        "The Valley Times",
        "2026-03-14",
    )
    assert 3 <= len(lesson.sections) <= 6
    texts = [p for s in lesson.sections for p in s.text.rstrip("\n").split("\n\n")]
    assert texts == PARAGRAPHS
    # The warnings (printed, one a section) point at what is left to write.
    assert [w.message.split(":")[0] for w in catalog.warnings] == [
        "this section has no questions"
    ] * len(lesson.sections)
    assert err.count(NO_QUESTIONS) == len(lesson.sections)
    # The sections are of similar length.
    words = [len(s.text.split()) for s in lesson.sections]
    assert max(words) < 2.5 * min(words), words
    # The templates are there, commented out.
    written = lesson_file.read_text(encoding="utf-8")
    assert "#   - id: part-1-choice" in written and "# discussion:" in written


async def test_new_never_overwrites_without_force(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text("First paragraph of the piece.\n\nSecond one.\n", encoding="utf-8")
    out_file = tmp_path / "lesson.yaml"
    out_file.write_text("kept\n", encoding="utf-8")
    code, out, err = await new(tmp_path, str(article), "--out", str(out_file), "--id", "a")
    assert (code, out) == (2, "")
    assert err == (
        f"error: {out_file} already exists: choose another --out, or add --force to replace it\n"
    )
    assert out_file.read_text(encoding="utf-8") == "kept\n"
    code, out, err = await new(tmp_path, str(article), "--out", str(out_file), "--force")
    assert code == 0 and out_file.read_text(encoding="utf-8").count("  - title:") == 2
    catalog, problems = load_lessons([out_file])
    assert problems == [] and catalog.lessons[0].id == "a"  # from the file's name


@pytest.mark.parametrize(
    ("content", "args", "message"),
    [
        (None, (), "error: {article}: no such file"),
        (b"caf\xe9\n", (), "error: {article} is not UTF-8 text: save it as UTF-8 in your editor"),
        (b"\n\n", (), "error: {article} has no text: paste the article into it first"),
        (b"Text.\n", ("--date", "8 July"), "error: --date '8 July' is not a date: write it"),
        (b"Text.\n", ("--id", "Bad Id"), "error: 'Bad Id' is not a valid id: use lowercase"),
    ],
)
async def test_new_says_what_is_wrong_in_one_line(
    tmp_path: Path, content: bytes | None, args: tuple[str, ...], message: str
) -> None:
    article = tmp_path / "article.txt"
    if content is not None:
        article.write_bytes(content)
    code, out, err = await new(tmp_path, str(article), *args)
    assert (code, out) == (2, "")
    assert err.startswith(message.format(article=article)) and err.count("\n") == 1
    assert not (tmp_path / "prompts").exists()


async def test_new_on_the_seed_editorial_as_captured(tmp_path: Path) -> None:
    """The editorial with its web page's chrome (the author's to cut) still validates."""
    code, _, err = await new(
        tmp_path, str(FIXTURES / "editorial-2020-07-08.txt"), "--out", str(tmp_path / "e.yaml")
    )
    assert code == 0, err
    catalog, problems = load_lessons([tmp_path / "e.yaml"])
    assert problems == [] and len(catalog.lessons[0].sections) == 3


def test_paragraphs_are_grouped_in_three_to_six_balanced_sections() -> None:
    def sizes(counts: list[int]) -> list[int]:
        groups = group_paragraphs([" ".join(["w"] * n) for n in counts])
        return [sum(len(p.split()) for p in group) for group in groups]

    assert sizes([10, 50, 40, 30, 80, 20, 25]) == [100, 110, 45]
    assert len(sizes([100] * 30)) == 6  # 3,000 words: at most six sections
    assert sizes([5, 5]) == [5, 5]  # fewer paragraphs than three: one section each


def test_readability_counts_words_sentences_and_grades() -> None:
    easy = measure("The cat sat on the mat. The dog ran to the park. We all had fun there.")
    hard = measure(
        "Denuclearization negotiations necessitate comprehensive verification mechanisms"
        " acceptable to international organizations, notwithstanding considerable political"
        " reluctance."
    )
    assert easy.words == 17 and easy.grade is not None and easy.grade < 3
    assert hard.grade is not None and hard.grade > 16
    # 'U.S.' ends no sentence.
    assert measure("The U.S. envoy met the minister in Seoul on a rainy Tuesday.").grade == (
        measure("The US envoy met the minister in Seoul on a rainy Tuesday.").grade
    )
    assert measure("Too short.").grade is None


@pytest.mark.parametrize("audience", ["private", "group"])
async def test_preview_golden(tmp_path: Path, audience: str) -> None:
    code, out, err = await bot_cli(
        "preview", str(SAMPLE), "--as", audience, cwd=tmp_path, env=clean_env(PYTHONPATH=str(REPO))
    )
    assert (code, err) == (0, "")
    golden = GOLDEN / f"preview-{audience}.txt"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(out, encoding="utf-8")
    assert out == golden.read_text(encoding="utf-8")


async def test_preview_of_an_invalid_lesson_lists_its_problems(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(SAMPLE.read_text(encoding="utf-8").replace("prompt:", "promt:", 1))
    code, out, err = await bot_cli("preview", str(broken), cwd=tmp_path)
    assert (code, out) == (1, "")
    assert f"{broken}:17:9: unknown key 'promt' (did you mean 'prompt'?)" in err
    code, out, err = await bot_cli("preview", str(tmp_path / "none.yaml"), cwd=tmp_path)
    assert (code, err) == (2, f"error: {tmp_path / 'none.yaml'}: no such lesson file\n")
