"""Every word the bot says, in one place.

Templates are HTML (Telegram's subset). Placeholders are filled by ``bot.render``, which
escapes every value that comes from a lesson or a user before it goes in.
"""

from __future__ import annotations

from bot.i18n import Plural, translate_module

# Read as ``texts.NAME``, each text is in the reader's language: see bot/i18n.py for how to
# add one (English here, its Korean in bot/locales/ko.po) and how to speak to another chat.

WELCOME = (
    "👋 <b>Welcome to Editorial Discussion!</b>\n\n"
    "I walk you through a newspaper editorial part by part. After each part I ask a few "
    "questions — pick an option or type your answer — and at the end you get a summary. "
    "Every answer is saved, so you can stop at any time and carry on later."
)
WELCOME_BACK = (
    "👋 <b>Welcome back!</b> You are in the middle of <b>{lesson}</b> — here is where you stopped:"
)
LESSON_IN_PROGRESS = (
    "You are in this lesson already. Send /progress to see where you are, or /restart to "
    "begin it again."
)
SWITCH_LESSON = (
    "You are in the middle of <b>{current}</b>. Beginning <b>{other}</b> closes it: you "
    "would take it again from the top (the answers you gave are kept)."
)
SWITCH_BUTTON = "▶️ Begin {lesson}"
RESUME_BUTTON = "↩️ Go on with {lesson}"
CHOOSE_LESSON = "📚 <b>Lessons</b> — pick one to begin:"
ONE_LESSON = "📚 Today's lesson: <b>{lesson}</b>"
NO_LESSONS = "There are no lessons yet. Ask the person who runs this bot to add one."
LESSON_BUTTON = "{title}"
BEGIN_BUTTON = "▶️ Begin"
CONTINUE_BUTTON = "Continue ▸"
SUBMIT_BUTTON = "✔️ Submit my choice"
AGAIN_BUTTON = "🔁 Start again"
OTHER_LESSONS_BUTTON = "📚 Lessons"

# What a student reads on one phone screen (tests/test_command_menus.py measures it); the
# moderators' commands are in their own menus, and in the group's /help.
HELP = (
    "<b>How this works</b>\n"
    "I send an editorial in parts: read each, press <i>Continue</i>, then answer (tap an "
    "option, or type). Debates ask a stance, then why.\n\n"
    "/start — pick up where you stopped\n"
    "/lessons — choose a lesson\n"
    "/progress — where you are\n"
    "/restart — this lesson again\n"
    "/myanswers — all your answers\n"
    "/words — the lesson's words\n"
    "/settings — who sees your reasons\n"
    "/forget — delete all I keep on you\n"
    "/reminders — reminders you muted\n"
    "/language — English or 한국어\n\n"
    "<b>Groups</b>: add me to one; an admin runs sessions there (/begin, /next) and gets the "
    "results privately (/report, /export)."
)
# A student's menu in a private chat; the moderators of BOT_MODERATOR_IDS get
# MODERATOR_COMMANDS there instead.
COMMANDS: tuple[tuple[str, str], ...] = (
    ("start", "Welcome, or continue where you left off"),
    ("lessons", "Choose a lesson"),
    ("progress", "Where am I?"),
    ("restart", "Start the current lesson again"),
    ("myanswers", "The answers you have given"),
    ("words", "Words of the lesson, and those you looked up"),
    ("settings", "Whether others see your reasons"),
    ("forget", "Delete everything stored about you"),
    ("reminders", "Homework reminders you muted"),
    ("language", "My language: English or 한국어"),
    ("help", "How this bot works"),
)

SECTION_HEADER = "<b>{lesson}</b>\n📖 Part {part} of {parts} · <i>{title}</i>"
SECTION_CONTINUED = " (continued)"
SOURCE_LINE = "<i>{kind}, {publisher}, {date}</i>"

QUESTION_HEADER = "❓ <b>Question {number} of {of}</b> · Part {part}"
DISCUSSION_HEADER = "💬 <b>Discussion {number} of {of}</b>"
CHOOSE_ONE = "Choose one answer:"
CHOOSE_SEVERAL = "Several answers are right: tick them all, then submit."
TYPE_ANSWER = "✍️ Type your answer as a message."
# Options too long for a phone's buttons are listed in full; the buttons are their letters.
LETTERED_OPTION = "<b>{letter}.</b> {option}"
CHOOSE_ONE_LETTER = "Choose one answer: tap its letter, or type it."
CHOOSE_SEVERAL_LETTERS = (
    "Several answers are right: tick their letters, then submit (or type them all, like A C)."
)
NOT_AN_OPTION = "Tap your answer above, or type its letter ({first} to {last})."
NOT_OPTIONS = (
    "Tick your answers above and submit, or type all their letters ({first} to {last}), like A C."
)
PICK_STANCE = "Where do you stand? Pick one, then I'll ask why."

