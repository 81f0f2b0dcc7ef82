"""Homework (issue 12): /assign, /assignments, /timezone, the assignment message and its
buttons, deadlines, the close and its report, reminders.

Read through ``texts.NAME`` (bot/texts/__init__.py), never from here."""

from __future__ import annotations

from bot.i18n import Plural

# bot/handlers/assignments.py, bot/homework.py, bot/render/assignments.py.
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
WHEN = "{weekday} {day} {month}, {time}"  # Friday 4 December, 18:00
WHEN_OTHER_YEAR = "{weekday} {day} {month} {year}, {time}"
DAY = "{weekday} {day} {month}"  # Friday 4 December
WHEN_WITH_HINT = "{when} ({hint})"
UNTIL_UNITS = {
    "seconds": Plural("in {n} second", "in {n} seconds"),
    "minutes": Plural("in {n} minute", "in {n} minutes"),
    "hours": Plural("in {n} hour", "in {n} hours"),
    "days": Plural("in {n} day", "in {n} days"),
}
UNTIL_PASSED = "passed"
DEADLINE_EXAMPLES = "For example: /assign fri 18:00, or /assign 3d"
DEADLINE_UNKNOWN = "I can't read “{typed}” as a deadline. " + DEADLINE_EXAMPLES
DEADLINE_NO_SUCH_DATE = "“{typed}” is not a real date or time. " + DEADLINE_EXAMPLES
DEADLINE_PAST = "“{typed}” has already passed ({zone} time). " + DEADLINE_EXAMPLES
DEADLINE_SKIPPED = (
    "{time} does not exist on {day} in {zone}: the clocks jump forward an hour that night. "
    + DEADLINE_EXAMPLES
)
DEADLINE_TOO_FAR = "“{typed}” is more than a year away. " + DEADLINE_EXAMPLES
ASSIGN_USAGE = (
    "Use /assign [lesson] &lt;deadline&gt; [late], e.g. /assign fri 18:00, /assign "
    "2026-12-04 18:00 late, or /assign 3d. “late” takes answers after the deadline too."
)
ASSIGN_WHICH_LESSON = "Which lesson? Put its id first, e.g. /assign {example} fri 18:00\n{ids}"
ASSIGN_LESSON_LINE = "• <code>{id}</code>: {title}"
ASSIGNMENT_POST = (
    "📚 <b>Homework: {lesson}</b>\nDue {when}{late}{counts}\nPress Start: the lesson opens in "
    "your private chat with me, and your answers count for this group."
)
ASSIGNMENT_POST_LATE = "\nLate answers are accepted (and marked late)."
ASSIGNMENT_START_BUTTON = "▶️ Start"
ASSIGNMENTS_NONE = "No open homework here. A moderator gives one with /assign fri 18:00."
ASSIGNMENTS_HEADER = "📚 <b>Open homework</b> (times in {zone})"
ASSIGNMENTS_LINE = "• {lesson}: due {when} · done {done} · started {started}"
HOMEWORK_UNKNOWN = "That homework link is not one I know. Ask your group's teacher for it again."
HOMEWORK_NOT_MEMBER = (
    "This homework is for the members of <b>{group}</b>, and Telegram tells me you are not "
    "one of them. If you have just joined, try again in a minute."
)
HOMEWORK_CLOSED = (
    "This homework closed on {when}. If you need more time, ask {asked}. You "
    "can still read the lesson on your own from /lessons."
)
HOMEWORK_BEGINS = "📚 Homework for <b>{group}</b>, due {when}. Your answers count for the group."
HOMEWORK_SWITCH = (
    "You are in the middle of <b>{current}</b>. Start the homework <b>{lesson}</b> now? "
    "Your answers so far are kept either way."
)
HOMEWORK_SWITCH_BUTTON = "▶️ Start the homework: {lesson}"
HOMEWORK_PAST_DEADLINE = (
    "⏰ The deadline for this homework was {when}: this answer was not recorded. If you need "
    "more time, ask {asked}."
)
HOMEWORK_CLOSED_HEADER = (
    "🏁 <b>Homework closed: {lesson}</b>\nDone {done} · started {started} · participants "
    "{participants}"
)
HOMEWORK_LATE_NOTE = "Late answers are still taken and will be marked late."
# Before results a stop kept from being posted at the close, posted at the next start.
HOMEWORK_RESULTS_DELAYED = (
    "🙏 Sorry, these results come late: the bot was stopped just as this homework closed."
)
# Before a homework's report (to its moderator, privately) a stop cut short at the close,
# sent at the next start from where it was cut.
HOMEWORK_REPORT_DELAYED = (
    "🙏 Sorry, this report comes late: the bot was stopped while it was being sent."
)

