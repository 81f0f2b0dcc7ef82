"""The lesson contract: typed models of a lesson file.

Loading YAML with line marks and reporting authoring mistakes lives in the rest of
``bot.lessons``; this module only says what a valid lesson is.
"""

from __future__ import annotations

import datetime as dt
from functools import cached_property
from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

# Telegram's limits for quiz polls (Bot API sendPoll); a choice question must fit them.
POLL_QUESTION_MAX = 300
POLL_OPTION_MAX = 100
POLL_EXPLANATION_MAX = 200
POLL_OPTIONS_MAX = 12
POLL_OPTIONS_MIN = 2

# Slugs travel inside callback data (at most 64 bytes), so they are kept short.
SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
SLUG_MAX = 32
DEFAULT_STANCES = ("Agree", "Disagree", "Not sure")

# How a choice question is asked in a group: a native quiz poll (the default, where
# Telegram allows it) or buttons under a message.
ChoiceStyle = Literal["poll", "buttons"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


Slug = Annotated[str, Field(pattern=SLUG_PATTERN, max_length=SLUG_MAX)]
# A typed question (and its model answer) is shown in one Telegram message with a header:
# kept well under the 4096-character limit; longer reading belongs in a section.
PROMPT_MAX = 1000
Prompt = Annotated[str, Field(min_length=1, max_length=PROMPT_MAX)]
# Titles head messages, menus and report lines.
TITLE_MAX = 200
Title = Annotated[str, Field(min_length=1, max_length=TITLE_MAX)]
Text = Annotated[str, Field(min_length=1)]


def _not_a_number(value: object) -> object:
    """pydantic reads a number as a Unix timestamp: 'date: 0' would be 1970-01-01."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise PydanticCustomError("date_type", "a date, not a number")
    return value


class Source(_Strict):
    publisher: Text
    kind: Text = "editorial"
    date: Annotated[dt.date, BeforeValidator(_not_a_number)]
    url: Text | None = None


class ChoiceQuestion(_Strict):
    id: Slug
    type: Literal["choice"]
    prompt: Annotated[str, Field(min_length=1, max_length=POLL_QUESTION_MAX)]
    options: Annotated[
        tuple[Annotated[str, Field(min_length=1, max_length=POLL_OPTION_MAX)], ...],
        Field(min_length=POLL_OPTIONS_MIN, max_length=POLL_OPTIONS_MAX),
    ]
    # The right option by its text, or several texts where several are right.
    answer: Text | tuple[Text, ...]
    explanation: Annotated[str, Field(min_length=1, max_length=POLL_EXPLANATION_MAX)] | None = None
    style: ChoiceStyle | None = None  # overrides the lesson's style for this question
    shuffle: bool | None = None  # overrides the lesson's shuffle (False: the written order)

    @property
    def correct_options(self) -> tuple[str, ...]:
        return (self.answer,) if isinstance(self.answer, str) else self.answer

    def is_correct(self, option_index: int) -> bool:
        return self.options[option_index] in self.correct_options


class ShortQuestion(_Strict):
    id: Slug
    type: Literal["short"]
    prompt: Prompt
    model_answer: Prompt | None = None


class DebateQuestion(_Strict):
    id: Slug
    type: Literal["debate"]
    prompt: Prompt
    stances: Annotated[
        tuple[Annotated[str, Field(min_length=1, max_length=POLL_OPTION_MAX)], ...],
        Field(min_length=2, max_length=POLL_OPTIONS_MAX),
    ] = DEFAULT_STANCES
    # Issue 14: the stance asked once more before the reading (to see who changes their
    # mind), and the strongest argument for the other side asked after the reason (true,
    # or the question to ask in its place).
    ask_before: bool = False
    counter: bool | Prompt = False

    @property
    def counter_prompt(self) -> str | None:
        """The lesson's own counter question, if it words one (else the bot's words)."""
        return self.counter if isinstance(self.counter, str) else None

    @property
    def asks_counter(self) -> bool:
        return self.counter is not False


Question = Annotated[ChoiceQuestion | ShortQuestion | DebateQuestion, Field(discriminator="type")]
_QUESTION_MODELS: tuple[type[BaseModel], ...] = (ChoiceQuestion, ShortQuestion, DebateQuestion)
# The question types in the order messages list them: choice, short, debate.
QUESTION_TYPES: tuple[str, ...] = tuple(
    str(get_args(model.model_fields["type"].annotation)[0]) for model in _QUESTION_MODELS
)


class Section(_Strict):
    title: Title
    text: Text
    questions: tuple[Question, ...] = ()


# A glossary entry's texts: a term and its forms are short (they are matched in the text and
# head the entry); a definition and an example are a sentence or two (an entry is one block
# of a message, several to a message).
TERM_MAX = 60
DEFINITION_MAX = 300
EXAMPLE_MAX = 500
Term = Annotated[str, Field(min_length=1, max_length=TERM_MAX)]


class GlossaryEntry(_Strict):
    """A word of the text explained as used there: ``forms`` are the other spellings or
    inflections to find it by; ``translations`` maps a language code ("ko") to the word in
    that language; ``example`` is a sentence of the text."""

    term: Term
    definition: Annotated[str, Field(min_length=1, max_length=DEFINITION_MAX)]
    forms: tuple[Term, ...] = ()
    translations: dict[str, Annotated[str, Field(min_length=1, max_length=TERM_MAX * 2)]] = Field(
        default_factory=dict
    )
    example: Annotated[str, Field(min_length=1, max_length=EXAMPLE_MAX)] | None = None

    def __hash__(self) -> int:  # frozen, but a dict is not hashable: its items are
        return hash((self.term, self.definition, self.forms, tuple(self.translations.items())))

    @property
    def spellings(self) -> tuple[str, ...]:
        """The term and its forms: what is looked for in the text."""
        return (self.term, *self.forms)

    def translation(self, language: str | None) -> str | None:
        return self.translations.get(language) if language else None


def _unshuffled(questions: Any) -> Any:
    if not isinstance(questions, list):
        return questions
    return [
        {**q, "shuffle": False}
        if isinstance(q, dict) and q.get("type") == "choice" and "shuffle" not in q
        else q
        for q in questions
    ]


class Lesson(_Strict):
    id: Slug
    title: Title
    source: Source
    sections: Annotated[tuple[Section, ...], Field(min_length=1)]
    discussion: tuple[Question, ...] = ()
    style: ChoiceStyle = "poll"  # how choice questions are asked in groups
    shuffle: bool = True  # choice options in a shuffled order (stable per student and post)
    glossary: tuple[GlossaryEntry, ...] = ()  # words of the text, behind each part's Words
    # Filled by the loader, not by authors: a hash of the file's bytes, so that every
    # answer records which version of the lesson it was given against.
    version: str = Field(default="", exclude=True)

    @model_validator(mode="before")
    @classmethod
    def _lesson_shuffle_to_questions(cls, data: Any) -> Any:
        """'shuffle: false' on the lesson is said on each choice question that does not say
        otherwise, so that a question alone tells how its options are shown."""
        if not isinstance(data, dict) or data.get("shuffle") is not False:
            return data
        data = dict(data)
        sections = data.get("sections")
        if isinstance(sections, list):
            data["sections"] = [
                {**s, "questions": _unshuffled(s["questions"])}
                if isinstance(s, dict) and "questions" in s
                else s
                for s in sections
            ]
        if "discussion" in data:
            data["discussion"] = _unshuffled(data["discussion"])
        return data

    def questions(self) -> list[Question]:
        found: list[Question] = [q for s in self.sections for q in s.questions]
        found.extend(self.discussion)
        return found

    def asks_with_buttons(self, question: ChoiceQuestion) -> bool:
        """In a group: buttons where the lesson asks for them or a quiz poll cannot be used
        (a quiz poll has exactly one right option)."""
        style = question.style or self.style
        return style == "buttons" or len(question.correct_options) != 1

    def shuffles(self, question: ChoiceQuestion) -> bool:
        """Whether the question's options are shown shuffled (the question's word wins)."""
        return self.shuffle if question.shuffle is None else question.shuffle

    def question(self, question_id: str) -> Question | None:
        return self._questions_by_id.get(question_id)

    @cached_property
    def _questions_by_id(self) -> dict[str, Question]:
        # Every answer looks its question up; a lesson is immutable once loaded.
        return {q.id: q for q in self.questions()}