YOUR_ANSWER = "Your answer: <b>{answer}</b>"
RIGHT = "✅ Right!"
WRONG_SHORT = "❌ Not quite."
WRONG = "❌ Not quite. The right answer: <b>{right}</b>"
WRONG_SEVERAL = "❌ Not quite. The right answers: <b>{right}</b>"
EXPLANATION = "💡 {explanation}"
ANSWER_RECORDED = "✍️ Saved your answer."  # a neutral mark: saved is not "right"
ANSWER_UPDATED = "✏️ Updated your answer (the earlier version is kept too)."
ANSWER_REPLACED = "✏️ Updated your answer (it replaces your latest version)."
MODEL_ANSWER = "📝 A model answer: <i>{model_answer}</i>"
YOUR_STANCE = "Your stance: <b>{stance}</b>"
ASK_REASON = "🗣 Your stance: <b>{stance}</b>\nWhy? Type your reason as a message."
REASON_RECORDED = "✍️ Saved your stance and your reason."

SUMMARY_HEADER = "🏁 <b>You finished {lesson}!</b>"
SUMMARY_SCORE = "Score on choice questions: <b>{right} of {total}</b>"
SUMMARY_NO_CHOICE = "This lesson had no choice questions."
SUMMARY_ANSWERS = "<b>Your answers</b>"
SUMMARY_LINE = "• {prompt}\n  → {answer}"
SUMMARY_NOT_ANSWERED = "(not answered)"
SUMMARY_WHAT_NEXT = "Start again, or pick another lesson."

PROGRESS = (
    "📍 <b>{lesson}</b> (attempt {attempt})\n{where}\nAnswered so far: {answered} of {questions}"
)
PROGRESS_READING = "Reading part {part} of {parts}."
PROGRESS_QUESTION = "Question {number} of {of} after part {part} of {parts}."
PROGRESS_DISCUSSION = "Discussion question {number} of {of}."
PROGRESS_DONE = "Finished."
NO_PROGRESS = "You have no lesson in progress. Send /lessons to pick one."
NOTHING_TO_RESTART = "There is nothing to restart yet. Send /lessons to pick a lesson."

HINT_NOT_WAITING = (
    "I'm not waiting for a typed answer right now. Use the buttons above, "
    "or send /progress to see where you are."
)
UNKNOWN_COMMAND = "I don't know that command. Send /help to see what I can do."
GROUP_ONLY_COMMAND = (
    "/{command} is for a study group: add me to your group and send it there. "
    "Send /help to see what works here."
)
PRIVATE_ONLY_COMMAND = (
    "/{command} works in a private chat with me: open it below and send it there."
)
HINT_IDLE = "Send /lessons to pick a lesson, or /help to see how this works."
HINT_TEXT_ONLY = "I can only save typed text as an answer. Please type your answer as a message."
SENT_BEFORE_QUESTION = (
    "That was sent before this question appeared, so I did not save it as its answer. To "
    "add to your last answer, edit that message."
)
REPLY_TO_EARLIER = (
    "That reply is to an earlier question, so I did not save it (to change an answer you "
    "typed, edit that message). The question now is: <b>{prompt}</b>"
)
HINT_PICK_STANCE_FIRST = "Pick your stance with the buttons above first, then tell me why."

ALREADY_ANSWERED = "You already answered this question."
STANCE_ALREADY_PICKED = (
    "You already picked your stance: {stance} Now type your reason as a message."
)
EDIT_TOO_LATE = "That lesson attempt is over, so your answer stays as it was."
STALE_BUTTON = "That button belongs to an earlier step. Send /progress to see where you are."
CLOSED_BUTTON = "That lesson attempt is over. Send /lessons to begin again."
EARLIER_ATTEMPT_BUTTON = (
    "That button is from an earlier attempt. Send /progress to see where you are now."
)
UNKNOWN_BUTTON = "Sorry, I don't recognise that button any more."
UNKNOWN_LESSON = "That lesson is no longer available. Send /lessons to see what there is."
PICKED_TICK = "☑️ {option}"
UNPICKED_TICK = "⬜ {option}"
PICK_AT_LEAST_ONE = "Tick at least one option first."
SOMETHING_WENT_WRONG = "Sorry, something went wrong on my side. Please try again in a moment."
ANSWER_TOO_LATE = "Too late: that question closed just now, so this answer was not recorded."
TRY_AGAIN_BUSY = "⏳ I couldn't save that just now (the database was busy). Please try again."
NOT_RECORDED = (
    "⚠️ Sorry, my database is not working right now: what you just sent was NOT saved. "
    "Please try again later."
)
NOT_RECORDED_TOLD = " The people who run this bot have been told."
ALERT_STORAGE = (
    "⚠️ Editorial bot: writing to the database failed ({error}). Answers are not being "
    "recorded: check the disk and the database file."
)

# --- groups -------------------------------------------------------------------------------

