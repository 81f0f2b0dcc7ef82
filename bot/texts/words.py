"""The glossary (issue 15): 📖 Words under a part, /words, lookups in the report.

Read through ``texts.NAME`` (bot/texts/__init__.py), never from here."""

from __future__ import annotations

WORDS_BUTTON = "📖 Words ({count})"
WORDS_HEADER = "📖 <b>Words</b> · {lesson}\nPart {part}: <i>{title}</i>"
WORDS_ENTRY = "<b>{term}</b>: {definition}"
WORDS_TRANSLATION = "🌐 {translation}"
WORDS_EXAMPLE = "💬 <i>{example}</i>"
# Pop-ups (at most 200 characters).
WORDS_SENT_PRIVATELY = "📖 I sent this part's words to our private chat."
WORDS_UNAVAILABLE = "This part's words are no longer available: the lesson has changed."
# /words in a private chat.
WORDS_LESSON_HEADER = "📖 <b>Words of {lesson}</b>"
WORDS_LESSON_NONE = "📖 <b>{lesson}</b> has no word list."
WORDS_REVIEW_HEADER = "🔁 <b>Words you looked up</b> (latest first)"
WORDS_REVIEW_LINE = "• <b>{term}</b>{translation}: {definition}"
WORDS_REVIEW_TRANSLATION = " ({translation})"
WORDS_REVIEW_GONE = "no longer in the lesson"
WORDS_NOTHING = (
    "📖 No words yet. Under each part of a lesson, <b>📖 Words</b> explains the hard words "
    "in it; the ones you look up are kept here for review."
)
# The moderator's report: the group's most looked-up words of the session's lesson.
REPORT_WORDS_HEADER = "📖 <b>Most looked-up words</b>"
REPORT_WORDS_LINE = "• <b>{term}</b>: {lookups} by {people}"
REPORT_WORDS_LOOKUPS = ("{n} lookup", "{n} lookups")  # (one, several)
REPORT_WORDS_PEOPLE = ("{n} person", "{n} people")