# --- managing an assignment (issue 12): its message kept up to date, its buttons ----------

ASSIGNMENT_COUNTS = "\n👥 Done {done} · started {started}"
ASSIGNMENT_POST_CLOSED = "📚 <b>Homework: {lesson}</b>\n🏁 Closed {when}{counts}{late}"
ASSIGNMENT_POST_CLOSED_LATE = "\nLate answers are still taken: press Start."
ASSIGNMENT_EXTEND_BUTTON = "⏰ Extend 1 day"
ASSIGNMENT_CLOSE_BUTTON = "🏁 Close now"
# Pop-ups (plain text, at most 200 characters).
ASSIGNMENT_EXTENDED = "Extended: now due {when}."
ASSIGNMENT_ALREADY_EXTENDED = "The deadline has changed since: it is {when} now."
ASSIGNMENT_CLOSING = "Closing it now: the results follow."
# Close now asks first, in the group (a mis-tap would end the homework for everyone).
ASSIGNMENT_CLOSE_ASK = (
    "🏁 Close the homework <b>{lesson}</b> now? {unfinished} {after}\nIt is due {when}."
)
ASSIGNMENT_CLOSE_UNFINISHED = Plural(
    "{n} member has started it and not finished.", "{n} members have started it and not finished."
)
ASSIGNMENT_CLOSE_STOPS = "Answers sent after the close do not count."
ASSIGNMENT_CLOSE_YES = "🏁 Yes, close"
ASSIGNMENT_CLOSE_CANCEL = "↩️ Cancel"
ASSIGNMENT_CLOSE_KEPT = "↩️ Not closed: <b>{lesson}</b> stays open until {when}."
ASSIGNMENT_CLOSE_DONE = "🏁 Closed before its deadline: the results follow."
# The question, when the homework closed before anyone answered it (its deadline came).
ASSIGNMENT_CLOSE_OVERTAKEN = "🏁 No need to answer: <b>{lesson}</b> has closed already."
ASSIGNMENT_CLOSE_ASKED = "🏁 Already asked: answer the question in the chat, Yes or Cancel."
ASSIGNMENT_ALREADY_CLOSED = "This homework is closed already."
ASSIGNMENT_NOT_HERE = "That button is not for this homework."
# /assign without a lesson id when there are several: the moderator picks one.
ASSIGN_PICK_LESSON = "📚 Which lesson is the homework, due {when}? (for {name})"
ASSIGN_PICKED = "📚 Homework given: <b>{lesson}</b>."
ASSIGN_PICK_GONE = "That choice has expired. Send /assign again."
ASSIGN_PICK_PAST = "That deadline has passed meanwhile, so nothing was given. Send /assign again."
ASSIGN_PICK_NOT_YOURS = "Only {name}, who sent this /assign, can pick its lesson."
# At the close: the full report goes to the moderator who gave the homework, privately.
REPORT_HOMEWORK_HEADER = (
    "📊 <b>Report: {group}</b>\nHomework #{id}: <b>{lesson}</b> · due {deadline} ({status})\n"
    "Done {done} · started {started} · participants ({count}): {participants}\n"
    "Answers after the deadline: {late}"
)
REPORT_HOMEWORK_CHART_CAPTION = "Results of homework #{id} in {group}"
REPORT_HOMEWORK_STATUS = {"open": "open", "closed": "closed"}
REPORT_HOMEWORK_TIMES = "Started {started} · finished {finished}"
REPORT_HOMEWORK_LATE = " · {late} late"
REPORT_HOMEWORK_NOT_FINISHED = "not yet"
# /report's list of a group's homework, under the latest session's report (or alone).
REPORT_HOMEWORK_LIST = "📚 <b>Homework in {group}</b> (full report of one: /report and its number)"
REPORT_HOMEWORK_LINE = (
    "#{id} <b>{lesson}</b> · due {deadline} ({status}) · done {done} · started {started} · "
    "answers: {on_time} on time, {late} late"
)
REPORT_HOMEWORK_UNKNOWN = "This group has no homework #{id}. /report alone lists its homework."
# /report <n> in a private chat: no homework #n in a group this moderator runs.
REPORT_HOMEWORK_NOT_YOURS = (
    "None of the groups you moderate has homework #{id}. /report alone lets you choose a group."
)
HOMEWORK_REPORT_WAITING = (
    "📬 {name}, I could not send you the full report: you have no private chat with me yet. "
    "Press the button and then Start, and it arrives; later, /report {id} here sends it again."
)
TIMEZONE_SHOW = (
    "This group's time zone is <b>{zone}</b> (it is {now} there). Moderators change it with "
    "/timezone Area/City, e.g. /timezone Asia/Seoul"
)
TIMEZONE_SET = "🕒 Time zone set to <b>{zone}</b> (it is {now} there). Deadlines are read in it."
TIMEZONE_UNKNOWN = "“{name}” is not a time zone I know. Did you mean {matches}?"
TIMEZONE_UNKNOWN_NO_MATCH = (
    "“{name}” is not a time zone I know. Use an Area/City name, e.g. /timezone Europe/London"
)
TIMEZONE_OR = " or "

