"""Reports, exports and a member's own data: /report, /export, the grade book, the
results chart, /myanswers and /forget.

Read through ``texts.NAME`` (bot/texts/__init__.py), never from here."""

from __future__ import annotations

REPORT_HEADER = (
    "📊 <b>Report: {group}</b>\nLesson: <b>{lesson}</b> · session #{session}, "
    "started {started} ({status})\nParticipants ({count}): {participants}"
)
REPORT_QUESTION = "<b>Q{number}.</b> {prompt}\n{stats}"
REPORT_CHOICE_STATS = "{answered} answered · {right}% right"
REPORT_DEBATE_STATS = "{answered} answered · {split}"
REPORT_SHORT_STATS = "{answered} answered"
REPORT_MISSING = "Not yet: {members}"
REPORT_CHART_CAPTION = "Results of session #{session} in {group}"
REPORT_NO_SESSION = "There is no session in this group yet, so there is nothing to report."
REPORT_SENT = "📬 Sent to you in a private chat."
REPORT_STATUS = {
    "active": "running",
    "paused": "paused",
    "finished": "closed",
    "abandoned": "closed",
}
NEED_PRIVATE_CHAT = (
    "I can only send this to you privately, and you have not started a chat with me yet. "
    "Tap the button, press Start, and it comes right away."
)
OPEN_PRIVATE_BUTTON = "Open a private chat"
ANONYMOUS_CANNOT_RECEIVE = (
    "You are posting as the group (an anonymous admin), so I cannot tell who you are or "
    "send this to you privately. Send the command as yourself: switch off “Remain "
    "anonymous” in your admin rights for a moment."
)
EXPORT_CAPTION = "Responses of {group}: {scope}, {rows} ({fmt})."
EXPORT_TOO_BIG = (
    "The export would be a file of about {size} MB, more than Telegram lets me send (50 MB). "
    "Export the latest session only (/export without “all”), or ask whoever runs this bot for "
    "the full log from the server (<code>python -m bot export</code>)."
)
EXPORT_SCOPE_LATEST = "the latest session"
EXPORT_SCOPE_ALL = "all sessions"
EXPORT_EMPTY = "There are no answers to export yet in {group}."
# /report followed by anything but one homework number (a word, -2, "2 3"), here or in private.
REPORT_USAGE = "Send /report alone, or /report and one homework number, e.g. /report 3."
CHOOSE_GROUP = "Which group?"
# A private /report or /export: the groups to choose from are those with a session or homework.
NO_GROUPS = "You don't moderate any group where I have run a session or set homework."

MY_ANSWERS_NONE = "You have not answered any question yet."
MY_ANSWERS_HEADER = "🗂 <b>Your answers</b>"
MY_ANSWERS_LESSON = "<b>{lesson}</b> — {where}"
MY_ANSWERS_LINE = "• {prompt}\n  → {answer}"
MY_ANSWERS_PRIVATE = "on your own, attempt {attempt}"
MY_ANSWERS_GROUP = "in {group}"
MY_ANSWERS_WITHDRAWN = "(vote withdrawn)"

FORGET_CONFIRM = (
    "This deletes everything I have stored about you, in every chat: your answers, your "
    "lesson progress, the words you looked up and your private chat's data. Group sessions "
    "keep going without your answers. This cannot be undone. Delete everything?"
)
FORGET_YES = "Yes, delete everything"
FORGET_NO = "No, keep it"
FORGET_DONE = "🗑 Done. I deleted {answers}, {walks} and {other} about you."
FORGET_NOTHING = "There is nothing (left) stored about you."
FORGET_KEPT = "Nothing was deleted."

