"""The dashboard's item analysis on answers made up for it: facility, discrimination by
thirds, the flags, the distractor chosen most, the grid's marks and its two orders."""

from __future__ import annotations

from bot import analysis
from bot.lessons import Lesson
from bot.storage import StoredAnswer

LESSON = Lesson.model_validate(
    {
        "id": "l",
        "title": "L",
        "source": {"publisher": "P", "date": "2024-01-02"},
        "sections": [
            {
                "title": "S",
                "text": "T.",
                "questions": [
                    {
                        "id": "easy",
                        "type": "choice",
                        "prompt": "Easy?",
                        "options": ["Right", "Wrong", "Odd"],
                        "answer": "Right",
                    },
                    {
                        "id": "trap",
                        "type": "choice",
                        "prompt": "Trap?",
                        "options": ["Right", "Wrong"],
                        "answer": "Right",
                    },
                ],
            }
        ],
        "discussion": [{"id": "d", "type": "debate", "prompt": "D?"}],
    }
)


def _answer(
    n: int, user: int, question: str, pick: int | None = None, **extra: object
) -> StoredAnswer:
    fields: dict[str, object] = {
        "id": n,
        "walk_id": 1,
        "chat_id": -1,
        "user_id": user,
        "display_name": f"U{user}",
        "username": None,
        "lesson_id": "l",
        "lesson_version": LESSON.version,
        "attempt": 1,
        "question_id": question,
        "question_type": "choice" if pick is not None else "debate",
        "option_indexes": () if pick is None else (pick,),
        "answer_text": None,
        "is_correct": None if pick is None else pick == 0,
        "stance": None,
        "retracted": False,
        "via": "button",
        "version": 1,
        "answered_at": "2026-12-01T10:00:00.000Z",
    }
    fields.update(extra)
    return StoredAnswer(**fields)  # type: ignore[arg-type]


def test_item_analysis() -> None:
    answers: list[StoredAnswer] = []
    # U1..U6 on the easy one: U1-U4 right, U5 and U6 wrong (U6 chose the odd one).
    for user, pick in ((1, 0), (2, 0), (3, 0), (4, 0), (5, 1), (6, 2)):
        answers.append(_answer(len(answers) + 1, user, "easy", pick))
    # The trap: only the weakest (U5, U6) get it right.
    for user, pick in ((1, 1), (2, 1), (3, 1), (4, 1), (5, 0), (6, 0)):
        answers.append(_answer(len(answers) + 1, user, "trap", pick))
    answers.append(_answer(99, 1, "d", stance="Agree", answer_text="yes"))
    answers.append(_answer(100, 2, "d", stance="Disagree", retracted=True))
    cols = analysis.columns(LESSON)
    easy, trap, debate = analysis.items(LESSON, cols, answers)
    assert isinstance(easy, analysis.ChoiceItem) and isinstance(trap, analysis.ChoiceItem)
    assert easy.facility == 4 / 6 and not easy.hard
    assert [o.count for o in easy.options] == [4, 1, 1]
    assert easy.options[0].right and not easy.options[1].right
    # Scores: U1-U4 1, U5 1, U6 1: all tie, thirds by id: top U1 U2, bottom U5 U6.
    assert easy.discrimination == 1.0
    assert trap.facility == 2 / 6
    assert trap.discrimination == -1.0 and trap.inverted
    assert trap.top_distractor == "Wrong"
    assert isinstance(debate, analysis.DebateItem)
    assert debate.split[0] == ("Agree", 1, 1.0), "a withdrawn stance is no stance"
    assert [stance for stance, _ in debate.reasons] == ["Agree"]


def test_hard_flag_and_too_few_students() -> None:
    answers = [_answer(1, 1, "easy", 1), _answer(2, 2, "easy", 1), _answer(3, 3, "easy", 0)]
    (easy, *_) = analysis.items(LESSON, analysis.columns(LESSON), answers)
    assert isinstance(easy, analysis.ChoiceItem)
    assert easy.hard is False and easy.facility == 1 / 3  # exactly a third: not below 30 %
    answers.append(_answer(4, 4, "easy", 2))
    (easy, *_) = analysis.items(LESSON, analysis.columns(LESSON), answers)
    assert isinstance(easy, analysis.ChoiceItem) and easy.hard  # 1 of 4
    two = analysis.items(LESSON, analysis.columns(LESSON), answers[:2])[0]
    assert isinstance(two, analysis.ChoiceItem) and two.discrimination is None


def test_grid_marks_and_orders() -> None:
    answers = [
        _answer(1, 2, "easy", 0, display_name="Bea"),
        _answer(2, 2, "trap", 0, display_name="Bea"),
        _answer(3, 1, "easy", 1, display_name="Al"),
        _answer(4, 1, "d", stance="Not sure", answer_text="hm", display_name="Al"),
    ]
    cols = analysis.columns(LESSON)
    assert [c.short for c in cols] == ["1.1", "1.2", "D1"]
    by_name = analysis.grid(cols, answers)
    assert [r.name for r in by_name.rows] == ["Al", "Bea"]
    assert [c.mark for c in by_name.rows[0].cells] == ["✗", "·", "N"]
    assert [c.mark for c in by_name.rows[1].cells] == ["✓", "✓", "·"]
    by_score = analysis.grid(cols, answers, "score")
    assert [r.name for r in by_score.rows] == ["Bea", "Al"]
    assert by_score.rows[0].right == 2 and by_score.choices == 2


def test_grid_cells_are_escaped_and_long_titles_clipped() -> None:
    """The grid's cells are built as HTML in one piece (a big group's grid, quickly): every
    value escaped, a typed answer's tooltip cut at TITLE_LIMIT (in full on its pages)."""
    from bot.web.dashboard.pages import TITLE_LIMIT, grid_cells

    long = "<b>x</b> " + "y" * 300
    html = str(
        grid_cells(
            (
                analysis.Cell("typed", "✍", long),
                analysis.Cell("stance", "A", 'Agree "so"'),
                analysis.Cell("none", "·"),
            )
        )
    )
    assert html.startswith('<td class="cell typed" title="&lt;b&gt;x&lt;/b&gt; yyy')
    assert "<b>" not in html and "y" * 300 not in html
    assert "y" * (TITLE_LIMIT - len("<b>x</b> ")) + "…" in html
    assert '<td class="cell stance" title="Agree &#34;so&#34;">A</td>' in html
    assert html.endswith('<td class="cell none">·</td>')