# --- homework reminders (issue 12) ---------------------------------------------------------

REMINDER_STARTED = (
    "⏰ Homework for <b>{group}</b>, due {when}:\n📚 <b>{lesson}</b>\n"
    "You have started it: carry on where you stopped."
)
REMINDER_NOT_STARTED = (
    "⏰ Homework for <b>{group}</b>, due {when}:\n📚 <b>{lesson}</b>\nYou have not started it yet."
)
REMINDER_CONTINUE_BUTTON = "↩️ Continue"
REMINDER_START_BUTTON = "▶️ Start"
REMINDER_MUTE_BUTTON = "🔕 No reminders from this group"
REMINDER_MUTED = "🔕 No more reminders from {group}. Send /reminders to turn them back on."
REMINDER_UNKNOWN_GROUP = "I don't know that group any more."
REMINDER_GROUP = "⏰ <b>{lesson}</b> is due {when}."
REMINDER_GROUP_NAMES = "Not finished yet: {names}"
REMINDER_GROUP_NAMES_CONTINUED = "Not finished yet (continued): {names}"
REMINDER_GROUP_NOT_NAMED = (
    "…and 1 more who has not finished.",
    "…and {n} more who have not finished.",
)
REMINDER_GROUP_UNHEARD = (
    "…and 1 more we have not heard from.",
    "…and {n} more we have not heard from.",
)
REMINDER_GROUP_START = "Press ▶️ Start on the homework message to begin or go on."
REMINDER_SOMEONE = "a member"
REMINDERS_NONE = (
    "🔔 You get homework reminders from all your groups. To stop a group's, press 🔕 under "
    "one of its reminders."
)
REMINDERS_MUTED = (
    "🔕 <b>No homework reminders from:</b>\n{groups}\n\nPress a group to get its reminders again."
)
REMINDERS_MUTED_LINE = "• {group}"
REMINDERS_UNMUTE_BUTTON = "🔔 {group}"
REMINDERS_UNMUTED = "🔔 Reminders from {group} are on again."
REMINDERS_NOT_MUTED = "Reminders from that group are on already."
REMINDERS_UNNAMED_GROUP = "a group"