# The grade book's sheets and headings (bot/gradebook.py).
GRADEBOOK_STUDENTS = "Students"
GRADEBOOK_QUESTIONS = "Questions"
GRADEBOOK_ANSWERS = "Answers"
GRADEBOOK_STUDENT_COLUMNS = (
    "Name",
    "Username",
    "Session",
    "Lesson",
    "Right (choice)",
    "Choice questions",
)
GRADEBOOK_TEACHER_COLUMNS = ("Points", "Comment")
GRADEBOOK_QUESTION_COLUMNS = (
    "Lesson",
    "Question",
    "Type",
    "Prompt",
    "Right answer or model answer",
    "Answered",
    "Right",
    "Share right",
)
GRADEBOOK_WITHDRAWN = "(vote withdrawn)"
GRADEBOOK_EDITED_NOTE = (
    "Changed after the bot had shown its feedback (right answer or model answer)."
)
GRADEBOOK_TIME_HEADING = "answered_at (UTC)"
GRADEBOOK_TIME_NOTE = (
    "Times are in UTC: groups have no time zone setting yet. Excel shows them as they are."
)

# /export's words (bot/handlers/reports.py, bot/deliveries.py).
EXPORT_USAGE = (
    "Use /export with any of: <b>csv</b> (the default), <b>jsonl</b>, <b>xlsx</b> (a grade "
    "book for Excel), <b>all</b> (every session, not just the latest), <b>history</b> (every "
    "version of every answer). For example: /export xlsx all\n<b>lookups</b> exports the words "
    "members looked up with 📖 Words instead, as csv or jsonl: /export lookups"
)
# /export 3: a homework's number, whose results are /report's (its usage follows).
EXPORT_HOMEWORK_HINT = "For homework #{id}'s results, send /report {id}."
EXPORT_SCOPE_HISTORY = ", every version"
EXPORT_FILE_ALL_SESSIONS = "all sessions"
# /export lookups: the glossary lookups made in the group (📖 Words), as the CLI's --lookups.
EXPORT_FILE_LOOKUPS = "looked-up words"
EXPORT_LOOKUPS_CAPTION = "Words looked up in {group} (📖 Words): {rows} ({fmt})."
EXPORT_LOOKUPS_EMPTY = "Nobody has looked up a word in {group} yet (📖 Words under a part)."

# --- /forget while another program reads the database (issue 19, item 2) -----------------

# The rows are deleted, but the database's log still holds a copy until the reader (a
# backup, an export) is done: the bot clears it then, by itself.
FORGET_DONE_LOG_LATER = (
    "🗑 I deleted {answers}, {walks} and {other} about you. A copy stays in the database's "
    "log while a backup or export is reading it; it will be cleared shortly."
)

# --- the report for grading: a block per student (issue 13, gap) ---------------------------

REPORT_QUESTION_LABELLED = "<b>{label}.</b> {prompt}\n{stats}"
REPORT_STUDENTS_HEADER = "👥 <b>Students</b>"
REPORT_STUDENT = "👤 <b>{name}</b> — choice questions: {right}/{of} right · {typed}"
REPORT_STUDENT_MISSED = "Missed: {labels}"
REPORT_TYPED_ANSWER = "✍️ <b>{label}</b> {prompt} <i>({when}{check})</i>"
REPORT_TYPED_STANCE = "Stance: <b>{stance}</b>"
REPORT_SELF_CHECK = ", self-check: {label}"
# Self-checks are asked only under a model answer in a private lesson: never in a group's
# session, even when a member answers its question privately through the link.
REPORT_SELF_CHECK_WHERE = (
    "ℹ️ Self-checks (Got it / Partly / Missed it) are asked only in private lessons, so a "
    "group session has none. Students see theirs in /myanswers; you find them in the "
    "export's <code>self_check</code> column (/export, 2 got it, 1 partly, 0 missed it)."
)
MY_ANSWERS_SELF_CHECK = "self-check: {label}"

# A question as students saw it, in reports, the grade book and exports: "Part 1 · Q3".
QUESTION_LABEL = "{part} · Q{number}"
LABEL_PART = "Part {part}"
LABEL_DISCUSSION = "Discussion"
# The results chart (bot/chart.py).
CHART_PARTICIPANTS = "Participants: {count}"
CHART_QUESTION = "Q{number}. {prompt}"
CHART_NO_ANSWERS = "no answers yet"
CHART_RIGHT = "{share}% right"
CHART_WRONG = "{share}% wrong"