MODERATORS_ONLY = "Sorry, only the group's admins (or the bot's moderators) can do that."
# Every member's menu in a group; its admins get GROUP_ADMIN_COMMANDS instead.
GROUP_COMMANDS: tuple[tuple[str, str], ...] = (
    ("status", "Where the session is"),
    ("help", "What I do here"),
)
GROUP_HELP = (
    "👋 I run editorial discussions here. An admin starts with /begin, posts each part with "
    "/next (or the Next button) and closes with /end; /begin pace 3m runs a session by "
    "itself, a part every 3 minutes (/pause, /resume). /report and /export send admins the "
    "results privately. For homework: /assign a lesson with a deadline (/assignments lists "
    "them, /timezone sets the group's clock); /settings chooses how the group answers. "
    "Anyone can ask /status. After each debate question I post a digest (/digest off stops "
    "it); /leaderboard on adds scores."
)
GROUP_CHOOSE_LESSON = "📚 Which lesson should this session use?"
GROUP_NO_SUCH_LESSON = "There is no lesson called “{lesson_id}”. Lessons: {available}."
GROUP_ALREADY_RUNNING = (
    "A session of <b>{lesson}</b> is already running. Use /next to go on, or /end to close it."
)
GROUP_SESSION_STARTED = (
    "📚 <b>Discussion session: {lesson}</b>\n{source}\n\n"
    "The editorial comes in {parts}. Answer the quizzes, "
    "tap the buttons, or reply to a question's message; you can also answer privately. "
    "An admin posts each part with <b>Next</b>."
)
GROUP_PARTS_ONE = "one part, followed by questions"
GROUP_PARTS_MANY = "{count} parts, each followed by questions"
GROUP_RESUMED = (
    "▶️ The session of <b>{lesson}</b> goes on. An admin can post the next part with /next."
)
GROUP_NO_SESSION = "No session is running here. An admin can start one with /begin."
GROUP_CANNOT_POST = (
    "⚠️ I could not post everything here. Telegram said: {reason}. What was posted counts; an "
    "admin can check my rights (to send messages and polls) and try again: /next posts the rest."
)
GROUP_PAUSED = "⏸ The session of <b>{lesson}</b> is paused. An admin can resume it with /begin."
# Pop-ups (plain text, at most 200 characters).
GROUP_ALREADY_RUNNING_POPUP = (
    "A session is already running here. Use /next to go on, or /end to close it."
)
GROUP_SESSION_ENDED = "This session has ended."
SESSION_PAUSED = "This session is paused. Answers count again once an admin resumes it with /begin."
GROUP_NEXT_BUTTON = "Next ▸ (admins)"
GROUP_ALREADY_POSTED = "That part is already posted."
GROUP_REPLY_TO_ANSWER = "↩️ <i>Reply to this message with your answer — only replies count.</i>"
GROUP_STANCE_THEN_REPLY = (
    "Pick a stance below, then ↩️ <i>reply to this message with your reason — only replies "
    "count.</i>"
)
GROUP_TAP_ANSWER = "Tap your answer; only you will see whether it is right."
GROUP_TAP_SEVERAL = "Several answers are right: tap each one you choose (tap again to untick)."
GROUP_TAP_LETTER = "Tap the letter of your answer; only you will see whether it is right."
GROUP_TAP_SEVERAL_LETTERS = (
    "Several answers are right: tap the letter of each one you choose (tap again to untick)."
)
GROUP_VOTE_LETTER = "📊 Vote for your answer's letter in the quiz below."
ANSWER_PRIVATELY_BUTTON = "🔒 Answer privately"
GROUP_PICK_RIGHT = "✅ Right!"
GROUP_PICK_WRONG = "❌ Not quite. The right answer: {right}"
GROUP_PICKS_NOW = "Your choice now: {picks}. Tap again to change it."
GROUP_PICKS_NONE = "You have no option ticked now."
# {stance} is filled in as a sentence: with its own full stop, or one added.
GROUP_STANCE_SAVED = "Your stance: {stance} Reply to the question to give your reason."
PRIVATE_STANCE_SAVED = "Your stance: {stance} Now type your reason as a message."
QUESTION_CHANGED = (
    "This question was changed after it was posted (the lesson was edited), and the option "
    "you tapped is no longer one of its answers, so I could not record it."
)
GROUP_QUESTION_CLOSED = "This question is closed: its session has ended."
GROUP_STATUS = "📍 <b>{lesson}</b>\n{where}\nMembers who have answered so far: {members}"
GROUP_STATUS_START = "The session has started; no part is posted yet."
GROUP_STATUS_SECTION = "Part {part} of {parts} is posted."
GROUP_STATUS_QUESTIONS = "The questions of part {part} of {parts} are posted."
GROUP_STATUS_DISCUSSION = "Discussion question {number} of {of} is posted."
GROUP_STATUS_DISCUSSION_DONE = "Every part and question is posted."
GROUP_STATUS_PAUSED = "\n⏸ Paused: an admin can resume it with /begin."
GROUP_END_HEADER = "🏁 <b>Session closed: {lesson}</b>\nParticipants: {participants}"
GROUP_END_CHOICE = "• {prompt}\n  {answered} answered, {right}% right"
GROUP_END_DEBATE = "• {prompt}\n  {split}"
GROUP_END_SHORT = "• {prompt}\n  {answered} answered"
GROUP_END_NO_ANSWERS = "no answers"
GROUP_END_THANKS = "Thank you all! Your answers are saved."

