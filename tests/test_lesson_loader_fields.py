"""The lesson loader's checks of keys, questions, ids, values and Telegram's limits."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from bot.lessons.load import load_lesson_file
from tests.lesson_loader_support import VALID, assert_problem, only_problem, problems_in, write

# --------------------------------------------------------------------------- keys and fields


def test_unknown_key_with_suggestion(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.replace("options: [Alpha", "optoins: [Alpha"))
    problems = problems_in(path)
    problem = assert_problem(problems, "13:9", "unknown key 'optoins' (did you mean 'options'?)")
    assert "sections[0].questions[0]" in problem.message
    assert_problem(problems, "10:9", "missing required field 'options'")


def test_unknown_key_without_close_match_lists_allowed_keys(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.replace("  date: 2020-07-08", "  date: 2020-07-08\n  zzz: 1"))
    problem = only_problem(path, "6:3", "unknown key 'zzz'")
    assert "date, kind, publisher, url" in problem.message


def test_key_of_another_question_type(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.replace("type: choice", "type: short"))
    problems = problems_in(path)
    assert_problem(problems, "13:9", "unknown key 'options'")
    assert_problem(problems, "14:9", "unknown key 'answer'")


def test_missing_required_field(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.replace("        prompt: Which one?\n", ""))
    problem = only_problem(path, "10:9", "missing required field 'prompt'")
    assert "sections[0].questions[0]" in problem.message


def test_missing_top_level_fields(tmp_path: Path) -> None:
    path = write(tmp_path, "# header\nid: lonely\n")
    problems = problems_in(path)
    for name in ("title", "source", "sections"):
        assert_problem(problems, "2:1", f"missing required field '{name}'")
    assert len(problems) == 3


def test_duplicate_key(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.replace("answer: Alpha", "answer: Alpha\n        answer: Beta"))
    only_problem(path, "15:9", "duplicate key 'answer': it is already given on line 14")


def test_version_is_not_written_by_authors(tmp_path: Path) -> None:
    path = write(tmp_path, VALID + "version: 2\n")
    only_problem(path, "15:1", "'version' is filled in by the bot")


# --------------------------------------------------------------------------- questions


def test_duplicate_question_ids(tmp_path: Path) -> None:
    discussion = """\
        discussion:
          - id: q1
            type: debate
            prompt: Agree?
        """
    path = write(tmp_path, VALID + textwrap.dedent(discussion))
    problem = only_problem(path, "16:9", "question id 'q1' is already used on line 10")
    assert "discussion[0]" in problem.message


def test_duplicate_options(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        VALID.replace("options: [Alpha, Beta]", "options:\n          - Alpha\n          - Alpha"),
    )
    only_problem(path, "15:13", "option 'Alpha' is listed twice (first on line 14)")


def test_duplicate_stances(tmp_path: Path) -> None:
    discussion = """\
        discussion:
          - id: vote
            type: debate
            prompt: Agree?
            stances: [Agree, Disagree, Agree]
        """
    path = write(tmp_path, VALID + textwrap.dedent(discussion))
    only_problem(path, "19:32", "stance 'Agree' is listed twice")


def test_answer_not_among_options(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.replace("answer: Alpha", "answer: Alpah"))
    problem = only_problem(path, "14:17", "the answer 'Alpah' is not one of the options")
    assert "(did you mean 'Alpha'?)" in problem.message
    assert "'Alpha', 'Beta'" in problem.message


def test_answer_list_each_checked(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.replace("answer: Alpha", "answer: [Alpha, Gamma, Delta]"))
    problems = problems_in(path)
    assert len(problems) == 2
    assert_problem(problems, "14:25", "the answer 'Gamma' is not one of the options")
    assert_problem(problems, "14:32", "the answer 'Delta' is not one of the options")


def test_answer_empty_list(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.replace("answer: Alpha", "answer: []"))
    only_problem(path, "14:17", "'answer' is an empty list")


def test_unknown_question_type(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.replace("type: choice", "type: multiple"))
    only_problem(path, "11:15", "unknown question type 'multiple': use choice, short or debate")


def test_missing_question_type(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.replace("        type: choice\n", ""))
    only_problem(path, "10:9", "missing required field 'type' (choice, short or debate)")


def test_question_that_is_not_a_mapping(tmp_path: Path) -> None:
    path = write(tmp_path, VALID + "discussion:\n  - Do you agree?\n")
    only_problem(path, "16:5", "should be a group of 'key: value' lines, not the text")


# --------------------------------------------------------------------------- ids


@pytest.mark.parametrize(
    ("bad_id", "column"),
    [("Test Lesson", 5), ("test_lesson", 5), ("-test", 5), ("a" * 33, 5), ("x--y", 5)],
)
def test_lesson_id_not_a_slug(tmp_path: Path, bad_id: str, column: int) -> None:
    path = write(tmp_path, VALID.replace("id: test-lesson", f"id: {bad_id}"))
    problem = only_problem(path, f"1:{column}", "is not a valid id")
    assert "lowercase letters" in problem.message
    assert "at most 32 characters" in problem.message


def test_question_id_not_a_slug(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.replace("id: q1", "id: Question1"))
    problem = only_problem(path, "10:13", "'Question1' is not a valid id")
    assert "sections[0].questions[0]" in problem.message


# --------------------------------------------------------------------------- Telegram's limits


def test_choice_prompt_too_long(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.replace("prompt: Which one?", "prompt: " + "w" * 301))
    only_problem(
        path, "12:17", "'prompt' is too long: 301 characters, but a Telegram quiz question can"
    )


def test_long_prompt_of_short_question_is_fine(tmp_path: Path) -> None:
    discussion = """\
        discussion:
          - id: long
            type: short
            prompt: PROMPT
        """
    text = VALID + textwrap.dedent(discussion).replace("PROMPT", "w" * 400)
    lesson, problems = load_lesson_file(write(tmp_path, text))
    assert problems == []
    assert lesson is not None


def test_option_too_long(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.replace("Beta]", "B" * 101 + "]"))
    only_problem(
        path, "13:26", "this option is too long: 101 characters, but a Telegram poll option"
    )


def test_explanation_too_long(tmp_path: Path) -> None:
    path = write(tmp_path, VALID + "        explanation: " + "e" * 201 + "\n")
    only_problem(
        path, "15:22", "'explanation' is too long: 201 characters, but a Telegram quiz explanation"
    )


def test_too_many_options(tmp_path: Path) -> None:
    options = ", ".join(f"O{i}" for i in range(13))
    path = write(
        tmp_path,
        VALID.replace("options: [Alpha, Beta]", f"options: [{options}]").replace(
            "answer: Alpha", "answer: O1"
        ),
    )
    only_problem(path, "13:9", "'options' has 13 options, but a Telegram poll can have at most 12")


def test_too_few_options(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.replace("options: [Alpha, Beta]", "options: [Alpha]"))
    only_problem(path, "13:9", "'options' needs at least 2 options, but has 1")


def test_too_few_stances(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        VALID + "discussion:\n  - id: d\n    type: debate\n    prompt: p\n    stances: [Yes!]\n",
    )
    only_problem(path, "19:5", "'stances' needs at least 2 stances, but has 1")


def test_no_sections(tmp_path: Path) -> None:
    text = VALID.split("sections:")[0] + "sections: []\n"
    only_problem(write(tmp_path, text), "6:1", "'sections' needs at least 1 section, but has 0")


def test_prompt_of_a_typed_question_too_long_for_one_message(tmp_path: Path) -> None:
    discussion = """\
        discussion:
          - id: long
            type: debate
            prompt: PROMPT
        """
    text = VALID + textwrap.dedent(discussion).replace("PROMPT", "w" * 1001)
    problems = problems_in(write(tmp_path, text))
    assert len(problems) == 1
    assert "'prompt' is too long: 1001 characters, but a question is posted as one" in (
        problems[0].message
    )
    assert "longer reading belongs in the section's text" in problems[0].message


@pytest.mark.parametrize(
    ("old", "new", "mark"),
    [
        ("title: A test lesson", "title: " + "T" * 201, "2:8"),
        ("  - title: Part one", "  - title: " + "P" * 201, "7:12"),
    ],
)
def test_title_too_long(tmp_path: Path, old: str, new: str, mark: str) -> None:
    path = write(tmp_path, VALID.replace(old, new))
    only_problem(
        path,
        mark,
        "'title' is too long: 201 characters, but a title heads the bot's messages, so it can"
        " have at most 200",
    )


def test_a_hash_in_unquoted_text_is_explained_not_silently_cut(tmp_path: Path, parser: str) -> None:
    # 'question #3' unquoted is 'question': YAML reads ' #' as a comment. It used to validate.
    path = write(tmp_path, VALID.replace("prompt: Which one?", "prompt: Which is claim #3?"))
    problem = only_problem(path, "12:32", "'prompt' stops before '#3?': in YAML a ' #' starts")
    assert 'put the whole text in quotes, like "Which is claim #3?"' in problem.message
    listed = "options:\n          - Alpha #1\n          - Beta"
    option = VALID.replace("options: [Alpha, Beta]", listed)
    only_problem(write(tmp_path, option), "14:19", "this option stops before '#1'")
    # A comment written as comments are ('# ' with a space) is taken as meant.
    commented = VALID.replace("prompt: Which one?", "prompt: Which one?   # ask it plainly")
    assert load_lesson_file(write(tmp_path, commented))[1] == []


def test_an_answer_named_twice_is_reported(tmp_path: Path, parser: str) -> None:
    # Counted twice, it made the question 'several answers are right' in Telegram.
    path = write(tmp_path, VALID.replace("answer: Alpha", "answer: [Alpha, Alpha]"))
    only_problem(path, "14:25", "the answer 'Alpha' is listed twice: name each right option once")


def test_a_style_typo_names_the_styles(tmp_path: Path, parser: str) -> None:
    # Was pydantic's "Input should be 'poll' or 'buttons'".
    path = write(
        tmp_path, VALID.replace("title: A test lesson", "title: A test lesson\nstyle: Button")
    )
    only_problem(
        path, "3:8", "'style' must be poll or buttons, not 'Button' (did you mean 'buttons'?)"
    )


@pytest.mark.parametrize("number", ["0", "86400"])
def test_a_number_is_not_a_date(tmp_path: Path, parser: str, number: str) -> None:
    # pydantic took a number for a Unix timestamp: 'date: 0' was 1 January 1970.
    path = write(tmp_path, VALID.replace("date: 2020-07-08", f"date: {number}"))
    only_problem(path, "5:9", "'date' should be a date written like 2020-07-08")


def test_an_answer_given_as_the_options_number_is_told_to_use_its_text(
    tmp_path: Path, parser: str
) -> None:
    # Was "`2` would be read as the number 2 … put it in quotes", which only led to the next
    # error ('2' is not one of the options).
    path = write(tmp_path, VALID.replace("answer: Alpha", "answer: 2"))
    only_problem(path, "14:17", "'answer' is the right option's text, not its number")
    assert 'for option 2 write answer: "Beta"' in problems_in(path)[0].message
    path = write(tmp_path, VALID.replace("answer: Alpha", "answer: 7"))  # no option 7
    only_problem(path, "14:17", "`7` would be read as the number 7, not text")


@pytest.mark.parametrize("spaced", ['"Alpha "', '"Alpha\\u00a0"', "'Al  pha'"])
def test_an_answer_off_only_by_spaces_says_so(tmp_path: Path, parser: str, spaced: str) -> None:
    # Was "'Alpha' is not one of the options (did you mean 'Alpha'?)": the same text twice.
    options = VALID.replace("options: [Alpha, Beta]", "options: [Alpha, Beta, Al pha]")
    path = write(tmp_path, options.replace("answer: Alpha", f"answer: {spaced}"))
    only_problem(path, "14:17", "differs from the option")


def test_a_tab_inside_a_sentence_is_not_called_indentation(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.replace("prompt: Which one?", "prompt: Which\tone?"))
    problem = only_problem(path, "12:22", "a tab character inside the line")
    assert "replace it with a space, or put the text in quotes" in problem.message


def test_a_question_without_its_dash_is_one_clear_problem(tmp_path: Path, parser: str) -> None:
    # Its keys ran into the question before: four messages about duplicate and unknown keys.
    second = (
        "        answer: Alpha\n"
        "        id: q2\n"
        "        type: short\n"
        "        prompt: Why?\n"
        "        model_answer: Because.\n"
    )
    path = write(tmp_path, VALID.replace("        answer: Alpha\n", second))
    only_problem(path, "15:9", "a new question starts here without its '- ': write '- id: …'")