# The group's /settings panel (moderators): one button per setting, showing its value.
SETTINGS_PANEL = "⚙️ <b>Settings for this group</b> — tap one to change it (admins only)."
SETTING_LINE = "• <b>{label}</b>: {about}"
SETTING_BUTTON = "{label}: {value}"
SETTING_CHANGED = "{label}: {value}"  # the pop-up after a change
SETTING_ON = "on"
SETTING_OFF = "off"
SETTING_QUIZ = "Quizzes"
SETTING_QUIZ_POLLS = "polls"
SETTING_QUIZ_BUTTONS = "buttons"
SETTING_QUIZ_ABOUT = (
    "quiz polls (the group can see who voted what), or buttons whose result only the one "
    "who taps sees."
)
SETTING_TYPED = "Typed answers"
SETTING_TYPED_PUBLIC = "replies"
SETTING_TYPED_PRIVATE = "private only"
SETTING_TYPED_ABOUT = (
    "replies in the group, or only privately through 🔒 Answer privately, so no one can copy."
)
SETTING_MODELS = "Model answers"
SETTING_MODELS_ABOUT = "posted after the short questions when the session moves on."
SETTING_TIMEZONE = "Time zone"
SETTING_TIMEZONE_ABOUT = "for homework deadlines."
SETTING_HOW_TZ = "To change it, send /timezone with a place, like /timezone Asia/Seoul."
GROUP_REPLY_PRIVATELY = (
    "🔒 <i>Answer with the button below: typed answers here are private, so no one can copy "
    "them.</i>"
)
GROUP_STANCE_THEN_PRIVATELY = (
    "Pick a stance below, then give your reason with 🔒 <i>Answer privately</i> (typed "
    "answers here are private)."
)
REPLY_PRIVATE_ONLY = (
    "This group takes typed answers privately, so that no one can copy them: your reply was "
    "not counted. Tap 🔒 Answer privately under the question."
)
GROUP_MODEL_ANSWERS = "📝 <b>Model answers</b> to the questions just asked:"
GROUP_MODEL_ANSWER = "• <b>{prompt}</b>\n  <i>{model_answer}</i>"

PRIVATE_ANSWER_FOR_GROUP = (
    "🔒 You are answering privately for the session in <b>{group}</b>. "
    "The group will not see your answer."
)
PRIVATE_ANSWER_SAVED = "✍️ Saved your answer for <b>{group}</b>."
PRIVATE_LINK_CLOSED = "That question is closed: its session has ended."
PRIVATE_LINK_NOT_MEMBER = "This question belongs to a group you are not a member of."

# --- reports, exports, a member's own data ------------------------------------------------

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
CHOOSE_GROUP = "Which group?"
NO_GROUPS = "You don't moderate any group where I have run a session."

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

# --- answering: refusals that reveal nothing, the version cap, deep links -----------------

# A deep link to a session that does not exist, that the person is not in, or whose
# question is not posted yet: one answer for all, so session ids cannot be probed.
PRIVATE_LINK_UNAVAILABLE = (
    "That question is not open to you: it may not be posted in its group yet, or the group "
    "is not one of yours."
)
PRIVATE_LINK_LEFT = "You are no longer in that group, so I could not count this answer there."
VERSIONS_CAPPED = (
    "You have changed this answer many times: I keep its last versions, so from now on "
    "each change replaces your latest one."
)

# --- a user flooding the bot with stray messages (bot/flood.py) ---------------------------

# Sent at most once a minute, instead of a hint for each stray message.
SLOW_DOWN = (
    "🐢 That's a lot of messages at once, so I'll stop replying to each of them for a "
    "minute. An answer to the question in front of you is still saved."
)

# --- a student's and a teacher's walk-through (issue 13): closing a session, reactions to
# group replies, an answer in two messages, /lessons mid-lesson, starting again, self-check

GROUP_END_BUTTON = "🏁 End session (admins)"
GROUP_CONFIRM_END = (
    "🏁 That was the last part of <b>{lesson}</b>. End the session now? Answers stop counting "
    "and I post the results. Until then members can still answer."
)
GROUP_CONFIRM_END_BUTTON = "🏁 Yes, end the session"
GROUP_JUST_CLOSED = (
    "The session of <b>{lesson}</b> closed {ago}; its results are saved. /report sends them "
    "to you privately."
)
JUST_NOW = "just now"
MINUTES_AGO = "{minutes} min ago"

# --- command menus by role, and the grade book (issue 13: defect 9, the xlsx export) -------

MODERATOR_COMMANDS: tuple[tuple[str, str], ...] = (
    *COMMANDS[:-1],
    ("report", "A group's results"),
    ("export", "A group's answers as a file (csv, jsonl, xlsx)"),
    ("dashboard", "Your groups' results as a web page"),
    COMMANDS[-1],
)
GROUP_ADMIN_COMMANDS: tuple[tuple[str, str], ...] = (
    ("begin", "Start a session"),
    ("next", "Post the next part"),
    ("end", "Close the session"),
    ("pause", "Stop a paced session's clock"),
    ("resume", "Start the clock again"),
    ("status", "Where the session is"),
    ("report", "Results, sent to you privately"),
    ("export", "Answers as a file, sent privately"),
    ("assign", "Set a lesson as homework with a deadline"),
    ("assignments", "The open homework"),
    ("timezone", "The group's time zone"),
    ("settings", "Quizzes, typed answers, model answers"),
    ("digest", "Digests of debate answers on or off"),
    ("leaderboard", "Scores: on, off, or the standings"),
    ("language", "The group's language: English or 한국어"),
    ("help", "What I do here"),
)
# /lessons during a lesson: Continue, and where (not "Begin", which reads as "start over").
LESSON_IN_PROGRESS_AT = "▶️ In progress: <b>{lesson}</b> — {where}."
CONTINUE_LESSON_BUTTON = "↩️ Continue"
CONTINUE_NAMED_BUTTON = "↩️ Continue: {title}"
AT_READING = "Part {part} of {parts}, reading"
AT_QUESTION = "Part {part} of {parts}, question {number} of {of}"
AT_DISCUSSION = "Discussion, question {number} of {of}"
WELCOME_BACK_ABOVE = (
    "👋 <b>Welcome back!</b> You are in the middle of <b>{lesson}</b>: you stopped at the "
    "message just above ↑ — go on from there."
)
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
    "version of every answer). For example: /export xlsx all"
)
EXPORT_SCOPE_HISTORY = ", every version"
EXPORT_FILE_ALL_SESSIONS = "all sessions"
CONFIRM_AGAIN = (
    "🔁 Start <b>{lesson}</b> again from the top? Your answers so far are kept, and this "
    "attempt's summary stays above."
)
CONFIRM_AGAIN_BUTTON = "▶️ Yes, start again"
ADDED_TO_ANSWER = "➕ Added to your answer."

# --- Lessons reloaded without a restart: /reload, for BOT_MODERATOR_IDS in a private chat
RELOAD_NOT_ALLOWED = (
    "Only the bot's moderators (BOT_MODERATOR_IDS) can reload the lessons. If you edited a "
    "lesson file, ask one of them."
)
RELOADED = "🔄 <b>Lessons reloaded</b>: {count}."
RELOADED_LESSON = "• {title} (<code>{id}</code>)"
RELOADED_GONE = "No longer offered: {ids}. Walks already in them carry on as after a restart."
RELOAD_KEPT = (
    "⚠️ <b>The lessons were not reloaded</b>: {problems} in the files. The lessons loaded "
    "before are still in use. Fix these, then /reload again:"
)
RELOAD_PROBLEM = "• <code>{where}</code> {message}"
RELOAD_WARNINGS = "Warnings ({count}), which do not stop the lessons:"

# Homework (issue 12): /assign, /assignments, /timezone, Start, the close
# (bot/handlers/assignments.py, bot/homework.py, bot/render/assignments.py).
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
# A group member's reply that was not counted (the reply deletes itself after a minute).
REPLY_SESSION_ENDED = "This session has ended, so your reply was not counted."
REPLY_NOT_A_QUESTION = (
    "Only replies to a question that asks for a written answer count. Reply to that "
    "question's message."
)
REPLY_TEXT_ONLY = "Only text counts as an answer: reply to the question again with words."
REPLY_COMMAND_LIKE = (
    "A reply starting with “/” reads as a command, so it was not counted. Send it again "
    "without the “/”."
)
# /status for a moderator: who has taken part but not answered the part posted last.
GROUP_STATUS_MISSING = "Still to answer (of those taking part): {names}"
GROUP_STATUS_LEFT = "{name} ({left} left)"
GROUP_STATUS_MORE = "and {more} more"
GROUP_STATUS_ALL_ANSWERED = "Everyone taking part has answered these questions."
# The self-check under a model answer (grades: 0 missed it, 1 partly, 2 got it).
SELF_CHECK_ASK = "How does your answer compare?"
SELF_CHECK_LABELS = ("🤔 Missed it", "🤏 Partly", "💡 Got it")
SELF_CHECK_CHOSEN = "✔️ {label}"
SELF_CHECK_NOTED = "Noted: {label}."
PRESS_CONTINUE = "Press <i>Continue ▸</i> above to go on."

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

# --- the moderators' dashboard (issue 17) --------------------------------------------------

# In Telegram (HTML).
DASHBOARD_INTRO = (
    "📊 <b>Your dashboard</b>: the results of the groups you moderate, as a web page — "
    "every question, every typed answer, a grid of who answered what.\n\n"
    "The sign-in link works once, for 10 minutes. Send /dashboard again for a new one."
)
DASHBOARD_NOT_SET_UP = (
    "📊 The dashboard is not switched on for this bot. Ask the person who runs it to set "
    "BOT_DASHBOARD_URL."
)
DASHBOARD_OPEN_BUTTON = "📊 Open dashboard"
DASHBOARD_LINK_BUTTON = "🔗 Sign in with a link"
DASHBOARD_UNDER_REPORT = "📊 The same results, and more, on the dashboard:"

# On the web pages (plain text: the templates escape every value).
DASH_TITLE = "Dashboard"
DASH_SIGNED_IN_AS = "Signed in as {name}"
DASH_SIGN_OUT = "Sign out"
DASH_SIGN_IN_TITLE = "Sign in"
DASH_SIGN_IN_HOW = (
    "Send /dashboard to the bot in a private chat: it answers with a button that opens this "
    "page inside Telegram, and a sign-in link for any browser."
)
DASH_SIGNING_IN = "Signing you in…"
DASH_LINK_USED = (
    "This sign-in link has been used already or is more than 10 minutes old. Send "
    "/dashboard to the bot for a new one."
)
DASH_MINI_APP_REFUSED = (
    "Telegram's sign-in could not be checked (it may be more than an hour old). Close this "
    "page and open the dashboard again from the bot."
)
DASH_TOO_MANY = "Too many sign-in attempts from your network. Wait a minute and try again."
DASH_GROUPS = "Groups you moderate"
DASH_NO_GROUPS = (
    "You moderate no group with sessions or homework here. Group admins see their groups "
    "once the bot has run a session or set homework in them."
)
DASH_NOT_MODERATOR = (
    "You do not moderate this group (any more). Ask one of its admins if you should."
)
DASH_NOT_FOUND = "There is nothing at this address."
DASH_BACK_TO_GROUPS = "All groups"
DASH_SESSIONS = "Sessions"
DASH_ASSIGNMENTS = "Homework"
DASH_NONE_YET = "None yet."
DASH_SESSION = "Session {id}"
DASH_ASSIGNMENT = "Homework {id}"
DASH_STATUS = {
    "active": "running",
    "paused": "paused",
    "finished": "closed",
    "abandoned": "closed",
    "open": "open",
    "closed": "closed",
}
DASH_DUE = "due {when}"
DASH_LATE_TAKEN = "late answers taken"
DASH_PEOPLE = "{count} took part"
DASH_FINISHED_OF = "{done} of {count} finished"
DASH_LIVE = "Live: this page refreshes itself every 10 seconds."
DASH_TAB_OVERVIEW = "Overview"
DASH_TAB_QUESTIONS = "Questions"
DASH_TAB_STUDENTS = "Students"
DASH_PARTICIPANTS = "Participants"
DASH_COMPLETION = "Completion"
DASH_COMPLETED = "{done} of {count} answered every question"
DASH_AVERAGE = "Average score"
DASH_AVERAGE_VALUE = "{average} of {choices} choice questions right"
DASH_NO_CHOICES = "no choice questions"
DASH_LATE = "Late answers"
DASH_LATE_VALUE = "{count} after the deadline"
DASH_NO_ANSWERS = "No answers yet."
DASH_DOWNLOADS = "Downloads"
DASH_DOWNLOAD_CSV = "Answers (CSV)"
DASH_DOWNLOAD_JSONL = "Answers (JSONL)"
DASH_DOWNLOADS_SAME = "The same files as /export sends."
DASH_ANSWERED = "{count} answered"
DASH_RIGHT_OPTION = "right answer"
DASH_FACILITY = "Facility: {share} right"
DASH_DISCRIMINATION = "Discrimination: {value}"
DASH_DISCRIMINATION_NONE = "Discrimination: needs 3 or more students"
DASH_TOP_DISTRACTOR = "Wrong answer chosen most: {option}"
DASH_FLAG_HARD = "⚠ Most students miss this question: is it clear, and is its answer right?"
DASH_FLAG_INVERTED = (
    "⚠ The best students miss this one more often than the others: check its wording and answer."
)
DASH_NO_TYPED = "No typed answers yet."
DASH_STANCES = "Stances"
DASH_REASONS = "Reasons"
DASH_NO_REASON = "No reasons given yet."
DASH_SORT_NAME = "Name"
DASH_SORT_SCORE = "Score"
DASH_SORTED_BY = "Sort by"
DASH_GRID_KEY = "✓ right, ✗ wrong, ✍ typed, a letter: the stance chosen, · no answer"
DASH_SCORE = "{right}/{choices}"
DASH_MEMBER_ANSWERS = "All answers of {name}"
DASH_VERSION = "version {number}"
DASH_WITHDRAWN = "withdrawn"
DASH_CHOSE = "Chose: {options}"
DASH_STANCE = "Stance: {stance}"
DASH_SELF_CHECK = "Own check: {label}"
DASH_RIGHT = "right"
DASH_WRONG = "wrong"
DASH_LATE_MARK = "late"
DASH_TIMES_IN = "Times in {zone}."
DASH_UNTITLED_GROUP = "Group {id}"
DASH_LESSON_GONE = (
    "This lesson ({lesson}) is no longer among the bot's lessons, so its questions cannot be "
    "shown here; /export's file still holds every answer."
)
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


# --- the glossary: 📖 Words under a part, /words, lookups in the report (issue 15) ----------

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
# --- discussion: what others said, digests, opinion shift, the other side (issue 14) -------

REVEAL_HEADER = "👀 <b>What others said</b>"
REVEAL_SPLIT_PART = "{stance} {count}"
REVEAL_REASON = "<b>{stance}</b>: “{reason}” — <i>a classmate</i>"
REVEAL_ANSWER = "“{reason}” — <i>a classmate</i>"
REVEAL_FIRST = "👀 You are the first to answer this one!"
REVEAL_NO_REASONS = "No reasons to show yet."
# In the thanks for a student's first reason (or typed answer): said once.
REVEAL_TOLD = (
    "🔓 After others answer, they may see your reason, <b>never your name</b>. "
    "To keep your reasons to yourself, send /settings."
)
SETTINGS = (
    "⚙️ <b>Settings</b>\n\n"
    "After other students answer a question, I show them a few reasons, without names.\n"
    "Show <b>your</b> reasons too: <b>{state}</b>"
)
SETTINGS_ON = "yes"
SETTINGS_OFF = "no, they stay private"
SETTINGS_HIDE_BUTTON = "🙈 Keep my reasons private"
SETTINGS_SHOW_BUTTON = "👀 Show my reasons (no name)"
SETTINGS_SAVED_HIDDEN = "Done: your reasons are not shown to others."
SETTINGS_SAVED_SHOWN = "Done: your reasons may be shown to others, without your name."

DIGEST_HEADER = "💬 <b>What the group said</b>\n<i>{prompt}</i>"
DIGEST_SPLIT_PART = "{stance} {count}"
DIGEST_STANCE = "<b>{stance}</b>"
DIGEST_REASON = "• <b>{name}</b>: {reason}"
DIGEST_PRIVATE = "🔒 Reasons given privately: {count} (counted, not shown)"
DIGEST_MORE = "… more in /report (admins)."
DIGEST_SWITCHED_ON = (
    "💬 Digests are on: when the session moves past a debate question, I post what the group said."
)
DIGEST_SWITCHED_OFF = "💬 Digests are off for this group. /digest on turns them back on."
DIGEST_USAGE = "Send <code>/digest on</code> or <code>/digest off</code>. Digests are {state} now."
SWITCH_ON = "on"
SWITCH_OFF = "off"

BEFORE_QUESTION = "🧭 <b>Before you read: where do you stand?</b>\n\n{prompt}"
BEFORE_QUESTION_GROUP = (
    "🧭 <b>Before we read: where do you stand?</b>\n\n{prompt}\n\n"
    "<i>Tap a stance now; I ask again after the reading.</i>"
)
BEFORE_CHOSEN = "Before reading: <b>{stance}</b>. I'll ask again after the reading."
# Pop-ups (plain text, at most 200 characters).
BEFORE_NOTED = "Noted: {stance}. I'll ask again after the reading."
BEFORE_KEPT = "You said {stance} before reading; that stays."
SHIFT_MOVED = "↪️ You moved from <b>{before}</b> to <b>{after}</b>."
SHIFT_HELD = "⚓ You held your view: <b>{after}</b>."

COUNTER_ASK = (
    "🔄 <b>One more:</b> what is the strongest argument for the <b>other</b> side? "
    "Type your answer as a message."
)
COUNTER_ASK_OWN = "🔄 <b>One more:</b> {prompt} Type your answer as a message."
COUNTER_SAVED = "✍️ Saved: the other side's best argument."
SUMMARY_COUNTER = "  🔄 Other side: {counter}"
GROUP_OTHER_SIDE = (
    "🔄 <i>And the other side? Reply starting with “{prefix}” with the strongest "
    "argument for the side you did not take.</i>"
)
# What a group reply starts with to be the other side's argument (any case; the English
# one is taken in every language): bot/answering/discussion.py.
OTHER_SIDE_PREFIX = "Other side:"
REPORT_SHIFT = "🧭 Before → after reading: {moves}"
REPORT_SHIFT_MOVE = "{before}→{after} {count}"
REPORT_SHIFT_UNCHANGED = "unchanged {count}"
REPORT_COUNTER = "🔄 Other side: {counter}"
CHART_SHIFT_PANEL = "Before → after reading"
CHART_BEFORE = "Before"
CHART_AFTER = "After"

LEADERBOARD_TOP = "🏆 <b>Top five</b> on the choice questions"
LEADERBOARD_STANDINGS = "🏆 <b>Standings</b> on choice questions, all sessions and homework here"
LEADERBOARD_LINE = "{rank}. {name} — {right} right"
LEADERBOARD_EMPTY = "No choice answers yet."
LEADERBOARD_OFF = "🏆 The leaderboard is off here. An admin can turn it on with /leaderboard on."
LEADERBOARD_SWITCHED_ON = (
    "🏆 Leaderboard on: closing results show the top five, and /leaderboard the standings."
)
LEADERBOARD_SWITCHED_OFF = (
    "🏆 Leaderboard off: no rankings here. Everyone still sees their own score privately."
)
LEADERBOARD_OWN = "🏆 <b>Your scores</b> on choice questions (only you see this)"
LEADERBOARD_OWN_LINE = "• {group}: {right} of {answered} right"
LEADERBOARD_OWN_NONE = "No group answers yet. Each lesson's summary shows your score."
MY_ANSWERS_BEFORE = "🧭 Before reading: {prompt}"
MY_ANSWERS_COUNTER = "🔄 Other side: {prompt}"
NEEDS_WORDS = (
    "🙂 Could you say that in words? Type your reason as a sentence, so others can read it."
)
# --- the reader's language (issue 15): /language, the bot's profile, counted words --------

LANGUAGE_ASK = "🌐 Which language should I write to you in? Now: <b>{language}</b>."
LANGUAGE_ASK_GROUP = (
    "🌐 Which language should I write in here, for everyone in this group? Now: "
    "<b>{language}</b>. Private chats keep each member's own."
)
LANGUAGE_SET = "✅ From now on I write to you in <b>{language}</b>."
LANGUAGE_SET_GROUP = "✅ From now on I write in <b>{language}</b> in this group."
# The bot's profile (set_my_description: at most 512 characters; the short one 120).
DESCRIPTION = (
    "I walk you through a newspaper editorial part by part, ask comprehension and debate "
    "questions, and save every answer. Alone in this chat, or with your study group: add me "
    "to a group and its admins run the discussion. Press Start to begin."
)
SHORT_DESCRIPTION = (
    "Read newspaper editorials part by part and answer questions, alone or in a group."
)
# Counted words (``i18n.plural(count, texts.NAME)``).
COUNT_ANSWERS = Plural("{n} answer", "{n} answers")
COUNT_LESSON_ATTEMPTS = Plural("{n} lesson attempt", "{n} lesson attempts")
COUNT_OTHER_RECORDS = Plural("{n} other record", "{n} other records")
COUNT_TYPED_ANSWERS = Plural("{n} typed answer", "{n} typed answers")
COUNT_ROWS = Plural("{n} row", "{n} rows")
COUNT_PROBLEMS = Plural("{n} problem", "{n} problems")
COUNT_LESSONS = Plural("{n} lesson", "{n} lessons")
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

# Last: ``texts.NAME`` now answers in the current reader's language (bot/i18n.py).
translate_module(__name__)
# --- paced sessions: /begin … pace 3m (issue 12) -----------------------------------------

# Added under a paced session's opening message; {pace} as typed after "pace" (3m, 45s).
PACE_STARTED = (
    "\n\n⏱ This session runs by itself: a new part every <b>{pace}</b>. Quizzes count down, "
    "and each question closes when its time is up. Admins: /next posts the next part "
    "sooner, /pause stops the clock, /resume starts it again."
)
# A pace over 10 minutes: the parts come by themselves, the questions stay open.
PACE_STARTED_OPEN = (
    "\n\n⏱ This session runs by itself: a new part every <b>{pace}</b>. Admins: /next posts "
    "the next part sooner, /pause stops the clock, /resume starts it again."
)
# Under a paced question (not a quiz poll, which shows Telegram's own countdown).
PACE_CLOSES = "⏱ Closes at {time}."
QUESTION_TIME_UP = "⏱ Time was up for this question, so this answer was not counted."
PACE_MISSING = "⏱ Say how long each part stays after “pace”: /begin pace 3m, or /begin pace 45s."
PACE_UNREADABLE = "⏱ I can't read “{typed}” as a pace. Try /begin pace 3m, or /begin pace 45s."
PACE_TOO_SHORT = (
    "⏱ “{typed}” is too quick: a pace is at least 5s. Try /begin pace 3m, or /begin pace 45s."
)
PACE_TOO_LONG = (
    "⏱ “{typed}” is too long: a pace is at most 1 day. Try /begin pace 3m, or /begin pace 45s."
)
PACE_TOO_FAST = (
    "⏱ At a pace of {pace}, <b>{lesson}</b> would send the group more messages a minute "
    "than Telegram allows (20). Choose a pace of at least {fastest}: "
    "/begin {lesson_id} pace {fastest}"
)
PACE_STOPPED = (
    "⏸ The clock is stopped: no part comes by itself until /resume. /next still posts the "
    "next part."
)
PACE_ALREADY_STOPPED = "⏸ The clock is stopped already. /resume starts it again."
PACE_RESUMED = "▶️ The clock runs again: the next part comes at {time}, then every {pace}."
PACE_RUNNING = "⏱ The clock is running: the next part comes at {time}."
PACE_NONE = (
    "This session moves on only with /next: it has no clock. To run one by itself, begin it "
    "with a pace: /begin pace 3m."
)
GROUP_STATUS_PACE = "\n⏱ Next part at {time} (every {pace})."
GROUP_STATUS_PACE_STOPPED = "\n⏸ The clock is stopped (/resume starts it)."
